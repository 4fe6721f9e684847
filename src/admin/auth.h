// chancery/admin: passwords, session tokens and CSRF tokens.
//
// Passwords are hashed with argon2id (libsodium's crypto_pwhash_str at its
// interactive limits: 64 MiB and a few hundred milliseconds each). Hashing
// is slow and memory-hungry on purpose, so at most one runs at a time in the
// process; a caller that cannot get its turn within two seconds is told the
// server is busy rather than tying up another worker.
//
// A session token is 32 random bytes (URL-safe base64 in the cookie); the
// database keeps only its SHA-256, so a stolen backup signs nobody in.
// CSRF tokens are an HMAC of the session's hash under the site key, so each
// session has its own and nothing extra is stored. Thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"
#include "comments/token.h"

namespace chancery::admin {

// The shortest password `user add` and the password page accept.
inline constexpr size_t kMinPasswordChars = 10;
// Longer passwords are refused rather than silently truncated or hashed at length.
inline constexpr size_t kMaxPasswordBytes = 1024;

// kUnavailable when another hash is running for too long; kInvalidArgument
// for a password outside the limits.
Result<std::string> HashPassword(std::string_view password);
// True when `password` matches `hash`. kUnavailable as above. A malformed
// hash never matches.
Result<bool> VerifyPassword(std::string_view hash, std::string_view password);

// A fresh random session token for the cookie.
std::string NewSessionToken();
// SHA-256 of the token in lower-case hex (64 characters).
std::string TokenHash(std::string_view token);

// The CSRF token for the session whose token hash is `session_hash`.
std::string CsrfToken(const comments::Key& key, std::string_view session_hash);
// Constant-time comparison with the expected token.
bool CheckCsrfToken(const comments::Key& key, std::string_view session_hash, std::string_view token);

// Before sign-in there is no session: the sign-in form's token is bound to a
// random nonce kept in a short-lived cookie instead.
std::string NewNonce();
std::string LoginCsrfToken(const comments::Key& key, std::string_view nonce);
bool CheckLoginCsrfToken(const comments::Key& key, std::string_view nonce, std::string_view token);

}  // namespace chancery::admin
