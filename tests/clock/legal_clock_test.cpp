// The legal clock's counting on the official calendar: suspensions that overlap or touch leave each working
// day out once, for the count and for the yellow instant alike (docs/contract.md, counting conventions).
#include <gtest/gtest.h>

#include "clock/legal_clock.hpp"

namespace permitflow {
namespace {

Date D(const char* s) { return Date::parse(s); }

const WorkingCalendar& cal() {
  static const WorkingCalendar c = WorkingCalendar::official();
  return c;
}

// Accepted Mon 2026-03-02, 5 working days promised.
LegalClock promised(std::vector<DateRange> suspensions) {
  return {D("2026-03-02"), 5, std::move(suspensions)};
}

TEST(LegalClock, ASharedSuspensionDayIsLeftOutOnce) {
  const LegalClock once = promised({{D("2026-03-03"), D("2026-03-03")}});
  const LegalClock twice = promised({{D("2026-03-03"), D("2026-03-03")}, {D("2026-03-03"), D("2026-03-03")}});
  EXPECT_EQ(due_date(once, cal()).date, D("2026-03-10"));
  EXPECT_EQ(due_date(twice, cal()).date, D("2026-03-10"));
  EXPECT_EQ(counted_working_days(once, D("2026-03-10"), cal()), 5);
  EXPECT_EQ(counted_working_days(twice, D("2026-03-10"), cal()), 5);
  // Three working days remain on Fri 03-06 (03-06, 03-09, 03-10), two on Sat 03-07: yellow at 00:00 of
  // 03-07, not of 03-06.
  const Instant yellow = Instant::start_of_day(D("2026-03-07"), 480);
  EXPECT_EQ(yellow_at(once, D("2026-03-10"), 2, cal(), 480), yellow);
  EXPECT_EQ(yellow_at(twice, D("2026-03-10"), 2, cal(), 480), yellow);
}

TEST(LegalClock, OverlappingAndTouchingSuspensionsCountLikeTheirUnion) {
  // 03-03 … 03-05 as one range, as two overlapping ones, as two touching ones, and nested.
  const std::vector<std::vector<DateRange>> shapes = {
      {{D("2026-03-03"), D("2026-03-05")}},
      {{D("2026-03-03"), D("2026-03-04")}, {D("2026-03-04"), D("2026-03-05")}},
      {{D("2026-03-04"), D("2026-03-05")}, {D("2026-03-03"), D("2026-03-03")}},
      {{D("2026-03-03"), D("2026-03-05")}, {D("2026-03-04"), D("2026-03-04")}},
  };
  for (const auto& s : shapes) {
    const LegalClock clock = promised(s);
    EXPECT_EQ(due_date(clock, cal()).date, D("2026-03-12"));
    EXPECT_EQ(counted_working_days(clock, D("2026-03-12"), cal()), 5);
    EXPECT_EQ(counted_working_days(clock, D("2026-03-06"), cal()), 1);
    EXPECT_EQ(yellow_at(clock, D("2026-03-12"), 2, cal(), 480), Instant::start_of_day(D("2026-03-11"), 480));
  }
}

TEST(LegalClock, SuspensionsOverAWeekendAndBeforeTheStartAreClipped) {
  // A suspension Fri 03-06 … Mon 03-09 stops 2 working days; one ending before the start stops none.
  const LegalClock clock = promised({{D("2026-03-06"), D("2026-03-09")}, {D("2026-02-20"), D("2026-03-02")}});
  EXPECT_EQ(counted_working_days(clock, D("2026-03-11"), cal()), 5);
  EXPECT_EQ(due_date(clock, cal()).date, D("2026-03-11"));
}

}  // namespace
}  // namespace permitflow
