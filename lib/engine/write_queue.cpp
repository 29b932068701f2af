#include "engine/write_queue.hpp"

#include <utility>

namespace permitflow {

struct WriteQueue::Pending {
  Job job;
  JobResult result;
  std::exception_ptr error;  // the job's own error or its batch's commit error
  bool done = false;
};

WriteQueue::WriteQueue(store::Store& store, std::size_t max_batch, std::function<void()> on_rollback)
    : store_(store), max_batch_(max_batch == 0 ? 1 : max_batch), on_rollback_(std::move(on_rollback)) {}

WriteQueue::Stats WriteQueue::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

std::size_t WriteQueue::waiting() const {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

std::string WriteQueue::run(Job job) {
  Pending me{std::move(job), {}, nullptr, false};
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

void WriteQueue::run_batch(std::deque<Pending*>& batch) {
  try {
    auto tx = store_.begin_write();
    for (Pending* p : batch) {
      tx->savepoint("job");
      try {
        p->result = p->job(*tx);
      } catch (...) {
        p->error = std::current_exception();
        tx->rollback_to("job");  // ends the savepoint; a failure here fails the whole batch below
        on_rollback_();
        continue;
      }
      tx->release("job");
    }
    tx->commit();
  } catch (...) {
    // Nothing of the batch is stored: every job that had not failed on its own fails with this error.
    const std::exception_ptr error = std::current_exception();
    for (Pending* p : batch) {
      if (!p->error) p->error = error;
    }
    on_rollback_();
  }
}

}  // namespace permitflow
