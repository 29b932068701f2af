// What opening a database means for both backends, written once: the shape of a schema migration (the same
// versions and meaning in both; docs/log_format.md §5), the SQL that records one, the open option both
// check, and the refusal of a schema newer than this build.
#pragma once

#include <string>

#include "store/store.hpp"

namespace permitflow::store {

/// One forward step of the schema: `sql` brings a database at version `version - 1` to `version`.
struct Migration {
  int version;
  const char* description;
  const char* sql;
};

/// The table of the migrations applied, and the row each one adds ($1 version, $2 description).
inline constexpr const char* kSchemaVersionTable =
    "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL PRIMARY KEY, description TEXT NOT "
    "NULL)";
inline constexpr const char* kRecordMigration =
    "INSERT INTO schema_version (version, description) VALUES ($1, $2)";

/// Throws Error(invalid_argument) for a negative busy_timeout_ms.
void check_busy_timeout(const StoreConfig& config);

/// Throws Error(storage) when `current` is newer than `latest`: an old build never writes to a newer schema.
/// `database` names the database in the message ("The database 'x'").
void refuse_newer_schema(const std::string& database, int current, int latest);

}  // namespace permitflow::store
