// A map of a few entries held as one sorted vector (docs/performance.md, "A live case in 2 KB"): a case's
// opinions are two or three departments, and std::map spends a heap node of 32 bytes of links on each.
#pragma once

#include <algorithm>
#include <stdexcept>
#include <utility>
#include <vector>

namespace permitflow {

/// The part of std::map's interface the code uses, over a vector of (key, value) pairs kept sorted by key
/// with `<`, so iteration gives std::map's order. Lookups take any key type `K` compares with (a Text map is
/// searched with a string_view). Inserting moves the entries after the new one: for a handful of entries that
/// is cheaper than a node, but it invalidates iterators and references, which std::map's does not.
template <class K, class V>
class SortedMap {
 public:
  using value_type = std::pair<K, V>;
  using iterator = typename std::vector<value_type>::iterator;
  using const_iterator = typename std::vector<value_type>::const_iterator;

  iterator begin() { return entries_.begin(); }
  iterator end() { return entries_.end(); }
  const_iterator begin() const { return entries_.begin(); }
  const_iterator end() const { return entries_.end(); }
  std::size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }
  void clear() { entries_.clear(); }
  void reserve(std::size_t n) { entries_.reserve(n); }
  std::size_t capacity() const { return entries_.capacity(); }
  void shrink_to_fit() { entries_.shrink_to_fit(); }
  void swap(SortedMap& o) noexcept { entries_.swap(o.entries_); }

  template <class Key>
  iterator find(const Key& key) {
    const auto it = lower_bound(entries_, key);
    return it != entries_.end() && it->first == key ? it : entries_.end();
  }
  template <class Key>
  const_iterator find(const Key& key) const {
    const auto it = lower_bound(entries_, key);
    return it != entries_.end() && it->first == key ? it : entries_.end();
  }
  template <class Key>
  bool contains(const Key& key) const {
    return find(key) != end();
  }
  /// The value of `key`; std::out_of_range when there is none.
  template <class Key>
  const V& at(const Key& key) const {
    const auto it = find(key);
    if (it == end()) throw std::out_of_range("SortedMap::at: no such key");
    return it->second;
  }
  /// The value of `key`, inserted as V{} in its place when there is none.
  template <class Key>
  V& operator[](const Key& key) {
    auto it = lower_bound(entries_, key);
    if (it == entries_.end() || !(it->first == key)) it = entries_.emplace(it, K(key), V{});
    return it->second;
  }

  bool operator==(const SortedMap&) const = default;

 private:
  template <class Entries, class Key>
  static auto lower_bound(Entries& entries, const Key& key) {
    return std::lower_bound(entries.begin(), entries.end(), key,
                            [](const value_type& e, const Key& k) { return e.first < k; });
  }
  std::vector<value_type> entries_;
};

}  // namespace permitflow
