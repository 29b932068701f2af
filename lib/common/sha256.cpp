#include "common/sha256.hpp"

#include <openssl/evp.h>

#include <array>
#include <fstream>
#include <memory>

#include "permitflow/error.hpp"

namespace permitflow {

namespace {

using Context = std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)>;

// Fetched once: given EVP_sha256(), OpenSSL 3 looks the implementation up in its provider tables (under a
// lock) at every EVP_DigestInit_ex, which cost as much as hashing a 2 KB event. Kept for the process.
const EVP_MD* sha256_md() {
  static const EVP_MD* md = [] {
    const EVP_MD* fetched = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    return fetched ? fetched : EVP_sha256();
  }();
  return md;
}

Context start() {
  Context ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  if (!ctx || EVP_DigestInit_ex(ctx.get(), sha256_md(), nullptr) != 1)
    throw Error(ErrorCode::internal, "SHA-256 failed in OpenSSL");
  return ctx;
}

void update(Context& ctx, const void* data, std::size_t n) {
  if (EVP_DigestUpdate(ctx.get(), data, n) != 1)
    throw Error(ErrorCode::internal, "SHA-256 failed in OpenSSL");
}

std::string finish(Context& ctx) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int len = 0;
  if (EVP_DigestFinal_ex(ctx.get(), digest.data(), &len) != 1)
    throw Error(ErrorCode::internal, "SHA-256 failed in OpenSSL");
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(len * 2);
  for (unsigned int i = 0; i < len; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 0xF]);
  }
  return out;
}

}  // namespace

std::string sha256_hex(std::string_view bytes) {
  Context ctx = start();
  update(ctx, bytes.data(), bytes.size());
  return finish(ctx);
}

std::optional<std::string> sha256_file_hex(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  Context ctx = start();
  std::array<char, 1 << 16> chunk{};
  while (in) {
    in.read(chunk.data(), chunk.size());
    if (in.gcount() > 0) update(ctx, chunk.data(), static_cast<std::size_t>(in.gcount()));
  }
  if (in.bad()) return std::nullopt;
  return finish(ctx);
}

}  // namespace permitflow
