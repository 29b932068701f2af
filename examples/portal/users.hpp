// Who may sign in to the portal: the users file (docs/security.md). Each entry holds a login name, an
// argon2id password hash (libsodium's crypto_pwhash_str), the actor the engine sees (id, role, department or
// unit) and whether it is disabled. The file is written by `portal users add|passwd|disable` and must be mode
// 0600.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace portal {

struct User {
  std::string login;          // what the person types to sign in
  std::string id;             // the actor id the engine sees (an applicant's id is its company's id)
  std::string role;           // applicant | clerk | reviewer | head | supervisor, and for complaints
                              // reporter | dispatcher | handler | leader
  std::string department;     // reviewers only
  std::string unit;           // handlers only (complaints)
  std::string name;           // shown in the UI; an applicant's or reporter's registered name
  bool admin = false;         // may run due timers and move the test clock (POST /api/run-due)
  bool disabled = false;      // may not sign in
  std::string password_hash;  // argon2id, crypto_pwhash_str format; never leaves the portal
};

class Users {
 public:
  /// {"users": [{"login", "password_hash", "id", "role", "department"?, "unit"?, "name"?, "admin"?,
  /// "disabled"?}]}; throws std::runtime_error naming `source` and the offending entry.
  static Users from_json(std::string_view text, std::string_view source);
  /// Reads a users file, refusing one that the group or others may read or write.
  static Users load(const std::string& path);
  /// The demo users: the demo cast (examples/common/demo_cast.json, compiled in), one for every role, all
  /// with the demo password (docs/portal.md).
  static Users demo();
  static constexpr std::string_view kDemoPassword = "permitflow-demo";

  std::string to_json() const;
  /// Writes the file atomically with mode 0600.
  void save(const std::string& path) const;

  const User* find(std::string_view login) const;
  User* find(std::string_view login);
  void add(User u);  // throws if the login exists or the entry is invalid
  const std::vector<User>& all() const { return users_; }

 private:
  std::vector<User> users_;
};

/// The users the running portal knows. Given a users file, it reads the file again when it changes (it looks
/// at most once a second; `portal users` replaces the file, so its change is seen), so `add`, `passwd` and
/// `disable` take effect without a restart, and a changed password or a disabled or removed login ends that
/// login's sessions (`on_revoked`). A file that no longer loads (broken JSON, a mode others may read) is not
/// taken: the users loaded last stay, and the error is logged once per change of the file.
class UserDirectory {
 public:
  /// `path` "": the set never changes (the demo users).
  UserDirectory(Users users, std::string path);
  /// Reads the file again if it changed and a second has passed since the last look; the portal calls it
  /// before it looks a request's session up, so a revoked session is dead for that very request.
  void refresh();
  /// The user of `login` as known now; a copy, since a reload may replace the set while a request runs.
  std::optional<User> find(std::string_view login);
  /// Called, outside the directory's lock, with each login a reload took away or whose password changed.
  void on_revoked(std::function<void(const std::string&)> f) { on_revoked_ = std::move(f); }

 private:
  struct FileStamp {
    unsigned long long inode = 0, size = 0;
    long long mtime_ns = 0;
    bool operator==(const FileStamp&) const = default;
  };
  static FileStamp stamp_of(const std::string& path);

  std::string path_;
  std::function<void(const std::string&)> on_revoked_;
  std::mutex mutex_;
  std::shared_ptr<const Users> users_;
  FileStamp stamp_;
  std::chrono::steady_clock::time_point looked_;
};

/// An argon2id hash of `password` (interactive limits); throws if libsodium fails (out of memory).
std::string hash_password(std::string_view password);
/// Whether `password` matches `hash`. Takes as long for an unknown user when given an empty hash.
bool check_password(const std::string& hash, std::string_view password);
/// An opaque, stable reference to a login for logs: 16 hex digits of its BLAKE2b hash, no name in it.
std::string user_ref(std::string_view login);
/// Throws std::runtime_error if the file at `path` is readable or writable by the group or others.
void require_private_file(const std::string& path, std::string_view what);

}  // namespace portal
