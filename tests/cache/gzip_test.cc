#include "cache/gzip.h"

#include <gtest/gtest.h>

#include <optional>
#include <random>
#include <string>

#include "support/gunzip.h"

namespace chancery::cache {
namespace {

using ::chancery::test_support::Gunzip;

std::string Whole(const GzipBody& g, std::string_view stamp = {}) {
  std::string bytes = g.bytes;
  if (!stamp.empty()) bytes.replace(*g.stamp_offset, g.stamp_size, stamp);
  const auto trailer = g.Trailer(stamp);
  bytes.append(trailer.data(), trailer.size());
  return bytes;
}

// A page-like text: repetitive markup (so deflate finds matches across the
// stamp if it were allowed to) around a 64-character token.
std::string PageWithToken(const std::string& token, size_t* at) {
  std::string text;
  for (int i = 0; i < 400; ++i) text += "<p class=\"para\">Paragraph " + std::to_string(i) + " of the analysis.</p>\n";
  text += "<input type=\"hidden\" name=\"form_token\" value=\"";
  *at = text.size();
  text += token;
  text += "\">\n";
  for (int i = 0; i < 300; ++i) text += "<li>comment " + std::to_string(i) + " value=\"" + token.substr(0, 20) + "\"</li>\n";
  return text;
}

TEST(GzipTest, WithoutAStampItIsAnOrdinaryMember) {
  const std::string text(5000, 'a');
  GzipBody g = GzipWithStamp(text);
  EXPECT_FALSE(g.stamp_offset);
  EXPECT_LT(g.bytes.size(), 200u);
  EXPECT_EQ(Gunzip(Whole(g)), text);
}

TEST(GzipTest, EmptyTextCompresses) {
  GzipBody g = GzipWithStamp("");
  EXPECT_EQ(Gunzip(Whole(g)), "");
}

TEST(GzipTest, TheStampCanBeRewrittenAndTheTrailerFollows) {
  const std::string served(64, 'A');
  size_t at = 0;
  const std::string text = PageWithToken(served, &at);
  GzipBody g = GzipWithStamp(text, at, served.size());
  ASSERT_TRUE(g.stamp_offset);
  EXPECT_EQ(g.bytes.substr(*g.stamp_offset, 64), served);
  EXPECT_LT(g.bytes.size(), text.size() / 4);  // still compressed
  EXPECT_EQ(Gunzip(Whole(g)), text);

  std::mt19937 rng(7);
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  for (int round = 0; round < 20; ++round) {
    std::string fresh(64, ' ');
    for (char& c : fresh) c = alphabet[rng() % alphabet.size()];
    std::string expected = text;
    expected.replace(at, 64, fresh);
    EXPECT_EQ(Gunzip(Whole(g, fresh)), expected) << "round " << round;
  }
}

TEST(GzipTest, AStaleTrailerIsCaughtByTheClient) {
  const std::string served(64, 'A');
  size_t at = 0;
  const std::string text = PageWithToken(served, &at);
  GzipBody g = GzipWithStamp(text, at, served.size());
  std::string bytes = g.bytes;
  bytes.replace(*g.stamp_offset, 64, std::string(64, 'B'));
  const auto trailer = g.Trailer();  // the CRC of the old stamp
  bytes.append(trailer.data(), trailer.size());
  EXPECT_EQ(Gunzip(bytes), std::nullopt);
}

TEST(GzipTest, StampAtTheEdgesOfTheText) {
  const std::string token(16, 'T');
  for (const std::string& text : {token + std::string(3000, 'z'), std::string(3000, 'z') + token}) {
    const size_t at = text.find(token);
    GzipBody g = GzipWithStamp(text, at, token.size());
    std::string expected = text;
    expected.replace(at, token.size(), std::string(16, 'q'));
    EXPECT_EQ(Gunzip(Whole(g, std::string(16, 'q'))), expected);
  }
}

TEST(GzipTest, AStampOutsideTheTextIsIgnored) {
  const std::string text = "short text";
  GzipBody g = GzipWithStamp(text, 8, 10);
  EXPECT_FALSE(g.stamp_offset);
  EXPECT_EQ(Gunzip(Whole(g)), text);
}

TEST(AcceptsGzipTest, ReadsTheCodingsAndTheirWeights) {
  EXPECT_TRUE(AcceptsGzip("gzip"));
  EXPECT_TRUE(AcceptsGzip("gzip, deflate, br"));
  EXPECT_TRUE(AcceptsGzip("br;q=1.0, GZIP;q=0.5"));
  EXPECT_TRUE(AcceptsGzip("x-gzip"));
  EXPECT_TRUE(AcceptsGzip("*"));
  EXPECT_FALSE(AcceptsGzip(""));
  EXPECT_FALSE(AcceptsGzip("identity"));
  EXPECT_FALSE(AcceptsGzip("br, deflate"));
  EXPECT_FALSE(AcceptsGzip("gzip;q=0"));
  EXPECT_FALSE(AcceptsGzip("gzip; q=0.000, *"));
  EXPECT_FALSE(AcceptsGzip("*;q=0"));
  EXPECT_TRUE(AcceptsGzip("gzip;q=0.001"));
  EXPECT_FALSE(AcceptsGzip("gzipped"));
}

}  // namespace
}  // namespace chancery::cache
