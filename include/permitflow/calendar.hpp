// Civil dates, instants and the working-day calendar (工作日) on which every legal clock runs.
//
// Thread-safety: Date, Instant and WorkingCalendar are immutable values; a const WorkingCalendar may be
// shared by any number of threads.
#pragma once

#include <compare>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "permitflow/export.hpp"

namespace permitflow {

/// A civil date (proleptic Gregorian calendar), held as days since 1970-01-01.
class PERMITFLOW_EXPORT Date {
 public:
  constexpr Date() = default;
  static constexpr Date from_days(std::int32_t days_since_epoch) { return Date(days_since_epoch); }
  /// Throws Error(invalid_argument) when the day does not exist (e.g. 2026-02-29) or the year is outside
  /// 1900–2199.
  static Date from_ymd(int year, unsigned month, unsigned day);
  /// Parses exactly `YYYY-MM-DD`. Throws Error(invalid_argument) naming the text otherwise.
  static Date parse(std::string_view text);

  constexpr std::int32_t days() const { return days_; }
  int year() const;
  unsigned month() const;  // 1–12
  unsigned day() const;    // 1–31
  /// ISO weekday: 1 = Monday … 7 = Sunday.
  unsigned iso_weekday() const;
  /// `YYYY-MM-DD`.
  std::string to_string() const;

  constexpr Date operator+(int days) const { return Date(days_ + days); }
  constexpr Date operator-(int days) const { return Date(days_ - days); }
  constexpr int operator-(Date other) const { return days_ - other.days_; }
  constexpr auto operator<=>(const Date&) const = default;

 private:
  constexpr explicit Date(std::int32_t d) : days_(d) {}
  std::int32_t days_ = 0;
};

/// An inclusive range of dates [from, to].
struct DateRange {
  Date from;
  Date to;
  bool contains(Date d) const { return from <= d && d <= to; }
  auto operator<=>(const DateRange&) const = default;
};

/// A point in time: seconds since the Unix epoch (UTC).
class PERMITFLOW_EXPORT Instant {
 public:
  constexpr Instant() = default;
  static constexpr Instant from_epoch_seconds(std::int64_t s) { return Instant(s); }
  /// Parses RFC 3339 with a mandatory offset (`2026-12-07T09:30:00+08:00`, `…Z`, optional fraction which is
  /// dropped). Throws Error(invalid_argument) for a time without offset or an impossible date/time.
  static Instant parse_rfc3339(std::string_view text);
  /// 00:00 of `date` in a zone `utc_offset_minutes` east of UTC.
  static Instant start_of_day(Date date, int utc_offset_minutes);

  constexpr std::int64_t epoch_seconds() const { return seconds_; }
  /// The civil date of this instant in a zone `utc_offset_minutes` east of UTC.
  Date local_date(int utc_offset_minutes) const;
  /// RFC 3339 in that zone, e.g. `2026-12-07T09:30:00+08:00`.
  std::string to_rfc3339(int utc_offset_minutes) const;

  constexpr Instant plus_seconds(std::int64_t s) const { return Instant(seconds_ + s); }
  constexpr auto operator<=>(const Instant&) const = default;

 private:
  constexpr explicit Instant(std::int64_t s) : seconds_(s) {}
  std::int64_t seconds_ = 0;
};

/// A date computed on the calendar, and whether any year it depended on was not loaded (then only weekends
/// and the fixed-date holidays Jan 1, May 1–2, Oct 1–3 were known: the answer is provisional).
struct WorkingDate {
  Date date;
  bool provisional = false;
  auto operator<=>(const WorkingDate&) const = default;
};

/// The official working-day calendar: weekends, statutory holidays and the swapped weekend workdays (调休)
/// of the State Council's yearly notices. The 2025 and 2026 notices are compiled in (official()); a host may
/// load further years from JSON (data/calendars/cn-mainland.json shows the format) and merge them.
///
/// Counting convention (docs/calendar.md, counting conventions): the start date is never counted;
/// add_working_days(d, n) is the n-th working day after d.
///
/// Errors: the loaders throw Error(invalid_argument) naming the file, the year and the entry; arithmetic
/// throws Error(invalid_argument) for negative n or dates outside 1900–2199.
class PERMITFLOW_EXPORT WorkingCalendar {
 public:
  /// The compiled-in calendar (2025 and 2026). Cheap to copy (shared immutable tables).
  static WorkingCalendar official();
  /// A calendar from a JSON document; `source` names it in error messages (usually the file path).
  static WorkingCalendar from_json(std::string_view json, std::string_view source);
  /// Reads and parses a JSON file.
  static WorkingCalendar from_file(const std::string& path);
  /// This calendar with every year of `newer` added or replacing the same year here (year by year).
  WorkingCalendar merged_with(const WorkingCalendar& newer) const;

  bool is_working_day(Date d) const;
  /// Whether the year's official notice is loaded (dates in other years are provisional).
  bool is_loaded(int year) const;
  /// The loaded years, ascending.
  std::vector<int> loaded_years() const;

