// The Beast/Asio server: listener → session coroutine per connection →
// worker pool (Dispatch: middleware, router, handler) → response writer.
//
// Threads and ownership:
//   - Each of the `io_threads` threads runs an event loop of its own (a
//     `Loop`: an io_context with its own epoll set), as nginx runs one per
//     worker process. The listener, the signal set and the shutdown timer
//     live on loop 0, the `control` executor. Accepted connections are
//     dealt to the loops in turn, and a connection's session runs only on
//     its loop's thread — so it needs no strand, and its reads and writes
//     never wake another thread. The Connection's `idle`/`closing` flags and
//     its deadline are touched only there.
//   - Timeouts are deadlines, not a timer per operation: before a read or a
//     write the session sets its connection's deadline, and each loop's
//     sweep timer (running while the loop has connections) cancels the
//     socket of any connection whose deadline has passed. A timeout thus
//     fires at most one sweep period late, never early.
//   - Handlers run on a pool of threads (an asio::thread_pool); the session
//     co_awaits the result, so nothing slow ever runs on an io thread. GET
//     and HEAD run on `workers`, every other method on `writers`: a flood
//     of posts waiting for their commits' disk flush cannot take the
//     threads that render pages.
//   - `connections` (under `mu`) lets Stop() reach every open connection.
//
// Graceful stop: BeginShutdown() closes the acceptor, releases the loops'
// work guards and marks every connection `closing`; idle ones (waiting for a
// request, or lingering after a close) are cancelled at once, busy ones
// finish their exchange, write the response with "Connection: close" and
// end. A loop whose last connection has ended runs out of work, and Run()
// returns when all have. If some are still busy after shutdown_grace, every
// loop is stopped and Run() closes their sockets.

#include "http/server.h"

#include <fmt/format.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/sendfile.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/buffers_suffix.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <cerrno>
#include <csignal>
#include <ctime>
#include <exception>
#include <limits>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_set>

#include "http/target.h"
#include "http/text.h"

namespace chancery::http {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
// A loop's own executor type, not the type-erased any_io_executor: a
// session's every operation copies its executor, and the erased copy costs.
using Executor = asio::io_context::executor_type;
using Socket = asio::basic_stream_socket<tcp, Executor>;
template <typename T>
using awaitable = asio::awaitable<T, Executor>;

// Every asynchronous operation reports errors as values, never by throwing.
constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable_t<Executor>{});

constexpr size_t kReadChunk = 8192;                    // first read of a request
constexpr auto kLingerTime = std::chrono::seconds(1);  // see LingeringClose()
constexpr size_t kLingerBytes = 256 * 1024;
constexpr auto kAcceptRetry = std::chrono::milliseconds(100);  // after EMFILE and friends

std::string_view SV(beast::string_view s) { return {s.data(), s.size()}; }

constexpr Clock::time_point kNever = Clock::time_point::max();

struct Loop;

// One accepted connection. Everything but `remote` and `loop` is only
// touched on its loop's thread.
struct Connection {
  Connection(Socket s, std::string remote_address, Loop& home)
      : socket(std::move(s)), remote(std::move(remote_address)), loop(home) {}

  // The socket's pending operations are cancelled by the loop's sweep once
  // `deadline` has passed (kNever: no limit).
  void ExpiresAfter(Clock::duration d) { deadline = Clock::now() + d; }

  Socket socket;
  const std::string remote;
  Loop& loop;
  Clock::time_point deadline = kNever;
  size_t slot = 0;       // index in loop.open
  bool idle = false;     // waiting for a request's first byte, or lingering: Stop() may cut it
  bool closing = false;  // the server is stopping: finish this exchange, then close
};

// One io thread's event loop and the connections it serves.
struct Loop {
  explicit Loop(Clock::duration period) : ioc(1), sweep(ioc), sweep_period(period) {}
  // Sessions that end while ioc is destroyed must not touch `sweep`, which
  // is gone by then.
  ~Loop() { sweeping = false; }

  // On the loop's thread: from the session's start to its end.
  void Add(Connection* c) {
    c->slot = open.size();
    open.push_back(c);
    if (!sweeping) {
      sweeping = true;
      ArmSweep();
    }
  }
  void Remove(Connection* c) {
    Connection* last = open.back();
    open[c->slot] = last;
    last->slot = c->slot;
    open.pop_back();
    if (open.empty() && sweeping) sweep.cancel();  // no wake-ups for an idle loop
  }
  void ArmSweep() {
    sweep.expires_after(sweep_period);
    sweep.async_wait([this](const boost::system::error_code& ec) {
      if (ec || open.empty()) {
        sweeping = false;
        return;
      }
      const Clock::time_point now = Clock::now();
      for (Connection* c : open) {
        if (c->deadline > now) continue;
        c->deadline = kNever;
        boost::system::error_code ignored;
        c->socket.cancel(ignored);
      }
      ArmSweep();
    });
  }

  // Declared before ioc: session frames destroyed with ioc (after a hard
  // stop) still remove themselves from it.
  std::vector<Connection*> open;
  asio::io_context ioc;
  asio::steady_timer sweep;
  const Clock::duration sweep_period;
  bool sweeping = false;
};

