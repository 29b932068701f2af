// An application's facts as the rules read them: parsed once when they are set (a submission, a
// resubmission, a snapshot loading), then looked up by every reader without parsing again.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/text.hpp"

namespace permitflow {

/// The members of the facts object, sorted by name in byte order (the order nlohmann's object keeps, so the
/// text written back is byte for byte its dump). A lookup is a binary search over a flat array: no tree, no
/// allocation.
class Facts {
 public:
  struct Entry {
    Text name;  // a declared fact's name is a word of the Text vocabulary: one shared copy
    nlohmann::json value;
    bool operator==(const Entry&) const = default;
  };

  Facts() = default;
  /// The members of `object`; anything but an object holds no facts (as a lookup in it finds none).
  Facts(const nlohmann::json& object);  // NOLINT(google-explicit-constructor): the hosts' input converts
  /// A brace list reads as nlohmann's does ({{"area_m2", 12}} is an object), not as one array value.
  Facts(nlohmann::json::initializer_list_t init) : Facts(nlohmann::json(init)) {}
  /// The facts from the JSON text of an object (a later duplicate key wins, as in nlohmann's parse).
  static Facts parse(std::string_view text);

  /// The value of `name`, null included; nullptr when absent.
  const nlohmann::json* find(std::string_view name) const;
  /// The value of `name` when it is given and not null (an answer); nullptr otherwise.
  const nlohmann::json* answered(std::string_view name) const {
    const nlohmann::json* v = find(name);
    return v == nullptr || v->is_null() ? nullptr : v;
  }
  /// Sets `name` to `value`, in its place in the order.
  void set(std::string_view name, nlohmann::json value);

  /// The JSON text of the object: what nlohmann's dump of it writes (keys sorted, no spaces).
  std::string text() const;
  void append_text(std::string& out) const;
  /// The object as a tree.
  nlohmann::json tree() const;

  const std::vector<Entry>& entries() const { return entries_; }
  bool empty() const { return entries_.empty(); }
  bool operator==(const Facts&) const = default;

 private:
  std::vector<Entry> entries_;
};

}  // namespace permitflow
