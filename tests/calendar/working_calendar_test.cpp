// The working-day calendar against an independent day-by-day reference built from docs/calendar.md, the
// worked dates of docs/worked_examples.md, provisional marking, merging and the refusal of bad calendar
// files.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "calendar/print.hpp"
#include "permitflow/calendar.hpp"
#include "permitflow/error.hpp"

namespace permitflow {
namespace {

Date D(const char* s) { return Date::parse(s); }

// --- the reference: the raw tables of the State Council notices (docs/calendar.md), walked one day at a time
// ------------------------------

struct RawRange {
  const char* from;
  const char* to;
};
// The 2025 notice (国办发明电〔2024〕12号) and the 2026 one (国务院办公厅关于2026年部分节假日安排的通知).
constexpr std::array<RawRange, 13> kRawHolidays{{
    {"2025-01-01", "2025-01-01"},
    {"2025-01-28", "2025-02-04"},
    {"2025-04-04", "2025-04-06"},
    {"2025-05-01", "2025-05-05"},
    {"2025-05-31", "2025-06-02"},
    {"2025-10-01", "2025-10-08"},
    {"2026-01-01", "2026-01-03"},
    {"2026-02-15", "2026-02-23"},
    {"2026-04-04", "2026-04-06"},
    {"2026-05-01", "2026-05-05"},
    {"2026-06-19", "2026-06-21"},
    {"2026-09-25", "2026-09-27"},
    {"2026-10-01", "2026-10-07"},
}};
constexpr std::array<const char*, 11> kRawWorkdays{{"2025-01-26", "2025-02-08", "2025-04-27", "2025-09-28",
                                                    "2025-10-11", "2026-01-04", "2026-02-14", "2026-02-28",
                                                    "2026-05-09", "2026-09-20", "2026-10-10"}};

bool ref_working(Date d, bool have2026 = true) {
  const int y = d.year();
  const bool loaded = y == 2025 || (y == 2026 && have2026);
  if (!loaded) {
    const unsigned m = d.month(), day = d.day();
    if ((m == 1 && day == 1) || (m == 5 && day <= 2) || (m == 10 && day <= 3)) return false;
    return d.iso_weekday() <= 5;
  }
  for (const auto& h : kRawHolidays) {
    if (D(h.from) <= d && d <= D(h.to)) return false;
  }
  for (const char* w : kRawWorkdays) {
    if (D(w) == d) return true;
  }
  return d.iso_weekday() <= 5;
}

Date ref_add(Date start, int n) {
  Date d = start;
  while (n > 0) {
    d = d + 1;
    if (ref_working(d)) --n;
  }
  return d;
}

Date ref_add_excluding(Date start, int n, const std::vector<DateRange>& excluded) {
  Date d = start;
  while (n > 0) {
    d = d + 1;
    bool skip = false;
    for (const auto& r : excluded) skip = skip || r.contains(d);
    if (ref_working(d) && !skip) --n;
  }
  return d;
}

const WorkingCalendar& cal() {
  static const WorkingCalendar c = WorkingCalendar::official();
  return c;
}

void expect_invalid(auto&& f, const std::vector<std::string>& needles = {}) {
  try {
    f();
    FAIL() << "no exception";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::invalid_argument) << e.what();
    for (const auto& n : needles) EXPECT_NE(std::string(e.what()).find(n), std::string::npos) << e.what();
  }
}

// --- exhaustive check against the reference ----------------------------------------------------------

TEST(WorkingCalendar, EveryDayMatchesTheReference) {
  for (Date d = D("2024-12-01"); d <= D("2027-01-31"); d = d + 1) {
    EXPECT_EQ(cal().is_working_day(d), ref_working(d)) << d.to_string();
  }
}

TEST(WorkingCalendar, EveryStartAndCountUpTo60MatchesTheReference) {
  int checked = 0;
  for (Date start = D("2025-01-01"); start <= D("2026-12-31"); start = start + 1) {
    Date expected = start;
    for (int n = 0; n <= 60; ++n) {
      if (n > 0) expected = ref_add(expected, 1);
      const WorkingDate got = cal().add_working_days(start, n);
      ASSERT_EQ(got.date, expected) << start.to_string() << " + " << n;
      ASSERT_EQ(got.provisional, expected.year() > 2026) << start.to_string() << " + " << n;
      // Counting is the inverse of adding: n working days in (start, result].
      ASSERT_EQ(cal().working_days_between(start + 1, got.date), n) << start.to_string() << " + " << n;
      ++checked;
    }
  }
  EXPECT_EQ(checked, 730 * 61);
  // Spot-check the independent walker itself on a scenario date.
  EXPECT_EQ(ref_add(D("2026-09-18"), 20), D("2026-10-22"));
}

TEST(WorkingCalendar, ExcludedRangesMatchTheReference) {
  const std::vector<std::vector<DateRange>> cases = {
      {{D("2026-03-10"), D("2026-03-25")}},
      {{D("2026-06-08"), D("2026-06-12")}},
      {{D("2026-09-01"), D("2026-09-03")}, {D("2026-09-20"), D("2026-10-12")}},
      // unsorted, overlapping, adjacent and reaching before the start
      {{D("2026-05-10"), D("2026-05-20")},
       {D("2026-01-01"), D("2026-02-02")},
       {D("2026-05-15"), D("2026-05-25")},
       {D("2026-05-26"), D("2026-05-27")},
       {D("2026-07-01"), D("2026-07-01")}},
      {{D("2025-12-20"), D("2026-01-10")}},
  };
  for (const auto& excluded : cases) {
    for (Date start = D("2025-11-01"); start <= D("2026-10-31"); start = start + 3) {
      for (int n : {0, 1, 2, 5, 10, 20, 45, 60}) {
        const WorkingDate got = cal().add_working_days(start, n, excluded);
        ASSERT_EQ(got.date, ref_add_excluding(start, n, excluded)) << start.to_string() << " + " << n;
      }
    }
  }
}

// --- checksums of docs/calendar.md ------------------------------------------------------------------

TEST(WorkingCalendar, YearlyAndMonthlyChecksums) {
  EXPECT_EQ(cal().working_days_between(D("2025-01-01"), D("2025-12-31")), 248);
  EXPECT_EQ(cal().working_days_between(D("2026-01-01"), D("2026-12-31")), 248);
  const std::array<int, 12> m2025{19, 19, 21, 22, 19, 20, 23, 21, 23, 18, 20, 23};
  const std::array<int, 12> m2026{21, 16, 22, 21, 19, 21, 23, 21, 22, 18, 21, 23};
  for (unsigned m = 1; m <= 12; ++m) {
    const Date first25 = Date::from_ymd(2025, m, 1);
    const Date first26 = Date::from_ymd(2026, m, 1);
    EXPECT_EQ(cal().working_days_between(first25, add_months(first25, 1) - 1), m2025[m - 1]) << "2025-" << m;
    EXPECT_EQ(cal().working_days_between(first26, add_months(first26, 1) - 1), m2026[m - 1]) << "2026-" << m;
  }
  EXPECT_EQ(cal().working_days_between(D("2026-02-01"), D("2026-01-31")), 0);
  EXPECT_EQ(cal().working_days_between(D("2026-09-20"), D("2026-09-20")), 1);
  EXPECT_EQ(cal().working_days_between(D("2026-09-19"), D("2026-09-19")), 0);
}

// --- docs/worked_examples.md
// ----------------------------------------------------------------------------------

void expect_add(const char* start, int n, const char* due) {
  const WorkingDate got = cal().add_working_days(D(start), n);
  EXPECT_EQ(got.date.to_string(), due) << start << " + " << n;
  EXPECT_FALSE(got.provisional) << start << " + " << n;
}

TEST(WorkingCalendar, Scenarios) {
  // T01
  expect_add("2026-09-18", 5, "2026-09-24");
  expect_add("2026-09-18", 20, "2026-10-22");
  expect_add("2026-09-18", 30, "2026-11-05");
  expect_add("2026-10-22", 10, "2026-11-05");
  // T02
  expect_add("2026-02-13", 5, "2026-02-27");
  expect_add("2026-02-13", 20, "2026-03-19");
  expect_add("2026-02-13", 1, "2026-02-14");
  expect_add("2026-02-13", 2, "2026-02-24");
  // T04
  expect_add("2026-04-30", 5, "2026-05-11");
  expect_add("2026-04-30", 20, "2026-06-01");
  // T05
  expect_add("2026-03-02", 20, "2026-03-30");
  expect_add("2026-03-02", 10, "2026-03-16");
  expect_add("2026-03-10", 5, "2026-03-17");
  expect_add("2026-03-13", 20, "2026-04-13");
  EXPECT_EQ(cal().working_days_between(D("2026-03-10"), D("2026-03-25")), 12);
  const std::vector<DateRange> hearing{{D("2026-03-10"), D("2026-03-25")}};
  EXPECT_EQ(cal().add_working_days(D("2026-03-02"), 20, hearing).date, D("2026-04-16"));
  EXPECT_EQ(cal().add_working_days(D("2026-03-02"), 10, hearing).date, D("2026-04-01"));
  // T09
  expect_add("2026-06-01", 20, "2026-06-30");
  const std::vector<DateRange> testing{{D("2026-06-08"), D("2026-06-12")}};
  EXPECT_EQ(cal().add_working_days(D("2026-06-01"), 20, testing).date, D("2026-07-07"));
  EXPECT_EQ(cal().add_working_days(D("2026-06-01"), 30, testing).date, D("2026-07-21"));
  expect_add("2026-07-07", 10, "2026-07-21");
  expect_add("2026-07-21", 10, "2026-08-04");
  // T13
  expect_add("2026-09-28", 5, "2026-10-10");
  expect_add("2026-09-28", 20, "2026-10-30");
  EXPECT_EQ(cal().working_days_between(D("2026-10-08"), D("2026-10-10")), 3);
  EXPECT_EQ(cal().working_days_between(D("2026-10-09"), D("2026-10-10")), 2);
  // T14
  expect_add("2025-12-29", 5, "2026-01-06");
  expect_add("2025-12-29", 20, "2026-01-27");
  // T15
  EXPECT_EQ(cal().working_day_on_or_after(D("2026-03-07")), D("2026-03-09"));
  EXPECT_EQ(cal().working_day_on_or_after(D("2026-03-09")), D("2026-03-09"));
  EXPECT_EQ(cal().working_day_on_or_after(D("2026-09-20")), D("2026-09-20"));  // 调休 Sunday
  EXPECT_EQ(cal().next_working_day(D("2026-09-30")), D("2026-10-08"));
  expect_add("2026-03-09", 5, "2026-03-16");
  expect_add("2026-03-09", 20, "2026-04-07");
  // Past the loaded years.
  const WorkingDate late = cal().add_working_days(D("2026-12-15"), 20);
  EXPECT_EQ(late.date, D("2027-01-13"));
  EXPECT_TRUE(late.provisional);
}

// --- provisional marking and merging ---------------------------------------------------------------------

constexpr const char* k2025Only = R"({"years": [{"year": 2025, "holidays": [
  {"name": "元旦", "from": "2025-01-01", "to": "2025-01-01"},
  {"name": "春节", "from": "2025-01-28", "to": "2025-02-04"},
  {"name": "清明节", "from": "2025-04-04", "to": "2025-04-06"},
  {"name": "劳动节", "from": "2025-05-01", "to": "2025-05-05"},
  {"name": "端午节", "from": "2025-05-31", "to": "2025-06-02"},
  {"name": "国庆节、中秋节", "from": "2025-10-01", "to": "2025-10-08"}],
  "workdays": [{"date": "2025-01-26"}, {"date": "2025-02-08"}, {"date": "2025-04-27"}, {"date": "2025-09-28"},
               {"date": "2025-10-11"}]}]})";

