// A timer's kind and the event it fires (lib/lifecycle/timers.cpp), its clock as stored, and the refusal of
// a stored kind or clock this version does not know.
#include <gtest/gtest.h>

#include <string>

#include "lifecycle/lifecycle.hpp"
#include "permitflow/error.hpp"

namespace permitflow {
namespace {

TEST(TimerEvent, EachKindFiresItsNamesakeButToleranceLapsedTerminates) {
  for (int i = 0; to_string(static_cast<TimerKind>(i)) != "unknown"; ++i) {
    const auto kind = static_cast<TimerKind>(i);
    const std::string_view expected = kind == TimerKind::tolerance_lapsed ? "terminated" : to_string(kind);
    EXPECT_EQ(to_string(event_of(kind)), expected) << to_string(kind);
  }
}

TEST(TimerEvent, AStoredKindIsReadAndAnUnknownOneIsRefusedNamingIt) {
  EXPECT_EQ(stored_timer_kind("renewal_deemed"), TimerKind::renewal_deemed);
  try {
    (void)stored_timer_kind("deadline_alarm");
    ADD_FAILURE() << "read an unknown timer kind";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::internal);
    EXPECT_NE(std::string(e.what()).find("'deadline_alarm'"), std::string::npos) << e.what();
  }
}

TEST(TimerEvent, AClockIsStoredAsItsNameAndASuspensionsWithItsNumber) {
  EXPECT_EQ(TimerClock(ClockName::decision_statutory).text(), "decision_statutory");
  EXPECT_EQ(TimerClock(ClockName::handling).text(), "handling");
  EXPECT_EQ(TimerClock(ClockName::suspension, 3).text(), "suspension:3");
  for (const TimerClock clock : {TimerClock(ClockName::acceptance_notice), TimerClock(ClockName::review),
                                 TimerClock(ClockName::tolerance), TimerClock(ClockName::suspension, 1),
                                 TimerClock(ClockName::suspension, 12)})
    EXPECT_EQ(stored_timer_clock(clock.text()), clock) << clock.text();
}

TEST(TimerEvent, AnUnknownStoredClockIsRefusedNamingIt) {
  for (const char* stored : {"", "deadline", "suspension", "suspension:", "suspension:0", "suspension:x",
                             "suspension:2 ", "suspension:-1", "decision:1"}) {
    try {
      (void)stored_timer_clock(stored);
      ADD_FAILURE() << "read the timer clock '" << stored << "'";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::internal) << stored;
      EXPECT_NE(std::string(e.what()).find("'" + std::string(stored) + "'"), std::string::npos) << e.what();
    }
  }
}

}  // namespace
}  // namespace permitflow
