// The cases this engine committed last, as they were committed. A command usually follows shortly after the
// previous one on the same case; starting it from memory saves loading the snapshot and replaying the tail.
// An entry is trusted only when the stored projection is still at its version with the same document, and
// the engine forgets an entry whenever the writes that produced it are rolled back, so a hit is exactly the
// committed case (another engine on the same database writes a higher version: a miss).
#pragma once

#include <cstddef>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "case/case.hpp"

namespace permitflow {

class CaseCache {
 public:
  explicit CaseCache(std::size_t capacity) : capacity_(capacity) {}

  /// A copy of the cached case when it is at `version` and was stored with `document`.
  std::optional<Case> find(const std::string& id, std::int64_t version, const std::string& document);
  /// Keeps `c` (as stored, with its `document`), dropping the least recently used case when full.
  void put(const Case& c, const std::string& document);
  void forget(std::string_view id);
  std::size_t size() const;

 private:
  struct Entry {
    Case kase;
    std::string document;
  };
  using Order = std::list<Entry>;  // most recently used first

  const std::size_t capacity_;
  mutable std::mutex mutex_;
  Order order_;
  // Looked up by a case's id as it holds it (a Text), without a std::string made for the lookup.
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view id) const { return std::hash<std::string_view>{}(id); }
  };
  std::unordered_map<std::string, Order::iterator, Hash, std::equal_to<>> index_;
};

}  // namespace permitflow
