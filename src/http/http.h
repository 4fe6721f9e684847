// chancery/http: requests, responses and the router — start here.
//
// Handlers see only these plain types, never sockets or Beast, so they can be
// tested without a network and this header stays cheap to include. The
// server (server.h) parses requests, runs the middleware chain and the
// router's handler on a bounded worker pool, and writes the Response.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace chancery::http {

enum class Method { kGet, kHead, kPost, kPut, kPatch, kDelete, kOptions, kOther };
std::string_view ToString(Method method);  // "GET"; "OTHER" for kOther
// The Method for a request-line method name (case-sensitive, as HTTP is).
Method MethodFromString(std::string_view name);

// A header list that keeps order and compares names case-insensitively.
class Headers {
 public:
  // The first value for `name`, or nullopt.
  std::optional<std::string_view> Get(std::string_view name) const;
  // Replaces every value for `name`.
  void Set(std::string_view name, std::string_view value);
  // Adds a value (Set-Cookie may appear many times).
  void Add(std::string_view name, std::string_view value);
  void Remove(std::string_view name);
  bool Has(std::string_view name) const { return Get(name).has_value(); }
  const std::vector<std::pair<std::string, std::string>>& all() const { return fields_; }

 private:
  std::vector<std::pair<std::string, std::string>> fields_;
};

struct Request {
  Method method = Method::kGet;
  std::string method_name;  // as sent, e.g. "GET"
  std::string target;       // as sent: path and query, undecoded
  std::string path;         // percent-decoded path, without the query
  std::string query;        // raw query string without '?'
  Headers headers;
  std::string body;
  std::string remote_address;  // peer IP as text
  // Filled by the router from the route pattern ("/articles/:slug").
  std::map<std::string, std::string, std::less<>> params;

  // The decoded value of query parameter `name`, or nullopt.
  std::optional<std::string> QueryParam(std::string_view name) const;
  // The path parameter `name`, or "" when the route has none.
  std::string_view Param(std::string_view name) const;
  // The value of cookie `name`, or nullopt.
  std::optional<std::string> Cookie(std::string_view name) const;
};

struct Response {
  int status = 200;
  Headers headers;
  // The body. Shared and immutable so cached pages are sent without a copy.
  std::shared_ptr<const std::string> body;

  Response() = default;
  Response(int status_code, std::string content_type, std::string text);

  // Read by a response cache in front of the handlers, never sent
  // (site/cached_pages.h). The names of what this response shows: a cache
  // stores it only when there are some, and drops it when one changes.
  std::vector<std::string> cache_scopes;
  // A part of the body that must differ for every reader (a form's token):
  // a cache writes it afresh each time it serves the response. `context`
  // tells the cache's stamper whose it is (an article id).
  struct Stamp {
    size_t offset = 0;
    size_t size = 0;
    int64_t context = 0;
  };
  std::optional<Stamp> stamp;

  std::string_view BodyView() const { return body ? std::string_view(*body) : std::string_view(); }
  void SetBody(std::string text) { body = std::make_shared<const std::string>(std::move(text)); }
};

// The standard reason phrase for `status` ("Not Found").
std::string_view ReasonPhrase(int status);

// Handlers run on the server's worker pool; they may block on the database.
using Handler = std::function<Response(const Request&)>;

// Maps method + path patterns to handlers. Patterns are literal segments and
// ":name" parameters ("/articles/:slug"); a trailing "*name" captures the
// rest of the path ("/static/*path"). Literal segments win over parameters.
// Not thread-safe to modify; safe to Match from many threads once built.
class Router {
 public:
  void Add(Method method, std::string_view pattern, Handler handler);
  void Get(std::string_view pattern, Handler handler) { Add(Method::kGet, pattern, std::move(handler)); }
  void Post(std::string_view pattern, Handler handler) { Add(Method::kPost, pattern, std::move(handler)); }

  enum class MatchKind { kFound, kNotFound, kMethodNotAllowed };
  struct Match {
    MatchKind kind = MatchKind::kNotFound;
    const Handler* handler = nullptr;
    std::map<std::string, std::string, std::less<>> params;
    std::vector<Method> allowed;  // for 405's Allow header
  };
  // HEAD matches GET routes (the server drops the body). `path` is the
  // decoded path. Among matching routes the one whose segments are more
  // literal, left to right, wins (literal > ":param" > "*rest"); on a tie a
  // route for the exact method beats HEAD→GET, then the first added wins.
  Match Find(Method method, std::string_view path) const;

  // The handler for paths no route matches; its status is forced to 404.
  // Without one the server answers a plain "404 Not Found" page.
  void SetNotFound(Handler handler) { not_found_ = std::move(handler); }
  const Handler* not_found() const { return not_found_ ? &not_found_ : nullptr; }

 private:
  struct Route {
    Method method;
    std::vector<std::string> segments;
    Handler handler;
  };
  std::vector<Route> routes_;
  Handler not_found_;
};

// Middleware: either answers at once or calls `next` and adjusts its response.
using Next = std::function<Response(const Request&)>;
using Middleware = std::function<Response(const Request&, const Next&)>;

// Runs `request` through `middleware` (the first is outermost) and the
// router, exactly as the server does but without a network — the pure
// handle_request that handler tests call. Routing happens first, so
// middleware sees request.params (filled here); unmatched paths get the
// router's not-found handler (status forced to 404) or a plain 404 page; a
// path served under other methods gets 405 with Allow; an exception from a
// handler or middleware is logged and becomes a 500 page. The body is kept
// for HEAD (the server sends its length but not its bytes). Thread-safe for
// concurrent calls when the handlers are.
Response Dispatch(const Router& router, const std::vector<Middleware>& middleware, Request& request);

// A small HTML page for `status` ("404 Not Found"), no inline script or style.
Response StatusPage(int status);

// Percent-decoding for paths and form values; '+' → ' ' when `form` is true.
// nullopt for a '%' not followed by two hex digits. Decoded bytes may include
// NUL or invalid UTF-8: callers that care check (the server rejects NUL in paths).
std::optional<std::string> PercentDecode(std::string_view in, bool form = false);
// Percent-encodes every byte but RFC 3986's unreserved characters
// (A-Z a-z 0-9 - . _ ~), and also those in `also` (a text fragment needs
// "-" encoded): safe in a path segment, a query value or a cookie.
std::string PercentEncode(std::string_view in, std::string_view also = "");
// Parses application/x-www-form-urlencoded (also query strings). Pairs with
// a bad escape are skipped; "a" alone gives ("a", "").
std::vector<std::pair<std::string, std::string>> ParseForm(std::string_view body);
// The first value of field `name` in parsed form fields, or "".
std::string FormValue(const std::vector<std::pair<std::string, std::string>>& fields, std::string_view name);
// True when the request's Content-Type is application/x-www-form-urlencoded
// (any parameters, any case).
bool IsFormUrlEncoded(const Request& request);

}  // namespace chancery::http