// How often a loop looks for connections past their deadline: a tenth of
// the shortest timeout, between 10 ms and 500 ms.
Clock::duration SweepPeriod(const ServerOptions& o) {
  Clock::duration shortest = std::min({Clock::duration(o.read_timeout), Clock::duration(o.idle_timeout),
                                       Clock::duration(o.write_timeout), Clock::duration(kLingerTime)});
  return std::clamp(shortest / 10, Clock::duration(std::chrono::milliseconds(10)),
                    Clock::duration(std::chrono::milliseconds(500)));
}

// What the session does after an exchange.
enum class After {
  kKeepAlive,  // read the next request
  kClose,      // a response said "Connection: close": shut down gracefully
  kDrop,       // the peer is gone, timed out or was cancelled: just close
};

// What the access log and the response writer need to know about a request.
struct Exchange {
  Clock::time_point started = Clock::now();
  unsigned version = 11;
  bool head = false;
  bool keep_alive = false;
  std::string method = "-";
  std::string target = "-";
  std::string user_agent = "-";

  void Describe(const bhttp::request<bhttp::string_body>& m, std::string_view agent) {
    version = m.version() == 10 ? 10 : 11;
    head = m.method() == bhttp::verb::head;
    if (!m.method_string().empty()) method = std::string(SV(m.method_string()));
    if (!m.target().empty()) target = std::string(SV(m.target()));
    if (agent.data() != nullptr) user_agent = std::string(agent);
  }
};

// The header fields the server reads itself, found in one pass over the
// request's fields by their parsed name. Beast's find() and count() look a
// name up by case-insensitive string comparison, once per call: six calls
// a request were a tenth of the server's own work per cached page. Each
// view is the first such field (what find() gives) and null when absent.
struct KnownFields {
  explicit KnownFields(const bhttp::fields& fields) {
    // The fields whose first value is kept.
    static constexpr std::pair<bhttp::field, std::string_view KnownFields::*> kFirst[] = {
        {bhttp::field::cookie, &KnownFields::cookie},
        {bhttp::field::user_agent, &KnownFields::user_agent},
        {bhttp::field::accept_encoding, &KnownFields::accept_encoding},
        {bhttp::field::if_none_match, &KnownFields::if_none_match},
        {bhttp::field::expect, &KnownFields::expect}};
    for (const auto& f : fields) {
      const bhttp::field name = f.name();
      hosts += name == bhttp::field::host;
      cookies += name == bhttp::field::cookie;
      for (const auto& [which, slot] : kFirst)
        if (name == which && (this->*slot).data() == nullptr) this->*slot = SV(f.value());
    }
  }

  int hosts = 0;
  int cookies = 0;
  std::string_view cookie, user_agent, accept_encoding, if_none_match, expect;
};

// DateLine(now), recomputed once a second per thread.
std::string_view CurrentDateLine() {
  thread_local std::time_t cached_at = -1;
  thread_local std::string cached;
  const std::time_t now = std::time(nullptr);
  if (now != cached_at) {
    cached = http::DateLine(now);
    cached_at = now;
  }
  return cached;
}

bool IsTokenChar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

// Guards against header injection by a handler that copied user input into
// a header: names must be tokens, values must not contain CR, LF or NUL.
bool IsValidField(std::string_view name, std::string_view value) {
  if (name.empty() || !std::all_of(name.begin(), name.end(), IsTokenChar)) return false;
  return value.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

// Headers the server owns because they frame the message on the wire.
bool IsFramingField(std::string_view name) {
  using internal::EqualsIgnoreCase;
  return EqualsIgnoreCase(name, "Content-Length") || EqualsIgnoreCase(name, "Transfer-Encoding") ||
         EqualsIgnoreCase(name, "Connection") || EqualsIgnoreCase(name, "Keep-Alive") ||
         EqualsIgnoreCase(name, "Date");
}

bool ContainsToken(std::string_view list, std::string_view token) {
  while (!list.empty()) {
    size_t comma = list.find(',');
    if (internal::EqualsIgnoreCase(internal::TrimSpace(list.substr(0, comma)), token)) return true;
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return false;
}

// The head of `res` for an HTTP/1.`minor` client: status line, the
// handler's headers (invalid or framing ones dropped; `context` names the
// request in the log line about a dropped one), the security headers it did
// not set itself, Server, and Content-Length unless `bodiless`. No Date, no
// Connection, no closing blank line. Sets *close when the handler asked for
// "Connection: close".
std::string SerializeHead(const Response& res, const SecurityOptions& security, size_t body_size, bool bodiless,
                          unsigned minor, std::string_view context, bool* close) {
  Headers headers = res.headers;
  ApplySecurityHeaders(security, headers);
  std::string head;
  head.reserve(512);
  fmt::format_to(std::back_inserter(head), "HTTP/1.{} {} {}\r\n", minor, res.status, ReasonPhrase(res.status));
  bool has_server = false;
  for (const auto& [name, value] : headers.all()) {
    if (IsFramingField(name)) {
      if (close != nullptr && internal::EqualsIgnoreCase(name, "Connection") && ContainsToken(value, "close"))
        *close = true;
      continue;
    }
    if (!IsValidField(name, value)) {
      spdlog::error("http: dropping invalid response header {} from {}", internal::ForLog(name, 64), context);
      continue;
    }
    has_server = has_server || internal::EqualsIgnoreCase(name, "Server");
    head.append(name).append(": ").append(value).append("\r\n");
  }
  if (!has_server) head.append("Server: chancery\r\n");
  if (!bodiless) fmt::format_to(std::back_inserter(head), "Content-Length: {}\r\n", body_size);
  return head;
}

// The status to answer a failed read with, or nullopt when there is nobody
// to answer (the peer left, timed out, or the read was cancelled).
std::optional<int> StatusForReadError(const beast::error_code& ec,
                                      const bhttp::request<bhttp::string_body>& partial,
                                      size_t max_target_bytes) {
  if (ec == bhttp::error::body_limit) return 413;
  if (ec == bhttp::error::header_limit) {
    // Beast records the target once the request line is complete; a request
    // line that alone overflows the limit is, in practice, a long URI.
    if (partial.target().empty() || partial.target().size() > max_target_bytes) return 414;
    return 431;
  }
  if (ec.category() != bhttp::make_error_code(bhttp::error::bad_method).category())
    return std::nullopt;  // I/O: eof, reset, timeout, operation_aborted
  if (ec == bhttp::error::end_of_stream || ec == bhttp::error::partial_message ||
      ec == bhttp::error::short_read)
    return std::nullopt;
  return 400;
}

std::string FormatEndpoint(const asio::ip::address& address, uint16_t port) {
  return address.is_v6() ? fmt::format("[{}]:{}", address.to_string(), port)
                         : fmt::format("{}:{}", address.to_string(), port);
}

// co_spawn completion handler: an exception that escaped a coroutine is a
// bug; log it (never swallow it silently, never terminate the server).
auto LogIfThrew(const char* what) {
  return [what](std::exception_ptr e) {
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& ex) {
      spdlog::error("http: {} ended with an exception: {}", what, ex.what());
    } catch (...) {
      spdlog::error("http: {} ended with a non-standard exception", what);
    }
  };
}

}  // namespace

