// lib/clock directly: due dates over suspensions, counted days, and the instants at which a light turns
// yellow and red (docs/contract.md §13), on the official calendar with the dates of docs/worked_examples.md.
#include <gtest/gtest.h>

#include "clock/legal_clock.hpp"

namespace permitflow {
namespace {

constexpr int kBeijing = 480;

const WorkingCalendar& cal() {
  static const WorkingCalendar c = WorkingCalendar::official();
  return c;
}
Date D(const char* s) { return Date::parse(s); }
Instant midnight(const char* day, int offset = kBeijing) { return Instant::start_of_day(D(day), offset); }
LegalClock clock_of(const char* start, int days, std::vector<DateRange> suspensions = {}) {
  return LegalClock{D(start), days, std::move(suspensions)};
}

TEST(DueDate, CountsFromTheDayAfterStartOnTheOfficialCalendar) {
  EXPECT_EQ(due_date(clock_of("2026-09-28", 5), cal()).date, D("2026-10-10"));  // a swapped Saturday
  EXPECT_EQ(due_date(clock_of("2026-09-18", 20), cal()).date, D("2026-10-22"));
}

TEST(DueDate, SkipsTheSuspendedWorkingDays) {
  const LegalClock t09 = clock_of("2026-06-01", 20, {{D("2026-06-08"), D("2026-06-12")}});
  EXPECT_EQ(due_date(t09, cal()).date, D("2026-07-07"));
  const LegalClock t05 = clock_of("2026-03-02", 20, {{D("2026-03-10"), D("2026-03-25")}});
  EXPECT_EQ(due_date(t05, cal()).date, D("2026-04-16"));
}

TEST(CountedWorkingDays, LeaveOutSuspensionsAndStopAtTheDue) {
  const LegalClock t05 = clock_of("2026-03-02", 20, {{D("2026-03-10"), D("2026-03-25")}});
  EXPECT_EQ(counted_working_days(t05, D("2026-04-16"), cal()), 20);
  EXPECT_EQ(counted_working_days(t05, D("2026-03-09"), cal()), 5);  // 03-03 … 03-09
  EXPECT_EQ(counted_working_days(t05, D("2026-03-25"), cal()), 5);  // 03-10 … 03-25 not counted
  EXPECT_EQ(counted_working_days(t05, D("2026-03-02"), cal()), 0);  // the start itself
  EXPECT_EQ(counted_working_days(t05, D("2026-02-27"), cal()), 0);  // before the start
}

TEST(YellowAt, IsMidnightOfTheFirstDayWithAtMostTheWarningLeft) {
  const LegalClock t13 = clock_of("2026-09-28", 5);
  const Date due = D("2026-10-10");
  EXPECT_EQ(yellow_at(t13, due, 2, cal(), kBeijing), midnight("2026-10-09"));  // 10-09 and 10-10 left
  EXPECT_EQ(yellow_at(t13, due, 1, cal(), kBeijing), midnight("2026-10-10"));
  // With 3: on the first holiday, 10-01, only 10-08, 10-09 and 10-10 are left.
  EXPECT_EQ(yellow_at(t13, due, 3, cal(), kBeijing), midnight("2026-10-01"));
}

TEST(YellowAt, NeverBeforeTheDayAfterStart) {
  const LegalClock shortest = clock_of("2026-03-02", 2);
  EXPECT_EQ(yellow_at(shortest, D("2026-03-04"), 2, cal(), kBeijing), midnight("2026-03-03"));
  EXPECT_EQ(yellow_at(shortest, D("2026-03-04"), 5, cal(), kBeijing), midnight("2026-03-03"));
}

TEST(YellowAt, CountsOverASuspension) {
  const LegalClock t05 = clock_of("2026-03-02", 20, {{D("2026-03-10"), D("2026-03-25")}});
  EXPECT_EQ(yellow_at(t05, D("2026-04-16"), 2, cal(), kBeijing), midnight("2026-04-15"));
}

TEST(YellowAt, FollowsADueCappedBelowTheClocksOwn) {
  // A renewal is due at the old permit's expiry when that comes first: warn for that due. From Saturday
  // 03-07 only 03-09 and 03-10 are left.
  const LegalClock renewal = clock_of("2026-03-02", 20);
  EXPECT_EQ(yellow_at(renewal, D("2026-03-10"), 2, cal(), kBeijing), midnight("2026-03-07"));
}

TEST(YellowAt, UsesTheBureausZone) {
  const LegalClock t13 = clock_of("2026-09-28", 5);
  EXPECT_EQ(yellow_at(t13, D("2026-10-10"), 2, cal(), 0), midnight("2026-10-09", 0));
  EXPECT_EQ(midnight("2026-10-09", 0).epoch_seconds() - midnight("2026-10-09").epoch_seconds(), 8 * 3600);
}

TEST(RedAt, IsMidnightAfterTheDueEvenOnASunday) {
  EXPECT_EQ(red_at(D("2026-10-10"), kBeijing), midnight("2026-10-11"));  // Sunday
  EXPECT_EQ(red_at(D("2026-10-10"), kBeijing).to_rfc3339(kBeijing), "2026-10-11T00:00:00+08:00");
  EXPECT_EQ(red_at(D("2026-12-31"), kBeijing), midnight("2027-01-01"));
  EXPECT_EQ(red_at(D("2026-10-10"), 0).to_rfc3339(0), "2026-10-11T00:00:00Z");
}

TEST(LightAt, ChangesExactlyAtTheInstants) {
  const Instant yellow = midnight("2026-10-09");
  const Instant red = midnight("2026-10-11");
  EXPECT_EQ(light_at(yellow.plus_seconds(-1), yellow, red), Light::green);
  EXPECT_EQ(light_at(yellow, yellow, red), Light::yellow);
  EXPECT_EQ(light_at(red.plus_seconds(-1), yellow, red), Light::yellow);
  EXPECT_EQ(light_at(red, yellow, red), Light::red);
}

TEST(SuspensionExpectedEnd, CountsBothEnds) {
  EXPECT_EQ(suspension_expected_end(D("2026-03-10"), 12, cal()), D("2026-03-25"));
  EXPECT_EQ(suspension_expected_end(D("2026-06-08"), 5, cal()), D("2026-06-12"));
  EXPECT_EQ(suspension_expected_end(D("2026-06-08"), 0, cal()), D("2026-06-08"));
}

}  // namespace
}  // namespace permitflow
