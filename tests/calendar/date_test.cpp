// Civil dates, instants and natural-day / month / year arithmetic (docs/calendar.md, counting conventions).
#include <gtest/gtest.h>

#include "calendar/print.hpp"
#include "permitflow/calendar.hpp"
#include "permitflow/error.hpp"

namespace permitflow {
namespace {

Date D(const char* s) { return Date::parse(s); }

void expect_invalid(auto&& f) {
  try {
    f();
    FAIL() << "no exception";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::invalid_argument) << e.what();
  }
}

TEST(Date, ParseAndFormatRoundTrip) {
  for (const char* s : {"1900-01-01", "1970-01-01", "2024-02-29", "2026-12-31", "2199-12-31"}) {
    EXPECT_EQ(D(s).to_string(), s);
  }
  EXPECT_EQ(D("1970-01-01").days(), 0);
  EXPECT_EQ(D("1900-01-01").days(), -25567);
  EXPECT_EQ(D("2199-12-31").days(), 84005);
  const Date d = D("2026-09-18");
  EXPECT_EQ(d.year(), 2026);
  EXPECT_EQ(d.month(), 9u);
  EXPECT_EQ(d.day(), 18u);
}

TEST(Date, ParseRejectsMalformedAndImpossibleDates) {
  for (const char* s :
       {"2026-02-29", "2026-13-01", "2026-00-10", "2026-04-31", "2026-4-01", "20260401", "2026-04-01x", "",
        "1899-12-31", "2200-01-01", "abcd-ef-gh", "2026/04/01", " 2026-04-01"}) {
    expect_invalid([&] { (void)D(s); });
  }
  try {
    (void)D("2026-02-30");
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("2026-02-30"), std::string::npos) << e.what();
  }
}

TEST(Date, FromYmdRejectsOutOfRangeFields) {
  EXPECT_EQ(Date::from_ymd(2026, 1, 31), D("2026-01-31"));
  expect_invalid(
      [] { (void)Date::from_ymd(2026, 1, 257); });  // would wrap to day 1 in a one-byte chrono::day
  expect_invalid([] { (void)Date::from_ymd(2026, 257, 1); });
  expect_invalid([] { (void)Date::from_ymd(2026, 2, 29); });
  expect_invalid([] { (void)Date::from_ymd(1899, 12, 31); });
  expect_invalid([] { (void)Date::from_ymd(2200, 1, 1); });
}

TEST(Date, IsoWeekday) {
  EXPECT_EQ(D("1900-01-01").iso_weekday(), 1u);  // Monday
  EXPECT_EQ(D("1970-01-01").iso_weekday(), 4u);  // Thursday
  EXPECT_EQ(D("2026-09-18").iso_weekday(), 5u);  // Friday (T01)
  EXPECT_EQ(D("2026-09-20").iso_weekday(), 7u);  // Sunday
  EXPECT_EQ(D("2026-02-14").iso_weekday(), 6u);  // Saturday
  EXPECT_EQ(D("2025-12-29").iso_weekday(), 1u);  // Monday (T14)
  // Seven consecutive days cover 1…7 in order.
  for (int i = 0; i < 7; ++i)
    EXPECT_EQ(D("2026-03-02").operator+(i).iso_weekday(), 1u + static_cast<unsigned>(i));
}

TEST(Date, AddDays) {
  EXPECT_EQ(add_days(D("2026-12-31"), 1), D("2027-01-01"));
  EXPECT_EQ(add_days(D("2026-03-01"), -1), D("2026-02-28"));
  EXPECT_EQ(add_days(D("2024-03-01"), -1), D("2024-02-29"));
  expect_invalid([] { (void)add_days(D("2199-12-31"), 1); });
  expect_invalid([] { (void)add_days(D("1900-01-01"), -1); });
}

TEST(Date, AddMonthsEndOfMonth) {  // C5: the corresponding date, else the month's last day
  EXPECT_EQ(add_months(D("2026-01-31"), 1), D("2026-02-28"));
  EXPECT_EQ(add_months(D("2024-01-31"), 1), D("2024-02-29"));
  EXPECT_EQ(add_months(D("2026-03-31"), 1), D("2026-04-30"));
  EXPECT_EQ(add_months(D("2026-08-31"), 6), D("2027-02-28"));
  EXPECT_EQ(add_months(D("2026-01-15"), 1), D("2026-02-15"));
  EXPECT_EQ(add_months(D("2026-12-31"), 12), D("2027-12-31"));
  EXPECT_EQ(add_months(D("2026-03-31"), -1), D("2026-02-28"));
  EXPECT_EQ(add_months(D("2026-01-10"), -1), D("2025-12-10"));
  EXPECT_EQ(add_months(D("2026-05-20"), 0), D("2026-05-20"));
  EXPECT_EQ(add_years(D("2024-02-29"), 1), D("2025-02-28"));
  EXPECT_EQ(add_years(D("2024-02-29"), 4), D("2028-02-29"));
  EXPECT_EQ(add_years(D("2026-06-30"), 5), D("2031-06-30"));
  expect_invalid([] { (void)add_months(D("2199-12-01"), 1); });
  expect_invalid([] { (void)add_years(D("2026-01-01"), 1 << 30); });
  expect_invalid([] { (void)add_months(D("2026-01-01"), -(1 << 30)); });
}

