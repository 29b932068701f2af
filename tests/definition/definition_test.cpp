#include "definition/definition.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>

#include "common/embedded.hpp"
#include "common/sha256.hpp"
#include "permitflow/error.hpp"

namespace permitflow {
namespace {

using json = nlohmann::json;

std::string embedded(std::string_view name) {
  for (const auto& f : detail::embedded_files()) {
    if (f.name == name) return std::string(f.content);
  }
  ADD_FAILURE() << "no embedded file " << name;
  return {};
}

json builtin_json(std::string_view permit) {
  return json::parse(embedded("definitions/" + std::string(permit) + ".json"));
}

std::filesystem::path fresh_dir(const std::string& name) {
  const char* base = std::getenv("PERMITFLOW_TEST_TMP");
  std::filesystem::path dir = std::filesystem::path(base ? base : "/tmp") / ("definition_test_" + name);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

void write(const std::filesystem::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary);
  out << text;
}

// --- the shipped definitions -------------------------------------------------------------------------

TEST(BuiltinDefinitions, AllThreePermitsLoad) {
  const auto reg = DefinitionRegistry::builtin();
  EXPECT_EQ(reg.ids(),
            (std::vector<std::string>{"construction_waste", "outdoor_advertising", "road_excavation"}));
  for (const auto& id : reg.ids()) {
    const auto d = reg.current(id);
    ASSERT_NE(d, nullptr) << id;
    EXPECT_EQ(d->id, id);
    EXPECT_EQ(d->version, 2);
    EXPECT_EQ(reg.find(id, 2), d);
    EXPECT_EQ(d->hash, sha256_hex(d->source));
    EXPECT_EQ(d->hash.size(), 64u);
    // The source is canonical: parsing it again gives the same text and hash.
    EXPECT_EQ(parse_definition(d->source, "again")->source, d->source);
    EXPECT_EQ(d->limits.acceptance_notice, 5);
    EXPECT_EQ(d->limits.statutory, 20);
    EXPECT_EQ(d->limits.statutory_extension, 10);
    EXPECT_FALSE(d->limits.joint_handling);
    EXPECT_EQ(d->limits.issuance, 10);
    EXPECT_EQ(d->limits.warning, 2);
    EXPECT_TRUE(d->site_inspection_required);
    EXPECT_EQ(d->min_inspectors, 2);
    EXPECT_EQ(d->renewal.lead, 30);
    EXPECT_FALSE(d->renewal.lead_in_working_days);
    EXPECT_EQ(d->renewal.expiring_notice_days, 15);
    for (const auto& m : d->materials) {
      EXPECT_NE(std::find(m.formats.begin(), m.formats.end(), "pdf"), m.formats.end()) << id << " " << m.id;
    }
    for (const char* r : {"hearing", "tender", "auction", "examination", "testing", "quarantine", "appraisal",
                          "expert_review"}) {
      EXPECT_TRUE(d->stops_clock(r)) << id << " " << r;
    }
  }
  EXPECT_EQ(reg.current("no_such_permit"), nullptr);
  EXPECT_EQ(reg.find("road_excavation", 3), nullptr);
}

TEST(BuiltinDefinitions, RoadExcavation) {
  const auto d = DefinitionRegistry::builtin().current("road_excavation");
  EXPECT_EQ(d->short_code, "RE");
  EXPECT_EQ(d->name.zh, "挖掘城市道路审批");
  EXPECT_EQ(d->limits.promised, 5);
  EXPECT_FALSE(d->limits.correction.has_value());
  ASSERT_EQ(d->co_approving.size(), 2u);
  EXPECT_EQ(d->co_approving[0].id, "municipal_roads");
  EXPECT_EQ(d->co_approving[1].id, "traffic_police");
  EXPECT_TRUE(d->has_department("traffic_police"));
  EXPECT_FALSE(d->has_department("planning"));
  EXPECT_FALSE(d->stops_clock("public_notice"));
  ASSERT_TRUE(d->protection_period);
  EXPECT_EQ(d->protection_period->new_road_years, 5);
  EXPECT_EQ(d->protection_period->overhaul_years, 3);
  ASSERT_TRUE(d->emergency_filing);
  EXPECT_EQ(d->emergency_filing->hours, 24);
  EXPECT_FALSE(d->emergency_filing->roll_to_working_day);
  EXPECT_EQ(d->validity.until_fact, "planned_end");
  const FactSpec* broken = d->fact("broken_at");
  ASSERT_NE(broken, nullptr);
  EXPECT_EQ(broken->type, FactType::time);
  EXPECT_FALSE(broken->required);
  ASSERT_TRUE(broken->required_if);
  EXPECT_TRUE(evaluate(*broken->required_if, json{{"emergency", true}}));
  EXPECT_TRUE(d->fact("road_overhauled_on")->nullable);
  const MaterialSpec* plan = d->material("traffic_plan");
  ASSERT_NE(plan, nullptr);
  EXPECT_EQ(plan->name.zh, "交通组织方案");
  EXPECT_FALSE(plan->required);
  EXPECT_TRUE(evaluate(*plan->required_if, json{{"on_carriageway", true}}));
  EXPECT_FALSE(evaluate(*plan->required_if, json{{"on_carriageway", false}}));
  EXPECT_EQ(d->material("no_such_material"), nullptr);
  EXPECT_EQ(d->fact("no_such_fact"), nullptr);
  std::vector<std::string> names;
  for (const auto& f : d->facts) names.push_back(f.name);
  EXPECT_EQ(names, (std::vector<std::string>{"road_opened_on", "road_overhauled_on", "planned_start",
                                             "planned_end", "on_carriageway", "emergency", "broken_at",
                                             "protection_exception_approved"}));
}

TEST(BuiltinDefinitions, OutdoorAdvertising) {
  const auto d = DefinitionRegistry::builtin().current("outdoor_advertising");
  EXPECT_EQ(d->short_code, "OA");
  EXPECT_EQ(d->item_code, "000117017000");
  EXPECT_EQ(d->limits.promised, 10);
  EXPECT_EQ(d->limits.correction, 10);
  EXPECT_TRUE(d->co_approving.empty());
  EXPECT_TRUE(d->stops_clock("public_notice"));
  ASSERT_TRUE(d->roof);
  EXPECT_EQ(d->roof->max_storeys, 3);
  EXPECT_TRUE(evaluate(d->roof->large, json{{"area_m2", 10}, {"height_m", 1}}));
  EXPECT_TRUE(evaluate(d->roof->large, json{{"area_m2", 2}, {"height_m", 4.0}}));
  EXPECT_FALSE(evaluate(d->roof->large, json{{"area_m2", 9.99}, {"height_m", 3.99}}));
  ASSERT_TRUE(d->term);
  EXPECT_EQ(d->term->max_months, 36);
  EXPECT_EQ(d->term->electronic_screen_max_months, 72);
  EXPECT_EQ(d->validity.term_fact, "term_months");
  EXPECT_EQ(d->fact("building_storeys")->type, FactType::integer);
  EXPECT_EQ(d->fact("area_m2")->type, FactType::number);
  EXPECT_TRUE(d->material("rendering")->tolerable);
  EXPECT_TRUE(d->material("business_licence")->must_not_be_expired);
}

TEST(BuiltinDefinitions, ConstructionWaste) {
  const auto d = DefinitionRegistry::builtin().current("construction_waste");
  EXPECT_EQ(d->short_code, "CW");
  EXPECT_EQ(d->limits.promised, 5);
  EXPECT_FALSE(d->limits.correction.has_value());
  ASSERT_EQ(d->co_approving.size(), 1u);
  EXPECT_EQ(d->co_approving[0].id, "traffic_police");
  ASSERT_TRUE(d->vehicles);
  EXPECT_TRUE(d->vehicles->enclosed);
  EXPECT_TRUE(d->vehicles->recorder);
  EXPECT_EQ(d->validity.months, 12);
  EXPECT_FALSE(d->validity.note.empty());
  const MaterialSpec* licence = d->material("vehicle_licence");
  ASSERT_NE(licence, nullptr);
  EXPECT_TRUE(licence->per_vehicle);
  EXPECT_TRUE(licence->must_not_be_expired);
  EXPECT_TRUE(d->material("transport_contract")->commitment_allowed);
  EXPECT_EQ(d->fact("vehicles")->type, FactType::vehicles);
}

// --- strict validation ---------------------------------------------------------------------------------

struct BadCase {
  std::string name;
  std::function<void(json&)> mutate;
  std::string pointer;
  std::string problem;
};

class BadDefinition : public ::testing::TestWithParam<BadCase> {};

TEST_P(BadDefinition, IsRefusedNamingFilePointerAndProblem) {
  const BadCase& c = GetParam();
  json doc = builtin_json("road_excavation");
  c.mutate(doc);
  try {
    parse_definition(doc.dump(), "bad/road_excavation.json");
    FAIL() << "accepted: " << c.name;
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::invalid_argument);
    const std::string msg = e.what();
    EXPECT_EQ(msg.rfind("bad/road_excavation.json: " + c.pointer + ": ", 0), 0u) << msg;
    EXPECT_NE(msg.find(c.problem), std::string::npos) << msg;
    EXPECT_EQ(e.field(), c.pointer);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Kinds, BadDefinition,
    ::testing::Values(
        BadCase{"unknown_root_key", [](json& d) { d["colour"] = "red"; }, "/colour", "unknown key 'colour'"},
        BadCase{"unknown_material_key", [](json& d) { d["materials"][0]["mandatory"] = true; },
                "/materials/0/mandatory", "unknown key 'mandatory'"},
        BadCase{"missing_id", [](json& d) { d.erase("id"); }, "/id", "is required"},
        BadCase{"version_as_text", [](json& d) { d["version"] = "1"; }, "/version",
                "expected an integer, found a string"},
        BadCase{"version_zero", [](json& d) { d["version"] = 0; }, "/version", "must be at least 1"},
        BadCase{"boolean_as_number", [](json& d) { d["materials"][0]["required"] = 1; },
                "/materials/0/required", "expected a boolean"},
        BadCase{"unknown_fact_in_condition",
                [](json& d) {
                  d["materials"][7]["required_if"] = {{"fact", "lanes"}, {"equals", 2}};
                },
                "/materials/7/required_if/fact", "unknown fact 'lanes'"},
        BadCase{"unknown_fact_nested",
                [](json& d) {
                  d["materials"][7]["required_if"] = {
                      {"any",
                       {{{"fact", "emergency"}, {"equals", true}}, {{"fact", "lanes"}, {"present", true}}}}};
                },
                "/materials/7/required_if/any/1/fact", "unknown fact 'lanes'"},
        BadCase{"condition_value_type",
                [](json& d) {
                  d["materials"][7]["required_if"] = {{"fact", "on_carriageway"}, {"equals", "yes"}};
                },
                "/materials/7/required_if/equals", "expected a boolean"},
        BadCase{"comparison_on_boolean",
                [](json& d) {
                  d["materials"][7]["required_if"] = {{"fact", "emergency"}, {"at_least", 1}};
                },
                "/materials/7/required_if/at_least", "needs a number or date fact"},
        BadCase{"two_operators",
                [](json& d) {
                  d["materials"][7]["required_if"] = {
                      {"fact", "on_carriageway"}, {"equals", true}, {"present", true}};
                },
                "/materials/7/required_if", "exactly one of"},
        BadCase{"duplicate_material", [](json& d) { d["materials"][1]["id"] = "application_form"; },
                "/materials/1/id", "duplicate material id 'application_form'"},
        BadCase{"material_id_not_snake_case", [](json& d) { d["materials"][1]["id"] = "Business Licence"; },
                "/materials/1/id", "not a snake_case identifier"},
        BadCase{"no_formats", [](json& d) { d["materials"][0]["formats"] = json::array(); },
                "/materials/0/formats", "at least one accepted format"},
        BadCase{"upper_case_format", [](json& d) { d["materials"][0]["formats"][0] = "PDF"; },
                "/materials/0/formats/0", "lower-case file type"},
        BadCase{"required_and_required_if", [](json& d) { d["materials"][7]["required"] = true; },
                "/materials/7/required_if", "both 'required' and 'required_if'"},
        BadCase{"per_vehicle_without_vehicles", [](json& d) { d["materials"][0]["per_vehicle"] = true; },
                "/materials/0/per_vehicle", "needs a fact 'vehicles'"},
        BadCase{"negative_limit", [](json& d) { d["limits"]["statutory"] = -1; }, "/limits/statutory",
                "must be at least 1, found -1"},
        BadCase{"negative_warning", [](json& d) { d["limits"]["warning"] = -2; }, "/limits/warning",
                "must be at least 0, found -2"},
        BadCase{"promised_over_statutory", [](json& d) { d["limits"]["promised"] = 25; }, "/limits/promised",
                "exceeds the statutory limit (20)"},
        BadCase{"missing_promised", [](json& d) { d["limits"].erase("promised"); }, "/limits/promised",
                "is required"},
        BadCase{"suspension_reason_format", [](json& d) { d["suspension_reasons"][0] = "Hearing!"; },
                "/suspension_reasons/0", "not a snake_case identifier"},
        BadCase{"suspension_reason_not_text", [](json& d) { d["suspension_reasons"][0] = 45; },
                "/suspension_reasons/0", "expected a string"},
        BadCase{"art45_reason_missing", [](json& d) { d["suspension_reasons"].erase(5); },
                "/suspension_reasons", "missing the Art 45 suspension reason 'quarantine'"},
        BadCase{"duplicate_reason", [](json& d) { d["suspension_reasons"].push_back("testing"); },
                "/suspension_reasons/8", "duplicate suspension reason 'testing'"},
        BadCase{"unknown_fact_type", [](json& d) { d["facts"][2]["type"] = "datetime"; }, "/facts/2/type",
                "unknown fact type 'datetime'"},
        BadCase{"duplicate_fact", [](json& d) { d["facts"][1]["name"] = "road_opened_on"; }, "/facts/1/name",
                "duplicate fact 'road_opened_on'"},
        BadCase{"rule_needs_fact", [](json& d) { d["facts"].erase(6); }, "/rules/emergency_filing",
                "needs a fact 'broken_at' of type time"},
        BadCase{"one_inspector", [](json& d) { d["min_inspectors"] = 1; }, "/min_inspectors",
                "must be at least 2"},
        BadCase{"two_validity_forms", [](json& d) { d["validity"]["months"] = 6; }, "/validity",
                "exactly one of months, term_fact, until_fact"},
        BadCase{"validity_fact_type", [](json& d) { d["validity"]["until_fact"] = "emergency"; },
                "/validity/until_fact", "not a date fact"},
        BadCase{"duplicate_department", [](json& d) { d["co_approving"][1]["id"] = "municipal_roads"; },
                "/co_approving/1/id", "duplicate department"},
        BadCase{"short_code", [](json& d) { d["short_code"] = "re"; }, "/short_code", "upper-case letters"},
        BadCase{"item_code", [](json& d) { d["item_code"] = "A-17"; }, "/item_code", "digits only"},
        BadCase{"name_without_english", [](json& d) { d["name"].erase("en"); }, "/name/en", "is required"}),
    [](const ::testing::TestParamInfo<BadCase>& info) { return info.param.name; });

TEST(ParseDefinition, RefusesInvalidJsonNamingTheFile) {
  try {
    parse_definition("{\"id\": ", "broken.json");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::invalid_argument);
    EXPECT_EQ(std::string(e.what()).rfind("broken.json: the definition is not valid JSON (byte ", 0), 0u)
        << e.what();
    EXPECT_EQ(e.field(), "");  // the document as a whole
  }
}

// Found by fuzz_definition (tests/fuzz/regressions/definition): a number no double holds is out_of_range in
// nlohmann, not a parse_error, and escaped as a foreign exception.
TEST(ParseDefinition, RefusesANumberBeyondADoubleAsInvalidJson) {
  try {
    parse_definition("{\"version\": 1e999}", "huge.json");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::invalid_argument);
    EXPECT_EQ(std::string(e.what()).rfind("huge.json: the definition is not valid JSON", 0), 0u) << e.what();
  }
}

