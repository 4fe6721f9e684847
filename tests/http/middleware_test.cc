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

TEST(ForwardedForTest, BelievesOnlyTheTrustedProxyAndItsLastEntry) {
  Router router;
  router.Get("/", [](const Request& r) { return Response(200, "text/plain", r.remote_address); });
  const std::vector<Middleware> chain = {ForwardedFor("127.0.0.1")};
  auto seen = [&](std::string peer, std::optional<std::string> header) {
    Request r;
    r.path = "/";
    r.remote_address = std::move(peer);
    if (header) r.headers.Set("X-Forwarded-For", *header);
    return std::string(Dispatch(router, chain, r).BodyView());
  };
  // The proxy appends the client's address; what the client sent before is its own word.
  EXPECT_EQ(seen("127.0.0.1", "203.0.113.9"), "203.0.113.9");
  EXPECT_EQ(seen("127.0.0.1", "10.9.9.9, 198.51.100.7"), "198.51.100.7");
  EXPECT_EQ(seen("127.0.0.1", "2001:db8::1"), "2001:db8::1");
  // Anyone else's header is ignored, so a client cannot pick its address.
  EXPECT_EQ(seen("198.51.100.20", "203.0.113.9"), "198.51.100.20");
  // Missing or malformed: the peer stands.
  EXPECT_EQ(seen("127.0.0.1", std::nullopt), "127.0.0.1");
  EXPECT_EQ(seen("127.0.0.1", "unknown"), "127.0.0.1");
  EXPECT_EQ(seen("127.0.0.1", "<script>"), "127.0.0.1");
  EXPECT_EQ(seen("127.0.0.1", ""), "127.0.0.1");
}

TEST(ForwardedForTest, LastForwardedAddressAcceptsOnlyAddressLikeText) {
  EXPECT_EQ(LastForwardedAddress(" 192.0.2.1 "), "192.0.2.1");
  EXPECT_EQ(LastForwardedAddress("a, b, 192.0.2.1"), "192.0.2.1");
  EXPECT_EQ(LastForwardedAddress("::1"), "::1");
  EXPECT_FALSE(LastForwardedAddress("192.0.2.1, "));
  EXPECT_FALSE(LastForwardedAddress("example.org"));
  EXPECT_FALSE(LastForwardedAddress(std::string(46, '1')));
  EXPECT_FALSE(LastForwardedAddress(":::"));
}

}  // namespace
}  // namespace chancery::http
