// Checkpoints of a SQLite WAL run on a thread of their own, so that a command's commit does not wait for one.
//
// SQLite's default moves the WAL's pages into the database file on the connection whose commit brought the
// WAL to 1,000 pages: that commit pays for copying the pages and, with synchronous=FULL, for syncing the
// database file, and is the slowest of about every hundred (the p99 of a durable command, docs/performance.md
// "Checkpoints off the commit path"). Durability does not depend on checkpoints: a commit is durable once
// its WAL frames are synced, before any checkpoint copies them.
//
// The contract:
// - The constructor opens a connection of its own to `path` and starts the thread. It installs a WAL hook on
//   `writer`, which turns SQLite's own automatic checkpoint off on that connection.
// - When a commit on `writer` leaves at least `soon_pages` pages in the WAL, and at least `soon_pages` more
//   than when a commit last woke it, the hook wakes the thread, which runs a PASSIVE checkpoint on its own
//   connection: it waits for no reader and blocks no writer. The commit returns at once. (Commits go on
//   while it runs, so the WAL starts over only once a checkpoint has caught up with them; until then it
//   grows, and is checkpointed again every `soon_pages` pages.)
// - When a commit leaves at least `now_pages` pages (the thread has fallen behind: a reader holding an old
//   snapshot, a slow disk), that commit's connection runs the PASSIVE checkpoint itself, as SQLite's default
//   would: the WAL stays bounded whatever the thread does.
// - A checkpoint that fails (busy, I/O) changes nothing committed; the next commit over the threshold tries
//   again.
// - The destructor stops and joins the thread and closes its connection; `writer` must outlive it.
#pragma once

#include <sqlite3.h>

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <string>
#include <thread>

namespace permitflow::store {

class WalCheckpointer {
 public:
  /// SQLite's default threshold, and the bound past which the committing connection checkpoints itself.
  static constexpr int kSoonPages = 1000;
  static constexpr int kNowPages = 8000;

  WalCheckpointer(sqlite3* writer, const std::string& path, int busy_timeout_ms, int soon_pages = kSoonPages,
                  int now_pages = kNowPages);
  ~WalCheckpointer();
  WalCheckpointer(const WalCheckpointer&) = delete;
  WalCheckpointer& operator=(const WalCheckpointer&) = delete;

  /// Checkpoints the thread has run so far, and those a commit ran itself (for tests and diagnostics).
  std::size_t background_checkpoints() const { return background_.load(); }
  std::size_t inline_checkpoints() const { return inline_.load(); }

 private:
  static int on_commit(void* self, sqlite3* db, const char* schema, int pages);
  void run();

  sqlite3* writer_;
  sqlite3* own_ = nullptr;
  const int soon_pages_;
  const int now_pages_;
  int pages_at_wake_ = 0;  // the WAL's size when a commit last woke the thread (read by commits only)
  std::mutex mutex_;
  std::condition_variable wake_;
  bool pending_ = false;
  bool stop_ = false;
  std::atomic<std::size_t> background_{0};
  std::atomic<std::size_t> inline_{0};
  std::thread thread_;  // last: started when everything it reads is in place
};

}  // namespace permitflow::store
