// Strict reading of JSON input at the edges: every field checked for presence, type and size, every error
// an Error(invalid_argument) naming the field by its JSON pointer.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "permitflow/calendar.hpp"

namespace permitflow::input {

using nlohmann::json;

inline constexpr std::size_t kMaxText = 10000;  // free text (reasons, findings, notes)
inline constexpr std::size_t kMaxId = 200;      // identifiers
inline constexpr std::size_t kMaxDocument = 4 * 1024 * 1024;

/// Whether `text` is well-formed UTF-8 (no overlong forms, surrogates or code points past U+10FFFF).
bool valid_utf8(std::string_view text) noexcept;

/// Parses a JSON document (size-limited, depth-limited). `what` names it in errors ("application").
json parse_document(std::string_view text, std::string_view what);

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

/// "/a/b" + key → "/a/b/key".
std::string child(const std::string& pointer, std::string_view key);

}  // namespace permitflow::input
