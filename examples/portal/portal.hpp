// The portal's HTTP API (docs/portal.md) over one permitflow::Engine, and the UI it serves.
#pragma once

#include <httplib.h>

#include <cstddef>

#include "clock.hpp"
#include "permitflow/engine.hpp"
#include "users.hpp"

namespace portal {

struct Limits {
  std::size_t max_body_bytes = 1 << 20;  // larger bodies answer 413
  int max_json_depth = 32;               // deeper JSON answers 400 before it is parsed
};

class Portal {
 public:
  Portal(permitflow::Engine& engine, Users users, Clock& clock, int utc_offset_minutes, Limits limits = {});
  httplib::Server& server() { return server_; }

 private:
  permitflow::Engine& engine_;
  Users users_;
  Clock& clock_;
  int utc_offset_minutes_;
  Limits limits_;
  httplib::Server server_;

  void routes();
  void serve_assets();
};

}  // namespace portal
