// chancery/http: middleware the http module provides.
//
// The server already applies ServerOptions::security to every response it
// writes (its own 400/413/414/431/503 pages included), so an application
// only needs SecurityHeaders() to give a group of routes a different policy
// or to see the headers in handler tests that call Dispatch(). Access
// logging is done by the server itself (ServerOptions::access_log), which
// knows the bytes written and the time taken. Thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "http/http.h"

namespace chancery::http {

// Response headers that make the browser refuse inline script, framing,
// sniffing and powerful features. Each field is one header's value; an empty
// string leaves that header out.
struct SecurityOptions {
  // No 'unsafe-inline' anywhere: pages use only same-origin script and style.
  std::string content_security_policy =
      "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
      "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";
  std::string content_type_options = "nosniff";                     // X-Content-Type-Options
  std::string referrer_policy = "strict-origin-when-cross-origin";  // Referrer-Policy
  std::string frame_options = "DENY";                               // X-Frame-Options
  std::string permissions_policy = "camera=(), microphone=(), geolocation=()";
  std::string cross_origin_opener_policy = "same-origin";  // Cross-Origin-Opener-Policy
  // Strict-Transport-Security; off by default because it must only be sent
  // over HTTPS (e.g. "max-age=31536000; includeSubDomains" behind a TLS proxy).
  std::string strict_transport_security;
};

// Adds each configured header that `headers` does not already carry, so a
// handler that sets its own (say, a looser CSP for one page) keeps it.
void ApplySecurityHeaders(const SecurityOptions& options, Headers& headers);

// Middleware that calls `next` and then ApplySecurityHeaders(options).
Middleware SecurityHeaders(SecurityOptions options = {});

// Behind a reverse proxy every request comes from the proxy's address. For
// requests whose peer is exactly `trusted_proxy`, this middleware takes the
// client's address from the last entry of X-Forwarded-For (the one the proxy
// itself appended; earlier entries are the client's word and are ignored) and
// hands `next` a request with remote_address set to it. A missing or
// malformed header leaves the peer address. Other peers' headers are never
// believed, so a client cannot choose its own address.
Middleware ForwardedFor(std::string trusted_proxy);

// The last comma-separated entry of an X-Forwarded-For value when it looks
// like an IPv4 or IPv6 address (hex digits, dots and colons only, at most 45
// characters); nullopt otherwise.
std::optional<std::string> LastForwardedAddress(std::string_view header);

}  // namespace chancery::http
