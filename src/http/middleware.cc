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

std::optional<std::string> LastForwardedAddress(std::string_view header) {
  const size_t comma = header.rfind(',');
  std::string_view last = comma == std::string_view::npos ? header : header.substr(comma + 1);
  while (!last.empty() && (last.front() == ' ' || last.front() == '\t')) last.remove_prefix(1);
  while (!last.empty() && (last.back() == ' ' || last.back() == '\t')) last.remove_suffix(1);
  if (last.empty() || last.size() > 45) return std::nullopt;
  bool has_digit = false;
  for (char ch : last) {
    const bool hex = (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F');
    if (!hex && ch != '.' && ch != ':') return std::nullopt;
    has_digit |= hex;
  }
  if (!has_digit) return std::nullopt;
  return std::string(last);
}

Middleware ForwardedFor(std::string trusted_proxy) {
  return [trusted_proxy = std::move(trusted_proxy)](const Request& request, const Next& next) {
    if (request.remote_address != trusted_proxy) return next(request);
    auto header = request.headers.Get("X-Forwarded-For");
    if (!header) return next(request);
    auto client = LastForwardedAddress(*header);
    if (!client) return next(request);
    Request forwarded = request;
    forwarded.remote_address = std::move(*client);
    return next(forwarded);
  };
}

}  // namespace chancery::http
