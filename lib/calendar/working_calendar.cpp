// The working-day calendar: day tables for 1900–2199 (cumulative working-day counts, and the day of each
// working day's rank), so adding and counting working days are a lookup and a subtraction, never a walk.
#include <algorithm>
#include <array>
#include <chrono>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "calendar/date_range.hpp"
#include "common/embedded.hpp"
#include "common/json_input.hpp"
#include "common/sha256.hpp"
#include "common/text.hpp"
#include "permitflow/calendar.hpp"
#include "permitflow/error.hpp"

namespace permitflow {
namespace {

using nlohmann::json;

using date_range::invalid;
using date_range::kFirstDay;
using date_range::kMaxYear;
using date_range::kMinYear;
using date_range::kYears;
constexpr int kCalendarFormat = 1;  // the "format" of a calendar file
constexpr std::string_view kOfficialName = "calendars/cn-mainland.json";

// Days since 1970-01-01 of 2200-01-01 (one past the table).
constexpr std::int32_t kEndDay = date_range::kLastDay + 1;
constexpr std::int32_t kTableDays = kEndDay - kFirstDay;
static_assert(std::chrono::sys_days{std::chrono::year{kMinYear} / 1 / 1}.time_since_epoch().count() ==
              kFirstDay);
static_assert(std::chrono::sys_days{std::chrono::year{kMaxYear + 1} / 1 / 1}.time_since_epoch().count() ==
              kEndDay);
// The table starts on a Monday (the weekday pattern below relies on it).
static_assert(std::chrono::weekday{std::chrono::sys_days{std::chrono::days{kFirstDay}}} ==
              std::chrono::Monday);

struct Holiday {
  std::string name;
  Date from;
  Date to;
};

struct Workday {
  Date date;
  std::string holiday;  // the holiday it makes up for (may be empty)
};

// One State Council notice: the holidays and the swapped weekend workdays (调休) of a year.
struct YearNotice {
  std::string notice;
  std::vector<Holiday> holidays;  // sorted by from, disjoint
  std::vector<Workday> workdays;  // sorted by date
};

[[noreturn]] void out_of_range(Date d) {
  invalid("date outside the supported range 1900-01-01 … 2199-12-31 (days since epoch " +
          std::to_string(d.days()) + ")");
}

bool is_weekend(Date d) { return d.iso_weekday() >= 6; }

}  // namespace

struct WorkingCalendar::Tables {
  std::map<int, YearNotice> years;
  // cum[i] = working days among the table's days [0, i); size kTableDays + 1.
  std::vector<std::int32_t> cum;
  // unloaded_before[y - 1900] = how many years in [1900, y) have no notice loaded; size kYears + 1.
  std::array<std::int16_t, kYears + 1> unloaded_before{};
  std::string json;
  std::string version;

  static int index(Date d) {
    if (d.days() < kFirstDay || d.days() >= kEndDay) out_of_range(d);
    return d.days() - kFirstDay;
  }
  bool working(int i) const { return cum[i + 1] != cum[i]; }
  // Whether any year in [y0, y1] is not loaded.
  bool provisional(int y0, int y1) const {
    return unloaded_before[y1 + 1 - kMinYear] != unloaded_before[y0 - kMinYear];
  }
  // kth[k - 1] = the table index of the k-th working day: deadlines are counted on every command, so this is
  // a lookup rather than a search of `cum`.
  std::vector<std::int32_t> kth;
  // year_start[y - 1900] = the table index of y's January 1; size kYears + 1.
  std::array<std::int32_t, kYears + 1> year_start{};

