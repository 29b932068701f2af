// The weekly supervision report (docs/operations.md) in three steps: the request is parsed into a typed
// Request; one pass over the logs hands each case to the Section of its kind's workflow, which tallies it
// into typed figures; the sections then write their parts of the JSON document, and the CSV is read from that
// document. Each workflow's section is its own module (report_permit.cpp, report_complaint.cpp), registered
// in one table in report.cpp (docs/architecture.md, "Kinds as workflows").
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/engine_impl.hpp"

namespace permitflow::report {

struct Week {
  Date monday;
  Date sunday;
  Date dated;  // the first working day on or after the next Monday, when the report is issued
  Instant from;
  Instant to;  // exclusive: the next Monday 00:00
};

enum class Format { json, csv };

struct Request {
  Week week;
  Format format = Format::json;
  // With an actor, only the cases it may see, and reporters' names only where it may see them (policy.md).
  std::optional<Actor> actor;
};

/// Parses {"week", "format"?, "actor"?}. Throws Error(invalid_argument) naming the field.
Request parse_request(std::string_view text, const WorkingCalendar& cal, int utc_offset_minutes);

/// One case's log up to the end of the week (a log is in time order: a command earlier than the case's
/// latest event is refused), with the instant of each event.
struct CaseLog {
  std::span<const store::EventRecord> upto;
  std::vector<Instant> at;  // at[i] is when upto[i] happened
  Instant week_from;
  bool reporter_shown = true;  // whether the request's actor may see the case's reporter

  bool in_week(std::size_t i) const { return at[i] >= week_from; }
  /// Calls f(i, upto[i], its type) for each event of the week, in log order.
  template <class F>
  void each_in_week(F&& f) const {
    for (std::size_t i = 0; i < upto.size(); ++i) {
      if (in_week(i)) f(i, upto[i], logged_event_type(upto[i].type));
    }
  }
};

/// One workflow's part of the report.
class Section {
 public:
  virtual ~Section() = default;
  /// Counts one case of this kind (its log up to the end of the week is not empty).
  virtual void tally(const CaseLog& log) = 0;
  /// Writes its keys into the report document.
  virtual void write_json(nlohmann::json& out) = 0;
  /// Appends its CSV tables, read from the document write_json filled.
  virtual void write_csv(const nlohmann::json& out, std::string& csv) const = 0;

 protected:
  Section(const Engine::Impl& m, const Request& r) : m_(m), week_(r.week) {}
  /// The case as its log leaves it, its clocks and lights as of the end of the week (00:00 of the next
  /// Monday, before anything happens on it).
  Case at_week_end(const CaseLog& log) const;

  const Engine::Impl& m_;
  const Week week_;
};

std::unique_ptr<Section> permit_section(const Engine::Impl& m, const Request& r);
std::unique_ptr<Section> complaint_section(const Engine::Impl& m, const Request& r);

/// One CSV line; cells that a spreadsheet would read as a formula are made text (docs/security.md).
std::string csv_line(const std::vector<std::string>& fields);
/// A JSON value as one CSV cell: null is empty, a string as it is, a list its items joined by ';'.
std::string csv_cell(const nlohmann::json& v);
/// A table: a header line, then one line per row, each line led by `name`. With a `key_column`, `rows` is an
/// object and each row's key fills that column.
void csv_table(std::string& csv, const std::string& name, const nlohmann::json& rows,
               std::span<const char* const> columns, const char* key_column = nullptr);

double round2(double x);

}  // namespace permitflow::report
