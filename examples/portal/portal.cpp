#include "portal.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "assets.hpp"

namespace portal {
namespace {

using nlohmann::json;
using permitflow::Date;
using permitflow::ErrorCode;

/// An answer other than 200 decided by the portal itself (authentication, limits, reads it filters).
struct HttpError {
  int status;
  std::string name;
  std::string message;
};

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

void send_error(httplib::Response& res, int status, const std::string& name, const std::string& message) {
  res.status = status;
  res.set_content(json{{"error", {{"status", name}, {"message", message}}}}.dump(
                      -1, ' ', false, json::error_handler_t::replace),
                  "application/json; charset=utf-8");
}

void send_json(httplib::Response& res, const json& body, int status = 200) {
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

}  // namespace

Portal::Portal(permitflow::Engine& engine, Users users, Clock& clock, int utc_offset_minutes, Limits limits)
    : engine_(engine),
      users_(std::move(users)),
      clock_(clock),
      utc_offset_minutes_(utc_offset_minutes),
      limits_(limits) {
  server_.set_payload_max_length(limits_.max_body_bytes);
  // Answers the portal did not write itself (413, unknown routes) still get the error document.
  server_.set_error_handler([](const httplib::Request&, httplib::Response& res) {
    if (!res.body.empty()) return;
    const int s = res.status;
    const std::string name = s == 413   ? "payload_too_large"
                             : s == 404 ? "not_found"
                                        : "http_" + std::to_string(s);
    const std::string msg = s == 413   ? "The request body is larger than the portal accepts."
                            : s == 404 ? "There is no such route."
                                       : "The request failed.";
    send_error(res, s, name, msg);
  });
  server_.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
    std::string what = "unknown exception";
    try {
      if (ep) std::rethrow_exception(ep);
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
    }
    send_error(res, 500, "internal", what);
  });
  // The access log: one line per request, with the actor the token stands for (never the token).
  auto access = spdlog::get("portal.access");
  if (!access) access = spdlog::default_logger();
  server_.set_logger([this, access](const httplib::Request& req, const httplib::Response& res) {
    std::string who = "-";
    const auto auth = req.get_header_value("Authorization");
    if (auth.rfind("Bearer ", 0) == 0)
      if (const User* u = users_.find(std::string_view(auth).substr(7))) who = u->id;
    access->info("{} {} {} {} {} {}B", req.remote_addr, who, req.method, req.path, res.status,
                 res.body.size());
  });
  routes();
  serve_assets();
}

