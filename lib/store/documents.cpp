#include "permitflow/documents.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <random>
#include <vector>

#include "common/sha256.hpp"
#include "permitflow/error.hpp"

namespace permitflow {
namespace {

std::string os_error(const std::string& what, const std::string& path) {
  return what + " '" + path + "': " + std::strerror(errno);
}

void make_dir(const std::string& path) {
  if (::mkdir(path.c_str(), 0700) != 0 && errno != EEXIST)
    throw Error(ErrorCode::storage, os_error("cannot create the documents folder", path));
}

/// fsync of a file or folder, so a rename or link survives a crash (the folder entry is data too).
void sync_path(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw Error(ErrorCode::storage, os_error("cannot open", path));
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) throw Error(ErrorCode::storage, os_error("cannot sync", path));
}

std::uint32_t le(const unsigned char* p, int n) {
  std::uint32_t v = 0;
  for (int i = n - 1; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

/// Whether a ZIP archive's central directory names a root entry "OFD.xml" (an OFD document, GB/T 33190).
bool zip_holds_ofd_xml(std::ifstream& in) {
  in.seekg(0, std::ios::end);
  const auto size = static_cast<std::int64_t>(in.tellg());
  // The end-of-central-directory record: 22 bytes plus a comment of up to 65535 bytes, at the end.
  const std::int64_t tail = std::min<std::int64_t>(size, 22 + 65535);
  std::vector<unsigned char> buf(static_cast<std::size_t>(tail));
  in.seekg(size - tail);
  if (!in.read(reinterpret_cast<char*>(buf.data()), tail)) return false;
  std::int64_t eocd = -1;
  for (std::int64_t i = tail - 22; i >= 0; --i)
    if (le(&buf[static_cast<std::size_t>(i)], 4) == 0x06054b50) {
      eocd = i;
      break;
    }
  if (eocd < 0) return false;
  const unsigned char* e = &buf[static_cast<std::size_t>(eocd)];
  const std::uint32_t entries = le(e + 10, 2), dir_size = le(e + 12, 4), dir_offset = le(e + 16, 4);
  if (static_cast<std::int64_t>(dir_offset) + dir_size > size || dir_size > (64u << 20)) return false;
  std::vector<unsigned char> dir(dir_size);
  in.seekg(dir_offset);
  if (!in.read(reinterpret_cast<char*>(dir.data()), dir_size)) return false;
  std::size_t at = 0;
  for (std::uint32_t n = 0; n < entries && at + 46 <= dir.size(); ++n) {
    if (le(&dir[at], 4) != 0x02014b50) return false;
    const std::size_t name_len = le(&dir[at + 28], 2), extra = le(&dir[at + 30], 2),
                      comment = le(&dir[at + 32], 2);
    if (at + 46 + name_len > dir.size()) return false;
    if (std::string_view(reinterpret_cast<const char*>(&dir[at + 46]), name_len) == "OFD.xml") return true;
    at += 46 + name_len + extra + comment;
  }
  return false;
}

}  // namespace

std::string sniff_document_format(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::array<unsigned char, 8> head{};
  if (!in.read(reinterpret_cast<char*>(head.data()), head.size())) return "";
  auto starts = [&](std::string_view magic) {
    return std::equal(magic.begin(), magic.end(), head.begin(),
                      [](char a, unsigned char b) { return static_cast<unsigned char>(a) == b; });
  };
  if (starts("%PDF-")) return "pdf";
  if (starts("\x89PNG\r\n\x1a\n")) return "png";
  if (starts("\xff\xd8\xff")) return "jpg";
  if (starts(std::string_view("PK\x03\x04", 4)) && zip_holds_ofd_xml(in)) return "ofd";
  return "";
}

std::string sha256_of_file(const std::string& path) {
  auto h = sha256_file_hex(path);
  if (!h) throw Error(ErrorCode::storage, "cannot read '" + path + "'");
  return *h;
}

bool is_sha256_hex(std::string_view s) noexcept {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

DocumentStore::DocumentStore(std::string dir, bool create) : dir_(std::move(dir)) {
  if (dir_.empty()) throw Error(ErrorCode::invalid_argument, "the documents folder is empty");
  while (dir_.size() > 1 && dir_.back() == '/') dir_.pop_back();
  if (!create) return;
  make_dir(dir_);
  make_dir(dir_ + "/tmp");
}

std::string DocumentStore::path_of(std::string_view sha256) const {
  if (!is_sha256_hex(sha256))
    throw Error(ErrorCode::invalid_argument, "a document's sha256 must be 64 lower-case hex digits");
  return dir_ + "/" + std::string(sha256.substr(0, 2)) + "/" + std::string(sha256);
}

std::string DocumentStore::temp_path() const {
  static thread_local std::mt19937_64 random(std::random_device{}());
  static constexpr char kHex[] = "0123456789abcdef";
  std::string name = dir_ + "/tmp/upload-";
  for (int i = 0; i < 2; ++i) {
    auto v = random();
    for (int k = 0; k < 16; ++k, v >>= 4) name += kHex[v & 15];
  }
  return name;
}

bool DocumentStore::has(std::string_view sha256) const {
  struct stat st {};
  return ::stat(path_of(sha256).c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

DocumentStore::Stored DocumentStore::put(const std::string& temp_file, std::string_view declared) {
  // The temporary file goes, whatever happens below: stored under its hash or refused.
  struct Remove {
    const std::string& path;
    ~Remove() { ::unlink(path.c_str()); }
  } remove{temp_file};
  const std::string final_path = path_of(declared);
  Stored s;
  s.sha256 = sha256_of_file(temp_file);
  if (s.sha256 != declared)
    throw Error(ErrorCode::invalid_argument,
                "the bytes hash to " + s.sha256 + ", not to the declared " + std::string(declared));
  s.format = sniff_document_format(temp_file);
  if (s.format.empty())
    throw Error(ErrorCode::invalid_argument,
                "the document is not a PDF, OFD, PNG or JPEG file (judged from its bytes, not its name)");
  struct stat st {};
  if (::stat(temp_file.c_str(), &st) != 0)
    throw Error(ErrorCode::storage, os_error("cannot stat", temp_file));
  s.size = static_cast<std::uint64_t>(st.st_size);
  sync_path(temp_file);
  const std::string sub = dir_ + "/" + std::string(declared.substr(0, 2));
  make_dir(sub);
  // A hard link never replaces an existing name: a stored document is never overwritten, and the same
  // bytes uploaded twice are stored once.
  if (::link(temp_file.c_str(), final_path.c_str()) == 0) {
    s.created = true;
    sync_path(sub);
    sync_path(dir_);
  } else if (errno != EEXIST) {
    throw Error(ErrorCode::storage, os_error("cannot store the document", final_path));
  }
  return s;
}

DocumentStore::Check DocumentStore::check(std::string_view sha256) const {
  const std::string path = path_of(sha256);
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return Check::missing;
  const auto h = sha256_file_hex(path);
  if (!h) return Check::missing;
  return *h == sha256 ? Check::ok : Check::altered;
}

}  // namespace permitflow
