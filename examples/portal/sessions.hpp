// Signed-in sessions and the throttling of failed sign-ins (docs/security.md). A session is a random 256-bit
// token in an HttpOnly cookie; the portal keeps only its BLAKE2b hash, with the login, a CSRF token and two
// clocks: the idle timeout (since the last request) and the absolute lifetime (since sign-in).
#pragma once

#include <chrono>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace portal {

struct SessionOptions {
  std::chrono::seconds idle{30 * 60};
  std::chrono::seconds lifetime{12 * 60 * 60};
  std::size_t max_sessions = 10'000;  // the oldest session ends when a sign-in would exceed this
};

class Sessions {
 public:
  using Clock = std::chrono::steady_clock;
  explicit Sessions(SessionOptions o) : options_(o) {}

  struct Started {
    std::string token;  // for the cookie; not kept
    std::string csrf;   // for the X-CSRF-Token header
  };
  Started start(const std::string& login);
  struct Found {
    std::string login;
    std::string csrf;
  };
  /// The session the cookie's token names, if it is neither idle too long nor too old; touches it.
  std::optional<Found> find(std::string_view token);
  /// Ends the session (server-side sign-out); a no-op for an unknown token.
  void end(std::string_view token);
  /// Ends every session of a login (password changed, user disabled).
  void end_all(const std::string& login);

 private:
  struct Session {
    std::string login, csrf;
    Clock::time_point started, last;
  };
  SessionOptions options_;
  std::mutex mutex_;
  std::unordered_map<std::string, Session> by_hash_;
  void sweep(Clock::time_point now);
};

/// Counts failed sign-ins per login and per address over a window; over the limit, sign-ins are refused
/// (429) until old failures leave the window, even with the right password.
class Throttle {
 public:
  using Clock = std::chrono::steady_clock;
  Throttle(int per_login, int per_address, std::chrono::seconds window)
      : per_login_(per_login), per_address_(per_address), window_(window) {}
  /// Seconds until a sign-in for this login from this address is allowed again; 0 if it is.
  long blocked(const std::string& login, const std::string& address);
  void failed(const std::string& login, const std::string& address);

 private:
  int per_login_, per_address_;
  std::chrono::seconds window_;
  std::mutex mutex_;
  std::map<std::string, std::deque<Clock::time_point>> failures_;
  long wait(const std::string& key, int limit, Clock::time_point now);
};

/// Whether two secrets are equal, in time that depends only on their length (sodium_memcmp).
bool same_secret(std::string_view a, std::string_view b);

}  // namespace portal