void Portal::routes() {
  // Every API handler runs inside this wrapper: authentication first (401), then the handler, whose
  // engine errors become the status of docs/portal.md with the engine's message.
  using Handler = std::function<void(const httplib::Request&, httplib::Response&, const User&)>;
  auto api = [this](Handler h) {
    return [this, h](const httplib::Request& req, httplib::Response& res) {
      try {
        const auto auth = req.get_header_value("Authorization");
        if (auth.rfind("Bearer ", 0) != 0)
          throw HttpError{401, "unauthorized", "Sign in: the request carries no bearer token."};
        const User* user = users_.find(std::string_view(auth).substr(7));
        if (!user) throw HttpError{401, "unauthorized", "The bearer token is not known to this portal."};
        h(req, res, *user);
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
  auto body = [this](const httplib::Request& req) {
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
    c["working_days_left"] = std::move(left);
    return c;
  };
  // Reads the engine does not authorize: an applicant sees its own cases, a reviewer those its department
  // co-approves; the window, the head and the supervision office see all.
  auto readable = [](const User& u, const json& c) {
    if (u.role == "applicant") return c.contains("applicant") && c["applicant"].value("id", "") == u.id;
    if (u.role == "reporter") return c.contains("reporter") && c["reporter"].value("id", "") == u.id;
    if (u.role == "handler") return c.value("unit", "") == u.unit;
    if (u.role == "reviewer") return c.contains("opinions") && c["opinions"].contains(u.department);
    return true;
  };
  auto read_case = [this, readable](const std::string& id, const User& u) {
    json c = json::parse(engine_.get_case(id));
    if (!readable(u, c))
      throw HttpError{403, "permission_denied", "Case '" + id + "' is not one " + u.id + " may see."};
    return c;
  };
  auto staff_only = [](const User& u) {
    if (u.role == "applicant" || u.role == "reporter")
      throw HttpError{403, "permission_denied",
                      "Applicants and reporters may not read the bureau's reports."};
  };
  auto with_actor = [this, actor, now, body](const httplib::Request& req, const User& u) {
    json doc = body(req);
    doc["actor"] = actor(u);
    doc["at"] = now();
    return doc;
  };
  auto application = [with_actor](const httplib::Request& req, const User& u) {
    json app = with_actor(req, u);
    if (u.role == "applicant" && !app.contains("applicant"))
      app["applicant"] = {{"id", u.id}, {"name", u.name}};
    // A resident files its own report from the portal.
    if (u.role == "reporter") {
      if (!app.contains("kind")) app["kind"] = "complaint";
      if (!app.contains("reporter")) app["reporter"] = {{"id", u.id}, {"name", u.name}};
      if (!app.contains("source")) app["source"] = "portal";
    }
    return app;
  };

  server_.Get("/api/me", api([this, now](const httplib::Request&, httplib::Response& res, const User& u) {
                send_json(res, {{"id", u.id},
                                {"role", u.role},
                                {"department", u.department.empty() ? json(nullptr) : json(u.department)},
                                {"unit", u.unit.empty() ? json(nullptr) : json(u.unit)},
                                {"name", u.name},
                                {"admin", u.admin},
                                {"now", now()},
                                {"fixed_clock", clock_.fixed()}});
              }));
  // The sign-in page of a demo configuration lists its users; a real configuration never shows tokens.
  server_.Get("/api/demo-users", [this](const httplib::Request&, httplib::Response& res) {
    if (!users_.listed()) return send_error(res, 404, "not_found", "This portal does not list its users.");
    json out = json::array();
    for (const auto& u : users_.all())
      out.push_back({{"token", u.token},
                     {"id", u.id},
                     {"role", u.role},
                     {"department", u.department.empty() ? json(nullptr) : json(u.department)},
                     {"unit", u.unit.empty() ? json(nullptr) : json(u.unit)},
                     {"name", u.name}});
    send_json(res, out);
  });
  server_.Post("/api/precheck",
               api([this, application](const httplib::Request& req, httplib::Response& res, const User& u) {
                 send_json(res, json::parse(engine_.precheck(application(req, u).dump())));
               }));
  server_.Post("/api/applications", api([this, application, view](const httplib::Request& req,
                                                                  httplib::Response& res, const User& u) {
                 send_json(res, view(json::parse(engine_.submit(application(req, u).dump()))), 201);
               }));
  server_.Post(
      R"(/api/cases/([^/]+)/commands)",
      api([this, with_actor, view](const httplib::Request& req, httplib::Response& res, const User& u) {
        const std::string cmd = with_actor(req, u).dump();
        send_json(res, view(json::parse(engine_.execute(req.matches[1].str(), cmd))));
      }));
  server_.Get(R"(/api/cases/([^/]+)/history)",
              api([this, read_case](const httplib::Request& req, httplib::Response& res, const User& u) {
                const std::string id = req.matches[1];
                read_case(id, u);
                send_json(res, json::parse(engine_.history(id)));
              }));
  server_.Get(R"(/api/cases/([^/]+))",
              api([read_case, view](const httplib::Request& req, httplib::Response& res, const User& u) {
                send_json(res, view(read_case(req.matches[1], u)));
              }));
  server_.Get(
      "/api/cases",
      api([this, actor, view](const httplib::Request& req, httplib::Response& res, const User& u) {
        json q = json::object();
        for (const auto& [key, value] : req.params) {
          if (key == "actor")
            throw HttpError{400, "invalid_argument", "actor: the actor comes from the bearer token."};
          if (key == "limit") {
            std::size_t used = 0;
            int n = 0;
            try {
              n = std::stoi(value, &used);
            } catch (const std::exception&) {
              used = 0;
            }
            if (used == 0 || used != value.size())
              throw HttpError{400, "invalid_argument", "limit: '" + value + "' is not a whole number."};
            q[key] = n;
          } else {
            q[key] = value;
          }
        }
        q["actor"] = actor(u);
        json out = json::parse(engine_.query(q.dump()));
        for (auto& c : out["cases"]) c = view(std::move(c));
        send_json(res, out);
      }));
  server_.Post(
      "/api/run-due",
      api([this, body, now](const httplib::Request& req, httplib::Response& res, const User& u) {
        if (!u.admin)
          throw HttpError{403, "permission_denied", "Only an administrator may run the due timers by hand."};
        const json doc = body(req);
        for (const auto& [key, value] : doc.items()) {
          if (key != "now") throw HttpError{400, "invalid_argument", "/" + key + ": unknown field"};
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
  server_.Get("/api/report", api([this, today, staff_only](const httplib::Request& req,
                                                           httplib::Response& res, const User& u) {
                staff_only(u);
                json q = {{"week", req.has_param("week") ? req.get_param_value("week") : today().to_string()},
                          {"format", req.has_param("format") ? req.get_param_value("format") : "json"}};
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
  server_.Get("/api/verify",
              api([this, staff_only](const httplib::Request&, httplib::Response& res, const User& u) {
                staff_only(u);
                send_json(res, json::parse(engine_.verify()));
              }));
  // The shipped permit definitions, for the names the UI shows (materials, facts, departments).
  server_.Get("/api/definitions", api([](const httplib::Request&, httplib::Response& res, const User&) {
                json out = json::object();
                for (const auto& f : assets::embedded_files()) {
                  if (!f.name.starts_with("data/definitions/")) continue;
                  json d = json::parse(f.content);
                  if (d.value("kind", "permit") != "permit") continue;  // categories: /api/categories
                  out[d["id"].get<std::string>()] = {{"name", d["name"]},
                                                     {"materials", d["materials"]},
                                                     {"facts", d["facts"]},
                                                     {"co_approving", d["co_approving"]},
                                                     {"suspension_reasons", d["suspension_reasons"]}};
                }
                send_json(res, out);
              }));
  // The shipped complaint categories (data/definitions/complaints): names, the responsible unit, limits.
  server_.Get("/api/categories", api([](const httplib::Request&, httplib::Response& res, const User&) {
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
  server_.Get(
      "/api/calendar/add", api([this](const httplib::Request& req, httplib::Response& res, const User&) {
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
    server_.Get(path, [content, type](const httplib::Request&, httplib::Response& res) {
      res.set_content(content.data(), content.size(), type);
      res.set_header("Cache-Control", "no-cache");
    });
  }
}

}  // namespace portal
