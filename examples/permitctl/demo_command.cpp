// `permitctl demo`: the one-stop window of a county urban-management bureau, one case of each permit from
// the application to the certificate, on a fresh SQLite file, told as a timeline.
#include <unistd.h>
#include <CLI/CLI.hpp>
#include <filesystem>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "permitflow/engine.hpp"

namespace permitctl {
namespace {

using nlohmann::json;

const json kClerk = {{"id", "窗口-王芳"}, {"role", "clerk"}};
const json kHead = {{"id", "局长-李建国"}, {"role", "head"}};
json reviewer(const std::string& dept) {
  return {{"id", "审查-" + dept}, {"role", "reviewer"}, {"department", dept}};
}

std::string at(const std::string& day, const std::string& hm) { return day + "T" + hm + ":00+08:00"; }

json cmd(const std::string& type, const json& actor, const std::string& when, json extra = json::object()) {
  json c = {{"type", type}, {"actor", actor}, {"at", when}};
  for (auto& [k, v] : extra.items()) c[k] = v;
  return c;
}

const std::map<std::string, std::string> kEventNames = {
    {"submitted", "收件 received"},
    {"correction_requested", "一次性告知补正 one-time correction notice"},
    {"resubmitted", "补正材料 supplements received"},
    {"accepted", "受理 accepted"},
    {"acceptance_deemed", "逾期未告知，视为受理 deemed accepted (Art 32)"},
    {"rejected", "不予受理 not accepted"},
    {"withdrawn", "撤回 withdrawn"},
    {"opinion_recorded", "会签意见 department opinion"},
    {"inspection_recorded", "现场勘查 site inspection"},
    {"suspended", "中止计时 clock stopped (Art 45)"},
    {"resumed", "恢复计时 clock resumed"},
    {"extended", "延期 extension (head's approval)"},
    {"decided", "决定 decision"},
    {"certificate_issued", "发证 certificate issued"},
    {"completion_reported", "完工报告 completion reported"},
    {"closed", "办结 closed"},
    {"revoked", "撤销 revoked"},
    {"deadline_warning", "黄灯预警 yellow warning"},
    {"deadline_overdue", "红灯超时 red: overdue, escalated to the supervision office"},
    {"suspension_overrun", "中止超期 suspension overrun"},
    {"permit_expiring", "即将到期 permit expiring"},
    {"permit_expired", "到期 permit expired"},
    {"renewal_deemed", "视为准予延续 renewal deemed granted"},
};

std::string detail(const json& e) {
  const json& d = e["data"];
  const std::string& t = e["type"];
  if (t == "correction_requested") {
    std::string s;
    for (const auto& i : d["items"])
      s += "\n" + std::string(28, ' ') + "· " + i["material"].get<std::string>() + " — " +
           i["problem"].get<std::string>() +
           (i.contains("note") ? " (" + i["note"].get<std::string>() + ")" : "");
    return s;
  }
  if (t == "resubmitted") return std::to_string(d["materials"].size()) + " material(s)";
  if (t == "accepted" || t == "acceptance_deemed")
    return "accepted_on " + d["accepted_on"].get<std::string>();
  if (t == "opinion_recorded")
    return d["department"].get<std::string>() + ": " + d["opinion"].get<std::string>();
  if (t == "inspection_recorded") return std::to_string(d["inspectors"].size()) + " inspectors";
  if (t == "suspended")
    return d["reason"].get<std::string>() + ", expected " +
           std::to_string(d["expected_working_days"].get<int>()) + " WD";
  if (t == "extended")
    return "+" + std::to_string(d["working_days"].get<int>()) + " WD: " + d["reason"].get<std::string>();
  if (t == "decided") return d["outcome"].get<std::string>();
  if (t == "certificate_issued") {
    return d["number"].get<std::string>() + ", valid " + d["valid_from"].get<std::string>() + " – " +
           (d["valid_until"].is_null() ? std::string("open") : d["valid_until"].get<std::string>());
  }
  if (t == "deadline_warning" || t == "deadline_overdue") {
    std::string who;
    if (d["responsible"].is_array()) {
      for (const auto& r : d["responsible"]) who += (who.empty() ? "" : ", ") + r.get<std::string>();
    } else {
      who = d["responsible"].get<std::string>();
    }
    return d["clock"].get<std::string>() + " due " + d["due"].get<std::string>() + ", responsible: " + who;
  }
  if (t == "submitted") return "received_on " + d["received_on"].get<std::string>();
  return "";
}

void print_timeline(permitflow::Engine& engine, const std::string& id) {
  const json c = json::parse(engine.get_case(id));
  std::cout << "\n━━ " << c["permit_name"]["zh"].get<std::string>() << " ("
            << c["permit_name"]["en"].get<std::string>() << ")  case " << id
            << "\n   applicant: " << c["applicant"]["name"].get<std::string>() << "\n";
  for (const auto& e : json::parse(engine.history(id))) {
    const std::string when = e["at"].get<std::string>().substr(0, 16);
    const auto name = kEventNames.find(e["type"].get<std::string>());
    std::cout << "   " << when << "  "
              << (name == kEventNames.end() ? e["type"].get<std::string>() : name->second);
    const std::string more = detail(e);
    if (!more.empty()) std::cout << (more[0] == '\n' ? "" : " — ") << more;
    std::cout << "   [" << e["actor"]["id"].get<std::string>() << "]\n";
  }
  const json& dl = c["deadlines"];
  std::cout << "   → state " << c["state"].get<std::string>();
  if (!dl["decision"].is_null()) {
    std::cout << "; decision due " << dl["decision"]["due"].get<std::string>() << " ("
              << dl["decision"]["light"].get<std::string>() << "), statutory "
              << dl["decision"]["statutory_due"].get<std::string>() << " ("
              << dl["decision"]["statutory_light"].get<std::string>() << ")";
  }
  if (!dl["issuance"].is_null()) {
    std::cout << "; certificate due " << dl["issuance"]["due"].get<std::string>() << " ("
              << dl["issuance"]["light"].get<std::string>() << ")";
  }
  std::cout << "\n";
}

json application(const std::string& permit, const json& applicant, const std::string& when, const json& facts,
                 const json& materials) {
  json actor = {{"id", applicant["id"]}, {"role", "applicant"}};
  return {{"permit", permit}, {"applicant", applicant}, {"actor", actor},
          {"at", when},       {"facts", facts},         {"materials", materials}};
}

json pdf(const std::string& id) { return {{"id", id}, {"format", "pdf"}, {"expires_on", "2030-12-31"}}; }

/// The materials a precheck asks for, as PDFs.
json missing_materials(permitflow::Engine& engine, const json& app) {
  json mats = app["materials"];
  for (int round = 0; round < 4; ++round) {
    json a = app;
    a["materials"] = mats;
    const json notice = json::parse(engine.precheck(a.dump()));
    if (notice["complete"].get<bool>()) break;
    for (const auto& i : notice["items"]) {
      const std::string m = i["material"];
      if (m.rfind("fact:", 0) != 0) mats.push_back(pdf(m));
    }
  }
  return mats;
}

int run_demo(const std::string& db) {
  if (std::filesystem::exists(db)) {
    std::cerr << "permitctl demo: '" << db << "' exists; the demo wants a fresh database file\n";
    return 1;
  }
  permitflow::Engine engine(json{{"database", db}, {"county_code", "320922"}}.dump());
  std::cout << "permitflow " << permitflow::version()
            << " — demo of the one-stop window (一站式服务窗口), database " << db << "\n";

  // 1. Road excavation (城市道路挖掘): an incomplete application, one notice, supplements, co-approval.
  const json gas = {{"id", "91320922MA1GAS001X"}, {"name", "滨海华润燃气有限公司"}};
  const json road_facts = {{"road_opened_on", "2012-05-01"},
                           {"road_overhauled_on", nullptr},
                           {"planned_start", "2026-04-01"},
                           {"planned_end", "2026-04-20"},
                           {"on_carriageway", true},
                           {"emergency", false},
                           {"protection_exception_approved", false}};
  json road_app = application("road_excavation", gas, at("2026-03-02", "09:10"), road_facts, json::array());
  const json full = missing_materials(engine, road_app);
  road_app["materials"] = json::array({full[0]});
  const json notice = json::parse(engine.precheck(road_app.dump()));
  std::cout << "\nApplicant's precheck before submitting (一次性告知 of everything missing): "
            << notice["items"].size() << " item(s)\n";
  for (const auto& i : notice["items"]) {
    std::cout << "   · " << i["material"].get<std::string>() << " — " << i["problem"].get<std::string>()
              << (i.contains("note") ? " (" + i["note"].get<std::string>() + ")" : "") << "\n";
  }
  const std::string road = json::parse(engine.submit(road_app.dump()))["id"];
  engine.execute(road, cmd("request_correction", kClerk, at("2026-03-03", "10:00")).dump());
  json rest = json::array();
  for (std::size_t i = 1; i < full.size(); ++i) rest.push_back(full[i]);
  engine.execute(road, cmd("resubmit", {{"id", gas["id"]}, {"role", "applicant"}}, at("2026-03-05", "14:00"),
                           {{"materials", rest}})
                           .dump());
  engine.execute(road, cmd("accept", kClerk, at("2026-03-05", "15:30")).dump());
  engine.execute(
      road,
      cmd("record_opinion", reviewer("traffic_police"), at("2026-03-06", "11:00"),
          {{"department", "traffic_police"}, {"opinion", "approve"}, {"comment", "夜间施工，设置交通导改"}})
          .dump());
  engine.execute(
      road, cmd("record_inspection", kClerk, at("2026-03-09", "09:30"),
                {{"inspectors", {"执法-张伟", "执法-刘洋"}}, {"findings", "现场与申请一致，管线位置已核对"}})
                .dump());
  engine.execute(
      road, cmd("record_opinion", reviewer("municipal_roads"), at("2026-03-09", "16:00"),
                {{"department", "municipal_roads"}, {"opinion", "approve"}, {"comment", "按标准恢复路面"}})
                .dump());
  engine.execute(road, cmd("decide", kHead, at("2026-03-10", "10:00"), {{"outcome", "approved"}}).dump());
  engine.execute(road, cmd("issue_certificate", kClerk, at("2026-03-11", "09:00")).dump());
  engine.execute(
      road,
      cmd("report_completion", {{"id", gas["id"]}, {"role", "applicant"}}, at("2026-04-18", "17:00")).dump());
  engine.execute(road, cmd("close", kClerk, at("2026-04-20", "10:00")).dump());
  print_timeline(engine, road);

  // 2. Outdoor advertising (户外广告设施): complete at once; structural testing stops the clock; the head
  //    extends the period.
  const json ad = {{"id", "91320922MA1ADV002Y"}, {"name", "滨海星光广告传媒有限公司"}};
  const json ad_facts = {{"area_m2", 24.0},       {"height_m", 6.0},   {"on_roof", false},
                         {"building_storeys", 5}, {"term_months", 36}, {"electronic_screen", false}};
  json ad_app = application("outdoor_advertising", ad, at("2026-06-01", "09:00"), ad_facts, json::array());
  ad_app["materials"] = missing_materials(engine, ad_app);
  const std::string board = json::parse(engine.submit(ad_app.dump()))["id"];
  engine.execute(board, cmd("accept", kClerk, at("2026-06-01", "10:00")).dump());
  engine.execute(board,
                 cmd("suspend", kClerk, at("2026-06-08", "09:00"),
                     {{"reason", "testing"}, {"expected_working_days", 5}, {"notice", "结构安全检测告知书"}})
                     .dump());
  engine.execute(board, cmd("resume", kClerk, at("2026-06-12", "17:00")).dump());
  engine.execute(board, cmd("extend", kHead, at("2026-07-03", "10:00"),
                            {{"working_days", 10}, {"reason", "需补充抗风荷载论证，已书面告知申请人"}})
                            .dump());
  engine.execute(board, cmd("record_inspection", kClerk, at("2026-07-20", "15:00"),
                            {{"inspectors", {"执法-张伟", "执法-陈静"}}, {"findings", "结构与效果图一致"}})
                            .dump());
  engine.execute(board, cmd("decide", kHead, at("2026-07-21", "10:00"), {{"outcome", "approved"}}).dump());
  engine.execute(board, cmd("issue_certificate", kClerk, at("2026-07-22", "09:00")).dump());
  engine.run_due(at("2026-07-22", "23:59"));
  print_timeline(engine, board);

  // 3. Construction waste (建筑垃圾处置): filed on Friday before National Day, nobody answers within 5
  //    working days → deemed accepted; the review then runs late: yellow, and red on a Sunday.
  const json haul = {{"id", "91320922MA1HAU003Z"}, {"name", "滨海顺通渣土运输有限公司"}};
  const json waste_facts = {
      {"volume_m3", 1200},
      {"route", "S226 - 城东路 - 城东消纳场"},
      {"disposal_site", "城东消纳场"},
      {"vehicles", json::array({{{"plate", "苏J67890"}, {"enclosed", true}, {"recorder", true}},
                                {{"plate", "苏J67891"}, {"enclosed", true}, {"recorder", true}}})}};
  json waste_app =
      application("construction_waste", haul, at("2026-09-18", "16:30"), waste_facts, json::array());
  waste_app["materials"] = missing_materials(engine, waste_app);
  const std::string waste = json::parse(engine.submit(waste_app.dump()))["id"];
  for (const char* now :
       {"2026-09-25T00:00:00+08:00", "2026-10-09T00:00:00+08:00", "2026-10-11T00:00:00+08:00"}) {
    const json fired = json::parse(engine.run_due(now));
    std::cout << "\nrun_due(" << now << "): " << fired.size() << " timer(s) fired";
    for (const auto& f : fired)
      std::cout << "  [" << f["kind"].get<std::string>() << "/" << f["clock"].get<std::string>() << "]";
  }
  std::cout << "\n";
  engine.execute(
      waste,
      cmd("record_opinion", reviewer("traffic_police"), at("2026-10-12", "10:00"),
          {{"department", "traffic_police"}, {"opinion", "approve"}, {"comment", "限22时至次日5时运输"}})
          .dump());
  engine.execute(waste,
                 cmd("record_inspection", kClerk, at("2026-10-12", "15:00"),
                     {{"inspectors", {"执法-刘洋", "执法-陈静"}}, {"findings", "出入口硬化、冲洗平台齐全"}})
                     .dump());
  engine.execute(waste, cmd("decide", kHead, at("2026-10-13", "10:00"), {{"outcome", "approved"}}).dump());
  engine.execute(waste, cmd("issue_certificate", kClerk, at("2026-10-13", "15:00")).dump());
  print_timeline(engine, waste);

  // The supervision office's weekly report (督查周报) for the week the construction-waste case sat red.
  const json report = json::parse(engine.report(R"({"week": "2026-10-09", "format": "json"})"));
  std::cout << "\n督查周报 weekly supervision report, week "
            << report["week"]["from"].get<std::string>().substr(0, 10) << " – "
            << report["week"]["to"].get<std::string>().substr(0, 10) << ", dated "
            << report["week"]["dated"].get<std::string>() << "\n   received " << report["counts"]["received"]
            << ", accepted " << report["counts"]["accepted"] << ", decided " << report["counts"]["decided"]
            << ", issued " << report["counts"]["issued"] << "\n";
  for (const auto& l : report["lights"]) {
    std::cout << "   " << l["light"].get<std::string>() << "  " << l["case"].get<std::string>() << " ("
              << l["permit"].get<std::string>() << ") due " << l["due"].get<std::string>() << ", "
              << l["working_days_late"] << " working day(s) late, held by "
              << l["department"].get<std::string>() << "\n";
  }

  const json verified = json::parse(engine.verify());
  std::cout << "\nverify: " << (verified["ok"].get<bool>() ? "ok" : "PROBLEMS") << " — "
            << verified["cases_checked"] << " cases, " << verified["events_checked"]
            << " events, ledger head " << verified["ledger_head"].get<std::string>().substr(0, 16) << "… ("
            << verified["ledger_count"] << " events anchored)\n";
  if (!verified["ok"].get<bool>()) return 8;
  return 0;
}

}  // namespace

void add_demo_command(CLI::App& app) {
  static std::string db;
  auto* demo =
      app.add_subcommand("demo", "All three permits end to end on a fresh SQLite file, as timelines");
  demo->add_option("--db", db, "the database file to create (default: a temporary one)");
  demo->callback([] {
    if (db.empty())
      db =
          (std::filesystem::temp_directory_path() / ("permitflow-demo-" + std::to_string(::getpid()) + ".db"))
              .string();
    int code = 0;
    try {
      code = run_demo(db);
    } catch (const permitflow::Error& e) {
      std::cerr << "permitctl demo: " << to_string(e.code()) << ": " << e.what() << "\n";
      code = static_cast<int>(e.code());
    }
    if (code != 0) throw CLI::RuntimeError(code);
  });
}

}  // namespace permitctl
