// What an actor may see and do (docs/policy.md): the reads with an actor, the answers to commands, the
// actor-scoped command ids. The rule itself is lib/lifecycle/policy.cpp.
#include <algorithm>

#include "case/application.hpp"
#include "common/json_input.hpp"
#include "engine/engine_impl.hpp"

namespace permitflow {

using nlohmann::json;
namespace in = input;

namespace {

/// The actor JSON of the *_as reads: {"id", "role", "department"?, "unit"?}.
Actor actor_arg(std::string_view actor_json) {
  const json doc = {{"actor", in::parse_document(actor_json, "the actor")}};
  return parse_actor(doc, "actor", "");
}

const json kWithheld = {{"withheld", true}};

}  // namespace

Kind Engine::Impl::stored_kind(std::string_view name) { return parse_kind(name).value_or(Kind::permit); }

Kind Engine::Impl::kind_of_document(const json& doc) { return stored_kind(doc.value("kind", "")); }

const Definition& Engine::Impl::definition_of_document(const json& doc) const {
  return definition_of(doc.at(std::string(workflow(kind_of_document(doc)).subject_key())).get<std::string>(),
                       doc.at("definition_version").get<int>());
}

Audience Engine::Impl::audience_of_document(const json& doc, const std::function<Case()>& load) const {
  return workflow(kind_of_document(doc)).audience_of_document(doc, load);
}

bool Engine::Impl::reporter_shown(const Actor& a, const Audience& who, const json& doc) const {
  const json& unit = doc.contains("unit") ? doc["unit"] : json();
  return may_see_reporter(a, who, unit.is_string() ? unit.get_ref<const std::string&>() : std::string());
}

void Engine::Impl::redact(const Actor& a, const Audience& who, json& doc) const {
  if (!reporter_shown(a, who, doc)) doc["reporter"] = kWithheld;
}

std::string Engine::Impl::answer(const Actor& a, const Case& c, const std::string& doc) const {
  const Audience who = audience_of(c);
  if (!may_see(a, who, definition_of(c.subject, c.definition_version))) {
    json out = {{"id", c.id},
                {"kind", std::string(to_string(c.kind))},
                {"state", std::string(to_string(c.state))},
                {"version", c.version}};
    return out.dump();
  }
  if (may_see_reporter(a, who, c.complaint->unit)) return doc;
  json out = json::parse(doc);
  out["reporter"] = kWithheld;
  return out.dump();
}

std::string Engine::Impl::command_key(const Actor& a, std::string_view command_id) {
  return std::string(to_string(a.role)) + ":" + std::to_string(a.id.size()) + ":" + a.id + ":" +
         std::string(command_id);
}

std::optional<std::string> Engine::Impl::find_command(store::Transaction& tx, const Actor& a,
                                                      std::string_view command_id) const {
  if (auto done = tx.find_command(command_key(a, command_id))) return done;
  const auto legacy = tx.find_command(command_id);
  if (!legacy) return std::nullopt;
  for (const auto& e : tx.events(*legacy, 0)) {
    const Actor by = actor_from_json(json::parse(e.actor));
    if (by.id == a.id && by.role == a.role) return legacy;
  }
  return std::nullopt;
}

void Engine::Impl::require_visible(const Actor& a, const Audience& who, const Definition& def,
                                   const std::string& case_id) const {
  if (!may_see(a, who, def))
    throw Error(ErrorCode::permission_denied,
                "'" + a.id + "' (" + std::string(to_string(a.role)) + ") may not see case " + case_id);
}

namespace {

/// A case read for an actor: its stored record and document and who it is for.
struct ReadAs {
  Actor actor;
  std::unique_ptr<store::Transaction> tx;
  store::CaseRecord record;
  json doc;
  Audience who;
};

/// Throws not_found for an unknown case, permission_denied when the actor may not see it.
ReadAs read_as(const Engine::Impl& m, std::string_view case_id, std::string_view actor_json) {
  const std::string id = case_id_arg(case_id);
  ReadAs r{actor_arg(actor_json), m.store->begin_read(), {}, {}, {}};
  auto record = r.tx->load_case(id);
  if (!record) throw Error(ErrorCode::not_found, "no case '" + id + "'");
  r.record = std::move(*record);
  r.doc = json::parse(r.record.document);
  r.who = m.audience_of_document(r.doc, [&] { return m.load_case(*r.tx, r.record); });
  m.require_visible(r.actor, r.who, m.definition_of_document(r.doc), id);
  return r;
}

}  // namespace

std::string Engine::get_case_as(std::string_view case_id, std::string_view actor_json) const {
  const Impl& m = *impl_;
  ReadAs r = read_as(m, case_id, actor_json);
  const Case c = m.load_case(*r.tx, r.record);
  m.redact(r.actor, r.who, r.doc);
  json allowed = json::array();
  for (const CommandType t : allowed_commands(c, r.actor, m.context_of(c)))
    allowed.push_back(std::string(to_string(t)));
  r.doc["allowed_commands"] = std::move(allowed);
  return r.doc.dump();
}

std::string Engine::history_as(std::string_view case_id, std::string_view actor_json) const {
  const Impl& m = *impl_;
  const ReadAs r = read_as(m, case_id, actor_json);
  const bool reporter_shown = m.reporter_shown(r.actor, r.who, r.doc);
  json out = json::array();
  for (const auto& e : r.tx->events(r.record.id, 0)) {
    json ev = m.event_json(e);
    if (!reporter_shown) {  // the reporter's id and name, where the log holds them
      if (ev["actor"].value("role", "") == "reporter")
        ev["actor"] = {{"role", "reporter"}, {"withheld", true}};
      if (ev["data"].contains("reporter")) ev["data"]["reporter"] = kWithheld;
    }
    out.push_back(std::move(ev));
  }
  return out.dump();
}

}  // namespace permitflow
