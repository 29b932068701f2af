// The SQLite backend of the Store (SQLiteCpp). One write connection, guarded by a mutex for the whole life of
// a write transaction (BEGIN IMMEDIATE), and a small pool of read-only connections, so that in WAL mode reads
// never wait for a writer. The schema is created and migrated forward on open (docs/log_format.md §5).
//
// Thread-safety: a SqliteStore may be used from many threads at once; each Transaction it hands out must be
// used by one thread at a time and must be destroyed before the store.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "store/migration.hpp"
#include "store/store.hpp"
#include "store/wal_checkpointer.hpp"

namespace permitflow::store {

/// Every migration, in order (index i holds version i + 1).
std::span<const Migration> sqlite_migrations();

/// The schema version a fully migrated database has.
int sqlite_latest_schema_version();

class SqliteStore final : public DatabaseStore {
 public:
  /// Opens (creating if missing) the SQLite file `config.database`, each migration in its own transaction.
  /// Throws Error(invalid_argument) for a bad `synchronous` or `busy_timeout_ms`, and Error(storage) when the
  /// file cannot be opened or migrated, or its schema is newer than this build.
  explicit SqliteStore(const StoreConfig& config, int migrate_to = -1);
  ~SqliteStore() override;

  std::unique_ptr<Transaction> begin_write() override;
  std::unique_ptr<Transaction> begin_read() override;
  /// Each reader takes its snapshot (a first read) while this store holds SQLite's write lock, so no commit
  /// lands between them: Debian's SQLite has no sqlite3_snapshot_open (SQLITE_ENABLE_SNAPSHOT). Waits for
  /// the write lock as begin_write does.
  std::vector<std::unique_ptr<Transaction>> begin_reads(int n) override;
  int schema_version() override;

  /// A connection with its cache of prepared statements (defined in sqlite_store.cpp).
  struct Connection;

  /// The in-process write lock, held by the one open write transaction. A mutex-and-condition gate rather
  /// than std::timed_mutex, whose try_lock_for (pthread_mutex_clocklock) ThreadSanitizer in GCC 12 cannot
  /// see.
  class WriteGate {
   public:
    /// Waits up to `timeout` for the gate; false when it stayed held.
    bool acquire(std::chrono::milliseconds timeout);
    void release() noexcept;

   private:
    std::mutex mutex_;
    std::condition_variable free_;
    bool held_ = false;
  };

 private:
  friend class SqliteTransaction;

  std::unique_ptr<Connection> acquire_reader();
  void release_reader(std::unique_ptr<Connection> reader) noexcept;

  void acquire_write_gate();

  WriteGate write_gate_;
  std::unique_ptr<Connection> writer_;
  std::unique_ptr<WalCheckpointer> checkpointer_;  // after writer_: stopped before the writer closes
  std::mutex pool_mutex_;
  std::vector<std::unique_ptr<Connection>> idle_readers_;
};

}  // namespace permitflow::store
