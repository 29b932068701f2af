// The database a backend-parameterized test runs on: a SQLite file in a fresh temporary folder, or a fresh
// schema on the PostgreSQL server named by PERMITFLOW_TEST_POSTGRES_URL (dropped again at the end).
// Without that variable the PostgreSQL variants skip, unless PERMITFLOW_REQUIRE_POSTGRES=1 (CI), which
// turns a missing server into a failure: PF_REQUIRE_DATABASE(db) does both.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <random>
#include <string>

#include "support/temp_dir.hpp"

// A build without the PostgreSQL backend (PERMITFLOW_WITH_POSTGRES=OFF) has no libpqxx: its PostgreSQL
// variants are never available and skip.
#ifndef PERMITFLOW_WITH_POSTGRES
#define PERMITFLOW_WITH_POSTGRES 1
#endif
#if PERMITFLOW_WITH_POSTGRES
#include <pqxx/pqxx>
#endif

namespace permitflow::testing {

/// The server of the PostgreSQL tests, "" when none is configured.
inline std::string postgres_test_url() {
  const char* url = std::getenv("PERMITFLOW_TEST_POSTGRES_URL");
  return url ? url : "";
}

/// True when a missing PostgreSQL server must fail the tests instead of skipping them.
inline bool postgres_required() {
  const char* v = std::getenv("PERMITFLOW_REQUIRE_POSTGRES");
  return v && std::string(v) == "1";
}

/// `url` with libpq URI parameters appended ("key=value&…", already percent-encoded).
inline std::string with_url_params(const std::string& url, const std::string& params) {
  return url + (url.find('?') == std::string::npos ? "?" : "&") + params;
}

class TestDatabase {
 public:
  /// backend: "sqlite" or "postgresql".
  explicit TestDatabase(const std::string& backend) : backend_(backend) {
    if (backend == "sqlite") {
      url_ = dir_.file("permits.db");
      return;
    }
#if PERMITFLOW_WITH_POSTGRES
    server_ = postgres_test_url();
#endif
    if (server_.empty()) return;
    static std::atomic<int> counter{0};
    std::random_device rd;
    schema_ = "pf_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++) + "_" +
              std::to_string(rd() % 100000);
#if PERMITFLOW_WITH_POSTGRES
    pqxx::connection c(server_);
    pqxx::nontransaction n(c);
    n.exec("CREATE SCHEMA " + schema_);
#endif
    // search_path puts every table of the store in the fresh schema; application_name lets a test find
    // (and terminate) exactly the connections of its own store.
    url_ = with_url_params(server_, "options=-csearch_path%3D" + schema_ + "&application_name=" + schema_);
  }
  ~TestDatabase() {
    if (schema_.empty()) return;
#if PERMITFLOW_WITH_POSTGRES
    try {
      pqxx::connection c(server_);
      pqxx::nontransaction n(c);
      n.exec("DROP SCHEMA IF EXISTS " + schema_ + " CASCADE");
    } catch (...) {  // NOLINT(bugprone-empty-catch): a leftover schema of a throw-away cluster is harmless
    }
#endif
  }
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  /// False when this is PostgreSQL and no server is configured.
  bool available() const { return !url_.empty(); }
  const std::string& backend() const { return backend_; }
  /// The database string for StoreConfig / the engine config.
  const std::string& url() const { return url_; }
  /// The server URL (PostgreSQL) and this database's schema, which is also its connections'
  /// application_name.
  const std::string& server() const { return server_; }
  const std::string& schema() const { return schema_; }
  const TempDir& dir() const { return dir_; }

 private:
  std::string backend_;
  TempDir dir_;
  std::string server_;
  std::string schema_;
  std::string url_;
};

}  // namespace permitflow::testing

/// Skips the test when its database is not available (no PostgreSQL server configured), or fails it when
/// PERMITFLOW_REQUIRE_POSTGRES=1.
#define PF_REQUIRE_DATABASE(db)                                                                \
  do {                                                                                         \
    if (!(db).available()) {                                                                   \
      if (::permitflow::testing::postgres_required()) {                                        \
        FAIL() << "PERMITFLOW_REQUIRE_POSTGRES=1 but PERMITFLOW_TEST_POSTGRES_URL is not set"; \
      }                                                                                        \
      GTEST_SKIP() << "set PERMITFLOW_TEST_POSTGRES_URL to run the PostgreSQL variant";        \
    }                                                                                          \
  } while (0)
