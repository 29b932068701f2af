// How a query selects a kind through the workflows (lib/lifecycle/workflow.hpp, docs/contract.md §10): by its
// name, by a workflow's subject key ("permit", "category"), by its owner key ("reporter"), or by a filter
// only that workflow's documents answer ("unit", "tolerance_pending"), each refusal naming its field.
#include <algorithm>

#include "support/engine_fixture.hpp"

namespace permitflow::testing {
namespace {

const json kDispatcher = {{"id", "clerk-li"}, {"role", "dispatcher"}};

class QueryKindsTest : public EngineTest {
 protected:
  std::string permit_id, complaint_id;
  void SetUp() override {
    EngineTest::SetUp();
    permit_id = accepted("outdoor_advertising", "2026-06-01")["id"];
    complaint_id = submit({{"kind", "complaint"},
                           {"category", "help"},
                           {"reporter", {{"id", "resident-1"}, {"name", "张三"}}},
                           {"actor", kDispatcher},
                           {"at", at("2026-06-01", "09:00")},
                           {"source", "hotline"},
                           {"description", "占道经营"}})["id"];
    execute(complaint_id, command("register", kDispatcher, at("2026-06-01", "09:05"), {{"verified", true}}));
    execute(complaint_id, command("dispatch", kDispatcher, at("2026-06-01", "09:10")));
  }
  std::vector<std::string> ids(const json& q) {
    const json answer = query(q);
    std::vector<std::string> out;
    for (const auto& c : answer["cases"]) out.push_back(c["id"]);
    return out;
  }
  std::string refused_at(const json& q) {
    try {
      query(q);
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::invalid_argument) << q.dump();
      return e.field();
    }
    ADD_FAILURE() << "accepted " << q.dump();
    return "";
  }
};

TEST_F(QueryKindsTest, NoFilterListsBothKinds) {
  auto both = std::vector<std::string>{permit_id, complaint_id};
  std::sort(both.begin(), both.end());
  EXPECT_EQ(ids(json::object()), both);
}

TEST_F(QueryKindsTest, NameSubjectAndOwnerKeysSelectTheirKind) {
  EXPECT_EQ(ids({{"kind", "permit"}}), std::vector<std::string>{permit_id});
  EXPECT_EQ(ids({{"kind", "complaint"}}), std::vector<std::string>{complaint_id});
  EXPECT_EQ(ids({{"permit", "outdoor_advertising"}}), std::vector<std::string>{permit_id});
  EXPECT_EQ(ids({{"category", "help"}}), std::vector<std::string>{complaint_id});
  EXPECT_EQ(ids({{"reporter", "resident-1"}}), std::vector<std::string>{complaint_id});
  EXPECT_TRUE(ids({{"reporter", kApplicant["id"]}}).empty());
  // "applicant" filters the owner of either kind.
  EXPECT_EQ(ids({{"applicant", "resident-1"}}), std::vector<std::string>{complaint_id});
  EXPECT_EQ(ids({{"applicant", kApplicant["id"]}}), std::vector<std::string>{permit_id});
}

TEST_F(QueryKindsTest, AFilterOfOneWorkflowsDocumentsSelectsItsKind) {
  EXPECT_EQ(ids({{"unit", "sanitation"}}), std::vector<std::string>{complaint_id});
  EXPECT_EQ(ids({{"tolerance_pending", false}}), std::vector<std::string>{permit_id});
  EXPECT_EQ(ids({{"verification_open", false}}), std::vector<std::string>{permit_id});
  // With a kind named, the filter only filters: no complaint has a pending tolerance.
  EXPECT_EQ(ids({{"kind", "complaint"}, {"tolerance_pending", false}}),
            std::vector<std::string>{complaint_id});
  // An empty unit is no filter.
  EXPECT_EQ(ids({{"unit", ""}}).size(), 2u);
}

TEST_F(QueryKindsTest, ContradictionsAndUnknownsAreRefusedNamingTheField) {
  EXPECT_EQ(refused_at({{"kind", "bundle"}}), "/kind");
  EXPECT_EQ(refused_at({{"permit", "no_such_permit"}}), "/permit");
  EXPECT_EQ(refused_at({{"category", "no_such_category"}}), "/category");
  EXPECT_EQ(refused_at({{"permit", "help"}}), "/permit");  // a category is no permit type
  EXPECT_EQ(refused_at({{"category", "outdoor_advertising"}}), "/category");
  EXPECT_EQ(refused_at({{"permit", "outdoor_advertising"}, {"category", "help"}}), "/category");
  EXPECT_EQ(refused_at({{"kind", "permit"}, {"category", "help"}}), "/category");
  EXPECT_EQ(refused_at({{"kind", "complaint"}, {"permit", "outdoor_advertising"}}), "/permit");
}

}  // namespace
}  // namespace permitflow::testing
