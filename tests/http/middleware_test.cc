#include "http/middleware.h"

#include <gtest/gtest.h>

namespace chancery::http {
namespace {

TEST(SecurityHeadersTest, AddsTheDefaults) {
  Router router;
  router.Get("/", [](const Request&) { return Response(200, "text/html", "<p>hi</p>"); });
  Request r;
  r.path = "/";
  Response res = Dispatch(router, {SecurityHeaders()}, r);
  auto csp = res.headers.Get("Content-Security-Policy");
  ASSERT_TRUE(csp);
  EXPECT_NE(csp->find("script-src 'self'"), std::string_view::npos);
  EXPECT_NE(csp->find("frame-ancestors 'none'"), std::string_view::npos);
  EXPECT_EQ(csp->find("unsafe-inline"), std::string_view::npos);
  EXPECT_EQ(res.headers.Get("X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(res.headers.Get("Referrer-Policy"), "strict-origin-when-cross-origin");
  EXPECT_EQ(res.headers.Get("X-Frame-Options"), "DENY");
  EXPECT_EQ(res.headers.Get("Permissions-Policy"), "camera=(), microphone=(), geolocation=()");
  EXPECT_EQ(res.headers.Get("Cross-Origin-Opener-Policy"), "same-origin");
  EXPECT_FALSE(res.headers.Has("Strict-Transport-Security"));
}

TEST(SecurityHeadersTest, AppliesTo404sAndKeepsHandlerChoices) {
  Router router;
  router.Get("/embed", [](const Request&) {
    Response res(200, "text/html", "");
    res.headers.Set("X-Frame-Options", "SAMEORIGIN");
    return res;
  });
  SecurityOptions options;
  options.permissions_policy = "";  // omitted
  options.strict_transport_security = "max-age=60";
  Request missing;
  missing.path = "/nope";
  Response res = Dispatch(router, {SecurityHeaders(options)}, missing);
  EXPECT_EQ(res.status, 404);
  EXPECT_TRUE(res.headers.Has("Content-Security-Policy"));
  EXPECT_FALSE(res.headers.Has("Permissions-Policy"));
  EXPECT_EQ(res.headers.Get("Strict-Transport-Security"), "max-age=60");

  Request embed;
  embed.path = "/embed";
  Response kept = Dispatch(router, {SecurityHeaders(options)}, embed);
  EXPECT_EQ(kept.headers.Get("X-Frame-Options"), "SAMEORIGIN");
}

TEST(SecurityHeadersTest, ApplyDoesNotDuplicate) {
  Headers h;
  ApplySecurityHeaders({}, h);
  size_t n = h.all().size();
  ApplySecurityHeaders({}, h);
  EXPECT_EQ(h.all().size(), n);
}

}  // namespace
}  // namespace chancery::http
