#include "definition/facts.hpp"

#include <algorithm>

#include "common/json_text.hpp"

namespace permitflow {
namespace {

struct ByName {
  bool operator()(const Facts::Entry& e, std::string_view name) const { return e.name < name; }
};

}  // namespace

Facts::Facts(const nlohmann::json& object) {
  if (!object.is_object()) return;
  entries_.reserve(object.size());
  for (const auto& [name, value] : object.items()) entries_.push_back({name, value});  // already sorted
}

Facts Facts::parse(std::string_view text) {
  nlohmann::json object = nlohmann::json::parse(text);
  Facts out;
  if (!object.is_object()) return out;
  out.entries_.reserve(object.size());
  for (auto& [name, value] : object.items()) out.entries_.push_back({name, std::move(value)});
  return out;
}

const nlohmann::json* Facts::find(std::string_view name) const {
  const auto it = std::lower_bound(entries_.begin(), entries_.end(), name, ByName{});
  return it != entries_.end() && it->name == name ? &it->value : nullptr;
}

void Facts::set(std::string_view name, nlohmann::json value) {
  const auto it = std::lower_bound(entries_.begin(), entries_.end(), name, ByName{});
  if (it != entries_.end() && it->name == name) {
    it->value = std::move(value);
  } else {
    entries_.insert(it, {std::string(name), std::move(value)});
  }
}

void Facts::append_text(std::string& out) const {
  out += '{';
  for (const Entry& e : entries_) {
    if (&e != &entries_.front()) out += ',';
    json_text::append_string(out, e.name);
    out += ':';
    out += e.value.dump();
  }
  out += '}';
}

std::string Facts::text() const {
  std::string out;
  append_text(out);
  return out;
}

nlohmann::json Facts::tree() const {
  nlohmann::json out = nlohmann::json::object();
  for (const Entry& e : entries_) out[e.name] = e.value;
  return out;
}

}  // namespace permitflow
