// The workflow registry (lib/lifecycle/workflow.cpp): every Kind has its workflow, and the roles of each
// kind's work select it.
#include <gtest/gtest.h>

#include <string_view>

#include "lifecycle/workflow.hpp"

namespace permitflow {
namespace {

TEST(WorkflowRegistry, EveryKindHasItsOwnWorkflow) {
  for (const std::string_view name : {"permit", "complaint"}) {
    const auto kind = parse_kind(name);
    ASSERT_TRUE(kind.has_value()) << name;
    EXPECT_EQ(workflow(*kind).kind(), *kind) << name;
  }
  EXPECT_NE(&workflow(Kind::permit), &workflow(Kind::complaint));
}

TEST(WorkflowRegistry, DocumentKeysAreTheContractNames) {
  EXPECT_EQ(workflow(Kind::permit).subject_key(), "permit");
  EXPECT_EQ(workflow(Kind::permit).owner_key(), "applicant");
  EXPECT_EQ(workflow(Kind::complaint).subject_key(), "category");
  EXPECT_EQ(workflow(Kind::complaint).owner_key(), "reporter");
}

TEST(WorkflowRegistry, EachRoleWorksOnItsKindTheSupervisorOnBothTheSystemOnNone) {
  EXPECT_EQ(kinds_served_by(Role::clerk), std::vector<Kind>{Kind::permit});
  EXPECT_EQ(kinds_served_by(Role::reviewer), std::vector<Kind>{Kind::permit});
  EXPECT_EQ(kinds_served_by(Role::applicant), std::vector<Kind>{Kind::permit});
  EXPECT_EQ(kinds_served_by(Role::handler), std::vector<Kind>{Kind::complaint});
  EXPECT_EQ(kinds_served_by(Role::reporter), std::vector<Kind>{Kind::complaint});
  EXPECT_EQ(kinds_served_by(Role::supervisor), (std::vector<Kind>{Kind::permit, Kind::complaint}));
  EXPECT_TRUE(kinds_served_by(Role::system).empty());
}

}  // namespace
}  // namespace permitflow
