#include "http/middleware.h"

#include <utility>

namespace chancery::http {

void ApplySecurityHeaders(const SecurityOptions& options, Headers& headers) {
  const std::pair<std::string_view, const std::string*> kHeaders[] = {
      {"Content-Security-Policy", &options.content_security_policy},
      {"X-Content-Type-Options", &options.content_type_options},
      {"Referrer-Policy", &options.referrer_policy},
      {"X-Frame-Options", &options.frame_options},
      {"Permissions-Policy", &options.permissions_policy},
      {"Cross-Origin-Opener-Policy", &options.cross_origin_opener_policy},
      {"Strict-Transport-Security", &options.strict_transport_security},
  };
  for (const auto& [name, value] : kHeaders)
    if (!value->empty() && !headers.Has(name)) headers.Add(name, *value);
}

Middleware SecurityHeaders(SecurityOptions options) {
  return [options = std::move(options)](const Request& request, const Next& next) {
    Response response = next(request);
    ApplySecurityHeaders(options, response.headers);
    return response;
  };
}

}  // namespace chancery::http
