// A county's own definitions through an engine's definitions_dir (docs/definitions.md): effective dates, the
// list of loaded versions, certificates held to the decided validity. Real SQLite files, real files on disk.
#include <gtest/gtest.h>

#include <fstream>

#include "definition/definition.hpp"
#include "permitflow/error.hpp"
#include "support/engine_fixture.hpp"

namespace permitflow {
namespace {

using namespace permitflow::testing;

json shipped(const std::string& id) { return json::parse(DefinitionRegistry::builtin().current(id)->source); }

class CountyDefinitions : public EngineTest {
 protected:
  TempDir defs;

  void write(const std::string& name, const json& doc) { std::ofstream(defs.path() / name) << doc.dump(2); }
  void open_with_defs() { open({{"definitions_dir", defs.path().string()}}); }

  /// The code of the error `f` throws, with its message in `message`.
  template <class F>
  ErrorCode refused(F&& f, std::string& message) {
    try {
      f();
    } catch (const Error& e) {
      message = e.what();
      return e.code();
    }
    return ErrorCode::ok;
  }

  /// An application of `permit` with `facts`, made complete by asking precheck for the missing materials.
  json complete_application(const std::string& permit, const json& facts, const std::string& when) {
    json app = application("road_excavation", when);
    app["permit"] = permit;
    app["facts"] = facts;
    for (int i = 0; i < 3; ++i) {
      const json n = precheck(app);
      if (n["complete"] == true) return app;
      for (const auto& item : n["items"]) {
        const std::string m = item["material"];
        if (m.rfind("fact:", 0) == 0) ADD_FAILURE() << "missing fact " << m;
        app["materials"].push_back({{"id", m}, {"format", "pdf"}, {"expires_on", "2030-12-31"}});
      }
    }
    ADD_FAILURE() << "precheck never became complete";
    return app;
  }
};

// --- effective dates ------------------------------------------------------------------------------------

TEST_F(CountyDefinitions, AVersionTakesOverOnItsEffectiveDateInTheBureausZone) {
  // The county publishes the version after the shipped one (`now`), effective from 8 October.
  json v2 = shipped("outdoor_advertising");
  const int now = v2["version"];
  const int next = now + 1;
  v2["version"] = next;
  v2["limits"]["promised"] = 7;
  v2["effective_from"] = "2026-10-08";
  write("outdoor_advertising.v2.json", v2);
  open_with_defs();  // the process starts long before the date: no restart is needed on it

  const auto version_at = [&](const std::string& when) {
    return submit(application("outdoor_advertising", when))["definition_version"].get<int>();
  };
  EXPECT_EQ(version_at("2026-10-07T23:59:00+08:00"), now);
  EXPECT_EQ(version_at("2026-10-07T16:30:00+00:00"), next);  // 00:30 on 8 October in the bureau's zone
  EXPECT_EQ(version_at("2026-10-08T10:00:00+08:00"), next);
  // precheck answers with the version a submission at that time would get.
  const json on_7th = precheck(application("outdoor_advertising", "2026-10-07T10:00:00+08:00"));
  const json on_8th = precheck(application("outdoor_advertising", "2026-10-08T10:00:00+08:00"));
  EXPECT_EQ(on_7th["items"], on_8th["items"]);  // same checklist; the difference is the limit

  const json before = json::parse(engine().definitions("2026-10-07"));
  const json after = json::parse(engine().definitions("2026-10-08"));
  const auto entry = [](const json& list, int version) {
    for (const auto& d : list["definitions"])
      if (d["id"] == "outdoor_advertising" && d["version"] == version) return d;
    return json();
  };
  EXPECT_EQ(entry(before, now)["in_effect"], true);
  EXPECT_EQ(entry(before, next)["in_effect"], false);
  EXPECT_EQ(entry(after, now)["in_effect"], false);
  EXPECT_EQ(entry(after, next)["in_effect"], true);
  EXPECT_EQ(entry(after, next)["effective_from"], "2026-10-08");
  EXPECT_EQ(entry(after, now)["effective_from"], nullptr);
  EXPECT_NE(entry(after, next)["hash"], entry(after, now)["hash"]);
  EXPECT_EQ(entry(after, next)["hash"].get<std::string>().size(), 64u);
  EXPECT_EQ(entry(after, next)["file"], (defs.path() / "outdoor_advertising.v2.json").string());
  EXPECT_EQ(entry(after, next)["content"]["limits"]["promised"], 7);
}

TEST_F(CountyDefinitions, APermitNotYetInEffectRefusesSubmissions) {
  json county = shipped("road_excavation");
  county["id"] = "road_occupation";
  county["version"] = 1;  // a permit of the county's own, first published
  county["short_code"] = "RO";
  county["effective_from"] = "2027-01-01";
  write("road_occupation.json", county);
  open_with_defs();
  json app = application("road_excavation", "2026-12-31T10:00:00+08:00");
  app["permit"] = "road_occupation";
  std::string message;
  EXPECT_EQ(refused([&] { submit(app); }, message), ErrorCode::invalid_argument);
  EXPECT_EQ(
      message,
      "/permit: permit 'road_occupation' has no version in effect on 2026-12-31 (version 1 takes effect "
      "on 2027-01-01)");
  app["at"] = "2027-01-04T10:00:00+08:00";
  EXPECT_EQ(submit(app)["definition_version"], 1);
}

TEST_F(CountyDefinitions, ABadEffectiveDateIsRefusedByTheLoader) {
  json v2 = shipped("outdoor_advertising");
  v2["version"] = v2["version"].get<int>() + 1;
  v2["effective_from"] = "2026-02-30";
  write("ads.json", v2);
  std::string message;
  EXPECT_EQ(refused([&] { open_with_defs(); }, message), ErrorCode::invalid_argument);
  EXPECT_EQ(message.rfind((defs.path() / "ads.json").string() + ": /effective_from: an effective date is "
                                                                "YYYY-MM-DD",
                          0),
            0u)
      << message;
}

// --- certificates held to the decided validity ----------------------------------------------------------

class HeldCertificates : public CountyDefinitions {
 protected:
  void SetUp() override {
    CountyDefinitions::SetUp();
    json county = shipped("road_excavation");
    county["id"] = "road_works_county";
    county["short_code"] = "RW";
    county.erase("rules");
    county["validity"] = {{"from_fact", "planned_start"},
                          {"until_fact", "planned_end"},
                          {"max_months", 12},
                          {"hold_to_facts", true}};
    write("road_works_county.json", county);
    open_with_defs();
  }

