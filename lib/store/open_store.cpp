// The Store factory: picks the backend from the database string of the config.
#include <string_view>

#include "permitflow/error.hpp"
#include "store/postgres_store.hpp"
#include "store/sqlite_store.hpp"
#include "store/store.hpp"

namespace permitflow::store {

std::unique_ptr<Store> open_store(const StoreConfig& config) {
  const std::string_view db = config.database;
  if (is_postgres_url(db)) return std::make_unique<PostgresStore>(config);
  if (db.empty()) {
    throw Error(ErrorCode::invalid_argument,
                "The database is missing: give a SQLite file path or a postgresql:// URL.", "/database");
  }
  return std::make_unique<SqliteStore>(config);
}

}  // namespace permitflow::store
