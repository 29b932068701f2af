// Commands are parsed once, at the edge, into typed bodies (lib/lifecycle/command.hpp): each type gives its
// fields, and a bad body is refused with the message and JSON pointer of docs/contract.md §3.
#include <gtest/gtest.h>

#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "lifecycle/command.hpp"
#include "permitflow/error.hpp"

namespace permitflow {
namespace {

using nlohmann::json;
namespace c = commands;

const json kClerk = {{"id", "clerk-1"}, {"role", "clerk"}};

Command parse(const std::string& type, json fields = json::object()) {
  fields["type"] = type;
  fields["actor"] = kClerk;
  fields["at"] = "2026-06-02T10:00:00+08:00";
  return parse_command(fields.dump());
}

// The typed body of a command (a copy: the command is a temporary).
template <class T>
T body(const std::string& type, json fields = json::object()) {
  return parse(type, std::move(fields)).as<T>();
}

// The refusal of a command: its message and JSON pointer (code invalid_argument).
std::pair<std::string, std::string> refusal(const std::string& type, json fields) {
  try {
    parse(type, std::move(fields));
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::invalid_argument) << e.what();
    return {e.what(), e.field()};
  }
  ADD_FAILURE() << type << " was not refused";
  return {};
}

TEST(CommandParse, TheBodyIsTheAlternativeOfItsType) {
  for (int i = 0; parse_command_type(to_string(static_cast<CommandType>(i))) == static_cast<CommandType>(i);
       ++i) {
    const auto type = static_cast<CommandType>(i);
    EXPECT_EQ(empty_body(type).index(), static_cast<std::size_t>(i)) << to_string(type);
  }
  EXPECT_EQ(parse("resume").body.index(), static_cast<std::size_t>(CommandType::resume));
  EXPECT_EQ(parse("close").body.index(), static_cast<std::size_t>(CommandType::close));
  EXPECT_EQ(parse("report_completion").body.index(),
            static_cast<std::size_t>(CommandType::report_completion));
}

TEST(CommandParse, AcceptWithAndWithoutATolerance) {
  EXPECT_FALSE(parse("accept").as<c::Accept>().tolerance);
  EXPECT_FALSE(parse("accept", {{"tolerance", nullptr}}).as<c::Accept>().tolerance);
  const std::string sha(64, 'a');
  const Command cmd = parse(
      "accept",
      {{"tolerance",
        {{"items", {"traffic_plan", "vehicle:苏A12345"}},
         {"supply_by", "2026-06-15"},
         {"commitment",
          {{"signed_by", "张三"}, {"signed_at", "2026-06-02T09:30:00+08:00"}, {"text_sha256", sha}}}}}});
  ASSERT_TRUE(cmd.as<c::Accept>().tolerance);
  const c::ToleranceRequest& t = *cmd.as<c::Accept>().tolerance;
  EXPECT_EQ(t.items, (std::vector<std::string>{"traffic_plan", "vehicle:苏A12345"}));
  EXPECT_EQ(t.supply_by, Date::parse("2026-06-15"));
  EXPECT_EQ(t.commitment, (SignedCommitment{"张三", "2026-06-02T09:30:00+08:00", sha}));
}

TEST(CommandParse, NoticeItems) {
  EXPECT_FALSE(parse("request_correction").as<c::RequestCorrection>().items);
  const auto items =
      parse(
          "request_correction",
          {{"items",
            {{{"material", "traffic_plan"}, {"problem", "missing"}},
             {{"material", "site_plan"}, {"problem", "invalid_content"}, {"note", "the scale is missing"}}}}})
          .as<c::RequestCorrection>()
          .items;
  ASSERT_TRUE(items);
  EXPECT_EQ(*items,
            (std::vector<Deficiency>{{"traffic_plan", Problem::missing, ""},
                                     {"site_plan", Problem::invalid_content, "the scale is missing"}}));
}

TEST(CommandParse, MaterialsAndFacts) {
  const Command r = parse("resubmit", {{"materials", {{{"id", "site_plan"}, {"format", "PDF"}}}},
                                       {"facts", {{"area_m2", 12.5}, {"on_carriageway", true}}}});
  const auto& resubmit = r.as<c::Resubmit>();
  ASSERT_EQ(resubmit.materials.size(), 1u);
  EXPECT_EQ(resubmit.materials[0].id, "site_plan");
  EXPECT_EQ(resubmit.materials[0].format, "pdf");  // lower-cased, as an application's
  ASSERT_TRUE(resubmit.facts);
  EXPECT_EQ(resubmit.facts->dump(), R"({"area_m2":12.5,"on_carriageway":true})");  // as submitted
  EXPECT_FALSE(parse("resubmit", {{"materials", {{{"id", "a"}, {"format", "pdf"}}}}, {"facts", nullptr}})
                   .as<c::Resubmit>()
                   .facts);
  const auto supply = body<c::Supply>(
      "supply", {{"materials", {{{"id", "traffic_plan"}, {"format", "pdf"}, {"expires_on", "2027-01-01"}}}}});
  ASSERT_EQ(supply.materials.size(), 1u);
  EXPECT_EQ(supply.materials[0].expires_on, Date::parse("2027-01-01"));
}

TEST(CommandParse, PermitReviewCommands) {
  const auto opinion =
      body<c::RecordOpinion>("record_opinion", {{"department", "traffic_police"}, {"opinion", "deny"}});
  EXPECT_EQ(opinion.department, "traffic_police");
  EXPECT_FALSE(opinion.approve);
  EXPECT_EQ(opinion.comment, "");
  EXPECT_TRUE(parse("record_opinion", {{"department", "d"}, {"opinion", "approve"}, {"comment", "ok"}})
                  .as<c::RecordOpinion>()
                  .approve);
  const auto inspection = body<c::RecordInspection>(
      "record_inspection", {{"inspectors", {"i1", "i2"}}, {"findings", "as planned"}});
  EXPECT_EQ(inspection.inspectors, (std::vector<std::string>{"i1", "i2"}));
  EXPECT_EQ(inspection.findings, "as planned");
  const auto suspend =
      body<c::Suspend>("suspend", {{"reason", "hearing"}, {"expected_working_days", 5}, {"notice", "n"}});
  EXPECT_EQ(suspend.reason, "hearing");
  EXPECT_EQ(suspend.expected_working_days, 5);
  EXPECT_EQ(suspend.notice, "n");
  const auto extend = body<c::Extend>("extend", {{"working_days", 10}, {"reason", "expert review"}});
  EXPECT_EQ(extend.working_days, 10);
  EXPECT_EQ(extend.reason, "expert review");
  const auto decide = body<c::Decide>("decide", {{"outcome", "approved"}});
  EXPECT_TRUE(decide.approve);
  EXPECT_EQ(decide.reasons, "");
  EXPECT_FALSE(parse("decide", {{"outcome", "denied"}, {"reasons", "Art 38"}}).as<c::Decide>().approve);
  EXPECT_EQ(parse("reject", {{"reason", "not ours"}}).as<c::Reject>().reason, "not ours");
  EXPECT_EQ(parse("revoke", {{"reason", "fraud"}}).as<c::Revoke>().reason, "fraud");
  EXPECT_EQ(parse("withdraw").as<c::Withdraw>().reason, "");
  EXPECT_EQ(parse("withdraw", {{"reason", "moved"}}).as<c::Withdraw>().reason, "moved");
}

TEST(CommandParse, CertificateAndVerification) {
  const auto none = body<c::IssueCertificate>("issue_certificate");
  EXPECT_FALSE(none.number || none.valid_from || none.valid_until);
  const auto cert = body<c::IssueCertificate>(
      "issue_certificate", {{"number", "ZX-1"}, {"valid_from", "2026-07-01"}, {"valid_until", nullptr}});
  EXPECT_EQ(cert.number, "ZX-1");
  EXPECT_EQ(cert.valid_from, Date::parse("2026-07-01"));
  EXPECT_FALSE(cert.valid_until);  // null counts as absent
  const auto v =
      body<c::RecordVerification>("record_verification", {{"result", "false"}, {"method", "site_check"}});
  EXPECT_EQ(v.result, c::Verdict::false_commitment);
  EXPECT_EQ(c::to_string(v.result), "false");
  EXPECT_EQ(v.method, "site_check");
  EXPECT_EQ(v.note, "");
  EXPECT_EQ(parse("record_verification", {{"result", "exempt"}}).as<c::RecordVerification>().result,
            c::Verdict::exempt);
}

// A null member counts as absent in commands (docs/contract.md §3): before the bodies were typed, a null
// note was logged as null and a null unit or withdrawal reason failed as an internal error.
TEST(CommandParse, ANullOptionalFieldIsAbsent) {
  const auto dispatch = body<c::Dispatch>("dispatch", {{"unit", nullptr}, {"note", nullptr}});
  EXPECT_FALSE(dispatch.unit);
  EXPECT_FALSE(dispatch.note);
  EXPECT_FALSE(body<c::Register>("register", {{"note", nullptr}}).note);
  EXPECT_EQ(body<c::Withdraw>("withdraw", {{"reason", nullptr}}).reason, "");
  EXPECT_FALSE(body<c::IssueCertificate>("issue_certificate", {{"number", nullptr}}).number);
  EXPECT_FALSE(body<c::Rate>("rate", {{"rating", 4}, {"comment", nullptr}}).comment);
}

TEST(CommandParse, ComplaintCommands) {
  EXPECT_FALSE(parse("register").as<c::Register>().verified);
  const auto reg = body<c::Register>("register", {{"verified", true}, {"note", "seen"}});
  EXPECT_TRUE(reg.verified);
  EXPECT_EQ(reg.note, "seen");
  const auto dispatch = body<c::Dispatch>("dispatch", {{"unit", "sanitation"}});
  EXPECT_EQ(dispatch.unit, "sanitation");
  EXPECT_FALSE(dispatch.note);
  EXPECT_EQ(parse("return", {{"reasons", "not ours"}}).as<c::Return>().reasons, "not ours");
  EXPECT_FALSE(parse("start_handling").as<c::StartHandling>().note);
  EXPECT_EQ(parse("reply", {{"reply", "cleaned"}}).as<c::Reply>().reply, "cleaned");
  const auto check = body<c::Check>("check", {{"passed", false}, {"note", "still dirty"}});
  EXPECT_FALSE(check.passed);
  EXPECT_EQ(check.note, "still dirty");
  const auto rate = body<c::Rate>("rate", {{"rating", 2}, {"comment", "slow"}});
  EXPECT_EQ(rate.rating, 2);
  EXPECT_EQ(rate.comment, "slow");
  EXPECT_EQ(parse("escalate", {{"reason", "major"}}).as<c::Escalate>().reason, "major");
  const auto deputy = body<c::AssignDeputy>("assign_deputy", {{"deputy", "leader-2"}});
  EXPECT_EQ(deputy.deputy, "leader-2");
  EXPECT_FALSE(deputy.instructions);
}

// The refusals the edge gave before the bodies were typed, message and pointer, in the order the fields are
// checked (the first bad one is named).
TEST(CommandParse, ABadBodyIsRefusedAsBefore) {
  using R = std::pair<std::string, std::string>;
  EXPECT_EQ(refusal("accept", {{"colour", "red"}}),
            (R{"/colour: unknown field 'colour' for a 'accept' command", "/colour"}));
  EXPECT_EQ(refusal("accept", {{"tolerance", {{"items", json::array()}}}}),
            (R{"/tolerance/items: must name at least one material", "/tolerance/items"}));
  EXPECT_EQ(refusal("accept", {{"tolerance", {{"items", {"a"}}, {"supply_by", "2026-02-30"}}}}).second,
            "/tolerance/supply_by");
  EXPECT_EQ(refusal("accept", {{"tolerance", {{"items", {"a"}}, {"supply_by", "2026-06-15"}}}}),
            (R{"/tolerance/commitment: is required", "/tolerance/commitment"}));
  EXPECT_EQ(
      refusal("request_correction", {{"items", {{{"material", "a"}, {"problem", "lost"}}}}}),
      (R{"/items/0/problem: unknown problem 'lost' (missing, expired, invalid_format, condition_required "
         "or invalid_content)",
         "/items/0/problem"}));
  EXPECT_EQ(refusal("request_correction", {{"items", "all"}}),
            (R{"/items: must be an array of notice items", "/items"}));
  EXPECT_EQ(refusal("supply", json::object()),
            (R{"/materials: is required (the tolerated materials)", "/materials"}));
  EXPECT_EQ(refusal("supply", {{"materials", json::array()}}),
            (R{"/materials: a supply must bring at least one material", "/materials"}));
  EXPECT_EQ(refusal("resubmit", {{"materials", json::array()}}),
            (R{"/materials: a resubmission must supplement at least one material or fact", "/materials"}));
  EXPECT_EQ(refusal("resubmit", {{"materials", json::array()}, {"facts", 3}}),
            (R{"/facts: expected an object, found an integer", "/facts"}));
  EXPECT_EQ(refusal("record_opinion", {{"department", "traffic_police"}, {"opinion", "maybe"}}),
            (R{"/opinion: must be 'approve' or 'deny'", "/opinion"}));
  EXPECT_EQ(refusal("record_opinion", {{"opinion", "maybe"}}),
            (R{"/department: is required", "/department"}));
  EXPECT_EQ(refusal("record_inspection", {{"inspectors", {"i1", ""}}, {"findings", "f"}}),
            (R{"/inspectors/1: must be a non-empty inspector id", "/inspectors/1"}));
  EXPECT_EQ(refusal("suspend", {{"reason", "hearing"}, {"expected_working_days", -1}, {"notice", "n"}}),
            (R{"/expected_working_days: must be at least 1, found -1", "/expected_working_days"}));
  EXPECT_EQ(refusal("extend", {{"working_days", "ten"}, {"reason", "r"}}),
            (R{"/working_days: expected an integer, found a string", "/working_days"}));
  EXPECT_EQ(refusal("extend", {{"working_days", 12.0}}),
            (R{"/working_days: expected an integer, found a number", "/working_days"}));
  EXPECT_EQ(refusal("decide", {{"outcome", "maybe"}}),
            (R{"/outcome: must be 'approved' or 'denied'", "/outcome"}));
  EXPECT_EQ(refusal("issue_certificate", {{"valid_from", "2027-02-29"}}).second, "/valid_from");
  EXPECT_EQ(refusal("record_verification", {{"result", "true"}}),
            (R{"/result: must be 'confirmed', 'false' or 'exempt'", "/result"}));
  EXPECT_EQ(refusal("reject", json::object()), (R{"/reason: is required", "/reason"}));
  EXPECT_EQ(refusal("reject", {{"reason", ""}}), (R{"/reason: must not be empty", "/reason"}));
  EXPECT_EQ(refusal("register", {{"verified", nullptr}}), (R{"/verified: is required", "/verified"}));
  EXPECT_EQ(refusal("check", {{"note", "n"}}), (R{"/passed: is required", "/passed"}));
  EXPECT_EQ(refusal("rate", {{"rating", 6}}), (R{"/rating: must be at most 5, found 6", "/rating"}));
  EXPECT_EQ(refusal("assign_deputy", {{"instructions", 1}}), (R{"/deputy: is required", "/deputy"}));
  EXPECT_EQ(refusal("resume", {{"reason", "r"}}),
            (R{"/reason: unknown field 'reason' for a 'resume' command", "/reason"}));
}

}  // namespace
}  // namespace permitflow
