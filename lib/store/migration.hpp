// What opening a database means for both backends, written once: the schema itself (migrations 1 to 3, the
// same tables in both, each backend naming its column types; docs/log_format.md §5), the
// SQL that records a migration, the open option both check, and the refusal of a schema newer than this
// build.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "store/store.hpp"

namespace permitflow::store {

/// One forward step of the schema: `sql` brings a database at version `version - 1` to `version`.
struct Migration {
  int version;
  const char* description;
  std::string sql;
};

/// The backends, for the words of the shared schema each spells its own way.
enum class Backend { sqlite = 0, postgresql = 1 };

/// Migrations 1 to 3, the same versions and tables in both backends, in the words of `backend`.
std::vector<Migration> shared_migrations(Backend backend);

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

/// What both backends' stores hold and answer alike. Each opens its database in its constructor
/// (config, migrate_to): checks the config, applies the pending migrations up to `migrate_to` (a test hook;
/// -1 applies them all) and refuses a schema newer than this build.
class DatabaseStore : public Store {
 public:
  std::string backend() const final { return std::string(name_); }
  /// The schema version of the open database, read from it now.
  virtual int schema_version() = 0;

 protected:
  DatabaseStore(const StoreConfig& config, std::string_view name) : config_(config), name_(name) {}

  const StoreConfig config_;
  int schema_ = 0;  // the schema version after opening (below the latest only through migrate_to)

 private:
  std::string_view name_;  // "sqlite" or "postgresql"
};

}  // namespace permitflow::store