  /// A case approved on 2026-06-03 for works from `start` to `end`.
  std::string approved(const std::string& start, const std::string& end) {
    json facts = {{"road_opened_on", nullptr},
                  {"road_overhauled_on", nullptr},
                  {"planned_start", start},
                  {"planned_end", end},
                  {"on_carriageway", false},
                  {"emergency", false},
                  {"protection_exception_approved", false}};
    const std::string id = submit(complete_application("road_works_county", facts, at("2026-06-01")))["id"];
    execute(id, command("accept", kClerk, at("2026-06-01", "11:00")));
    for (const std::string dept : {"municipal_roads", "traffic_police"}) {
      execute(id, command("record_opinion", reviewer(dept), at("2026-06-02"),
                          {{"department", dept}, {"opinion", "approve"}}));
    }
    execute(id, command("record_inspection", kClerk, at("2026-06-02"),
                        {{"inspectors", {"insp-1", "insp-2"}}, {"findings", "ok"}}));
    EXPECT_EQ(execute(id, command("decide", kHead, at("2026-06-03"), {{"outcome", "approved"}}))["state"],
              "approved");
    return id;
  }

  ErrorCode issue(const std::string& id, const json& body, std::string& message) {
    return refused([&] { execute(id, command("issue_certificate", kClerk, at("2026-06-04"), body)); },
                   message);
  }
};

TEST_F(HeldCertificates, AValidityOutsideTheDecisionIsARuleViolation) {
  const std::string id = approved("2026-07-01", "2026-11-30");
  std::string message;
  EXPECT_EQ(issue(id, {{"valid_until", "2028-12-31"}}, message), ErrorCode::rule_violation);
  EXPECT_EQ(message,
            "a certificate of road_works_county runs at most 12 months: from 2026-07-01 it must end by "
            "2027-07-01, not 2028-12-31");
  EXPECT_EQ(issue(id, {{"valid_until", "2026-12-31"}}, message), ErrorCode::rule_violation);
  EXPECT_EQ(message,
            "the certificate would end on 2026-12-31, after the decided validity (the planned_end) ends "
            "on 2026-11-30");
  EXPECT_EQ(issue(id, {{"valid_from", "2026-06-15"}}, message), ErrorCode::rule_violation);
  EXPECT_EQ(message,
            "the certificate would start on 2026-06-15, before the decided validity (the "
            "planned_start) starts on 2026-07-01");
  EXPECT_EQ(get(id)["state"], "approved");

  // Without dates, the certificate runs from planned_start to planned_end.
  const json issued = execute(id, command("issue_certificate", kClerk, at("2026-06-04")));
  EXPECT_EQ(issued["state"], "issued");
  EXPECT_EQ(issued["certificate"]["valid_from"], "2026-07-01");
  EXPECT_EQ(issued["certificate"]["valid_until"], "2026-11-30");
}

TEST_F(HeldCertificates, TheMaximumBindsEvenWhenTheFactsAskForMore) {
  const std::string id = approved("2026-07-01", "2027-09-30");
  std::string message;
  EXPECT_EQ(issue(id, json::object(), message), ErrorCode::rule_violation);
  EXPECT_EQ(message,
            "a certificate of road_works_county runs at most 12 months: from 2026-07-01 it must end by "
            "2027-07-01, not 2027-09-30");
  // A shorter validity inside both is issued.
  EXPECT_EQ(execute(id, command("issue_certificate", kClerk, at("2026-06-04"),
                                {{"valid_until", "2027-06-30"}}))["certificate"]["valid_until"],
            "2027-06-30");
}

TEST_F(HeldCertificates, AValidityFactMustBeADateFact) {
  json bad = shipped("road_excavation");
  bad["id"] = "bad_validity";
  bad["short_code"] = "BV";
  bad["validity"] = {{"until_fact", "planned_end"}, {"from_fact", "on_carriageway"}};
  write("z_bad.json", bad);
  std::string message;
  EXPECT_EQ(refused([&] { open_with_defs(); }, message), ErrorCode::invalid_argument);
  EXPECT_EQ(message, (defs.path() / "z_bad.json").string() +
                         ": /validity/from_fact: 'on_carriageway' is not a date fact");
}

}  // namespace
}  // namespace permitflow
