// The contract strings of event types, timer kinds and clock names (lib/common/vocabulary.cpp): every value
// has exactly one string, every string reads back as its value, and no other string reads as anything.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock_name.hpp"
#include "permitflow/event.hpp"
#include "permitflow/timer.hpp"

namespace permitflow {
namespace {

// docs/contract.md §9 and docs/complaints.md (Events), in the enum's order.
const std::vector<std::string_view> kEventNames = {"submitted",
                                                   "correction_requested",
                                                   "resubmitted",
                                                   "accepted",
                                                   "acceptance_deemed",
                                                   "rejected",
                                                   "withdrawn",
                                                   "opinion_recorded",
                                                   "inspection_recorded",
                                                   "suspended",
                                                   "resumed",
                                                   "extended",
                                                   "decided",
                                                   "certificate_issued",
                                                   "completion_reported",
                                                   "closed",
                                                   "revoked",
                                                   "deadline_warning",
                                                   "deadline_overdue",
                                                   "suspension_overrun",
                                                   "correction_lapsed",
                                                   "permit_expiring",
                                                   "permit_expired",
                                                   "renewal_deemed",
                                                   "deadlines_recomputed",
                                                   "supplied",
                                                   "supply_reminder",
                                                   "terminated",
                                                   "verification_recorded",
                                                   "credit_flagged",
                                                   "registered",
                                                   "dispatched",
                                                   "returned",
                                                   "handling_started",
                                                   "escalated",
                                                   "deputy_assigned",
                                                   "replied",
                                                   "check_failed",
                                                   "checked",
                                                   "rated",
                                                   "reopened"};

// docs/architecture.md (Timers).
const std::vector<std::string_view> kTimerNames = {
    "acceptance_deemed", "correction_lapsed", "deadline_warning", "deadline_overdue", "suspension_overrun",
    "permit_expiring",   "permit_expired",    "renewal_deemed",   "supply_reminder",  "tolerance_lapsed"};

// The clocks of docs/architecture.md (Timers) and docs/complaints.md, as timer rows and events name them.
const std::vector<std::string_view> kClockNames = {
    "acceptance_notice", "correction", "decision", "decision_statutory", "issuance", "verification",
    "suspension",        "renewal",    "validity", "tolerance",          "handling", "review"};

// Walks the enum's values 0…names.size()-1: each has its own string, in order, which parses back to it;
// the next value past the last has none.
template <typename E, typename Parse>
void expect_one_table(const std::vector<std::string_view>& names, Parse parse) {
  std::set<std::string_view> seen;
  for (std::size_t i = 0; i < names.size(); ++i) {
    const E value = static_cast<E>(i);
    const std::string_view name = to_string(value);
    EXPECT_EQ(name, names[i]) << "value " << i;
    EXPECT_TRUE(seen.insert(name).second) << "two values are spelled '" << name << "'";
    const auto back = parse(name);
    ASSERT_TRUE(back.has_value()) << name;
    EXPECT_EQ(*back, value) << name;
  }
  EXPECT_EQ(to_string(static_cast<E>(names.size())), "unknown") << "a value the test does not know";
}

TEST(EventVocabulary, EveryEventTypeRoundTripsThroughItsOwnContractString) {
  expect_one_table<EventType>(kEventNames, parse_event_type);
  EXPECT_EQ(to_string(EventType::deadlines_recomputed), "deadlines_recomputed");
  EXPECT_EQ(*parse_event_type("check_failed"), EventType::check_failed);
}

TEST(EventVocabulary, EveryTimerKindRoundTripsThroughItsOwnContractString) {
  expect_one_table<TimerKind>(kTimerNames, parse_timer_kind);
  EXPECT_EQ(*parse_timer_kind("tolerance_lapsed"), TimerKind::tolerance_lapsed);
}

TEST(EventVocabulary, EveryClockNameRoundTripsThroughItsOwnString) {
  expect_one_table<ClockName>(kClockNames, parse_clock_name);
  EXPECT_EQ(*parse_clock_name("decision_statutory"), ClockName::decision_statutory);
  // A suspension's timer clock carries its number; the number is no part of the name.
  EXPECT_FALSE(parse_clock_name("suspension:1").has_value());
  for (const char* text : {"", "Decision", "decision ", "rectification", "deadline_warning", "unknown"})
    EXPECT_FALSE(parse_clock_name(text).has_value()) << "'" << text << "'";
}

TEST(EventVocabulary, AnUnknownOrMisspelledStringIsRefused) {
  for (const char* text :
       {"", "teleported", "Submitted", "submitted ", "deadline-warning", "accept", "unknown"}) {
    EXPECT_FALSE(parse_event_type(text).has_value()) << "'" << text << "'";
    EXPECT_FALSE(parse_timer_kind(text).has_value()) << "'" << text << "'";
  }
  // Each vocabulary keeps to its own: an event that no timer is, a timer kind that no event is.
  EXPECT_FALSE(parse_timer_kind("terminated").has_value());
  EXPECT_FALSE(parse_event_type("tolerance_lapsed").has_value());
}

}  // namespace
}  // namespace permitflow
