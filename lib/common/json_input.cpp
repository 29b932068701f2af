#include "common/json_input.hpp"

#include <algorithm>

#include "permitflow/error.hpp"

namespace permitflow::input {
namespace {

constexpr int kMaxDepth = 32;

int depth_of(const json& j, int limit) {
  if (!j.is_structured()) return 0;
  int deepest = 0;
  for (const auto& v : j) {
    deepest = std::max(deepest, depth_of(v, limit));
    if (deepest >= limit) break;
  }
  return deepest + 1;
}

const json* find(const json& obj, std::string_view key) {
  const auto it = obj.find(key);
  return it == obj.end() ? nullptr : &*it;
}

}  // namespace

std::string child(const std::string& pointer, std::string_view key) {
  return pointer + "/" + std::string(key);
}

bool valid_utf8(std::string_view text) noexcept {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto b = static_cast<unsigned char>(text[i]);
    std::size_t len = 0;
    std::uint32_t cp = 0;
    if (b < 0x80) {
      ++i;
      continue;
    } else if ((b & 0xE0) == 0xC0) {
      len = 2;
      cp = b & 0x1Fu;
    } else if ((b & 0xF0) == 0xE0) {
      len = 3;
      cp = b & 0x0Fu;
    } else if ((b & 0xF8) == 0xF0) {
      len = 4;
      cp = b & 0x07u;
    } else {
      return false;
    }
    if (i + len > text.size()) return false;
    for (std::size_t k = 1; k < len; ++k) {
      const auto c = static_cast<unsigned char>(text[i + k]);
      if ((c & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (c & 0x3Fu);
    }
    static constexpr std::uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += len;
  }
  return true;
}

void fail(const std::string& pointer, const std::string& message) {
  throw Error(ErrorCode::invalid_argument, (pointer.empty() ? "" : pointer + ": ") + message, pointer);
}

json parse_document(std::string_view text, std::string_view what) {
  if (text.size() > kMaxDocument) {
    fail("", std::string(what) + " is larger than 4 MiB");
  }
  // Refuse absurd nesting before building the tree (a JSON bomb of brackets).
  int depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char ch = text[i];
    if (in_string) {
      if (ch == '\\') {
        ++i;
      } else if (ch == '"') {
        in_string = false;
      }
    } else if (ch == '"') {
      in_string = true;
    } else if (ch == '{' || ch == '[') {
      if (++depth > kMaxDepth) fail("", std::string(what) + " is nested deeper than 32 levels");
    } else if (ch == '}' || ch == ']') {
      --depth;
    }
  }
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::parse_error& e) {
    fail("", std::string(what) + " is not valid JSON (byte " + std::to_string(e.byte) + ")");
  } catch (const json::out_of_range&) {  // e.g. 1e999: no double holds it (found by fuzz_command)
    fail("", std::string(what) + " is not valid JSON (a number is out of range)");
  }
  if (depth_of(doc, kMaxDepth + 1) > kMaxDepth) fail("", std::string(what) + " is nested too deeply");
  if (!doc.is_object()) fail("", std::string(what) + " must be a JSON object");
  return doc;
}

void only_keys(const json& obj, const std::string& pointer, std::initializer_list<std::string_view> allowed) {
  for (const auto& [k, v] : obj.items()) {
    if (std::find(allowed.begin(), allowed.end(), k) == allowed.end()) {
      fail(child(pointer, k), "unknown field '" + k + "'");
    }
  }
}

void require_object_value(const json& value, const std::string& pointer) {
  if (!value.is_object()) fail(pointer, "must be a JSON object");
}

const json& require_object(const json& parent, std::string_view key, const std::string& pointer) {
  const json* v = find(parent, key);
  if (!v) fail(child(pointer, key), "is required");
  require_object_value(*v, child(pointer, key));
  return *v;
}

std::string get_string(const json& obj, std::string_view key, const std::string& pointer, std::size_t max_len,
                       bool non_empty) {
  const std::string p = child(pointer, key);
  const json* v = find(obj, key);
  if (!v || v->is_null()) fail(p, "is required");
  if (!v->is_string()) fail(p, "must be a string");
  const auto& s = v->get_ref<const std::string&>();
  if (non_empty && s.empty()) fail(p, "must not be empty");
  if (s.size() > max_len) fail(p, "is longer than " + std::to_string(max_len) + " bytes");
  return s;
}

std::optional<std::string> opt_string(const json& obj, std::string_view key, const std::string& pointer,
                                      std::size_t max_len) {
  const json* v = find(obj, key);
  if (!v || v->is_null()) return std::nullopt;
  return get_string(obj, key, pointer, max_len, false);
}

std::int64_t get_int(const json& obj, std::string_view key, const std::string& pointer, std::int64_t min,
                     std::int64_t max) {
  const std::string p = child(pointer, key);
  const json* v = find(obj, key);
  if (!v || v->is_null()) fail(p, "is required");
  if (!v->is_number_integer()) fail(p, "must be a whole number");
  if (v->is_number_unsigned() && v->get<std::uint64_t>() > static_cast<std::uint64_t>(max)) {
    fail(p, "must be at most " + std::to_string(max));
  }
  const auto n = v->get<std::int64_t>();
  if (n < min || n > max) fail(p, "must be between " + std::to_string(min) + " and " + std::to_string(max));
  return n;
}

std::optional<std::int64_t> opt_int(const json& obj, std::string_view key, const std::string& pointer,
                                    std::int64_t min, std::int64_t max) {
  const json* v = find(obj, key);
  if (!v || v->is_null()) return std::nullopt;
  return get_int(obj, key, pointer, min, max);
}

Date get_date(const json& obj, std::string_view key, const std::string& pointer) {
  const std::string s = get_string(obj, key, pointer, 10);
  try {
    return Date::parse(s);
  } catch (const Error& e) {
    fail(child(pointer, key), e.what());
  }
}

std::optional<Date> opt_date(const json& obj, std::string_view key, const std::string& pointer) {
  const json* v = find(obj, key);
  if (!v || v->is_null()) return std::nullopt;
  return get_date(obj, key, pointer);
}

Instant get_time(const json& obj, std::string_view key, const std::string& pointer) {
  const std::string s = get_string(obj, key, pointer, 64);
  try {
    return Instant::parse_rfc3339(s);
  } catch (const Error& e) {
    fail(child(pointer, key), e.what());
  }
}

bool get_bool(const json& obj, std::string_view key, const std::string& pointer) {
  const json* v = find(obj, key);
  if (!v || v->is_null()) fail(child(pointer, key), "is required");
  if (!v->is_boolean()) fail(child(pointer, key), "must be true or false");
  return v->get<bool>();
}

}  // namespace permitflow::input
