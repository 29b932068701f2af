// The portal's view of HTTP, independent of the server library: a request as the routes read it, the answer
// they write, and a router from method and path pattern to handler. The transport (server.cpp) fills a
// Request from the wire and writes the Response back; the routes (portal.cpp) never see the transport.
#pragma once

#include <functional>
#include <map>
#include <regex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace portal {

/// Header names compare case-insensitively.
struct Caseless {
  bool operator()(const std::string& a, const std::string& b) const;
};

struct Request {
  std::string method;                              // GET, POST, ...
  std::string path;                                // percent-decoded, without the query
  std::multimap<std::string, std::string> params;  // the query, percent-decoded
  std::map<std::string, std::string, Caseless> headers;
  std::string body;
  std::string body_file;  // the body was streamed to this file instead (server.hpp's BodyPlan)
  std::string remote_addr;
  bool tls = false;     // came over TLS (cookies are marked Secure)
  std::smatch matches;  // the route pattern's groups, over `path`

  bool has_param(const std::string& key) const { return params.count(key) > 0; }
  std::string get_param_value(const std::string& key) const;
  std::string get_header_value(const std::string& key) const;
  /// The value of one cookie from the Cookie header, or "".
  std::string cookie(std::string_view name) const;
};

struct Response {
  int status = 200;
  std::string body;
  std::string body_file;  // when set, the body is this file, streamed from disk (documents), not `body`
  std::vector<std::pair<std::string, std::string>> headers;
  std::string actor_ref = "-";  // who asked, for the access log: an opaque reference, never a name or token

  void set_content(std::string content, std::string type);
  /// Answers with the bytes of the file at `path`, read as they are sent: a large document is never held
  /// whole.
  void send_file(std::string path, std::string type);
  void set_header(std::string name, std::string value);
  bool has_header(std::string_view name) const;
};

/// The JSON error document of every refusal: {"error": {"status", "message"}}.
void send_error(Response& res, int status, const std::string& name, const std::string& message);

/// Percent-decodes a URL part; `plus_is_space` for query strings. Invalid escapes are kept as they are.
std::string url_decode(std::string_view s, bool plus_is_space);
/// Splits a request target into its decoded path and query parameters.
void parse_target(std::string_view target, std::string& path,
                  std::multimap<std::string, std::string>& params);

/// The headers every answer carries (Content-Security-Policy, nosniff, frame-ancestors, Referrer-Policy), and
/// Cache-Control: no-store on the API (answers hold personal data and must not stay in caches).
void add_security_headers(const std::string& path, Response& res);

/// A text safe for one log line: control characters, backslashes and bytes that are not UTF-8 become \xNN,
/// so no request can start a line of its own in the log.
std::string log_escape(std::string_view s);

class Router {
 public:
  using Handler = std::function<void(const Request&, Response&)>;
  void add(std::string method, const std::string& pattern, Handler h);
  void Get(const std::string& pattern, Handler h) { add("GET", pattern, std::move(h)); }
  void Post(const std::string& pattern, Handler h) { add("POST", pattern, std::move(h)); }
  /// Runs the first route whose method and whole path match; 404 (or 405) otherwise.
  void dispatch(Request& req, Response& res) const;

 private:
  struct Route {
    std::string method;
    std::regex pattern;
    Handler handler;
  };
  std::vector<Route> routes_;
};

}  // namespace portal
