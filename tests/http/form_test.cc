// Percent-decoding, forms, query parameters, cookies and request targets.
#include <gtest/gtest.h>

#include "http/http.h"
#include "http/target.h"
#include "http/text.h"

namespace chancery::http {
namespace {

TEST(PercentEncodeTest, KeepsOnlyUnreservedCharacters) {
  EXPECT_EQ(PercentEncode("AZaz09-._~"), "AZaz09-._~");
  EXPECT_EQ(PercentEncode("a b/c?d&e=f#g%"), "a%20b%2Fc%3Fd%26e%3Df%23g%25");
  EXPECT_EQ(PercentEncode("Moscow\xE2\x80\x99s\n"), "Moscow%E2%80%99s%0A");
  EXPECT_EQ(PercentEncode("Pak-US ties", "-"), "Pak%2DUS%20ties") << "a text fragment's '-'";
  EXPECT_EQ(PercentEncode(""), "");
  for (const std::string& text : {std::string("x y"), std::string("ünï/cödé?&="), std::string("\0nul", 4)})
    EXPECT_EQ(PercentDecode(PercentEncode(text)), text) << "round trip";
}

TEST(PercentDecodeTest, DecodesEscapes) {
  EXPECT_EQ(PercentDecode("a%20b%2Fc"), "a b/c");
  EXPECT_EQ(PercentDecode("%e2%82%AC"), "\xE2\x82\xAC");
  EXPECT_EQ(PercentDecode(""), "");
  EXPECT_EQ(PercentDecode("100%25"), "100%");
}

TEST(PercentDecodeTest, PlusIsSpaceOnlyInForms) {
  EXPECT_EQ(PercentDecode("a+b"), "a+b");
  EXPECT_EQ(PercentDecode("a+b", /*form=*/true), "a b");
  EXPECT_EQ(PercentDecode("a%2Bb", true), "a+b");
}

TEST(PercentDecodeTest, BadEscapesAreRejected) {
  EXPECT_EQ(PercentDecode("%"), std::nullopt);
  EXPECT_EQ(PercentDecode("abc%"), std::nullopt);
  EXPECT_EQ(PercentDecode("abc%4"), std::nullopt);
  EXPECT_EQ(PercentDecode("%zz"), std::nullopt);
  EXPECT_EQ(PercentDecode("%4g"), std::nullopt);
  EXPECT_EQ(PercentDecode("%%41"), std::nullopt);
}

TEST(PercentDecodeTest, NulDecodesAndIsTheCallersBusiness) {
  auto s = PercentDecode("a%00b");
  ASSERT_TRUE(s);
  EXPECT_EQ(*s, std::string("a\0b", 3));
}

TEST(ParseFormTest, ParsesPairs) {
  auto form = ParseForm("name=Ada+Lovelace&email=ada%40example.org&empty=&flag&=v");
  ASSERT_EQ(form.size(), 5u);
  EXPECT_EQ(form[0], (std::pair<std::string, std::string>{"name", "Ada Lovelace"}));
  EXPECT_EQ(form[1], (std::pair<std::string, std::string>{"email", "ada@example.org"}));
  EXPECT_EQ(form[2], (std::pair<std::string, std::string>{"empty", ""}));
  EXPECT_EQ(form[3], (std::pair<std::string, std::string>{"flag", ""}));
  EXPECT_EQ(form[4], (std::pair<std::string, std::string>{"", "v"}));
}

TEST(ParseFormTest, SkipsEmptyPiecesAndBadEscapes) {
  auto form = ParseForm("&&a=1&&b=%zz&c=%41=B&");
  ASSERT_EQ(form.size(), 2u);
  EXPECT_EQ(form[0].first, "a");
  EXPECT_EQ(form[1], (std::pair<std::string, std::string>{"c", "A=B"}));
  EXPECT_TRUE(ParseForm("").empty());
}

TEST(ParseFormTest, KeepsRepeatedKeysInOrder) {
  auto form = ParseForm("tag=a&tag=b");
  ASSERT_EQ(form.size(), 2u);
  EXPECT_EQ(form[0].second, "a");
  EXPECT_EQ(form[1].second, "b");
}

TEST(RequestTest, QueryParamDecodesAndReturnsTheFirst) {
  Request r;
  r.query = "q=caf%C3%A9+au+lait&page=2&page=3&bad=%zz";
  EXPECT_EQ(r.QueryParam("q"), "café au lait");
  EXPECT_EQ(r.QueryParam("page"), "2");
  EXPECT_EQ(r.QueryParam("missing"), std::nullopt);
  EXPECT_EQ(r.QueryParam("bad"), std::nullopt);
}

TEST(RequestTest, CookieParsing) {
  Request r;
  r.headers.Add("Cookie", "theme=dark; session=abc.def=; quoted=\"x y\"; flag");
  r.headers.Add("cookie", "later=1");
  EXPECT_EQ(r.Cookie("theme"), "dark");
  EXPECT_EQ(r.Cookie("session"), "abc.def=");  // '=' inside the value is kept
  EXPECT_EQ(r.Cookie("quoted"), "x y");
  EXPECT_EQ(r.Cookie("later"), "1");  // a second Cookie header is searched too
  EXPECT_EQ(r.Cookie("flag"), std::nullopt);
  EXPECT_EQ(r.Cookie("them"), std::nullopt);
  EXPECT_EQ(r.Cookie("sess"), std::nullopt);
}

TEST(RequestTest, CookieWithoutSpacesAndEmptyValue) {
  Request r;
  r.headers.Add("Cookie", "a=1;b=;c=3");
  EXPECT_EQ(r.Cookie("a"), "1");
  EXPECT_EQ(r.Cookie("b"), "");
  EXPECT_EQ(r.Cookie("c"), "3");
  Request none;
  EXPECT_EQ(none.Cookie("a"), std::nullopt);
}

struct Target {
  bool ok;
  std::string path;
  std::string query;
};

Target Parse(std::string_view target) {
  Target t;
  t.ok = internal::ParseRequestTarget(target, &t.path, &t.query);
  return t;
}

TEST(RequestTargetTest, OriginForm) {
  Target t = Parse("/articles/caf%C3%A9?page=2&q=a%20b");
  EXPECT_TRUE(t.ok);
  EXPECT_EQ(t.path, "/articles/café");
  EXPECT_EQ(t.query, "page=2&q=a%20b");  // the query stays raw
  EXPECT_EQ(Parse("/").path, "/");
  EXPECT_EQ(Parse("/a+b").path, "/a+b");
  EXPECT_EQ(Parse("/?").query, "");
}

TEST(RequestTargetTest, AbsoluteAndAsteriskForms) {
  Target t = Parse("http://example.org/a/b?x=1");
  EXPECT_TRUE(t.ok);
  EXPECT_EQ(t.path, "/a/b");
  EXPECT_EQ(t.query, "x=1");
  EXPECT_EQ(Parse("HTTPS://example.org").path, "/");
  EXPECT_EQ(Parse("http://example.org?q").query, "q");
  EXPECT_EQ(Parse("*").path, "*");
}

TEST(RequestTargetTest, RejectsBadTargets) {
  EXPECT_FALSE(Parse("").ok);
  EXPECT_FALSE(Parse("articles").ok);
  EXPECT_FALSE(Parse("/a%zz").ok);
  EXPECT_FALSE(Parse("/a%2").ok);
  EXPECT_FALSE(Parse("/a%00b").ok);
  EXPECT_FALSE(Parse("/static/../secret").ok);
  EXPECT_FALSE(Parse("/static/%2e%2e/secret").ok);
  EXPECT_FALSE(Parse("/static/..%2Fsecret").ok);
  EXPECT_FALSE(Parse("/./a").ok);
  EXPECT_FALSE(Parse("/a/..").ok);
  EXPECT_TRUE(Parse("/a/..b/.c/...").ok);  // only exact "." and ".." segments
}

TEST(ForLogTest, EscapesControlBytesAndCuts) {
  EXPECT_EQ(internal::ForLog("GET /\r\nfake line"), "GET /\\x0d\\x0afake line");
  EXPECT_EQ(internal::ForLog("say \"hi\""), "say \\x22hi\\x22");
  EXPECT_EQ(internal::ForLog("abcdef", 3), "abc...");
}

TEST(FormTest, FormValueTakesTheFirstAndIsFormUrlEncodedReadsTheMediaType) {
  const auto fields = ParseForm("a=1&b=2&a=3");
  EXPECT_EQ(FormValue(fields, "a"), "1");
  EXPECT_EQ(FormValue(fields, "b"), "2");
  EXPECT_EQ(FormValue(fields, "missing"), "");
  Request r;
  EXPECT_FALSE(IsFormUrlEncoded(r));
  r.headers.Set("Content-Type", "Application/X-WWW-Form-Urlencoded ; charset=utf-8");
  EXPECT_TRUE(IsFormUrlEncoded(r));
  r.headers.Set("Content-Type", "multipart/form-data; boundary=x");
  EXPECT_FALSE(IsFormUrlEncoded(r));
  r.headers.Set("Content-Type", "application/x-www-form-urlencodedx");
  EXPECT_FALSE(IsFormUrlEncoded(r));
}

}  // namespace
}  // namespace chancery::http