TEST(WorkingCalendar, ProvisionalOutsideLoadedYearsAndMerge) {
  const WorkingCalendar only2025 = WorkingCalendar::from_json(k2025Only, "2025-only.json");
  EXPECT_EQ(only2025.loaded_years(), std::vector<int>{2025});
  EXPECT_TRUE(only2025.is_loaded(2025));
  EXPECT_FALSE(only2025.is_loaded(2026));
  // T14 with only 2025: weekends + Jan 1 only, so 01-02 counts and 01-04 (Sun) does not.
  WorkingDate a = only2025.add_working_days(D("2025-12-29"), 5);
  EXPECT_TRUE(a.provisional);
  EXPECT_EQ(a.date, D("2026-01-06"));  // 12-30, 12-31, 01-02, 01-05, 01-06
  WorkingDate b = only2025.add_working_days(D("2025-12-29"), 20);
  EXPECT_TRUE(b.provisional);
  EXPECT_EQ(b.date, D("2026-01-27"));
  // Inside 2025 nothing is provisional.
  EXPECT_FALSE(only2025.add_working_days(D("2025-12-01"), 20).provisional);
  EXPECT_EQ(only2025.add_working_days(D("2025-12-01"), 20), cal().add_working_days(D("2025-12-01"), 20));
  // Provisional exactly when the count runs into 2026, whichever day of 2025 it starts from (the year of each
  // end is looked up in a table, not converted from the date).
  for (Date start = D("2025-12-01"); start <= D("2025-12-31"); start = start + 1) {
    for (int n = 1; n <= 25; ++n) {
      const WorkingDate got = only2025.add_working_days(start, n);
      ASSERT_EQ(got.provisional, got.date.year() > 2025 || (start + 1).year() > 2025)
          << start.to_string() << " + " << n;
    }
  }
  // The provisional year treats only the fixed-date holidays as off.
  EXPECT_FALSE(only2025.is_working_day(D("2026-01-01")));
  EXPECT_TRUE(only2025.is_working_day(D("2026-01-02")));
  EXPECT_FALSE(only2025.is_working_day(D("2026-01-04")));
  EXPECT_FALSE(only2025.is_working_day(D("2026-05-01")));
  EXPECT_TRUE(only2025.is_working_day(D("2026-05-05")));
  EXPECT_FALSE(only2025.is_working_day(D("2026-10-02")));
  EXPECT_TRUE(only2025.is_working_day(D("2026-10-05")));  // a Monday, only the fixed dates are known
  EXPECT_FALSE(only2025.is_working_day(D("2026-10-03")));
  // A provisional year before the loaded ones.
  EXPECT_TRUE(only2025.add_working_days(D("2024-12-20"), 5).provisional);
  EXPECT_FALSE(only2025.add_working_days(D("2024-12-31"), 5).provisional);  // (start, result] is in 2025
  EXPECT_FALSE(only2025.add_working_days(D("2027-06-01"), 0).provisional);  // n = 0: nothing computed

  // Loading 2026 over it: T14 is exact again.
  const WorkingCalendar merged = only2025.merged_with(cal());
  EXPECT_EQ(merged.loaded_years(), (std::vector<int>{2025, 2026}));
  EXPECT_EQ(merged.add_working_days(D("2025-12-29"), 5), (WorkingDate{D("2026-01-06"), false}));
  EXPECT_EQ(merged.add_working_days(D("2025-12-29"), 20), (WorkingDate{D("2026-01-27"), false}));
  // merged_with replaces a year wholesale; the official 2025 and the 2025-only file differ only in names.
  const WorkingCalendar replaced = cal().merged_with(only2025);
  EXPECT_EQ(replaced.loaded_years(), (std::vector<int>{2025, 2026}));
  for (Date d = D("2025-01-01"); d <= D("2026-12-31"); d = d + 1) {
    ASSERT_EQ(replaced.is_working_day(d), cal().is_working_day(d)) << d.to_string();
  }
  EXPECT_NE(replaced.version(), cal().version());  // the names of the workdays' holidays were dropped
  EXPECT_EQ(merged.version(), cal().version());    // 2026 and 2025 both came from the official file
}

