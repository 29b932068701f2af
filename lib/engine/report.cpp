// The weekly supervision report (督查周报, docs/operations.md 电子监察): what came in and went out in a week,
// which cases are yellow or red at its end and who holds them, which are suspended, and how long decisions
// took against the promised limit (承诺时限). Fields and CSV columns: docs/operations.md.
//
// Everything is computed from the event logs, never from the projections' lights: each case is replayed up to
// the end of the week and its clocks evaluated at that instant, so a report of a past week reads the same
// whether or not run_due was called in time.
//
// This file parses the request, walks the logs once handing each case to its workflow's section, and renders
// the document; what each kind counts is in report_permit.cpp and report_complaint.cpp.
#include "engine/report.hpp"

#include <array>
#include <cmath>
#include <utility>

#include "common/json_input.hpp"

namespace permitflow {

using nlohmann::json;
namespace in = input;

namespace report {
namespace {

// The section of each kind's workflow, in the order they appear in the document and the CSV.
using SectionFactory = std::unique_ptr<Section> (*)(const Engine::Impl&, const Request&);
constexpr std::array<std::pair<Kind, SectionFactory>, 2> kSections{
    {{Kind::permit, &permit_section}, {Kind::complaint, &complaint_section}}};

/// Whether a spreadsheet would read the cell as a formula: it begins with = + - @ (or a tab or carriage
/// return, which some strip first) and is not simply a number such as -3.
bool formula_like(const std::string& s) {
  if (s.empty() || std::string_view("=+-@\t\r").find(s[0]) == std::string_view::npos) return false;
  if (s[0] != '-') return true;
  if (s.size() == 1) return false;  // a lone dash is text
  return s.find_first_not_of("0123456789.", 1) != std::string::npos;
}

std::string csv_field(const std::string& raw) {
  // A leading apostrophe makes a formula-like cell text in every spreadsheet (docs/security.md).
  const std::string s = formula_like(raw) ? "'" + raw : raw;
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char ch : s) {
    if (ch == '"') out += '"';
    out += ch;
  }
  return out + "\"";
}

std::string scalar_cell(const json& j) {
  return j.is_null() ? std::string() : j.is_string() ? j.get<std::string>() : j.dump();
}

}  // namespace

Case Section::at_week_end(const CaseLog& log) const {
  Case c = m_.replay(log.upto);
  recompute_deadlines(c, m_.context_of(c), week_.to);
  return c;
}

std::string csv_line(const std::vector<std::string>& fields) {
  std::string line;
  bool first = true;
  for (const auto& f : fields) {
    if (!first) line += ',';
    line += csv_field(f);
    first = false;
  }
  return line + "\n";
}

std::string csv_cell(const json& v) {
  if (!v.is_array()) return scalar_cell(v);
  std::string cell;
  for (const auto& i : v) cell += (cell.empty() ? "" : ";") + scalar_cell(i);
  return cell;
}

void csv_table(std::string& csv, const std::string& name, const json& rows,
               std::span<const char* const> columns, const char* key_column) {
  std::vector<std::string> header{name};
  if (key_column) header.push_back(key_column);
  header.insert(header.end(), columns.begin(), columns.end());
  csv += csv_line(header);
  const auto row = [&](const std::string* key, const json& j) {
    std::vector<std::string> fields{name};
    if (key) fields.push_back(*key);
    for (const char* col : columns) fields.push_back(csv_cell(j.at(col)));
    csv += csv_line(fields);
  };
  if (key_column) {
    for (const auto& [key, j] : rows.items()) row(&key, j);
  } else {
    for (const auto& j : rows) row(nullptr, j);
  }
}

double round2(double x) { return std::round(x * 100.0) / 100.0; }

Request parse_request(std::string_view text, const WorkingCalendar& cal, int off) {
  const json req = in::parse_document(text, "the report request");
  in::only_keys(req, "", {"week", "format", "actor"});
  Request r;
  if (req.contains("actor") && !req["actor"].is_null()) r.actor = parse_actor(req, "actor", "");
  const Date any_day = in::get_date(req, "week", "");
  const std::string format = in::opt_string(req, "format", "", 16).value_or("json");
  if (format != "json" && format != "csv")
    in::fail("/format", "must be \"json\" or \"csv\", not \"" + format + "\"");
  r.format = format == "csv" ? Format::csv : Format::json;

  Week& w = r.week;
  w.monday = any_day - static_cast<int>(any_day.iso_weekday() - 1);
  w.sunday = w.monday + 6;
  w.dated = cal.working_day_on_or_after(w.monday + 7);  // issued once the week is over
  w.from = Instant::start_of_day(w.monday, off);
  w.to = Instant::start_of_day(w.monday + 7, off);
  return r;
}

}  // namespace report

std::string Engine::report(std::string_view report_json) const {
  const Impl& m = *impl_;
  const int off = m.config.utc_offset_minutes;
  const report::Request req = report::parse_request(report_json, m.calendar, off);

  // --- tally: one pass over every case's log, each case counted by its kind's section ----------------------
  std::vector<std::pair<Kind, std::unique_ptr<report::Section>>> sections;
  for (const auto& [kind, make] : report::kSections) sections.emplace_back(kind, make(m, req));
  const auto section_of = [&](Kind kind) -> report::Section& {
    for (auto& [k, s] : sections)
      if (k == kind) return *s;
    throw Error(ErrorCode::internal, "no report section for kind '" + std::string(to_string(kind)) + "'");
  };

  auto tx = m.store->begin_read();
  for (const std::string& id : tx->case_ids()) {
    report::CaseLog log;
    log.week_from = req.week.from;
    if (req.actor) {
      const auto record = tx->load_case(id);
      if (!record) continue;
      const json doc = json::parse(record->document);
      const Audience who = m.audience_of_document(doc, [&] { return m.load_case(*tx, *record); });
      if (!may_see(*req.actor, who, m.definition_of_document(doc))) continue;
      log.reporter_shown = m.reporter_shown(*req.actor, who, doc);
    }
    const auto events = tx->events(id, 0);
    std::size_t n = 0;
    for (; n < events.size(); ++n) {
      const Instant at = Instant::parse_rfc3339(events[n].at);
      if (at >= req.week.to) break;
      log.at.push_back(at);
    }
    if (n == 0) continue;  // received after the week
    log.upto = std::span(events).first(n);
    section_of(Engine::Impl::kind_of_document(json::parse(events.front().data))).tally(log);
  }

  // --- render: the document, then the CSV read from it -----------------------------------------------------
  json out;
  out["week"] = {{"from", req.week.from.to_rfc3339(off)},
                 {"to", req.week.to.to_rfc3339(off)},
                 {"dated", req.week.dated.to_string()}};
  for (auto& [kind, s] : sections) s->write_json(out);
  if (req.format == report::Format::json) return out.dump();

  // One section per table; every line starts with its section's name.
  std::string csv;
  csv += report::csv_line({"report", "from", "to", "dated"});
  csv += report::csv_line({"report", report::csv_cell(out["week"]["from"]),
                           report::csv_cell(out["week"]["to"]), report::csv_cell(out["week"]["dated"])});
  csv += "\n";
  for (const auto& [kind, s] : sections) s->write_csv(out, csv);
  return json{{"csv", csv}}.dump();
}

}  // namespace permitflow
