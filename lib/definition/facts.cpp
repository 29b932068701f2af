#include "definition/facts.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>

#include "common/json_text.hpp"

namespace permitflow {
namespace {

struct ByName {
  bool operator()(const Facts::Entry& e, std::string_view name) const { return e.name < name; }
};

// Reads `text` when it is the dump of an object of plain members: names and strings of printable ASCII
// without escapes, integers of at most 18 digits, true, false, null, names in strictly increasing order, no
// spaces. That is the form the facts of a log or a snapshot almost always have, and it is read here without
// building a tree. Returns false on anything else (a float, an escape, a multi-byte character, an array, a
// space, names out of order or twice), and the caller parses the text with nlohmann, so every value has
// exactly the type and content nlohmann's parse gives it.
bool parse_plain(std::string_view text, std::vector<Facts::Entry>& out) {
  std::size_t i = 0;
  const auto at = [&](char ch) { return i < text.size() && text[i] == ch; };
  const auto plain_string = [&](std::string_view& s) { return json_text::plain_string(text, i, s); };
  const auto word = [&](std::string_view w) {
    if (text.substr(i, w.size()) != w) return false;
    i += w.size();
    return true;
  };
  if (!at('{')) return false;
  ++i;
  if (at('}')) return i + 1 == text.size();
  // Exactly as many entries as members (a live case keeps no spare capacity): the commas outside strings,
  // which in a plain text hold no escaped quote.
  bool in_string = false;
  std::size_t members = 1;
  for (const char ch : text) {
    if (ch == '"') in_string = !in_string;
    if (ch == ',' && !in_string) ++members;
  }
  out.reserve(members);
  for (;;) {
    std::string_view name;
    if (!plain_string(name) || !at(':')) return false;
    ++i;
    if (!out.empty() && !(out.back().name < name)) return false;
    nlohmann::json value;
    std::string_view s;
    if (at('"')) {
      if (!plain_string(s)) return false;
      value = std::string(s);
    } else if (word("true")) {
      value = true;
    } else if (word("false")) {
      value = false;
    } else if (word("null")) {
      value = nullptr;
    } else {
      const bool negative = at('-');
      if (negative) ++i;
      const std::size_t start = i;
      std::uint64_t n = 0;
      while (i < text.size() && text[i] >= '0' && text[i] <= '9')
        n = n * 10 + static_cast<unsigned>(text[i++] - '0');
      const std::size_t digits = i - start;
      // No digits, a leading zero, "-0" or too many digits for an exact int64: nlohmann decides.
      if (digits == 0 || digits > 18 || (text[start] == '0' && (digits > 1 || negative))) return false;
      if (negative) {
        value = -static_cast<std::int64_t>(n);
      } else {
        value = n;
      }
    }
    out.push_back({Text(name), std::move(value)});
    if (at(',')) {
      ++i;
      continue;
    }
    if (!at('}')) return false;  // a float's '.' or 'e' too
    return i + 1 == text.size();
  }
}

// A value as nlohmann's dump writes it: the kinds facts hold almost always (a string, an integer, a boolean,
// null) without a serializer per value, which dump builds (its locale look-up included) at every call.
void append_value(std::string& out, const nlohmann::json& v) {
  using Type = nlohmann::json::value_t;
  char digits[24];
  switch (v.type()) {
    case Type::string:
      json_text::append_string(out, v.get_ref<const std::string&>());
      return;
    case Type::boolean:
      out += v.get<bool>() ? "true" : "false";
      return;
    case Type::null:
      out += "null";
      return;
    case Type::number_integer:
      out.append(digits, std::to_chars(digits, digits + sizeof digits, v.get<std::int64_t>()).ptr);
      return;
    case Type::number_unsigned:
      out.append(digits, std::to_chars(digits, digits + sizeof digits, v.get<std::uint64_t>()).ptr);
      return;
    default:  // floats, arrays, objects: as dump writes them
      out += v.dump();
  }
}

}  // namespace

Facts::Facts(const nlohmann::json& object) {
  if (!object.is_object()) return;
  entries_.reserve(object.size());
  for (const auto& [name, value] : object.items()) entries_.push_back({name, value});  // already sorted
}

Facts Facts::parse(std::string_view text) {
  Facts out;
  if (parse_plain(text, out.entries_)) return out;
  return Facts(nlohmann::json::parse(text));  // not plain: nlohmann's parse decides every value
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
    entries_.insert(it, {Text(name), std::move(value)});
  }
}

void Facts::append_text(std::string& out) const {
  out += '{';
  for (const Entry& e : entries_) {
    if (&e != &entries_.front()) out += ',';
    json_text::append_string(out, e.name);
    out += ':';
    append_value(out, e.value);
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
  for (const Entry& e : entries_) out[e.name.str()] = e.value;
  return out;
}

}  // namespace permitflow
