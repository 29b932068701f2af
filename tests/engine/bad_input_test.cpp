// The catalogue of hostile and broken input at the C++ entry points: each call is refused with the
// expected code and a message naming the problem, and the database content is byte-for-byte what it was.
#include <climits>
#include <functional>
#include <string>
#include <vector>

#include "support/db_dump.hpp"
#include "support/engine_fixture.hpp"

namespace permitflow::testing {
namespace {

struct Bad {
  std::string name;
  std::function<void()> call;
  ErrorCode code;
  std::string names;  // a part of the message that names the problem
};

class BadInput : public EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    road_ = accepted("road_excavation", "2026-06-01")["id"];
    waste_ = submit(application("construction_waste", at("2026-06-01")))["id"];
  }

  // Runs every entry of the catalogue against the same database and checks code, message and content.
  void expect_all_refused(const std::vector<Bad>& catalogue) {
    const std::string before = dump_database(database().string());
    ASSERT_NE(before.find(road_), std::string::npos);
    for (const Bad& b : catalogue) {
      SCOPED_TRACE(b.name);
      try {
        b.call();
        ADD_FAILURE() << b.name << ": accepted";
      } catch (const Error& e) {
        EXPECT_EQ(e.code(), b.code) << b.name << ": " << e.what();
        EXPECT_NE(std::string(e.what()).find(b.names), std::string::npos)
            << b.name << ": the message '" << e.what() << "' does not name '" << b.names << "'";
        EXPECT_LT(std::string(e.what()).size(), 2000u) << b.name << ": the message echoes the input";
      }
      const std::string after = dump_database(database().string());
      EXPECT_TRUE(after == before) << b.name << " changed the database: " << dump_difference(before, after);
    }
    EXPECT_TRUE(json::parse(engine().verify())["ok"].get<bool>());
  }

  Bad submit_with(const std::string& name, const std::function<void(json&)>& spoil, ErrorCode code,
                  const std::string& names) {
    return {name,
            [this, spoil] {
              json app = application("road_excavation", at("2026-06-02"),
                                     complete_materials("road_excavation", at("2026-06-02")));
              spoil(app);
              engine().submit(app.dump());
            },
            code, names};
  }
  Bad execute_raw(const std::string& name, const std::string& id, const std::string& text, ErrorCode code,
                  const std::string& names) {
    return {name, [this, id, text] { engine().execute(id, text); }, code, names};
  }
  Bad execute_cmd(const std::string& name, const json& cmd, ErrorCode code, const std::string& names) {
    return execute_raw(name, road_, cmd.dump(), code, names);
  }

  std::string road_, waste_;
};

const std::string kInvalidUtf8 = "\xC3\x28 \xFF\xFE";

std::string bomb(int depth) { return std::string(depth, '[') + std::string(depth, ']'); }