TEST(ParseDefinition, PointerEscapesKeys) {
  json doc = builtin_json("road_excavation");
  doc["a/b"] = 1;
  try {
    parse_definition(doc.dump(), "x.json");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.field(), "/a~1b");
  }
}

TEST(ParseDefinition, DefaultsForOptionalFields) {
  json doc = builtin_json("construction_waste");
  doc["limits"] = {{"promised", 3}};
  doc.erase("renewal");
  doc.erase("min_inspectors");
  const auto d = parse_definition(doc.dump(), "cw.json");
  EXPECT_EQ(d->limits.promised, 3);
  EXPECT_EQ(d->limits.statutory, 20);
  EXPECT_EQ(d->limits.joint_statutory, 45);
  EXPECT_EQ(d->limits.joint_extension, 15);
  EXPECT_FALSE(d->limits.correction.has_value());
  EXPECT_EQ(d->renewal.lead, 30);
  EXPECT_EQ(d->min_inspectors, 2);
}

TEST(ParseDefinition, JointHandlingAllowsLongerPromise) {
  json doc = builtin_json("road_excavation");
  doc["limits"]["promised"] = 30;
  EXPECT_THROW(parse_definition(doc.dump(), "re.json"), Error);
  doc["limits"]["joint_handling"] = true;
  const auto d = parse_definition(doc.dump(), "re.json");
  EXPECT_TRUE(d->limits.joint_handling);
  EXPECT_EQ(d->limits.promised, 30);
}

