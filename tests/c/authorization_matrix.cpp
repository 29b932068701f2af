// Every role × command × ownership through the C API. Each probe runs on a fresh case brought to a
// state where the command can succeed, so an allowed actor gets PF_OK (the command really ran) and a refused
// one gets PF_PERMISSION_DENIED with the case untouched.
#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "c_api_support.hpp"
#include "support/db_dump.hpp"

namespace permitflow::testing {
namespace {

class AuthorizationMatrix : public CApiTest {
 protected:
  void step(const std::string& id, const json& cmd) {
    const Reply r = execute(id, cmd);
    ASSERT_EQ(r.status, PF_OK) << cmd.dump() << ": " << r.text;
  }

  // A construction-waste case where `type` applies, and the command's body.
  std::pair<std::string, json> prepared(const std::string& type) {
    const std::string day = "2026-06-01";
    const bool incomplete = type == "request_correction" || type == "resubmit";
    // Tolerant acceptance and commitment (docs/contract.md §17): the project documents tolerated, the
    // transport contract replaced by a commitment.
    const std::string dropped = type == "supply"                ? "project_documents"
                                : type == "record_verification" ? "transport_contract"
                                                                : "";
    json materials = json::array();
    for (const auto& m : incomplete ? json::array() : complete_materials(at(day)))
      if (m["id"] != dropped) materials.push_back(m);
    json app = waste_application(at(day), materials);
    const json promise = {
        {"signed_by", "法定代表人"}, {"signed_at", at(day, "09:00")}, {"text_sha256", std::string(64, 'd')}};
    if (type == "record_verification") {
      app["commitment"] = promise;
      app["commitment"]["items"] = {"transport_contract"};
    }
    const Reply s = submit(app);
    EXPECT_EQ(s.status, PF_OK) << s.text;
    const std::string id = s.body["id"];
    json body = json::object();
    if (type == "supply") {
      step(id,
           command(
               "accept", clerk(), at(day, "11:00"),
               {{"tolerance",
                 {{"items", {"project_documents"}}, {"supply_by", "2026-06-05"}, {"commitment", promise}}}}));
      return {id, {{"materials", {{{"id", "project_documents"}, {"format", "pdf"}}}}}};
    }
    if (type == "resubmit") {
      step(id, command("request_correction", clerk(), at(day, "10:30")));
      body = {{"materials", complete_materials(at(day))}};
      return {id, body};
    }
    if (type == "request_correction") return {id, body};
    if (type == "reject") return {id, {{"reason", "不符合法定条件"}}};
    if (type == "withdraw") return {id, {{"reason", "不再处置"}}};
    if (type == "accept") return {id, body};
    step(id, command("accept", clerk(), at(day, "11:00")));
    if (type == "record_opinion") return {id, {{"department", "traffic_police"}, {"opinion", "approve"}}};
    if (type == "record_inspection")
      return {id, {{"inspectors", {"insp-1", "insp-2"}}, {"findings", "符合"}}};
    if (type == "suspend")
      return {id, {{"reason", "hearing"}, {"expected_working_days", 5}, {"notice", "听证"}}};
    if (type == "extend") return {id, {{"working_days", 5}, {"reason", "情况复杂"}}};
    if (type == "decide") return {id, {{"outcome", "denied"}, {"reasons", "路线不符合要求"}}};
    if (type == "resume") {
      step(id, command("suspend", clerk(), at(day, "11:30"),
                       {{"reason", "hearing"}, {"expected_working_days", 5}, {"notice", "听证"}}));
      return {id, body};
    }
    step(id, command("record_opinion", reviewer("traffic_police"), at(day, "12:00"),
                     {{"department", "traffic_police"}, {"opinion", "approve"}}));
    step(id, command("record_inspection", clerk(), at(day, "13:00"),
                     {{"inspectors", {"insp-1", "insp-2"}}, {"findings", "符合"}}));
    step(id, command("decide", head(), at(day, "14:00"), {{"outcome", "approved"}}));
    if (type == "issue_certificate") return {id, body};
    step(id, command("issue_certificate", clerk(), at(day, "15:00")));
    if (type == "revoke") return {id, {{"reason", "以欺骗手段取得"}}};
    if (type == "close" || type == "report_completion") return {id, body};
    if (type == "record_verification") return {id, {{"result", "confirmed"}, {"method", "document_check"}}};
    ADD_FAILURE() << "no preparation for " << type;
    return {id, body};
  }
};

TEST_F(AuthorizationMatrix, EveryRoleCommandAndOwnership) {
  struct Who {
    std::string name;
    json actor;
  };
  const std::vector<Who> actors = {
      {"applicant (owner)", applicant()},
      {"applicant (another)", {{"id", "91110000OTHER0001X"}, {"role", "applicant"}}},
      {"clerk", clerk()},
      {"reviewer (own department)", reviewer("traffic_police")},
      {"reviewer (another department)", reviewer("municipal_roads")},
      {"head", head()},
      {"supervisor", {{"id", "sup-1"}, {"role", "supervisor"}}},
      {"system", {{"id", "system"}, {"role", "system"}}},
  };
  const std::set<std::string> clerk_may = {
      "accept", "request_correction", "reject", "suspend", "resume", "record_inspection", "issue_certificate",
      "close",  "record_verification"};
  std::set<std::string> head_may = clerk_may;
  head_may.insert({"extend", "decide", "revoke"});
  const std::map<std::string, std::set<std::string>> allowed = {
      {"applicant (owner)", {"resubmit", "withdraw", "report_completion", "supply"}},
      {"applicant (another)", {}},
      {"clerk", clerk_may},
      {"reviewer (own department)", {"record_opinion", "record_inspection"}},
      {"reviewer (another department)", {}},  // its department is not on the definition
      {"head", head_may},
      {"supervisor", {}},
      {"system", {}},
  };
  const std::vector<std::string> commands = {
      "accept",         "request_correction", "resubmit",          "reject", "withdraw",
      "record_opinion", "record_inspection",  "suspend",           "resume", "extend",
      "decide",         "issue_certificate",  "report_completion", "close",  "revoke",
      "supply",         "record_verification"};
  int granted = 0, refused = 0;
  for (const auto& who : actors) {
    for (const auto& type : commands) {
      SCOPED_TRACE(who.name + " × " + type);
      const auto [id, body] = prepared(type);
      const int version = get_case(id).body["version"];
      // The engine's own answer for this actor: the command is in "allowed_commands" exactly when it is
      // granted below (the case is in a state that takes it).
      char* seen = nullptr;
      const Reply as = reply(pf_get_case_as(engine(), id.c_str(), who.actor.dump().c_str(), &seen), &seen);
      if (as.status == PF_OK) {
        const auto& may = as.body["allowed_commands"];
        EXPECT_EQ(std::find(may.begin(), may.end(), type) != may.end(), allowed.at(who.name).count(type) == 1)
            << as.body["allowed_commands"].dump();
      } else {
        EXPECT_EQ(as.status, PF_PERMISSION_DENIED) << as.text;
        EXPECT_EQ(allowed.at(who.name).size(), 0u) << who.name << " acts on a case it may not see";
      }
      const std::string before = dump_database(db_path());
      const Reply r = execute(id, command(type, who.actor, at("2026-06-02"), body));
      if (allowed.at(who.name).count(type)) {
        EXPECT_EQ(r.status, PF_OK) << who.name << " may " << type << ": " << r.text;
        if (r.status == PF_OK) {
          EXPECT_GT(r.body["version"].get<int>(), version);
        }
        ++granted;
      } else {
        EXPECT_EQ(r.status, PF_PERMISSION_DENIED) << who.name << " may not " << type << ": " << r.text;
        EXPECT_EQ(r.body["code"], "permission_denied");
        EXPECT_NE(r.text.find(type), std::string::npos) << "the message names the command: " << r.text;
        EXPECT_EQ(get_case(id).body["version"], version);
        const std::string after = dump_database(db_path());
        EXPECT_TRUE(after == before) << dump_difference(before, after);
        ++refused;
      }
    }
  }
  EXPECT_EQ(granted + refused, static_cast<int>(actors.size() * commands.size()));
  EXPECT_EQ(granted, 4 + 9 + 2 + 0 + 12);
}

// Submitting: an applicant only in its own name; the window (clerk, head) for anyone; nobody else.
TEST_F(AuthorizationMatrix, SubmissionByRoleAndOwnership) {
  const std::vector<std::pair<json, pf_status>> probes = {
      {applicant(), PF_OK},
      {{{"id", "91110000OTHER0001X"}, {"role", "applicant"}}, PF_PERMISSION_DENIED},
      {clerk(), PF_OK},
      {head(), PF_OK},
      {reviewer("traffic_police"), PF_PERMISSION_DENIED},
      {{{"id", "sup-1"}, {"role", "supervisor"}}, PF_PERMISSION_DENIED},
      {{{"id", "system"}, {"role", "system"}}, PF_PERMISSION_DENIED},
  };
  for (const auto& [actor, want] : probes) {
    json app = waste_application(at("2026-06-01"));
    app["actor"] = actor;
    const std::string before = dump_database(db_path());
    const Reply r = submit(app);
    EXPECT_EQ(r.status, want) << actor.dump() << ": " << r.text;
    if (want != PF_OK) {
      const std::string after = dump_database(db_path());
      EXPECT_TRUE(after == before) << dump_difference(before, after);
    } else {
      EXPECT_EQ(r.body["applicant"]["id"], "91320922MA1CONF01X");
    }
  }
}

// An applicant's query sees its own cases only, whatever applicant filter it gives.
TEST_F(AuthorizationMatrix, ApplicantsQueryTheirOwnCasesOnly) {
  ASSERT_EQ(submit(waste_application(at("2026-06-01"))).status, PF_OK);
  json other_app = waste_application(at("2026-06-01"));
  other_app["applicant"]["id"] = "91110000OTHER0001X";
  other_app["actor"] = clerk();
  ASSERT_EQ(submit(other_app).status, PF_OK);
  const json q = {{"actor", {{"id", "91110000OTHER0001X"}, {"role", "applicant"}}},
                  {"applicant", "91320922MA1CONF01X"}};
  char* out = nullptr;
  const Reply r = reply(pf_query(engine(), q.dump().c_str(), &out), &out);
  ASSERT_EQ(r.status, PF_OK) << r.text;
  for (const auto& c : r.body["cases"]) EXPECT_EQ(c["applicant"]["id"], "91110000OTHER0001X") << c.dump();
}

}  // namespace
}  // namespace permitflow::testing
