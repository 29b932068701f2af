// The weekly supervision report (督查周报, docs/contract.md §11; docs/operations.md), on real cases in a
// real SQLite file. The week under test is Mon 2026-06-08 .. Sun 2026-06-14 (no holiday from 2026-05-11 to
// 2026-06-18), so the report is dated Mon 2026-06-15 and its lights are those at 2026-06-15T00:00+08:00.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "definition/definition.hpp"
#include "support/engine_fixture.hpp"

namespace permitflow {
namespace {

using namespace permitflow::testing;

int promised(const std::string& permit) {
  return DefinitionRegistry::builtin().current(permit)->limits.promised;
}

// The working day whose promised decision due (acceptance + the permit's promised working days) is `due`.
std::string acceptance_for_due(const Engine& e, const std::string& permit, const std::string& due) {
  const WorkingCalendar& cal = e.calendar();
  const Date target = Date::parse(due);
  for (Date d = target - 1; d > target - 120; d = d - 1) {
    if (cal.is_working_day(d) && cal.add_working_days(d, promised(permit)).date == target)
      return d.to_string();
  }
  ADD_FAILURE() << "no acceptance date gives a promised due of " << due << " for " << permit;
  return due;
}

bool in_week(const std::string& day) { return day >= "2026-06-08" && day <= "2026-06-14"; }

// Commands the report scenarios need, on top of the shared fixture.
class Supervision : public EngineTest {
 protected:
  json submit(const std::string& permit, const std::string& day, bool complete) {
    const std::string when = at(day, "09:00");
    return EngineTest::submit(
        application(permit, when, complete ? complete_materials(permit, when) : json::array()));
  }
  json inspect(const std::string& id, const std::string& day) {
    return execute(id, command("record_inspection", kClerk, at(day, "14:00"),
                               {{"inspectors", {"insp-1", "insp-2"}}, {"findings", "现场符合要求"}}));
  }
  json opinion(const std::string& id, const std::string& department, const std::string& day) {
    return execute(id, command("record_opinion", reviewer(department), at(day, "15:00"),
                               {{"department", department}, {"opinion", "approve"}}));
  }
  json suspend(const std::string& id, const std::string& day, int expected_working_days) {
    return execute(id, command("suspend", kClerk, at(day, "10:30"),
                               {{"reason", "expert_review"},
                                {"expected_working_days", expected_working_days},
                                {"notice", "专家评审"}}));
  }
  json resume(const std::string& id, const std::string& day) {
    return execute(id, command("resume", kClerk, at(day, "10:45")));
  }
  /// The inspection (when none yet), every pending co-approving opinion, then the head's approval at 16:00.
  json approve(const std::string& id, const std::string& day) {
    json c = get(id);
    if (c["inspections"].empty()) c = inspect(id, day);
    for (const auto& [department, o] : c["opinions"].items()) {
      if (o.is_null()) c = opinion(id, department, day);
    }
    return execute(id, command("decide", kHead, at(day, "16:00"), {{"outcome", "approved"}}));
  }
  json report(const json& request) { return json::parse(engine().report(request.dump())); }
};

class ReportTest : public Supervision {
 protected:
  std::string red, yellow, paused, h1, h2, h3;
  int expected_received = 0, expected_accepted = 0;

  void count(const std::string& submitted_and_accepted_on) {
    if (in_week(submitted_and_accepted_on)) ++expected_received, ++expected_accepted;
  }