TEST_F(BadInput, Submissions) {
  const auto E = ErrorCode::invalid_argument;
  expect_all_refused({
      {"malformed JSON", [this] { engine().submit("{\"permit\": \"road_excavation\","); }, E,
       "not valid JSON"},
      {"not an object", [this] { engine().submit("[1, 2, 3]"); }, E, "JSON object"},
      {"empty document", [this] { engine().submit(""); }, E, "JSON"},
      {"nested JSON bomb", [this] { engine().submit(bomb(100000)); }, E, "nested"},
      {"object bomb", [this] { engine().submit("{\"a\":" + bomb(40) + "}"); }, E, "nested"},
      {"document over 4 MiB", [this] { engine().submit(std::string(5 << 20, ' ')); }, E, "4 MiB"},
      // Found by fuzz_application (tests/fuzz/regressions): nlohmann throws out_of_range, not parse_error.
      {"number beyond a double", [this] { engine().submit(R"({"permit": "road_excavation", "x": 1e999})"); },
       E, "out of range"},
      submit_with(
          "permit of the wrong type", [](json& a) { a["permit"] = 42; }, E, "/permit"),
      submit_with(
          "missing permit", [](json& a) { a.erase("permit"); }, E, "/permit"),
      submit_with(
          "unknown permit", [](json& a) { a["permit"] = "casino_licence"; }, E, "casino_licence"),
      submit_with(
          "missing applicant", [](json& a) { a.erase("applicant"); }, E, "/applicant"),
      submit_with(
          "unknown field", [](json& a) { a["sneaky"] = true; }, E, "sneaky"),
      submit_with(
          "unknown role", [](json& a) { a["actor"]["role"] = "mayor"; }, E, "mayor"),
      submit_with(
          "time without offset", [](json& a) { a["at"] = "2026-06-02T10:00:00"; }, E, "/at"),
      submit_with(
          "time that does not exist", [](json& a) { a["at"] = "2026-02-30T10:00:00+08:00"; }, E, "/at"),
      submit_with(
          "date that does not exist", [](json& a) { a["facts"]["planned_end"] = "2027-02-29"; }, E,
          "planned_end"),
      submit_with(
          "month 13", [](json& a) { a["materials"][0]["expires_on"] = "2030-13-01"; }, E, "expires_on"),
      submit_with(
          "fact of the wrong type", [](json& a) { a["facts"]["on_carriageway"] = "yes"; }, E,
          "on_carriageway"),
      submit_with(
          "megabyte applicant name", [](json& a) { a["applicant"]["name"] = std::string(1 << 20, 'x'); }, E,
          "/applicant/name"),
      {"invalid UTF-8 inside the document",
       [this] {
         std::string text = application("road_excavation", at("2026-06-02")).dump();
         text.replace(text.find("示例"), 6, kInvalidUtf8);
         engine().submit(text);
       },
       E, "JSON"},
      submit_with(
          "materials not an array", [](json& a) { a["materials"] = "all of them"; }, E, "/materials"),
      submit_with(
          "another applicant's name", [](json& a) { a["actor"]["id"] = "91110000OTHER0001X"; },
          ErrorCode::permission_denied, "another applicant"),
  });
}

