// The Store factory: picks the backend from the database string of the config.
#include <string_view>

#include "permitflow/error.hpp"
#include "store/postgres_store.hpp"
#include "store/sqlite_store.hpp"
#include "store/store.hpp"

// CMake defines it to 0 when the build has no PostgreSQL backend (PERMITFLOW_WITH_POSTGRES=OFF).
#ifndef PERMITFLOW_WITH_POSTGRES
#define PERMITFLOW_WITH_POSTGRES 1
#endif

namespace permitflow::store {

bool is_postgres_url(std::string_view database) {
  return database.starts_with("postgresql://") || database.starts_with("postgres://");
}

std::unique_ptr<Store> open_store(const StoreConfig& config) {
  const std::string_view db = config.database;
  if (is_postgres_url(db)) {
#if PERMITFLOW_WITH_POSTGRES
    return std::make_unique<PostgresStore>(config);
#else
    throw Error(ErrorCode::invalid_argument,
                "This build of permitflow has no PostgreSQL backend (it was configured with "
                "PERMITFLOW_WITH_POSTGRES=OFF): give a SQLite file path, or use a build with PostgreSQL.",
                "/database");
#endif
  }
  if (db.empty()) {
    throw Error(ErrorCode::invalid_argument,
                "The database is missing: give a SQLite file path or a postgresql:// URL.", "/database");
  }
  return std::make_unique<SqliteStore>(config);
}

}  // namespace permitflow::store
