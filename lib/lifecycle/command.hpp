// A command on a case (docs/contract.md), parsed and checked for shape before anything else (refusal order:
// docs/contract.md §3).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "case/case.hpp"

namespace permitflow {

struct Command {
  CommandType type = CommandType::accept;
  Actor actor;
  Instant at;
  std::optional<std::int64_t> expected_version;
  std::string command_id;
  nlohmann::json body;  // the whole command, its type-specific fields validated
};

/// Parses a command: known type, actor, RFC 3339 `at`, and exactly the fields of its type with the right
/// types and sizes. Throws Error(invalid_argument) naming the field.
Command parse_command(std::string_view text);

/// Role and ownership (docs/contract.md §4). Throws Error(permission_denied).
void authorize(const Case& c, const Command& cmd);

/// Who may file a case of `kind` for `owner_id`: for a permit the applicant itself, a clerk or a head; for a
/// complaint the reporter itself (from `source` portal or wechat only) or a dispatcher.
void authorize_submit(const Actor& actor, const std::string& owner_id, Kind kind,
                      std::string_view source = {});

}  // namespace permitflow
