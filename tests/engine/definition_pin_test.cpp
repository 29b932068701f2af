// A published definition version is pinned by its hash (docs/definitions.md, 'Publishing a newer version'):
// a file edited in place, in a definitions_dir or compiled in, refuses to open the database; replay and
// verify judge each case by the stored content of its version. Real SQLite files, edited behind the engine's
// back with SQLiteCpp where the test simulates what an older engine let happen.
#include <gtest/gtest.h>

#include <SQLiteCpp/SQLiteCpp.h>

#include <fstream>

#include "common/sha256.hpp"
#include "definition/definition.hpp"
#include "permitflow/error.hpp"
#include "support/engine_fixture.hpp"

namespace permitflow {
namespace {

using namespace permitflow::testing;

json shipped(const std::string& id) { return json::parse(DefinitionRegistry::builtin().current(id)->source); }
/// The version the library ships of outdoor advertising; the county republishes above it.
int shipped_version() { return DefinitionRegistry::builtin().current("outdoor_advertising")->version; }
std::string version_above(int above) { return std::to_string(shipped_version() + above); }

class DefinitionPinTest : public EngineTest {
 protected:
  TempDir defs;

  void write(const std::string& name, const json& doc) { std::ofstream(defs.path() / name) << doc.dump(2); }
  /// outdoor advertising republished by the county as the next version with its own promised limit.
  json county_ads(int promised) {
    json d = shipped("outdoor_advertising");
    d["version"] = shipped_version() + 1;
    d["limits"]["promised"] = promised;
    return d;
  }
  void open_with_defs() { open({{"definitions_dir", defs.path().string()}}); }

  /// The message of the error opening the database throws (empty if it opens).
  std::string open_error(const json& extra) {
    try {
      open(extra);
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::invalid_argument);
      return e.what();
    }
    return {};
  }

