#include "http.hpp"

#include <strings.h>
#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

namespace portal {

bool Caseless::operator()(const std::string& a, const std::string& b) const {
  return strcasecmp(a.c_str(), b.c_str()) < 0;
}

std::string Request::get_param_value(const std::string& key) const {
  const auto it = params.find(key);
  return it == params.end() ? std::string() : it->second;
}

std::string Request::get_header_value(const std::string& key) const {
  const auto it = headers.find(key);
  return it == headers.end() ? std::string() : it->second;
}

std::string Request::cookie(std::string_view name) const {
  const std::string all = get_header_value("Cookie");
  std::string_view rest = all;
  while (!rest.empty()) {
    const auto end = rest.find(';');
    std::string_view item = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    const auto eq = item.find('=');
    if (eq != std::string_view::npos && item.substr(0, eq) == name) return std::string(item.substr(eq + 1));
  }
  return {};
}

void Response::set_content(std::string content, std::string type) {
  body = std::move(content);
  set_header("Content-Type", std::move(type));
}

void Response::send_file(std::string path, std::string type) {
  body.clear();
  body_file = std::move(path);
  set_header("Content-Type", std::move(type));
}

void Response::set_header(std::string name, std::string value) {
  for (auto& [k, v] : headers)
    if (strcasecmp(k.c_str(), name.c_str()) == 0 && strcasecmp(name.c_str(), "Set-Cookie") != 0) {
      v = std::move(value);
      return;
    }
  headers.emplace_back(std::move(name), std::move(value));
}

bool Response::has_header(std::string_view name) const {
  return std::any_of(headers.begin(), headers.end(), [&](const auto& h) {
    return h.first.size() == name.size() && strncasecmp(h.first.data(), name.data(), name.size()) == 0;
  });
}

void send_error(Response& res, int status, const std::string& name, const std::string& message) {
  using nlohmann::json;
  res.status = status;
  res.set_content(json{{"error", {{"status", name}, {"message", message}}}}.dump(
                      -1, ' ', false, json::error_handler_t::replace),
                  "application/json; charset=utf-8");
}

namespace {
int hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

std::string url_decode(std::string_view s, bool plus_is_space) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
      out += static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2]));
      i += 2;
    } else if (plus_is_space && s[i] == '+') {
      out += ' ';
    } else {
      out += s[i];
    }
  }
  return out;
}

void parse_target(std::string_view target, std::string& path,
                  std::multimap<std::string, std::string>& params) {
  const auto q = target.find('?');
  path = url_decode(target.substr(0, q), false);
  if (q == std::string_view::npos) return;
  std::string_view rest = target.substr(q + 1);
  while (!rest.empty()) {
    const auto amp = rest.find('&');
    const std::string_view item = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    if (item.empty()) continue;
    const auto eq = item.find('=');
    params.emplace(url_decode(item.substr(0, eq), true),
                   eq == std::string_view::npos ? std::string() : url_decode(item.substr(eq + 1), true));
  }
}

void add_security_headers(const std::string& path, Response& res) {
  // Scripts and styles only from the portal itself; no framing, no plug-ins, forms post only here. The UI's
  // markup carries style attributes, hence 'unsafe-inline' for styles; never for scripts.
  res.set_header("Content-Security-Policy",
                 "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' "
                 "data: blob:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors "
                 "'none'");
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("X-Frame-Options", "DENY");
  res.set_header("Referrer-Policy", "no-referrer");
  res.set_header("Cross-Origin-Opener-Policy", "same-origin");
  if (path.rfind("/api/", 0) == 0 || !res.has_header("Cache-Control"))
    res.set_header("Cache-Control", "no-store");
}

std::string log_escape(std::string_view s) {
  static const char* kHex = "0123456789abcdef";
  std::string out;
  out.reserve(s.size());
  auto escape = [&](unsigned char c) {
    out += "\\x";
    out += kHex[c >> 4];
    out += kHex[c & 15];
  };
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == 0x7f || c == '\\' || c == '"') {
      escape(c);
      ++i;
      continue;
    }
    if (c < 0x80) {
      out += static_cast<char>(c);
      ++i;
      continue;
    }
    // A whole UTF-8 sequence stays as it is (case ids and paths may hold Chinese); anything else is escaped.
    const std::size_t n = c >= 0xf0 && c < 0xf5 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 && c < 0xe0 ? 2 : 0;
    bool ok = n > 0 && i + n <= s.size();
    for (std::size_t k = 1; ok && k < n; ++k) ok = (static_cast<unsigned char>(s[i + k]) & 0xc0) == 0x80;
    if (!ok) {
      escape(c);
      ++i;
      continue;
    }
    out.append(s.substr(i, n));
    i += n;
  }
  return out;
}

void Router::add(std::string method, const std::string& pattern, Handler h) {
  routes_.push_back({std::move(method), std::regex(pattern), std::move(h)});
}

void Router::dispatch(Request& req, Response& res) const {
  bool other_method = false;
  for (const auto& r : routes_) {
    std::smatch m;
    if (!std::regex_match(req.path, m, r.pattern)) continue;
    if (r.method != req.method && !(r.method == "GET" && req.method == "HEAD")) {
      other_method = true;
      continue;
    }
    req.matches = std::move(m);
    r.handler(req, res);
    return;
  }
  if (other_method)
    send_error(res, 405, "method_not_allowed", "The route does not take " + req.method + ".");
  else
    send_error(res, 404, "not_found", "There is no such route.");
}

}  // namespace portal
