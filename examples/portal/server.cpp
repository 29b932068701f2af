#include "server.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <cstdio>
#include <optional>
#include <stdexcept>
#include <thread>
#include <vector>

namespace portal {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

struct Server::Impl {
  ServerOptions options;
  Handler handler;
  Planner planner;
  net::io_context ioc;
  std::optional<ssl::context> tls;
  tcp::acceptor acceptor{ioc};
  std::atomic<std::size_t> open{0};
  std::shared_ptr<spdlog::logger> access;

  Impl(ServerOptions o, Handler h, Planner p)
      : options(std::move(o)), handler(std::move(h)), planner(std::move(p)), ioc(options.threads) {
    access = spdlog::get("portal.access");
    if (!access) access = spdlog::default_logger();
  }
  void accept();
  void log(const std::string& addr, const std::string& who, std::string_view method, std::string_view path,
           int status, std::size_t bytes) const {
    access->info("{} {} {} {} {} {}B", addr, who, log_escape(method), log_escape(path), status, bytes);
  }
};

namespace {

std::string_view sv(beast::string_view s) { return {s.data(), s.size()}; }

/// One connection: reads requests one after the other, each within its deadline, answers them and closes
/// the connection on any limit, error or the end of its lifetime.
template <class Stream>
class Session : public std::enable_shared_from_this<Session<Stream>> {
 public:
  static constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;

  template <class... Args>
  Session(Server::Impl& server, std::string addr, Args&&... args)
      : server_(server), stream_(std::forward<Args>(args)...), addr_(std::move(addr)), born_(Clock::now()) {}

  ~Session() {
    drop_body_file();
    server_.open.fetch_sub(1);
  }

  void start() {
    if constexpr (kTls) {
      deadline(server_.options.request_timeout);
      stream_.async_handshake(ssl::stream_base::server,
                              [self = this->shared_from_this()](beast::error_code ec) {
                                if (!ec) self->read();
                              });
    } else {
      read();
    }
  }

 private:
  Server::Impl& server_;
  Stream stream_;
  std::string addr_;
  Clock::time_point born_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  // A body the planner sends to a file (uploads): the header moves from parser_ into this parser.
  std::optional<http::request_parser<http::file_body>> file_parser_;
  std::string body_file_;
  http::response<http::string_body> answer_;
  http::response<http::file_body> file_answer_;  // an answer whose body is a file (Response::body_file)
  std::array<char, 16 * 1024> drain_{};
  std::size_t drained_ = 0;

  /// The stream's deadline: `d` from now, but never past the connection's lifetime.
  void deadline(std::chrono::milliseconds d) {
    beast::get_lowest_layer(stream_).expires_at(
        std::min(Clock::now() + d, born_ + server_.options.connection_lifetime));
  }

  void read() {
    file_parser_.reset();
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(server_.options.max_header_bytes));
    // Until the planner has seen the header, the larger of the two limits; the request's own follows.
    parser_->body_limit(std::max(server_.options.max_body_bytes, server_.options.max_upload_bytes));
    // One deadline for the whole request, header and body: a client sending a byte at a time gains nothing.
    deadline(server_.options.request_timeout);
    http::async_read_header(
        stream_, buffer_, *parser_,
        [self = this->shared_from_this()](beast::error_code ec, std::size_t) { self->on_header(ec); });
  }

