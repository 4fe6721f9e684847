// chancery/http: the HTTP/1.1 server (Boost.Beast + Asio C++20 coroutines).
//
// One listener accepts connections; each connection is a coroutine session
// that reads a request (with header and body limits and a read timeout),
// hands it to the worker pool — middleware chain, then the router's handler —
// and writes the response, keeping the connection alive while the client
// asks. Stop() (or SIGINT/SIGTERM when enabled) stops accepting, lets
// in-flight requests finish, and closes idle connections.
//
// Every response the server writes — handlers' and its own error pages
// (400, 404, 405, 413, 414, 431, 500, 503) alike — gets Date, Server,
// Content-Length (none on 204/304) and the ServerOptions::security headers.
// A request that cannot be parsed or breaks a limit is answered and its
// connection closed; the server keeps serving everyone else. Handler
// exceptions become a logged 500. Beast and Asio stay inside server.cc.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "http/http.h"
#include "http/middleware.h"

namespace chancery::http {

// What the fast path sees of a GET or HEAD request: views into the
// connection's buffer, valid only during the call.
struct FastRequest {
  Method method = Method::kGet;  // kGet or kHead
  std::string_view target;       // as sent: path and query, undecoded
  std::string_view accept_encoding;
  std::string_view if_none_match;
  std::string_view cookie;       // the Cookie header ("" when none)
};

// A whole answer from the fast path, written with one gathered write: the
// head, then the server's Date (and Connection when closing) and the blank
// line, then the body's pieces (none for HEAD or a 304). Or, when `file`
// names one, the head and lines in one write and the body with sendfile(2)
// from that file, which gives the socket the kernel's pages without copying
// them through the process.
struct FastAnswer {
  int status = 200;       // for the access log
  std::string_view head;  // status line and header lines, each ending CRLF: no Date, Connection or blank line
  std::array<std::string_view, 4> body{};
  // The body as `size` bytes of the file open as `fd` from `offset`, sent
  // instead of `body` when fd >= 0. The file must not change until the
  // owner lets it go: the socket may still be sending its pages after the
  // write returns.
  //
  // With `head_second` set, the file's first `offset` bytes are the whole
  // head as the server would write it in that second to a client it keeps
  // the connection to: `head`, DateLine(head_second) and the blank line.
  // The server then sends head and body in one sendfile when it would
  // write exactly those bytes, and else writes its own head as usual.
  struct File {
    int fd = -1;
    int64_t offset = 0;
    size_t size = 0;
    int64_t head_second = 0;
  } file;
  // Keep the memory head and body point into, and the file, alive until
  // the write ends.
  std::shared_ptr<const void> owner;
  std::shared_ptr<const void> file_owner;
  // Per-request bytes the body's pieces may point into (a stamp, a trailer).
  std::array<char, 128> scratch{};
};

// Answers a request on the event loop's own thread, before it would go to
// a worker: true when `answer` is filled. It must not block — no database,
// no rendering; the response cache in front of the handlers is its purpose.
// Requests it declines take the normal path.
using FastPath = std::function<bool(const FastRequest&, FastAnswer&)>;

// The head of `response` as the server writes it for an HTTP/1.1 client:
// the status line and header lines, each ending CRLF, with the security
// headers, Server, and Content-Length of `body_size` (none for 204 and 304)
// — but without Date and Connection, which belong to each write, and
// without the closing blank line. Invalid and framing headers are dropped
// as the server drops them. For caches that hand whole answers to the fast
// path, so that a cached answer and a rendered one carry the same headers.
std::string WireHead(const Response& response, const SecurityOptions& security, size_t body_size);

// "Date: <IMF-fixdate>\r\n" for `unix_seconds` ("Date: Sun, 06 Nov 1994
// 08:49:37 GMT\r\n"), the line the server puts after every head.
std::string DateLine(int64_t unix_seconds);

struct ServerOptions {
  std::string address = "127.0.0.1";  // IP to listen on
  uint16_t port = 8080;                 // 0 picks a free port (see Server::port())
  int io_threads = 2;                   // threads running the event loop
  int worker_threads = 4;               // threads running GET and HEAD handlers (database, rendering)
  // Threads running the handlers of every other method: the writes. A write
  // mostly waits for its commit to reach the disk, and waits idle; on a pool
  // of their own, writes cannot take the threads pages are rendered on, and
  // the more of them wait at once, the more commits share one disk flush.
  int write_threads = 32;
  size_t max_queued_requests = 1024;    // waiting for or running on each pool; beyond → 503
  size_t max_header_bytes = 16 * 1024;  // request line + headers; over → 431 (414 for a long target)
  size_t max_target_bytes = 8 * 1024;   // request target; over → 414
  size_t max_body_bytes = 1 << 20;      // request body; over → 413
  // POSTs to these exact paths (decoded, without the query) may carry bodies
  // up to max_upload_bytes instead: file uploads. The limit is chosen from
  // the request line, before any of the body is read.
  std::vector<std::string> upload_paths;
  size_t max_upload_bytes = 0;  // 0, or below max_body_bytes: max_body_bytes applies
  std::chrono::milliseconds read_timeout{15000};   // to receive a whole request once it starts
  std::chrono::milliseconds idle_timeout{60000};   // keep-alive wait for the next request
  std::chrono::milliseconds write_timeout{30000};  // to send a response
  std::chrono::milliseconds shutdown_grace{10000}; // how long in-flight requests may take on stop
  size_t max_connections = 10000;       // beyond this new connections are closed at once
  bool handle_signals = true;           // stop on SIGINT/SIGTERM
  bool access_log = true;               // one line per request to the log (spdlog, info)
  // Security headers added to every response the server writes, its own
  // error pages included; a header the handler already set is kept.
  SecurityOptions security;
  // Optional: answers GET and HEAD requests on the event loop (FastPath).
  FastPath fast_path;
};

class Server {
 public:
  Server(ServerOptions options, Router router, std::vector<Middleware> middleware);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and listens. Fails with a clear message when the address is in use
  // ("cannot listen on 127.0.0.1:8080: address already in use").
  Status Listen();
  // The bound port (after Listen).
  uint16_t port() const;
  // Serves until Stop() or a signal, running the event loop on this thread
  // and io_threads - 1 more; returns after a graceful drain: in-flight
  // requests are finished and written (for up to shutdown_grace; after that
  // their connections are closed) and idle connections are closed.
  // REQUIRES: Listen() succeeded. Call once.
  void Run();
  // Thread-safe; may be called from a handler or another thread, before or
  // during Run().
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace chancery::http
