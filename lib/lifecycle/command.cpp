#include "lifecycle/command.hpp"

#include "case/application.hpp"
#include "common/json_input.hpp"
#include "permitflow/error.hpp"

namespace permitflow {

using nlohmann::json;
namespace in = input;

namespace {

void check_items(const json& doc) {
  if (!doc.contains("items") || doc["items"].is_null()) return;
  const json& items = doc["items"];
  if (!items.is_array()) in::fail("/items", "must be an array of notice items");
  if (items.size() > 500) in::fail("/items", "has more than 500 items");
  for (std::size_t i = 0; i < items.size(); ++i) {
    const std::string p = "/items/" + std::to_string(i);
    in::require_object_value(items[i], p);
    in::only_keys(items[i], p, {"material", "problem", "note"});
    in::get_string(items[i], "material", p, in::kMaxId);
    const std::string problem = in::get_string(items[i], "problem", p, 32);
    if (!parse_problem(problem)) {
      in::fail(in::child(p, "problem"), "unknown problem '" + problem +
                                            "' (missing, expired, invalid_format, condition_required or "
                                            "invalid_content)");
    }
    in::opt_string(items[i], "note", p, in::kMaxText);
  }
}

void check_body(CommandType type, const json& doc) {
  static constexpr std::string_view kCommon[] = {"type", "actor", "at", "expected_version", "command_id"};
  auto keys = [&](std::initializer_list<std::string_view> extra) {
    std::vector<std::string_view> all(std::begin(kCommon), std::end(kCommon));
    all.insert(all.end(), extra.begin(), extra.end());
    for (const auto& [k, v] : doc.items()) {
      if (std::find(all.begin(), all.end(), k) == all.end()) {
        in::fail("/" + k, "unknown field '" + k + "' for a '" + std::string(to_string(type)) + "' command");
      }
    }
  };
  switch (type) {
    case CommandType::accept:
      keys({"tolerance"});
      if (doc.contains("tolerance") && !doc["tolerance"].is_null()) {  // 容缺受理
        const json& t = in::require_object(doc, "tolerance", "");
        in::only_keys(t, "/tolerance", {"items", "supply_by", "commitment"});
        parse_item_ids(t, "items", "/tolerance");
        in::get_date(t, "supply_by", "/tolerance");
        const json& c = in::require_object(t, "commitment", "/tolerance");
        in::only_keys(c, "/tolerance/commitment", {"signed_by", "signed_at", "text_sha256"});
        parse_signed_commitment(c, "/tolerance/commitment");
      }
      break;
    case CommandType::supply:
      keys({"materials"});
      if (!doc.contains("materials")) in::fail("/materials", "is required (the tolerated materials)");
      parse_materials(doc["materials"], "/materials", Date());
      if (doc["materials"].empty()) in::fail("/materials", "a supply must bring at least one material");
      break;
    case CommandType::record_verification: {
      keys({"result", "method", "note"});
      const std::string result = in::get_string(doc, "result", "", 16);
      if (result != "confirmed" && result != "false" && result != "exempt")
        in::fail("/result", "must be 'confirmed', 'false' or 'exempt'");
      in::opt_string(doc, "method", "", in::kMaxId);
      in::opt_string(doc, "note", "", in::kMaxText);
      break;
    }
    case CommandType::resume:
    case CommandType::report_completion:
    case CommandType::close:
      keys({});
      break;
    case CommandType::request_correction:
      keys({"items"});
      check_items(doc);
      break;
    case CommandType::resubmit: {
      keys({"materials", "facts"});
      if (!doc.contains("materials")) in::fail("/materials", "is required (the supplemented materials)");
      parse_materials(doc["materials"], "/materials", Date());
      if (doc.contains("facts") && !doc["facts"].is_null()) in::require_object_value(doc["facts"], "/facts");
      if (doc["materials"].empty() && (!doc.contains("facts") || doc["facts"].empty())) {
        in::fail("/materials", "a resubmission must supplement at least one material or fact");
      }
      break;
    }
    case CommandType::reject:
    case CommandType::revoke:
      keys({"reason"});
      in::get_string(doc, "reason", "", in::kMaxText);
      break;
    case CommandType::withdraw:
      keys({"reason"});
      in::opt_string(doc, "reason", "", in::kMaxText);
      break;
    case CommandType::record_opinion: {
      keys({"department", "opinion", "comment"});
      in::get_string(doc, "department", "", in::kMaxId);
      const std::string opinion = in::get_string(doc, "opinion", "", 16);
      if (opinion != "approve" && opinion != "deny") in::fail("/opinion", "must be 'approve' or 'deny'");
      in::opt_string(doc, "comment", "", in::kMaxText);
      break;
    }
    case CommandType::record_inspection: {
      keys({"inspectors", "findings"});
      if (!doc.contains("inspectors") || !doc["inspectors"].is_array()) {
        in::fail("/inspectors", "must be an array of inspector ids");
      }
      if (doc["inspectors"].size() > 50) in::fail("/inspectors", "has more than 50 inspectors");
      for (std::size_t i = 0; i < doc["inspectors"].size(); ++i) {
        const json& v = doc["inspectors"][i];
        if (!v.is_string() || v.get_ref<const std::string&>().empty() ||
            v.get_ref<const std::string&>().size() > in::kMaxId) {
          in::fail("/inspectors/" + std::to_string(i), "must be a non-empty inspector id");
        }
      }
      in::get_string(doc, "findings", "", in::kMaxText);
      break;
    }
    case CommandType::suspend:
      keys({"reason", "expected_working_days", "notice"});
      in::get_string(doc, "reason", "", 64);
      in::get_int(doc, "expected_working_days", "", 1, 1000);
      in::get_string(doc, "notice", "", in::kMaxText);
      break;
    case CommandType::extend:
      keys({"working_days", "reason"});
      in::get_int(doc, "working_days", "", 1, 1000);
      in::get_string(doc, "reason", "", in::kMaxText);
      break;
    case CommandType::decide: {
      keys({"outcome", "reasons"});
      const std::string outcome = in::get_string(doc, "outcome", "", 16);
      if (outcome != "approved" && outcome != "denied")
        in::fail("/outcome", "must be 'approved' or 'denied'");
      in::opt_string(doc, "reasons", "", in::kMaxText);
      break;
    }
    case CommandType::issue_certificate:
      keys({"number", "valid_from", "valid_until"});
      in::opt_string(doc, "number", "", in::kMaxId);
      in::opt_date(doc, "valid_from", "");
      in::opt_date(doc, "valid_until", "");
      break;
    // The complaint kind (docs/complaints.md).
    case CommandType::register_:
      keys({"verified", "note"});
      if (doc.contains("verified")) in::get_bool(doc, "verified", "");
      in::opt_string(doc, "note", "", in::kMaxText);
      break;
    case CommandType::dispatch:
      keys({"unit", "note"});
      in::opt_string(doc, "unit", "", in::kMaxId);
      in::opt_string(doc, "note", "", in::kMaxText);
      break;
    case CommandType::return_:
      keys({"reasons"});
      in::get_string(doc, "reasons", "", in::kMaxText);
      break;
    case CommandType::start_handling:
      keys({"note"});
      in::opt_string(doc, "note", "", in::kMaxText);
      break;
    case CommandType::reply:
      keys({"reply"});
      in::get_string(doc, "reply", "", in::kMaxText);
      break;
    case CommandType::check:
      keys({"passed", "note"});
      in::get_bool(doc, "passed", "");
      in::opt_string(doc, "note", "", in::kMaxText);
      break;
    case CommandType::rate:
      keys({"rating", "comment"});
      in::get_int(doc, "rating", "", 1, 5);
      in::opt_string(doc, "comment", "", in::kMaxText);
      break;
    case CommandType::escalate:
      keys({"reason"});
      in::get_string(doc, "reason", "", in::kMaxText);
      break;
    case CommandType::assign_deputy:
      keys({"deputy", "instructions"});
      in::get_string(doc, "deputy", "", in::kMaxId);
      in::opt_string(doc, "instructions", "", in::kMaxText);
      break;
  }
}

}  // namespace

Command parse_command(std::string_view text) {
  const json doc = in::parse_document(text, "the command");
  Command cmd;
  const std::string type = in::get_string(doc, "type", "", 64);
  const auto t = parse_command_type(type);
  if (!t) in::fail("/type", "unknown command '" + type + "'");
  cmd.type = *t;
  cmd.actor = parse_actor(doc, "actor", "");
  cmd.at = in::get_time(doc, "at", "");
  cmd.expected_version = in::opt_int(doc, "expected_version", "", 0, std::int64_t{1} << 40);
  cmd.command_id = in::opt_string(doc, "command_id", "", in::kMaxId).value_or("");
  check_body(cmd.type, doc);
  cmd.body = doc;
  return cmd;
}

namespace {

[[noreturn]] void deny(const Command& cmd, const std::string& why) {
  throw Error(ErrorCode::permission_denied, "'" + cmd.actor.id + "' (" +
                                                std::string(to_string(cmd.actor.role)) + ") may not " +
                                                std::string(to_string(cmd.type)) + ": " + why);
}

}  // namespace

// docs/complaints.md: reporter (own reports: rating), dispatcher (the information clerk), handler (own unit),
// leader (major cases, extensions), supervisor (reads only).
void authorize_complaint(const Case& c, const Command& cmd) {
  using enum CommandType;
  const CommandType t = cmd.type;
  switch (cmd.actor.role) {
    case Role::reporter:
      if (t != rate) deny(cmd, "a reporter may only rate the handling of its report");
      if (cmd.actor.id != c.applicant.id) deny(cmd, "the report belongs to another reporter");
      return;
    case Role::dispatcher:
      if (t != register_ && t != dispatch && t != check && t != close && t != escalate && t != extend &&
          t != rate)
        deny(cmd, "not an information clerk's command");
      return;
    case Role::handler:
      if (t != start_handling && t != return_ && t != reply && t != escalate)
        deny(cmd, "handlers start handling, return, reply or escalate");
      if (c.complaint->unit.empty() || cmd.actor.unit != c.complaint->unit) {
        deny(cmd, "a handler acts on its own unit's cases only ('" + cmd.actor.unit + "'; the case is " +
                      (c.complaint->unit.empty() ? std::string("not dispatched")
                                                 : "with '" + c.complaint->unit + "'") +
                      ")");
      }
      return;
    case Role::leader:
      if (t != assign_deputy && t != extend && t != escalate && t != close)
        deny(cmd, "not a leader's command");
      return;
    default:
      deny(cmd, "complaints are handled by dispatchers, handlers and leaders");
  }
}

void authorize_permit(const Case& c, const Command& cmd) {
  using enum CommandType;
  const Role role = cmd.actor.role;
  const CommandType t = cmd.type;
  const bool clerk_may = t == accept || t == request_correction || t == reject || t == suspend ||
                         t == resume || t == record_inspection || t == issue_certificate || t == close ||
                         t == record_verification;
  switch (role) {
    case Role::applicant:
      if (t != resubmit && t != withdraw && t != report_completion && t != supply)
        deny(cmd,
             "applicants may only resubmit, supply tolerated materials, "
             "withdraw or report completion");
      if (cmd.actor.id != c.applicant.id) deny(cmd, "the case belongs to another applicant");
      return;
    case Role::clerk:
      if (!clerk_may) deny(cmd, "not a window clerk's command");
      return;
    case Role::head:
      if (!clerk_may && t != extend && t != decide && t != revoke) {
        deny(cmd, "not a head's command");
      }
      return;
    case Role::reviewer:
      if (t != record_opinion && t != record_inspection)
        deny(cmd, "reviewers record opinions and inspections");
      // Only on the permits its department co-approves (the ones it may see, docs/policy.md).
      if (!c.opinions.contains(cmd.actor.department)) {
        deny(cmd, "the definition of " + c.permit + " does not list the department '" + cmd.actor.department +
                      "'");
      }
      if (t == record_opinion && cmd.body.value("department", "") != cmd.actor.department) {
        deny(cmd,
             "a reviewer records the opinion of its own department ('" + cmd.actor.department + "') only");
      }
      return;
    case Role::supervisor:
      deny(cmd, "supervisors only read and report");
    case Role::system:
      deny(cmd, "the system role only fires timers");
    default:
      deny(cmd, "not a permit role (reporter, dispatcher, handler and leader act on complaints)");
  }
}

namespace {

[[noreturn]] void may_not_submit(const Actor& actor) {
  throw Error(ErrorCode::permission_denied,
              "'" + actor.id + "' (" + std::string(to_string(actor.role)) + ") may not submit applications");
}

}  // namespace

void authorize_submit_permit(const Actor& actor, const std::string& applicant_id) {
  switch (actor.role) {
    case Role::applicant:
      if (actor.id != applicant_id) {
        throw Error(
            ErrorCode::permission_denied,
            "applicant '" + actor.id + "' may not submit for another applicant ('" + applicant_id + "')");
      }
      return;
    case Role::clerk:
    case Role::head:
      return;
    default:
      may_not_submit(actor);
  }
}

void authorize_submit_complaint(const Actor& actor, const std::string& reporter_id, std::string_view source) {
  switch (actor.role) {
    case Role::applicant:
    case Role::clerk:
    case Role::head:
      throw Error(ErrorCode::permission_denied,
                  "'" + actor.id + "' (" + std::string(to_string(actor.role)) +
                      ") may not file a complaint: the reporter or a dispatcher does");
    case Role::reporter:  // a report is filed by the resident or taken down by the information clerk
      if (actor.id != reporter_id) {
        throw Error(
            ErrorCode::permission_denied,
            "reporter '" + actor.id + "' may not report for another reporter ('" + reporter_id + "')");
      }
      // A resident reports through the portal or WeChat; patrol, referral, hotline and window reports are
      // taken down by staff (a public report is verified on site before registration, docs/complaints.md).
      if (source != "portal" && source != "wechat") {
        throw Error(ErrorCode::permission_denied,
                    "reporter '" + actor.id + "' may not file with source '" + std::string(source) +
                        "': a reporter files through the portal or wechat",
                    "/source");
      }
      return;
    case Role::dispatcher:
      return;
    default:
      may_not_submit(actor);
  }
}

}  // namespace permitflow
