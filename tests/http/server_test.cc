// The real server on 127.0.0.1:<free port>, driven by a raw TCP client so
// the tests can send malformed, oversized, pipelined or stalled requests.
// Every wait is bounded; nothing asserts on speed.
#include "http/server.h"

#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <ctime>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "http/static.h"
#include "test_client.h"

namespace chancery::http {
namespace {

using namespace std::chrono_literals;
using testing::Fetch;
using testing::RawClient;
using testing::RawRequest;
using testing::RawResponse;

// A one-shot event with a bounded wait.
class Event {
 public:
  void Notify() {
    std::lock_guard lock(mu_);
    set_ = true;
    cv_.notify_all();
  }
  bool WaitFor(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return set_; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool set_ = false;
};

// A handler that says it has started, then holds its thread until released
// (5 s at most) and answers `body`.
Handler HoldUntil(std::shared_ptr<Event> entered, std::shared_ptr<Event> release, std::string body) {
  return [entered, release, body](const http::Request&) {
    entered->Notify();
    release->WaitFor(5s);
    return Response(200, "text/plain", body);
  };
}

ServerOptions TestOptions() {
  ServerOptions o;
  o.port = 0;
  o.io_threads = 2;
  o.worker_threads = 2;
  o.handle_signals = false;
  o.access_log = false;
  o.read_timeout = 2s;
  o.idle_timeout = 3s;
  o.write_timeout = 2s;
  o.shutdown_grace = 3s;
  return o;
}

Handler Text(std::string text) {
  return [text](const http::Request&) { return Response(200, "text/plain", text); };
}

Router TestRouter() {
  Router r;
  r.Get("/", Text("home"));
  r.Get("/healthz", Text("ok"));
  r.Get("/articles/:slug", [](const http::Request& req) {
    return Response(200, "text/plain", "article " + std::string(req.Param("slug")));
  });
  r.Post("/echo", [](const http::Request& req) { return Response(200, "text/plain", req.body); });
  r.Get("/throw", [](const http::Request&) -> Response { throw std::runtime_error("boom"); });
  r.Get("/inspect", [](const http::Request& req) {
    std::string out = "method=" + req.method_name + ";path=" + req.path + ";query=" + req.query +
                      ";q=" + req.QueryParam("q").value_or("-") + ";remote=" + req.remote_address +
                      ";ua=" + std::string(req.headers.Get("user-agent").value_or("-")) +
                      ";cookie=" + req.Cookie("sid").value_or("-");
    return Response(200, "text/plain", out);
  });
  r.Get("/inject", [](const http::Request&) {
    Response res(200, "text/plain", "fine");
    res.headers.Set("X-Evil", "a\r\nSet-Cookie: pwned=1");
    res.headers.Set("X-Good", "yes");
    return res;
  });
  r.Get("/asset", [](const http::Request& req) {
    return StaticAsset(req, std::string_view("body{color:red}"), "text/css", "v1", true);
  });
  r.Get("/close", [](const http::Request&) {
    Response res(200, "text/plain", "bye");
    res.headers.Set("Connection", "close");
    return res;
  });
  r.SetNotFound([](const http::Request& req) {
    return Response(200, "text/html; charset=utf-8", "app 404 for " + req.path);
  });
  return r;
}

// A Server listening on a free port, run on a background thread.
class TestServer {
 public:
  explicit TestServer(Router router, ServerOptions options = TestOptions(),
                      std::vector<Middleware> middleware = {})
      : server_(std::move(options), std::move(router), std::move(middleware)) {
    Status status = server_.Listen();
    EXPECT_TRUE(status.ok()) << status.ToString();
    if (status.ok())
      thread_ = std::thread([this] {
        server_.Run();
        returned_ = true;
      });
  }
  ~TestServer() { StopAndJoin(); }

  uint16_t port() const { return server_.port(); }
  Server& server() { return server_; }
  bool returned() const { return returned_; }
  // Stop() and wait for Run() to return.
  void StopAndJoin() {
    if (!thread_.joinable()) return;
    server_.Stop();
    thread_.join();
  }

