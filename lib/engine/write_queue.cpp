#include "engine/write_queue.hpp"

#include <optional>
#include <utility>

#include "engine/prepared_writes.hpp"

namespace permitflow {

struct WriteQueue::Pending {
  Job job;
  JobResult result;
  std::exception_ptr error;  // the job's own error or its batch's commit error
  bool done = false;
  std::vector<std::function<void()>> undo;  // registered by the job through on_rollback
};

namespace {
void undo_all(std::vector<std::function<void()>>& undo) {
  for (auto it = undo.rbegin(); it != undo.rend(); ++it) (*it)();
  undo.clear();
}
}  // namespace

WriteQueue::WriteQueue(store::Store& store, std::size_t max_batch, Prepare prepare)
    : store_(store), max_batch_(max_batch == 0 ? 1 : max_batch), prepare_(prepare) {}

thread_local WriteQueue::Pending* WriteQueue::running_job_ = nullptr;
thread_local const WriteQueue* WriteQueue::running_queue_ = nullptr;

void WriteQueue::on_rollback(std::function<void()> undo) {
  if (Pending* job = running()) job->undo.push_back(std::move(undo));
}

std::size_t WriteQueue::undo_mark() const {
  const Pending* job = running();
  return job ? job->undo.size() : 0;
}

void WriteQueue::undo_since(std::size_t mark) {
  Pending* job = running();
  if (!job) return;
  auto& undo = job->undo;
  while (undo.size() > mark) {
    const std::function<void()> last = std::move(undo.back());
    undo.pop_back();
    last();
  }
}

WriteQueue::Stats WriteQueue::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

std::size_t WriteQueue::waiting() const {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

std::string WriteQueue::run(Job job) {
  Pending me{std::move(job), {}, nullptr, false, {}};
  std::unique_lock lock(mutex_);
  queue_.push_back(&me);
  cv_.wait(lock, [&] { return me.done || !leader_active_; });
  if (!me.done) {
    // Leader: run batches until our own job is done, then hand leadership to a waiting caller.
    leader_active_ = true;
    while (!me.done) {
      std::deque<Pending*> batch;
      while (!queue_.empty() && batch.size() < max_batch_) {
        batch.push_back(queue_.front());
        queue_.pop_front();
      }
      lock.unlock();
      run_batch(batch);
      lock.lock();
      ++stats_.batches;
      stats_.jobs += batch.size();
      for (Pending* p : batch) p->done = true;
      cv_.notify_all();
    }
    leader_active_ = false;
    cv_.notify_all();
  }
  lock.unlock();
  if (me.error) std::rethrow_exception(me.error);
  if (me.result.refusal) std::rethrow_exception(me.result.refusal);
  return std::move(me.result.value);
}

std::string WriteQueue::run_prepared(const Job& job) {
  if (prepare_ == Prepare::when_busy) {
    std::unique_lock lock(mutex_);
    if (!leader_active_ && queue_.empty()) {
      lock.unlock();
      return run(job);
    }
  }
  std::optional<PreparedWrites> prepared;
  JobResult result;
  try {
    prepared.emplace(store_.begin_read());
    result = job(*prepared);
  } catch (const RunInLeader&) {
    prepared.reset();
    return run(job);
  }
  prepared->end_reads();
  if (!prepared->writes_something()) {
    if (result.refusal) std::rethrow_exception(result.refusal);
    return std::move(result.value);
  }
  return run([&](store::Transaction& tx) -> JobResult {
    if (!prepared->still_current(tx)) {
      {
        std::lock_guard lock(mutex_);
        ++stats_.rerun;
      }
      return job(tx);
    }
    prepared->write_to(tx);
    {
      std::lock_guard lock(mutex_);
      ++stats_.prepared;
    }
    return std::move(result);
  });
}

void WriteQueue::run_batch(std::deque<Pending*>& batch) {
  try {
    auto tx = store_.begin_write();
    for (Pending* p : batch) {
      tx->savepoint("job");
      running_queue_ = this;
      running_job_ = p;
      try {
        p->result = p->job(*tx);
      } catch (...) {
        running_job_ = nullptr;
        p->error = std::current_exception();
        tx->rollback_to("job");  // ends the savepoint; a failure here fails the whole batch below
        undo_all(p->undo);
        continue;
      }
      running_job_ = nullptr;
      tx->release("job");
    }
    tx->commit();
    for (Pending* p : batch) p->undo.clear();
  } catch (...) {
    running_job_ = nullptr;
    // Nothing of the batch is stored: every job that had not failed on its own fails with this error.
    const std::exception_ptr error = std::current_exception();
    for (Pending* p : batch) {
      if (!p->error) p->error = error;
      undo_all(p->undo);
    }
  }
}

}  // namespace permitflow