TEST(WorkingCalendar, MergedYearReplacesTheOldOne) {
  // A host's 2026 file that makes 2026-12-24 a holiday.
  const auto extra = WorkingCalendar::from_json(
      R"({"years": [{"year": 2026, "holidays": [{"name": "test", "from": "2026-12-24", "to": "2026-12-24"}],
          "workdays": []}]})",
      "host.json");
  const WorkingCalendar merged = cal().merged_with(extra);
  EXPECT_FALSE(merged.is_working_day(D("2026-12-24")));
  EXPECT_TRUE(merged.is_working_day(D("2026-10-05")));  // the official 2026 holidays are gone with it
  EXPECT_TRUE(merged.is_working_day(D("2025-10-08")) == cal().is_working_day(D("2025-10-08")));
  EXPECT_TRUE(cal().is_working_day(D("2026-12-24")));  // the original is unchanged
}

// --- version, canonical JSON, copies ------------------------------------------------------------------

TEST(WorkingCalendar, CanonicalJsonAndVersion) {
  const WorkingCalendar a = WorkingCalendar::official();
  EXPECT_EQ(a.version().size(), 64u);
  EXPECT_EQ(a.version(), WorkingCalendar::official().version());
  const WorkingCalendar b = WorkingCalendar::from_json(a.to_json(), "round-trip");
  EXPECT_EQ(b.to_json(), a.to_json());
  EXPECT_EQ(b.version(), a.version());
  EXPECT_EQ(a.loaded_years(), (std::vector<int>{2025, 2026}));
  // Canonical: compact with sorted keys, exactly what nlohmann writes for the same document.
  EXPECT_EQ(nlohmann::json::parse(a.to_json()).dump(), a.to_json());
  EXPECT_NE(a.to_json().find("国办发明电〔2024〕12号"), std::string::npos);
  EXPECT_NE(a.to_json().find(R"({"date":"2026-09-20","holiday":"国庆节"})"), std::string::npos);
  // Key order, whitespace and entry order in the file do not change the version.
  const auto x = WorkingCalendar::from_json(
      R"({"years":[{"workdays":[{"date":"2030-01-05"},{"date":"2030-01-06"}],"year":2030,
          "holidays":[{"to":"2030-05-02","name":"b","from":"2030-05-01"},{"name":"a","from":"2030-01-01","to":"2030-01-01"}]}]})",
      "x");
  const auto y = WorkingCalendar::from_json(
      R"({"format": 1, "years": [{"year": 2030, "holidays": [{"name": "a", "from": "2030-01-01", "to": "2030-01-01"},
          {"name": "b", "from": "2030-05-01", "to": "2030-05-02"}],
          "workdays": [{"date": "2030-01-06"}, {"date": "2030-01-05"}]}]})",
      "y");
  EXPECT_EQ(x.version(), y.version());
  EXPECT_NE(x.version(), a.version());
}