  // The table index of the k-th working day of the table (k ≥ 1), or -1 past the end.
  int kth_working(std::int32_t k) const {
    if (k < 1 || static_cast<std::size_t>(k) > kth.size()) return -1;
    return kth[static_cast<std::size_t>(k) - 1];
  }
  // The year of table index i, without a calendar conversion: i / 366 is at most one or two years early.
  int year_at(int i) const {
    auto y = static_cast<std::size_t>(i / 366);
    while (year_start[y + 1] <= i) ++y;
    return kMinYear + static_cast<int>(y);
  }
};

namespace {

using Tables = WorkingCalendar::Tables;

std::string quoted(const std::string& s) { return json(s).dump(); }

// Canonical JSON: compact, keys in lexicographic order, years ascending, holidays by start, workdays by date.
// Written by hand: building nested nlohmann objects trips a false g++ 12 -O2 -Warray-bounds in std::map.
std::string to_canonical_json(const std::map<int, YearNotice>& years) {
  std::string out = "{\"format\":" + std::to_string(kCalendarFormat) + ",\"years\":[";
  bool first_year = true;
  for (const auto& [year, y] : years) {
    if (!first_year) out += ',';
    first_year = false;
    out += "{\"holidays\":[";
    for (std::size_t i = 0; i < y.holidays.size(); ++i) {
      const Holiday& h = y.holidays[i];
      if (i > 0) out += ',';
      out += "{\"from\":\"" + h.from.to_string() + "\",\"name\":" + quoted(h.name) + ",\"to\":\"" +
             h.to.to_string() + "\"}";
    }
    out += ']';
    if (!y.notice.empty()) out += ",\"notice\":" + quoted(y.notice);
    out += ",\"workdays\":[";
    for (std::size_t i = 0; i < y.workdays.size(); ++i) {
      const Workday& w = y.workdays[i];
      if (i > 0) out += ',';
      out += "{\"date\":\"" + w.date.to_string() + "\"";
      if (!w.holiday.empty()) out += ",\"holiday\":" + quoted(w.holiday);
      out += '}';
    }
    out += "],\"year\":" + std::to_string(year) + "}";
  }
  return out + "]}";
}

std::shared_ptr<const Tables> build(std::map<int, YearNotice> years) {
  auto t = std::make_shared<Tables>();
  std::vector<std::uint8_t> working(static_cast<std::size_t>(kTableDays));
  // 1900-01-01 is a Monday; weekends are rest days.
  for (int i = 0; i < kTableDays; ++i) working[static_cast<std::size_t>(i)] = (i % 7) < 5 ? 1 : 0;
  const auto set = [&](Date d, std::uint8_t v) {
    working[static_cast<std::size_t>(d.days() - kFirstDay)] = v;
  };
  std::int16_t unloaded = 0;
  for (int y = kMinYear; y <= kMaxYear; ++y) {
    t->unloaded_before[static_cast<std::size_t>(y - kMinYear)] = unloaded;
    const auto it = years.find(y);
    if (it == years.end()) {
      // Not loaded: only the fixed-date statutory holidays are known (Jan 1, May 1–2, Oct 1–3).
      ++unloaded;
      set(Date::from_ymd(y, 1, 1), 0);
      set(Date::from_ymd(y, 5, 1), 0);
      set(Date::from_ymd(y, 5, 2), 0);
      for (unsigned d = 1; d <= 3; ++d) set(Date::from_ymd(y, 10, d), 0);
      continue;
    }
    for (const auto& h : it->second.holidays) {
      for (Date d = h.from; d <= h.to; d = d + 1) set(d, 0);
    }
    for (const auto& w : it->second.workdays) set(w.date, 1);
  }
  t->unloaded_before[kYears] = unloaded;
  for (int y = kMinYear; y <= kMaxYear + 1; ++y)
    t->year_start[static_cast<std::size_t>(y - kMinYear)] =
        std::chrono::sys_days{std::chrono::year{y} / 1 / 1}.time_since_epoch().count() - kFirstDay;
  t->cum.resize(static_cast<std::size_t>(kTableDays) + 1);
  t->cum[0] = 0;
  for (int i = 0; i < kTableDays; ++i) {
    t->cum[static_cast<std::size_t>(i) + 1] =
        t->cum[static_cast<std::size_t>(i)] + working[static_cast<std::size_t>(i)];
    if (working[static_cast<std::size_t>(i)] != 0) t->kth.push_back(i);
  }
  t->json = to_canonical_json(years);
  t->version = sha256_hex(t->json);
  // Every case on this calendar holds its version: as a word of the vocabulary, each holds a pointer to it.
  Text::add_to_vocabulary({t->version});
  t->years = std::move(years);
  return t;
}

// --- loading -----------------------------------------------------------------------------------------

// A date of the entry's year.
Date date_in_year(const input::Field& f, int year) {
  const Date d = f.date();
  if (d.year() != year) f.fail(d.to_string() + " is outside the year " + std::to_string(year));
  return d;
}

YearNotice load_year(const input::Field& y, int year) {
  y.object({"year", "notice", "holidays", "workdays"});
  YearNotice out;
  if (y.has("notice")) out.notice = y.child("notice").str();

  // Sorted with their index in the file, so a refusal after sorting still names the value's pointer.
  const input::Field holidays = y.child("holidays").array();
  std::vector<std::pair<Holiday, std::size_t>> hols;
  for (std::size_t i = 0; i < holidays.size(); ++i) {
    const input::Field h = holidays.element(i);
    h.object({"name", "from", "to"});
    Holiday hol;
    hol.name = h.child("name").str();
    hol.from = date_in_year(h.child("from"), year);
    const input::Field to = h.child("to");
    hol.to = date_in_year(to, year);
    if (hol.to < hol.from) {
      to.fail(hol.to.to_string() + " is before \"from\" " + hol.from.to_string() + " in holiday \"" +
              hol.name + "\"");
    }
    hols.emplace_back(std::move(hol), i);
  }
  std::stable_sort(hols.begin(), hols.end(),
                   [](const auto& a, const auto& b) { return a.first.from < b.first.from; });
  for (std::size_t i = 1; i < hols.size(); ++i) {
    const Holiday& a = hols[i - 1].first;
    const Holiday& b = hols[i].first;
    if (b.from <= a.to) {
      holidays.element(hols[i].second)
          .child("from")
          .fail("holidays \"" + a.name + "\" and \"" + b.name + "\" overlap on " + b.from.to_string());
    }
  }
  for (auto& [h, i] : hols) out.holidays.push_back(std::move(h));

  const input::Field workdays = y.child("workdays").array();
  std::vector<std::pair<Workday, std::size_t>> days;
  for (std::size_t i = 0; i < workdays.size(); ++i) {
    const input::Field w = workdays.element(i);
    w.object({"date", "holiday"});
    const input::Field date = w.child("date");
    Workday wd;
    wd.date = date_in_year(date, year);
    if (w.has("holiday")) wd.holiday = w.child("holiday").str();
    if (!is_weekend(wd.date)) {
      date.fail(wd.date.to_string() + " is a weekday: a swapped workday must be a Saturday or Sunday");
    }
    for (const auto& h : out.holidays) {
      if (h.from <= wd.date && wd.date <= h.to) {
        date.fail(wd.date.to_string() + " is both a workday and inside holiday \"" + h.name + "\"");
      }
    }
    days.emplace_back(std::move(wd), i);
  }
  std::stable_sort(days.begin(), days.end(),
                   [](const auto& a, const auto& b) { return a.first.date < b.first.date; });
  for (std::size_t i = 1; i < days.size(); ++i) {
    if (days[i].first.date == days[i - 1].first.date) {
      workdays.element(days[i].second)
          .child("date")
          .fail("workday " + days[i].first.date.to_string() + " is listed twice");
    }
  }
  for (auto& [w, i] : days) out.workdays.push_back(std::move(w));
  return out;
}

// Reads a calendar file with the one strict reader (lib/common/json_input): every refusal names the file,
// the year once it is known, and the JSON pointer of the value.
std::map<int, YearNotice> load(std::string_view text, std::string_view source) {
  const std::string label = "calendar " + std::string(source);
  const json doc = input::parse_document(text, "the calendar", label);
  const input::Field root(doc, "", label);
  root.object({"format", "region", "years"});
  if (root.has("format")) {
    root.child("format").integer(kCalendarFormat, kCalendarFormat);  // the only format there is
  }
  if (root.has("region")) root.child("region").str();
  const input::Field entries = root.child("years").array();
  std::map<int, YearNotice> years;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const input::Field entry = entries.element(i);
    const int year = static_cast<int>(entry.object().child("year").integer(kMinYear, kMaxYear));
    // From here on every message names the year too.
    const std::string year_label = label + ", year " + std::to_string(year);
    const input::Field y(entry.value(), entry.pointer(), year_label);
    if (years.contains(year)) y.child("year").fail("the year appears twice in the file");
    years.emplace(year, load_year(y, year));
  }
  return years;
}

}  // namespace

