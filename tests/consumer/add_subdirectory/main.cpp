// A host built with permitflow as a subproject (PERMITFLOW_WITH_POSTGRES=OFF): the typed API on a SQLite
// file in the folder given as argv[1], and the clear refusal of a postgresql:// database.
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>

#include "permitflow/engine.hpp"

namespace {

int failures = 0;

void expect(bool ok, const std::string& what) {
  if (!ok) {
    std::cerr << "FAILED: " << what << "\n";
    ++failures;
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  permitflow::Config config;
  config.database = (std::filesystem::path(argv[1]) / "subproject.db").string();
  config.county_code = "320922";
  {
    permitflow::Engine engine(config);
    const permitflow::CaseInfo c = engine.submit_case(R"({"permit": "construction_waste",
        "applicant": {"id": "firm-1", "name": "示例运输有限公司"}, "actor": {"id": "firm-1", "role": "applicant"},
        "at": "2026-03-07T10:00:00+08:00", "facts": {"volume_m3": 300, "route": "城东路",
        "disposal_site": "城东消纳场", "vehicles": [{"plate": "苏J67890", "enclosed": true, "recorder": true}]},
        "materials": []})");
    expect(c.id == "320922-CW-20260309-000001", "a Saturday filing is received on Monday: " + c.id);
    expect(c.state == permitflow::State::submitted, "submitted");
    expect(c.deadline("acceptance_notice") && c.deadline("acceptance_notice")->due == "2026-03-16",
           "acceptance notice due 2026-03-16");
  }
  config.database = "postgresql://localhost/permits";
  try {
    permitflow::Engine engine(config);
    expect(false, "a postgresql:// database opens in a build without PostgreSQL");
  } catch (const permitflow::Error& e) {
    expect(e.code() == permitflow::ErrorCode::invalid_argument, "invalid_argument");
    expect(e.field() == "/database", "the error names /database");
    expect(std::string(e.what()).find("PERMITFLOW_WITH_POSTGRES=OFF") != std::string::npos,
           std::string("the message says why: ") + e.what());
  }
  std::cout << (failures ? "subproject consumer: FAILED\n" : "subproject consumer: ok\n");
  return failures ? 1 : 0;
}
