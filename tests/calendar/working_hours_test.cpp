// Working-hour arithmetic (工作时) on the official calendar with the bureau's office hours: exact instants
// across lunch breaks, evenings, weekends, the 2026 National Day holiday and its swapped workdays.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "permitflow/calendar.hpp"
#include "permitflow/error.hpp"

namespace permitflow {
namespace {

Instant T(const char* s) { return Instant::parse_rfc3339(s); }
std::string S(Instant t) { return t.to_rfc3339(480); }

class WorkingHoursTest : public ::testing::Test {
 protected:
  WorkingCalendar cal = WorkingCalendar::official();
  OfficeHours hours = OfficeHours::standard();
  std::string plus_hours(const char* start, int h) { return S(add_working_hours(cal, hours, T(start), h)); }
  std::string plus_minutes(const char* start, int m) {
    return S(add_working_minutes(cal, hours, T(start), m));
  }
};

TEST_F(WorkingHoursTest, NationalDayExampleHoursBetween) {
  // The example counted back: 1.5 h on Wed 30 Sep, the holiday, 2.5 h on Thu 8 Oct.
  EXPECT_EQ(working_hours_between(cal, hours, T("2026-09-30T16:00:00+08:00"), T("2026-10-08T11:00:00+08:00")),
            4.0);
}

/// One working-hour addition: `start` plus `amount` working hours (or minutes) is due at `due`.
struct Addition {
  const char* name;
  const char* start;
  int amount;
  bool minutes;  // `amount` is in minutes (add_working_minutes), else hours (add_working_hours)
  const char* due;
};

class WorkingHoursAddition : public WorkingHoursTest, public ::testing::WithParamInterface<Addition> {};

TEST_P(WorkingHoursAddition, IsDueAtTheExpectedInstant) {
  const Addition& a = GetParam();
  EXPECT_EQ(a.minutes ? plus_minutes(a.start, a.amount) : plus_hours(a.start, a.amount), a.due);
}

constexpr bool kHours = false, kMinutes = true;

INSTANTIATE_TEST_SUITE_P(
    OfficialCalendar, WorkingHoursAddition,
    ::testing::Values(
        // The example: 16:00–17:30 on Wed 30 Sep (1.5 h), Oct 1–7 holiday, then 08:30–11:00 on
        // Thu 8 Oct (2.5 h).
        Addition{"NationalDayExampleOfTheIssue", "2026-09-30T16:00:00+08:00", 4, kHours,
                 "2026-10-08T11:00:00+08:00"},
        // Sat 10 Oct 2026 is a swapped workday (调休); Sun 11 Oct is not. Fri 9 Oct 15:00 + 4 h: 2.5 h
        // Friday, 1.5 h Saturday morning.
        Addition{"SwappedWorkdayAfterHoliday", "2026-10-09T15:00:00+08:00", 4, kHours,
                 "2026-10-10T10:00:00+08:00"},
        // Sun 20 Sep 2026 is a swapped workday before the holiday.
        Addition{"SwappedWorkdayBeforeHoliday", "2026-09-19T10:00:00+08:00", 2, kHours,
                 "2026-09-20T10:30:00+08:00"},
        // A start inside the holiday counts from the first office period after it.
        Addition{"StartInsideHoliday", "2026-10-03T09:00:00+08:00", 1, kHours, "2026-10-08T09:30:00+08:00"},
        // The lunch break is not counted.
        Addition{"LunchBreakHours", "2026-12-07T11:00:00+08:00", 2, kHours, "2026-12-07T15:00:00+08:00"},
        Addition{"LunchBreakMinutes", "2026-12-07T12:30:00+08:00", 30, kMinutes, "2026-12-07T14:30:00+08:00"},
        // A limit ending at a close is due at the close.
        Addition{"EndsAtMorningCloseHours", "2026-12-07T08:30:00+08:00", 3, kHours,
                 "2026-12-07T11:30:00+08:00"},
        Addition{"EndsAtLunchCloseMinutes", "2026-12-07T08:30:00+08:00", 210, kMinutes,
                 "2026-12-07T12:00:00+08:00"},
        Addition{"EndsAtEveningCloseMinutes", "2026-12-07T08:30:00+08:00", 420, kMinutes,
                 "2026-12-07T17:30:00+08:00"},
        // Evening and weekend starts count from the next opening.
        Addition{"EveningStart", "2026-12-07T19:00:00+08:00", 1, kHours, "2026-12-08T09:30:00+08:00"},
        Addition{"EarlyMorningStart", "2026-12-07T06:00:00+08:00", 1, kHours, "2026-12-07T09:30:00+08:00"},
        // Fri 11 Dec 17:00 + 2 h: 0.5 h Friday, weekend skipped, 1.5 h Monday.
        Addition{"AcrossTheWeekend", "2026-12-11T17:00:00+08:00", 2, kHours, "2026-12-14T10:00:00+08:00"},
        // 14 h = two full office days from Monday's opening: due at Tuesday's close.
        Addition{"TwoWholeDays", "2026-12-07T08:30:00+08:00", 14, kHours, "2026-12-08T17:30:00+08:00"},
        // 70 h = ten office days from Monday 08:30 → Friday 18 Dec close.
        Addition{"TenWholeDays", "2026-12-07T08:30:00+08:00", 70, kHours, "2026-12-18T17:30:00+08:00"},
        // Across New Year 2027 (not loaded: Jan 1 is a fixed holiday; Jan 2–3 a weekend).
        Addition{"AcrossNewYear", "2026-12-31T16:30:00+08:00", 2, kHours, "2027-01-04T09:30:00+08:00"}),
    [](const ::testing::TestParamInfo<Addition>& info) { return std::string(info.param.name); });

TEST_F(WorkingHoursTest, ZeroReturnsTheStartAndNegativeIsRefused) {
  EXPECT_EQ(plus_hours("2026-12-06T22:00:00+08:00", 0), "2026-12-06T22:00:00+08:00");
  EXPECT_THROW(add_working_hours(cal, hours, T("2026-12-07T09:00:00+08:00"), -1), Error);
  EXPECT_THROW(add_working_minutes(cal, hours, T("2026-12-07T09:00:00+08:00"), -5), Error);
}

TEST_F(WorkingHoursTest, HoursBetweenCountsOnlyOfficeTime) {
  EXPECT_EQ(
      working_minutes_between(cal, hours, T("2026-12-07T11:00:00+08:00"), T("2026-12-07T15:00:00+08:00")),
      120);
  // Friday 17:00 to Monday 10:00: 30 + 90 minutes.
  EXPECT_EQ(
      working_minutes_between(cal, hours, T("2026-12-11T17:00:00+08:00"), T("2026-12-14T10:00:00+08:00")),
      120);
  // A whole week of office days: 5 × 420 minutes.
  EXPECT_EQ(
      working_minutes_between(cal, hours, T("2026-12-07T00:00:00+08:00"), T("2026-12-14T00:00:00+08:00")),
      2100);
  EXPECT_EQ(
      working_minutes_between(cal, hours, T("2026-12-14T00:00:00+08:00"), T("2026-12-07T00:00:00+08:00")), 0);
  EXPECT_EQ(working_hours_between(cal, hours, T("2026-12-07T08:30:00+08:00"), T("2026-12-07T10:00:00+08:00")),
            1.5);
}

TEST_F(WorkingHoursTest, AddAndBetweenAgreeOverAMonthOfStarts) {
  // Property over the holiday month: counting back the hours added gives the hours added.
  Instant start = T("2026-09-24T07:15:00+08:00");
  for (int i = 0; i < 200; ++i) {
    const int minutes = 15 + (i * 37) % 900;
    const Instant due = add_working_minutes(cal, hours, start, minutes);
    EXPECT_EQ(working_minutes_between(cal, hours, start, due), minutes) << S(start) << " + " << minutes;
    start = start.plus_seconds(3 * 3600 + 17 * 60);
  }
}

TEST_F(WorkingHoursTest, CloseOfBusinessIsTheLastPeriodsEnd) {
  EXPECT_EQ(S(close_of_business(hours, Date::parse("2026-10-08"))), "2026-10-08T17:30:00+08:00");
  const OfficeHours summer({{8 * 60, 12 * 60}, {14 * 60 + 30, 18 * 60}}, 480);
  EXPECT_EQ(S(close_of_business(summer, Date::parse("2026-07-01"))), "2026-07-01T18:00:00+08:00");
  EXPECT_EQ(S(add_working_hours(cal, summer, T("2026-07-01T17:00:00+08:00"), 2)),
            "2026-07-02T09:00:00+08:00");
}

TEST_F(WorkingHoursTest, OfficeHoursParseAndRefuseBadPeriods) {
  const std::vector<std::string> ok{"08:30-12:00", "14:00-17:30"};
  const OfficeHours parsed = OfficeHours::parse(ok, 480);
  EXPECT_EQ(parsed.periods(), hours.periods());
  EXPECT_EQ(parsed.minutes_per_day(), 420);
  EXPECT_EQ(parsed.to_strings(), ok);
  for (const std::vector<std::string>& bad : {std::vector<std::string>{"8:30-12:00"},
                                              {"08:30-08:30"},
                                              {"14:00-17:30", "08:30-12:00"},
                                              {"08:30-12:00", "11:00-13:00"},
                                              {"08:70-12:00"},
                                              {"08:30-25:00"},
                                              {}}) {
    EXPECT_THROW(OfficeHours::parse(bad, 480), Error) << (bad.empty() ? "(none)" : bad.front());
  }
  try {
    OfficeHours::parse(std::vector<std::string>{"8:30-12:00"}, 480);
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("8:30-12:00"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace permitflow
