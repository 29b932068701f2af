// permitflow_notifier: a durable feed consumer that delivers the `notify` and `provincial` profiles of every
// record to webhooks (docs/feed.md, docs/reliability.md). Each POST carries
//   X-Permitflow-Signature: sha256=<hex HMAC-SHA256 of the body with the shared secret>
//   Idempotency-Key: <seq>
// and the consumer's cursor moves past a record only after every webhook answered it with a 2xx. A failing
// delivery is retried with exponential backoff up to a cap; after max_attempts it goes to the dead-letter
// file (one JSON object a line) and delivery goes on. `replay` posts the dead letters again.
//
//   permitflow_notifier run CONFIG [--once]     deliver; --once stops when caught up with the head
//   permitflow_notifier replay CONFIG           post the dead letters again, keep those that still fail
//
// CONFIG: {"database", "consumer"?: "notifier", "secret", "webhooks": {"notify"?: URL, "provincial"?: URL},
//          "max_attempts"?: 5, "backoff_ms"?: 100, "backoff_cap_ms"?: 5000, "timeout_ms"?: 5000,
//          "poll_ms"?: 500, "dead_letters"?: "<database>.dead-letters.jsonl", "feed_retention_days"?}
#include <curl/curl.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdint>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "permitflow/engine.hpp"

namespace {

using nlohmann::json;

struct Config {
  std::string database, consumer = "notifier", secret, dead_letters;
  std::map<std::string, std::string> webhooks;  // profile -> URL
  int max_attempts = 5, backoff_ms = 100, backoff_cap_ms = 5000, timeout_ms = 5000, poll_ms = 500;
  json engine = json::object();  // the engine's config: database and, when given, feed_retention_days
};

Config read_config(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read the config " + path);
  const json j = json::parse(in);
  Config c;
  c.database = j.at("database").get<std::string>();
  c.consumer = j.value("consumer", c.consumer);
  c.secret = j.at("secret").get<std::string>();
  for (const auto& [profile, url] : j.at("webhooks").items()) {
    if (profile != "notify" && profile != "provincial")
      throw std::runtime_error("webhooks: unknown profile '" + profile + "' (notify, provincial)");
    c.webhooks[profile] = url.get<std::string>();
  }
  if (c.webhooks.empty()) throw std::runtime_error("webhooks: name at least one of notify, provincial");
  c.max_attempts = j.value("max_attempts", c.max_attempts);
  c.backoff_ms = j.value("backoff_ms", c.backoff_ms);
  c.backoff_cap_ms = j.value("backoff_cap_ms", c.backoff_cap_ms);
  c.timeout_ms = j.value("timeout_ms", c.timeout_ms);
  c.poll_ms = j.value("poll_ms", c.poll_ms);
  c.dead_letters = j.value("dead_letters", c.database + ".dead-letters.jsonl");
  c.engine = {{"database", c.database}};
  if (j.contains("feed_retention_days")) c.engine["feed_retention_days"] = j["feed_retention_days"];
  if (c.max_attempts < 1 || c.backoff_ms < 1 || c.backoff_cap_ms < c.backoff_ms || c.timeout_ms < 1)
    throw std::runtime_error(
        "max_attempts, backoff_ms, timeout_ms >= 1 and backoff_cap_ms >= backoff_ms, please");
  return c;
}

std::string hmac_sha256_hex(const std::string& key, const std::string& body) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(body.data()), body.size(), mac, &len);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < len; ++i) {
    out += kHex[mac[i] >> 4];
    out += kHex[mac[i] & 15];
  }
  return out;
}

/// One HTTP POST; returns the status code, or 0 when no answer came (refused, timed out).
long post(const Config& c, const std::string& url, const std::string& body, std::int64_t seq,
          std::string& error) {
  CURL* curl = curl_easy_init();
  if (!curl) {
    error = "curl_easy_init failed";
    return 0;
  }
  struct curl_slist* headers = nullptr;
  headers = curl_slist_append(headers, "Content-Type: application/json; charset=utf-8");
  headers = curl_slist_append(headers,
                              ("X-Permitflow-Signature: sha256=" + hmac_sha256_hex(c.secret, body)).c_str());
  headers = curl_slist_append(headers, ("Idempotency-Key: " + std::to_string(seq)).c_str());
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(c.timeout_ms));
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(
      curl, CURLOPT_WRITEFUNCTION, +[](char*, size_t size, size_t n, void*) { return size * n; });
  long status = 0;
  const CURLcode rc = curl_easy_perform(curl);
  if (rc == CURLE_OK) {
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  } else {
    error = curl_easy_strerror(rc);
  }
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  return status;
}

struct Totals {
  long delivered = 0, retries = 0, dead = 0;
};

