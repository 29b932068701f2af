#include "sessions.hpp"

#include <sodium.h>

#include <algorithm>
#include <stdexcept>

namespace portal {

namespace {

std::string random_hex(std::size_t bytes) {
  if (sodium_init() < 0) throw std::runtime_error("libsodium cannot be initialised");
  std::string raw(bytes, '\0');
  randombytes_buf(raw.data(), raw.size());
  std::string hex(bytes * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), reinterpret_cast<const unsigned char*>(raw.data()), raw.size());
  hex.pop_back();
  return hex;
}

std::string token_hash(std::string_view token) {
  unsigned char out[32];
  crypto_generichash(out, sizeof out, reinterpret_cast<const unsigned char*>(token.data()), token.size(),
                     nullptr, 0);
  return std::string(reinterpret_cast<const char*>(out), sizeof out);
}

}  // namespace

bool same_secret(std::string_view a, std::string_view b) {
  return a.size() == b.size() && !a.empty() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

Sessions::Started Sessions::start(const std::string& login) {
  Started s{random_hex(32), random_hex(32)};
  const auto now = Clock::now();
  std::lock_guard lock(mutex_);
  sweep(now);
  if (by_hash_.size() >= options_.max_sessions) {
    const auto oldest = std::min_element(by_hash_.begin(), by_hash_.end(), [](const auto& a, const auto& b) {
      return a.second.started < b.second.started;
    });
    by_hash_.erase(oldest);
  }
  by_hash_[token_hash(s.token)] = Session{login, s.csrf, now, now};
  return s;
}

std::optional<Sessions::Found> Sessions::find(std::string_view token) {
  // A token of the wrong shape is refused before hashing; a right-shaped one is looked up by its hash, so the
  // lookup's timing says nothing about stored tokens.
  if (token.size() != 64) return std::nullopt;
  const auto now = Clock::now();
  std::lock_guard lock(mutex_);
  const auto it = by_hash_.find(token_hash(token));
  if (it == by_hash_.end()) return std::nullopt;
  Session& s = it->second;
  if (now - s.last > options_.idle || now - s.started > options_.lifetime) {
    by_hash_.erase(it);
    return std::nullopt;
  }
  s.last = now;
  return Found{s.login, s.csrf};
}

void Sessions::end(std::string_view token) {
  std::lock_guard lock(mutex_);
  by_hash_.erase(token_hash(token));
}

void Sessions::end_all(const std::string& login) {
  std::lock_guard lock(mutex_);
  std::erase_if(by_hash_, [&](const auto& kv) { return kv.second.login == login; });
}

void Sessions::sweep(Clock::time_point now) {
  std::erase_if(by_hash_, [&](const auto& kv) {
    return now - kv.second.last > options_.idle || now - kv.second.started > options_.lifetime;
  });
}

long Throttle::wait(const std::string& key, int limit, Clock::time_point now) {
  auto it = failures_.find(key);
  if (it == failures_.end()) return 0;
  auto& q = it->second;
  while (!q.empty() && now - q.front() > window_) q.pop_front();
  if (q.empty()) {
    failures_.erase(it);
    return 0;
  }
  if (static_cast<int>(q.size()) < limit) return 0;
  return std::max<long>(1,
                        std::chrono::duration_cast<std::chrono::seconds>(q.front() + window_ - now).count());
}

long Throttle::blocked(const std::string& login, const std::string& address) {
  const auto now = Clock::now();
  std::lock_guard lock(mutex_);
  return std::max(wait("u:" + login, per_login_, now), wait("a:" + address, per_address_, now));
}

void Throttle::failed(const std::string& login, const std::string& address) {
  const auto now = Clock::now();
  std::lock_guard lock(mutex_);
  // Bounded: beyond 100,000 keys the expired ones go, then the map is cleared (sign-ins still need
  // passwords).
  if (failures_.size() > 100'000) {
    std::erase_if(failures_,
                  [&](const auto& kv) { return kv.second.empty() || now - kv.second.back() > window_; });
    if (failures_.size() > 100'000) failures_.clear();
  }
  for (const std::string& key : {"u:" + login, "a:" + address}) {
    auto& q = failures_[key];
    q.push_back(now);
    if (q.size() > 1000) q.pop_front();
  }
}

}  // namespace portal
