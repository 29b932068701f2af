#include "lifecycle/command.hpp"

#include <algorithm>
#include <utility>

#include "case/application.hpp"
#include "common/json_input.hpp"
#include "permitflow/error.hpp"

namespace permitflow {

using nlohmann::json;
namespace in = input;

namespace {

// A one-time notice's items as the clerk gives them; absent or null: the checklist's own list.
std::optional<std::vector<Deficiency>> notice_items(const json& doc) {
  if (!doc.contains("items") || doc["items"].is_null()) return std::nullopt;
  const json& items = doc["items"];
  if (!items.is_array()) in::fail("/items", "must be an array of notice items");
  if (items.size() > 500) in::fail("/items", "has more than 500 items");
  std::vector<Deficiency> out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    const std::string p = "/items/" + std::to_string(i);
    in::require_object_value(items[i], p);
    in::only_keys(items[i], p, {"material", "problem", "note"});
    Deficiency d;
    d.material = in::get_string(items[i], "material", p, in::kMaxId);
    const std::string problem = in::get_string(items[i], "problem", p, 32);
    const auto parsed = parse_problem(problem);
    if (!parsed) {
      in::fail(in::child(p, "problem"), "unknown problem '" + problem +
                                            "' (missing, expired, invalid_format, condition_required or "
                                            "invalid_content)");
    }
    d.problem = *parsed;
    d.note = in::opt_string(items[i], "note", p, in::kMaxText).value_or("");
    out.push_back(std::move(d));
  }
  return out;
}

// The fields of each type, checked in the order of docs/contract.md (the first bad field is the one named).
CommandBody parse_body(CommandType type, const json& doc) {
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
  const auto text = [&](std::string_view key, std::size_t max_len = in::kMaxText) {
    return in::get_string(doc, key, "", max_len);
  };
  const auto opt_text = [&](std::string_view key, std::size_t max_len = in::kMaxText) {
    return in::opt_string(doc, key, "", max_len);
  };
  const auto days = [&](std::string_view key, int max) {
    return static_cast<int>(in::get_int(doc, key, "", 1, max));
  };
  namespace c = commands;
  switch (type) {
    case CommandType::accept: {
      keys({"tolerance"});
      c::Accept out;
      if (doc.contains("tolerance") && !doc["tolerance"].is_null()) {  // 容缺受理
        const json& t = in::require_object(doc, "tolerance", "");
        in::only_keys(t, "/tolerance", {"items", "supply_by", "commitment"});
        c::ToleranceRequest r;
        r.items = parse_item_ids(t, "items", "/tolerance");
        r.supply_by = in::get_date(t, "supply_by", "/tolerance");
        const json& commitment = in::require_object(t, "commitment", "/tolerance");
        in::only_keys(commitment, "/tolerance/commitment", {"signed_by", "signed_at", "text_sha256"});
        r.commitment = parse_signed_commitment(commitment, "/tolerance/commitment");
        out.tolerance = std::move(r);
      }
      return out;
    }
    case CommandType::supply: {
      keys({"materials"});
      if (!doc.contains("materials")) in::fail("/materials", "is required (the tolerated materials)");
      c::Supply out{parse_materials(doc["materials"], "/materials", Date())};
      if (out.materials.empty()) in::fail("/materials", "a supply must bring at least one material");
      return out;
    }
    case CommandType::record_verification: {
      keys({"result", "method", "note"});
      const std::string result = text("result", 16);
      c::RecordVerification out;
      if (result == "confirmed") {
        out.result = c::Verdict::confirmed;
      } else if (result == "false") {
        out.result = c::Verdict::false_commitment;
      } else if (result == "exempt") {
        out.result = c::Verdict::exempt;
      } else {
        in::fail("/result", "must be 'confirmed', 'false' or 'exempt'");
      }
      out.method = opt_text("method", in::kMaxId);
      out.note = opt_text("note").value_or("");
      return out;
    }
    case CommandType::resume:
      keys({});
      return c::Resume{};
    case CommandType::report_completion:
      keys({});
      return c::ReportCompletion{};
    case CommandType::close:
      keys({});
      return c::Close{};
    case CommandType::request_correction:
      keys({"items"});
      return c::RequestCorrection{notice_items(doc)};
    case CommandType::resubmit: {
      keys({"materials", "facts"});
      if (!doc.contains("materials")) in::fail("/materials", "is required (the supplemented materials)");
      c::Resubmit out;
      out.materials = parse_materials(doc["materials"], "/materials", Date());
      if (doc.contains("facts") && !doc["facts"].is_null()) {
        in::require_object_value(doc["facts"], "/facts");
        out.facts = doc["facts"];
      }
      if (out.materials.empty() && (!out.facts || out.facts->empty())) {
        in::fail("/materials", "a resubmission must supplement at least one material or fact");
      }
      return out;
    }
    case CommandType::reject:
      keys({"reason"});
      return c::Reject{text("reason")};
    case CommandType::revoke:
      keys({"reason"});
      return c::Revoke{text("reason")};
    case CommandType::withdraw:
      keys({"reason"});
      return c::Withdraw{opt_text("reason").value_or("")};
    case CommandType::record_opinion: {
      keys({"department", "opinion", "comment"});
      c::RecordOpinion out;
      out.department = text("department", in::kMaxId);
      const std::string opinion = text("opinion", 16);
      if (opinion != "approve" && opinion != "deny") in::fail("/opinion", "must be 'approve' or 'deny'");
      out.approve = opinion == "approve";
      out.comment = opt_text("comment").value_or("");
      return out;
    }
    case CommandType::record_inspection: {
      keys({"inspectors", "findings"});
      if (!doc.contains("inspectors") || !doc["inspectors"].is_array()) {
        in::fail("/inspectors", "must be an array of inspector ids");
      }
      const json& inspectors = doc["inspectors"];
      if (inspectors.size() > 50) in::fail("/inspectors", "has more than 50 inspectors");
      c::RecordInspection out;
      for (std::size_t i = 0; i < inspectors.size(); ++i) {
        const json& v = inspectors[i];
        if (!v.is_string() || v.get_ref<const std::string&>().empty() ||
            v.get_ref<const std::string&>().size() > in::kMaxId) {
          in::fail("/inspectors/" + std::to_string(i), "must be a non-empty inspector id");
        }
        out.inspectors.push_back(v.get<std::string>());
      }
      out.findings = text("findings");
      return out;
    }
    case CommandType::suspend: {
      keys({"reason", "expected_working_days", "notice"});
      c::Suspend out;
      out.reason = text("reason", 64);
      out.expected_working_days = days("expected_working_days", 1000);
      out.notice = text("notice");
      return out;
    }
    case CommandType::extend: {
      keys({"working_days", "reason"});
      c::Extend out;
      out.working_days = days("working_days", 1000);
      out.reason = text("reason");
      return out;
    }
    case CommandType::decide: {
      keys({"outcome", "reasons"});
      const std::string outcome = text("outcome", 16);
      if (outcome != "approved" && outcome != "denied")
        in::fail("/outcome", "must be 'approved' or 'denied'");
      return c::Decide{outcome == "approved", opt_text("reasons").value_or("")};
    }
    case CommandType::issue_certificate: {
      keys({"number", "valid_from", "valid_until"});
      c::IssueCertificate out;
      out.number = opt_text("number", in::kMaxId);
      out.valid_from = in::opt_date(doc, "valid_from", "");
      out.valid_until = in::opt_date(doc, "valid_until", "");
      return out;
    }
    // The complaint kind (docs/complaints.md).
    case CommandType::register_: {
      keys({"verified", "note"});
      c::Register out;
      if (doc.contains("verified")) out.verified = in::get_bool(doc, "verified", "");
      out.note = opt_text("note");
      return out;
    }
    case CommandType::dispatch: {
      keys({"unit", "note"});
      c::Dispatch out;
      out.unit = opt_text("unit", in::kMaxId);
      out.note = opt_text("note");
      return out;
    }
    case CommandType::return_:
      keys({"reasons"});
      return c::Return{text("reasons")};
    case CommandType::start_handling:
      keys({"note"});
      return c::StartHandling{opt_text("note")};
    case CommandType::reply:
      keys({"reply"});
      return c::Reply{text("reply")};
    case CommandType::check: {
      keys({"passed", "note"});
      c::Check out;
      out.passed = in::get_bool(doc, "passed", "");
      out.note = opt_text("note");
      return out;
    }
    case CommandType::rate: {
      keys({"rating", "comment"});
      c::Rate out;
      out.rating = static_cast<int>(in::get_int(doc, "rating", "", 1, 5));
      out.comment = opt_text("comment");
      return out;
    }
    case CommandType::escalate:
      keys({"reason"});
      return c::Escalate{text("reason")};
    case CommandType::assign_deputy: {
      keys({"deputy", "instructions"});
      c::AssignDeputy out;
      out.deputy = text("deputy", in::kMaxId);
      out.instructions = opt_text("instructions");
      return out;
    }
  }
  in::fail("/type", "unknown command");  // not reached: every type is a case above
}

static_assert(std::variant_size_v<CommandBody> ==
                  static_cast<std::size_t>(CommandType::record_verification) + 1,
              "one body per command type, in the enum's order");

template <std::size_t... I>
CommandBody empty_body_at(std::size_t index, std::index_sequence<I...>) {
  CommandBody out;
  (void)((index == I ? (out.emplace<I>(), true) : false) || ...);
  return out;
}

}  // namespace

std::string_view commands::to_string(Verdict v) noexcept {
  switch (v) {
    case Verdict::confirmed:
      return "confirmed";
    case Verdict::false_commitment:
      return "false";
    case Verdict::exempt:
      return "exempt";
  }
  return "";
}

CommandBody empty_body(CommandType type) {
  return empty_body_at(static_cast<std::size_t>(type),
                       std::make_index_sequence<std::variant_size_v<CommandBody>>{});
}

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
  cmd.body = parse_body(cmd.type, doc);
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
        deny(cmd, "the definition of " + c.subject + " does not list the department '" +
                      cmd.actor.department + "'");
      }
      if (t == record_opinion && cmd.as<commands::RecordOpinion>().department != cmd.actor.department) {
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