  /// The n-th working day after `start` (n ≥ 0; n = 0 returns `start` itself).
  WorkingDate add_working_days(Date start, int n) const;
  /// The same, not counting any working day inside `excluded` (suspensions: both ends included).
  WorkingDate add_working_days(Date start, int n, std::span<const DateRange> excluded) const;
  /// Working days d with a ≤ d ≤ b (0 when b < a).
  int working_days_between(Date a, Date b) const;
  /// The first working day strictly after d.
  Date next_working_day(Date d) const;
  /// d itself when it is a working day, else the next one (a receipt on a rest day, docs/calendar.md,
  /// counting conventions).
  Date working_day_on_or_after(Date d) const;

  /// A stable identifier of the content (hex SHA-256 of the canonical JSON), recorded with every case.
  const std::string& version() const;
  /// The canonical JSON of the loaded years (the format from_json reads).
  std::string to_json() const;

  WorkingCalendar(const WorkingCalendar&);
  WorkingCalendar& operator=(const WorkingCalendar&);
  WorkingCalendar(WorkingCalendar&&) noexcept;
  WorkingCalendar& operator=(WorkingCalendar&&) noexcept;
  ~WorkingCalendar();

  struct Tables;  // implementation detail (lib/calendar/)

 private:
  explicit WorkingCalendar(std::shared_ptr<const Tables> t);
  std::shared_ptr<const Tables> tables_;
};

/// Natural-day and civil-law period arithmetic (docs/calendar.md, counting conventions). Each throws
/// Error(invalid_argument) when the resulting date would leave 1900–2199.
PERMITFLOW_EXPORT Date add_days(Date d, int days);
/// The corresponding date `months` later; when that month is shorter, its last day (2026-01-31 + 1 = 02-28).
PERMITFLOW_EXPORT Date add_months(Date d, int months);
PERMITFLOW_EXPORT Date add_years(Date d, int years);
PERMITFLOW_EXPORT Instant add_hours(Instant t, std::int64_t hours);

/// A bureau's office hours (办公时间): the daily periods in which working hours (工作时) run, on working days
/// only, in the bureau's zone. Urgent complaint limits are counted in these hours (docs/complaints.md).
class PERMITFLOW_EXPORT OfficeHours {
 public:
  /// One period, in minutes after local midnight: [from, to).
  struct Period {
    int from = 0;
    int to = 0;
    auto operator<=>(const Period&) const = default;
  };
  /// Throws Error(invalid_argument) when a period is empty, leaves 00:00–24:00, or overlaps or precedes the
  /// previous one (periods must be ascending and disjoint), or when there is none.
  OfficeHours(std::vector<Period> periods, int utc_offset_minutes);
  /// The bureau default: 08:30–12:00 and 14:00–17:30.
  static OfficeHours standard(int utc_offset_minutes = 480);
  /// From texts like "08:30-12:00"; throws Error(invalid_argument) naming the bad text.
  static OfficeHours parse(std::span<const std::string> periods, int utc_offset_minutes);

  const std::vector<Period>& periods() const { return periods_; }
  int utc_offset_minutes() const { return utc_offset_minutes_; }
  /// Office minutes in one working day (420 for the standard hours).
  int minutes_per_day() const;
  /// The periods as texts ("08:30-12:00"), the form parse() reads.
  std::vector<std::string> to_strings() const;

 private:
  std::vector<Period> periods_;
  int utc_offset_minutes_ = 480;
};

/// The instant `minutes` office minutes after `start`, counting only inside office hours on working days.
/// A start outside office hours counts from the next period's opening; a limit that ends exactly at a
/// period's close is due at that close (12:00, not 14:00). minutes = 0 returns `start`. Throws
/// Error(invalid_argument) for negative minutes or a result beyond 2199.
PERMITFLOW_EXPORT Instant add_working_minutes(const WorkingCalendar& calendar, const OfficeHours& hours,
                                              Instant start, std::int64_t minutes);
PERMITFLOW_EXPORT Instant add_working_hours(const WorkingCalendar& calendar, const OfficeHours& hours,
                                            Instant start, std::int64_t hours_count);
/// Office minutes inside [a, b) on working days (0 when b ≤ a).
PERMITFLOW_EXPORT std::int64_t working_minutes_between(const WorkingCalendar& calendar,
                                                       const OfficeHours& hours, Instant a, Instant b);
/// The same in hours (fractional: 90 minutes are 1.5).
PERMITFLOW_EXPORT double working_hours_between(const WorkingCalendar& calendar, const OfficeHours& hours,
                                               Instant a, Instant b);
/// The close of the last office period of `d` in the bureau's zone (17:30 for the standard hours): the time
/// a limit in working days falls due on its last day.
PERMITFLOW_EXPORT Instant close_of_business(const OfficeHours& hours, Date d);

}  // namespace permitflow
