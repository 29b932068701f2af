#include "portal.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "assets.hpp"

namespace portal {
namespace {

using nlohmann::json;

// The facts a printed certificate carries, in order, for the shipped permits (docs/portal.md): a presentation
// choice of this portal. The definitions do not say it yet; a published definition version is pinned by its
// hash, so the field belongs in the next version of each, after which this table goes.
json certificate_facts(const std::string& permit) {
  static const std::map<std::string, json> kShipped = {
      {"road_excavation", {"planned_start", "planned_end", "on_carriageway"}},
      {"construction_waste", {"disposal_site", "route", "volume_m3", "vehicles"}},
      {"outdoor_advertising", {"area_m2", "height_m", "on_roof", "electronic_screen", "term_months"}},
  };
  const auto it = kShipped.find(permit);
  return it == kShipped.end() ? json::array() : it->second;
}
using permitflow::Date;
using permitflow::ErrorCode;

constexpr const char* kSessionCookie = "pf_session";
constexpr const char* kCsrfHeader = "X-CSRF-Token";

/// An answer other than 200 decided by the portal itself (authentication, limits, reads it filters).
struct HttpError {
  int status;
  std::string name;
  std::string message;
};

/// A query parameter that must be a whole number (`limit`, `before`), refused with a 400 naming it otherwise.
long long whole_number(const std::string& key, const std::string& value) {
  std::size_t used = 0;
  long long n = 0;
  try {
    n = std::stoll(value, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != value.size())
    throw HttpError{400, "invalid_argument", key + ": '" + value + "' is not a whole number."};
  return n;
}

int http_status(ErrorCode code) {
  switch (code) {
    case ErrorCode::invalid_argument:
      return 400;
    case ErrorCode::not_found:
      return 404;
    case ErrorCode::invalid_state:
      return 409;
    case ErrorCode::permission_denied:
      return 403;
    case ErrorCode::conflict:
      return 409;
    case ErrorCode::rule_violation:
      return 422;
    case ErrorCode::storage:
      return 503;
    default:
      return 500;
  }
}

void send_json(Response& res, const json& body, int status = 200) {
  res.status = status;
  res.set_content(body.dump(-1, ' ', false, json::error_handler_t::replace),
                  "application/json; charset=utf-8");
}

/// The nesting depth of a JSON text, counted without parsing it (so a hostile body cannot make the
/// recursive parser run deep).
int json_depth(const std::string& text) {
  int depth = 0, deepest = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped)
        escaped = false;
      else if (c == '\\')
        escaped = true;
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      deepest = std::max(deepest, ++depth);
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return deepest;
}

const char* content_type(std::string_view name) {
  if (name.ends_with(".html")) return "text/html; charset=utf-8";
  if (name.ends_with(".js")) return "text/javascript; charset=utf-8";
  if (name.ends_with(".css")) return "text/css; charset=utf-8";
  if (name.ends_with(".svg")) return "image/svg+xml";
  return "application/octet-stream";
}

const std::regex kDocumentPath(R"(/api/documents/([^/]+))");

/// How a document is served: its media type and whether a browser may show it inline (PDF and images).
std::pair<std::string, bool> document_type(const std::string& format) {
  if (format == "pdf") return {"application/pdf", true};
  if (format == "png") return {"image/png", true};
  if (format == "jpg") return {"image/jpeg", true};
  if (format == "ofd") return {"application/ofd", false};
  return {"application/octet-stream", false};
}

}  // namespace

Portal::Portal(permitflow::Engine& engine, Users users, Clock& clock, int utc_offset_minutes,
               PortalOptions options)
    : engine_(engine),
      users_(std::move(users), options.users_file),
      clock_(clock),
      utc_offset_minutes_(utc_offset_minutes),
      options_(options),
      limits_(options.limits),
      sessions_(options.sessions),
      throttle_(options.login_failures_per_user, options.login_failures_per_address, options.login_window) {
  if (!options_.documents_dir.empty()) {
    documents_.emplace(options_.documents_dir);
    std::string dir = options_.documents_dir;
    while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
    holders_.emplace(dir + ".holders");
  }
  // A changed password, a disabled or a removed login signs that person out everywhere.
  users_.on_revoked([this](const std::string& login) { sessions_.end_all(login); });
  sign_in_routes();
  routes();
  serve_assets();
}

void Portal::handle(Request& req, Response& res) {
  try {
    router_.dispatch(req, res);
  } catch (const std::exception&) {
    // Whatever went wrong stays in the portal: the answer names no internals.
    res = Response{};
    send_error(res, 500, "internal", "The portal failed to answer.");
  }
}

BodyPlan Portal::plan(const Request& head) {
  BodyPlan plan;
  std::smatch m;
  if (head.method != "PUT" || !std::regex_match(head.path, m, kDocumentPath)) return plan;
  auto refuse = [&](int status, const std::string& name, const std::string& message) {
    plan.refused = true;
    send_error(plan.refusal, status, name, message);
    return plan;
  };
  try {
    signed_in(head, plan.refusal);
  } catch (const HttpError& e) {
    return refuse(e.status, e.name, e.message);
  }
  if (!documents_) return refuse(503, "storage", "This portal keeps no documents (no --documents-dir).");
  if (!permitflow::is_sha256_hex(m[1].str()))
    return refuse(400, "invalid_argument",
                  "The path names a document by its SHA-256: 64 lower-case hex digits.");
  plan.limit = options_.max_document_bytes;
  // A material may set its own limit in its definition (max_upload_mib, docs/definitions.md).
  // A per-vehicle material's id is "<material>:<plate>": the definition names the material.
  const std::string permit = head.get_param_value("permit"),
                    material = head.get_param_value("material")
                                   .substr(0, head.get_param_value("material").find(':'));
  if (!permit.empty() || !material.empty()) {
    const std::string today = clock_.now().local_date(utc_offset_minutes_).to_string();
    const json all = json::parse(engine_.definitions(today));
    const json* spec = nullptr;
    for (const auto& d : all["definitions"])
      if (d["id"] == permit && d["in_effect"].get<bool>())
        for (const auto& mat : d["content"]["materials"])
          if (mat["id"] == material) spec = &mat;
    if (!spec)
      return refuse(
          400, "invalid_argument",
          "permit, material: no material '" + material + "' in the permit '" + permit + "' in effect.");
    if (spec->contains("max_upload_mib"))
      plan.limit = static_cast<std::size_t>((*spec)["max_upload_mib"].get<std::int64_t>()) << 20;
  }
  plan.file = documents_->temp_path();
  plan.timeout = options_.upload_timeout;
  return plan;
}

void Portal::attach_documents(json& doc, bool required, const User& u) const {
  if (!doc.contains("materials") || !doc["materials"].is_array()) return;
  auto& materials = doc["materials"];
  for (std::size_t i = 0; i < materials.size(); ++i) {
    json& m = materials[i];
    if (!m.is_object() || !m.contains("sha256") || !m["sha256"].is_string()) continue;
    const std::string sha = m["sha256"];
    const std::string id = m.contains("id") && m["id"].is_string() ? m["id"].get<std::string>() : "";
    const std::string at = "/materials/" + std::to_string(i) + "/sha256";
    if (!permitflow::is_sha256_hex(sha))
      throw permitflow::Error(ErrorCode::invalid_argument, at + ": must be 64 lower-case hex digits", at);
    const bool stored = documents_ && holders_->holds(sha, u.id) && documents_->has(sha);
    if (!stored && !required) continue;
    if (!stored)
      throw permitflow::Error(ErrorCode::invalid_argument,
                              at + ": the document of material '" + id + "' (" + sha +
                                  ") has not been uploaded by you: PUT /api/documents/" + sha + " first",
                              at);
    // The bytes decide the format, whatever the applicant declared.
    m["format"] = permitflow::sniff_document_format(documents_->path_of(sha));
  }
}

User Portal::signed_in(const Request& req, Response& res) {
  users_.refresh();  // first: a reload may end the very session this request carries
  const auto session = sessions_.find(req.cookie(kSessionCookie));
  if (!session) throw HttpError{401, "unauthorized", "Sign in: the request carries no live session."};
  const std::optional<User> user = users_.find(session->login);
  if (!user || user->disabled) throw HttpError{401, "unauthorized", "The session's user may not sign in."};
  res.actor_ref = user_ref(user->login);
  if (req.method != "GET" && req.method != "HEAD" &&
      !same_secret(req.get_header_value(kCsrfHeader), session->csrf))
    throw HttpError{403, "permission_denied",
                    "The request lacks this session's " + std::string(kCsrfHeader) + " header."};
  return *user;
}

void Portal::sign_in_routes() {
  auto cookie = [this](const Request& req, const std::string& value, bool clear) {
    std::string c = std::string(kSessionCookie) + "=" + value + "; Path=/; HttpOnly; SameSite=Strict";
    if (req.tls || options_.secure_cookies) c += "; Secure";
    if (clear) c += "; Max-Age=0";
    return c;
  };
  // Whether this portal runs the built-in demo (the page header says so) and whether the request carries a
  // live session (the page then asks /api/me; without one it shows the sign-in form and provokes no 401);
  // nothing about its users.
  router_.Get("/api/portal", [this](const Request& req, Response& res) {
    bool live = false;
    try {
      signed_in(req, res);
      live = true;
    } catch (const HttpError&) {
    }
    send_json(res, {{"demo", options_.demo}, {"tls", req.tls}, {"signed_in", live}});
  });
  router_.Post("/api/login", [this, cookie](const Request& req, Response& res) {
    const json doc = json::parse(req.body, nullptr, false);
    if (!doc.is_object() || !doc.contains("login") || !doc["login"].is_string() ||
        !doc.contains("password") || !doc["password"].is_string() ||
        doc["login"].get<std::string>().size() > 256 || doc["password"].get<std::string>().size() > 1024)
      return send_error(res, 400, "invalid_argument", "Give {\"login\", \"password\"} as strings.");
    const std::string login = doc["login"], password = doc["password"];
    if (const long wait = throttle_.blocked(login, req.remote_addr); wait > 0) {
      res.set_header("Retry-After", std::to_string(wait));
      return send_error(res, 429, "too_many_requests",
                        "Too many failed sign-ins; try again in " + std::to_string(wait) + " s.");
    }
    users_.refresh();
    const std::optional<User> user = users_.find(login);
    const bool ok = check_password(user ? user->password_hash : std::string(), password);
    if (!ok || !user || user->disabled) {
      throttle_.failed(login, req.remote_addr);
      return send_error(res, 401, "unauthorized", "The login or the password is wrong.");
    }
    const auto started = sessions_.start(user->login);
    res.actor_ref = user_ref(user->login);
    res.set_header("Set-Cookie", cookie(req, started.token, false));
    send_json(res, {{"id", user->id}, {"role", user->role}, {"name", user->name}, {"csrf", started.csrf}});
  });
  router_.Post("/api/logout", [this, cookie](const Request& req, Response& res) {
    try {
      signed_in(req, res);
    } catch (const HttpError& e) {
      return send_error(res, e.status, e.name, e.message);
    }
    sessions_.end(req.cookie(kSessionCookie));
    res.set_header("Set-Cookie", cookie(req, "", true));
    send_json(res, {{"signed_out", true}});
  });
}

void Portal::routes() {
  // Every API handler runs inside this wrapper: authentication first (401), then the handler, whose
  // engine errors become the status of docs/portal.md with the engine's message.
  using Handler = std::function<void(const Request&, Response&, const User&)>;
  auto api = [this](Handler h) {
    return [this, h](const Request& req, Response& res) {
      try {
        const User user = signed_in(req, res);
        h(req, res, user);
      } catch (const HttpError& e) {
        send_error(res, e.status, e.name, e.message);
      } catch (const permitflow::Error& e) {
        send_error(res, http_status(e.code()), std::string(permitflow::to_string(e.code())), e.what());
      } catch (const json::exception& e) {
        send_error(res, 400, "invalid_argument", e.what());
      } catch (const std::exception& e) {
        send_error(res, 500, "internal", e.what());
      }
    };
  };

  auto now = [this] { return clock_.now().to_rfc3339(utc_offset_minutes_); };
  auto today = [this] { return clock_.now().local_date(utc_offset_minutes_); };
  auto actor = [](const User& u) {
    json a = {{"id", u.id}, {"role", u.role}};
    if (!u.department.empty()) a["department"] = u.department;
    if (!u.unit.empty()) a["unit"] = u.unit;
    return a;
  };
  // A request body: a JSON object within the limits, without `actor` or `at` (those are the portal's).
  auto body = [this](const Request& req) {
    if (json_depth(req.body) > limits_.max_json_depth)
      throw HttpError{
          400, "invalid_argument",
          "The JSON is nested deeper than " + std::to_string(limits_.max_json_depth) + " levels."};
    json doc = json::parse(req.body.empty() ? std::string("{}") : req.body, nullptr, false);
    if (doc.is_discarded()) throw HttpError{400, "invalid_argument", "The request body is not valid JSON."};
    if (!doc.is_object()) throw HttpError{400, "invalid_argument", "The request body must be a JSON object."};
    if (doc.contains("actor"))
      throw HttpError{400, "invalid_argument",
                      "/actor: the actor comes from the bearer token, not the body."};
    if (doc.contains("at"))
      throw HttpError{400, "invalid_argument", "/at: the time comes from the portal's clock, not the body."};
    return doc;
  };
  // The working days from today to the due of the clock that runs in the case's state (negative once
  // late), for the lights of the queues. Ended clocks keep their light (met or red) but count nothing.
  auto view = [this, today](json c) {
    static const std::map<std::string, std::string> kRunning = {{"submitted", "acceptance_notice"},
                                                                {"awaiting_correction", "correction"},
                                                                {"under_review", "decision"},
                                                                {"suspended", "decision"},
                                                                {"approved", "issuance"},
                                                                // complaints (docs/complaints.md)
                                                                {"received", "handling"},
                                                                {"registered", "handling"},
                                                                {"dispatched", "handling"},
                                                                {"returned", "handling"},
                                                                {"handling", "handling"},
                                                                {"reopened", "handling"},
                                                                {"escalated", "review"}};
    json left = json::object();
    const auto running = kRunning.find(c.value("state", ""));
    if (running != kRunning.end() && c.contains("deadlines") && c["deadlines"].contains(running->second)) {
      const json& d = c["deadlines"][running->second];
      if (d.is_object() && d.contains("due") && d["due"].is_string()) {
        const Date t = today();
        const auto& cal = engine_.calendar();
        const Date due = Date::parse(d["due"].get<std::string>().substr(0, 10));
        left[running->second] =
            due >= t ? cal.working_days_between(t, due) : -cal.working_days_between(due + 1, t);
      }
    }
    // A commitment's verification clock runs beside the others once the case is decided on it, until a
    // verification is recorded (docs/contract.md §17).
    if (c.contains("deadlines") && c["deadlines"].is_object() && c["deadlines"].contains("verification")) {
      const json& d = c["deadlines"]["verification"];
      if (d.is_object() && d.contains("due") && d["due"].is_string() &&
          c.value("verification", json()).is_null() &&
          (c.value("state", "") == "approved" || c.value("state", "") == "issued")) {
        const Date t = today();
        const auto& cal = engine_.calendar();
        const Date due = Date::parse(d["due"].get<std::string>());
        left["verification"] =
            due >= t ? cal.working_days_between(t, due) : -cal.working_days_between(due + 1, t);
      }
    }
    c["working_days_left"] = std::move(left);
    return c;
  };
  // Reads as the signed-in user: the engine decides what it may see (403 otherwise) and which commands it
  // may give ("allowed_commands"), docs/policy.md.
  auto read_case = [this, actor](const std::string& id, const User& u) {
    return json::parse(engine_.get_case_as(id, actor(u).dump()));
  };
  auto staff_only = [](const User& u) {
    if (u.role == "applicant" || u.role == "reporter")
      throw HttpError{403, "permission_denied",
                      "Applicants and reporters may not read the bureau's reports."};
  };
  auto with_actor = [this, actor, now, body](const Request& req, const User& u) {
    json doc = body(req);
    doc["actor"] = actor(u);
    doc["at"] = now();
    return doc;
  };
  // An applicant's or resident's identity is its registered one, never the body's.
  auto application = [with_actor](const Request& req, const User& u) {
    json app = with_actor(req, u);
    const json self = {{"id", u.id}, {"name", u.name}};
    if (u.role == "applicant") {
      if (app.contains("applicant") && app["applicant"] != self)
        throw HttpError{403, "permission_denied", "/applicant: the applicant is the signed-in user."};
      app["applicant"] = self;
    }
    // A resident files its own report from the portal.
    if (u.role == "reporter") {
      if (app.contains("reporter") && app["reporter"] != self)
        throw HttpError{403, "permission_denied", "/reporter: the reporter is the signed-in user."};
      if (app.contains("source") && app["source"] != "portal")
        throw HttpError{403, "permission_denied", "/source: a resident reports through the portal."};
      if (!app.contains("kind")) app["kind"] = "complaint";
      app["reporter"] = self;
      app["source"] = "portal";
    }
    return app;
  };

  router_.Get(
      "/api/me", api([this, now](const Request& req, Response& res, const User& u) {
        send_json(res, {{"id", u.id},
                        {"role", u.role},
                        {"department", u.department.empty() ? json(nullptr) : json(u.department)},
                        {"unit", u.unit.empty() ? json(nullptr) : json(u.unit)},
                        {"name", u.name},
                        {"admin", u.admin},
                        {"demo", options_.demo},
                        {"csrf", sessions_.find(req.cookie(kSessionCookie)).value_or(Sessions::Found{}).csrf},
                        {"now", now()},
                        {"fixed_clock", clock_.fixed()}});
      }));
  router_.Post("/api/precheck", api([this, application](const Request& req, Response& res, const User& u) {
                 json app = application(req, u);
                 attach_documents(app, false, u);  // judged by the uploaded bytes where there are some
                 send_json(res, json::parse(engine_.precheck(app.dump())));
               }));
  router_.Post("/api/applications",
               api([this, application, view](const Request& req, Response& res, const User& u) {
                 json app = application(req, u);
                 attach_documents(app, true, u);
                 send_json(res, view(json::parse(engine_.submit(app.dump()))), 201);
               }));
  router_.Post(R"(/api/cases/([^/]+)/commands)",
               api([this, with_actor, view](const Request& req, Response& res, const User& u) {
                 json cmd = with_actor(req, u);
                 attach_documents(cmd, true, u);
                 send_json(res, view(json::parse(engine_.execute(req.matches[1].str(), cmd.dump()))));
               }));
  // Documents (docs/portal.md): uploaded by hash (the body was streamed to a temporary file by the
  // server, see plan()), described by hash, downloaded through a case the user may see.
  router_.add(
      "PUT", R"(/api/documents/([^/]+))", api([this](const Request& req, Response& res, const User& u) {
        if (!documents_ || req.body_file.empty())
          throw HttpError{503, "storage", "This portal keeps no documents (no --documents-dir)."};
        const auto s = documents_->put(req.body_file, req.matches[1].str());
        // "created" is new for this person: whether somebody else sent the same bytes is not said.
        const bool created = holders_->add(s.sha256, u.id);
        send_json(res, {{"sha256", s.sha256}, {"format", s.format}, {"size", s.size}, {"created", created}},
                  created ? 201 : 200);
      }));
  router_.Get(R"(/api/documents/([^/]+))", api([this](const Request& req, Response& res, const User& u) {
                const std::string sha = req.matches[1].str();
                if (!documents_ || !permitflow::is_sha256_hex(sha) || !holders_->holds(sha, u.id) ||
                    !documents_->has(sha))
                  throw HttpError{404, "not_found", "You have uploaded no document with this SHA-256."};
                const std::string path = documents_->path_of(sha);
                std::ifstream in(path, std::ios::binary | std::ios::ate);
                send_json(res, {{"sha256", sha},
                                {"format", permitflow::sniff_document_format(path)},
                                {"size", static_cast<std::int64_t>(in.tellg())}});
              }));
  router_.Get(
      R"(/api/cases/([^/]+)/documents/([^/]+))",
      api([this, read_case](const Request& req, Response& res, const User& u) {
        // The engine decides who may see the case (403 otherwise); the case must refer to the hash.
        const json c = read_case(req.matches[1].str(), u);
        const std::string sha = req.matches[2].str();
        std::string material;
        for (const auto& m : c.value("materials", json::array()))
          if (m.value("sha256", "") == sha) material = m.value("id", "");
        if (material.empty() || !documents_ || !documents_->has(sha))
          throw HttpError{404, "not_found", "The case refers to no stored document with this SHA-256."};
        const std::string path = documents_->path_of(sha);
        const std::string format = permitflow::sniff_document_format(path);
        const auto [type, inline_ok] = document_type(format);
        std::string file = material + "." + (format.empty() ? "bin" : format);
        for (char& ch : file)
          if (ch == '"' || ch == '\\' || static_cast<unsigned char>(ch) < 0x20) ch = '_';
        res.set_header("Content-Disposition",
                       std::string(inline_ok ? "inline" : "attachment") + "; filename=\"" + file + "\"");
        res.send_file(path, type);
        // Who read which document of which case: a line of its own in the access log.
        if (auto log = spdlog::get("portal.access"))
          log->info("{} {} DOCUMENT {} {} {}", log_escape(req.remote_addr), res.actor_ref,
                    log_escape(c.value("id", "")), sha, log_escape(material));
      }));
  router_.Get(R"(/api/cases/([^/]+)/history)",
              api([this, actor](const Request& req, Response& res, const User& u) {
                send_json(res, json::parse(engine_.history_as(req.matches[1].str(), actor(u).dump())));
              }));
  router_.Get(R"(/api/cases/([^/]+))",
              api([read_case, view](const Request& req, Response& res, const User& u) {
                send_json(res, view(read_case(req.matches[1], u)));
              }));
  router_.Get("/api/cases", api([this, actor, view](const Request& req, Response& res, const User& u) {
                json q = json::object();
                for (const auto& [key, value] : req.params) {
                  if (key == "actor")
                    throw HttpError{400, "invalid_argument", "actor: the actor comes from the bearer token."};
                  if (key == "limit") {
                    q[key] = whole_number(key, value);  // the engine checks its range
                  } else if (key == "tolerance_pending" || key == "verification_open") {
                    // The query's boolean filters (docs/contract.md §17).
                    if (value != "true" && value != "false")
                      throw HttpError{400, "invalid_argument", key + ": 'true' or 'false'."};
                    q[key] = value == "true";
                  } else {
                    q[key] = value;
                  }
                }
                q["actor"] = actor(u);
                json out = json::parse(engine_.query(q.dump()));
                for (auto& c : out["cases"]) c = view(std::move(c));
                send_json(res, out);
              }));
  router_.Post(
      "/api/run-due", api([this, body, now](const Request& req, Response& res, const User& u) {
        if (!u.admin)
          throw HttpError{403, "permission_denied", "Only an administrator may run the due timers by hand."};
        const json doc = body(req);
        for (const auto& [key, value] : doc.items()) {
          if (key != "now")
            throw HttpError{400, "invalid_argument", "/" + key + ": unknown key '" + key + "' (only now)"};
          if (!value.is_string()) throw HttpError{400, "invalid_argument", "/now: must be an RFC 3339 time"};
          if (!clock_.fixed())
            throw HttpError{400, "invalid_argument",
                            "/now: this portal runs on the real clock; time cannot be set."};
          const auto t = permitflow::Instant::parse_rfc3339(value.get<std::string>());
          if (t < clock_.now())
            throw HttpError{
                400, "invalid_argument",
                "/now: " + value.get<std::string>() + " is before the portal's clock " + now() + "."};
          clock_.advance_to(t);
        }
        send_json(res, {{"now", now()}, {"fired", json::parse(engine_.run_due(now()))}});
      }));
  router_.Get("/api/report",
              api([this, today, staff_only, actor](const Request& req, Response& res, const User& u) {
                staff_only(u);
                // The report of what this user may see (a unit its complaints, a department its permits).
                json q = {{"week", req.has_param("week") ? req.get_param_value("week") : today().to_string()},
                          {"format", req.has_param("format") ? req.get_param_value("format") : "json"},
                          {"actor", actor(u)}};
                for (const auto& [key, value] : req.params)
                  if (key != "week" && key != "format")
                    throw HttpError{400, "invalid_argument", key + ": unknown parameter"};
                json out = json::parse(engine_.report(q.dump()));
                if (q["format"] == "csv") {
                  res.set_header("Content-Disposition",
                                 "attachment; filename=\"report-" + q["week"].get<std::string>() + ".csv\"");
                  res.set_content(out["csv"].get<std::string>(), "text/csv; charset=utf-8");
                  return;
                }
                send_json(res, out);
              }));
  // 消息: the feed's `notify` messages of the signed-in applicant's (or reporter's) own cases that are
  // addressed to them, newest first, a page at a time when `limit` is given (`before`: the `next` of the page
  // before). Staff read their queue instead; the engine decides which cases are theirs.
  router_.Get(
      "/api/inbox", api([this, actor](const Request& req, Response& res, const User& u) {
        if (u.role != "applicant" && u.role != "reporter")
          throw HttpError{403, "permission_denied",
                          "The inbox holds an applicant's or reporter's own messages."};
        std::optional<long long> limit;
        std::optional<long long> before;
        for (const auto& [key, value] : req.params) {
          if (key == "limit") {
            limit = whole_number(key, value);
            if (*limit < 1 || *limit > 200)
              throw HttpError{400, "invalid_argument", "limit: must be 1 to 200, found " + value + "."};
          } else if (key == "before") {
            before = whole_number(key, value);
            if (*before < 1)
              throw HttpError{400, "invalid_argument", "before: must be a message's seq (1 or more)."};
          } else {
            throw HttpError{400, "invalid_argument", key + ": unknown parameter (limit, before)"};
          }
        }
        std::vector<std::string> ids;
        json q = {{"actor", actor(u)}, {"limit", 200}};
        for (;;) {
          const json page = json::parse(engine_.query(q.dump()));
          for (const auto& c : page["cases"]) ids.push_back(c["id"].get<std::string>());
          if (page["next"].is_null()) break;
          q["after"] = page["next"];
        }
        json messages = json::array();
        constexpr std::size_t kCasesPerRead = 64;  // the feed's limit on a `cases` filter
        for (std::size_t i = 0; i < ids.size(); i += kCasesPerRead) {
          json cases = json::array();
          for (std::size_t k = i; k < std::min(ids.size(), i + kCasesPerRead); ++k) cases.push_back(ids[k]);
          json f = {{"profile", "notify"}, {"limit", 1000}, {"cases", std::move(cases)}};
          for (;;) {
            const json page = json::parse(engine_.feed(f.dump()));
            for (const auto& m : page["records"]) {
              if (before && m["seq"].get<long long>() >= *before) continue;
              if (m["to"].value("role", "") == u.role || m["to"].value("id", "") == u.id)
                messages.push_back(m);
            }
            if (page["next"] == page["head"]) break;
            f["after"] = page["next"];
          }
        }
        std::stable_sort(messages.begin(), messages.end(),
                         [](const json& a, const json& b) { return a["seq"] > b["seq"]; });
        json next = nullptr;  // the `before` of the next (older) page, null on the last
        if (limit && messages.size() > static_cast<std::size_t>(*limit)) {
          messages.erase(messages.begin() + *limit, messages.end());
          next = messages.back()["seq"];
        }
        send_json(res, {{"messages", std::move(messages)}, {"next", std::move(next)}});
      }));
  // The supervision dashboard's view of the feed: its head, the retention mark and each durable consumer's
  // lag behind the head (a notifier that stopped shows a growing lag).
  router_.Get("/api/feed/lag", api([this, staff_only](const Request&, Response& res, const User& u) {
                staff_only(u);
                json page = json::parse(engine_.feed(R"({"limit": 1})"));
                page.erase("records");
                page.erase("next");
                send_json(res, page);
              }));
  router_.Get("/api/verify", api([this, staff_only](const Request&, Response& res, const User& u) {
                staff_only(u);
                // The ledger, and every document a case names with its bytes (docs/operations.md).
                const json options = documents_ ? json{{"documents_dir", documents_->dir()}} : json::object();
                send_json(res, json::parse(engine_.verify(options.dump())));
              }));
  // The permit definitions the engine loads (compiled in, --definitions-dir, stored with cases): for each
  // permit the version in effect today (names, materials, facts, departments the UI shows) and every
  // version with its hash and effective date.
  router_.Get("/api/definitions", api([this](const Request& req, Response& res, const User&) {
                // ?content=1: each version with its whole definition, for a client that checks offline
                // (examples/applicant_app) with exactly the bureau's definitions.
                const bool with_content = req.get_param_value("content") == "1";
                const std::string today = clock_.now().local_date(utc_offset_minutes_).to_string();
                const json all = json::parse(engine_.definitions(today));
                json out = json::object();
                for (const auto& d : all["definitions"]) {
                  if (d["kind"] != "permit") continue;  // categories: /api/categories
                  json& entry = out[d["id"].get<std::string>()];
                  entry["versions"].push_back({{"version", d["version"]},
                                               {"hash", d["hash"]},
                                               {"effective_from", d["effective_from"]},
                                               {"in_effect", d["in_effect"]},
                                               {"file", d["file"]}});
                  if (with_content) entry["versions"].back()["content"] = d["content"];
                  if (!d["in_effect"].get<bool>()) continue;
                  const json& c = d["content"];
                  for (const char* key : {"name", "materials", "facts", "co_approving", "suspension_reasons"})
                    entry[key] = c[key];
                  for (const char* key : {"version", "hash", "effective_from"}) entry[key] = d[key];
                  // The limits (a tolerance's supply date is at most the promised decision due) and the
                  // commitment path's data, null in versions without it.
                  for (const char* key : {"limits", "decide_on_commitment", "verification"})
                    entry[key] = c.contains(key) ? c[key] : json(nullptr);
                  entry["certificate_facts"] = certificate_facts(d["id"]);
                }
                send_json(res, out);
              }));
  // The shipped complaint categories (data/definitions/complaints): names, the responsible unit, limits.
  router_.Get("/api/categories", api([](const Request&, Response& res, const User&) {
                json out = json::object();
                for (const auto& f : assets::embedded_files()) {
                  if (!f.name.starts_with("data/definitions/complaints/")) continue;
                  json d = json::parse(f.content);
                  out[d["id"].get<std::string>()] = {{"name", d["name"]},
                                                     {"unit", d["unit"]},
                                                     {"limit", d["limit"]},
                                                     {"office_hours", d.value("office_hours", json())}};
                }
                send_json(res, out);
              }));
  router_.Get(
      "/api/calendar/add", api([this](const Request& req, Response& res, const User&) {
        const std::string n = req.get_param_value("n");
        if (n.empty() || n.find_first_not_of("0123456789") != std::string::npos || n.size() > 4)
          throw HttpError{400, "invalid_argument", "n: a whole number of working days (0–9999) is required."};
        send_json(res, json::parse(engine_.add_working_days(req.get_param_value("date"), std::stoi(n))));
      }));
}

void Portal::serve_assets() {
  constexpr std::string_view kAssets = "examples/portal/assets/";
  for (const auto& f : assets::embedded_files()) {
    if (!f.name.starts_with(kAssets)) continue;
    const std::string_view name = f.name.substr(kAssets.size());
    const std::string path = name == "index.html" ? "/" : "/" + std::string(name);
    const std::string_view content = f.content;
    const char* type = content_type(f.name);
    router_.Get(path, [content, type](const Request&, Response& res) {
      res.set_content(std::string(content), type);
      res.set_header("Cache-Control", "no-cache");
    });
  }
}

}  // namespace portal
