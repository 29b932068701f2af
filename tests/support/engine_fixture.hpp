// Test support: an engine on a fresh SQLite file in a temporary folder, with the demo actors and applications
// of demo_applications.hpp (materials discovered through precheck, as the conformance harness does).
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <random>
#include <string>

#include "permitflow/engine.hpp"
#include "support/demo_applications.hpp"
#include "support/temp_dir.hpp"

namespace permitflow::testing {

using nlohmann::json;

class EngineTest : public ::testing::Test {
 protected:
  void SetUp() override { open(); }

  void open(const json& extra = json::object()) {
    engine_.reset();
    json cfg = {{"database", (dir_.path() / "cases.db").string()}};
    for (auto& [k, v] : extra.items()) cfg[k] = v;
    engine_ = std::make_unique<Engine>(cfg.dump());
  }
  Engine& engine() { return *engine_; }
  /// The database file, for tests that open it behind the engine's back (close() first).
  std::filesystem::path database() const { return dir_.path() / "cases.db"; }
  /// Closes the engine; open() opens it again on the same file.
  void close() { engine_.reset(); }

  json precheck(const json& app) { return json::parse(engine_->precheck(app.dump())); }
  json submit(const json& app) { return json::parse(engine_->submit(app.dump())); }
  json execute(const std::string& id, const json& cmd) {
    return json::parse(engine_->execute(id, cmd.dump()));
  }
  json get(const std::string& id) { return json::parse(engine_->get_case(id)); }
  json history(const std::string& id) { return json::parse(engine_->history(id)); }
  json run_due(const std::string& now) { return json::parse(engine_->run_due(now)); }
  json query(const json& q) { return json::parse(engine_->query(q.dump())); }

  json complete_materials(const std::string& permit, const std::string& when) {
    return testing::complete_materials(*engine_, permit, when);
  }

  /// A case of `permit` accepted on `day`.
  json accepted(const std::string& permit, const std::string& day) {
    const json c = submit(application(permit, at(day), complete_materials(permit, at(day))));
    return execute(c["id"], command("accept", kClerk, at(day, "11:00")));
  }

  /// The error code of a call expected to fail.
  template <class F>
  ErrorCode error_of(F&& f) {
    try {
      f();
    } catch (const Error& e) {
      return e.code();
    }
    return ErrorCode::ok;
  }

 private:
  TempDir dir_;
  std::unique_ptr<Engine> engine_;
};

}  // namespace permitflow::testing