  /// Replaces the stored content of a definition version, as if another content had been stored first.
  void store_definition(const std::string& id, int version, const json& doc) {
    const std::string content = doc.dump();
    SQLite::Database conn(database().string(), SQLite::OPEN_READWRITE);
    SQLite::Statement q(conn,
                        "UPDATE documents SET content = ?, hash = ? WHERE kind = 'definition' AND name = ? "
                        "AND version = ?");
    q.bind(1, content);
    q.bind(2, sha256_hex(content));
    q.bind(3, id);
    q.bind(4, version);
    ASSERT_EQ(q.exec(), 1);
  }
  std::string stored_hash(const std::string& id, int version) {
    SQLite::Database conn(database().string(), SQLite::OPEN_READONLY);
    SQLite::Statement q(conn,
                        "SELECT hash FROM documents WHERE kind = 'definition' AND name = ? AND version = ?");
    q.bind(1, id);
    q.bind(2, version);
    EXPECT_TRUE(q.executeStep());
    return q.getColumn(0).getString();
  }
};

TEST_F(DefinitionPinTest, SubmittedEventCarriesTheDefinitionHash) {
  const json c = accepted("outdoor_advertising", "2026-03-02");
  const json h = history(c["id"]);
  EXPECT_EQ(h[0]["type"], "submitted");
  EXPECT_EQ(h[0]["data"]["definition_hash"],
            DefinitionRegistry::builtin().current("outdoor_advertising")->hash);
}

TEST_F(DefinitionPinTest, InPlaceEditOfADefinitionsDirFileRefusesToOpen) {
  write("ads.json", county_ads(8));
  open_with_defs();
  const json c = accepted("outdoor_advertising", "2026-03-02");
  ASSERT_EQ(c["definition_version"], shipped_version() + 1);
  const std::string due = c["deadlines"]["decision"]["due"];
  close();
  const std::string stored = stored_hash("outdoor_advertising", shipped_version() + 1);

  write("ads.json", county_ads(9));  // edited in place, same version
  const std::string msg = open_error({{"definitions_dir", defs.path().string()}});
  EXPECT_NE(msg.find((defs.path() / "ads.json").string() + ": definition outdoor_advertising version " +
                     version_above(1)),
            std::string::npos)
      << msg;
  EXPECT_NE(msg.find("stored hash " + stored), std::string::npos) << msg;
  EXPECT_NE(msg.find("\"version\": " + version_above(2)), std::string::npos) << msg;

  // The fix the message names: the edit published as the version after. The open case keeps its content.
  write("ads.json", county_ads(8));
  write("ads_next.json", [&] {
    json d = county_ads(9);
    d["version"] = shipped_version() + 2;
    return d;
  }());
  open_with_defs();
  const json again = get(c["id"]);
  EXPECT_EQ(again["definition_version"], shipped_version() + 1);
  EXPECT_EQ(again["deadlines"]["decision"]["due"], due);
  const json next = accepted("outdoor_advertising", "2026-03-02");
  EXPECT_EQ(next["definition_version"], shipped_version() + 2);
  EXPECT_EQ(json::parse(engine().verify())["ok"], true);
}

TEST_F(DefinitionPinTest, RemovingTheFileKeepsTheStoredVersion) {
  write("ads.json", county_ads(8));
  open_with_defs();
  const json c = accepted("outdoor_advertising", "2026-03-02");
  close();
  std::filesystem::remove(defs.path() / "ads.json");
  open();  // no definitions_dir: the county's version comes from the database for the case in flight
  EXPECT_EQ(get(c["id"])["deadlines"]["decision"]["due"], c["deadlines"]["decision"]["due"]);
  // New submissions fall back to the highest version the host loads or the database holds.
  EXPECT_EQ(accepted("outdoor_advertising", "2026-03-03")["definition_version"], shipped_version() + 1);
}

TEST_F(DefinitionPinTest, InPlaceEditOfACompiledInFileRefusesToOpen) {
  // The database holds the shipped version of outdoor advertising with other content than the library ships:
  // what a rebuild with an edited data/definitions file leads to.
  accepted("outdoor_advertising", "2026-03-02");
  close();
  json other = shipped("outdoor_advertising");
  other["limits"]["promised"] = 7;
  store_definition("outdoor_advertising", shipped_version(), other);
  const std::string msg = open_error(json::object());
  EXPECT_NE(msg.find("definitions/outdoor_advertising.json: definition outdoor_advertising version " +
                     version_above(0)),
            std::string::npos)
      << msg;
  EXPECT_NE(msg.find("stored hash " + sha256_hex(other.dump())), std::string::npos) << msg;
  EXPECT_NE(msg.find("\"version\": " + version_above(1)), std::string::npos) << msg;
}

// A database where it happened before versions were pinned: the county's version was stored with promised 8
// and case A began under it; the file was then edited to 9 in place, an older engine loaded the file over the
// stored content, case B was submitted and timed with 9 while its record says the county's version, and case
// A was re-timed at its next command. Verify judges every case by the county's stored version (8 days): A
// and B are reported, the untouched case C passes.
TEST_F(DefinitionPinTest, VerifyJudgesCasesByTheStoredContent) {
  write("ads.json", county_ads(8));
  open_with_defs();
  const std::string a = accepted("outdoor_advertising", "2026-03-02")["id"];
  const std::string c = accepted("outdoor_advertising", "2026-03-02")["id"];
  close();
  // The older engine's view: the edited file's content in effect for the county's version.
  store_definition("outdoor_advertising", shipped_version() + 1, county_ads(9));
  write("ads.json", county_ads(9));
  open_with_defs();
  const std::string b = accepted("outdoor_advertising", "2026-03-03")["id"];
  execute(a, command("record_inspection", kClerk, at("2026-03-03", "14:00"),
                     {{"inspectors", {"insp-1", "insp-2"}}, {"findings", "现场符合要求"}}));
  close();
  store_definition("outdoor_advertising", shipped_version() + 1,
                   county_ads(8));  // what the database had stored all along

  write("ads.json", county_ads(8));
  open_with_defs();
  const json v = json::parse(engine().verify());
  EXPECT_EQ(v["ok"], false);
  std::map<std::string, std::vector<std::string>> by_case;
  for (const auto& p : v["problems"]) by_case[p["case"].get<std::string>()].push_back(p["problem"]);
  EXPECT_EQ(by_case.count(c), 0u) << v.dump(2);
  ASSERT_EQ(by_case[a].size(), 2u) << v.dump(2);  // its due and its document (the re-timed deadlines)
  EXPECT_EQ(by_case[a][0].rfind("the projection's due is", 0), 0u) << by_case[a][0];
  ASSERT_EQ(by_case[b].size(), 3u) << v.dump(2);
  EXPECT_NE(by_case[b][0].find("submitted under definition outdoor_advertising version " + version_above(1) +
                               " with hash"),
            std::string::npos)
      << by_case[b][0];
  EXPECT_NE(by_case[b][0].find("edited in place"), std::string::npos);
  EXPECT_EQ(by_case[b][1].rfind("the projection's due is", 0), 0u) << by_case[b][1];
  EXPECT_EQ(by_case.size(), 2u) << v.dump(2);
}

// The database 0.1.0 wrote (tests/fixtures/db_0_1_0.sqlite, never regenerated): its stored versions are the
// shipped files' content, so it opens; its events carry no definition_hash and still replay and verify.
TEST(DefinitionPinFixture, TheDatabaseOf010StillOpensAndVerifies) {
  TempDir dir;
  const auto copy = dir.path() / "db.sqlite";
  std::filesystem::copy_file(std::filesystem::path(PERMITFLOW_SOURCE_DIR) / "tests/fixtures/db_0_1_0.sqlite",
                             copy);
  Engine engine(json{{"database", copy.string()}, {"county_code", "320922"}}.dump());
  const json v = json::parse(engine.verify());
  EXPECT_EQ(v["ok"], true) << v.dump(2);
  EXPECT_EQ(v["cases_checked"], 29);
  // Every version it stored is one the library ships, unchanged.
  const json defs = json::parse(engine.definitions("2026-03-20"));
  SQLite::Database conn(copy.string(), SQLite::OPEN_READONLY);
  SQLite::Statement q(conn, "SELECT name, version, hash FROM documents WHERE kind = 'definition'");
  int stored = 0;
  while (q.executeStep()) {
    ++stored;
    const auto shipped_def =
        DefinitionRegistry::builtin().find(q.getColumn(0).getString(), q.getColumn(1).getInt());
    ASSERT_NE(shipped_def, nullptr) << q.getColumn(0).getString();
    EXPECT_EQ(shipped_def->hash, q.getColumn(2).getString()) << q.getColumn(0).getString();
  }
  EXPECT_GT(stored, 3);
  // A new case on it records the hash of its version.
  const json app = application("road_excavation", at("2026-03-23"),
                               complete_materials(engine, "road_excavation", at("2026-03-23")));
  const json c = json::parse(engine.submit(app.dump()));
  const json h = json::parse(engine.history(c["id"].get<std::string>()));
  EXPECT_EQ(h[0]["data"]["definition_hash"], DefinitionRegistry::builtin().current("road_excavation")->hash);
}

TEST_F(DefinitionPinTest, VerifyReportsAnEditedStoredDefinition) {
  accepted("outdoor_advertising", "2026-03-02");
  close();
  {
    SQLite::Database conn(database().string(), SQLite::OPEN_READWRITE);
    conn.exec(
        "UPDATE documents SET content = replace(content, '\"promised\":10', '\"promised\":10 ') "
        "WHERE kind = 'definition' AND name = 'outdoor_advertising'");
  }
  open();
  const json v = json::parse(engine().verify());
  EXPECT_EQ(v["ok"], false);
  bool found = false;
  for (const auto& p : v["problems"]) {
    found =
        found || p["problem"].get<std::string>().find("stored definition outdoor_advertising version " +
                                                      version_above(0) + ": its content does not match") == 0;
  }
  EXPECT_TRUE(found) << v.dump(2);
}

}  // namespace
}  // namespace permitflow
