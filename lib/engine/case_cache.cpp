#include "engine/case_cache.hpp"

namespace permitflow {

std::optional<Case> CaseCache::find(const std::string& id, std::int64_t version,
                                    const std::string& document) {
  std::lock_guard lock(mutex_);
  const auto it = index_.find(id);
  if (it == index_.end()) return std::nullopt;
  const Entry& e = *it->second;
  if (e.kase.version != version || e.document != document) return std::nullopt;
  order_.splice(order_.begin(), order_, it->second);
  return e.kase;
}

void CaseCache::put(const Case& c, const std::string& document) {
  if (capacity_ == 0) return;
  std::lock_guard lock(mutex_);
  if (const auto it = index_.find(c.id.view()); it != index_.end()) {
    it->second->kase = c;
    it->second->document = document;
    order_.splice(order_.begin(), order_, it->second);
    return;
  }
  order_.push_front({c, document});
  index_.emplace(c.id.str(), order_.begin());
  if (order_.size() > capacity_) {
    index_.erase(index_.find(order_.back().kase.id.view()));
    order_.pop_back();
  }
}

void CaseCache::forget(std::string_view id) {
  std::lock_guard lock(mutex_);
  if (const auto it = index_.find(id); it != index_.end()) {
    order_.erase(it->second);
    index_.erase(it);
  }
}

std::size_t CaseCache::size() const {
  std::lock_guard lock(mutex_);
  return order_.size();
}

}  // namespace permitflow