TEST(WorkingCalendar, CopiesAndMovesShareTheTables) {
  WorkingCalendar a = WorkingCalendar::official();
  WorkingCalendar b = a;
  WorkingCalendar c = std::move(a);
  EXPECT_EQ(b.version(), c.version());
  b = WorkingCalendar::from_json(k2025Only, "x");
  EXPECT_FALSE(b.is_loaded(2026));
  c = std::move(b);
  EXPECT_FALSE(c.is_loaded(2026));
}

// --- arguments outside the contract -------------------------------------------------------------------

TEST(WorkingCalendar, RefusesNegativeCountsAndDatesOutsideTheRange) {
  expect_invalid([] { (void)cal().add_working_days(D("2026-01-01"), -1); }, {"-1"});
  expect_invalid([] { (void)cal().add_working_days(D("2026-01-01"), -1, std::vector<DateRange>{}); });
  expect_invalid([] { (void)cal().add_working_days(D("2199-12-20"), 60); }, {"2199"});
  expect_invalid([] { (void)cal().add_working_days(Date::from_days(-30000), 1); });
  expect_invalid([] { (void)cal().is_working_day(Date::from_days(90000)); });
  expect_invalid([] { (void)cal().working_days_between(Date::from_days(-30000), D("2026-01-01")); });
  expect_invalid([] { (void)cal().next_working_day(D("2199-12-31")); });
  const std::vector<DateRange> backwards{{D("2026-03-10"), D("2026-03-01")}};
  expect_invalid([&] { (void)cal().add_working_days(D("2026-03-02"), 5, backwards); });
  // The far ends of the range still work (provisional).
  EXPECT_TRUE(cal().add_working_days(D("1900-01-01"), 10).provisional);
  EXPECT_EQ(cal().add_working_days(D("2199-12-01"), 5).date, D("2199-12-06"));
  EXPECT_EQ(cal().working_days_between(D("1900-01-01"), D("2199-12-31")) > 70000, true);
}

