// The contract strings of states, lights, roles, commands and problems (docs/contract.md §7).
#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "permitflow/case.hpp"
#include "permitflow/error.hpp"

namespace permitflow {
namespace {

TEST(Vocabulary, StatesRoundTripAndMatchTheContract) {
  const char* names[] = {
      "submitted", "awaiting_correction", "not_accepted", "under_review", "suspended", "approved", "denied",
      "issued",    "withdrawn",           "expired",      "revoked",      "closed"};
  for (const char* n : names) {
    const auto s = parse_state(n);
    ASSERT_TRUE(s.has_value()) << n;
    EXPECT_EQ(to_string(*s), n);
  }
  EXPECT_FALSE(parse_state("accepted").has_value());
  EXPECT_TRUE(is_terminal(State::denied));
  EXPECT_FALSE(is_terminal(State::suspended));
}

TEST(Vocabulary, CommandsRolesLightsProblems) {
  for (const char* n : {"accept", "request_correction", "resubmit", "reject", "withdraw", "record_opinion",
                        "record_inspection", "suspend", "resume", "extend", "decide", "issue_certificate",
                        "report_completion", "close", "revoke"}) {
    const auto c = parse_command_type(n);
    ASSERT_TRUE(c.has_value()) << n;
    EXPECT_EQ(to_string(*c), n);
  }
  EXPECT_FALSE(parse_command_type("submit").has_value());  // submit has its own entry point
  EXPECT_EQ(to_string(*parse_role("reviewer")), "reviewer");
  EXPECT_FALSE(parse_role("admin").has_value());
  EXPECT_EQ(to_string(*parse_light("stopped")), "stopped");
  EXPECT_EQ(to_string(*parse_problem("condition_required")), "condition_required");
}

TEST(Vocabulary, ComplaintStatesRolesAndCommands) {  // docs/complaints.md
  for (const char* n : {"received", "registered", "dispatched", "handling", "replied", "checked", "closed",
                        "rated", "returned", "escalated", "reopened"}) {
    const auto s = parse_state(n);
    ASSERT_TRUE(s.has_value()) << n;
    EXPECT_EQ(to_string(*s), n);
    EXPECT_EQ(is_complaint_state(*s), std::string_view(n) != "closed") << n;  // closed serves both kinds
  }
  EXPECT_FALSE(is_complaint_state(State::under_review));
  EXPECT_TRUE(is_terminal(State::rated));
  // a closed complaint still takes its rating; a closed permit is done
  EXPECT_FALSE(is_terminal(State::closed, Kind::complaint));
  EXPECT_TRUE(is_terminal(State::rated, Kind::complaint));
  EXPECT_FALSE(is_terminal(State::reopened, Kind::complaint));
  EXPECT_TRUE(is_terminal(State::closed, Kind::permit));
  EXPECT_TRUE(is_terminal(State::closed));
  for (const char* n : {"reporter", "dispatcher", "handler", "leader"}) {
    ASSERT_TRUE(parse_role(n).has_value()) << n;
    EXPECT_EQ(to_string(*parse_role(n)), n);
  }
  for (const char* n : {"register", "dispatch", "return", "start_handling", "reply", "check", "rate",
                        "escalate", "assign_deputy"}) {
    const auto c = parse_command_type(n);
    ASSERT_TRUE(c.has_value()) << n;
    EXPECT_EQ(to_string(*c), n);
  }
  EXPECT_EQ(*parse_command_type("return"), CommandType::return_);
}

TEST(Vocabulary, ErrorCodesEqualTheCStatuses) {
  EXPECT_EQ(static_cast<int>(ErrorCode::invalid_argument), 1);
  EXPECT_EQ(static_cast<int>(ErrorCode::rule_violation), 6);
  EXPECT_EQ(static_cast<int>(ErrorCode::internal), 8);
  EXPECT_EQ(to_string(ErrorCode::conflict), "conflict");
}

}  // namespace
}  // namespace permitflow