 private:
  Server server_;
  std::atomic<bool> returned_{false};
  std::thread thread_;
};

void ExpectSecurityHeaders(const RawResponse& r) {
  auto csp = r.Header("Content-Security-Policy");
  ASSERT_TRUE(csp) << r.status_line;
  EXPECT_NE(csp->find("script-src 'self'"), std::string::npos);
  EXPECT_EQ(r.Header("X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(r.Header("Referrer-Policy"), "strict-origin-when-cross-origin");
  EXPECT_EQ(r.Header("X-Frame-Options"), "DENY");
  EXPECT_TRUE(r.Header("Permissions-Policy"));
  EXPECT_EQ(r.Header("Cross-Origin-Opener-Policy"), "same-origin");
}

TEST(ServerTest, HealthzAndKeepAliveServeTwoRequestsOnOneConnection) {
  TestServer ts(TestRouter());
  RawClient client(ts.port());
  ASSERT_TRUE(client.connected());
  ASSERT_TRUE(client.Send(RawRequest("GET", "/healthz")));
  auto first = client.Read();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->status, 200);
  EXPECT_EQ(first->status_line, "HTTP/1.1 200 OK");
  EXPECT_EQ(first->body, "ok");
  EXPECT_EQ(first->Header("Content-Length"), "2");
  EXPECT_EQ(first->Header("Server"), "chancery");
  EXPECT_TRUE(first->Header("Date"));
  EXPECT_FALSE(first->Header("Connection"));  // HTTP/1.1 default: keep-alive

  ASSERT_TRUE(client.Send(RawRequest("GET", "/")));
  auto second = client.Read();
  ASSERT_TRUE(second);
  EXPECT_EQ(second->body, "home");
}

TEST(ServerTest, PipelinedRequestsAreAnsweredInOrder) {
  Router router = TestRouter();
  router.Get("/slow", [](const http::Request&) {
    std::this_thread::sleep_for(100ms);
    return Response(200, "text/plain", "slow");
  });
  TestServer ts(std::move(router));
  RawClient client(ts.port());
  ASSERT_TRUE(client.Send(RawRequest("GET", "/slow") + RawRequest("GET", "/articles/two") +
                          RawRequest("HEAD", "/articles/three")));
  auto a = client.Read();
  auto b = client.Read();
  auto c = client.Read(/*head_request=*/true);
  ASSERT_TRUE(a && b && c);
  EXPECT_EQ(a->body, "slow");
  EXPECT_EQ(b->body, "article two");
  EXPECT_EQ(c->Header("Content-Length"), "13");
  EXPECT_TRUE(client.pending().empty());
}

TEST(ServerTest, HeadSendsContentLengthButNoBody) {
  TestServer ts(TestRouter());
  RawClient client(ts.port());
  ASSERT_TRUE(client.Send(RawRequest("HEAD", "/articles/x")));
  auto head = client.Read(/*head_request=*/true);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->Header("Content-Length"), std::to_string(std::string("article x").size()));
  EXPECT_EQ(head->Header("Content-Type"), "text/plain");
  // Had the body been sent, it would now sit in front of the next response.
  ASSERT_TRUE(client.Send(RawRequest("GET", "/")));
  auto next = client.Read();
  ASSERT_TRUE(next);
  EXPECT_EQ(next->status_line, "HTTP/1.1 200 OK");
  EXPECT_EQ(next->body, "home");
}

TEST(ServerTest, NotFoundUsesTheAppHandlerAndCarriesSecurityHeaders) {
  TestServer ts(TestRouter());
  auto r = Fetch(ts.port(), RawRequest("GET", "/no/such/page"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
  EXPECT_EQ(r->body, "app 404 for /no/such/page");
  ExpectSecurityHeaders(*r);
}

TEST(ServerTest, WrongMethodIs405WithAllow) {
  TestServer ts(TestRouter());
  auto r = Fetch(ts.port(), RawRequest("DELETE", "/healthz"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 405);
  EXPECT_EQ(r->Header("Allow"), "GET, HEAD");
  ExpectSecurityHeaders(*r);
  auto unknown = Fetch(ts.port(), RawRequest("BREW", "/healthz"));
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 405);
}

TEST(ServerTest, SecurityHeadersOnSuccess) {
  TestServer ts(TestRouter());
  auto r = Fetch(ts.port(), RawRequest("GET", "/"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  ExpectSecurityHeaders(*r);
}

TEST(ServerTest, HugeHeaderIs431AndTheServerKeepsServing) {
  TestServer ts(TestRouter());
  {
    RawClient client(ts.port());
    ASSERT_TRUE(client.Send(RawRequest("GET", "/", "X-Big: " + std::string(20 * 1024, 'a') + "\r\n")));
    auto r = client.Read();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 431);
    EXPECT_EQ(r->Header("Connection"), "close");
    ExpectSecurityHeaders(*r);
    EXPECT_TRUE(client.WaitForClose(2s));
  }
  auto fresh = Fetch(ts.port(), RawRequest("GET", "/healthz"));
  ASSERT_TRUE(fresh);
  EXPECT_EQ(fresh->status, 200);
}

TEST(ServerTest, LongTargetIs414) {
  TestServer ts(TestRouter());
  // Fits in max_header_bytes (16 KB) but not max_target_bytes (8 KB).
  auto r = Fetch(ts.port(), RawRequest("GET", "/" + std::string(10 * 1024, 'x')));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 414);
  ExpectSecurityHeaders(*r);
  // Longer than the whole header limit: still a 414, not a 431.
  auto longer = Fetch(ts.port(), RawRequest("GET", "/" + std::string(20 * 1024, 'x')));
  ASSERT_TRUE(longer);
  EXPECT_EQ(longer->status, 414);
}

TEST(ServerTest, ContentLengthOverTheLimitIs413BeforeTheBodyIsSent) {
  ServerOptions options = TestOptions();
  options.max_body_bytes = 1000;
  TestServer ts(TestRouter(), options);
  RawClient client(ts.port());
  // Only the headers: the server must answer without waiting for the body.
  ASSERT_TRUE(client.Send(RawRequest("POST", "/echo", "Content-Length: 2000000\r\n")));
  auto r = client.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  ExpectSecurityHeaders(*r);
  EXPECT_TRUE(client.WaitForClose(2s));

  auto ok = Fetch(ts.port(), RawRequest("POST", "/echo", "Content-Length: 5\r\n") + "hello");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->body, "hello");
}

TEST(ServerTest, ChunkedBodyOverTheLimitIs413) {
  ServerOptions options = TestOptions();
  options.max_body_bytes = 10;
  TestServer ts(TestRouter(), options);
  auto r = Fetch(ts.port(), RawRequest("POST", "/echo", "Transfer-Encoding: chunked\r\n") + "14\r\n" +
                                std::string(20, 'z') + "\r\n0\r\n\r\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
}

// Upload routes (ServerOptions::upload_paths) get max_upload_bytes; every
// other route, and other methods on the upload path, keep max_body_bytes.
TEST(ServerTest, UploadPathsGetTheLargerBodyLimit) {
  ServerOptions options = TestOptions();
  options.max_body_bytes = 10;
  options.max_upload_bytes = 100;
  options.upload_paths = {"/upload"};
  Router router = TestRouter();
  auto size = [](const http::Request& req) { return Response(200, "text/plain", std::to_string(req.body.size())); };
  router.Post("/upload", size);
  router.Add(Method::kPut, "/upload", size);
  TestServer ts(std::move(router), options);
  auto post = [&](std::string_view path, size_t n, std::string_view method = "POST") {
    return Fetch(ts.port(), RawRequest(method, path, "Content-Length: " + std::to_string(n) + "\r\n") + std::string(n, 'u'));
  };

  auto big_upload = post("/upload?csrf=x", 100);
  ASSERT_TRUE(big_upload);
  EXPECT_EQ(big_upload->status, 200);
  EXPECT_EQ(big_upload->body, "100");
  auto too_big_upload = post("/upload", 101);
  ASSERT_TRUE(too_big_upload);
  EXPECT_EQ(too_big_upload->status, 413);
  auto elsewhere = post("/echo", 11);
  ASSERT_TRUE(elsewhere);
  EXPECT_EQ(elsewhere->status, 413);
  auto put = post("/upload", 11, "PUT");
  ASSERT_TRUE(put);
  EXPECT_EQ(put->status, 413);
  auto prefix = post("/upload/more", 11);
  ASSERT_TRUE(prefix);
  EXPECT_EQ(prefix->status, 413);

  // Chunked bodies are counted as they arrive, against the route's limit.
  auto chunked_ok = Fetch(ts.port(), RawRequest("POST", "/upload", "Transfer-Encoding: chunked\r\n") + "3c\r\n" +
                                         std::string(60, 'c') + "\r\n0\r\n\r\n");
  ASSERT_TRUE(chunked_ok);
  EXPECT_EQ(chunked_ok->body, "60");
  auto chunked_big = Fetch(ts.port(), RawRequest("POST", "/upload", "Transfer-Encoding: chunked\r\n") + "3c\r\n" +
                                          std::string(60, 'c') + "\r\n3c\r\n" + std::string(60, 'c') +
                                          "\r\n0\r\n\r\n");
  ASSERT_TRUE(chunked_big);
  EXPECT_EQ(chunked_big->status, 413);
  auto chunked_elsewhere = Fetch(ts.port(), RawRequest("POST", "/echo", "Transfer-Encoding: chunked\r\n") + "14\r\n" +
                                                std::string(20, 'z') + "\r\n0\r\n\r\n");
  ASSERT_TRUE(chunked_elsewhere);
  EXPECT_EQ(chunked_elsewhere->status, 413);
}

TEST(ServerTest, MalformedRequestsAre400AndTheServerKeepsServing) {
  TestServer ts(TestRouter());
  const std::string bad[] = {
      "\x01\x02 garbage\r\n\r\n",
      "GET / HTTP/9.9\r\nHost: x\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n",
      "GET / HTTP/1.1\r\n\r\n",  // HTTP/1.1 without Host
      "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
      // Request smuggling: both framings at once.
      "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n"
      "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
      "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
      RawRequest("GET", "/a%zz"),
      RawRequest("GET", "/a%00b"),
      RawRequest("GET", "/static/../etc/passwd"),
      RawRequest("GET", "relative"),
  };
  for (const std::string& request : bad) {
    RawClient client(ts.port());
    ASSERT_TRUE(client.Send(request));
    auto r = client.Read();
    ASSERT_TRUE(r) << request;
    EXPECT_EQ(r->status, 400) << request;
    ExpectSecurityHeaders(*r);
    EXPECT_TRUE(client.WaitForClose(2s)) << request;
  }
  auto ok = Fetch(ts.port(), RawRequest("GET", "/healthz"));
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
}

TEST(ServerTest, StalledRequestIsDisconnectedAfterReadTimeout) {
  ServerOptions options = TestOptions();
  options.read_timeout = 300ms;
  TestServer ts(TestRouter(), options);
  RawClient client(ts.port());
  ASSERT_TRUE(client.Send("GET / HTTP/1.1\r\nHost: x\r\n"));  // and nothing more
  auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(client.WaitForClose(3s));
  EXPECT_GE(std::chrono::steady_clock::now() - start, 200ms);  // not before the timeout
}

TEST(ServerTest, IdleKeepAliveConnectionIsClosedAfterIdleTimeout) {
  ServerOptions options = TestOptions();
  options.idle_timeout = 300ms;
  TestServer ts(TestRouter(), options);
  RawClient client(ts.port());
  ASSERT_TRUE(client.Send(RawRequest("GET", "/")));
  ASSERT_TRUE(client.Read());
  EXPECT_TRUE(client.WaitForClose(3s));
  RawClient silent(ts.port());  // connects and never sends
  EXPECT_TRUE(silent.WaitForClose(3s));
}

// Connections are dealt to the io threads' loops in turn: six of them on
// three loops, and each loop's sweep must close its own idle ones.
TEST(ServerTest, IdleTimeoutClosesConnectionsOnEveryLoop) {
  ServerOptions options = TestOptions();
  options.io_threads = 3;
  options.idle_timeout = 300ms;
  TestServer ts(TestRouter(), options);
  std::vector<std::unique_ptr<RawClient>> clients;
  for (int i = 0; i < 6; ++i) {
    clients.push_back(std::make_unique<RawClient>(ts.port()));
    ASSERT_TRUE(clients.back()->Send(RawRequest("GET", "/healthz")));
    auto r = clients.back()->Read();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
  }
  const auto start = std::chrono::steady_clock::now();
  for (auto& c : clients) EXPECT_TRUE(c->WaitForClose(3s));
  EXPECT_GE(std::chrono::steady_clock::now() - start, 150ms);  // the last one waited its timeout
}

TEST(ServerTest, StopDrainsTheConnectionsOfEveryLoop) {
  ServerOptions options = TestOptions();
  options.io_threads = 4;
  auto entered = std::make_shared<Event>();
  Router router = TestRouter();
  router.Get("/slow", [entered](const http::Request&) {
    entered->Notify();
    std::this_thread::sleep_for(300ms);
    return Response(200, "text/plain", "done");
  });
  TestServer ts(std::move(router), options);
  std::vector<std::unique_ptr<RawClient>> idle;
  for (int i = 0; i < 7; ++i) {  // with the slow one, two on each of the four loops
    idle.push_back(std::make_unique<RawClient>(ts.port()));
    ASSERT_TRUE(idle.back()->Send(RawRequest("GET", "/")));
    ASSERT_TRUE(idle.back()->Read());
  }
  RawClient slow(ts.port());
  ASSERT_TRUE(slow.Send(RawRequest("GET", "/slow")));
  ASSERT_TRUE(entered->WaitFor(3s));
  std::thread stopper([&] { ts.StopAndJoin(); });
  for (auto& c : idle) EXPECT_TRUE(c->WaitForClose(2s));
  auto r = slow.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "done");
  EXPECT_EQ(r->Header("Connection"), "close");
  stopper.join();
  EXPECT_TRUE(ts.returned());
}

TEST(ServerTest, HandlerThatThrowsGives500AndTheNextRequestWorks) {
  TestServer ts(TestRouter());
  RawClient client(ts.port());
  ASSERT_TRUE(client.Send(RawRequest("GET", "/throw")));
  auto r = client.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 500);
  ExpectSecurityHeaders(*r);
  ASSERT_TRUE(client.Send(RawRequest("GET", "/healthz")));
  auto next = client.Read();
  ASSERT_TRUE(next);
  EXPECT_EQ(next->status, 200);
}

TEST(ServerTest, OverMaxQueuedRequestsIs503WithRetryAfter) {
  ServerOptions options = TestOptions();
  options.worker_threads = 1;
  options.max_queued_requests = 1;
  auto entered = std::make_shared<Event>();
  auto release = std::make_shared<Event>();
  Router router = TestRouter();
  router.Get("/block", HoldUntil(entered, release, "unblocked"));
  TestServer ts(std::move(router), options);

  RawClient busy(ts.port());
  ASSERT_TRUE(busy.Send(RawRequest("GET", "/block")));
  ASSERT_TRUE(entered->WaitFor(3s));
  auto shed = Fetch(ts.port(), RawRequest("GET", "/healthz"));
  ASSERT_TRUE(shed);
  EXPECT_EQ(shed->status, 503);
  EXPECT_EQ(shed->Header("Retry-After"), "1");
  ExpectSecurityHeaders(*shed);

  release->Notify();
  auto done = busy.Read();
  ASSERT_TRUE(done);
  EXPECT_EQ(done->body, "unblocked");
  auto after = Fetch(ts.port(), RawRequest("GET", "/healthz"));
  ASSERT_TRUE(after);
  EXPECT_EQ(after->status, 200);
}

// Writes run on a pool of their own: posts that wait (as a comment waits
// for its commit's disk flush) can take every write thread and still leave
// the page threads free.
TEST(ServerTest, WritesWaitingOnTheirOwnPoolLeavePagesServed) {
  ServerOptions options = TestOptions();
  options.worker_threads = 1;
  options.write_threads = 2;
  auto both_entered = std::make_shared<Event>();
  auto release = std::make_shared<Event>();
  auto entered = std::make_shared<std::atomic<int>>(0);
  Router router = TestRouter();
  router.Post("/wait", [both_entered, release, entered](const http::Request&) {
    if (entered->fetch_add(1) + 1 == 2) both_entered->Notify();
    release->WaitFor(5s);
    return Response(200, "text/plain", "written");
  });
  TestServer ts(std::move(router), options);

  RawClient first(ts.port()), second(ts.port());
  ASSERT_TRUE(first.Send(RawRequest("POST", "/wait", "Content-Length: 0\r\n")));
  ASSERT_TRUE(second.Send(RawRequest("POST", "/wait", "Content-Length: 0\r\n")));
  ASSERT_TRUE(both_entered->WaitFor(3s)) << "two posts should run at once on two write threads";

  // Both write threads are waiting; the one page thread is not.
  for (int i = 0; i < 3; ++i) {
    auto page = Fetch(ts.port(), RawRequest("GET", "/articles/still-served"));
    ASSERT_TRUE(page) << "a GET waited behind the blocked posts";
    EXPECT_EQ(page->status, 200);
    EXPECT_EQ(page->body, "article still-served");
  }
  EXPECT_EQ(entered->load(), 2);

  release->Notify();
  for (RawClient* c : {&first, &second}) {
    auto done = c->Read();
    ASSERT_TRUE(done);
    EXPECT_EQ(done->body, "written");
  }
}

// Each pool has its own bound: posts over it are shed, pages are not.
TEST(ServerTest, AFullWriteQueueShedsPostsButNotPages) {
  ServerOptions options = TestOptions();
  options.worker_threads = 1;
  options.write_threads = 1;
  options.max_queued_requests = 1;
  auto entered = std::make_shared<Event>();
  auto release = std::make_shared<Event>();
  Router router = TestRouter();
  router.Post("/wait", HoldUntil(entered, release, "written"));
  TestServer ts(std::move(router), options);

  RawClient busy(ts.port());
  ASSERT_TRUE(busy.Send(RawRequest("POST", "/wait", "Content-Length: 0\r\n")));
  ASSERT_TRUE(entered->WaitFor(3s));
  auto shed = Fetch(ts.port(), RawRequest("POST", "/echo", "Content-Length: 2\r\n") + "hi");
  ASSERT_TRUE(shed);
  EXPECT_EQ(shed->status, 503);
  EXPECT_EQ(shed->Header("Retry-After"), "1");
  auto page = Fetch(ts.port(), RawRequest("GET", "/articles/open"));
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_EQ(page->body, "article open");

  release->Notify();
  auto done = busy.Read();
  ASSERT_TRUE(done);
  EXPECT_EQ(done->body, "written");
  auto echoed = Fetch(ts.port(), RawRequest("POST", "/echo", "Content-Length: 2\r\n") + "hi");
  ASSERT_TRUE(echoed);
  EXPECT_EQ(echoed->status, 200);
  EXPECT_EQ(echoed->body, "hi");
}

TEST(ServerTest, StopLetsAnInFlightRequestFinishAndClosesIdleConnections) {
  auto entered = std::make_shared<Event>();
  Router router = TestRouter();
  router.Get("/slow", [entered](const http::Request&) {
    entered->Notify();
    std::this_thread::sleep_for(300ms);
    return Response(200, "text/plain", std::string(100000, 's'));
  });
  TestServer ts(std::move(router));

  RawClient idle(ts.port());
  ASSERT_TRUE(idle.Send(RawRequest("GET", "/")));
  ASSERT_TRUE(idle.Read());

  RawClient slow(ts.port());
  ASSERT_TRUE(slow.Send(RawRequest("GET", "/slow")));
  ASSERT_TRUE(entered->WaitFor(3s));
  std::thread stopper([&] { ts.StopAndJoin(); });

  EXPECT_TRUE(idle.WaitForClose(2s));
  auto r = slow.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body.size(), 100000u);
  EXPECT_EQ(r->Header("Connection"), "close");
  EXPECT_TRUE(slow.WaitForClose(2s));
  stopper.join();
  EXPECT_TRUE(ts.returned());

