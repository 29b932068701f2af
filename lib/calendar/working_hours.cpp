// Working-hour arithmetic (工作时): office minutes on working days. Whole days are skipped through the
// working-day table, so only the first and last day are walked period by period.
#include <algorithm>
#include <cstdio>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "calendar/date_range.hpp"
#include "permitflow/calendar.hpp"
#include "permitflow/error.hpp"

namespace permitflow {
namespace {

using date_range::invalid;

std::string hhmm(int minutes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%02d:%02d", minutes / 60, minutes % 60);
  return buf;
}

// Seconds after local midnight of `t` on its local date.
std::int64_t second_of_day(Instant t, Date local, int offset) {
  return t.epoch_seconds() - Instant::start_of_day(local, offset).epoch_seconds();
}

// Office seconds of day `d` at or after `from_second` and before `to_second`.
std::int64_t office_seconds(const OfficeHours& hours, std::int64_t from_second, std::int64_t to_second) {
  std::int64_t total = 0;
  for (const auto& p : hours.periods()) {
    const std::int64_t s = std::max<std::int64_t>(p.from * 60LL, from_second);
    const std::int64_t e = std::min<std::int64_t>(p.to * 60LL, to_second);
    if (s < e) total += e - s;
  }
  return total;
}

}  // namespace

OfficeHours::OfficeHours(std::vector<Period> periods, int utc_offset_minutes)
    : periods_(std::move(periods)), utc_offset_minutes_(utc_offset_minutes) {
  if (periods_.empty()) invalid("office hours need at least one period");
  int previous_end = 0;
  for (const auto& p : periods_) {
    if (p.from < 0 || p.to > 24 * 60 || p.from >= p.to)
      invalid("office period " + hhmm(std::max(p.from, 0)) + "-" + hhmm(std::max(p.to, 0)) +
              " must be a non-empty part of 00:00-24:00");
    if (p.from < previous_end)
      invalid("office period " + hhmm(p.from) + "-" + hhmm(p.to) +
              " overlaps or precedes the previous one (periods must be ascending and disjoint)");
    previous_end = p.to;
  }
}

OfficeHours OfficeHours::standard(int utc_offset_minutes) {
  return OfficeHours({{8 * 60 + 30, 12 * 60}, {14 * 60, 17 * 60 + 30}}, utc_offset_minutes);
}

OfficeHours OfficeHours::parse(std::span<const std::string> texts, int utc_offset_minutes) {
  std::vector<Period> periods;
  for (const auto& text : texts) {
    int h1 = 0, m1 = 0, h2 = 0, m2 = 0;
    char tail = 0;
    const bool shaped = text.size() == 11 && text[2] == ':' && text[5] == '-' && text[8] == ':' &&
                        std::sscanf(text.c_str(), "%2d:%2d-%2d:%2d%c", &h1, &m1, &h2, &m2, &tail) == 4;
    if (!shaped || m1 > 59 || m2 > 59 || h1 > 24 || h2 > 24)
      invalid("office period \"" + text + "\" is not of the form HH:MM-HH:MM (e.g. 08:30-12:00)");
    periods.push_back({h1 * 60 + m1, h2 * 60 + m2});
  }
  return OfficeHours(std::move(periods), utc_offset_minutes);
}

int OfficeHours::minutes_per_day() const {
  int total = 0;
  for (const auto& p : periods_) total += p.to - p.from;
  return total;
}

std::vector<std::string> OfficeHours::to_strings() const {
  std::vector<std::string> out;
  for (const auto& p : periods_) out.push_back(hhmm(p.from) + "-" + hhmm(p.to));
  return out;
}

Instant add_working_minutes(const WorkingCalendar& calendar, const OfficeHours& hours, Instant start,
                            std::int64_t minutes) {
  if (minutes < 0)
    invalid("a number of working minutes must not be negative (got " + std::to_string(minutes) + ")");
  if (minutes == 0) return start;
  const int offset = hours.utc_offset_minutes();
  std::int64_t remaining = minutes * 60;
  // Walks one day's periods from `from_second`; returns the due instant if the remainder ends that day.
  auto walk = [&](Date d, std::int64_t from_second) -> std::optional<Instant> {
    if (!calendar.is_working_day(d)) return std::nullopt;
    for (const auto& p : hours.periods()) {
      const std::int64_t s = std::max<std::int64_t>(p.from * 60LL, from_second);
      const std::int64_t e = p.to * 60LL;
      if (s >= e) continue;
      if (remaining <= e - s) return Instant::start_of_day(d, offset).plus_seconds(s + remaining);
      remaining -= e - s;
    }
    return std::nullopt;
  };
  Date day = start.local_date(offset);
  if (auto due = walk(day, second_of_day(start, day, offset))) return *due;
  // Skip whole working days, keeping the last (partial or full) day to walk.
  const std::int64_t per_day = hours.minutes_per_day() * 60LL;
  const std::int64_t whole = (remaining - 1) / per_day;
  if (whole > 0) {
    if (whole > 100000) invalid(std::to_string(minutes) + " working minutes reach past 2199-12-31");
    day = calendar.add_working_days(day, static_cast<int>(whole)).date;
    remaining -= whole * per_day;
  }
  day = calendar.next_working_day(day);
  if (auto due = walk(day, 0)) return *due;
  throw Error(ErrorCode::internal, "working-minute arithmetic did not converge");  // remaining ≤ per_day
}

Instant add_working_hours(const WorkingCalendar& calendar, const OfficeHours& hours, Instant start,
                          std::int64_t hours_count) {
  if (hours_count < 0)
    invalid("a number of working hours must not be negative (got " + std::to_string(hours_count) + ")");
  return add_working_minutes(calendar, hours, start, hours_count * 60);
}

std::int64_t working_minutes_between(const WorkingCalendar& calendar, const OfficeHours& hours, Instant a,
                                     Instant b) {
  if (b <= a) return 0;
  const int offset = hours.utc_offset_minutes();
  const Date da = a.local_date(offset);
  const Date db = b.local_date(offset);
  const std::int64_t sa = second_of_day(a, da, offset);
  const std::int64_t sb = second_of_day(b, db, offset);
  std::int64_t seconds = 0;
  if (da == db) {
    if (calendar.is_working_day(da)) seconds = office_seconds(hours, sa, sb);
  } else {
    if (calendar.is_working_day(da)) seconds += office_seconds(hours, sa, 86400);
    if (calendar.is_working_day(db)) seconds += office_seconds(hours, 0, sb);
    seconds += static_cast<std::int64_t>(calendar.working_days_between(da + 1, db - 1)) *
               hours.minutes_per_day() * 60;
  }
  return seconds / 60;
}

double working_hours_between(const WorkingCalendar& calendar, const OfficeHours& hours, Instant a,
                             Instant b) {
  return static_cast<double>(working_minutes_between(calendar, hours, a, b)) / 60.0;
}

Instant close_of_business(const OfficeHours& hours, Date d) {
  return Instant::start_of_day(d, hours.utc_offset_minutes()).plus_seconds(hours.periods().back().to * 60LL);
}

}  // namespace permitflow