// --- the registry ----------------------------------------------------------------------------------------

TEST(DefinitionRegistry, LoadDirectoryAddsANewerVersion) {
  const auto dir = fresh_dir("newer");
  json v2 = builtin_json("outdoor_advertising");
  v2["version"] = 3;
  v2["limits"]["promised"] = 8;
  write(dir / "outdoor_advertising_v2.json", v2.dump(2));
  write(dir / "README.txt", "not a definition");

  auto reg = DefinitionRegistry::builtin();
  const auto v1 = reg.current("outdoor_advertising");
  reg.load_directory(dir.string());
  const auto cur = reg.current("outdoor_advertising");
  ASSERT_NE(cur, nullptr);
  EXPECT_EQ(cur->version, 3);
  EXPECT_EQ(cur->limits.promised, 8);
  EXPECT_NE(cur->hash, v1->hash);
  EXPECT_EQ(reg.find("outdoor_advertising", 2), v1);  // old cases keep their version
  EXPECT_EQ(reg.find("outdoor_advertising", 2)->limits.promised, 10);
  EXPECT_EQ(reg.ids().size(), 3u);
  // The builtin registry itself is untouched.
  EXPECT_EQ(DefinitionRegistry::builtin().current("outdoor_advertising")->version, 2);
}

TEST(DefinitionRegistry, SameVersionWithOtherContentIsRefused) {
  const auto dir = fresh_dir("conflict");
  json v1 = builtin_json("road_excavation");
  v1["limits"]["promised"] = 3;
  write(dir / "road_excavation.json", v1.dump());
  auto reg = DefinitionRegistry::builtin();
  try {
    reg.load_directory(dir.string());
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::invalid_argument);
    EXPECT_NE(std::string(e.what()).find("road_excavation version 2"), std::string::npos) << e.what();
  }
  EXPECT_EQ(reg.current("road_excavation")->limits.promised, 5);
}

