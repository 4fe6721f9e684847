#include <gtest/gtest.h>

#include "http/http.h"

namespace chancery::http {
namespace {

TEST(HeadersTest, GetIsCaseInsensitive) {
  Headers h;
  h.Add("Content-Type", "text/html");
  EXPECT_EQ(h.Get("content-type"), "text/html");
  EXPECT_EQ(h.Get("CONTENT-TYPE"), "text/html");
  EXPECT_TRUE(h.Has("Content-type"));
  EXPECT_FALSE(h.Get("Content-Length").has_value());
}

TEST(HeadersTest, AddKeepsEveryValueAndGetReturnsTheFirst) {
  Headers h;
  h.Add("Set-Cookie", "a=1");
  h.Add("set-cookie", "b=2");
  EXPECT_EQ(h.Get("Set-Cookie"), "a=1");
  EXPECT_EQ(h.all().size(), 2u);
}

TEST(HeadersTest, SetReplacesEveryValueInPlace) {
  Headers h;
  h.Add("X-A", "1");
  h.Add("Vary", "Accept");
  h.Add("x-a", "2");
  h.Set("X-a", "3");
  ASSERT_EQ(h.all().size(), 2u);
  EXPECT_EQ(h.all()[0].first, "X-A");  // keeps the first occurrence's position
  EXPECT_EQ(h.all()[0].second, "3");
  EXPECT_EQ(h.all()[1].first, "Vary");
  h.Set("New", "v");
  EXPECT_EQ(h.Get("new"), "v");
}

TEST(HeadersTest, RemoveDropsEveryValue) {
  Headers h;
  h.Add("A", "1");
  h.Add("B", "2");
  h.Add("a", "3");
  h.Remove("A");
  ASSERT_EQ(h.all().size(), 1u);
  EXPECT_EQ(h.all()[0].first, "B");
}

TEST(ResponseTest, ConstructorSetsTypeAndBody) {
  Response r(201, "text/plain", "made");
  EXPECT_EQ(r.status, 201);
  EXPECT_EQ(r.headers.Get("Content-Type"), "text/plain");
  EXPECT_EQ(r.BodyView(), "made");
  Response empty;
  EXPECT_EQ(empty.BodyView(), "");
}

TEST(ResponseTest, StatusPageNamesTheStatus) {
  Response r = StatusPage(404);
  EXPECT_EQ(r.status, 404);
  EXPECT_NE(r.BodyView().find("404 Not Found"), std::string_view::npos);
  EXPECT_EQ(r.BodyView().find("<script"), std::string_view::npos);
  EXPECT_EQ(r.BodyView().find("style"), std::string_view::npos);
  EXPECT_EQ(ReasonPhrase(431), "Request Header Fields Too Large");
  EXPECT_EQ(ReasonPhrase(299), "");
}

TEST(MethodTest, RoundTrips) {
  for (Method m : {Method::kGet, Method::kHead, Method::kPost, Method::kPut, Method::kPatch, Method::kDelete,
                   Method::kOptions})
    EXPECT_EQ(MethodFromString(ToString(m)), m);
  EXPECT_EQ(MethodFromString("get"), Method::kOther);  // methods are case-sensitive
  EXPECT_EQ(MethodFromString("PROPFIND"), Method::kOther);
}

}  // namespace
}  // namespace chancery::http
