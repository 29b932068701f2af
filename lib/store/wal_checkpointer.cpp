#include "store/wal_checkpointer.hpp"

#include "permitflow/error.hpp"

namespace permitflow::store {

WalCheckpointer::WalCheckpointer(sqlite3* writer, const std::string& path, int busy_timeout_ms,
                                 int soon_pages, int now_pages)
    : writer_(writer), soon_pages_(soon_pages), now_pages_(now_pages) {
  const auto refuse = [&](const std::string& why) {
    sqlite3_close(own_);
    throw Error(ErrorCode::storage, "The database '" + path + "' failed to open for checkpoints: " + why);
  };
  if (sqlite3_open_v2(path.c_str(), &own_, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK)
    refuse(own_ != nullptr ? sqlite3_errmsg(own_) : "out of memory");
  sqlite3_busy_timeout(own_, busy_timeout_ms);
  // A connection that has read nothing has not opened the WAL, and its checkpoints would do nothing.
  if (sqlite3_exec(own_, "SELECT count(*) FROM sqlite_schema", nullptr, nullptr, nullptr) != SQLITE_OK)
    refuse(sqlite3_errmsg(own_));
  thread_ = std::thread([this] { run(); });
  sqlite3_wal_hook(writer_, &WalCheckpointer::on_commit, this);
}

WalCheckpointer::~WalCheckpointer() {
  sqlite3_wal_hook(writer_, nullptr, nullptr);
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_one();
  thread_.join();
  sqlite3_close(own_);
}

int WalCheckpointer::on_commit(void* self, sqlite3* db, const char* schema, int pages) {
  auto& c = *static_cast<WalCheckpointer*>(self);
  if (pages >= c.now_pages_) {
    // A failure is left for the next commit over the bound; the commit itself succeeded.
    if (sqlite3_wal_checkpoint_v2(db, schema, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr) == SQLITE_OK)
      ++c.inline_;
  } else if (pages >= c.soon_pages_) {
    // Once per soon_pages frames appended: a checkpoint copies every frame committed before it starts, so
    // waking the thread at each commit would sync the database file at each commit.
    if (pages < c.pages_at_wake_) c.pages_at_wake_ = 0;  // the WAL started over
    if (pages - c.pages_at_wake_ < c.soon_pages_) return SQLITE_OK;
    c.pages_at_wake_ = pages;
    {
      std::lock_guard lock(c.mutex_);
      c.pending_ = true;
    }
    c.wake_.notify_one();
  }
  return SQLITE_OK;
}

void WalCheckpointer::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [this] { return pending_ || stop_; });
    if (stop_) return;
    pending_ = false;
    lock.unlock();
    if (sqlite3_wal_checkpoint_v2(own_, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr) == SQLITE_OK)
      ++background_;
    lock.lock();
  }
}

}  // namespace permitflow::store
