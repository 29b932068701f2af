// Golden files of the feed's profiles (docs/feed.md): after a scenario test, the whole feed rendered by the
// provincial and the notify profile must equal tests/engine/golden/feed/<test>.<profile>.json. Run the tests
// with PERMITFLOW_UPDATE_GOLDEN=1 to write the files after a deliberate change, then review the diff.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "permitflow/engine.hpp"
#include "support/engine_fixture.hpp"

namespace permitflow::testing {

inline nlohmann::json whole_feed(Engine& engine, const std::string& profile) {
  nlohmann::json all = nlohmann::json::array();
  nlohmann::json request = {{"after", 0}, {"limit", 1000}, {"profile", profile}};
  for (;;) {
    const nlohmann::json page = nlohmann::json::parse(engine.feed(request.dump()));
    for (const auto& r : page["records"]) all.push_back(r);
    if (page["next"] == page["head"]) return all;
    request["after"] = page["next"];
  }
}

inline void expect_golden_feed(Engine& engine) {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  for (const std::string profile : {"provincial", "notify"}) {
    const std::string path = std::string(PERMITFLOW_SOURCE_DIR) + "/tests/engine/golden/feed/" +
                             info->name() + "." + profile + ".json";
    const std::string got = whole_feed(engine, profile).dump(1) + "\n";
    if (const char* update = std::getenv("PERMITFLOW_UPDATE_GOLDEN"); update && std::string(update) == "1") {
      std::ofstream(path, std::ios::binary) << got;
      continue;
    }
    std::ifstream in(path, std::ios::binary);
    ASSERT_TRUE(in.good()) << "no golden file " << path << " (write it with PERMITFLOW_UPDATE_GOLDEN=1)";
    std::stringstream want;
    want << in.rdbuf();
    EXPECT_EQ(got, want.str()) << "the " << profile << " profile differs from " << path;
  }
}

}  // namespace permitflow::testing
