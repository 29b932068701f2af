// SHA-256 through OpenSSL 3's EVP API (the SHA256_* calls are deprecated).
#pragma once

#include <string>
#include <string_view>

namespace permitflow {

/// Lower-case hex SHA-256 of the bytes.
std::string sha256_hex(std::string_view bytes);

}  // namespace permitflow