// --- bad calendar files -------------------------------------------------------------------------------

void expect_bad_file(const std::string& json, const std::vector<std::string>& needles) {
  expect_invalid([&] { (void)WorkingCalendar::from_json(json, "bad.json"); }, needles);
}

std::string year_doc(const std::string& holidays, const std::string& workdays, int year = 2030) {
  return R"({"years": [{"year": )" + std::to_string(year) + R"(, "holidays": [)" + holidays +
         R"(], "workdays": [)" + workdays + "]}]}";
}

TEST(WorkingCalendar, RefusesBadFiles) {
  const std::string ok_hol = R"({"name": "元旦", "from": "2030-01-01", "to": "2030-01-01"})";
  EXPECT_NO_THROW((void)WorkingCalendar::from_json(year_doc(ok_hol, ""), "ok.json"));
  // A day both holiday and workday (2030-01-05 is a Saturday).
  expect_bad_file(
      year_doc(R"({"name": "X", "from": "2030-01-04", "to": "2030-01-06"})", R"({"date": "2030-01-05"})"),
      {"bad.json", "2030", "2030-01-05", "X"});
  // A date outside its year.
  expect_bad_file(year_doc(R"({"name": "元旦", "from": "2029-12-31", "to": "2030-01-01"})", ""),
                  {"bad.json", "year 2030", "/years/0/holidays/0", "2029-12-31", "outside"});
  expect_bad_file(year_doc(ok_hol, R"({"date": "2031-01-04"})"),
                  {"bad.json", "year 2030", "2031-01-04", "outside"});
  // The same year twice.
  expect_bad_file(R"({"years": [{"year": 2030, "holidays": [], "workdays": []},
                               {"year": 2030, "holidays": [], "workdays": []}]})",
                  {"bad.json", "2030", "twice", "/years/1/year"});
  // Unparseable dates.
  expect_bad_file(year_doc(R"({"name": "X", "from": "2030-02-30", "to": "2030-03-01"})", ""),
                  {"bad.json", "2030", "/years/0/holidays/0", "2030-02-30"});
  expect_bad_file(year_doc(R"({"name": "X", "from": "2030/02/01", "to": "2030-03-01"})", ""),
                  {"bad.json", "2030/02/01"});
  expect_bad_file(year_doc(ok_hol, R"({"date": "tomorrow"})"),
                  {"bad.json", "/years/0/workdays/0", "tomorrow"});
  // Wrong JSON types.
  expect_bad_file(R"({"years": {"2030": {}}})", {"bad.json", "years"});
  expect_bad_file(R"([1, 2])", {"bad.json"});
  expect_bad_file(R"({"years": [{"year": "2030", "holidays": [], "workdays": []}]})", {"bad.json", "year"});
  expect_bad_file(R"({"years": [{"year": 2030.5, "holidays": [], "workdays": []}]})", {"bad.json", "year"});
  expect_bad_file(R"({"years": [{"year": 2030, "holidays": {}, "workdays": []}]})",
                  {"bad.json", "2030", "holidays"});
  expect_bad_file(year_doc(R"({"name": 1, "from": "2030-01-01", "to": "2030-01-01"})", ""),
                  {"bad.json", "2030", "name"});
  expect_bad_file(year_doc(R"({"name": "X", "from": 20300101, "to": "2030-01-01"})", ""),
                  {"bad.json", "2030", "from"});
  expect_bad_file(year_doc(ok_hol, R"("2030-01-05")"), {"bad.json", "2030", "/years/0/workdays/0"});
  expect_bad_file(year_doc(R"({"name": "X", "from": "2030-01-01"})", ""), {"bad.json", "2030", "to"});
  expect_bad_file(R"({"years": [{"year": 2030, "holidays": []}]})", {"bad.json", "2030", "workdays"});
  expect_bad_file(R"({"format": 2, "years": []})", {"bad.json", "format"});
  expect_bad_file(R"({"years": [], "yaers": []})", {"bad.json", "yaers"});
  expect_bad_file(year_doc(R"({"name": "X", "form": "2030-01-01", "to": "2030-01-01"})", ""),
                  {"bad.json", "2030", "form"});
  // A workday that is not a weekend day (2030-01-07 is a Monday).
  expect_bad_file(year_doc(ok_hol, R"({"date": "2030-01-07", "holiday": "元旦"})"),
                  {"bad.json", "2030", "/years/0/workdays/0", "2030-01-07", "Saturday or Sunday"});
  // Others: reversed range, overlapping holidays, a workday twice, years out of range, not JSON.
  expect_bad_file(year_doc(R"({"name": "X", "from": "2030-03-05", "to": "2030-03-01"})", ""),
                  {"bad.json", "2030", "X", "before"});
  expect_bad_file(year_doc(R"({"name": "A", "from": "2030-05-01", "to": "2030-05-05"},
                          {"name": "B", "from": "2030-05-05", "to": "2030-05-06"})",
                           ""),
                  {"bad.json", "2030", "A", "B", "overlap"});
  expect_bad_file(year_doc(ok_hol, R"({"date": "2030-01-05"}, {"date": "2030-01-05"})"),
                  {"bad.json", "2030", "2030-01-05", "twice"});
  expect_bad_file(year_doc("", "", 2200), {"bad.json", "2200"});
  expect_bad_file(year_doc("", "", 1899), {"bad.json", "1899"});
  expect_bad_file("{\"years\": [", {"bad.json", "JSON"});
}

