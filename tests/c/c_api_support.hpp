// Test support for the C API gtests: an engine opened through pf_open on a fresh SQLite file, calls that
// return (status, parsed JSON), and the demo actors. Only the public C header is used.
#pragma once

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <utility>

#include "permitflow/permitflow.h"
#include "support/demo_applications.hpp"
#include "support/temp_dir.hpp"

namespace permitflow::testing {

using nlohmann::json;

struct Reply {
  pf_status status;
  json body;         // the returned document on PF_OK, else the last error as JSON
  std::string text;  // the raw returned string or pf_last_error()
};

class CApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string cfg = json{{"database", db_path()}}.dump();
    ASSERT_EQ(pf_open(cfg.c_str(), &engine_), PF_OK) << pf_last_error();
  }
  void TearDown() override { pf_close(engine_); }

  std::string db_path() const { return dir_.file("cases.db"); }
  pf_engine* engine() { return engine_; }

  // Turns the outcome of a pf_* call into a Reply and frees what the library gave.
  // `out` is read after the call: pass &out (an argument `out` could be read before the call runs).
  static Reply reply(pf_status st, char** out_ptr) {
    char* out = *out_ptr;
    Reply r{st, nullptr, {}};
    if (st == PF_OK) {
      r.text = out ? out : "";
      r.body = json::parse(r.text);
      pf_free(out);
    } else {
      EXPECT_EQ(out, nullptr) << "a failed call left an out-parameter set";
      r.text = pf_last_error();
      char* e = nullptr;
      EXPECT_EQ(pf_last_error_json(&e), PF_OK);
      r.body = json::parse(e);  // also proves the error message is valid UTF-8 JSON
      pf_free(e);
    }
    return r;
  }
  Reply submit(const json& app) {
    char* out = nullptr;
    return reply(pf_submit(engine_, app.dump().c_str(), &out), &out);
  }
  Reply execute(const std::string& id, const json& cmd) {
    char* out = nullptr;
    return reply(pf_execute(engine_, id.c_str(), cmd.dump().c_str(), &out), &out);
  }
  Reply precheck(const json& app) {
    char* out = nullptr;
    return reply(pf_precheck(engine_, app.dump().c_str(), &out), &out);
  }
  Reply get_case(const std::string& id) {
    char* out = nullptr;
    return reply(pf_get_case(engine_, id.c_str(), &out), &out);
  }

  // The actors, applications and precheck loop of demo_applications.hpp, reached from the fixture.
  static json applicant() { return kApplicant; }
  static json clerk() { return kClerk; }
  static json head() { return kHead; }
  static json reviewer(const std::string& dept) { return permitflow::testing::reviewer(dept); }
  static std::string at(const std::string& day, const std::string& hm = "10:00") {
    return permitflow::testing::at(day, hm);
  }
  static json command(const std::string& type, const json& actor, const std::string& when,
                      const json& extra = json::object()) {
    return permitflow::testing::command(type, actor, when, extra);
  }
  static json waste_application(const std::string& when, json materials = json::array()) {
    return application("construction_waste", when, std::move(materials));
  }
  // The materials that make a construction-waste application complete, found through pf_precheck.
  json complete_materials(const std::string& when) {
    return complete_materials_with(
        [this](const json& app) {
          const Reply n = precheck(app);
          EXPECT_EQ(n.status, PF_OK) << n.text;
          return n.body;
        },
        "construction_waste", when);
  }

 private:
  TempDir dir_;
  pf_engine* engine_ = nullptr;
};

}  // namespace permitflow::testing