TEST(DefinitionRegistry, SameContentAgainIsANoOp) {
  auto reg = DefinitionRegistry::builtin();
  const auto before = reg.current("construction_waste");
  reg.add(parse_definition(builtin_json("construction_waste").dump(4), "copy.json"));
  EXPECT_EQ(reg.current("construction_waste"), before);
}

TEST(DefinitionRegistry, BadFileLeavesRegistryUnchanged) {
  const auto dir = fresh_dir("bad");
  json good = builtin_json("construction_waste");
  good["version"] = 3;
  write(dir / "a_good.json", good.dump());
  json bad = builtin_json("road_excavation");
  bad["version"] = 3;
  bad["limits"]["issuance"] = -1;
  write(dir / "b_bad.json", bad.dump());
  auto reg = DefinitionRegistry::builtin();
  try {
    reg.load_directory(dir.string());
    FAIL();
  } catch (const Error& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("b_bad.json: /limits/issuance: must be at least 0"), std::string::npos) << msg;
  }
  EXPECT_EQ(reg.current("construction_waste")->version, 2);
  EXPECT_EQ(reg.current("road_excavation")->version, 2);
}

TEST(DefinitionRegistry, ADuplicateShortCodeIsRefusedNamingBothFiles) {
  const auto dir = fresh_dir("short_code");
  json occupation = builtin_json("road_excavation");
  occupation["id"] = "road_occupation";
  write(dir / "road_occupation.json", occupation.dump());  // still "RE"
  auto reg = DefinitionRegistry::builtin();
  try {
    reg.load_directory(dir.string());
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()),
              (dir / "road_occupation.json").string() +
                  ": /short_code: short code 'RE' is already used by road_excavation "
                  "(definitions/road_excavation.json); each permit and complaint category needs its own");
    EXPECT_EQ(e.field(), "/short_code");
  }
  EXPECT_EQ(reg.current("road_occupation"), nullptr);
  occupation["short_code"] = "RO";  // a code of its own loads
  write(dir / "road_occupation.json", occupation.dump());
  reg.load_directory(dir.string());
  EXPECT_EQ(reg.current("road_occupation")->short_code, "RO");
}

