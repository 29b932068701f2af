// The one strict reader of JSON input: engine config, commands and applications, definition files and
// calendar files all go through it. Every field is checked for presence, type, size and range; every refusal
// is an Error(invalid_argument) whose field() is the JSON pointer of the offending value and whose message
// reads "<source>: <pointer>: <problem>" (docs/contract.md §3, "Refusals of bad input").
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <nlohmann/json.hpp>

#include "permitflow/calendar.hpp"

namespace permitflow::input {

using nlohmann::json;

inline constexpr std::size_t kMaxText = 10000;  // free text (reasons, findings, notes)
inline constexpr std::size_t kMaxId = 200;      // identifiers
inline constexpr std::size_t kMaxDocument = 4 * 1024 * 1024;
inline constexpr std::size_t kAnyLength = std::string::npos;  // files a county edits: no length limit

/// Whether `text` is well-formed UTF-8 (no overlong forms, surrogates or code points past U+10FFFF).
bool valid_utf8(std::string_view text) noexcept;

/// The common form of a JSON text read without nlohmann's lexer: objects, arrays, strings of valid UTF-8 with
/// the short escapes (\" \\ \/ \b \f \n \r \t), integers of at most 18 digits, decimals, true, false and
/// null, nested at most 32 deep. Anything else (a \u escape, a byte-order mark, every malformed text) gives
/// nullopt, and parse_document hands the text to nlohmann's parser, whose answers and refusals are the
/// contract. Whenever this returns a value it is that parser's value, type for type (an unsigned, a signed
/// and a floating number stay apart), the last of duplicate keys kept as it keeps it: json_input_test and
/// the command and application fuzz targets compare the two.
std::optional<json> parse_common_form(std::string_view text);

/// Parses a JSON document (size-limited, depth-limited, an object). `what` names it in errors ("the
/// application"); `source`, when given, starts every message (a file name).
json parse_document(std::string_view text, std::string_view what, std::string_view source = {});

/// How a value's type reads in a message: "a string", "an integer", "null", …
std::string_view kind_of(const json& value);

/// "/a/b" + key → "/a/b/key", the key escaped as RFC 6901 says ('~' → "~0", '/' → "~1").
std::string child(const std::string& pointer, std::string_view key);

/// A value being read: the JSON, its pointer and the source label every message starts with. The JSON and
/// the label must outlive it. Every check either returns the value or throws the one Error shape.
class Field {
 public:
  explicit Field(const json& value, std::string pointer = {}, std::string_view source = {})
      : j_(value), pointer_(std::move(pointer)), source_(source) {}

  const json& value() const { return j_; }
  const std::string& pointer() const { return pointer_; }

  /// Throws Error(invalid_argument, "<source>: <pointer>: <problem>", pointer); empty parts are left out.
  [[noreturn]] void fail(const std::string& problem) const;

  /// Whether the object has the key (a null value counts as present).
  bool has(std::string_view key) const;
  /// The member `key`; refused with "is required" (at the member's pointer) when absent.
  Field child(std::string_view key) const;
  Field element(std::size_t i) const;
  std::size_t size() const { return j_.size(); }

  const Field& object() const;
  /// An object whose keys are all in `allowed`; another key is refused at its own pointer.
  const Field& object(std::initializer_list<std::string_view> allowed) const;
  const Field& array() const;
  std::string str(std::size_t max_len = kAnyLength) const;
  std::string nonempty_str(std::size_t max_len = kAnyLength) const;
  bool boolean() const;
  /// An exact integer (12.0 is not one) in [min, max].
  std::int64_t integer(std::int64_t min, std::int64_t max) const;
  double number() const;
  Date date() const;     // YYYY-MM-DD
  Instant time() const;  // RFC 3339 with an offset

 private:
  const json& j_;
  std::string pointer_;
  std::string_view source_;
};

// The engine's documents: members of an object at `pointer`, where a null member counts as absent.

[[noreturn]] void fail(const std::string& pointer, const std::string& message);

/// Refuses any key of `obj` not in `allowed`.
void only_keys(const json& obj, const std::string& pointer, std::initializer_list<std::string_view> allowed);
const json& require_object(const json& parent, std::string_view key, const std::string& pointer);
void require_object_value(const json& value, const std::string& pointer);

std::string get_string(const json& obj, std::string_view key, const std::string& pointer, std::size_t max_len,
                       bool non_empty = true);
std::optional<std::string> opt_string(const json& obj, std::string_view key, const std::string& pointer,
                                      std::size_t max_len);
std::int64_t get_int(const json& obj, std::string_view key, const std::string& pointer, std::int64_t min,
                     std::int64_t max);
std::optional<std::int64_t> opt_int(const json& obj, std::string_view key, const std::string& pointer,
                                    std::int64_t min, std::int64_t max);
Date get_date(const json& obj, std::string_view key, const std::string& pointer);
std::optional<Date> opt_date(const json& obj, std::string_view key, const std::string& pointer);
Instant get_time(const json& obj, std::string_view key, const std::string& pointer);
bool get_bool(const json& obj, std::string_view key, const std::string& pointer);

}  // namespace permitflow::input