// --- WorkingCalendar -----------------------------------------------------------------------------------

WorkingCalendar::WorkingCalendar(std::shared_ptr<const Tables> t) : tables_(std::move(t)) {}
WorkingCalendar::WorkingCalendar(const WorkingCalendar&) = default;
WorkingCalendar& WorkingCalendar::operator=(const WorkingCalendar&) = default;
// A moved-from calendar keeps sharing the tables, so it stays usable.
WorkingCalendar::WorkingCalendar(WorkingCalendar&& other) noexcept : tables_(other.tables_) {}
WorkingCalendar& WorkingCalendar::operator=(WorkingCalendar&& other) noexcept {
  tables_ = other.tables_;
  return *this;
}
WorkingCalendar::~WorkingCalendar() = default;

WorkingCalendar WorkingCalendar::official() {
  static const std::shared_ptr<const Tables> tables = [] {
    for (const auto& f : detail::embedded_files()) {
      if (f.name == kOfficialName) return build(load(f.content, kOfficialName));
    }
    throw Error(ErrorCode::internal,
                "the compiled-in calendar " + std::string(kOfficialName) + " is missing");
  }();
  return WorkingCalendar(tables);
}

WorkingCalendar WorkingCalendar::from_json(std::string_view json_text, std::string_view source) {
  return WorkingCalendar(build(load(json_text, source)));
}

