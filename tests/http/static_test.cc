#include "http/static.h"

#include <gtest/gtest.h>

namespace chancery::http {
namespace {

Request Get(std::string_view if_none_match = {}, Method method = Method::kGet) {
  Request r;
  r.method = method;
  r.method_name = std::string(ToString(method));
  r.path = r.target = "/static/site.css";
  if (!if_none_match.empty()) r.headers.Add("If-None-Match", if_none_match);
  return r;
}

TEST(QuoteEtagTest, QuotesOnce) {
  EXPECT_EQ(QuoteEtag("abc"), "\"abc\"");
  EXPECT_EQ(QuoteEtag("\"abc\""), "\"abc\"");
  EXPECT_EQ(QuoteEtag("W/\"abc\""), "W/\"abc\"");
}

TEST(NotModifiedTest, MatchesQuotedUnquotedListsStarAndWeak) {
  EXPECT_TRUE(NotModified(Get("\"v1\""), "v1"));
  EXPECT_TRUE(NotModified(Get("\"v1\""), "\"v1\""));
  EXPECT_TRUE(NotModified(Get("\"v0\", \"v1\""), "v1"));
  EXPECT_TRUE(NotModified(Get("\"v0\",\"v1\""), "v1"));
  EXPECT_TRUE(NotModified(Get("W/\"v1\""), "v1"));  // weak comparison
  EXPECT_TRUE(NotModified(Get("\"v1\""), "W/\"v1\""));
  EXPECT_TRUE(NotModified(Get("*"), "anything"));
  EXPECT_TRUE(NotModified(Get(" * "), "anything"));
  EXPECT_TRUE(NotModified(Get("\"a,b\", \"v1\""), "v1"));  // ',' inside a tag
  EXPECT_TRUE(NotModified(Get("\"v1\"", Method::kHead), "v1"));
}

TEST(NotModifiedTest, RejectsMismatchesAndOtherMethods) {
  EXPECT_FALSE(NotModified(Get(), "v1"));
  EXPECT_FALSE(NotModified(Get("\"v2\""), "v1"));
  EXPECT_FALSE(NotModified(Get("\"v10\""), "v1"));
  EXPECT_FALSE(NotModified(Get("v1"), "v1"));  // unquoted is malformed
  EXPECT_FALSE(NotModified(Get("\"a,b\""), "a"));
  EXPECT_FALSE(NotModified(Get("\"v1"), "v1"));
  EXPECT_FALSE(NotModified(Get("\"v1\"", Method::kPost), "v1"));
}

TEST(NotModifiedTest, LooksAtEveryIfNoneMatchHeader) {
  Request r = Get("\"v0\"");
  r.headers.Add("if-none-match", "\"v1\"");
  EXPECT_TRUE(NotModified(r, "v1"));
}

TEST(StaticAssetTest, ServesBytesWithEtagAndCachePolicy) {
  auto bytes = std::make_shared<const std::string>("body{}");
  Response r = StaticAsset(Get(), bytes, "text/css", "abc123", /*immutable=*/true);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, bytes);  // shared, not copied
  EXPECT_EQ(r.headers.Get("Content-Type"), "text/css");
  EXPECT_EQ(r.headers.Get("ETag"), "\"abc123\"");
  EXPECT_EQ(r.headers.Get("Cache-Control"), "public, max-age=31536000, immutable");

  Response mutable_asset = StaticAsset(Get(), std::string_view("x"), "text/plain", "e", false);
  EXPECT_EQ(mutable_asset.BodyView(), "x");
  EXPECT_EQ(mutable_asset.headers.Get("Cache-Control"), "public, max-age=300");
}

TEST(StaticAssetTest, Answers304WithoutBody) {
  Response r = StaticAsset(Get("W/\"abc123\""), std::string_view("body{}"), "text/css", "abc123", true);
  EXPECT_EQ(r.status, 304);
  EXPECT_EQ(r.body, nullptr);
  EXPECT_EQ(r.headers.Get("ETag"), "\"abc123\"");
  EXPECT_EQ(r.headers.Get("Cache-Control"), "public, max-age=31536000, immutable");
}

}  // namespace
}  // namespace chancery::http
