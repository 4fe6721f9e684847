// chancery/comments: signed form tokens and signed cookie values.
//
// A form token is served with the comment form and posted back with it. It
// binds the article and the time the form was served, signed with the site's
// key (HMAC-SHA512-256, libsodium's crypto_auth), so the pipeline can tell a
// form filled by a person from one posted by a script in under a second, a
// day-old form replayed later, or a token lifted from another article.
//
// Sign/Verify protect small cookie values (the poster's view of their held
// comment, the 15-minute edit window). The two uses are domain-separated: a
// signed cookie never verifies as a form token, nor the reverse.
//
// All functions are thread-safe; none throws.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace chancery::comments {

// The site's secret: 32 random bytes, kept in the settings table (as hex or
// base64, below). Anyone holding it can forge tokens and cookies.
struct Key {
  std::array<unsigned char, 32> bytes{};
};

// A fresh key from the operating system's CSPRNG.
Key GenerateKey();

// Lower-case hex (64 characters) and back; nullopt for anything that is not
// exactly 32 bytes of hex.
std::string KeyToHex(const Key& key);
std::optional<Key> KeyFromHex(std::string_view hex);

// URL-safe base64 without padding (43 characters) and back.
std::string KeyToBase64(const Key& key);
std::optional<Key> KeyFromBase64(std::string_view base64);

// A token for the form served for `article_id` at `issued_at` (Unix
// seconds): URL-safe base64 without padding, safe in a hidden field as is.
std::string IssueFormToken(const Key& key, int64_t article_id, int64_t issued_at);

enum class TokenCheck {
  kValid,
  kMissing,       // no token posted at all
  kMalformed,     // not base64 of the right length
  kWrongArticle,  // genuine, but served with another article's form
  kBadSignature,  // not signed with this key (forged or altered)
  kTooFast,       // posted less than min_seconds after it was served
  kExpired,       // posted more than max_age_seconds after it was served
};

// "valid", "missing", "malformed", ... for logs.
std::string_view ToString(TokenCheck check);

// Checks a posted token against the article being commented on and the time
// now. The signature is checked before the article, so a forged token says
// kBadSignature whatever it claims. A token issued in the future (a clock
// skewed between nodes) counts as too fast.
TokenCheck CheckFormToken(const Key& key, std::string_view token, int64_t article_id, int64_t now,
                          int min_seconds = 3, int max_age_seconds = 86400);

// `payload` + "." + URL-safe base64 of its MAC. The payload is not hidden,
// only protected from change; it may itself contain dots.
std::string Sign(const Key& key, std::string_view payload);

// The payload of a value made by Sign with `key`, or nullopt if it was
// altered, truncated or signed with another key. Constant-time in the MAC.
std::optional<std::string> Verify(const Key& key, std::string_view signed_value);

}  // namespace chancery::comments