TEST(DefinitionRegistry, SameVersionConflictNamesBothFiles) {
  const auto dir = fresh_dir("conflict_names");
  json v1 = builtin_json("road_excavation");  // the shipped version, edited without a new number
  v1["limits"]["promised"] = 3;
  write(dir / "re.json", v1.dump());
  auto reg = DefinitionRegistry::builtin();
  try {
    reg.load_directory(dir.string());
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), (dir / "re.json").string() +
                                         ": /version: definition road_excavation version " +
                                         std::to_string(v1["version"].get<int>()) +
                                         " is already loaded from definitions/road_excavation.json with "
                                         "different content; give the new file a higher version");
  }
}

TEST(DefinitionRegistry, FilesInSubfoldersAreLoaded) {
  const auto dir = fresh_dir("subfolders");
  std::filesystem::create_directories(dir / "county" / "roads");
  std::filesystem::create_directories(dir / ".git");
  json v2 = builtin_json("road_excavation");
  const int next = v2["version"].get<int>() + 1;
  v2["version"] = next;
  v2["limits"]["promised"] = 4;
  write(dir / "county" / "roads" / "road_excavation.v2.json", v2.dump());
  write(dir / ".git" / "stale.json", "not even JSON");  // hidden folders are skipped
  auto reg = DefinitionRegistry::builtin();
  reg.load_directory(dir.string());
  EXPECT_EQ(reg.current("road_excavation")->version, next);
  EXPECT_EQ(reg.current("road_excavation")->file,
            (dir / "county" / "roads" / "road_excavation.v2.json").string());
  // A bad file in a subfolder is refused like any other, naming its path.
  write(dir / "county" / "bad.json", "{}");
  try {
    DefinitionRegistry::builtin().load_directory(dir.string());
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()).rfind((dir / "county" / "bad.json").string() + ": /id: is required", 0),
              0u)
        << e.what();
  }
}

