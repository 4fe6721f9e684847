#include "admin/auth.h"

#include <sodium.h>

#include <chrono>
#include <mutex>
#include <semaphore>

namespace chancery::admin {
namespace {

// One argon2id computation at a time (see auth.h).
std::counting_semaphore<1>& HashTurn() {
  static std::counting_semaphore<1> turn(1);
  return turn;
}

class Turn {
 public:
  Turn() : held_(HashTurn().try_acquire_for(std::chrono::seconds(2))) {}
  ~Turn() {
    if (held_) HashTurn().release();
  }
  bool held() const { return held_; }

 private:
  bool held_;
};

void EnsureSodium() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (sodium_init() < 0) std::abort();  // no secure randomness: nothing is safe
  });
}

std::string Base64Url(const unsigned char* bytes, size_t n) {
  std::string out(sodium_base64_encoded_len(n, sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(out.data(), out.size(), bytes, n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(std::char_traits<char>::length(out.c_str()));
  return out;
}

std::string Mac(const comments::Key& key, std::string_view domain, std::string_view value) {
  std::string message(domain);
  message += '\0';
  message += value;
  unsigned char mac[crypto_auth_BYTES];
  crypto_auth(mac, reinterpret_cast<const unsigned char*>(message.data()), message.size(), key.bytes.data());
  return Base64Url(mac, sizeof mac);
}

bool SameText(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace

Result<std::string> HashPassword(std::string_view password) {
  EnsureSodium();
  if (password.size() > kMaxPasswordBytes) return Status::InvalidArgument("the password is too long");
  Turn turn;
  if (!turn.held()) return Status::Unavailable("the server is busy checking other passwords; try again");
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
    return Status::Internal("out of memory while hashing a password");
  return std::string(out);
}

Result<bool> VerifyPassword(std::string_view hash, std::string_view password) {
  EnsureSodium();
  if (hash.empty() || hash.size() >= crypto_pwhash_STRBYTES || password.size() > kMaxPasswordBytes) return false;
  Turn turn;
  if (!turn.held()) return Status::Unavailable("the server is busy checking other passwords; try again");
  const std::string terminated(hash);
  return crypto_pwhash_str_verify(terminated.c_str(), password.data(), password.size()) == 0;
}

std::string NewSessionToken() {
  EnsureSodium();
  unsigned char bytes[32];
  randombytes_buf(bytes, sizeof bytes);
  return Base64Url(bytes, sizeof bytes);
}

std::string TokenHash(std::string_view token) {
  EnsureSodium();
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(token.data()), token.size());
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return std::string(hex);
}

std::string CsrfToken(const comments::Key& key, std::string_view session_hash) {
  EnsureSodium();
  return Mac(key, "csrf", session_hash);
}

bool CheckCsrfToken(const comments::Key& key, std::string_view session_hash, std::string_view token) {
  return !token.empty() && SameText(CsrfToken(key, session_hash), token);
}

std::string NewNonce() {
  EnsureSodium();
  unsigned char bytes[18];
  randombytes_buf(bytes, sizeof bytes);
  return Base64Url(bytes, sizeof bytes);
}

std::string LoginCsrfToken(const comments::Key& key, std::string_view nonce) {
  EnsureSodium();
  return Mac(key, "login-csrf", nonce);
}

bool CheckLoginCsrfToken(const comments::Key& key, std::string_view nonce, std::string_view token) {
  return !nonce.empty() && !token.empty() && SameText(LoginCsrfToken(key, nonce), token);
}

}  // namespace chancery::admin
