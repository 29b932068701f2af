// Group commit: every write of the engine (submit, execute, a slice of run_due) is a job. Callers queue their
// jobs; one of them becomes the leader, runs the queued jobs one after another inside a single store
// transaction, each in its own savepoint, commits once, and only then hands every caller its result. One
// fsync thus acknowledges many commands, and nothing is acknowledged before it is durable.
//
// A job run with `run_prepared` (execute) is computed first on its caller's own thread, outside the leader,
// against a committed state (lib/engine/prepared_writes.hpp): the case loaded, the rules and chart run, the
// events, document and timers built. The leader then only checks, in its transaction, that every case the
// job read is still at the version it read and makes the recorded writes (the store chains the hashes
// there); a job whose case moved meanwhile (another job committed it, or is earlier in the same batch) is
// run again by the leader on the batch's transaction, so a stale result is never written. The callers
// thus keep both cores busy while the leader writes. A job that needs what only the leader has (a counter,
// the set of stored documents, a case it wrote itself) is run by the leader from the start.
//
// Preparing pays only while a leader is busy: then the caller computes instead of waiting. When no leader
// runs and no job waits, the caller becomes the leader at once, and preparing would only read through a
// second connection whose page cache every commit of the writer makes stale (on SQLite, a few WAL page reads
// per command that the writer's own connection, which made those pages, does not need). So by default
// (`Prepare::when_busy`) such a job is run by the leader directly.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "store/store.hpp"

namespace permitflow {

/// What a job leaves behind. A job that throws has all its writes rolled back. A job that returns a
/// `refusal` keeps the writes it made (e.g. timers that fired before a refused command), and its caller
/// receives the refusal, rethrown, once the batch has committed.
struct JobResult {
  std::string value;
  std::exception_ptr refusal;
};

class WriteQueue {
 public:
  using Job = std::function<JobResult(store::Transaction&)>;

  /// When `run_prepared` computes a job on its caller's thread: only while a leader is busy or jobs wait
  /// (the engine's choice), or every time (tests of the prepared path itself).
  enum class Prepare { when_busy, always };

  /// `max_batch` jobs at most share a transaction (1 turns group commit off).
  WriteQueue(store::Store& store, std::size_t max_batch, Prepare prepare = Prepare::when_busy);

  /// Called from inside a running job: `undo` runs (on the same thread, the leader's) if this job's writes
  /// are rolled back, because the job failed or its whole batch did; it is dropped once they commit. Caches
  /// of what is stored thus forget exactly what was not stored.
  void on_rollback(std::function<void()> undo);

  /// For a savepoint inside a running job that is rolled back while the job goes on (a refused command, a
  /// case whose timers cannot fire): take `undo_mark()` when the savepoint opens and call `undo_since(mark)`
  /// after rolling back to it. The undos registered since then run (latest first) and are dropped; the
  /// job's earlier ones stay for its own rollback. Outside a running job both do nothing.
  std::size_t undo_mark() const;
  void undo_since(std::size_t mark);

  /// Runs `job` in the next batch and returns its value after the batch committed; rethrows its error,
  /// its refusal, or the commit's error.
  std::string run(Job job);

  /// With `Prepare::when_busy`, a job that finds no leader running and no job waiting is simply run().
  /// Otherwise it runs first on this thread against a PreparedWrites on a read transaction. If that throws,
  /// the error reaches the caller and nothing is written. If it wrote nothing, its value (or refusal) is
  /// answered at once: it read a committed state. Otherwise its writes go through run() as a job that
  /// writes them if nothing it read has moved, and else runs `job` again on the batch's transaction. A job
  /// that throws RunInLeader while prepared is simply run(). `job` must be safe to run twice (it keeps
  /// nothing of its first run but through PreparedWrites::after_write).
  std::string run_prepared(const Job& job);

  /// How many transactions and jobs have been committed (for tests and benchmarks); and how many prepared
  /// jobs the leader wrote as prepared, and how many it ran again because a case moved (counted when the
  /// leader took them, whether or not their batch then committed).
  struct Stats {
    std::size_t batches = 0;
    std::size_t jobs = 0;
    std::size_t prepared = 0;
    std::size_t rerun = 0;
  };
  Stats stats() const;
  /// Jobs queued and not yet taken into a batch.
  std::size_t waiting() const;

 private:
  struct Pending;
  void run_batch(std::deque<Pending*>& batch);

  store::Store& store_;
  const std::size_t max_batch_;
  const Prepare prepare_;
  // The job the leader is running on this thread, and its queue. Thread-local, so a job prepared on a
  // caller's thread (run_prepared) sees none and cannot register undos in the leader's job.
  static thread_local Pending* running_job_;
  static thread_local const WriteQueue* running_queue_;
  Pending* running() const { return running_queue_ == this ? running_job_ : nullptr; }
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<Pending*> queue_;
  bool leader_active_ = false;
  Stats stats_;
};

}  // namespace permitflow
