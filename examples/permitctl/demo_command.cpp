// `permitctl demo`: the one-stop window of a county urban-management bureau, one case of each permit from
// the application to the certificate, on a fresh SQLite file, told as a timeline.
#include <unistd.h>
#include <CLI/CLI.hpp>
#include <filesystem>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "demo_cases.hpp"
#include "permitflow/engine.hpp"

namespace permitctl {
namespace {

using nlohmann::json;

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
    {"supplied", "容缺补齐 tolerated materials supplied"},
    {"terminated", "终止 terminated"},
    {"verification_recorded", "承诺核查 commitment verified"},
    {"credit_flagged", "失信记录 reported to the credit system"},
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
    return "accepted_on " + d["accepted_on"].get<std::string>() +
           (d.contains("tolerance") ? ", 容缺 supply by " + d["tolerance"]["supply_by"].get<std::string>()
                                    : "");
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
  if (t == "supplied") return d["pending"].get<bool>() ? "still outstanding" : "all tolerated items in order";
  if (t == "terminated" || t == "revoked") return d["reason"].get<std::string>();
  if (t == "verification_recorded") return d["result"].get<std::string>();
  if (t == "credit_flagged")
    return d["applicant"]["name"].get<std::string>() + ": " + d["reason"].get<std::string>();
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

int run_demo(const std::string& db) {
  if (std::filesystem::exists(db)) {
    std::cerr << "permitctl demo: '" << db << "' exists; the demo wants a fresh database file\n";
    return 1;
  }
  permitflow::Engine engine(
      permitctl::with_host_options(json{{"database", db}, {"county_code", "320922"}}.dump()));
  std::cout << "permitflow " << permitflow::version()
            << " — demo of the one-stop window (一站式服务窗口), database " << db << "\n";
  // The stories live in examples/common/demo_cases.cpp, shared with `portal --seed-demo`.
  const permitflow::demo::Stories stories = permitflow::demo::run_stories(engine, std::cout);
  for (const std::string& id : {stories.road, stories.board, stories.waste}) print_timeline(engine, id);
  const permitflow::demo::OtherPaths other = permitflow::demo::run_other_paths(engine, std::cout);
  for (const std::string& id : {other.supplied, other.lapsed, other.committed}) print_timeline(engine, id);

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
