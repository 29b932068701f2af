// The working-day calendar: one day table for 1900–2199 with cumulative working-day counts, so adding and
// counting working days is a binary search and a subtraction, never a day-by-day walk.
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

#include "common/embedded.hpp"
#include "common/sha256.hpp"
#include "permitflow/calendar.hpp"
#include "permitflow/error.hpp"

namespace permitflow {
namespace {

using nlohmann::json;

constexpr int kMinYear = 1900;
constexpr int kMaxYear = 2199;
constexpr int kYears = kMaxYear - kMinYear + 1;
constexpr int kFormat = 1;
constexpr std::string_view kOfficialName = "calendars/cn-mainland.json";

// Days since 1970-01-01 of 1900-01-01 and of 2200-01-01 (one past the table).
constexpr std::int32_t kFirstDay = -25567;
constexpr std::int32_t kEndDay = 84006;
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

[[noreturn]] void invalid(const std::string& message) { throw Error(ErrorCode::invalid_argument, message); }

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
  // The table index of the k-th working day of the table (k ≥ 1), or -1 past the end.
  int kth_working(std::int32_t k) const {
    const auto it = std::lower_bound(cum.begin() + 1, cum.end(), k);
    if (it == cum.end()) return -1;
    return static_cast<int>(it - cum.begin()) - 1;
  }
};

namespace {

using Tables = WorkingCalendar::Tables;

std::string quoted(const std::string& s) { return json(s).dump(); }

// Canonical JSON: compact, keys in lexicographic order, years ascending, holidays by start, workdays by date.
// Written by hand: building nested nlohmann objects trips a false g++ 12 -O2 -Warray-bounds in std::map.
std::string to_canonical_json(const std::map<int, YearNotice>& years) {
  std::string out = "{\"format\":" + std::to_string(kFormat) + ",\"years\":[";
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
  t->cum.resize(static_cast<std::size_t>(kTableDays) + 1);
  t->cum[0] = 0;
  for (int i = 0; i < kTableDays; ++i) {
    t->cum[static_cast<std::size_t>(i) + 1] =
        t->cum[static_cast<std::size_t>(i)] + working[static_cast<std::size_t>(i)];
  }
  t->json = to_canonical_json(years);
  t->version = sha256_hex(t->json);
  t->years = std::move(years);
  return t;
}

// --- loading -----------------------------------------------------------------------------------------

class Loader {
 public:
  explicit Loader(std::string_view source) : source_(source) {}

  std::map<int, YearNotice> load(std::string_view text) {
    json doc;
    try {
      doc = json::parse(text);
    } catch (const json::exception& e) {
      fail("not valid JSON: " + std::string(e.what()));
    }
    if (!doc.is_object()) fail("expected a JSON object with a \"years\" array");
    for (const auto& [key, value] : doc.items()) {
      if (key == "format") {
        if (!value.is_number_integer() || value.get<std::int64_t>() != kFormat) {
          fail("\"format\" must be the integer " + std::to_string(kFormat));
        }
      } else if (key == "region") {
        if (!value.is_string()) fail("\"region\" must be a string");
      } else if (key != "years") {
        fail("unknown key \"" + key + "\" (expected format, region, years)");
      }
    }
    const auto years_it = doc.find("years");
    if (years_it == doc.end() || !years_it->is_array()) fail("expected a \"years\" array");

    std::map<int, YearNotice> years;
    for (std::size_t i = 0; i < years_it->size(); ++i) {
      const json& y = (*years_it)[i];
      const std::string where = "years[" + std::to_string(i) + "]";
      if (!y.is_object()) fail(where + ": expected an object");
      const auto year_it = y.find("year");
      if (year_it == y.end() || !year_it->is_number_integer()) fail(where + ": \"year\" must be an integer");
      const std::int64_t year = year_it->get<std::int64_t>();
      if (year < kMinYear || year > kMaxYear) {
        fail(where + ": year " + std::to_string(year) + " is outside 1900–2199");
      }
      year_ = static_cast<int>(year);
      if (years.contains(year_)) fail("the year appears twice in the file (" + where + ")");
      years.emplace(year_, load_year(y));
      year_ = 0;
    }
    return years;
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    std::string message = "calendar " + std::string(source_) + ": ";
    if (year_ != 0) message += "year " + std::to_string(year_) + ": ";
    invalid(message + what);
  }

  std::string get_string(const json& obj, const char* key, const std::string& where, bool required) const {
    const auto it = obj.find(key);
    if (it == obj.end()) {
      if (required) fail(where + ": missing \"" + key + "\"");
      return {};
    }
    if (!it->is_string()) fail(where + ": \"" + key + "\" must be a string");
    return it->get<std::string>();
  }

