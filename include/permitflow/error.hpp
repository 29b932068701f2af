// The one error type of the C++ API.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

#include "permitflow/export.hpp"

namespace permitflow {

/// Why a call failed. The values equal the C API's pf_status (bindings/c/include/permitflow/permitflow.h)
/// and never change.
enum class ErrorCode : int {
  ok = 0,
  invalid_argument = 1,   // malformed or unknown input: JSON, field, permit, command, date
  not_found = 2,          // unknown case
  invalid_state = 3,      // the command does not apply in the case's current state
  permission_denied = 4,  // the actor's role or ownership does not allow it
  conflict = 5,           // expected_version does not match, or a concurrent writer won
  rule_violation = 6,     // the law or the definition forbids it (e.g. incomplete one-time notice)
  storage = 7,            // the database failed; nothing was written
  internal = 8,           // a bug in permitflow
};

/// The contract name of a code ("invalid_argument", …).
PERMITFLOW_EXPORT std::string_view to_string(ErrorCode code) noexcept;

/// Thrown by every permitflow call that fails. what() is a sentence a portal can show to a person;
/// field() is a JSON pointer to the offending input when there is one (e.g. "/materials/2/expires_on").
class PERMITFLOW_EXPORT Error : public std::runtime_error {
 public:
  Error(ErrorCode code, const std::string& message, std::string field = {})
      : std::runtime_error(message), code_(code), field_(std::move(field)) {}

  ErrorCode code() const noexcept { return code_; }
  const std::string& field() const noexcept { return field_; }

 private:
  ErrorCode code_;
  std::string field_;
};

}  // namespace permitflow
