#include "comments/token.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include <algorithm>
#include <limits>
#include <set>
#include <string>

namespace chancery::comments {
namespace {

constexpr int64_t kArticle = 17;
constexpr int64_t kServed = 1'800'000'000;

Key FixedKey(unsigned char fill) {
  Key key;
  key.bytes.fill(fill);
  return key;
}

std::string Base64(const unsigned char* data, std::size_t size) {
  std::string out(sodium_base64_ENCODED_LEN(size, sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(out.data(), out.size(), data, size, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.pop_back();
  return out;
}

std::string FromBase64(std::string_view text) {
  std::string bin(text.size(), '\0');
  std::size_t length = 0;
  EXPECT_EQ(
      sodium_base642bin(reinterpret_cast<unsigned char*>(bin.data()), bin.size(), text.data(), text.size(),
                        nullptr, &length, nullptr, sodium_base64_VARIANT_URLSAFE_NO_PADDING),
      0);
  bin.resize(length);
  return bin;
}

// ---- Keys -------------------------------------------------------------------

TEST(KeyTest, GeneratedKeysDiffer) {
  std::set<std::string> seen;
  for (int i = 0; i < 8; ++i) seen.insert(KeyToHex(GenerateKey()));
  EXPECT_EQ(seen.size(), 8u);
}

TEST(KeyTest, HexRoundTrip) {
  const Key key = GenerateKey();
  const std::string hex = KeyToHex(key);
  EXPECT_EQ(hex.size(), 64u);
  EXPECT_EQ(hex.find_first_not_of("0123456789abcdef"), std::string::npos);
  const auto back = KeyFromHex(hex);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->bytes, key.bytes);
  std::string expected;
  for (int i = 0; i < 32; ++i) expected += "ab";
  EXPECT_EQ(KeyToHex(FixedKey(0xAB)), expected);
}

TEST(KeyTest, HexRejectsWrongLengthAndNonHex) {
  const std::string hex = KeyToHex(GenerateKey());
  EXPECT_FALSE(KeyFromHex("").has_value());
  EXPECT_FALSE(KeyFromHex(hex.substr(0, 62)).has_value());
  EXPECT_FALSE(KeyFromHex(hex + "00").has_value());
  EXPECT_FALSE(KeyFromHex(std::string(63, '0') + "g").has_value());
  EXPECT_FALSE(KeyFromHex(" " + hex.substr(1)).has_value());
}

TEST(KeyTest, Base64RoundTrip) {
  const Key key = GenerateKey();
  const std::string text = KeyToBase64(key);
  EXPECT_EQ(text.size(), 43u);
  EXPECT_EQ(text.find_first_of("+/="), std::string::npos);
  const auto back = KeyFromBase64(text);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->bytes, key.bytes);
}

TEST(KeyTest, Base64RejectsWrongLengthAndAlphabet) {
  const std::string text = KeyToBase64(GenerateKey());
  EXPECT_FALSE(KeyFromBase64("").has_value());
  EXPECT_FALSE(KeyFromBase64(text.substr(0, 40)).has_value());
  EXPECT_FALSE(KeyFromBase64(text + "AAAA").has_value());
  EXPECT_FALSE(KeyFromBase64(text.substr(0, 42) + "+").has_value());
  EXPECT_FALSE(KeyFromBase64(text + "=").has_value());
}

// ---- Form tokens ---------------------------------------------------------------

TEST(FormTokenTest, IsUrlSafeBase64) {
  const std::string token = IssueFormToken(FixedKey(1), kArticle, kServed);
  EXPECT_EQ(token.size(), 64u);  // 48 bytes
  EXPECT_EQ(token.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
            std::string::npos);
}

TEST(FormTokenTest, IsDeterministicForTheSameInputs) {
  EXPECT_EQ(IssueFormToken(FixedKey(1), kArticle, kServed), IssueFormToken(FixedKey(1), kArticle, kServed));
  EXPECT_NE(IssueFormToken(FixedKey(1), kArticle, kServed), IssueFormToken(FixedKey(2), kArticle, kServed));
}

// The token is the article id and the time (big-endian), then HMAC-SHA-512/256
// of "chancery form token v1", a NUL and those 16 bytes: computed here in
// one call, it must match whatever state the issuer keeps between tokens,
// whichever keys and kinds of MAC came before on this thread.
TEST(FormTokenTest, MacIsTheHmacOfTheContextAndFields) {
  auto expected = [](const Key& key, int64_t article, int64_t at) {
    std::string message = std::string("chancery form token v1") + '\0';
    for (const int64_t value : {article, at})
      for (int shift = 56; shift >= 0; shift -= 8) message += static_cast<char>((value >> shift) & 0xFF);
    unsigned char token[16 + crypto_auth_hmacsha512256_BYTES];
    std::copy(message.end() - 16, message.end(), token);
    crypto_auth_hmacsha512256(token + 16, reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                              key.bytes.data());
    return Base64(token, sizeof token);
  };
  const Key a = FixedKey(1), b = FixedKey(2);
  EXPECT_EQ(IssueFormToken(a, kArticle, kServed), expected(a, kArticle, kServed));
  (void)Sign(a, "42");  // the other kind of MAC under the same key
  EXPECT_EQ(IssueFormToken(a, kArticle + 1, kServed), expected(a, kArticle + 1, kServed));
  EXPECT_EQ(IssueFormToken(b, kArticle, kServed), expected(b, kArticle, kServed));
  EXPECT_EQ(IssueFormToken(a, kArticle, kServed + 1), expected(a, kArticle, kServed + 1));
}

TEST(FormTokenTest, ValidWithinTheWindow) {
  const Key key = GenerateKey();
  const std::string token = IssueFormToken(key, kArticle, kServed);
  EXPECT_EQ(CheckFormToken(key, token, kArticle, kServed + 3), TokenCheck::kValid);
  EXPECT_EQ(CheckFormToken(key, token, kArticle, kServed + 600), TokenCheck::kValid);
  EXPECT_EQ(CheckFormToken(key, token, kArticle, kServed + 86400), TokenCheck::kValid);
}

TEST(FormTokenTest, Missing) {
  EXPECT_EQ(CheckFormToken(GenerateKey(), "", kArticle, kServed), TokenCheck::kMissing);
}

TEST(FormTokenTest, Malformed) {
  const Key key = GenerateKey();
  const std::string token = IssueFormToken(key, kArticle, kServed);
  EXPECT_EQ(CheckFormToken(key, "not a token", kArticle, kServed + 10), TokenCheck::kMalformed);
  EXPECT_EQ(CheckFormToken(key, token.substr(0, 63), kArticle, kServed + 10), TokenCheck::kMalformed);
  EXPECT_EQ(CheckFormToken(key, token + "AA", kArticle, kServed + 10), TokenCheck::kMalformed);
  EXPECT_EQ(CheckFormToken(key, token + "==", kArticle, kServed + 10), TokenCheck::kMalformed);
  EXPECT_EQ(CheckFormToken(key, std::string(1 << 20, 'A'), kArticle, kServed + 10), TokenCheck::kMalformed);
  EXPECT_EQ(CheckFormToken(key, std::string("\0\0\0", 3), kArticle, kServed + 10), TokenCheck::kMalformed);
}

TEST(FormTokenTest, WrongArticle) {
  const Key key = GenerateKey();
  const std::string token = IssueFormToken(key, kArticle, kServed);
  EXPECT_EQ(CheckFormToken(key, token, kArticle + 1, kServed + 10), TokenCheck::kWrongArticle);
}

TEST(FormTokenTest, BadSignatureForAnotherKey) {
  const std::string token = IssueFormToken(FixedKey(1), kArticle, kServed);
  EXPECT_EQ(CheckFormToken(FixedKey(2), token, kArticle, kServed + 10), TokenCheck::kBadSignature);
  // Signature is checked first: a forged token for another article is forged.
  EXPECT_EQ(CheckFormToken(FixedKey(2), token, kArticle + 1, kServed + 10), TokenCheck::kBadSignature);
}

TEST(FormTokenTest, BadSignatureWhenAnyByteIsAltered) {
  const Key key = GenerateKey();
  const std::string bin = FromBase64(IssueFormToken(key, kArticle, kServed));
  ASSERT_EQ(bin.size(), 48u);
  for (std::size_t i = 0; i < bin.size(); ++i) {
    std::string altered = bin;
    altered[i] = static_cast<char>(altered[i] ^ 0x01);
    const std::string token = Base64(reinterpret_cast<const unsigned char*>(altered.data()), altered.size());
    EXPECT_EQ(CheckFormToken(key, token, kArticle, kServed + 10), TokenCheck::kBadSignature) << i;
  }
}

TEST(FormTokenTest, AlteringTheTimeToLookOlderIsCaught) {
  const Key key = GenerateKey();
  std::string bin = FromBase64(IssueFormToken(key, kArticle, kServed));
  bin[15] = static_cast<char>(bin[15] - 100);  // issued_at's low byte
  const std::string token = Base64(reinterpret_cast<const unsigned char*>(bin.data()), bin.size());
  EXPECT_EQ(CheckFormToken(key, token, kArticle, kServed + 1), TokenCheck::kBadSignature);
}

TEST(FormTokenTest, TooFast) {
  const Key key = GenerateKey();
  const std::string token = IssueFormToken(key, kArticle, kServed);
  EXPECT_EQ(CheckFormToken(key, token, kArticle, kServed), TokenCheck::kTooFast);
  EXPECT_EQ(CheckFormToken(key, token, kArticle, kServed + 2), TokenCheck::kTooFast);
  EXPECT_EQ(CheckFormToken(key, token, kArticle, kServed + 9, /*min_seconds=*/10), TokenCheck::kTooFast);
  EXPECT_EQ(CheckFormToken(key, token, kArticle, kServed + 10, /*min_seconds=*/10), TokenCheck::kValid);
  EXPECT_EQ(CheckFormToken(key, token, kArticle, kServed, /*min_seconds=*/0), TokenCheck::kValid);
}

TEST(FormTokenTest, IssuedInTheFutureCountsAsTooFast) {
  const Key key = GenerateKey();
  const std::string token = IssueFormToken(key, kArticle, kServed);
  EXPECT_EQ(CheckFormToken(key, token, kArticle, kServed - 60), TokenCheck::kTooFast);
  EXPECT_EQ(CheckFormToken(key, token, kArticle, kServed - 60, /*min_seconds=*/0), TokenCheck::kTooFast);
}

TEST(FormTokenTest, Expired) {
  const Key key = GenerateKey();
  const std::string token = IssueFormToken(key, kArticle, kServed);
  EXPECT_EQ(CheckFormToken(key, token, kArticle, kServed + 86401), TokenCheck::kExpired);
  EXPECT_EQ(CheckFormToken(key, token, kArticle, kServed + 61, 3, /*max_age_seconds=*/60),
            TokenCheck::kExpired);
}

TEST(FormTokenTest, ExtremeTimesDoNotOverflow) {
  const Key key = GenerateKey();
  const int64_t min = std::numeric_limits<int64_t>::min();
  const int64_t max = std::numeric_limits<int64_t>::max();
  EXPECT_EQ(CheckFormToken(key, IssueFormToken(key, kArticle, min), kArticle, max), TokenCheck::kExpired);
  EXPECT_EQ(CheckFormToken(key, IssueFormToken(key, kArticle, max), kArticle, min), TokenCheck::kTooFast);
  EXPECT_EQ(CheckFormToken(key, IssueFormToken(key, -5, 0), -5, 5), TokenCheck::kValid);
}

TEST(FormTokenTest, ToStringNamesEveryCase) {
  EXPECT_EQ(ToString(TokenCheck::kValid), "valid");
  EXPECT_EQ(ToString(TokenCheck::kMissing), "missing");
  EXPECT_EQ(ToString(TokenCheck::kMalformed), "malformed");
  EXPECT_EQ(ToString(TokenCheck::kWrongArticle), "wrong article");
  EXPECT_EQ(ToString(TokenCheck::kBadSignature), "bad signature");
  EXPECT_EQ(ToString(TokenCheck::kTooFast), "too fast");
  EXPECT_EQ(ToString(TokenCheck::kExpired), "expired");
}

// ---- Signed values -------------------------------------------------------------

TEST(SignedValueTest, RoundTrip) {
  const Key key = GenerateKey();
  for (const std::string& payload : {std::string(), std::string("42"), std::string("comment:42:1800000000"),
                                     std::string("a.b.c"), std::string("nul\0inside", 10)}) {
    const std::string signed_value = Sign(key, payload);
    EXPECT_EQ(signed_value.substr(0, payload.size()), payload);
    EXPECT_EQ(signed_value[payload.size()], '.');
    const auto back = Verify(key, signed_value);
    ASSERT_TRUE(back.has_value()) << payload;
    EXPECT_EQ(*back, payload);
  }
}

TEST(SignedValueTest, RejectsAnotherKey) {
  EXPECT_FALSE(Verify(FixedKey(2), Sign(FixedKey(1), "42")).has_value());
}

TEST(SignedValueTest, RejectsAlteredPayloadOrMac) {
  const Key key = GenerateKey();
  const std::string good = Sign(key, "comment:42");
  std::string altered = good;
  altered[8] = '3';  // comment:32
  EXPECT_FALSE(Verify(key, altered).has_value());
  altered = good;
  altered.back() = altered.back() == 'A' ? 'B' : 'A';
  EXPECT_FALSE(Verify(key, altered).has_value());
  EXPECT_FALSE(Verify(key, good.substr(0, good.size() - 1)).has_value());
  EXPECT_FALSE(Verify(key, good + "A").has_value());
  EXPECT_FALSE(Verify(key, "comment:42").has_value());
  EXPECT_FALSE(Verify(key, "").has_value());
  EXPECT_FALSE(Verify(key, ".").has_value());
  // Moving the separator must not make a different payload verify.
  EXPECT_FALSE(Verify(key, "x" + good).has_value());
}

TEST(SignedValueTest, SignedValuesAndFormTokensDoNotCrossOver) {
  const Key key = GenerateKey();
  // A form token's MAC covers 16 bytes; sign those very bytes as a cookie
  // payload and its MAC must still not make a valid token.
  const std::string bin = FromBase64(IssueFormToken(key, kArticle, kServed));
  const std::string fields = bin.substr(0, 16);
  const std::string cookie = Sign(key, fields);
  const std::string cookie_mac = FromBase64(cookie.substr(cookie.rfind('.') + 1));
  const std::string forged = fields + cookie_mac;
  const std::string token = Base64(reinterpret_cast<const unsigned char*>(forged.data()), forged.size());
  EXPECT_EQ(CheckFormToken(key, token, kArticle, kServed + 10), TokenCheck::kBadSignature);
  // And a token split into "payload.mac" is no signed value.
  EXPECT_FALSE(Verify(key, IssueFormToken(key, kArticle, kServed)).has_value());
}

}  // namespace
}  // namespace chancery::comments
