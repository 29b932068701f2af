#include "common/json_input.hpp"

#include <algorithm>
#include <charconv>
#include <cstring>

#include "common/json_text.hpp"
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

[[noreturn]] void raise(std::string_view source, const std::string& pointer, const std::string& problem) {
  std::string message;
  if (!source.empty()) message.append(source).append(": ");
  if (!pointer.empty()) message.append(pointer).append(": ");
  throw Error(ErrorCode::invalid_argument, message + problem, pointer);
}

bool absent(const json& obj, std::string_view key) {
  const auto it = obj.find(key);
  return it == obj.end() || it->is_null();
}

// A member the engine requires: absent and null are both "is required".
Field member(const json& obj, std::string_view key, const std::string& pointer) {
  const Field f = Field(obj, pointer).child(key);
  if (f.value().is_null()) f.fail("is required");
  return f;
}

// A date or time: a non-empty string of at most max_len bytes that `parse` reads; its refusal names the text.
template <class Parse>
auto parsed(const Field& f, std::size_t max_len, Parse parse) -> decltype(parse(std::string{})) {
  const std::string s = f.nonempty_str(max_len);
  try {
    return parse(s);
  } catch (const Error& e) {
    f.fail(e.what());
  }
}

// The reader of parse_common_form: recursive descent over the text, building the tree nlohmann's DOM parser
// would build. Every path it does not know returns false; nothing is ever refused here.
class CommonFormReader {
 public:
  explicit CommonFormReader(std::string_view text) : p_(text.data()), end_(text.data() + text.size()) {}

  bool document(json& out) {
    skip_space();
    if (!value(out, 0)) return false;
    skip_space();
    return p_ == end_;
  }

 private:
  const char* p_;
  const char* end_;