  void SetUp() override {
    Supervision::SetUp();
    // Red: road excavation whose promised due is Wed 06-10, municipal roads has given its opinion, the
    // traffic police has not. Late on Thu 11, Fri 12 and Mon 15 (the report's day): 3 working days.
    const std::string red_day = acceptance_for_due(engine(), "road_excavation", "2026-06-10");
    red = accepted("road_excavation", red_day)["id"];
    opinion(red, "municipal_roads", red_day);
    count(red_day);
    // Yellow: outdoor advertising due Mon 06-15; yellow since Fri 06-12 (2 working days left), with the
    // window.
    const std::string yellow_day = acceptance_for_due(engine(), "outdoor_advertising", "2026-06-15");
    yellow = accepted("outdoor_advertising", yellow_day)["id"];
    count(yellow_day);
    // Suspended since Wed 06-10 for 5 expected working days: 3 so far (10, 11, 12).
    paused = accepted("construction_waste", "2026-06-01")["id"];
    suspend(paused, "2026-06-10", 5);
    // Decided in the week (outdoor advertising): 5, 12 and 6 working days.
    h1 = accepted("outdoor_advertising", "2026-06-01")["id"];  // 06-02..05, 06-08 = 5
    approve(h1, "2026-06-08");
    execute(h1, command("issue_certificate", kClerk, at("2026-06-10")));
    h2 = accepted("outdoor_advertising", "2026-05-26")["id"];  // 05-27..29, 06-01..05, 06-08..11 = 12
    approve(h2, "2026-06-11");
    h3 = accepted("outdoor_advertising", "2026-06-01")["id"];  // 06-02..12 = 9, less 06-02..04 suspended = 6
    suspend(h3, "2026-06-02", 2);
    resume(h3, "2026-06-04");
    approve(h3, "2026-06-12");
    // Received in the week: one incomplete (acceptance notice due 06-17: green at the week's end), one
    // accepted then withdrawn. Received after the week: not counted.
    submit("outdoor_advertising", "2026-06-10", false);
    const std::string w = accepted("outdoor_advertising", "2026-06-11")["id"];
    execute(w, command("withdraw", kApplicant, at("2026-06-12")));
    expected_received += 2;
    expected_accepted += 1;
    submit("outdoor_advertising", "2026-06-15", false);
  }
};

TEST_F(ReportTest, WeekCountsLightsSuspensionsAndHandling) {
  const json r = report({{"week", "2026-06-10"}, {"format", "json"}});
  EXPECT_EQ(r["week"], json({{"from", "2026-06-08T00:00:00+08:00"},
                             {"to", "2026-06-15T00:00:00+08:00"},
                             {"dated", "2026-06-15"}}));
  EXPECT_EQ(r["counts"]["received"], expected_received);
  EXPECT_EQ(r["counts"]["accepted"], expected_accepted);
  EXPECT_EQ(r["counts"]["decided"], 3);
  EXPECT_EQ(r["counts"]["issued"], 1);

  ASSERT_EQ(r["lights"].size(), 2u) << r["lights"].dump(2);
  const json& late = r["lights"][0];
  EXPECT_EQ(late["case"], red);
  EXPECT_EQ(late["light"], "red");
  EXPECT_EQ(late["clock"], "decision");
  EXPECT_EQ(late["state"], "under_review");
  EXPECT_EQ(late["due"], "2026-06-10");
  EXPECT_EQ(late["department"], "traffic_police");
  EXPECT_EQ(late["working_days_late"], 3);
  EXPECT_EQ(late["working_days_left"], 0);
  const json& warned = r["lights"][1];
  EXPECT_EQ(warned["case"], yellow);
  EXPECT_EQ(warned["light"], "yellow");
  EXPECT_EQ(warned["due"], "2026-06-15");
  EXPECT_EQ(warned["department"], "window");
  EXPECT_EQ(warned["working_days_late"], 0);
  EXPECT_EQ(warned["working_days_left"], 1);

  ASSERT_EQ(r["suspended"].size(), 1u) << r["suspended"].dump(2);
  EXPECT_EQ(r["suspended"][0]["case"], paused);
  EXPECT_EQ(r["suspended"][0]["reason"], "expert_review");
  EXPECT_EQ(r["suspended"][0]["from"], "2026-06-10");
  EXPECT_EQ(r["suspended"][0]["expected_working_days"], 5);
  EXPECT_EQ(r["suspended"][0]["suspended_working_days"], 3);
  EXPECT_EQ(r["suspended"][0]["overrun"], false);

  // Handling times 5, 12, 6: mean 23/3 = 7.67; nearest-rank p90 = the ceil(0.9 × 3) = 3rd smallest = 12.
  const int limit = promised("outdoor_advertising");
  const json& h = r["handling"]["outdoor_advertising"];
  EXPECT_EQ(h["count"], 3);
  EXPECT_DOUBLE_EQ(h["mean"].get<double>(), 7.67);
  EXPECT_EQ(h["p90"], 12);
  EXPECT_EQ(h["promised_limit"], limit);
  EXPECT_EQ(h["over"], (5 > limit) + (12 > limit) + (6 > limit));
  EXPECT_EQ(r["handling"]["road_excavation"]["count"], 0);
  EXPECT_TRUE(r["handling"]["road_excavation"]["mean"].is_null());
  EXPECT_TRUE(r["handling"]["construction_waste"]["p90"].is_null());
}

TEST_F(ReportTest, AnyDayOfTheWeekGivesTheSameReport) {
  EXPECT_EQ(report({{"week", "2026-06-08"}}), report({{"week", "2026-06-14"}, {"format", "json"}}));
}

TEST_F(ReportTest, CsvHasOneSectionPerTable) {
  const json r = report({{"week", "2026-06-12"}, {"format", "csv"}});
  ASSERT_TRUE(r.contains("csv")) << r.dump();
  const std::string csv = r["csv"];
  const int limit = promised("outdoor_advertising");
  const int over = (5 > limit) + (12 > limit) + (6 > limit);
  const std::string expected_lines[] = {
      "report,from,to,dated\n",
      "report,2026-06-08T00:00:00+08:00,2026-06-15T00:00:00+08:00,2026-06-15\n",
      "counts,received,accepted,decided,issued\n",
      "counts," + std::to_string(expected_received) + "," + std::to_string(expected_accepted) + ",3,1\n",
      "lights,case,permit,applicant,state,clock,light,due,statutory_due,statutory_light,department,"
      "working_days_late,working_days_left\n",
      "lights," + red + ",road_excavation,示例工程有限公司,under_review,decision,red,2026-06-10,",
      ",traffic_police,3,0\n",
      "lights," + yellow + ",outdoor_advertising,示例工程有限公司,under_review,decision,yellow,2026-06-15,",
      ",window,0,1\n",
      "suspended,case,permit,applicant,reason,from,expected_working_days,suspended_working_days,overrun\n",
      "suspended," + paused + ",construction_waste,示例工程有限公司,expert_review,2026-06-10,5,3,false\n",
      "handling,permit,count,mean,p90,promised_limit,over\n",
      "handling,outdoor_advertising,3,7.67,12," + std::to_string(limit) + "," + std::to_string(over) + "\n",
      "handling,road_excavation,0,,," + std::to_string(promised("road_excavation")) + ",0\n",
  };
  for (const auto& line : expected_lines)
    EXPECT_NE(csv.find(line), std::string::npos) << line << "\n---\n" << csv;
  EXPECT_EQ(csv.rfind("report,from,to,dated\n", 0), 0u);  // the header line comes first
  // Sections in order, separated by one empty line.
  EXPECT_LT(csv.find("\n\ncounts,"), csv.find("\n\nlights,"));
  EXPECT_LT(csv.find("\n\nlights,"), csv.find("\n\nsuspended,"));
  EXPECT_LT(csv.find("\n\nsuspended,"), csv.find("\n\nhandling,"));
}

// The whole report, both kinds' sections, JSON and CSV, without an actor and as a handler and a leader (who
// see fewer cases and reporters), byte for byte against tests/engine/golden/report/. Run with
// PERMITFLOW_UPDATE_GOLDEN=1 to rewrite the files after a deliberate change, then review the diff.
class WholeReportTest : public ReportTest {
 protected:
  const json dispatcher = {{"id", "clerk-li"}, {"role", "dispatcher"}};
  static json handler(const std::string& unit) {
    return {{"id", "staff-" + unit}, {"role", "handler"}, {"unit", unit}};
  }
  std::string file(const std::string& category, const std::string& when, int n) {
    return EngineTest::submit(
        json{{"kind", "complaint"},
             {"category", category},
             {"reporter", {{"id", "resident-" + std::to_string(n)}, {"name", "居民" + std::to_string(n)}}},
             {"actor", dispatcher},
             {"at", when},
             {"source", "hotline"},
             {"description", "占道经营"}})["id"];
  }
  void dispatch(const std::string& id, const std::string& when, const std::string& unit = "") {
    json extra = json::object();
    if (!unit.empty()) extra["unit"] = unit;
    execute(id, command("dispatch", dispatcher, when, extra));
  }
  void finish(const std::string& id, const std::string& unit, const std::string& day, int n, int rating) {
    execute(id, command("start_handling", handler(unit), at(day, "10:00")));
    execute(id, command("reply", handler(unit), at(day, "11:00"), {{"reply", "已处理"}}));
    execute(id, command("check", dispatcher, at(day, "12:00"), {{"passed", true}}));
    execute(id, command("close", dispatcher, at(day, "13:00")));
    execute(id, command("rate", {{"id", "resident-" + std::to_string(n)}, {"role", "reporter"}},
                        at(day, "14:00"), {{"rating", rating}}));
  }
  void SetUp() override {
    ReportTest::SetUp();
    // Red at the week's end: a consultation (2 working days) dispatched on Monday and never answered.
    const std::string k1 = file("consultation", at("2026-06-08", "09:00"), 1);
    execute(k1, command("register", dispatcher, at("2026-06-08", "09:05"), {{"verified", true}}));
    dispatch(k1, at("2026-06-08", "09:10"));
    // Returned by sanitation, sent on to law enforcement, put right and rated 5.
    const std::string k2 = file("help", at("2026-06-08", "10:00"), 2);
    execute(k2, command("register", dispatcher, at("2026-06-08", "10:05"), {{"verified", true}}));
    dispatch(k2, at("2026-06-08", "10:10"));
    execute(k2,
            command("return", handler("sanitation"), at("2026-06-09", "09:00"), {{"reasons", "不归我们"}}));
    dispatch(k2, at("2026-06-09", "09:30"), "law_enforcement");
    finish(k2, "law_enforcement", "2026-06-10", 2, 5);
    // Rated 2: reopened and open at the week's end.
    const std::string k3 = file("complaint", at("2026-06-09", "09:00"), 3);
    execute(k3, command("register", dispatcher, at("2026-06-09", "09:05"), {{"verified", true}}));
    dispatch(k3, at("2026-06-09", "09:10"));
    finish(k3, "law_enforcement", "2026-06-11", 3, 2);
    // Received on Friday, not yet registered: with the dispatcher.
    file("exposed_garbage", at("2026-06-12", "09:00"), 4);
    // Filed after the week: not counted.
    file("help", at("2026-06-15", "09:00"), 5);
  }
};

TEST_F(WholeReportTest, MatchesItsGoldenText) {
  const json leader = {{"id", "deputy-wang"}, {"role", "leader"}};
  const std::string dir = std::string(PERMITFLOW_SOURCE_DIR) + "/tests/engine/golden/report/";
  const std::pair<std::string, json> requests[] = {
      {"week.json", {{"week", "2026-06-10"}}},
      {"week.csv.json", {{"week", "2026-06-10"}, {"format", "csv"}}},
      {"week.sanitation.json", {{"week", "2026-06-10"}, {"actor", handler("sanitation")}}},
      {"week.leader.json", {{"week", "2026-06-10"}, {"actor", leader}}},
      {"week.leader.csv.json", {{"week", "2026-06-10"}, {"actor", leader}, {"format", "csv"}}},
  };
  for (const auto& [name, request] : requests) {
    const std::string got = engine().report(request.dump()) + "\n";
    if (const char* update = std::getenv("PERMITFLOW_UPDATE_GOLDEN"); update && std::string(update) == "1") {
      std::ofstream(dir + name, std::ios::binary) << got;
      continue;
    }
    std::ifstream in(dir + name, std::ios::binary);
    ASSERT_TRUE(in.good()) << "no golden file " << dir + name
                           << " (write it with PERMITFLOW_UPDATE_GOLDEN=1)";
    std::stringstream want;
    want << in.rdbuf();
    EXPECT_EQ(got, want.str()) << "the report differs from " << dir + name;
  }
}

TEST_F(Supervision, ReportIsDatedByTheFirstWorkingDayAfterTheWeek) {
  // The week of 2026-02-09 ends on Mon 02-16, inside the Spring Festival holiday (02-15..02-23).
  const json r = report({{"week", "2026-02-11"}, {"format", "json"}});
  EXPECT_EQ(r["week"]["from"], "2026-02-09T00:00:00+08:00");
  EXPECT_EQ(r["week"]["to"], "2026-02-16T00:00:00+08:00");
  EXPECT_EQ(r["week"]["dated"], "2026-02-24");
  EXPECT_EQ(r["counts"], json({{"received", 0}, {"accepted", 0}, {"decided", 0}, {"issued", 0}}));
  EXPECT_TRUE(r["lights"].empty());
  EXPECT_TRUE(r["suspended"].empty());
}

TEST_F(Supervision, ReportRefusesBadInputNamingTheField) {
  const auto refused = [&](const std::string& input, const std::string& field) {
    try {
      engine().report(input);
      ADD_FAILURE() << "accepted " << input;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::invalid_argument) << input;
      if (!field.empty()) {
        EXPECT_EQ(e.field(), field) << input << ": " << e.what();
      }
    }
  };
  refused("{}", "/week");
  refused(R"({"week": "2026-6-1"})", "/week");
  refused(R"({"week": "2026-02-30"})", "/week");
  refused(R"({"week": 20260601})", "/week");
  refused(R"({"week": "2026-06-01", "format": "xml"})", "/format");
  refused(R"({"week": "2026-06-01", "format": 1})", "/format");
  refused(R"({"week": "2026-06-01", "permit": "road_excavation"})", "");
  refused("not json", "");
  refused("[]", "");
}

}  // namespace
}  // namespace permitflow