  Date get_date(const json& obj, const char* key, const std::string& where) const {
    const std::string text = get_string(obj, key, where, true);
    Date d;
    try {
      d = Date::parse(text);
    } catch (const Error& e) {
      fail(where + ": \"" + key + "\" is not a date: " + e.what());
    }
    if (d.year() != year_) fail(where + ": " + text + " is outside the year");
    return d;
  }

  void only_keys(const json& obj, std::initializer_list<std::string_view> keys,
                 const std::string& where) const {
    for (const auto& [key, value] : obj.items()) {
      if (std::find(keys.begin(), keys.end(), key) == keys.end()) {
        fail(where + ": unknown key \"" + key + "\"");
      }
    }
  }

  const json& get_array(const json& obj, const char* key, const std::string& where) const {
    const auto it = obj.find(key);
    if (it == obj.end()) fail(where + ": missing \"" + key + "\"");
    if (!it->is_array()) fail(where + ": \"" + key + "\" must be an array");
    return *it;
  }

  YearNotice load_year(const json& y) const {
    only_keys(y, {"year", "notice", "holidays", "workdays"}, "entry");
    YearNotice out;
    out.notice = get_string(y, "notice", "entry", false);

    const json& holidays = get_array(y, "holidays", "entry");
    for (std::size_t i = 0; i < holidays.size(); ++i) {
      std::string where = "holidays[" + std::to_string(i) + "]";
      const json& h = holidays[i];
      if (!h.is_object()) fail(where + ": expected an object {name, from, to}");
      only_keys(h, {"name", "from", "to"}, where);
      Holiday hol;
      hol.name = get_string(h, "name", where, true);
      where += " (" + hol.name + ")";
      hol.from = get_date(h, "from", where);
      hol.to = get_date(h, "to", where);
      if (hol.to < hol.from) fail(where + ": \"to\" " + hol.to.to_string() + " is before \"from\"");
      out.holidays.push_back(std::move(hol));
    }
    std::stable_sort(out.holidays.begin(), out.holidays.end(),
                     [](const Holiday& a, const Holiday& b) { return a.from < b.from; });
    for (std::size_t i = 1; i < out.holidays.size(); ++i) {
      const Holiday& a = out.holidays[i - 1];
      const Holiday& b = out.holidays[i];
      if (b.from <= a.to) {
        fail("holidays \"" + a.name + "\" and \"" + b.name + "\" overlap on " + b.from.to_string());
      }
    }

    const json& workdays = get_array(y, "workdays", "entry");
    for (std::size_t i = 0; i < workdays.size(); ++i) {
      std::string where = "workdays[" + std::to_string(i) + "]";
      const json& w = workdays[i];
      if (!w.is_object()) fail(where + ": expected an object {date, holiday}");
      only_keys(w, {"date", "holiday"}, where);
      Workday wd;
      wd.date = get_date(w, "date", where);
      wd.holiday = get_string(w, "holiday", where, false);
      where += " (" + wd.date.to_string() + ")";
      if (!is_weekend(wd.date)) fail(where + ": a swapped workday must be a Saturday or Sunday");
      for (const auto& h : out.holidays) {
        if (h.from <= wd.date && wd.date <= h.to) {
          fail(where + ": the day is both a workday and inside holiday \"" + h.name + "\"");
        }
      }
      out.workdays.push_back(std::move(wd));
    }
    std::stable_sort(out.workdays.begin(), out.workdays.end(),
                     [](const Workday& a, const Workday& b) { return a.date < b.date; });
    for (std::size_t i = 1; i < out.workdays.size(); ++i) {
      if (out.workdays[i].date == out.workdays[i - 1].date) {
        fail("workday " + out.workdays[i].date.to_string() + " is listed twice");
      }
    }
    return out;
  }

  std::string_view source_;
  int year_ = 0;
};

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
      if (f.name == kOfficialName) return build(Loader(kOfficialName).load(f.content));
    }
    throw Error(ErrorCode::internal,
                "the compiled-in calendar " + std::string(kOfficialName) + " is missing");
  }();
  return WorkingCalendar(tables);
}

WorkingCalendar WorkingCalendar::from_json(std::string_view json_text, std::string_view source) {
  return WorkingCalendar(build(Loader(source).load(json_text)));
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
  const Date result = Date::from_days(kFirstDay + j);
  return {result, t.provisional((start + 1).year(), result.year())};
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
  const Date result = Date::from_days(kFirstDay + j);
  return {result, t.provisional((start + 1).year(), result.year())};
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