  void on_header(beast::error_code ec) {
    if (ec == http::error::header_limit)
      return refuse(431, "header_too_large", "The request's headers are larger than the portal accepts.");
    if (ec == http::error::body_limit)
      return refuse(413, "payload_too_large", "The request body is larger than the portal accepts.");
    if (ec == http::error::end_of_stream || ec == beast::error::timeout || ec == net::error::eof ||
        ec == net::error::connection_reset || ec == net::error::operation_aborted)
      return close();
    if (ec) return refuse(400, "bad_request", "The request is not well-formed HTTP.");
    const auto& h = parser_->get();
    if (static_cast<std::size_t>(std::distance(h.begin(), h.end())) > server_.options.max_header_fields)
      return refuse(431, "header_too_large", "The request has more header fields than the portal accepts.");
    for (const auto& f : h) {
      if (f.name() != http::field::content_encoding) continue;
      std::string v(f.value());
      std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) { return std::tolower(c); });
      if (v != "identity")
        return refuse(415, "unsupported_media_type", "Compressed request bodies are not accepted.");
    }
    std::size_t limit = server_.options.max_body_bytes;
    BodyPlan plan;
    Request head;
    if (server_.planner) {
      head = request_of(h);
      plan = server_.planner(head);
      if (plan.refused) return answer(head.method, head.path, plan.refusal, false);
      if (!plan.file.empty()) limit = std::min(plan.limit, server_.options.max_upload_bytes);
    }
    if (const auto length = parser_->content_length(); length && *length > limit)
      return refuse(413, "payload_too_large", "The request body is larger than the portal accepts.");
    parser_->body_limit(limit);
    if (!plan.file.empty()) {
      file_parser_.emplace(std::move(*parser_));
      parser_.reset();
      file_parser_->body_limit(limit);
      beast::error_code open_ec;
      file_parser_->get().body().open(plan.file.c_str(), beast::file_mode::write_new, open_ec);
      if (open_ec) {
        Response res;
        send_error(res, 503, "storage", "The portal cannot store the upload now.");
        return answer(head.method, head.path, res, false);
      }
      body_file_ = plan.file;
      if (plan.timeout.count() > 0) deadline(plan.timeout);
    }
    const auto expect =
        file_parser_ ? file_parser_->get()[http::field::expect] : parser_->get()[http::field::expect];
    if (expect == "100-continue") {
      // Say "go on" before the body; the same deadline still runs.
      auto cont = std::make_shared<http::response<http::empty_body>>(http::status::continue_, 11);
      http::async_write(stream_, *cont,
                        [self = this->shared_from_this(), cont](beast::error_code e, std::size_t) {
                          if (e) return self->close();
                          self->read_body();
                        });
      return;
    }
    read_body();
  }

  /// The request as the routes see it, from a header (without its body).
  template <class Header>
  Request request_of(const Header& h) const {
    Request req;
    req.method = std::string(h.method_string());
    parse_target(sv(h.target()), req.path, req.params);
    for (const auto& f : h) req.headers[std::string(f.name_string())] = std::string(f.value());
    req.remote_addr = addr_;
    req.tls = kTls;
    return req;
  }

  void read_body() {
    auto done = [self = this->shared_from_this()](beast::error_code ec, std::size_t) { self->on_body(ec); };
    if (file_parser_)
      http::async_read(stream_, buffer_, *file_parser_, std::move(done));
    else
      http::async_read(stream_, buffer_, *parser_, std::move(done));
  }

  /// Removes an upload's file unless the handler took it: nothing half-written stays behind.
  void drop_body_file() {
    if (body_file_.empty()) return;
    if (file_parser_) {
      beast::error_code ignored;
      file_parser_->get().body().file().close(ignored);
    }
    std::remove(body_file_.c_str());
    body_file_.clear();
  }

  void on_body(beast::error_code ec) {
    if (ec) drop_body_file();
    if (ec == http::error::body_limit)
      return refuse(413, "payload_too_large", "The request body is larger than the portal accepts.");
    if (ec) return close();
    Request req;
    bool keep_alive = false;
    if (file_parser_) {
      beast::error_code ignored;
      file_parser_->get().body().file().close(ignored);
      auto msg = file_parser_->release();
      req = request_of(msg);
      req.body_file = body_file_;
      keep_alive = msg.keep_alive();
    } else {
      auto msg = parser_->release();
      req = request_of(msg);
      req.body = std::move(msg.body());
      keep_alive = msg.keep_alive();
    }
    Response res;
    try {
      server_.handler(req, res);
    } catch (const std::exception& e) {
      res = Response{};
      send_error(res, 500, "internal", "The portal failed to answer.");
    }
    drop_body_file();
    const bool keep = keep_alive && Clock::now() < born_ + server_.options.connection_lifetime;
    answer(req.method, req.path, res, keep);
  }

  /// Answers a request the portal will not read to its end, then closes the connection.
  void refuse(int status, const std::string& name, const std::string& message) {
    Response res;
    send_error(res, status, name, message);
    std::string method = "-", path = "-";
    if (file_parser_) {
      method = std::string(file_parser_->get().method_string());
      std::multimap<std::string, std::string> ignored;
      parse_target(sv(file_parser_->get().target()), path, ignored);
    } else if (parser_ && parser_->is_header_done()) {
      method = std::string(parser_->get().method_string());
      std::multimap<std::string, std::string> ignored;
      parse_target(sv(parser_->get().target()), path, ignored);
    }
    answer(method, path, res, false);
  }

  void answer(const std::string& method, const std::string& path, Response& res, bool keep) {
    add_security_headers(path, res);
    if (!res.body_file.empty()) return answer_file(method, path, res, keep);
    server_.log(addr_, res.actor_ref, method, path, res.status, res.body.size());
    answer_ = {};
    answer_.version(11);
    answer_.result(static_cast<unsigned>(res.status));
    for (const auto& [k, v] : res.headers) answer_.insert(k, v);
    answer_.body() = std::move(res.body);
    answer_.keep_alive(keep);
    answer_.prepare_payload();
    if (method == "HEAD") answer_.body().clear();
    write(answer_, keep);
  }

  /// Writes an answer within the write timeout, then reads the next request or closes.
  template <class Message>
  void write(Message& message, bool keep) {
    deadline(server_.options.write_timeout);
    http::async_write(stream_, message,
                      [self = this->shared_from_this(), keep](beast::error_code ec, std::size_t) {
                        if (ec || !keep) return self->close(!ec);
                        self->read();
                      });
  }

  /// The same with the body read from a file as it is written, so a download costs a buffer, not the file.
  void answer_file(const std::string& method, const std::string& path, Response& res, bool keep) {
    beast::error_code ec;
    http::file_body::value_type file;
    file.open(res.body_file.c_str(), beast::file_mode::scan, ec);
    if (ec) {  // removed between the handler's check and now: an answer like any other missing document
      Response gone;
      gone.actor_ref = res.actor_ref;
      send_error(gone, 404, "not_found", "The document could not be read.");
      return answer(method, path, gone, keep);
    }
    const std::uint64_t size = file.size();
    server_.log(addr_, res.actor_ref, method, path, res.status, static_cast<std::size_t>(size));
    file_answer_ = {};
    file_answer_.version(11);
    file_answer_.result(static_cast<unsigned>(res.status));
    for (const auto& [k, v] : res.headers) file_answer_.insert(k, v);
    if (method != "HEAD") file_answer_.body() = std::move(file);
    file_answer_.keep_alive(keep);
    file_answer_.prepare_payload();
    if (method == "HEAD") file_answer_.content_length(size);
    write(file_answer_, keep);
  }

  /// Ends the connection. After an answer to a request it did not read to its end, the portal reads and drops
  /// what the client still sends (bounded in time and bytes) so the client sees the answer, not a reset.
  void close(bool linger = false) {
    beast::error_code ignored;
    if constexpr (kTls) {
      deadline(std::chrono::milliseconds(1000));
      stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) {
        beast::error_code e;
        beast::get_lowest_layer(self->stream_).socket().close(e);
      });
      (void)linger;
    } else {
      stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
      if (!linger) return;
      deadline(std::chrono::milliseconds(1000));
      drain();
    }
  }

  void drain() {
    stream_.async_read_some(
        net::buffer(drain_), [self = this->shared_from_this()](beast::error_code ec, std::size_t n) {
          self->drained_ += n;
          if (!ec && self->drained_ < 4 * self->server_.options.max_body_bytes + (1 << 20))
            return self->drain();
          beast::error_code e;
          self->stream_.socket().close(e);
        });
  }
};

}  // namespace

