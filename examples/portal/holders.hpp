// Who holds which uploaded document. Documents are stored once by their SHA-256, but a hash is no secret (a
// notice and a certificate print the hashes of the materials), so the portal records which person uploaded
// which bytes: only they may name the document in a submission or ask about it. Nobody learns whether
// somebody else uploaded the same file, and nobody attaches another party's document to a case of their own
// to read it. (docs/security.md)
#pragma once

#include <mutex>
#include <string>
#include <string_view>
#include <unordered_set>

namespace portal {

class DocumentHolders {
 public:
  /// The record lives in `file`, one line "<sha256> <holder reference>" per first upload, appended; "" keeps
  /// it in memory only. Throws std::runtime_error if the file cannot be read or created.
  explicit DocumentHolders(std::string file);
  /// Records that the person `actor_id` uploaded the bytes of `sha256`; false if they had already.
  bool add(std::string_view sha256, std::string_view actor_id);
  bool holds(std::string_view sha256, std::string_view actor_id) const;

 private:
  std::string file_;
  mutable std::mutex mutex_;
  std::unordered_set<std::string> held_;  // "<sha256> <reference>"
};

}  // namespace portal