  void skip_space() {
    while (p_ != end_ && (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t')) ++p_;
  }

  bool next_is(char c) {
    skip_space();
    if (p_ == end_ || *p_ != c) return false;
    ++p_;
    return true;
  }

  bool value(json& out, int depth) {
    if (p_ == end_) return false;
    switch (*p_) {
      case '{':
        return object(out, depth + 1);
      case '[':
        return array(out, depth + 1);
      case '"': {
        std::string s;
        if (!string(s)) return false;
        out = std::move(s);
        return true;
      }
      case 't':
        return literal("true", out, json(true));
      case 'f':
        return literal("false", out, json(false));
      case 'n':
        return literal("null", out, json(nullptr));
      default:
        return number(out);
    }
  }

  bool literal(std::string_view word, json& out, json v) {
    if (static_cast<std::size_t>(end_ - p_) < word.size() || std::string_view(p_, word.size()) != word)
      return false;
    p_ += word.size();
    out = std::move(v);
    return true;
  }

  bool object(json& out, int depth) {
    if (depth > kMaxDepth) return false;
    ++p_;  // '{'
    out = json::object();
    auto& members = out.get_ref<json::object_t&>();
    if (next_is('}')) return true;
    do {
      skip_space();
      if (p_ == end_ || *p_ != '"') return false;
      std::string key;
      if (!string(key) || !next_is(':')) return false;
      skip_space();
      json v;
      if (!value(v, depth)) return false;
      // The last of duplicates, as nlohmann keeps; the hint makes keys that come sorted (as dumps write
      // them) cost one comparison each.
      members.insert_or_assign(members.end(), std::move(key), std::move(v));
    } while (next_is(','));
    return next_is('}');
  }

  bool array(json& out, int depth) {
    if (depth > kMaxDepth) return false;
    ++p_;  // '['
    out = json::array();
    auto& elements = out.get_ref<json::array_t&>();
    if (next_is(']')) return true;
    do {
      skip_space();
      elements.emplace_back();
      if (!value(elements.back(), depth)) return false;
    } while (next_is(','));
    return next_is(']');
  }

  bool string(std::string& out) {
    ++p_;  // the opening quote
    for (;;) {
      const char* run = p_;
      while (p_ != end_ && *p_ != '"' && *p_ != '\\' && static_cast<unsigned char>(*p_) >= 0x20) ++p_;
      out.append(run, p_);
      if (p_ == end_ || static_cast<unsigned char>(*p_) < 0x20) return false;
      if (*p_ == '"') {
        ++p_;
        return valid_utf8(out);
      }
      if (++p_ == end_) return false;  // past the backslash
      const char c = json_text::short_escape(*p_++);
      if (c == '\0') return false;  // \u (and its surrogate pairs) is nlohmann's to read
      out += c;
    }
  }

  static bool digit(char c) { return c >= '0' && c <= '9'; }

  // JSON's grammar: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?; what follows is the caller's to check.
  bool number(json& out) {
    const char* start = p_;
    const bool negative = p_ != end_ && *p_ == '-';
    if (negative) ++p_;
    if (p_ == end_ || !digit(*p_)) return false;
    if (*p_ == '0') {
      ++p_;
    } else {
      while (p_ != end_ && digit(*p_)) ++p_;
    }
    const char* int_end = p_;
    bool integral = true;
    if (p_ != end_ && *p_ == '.') {
      integral = false;
      if (++p_ == end_ || !digit(*p_)) return false;
      while (p_ != end_ && digit(*p_)) ++p_;
    }
    if (p_ != end_ && (*p_ == 'e' || *p_ == 'E')) {
      integral = false;
      ++p_;
      if (p_ != end_ && (*p_ == '+' || *p_ == '-')) ++p_;
      if (p_ == end_ || !digit(*p_)) return false;
      while (p_ != end_ && digit(*p_)) ++p_;
    }
    if (integral) {
      const char* digits = negative ? start + 1 : start;
      if (int_end - digits > 18) return false;  // nlohmann decides where 64 bits end
      std::uint64_t n = 0;
      for (const char* d = digits; d != int_end; ++d) n = n * 10 + static_cast<std::uint64_t>(*d - '0');
      // nlohmann's types: a non-negative integer is unsigned, a negative one signed (-0 too).
      if (negative) {
        out = -static_cast<std::int64_t>(n);
      } else {
        out = n;
      }
      return true;
    }
    double d = 0;
    const auto [end, ec] = std::from_chars(start, p_, d);
    if (ec != std::errc() || end != p_) return false;  // out of range: nlohmann's refusal
    out = d;
    return true;
  }
};

}  // namespace

std::optional<json> parse_common_form(std::string_view text) {
  json out;
  if (!CommonFormReader(text).document(out)) return std::nullopt;
  return out;
}

std::string child(const std::string& pointer, std::string_view key) {
  std::string out = pointer + "/";
  for (const char c : key) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

std::string_view kind_of(const json& value) {
  switch (value.type()) {
    case json::value_t::null:
      return "null";
    case json::value_t::boolean:
      return "a boolean";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
      return "an integer";
    case json::value_t::number_float:
      return "a number";
    case json::value_t::string:
      return "a string";
    case json::value_t::array:
      return "an array";
    case json::value_t::object:
      return "an object";
    default:
      return "an unsupported value";
  }
}

bool valid_utf8(std::string_view text) noexcept {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  std::size_t i = 0;
  while (i < text.size()) {
    // Two shortcuts for what documents hold: ASCII eight bytes at a time, and the three-byte forms whose
    // lead byte (E1–EC, EE, EF; Chinese among them) allows any continuation bytes.
    if (i + 8 <= text.size()) {
      std::uint64_t x = 0;
      std::memcpy(&x, s + i, sizeof x);
      if ((x & 0x8080808080808080ULL) == 0) {
        i += 8;
        continue;
      }
    }
    const unsigned char b = s[i];
    if (b < 0x80) {
      ++i;
      continue;
    }
    if (((b >= 0xE1 && b <= 0xEC) || b == 0xEE || b == 0xEF) && i + 3 <= text.size() &&
        (s[i + 1] & 0xC0) == 0x80 && (s[i + 2] & 0xC0) == 0x80) {
      i += 3;
      continue;
    }
    std::size_t len = 0;
    std::uint32_t cp = 0;
    if ((b & 0xE0) == 0xC0) {
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

json parse_document(std::string_view text, std::string_view what, std::string_view source) {
  if (text.size() > kMaxDocument) {
    raise(source, "", std::string(what) + " is larger than 4 MiB");
  }
  if (auto doc = parse_common_form(text)) {
    if (!doc->is_object()) raise(source, "", std::string(what) + " must be a JSON object");
    return std::move(*doc);
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
      if (++depth > kMaxDepth) raise(source, "", std::string(what) + " is nested deeper than 32 levels");
    } else if (ch == '}' || ch == ']') {
      --depth;
    }
  }
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::parse_error& e) {
    raise(source, "", std::string(what) + " is not valid JSON (byte " + std::to_string(e.byte) + ")");
  } catch (const json::out_of_range&) {  // e.g. 1e999: no double holds it (found by fuzz_command)
    raise(source, "", std::string(what) + " is not valid JSON (a number is out of range)");
  }
  if (depth_of(doc, kMaxDepth + 1) > kMaxDepth)
    raise(source, "", std::string(what) + " is nested too deeply");
  if (!doc.is_object()) raise(source, "", std::string(what) + " must be a JSON object");
  return doc;
}

// --- Field -----------------------------------------------------------------------------------------------

void Field::fail(const std::string& problem) const { raise(source_, pointer_, problem); }

bool Field::has(std::string_view key) const { return j_.is_object() && j_.contains(key); }

Field Field::child(std::string_view key) const {
  const auto it = j_.is_object() ? j_.find(key) : j_.end();
  if (it == j_.end()) raise(source_, input::child(pointer_, key), "is required");
  return Field(*it, input::child(pointer_, key), source_);
}

Field Field::element(std::size_t i) const {
  return Field(j_.at(i), pointer_ + "/" + std::to_string(i), source_);
}

const Field& Field::object() const {
  if (!j_.is_object()) fail("expected an object, found " + std::string(kind_of(j_)));
  return *this;
}

const Field& Field::object(std::initializer_list<std::string_view> allowed) const {
  object();
  for (const auto& [key, v] : j_.items()) {
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      raise(source_, input::child(pointer_, key), "unknown key '" + key + "'");
    }
  }
  return *this;
}

const Field& Field::array() const {
  if (!j_.is_array()) fail("expected an array, found " + std::string(kind_of(j_)));
  return *this;
}

std::string Field::str(std::size_t max_len) const {
  if (!j_.is_string()) fail("expected a string, found " + std::string(kind_of(j_)));
  const auto& s = j_.get_ref<const std::string&>();
  if (s.size() > max_len) fail("is longer than " + std::to_string(max_len) + " bytes");
  return s;
}

std::string Field::nonempty_str(std::size_t max_len) const {
  std::string s = str(max_len);
  if (s.empty()) fail("must not be empty");
  return s;
}

bool Field::boolean() const {
  if (!j_.is_boolean()) fail("expected a boolean, found " + std::string(kind_of(j_)));
  return j_.get<bool>();
}

std::int64_t Field::integer(std::int64_t min, std::int64_t max) const {
  if (!j_.is_number_integer()) fail("expected an integer, found " + std::string(kind_of(j_)));
  // Non-negative numbers parse as unsigned; one past INT64_MAX must not wrap into range.
  if (j_.is_number_unsigned() && (max < 0 || j_.get<std::uint64_t>() > static_cast<std::uint64_t>(max))) {
    fail("must be at most " + std::to_string(max) + ", found " + j_.dump());
  }
  const auto n = j_.get<std::int64_t>();
  if (n < min) fail("must be at least " + std::to_string(min) + ", found " + std::to_string(n));
  if (n > max) fail("must be at most " + std::to_string(max) + ", found " + std::to_string(n));
  return n;
}

double Field::number() const {
  if (!j_.is_number()) fail("expected a number, found " + std::string(kind_of(j_)));
  return j_.get<double>();
}

Date Field::date() const { return parsed(*this, 10, Date::parse); }

Instant Field::time() const { return parsed(*this, 64, Instant::parse_rfc3339); }

// --- the engine's members -------------------------------------------------------------------------------

void fail(const std::string& pointer, const std::string& message) { raise({}, pointer, message); }

void only_keys(const json& obj, const std::string& pointer, std::initializer_list<std::string_view> allowed) {
  Field(obj, pointer).object(allowed);
}

void require_object_value(const json& value, const std::string& pointer) { Field(value, pointer).object(); }

const json& require_object(const json& parent, std::string_view key, const std::string& pointer) {
  return member(parent, key, pointer).object().value();
}

std::string get_string(const json& obj, std::string_view key, const std::string& pointer, std::size_t max_len,
                       bool non_empty) {
  const Field f = member(obj, key, pointer);
  return non_empty ? f.nonempty_str(max_len) : f.str(max_len);
}

std::optional<std::string> opt_string(const json& obj, std::string_view key, const std::string& pointer,
                                      std::size_t max_len) {
  if (absent(obj, key)) return std::nullopt;
  return member(obj, key, pointer).str(max_len);
}

std::int64_t get_int(const json& obj, std::string_view key, const std::string& pointer, std::int64_t min,
                     std::int64_t max) {
  return member(obj, key, pointer).integer(min, max);
}

std::optional<std::int64_t> opt_int(const json& obj, std::string_view key, const std::string& pointer,
                                    std::int64_t min, std::int64_t max) {
  if (absent(obj, key)) return std::nullopt;
  return get_int(obj, key, pointer, min, max);
}

Date get_date(const json& obj, std::string_view key, const std::string& pointer) {
  return member(obj, key, pointer).date();
}

std::optional<Date> opt_date(const json& obj, std::string_view key, const std::string& pointer) {
  if (absent(obj, key)) return std::nullopt;
  return get_date(obj, key, pointer);
}

Instant get_time(const json& obj, std::string_view key, const std::string& pointer) {
  return member(obj, key, pointer).time();
}

bool get_bool(const json& obj, std::string_view key, const std::string& pointer) {
  return member(obj, key, pointer).boolean();
}

}  // namespace permitflow::input
