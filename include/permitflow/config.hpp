// The engine's configuration as a typed value: one field per key of the config JSON (docs/contract.md §2).
// `Engine(const Config&)` and `Engine(std::string_view config_json)` open the same engine and refuse the same
// values with the same messages.
#pragma once

#include <string>

#include "permitflow/export.hpp"

namespace permitflow {

struct Config {
  /// Required. A SQLite file path (created when missing; an existing file reopens with every case, timer
  /// and event), or a postgresql:// URL (docs/deployment.md; needs a build with PERMITFLOW_WITH_POSTGRES).
  std::string database;
  /// A folder of definition files loaded over the compiled-in definitions (docs/definitions.md). Empty:
  /// the compiled-in ones only.
  std::string definitions_dir;
  /// A calendar file merged year by year over the compiled-in years (docs/calendar.md). Empty: none.
  std::string calendar_file;
  /// The bureau's zone, minutes east of UTC (−720…840): what a date means, where a day starts and ends.
  int utc_offset_minutes = 480;
  /// The county's six-digit administrative division code, the first part of every case id.
  std::string county_code = "000000";
  /// SQLite only: "full" syncs every commit to disk; "normal" may lose the last commits on a power cut.
  std::string synchronous = "full";
  /// PostgreSQL only: the connections this engine keeps to the server (1…256).
  int pool_size = 4;
  /// The text log's threshold: trace, debug, info, warn, error, critical or off.
  std::string log_level = "warn";
  /// Feed records every consumer has passed and older than this many days are pruned; 0 keeps them all
  /// (docs/feed.md).
  int feed_retention_days = 90;
};

/// Checks every field as the config JSON is checked. Throws Error(invalid_argument) naming the field
/// ("/county_code", …).
PERMITFLOW_EXPORT void validate(const Config& config);

}  // namespace permitflow