TEST(Instant, ParseAndFormatRoundTrip) {
  const Instant t = Instant::parse_rfc3339("2026-12-07T09:30:00+08:00");
  EXPECT_EQ(t.epoch_seconds(), Instant::parse_rfc3339("2026-12-07T01:30:00Z").epoch_seconds());
  EXPECT_EQ(t.to_rfc3339(480), "2026-12-07T09:30:00+08:00");
  EXPECT_EQ(t.to_rfc3339(0), "2026-12-07T01:30:00Z");
  EXPECT_EQ(t.to_rfc3339(-330), "2026-12-06T20:00:00-05:30");
  for (const char* s : {"2026-01-01T00:00:00+08:00", "2025-12-31T23:59:59-01:00", "1969-12-31T23:59:59Z",
                        "2026-02-28T12:00:00+14:00"}) {
    const Instant a = Instant::parse_rfc3339(s);
    const std::string text(s);
    const int offset = text.back() == 'Z' ? 0
                                          : (text[text.size() - 6] == '-' ? -1 : 1) *
                                                (std::stoi(text.substr(text.size() - 5, 2)) * 60 +
                                                 std::stoi(text.substr(text.size() - 2, 2)));
    EXPECT_EQ(a.to_rfc3339(offset), s);
    EXPECT_EQ(Instant::parse_rfc3339(a.to_rfc3339(offset)), a);
  }
  EXPECT_EQ(Instant::parse_rfc3339("2026-12-07T09:30:00.123456+08:00"), t);  // fraction dropped
  EXPECT_EQ(Instant::parse_rfc3339("2026-12-07t01:30:00z"), t);
  // An instant is not limited to the dates' 1900-2199 (a timer's due read back from a database).
  EXPECT_EQ(Instant::from_epoch_seconds(253402300800).to_rfc3339(0), "10000-01-01T00:00:00Z");
  EXPECT_EQ(Instant::from_epoch_seconds(-2208988800).to_rfc3339(480), "1900-01-01T08:00:00+08:00");
  EXPECT_EQ(Date::parse("2199-12-31").to_string(), "2199-12-31");
  EXPECT_EQ(Date::parse("1900-01-01").to_string(), "1900-01-01");
}

TEST(Instant, RejectsTimesWithoutOffsetAndImpossibleTimes) {
  for (const char* s :
       {"2026-12-07T09:30:00", "2026-12-07T09:30:00.5", "2026-12-07", "2026-12-07T24:00:00Z",
        "2026-12-07T09:60:00Z", "2026-02-29T09:00:00Z", "2026-12-07T09:30:00+0800",
        "2026-12-07T09:30:00+08:00junk", "2026-12-07T09:30:00.+08:00", "2026-12-07T09:30+08:00"}) {
    expect_invalid([&] { (void)Instant::parse_rfc3339(s); });
  }
}

TEST(Instant, LocalDateAndStartOfDay) {
  const Instant t = Instant::parse_rfc3339("2026-09-18T20:00:00+08:00");
  EXPECT_EQ(t.local_date(480), D("2026-09-18"));
  EXPECT_EQ(t.local_date(0), D("2026-09-18"));
  EXPECT_EQ(Instant::parse_rfc3339("2026-09-18T07:00:00+08:00").local_date(0), D("2026-09-17"));
  EXPECT_EQ(Instant::parse_rfc3339("1969-12-31T23:00:00Z").local_date(0), D("1969-12-31"));
  EXPECT_EQ(Instant::start_of_day(D("2026-10-11"), 480), Instant::parse_rfc3339("2026-10-11T00:00:00+08:00"));
  EXPECT_EQ(add_hours(Instant::parse_rfc3339("2026-09-18T20:00:00+08:00"), 24),
            Instant::parse_rfc3339("2026-09-19T20:00:00+08:00"));
}

}  // namespace
}  // namespace permitflow
