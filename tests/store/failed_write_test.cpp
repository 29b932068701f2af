// A write that fails half-way in a SQLite write transaction (lib/store/sqlite_store.cpp, `guard`): the case
// row is written, then an event insert fails. Nothing of it can be committed: the transaction refuses every
// call but a rollback to a savepoint opened before the failure, which makes it usable again with the
// failed write gone, or its end; a commit attempted anyway rolls everything back. The failure is a trigger
// that raises on one event type, so the statements before it really did write.
#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>

#include <functional>

#include "store/store.hpp"
#include "store/store_test_util.hpp"

namespace permitflow::store::testing {
namespace {

class SqliteFailedWrite : public ::testing::Test {
 protected:
  void SetUp() override {
    file_ = dir_.file("f.db");
    store_ = open_store(config(file_));
    SQLite::Database db(file_, SQLite::OPEN_READWRITE);
    db.exec(
        "CREATE TRIGGER refuse_poison BEFORE INSERT ON events WHEN NEW.type = 'poison' "
        "BEGIN SELECT RAISE(ABORT, 'the test refuses this event'); END");
  }

  /// A new case whose second event is refused by the trigger, after its row and first event were written.
  static void append_failing(Transaction& tx, const std::string& id) {
    std::vector<EventRecord> events{make_event("submitted"), make_event("poison")};
    tx.append(make_case(id), 0, events);
  }

  std::vector<std::string> stored_ids() { return store_->begin_read()->case_ids(); }

  TempDir dir_;
  std::string file_;
  std::unique_ptr<Store> store_;
};

TEST_F(SqliteFailedWrite, RefusesEveryCallUntilRolledBackAndTheRollbackTakesTheHalfWrittenCaseAway) {
  auto tx = store_->begin_write();
  std::vector<EventRecord> first{make_event("submitted")};
  tx->append(make_case("kept"), 0, first);
  tx->savepoint("job");
  try {
    append_failing(*tx, "half");
    FAIL() << "the trigger did not refuse the event";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::storage);
    EXPECT_NE(std::string(e.what()).find("the test refuses this event"), std::string::npos) << e.what();
  }
  // Writes, reads and releasing the savepoint are refused: each would build on the half-written case.
  std::vector<EventRecord> more{make_event("submitted")};
  for (const auto& call : std::vector<std::function<void()>>{
           [&] { tx->append(make_case("other"), 0, more); }, [&] { (void)tx->load_case("half"); },
           [&] { tx->replace_timers("kept", {}); }, [&] { tx->release("job"); },
           [&] { tx->savepoint("inner"); }}) {
    try {
      call();
      ADD_FAILURE() << "a call after the failed write was accepted";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::storage);
      EXPECT_NE(std::string(e.what()).find("failed half-way"), std::string::npos) << e.what();
    }
  }
  tx->rollback_to("job");
  EXPECT_FALSE(tx->load_case("half").has_value());  // usable again, and the half-written row is gone
  ASSERT_TRUE(tx->load_case("kept").has_value());
  std::vector<EventRecord> after{make_event("submitted")};
  tx->append(make_case("after"), 0, after);
  tx->commit();

  EXPECT_EQ(stored_ids(), (std::vector<std::string>{"after", "kept"}));
  const auto read = store_->begin_read();
  EXPECT_EQ(read->events("kept", 0).size(), 1u);
  EXPECT_TRUE(read->events("half", 0).empty());
}

TEST_F(SqliteFailedWrite, ACommitAfterAFailedWriteRollsEverythingBack) {
  auto tx = store_->begin_write();
  std::vector<EventRecord> first{make_event("submitted")};
  tx->append(make_case("earlier"), 0, first);
  EXPECT_THROW(append_failing(*tx, "half"), Error);  // no savepoint to go back to
  try {
    tx->commit();
    FAIL() << "the commit was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::storage);
    EXPECT_NE(std::string(e.what()).find("rolled back, not committed"), std::string::npos) << e.what();
  }
  EXPECT_THROW(tx->load_case("earlier"), Error);  // ended
  tx.reset();
  EXPECT_TRUE(stored_ids().empty());
  // The write lock was handed back: the next transaction commits.
  auto next = store_->begin_write();
  std::vector<EventRecord> again{make_event("submitted")};
  next->append(make_case("next"), 0, again);
  next->commit();
  EXPECT_EQ(stored_ids(), (std::vector<std::string>{"next"}));
}

TEST_F(SqliteFailedWrite, RollingBackToASavepointOpenedAfterTheWriteThatSucceededKeepsIt) {
  // Nested savepoints: the failure inside the inner one is undone by rolling back to it; the outer
  // savepoint's earlier write stays, and releasing the outer one then works.
  auto tx = store_->begin_write();
  tx->savepoint("outer");
  std::vector<EventRecord> first{make_event("submitted")};
  tx->append(make_case("outer-case"), 0, first);
  tx->savepoint("inner");
  EXPECT_THROW(append_failing(*tx, "half"), Error);
  tx->rollback_to("inner");
  tx->release("outer");
  tx->commit();
  EXPECT_EQ(stored_ids(), (std::vector<std::string>{"outer-case"}));
}

}  // namespace
}  // namespace permitflow::store::testing
