#include "common/json_text.hpp"

#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <nlohmann/json.hpp>
#include <string>

#include "common/json_input.hpp"

namespace permitflow::json_text {
namespace {

bool is_space(char c) noexcept { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/// One pass over the text; `i` is the next byte. UTF-8 is checked once for the whole text beforehand, so
/// strings only look for their end, escapes and control characters.
class Scanner {
 public:
  explicit Scanner(std::string_view text) noexcept : s_(text) {}

  bool document() {
    skip_space();
    if (!value()) return false;
    skip_space();
    return i_ == s_.size();
  }

 private:
  // Containers are tracked on an explicit stack ('{' or '['), so deep nesting costs memory, not recursion.
  bool value() {
    std::string open;
    for (;;) {
      skip_space();
      if (i_ >= s_.size()) return false;
      const char c = s_[i_];
      if (c == '{' || c == '[') {
        ++i_;
        skip_space();
        const char close = c == '{' ? '}' : ']';
        if (i_ < s_.size() && s_[i_] == close) {
          ++i_;
        } else {
          open.push_back(c);
          if (c == '{' && !member_key()) return false;
          continue;  // the first element or member value
        }
      } else if (!scalar()) {
        return false;
      }
      // After a value: close containers or go on to the next element.
      for (;;) {
        if (open.empty()) return true;
        skip_space();
        if (i_ >= s_.size()) return false;
        const char next = s_[i_++];
        if (next == ',') {
          if (open.back() == '{' && !member_key()) return false;
          break;
        }
        if (next != (open.back() == '{' ? '}' : ']')) return false;
        open.pop_back();
      }
    }
  }

  // `"key" :` — the key of an object member, up to its colon.
  bool member_key() {
    skip_space();
    if (i_ >= s_.size() || s_[i_] != '"' || !string()) return false;
    skip_space();
    if (i_ >= s_.size() || s_[i_] != ':') return false;
    ++i_;
    return true;
  }

  bool scalar() {
    switch (s_[i_]) {
      case '"':
        return string();
      case 't':
        return literal("true");
      case 'f':
        return literal("false");
      case 'n':
        return literal("null");
      default:
        return number();
    }
  }

  bool literal(std::string_view word) noexcept {
    if (s_.substr(i_, word.size()) != word) return false;
    i_ += word.size();
    return true;
  }

  bool string() noexcept {
    ++i_;                              // the opening quote
    bool high_surrogate_open = false;  // a \uD800-\uDBFF waiting for its low half
    while (i_ < s_.size()) {
      const auto c = static_cast<unsigned char>(s_[i_++]);
      if (high_surrogate_open && c != '\\') return false;
      if (c == '"') return true;
      if (c < 0x20) return false;
      if (c != '\\') continue;
      if (i_ >= s_.size()) return false;
      const char e = s_[i_++];
      if (e == 'u') {
        if (i_ + 4 > s_.size()) return false;
        int unit = 0;
        for (int k = 0; k < 4; ++k) {
          const int h = hex_value(s_[i_++]);
          if (h < 0) return false;
          unit = unit * 16 + h;
        }
        const bool high = unit >= 0xD800 && unit <= 0xDBFF;
        const bool low = unit >= 0xDC00 && unit <= 0xDFFF;
        if (high_surrogate_open != low) return false;  // a low half only right after a high one
        high_surrogate_open = high;
      } else if (high_surrogate_open || (e != '"' && e != '\\' && e != '/' && e != 'b' && e != 'f' &&
                                         e != 'n' && e != 'r' && e != 't')) {
        return false;
      }
    }
    return false;
  }

  // -? (0 | [1-9][0-9]*) (.[0-9]+)? ([eE][+-]?[0-9]+)? — and, as nlohmann refuses a number that overflows a
  // double, a long or non-integral one is converted to check that it stays finite.
  bool number() {
    const std::size_t start = i_;
    if (s_[i_] == '-') ++i_;
    if (i_ >= s_.size() || !is_digit(s_[i_])) return false;
    if (s_[i_] == '0') {
      ++i_;
    } else {
      while (i_ < s_.size() && is_digit(s_[i_])) ++i_;
    }
    bool integral = true;
    if (i_ < s_.size() && s_[i_] == '.') {
      integral = false;
      ++i_;
      if (i_ >= s_.size() || !is_digit(s_[i_])) return false;
      while (i_ < s_.size() && is_digit(s_[i_])) ++i_;
    }
    if (i_ < s_.size() && (s_[i_] == 'e' || s_[i_] == 'E')) {
      integral = false;
      ++i_;
      if (i_ < s_.size() && (s_[i_] == '+' || s_[i_] == '-')) ++i_;
      if (i_ >= s_.size() || !is_digit(s_[i_])) return false;
      while (i_ < s_.size() && is_digit(s_[i_])) ++i_;
    }
    if (integral && i_ - start <= 18) return true;  // fits an int64 or at worst a finite double
    const std::string token(s_.substr(start, i_ - start));
    return std::isfinite(std::strtod(token.c_str(), nullptr));
  }

  void skip_space() noexcept {
    while (i_ < s_.size() && is_space(s_[i_])) ++i_;
  }

  std::string_view s_;
  std::size_t i_ = 0;
};

}  // namespace

bool well_formed(std::string_view text) noexcept {
  if (!input::valid_utf8(text)) return false;
  try {
    return Scanner(text).document();
  } catch (...) {  // std::bad_alloc from a deep container stack: not a text we splice
    return false;
  }
}

namespace {

// Finding the bytes a JSON string cannot hold as they are, eight at a time: most strings have none.
constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
constexpr std::uint64_t kHighs = 0x8080808080808080ULL;

// The high bit of each zero byte of x (and possibly of bytes above one: borrows only run upward, so the
// lowest bit set is exact, and so is whether any is set).
constexpr std::uint64_t zero_bytes(std::uint64_t x) { return (x - kOnes) & ~x & kHighs; }

// A control character, '"' or '\\' (what must be escaped); with `ascii`, also any byte of a multi-byte
// UTF-8 sequence (what needs the UTF-8 check). Bytes are little-endian in the word: the lowest set bit marks
// the first such byte.
constexpr std::uint64_t special_bytes(std::uint64_t x, bool ascii) {
  return ((x - kOnes * 0x20) & ~x & kHighs) | zero_bytes(x ^ (kOnes * '"')) | zero_bytes(x ^ (kOnes * '\\')) |
         (ascii ? x & kHighs : 0);
}

constexpr bool special_byte(unsigned char b, bool ascii) {
  return b < 0x20 || b == '"' || b == '\\' || (ascii && b >= 0x80);
}

// The index of the first special byte of text at or after i, or text.size().
std::size_t next_special(std::string_view text, std::size_t i, bool ascii) {
  for (; i + 8 <= text.size(); i += 8) {
    std::uint64_t x = 0;
    std::memcpy(&x, text.data() + i, sizeof x);
    if (const std::uint64_t m = special_bytes(x, ascii))
      return i + static_cast<std::size_t>(std::countr_zero(m)) / 8;
  }
  while (i < text.size() && !special_byte(static_cast<unsigned char>(text[i]), ascii)) ++i;
  return i;
}

// append_string past its plain path: text[ascii_end] is the first byte that is not printable ASCII.
void append_escaped(std::string& out, std::string_view text, std::size_t ascii_end) {
  out.reserve(out.size() + text.size() + 2);
  if (!input::valid_utf8(text.substr(ascii_end))) {  // what comes before is ASCII
    out += nlohmann::json(text).dump();              // throws, as dump does on text that is not UTF-8
    return;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  std::size_t plain_from = 0;
  for (std::size_t i = next_special(text, ascii_end, false); i < text.size();
       i = next_special(text, i + 1, false)) {
    const auto b = static_cast<unsigned char>(text[i]);
    out.append(text, plain_from, i - plain_from);  // UTF-8 sequences included
    plain_from = i + 1;
    out += '\\';
    switch (b) {
      case '"':
        out += '"';
        break;
      case '\\':
        out += '\\';
        break;
      case '\b':
        out += 'b';
        break;
      case '\t':
        out += 't';
        break;
      case '\n':
        out += 'n';
        break;
      case '\f':
        out += 'f';
        break;
      case '\r':
        out += 'r';
        break;
      default:  // the other control characters, as dump writes them: \u00XX in lower-case hex
        out += "u00";
        out += kHex[b >> 4];
        out += kHex[b & 0xF];
    }
  }
  out.append(text, plain_from, text.size() - plain_from);
  out += '"';
}

}  // namespace

void append_string(std::string& out, std::string_view text) { append_string_then(out, text, '\0'); }

void append_string_then(std::string& out, std::string_view text, char then) {
  // Most strings a document writes (keys, ids, dates, states) are printable ASCII with nothing to escape:
  // valid UTF-8 by construction, written in one step with their quotes (and `then`).
  const std::size_t ascii_end = next_special(text, 0, true);
  if (ascii_end == text.size()) {
    const std::size_t at = out.size();
    out.resize(at + text.size() + (then ? 3 : 2));
    char* p = out.data() + at;
    *p++ = '"';
    if (!text.empty()) std::memcpy(p, text.data(), text.size());  // an empty view's data may be null
    p += text.size();
    *p++ = '"';
    if (then) *p = then;
    return;
  }
  append_escaped(out, text, ascii_end);
  if (then) out += then;
}

void Writer::number(std::int64_t n) {
  comma();
  char buf[24];
  const auto end = std::to_chars(buf, buf + sizeof buf, n).ptr;
  out_.append(buf, end);
}

}  // namespace permitflow::json_text
