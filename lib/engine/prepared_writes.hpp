// A write job prepared outside the group-commit leader (lib/engine/write_queue.hpp). The job runs on its
// caller's thread against a PreparedWrites, a store::Transaction that answers the job's reads from a read
// transaction (a committed state) and records its writes instead of making them. The leader then, inside
// its batch, checks that nothing the job read has moved since (still_current) and replays the recorded
// writes (write_to): the store fills the events' seq and chain hashes there, at write time, as for any
// append. A job that moved is run again by the leader on the batch's transaction, so a stale result is
// never written.
//
// Only what a command needs is offered. Any other call, or a read of what the job itself wrote (a case it
// appended to), throws RunInLeader: the queue then runs the whole job in the leader, as before.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "store/store.hpp"

namespace permitflow {

/// Thrown by a PreparedWrites for what it cannot do outside the leader. Not an Error (nor a std::exception),
/// so no job catches it as a refusal: it always reaches the queue.
struct RunInLeader {
  std::string why;
};

class PreparedWrites final : public store::Transaction {
 public:
  explicit PreparedWrites(std::unique_ptr<store::Transaction> read);
  /// `tx` as a PreparedWrites when the job is being prepared; nullptr in the leader.
  static PreparedWrites* of(store::Transaction& tx) { return dynamic_cast<PreparedWrites*>(&tx); }
  /// Throws RunInLeader when `tx` is a PreparedWrites: for what only the leader may touch.
  static void leader_only(store::Transaction& tx, const char* what) {
    if (of(tx)) leader(what);
  }

  /// `keep` runs in the leader once the recorded writes are made (before the batch commits), in the order
  /// registered; dropped with the writes of a savepoint rolled back. What caches what was written.
  void after_write(std::function<void()> keep);
  /// Ends the read transaction (before the job is queued, so no connection is held while waiting).
  void end_reads() { read_.reset(); }
  /// Whether the job recorded anything to write (or to run after writing).
  bool writes_something() const { return !writes_.empty() || !after_.empty(); }

  /// In the leader, on the batch's transaction: every case the job read is still at the version it read
  /// (or still absent), and every command id it found unused is still unused.
  bool still_current(store::Transaction& tx) const;
  /// In the leader, after still_current: makes the recorded writes in order on `tx`, then runs the
  /// after_write callbacks. Throws what the store throws (the job's savepoint is then rolled back).
  void write_to(store::Transaction& tx);

  // --- reads (from the read transaction) --------------------------------------------------------------
  std::optional<store::CaseRecord> load_case(std::string_view id) override;
  std::vector<store::EventRecord> events(std::string_view case_id, std::int64_t after_seq) override;
  std::vector<store::TimerRecord> timers(std::string_view case_id) override;
  std::optional<std::string> find_command(std::string_view command_id) override;

  // --- writes (recorded) ------------------------------------------------------------------------------
  void append(const store::CaseRecord& record, std::int64_t expected_version,
              std::vector<store::EventRecord>& events) override;
  void replace_timers(std::string_view case_id, const std::vector<store::TimerRecord>& timers) override;
  void record_command(std::string_view command_id, std::string_view case_id) override;
  void savepoint(std::string_view name) override;
  void rollback_to(std::string_view name) override;
  void release(std::string_view name) override;

  // --- not offered: RunInLeader -----------------------------------------------------------------------
  void update_projection(const store::CaseRecord&) override { leader("update_projection"); }
  std::vector<store::CaseRecord> query(const store::CaseFilter&) override { leader("query"); }
  std::vector<std::string> case_ids_page(const std::optional<std::string>&, int) override {
    leader("case_ids_page");
  }
  std::vector<store::EventRecord> events_of_cases(std::string_view, std::string_view) override {
    leader("events_of_cases");
  }
  std::vector<store::TimerRecord> due_timers(std::string_view, std::int64_t) override {
    leader("due_timers");
  }
  std::vector<store::TimerRecord> claim_due_timers(std::int64_t, int) override { leader("claim_due_timers"); }
  std::int64_t next_counter(std::string_view) override { leader("next_counter"); }
  std::vector<store::StoredDocument> documents() override { leader("documents"); }
  // The engine's set of stored documents is the leader's alone.
  void remember_document(const store::StoredDocument&) override { leader("remember_document"); }
  std::vector<store::LedgerRecord> ledger_page(std::int64_t, int) override { leader("ledger_page"); }
  std::vector<store::FiledEvent> filed_events(std::int64_t, std::int64_t) override { leader("filed_events"); }
  std::vector<store::FeedIndexEntry> feed_index_page(std::int64_t, int) override {
    leader("feed_index_page");
  }
  std::vector<store::FeedRecord> feed(const store::FeedQuery&) override { leader("feed"); }
  store::FeedBounds feed_bounds() override { leader("feed_bounds"); }
  std::vector<store::FeedConsumer> feed_consumers() override { leader("feed_consumers"); }
  void set_feed_cursor(std::string_view, std::int64_t) override { leader("set_feed_cursor"); }
  void prune_feed(std::int64_t) override { leader("prune_feed"); }
  std::vector<std::string> cases_without_feed_states() override { leader("cases_without_feed_states"); }
  void set_feed_state(std::string_view, std::int64_t, std::string_view) override { leader("set_feed_state"); }
  void commit() override { leader("commit"); }

 private:
  [[noreturn]] static void leader(const char* what);
  store::Transaction& read();

  struct Append {
    store::CaseRecord record;
    std::int64_t expected_version;
    std::vector<store::EventRecord> events;
  };
  struct Timers {
    std::string case_id;
    std::vector<store::TimerRecord> timers;
  };
  struct Command {
    std::string command_id, case_id;
  };
  using Write = std::variant<Append, Timers, Command>;
  // What a savepoint restores: how many writes and callbacks there were, and the timers then.
  struct Mark {
    std::string name;
    std::size_t writes, after;
    std::map<std::string, std::vector<store::TimerRecord>> timers;
  };

  std::unique_ptr<store::Transaction> read_;
  std::map<std::string, std::optional<std::int64_t>> versions_;  // case id -> version read (nullopt: absent)
  std::vector<std::string> unused_commands_;                     // command ids found unused
  std::vector<Write> writes_;
  std::vector<std::function<void()>> after_;
  std::map<std::string, std::vector<store::TimerRecord>> timers_;  // the timers the job replaced, by case
  std::vector<Mark> marks_;
};

}  // namespace permitflow