TEST(DefinitionRegistry, MissingDirectoryIsRefused) {
  auto reg = DefinitionRegistry::builtin();
  EXPECT_THROW(reg.load_directory("/nonexistent/permitflow/definitions"), Error);
}

TEST(DefinitionRegistry, EmptyRegistry) {
  DefinitionRegistry reg;
  EXPECT_TRUE(reg.ids().empty());
  EXPECT_EQ(reg.current("road_excavation"), nullptr);
  EXPECT_THROW(reg.add(nullptr), Error);
}

// --- conditions -------------------------------------------------------------------------------------------

Condition parse_cond(const json& c) {
  json doc = builtin_json("road_excavation");
  doc["materials"][7]["required_if"] = c;
  return *parse_definition(doc.dump(), "cond.json")->material("traffic_plan")->required_if;
}

Condition parse_oa_cond(const json& c) {
  json doc = builtin_json("outdoor_advertising");
  doc["materials"][8]["required_if"] = c;
  return *parse_definition(doc.dump(), "cond.json")->material("structural_safety")->required_if;
}

TEST(Condition, Equals) {
  const Condition c = parse_cond({{"fact", "on_carriageway"}, {"equals", true}});
  EXPECT_EQ(c.kind, Condition::Kind::equals);
  EXPECT_TRUE(evaluate(c, {{"on_carriageway", true}}));
  EXPECT_FALSE(evaluate(c, {{"on_carriageway", false}}));
  EXPECT_FALSE(evaluate(c, json::object()));
  EXPECT_FALSE(evaluate(c, {{"on_carriageway", nullptr}}));
  EXPECT_FALSE(evaluate(c, json(nullptr)));
}

