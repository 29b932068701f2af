#include "engine/prepared_writes.hpp"

#include <utility>

#include "permitflow/error.hpp"

namespace permitflow {

PreparedWrites::PreparedWrites(std::unique_ptr<store::Transaction> read) : read_(std::move(read)) {}

void PreparedWrites::leader(const char* what) { throw RunInLeader{what}; }

store::Transaction& PreparedWrites::read() {
  if (!read_) throw Error(ErrorCode::internal, "a prepared job read after its reads ended");
  return *read_;
}

void PreparedWrites::after_write(std::function<void()> keep) { after_.push_back(std::move(keep)); }

// --- reads ------------------------------------------------------------------------------------------------

std::optional<store::CaseRecord> PreparedWrites::load_case(std::string_view id) {
  // The job wrote this case: what it reads back is its own write, which only the leader's transaction holds.
  for (const Write& w : writes_)
    if (const auto* a = std::get_if<Append>(&w); a && a->record.id == id) leader("load_case after append");
  auto record = read().load_case(id);
  versions_.emplace(std::string(id), record ? std::optional(record->version) : std::nullopt);
  return record;
}

std::vector<store::EventRecord> PreparedWrites::events(std::string_view case_id, std::int64_t after_seq) {
  // Only the log of a case read through load_case, whose version still_current checks.
  if (!versions_.count(std::string(case_id))) leader("events of a case not loaded");
  for (const Write& w : writes_)
    if (const auto* a = std::get_if<Append>(&w); a && a->record.id == case_id) leader("events after append");
  return read().events(case_id, after_seq);
}

std::vector<store::TimerRecord> PreparedWrites::timers(std::string_view case_id) {
  if (const auto it = timers_.find(std::string(case_id)); it != timers_.end()) return it->second;
  return read().timers(case_id);
}

std::optional<std::string> PreparedWrites::find_command(std::string_view command_id) {
  auto found = read().find_command(command_id);
  if (!found) unused_commands_.emplace_back(command_id);
  return found;
}

// --- writes -----------------------------------------------------------------------------------------------

void PreparedWrites::append(const store::CaseRecord& record, std::int64_t expected_version,
                            std::vector<store::EventRecord>& events) {
  // Checked again by the store in the leader; here so that a job on a case it did not read is not prepared.
  if (!versions_.count(record.id)) leader("append to a case not read");
  writes_.emplace_back(Append{record, expected_version, events});
}

void PreparedWrites::replace_timers(std::string_view case_id, const std::vector<store::TimerRecord>& timers) {
  writes_.emplace_back(Timers{std::string(case_id), timers});
  timers_[std::string(case_id)] = timers;
}

void PreparedWrites::record_command(std::string_view command_id, std::string_view case_id) {
  writes_.emplace_back(Command{std::string(command_id), std::string(case_id)});
}

void PreparedWrites::savepoint(std::string_view name) {
  marks_.push_back({std::string(name), writes_.size(), after_.size(), timers_});
}

void PreparedWrites::rollback_to(std::string_view name) {
  // As the store does: back to the innermost savepoint of that name, which ends it.
  while (!marks_.empty()) {
    Mark m = std::move(marks_.back());
    marks_.pop_back();
    if (m.name != name) continue;
    writes_.resize(m.writes);
    after_.resize(m.after);
    timers_ = std::move(m.timers);
    return;
  }
  throw Error(ErrorCode::internal, "no savepoint '" + std::string(name) + "' to roll back to");
}

void PreparedWrites::release(std::string_view name) {
  while (!marks_.empty()) {
    const bool found = marks_.back().name == name;
    marks_.pop_back();
    if (found) return;
  }
  throw Error(ErrorCode::internal, "no savepoint '" + std::string(name) + "' to release");
}

// --- in the leader ----------------------------------------------------------------------------------------

bool PreparedWrites::still_current(store::Transaction& tx) const {
  for (const auto& [id, version] : versions_) {
    const auto now = tx.load_case(id);
    if ((now ? std::optional(now->version) : std::nullopt) != version) return false;
  }
  for (const auto& command : unused_commands_)
    if (tx.find_command(command)) return false;
  return true;
}

void PreparedWrites::write_to(store::Transaction& tx) {
  for (Write& w : writes_) {
    if (auto* a = std::get_if<Append>(&w)) {
      tx.append(a->record, a->expected_version, a->events);
    } else if (const auto* t = std::get_if<Timers>(&w)) {
      tx.replace_timers(t->case_id, t->timers);
    } else {
      const auto& c = std::get<Command>(w);
      tx.record_command(c.command_id, c.case_id);
    }
  }
  for (auto& keep : after_) keep();
}

}  // namespace permitflow