TEST_F(BadInput, Commands) {
  const auto E = ErrorCode::invalid_argument;
  const std::string when = at("2026-06-02");
  const json other = {{"id", "91110000OTHER0001X"}, {"role", "applicant"}};
  expect_all_refused({
      execute_raw("malformed JSON", road_, "{\"type\": ", E, "not valid JSON"),
      execute_raw("nested JSON bomb", road_, bomb(50000), E, "nested"),
      execute_raw("number beyond a double (fuzz_command)", road_,
                  R"({"type": "extend", "working_days": 1e999})", E, "out of range"),
      execute_raw("invalid UTF-8", road_,
                  "{\"type\":\"reject\",\"actor\":{\"id\":\"clerk-1\",\"role\":\"clerk\"},\"at\":\"" + when +
                      "\",\"reason\":\"" + kInvalidUtf8 + "\"}",
                  E, "JSON"),
      execute_cmd("unknown command", command("bribe", kClerk, when), E, "bribe"),
      execute_cmd("type of the wrong type", command("x", kClerk, when, {{"type", 7}}), E, "/type"),
      execute_cmd("missing actor", json{{"type", "accept"}, {"at", when}}, E, "/actor"),
      execute_cmd("missing at", json{{"type", "accept"}, {"actor", kClerk}}, E, "/at"),
      execute_cmd("time without offset", command("accept", kClerk, "2026-06-02T10:00:00"), E, "/at"),
      execute_cmd("time that does not exist", command("accept", kClerk, "2026-06-31T10:00:00+08:00"), E,
                  "/at"),
      execute_cmd("unknown field", command("accept", kClerk, when, {{"sudo", true}}), E, "sudo"),
      execute_cmd("negative working days",
                  command("extend", kHead, when, {{"working_days", -3}, {"reason", "r"}}), E, "working_days"),
      execute_cmd("huge working days",
                  command("extend", kHead, when, {{"working_days", 1000000000000LL}, {"reason", "r"}}), E,
                  "working_days"),
      execute_cmd("working days as a string",
                  command("extend", kHead, when, {{"working_days", "ten"}, {"reason", "r"}}), E,
                  "working_days"),
      execute_cmd("negative suspension",
                  command("suspend", kClerk, when,
                          {{"reason", "hearing"}, {"expected_working_days", -1}, {"notice", "n"}}),
                  E, "expected_working_days"),
      execute_cmd("unknown suspension reason",
                  command("suspend", kClerk, when,
                          {{"reason", "lunch"}, {"expected_working_days", 5}, {"notice", "n"}}),
                  E, "lunch"),
      execute_cmd("unknown department",
                  command("record_opinion", reviewer("fire_brigade"), when,
                          {{"department", "fire_brigade"}, {"opinion", "approve"}}),
                  E, "fire_brigade"),
      execute_cmd("unknown opinion",
                  command("record_opinion", reviewer("traffic_police"), when,
                          {{"department", "traffic_police"}, {"opinion", "maybe"}}),
                  E, "/opinion"),
      execute_cmd("certificate date that does not exist",
                  command("issue_certificate", kClerk, when, {{"valid_from", "2027-02-29"}}), E,
                  "valid_from"),
      execute_cmd("megabyte reason", command("reject", kClerk, when, {{"reason", std::string(1 << 20, 'r')}}),
                  E, "/reason"),
      execute_cmd("expected_version negative",
                  command("reject", kClerk, when, {{"reason", "r"}, {"expected_version", -1}}), E,
                  "expected_version"),
      execute_cmd("stale expected_version",
                  command("reject", kClerk, when, {{"reason", "r"}, {"expected_version", 1}}),
                  ErrorCode::conflict, "version"),
      execute_raw("unknown case", "RE-1999-999999", command("accept", kClerk, when).dump(),
                  ErrorCode::not_found, "RE-1999-999999"),
      execute_raw("another applicant's case", waste_, command("withdraw", other, when).dump(),
                  ErrorCode::permission_denied, "another applicant"),
      execute_cmd("a command the state does not allow", command("accept", kClerk, when),
                  ErrorCode::invalid_state, "under_review"),
  });
}

TEST_F(BadInput, ReadsAndClocks) {
  const auto E = ErrorCode::invalid_argument;
  expect_all_refused({
      {"run_due without offset", [this] { engine().run_due("2026-06-02T10:00:00"); }, E, "offset"},
      {"run_due on a day that does not exist", [this] { engine().run_due("2026-02-29T10:00:00+08:00"); }, E,
       "2026-02-29"},
      {"run_due of words", [this] { engine().run_due("tomorrow"); }, E, "tomorrow"},
      {"run_due invalid UTF-8", [this] { engine().run_due(kInvalidUtf8); }, E, "RFC 3339"},
      {"query unknown state", [this] { engine().query(R"({"state": "limbo"})"); }, E, "limbo"},
      {"query unknown permit", [this] { engine().query(R"({"permit": "casino_licence"})"); }, E,
       "casino_licence"},
      {"query limit of the wrong type", [this] { engine().query(R"({"limit": "all"})"); }, E, "/limit"},
      {"query negative limit", [this] { engine().query(R"({"limit": -5})"); }, E, "/limit"},
      {"query unknown department", [this] { engine().query(R"({"awaiting_department": "fire_brigade"})"); },
       E, "fire_brigade"},
      {"report bad week", [this] { engine().report(R"({"week": "2026-02-30"})"); }, E, "week"},
      {"report unknown format", [this] { engine().report(R"({"week": "2026-06-01", "format": "xls"})"); }, E,
       "format"},
      {"working days negative", [this] { engine().add_working_days("2026-06-01", -1); }, E, "n"},
      {"working days huge", [this] { engine().add_working_days("2026-06-01", INT_MAX); }, E, "working days"},
      {"working days from a day that does not exist", [this] { engine().add_working_days("2026-02-29", 1); },
       E, "2026-02-29"},
      {"get_case unknown", [this] { engine().get_case("RE-1999-000001"); }, ErrorCode::not_found,
       "RE-1999-000001"},
      {"get_case megabyte id", [this] { engine().get_case(std::string(1 << 20, 'A')); }, E, "case id"},
      {"history invalid UTF-8 id", [this] { engine().history(kInvalidUtf8); }, E, "UTF-8"},
      {"execute invalid UTF-8 id",
       [this] { engine().execute(kInvalidUtf8, command("accept", kClerk, at("2026-06-02")).dump()); }, E,
       "UTF-8"},
  });
}