// Every refusal carries the JSON pointer of the offending value (lib/common/json_input), also after the
// loader has sorted the holidays and workdays.
TEST(WorkingCalendar, ARefusalCarriesThePointerOfTheValue) {
  const auto refusal = [](const std::string& json) -> std::pair<std::string, std::string> {
    try {
      (void)WorkingCalendar::from_json(json, "bad.json");
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::invalid_argument) << e.what();
      return {e.field(), e.what()};
    }
    ADD_FAILURE() << "accepted: " << json;
    return {};
  };
  const std::string ok_hol = R"({"name": "元旦", "from": "2030-01-01", "to": "2030-01-01"})";
  EXPECT_EQ(
      refusal(year_doc(R"({"name": "X", "from": "2030-03-05", "to": "2030-03-01"})", "")),
      (std::pair<std::string, std::string>{
          "/years/0/holidays/0/to",
          "calendar bad.json, year 2030: /years/0/holidays/0/to: 2030-03-01 is before \"from\" 2030-03-05 "
          "in holiday \"X\""}));
  // Listed B, A; sorted A, B: the overlap is reported at B's own place in the file.
  EXPECT_EQ(refusal(year_doc(R"({"name": "B", "from": "2030-05-05", "to": "2030-05-06"},
                             {"name": "A", "from": "2030-05-01", "to": "2030-05-05"})",
                             ""))
                .first,
            "/years/0/holidays/0/from");
  EXPECT_EQ(refusal(year_doc(ok_hol, R"({"date": "2030-01-05"}, {"date": "2030-01-05"})")).first,
            "/years/0/workdays/1/date");
  EXPECT_EQ(
      refusal(R"({"years": [], "yaers": []})"),
      (std::pair<std::string, std::string>{"/yaers", "calendar bad.json: /yaers: unknown key 'yaers'"}));
  EXPECT_EQ(refusal(R"({"years": [{"year": 2200, "holidays": [], "workdays": []}]})"),
            (std::pair<std::string, std::string>{
                "/years/0/year", "calendar bad.json: /years/0/year: must be at most 2199, found 2200"}));
  EXPECT_EQ(refusal(R"({"years": [{"year": 2030, "holidays": []}]})").first, "/years/0/workdays");
  EXPECT_EQ(refusal("{\"years\": [").first, "");  // the document as a whole
}

TEST(WorkingCalendar, FromFile) {
  const auto dir = std::filesystem::temp_directory_path() / "permitflow_calendar_test";
  std::filesystem::create_directories(dir);
  const auto path = (dir / "cal.json").string();
  {
    std::ofstream out(path);
    out << k2025Only;
  }
  const WorkingCalendar c = WorkingCalendar::from_file(path);
  EXPECT_EQ(c.loaded_years(), std::vector<int>{2025});
  {
    std::ofstream out(path);
    out << R"({"years": [{"year": 2030, "holidays": [], "workdays": [{"date": "2030-01-07"}]}]})";
  }
  expect_invalid([&] { (void)WorkingCalendar::from_file(path); }, {path, "2030", "2030-01-07"});
  expect_invalid([&] { (void)WorkingCalendar::from_file((dir / "missing.json").string()); },
                 {"missing.json"});
  std::filesystem::remove_all(dir);
  // The shipped file parses to the compiled-in calendar.
  const WorkingCalendar shipped =
      WorkingCalendar::from_file(std::string(PERMITFLOW_SOURCE_DIR) + "/data/calendars/cn-mainland.json");
  EXPECT_EQ(shipped.version(), cal().version());
}

}  // namespace
}  // namespace permitflow
