// The PostgreSQL backend of the Store (libpqxx 6). Several engine processes may share one database: each
// command locks its case row (SELECT … FOR UPDATE), timers are claimed with FOR UPDATE SKIP LOCKED, and the
// ledger table is locked only while a committing transaction chains its events, so the ledger stays one
// line. The schema is created and migrated forward on open under an advisory lock (docs/deployment.md).
//
// Thread-safety: a PostgresStore may be used from many threads at once (a pool of `pool_size`
// connections); each Transaction must be used by one thread at a time and destroyed before the store.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "store/migration.hpp"
#include "store/store.hpp"

namespace permitflow::store {

/// Every migration of the PostgreSQL schema, in order (same versions and meaning as the SQLite ones).
std::span<const Migration> postgres_migrations();
int postgres_latest_schema_version();

/// True for the database strings the PostgreSQL backend handles (postgresql:// and postgres:// URLs);
/// defined in open_store.cpp, so a build without the backend still recognises them.
bool is_postgres_url(std::string_view database);

class PostgresStore final : public DatabaseStore {
 public:
  /// Connects to `config.database` (a libpq URL), each migration under an advisory lock. Throws
  /// Error(invalid_argument) for a bad pool_size or busy_timeout_ms, and Error(storage) when the server
  /// cannot be reached or migrated, or its schema is newer than this build.
  explicit PostgresStore(const StoreConfig& config, int migrate_to = -1);
  ~PostgresStore() override;

  std::unique_ptr<Transaction> begin_write() override;
  std::unique_ptr<Transaction> begin_read() override;
  /// The first transaction exports its snapshot (pg_export_snapshot) and the others import it (SET
  /// TRANSACTION SNAPSHOT); only connections the pool has to spare at once are taken beyond the first.
  std::vector<std::unique_ptr<Transaction>> begin_reads(int n) override;
  int schema_version() override;
  /// Connections currently open (idle or in use); never more than pool_size.
  std::size_t open_connections();

  /// A pqxx connection (defined in postgres_store.cpp).
  struct Connection;

 private:
  friend class PostgresTransaction;

  /// A connection from the pool, opening one when fewer than pool_size are open; waits up to
  /// busy_timeout_ms for one to come back otherwise.
  std::unique_ptr<Connection> acquire();
  /// A connection only if one is idle or may be opened now; null otherwise.
  std::unique_ptr<Connection> try_acquire();
  /// An idle connection, or a new one (the caller checked there is room); `lock` holds pool_mutex_.
  std::unique_ptr<Connection> take(std::unique_lock<std::mutex>& lock);
  /// Hands a connection back; a broken one is closed instead, making room for a fresh one.
  void release(std::unique_ptr<Connection> c) noexcept;
  std::unique_ptr<Connection> connect();

  std::string display_;  // the URL without its password, for messages
  std::mutex pool_mutex_;
  std::condition_variable pool_free_;
  std::vector<std::unique_ptr<Connection>> idle_;
  std::size_t open_ = 0;
};

}  // namespace permitflow::store
