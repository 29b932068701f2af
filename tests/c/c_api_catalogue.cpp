// The catalogue of hostile and broken input through the C API : every entry point refuses with the
// documented status, a message naming the problem (also as valid JSON from pf_last_error_json), no output
// string, and the database byte-for-byte unchanged.
#include <climits>
#include <functional>
#include <string>
#include <vector>

#include "c_api_support.hpp"
#include "support/db_dump.hpp"

namespace permitflow::testing {
namespace {

const std::string kInvalidUtf8 = "\xC3\x28 \xFF\xFE";

struct Bad {
  std::string name;
  std::function<Reply()> call;
  pf_status status;
  std::string names;  // a part of the message that names the problem
};

class CApiCatalogue : public CApiTest {
 protected:
  void SetUp() override {
    CApiTest::SetUp();
    const Reply s = submit(waste_application(at("2026-06-01")));
    ASSERT_EQ(s.status, PF_OK) << s.text;
    case_id_ = s.body["id"];
  }

  void expect_all_refused(const std::vector<Bad>& catalogue) {
    const std::string before = dump_database(db_path());
    for (const Bad& b : catalogue) {
      SCOPED_TRACE(b.name);
      const Reply r = b.call();
      EXPECT_EQ(r.status, b.status) << b.name << ": " << r.text;
      if (r.status == PF_OK) continue;
      EXPECT_NE(r.text.find(b.names), std::string::npos)
          << b.name << ": the message '" << r.text << "' does not name '" << b.names << "'";
      EXPECT_EQ(r.body.value("status", -1), static_cast<int>(b.status)) << r.body.dump();
      EXPECT_LT(r.text.size(), 2000u) << b.name << ": the message echoes the input";
      const std::string after = dump_database(db_path());
      EXPECT_TRUE(after == before) << b.name << " changed the database: " << dump_difference(before, after);
    }
    char* v = nullptr;
    ASSERT_EQ(pf_verify(engine(), &v), PF_OK);
    EXPECT_TRUE(json::parse(v)["ok"].get<bool>());
    pf_free(v);
  }

  Bad raw_submit(const std::string& name, const std::string& text, pf_status st, const std::string& names) {
    return {name,
            [this, text] {
              char* out = nullptr;
              return reply(pf_submit(engine(), text.c_str(), &out), &out);
            },
            st, names};
  }
  Bad raw_execute(const std::string& name, const std::string& id, const std::string& text, pf_status st,
                  const std::string& names) {
    return {name,
            [this, id, text] {
              char* out = nullptr;
              return reply(pf_execute(engine(), id.c_str(), text.c_str(), &out), &out);
            },
            st, names};
  }
  Bad spoiled(const std::string& name, const std::function<void(json&)>& spoil, pf_status st,
              const std::string& names) {
    json app = waste_application(at("2026-06-02"));
    spoil(app);
    return raw_submit(name, app.dump(), st, names);
  }
  Bad cmd(const std::string& name, const json& c, pf_status st, const std::string& names) {
    return raw_execute(name, case_id_, c.dump(), st, names);
  }

