// The workflow registry (lib/lifecycle/workflow.cpp): every Kind has its workflow, and the roles of each
// kind's work select it.
#include <gtest/gtest.h>

#include <algorithm>
#include <string_view>

#include "definition/definition.hpp"
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

TEST(WorkflowRegistry, OnlyPermitApplicationsAreCheckedAgainstAChecklist) {
  EXPECT_TRUE(workflow(Kind::permit).checks_applications());
  EXPECT_FALSE(workflow(Kind::complaint).checks_applications());
}

TEST(WorkflowRegistry, ListsEveryWorkflowOnceInRegistryOrder) {
  const auto all = workflows();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0], &workflow(Kind::permit));
  EXPECT_EQ(all[1], &workflow(Kind::complaint));
}

TEST(WorkflowRegistry, QueryFiltersBelongToOneWorkflowEach) {
  const auto has = [](Kind k, std::string_view key) {
    const auto f = workflow(k).query_filters();
    return std::find(f.begin(), f.end(), key) != f.end();
  };
  for (const std::string_view key : {"tolerance_pending", "verification_open", "awaiting_department"}) {
    EXPECT_TRUE(has(Kind::permit, key)) << key;
    EXPECT_FALSE(has(Kind::complaint, key)) << key;
  }
  EXPECT_TRUE(has(Kind::complaint, "unit"));
  EXPECT_FALSE(has(Kind::permit, "unit"));
}

TEST(WorkflowRegistry, SubmittedFieldsAreTheWorkflowsOwn) {
  Application app;
  app.source = "hotline";
  app.description = "占道经营";
  app.location = "人民路1号";
  Definition def;
  def.id = "help";
  app.applicant = {"A1", "王"};
  payload::Submitted permit;
  workflow(Kind::permit).submitted_fields(app, def, permit);
  payload::Submitted expected_permit;
  expected_permit.applicant = app.applicant;  // the owner under the permit's key, nothing else
  EXPECT_EQ(permit, expected_permit);
  payload::Submitted complaint;
  workflow(Kind::complaint).submitted_fields(app, def, complaint);
  payload::Submitted expected;
  expected.reporter = app.applicant;
  expected.kind = Kind::complaint;
  expected.category = "help";
  expected.source = "hotline";
  expected.description = "占道经营";
  expected.location = "人民路1号";
  EXPECT_EQ(complaint, expected);
}

TEST(WorkflowCharts, EachWorkflowHasItsOwnChart) {
  EXPECT_EQ(&workflow(Kind::permit).chart(), &permit_chart());
  EXPECT_EQ(&workflow(Kind::complaint).chart(), &complaint_chart());
  EXPECT_NE(&permit_chart(), &complaint_chart());
}

// A chart holds its own workflow's states only: a case in another kind's state is not restored into it and
// takes nothing there, while its own chart takes the command.
TEST(WorkflowCharts, AChartHoldsOnlyItsWorkflowsStates) {
  const Definition& def = *DefinitionRegistry::builtin().current("help", Kind::complaint);
  const WorkingCalendar cal = WorkingCalendar::official();
  const CaseContext ctx{def, cal, 480};
  Case c;
  c.kind = Kind::complaint;
  c.state = State::received;
  Command cmd;
  cmd.type = CommandType::register_;
  cmd.body = commands::Register{true, std::nullopt};
  EXPECT_TRUE(complaint_chart().state_takes(c, cmd, ctx));
  EXPECT_FALSE(permit_chart().state_takes(c, cmd, ctx));
  c.state = State::closed;  // both kinds have a closed state: each chart restores its own
  cmd.type = CommandType::rate;
  cmd.body = commands::Rate{5, std::nullopt};
  EXPECT_TRUE(complaint_chart().state_takes(c, cmd, ctx));
  EXPECT_FALSE(permit_chart().state_takes(c, cmd, ctx));
  c.kind = Kind::permit;
  EXPECT_FALSE(state_takes(c, cmd, ctx));  // the kind-neutral entry goes to the case's workflow's chart
  c.state = State::submitted;
  cmd.type = CommandType::accept;
  cmd.body = commands::Accept{};
  EXPECT_TRUE(permit_chart().state_takes(c, cmd, ctx));
  EXPECT_FALSE(complaint_chart().state_takes(c, cmd, ctx));
  EXPECT_TRUE(state_takes(c, cmd, ctx));
}

}  // namespace
}  // namespace permitflow
