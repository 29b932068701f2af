#include "demo_cases.hpp"

#include "demo_cast_file.hpp"

#include <algorithm>
#include <map>
#include <ostream>
#include <stdexcept>

namespace permitflow::demo {

std::string_view cast_json() {
  for (const auto& f : cast_file::embedded_files())
    if (f.name == "examples/common/demo_cast.json") return f.content;
  throw std::logic_error("demo_cast.json is not compiled in");
}

namespace {

/// The cast's people, parsed once.
const json& cast() {
  static const json users = json::parse(cast_json())["users"];
  return users;
}

/// The first person of the cast with this role (and, when given, this department or unit): the demo's
/// logic refers to people by what they do, the cast file says who they are.
const json& person(const std::string& role, const char* field = nullptr, const std::string& value = {}) {
  for (const auto& u : cast())
    if (u["role"] == role && (!field || u.value(field, "") == value)) return u;
  throw std::logic_error("demo cast: no " + role + (field ? " of " + std::string(field) + " " + value : "") +
                         " in demo_cast.json");
}

json actor_of(const json& u) {
  json a = {{"id", u["id"]}, {"role", u["role"]}};
  for (const char* k : {"department", "unit"})
    if (u.contains(k)) a[k] = u[k];
  return a;
}

/// {"id", "name"} of a party to a case: a firm by its login, the name it goes by in a case.
json party(const std::string& login) {
  for (const auto& u : cast())
    if (u["login"] == login)
      return {{"id", u["id"]}, {"name", u.value("party_name", u["name"].get<std::string>())}};
  throw std::logic_error("demo cast: no login " + login + " in demo_cast.json");
}

}  // namespace

json clerk() { return actor_of(person("clerk")); }
json head() { return actor_of(person("head")); }
json reviewer(const std::string& department) {
  return actor_of(person("reviewer", "department", department));
}
json gas_company() { return party("demo-gas"); }
json ad_company() { return party("demo-adv"); }
json haulage_company() { return party("demo-haul"); }
json as_applicant(const json& company) { return {{"id", company["id"]}, {"role", "applicant"}}; }
json resident() { return party("demo-resident"); }
json as_reporter(const json& person) { return {{"id", person["id"]}, {"role", "reporter"}}; }
json dispatcher() { return actor_of(person("dispatcher")); }
json handler(const std::string& unit) { return actor_of(person("handler", "unit", unit)); }
json leader() { return actor_of(person("leader")); }

json complaint(const std::string& category, const json& reporter, const std::string& when,
               const std::string& source, const std::string& description, const std::string& location) {
  return {{"kind", "complaint"},
          {"category", category},
          {"reporter", reporter},
          {"actor", source == "portal" ? as_reporter(reporter) : dispatcher()},
          {"at", when},
          {"source", source},
          {"description", description},
          {"location", location}};
}

std::string at(const std::string& day, const std::string& hm) { return day + "T" + hm + ":00+08:00"; }

json command(const std::string& type, const json& actor, const std::string& when, const json& extra) {
  json c = {{"type", type}, {"actor", actor}, {"at", when}};
  for (const auto& [k, v] : extra.items()) c[k] = v;
  return c;
}

json application(const std::string& permit, const json& applicant, const std::string& when, const json& facts,
                 const json& materials) {
  return {{"permit", permit}, {"applicant", applicant}, {"actor", as_applicant(applicant)},
          {"at", when},       {"facts", facts},         {"materials", materials}};
}

json pdf(const std::string& material_id) {
  return {{"id", material_id}, {"format", "pdf"}, {"expires_on", "2030-12-31"}};
}

json complete_materials(const Engine& engine, const json& app) {
  json mats = app["materials"];
  // A material can make another one required (a condition), so ask until the notice is empty.
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

json road_facts(const std::string& planned_start, const std::string& planned_end) {
  return {{"road_opened_on", "2012-05-01"},
          {"road_overhauled_on", nullptr},
          {"planned_start", planned_start},
          {"planned_end", planned_end},
          {"on_carriageway", true},
          {"emergency", false},
          {"protection_exception_approved", false}};
}

json ad_facts(bool on_roof, int storeys) {
  return {{"area_m2", 24.0},    {"height_m", 6.0},
          {"on_roof", on_roof}, {"building_storeys", storeys},
          {"term_months", 36},  {"electronic_screen", false}};
}

json waste_facts() {
  return {{"volume_m3", 1200},
          {"route", "S226 - 城东路 - 城东消纳场"},
          {"disposal_site", "城东消纳场"},
          {"vehicles", json::array({{{"plate", "苏J67890"}, {"enclosed", true}, {"recorder", true}},
                                    {{"plate", "苏J67891"}, {"enclosed", true}, {"recorder", true}}})}};
}

void Runner::check_order(const std::string& case_id, const std::string& when) {
  const Instant t = Instant::parse_rfc3339(when);
  for (auto& [id, last] : last_) {
    if (id != case_id) continue;
    if (t < Instant::parse_rfc3339(last))
      throw std::logic_error("demo cast: a step of case " + case_id + " at " + when +
                             " is dated before its " + "previous step at " + last);
    last = when;
    return;
  }
  last_.emplace_back(case_id, when);
}

std::string Runner::submit(const json& app) {
  const std::string id = json::parse(engine_.submit(app.dump()))["id"];
  check_order(id, app["at"]);
  return id;
}

json Runner::exec(const std::string& case_id, const json& cmd) {
  check_order(case_id, cmd["at"]);
  return json::parse(engine_.execute(case_id, cmd.dump()));
}

namespace {

json opinion(const std::string& department, const std::string& verdict, const std::string& comment) {
  return {{"department", department}, {"opinion", verdict}, {"comment", comment}};
}
json inspection(const std::string& findings) {
  return {{"inspectors", {"执法-张伟", "执法-刘洋"}}, {"findings", findings}};
}

}  // namespace

Stories run_stories(Engine& engine, std::ostream& out) {
  Runner run(engine);
  Stories s;
  const json gas = gas_company();

  // 1. Road excavation (城市道路挖掘): an incomplete application, one notice, supplements, co-approval.
  json road_app = application("road_excavation", gas, at("2026-03-02", "09:10"),
                              road_facts("2026-04-01", "2026-04-20"), json::array());
  const json full = complete_materials(engine, road_app);
  road_app["materials"] = json::array({full[0]});
  const json notice = json::parse(engine.precheck(road_app.dump()));
  out << "\nApplicant's precheck before submitting (一次性告知 of everything missing): "
      << notice["items"].size() << " item(s)\n";
  for (const auto& i : notice["items"]) {
    out << "   · " << i["material"].get<std::string>() << " — " << i["problem"].get<std::string>()
        << (i.contains("note") ? " (" + i["note"].get<std::string>() + ")" : "") << "\n";
  }
  s.road = run.submit(road_app);
  run.exec(s.road, command("request_correction", clerk(), at("2026-03-03", "10:00")));
  json rest = json::array();
  for (std::size_t i = 1; i < full.size(); ++i) rest.push_back(full[i]);
  run.exec(s.road, command("resubmit", as_applicant(gas), at("2026-03-05", "14:00"), {{"materials", rest}}));
  run.exec(s.road, command("accept", clerk(), at("2026-03-05", "15:30")));
  run.exec(s.road, command("record_opinion", reviewer("traffic_police"), at("2026-03-06", "11:00"),
                           opinion("traffic_police", "approve", "夜间施工，设置交通导改")));
  run.exec(s.road, command("record_inspection", clerk(), at("2026-03-09", "09:30"),
                           inspection("现场与申请一致，管线位置已核对")));
  run.exec(s.road, command("record_opinion", reviewer("municipal_roads"), at("2026-03-09", "16:00"),
                           opinion("municipal_roads", "approve", "按标准恢复路面")));
  run.exec(s.road, command("decide", head(), at("2026-03-10", "10:00"), {{"outcome", "approved"}}));
  run.exec(s.road, command("issue_certificate", clerk(), at("2026-03-11", "09:00")));
  run.exec(s.road, command("report_completion", as_applicant(gas), at("2026-04-18", "17:00")));
  run.exec(s.road, command("close", clerk(), at("2026-04-20", "10:00")));

  // 2. Outdoor advertising (户外广告设施): complete at once; structural testing stops the clock; the head
  //    extends the period.
  json ad_app =
      application("outdoor_advertising", ad_company(), at("2026-06-01", "09:00"), ad_facts(), json::array());
  ad_app["materials"] = complete_materials(engine, ad_app);
  s.board = run.submit(ad_app);
  run.exec(s.board, command("accept", clerk(), at("2026-06-01", "10:00")));
  run.exec(s.board,
           command("suspend", clerk(), at("2026-06-08", "09:00"),
                   {{"reason", "testing"}, {"expected_working_days", 5}, {"notice", "结构安全检测告知书"}}));
  run.exec(s.board, command("resume", clerk(), at("2026-06-12", "17:00")));
  run.exec(s.board, command("extend", head(), at("2026-07-03", "10:00"),
                            {{"working_days", 10}, {"reason", "需补充抗风荷载论证，已书面告知申请人"}}));
  run.exec(s.board, command("record_inspection", clerk(), at("2026-07-20", "15:00"),
                            {{"inspectors", {"执法-张伟", "执法-陈静"}}, {"findings", "结构与效果图一致"}}));
  run.exec(s.board, command("decide", head(), at("2026-07-21", "10:00"), {{"outcome", "approved"}}));
  run.exec(s.board, command("issue_certificate", clerk(), at("2026-07-22", "09:00")));
  engine.run_due(at("2026-07-22", "23:59"));

  // 3. Construction waste (建筑垃圾处置): filed on Friday before National Day, nobody answers within 5
  //    working days → deemed accepted; the review then runs late: yellow, and red on a Sunday.
  json waste_app = application("construction_waste", haulage_company(), at("2026-09-18", "16:30"),
                               waste_facts(), json::array());
  waste_app["materials"] = complete_materials(engine, waste_app);
  s.waste = run.submit(waste_app);
  for (const char* now :
       {"2026-09-25T00:00:00+08:00", "2026-10-09T00:00:00+08:00", "2026-10-11T00:00:00+08:00"}) {
    const json fired = json::parse(engine.run_due(now));
    out << "\nrun_due(" << now << "): " << fired.size() << " timer(s) fired";
    for (const auto& f : fired)
      out << "  [" << f["kind"].get<std::string>() << "/" << f["clock"].get<std::string>() << "]";
  }
  out << "\n";
  run.exec(s.waste, command("record_opinion", reviewer("traffic_police"), at("2026-10-12", "10:00"),
                            opinion("traffic_police", "approve", "限22时至次日5时运输")));
  run.exec(s.waste,
           command("record_inspection", clerk(), at("2026-10-12", "15:00"),
                   {{"inspectors", {"执法-刘洋", "执法-陈静"}}, {"findings", "出入口硬化、冲洗平台齐全"}}));
  run.exec(s.waste, command("decide", head(), at("2026-10-13", "10:00"), {{"outcome", "approved"}}));
  run.exec(s.waste, command("issue_certificate", clerk(), at("2026-10-13", "15:00")));
  return s;
}

OtherPaths run_other_paths(Engine& engine, std::ostream& out) {
  Runner run(engine);
  OtherPaths p;
  const json ad = ad_company();
  const json signed_promise = {{"signed_by", "法定代表人-周敏"},
                               {"signed_at", at("2026-11-02", "09:20")},
                               {"text_sha256", std::string(64, '0')}};
  auto without = [&](const json& app, const std::vector<std::string>& drop) {
    json out_mats = json::array();
    for (const auto& m : complete_materials(engine, app))
      if (std::find(drop.begin(), drop.end(), m["id"].get<std::string>()) == drop.end())
        out_mats.push_back(m);
    return out_mats;
  };
  // 4. 容缺受理: the rendering (a tolerable item) follows within the supply period.
  json ad_app = application("outdoor_advertising", ad, at("2026-11-02", "09:30"), ad_facts(), json::array());
  ad_app["materials"] = without(ad_app, {"rendering"});
  const json notice = json::parse(engine.precheck(ad_app.dump()));
  out << "\n容缺受理 tolerant acceptance: the window may tolerate";
  for (const auto& i : notice["tolerable"]) out << " " << i.get<std::string>();
  out << "\n";
  auto tolerance = [&](const std::string& supply_by) {
    return json{
        {"tolerance", {{"items", {"rendering"}}, {"supply_by", supply_by}, {"commitment", signed_promise}}}};
  };
  p.supplied = run.submit(ad_app);
  run.exec(p.supplied, command("accept", clerk(), at("2026-11-02", "10:00"), tolerance("2026-11-13")));
  run.exec(p.supplied, command("supply", as_applicant(ad), at("2026-11-06", "15:00"),
                               {{"materials", {pdf("rendering")}}}));
  run.exec(p.supplied, command("record_inspection", clerk(), at("2026-11-09", "10:00"),
                               inspection("设施位置、规格与设计图一致")));
  run.exec(p.supplied, command("decide", head(), at("2026-11-10", "10:00"), {{"outcome", "approved"}}));
  run.exec(p.supplied, command("issue_certificate", clerk(), at("2026-11-11", "09:00")));
  // 5. The same path, but the rendering never comes: terminated (终止) at 00:00 after supply_by.
  ad_app["at"] = at("2026-11-02", "09:40");
  p.lapsed = run.submit(ad_app);
  run.exec(p.lapsed, command("accept", clerk(), at("2026-11-02", "10:10"), tolerance("2026-11-13")));
  // 6. 告知承诺: the transport contract and the vehicle rules replaced by a commitment; decided on it, the
  //    verification finds the contract does not exist.
  json waste_app = application("construction_waste", haulage_company(), at("2026-11-02", "14:00"),
                               waste_facts(), json::array());
  waste_app["materials"] = without(waste_app, {"transport_contract", "vehicle_management_rules"});
  waste_app["commitment"] = signed_promise;
  waste_app["commitment"]["items"] = {"transport_contract", "vehicle_management_rules"};
  p.committed = run.submit(waste_app);
  run.exec(p.committed, command("accept", clerk(), at("2026-11-02", "15:00")));
  run.exec(p.committed, command("record_opinion", reviewer("traffic_police"), at("2026-11-03", "10:00"),
                                opinion("traffic_police", "approve", "限22时至次日5时运输")));
  run.exec(p.committed, command("record_inspection", clerk(), at("2026-11-03", "15:00"),
                                inspection("出入口硬化、冲洗平台齐全")));
  run.exec(p.committed, command("decide", head(), at("2026-11-04", "10:00"), {{"outcome", "approved"}}));
  run.exec(p.committed, command("issue_certificate", clerk(), at("2026-11-04", "15:00")));
  const json fired = json::parse(engine.run_due(at("2026-11-14", "00:00")));
  out << "run_due(2026-11-14T00:00): " << fired.size() << " timer(s) fired";
  for (const auto& f : fired)
    out << "  [" << f["kind"].get<std::string>() << "/" << f["clock"].get<std::string>() << "]";
  out << "\n";
  run.exec(p.committed,
           command("record_verification", clerk(), at("2026-11-20", "10:00"),
                   {{"result", "false"}, {"method", "data_sharing"}, {"note", "运输合同经核查不存在"}}));
  return p;
}

namespace {

/// The working day `n` working days before `today` (n ≥ 1).
Date working_days_before(const WorkingCalendar& cal, Date today, int n) {
  Date d = today;
  while (n > 0) {
    d = d - 1;
    if (cal.is_working_day(d)) --n;
  }
  return d;
}

}  // namespace

std::vector<std::string> seed_complaints(Engine& engine, Date today) {
  const WorkingCalendar& cal = engine.calendar();
  auto t = [&](int n, const std::string& hm) {
    return at(working_days_before(cal, today, n).to_string(), hm);
  };
  const json me = resident();
  const json li = {{"id", "居民-李明"}, {"name", "李明"}};
  const json chen = {{"id", "居民-陈华"}, {"name", "陈华"}};
  const json verified = {{"verified", true}, {"note", "网格员现场核实"}};
  Runner run(engine);
  std::vector<std::string> made;
  auto file = [&](const json& app) {
    made.push_back(run.submit(app));
    return made.back();
  };
  // Registered (verified) and dispatched by the table, at the given times.
  auto to_unit = [&](const std::string& id, const std::string& reg, const std::string& disp) {
    run.exec(id, command("register", dispatcher(), reg, verified));
    run.exec(id, command("dispatch", dispatcher(), disp));
  };

  // received: the resident's report from the portal this morning, awaiting verification.
  file(complaint("help", me, t(1, "16:40"), "portal", "小区门口路灯不亮，夜间行人摔倒",
                 "幸福路88号幸福小区东门"));
  // registered: a suggestion on the hotline, not yet dispatched.
  {
    const std::string id = file(complaint("suggestion", li, t(2, "10:00"), "hotline",
                                          "建议在菜市场旁增设非机动车停放点", "城南菜市场"));
    run.exec(id, command("register", dispatcher(), t(2, "10:30"), verified));
  }
  // The complaints the table dispatched: filed, registered and dispatched at the given times, then taken on
  // by the unit's steps. One row a case, in the order they are filed.
  struct Dispatched {
    json complaint;
    std::string registered, dispatched;
    std::vector<json> steps;
  };
  const std::vector<Dispatched> dispatched = {
      // dispatched: a consultation with the service centre.
      {complaint("consultation", chen, t(1, "09:00"), "hotline", "咨询店招店牌设置需要办理哪些手续",
                 "人民路店铺"),
       t(1, "09:10"),
       t(1, "09:20"),
       {}},
      // handling: the resident's report of overflowing bins, with the sanitation office.
      {complaint("help", me, t(3, "08:50"), "portal", "垃圾桶满溢三天无人清运", "幸福小区北门垃圾收集点"),
       t(3, "09:30"),
       t(3, "10:00"),
       {command("start_handling", handler("sanitation"), t(2, "09:00"), {{"note", "已安排清运车辆"}})}},
      // red: exposed garbage (4 working hours) dispatched two days ago and still not replied to.
      {complaint("exposed_garbage", li, t(2, "09:00"), "wechat", "路边堆放大量生活垃圾，气味难闻",
                 "建设路与解放路交叉口"),
       t(2, "09:15"),
       t(2, "09:30"),
       {}},
      // escalated: a complaint about night-time construction noise, a major case for the leadership.
      {complaint("complaint", chen, t(4, "11:00"), "hotline", "工地夜间施工噪声扰民，多次反映未解决",
                 "城东新区某工地"),
       t(4, "11:30"),
       t(4, "14:30"),
       {command("start_handling", handler("law_enforcement"), t(3, "09:00")),
        command("escalate", handler("law_enforcement"), t(2, "15:00"),
                {{"reason", "涉及多家施工单位，需局领导协调住建部门"}})}},
      // returned: a report the enforcement brigade says is the sanitation office's duty; awaiting
      // re-dispatch.
      {complaint("report", li, t(2, "14:00"), "hotline", "举报有人向河道倾倒垃圾", "城西河道桥下"),
       t(2, "14:20"),
       t(2, "14:40"),
       {command("return", handler("law_enforcement"), t(1, "10:00"),
                {{"reasons", "河道垃圾清理属环境卫生管理所职责，非本单位职责"}})}},
      // replied: awaiting the dispatcher's check.
      {complaint("consultation", me, t(3, "14:10"), "portal", "咨询门前绿化带能否改为停车位", "幸福小区南门"),
       t(3, "14:20"),
       t(3, "14:30"),
       {command("start_handling", handler("service_center"), t(3, "15:00")),
        command("reply", handler("service_center"), t(2, "10:00"),
                {{"reply", "绿化带属公共绿地，不得改作停车位；已告知可使用的公共停车场"}})}},
      // closed: handled, checked and closed; the call-back rating is still to come.
      {complaint("help", me, t(6, "09:00"), "portal", "人行道井盖缺失", "幸福路与和平路口"),
       t(6, "09:20"),
       t(6, "09:40"),
       {command("start_handling", handler("sanitation"), t(6, "10:00")),
        command("reply", handler("sanitation"), t(5, "11:00"), {{"reply", "已补装井盖并设置警示"}}),
        command("check", dispatcher(), t(4, "10:00"), {{"passed", true}, {"note", "现场核查已整改"}}),
        command("close", dispatcher(), t(4, "10:30"))}},
      // rated: satisfied.
      {complaint("exposed_garbage", chen, t(8, "09:00"), "hotline", "公交站旁垃圾散落", "汽车站公交站台"),
       t(8, "09:05"),
       t(8, "09:10"),
       {command("start_handling", handler("sanitation"), t(8, "09:30")),
        command("reply", handler("sanitation"), t(8, "11:00"), {{"reply", "已清理完毕"}}),
        command("check", dispatcher(), t(8, "15:00"), {{"passed", true}, {"note", "已清理"}}),
        command("close", dispatcher(), t(8, "15:10")),
        command("rate", dispatcher(), t(7, "10:00"), {{"rating", 5}, {"comment", "回访：处理及时"}})}},
      // reopened: the resident rated the handling badly; rectification within 15 working days.
      {complaint("complaint", me, t(9, "09:00"), "portal", "夜市占道经营，油烟扰民", "幸福路夜市"),
       t(9, "09:30"),
       t(9, "10:00"),
       {command("start_handling", handler("law_enforcement"), t(8, "09:00")),
        command("reply", handler("law_enforcement"), t(6, "16:00"), {{"reply", "已责令摊主规范经营"}}),
        command("check", dispatcher(), t(5, "10:00"), {{"passed", true}, {"note", "现场已无占道"}}),
        command("close", dispatcher(), t(5, "10:30")),
        command("rate", as_reporter(me), t(3, "20:00"), {{"rating", 2}, {"comment", "晚上又恢复占道了"}})}},
  };
  for (const Dispatched& d : dispatched) {
    const std::string id = file(d.complaint);
    to_unit(id, d.registered, d.dispatched);
    for (const json& step : d.steps) run.exec(id, step);
  }
  return made;
}

json seed(Engine& engine, Date today, const std::string& now_rfc3339) {
  std::ostream quiet(nullptr);  // no stream buffer: the stories' narration is dropped
  run_stories(engine, quiet);

  const WorkingCalendar& cal = engine.calendar();
  // t(n, "HH:MM"): a time on the n-th working day before today. Each case below runs from larger n to
  // smaller n (and, on one day, from earlier to later hours), so no step is dated before the previous one.
  auto day = [&](int n) { return working_days_before(cal, today, n).to_string(); };
  auto t = [&](int n, const std::string& hm) { return at(day(n), hm); };
  const std::string soon = (today + 10).to_string();
  const std::string later = (today + 40).to_string();
  const json gas = gas_company(), ad = ad_company(), haul = haulage_company();
  Runner run(engine);

  auto complete = [&](const std::string& permit, const json& who, const std::string& when,
                      const json& facts) {
    json app = application(permit, who, when, facts, json::array());
    app["materials"] = complete_materials(engine, app);
    return run.submit(app);
  };
  auto road_opinions = [&](const std::string& id, int n) {
    run.exec(id, command("record_opinion", reviewer("municipal_roads"), t(n, "10:00"),
                         opinion("municipal_roads", "approve", "按原结构恢复路面，恢复后报验")));
    run.exec(id, command("record_opinion", reviewer("traffic_police"), t(n, "15:00"),
                         opinion("traffic_police", "approve", "设置围挡和导向标志")));
  };

  // submitted: a complete billboard application received yesterday, awaiting the acceptance check.
  complete("outdoor_advertising", ad, t(1, "09:30"), ad_facts());

  // awaiting_correction: a road excavation with only the application form; the clerk sent the notice.
  {
    json app = application("road_excavation", gas, t(3, "10:00"), road_facts(soon, later), json::array());
    app["materials"] = json::array({complete_materials(engine, app)[0]});
    const std::string id = run.submit(app);
    run.exec(id, command("request_correction", clerk(), t(2, "11:00")));
  }
  // not_accepted: the disposal site is outside the county's registry.
  {
    const std::string id = complete("construction_waste", haul, t(6, "09:00"), waste_facts());
    run.exec(id, command("reject", clerk(), t(5, "15:00"),
                         {{"reason", "消纳场所不在本县建筑垃圾消纳场名录内，不属于本机关受理范围"}}));
  }
  // under_review, green: accepted yesterday, both departments still to give their opinion.
  {
    const std::string id = complete("road_excavation", gas, t(2, "09:00"), road_facts(soon, later));
    run.exec(id, command("accept", clerk(), t(1, "10:00")));
  }
  // under_review, yellow: the promised limit ends tomorrow; traffic police has not answered.
  {
    const std::string id = complete("construction_waste", haul, t(4, "09:00"), waste_facts());
    run.exec(id, command("accept", clerk(), t(4, "11:00")));
  }
  // under_review, red: municipal roads approved, traffic police is late.
  {
    const std::string id = complete("road_excavation", gas, t(9, "09:00"), road_facts(soon, later));
    run.exec(id, command("accept", clerk(), t(9, "14:00")));
    run.exec(id, command("record_opinion", reviewer("municipal_roads"), t(7, "10:00"),
                         opinion("municipal_roads", "approve", "同意开挖，注意地下燃气管线")));
  }
  // under_review, extended by the head: both opinions in, the site inspection waits for the weather.
  {
    const std::string id = complete("road_excavation", gas, t(8, "09:00"), road_facts(soon, later));
    run.exec(id, command("accept", clerk(), t(8, "10:00")));
    road_opinions(id, 6);
    run.exec(id, command("extend", head(), t(3, "16:00"),
                         {{"working_days", 5}, {"reason", "连续降雨无法现场勘查，已书面告知申请人"}}));
  }
  // suspended: expert review of the structure stops the clock.
  {
    const std::string id = complete("outdoor_advertising", ad, t(7, "09:00"), ad_facts());
    run.exec(id, command("accept", clerk(), t(7, "10:30")));
    run.exec(
        id,
        command("suspend", clerk(), t(3, "09:00"),
                {{"reason", "expert_review"}, {"expected_working_days", 10}, {"notice", "专家论证告知书"}}));
  }
  // approved: the certificate is still to be issued.
  {
    const std::string id = complete("construction_waste", haul, t(6, "09:30"), waste_facts());
    run.exec(id, command("accept", clerk(), t(6, "11:00")));
    run.exec(id, command("record_opinion", reviewer("traffic_police"), t(4, "10:00"),
                         opinion("traffic_police", "approve", "限22时至次日5时运输")));
    run.exec(id,
             command("record_inspection", clerk(), t(3, "14:00"), inspection("车辆密闭、行车记录仪齐全")));
    run.exec(id, command("decide", head(), t(2, "10:00"), {{"outcome", "approved"}}));
  }
  // denied: a large billboard on the roof of a three-storey building (roof_prohibited).
  {
    const std::string id = complete("outdoor_advertising", ad, t(7, "14:00"), ad_facts(true, 3));
    run.exec(id, command("accept", clerk(), t(7, "15:00")));
    run.exec(id, command("record_inspection", clerk(), t(5, "10:00"), inspection("设置位置为三层建筑屋顶")));
    run.exec(id, command("decide", head(), t(4, "10:00"),
                         {{"outcome", "denied"}, {"reasons", "三层以下建筑物屋顶不得设置大型户外广告设施"}}));
  }
  // issued: works start soon.
  {
    const std::string id = complete("road_excavation", gas, t(10, "09:00"), road_facts(soon, later));
    run.exec(id, command("accept", clerk(), t(10, "10:00")));
    road_opinions(id, 8);
    run.exec(id, command("record_inspection", clerk(), t(7, "09:30"), inspection("现场与申请一致")));
    run.exec(id, command("decide", head(), t(6, "10:00"), {{"outcome", "approved"}}));
    run.exec(id, command("issue_certificate", clerk(), t(5, "09:00")));
  }
  // withdrawn by the applicant.
  {
    const std::string id = complete("outdoor_advertising", ad, t(5, "09:00"), ad_facts());
    run.exec(id, command("withdraw", as_applicant(ad), t(4, "16:00"), {{"reason", "广告合同取消"}}));
  }
  // revoked: the haulier kept leaving the approved route.
  {
    const std::string id = complete("construction_waste", haul, t(12, "09:00"), waste_facts());
    run.exec(id, command("accept", clerk(), t(12, "10:00")));
    run.exec(id, command("record_opinion", reviewer("traffic_police"), t(10, "10:00"),
                         opinion("traffic_police", "approve", "按核准路线运输")));
    run.exec(id, command("record_inspection", clerk(), t(9, "10:00"), inspection("出入口冲洗设施齐全")));
    run.exec(id, command("decide", head(), t(8, "10:00"), {{"outcome", "approved"}}));
    run.exec(id, command("issue_certificate", clerk(), t(7, "09:00")));
    run.exec(id, command("revoke", head(), t(1, "11:00"), {{"reason", "运输车辆多次未按核准路线行驶"}}));
  }
  // expired: the permitted works ended two working days ago (fires in the run_due below).
  {
    const std::string id = complete("road_excavation", gas, t(20, "09:00"), road_facts(day(12), day(3)));
    run.exec(id, command("accept", clerk(), t(20, "10:00")));
    road_opinions(id, 19);
    run.exec(id, command("record_inspection", clerk(), t(18, "09:30"), inspection("现场与申请一致")));
    run.exec(id, command("decide", head(), t(17, "10:00"), {{"outcome", "approved"}}));
    run.exec(id, command("issue_certificate", clerk(), t(16, "09:00")));
  }
  // deemed accepted: nobody answered within 5 working days; the review clock is red by now.
  complete("construction_waste", haul, t(8, "16:00"), waste_facts());

  seed_complaints(engine, today);
  engine.run_due(now_rfc3339);

  json made = json::array();
  std::string after;
  while (true) {
    json q = {{"limit", 100}};
    if (!after.empty()) q["after"] = after;
    const json page = json::parse(engine.query(q.dump()));
    for (const auto& c : page["cases"])
      if (c.value("kind", "permit") == "complaint")
        made.push_back(
            {{"case", c["id"]}, {"kind", "complaint"}, {"category", c["category"]}, {"state", c["state"]}});
      else
        made.push_back(
            {{"case", c["id"]}, {"kind", "permit"}, {"permit", c["permit"]}, {"state", c["state"]}});
    if (page["next"].is_null()) break;
    after = page["next"];
  }
  return made;
}

}  // namespace permitflow::demo
