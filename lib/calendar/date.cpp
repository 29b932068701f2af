// Civil dates and instants: chrono's proleptic Gregorian arithmetic behind small value types.
#include <charconv>
#include <chrono>
#include <cstdio>
#include <string>

#include "calendar/date_range.hpp"
#include "permitflow/calendar.hpp"
#include "permitflow/error.hpp"

namespace permitflow {
namespace {

namespace chr = std::chrono;

using date_range::kFirstDay;
using date_range::kLastDay;
using date_range::kMaxYear;
using date_range::kMinYear;

chr::year_month_day ymd_of(std::int32_t days) { return chr::year_month_day{chr::sys_days{chr::days{days}}}; }

bool parse_digits(std::string_view s, std::size_t pos, std::size_t n, int& out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  out = v;
  return true;
}

// Writes `v` as exactly `n` decimal digits at `out` (dates and times are formatted on every event, and
// snprintf cost more than the rest of building an event's data).
char* put_digits(char* out, unsigned v, int n) {
  for (int i = n - 1; i >= 0; --i, v /= 10) out[i] = static_cast<char>('0' + v % 10);
  return out + n;
}

// YYYY-MM-DD at `out` (at most 17 characters: a Date is 1900-2199, an Instant may be any year).
char* put_date(char* out, std::int32_t days) {
  const auto ymd = ymd_of(days);
  const int year = static_cast<int>(ymd.year());
  if (year >= 0 && year <= 9999) {
    out = put_digits(out, static_cast<unsigned>(year), 4);
  } else {
    out = std::to_chars(out, out + 11, year).ptr;  // an int32 year takes at most 11 characters
  }
  *out++ = '-';
  out = put_digits(out, static_cast<unsigned>(ymd.month()), 2);
  *out++ = '-';
  return put_digits(out, static_cast<unsigned>(ymd.day()), 2);
}

[[noreturn]] void bad(std::string_view what, std::string_view text) {
  std::string shown(text.substr(0, 64));
  throw Error(ErrorCode::invalid_argument, std::string(what) + ": '" + shown + "'");
}

}  // namespace

Date Date::from_ymd(int year, unsigned month, unsigned day) {
  // chrono::month/day hold one byte: 257 would wrap to 1, so reject out-of-range values before building them.
  const bool small = month <= 12 && day <= 31;
  const chr::year_month_day ymd{chr::year{year}, chr::month{small ? month : 0}, chr::day{small ? day : 0}};
  if (year < kMinYear || year > kMaxYear || !small || !ymd.ok()) {
    char buf[48];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", year, month, day);
    bad("not a date between 1900 and 2199", buf);
  }
  return Date(static_cast<std::int32_t>(chr::sys_days{ymd}.time_since_epoch().count()));
}

Date Date::parse(std::string_view text) {
  int y = 0, m = 0, d = 0;
  if (text.size() != 10 || text[4] != '-' || text[7] != '-' || !parse_digits(text, 0, 4, y) ||
      !parse_digits(text, 5, 2, m) || !parse_digits(text, 8, 2, d)) {
    bad("expected a date as YYYY-MM-DD", text);
  }
  const chr::year_month_day ymd{chr::year{y}, chr::month{static_cast<unsigned>(m)},
                                chr::day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) bad("no such date", text);
  return from_ymd(y, static_cast<unsigned>(m), static_cast<unsigned>(d));
}

int Date::year() const { return static_cast<int>(ymd_of(days_).year()); }
unsigned Date::month() const { return static_cast<unsigned>(ymd_of(days_).month()); }
unsigned Date::day() const { return static_cast<unsigned>(ymd_of(days_).day()); }

unsigned Date::iso_weekday() const { return chr::weekday{chr::sys_days{chr::days{days_}}}.iso_encoding(); }

std::string Date::to_string() const {
  char buf[24];
  return std::string(buf, put_date(buf, days_));
}

Instant Instant::parse_rfc3339(std::string_view text) {
  // YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)
  if (text.size() < 20 || (text[10] != 'T' && text[10] != 't' && text[10] != ' ') || text[13] != ':' ||
      text[16] != ':') {
    bad("expected a time as RFC 3339 with offset, e.g. 2026-12-07T09:30:00+08:00", text);
  }
  const Date date = Date::parse(text.substr(0, 10));
  int hh = 0, mm = 0, ss = 0;
  if (!parse_digits(text, 11, 2, hh) || !parse_digits(text, 14, 2, mm) || !parse_digits(text, 17, 2, ss) ||
      hh > 23 || mm > 59 || ss > 59) {
    bad("no such time of day", text);
  }
  std::size_t pos = 19;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    const std::size_t start = pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') ++pos;
    if (pos == start) bad("empty fraction of a second", text);
  }
  int offset_minutes = 0;
  if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z')) {
    ++pos;
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    int oh = 0, om = 0;
    if (pos + 6 != text.size() || text[pos + 3] != ':' || !parse_digits(text, pos + 1, 2, oh) ||
        !parse_digits(text, pos + 4, 2, om) || oh > 23 || om > 59) {
      bad("bad UTC offset in time", text);
    }
    offset_minutes = (oh * 60 + om) * (text[pos] == '-' ? -1 : 1);
    pos += 6;
  } else {
    bad("a time needs a UTC offset (e.g. +08:00)", text);
  }
  if (pos != text.size()) bad("unexpected characters after the time", text);
  const std::int64_t local = static_cast<std::int64_t>(date.days()) * 86400 + hh * 3600 + mm * 60 + ss;
  return Instant(local - static_cast<std::int64_t>(offset_minutes) * 60);
}