WorkingCalendar WorkingCalendar::from_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) invalid("calendar " + path + ": cannot open the file");
  std::ostringstream buf;
  buf << in.rdbuf();
  if (in.bad()) invalid("calendar " + path + ": cannot read the file");
  return from_json(buf.str(), path);
}

WorkingCalendar WorkingCalendar::merged_with(const WorkingCalendar& newer) const {
  std::map<int, YearNotice> years = tables_->years;
  for (const auto& [year, notice] : newer.tables_->years) years.insert_or_assign(year, notice);
  return WorkingCalendar(build(std::move(years)));
}

bool WorkingCalendar::is_working_day(Date d) const { return tables_->working(Tables::index(d)); }

bool WorkingCalendar::is_loaded(int year) const { return tables_->years.contains(year); }

std::vector<int> WorkingCalendar::loaded_years() const {
  std::vector<int> out;
  out.reserve(tables_->years.size());
  for (const auto& [year, notice] : tables_->years) out.push_back(year);
  return out;
}

WorkingDate WorkingCalendar::add_working_days(Date start, int n) const {
  const Tables& t = *tables_;
  const int i = Tables::index(start);
  if (n < 0) invalid("a number of working days must not be negative (got " + std::to_string(n) + ")");
  if (n == 0) return {start, false};
  const int j = t.kth_working(t.cum[static_cast<std::size_t>(i) + 1] + n);
  if (j < 0) invalid(std::to_string(n) + " working days after " + start.to_string() + " is past 2199-12-31");
  return {Date::from_days(kFirstDay + j), t.provisional(t.year_at(i + 1), t.year_at(j))};
}

WorkingDate WorkingCalendar::add_working_days(Date start, int n, std::span<const DateRange> excluded) const {
  const Tables& t = *tables_;
  const int i = Tables::index(start);
  if (n < 0) invalid("a number of working days must not be negative (got " + std::to_string(n) + ")");
  if (n == 0 || excluded.empty()) return add_working_days(start, n);

  // Normalise: table indices, clipped to the days after start, sorted, overlapping/adjacent ranges joined.
  std::vector<std::pair<int, int>> ranges;
  ranges.reserve(excluded.size());
  for (const auto& r : excluded) {
    if (r.to < r.from)
      invalid("an excluded range ends before it starts: " + r.from.to_string() + " … " + r.to.to_string());
    const int from = std::max(Tables::index(r.from), i + 1);
    const int to = Tables::index(r.to);
    if (from <= to) ranges.emplace_back(from, to);
  }
  std::sort(ranges.begin(), ranges.end());
  std::size_t m = 0;
  for (const auto& r : ranges) {
    if (m > 0 && r.first <= ranges[m - 1].second + 1) {
      ranges[m - 1].second = std::max(ranges[m - 1].second, r.second);
    } else {
      ranges[m++] = r;
    }
  }
  ranges.resize(m);

  // The result r is the (n + e)-th working day after start, where e is the number of excluded working days
  // in (start, r]. Iterate from e = 0: each step can only move r later and never past the answer.
  const std::int32_t base = t.cum[static_cast<std::size_t>(i) + 1];
  std::int32_t e = 0;
  int j = 0;
  for (;;) {
    j = t.kth_working(base + n + e);
    if (j < 0)
      invalid(std::to_string(n) + " working days after " + start.to_string() + " is past 2199-12-31");
    std::int32_t e2 = 0;
    for (const auto& [from, to] : ranges) {
      if (from > j) break;
      const int last = std::min(to, j);
      e2 += t.cum[static_cast<std::size_t>(last) + 1] - t.cum[static_cast<std::size_t>(from)];
    }
    if (e2 == e) break;
    e = e2;
  }
  return {Date::from_days(kFirstDay + j), t.provisional(t.year_at(i + 1), t.year_at(j))};
}

int WorkingCalendar::working_days_between(Date a, Date b) const {
  const int i = Tables::index(a);
  const int j = Tables::index(b);
  if (j < i) return 0;
  return tables_->cum[static_cast<std::size_t>(j) + 1] - tables_->cum[static_cast<std::size_t>(i)];
}

Date WorkingCalendar::next_working_day(Date d) const { return add_working_days(d, 1).date; }

Date WorkingCalendar::working_day_on_or_after(Date d) const {
  return is_working_day(d) ? d : next_working_day(d);
}

const std::string& WorkingCalendar::version() const { return tables_->version; }

std::string WorkingCalendar::to_json() const { return tables_->json; }

}  // namespace permitflow
