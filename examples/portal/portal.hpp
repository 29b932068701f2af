// The portal's HTTP API (docs/portal.md) over one permitflow::Engine, and the UI it serves: the routes, what
// each asks the engine, sign-in and sessions. The transport that carries requests is server.hpp.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>

#include "clock.hpp"
#include "holders.hpp"
#include "http.hpp"
#include "permitflow/documents.hpp"
#include "permitflow/engine.hpp"
#include "server.hpp"
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
  std::string documents_dir;                   // uploaded documents (docs/deployment.md); "": none
  std::size_t max_document_bytes = 20u << 20;  // an upload's limit unless its material sets max_upload_mib
  std::chrono::seconds upload_timeout{300};    // to receive one upload's header and body
  std::string users_file;  // read again when it changes (UserDirectory); "": the users given never change
};

class Portal {
 public:
  Portal(permitflow::Engine& engine, Users users, Clock& clock, int utc_offset_minutes,
         PortalOptions options = {});
  /// Answers one request (the server's handler).
  void handle(Request& req, Response& res);
  /// Where a request's body goes (the server's planner): uploads of documents stream to a temporary file
  /// in the documents folder, after their sender is known and within their material's limit.
  BodyPlan plan(const Request& head);

 private:
  permitflow::Engine& engine_;
  UserDirectory users_;
  Clock& clock_;
  int utc_offset_minutes_;
  PortalOptions options_;
  Limits limits_;
  Sessions sessions_;
  Throttle throttle_;
  Router router_;
  std::optional<permitflow::DocumentStore> documents_;
  std::optional<DocumentHolders> holders_;  // who uploaded which document, beside documents_

  /// The signed-in user of a request (401 without a live session; 403 for a state-changing request whose
  /// X-CSRF-Token header is not the session's); names the user in the access log by an opaque reference.
  User signed_in(const Request& req, Response& res);
  void routes();
  void sign_in_routes();
  void serve_assets();
  /// Sets the format of every material of a submission or command that names a sha256 `u` uploaded from its
  /// bytes; if `required`, a named sha256 `u` has not uploaded is Error(invalid_argument) naming the
  /// material.
  void attach_documents(nlohmann::json& doc, bool required, const User& u) const;
};

}  // namespace portal