  RawClient late(ts.port());  // nobody listens any more
  EXPECT_TRUE(!late.connected() || late.WaitForClose(1s));
}

TEST(ServerTest, StopAfterGraceClosesConnectionsAndRunReturns) {
  ServerOptions options = TestOptions();
  options.shutdown_grace = 200ms;
  auto entered = std::make_shared<Event>();
  auto release = std::make_shared<Event>();
  Router router = TestRouter();
  router.Get("/stuck", [entered, release](const http::Request&) {
    entered->Notify();
    release->WaitFor(5s);
    return Response(200, "text/plain", "late");
  });
  auto ts = std::make_unique<TestServer>(std::move(router), options);
  RawClient client(ts->port());
  ASSERT_TRUE(client.Send(RawRequest("GET", "/stuck")));
  ASSERT_TRUE(entered->WaitFor(3s));
  ts->server().Stop();
  // Run() returns once the grace period is over, with the handler still busy.
  for (int i = 0; i < 300 && !ts->returned(); ++i) std::this_thread::sleep_for(10ms);
  EXPECT_TRUE(ts->returned());
  EXPECT_TRUE(client.WaitForClose(2s));
  release->Notify();
  ts.reset();  // joins the worker pool
}

TEST(ServerTest, StopBeforeRunMakesRunReturn) {
  Server server(TestOptions(), TestRouter(), {});
  ASSERT_TRUE(server.Listen().ok());
  server.Stop();
  std::atomic<bool> done{false};
  std::thread t([&] {
    server.Run();
    done = true;
  });
  for (int i = 0; i < 300 && !done; ++i) std::this_thread::sleep_for(10ms);
  EXPECT_TRUE(done);
  if (!done) server.Stop();
  t.join();
}

TEST(ServerTest, ListenReportsAPortInUse) {
  TestServer first(TestRouter());
  ServerOptions options = TestOptions();
  options.port = first.port();
  Server second(options, TestRouter(), {});
  Status status = second.Listen();
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("in use"), std::string::npos) << status.ToString();
  EXPECT_NE(status.message().find("127.0.0.1:" + std::to_string(first.port())), std::string::npos)
      << status.ToString();

