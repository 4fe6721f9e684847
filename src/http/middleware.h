// chancery/http: middleware the http module provides.
//
// The server already applies ServerOptions::security to every response it
// writes (its own 400/413/414/431/503 pages included), so an application
// only needs SecurityHeaders() to give a group of routes a different policy
// or to see the headers in handler tests that call Dispatch(). Access
// logging is done by the server itself (ServerOptions::access_log), which
// knows the bytes written and the time taken. Thread-safe.
#pragma once

#include <string>

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

}  // namespace chancery::http
