#include "users.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <stdexcept>

#include "demo_cases.hpp"

namespace portal {

using nlohmann::json;

namespace {

const std::set<std::string> kRoles = {"applicant", "clerk",      "reviewer", "head",  "supervisor",
                                      "reporter",  "dispatcher", "handler",  "leader"};

void check(const User& u, const std::string& at) {
  if (u.login.empty() || u.login.size() > 64 || u.login.find_first_of(" \t\r\n\"\\") != std::string::npos)
    throw std::runtime_error(at + ": the login must be 1-64 characters without spaces or quotes");
  if (u.id.empty()) throw std::runtime_error(at + " lacks \"id\"");
  if (!kRoles.count(u.role))
    throw std::runtime_error(
        at + ": unknown role '" + u.role +
        "' (applicant, clerk, reviewer, head, supervisor; reporter, dispatcher, handler, "
        "leader)");
  if ((u.role == "reviewer") != !u.department.empty())
    throw std::runtime_error(at + ": a reviewer, and only a reviewer, has a department");
  if ((u.role == "handler") != !u.unit.empty())
    throw std::runtime_error(at + ": a handler, and only a handler, has a unit");
}

// Password checks use 64 MiB each; one at a time bounds the portal's memory under a flood of sign-ins.
std::mutex& hashing() {
  static std::mutex m;
  return m;
}

void init_sodium() {
  if (sodium_init() < 0) throw std::runtime_error("libsodium cannot be initialised");
}

}  // namespace

Users Users::from_json(std::string_view text, std::string_view source) {
  const std::string where(source);
  const json doc = json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("users") || !doc["users"].is_array())
    throw std::runtime_error(where + ": expected {\"users\": [...]}");
  Users out;
  for (std::size_t i = 0; i < doc["users"].size(); ++i) {
    const json& u = doc["users"][i];
    const std::string at = where + ": users[" + std::to_string(i) + "]";
    if (!u.is_object()) throw std::runtime_error(at + " must be an object");
    if (u.contains("token"))
      throw std::runtime_error(at +
                               ": bearer tokens are gone; give a login and set a password with "
                               "`portal users passwd` (docs/security.md)");
    auto text_field = [&](const char* key, bool required) -> std::string {
      if (!u.contains(key)) {
        if (required) throw std::runtime_error(at + " lacks \"" + key + "\"");
        return {};
      }
      if (!u[key].is_string() || u[key].get<std::string>().empty())
        throw std::runtime_error(at + ": \"" + key + "\" must be a non-empty string");
      return u[key].get<std::string>();
    };
    auto flag = [&](const char* key) {
      if (!u.contains(key)) return false;
      if (!u[key].is_boolean()) throw std::runtime_error(at + ": \"" + key + "\" must be true or false");
      return u[key].get<bool>();
    };
    User user{text_field("login", true),
              text_field("id", true),
              text_field("role", true),
              text_field("department", false),
              text_field("unit", false),
              text_field("name", false),
              flag("admin"),
              flag("disabled"),
              text_field("password_hash", false)};
    if (!user.password_hash.empty() && user.password_hash.rfind("$argon2id$", 0) != 0)
      throw std::runtime_error(at + ": \"password_hash\" is not an argon2id hash");
    if (user.name.empty()) user.name = user.id;
    try {
      out.add(std::move(user));
    } catch (const std::runtime_error& e) {
      throw std::runtime_error(at + ": " + e.what());
    }
  }
  return out;
}

Users Users::load(const std::string& path) {
  require_private_file(path, "the users file");
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read the users file '" + path + "'");
  std::stringstream text;
  text << in.rdbuf();
  return from_json(text.str(), path);
}

Users Users::demo() {
  Users users = from_json(permitflow::demo::cast_json(), "demo_cast.json (built in)");
  const std::string hash = hash_password(kDemoPassword);
  for (auto& u : users.users_) u.password_hash = hash;
  return users;
}

std::string Users::to_json() const {
  json out = json::array();
  for (const auto& u : users_) {
    json e = {{"login", u.login}, {"id", u.id}, {"role", u.role}, {"name", u.name}};
    if (!u.department.empty()) e["department"] = u.department;
    if (!u.unit.empty()) e["unit"] = u.unit;
    if (u.admin) e["admin"] = true;
    if (u.disabled) e["disabled"] = true;
    if (!u.password_hash.empty()) e["password_hash"] = u.password_hash;
    out.push_back(std::move(e));
  }
  return json{{"users", out}}.dump(2) + "\n";
}

