// The WAL checkpointer's contract (lib/store/wal_checkpointer.hpp) on a real SQLite file: a commit over the
// threshold is checkpointed by the thread, not by the commit; below it nothing is; past the bound the commit
// checkpoints itself. The database file's size shows whether the WAL's pages reached it.
#include "store/wal_checkpointer.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <chrono>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <thread>

#include "store_test_util.hpp"

namespace permitflow::store {
namespace {

using testing::TempDir;
namespace fs = std::filesystem;

void exec(sqlite3* db, const std::string& sql) {
  char* error = nullptr;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
    const std::string message = error != nullptr ? error : "?";
    sqlite3_free(error);
    throw std::runtime_error(sql + ": " + message);
  }
}

/// A WAL database with one table, the writer connection of the tests.
struct WalFile {
  TempDir dir;
  std::string path = dir.file("wal.db");
  sqlite3* db = nullptr;

  WalFile() {
    if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) != SQLITE_OK)
      throw std::runtime_error("open failed");
    exec(db, "PRAGMA journal_mode = WAL");
    exec(db, "PRAGMA synchronous = FULL");
    exec(db, "CREATE TABLE t (b BLOB)");
    exec(db, "PRAGMA wal_checkpoint(TRUNCATE)");  // the table in the file, the WAL empty
  }
  ~WalFile() { sqlite3_close(db); }

  /// One transaction writing about `pages` pages of 4 KiB.
  void commit_pages(int pages) {
    exec(db, "BEGIN; WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < " +
                 std::to_string(pages) + ") INSERT INTO t SELECT randomblob(3500) FROM n; COMMIT;");
  }
  std::uintmax_t file_size() const { return fs::file_size(path); }
};

/// Waits up to ten seconds for `done`.
template <typename Predicate>
bool eventually(Predicate done) {
  for (int i = 0; i < 1000; ++i) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return done();
}

TEST(WalCheckpointer, ACommitOverTheThresholdIsCheckpointedByTheThread) {
  WalFile f;
  const auto empty = f.file_size();
  WalCheckpointer checkpointer(f.db, f.path, 5000, /*soon_pages=*/20, /*now_pages=*/1000000);
  f.commit_pages(40);
  ASSERT_TRUE(eventually([&] { return checkpointer.background_checkpoints() >= 1; }));
  EXPECT_EQ(checkpointer.inline_checkpoints(), 0u);
  EXPECT_GE(f.file_size(), empty + 40 * 3500);  // the rows reached the database file
}

TEST(WalCheckpointer, BelowTheThresholdNothingIsCheckpointed) {
  WalFile f;
  const auto empty = f.file_size();
  WalCheckpointer checkpointer(f.db, f.path, 5000, /*soon_pages=*/1000, /*now_pages=*/8000);
  f.commit_pages(40);  // SQLite's own automatic checkpoint would not run either: off with the hook
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(checkpointer.background_checkpoints(), 0u);
  EXPECT_EQ(checkpointer.inline_checkpoints(), 0u);
  EXPECT_EQ(f.file_size(), empty);
}

TEST(WalCheckpointer, PastTheBoundTheCommitCheckpointsItself) {
  WalFile f;
  const auto empty = f.file_size();
  WalCheckpointer checkpointer(f.db, f.path, 5000, /*soon_pages=*/1, /*now_pages=*/20);
  f.commit_pages(40);
  // Done before the commit returned: no waiting.
  EXPECT_EQ(checkpointer.inline_checkpoints(), 1u);
  EXPECT_GE(f.file_size(), empty + 40 * 3500);
}

TEST(WalCheckpointer, TheCommittedRowsSurviveTheCheckpointsAndTheStop) {
  WalFile f;
  {
    WalCheckpointer checkpointer(f.db, f.path, 5000, /*soon_pages=*/5, /*now_pages=*/60);
    for (int i = 0; i < 30; ++i) f.commit_pages(7);
  }  // stopped and joined with a checkpoint possibly pending
  sqlite3* reader = nullptr;
  ASSERT_EQ(sqlite3_open_v2(f.path.c_str(), &reader, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_stmt* count = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(reader, "SELECT count(*) FROM t", -1, &count, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(count), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(count, 0), 30 * 7);
  sqlite3_finalize(count);
  sqlite3_close(reader);
}

}  // namespace
}  // namespace permitflow::store
