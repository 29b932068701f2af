// The documents an application's materials refer to by SHA-256 (docs/deployment.md, docs/security.md): a
// content-addressed folder, `<dir>/<first two hex digits>/<sha256>`, written atomically (a temporary file in
// `<dir>/tmp/`, fsync, a hard link to its final name, fsync of the folder) and never overwritten. The portal
// stores uploads here; Engine::verify checks that every hash a case refers to is here with matching bytes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "permitflow/export.hpp"

namespace permitflow {

/// The format of a document from its first bytes, never from its name: "pdf" (%PDF-), "png", "jpg" (JPEG),
/// "ofd" (a ZIP archive holding OFD.xml, GB/T 33190), or "" for anything else. Reads the file at `path`.
PERMITFLOW_EXPORT std::string sniff_document_format(const std::string& path);

/// Lower-case hex SHA-256 of a file's bytes, read in chunks. Throws Error(storage) if it cannot be read.
PERMITFLOW_EXPORT std::string sha256_of_file(const std::string& path);

/// Whether `s` is 64 lower-case hex digits.
PERMITFLOW_EXPORT bool is_sha256_hex(std::string_view s) noexcept;

class PERMITFLOW_EXPORT DocumentStore {
 public:
  /// The folder (created with mode 0700, with its tmp/ sub-folder, if missing and `create`). Throws
  /// Error(storage).
  explicit DocumentStore(std::string dir, bool create = true);

  const std::string& dir() const { return dir_; }
  /// Where the document with this hash lives (whether or not it is there). Error(invalid_argument) for a
  /// hash that is not 64 lower-case hex digits.
  std::string path_of(std::string_view sha256) const;
  /// A fresh, unique temporary file name under tmp/ (not created) for an upload in progress.
  std::string temp_path() const;
  bool has(std::string_view sha256) const;

  struct Stored {
    std::string sha256, format;
    std::uint64_t size = 0;
    bool created = false;  // false: the same bytes were already stored (nothing was written)
  };
  /// Moves a fully written temporary file into the store under its hash, which must equal `declared`
  /// (Error(invalid_argument) otherwise) and whose format must be one of pdf, ofd, png, jpg
  /// (Error(invalid_argument) otherwise). The temporary file is gone afterwards, whatever happened.
  Stored put(const std::string& temp_file, std::string_view declared);

  enum class Check { ok, missing, altered };
  /// Whether the document is here and its bytes hash to its name.
  Check check(std::string_view sha256) const;

 private:
  std::string dir_;
};

}  // namespace permitflow