  std::string case_id_;
};

TEST_F(CApiCatalogue, NullArgumentsNeverCrash) {
  char* out = reinterpret_cast<char*>(0x1);  // must be reset to NULL
  const char* app = "{}";
  auto null_out = [](pf_status st) {
    char* none = nullptr;
    return reply(st, &none);
  };
  expect_all_refused({
      {"open NULL config",
       [&] {
         pf_engine* e = nullptr;
         return null_out(pf_open(nullptr, &e));
       },
       PF_INVALID_ARGUMENT, "NULL"},
      {"open NULL out", [&] { return null_out(pf_open("{}", nullptr)); }, PF_INVALID_ARGUMENT, "NULL"},
      {"submit NULL engine", [&] { return reply(pf_submit(nullptr, app, &out), &out); }, PF_INVALID_ARGUMENT,
       "engine"},
      {"submit NULL document", [&] { return reply(pf_submit(engine(), nullptr, &out), &out); },
       PF_INVALID_ARGUMENT, "NULL"},
      {"submit NULL out", [&] { return null_out(pf_submit(engine(), app, nullptr)); }, PF_INVALID_ARGUMENT,
       "out-parameter"},
      {"execute NULL case", [&] { return reply(pf_execute(engine(), nullptr, app, &out), &out); },
       PF_INVALID_ARGUMENT, "NULL"},
      {"execute NULL command",
       [&] { return reply(pf_execute(engine(), case_id_.c_str(), nullptr, &out), &out); },
       PF_INVALID_ARGUMENT, "NULL"},
      {"get_case NULL", [&] { return reply(pf_get_case(engine(), nullptr, &out), &out); },
       PF_INVALID_ARGUMENT, "NULL"},
      {"history NULL", [&] { return reply(pf_history(engine(), nullptr, &out), &out); }, PF_INVALID_ARGUMENT,
       "NULL"},
      {"query NULL", [&] { return reply(pf_query(engine(), nullptr, &out), &out); }, PF_INVALID_ARGUMENT,
       "NULL"},
      {"run_due NULL", [&] { return reply(pf_run_due(engine(), nullptr, &out), &out); }, PF_INVALID_ARGUMENT,
       "NULL"},
      {"report NULL", [&] { return reply(pf_report(engine(), nullptr, &out), &out); }, PF_INVALID_ARGUMENT,
       "NULL"},
      {"precheck NULL", [&] { return reply(pf_precheck(engine(), nullptr, &out), &out); },
       PF_INVALID_ARGUMENT, "NULL"},
      {"verify NULL engine", [&] { return reply(pf_verify(nullptr, &out), &out); }, PF_INVALID_ARGUMENT,
       "engine"},
      {"add_working_days NULL date",
       [&] { return reply(pf_add_working_days(engine(), nullptr, 1, &out), &out); }, PF_INVALID_ARGUMENT,
       "NULL"},
      {"last_error_json NULL", [&] { return null_out(pf_last_error_json(nullptr)); }, PF_INVALID_ARGUMENT,
       ""},
  });
}

TEST_F(CApiCatalogue, Submissions) {
  const auto E = PF_INVALID_ARGUMENT;
  std::string bad_utf8 = waste_application(at("2026-06-02")).dump();
  bad_utf8.replace(bad_utf8.find("示例"), 6, kInvalidUtf8);
  expect_all_refused({
      raw_submit("malformed JSON", "{\"permit\": ", E, "not valid JSON"),
      raw_submit("not an object", "\"construction_waste\"", E, "JSON object"),
      raw_submit("nested JSON bomb", std::string(200000, '[') + std::string(200000, ']'), E, "nested"),
      raw_submit("invalid UTF-8", bad_utf8, E, "JSON"),
      raw_submit("over 4 MiB", "{\"x\": \"" + std::string(5 << 20, 'x') + "\"}", E, "4 MiB"),
      spoiled(
          "wrong type", [](json& a) { a["permit"] = json::array(); }, E, "/permit"),
      spoiled(
          "missing field", [](json& a) { a.erase("at"); }, E, "/at"),
      spoiled(
          "unknown permit", [](json& a) { a["permit"] = "casino_licence"; }, E, "casino_licence"),
      spoiled(
          "unknown role", [](json& a) { a["actor"]["role"] = "mayor"; }, E, "mayor"),
      spoiled(
          "time without offset", [](json& a) { a["at"] = "2026-06-02 10:00"; }, E, "/at"),
      spoiled(
          "day that does not exist", [](json& a) { a["at"] = "2026-04-31T10:00:00+08:00"; }, E, "/at"),
      spoiled(
          "negative volume", [](json& a) { a["facts"]["volume_m3"] = -5; }, E, "volume_m3"),
      spoiled(
          "megabyte route", [](json& a) { a["facts"]["route"] = std::string(1 << 20, 'r'); }, E, "route"),
      spoiled(
          "vehicles not an array", [](json& a) { a["facts"]["vehicles"] = "many"; }, E, "vehicles"),
      spoiled(
          "another applicant's name", [](json& a) { a["actor"]["id"] = "91110000OTHER0001X"; },
          PF_PERMISSION_DENIED, "another applicant"),
  });
}

TEST_F(CApiCatalogue, CommandsAndReads) {
  const auto E = PF_INVALID_ARGUMENT;
  const std::string when = at("2026-06-02");
  const json other = {{"id", "91110000OTHER0001X"}, {"role", "applicant"}};
  expect_all_refused({
      raw_execute("malformed JSON", case_id_, "{", E, "not valid JSON"),
      raw_execute("JSON bomb", case_id_, std::string(100000, '{'), E, "nested"),
      cmd("unknown command", command("approve_everything", clerk(), when), E, "approve_everything"),
      cmd("missing actor", json{{"type", "accept"}, {"at", when}}, E, "/actor"),
      cmd("actor of the wrong type", command("accept", "clerk-1", when), E, "/actor"),
      cmd("time without offset", command("accept", clerk(), "2026-06-02T10:00:00"), E, "/at"),
      cmd("unknown department",
          command("record_opinion", reviewer("fire_brigade"), when,
                  {{"department", "fire_brigade"}, {"opinion", "approve"}}),
          E, "fire_brigade"),
      cmd("unknown problem",
          command("request_correction", clerk(), when,
                  {{"items", {{{"material", "application_form"}, {"problem", "ugly"}}}}}),
          E, "ugly"),
      cmd("huge working days", command("extend", head(), when, {{"working_days", INT_MAX}, {"reason", "r"}}),
          E, "working_days"),
      cmd("megabyte comment", command("withdraw", applicant(), when, {{"reason", std::string(3 << 20, 'w')}}),
          E, "/reason"),
      raw_execute("unknown case", "CW-0000", command("accept", clerk(), when).dump(), PF_NOT_FOUND,
                  "CW-0000"),
      raw_execute("invalid UTF-8 case id", kInvalidUtf8, command("accept", clerk(), when).dump(), E, "UTF-8"),
      raw_execute("another applicant's case", case_id_, command("withdraw", other, when).dump(),
                  PF_PERMISSION_DENIED, "another applicant"),
      {"run_due without offset",
       [this] {
         char* out = nullptr;
         return reply(pf_run_due(engine(), "2026-06-30T10:00:00", &out), &out);
       },
       E, "offset"},
      {"query unknown state",
       [this] {
         char* out = nullptr;
         return reply(pf_query(engine(), R"({"state": "limbo"})", &out), &out);
       },
       E, "limbo"},
      {"query unknown department",
       [this] {
         char* out = nullptr;
         return reply(pf_query(engine(), R"({"awaiting_department": "fire_brigade"})", &out), &out);
       },
       E, "fire_brigade"},
      {"report day that does not exist",
       [this] {
         char* out = nullptr;
         return reply(pf_report(engine(), R"({"week": "2026-13-01"})", &out), &out);
       },
       E, "week"},
      {"working days negative",
       [this] {
         char* out = nullptr;
         return reply(pf_add_working_days(engine(), "2026-06-01", -5, &out), &out);
       },
       E, "n"},
      {"working days huge",
       [this] {
         char* out = nullptr;
         return reply(pf_add_working_days(engine(), "2026-06-01", INT_MAX, &out), &out);
       },
       E, "working days"},
      {"working days invalid UTF-8",
       [this] {
         char* out = nullptr;
         return reply(pf_add_working_days(engine(), kInvalidUtf8.c_str(), 1, &out), &out);
       },
       E, "date"},
  });
}

TEST_F(CApiCatalogue, OpeningConfigurations) {
  auto open_with = [](const std::string& cfg) {
    return [cfg] {
      pf_engine* e = reinterpret_cast<pf_engine*>(0x1);
      const pf_status st = pf_open(cfg.c_str(), &e);
      EXPECT_EQ(e, st == PF_OK ? e : nullptr);
      pf_close(st == PF_OK ? e : nullptr);
      char* none = nullptr;
      return reply(st, &none);
    };
  };
  expect_all_refused({
      {"malformed", open_with("{\"database\": "), PF_INVALID_ARGUMENT, "JSON"},
      {"no database", open_with("{}"), PF_INVALID_ARGUMENT, "database"},
      {"unknown field", open_with(json{{"database", db_path()}, {"turbo", 1}}.dump()), PF_INVALID_ARGUMENT,
       "turbo"},
      {"a directory as database", open_with(json{{"database", "/"}}.dump()), PF_STORAGE, "/"},
      {"a database in a missing folder", open_with(json{{"database", "/nonexistent/dir/x.db"}}.dump()),
       PF_STORAGE, "/nonexistent/dir/x.db"},
  });
}

}  // namespace
}  // namespace permitflow::testing
