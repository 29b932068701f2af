// Complaint categories as data (data/definitions/complaints/*.json): the dispatch table and limits the
// issue names, read by the same definition reader as the permits.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/embedded.hpp"
#include "definition/definition.hpp"
#include "permitflow/error.hpp"

namespace permitflow {
namespace {

using json = nlohmann::json;

json embedded_json(std::string_view name) {
  for (const auto& f : detail::embedded_files()) {
    if (f.name == name) return json::parse(f.content);
  }
  ADD_FAILURE() << "no embedded file " << name;
  return {};
}

TEST(ComplaintDefinitions, EachCategoryHasItsUnitAndLimit) {
  const DefinitionRegistry reg = DefinitionRegistry::builtin();
  EXPECT_EQ(reg.ids(Kind::complaint),
            (std::vector<std::string>{"complaint", "consultation", "exposed_garbage", "help", "report",
                                      "suggestion"}));
  struct Expected {
    const char* id;
    const char* unit;
    std::optional<int> days;
    std::optional<int> hours;
  };
  for (const Expected& e :
       {Expected{"consultation", "service_center", 2, {}}, Expected{"help", "sanitation", 10, {}},
        Expected{"suggestion", "general_office", 10, {}}, Expected{"complaint", "law_enforcement", 15, {}},
        Expected{"report", "law_enforcement", 15, {}}, Expected{"exposed_garbage", "sanitation", {}, 4}}) {
    const auto d = reg.current(e.id, Kind::complaint);
    ASSERT_TRUE(d) << e.id;
    EXPECT_EQ(d->kind, Kind::complaint);
    ASSERT_TRUE(d->complaint) << e.id;
    EXPECT_EQ(d->complaint->unit.id, e.unit) << e.id;
    EXPECT_EQ(d->complaint->working_days, e.days) << e.id;
    EXPECT_EQ(d->complaint->working_hours, e.hours) << e.id;
    EXPECT_EQ(d->complaint->return_days, 2);
    EXPECT_EQ(d->complaint->rectification_days, 15);
    EXPECT_EQ(d->complaint->hours(480).periods(), OfficeHours::standard().periods());
    // A category is not a permit and a permit is not a category.
    EXPECT_EQ(reg.current(e.id), nullptr) << e.id;
  }
  EXPECT_EQ(reg.current("road_excavation", Kind::complaint), nullptr);
  EXPECT_EQ(reg.ids(),
            (std::vector<std::string>{"construction_waste", "outdoor_advertising", "road_excavation"}));
  EXPECT_EQ(reg.complaint_units(),
            (std::vector<std::string>{"general_office", "law_enforcement", "sanitation", "service_center"}));
}

TEST(ComplaintDefinitions, BadFilesAreRefusedNamingThePointer) {
  const json base = embedded_json("definitions/complaints/help.json");
  struct Bad {
    std::function<void(json&)> edit;
    const char* pointer;
    const char* words;
  };
  const std::vector<Bad> cases{
      {[](json& j) { j["limit"]["working_hours"] = 4; }, "/limit", "exactly one of"},
      {[](json& j) { j["limit"].erase("working_days"); }, "/limit", "exactly one of"},
      {[](json& j) {
         j["office_hours"] = json::array({"14:00-17:30", "08:30-12:00"});
       },
       "/office_hours", "ascending"},
      {[](json& j) { j["office_hours"] = json::array({"8:30-12"}); }, "/office_hours", "HH:MM-HH:MM"},
      {[](json& j) { j["unit"].erase("id"); }, "/unit/id", "is required"},
      {[](json& j) { j["materials"] = json::array(); }, "/materials", "unknown key"},
      {[](json& j) { j["kind"] = "petition"; }, "/kind", "'permit' or 'complaint'"},
      {[](json& j) { j["limit"]["warning_percent"] = 150; }, "/limit/warning_percent", "percentage"},
  };
  for (const Bad& b : cases) {
    json j = base;
    b.edit(j);
    try {
      parse_definition(j.dump(), "help.json");
      ADD_FAILURE() << "accepted: " << j.dump();
    } catch (const Error& e) {
      const std::string m = e.what();
      EXPECT_NE(m.find(std::string("help.json: ") + b.pointer), std::string::npos) << m;
      EXPECT_NE(m.find(b.words), std::string::npos) << m;
    }
  }
}

TEST(ComplaintDefinitions, AnIdCannotChangeKind) {
  DefinitionRegistry reg = DefinitionRegistry::builtin();
  json j = embedded_json("definitions/complaints/help.json");
  j["id"] = "road_excavation";
  j["version"] = 7;
  EXPECT_THROW(reg.add(parse_definition(j.dump(), "x.json")), Error);
  EXPECT_EQ(reg.current("road_excavation")->version, 2);
}

TEST(ComplaintDefinitions, LoadDirectoryReadsTheComplaintsFolder) {
  const char* base = std::getenv("PERMITFLOW_TEST_TMP");
  const std::filesystem::path dir = std::filesystem::path(base ? base : "/tmp") / "complaint_defs_dir";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir / "complaints");
  json j = embedded_json("definitions/complaints/consultation.json");
  j["version"] = 2;
  j["limit"]["working_days"] = 3;
  std::ofstream(dir / "complaints" / "consultation.json") << j.dump();
  DefinitionRegistry reg = DefinitionRegistry::builtin();
  reg.load_directory(dir.string());
  EXPECT_EQ(reg.current("consultation", Kind::complaint)->version, 2);
  EXPECT_EQ(reg.current("consultation", Kind::complaint)->complaint->working_days, 3);
  EXPECT_EQ(reg.find("consultation", 1)->complaint->working_days, 2);
}

}  // namespace
}  // namespace permitflow
