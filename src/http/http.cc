#include "http/http.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <exception>

#include "http/text.h"

namespace chancery::http {

std::string_view ToString(Method method) {
  switch (method) {
    case Method::kGet:
      return "GET";
    case Method::kHead:
      return "HEAD";
    case Method::kPost:
      return "POST";
    case Method::kPut:
      return "PUT";
    case Method::kPatch:
      return "PATCH";
    case Method::kDelete:
      return "DELETE";
    case Method::kOptions:
      return "OPTIONS";
    case Method::kOther:
      return "OTHER";
  }
  return "OTHER";
}

Method MethodFromString(std::string_view name) {
  static constexpr Method kKnown[] = {Method::kGet,   Method::kHead,   Method::kPost,   Method::kPut,
                                      Method::kPatch, Method::kDelete, Method::kOptions};
  for (Method m : kKnown)
    if (ToString(m) == name) return m;
  return Method::kOther;
}

// --- Headers ----------------------------------------------------------------

std::optional<std::string_view> Headers::Get(std::string_view name) const {
  for (const auto& [n, v] : fields_)
    if (internal::EqualsIgnoreCase(n, name)) return std::string_view(v);
  return std::nullopt;
}

void Headers::Set(std::string_view name, std::string_view value) {
  // Keeps the position of the first occurrence so output order is stable.
  auto first = std::find_if(fields_.begin(), fields_.end(),
                            [&](const auto& f) { return internal::EqualsIgnoreCase(f.first, name); });
  if (first == fields_.end()) {
    Add(name, value);
    return;
  }
  first->second.assign(value);
  fields_.erase(std::remove_if(std::next(first), fields_.end(),
                               [&](const auto& f) { return internal::EqualsIgnoreCase(f.first, name); }),
                fields_.end());
}

void Headers::Add(std::string_view name, std::string_view value) {
  fields_.emplace_back(std::string(name), std::string(value));
}

void Headers::Remove(std::string_view name) {
  std::erase_if(fields_, [&](const auto& f) { return internal::EqualsIgnoreCase(f.first, name); });
}

// --- Request ----------------------------------------------------------------

std::optional<std::string> Request::QueryParam(std::string_view name) const {
  for (auto& [key, value] : ParseForm(query))
    if (key == name) return std::move(value);
  return std::nullopt;
}

std::string_view Request::Param(std::string_view name) const {
  auto it = params.find(name);
  return it == params.end() ? std::string_view() : std::string_view(it->second);
}

std::optional<std::string> Request::Cookie(std::string_view name) const {
  // RFC 6265 §5.4: "a=1; b=2". Values are opaque: no percent-decoding.
  for (const auto& [field, value] : headers.all()) {
    if (!internal::EqualsIgnoreCase(field, "Cookie")) continue;
    std::string_view rest = value;
    while (!rest.empty()) {
      size_t semi = rest.find(';');
      std::string_view pair = internal::TrimSpace(rest.substr(0, semi));
      rest = semi == std::string_view::npos ? std::string_view() : rest.substr(semi + 1);
      size_t eq = pair.find('=');
      if (eq == std::string_view::npos) continue;
      if (internal::TrimSpace(pair.substr(0, eq)) != name) continue;
      std::string_view v = internal::TrimSpace(pair.substr(eq + 1));
      if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
      return std::string(v);
    }
  }
  return std::nullopt;
}

// --- Response ---------------------------------------------------------------

Response::Response(int status_code, std::string content_type, std::string text) : status(status_code) {
  headers.Set("Content-Type", content_type);
  SetBody(std::move(text));
}

std::string_view ReasonPhrase(int status) {
  switch (status) {
    case 100:
      return "Continue";
    case 101:
      return "Switching Protocols";
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 202:
      return "Accepted";
    case 204:
      return "No Content";
    case 206:
      return "Partial Content";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Found";
    case 303:
      return "See Other";
    case 304:
      return "Not Modified";
    case 307:
      return "Temporary Redirect";
    case 308:
      return "Permanent Redirect";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 406:
      return "Not Acceptable";
    case 408:
      return "Request Timeout";
    case 409:
      return "Conflict";
    case 410:
      return "Gone";
    case 411:
      return "Length Required";
    case 412:
      return "Precondition Failed";
    case 413:
      return "Content Too Large";
    case 414:
      return "URI Too Long";
    case 415:
      return "Unsupported Media Type";
    case 416:
      return "Range Not Satisfiable";
    case 417:
      return "Expectation Failed";
    case 422:
      return "Unprocessable Content";
    case 428:
      return "Precondition Required";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    case 505:
      return "HTTP Version Not Supported";
  }
  return "";
}

Response StatusPage(int status) {
  std::string title = std::to_string(status);
  std::string_view reason = ReasonPhrase(status);
  if (!reason.empty()) {
    title += ' ';
    title += reason;  // fixed ASCII phrases: nothing to escape
  }
  std::string html = "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + title +
                     "</title></head>\n<body><h1>" + title + "</h1></body></html>\n";
  return Response(status, "text/html; charset=utf-8", std::move(html));
}

// --- Router -----------------------------------------------------------------

namespace {

// "/a/b" → {"a", "b"}; "/" → {}; "/a/" → {"a", ""} (a trailing slash is a
// distinct, empty segment, so "/a/" does not match "/a").
std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> out;
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  if (path.empty()) return out;
  for (;;) {
    size_t slash = path.find('/');
    out.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return out;
}

bool IsParam(const std::string& s) { return s.size() > 1 && s[0] == ':'; }
bool IsRest(const std::string& s) { return s.size() > 1 && s[0] == '*'; }

// Per-segment precedence; compared lexicographically between routes.
enum Rank : int { kRest = 0, kParam = 1, kLiteral = 2 };

// Matches `segments` against a route pattern; fills `rank` and `params`.
bool MatchRoute(const std::vector<std::string>& pattern, const std::vector<std::string_view>& segments,
                std::vector<int>& rank, std::map<std::string, std::string, std::less<>>& params) {
  rank.clear();
  params.clear();
  for (size_t i = 0; i < pattern.size(); ++i) {
    const std::string& p = pattern[i];
    if (IsRest(p) && i + 1 == pattern.size()) {
      if (segments.size() <= i) return false;  // "/static/*p" needs "/static/..."
      std::string rest;
      for (size_t j = i; j < segments.size(); ++j) {
        if (j > i) rest += '/';
        rest += segments[j];
      }
      params.emplace(p.substr(1), std::move(rest));
      rank.push_back(kRest);
      return true;
    }
    if (i >= segments.size()) return false;
    if (IsParam(p)) {
      if (segments[i].empty()) return false;
      params.emplace(p.substr(1), std::string(segments[i]));
      rank.push_back(kParam);
    } else {
      if (p != segments[i]) return false;
      rank.push_back(kLiteral);
    }
  }
  return pattern.size() == segments.size();
}

void AddAllowed(std::vector<Method>& allowed, Method m) {
  if (std::find(allowed.begin(), allowed.end(), m) == allowed.end()) allowed.push_back(m);
}

}  // namespace

void Router::Add(Method method, std::string_view pattern, Handler handler) {
  Route route{method, {}, std::move(handler)};
  for (std::string_view s : SplitPath(pattern)) route.segments.emplace_back(s);
  routes_.push_back(std::move(route));
}

Router::Match Router::Find(Method method, std::string_view path) const {
  const std::vector<std::string_view> segments = SplitPath(path);
  Match best;
  std::vector<int> best_rank;
  bool best_exact = false;
  bool path_matched = false;
  std::vector<Method> allowed;
  std::vector<int> rank;
  std::map<std::string, std::string, std::less<>> params;
  for (const Route& route : routes_) {
    if (!MatchRoute(route.segments, segments, rank, params)) continue;
    path_matched = true;
    AddAllowed(allowed, route.method);
    if (route.method == Method::kGet) AddAllowed(allowed, Method::kHead);
    bool exact = route.method == method;
    if (!exact && !(method == Method::kHead && route.method == Method::kGet)) continue;
    bool better =
        best.kind != MatchKind::kFound || rank > best_rank || (rank == best_rank && exact && !best_exact);
    if (!better) continue;
    best.kind = MatchKind::kFound;
    best.handler = &route.handler;
    best.params = params;
    best_rank = rank;
    best_exact = exact;
  }
  if (best.kind == MatchKind::kFound) return best;
  if (path_matched) {
    std::sort(allowed.begin(), allowed.end());
    best.kind = MatchKind::kMethodNotAllowed;
    best.allowed = std::move(allowed);
  }
  return best;
}

// --- Dispatch ---------------------------------------------------------------

namespace {

Response Route(const Router& router, const Router::Match& match, const Request& request) {
  switch (match.kind) {
    case Router::MatchKind::kFound:
      return (*match.handler)(request);
    case Router::MatchKind::kMethodNotAllowed: {
      Response res = StatusPage(405);
      std::string allow;
      for (Method m : match.allowed) {
        if (!allow.empty()) allow += ", ";
        allow += ToString(m);
      }
      res.headers.Set("Allow", allow);
      return res;
    }
    case Router::MatchKind::kNotFound:
      break;
  }
  if (const Handler* not_found = router.not_found()) {
    Response res = (*not_found)(request);
    res.status = 404;
    return res;
  }
  return StatusPage(404);
}

Response RunChain(const Router& router, const std::vector<Middleware>& middleware, size_t i,
                  const Router::Match& match, const Request& request) {
  if (i == middleware.size()) return Route(router, match, request);
  Next next = [&router, &middleware, i, &match](const Request& r) {
    return RunChain(router, middleware, i + 1, match, r);
  };
  return middleware[i](request, next);
}

}  // namespace

Response Dispatch(const Router& router, const std::vector<Middleware>& middleware, Request& request) {
  try {
    Router::Match match = router.Find(request.method, request.path);
    request.params = std::move(match.params);
    return RunChain(router, middleware, 0, match, request);
  } catch (const std::exception& e) {
    spdlog::error("http: handler for {} {} threw: {}", request.method_name, internal::ForLog(request.target),
                  e.what());
  } catch (...) {
    spdlog::error("http: handler for {} {} threw a non-standard exception", request.method_name,
                  internal::ForLog(request.target));
  }
  return StatusPage(500);
}

// --- Forms and escapes ------------------------------------------------------

std::string PercentEncode(std::string_view in, std::string_view also) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(in.size());
  for (unsigned char c : in) {
    const bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                            c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved && also.find(static_cast<char>(c)) == std::string_view::npos) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::optional<std::string> PercentDecode(std::string_view in, bool form) {
  std::string out;
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size()) return std::nullopt;
      int hi = internal::HexValue(in[i + 1]);
      int lo = internal::HexValue(in[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else if (c == '+' && form) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> ParseForm(std::string_view body) {
  std::vector<std::pair<std::string, std::string>> out;
  while (!body.empty()) {
    size_t amp = body.find('&');
    std::string_view piece = body.substr(0, amp);
    body = amp == std::string_view::npos ? std::string_view() : body.substr(amp + 1);
    if (piece.empty()) continue;
    size_t eq = piece.find('=');
    auto key = PercentDecode(piece.substr(0, eq), /*form=*/true);
    auto value = eq == std::string_view::npos ? std::optional<std::string>(std::string())
                                              : PercentDecode(piece.substr(eq + 1), true);
    if (!key || !value) continue;
    out.emplace_back(std::move(*key), std::move(*value));
  }
  return out;
}

std::string FormValue(const std::vector<std::pair<std::string, std::string>>& fields, std::string_view name) {
  for (const auto& [n, v] : fields)
    if (n == name) return v;
  return "";
}

bool IsFormUrlEncoded(const Request& request) {
  auto type = request.headers.Get("Content-Type");
  if (!type) return false;
  std::string_view media = internal::TrimSpace(type->substr(0, type->find(';')));
  return internal::EqualsIgnoreCase(media, "application/x-www-form-urlencoded");
}

}  // namespace chancery::http