  options.address = "not-an-ip";
  Server third(options, TestRouter(), {});
  EXPECT_EQ(third.Listen().code(), Status::Code::kInvalidArgument);
}

TEST(ServerTest, PortZeroPicksAFreePort) {
  TestServer a(TestRouter());
  TestServer b(TestRouter());
  EXPECT_NE(a.port(), 0);
  EXPECT_NE(b.port(), 0);
  EXPECT_NE(a.port(), b.port());
}

TEST(ServerTest, ConnectionsBeyondMaxAreClosed) {
  ServerOptions options = TestOptions();
  options.max_connections = 1;
  TestServer ts(TestRouter(), options);
  RawClient first(ts.port());
  ASSERT_TRUE(first.Send(RawRequest("GET", "/")));
  ASSERT_TRUE(first.Read());  // now surely registered
  RawClient second(ts.port());
  EXPECT_TRUE(!second.connected() || second.WaitForClose(2s));
  ASSERT_TRUE(first.Send(RawRequest("GET", "/healthz")));
  auto still = first.Read();
  ASSERT_TRUE(still);
  EXPECT_EQ(still->body, "ok");
}

TEST(ServerTest, Http10ClosesUnlessAskedToKeepAlive) {
  TestServer ts(TestRouter());
  {
    RawClient client(ts.port());
    ASSERT_TRUE(client.Send("GET / HTTP/1.0\r\n\r\n"));
    auto r = client.Read();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status_line, "HTTP/1.0 200 OK");
    EXPECT_TRUE(client.WaitForClose(2s));
  }
  RawClient client(ts.port());
  ASSERT_TRUE(client.Send("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
  auto r = client.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->Header("Connection"), "keep-alive");
  ASSERT_TRUE(client.Send("GET /healthz HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
  auto again = client.Read();
  ASSERT_TRUE(again);
  EXPECT_EQ(again->body, "ok");
}

TEST(ServerTest, ConnectionCloseFromClientOrHandlerIsHonoured) {
  TestServer ts(TestRouter());
  {
    RawClient client(ts.port());
    ASSERT_TRUE(client.Send(RawRequest("GET", "/", "Connection: close\r\n")));
    auto r = client.Read();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->Header("Connection"), "close");
    EXPECT_TRUE(client.WaitForClose(2s));
  }
  RawClient client(ts.port());
  ASSERT_TRUE(client.Send(RawRequest("GET", "/close")));
  auto r = client.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "bye");
  EXPECT_EQ(r->Header("Connection"), "close");
  EXPECT_TRUE(client.WaitForClose(2s));
}

TEST(ServerTest, RequestBodiesChunkedAndWithExpectContinue) {
  TestServer ts(TestRouter());
  auto chunked = Fetch(ts.port(), RawRequest("POST", "/echo", "Transfer-Encoding: chunked\r\n") +
                                      "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
  ASSERT_TRUE(chunked);
  EXPECT_EQ(chunked->body, "hello world");

  RawClient client(ts.port());
  ASSERT_TRUE(client.Send(RawRequest("POST", "/echo", "Content-Length: 4\r\nExpect: 100-continue\r\n")));
  auto cont = client.Read();
  ASSERT_TRUE(cont);
  EXPECT_EQ(cont->status, 100);
  ASSERT_TRUE(client.Send("data"));
  auto r = client.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "data");
}

TEST(ServerTest, RequestIsFilledFromTheWire) {
  TestServer ts(TestRouter());
  auto r = Fetch(ts.port(), RawRequest("GET", "/insp%65ct?q=a+b%21&x=1",
                                       "User-Agent: test-agent/1.0\r\nCookie: theme=x; sid=s3cr3t\r\n"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body,
            "method=GET;path=/inspect;query=q=a+b%21&x=1;q=a b!;remote=127.0.0.1;"
            "ua=test-agent/1.0;cookie=s3cr3t");
}

TEST(ServerTest, ConditionalGetAnswers304WithoutBody) {
  TestServer ts(TestRouter());
  RawClient client(ts.port());
  ASSERT_TRUE(client.Send(RawRequest("GET", "/asset")));
  auto full = client.Read();
  ASSERT_TRUE(full);
  EXPECT_EQ(full->body, "body{color:red}");
  auto etag = full->Header("ETag");
  ASSERT_TRUE(etag);
  EXPECT_EQ(*etag, "\"v1\"");
  ASSERT_TRUE(client.Send(RawRequest("GET", "/asset", "If-None-Match: " + *etag + "\r\n")));
  auto cached = client.Read();
  ASSERT_TRUE(cached);
  EXPECT_EQ(cached->status, 304);
  EXPECT_FALSE(cached->Header("Content-Length"));
  EXPECT_EQ(cached->Header("ETag"), *etag);
  ExpectSecurityHeaders(*cached);
  // The connection is still in sync: no stray body bytes followed the 304.
  ASSERT_TRUE(client.Send(RawRequest("GET", "/healthz")));
  auto next = client.Read();
  ASSERT_TRUE(next);
  EXPECT_EQ(next->body, "ok");
}

TEST(ServerTest, InjectedResponseHeadersAreDropped) {
  TestServer ts(TestRouter());
  auto r = Fetch(ts.port(), RawRequest("GET", "/inject"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_FALSE(r->Header("X-Evil"));
  EXPECT_FALSE(r->Header("Set-Cookie"));
  EXPECT_EQ(r->Header("X-Good"), "yes");
}

TEST(ServerTest, MiddlewareRunsAroundHandlers) {
  std::vector<Middleware> middleware = {[](const http::Request& req, const Next& next) {
    Response res = next(req);
    res.headers.Set("X-Route-Param", std::string(req.Param("slug")));
    return res;
  }};
  TestServer ts(TestRouter(), TestOptions(), std::move(middleware));
  auto r = Fetch(ts.port(), RawRequest("GET", "/articles/hello"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->Header("X-Route-Param"), "hello");
}

// A fast path that answers /file from `fd`: `size` bytes from `offset`.
FastPath FileAnswer(int fd, int64_t offset, size_t size) {
  return [fd, offset, size](const FastRequest& request, FastAnswer& answer) {
    if (request.target != "/file") return false;
    static const std::string head_text = [size] {
      return "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + std::to_string(size) +
             "\r\n";
    }();
    answer.head = head_text;
    answer.file = {fd, offset, size};
    return true;
  };
}

// Bytes that differ along their length, so a piece out of place shows.
std::string Pattern(size_t size) {
  std::string out(size, '\0');
  for (size_t i = 0; i < size; ++i) out[i] = static_cast<char>('a' + (i * 7 + i / 4096) % 26);
  return out;
}

TEST(ServerTest, AFastAnswerFromAFileReachesASlowReaderWholeAndKeepsTheConnection) {
  // More than the socket buffers hold (some MiB on loopback), so sendfile
  // must wait for room.
  const std::string bytes = Pattern(16 << 20);
  const int fd = ::memfd_create("server-test", MFD_CLOEXEC);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::write(fd, bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size()));
  const int64_t offset = 1000;
  const size_t size = bytes.size() - 2000;
  ServerOptions options = TestOptions();
  options.fast_path = FileAnswer(fd, offset, size);
  {
    TestServer ts(TestRouter(), options);
    RawClient client(ts.port(), 5s);
    ASSERT_TRUE(client.Send(RawRequest("GET", "/file")));
    std::this_thread::sleep_for(300ms);  // a reader slower than the server
    auto r = client.Read();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->Header("Content-Length"), std::to_string(size));
    EXPECT_TRUE(r->Header("Date"));
    ASSERT_EQ(r->body.size(), size);
    EXPECT_TRUE(r->body == bytes.substr(offset, size)) << "the file's bytes from the offset, in order";

    // The same connection: a HEAD (no body) and a page from the handlers.
    ASSERT_TRUE(client.Send(RawRequest("HEAD", "/file")));
    auto head = client.Read(/*head_request=*/true);
    ASSERT_TRUE(head);
    EXPECT_EQ(head->Header("Content-Length"), std::to_string(size));
    EXPECT_TRUE(head->body.empty());
    ASSERT_TRUE(client.Send(RawRequest("GET", "/healthz")));
    auto ok = client.Read();
    ASSERT_TRUE(ok);
    EXPECT_EQ(ok->body, "ok");
    EXPECT_TRUE(client.pending().empty());
  }
  ::close(fd);
}

TEST(ServerTest, AFileWithItsHeadIsSentWholeToAClientKeptAliveAndNotToOneLeaving) {
  // The file's head carries a line answer.head does not, to show whose head
  // went out. (Real callers make the two the same.)
  const std::string head = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 4\r\n";
  const int fd = ::memfd_create("server-test", MFD_CLOEXEC);
  ASSERT_GE(fd, 0);
  std::atomic<int64_t> second{0};
  std::atomic<int64_t> offset{0};
  ServerOptions options = TestOptions();
  options.fast_path = [&](const FastRequest& request, FastAnswer& answer) {
    if (request.target != "/whole") return false;
    answer.head = head;
    answer.file = {fd, offset.load(), 4, second.load()};
    return true;
  };
  TestServer ts(TestRouter(), options);
  bool from_file = false;
  for (int attempt = 0; attempt < 5 && !from_file; ++attempt) {
    // A file for this second; tried again if the second turns meanwhile.
    second = static_cast<int64_t>(std::time(nullptr));
    const std::string file_head = head + "X-From: file\r\n" + DateLine(second) + "\r\n";
    offset = static_cast<int64_t>(file_head.size());
    const std::string bytes = file_head + "body";
    ASSERT_EQ(::pwrite(fd, bytes.data(), bytes.size(), 0), static_cast<ssize_t>(bytes.size()));
    RawClient client(ts.port());
    ASSERT_TRUE(client.Send(RawRequest("GET", "/whole")));
    auto r = client.Read();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->body, "body");
    from_file = r->Header("X-From").has_value();
    if (!from_file) {
      EXPECT_NE(std::time(nullptr), second.load()) << "the same second: the file's head was due";
    }
  }
  EXPECT_TRUE(from_file);

  // A client that asks to close gets the server's own head, which says so,
  // and the body from after the file's head.
  auto closing = Fetch(ts.port(), RawRequest("GET", "/whole", "Connection: close\r\n"));
  ASSERT_TRUE(closing);
  EXPECT_EQ(closing->body, "body");
  EXPECT_FALSE(closing->Header("X-From"));
  EXPECT_EQ(closing->Header("Connection"), "close");
  // So does a file whose head was made for another second.
  second = second - 10;
  auto stale = Fetch(ts.port(), RawRequest("GET", "/whole"));
  ASSERT_TRUE(stale);
  EXPECT_EQ(stale->body, "body");
  EXPECT_FALSE(stale->Header("X-From"));
  ::close(fd);
}

TEST(ServerTest, DateLineIsTheImfFixdate) {
  EXPECT_EQ(DateLine(784111777), "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n");
  EXPECT_EQ(DateLine(0), "Date: Thu, 01 Jan 1970 00:00:00 GMT\r\n");
}

TEST(ServerTest, AReaderThatLeavesMidFileDoesNotTakeTheServerDown) {
  const std::string bytes = Pattern(8 << 20);
  const int fd = ::memfd_create("server-test", MFD_CLOEXEC);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::write(fd, bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size()));
  ServerOptions options = TestOptions();
  options.fast_path = FileAnswer(fd, 0, bytes.size());
  {
    TestServer ts(TestRouter(), options);
    for (int i = 0; i < 5; ++i) {
      // Asks for 8 MiB and hangs up unread: the server's sendfile meets a
      // reset connection, and the session ends.
      RawClient client(ts.port());
      ASSERT_TRUE(client.Send(RawRequest("GET", "/file")));
      std::this_thread::sleep_for(20ms);
    }
    auto r = Fetch(ts.port(), RawRequest("GET", "/healthz"));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->body, "ok");
  }
  ::close(fd);
}

TEST(ServerTest, ManyClientsAtOnce) {
  TestServer ts(TestRouter());
  std::atomic<int> ok{0};
  std::vector<std::thread> clients;
  for (int i = 0; i < 8; ++i) {
    clients.emplace_back([&, i] {
      RawClient client(ts.port());
      for (int j = 0; j < 20; ++j) {
        std::string slug = std::to_string(i) + "-" + std::to_string(j);
        if (!client.Send(RawRequest("GET", "/articles/" + slug))) return;
        auto r = client.Read();
        if (r && r->body == "article " + slug) ++ok;
      }
    });
  }
  for (auto& t : clients) t.join();
  EXPECT_EQ(ok, 160);
}

}  // namespace
}  // namespace chancery::http
