// SHA-256 through OpenSSL 3's EVP API (the SHA256_* calls are deprecated).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace permitflow {

/// Lower-case hex SHA-256 of the bytes.
std::string sha256_hex(std::string_view bytes);

/// Lower-case hex SHA-256 of a file's bytes, read in chunks; std::nullopt if it cannot be opened or read.
std::optional<std::string> sha256_file_hex(const std::string& path);

}  // namespace permitflow