TEST_F(BadInput, OpeningConfigurations) {
  const auto E = ErrorCode::invalid_argument;
  expect_all_refused({
      {"config malformed", [] { Engine e("{\"database\": "); }, E, "JSON"},
      {"config without database", [] { Engine e("{}"); }, E, "database"},
      {"config database of the wrong type", [] { Engine e(R"({"database": 5})"); }, E, "database"},
      {"config unknown field",
       [this] {
         Engine e(json{{"database", database()}, {"turbo", true}}.dump());
       },
       E, "turbo"},
      {"config absurd offset",
       [this] {
         Engine e(json{{"database", database()}, {"utc_offset_minutes", 100000}}.dump());
       },
       E, "utc_offset_minutes"},
  });
}

// Regression: a road-excavation certificate issued without dates after the works' planned_end was
// refused as invalid_argument although the caller gave no date at all; the law, not the input, forbids it.
TEST_F(BadInput, CertificateAfterPlannedEndIsARuleViolation) {
  std::string id = road_;
  for (const std::string dept : {"municipal_roads", "traffic_police"}) {
    execute(id, command("record_opinion", reviewer(dept), at("2026-06-02"),
                        {{"department", dept}, {"opinion", "approve"}}));
  }
  execute(id, command("record_inspection", kClerk, at("2026-06-02"),
                      {{"inspectors", {"insp-1", "insp-2"}}, {"findings", "ok"}}));
  const json decided = execute(id, command("decide", kHead, at("2026-06-03"), {{"outcome", "approved"}}));
  ASSERT_EQ(decided["state"], "approved");
  const std::string late = at("2027-05-03");
  run_due(late);  // timers due before a refused command stay fired; fire them first to compare the rest
  const std::string before = dump_database(database().string());
  try {
    engine().execute(id, command("issue_certificate", kClerk, late).dump());
    ADD_FAILURE() << "a certificate ending before it starts was issued";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::rule_violation) << e.what();
    EXPECT_NE(std::string(e.what()).find("planned_end"), std::string::npos) << e.what();
  }
  // Two contradicting dates the caller gave remain bad input.
  EXPECT_EQ(error_of([&] {
              execute(id, command("issue_certificate", kClerk, late,
                                  {{"valid_from", "2027-05-05"}, {"valid_until", "2027-05-04"}}));
            }),
            ErrorCode::invalid_argument);
  // So does a valid_until of the caller's that ends before the default start (today).
  EXPECT_EQ(error_of([&] {
              execute(id, command("issue_certificate", kClerk, late, {{"valid_until", "2027-05-01"}}));
            }),
            ErrorCode::invalid_argument);
  const std::string after = dump_database(database().string());
  EXPECT_TRUE(after == before) << dump_difference(before, after);
  const json issued = execute(id, command("issue_certificate", kClerk, late,
                                          {{"valid_from", "2027-05-04"}, {"valid_until", "2027-06-30"}}));
  EXPECT_EQ(issued["state"], "issued");
}

}  // namespace
}  // namespace permitflow::testing
