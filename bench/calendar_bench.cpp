// Working-day arithmetic on the official calendar: each call must stay well under 1 µs (docs/calendar.md).
#include <benchmark/benchmark.h>

#include <vector>

#include "permitflow/calendar.hpp"

namespace {

using permitflow::Date;
using permitflow::DateRange;
using permitflow::WorkingCalendar;

// Start dates spread over 2025–2026 so the searches do not always hit the same cache lines.
std::vector<Date> starts() {
  std::vector<Date> out;
  for (Date d = Date::parse("2025-01-01"); d <= Date::parse("2026-12-31"); d = d + 7) out.push_back(d);
  return out;
}

void BM_AddWorkingDays(benchmark::State& state) {
  const WorkingCalendar cal = WorkingCalendar::official();
  const auto dates = starts();
  const int n = static_cast<int>(state.range(0));
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(cal.add_working_days(dates[i], n));
    if (++i == dates.size()) i = 0;
  }
}
BENCHMARK(BM_AddWorkingDays)->Arg(5)->Arg(20)->Arg(60);

void BM_AddWorkingDaysExcluded(benchmark::State& state) {
  const WorkingCalendar cal = WorkingCalendar::official();
  const auto dates = starts();
  const int n = static_cast<int>(state.range(0));
  std::size_t i = 0;
  for (auto _ : state) {
    const Date s = dates[i];
    // Two suspensions after the start, given unsorted and overlapping, as a clock might hold them.
    const DateRange excluded[] = {{s + 20, s + 30}, {s + 3, s + 9}, {s + 8, s + 12}};
    benchmark::DoNotOptimize(cal.add_working_days(s, n, excluded));
    if (++i == dates.size()) i = 0;
  }
}
BENCHMARK(BM_AddWorkingDaysExcluded)->Arg(20)->Arg(60);

void BM_WorkingDaysBetween(benchmark::State& state) {
  const WorkingCalendar cal = WorkingCalendar::official();
  const auto dates = starts();
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(cal.working_days_between(dates[i], dates[i] + 90));
    if (++i == dates.size()) i = 0;
  }
}
BENCHMARK(BM_WorkingDaysBetween);

void BM_IsWorkingDay(benchmark::State& state) {
  const WorkingCalendar cal = WorkingCalendar::official();
  const auto dates = starts();
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(cal.is_working_day(dates[i]));
    if (++i == dates.size()) i = 0;
  }
}
BENCHMARK(BM_IsWorkingDay);

void BM_Official(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(WorkingCalendar::official());
}
BENCHMARK(BM_Official);

}  // namespace

namespace {

// Loading a host's year and merging it rebuilds the day table (once per calendar, not per call).
void BM_MergedWith(benchmark::State& state) {
  const WorkingCalendar cal = WorkingCalendar::official();
  const WorkingCalendar extra = WorkingCalendar::from_json(
      R"({"years": [{"year": 2027, "holidays": [{"name": "元旦", "from": "2027-01-01", "to": "2027-01-01"}],
          "workdays": []}]})",
      "bench");
  for (auto _ : state) benchmark::DoNotOptimize(cal.merged_with(extra));
}
BENCHMARK(BM_MergedWith)->Unit(benchmark::kMillisecond);

}  // namespace
