#include "holders.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>

#include "users.hpp"

namespace portal {
namespace {

// An opaque reference, so the file names nobody (the same hash as the access log's user references).
std::string key(std::string_view sha256, std::string_view actor_id) {
  return std::string(sha256) + " " + user_ref(actor_id);
}

}  // namespace

DocumentHolders::DocumentHolders(std::string file) : file_(std::move(file)) {
  if (file_.empty()) return;
  const int fd = ::open(file_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) throw std::runtime_error("cannot open '" + file_ + "': " + std::strerror(errno));
  ::close(fd);
  std::ifstream in(file_);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) held_.insert(line);  // a torn last line (a crash mid-write) is only a lost record
}

bool DocumentHolders::add(std::string_view sha256, std::string_view actor_id) {
  const std::string k = key(sha256, actor_id);
  std::lock_guard lock(mutex_);
  if (held_.count(k)) return false;
  if (!file_.empty()) {
    const std::string line = k + "\n";
    const int fd = ::open(file_.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
    const bool ok = fd >= 0 && ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()) &&
                    ::fsync(fd) == 0;
    if (fd >= 0) ::close(fd);
    if (!ok) throw std::runtime_error("cannot record the upload in '" + file_ + "'");
  }
  held_.insert(k);
  return true;
}

bool DocumentHolders::holds(std::string_view sha256, std::string_view actor_id) const {
  std::lock_guard lock(mutex_);
  return held_.count(key(sha256, actor_id)) > 0;
}

}  // namespace portal