/// Delivers one body with retries; false when it went to the dead letters.
bool deliver(const Config& c, const std::string& profile, std::int64_t seq, const std::string& body,
             Totals& t) {
  const std::string& url = c.webhooks.at(profile);
  int delay = c.backoff_ms;
  std::string error;
  for (int attempt = 1; attempt <= c.max_attempts; ++attempt) {
    error.clear();
    const long status = post(c, url, body, seq, error);
    if (status >= 200 && status < 300) {
      ++t.delivered;
      return true;
    }
    if (error.empty()) error = "HTTP " + std::to_string(status);
    if (attempt == c.max_attempts) break;
    ++t.retries;
    spdlog::warn("seq {} to {}: {} (attempt {} of {}), again in {} ms", seq, profile, error, attempt,
                 c.max_attempts, delay);
    std::this_thread::sleep_for(std::chrono::milliseconds(delay));
    delay = std::min(delay * 2, c.backoff_cap_ms);
  }
  std::ofstream(c.dead_letters, std::ios::app)
      << json{{"seq", seq}, {"profile", profile}, {"body", body}, {"error", error}}.dump() << "\n";
  ++t.dead;
  spdlog::error("seq {} to {}: {} after {} attempts; parked in {}", seq, profile, error, c.max_attempts,
                c.dead_letters);
  return false;
}

/// The bodies of the records in (after, last]: one per (seq, profile) that has anything to say.
std::map<std::int64_t, std::map<std::string, std::string>> bodies(permitflow::Engine& engine, const Config& c,
                                                                  std::int64_t after, std::int64_t last) {
  std::map<std::int64_t, std::map<std::string, std::string>> out;
  for (const auto& [profile, url] : c.webhooks) {
    const json page = json::parse(engine.feed(
        json{{"after", after}, {"limit", static_cast<int>(last - after)}, {"profile", profile}}.dump()));
    std::map<std::int64_t, json> messages;
    for (const auto& r : page["records"]) {
      const std::int64_t seq = r["seq"].get<std::int64_t>();
      if (seq > last) continue;
      if (profile == "notify") {
        messages[seq]["seq"] = seq;
        messages[seq]["messages"].push_back(r);
      } else {
        messages[seq] = r;
      }
    }
    for (auto& [seq, body] : messages) out[seq][profile] = body.dump();
  }
  return out;
}

int run(const Config& c, bool once) {
  permitflow::Engine engine(c.engine.dump());
  Totals t;
  auto last_progress = std::chrono::steady_clock::now();
  for (;;) {
    const json page = json::parse(engine.feed(json{{"consumer", c.consumer}, {"limit", 100}}.dump()));
    const std::int64_t head = page["head"].get<std::int64_t>();
    if (page["records"].empty()) {
      if (once) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(c.poll_ms));
      continue;
    }
    const std::int64_t first = page["records"].front()["seq"].get<std::int64_t>();
    const std::int64_t last = page["records"].back()["seq"].get<std::int64_t>();
    const auto all = bodies(engine, c, first - 1, last);
    for (const auto& r : page["records"]) {
      const std::int64_t seq = r["seq"].get<std::int64_t>();
      if (const auto it = all.find(seq); it != all.end()) {
        for (const auto& [profile, body] : it->second) deliver(c, profile, seq, body, t);
      }
      engine.feed_ack(c.consumer, seq);  // only after every webhook answered (or the letter was parked)
    }
    if (std::chrono::steady_clock::now() - last_progress > std::chrono::seconds(1) || last == head) {
      spdlog::info("progress: seq {} of {}, {} delivered, {} retries, {} dead letters", last, head,
                   t.delivered, t.retries, t.dead);
      last_progress = std::chrono::steady_clock::now();
    }
  }
  spdlog::info("caught up: {} delivered, {} retries, {} dead letters", t.delivered, t.retries, t.dead);
  return 0;
}

int replay(const Config& c) {
  std::ifstream in(c.dead_letters);
  std::vector<json> letters;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) letters.push_back(json::parse(line));
  }
  in.close();
  std::vector<json> left;
  Totals t;
  Config once = c;
  once.max_attempts = 1;
  once.dead_letters = c.dead_letters + ".replay";
  for (const auto& l : letters) {
    std::string error;
    const long status = post(c, c.webhooks.at(l["profile"].get<std::string>()), l["body"].get<std::string>(),
                             l["seq"].get<std::int64_t>(), error);
    if (status >= 200 && status < 300) {
      ++t.delivered;
    } else {
      left.push_back(l);
    }
  }
  std::ofstream out(c.dead_letters + ".tmp", std::ios::trunc);
  for (const auto& l : left) out << l.dump() << "\n";
  out.close();
  std::rename((c.dead_letters + ".tmp").c_str(), c.dead_letters.c_str());
  spdlog::info("replay: {} delivered, {} still dead", t.delivered, left.size());
  return left.empty() ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  spdlog::set_default_logger(spdlog::stderr_logger_mt("notifier"));
  if (argc < 3 || (std::string(argv[1]) != "run" && std::string(argv[1]) != "replay")) {
    std::cerr << "usage: permitflow_notifier run CONFIG [--once] | replay CONFIG\n";
    return 2;
  }
  curl_global_init(CURL_GLOBAL_DEFAULT);
  int rc = 1;
  try {
    const Config c = read_config(argv[2]);
    const bool once = argc > 3 && std::string(argv[3]) == "--once";
    rc = std::string(argv[1]) == "run" ? run(c, once) : replay(c);
  } catch (const permitflow::Error& e) {
    spdlog::error("{}: {}", permitflow::to_string(e.code()), e.what());
    rc = static_cast<int>(e.code());
  } catch (const std::exception& e) {
    spdlog::error("{}", e.what());
  }
  curl_global_cleanup();
  return rc;
}
