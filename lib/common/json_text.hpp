// JSON handled as text, for answers written without building a tree: checking that a stored text is one
// well-formed JSON value before it is spliced into an answer, and writing a string as a JSON string.
#pragma once

#include <string>
#include <string_view>

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

}  // namespace permitflow::json_text
