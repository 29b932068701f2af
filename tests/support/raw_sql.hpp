// Runs SQL on a test's database behind the engine's back (to tamper with it or corrupt a row), on either
// backend.
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <string>

#include "support/test_database.hpp"

namespace permitflow::testing {

inline void exec_sql(const TestDatabase& db, const std::string& sql) {
  if (db.backend() == "sqlite") {
    SQLite::Database c(db.url(), SQLite::OPEN_READWRITE);
    c.exec(sql);
    return;
  }
#if PERMITFLOW_WITH_POSTGRES
  pqxx::connection c(db.url());
  pqxx::work w(c);
  w.exec(sql);
  w.commit();
#endif
}

}  // namespace permitflow::testing
