// The portal's HTTP transport: Boost.Beast over Boost.Asio, plain or TLS (Asio's OpenSSL stream), with the
// limits a hostile client meets (docs/security.md): a deadline for each request that counts from the moment
// the portal starts waiting for it and is never moved by a trickle of bytes, a lifetime for each connection,
// limits on header size and count, a body limit that also holds for chunked bodies, compressed bodies
// refused, and a limit on open connections. The routes are given as one handler; the transport knows nothing
// of them.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "http.hpp"

namespace portal {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;                // 0: any free port
  std::string tls_cert, tls_key;  // both given: TLS; none: plain HTTP
  std::size_t max_connections = 256;
  std::size_t max_header_bytes = 16 * 1024;                // request line and headers together (431 beyond)
  std::size_t max_header_fields = 100;                     // 431 beyond
  std::size_t max_body_bytes = 1 << 20;                    // 413 beyond, chunked or not
  std::size_t max_upload_bytes = 1 << 20;                  // bodies streamed to a file (BodyPlan): 413 beyond
  std::chrono::milliseconds request_timeout{10'000};       // to receive one request's header and body
  std::chrono::milliseconds write_timeout{10'000};         // to send one answer
  std::chrono::milliseconds connection_lifetime{120'000};  // a connection is closed after this, busy or not
  int threads = 4;
};

/// What to do with a request's body, decided from its header before any of the body is read: keep it in
/// memory (the default, up to max_body_bytes), stream it to a file (large uploads), or refuse the request at
/// once with `refusal` (e.g. not signed in), which spares reading a body that would be thrown away.
struct BodyPlan {
  std::string file;  // non-empty: write the body here (created; removed again if the request fails)
  std::size_t limit = 0;
  std::chrono::milliseconds timeout{0};  // for header and body together; 0: request_timeout
  bool refused = false;
  Response refusal;
};

class Server {
 public:
  using Handler = std::function<void(Request&, Response&)>;
  /// Looks at a request's header (Request without body) and says where its body goes.
  using Planner = std::function<BodyPlan(const Request&)>;
  /// Binds and listens (throws std::runtime_error if it cannot, or if the certificate or key do not load).
  Server(ServerOptions options, Handler handler, Planner planner = {});
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  int port() const;  // the port bound (useful with port 0)
  bool tls() const;
  /// Serves on `threads` threads until stop(); returns then.
  void run();
  /// Thread-safe; makes run() return.
  void stop();

  struct Impl;  // the io_context, acceptor and TLS context (server.cpp)

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace portal