void Server::Impl::accept() {
  acceptor.async_accept(net::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
    if (ec == net::error::operation_aborted) return;
    if (!ec) {
      beast::error_code e;
      const auto remote = socket.remote_endpoint(e);
      const std::string addr = e ? std::string("-") : remote.address().to_string();
      if (open.fetch_add(1) >= options.max_connections) {
        // Over the limit: the connection is closed at once, before anything is read from it.
        open.fetch_sub(1);
        log(addr, "-", "-", "-", 503, 0);
        socket.close(e);
      } else if (tls) {
        std::make_shared<Session<beast::ssl_stream<beast::tcp_stream>>>(*this, addr, std::move(socket), *tls)
            ->start();
      } else {
        std::make_shared<Session<beast::tcp_stream>>(*this, addr, std::move(socket))->start();
      }
    }
    accept();
  });
}

Server::Server(ServerOptions options, Handler handler, Planner planner)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handler), std::move(planner))) {
  auto& o = impl_->options;
  if (o.tls_cert.empty() != o.tls_key.empty())
    throw std::runtime_error("TLS needs both --tls-cert and --tls-key");
  if (!o.tls_cert.empty()) {
    impl_->tls.emplace(ssl::context::tls_server);
    auto& ctx = *impl_->tls;
    ctx.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                    ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 | ssl::context::single_dh_use);
    beast::error_code ec;
    ctx.use_certificate_chain_file(o.tls_cert, ec);
    if (ec) throw std::runtime_error("cannot load the TLS certificate '" + o.tls_cert + "': " + ec.message());
    ctx.use_private_key_file(o.tls_key, ssl::context::pem, ec);
    if (ec) throw std::runtime_error("cannot load the TLS key '" + o.tls_key + "': " + ec.message());
  }
  beast::error_code ec;
  const auto address = net::ip::make_address(o.host, ec);
  if (ec) throw std::runtime_error("'" + o.host + "' is not an IP address");
  const tcp::endpoint at(address, static_cast<unsigned short>(o.port));
  auto& a = impl_->acceptor;
  a.open(at.protocol(), ec);
  if (!ec) a.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) a.bind(at, ec);
  if (!ec) a.listen(net::socket_base::max_listen_connections, ec);
  if (ec)
    throw std::runtime_error("cannot listen on " + o.host + ":" + std::to_string(o.port) + ": " +
                             ec.message());
  impl_->accept();
}

Server::~Server() = default;

int Server::port() const { return impl_->acceptor.local_endpoint().port(); }
bool Server::tls() const { return impl_->tls.has_value(); }

void Server::run() {
  std::vector<std::thread> more;
  for (int i = 1; i < impl_->options.threads; ++i) more.emplace_back([this] { impl_->ioc.run(); });
  impl_->ioc.run();
  for (auto& t : more) t.join();
}

void Server::stop() { impl_->ioc.stop(); }

}  // namespace portal
