// Typed reads of a case document (docs/contract.md §7): its id, kind, subject, state, version and clocks,
// so a C++ host needs no JSON library for the common questions. The whole document stays in `json`.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "permitflow/case.hpp"
#include "permitflow/export.hpp"

namespace permitflow {

/// One legal clock of a case, as the case document shows it.
struct Deadline {
  /// The clock's name: "acceptance_notice", "correction", "decision", "issuance" for a permit; "handling",
  /// "review", "return" for a complaint.
  std::string clock;
  /// The due: a date "YYYY-MM-DD" for a permit's clock, an RFC 3339 time for a complaint's.
  std::string due;
  /// The light; nullopt for a clock that has none (a complaint's return window).
  std::optional<Light> light;
  /// The decision clock's statutory due and light (法定时限); empty and nullopt for every other clock.
  std::string statutory_due;
  std::optional<Light> statutory_light;
  /// Working days an extension added (the decision clock; 0 elsewhere).
  int extended_working_days = 0;
  /// True when the due lies in a year whose official calendar is not loaded.
  bool provisional = false;
};

/// The common fields of a case document.
struct PERMITFLOW_EXPORT CaseInfo {
  std::string id;
  Kind kind = Kind::permit;
  std::string subject;  // the permit type (`permit`) or the complaint category (`category`)
  State state = State::submitted;
  std::int64_t version = 0;         // the number of events
  std::vector<Deadline> deadlines;  // the clocks that are set, in the document's order
  std::vector<std::string> flags;   // e.g. "protected_road", "renewal_late"
  std::string json;                 // the whole case document

  /// The clock named `clock`, or nullptr when it is not set.
  const Deadline* deadline(std::string_view clock) const noexcept;

  /// Reads a case document as submit, execute, get_case and query return it. Throws Error(invalid_argument)
  /// when `case_json` is not one.
  static CaseInfo parse(std::string_view case_json);
};

}  // namespace permitflow
