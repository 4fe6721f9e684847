// chancery/http: conditional GET for assets and cached pages.
//
// StaticAsset() builds the response for bytes the application already holds
// (embedded theme files, a rendered page from the cache) with a strong ETag
// and a Cache-Control policy, and answers 304 Not Modified when the client's
// If-None-Match matches. Pure functions; thread-safe.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "http/http.h"

namespace chancery::http {

// `etag` quoted for the ETag header: "abc" → "\"abc\""; a value already
// quoted (or W/-prefixed) is returned unchanged. REQUIRES: no '"' inside.
std::string QuoteEtag(std::string_view etag);

// True when `request` is a GET or HEAD whose If-None-Match lists `etag`
// (quoted or not) or is "*". Uses the weak comparison RFC 9110 §13.1.2
// requires, so W/"x" matches "x". For other methods a match means 412, not
// 304, which is the caller's business, so this returns false.
bool NotModified(const Request& request, std::string_view etag);

// A 200 with `bytes` (shared, not copied), Content-Type, ETag and
// Cache-Control — "public, max-age=31536000, immutable" when `immutable`
// (the URL changes when the bytes do), else "public, max-age=300" — or a
// bodiless 304 carrying the same ETag and Cache-Control when NotModified().
Response StaticAsset(const Request& request, std::shared_ptr<const std::string> bytes,
                     std::string content_type, std::string etag, bool immutable);
// As above; copies `bytes` (fine for small or embedded files).
Response StaticAsset(const Request& request, std::string_view bytes, std::string content_type,
                     std::string etag, bool immutable);

}  // namespace chancery::http