void Users::save(const std::string& path) const {
  const std::string tmp = path + ".tmp";
  ::unlink(tmp.c_str());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) throw std::runtime_error("cannot write '" + tmp + "': " + std::strerror(errno));
  const std::string text = to_json();
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n <= 0) {
      ::close(fd);
      throw std::runtime_error("cannot write '" + tmp + "': " + std::strerror(errno));
    }
    done += static_cast<std::size_t>(n);
  }
  ::fchmod(fd, 0600);  // whatever the umask said
  if (::fsync(fd) != 0 || ::close(fd) != 0 || ::rename(tmp.c_str(), path.c_str()) != 0)
    throw std::runtime_error("cannot write '" + path + "': " + std::strerror(errno));
}

const User* Users::find(std::string_view login) const {
  for (const auto& u : users_)
    if (u.login == login) return &u;
  return nullptr;
}

User* Users::find(std::string_view login) {
  for (auto& u : users_)
    if (u.login == login) return &u;
  return nullptr;
}

void Users::add(User u) {
  check(u, "user '" + u.login + "'");
  if (find(u.login)) throw std::runtime_error("the login '" + u.login + "' is used twice");
  users_.push_back(std::move(u));
}

UserDirectory::UserDirectory(Users users, std::string path)
    : path_(std::move(path)),
      users_(std::make_shared<const Users>(std::move(users))),
      looked_(std::chrono::steady_clock::now()) {
  if (!path_.empty()) stamp_ = stamp_of(path_);
}

UserDirectory::FileStamp UserDirectory::stamp_of(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return {};
  return {static_cast<unsigned long long>(st.st_ino), static_cast<unsigned long long>(st.st_size),
          static_cast<long long>(st.st_mtim.tv_sec) * 1000000000LL + st.st_mtim.tv_nsec};
}

void UserDirectory::refresh() {
  std::vector<std::string> revoked;
  {
    std::lock_guard lock(mutex_);
    const auto now = std::chrono::steady_clock::now();
    if (path_.empty() || now - looked_ < std::chrono::seconds(1)) return;
    looked_ = now;
    const FileStamp stamp = stamp_of(path_);
    if (stamp == stamp_) return;
    stamp_ = stamp;  // a file that fails to load is reported once, not at every request
    std::shared_ptr<const Users> fresh;
    try {
      fresh = std::make_shared<const Users>(Users::load(path_));
    } catch (const std::exception& e) {
      std::cerr << "portal: the users file changed but cannot be used, keeping the users loaded before: "
                << e.what() << "\n";
      return;
    }
    for (const auto& old : users_->all()) {
      const User* now_known = fresh->find(old.login);
      if (!now_known || now_known->disabled || now_known->password_hash != old.password_hash)
        revoked.push_back(old.login);
    }
    users_ = std::move(fresh);
    std::cerr << "portal: the users file changed: " << users_->all().size() << " users, " << revoked.size()
              << " signed out\n";
  }
  if (on_revoked_)
    for (const auto& login : revoked) on_revoked_(login);
}

std::optional<User> UserDirectory::find(std::string_view login) {
  std::shared_ptr<const Users> users;
  {
    std::lock_guard lock(mutex_);
    users = users_;
  }
  const User* u = users->find(login);
  return u ? std::optional<User>(*u) : std::nullopt;
}

std::string hash_password(std::string_view password) {
  init_sodium();
  char out[crypto_pwhash_STRBYTES];
  std::lock_guard lock(hashing());
  if (crypto_pwhash_str(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
    throw std::runtime_error("cannot hash the password (out of memory)");
  return out;
}

bool check_password(const std::string& hash, std::string_view password) {
  // An unknown user or one without a password is checked against a hash of nothing, so that the answer takes
  // as long and tells nobody which logins exist.
  static const std::string nobody = hash_password("\x01 no such user");
  const std::string& h = hash.empty() ? nobody : hash;
  std::lock_guard lock(hashing());
  const bool ok = crypto_pwhash_str_verify(h.c_str(), password.data(), password.size()) == 0;
  return ok && !hash.empty();
}

std::string user_ref(std::string_view login) {
  init_sodium();
  unsigned char out[8];
  static const unsigned char key[] = "permitflow portal user reference";
  crypto_generichash(out, sizeof out, reinterpret_cast<const unsigned char*>(login.data()), login.size(), key,
                     sizeof key - 1);
  char hex[sizeof out * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, out, sizeof out);
  return std::string("u:") + hex;
}

void require_private_file(const std::string& path, std::string_view what) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)
    throw std::runtime_error("cannot read " + std::string(what) + " '" + path + "': " + std::strerror(errno));
  if (st.st_mode & (S_IRWXG | S_IRWXO)) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    throw std::runtime_error(std::string(what) + " '" + path + "' has mode " + mode +
                             "; it holds password hashes and must be readable by its owner only "
                             "(chmod 600)");
  }
}

}  // namespace portal
