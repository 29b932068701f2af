// The portal's HTTP API (docs/portal.md) over one permitflow::Engine, and the UI it serves: the routes, what
// each asks the engine, sign-in and sessions. The transport that carries requests is server.hpp.
#pragma once

#include <cstddef>

#include "clock.hpp"
#include "http.hpp"
#include "permitflow/engine.hpp"
#include "sessions.hpp"
#include "users.hpp"

namespace portal {

struct Limits {
  int max_json_depth = 32;  // deeper JSON answers 400 before it is parsed
};

struct PortalOptions {
  Limits limits;
  SessionOptions sessions;
  bool demo = false;            // built-in demo users; the page header says so
  bool secure_cookies = false;  // mark the session cookie Secure even without TLS here (behind a TLS proxy)
  int login_failures_per_user = 5;      // within login_window, then 429
  int login_failures_per_address = 20;  // within login_window, then 429
  std::chrono::seconds login_window{15 * 60};
};

class Portal {
 public:
  Portal(permitflow::Engine& engine, Users users, Clock& clock, int utc_offset_minutes,
         PortalOptions options = {});
  /// Answers one request (the server's handler).
  void handle(Request& req, Response& res);

 private:
  permitflow::Engine& engine_;
  Users users_;
  Clock& clock_;
  int utc_offset_minutes_;
  PortalOptions options_;
  Limits limits_;
  Sessions sessions_;
  Throttle throttle_;
  Router router_;

  /// The signed-in user of a request (401 without a live session; 403 for a state-changing request whose
  /// X-CSRF-Token header is not the session's); names the user in the access log by an opaque reference.
  const User& signed_in(const Request& req, Response& res);
  void routes();
  void sign_in_routes();
  void serve_assets();
};

}  // namespace portal
