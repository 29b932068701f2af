// JSON handled as text, for answers written without building a tree: checking that a stored text is one
// well-formed JSON value before it is spliced into an answer, writing a string as a JSON string, and writing
// a whole document as it goes (Writer).
#pragma once

#include <concepts>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/text.hpp"

namespace permitflow::json_text {

/// Whether `text` is exactly one JSON value (RFC 8259) with optional surrounding whitespace: strict grammar,
/// well-formed UTF-8, paired \u surrogates, numbers that fit a double. Unlike nlohmann::json::accept it
/// refuses a leading byte-order mark, which would break the answer the text is spliced into; otherwise it
/// agrees with accept (tests/common/json_text_test.cpp checks it on generated texts), at a fraction of the
/// cost: no tokens, no SAX events, one pass.
bool well_formed(std::string_view text) noexcept;

/// Appends `text` as a JSON string, byte for byte what nlohmann::json(text).dump() writes; `text` must be
/// UTF-8 (dump throws otherwise). Plain text (printable ASCII without '"' or '\\') is copied without a tree.
void append_string(std::string& out, std::string_view text);
/// The same, then the byte `then` unless it is '\0' (a key's ':').
void append_string_then(std::string& out, std::string_view text, char then);

/// The character a JSON string's short escape `\e` stands for ('n' → '\n', '"' → '"', …); '\0' when `e`
/// starts no short escape ('u' is the caller's: four hex digits follow).
constexpr char short_escape(char e) noexcept {
  switch (e) {
    case '"':
    case '\\':
    case '/':
      return e;
    case 'b':
      return '\b';
    case 'f':
      return '\f';
    case 'n':
      return '\n';
    case 'r':
      return '\r';
    case 't':
      return '\t';
    default:
      return '\0';
  }
}

/// The string at text[i] (its opening quote) when it is plain: printable ASCII without escapes, which reads
/// as its bytes. Sets `s` to them and moves `i` past the closing quote; false (with `i` anywhere) otherwise.
/// The fast paths that read the engine's own dumps without a tree use it, and leave anything else to
/// nlohmann.
inline bool plain_string(std::string_view text, std::size_t& i, std::string_view& s) {
  if (i >= text.size() || text[i] != '"') return false;
  const std::size_t start = ++i;
  while (i < text.size() && text[i] != '"') {
    const auto ch = static_cast<unsigned char>(text[i]);
    if (ch < 0x20 || ch > 0x7e || ch == '\\') return false;
    ++i;
  }
  if (i == text.size()) return false;
  s = text.substr(start, i - start);
  ++i;
  return true;
}

/// An object key known when the program is compiled, checked plain then (printable ASCII without '"' or
/// '\\'): writing it is a copy, with no scan for bytes to escape. A key that is not plain does not compile.
class PlainKey {
 public:
  consteval PlainKey(const char* k) : text_(k) {
    for (const char c : text_) {
      if (c < 0x20 || c > 0x7e || c == '"' || c == '\\')
        throw "a PlainKey is printable ASCII without '\"' or '\\'";
    }
  }
  constexpr std::string_view text() const { return text_; }

 private:
  std::string_view text_;
};

/// A JSON text written as it goes onto the end of a string, without a tree: the caller gives the values in
/// the order they are to appear and the writer puts the commas. A text meant to equal what nlohmann's dump
/// writes gives each object's keys sorted (byte order), as its std::map holds them.
class Writer {
 public:
  explicit Writer(std::string& out) : out_(out), start_(out.size()) {}
  void begin_object() {
    comma();
    out_ += '{';
  }
  void end_object() { out_ += '}'; }
  void begin_array() {
    comma();
    out_ += '[';
  }
  void end_array() { out_ += ']'; }
  /// The next value is the member `k` of the open object: a key the program holds as a literal…
  void key(PlainKey k) {
    comma();
    out_ += '"';
    out_.append(k.text());
    out_.append("\":", 2);
  }
  /// … or any other text, escaped as a JSON string needs.
  void key_text(std::string_view k) {
    comma();
    append_string_then(out_, k, ':');
  }
  void string(std::string_view s) {
    comma();
    append_string(out_, s);
  }
  /// A Text: a word of the vocabulary is copied as the JSON string it was escaped to once (a template, so
  /// that only a Text picks it: std::string and literals convert to both Text and std::string_view).
  template <class T>
  requires std::same_as<T, Text>
  void string(const T& t) {
    const std::string_view known = t.json_string();
    if (known.empty()) return string(t.view());
    comma();
    out_.append(known);
  }
  void number(std::int64_t n);
  void boolean(bool b) {
    comma();
    out_ += b ? "true" : "false";
  }
  void null() {
    comma();
    out_ += "null";
  }
  /// A value already written as JSON text.
  void raw(std::string_view json) {
    comma();
    out_ += json;
  }

 private:
  // A comma before a value or key unless it opens a container, follows its key, or starts the text.
  void comma() {
    if (out_.size() == start_) return;
    const char last = out_.back();
    if (last != '{' && last != '[' && last != ':') out_ += ',';
  }
  std::string& out_;
  std::size_t start_;
};

}  // namespace permitflow::json_text