// Spelled out rather than strftime'd so no locale can change it.
std::string DateLine(int64_t unix_seconds) {
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return fmt::format("Date: {}, {:02d} {} {:04d} {:02d}:{:02d}:{:02d} GMT\r\n", kDays[tm.tm_wday], tm.tm_mday,
                     kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

std::string WireHead(const Response& response, const SecurityOptions& security, size_t body_size) {
  const bool bodiless = response.status == 204 || response.status == 304;
  return SerializeHead(response, security, body_size, bodiless, 1, "a cached response", nullptr);
}

struct Server::Impl {
  Impl(ServerOptions o, Router r, std::vector<Middleware> m)
      : options(std::move(o)),
        router(std::move(r)),
        middleware(std::move(m)),
        workers(static_cast<size_t>(std::max(1, options.worker_threads))),
        writers(static_cast<size_t>(std::max(1, options.write_threads))),
        loops(MakeLoops(options)),
        control(loops[0]->ioc.get_executor()),
        acceptor(control),
        accept_retry(control),
        grace_timer(control) {
    for (size_t i = 1; i < loops.size(); ++i) keep_running.emplace_back(loops[i]->ioc.get_executor());
  }
  ~Impl();

  static std::vector<std::unique_ptr<Loop>> MakeLoops(const ServerOptions& o) {
    std::vector<std::unique_ptr<Loop>> made;
    for (int i = 0; i < std::max(1, o.io_threads); ++i) made.push_back(std::make_unique<Loop>(SweepPeriod(o)));
    return made;
  }

  Status Listen();
  void Run();
  void Stop() {
    asio::post(control, [this] { BeginShutdown(); });
  }

  // On `control`.
  void Start();
  void BeginShutdown();
  void HardStop();
  awaitable<void> AcceptLoop();
  void StartSession(Socket socket, Loop& loop);

  // On the connection's strand.
  awaitable<void> Session(std::shared_ptr<Connection> conn);
  awaitable<After> ServeOne(Connection& c, beast::flat_buffer& buffer);
  // The rest of an exchange the fast path did not take: the body, the
  // handler on a worker, the response. A coroutine of its own, so that
  // ServeOne's frame (allocated per request) stays small enough for Asio
  // to recycle instead of allocating it afresh each time.
  awaitable<After> ServeHandler(Connection& c, beast::flat_buffer& buffer,
                                bhttp::request_parser<bhttp::string_body>& parser, const KnownFields& known,
                                Clock::time_point deadline, Exchange& x);
  awaitable<After> Refuse(Connection& c, const beast::error_code& ec,
                          const bhttp::request<bhttp::string_body>& partial, Exchange& x);
  awaitable<After> Reject(Connection& c, int status, Exchange& x);
  // The body limit for a request to `target`: max_upload_bytes for a POST to
  // one of upload_paths, max_body_bytes for everything else.
  size_t BodyLimit(bhttp::verb method, std::string_view target) const {
    if (method != bhttp::verb::post || options.max_upload_bytes <= options.max_body_bytes) return options.max_body_bytes;
    std::string path, query;
    if (!internal::ParseRequestTarget(target, &path, &query)) return options.max_body_bytes;
    for (const std::string& p : options.upload_paths)
      if (p == path) return options.max_upload_bytes;
    return options.max_body_bytes;
  }
  awaitable<Response> RunHandler(Request& request, Exchange& x);
  awaitable<After> Write(Connection& c, Response res, Exchange& x);
  // Writes head, Date, Connection (when it must be said), the blank line and
  // the body pieces in one gathered write. False when the write failed.
  awaitable<bool> WriteGathered(Connection& c, std::string_view head, const std::array<std::string_view, 4>& body,
                                Exchange& x);
  // The same lines, then the body from `file` with sendfile(2).
  awaitable<bool> WriteFile(Connection& c, std::string_view head, const FastAnswer::File& file, Exchange& x);
  // Answers from options.fast_path, when it takes the request.
  awaitable<std::optional<After>> TryFastPath(Connection& c, const bhttp::request_parser<bhttp::string_body>& parser,
                                              const KnownFields& known, Exchange& x);
  void LogAccess(const Connection& c, const Exchange& x, int status, size_t sent, bool ok) const;
  awaitable<void> LingeringClose(Connection& c);
  void EndSession(const std::shared_ptr<Connection>& conn);

  void RunLoop(asio::io_context& ioc);

  const ServerOptions options;
  const Router router;
  const std::vector<Middleware> middleware;

  // Declared before ioc so they outlive it: sessions destroyed along with
  // ioc (after a hard stop) still deregister themselves here.
  std::mutex mu;
  std::unordered_set<std::shared_ptr<Connection>> connections;  // GUARDED_BY(mu)
  bool shutting_down = false;                                   // GUARDED_BY(mu)
  bool destroying = false;                                      // GUARDED_BY(mu)
  std::atomic<bool> hard_stopped{false};
  // Requests handed to each pool and not yet finished, bounded apart: a
  // flood of posts is shed without turning pages away.
  std::atomic<size_t> queued_reads{0};   // on workers
  std::atomic<size_t> queued_writes{0};  // on writers
  std::atomic<uint16_t> bound_port{0};
  std::string where;                       // "127.0.0.1:8080", for log lines
  Clock::time_point last_limit_warning{};  // on control

  asio::thread_pool workers;                 // GET and HEAD
  asio::thread_pool writers;                 // every other method
  std::vector<std::unique_ptr<Loop>> loops;  // one per io thread
  // Keep loops 1… running while they have no connection, until shutdown.
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> keep_running;
  size_t next_loop = 0;  // on control: the loop the next connection goes to
  // I/O objects on loop 0: declared after loops so they are destroyed first.
  Executor control;
  asio::basic_socket_acceptor<tcp, Executor> acceptor;
  asio::steady_timer accept_retry;
  asio::steady_timer grace_timer;
  std::optional<asio::signal_set> signals;
};

Server::Impl::~Impl() {
  {
    std::lock_guard lock(mu);
    destroying = true;
  }
  // Handlers still running after a hard stop hold references into session
  // frames owned by the loops; let them finish before the loops go.
  workers.join();
  writers.join();
  std::lock_guard lock(mu);
  connections.clear();
}

Status Server::Impl::Listen() {
  // sendfile(2) to a socket the peer has closed raises SIGPIPE, which would
  // end the process (Asio's own sends pass MSG_NOSIGNAL; sendfile takes no
  // flags). The error comes back as EPIPE instead. A handler the program
  // set is left alone.
  struct sigaction pipe_action {};
  if (::sigaction(SIGPIPE, nullptr, &pipe_action) == 0 && pipe_action.sa_handler == SIG_DFL) {
    pipe_action.sa_handler = SIG_IGN;
    ::sigaction(SIGPIPE, &pipe_action, nullptr);
  }
  beast::error_code ec;
  asio::ip::address address = asio::ip::make_address(options.address, ec);
  if (ec)
    return Status::InvalidArgument(fmt::format("cannot listen on {}: not an IP address", options.address));
  if (acceptor.is_open()) return Status::InvalidArgument("already listening on " + where);
  where = FormatEndpoint(address, options.port);
  tcp::endpoint endpoint(address, options.port);
  auto fail = [&](const beast::error_code& error) {
    beast::error_code ignored;
    acceptor.close(ignored);
    if (error == asio::error::address_in_use)
      return Status::Unavailable(fmt::format("cannot listen on {}: address already in use", where));
    if (error == asio::error::access_denied)
      return Status::IoError(fmt::format("cannot listen on {}: permission denied", where));
    return Status::IoError(fmt::format("cannot listen on {}: {}", where, error.message()));
  };
  acceptor.open(endpoint.protocol(), ec);
  if (ec) return fail(ec);
  // Lets a restarted server bind while old connections sit in TIME_WAIT; on
  // Linux it does not allow two listeners on one port.
  acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (ec) return fail(ec);
  acceptor.bind(endpoint, ec);
  if (ec) return fail(ec);
  acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return fail(ec);
  tcp::endpoint bound = acceptor.local_endpoint(ec);
  if (ec) return fail(ec);
  bound_port = bound.port();
  where = FormatEndpoint(address, bound.port());
  return Status::Ok();
}

void Server::Impl::RunLoop(asio::io_context& ioc) {
  // Handlers do not throw by construction; if one ever does, log it and keep
  // the event loop going rather than losing an io thread.
  for (;;) {
    try {
      ioc.run();
      return;
    } catch (const std::exception& e) {
      spdlog::error("http: event loop handler threw: {}", e.what());
    } catch (...) {
      spdlog::error("http: event loop handler threw a non-standard exception");
    }
  }
}

void Server::Impl::Run() {
  if (!acceptor.is_open()) {
    spdlog::error("http: Run() called without a successful Listen()");
    return;
  }
  asio::post(control, [this] { Start(); });
  std::vector<std::thread> threads;
  for (size_t i = 1; i < loops.size(); ++i) threads.emplace_back([this, i] { RunLoop(loops[i]->ioc); });
  RunLoop(loops[0]->ioc);
  for (auto& t : threads) t.join();
  if (hard_stopped) {
    // No io thread runs now, so closing the sockets here races with nothing.
    std::lock_guard lock(mu);
    for (const auto& c : connections) {
      beast::error_code ignored;
      c->socket.close(ignored);
    }
  }
  spdlog::info("http: stopped serving {}", where);
}

void Server::Impl::Start() {
  {
    std::lock_guard lock(mu);
    if (shutting_down) return;  // Stop() came first
  }
  asio::co_spawn(control, AcceptLoop(), LogIfThrew("accept loop"));
  if (options.handle_signals) {
    signals.emplace(control, SIGINT, SIGTERM);
    signals->async_wait([this](const beast::error_code& ec, int signal) {
      if (ec) return;
      spdlog::info("http: signal {}; stopping", signal);
      BeginShutdown();
    });
  }
  spdlog::info("http: listening on {}", where);
}

void Server::Impl::BeginShutdown() {
  std::vector<std::shared_ptr<Connection>> open;
  {
    std::lock_guard lock(mu);
    if (shutting_down) return;
    shutting_down = true;
    open.assign(connections.begin(), connections.end());
  }
  spdlog::info("http: stopping {}; draining {} connection(s)", where, open.size());
  beast::error_code ignored;
  acceptor.close(ignored);
  accept_retry.cancel();
  if (signals) signals->cancel(ignored);
  keep_running.clear();  // each loop now ends when its last connection does
  for (const auto& c : open) {
    asio::post(c->socket.get_executor(), [c] {
      c->closing = true;
      if (c->idle) {
        beast::error_code not_open;
        c->socket.cancel(not_open);
      }
    });
  }
  if (open.empty()) return;
  // EndSession() cancels this timer when the last connection ends.
  grace_timer.expires_after(options.shutdown_grace);
  grace_timer.async_wait([this](const beast::error_code& ec) {
    if (!ec) HardStop();
  });
}

void Server::Impl::HardStop() {
  size_t busy;
  {
    std::lock_guard lock(mu);
    busy = connections.size();
    if (busy == 0) return;
    hard_stopped = true;
  }
  spdlog::warn("http: {} connection(s) still busy {} ms after stop; closing them", busy,
               options.shutdown_grace.count());
  for (const auto& loop : loops) loop->ioc.stop();
}

awaitable<void> Server::Impl::AcceptLoop() {
  for (;;) {
    Loop& loop = *loops[next_loop];
    auto [ec, socket] = co_await acceptor.async_accept(loop.ioc, kNoThrow);
    if (!acceptor.is_open() || ec == asio::error::operation_aborted) co_return;
    if (ec == asio::error::connection_aborted) continue;  // the client gave up first
    if (ec) {
      // Out of descriptors or memory: retrying at once would spin.
      spdlog::warn("http: accept on {} failed: {}", where, ec.message());
      accept_retry.expires_after(kAcceptRetry);
      co_await accept_retry.async_wait(kNoThrow);
      continue;
    }
    next_loop = (next_loop + 1) % loops.size();
    StartSession(std::move(socket), loop);
  }
}

void Server::Impl::StartSession(Socket socket, Loop& loop) {
  beast::error_code ec;
  tcp::endpoint remote = socket.remote_endpoint(ec);
  if (ec) return;  // already gone
  socket.set_option(tcp::no_delay(true), ec);
  // Asio's own operations work either way; WriteFile's sendfile must not block.
  socket.native_non_blocking(true, ec);
  if (ec) return;
  auto conn = std::make_shared<Connection>(std::move(socket), remote.address().to_string(), loop);
  {
    std::lock_guard lock(mu);
    if (shutting_down) return;
    if (connections.size() >= options.max_connections) {
      // Closing (conn's destructor does it) is the cheapest refusal.
      Clock::time_point now = Clock::now();
      if (now - last_limit_warning > std::chrono::seconds(1)) {
        last_limit_warning = now;
        spdlog::warn("http: {} connections open (max_connections); refusing {}", connections.size(),
                     conn->remote);
      }
      return;
    }
    connections.insert(conn);
  }
  asio::co_spawn(loop.ioc, Session(std::move(conn)), LogIfThrew("session"));
}

void Server::Impl::EndSession(const std::shared_ptr<Connection>& conn) {
  std::lock_guard lock(mu);
  connections.erase(conn);
  if (connections.empty() && shutting_down && !hard_stopped && !destroying)
    asio::post(control, [this] { grace_timer.cancel(); });
}

awaitable<void> Server::Impl::Session(std::shared_ptr<Connection> conn) {
  // Deregisters however the coroutine ends, even if its frame is destroyed
  // unfinished after a hard stop.
  struct Deregister {
    Impl* impl;
    std::shared_ptr<Connection> conn;
    ~Deregister() {
      conn->loop.Remove(conn.get());
      impl->EndSession(conn);
    }
  } deregister{this, conn};
  conn->loop.Add(conn.get());

  beast::flat_buffer buffer;
  After after = After::kKeepAlive;
  while (after == After::kKeepAlive && !conn->closing) after = co_await ServeOne(*conn, buffer);
  if (after != After::kDrop) co_await LingeringClose(*conn);
  beast::error_code ignored;
  conn->socket.shutdown(tcp::socket::shutdown_both, ignored);
  conn->socket.close(ignored);
}

awaitable<After> Server::Impl::ServeOne(Connection& c, beast::flat_buffer& buffer) {
  Socket& stream = c.socket;
  // Between requests the idle timeout applies; once a byte of the next one
  // arrives (or is already buffered, when pipelined), the read timeout.
  if (buffer.size() == 0) {
    c.idle = true;
    c.ExpiresAfter(options.idle_timeout);
    auto [ec, n] = co_await stream.async_read_some(buffer.prepare(kReadChunk), kNoThrow);
    c.idle = false;
    if (ec) co_return After::kDrop;
    buffer.commit(n);
  }
  Exchange x;
  const Clock::time_point deadline = x.started + options.read_timeout;
  c.deadline = deadline;

  // A fresh parser per message, so limits and state never leak between them.
  bhttp::request_parser<bhttp::string_body> parser;
  parser.header_limit(static_cast<std::uint32_t>(
      std::min<size_t>(options.max_header_bytes, std::numeric_limits<std::uint32_t>::max())));
  // A larger Content-Length fails in read_header; the limit is narrowed to
  // the route's once the target is known.
  parser.body_limit(std::max(options.max_body_bytes, options.max_upload_bytes));
  {
    auto [ec, n] = co_await bhttp::async_read_header(stream, buffer, parser, kNoThrow);
    if (ec) co_return co_await Refuse(c, ec, parser.get(), x);
  }
  const auto& head = parser.get();
  const KnownFields known(head);
  x.Describe(head, known.user_agent);
  if (head.target().size() > options.max_target_bytes) co_return co_await Reject(c, 414, x);
  {
    const size_t limit = BodyLimit(head.method(), SV(head.target()));
    if (parser.content_length() && *parser.content_length() > limit) co_return co_await Reject(c, 413, x);
    parser.body_limit(limit);  // counts down what chunked bodies may still bring
  }
  if (head.version() >= 11 && known.hosts != 1)
    co_return co_await Reject(c, 400, x);  // RFC 9112 §3.2: exactly one Host

  if (options.fast_path) {
    if (std::optional<After> after = co_await TryFastPath(c, parser, known, x)) co_return *after;
  }
  co_return co_await ServeHandler(c, buffer, parser, known, deadline, x);
}

awaitable<After> Server::Impl::ServeHandler(Connection& c, beast::flat_buffer& buffer,
                                            bhttp::request_parser<bhttp::string_body>& parser,
                                            const KnownFields& known, Clock::time_point deadline, Exchange& x) {
  Socket& stream = c.socket;
  const auto& head = parser.get();
  if (!parser.is_done()) {
    if (head.version() >= 11 && internal::EqualsIgnoreCase(known.expect, "100-continue")) {
      static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      c.ExpiresAfter(options.write_timeout);
      auto [ec, n] = co_await asio::async_write(stream, asio::buffer(kContinue), kNoThrow);
      if (ec) co_return After::kDrop;
      c.deadline = deadline;
    }
    auto [ec, n] = co_await bhttp::async_read(stream, buffer, parser, kNoThrow);
    if (ec) co_return co_await Refuse(c, ec, parser.get(), x);
  }

  c.deadline = kNever;  // the handler's time is not the client's
  bhttp::request<bhttp::string_body> msg = parser.release();
  Request request;
  request.method = MethodFromString(x.method);
  request.method_name = x.method;
  request.target = x.target;
  if (!internal::ParseRequestTarget(request.target, &request.path, &request.query))
    co_return co_await Reject(c, 400, x);
  for (const auto& field : msg) request.headers.Add(SV(field.name_string()), SV(field.value()));
  request.body = std::move(msg.body());
  request.remote_address = c.remote;
  x.keep_alive = msg.keep_alive();

  Response response = co_await RunHandler(request, x);
  co_return co_await Write(c, std::move(response), x);
}

awaitable<std::optional<After>> Server::Impl::TryFastPath(
    Connection& c, const bhttp::request_parser<bhttp::string_body>& parser, const KnownFields& known, Exchange& x) {
  const auto& m = parser.get();
  const bhttp::verb verb = m.method();
  // Only bodiless GET and HEAD from HTTP/1.1 clients; one Cookie header at most.
  if ((verb != bhttp::verb::get && verb != bhttp::verb::head) || !parser.is_done() || m.version() != 11 ||
      known.cookies > 1)
    co_return std::nullopt;
  FastRequest request;
  request.method = verb == bhttp::verb::head ? Method::kHead : Method::kGet;
  request.target = SV(m.target());
  request.accept_encoding = known.accept_encoding;
  request.if_none_match = known.if_none_match;
  request.cookie = known.cookie;
  FastAnswer answer;
  try {
    if (!options.fast_path(request, answer)) co_return std::nullopt;
  } catch (const std::exception& e) {
    spdlog::error("http: the fast path threw on {}: {}", internal::ForLog(x.target), e.what());
    co_return std::nullopt;
  }
  x.keep_alive = m.keep_alive();
  const bool has_body = !x.head && answer.status != 304 && answer.status != 204;
  std::array<std::string_view, 4> body{};
  size_t sent = 0;
  bool ok = false;
  if (has_body && answer.file.fd >= 0) {
    sent = answer.file.size;
    ok = co_await WriteFile(c, answer.head, answer.file, x);
  } else {
    if (has_body) body = answer.body;
    for (std::string_view piece : body) sent += piece.size();
    ok = co_await WriteGathered(c, answer.head, body, x);
  }
  if (options.access_log) LogAccess(c, x, answer.status, ok ? sent : 0, ok);
  if (!ok) co_return After::kDrop;
  co_return x.keep_alive ? After::kKeepAlive : After::kClose;
}

awaitable<After> Server::Impl::Refuse(Connection& c, const beast::error_code& ec,
                                      const bhttp::request<bhttp::string_body>& partial, Exchange& x) {
  std::optional<int> status = StatusForReadError(ec, partial, options.max_target_bytes);
  if (!status) co_return After::kDrop;
  x.Describe(partial, KnownFields(partial).user_agent);
  if (x.target.size() > 256) x.target = x.target.substr(0, 256);  // no 16 KB log lines
  co_return co_await Reject(c, *status, x);
}

awaitable<After> Server::Impl::Reject(Connection& c, int status, Exchange& x) {
  Response response = StatusPage(status);
  if (status == 503) response.headers.Set("Retry-After", "1");
  x.keep_alive = false;
  co_return co_await Write(c, std::move(response), x);
}

awaitable<Response> Server::Impl::RunHandler(Request& request, Exchange& x) {
  const bool reads = request.method == Method::kGet || request.method == Method::kHead;
  std::atomic<size_t>& queued = reads ? queued_reads : queued_writes;
  if (queued.fetch_add(1) >= options.max_queued_requests) {
    queued.fetch_sub(1);
    x.keep_alive = false;  // shed the connection too
    Response busy = StatusPage(503);
    busy.headers.Set("Retry-After", "1");
    co_return busy;
  }
  // The frame (and so `request`) stays alive until this completes: the
  // session is suspended right here.
  auto [error, response] = co_await asio::co_spawn(
      reads ? workers : writers,
      [this, &request]() -> asio::awaitable<Response> {
        if (hard_stopped) co_return StatusPage(503);  // nobody will read the answer
        co_return Dispatch(router, middleware, request);
      },
      kNoThrow);
  queued.fetch_sub(1);
  if (error) {
    LogIfThrew("handler")(error);
    co_return StatusPage(500);
  }
  co_return std::move(response);
}

awaitable<After> Server::Impl::Write(Connection& c, Response res, Exchange& x) {
  if (res.status < 200 || res.status > 599) {
    spdlog::error("http: handler for {} {} returned status {}", internal::ForLog(x.method),
                  internal::ForLog(x.target), res.status);
    res = StatusPage(500);
  }
  const bool bodiless = res.status == 204 || res.status == 304;  // RFC 9110 §8.6
  const size_t body_size = bodiless || !res.body ? 0 : res.body->size();
  bool close = false;
  const std::string head =
      SerializeHead(res, options.security, body_size, bodiless, x.version == 10 ? 0 : 1,
                    fmt::format("{} {}", internal::ForLog(x.method), internal::ForLog(x.target)), &close);
  if (close) x.keep_alive = false;
  std::array<std::string_view, 4> body{};
  if (!bodiless && !x.head && body_size > 0) body[0] = *res.body;  // HEAD: the GET's length, no bytes
  const bool ok = co_await WriteGathered(c, head, body, x);
  if (options.access_log) LogAccess(c, x, res.status, ok && !body[0].empty() ? body_size : 0, ok);
  if (!ok) co_return After::kDrop;
  co_return x.keep_alive ? After::kKeepAlive : After::kClose;
}

namespace {

// The lines every write puts after a head: Date, Connection when it must be
// said, and the blank line.
class WriteLines {
 public:
  explicit WriteLines(const Exchange& x) {
    // Beast's rules for the Connection header: HTTP/1.1 keeps the connection
    // open unless told "close"; HTTP/1.0 closes it unless told "keep-alive".
    if (x.version == 10 && x.keep_alive) connection_ = "Connection: keep-alive\r\n";
    if (x.version != 10 && !x.keep_alive) connection_ = "Connection: close\r\n";
    // A copy: the thread's cached line may change while the write waits.
    const std::string_view line = CurrentDateLine();
    date_size_ = std::min(line.size(), date_.size());
    std::copy_n(line.data(), date_size_, date_.data());
  }
  WriteLines(const WriteLines&) = delete;
  WriteLines& operator=(const WriteLines&) = delete;

  // `head`, these lines and `body`'s pieces, as one buffer sequence. Empty
  // pieces are allowed in one and cost nothing.
  std::array<asio::const_buffer, 8> Buffers(std::string_view head,
                                            const std::array<std::string_view, 4>& body = {}) const {
    return {asio::buffer(head.data(), head.size()),
            asio::buffer(date_.data(), date_size_),
            asio::buffer(connection_.data(), connection_.size()),
            asio::buffer("\r\n", 2),
            asio::buffer(body[0].data(), body[0].size()),
            asio::buffer(body[1].data(), body[1].size()),
            asio::buffer(body[2].data(), body[2].size()),
            asio::buffer(body[3].data(), body[3].size())};
  }

 private:
  std::string_view connection_;
  std::array<char, 48> date_;
  size_t date_size_ = 0;
};

}  // namespace

awaitable<bool> Server::Impl::WriteGathered(Connection& c, std::string_view head,
                                            const std::array<std::string_view, 4>& body, Exchange& x) {
  if (c.closing) x.keep_alive = false;
  const WriteLines lines(x);
  c.ExpiresAfter(options.write_timeout);
  auto [ec, written] = co_await asio::async_write(c.socket, lines.Buffers(head, body), kNoThrow);
  c.deadline = kNever;
  co_return !ec;
}

awaitable<bool> Server::Impl::WriteFile(Connection& c, std::string_view head, const FastAnswer::File& file,
                                        Exchange& x) {
  if (c.closing) x.keep_alive = false;
  c.ExpiresAfter(options.write_timeout);
  off_t offset = static_cast<off_t>(file.offset);
  size_t total = file.size;
  // The file's own head is the one this write would send: Date of this
  // second, no Connection line (HTTP/1.1, kept alive).
  const bool whole = file.head_second != 0 && x.keep_alive && x.version == 11 &&
                     file.head_second == static_cast<int64_t>(std::time(nullptr));
  if (whole) {
    offset = 0;
    total += static_cast<size_t>(file.offset);
  } else {
    const WriteLines lines(x);
    // The head is held back (MSG_MORE) to go out with the body's first bytes.
    beast::buffers_suffix<std::array<asio::const_buffer, 8>> rest(lines.Buffers(head));
    for (size_t left = beast::buffer_bytes(rest); left > 0;) {
      auto [ec, n] = co_await c.socket.async_send(rest, MSG_MORE, kNoThrow);
      if (ec) {
        c.deadline = kNever;
        co_return false;
      }
      rest.consume(n);
      left -= n;
    }
  }
  // The socket is non-blocking (StartSession): sendfile sends what fits,
  // and the loop waits for room for the rest.
  bool ok = true;
  for (size_t left = total; left > 0 && ok;) {
    const ssize_t n = ::sendfile(c.socket.native_handle(), file.fd, &offset, left);
    if (n > 0) {
      left -= static_cast<size_t>(n);
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      auto [ec] = co_await c.socket.async_wait(Socket::wait_write, kNoThrow);
      ok = !ec;  // cancelled by the sweep past the deadline, or the socket is gone
    } else {
      if (n == 0) spdlog::error("http: a body file ended {} bytes early", left);  // changed under the writer
      ok = false;  // the peer is gone (EPIPE, ECONNRESET)
    }
  }
  c.deadline = kNever;
  co_return ok;
}

void Server::Impl::LogAccess(const Connection& c, const Exchange& x, int status, size_t sent, bool ok) const {
  auto micros = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - x.started).count();
  spdlog::info("{} \"{} {}\" {} {} {}us \"{}\"{}", c.remote, internal::ForLog(x.method), internal::ForLog(x.target),
               status, sent, micros, internal::ForLog(x.user_agent, 256), ok ? "" : " (write failed)");
}

// Closing a socket that still has unread input makes the kernel send RST,
// which can destroy the response before the client reads it (a 413 while the
// client is still uploading, a 431 whose headers we did not read). So: send
// FIN, then read and discard until the client closes — for a bounded time
// and amount.
awaitable<void> Server::Impl::LingeringClose(Connection& c) {
  beast::error_code ec;
  c.socket.shutdown(tcp::socket::shutdown_send, ec);
  if (ec) co_return;
  c.idle = true;  // Stop() need not wait for this
  c.ExpiresAfter(kLingerTime);
  std::array<char, 4096> scratch;
  size_t drained = 0;
  while (drained < kLingerBytes) {
    auto [read_ec, n] = co_await c.socket.async_read_some(asio::buffer(scratch), kNoThrow);
    if (read_ec) break;
    drained += n;
  }
}

// --- Server -----------------------------------------------------------------

Server::Server(ServerOptions options, Router router, std::vector<Middleware> middleware)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(router), std::move(middleware))) {}

Server::~Server() = default;

Status Server::Listen() { return impl_->Listen(); }
uint16_t Server::port() const { return impl_->bound_port; }
void Server::Run() { impl_->Run(); }
void Server::Stop() { impl_->Stop(); }

}  // namespace chancery::http
