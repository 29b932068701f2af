#include "case/application.hpp"

#include <algorithm>
#include <set>

#include "common/json_input.hpp"
#include "permitflow/error.hpp"

namespace permitflow {

using nlohmann::json;
namespace in = input;

Actor parse_actor(const json& parent, std::string_view key, const std::string& pointer) {
  const json& a = in::require_object(parent, key, pointer);
  const std::string p = in::child(pointer, key);
  in::only_keys(a, p, {"id", "role", "department", "unit", "name"});
  Actor actor;
  actor.id = in::get_string(a, "id", p, in::kMaxId);
  const std::string role = in::get_string(a, "role", p, 32);
  const auto r = parse_role(role);
  if (!r) {
    in::fail(
        in::child(p, "role"),
        "unknown role '" + role +
            "' (applicant, clerk, reviewer, head, supervisor, system; for complaints reporter, dispatcher, "
            "handler, leader)");
  }
  actor.role = *r;
  actor.department = in::opt_string(a, "department", p, in::kMaxId).value_or("");
  if (actor.role == Role::reviewer && actor.department.empty()) {
    in::fail(in::child(p, "department"), "a reviewer must name its department");
  }
  actor.unit = in::opt_string(a, "unit", p, in::kMaxId).value_or("");
  if (actor.role == Role::handler && actor.unit.empty()) {
    in::fail(in::child(p, "unit"), "a handler must name its unit");
  }
  return actor;
}

std::vector<SubmittedMaterial> parse_materials(const json& array, const std::string& pointer,
                                               Date received_on) {
  if (!array.is_array()) in::fail(pointer, "must be an array of materials");
  if (array.size() > 500) in::fail(pointer, "has more than 500 materials");
  std::vector<SubmittedMaterial> out;
  std::set<std::string> seen;
  for (std::size_t i = 0; i < array.size(); ++i) {
    const std::string p = pointer + "/" + std::to_string(i);
    const json& m = array[i];
    in::require_object_value(m, p);
    in::only_keys(m, p, {"id", "format", "expires_on", "sha256", "name"});
    SubmittedMaterial mat;
    mat.id = in::get_string(m, "id", p, in::kMaxId);
    if (!seen.insert(mat.id.str()).second)
      in::fail(in::child(p, "id"), "material '" + mat.id + "' is listed twice");
    std::string format = in::get_string(m, "format", p, 16);
    std::transform(format.begin(), format.end(), format.begin(),
                   [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
    mat.format = format;
    mat.expires_on = in::opt_date(m, "expires_on", p);
    mat.sha256 = in::opt_string(m, "sha256", p, 64).value_or("");
    if (!mat.sha256.empty() &&
        (mat.sha256.size() != 64 || !std::all_of(mat.sha256.begin(), mat.sha256.end(), [](char ch) {
           return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f');
         }))) {
      in::fail(in::child(p, "sha256"), "must be 64 lower-case hex digits");
    }
    mat.received_on = received_on;
    out.push_back(std::move(mat));
  }
  return out;
}

SignedCommitment parse_signed_commitment(const json& obj, const std::string& pointer) {
  SignedCommitment s;
  s.signed_by = in::get_string(obj, "signed_by", pointer, in::kMaxId);
  in::get_time(obj, "signed_at", pointer);
  s.signed_at = obj["signed_at"].get<std::string>();
  s.text_sha256 = in::get_string(obj, "text_sha256", pointer, 64);
  if (s.text_sha256.size() != 64 || !std::all_of(s.text_sha256.begin(), s.text_sha256.end(), [](char ch) {
        return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f');
      })) {
    in::fail(in::child(pointer, "text_sha256"), "must be 64 lower-case hex digits (SHA-256 of the text)");
  }
  return s;
}

std::vector<std::string> parse_item_ids(const json& parent, std::string_view key,
                                        const std::string& pointer) {
  const std::string p = in::child(pointer, key);
  if (!parent.contains(std::string(key)) || !parent[std::string(key)].is_array())
    in::fail(p, "must be an array of material ids");
  const json& items = parent[std::string(key)];
  if (items.empty()) in::fail(p, "must name at least one material");
  if (items.size() > 500) in::fail(p, "has more than 500 items");
  std::vector<std::string> out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    const json& v = items[i];
    const std::string at = p + "/" + std::to_string(i);
    if (!v.is_string() || v.get_ref<const std::string&>().empty() ||
        v.get_ref<const std::string&>().size() > in::kMaxId ||
        !in::valid_utf8(v.get_ref<const std::string&>()))
      in::fail(at, "must be a material id");
    if (std::find(out.begin(), out.end(), v.get<std::string>()) != out.end())
      in::fail(at, "material '" + v.get<std::string>() + "' is named twice");
    out.push_back(v.get<std::string>());
  }
  return out;
}

namespace {

// A complaint (docs/complaints.md): `category` instead of `permit`, `reporter` instead of `applicant`.
Application parse_complaint(const json& doc) {
  in::only_keys(
      doc, "",
      {"kind", "category", "reporter", "actor", "at", "source", "description", "location", "command_id"});
  Application app;
  app.subject = in::get_string(doc, "category", "", in::kMaxId);
  const json& reporter = in::require_object(doc, "reporter", "");
  in::only_keys(reporter, "/reporter", {"id", "name"});
  app.applicant.id = in::get_string(reporter, "id", "/reporter", in::kMaxId);
  app.applicant.name = in::opt_string(reporter, "name", "/reporter", 500).value_or("");
  app.actor = parse_actor(doc, "actor", "");
  app.at = in::get_time(doc, "at", "");
  app.source = in::opt_string(doc, "source", "", 32).value_or("hotline");
  static constexpr std::string_view kSources[] = {"hotline", "portal", "wechat",
                                                  "window",  "patrol", "referral"};
  if (std::find(std::begin(kSources), std::end(kSources), app.source) == std::end(kSources)) {
    in::fail("/source",
             "unknown source '" + app.source + "' (hotline, portal, wechat, window, patrol or referral)");
  }
  app.description = in::get_string(doc, "description", "", in::kMaxText);
  app.location = in::opt_string(doc, "location", "", 1000).value_or("");
  app.command_id = in::opt_string(doc, "command_id", "", in::kMaxId).value_or("");
  return app;
}

// A permit application (docs/contract.md).
Application parse_permit(const json& doc) {
  in::only_keys(doc, "",
                {"kind", "permit", "applicant", "actor", "at", "facts", "materials", "renewal_of",
                 "commitment", "command_id"});
  Application app;
  app.subject = in::get_string(doc, "permit", "", in::kMaxId);
  const json& applicant = in::require_object(doc, "applicant", "");
  in::only_keys(applicant, "/applicant", {"id", "name"});
  app.applicant.id = in::get_string(applicant, "id", "/applicant", in::kMaxId);
  app.applicant.name = in::opt_string(applicant, "name", "/applicant", 500).value_or("");
  app.actor = parse_actor(doc, "actor", "");
  app.at = in::get_time(doc, "at", "");
  if (doc.contains("facts") && !doc["facts"].is_null()) {
    in::require_object_value(doc["facts"], "/facts");
    app.facts = doc["facts"];
  }
  if (doc.contains("materials") && !doc["materials"].is_null()) {
    app.materials = parse_materials(doc["materials"], "/materials", Date());
  }
  app.renewal_of = in::opt_string(doc, "renewal_of", "", in::kMaxId);
  if (doc.contains("commitment") && !doc["commitment"].is_null()) {
    const json& c = in::require_object(doc, "commitment", "");
    in::only_keys(c, "/commitment", {"items", "signed_by", "signed_at", "text_sha256"});
    app.commitment =
        Commitment{parse_item_ids(c, "items", "/commitment"), parse_signed_commitment(c, "/commitment")};
  }
  app.command_id = in::opt_string(doc, "command_id", "", in::kMaxId).value_or("");
  return app;
}

// The reader of each kind's application, one per Kind.
struct KindReader {
  Kind kind;
  Application (*read)(const json& doc);
};
constexpr KindReader kKindReaders[] = {{Kind::permit, &parse_permit}, {Kind::complaint, &parse_complaint}};

}  // namespace

Application parse_application(std::string_view text) {
  const json doc = in::parse_document(text, "the application");
  // An application that names no kind is a permit's, as before complaints existed.
  std::string name(to_string(Kind::permit));
  if (doc.is_object() && doc.contains("kind")) name = in::get_string(doc, "kind", "", 32);
  const std::optional<Kind> kind = parse_kind(name);
  for (const KindReader& r : kKindReaders) {
    if (r.kind == kind) {
      Application app = r.read(doc);
      app.kind = r.kind;
      return app;
    }
  }
  std::string known;
  for (const KindReader& r : kKindReaders)
    known += (known.empty() ? "'" : "' or '") + std::string(to_string(r.kind));
  in::fail("/kind", "unknown kind '" + name + "' (" + known + "')");
}

}  // namespace permitflow