Instant Instant::start_of_day(Date date, int utc_offset_minutes) {
  return Instant(static_cast<std::int64_t>(date.days()) * 86400 -
                 static_cast<std::int64_t>(utc_offset_minutes) * 60);
}

Date Instant::local_date(int utc_offset_minutes) const {
  const std::int64_t local = seconds_ + static_cast<std::int64_t>(utc_offset_minutes) * 60;
  std::int64_t days = local / 86400;
  if (local % 86400 < 0) --days;
  return Date::from_days(static_cast<std::int32_t>(days));
}

std::string Instant::to_rfc3339(int utc_offset_minutes) const {
  const std::int64_t local = seconds_ + static_cast<std::int64_t>(utc_offset_minutes) * 60;
  std::int64_t days = local / 86400;
  std::int64_t secs = local % 86400;
  if (secs < 0) {
    secs += 86400;
    --days;
  }
  char buf[48];
  char* out = put_date(buf, static_cast<std::int32_t>(days));
  *out++ = 'T';
  out = put_digits(out, static_cast<unsigned>(secs / 3600), 2);
  *out++ = ':';
  out = put_digits(out, static_cast<unsigned>(secs / 60 % 60), 2);
  *out++ = ':';
  out = put_digits(out, static_cast<unsigned>(secs % 60), 2);
  if (utc_offset_minutes == 0) {
    *out++ = 'Z';
  } else {
    const unsigned off =
        static_cast<unsigned>(utc_offset_minutes < 0 ? -utc_offset_minutes : utc_offset_minutes);
    *out++ = utc_offset_minutes < 0 ? '-' : '+';
    out = put_digits(out, off / 60, 2);
    *out++ = ':';
    out = put_digits(out, off % 60, 2);
  }
  return std::string(buf, out);
}

Date add_days(Date d, int days) {
  const std::int64_t result = static_cast<std::int64_t>(d.days()) + days;
  if (result < kFirstDay || result > kLastDay) {
    throw Error(ErrorCode::invalid_argument, "adding " + std::to_string(days) + " days to " + d.to_string() +
                                                 " leaves the supported range 1900–2199");
  }
  return Date::from_days(static_cast<std::int32_t>(result));
}

Date add_months(Date d, int months) {
  // Beyond 300 years every result is out of range; refusing early keeps chrono's year arithmetic in range.
  if (months > 12 * (kMaxYear - kMinYear + 1) || months < -12 * (kMaxYear - kMinYear + 1)) {
    throw Error(ErrorCode::invalid_argument,
                "adding " + std::to_string(months) + " months leaves the supported range 1900–2199");
  }
  const auto ymd = ymd_of(d.days());
  const auto target = chr::year_month{ymd.year(), ymd.month()} + chr::months{months};
  const auto last = chr::year_month_day_last{target.year(), chr::month_day_last{target.month()}}.day();
  const auto day = ymd.day() > last ? last : ymd.day();
  return Date::from_ymd(static_cast<int>(target.year()), static_cast<unsigned>(target.month()),
                        static_cast<unsigned>(day));
}

Date add_years(Date d, int years) {
  if (years > kMaxYear - kMinYear + 1 || years < -(kMaxYear - kMinYear + 1)) {
    throw Error(ErrorCode::invalid_argument,
                "adding " + std::to_string(years) + " years leaves the supported range 1900–2199");
  }
  return add_months(d, years * 12);
}

Instant add_hours(Instant t, std::int64_t hours) { return t.plus_seconds(hours * 3600); }

}  // namespace permitflow