TEST(Condition, NumericComparisons) {
  const Condition least = parse_oa_cond({{"fact", "area_m2"}, {"at_least", 10}});
  EXPECT_TRUE(evaluate(least, {{"area_m2", 10}}));
  EXPECT_TRUE(evaluate(least, {{"area_m2", 10.0}}));
  EXPECT_FALSE(evaluate(least, {{"area_m2", 9.5}}));
  const Condition greater = parse_oa_cond({{"fact", "area_m2"}, {"greater_than", 10}});
  EXPECT_FALSE(evaluate(greater, {{"area_m2", 10}}));
  EXPECT_TRUE(evaluate(greater, {{"area_m2", 10.01}}));
  const Condition most = parse_oa_cond({{"fact", "building_storeys"}, {"at_most", 3}});
  EXPECT_TRUE(evaluate(most, {{"building_storeys", 3}}));
  EXPECT_FALSE(evaluate(most, {{"building_storeys", 4}}));
  EXPECT_FALSE(evaluate(most, json::object()));
  const Condition eq = parse_oa_cond({{"fact", "building_storeys"}, {"equals", 3}});
  EXPECT_TRUE(evaluate(eq, {{"building_storeys", 3.0}}));
}

TEST(Condition, DatesCompareAsDates) {
  const Condition c = parse_cond({{"fact", "planned_start"}, {"at_least", "2027-01-01"}});
  EXPECT_TRUE(evaluate(c, {{"planned_start", "2027-01-01"}}));
  EXPECT_FALSE(evaluate(c, {{"planned_start", "2026-12-31"}}));
}

TEST(Condition, PresentAnyAllNot) {
  const Condition present = parse_cond({{"fact", "road_overhauled_on"}, {"present", true}});
  EXPECT_TRUE(evaluate(present, {{"road_overhauled_on", "2024-01-01"}}));
  EXPECT_FALSE(evaluate(present, {{"road_overhauled_on", nullptr}}));
  const Condition absent = parse_cond({{"fact", "road_overhauled_on"}, {"present", false}});
  EXPECT_TRUE(evaluate(absent, json::object()));

  const json a = {{"fact", "on_carriageway"}, {"equals", true}};
  const json b = {{"fact", "emergency"}, {"equals", true}};
  const Condition any = parse_cond({{"any", {a, b}}});
  const Condition all = parse_cond({{"all", {a, b}}});
  const Condition neg = parse_cond({{"not", a}});
  const json both = {{"on_carriageway", true}, {"emergency", true}};
  const json one = {{"on_carriageway", true}, {"emergency", false}};
  const json none = {{"on_carriageway", false}, {"emergency", false}};
  EXPECT_TRUE(evaluate(any, one));
  EXPECT_FALSE(evaluate(any, none));
  EXPECT_TRUE(evaluate(all, both));
  EXPECT_FALSE(evaluate(all, one));
  EXPECT_FALSE(evaluate(neg, one));
  EXPECT_TRUE(evaluate(neg, none));
  EXPECT_EQ(neg.kind, Condition::Kind::negation);
  ASSERT_EQ(any.operands.size(), 2u);
}

TEST(Condition, EmptyAnyIsRefused) { EXPECT_THROW(parse_cond({{"any", json::array()}}), Error); }

}  // namespace
}  // namespace permitflow
