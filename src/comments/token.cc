#include "comments/token.h"

#include <sodium.h>

#include <algorithm>
#include <cstdlib>
#include <vector>

namespace chancery::comments {
namespace {

static_assert(crypto_auth_hmacsha512256_KEYBYTES == 32);
static_assert(crypto_auth_hmacsha512256_BYTES == 32);

constexpr std::size_t kMacBytes = crypto_auth_hmacsha512256_BYTES;
constexpr std::size_t kTokenFieldsBytes = 16;  // article id, issued at
constexpr std::size_t kTokenBytes = kTokenFieldsBytes + kMacBytes;

// Prefixed to what each kind of MAC covers, so one kind never verifies as
// the other (a cookie whose payload happens to be 16 bytes, say).
constexpr std::string_view kFormTokenContext = "chancery form token v1";
constexpr std::string_view kSignedValueContext = "chancery signed value v1";

void EnsureSodium() {
  // sodium_init is idempotent and thread-safe; it fails only when the OS has
  // no randomness to give, and then no key or token can be trusted at all.
  if (sodium_init() < 0) std::abort();
}

using Mac = std::array<unsigned char, kMacBytes>;

// HMAC's state after the key and a context: the same for every MAC of one
// kind under one key. Each thread keeps one per kind (the two contexts
// above) and copies it for each MAC, which saves two of the four SHA-512
// blocks a form token costs. Zeroed when the thread ends, as a state is
// after each use.
class KeyedStarts {
 public:
  KeyedStarts() = default;
  KeyedStarts(const KeyedStarts&) = delete;
  KeyedStarts& operator=(const KeyedStarts&) = delete;
  ~KeyedStarts() { sodium_memzero(slots_, sizeof slots_); }

  const crypto_auth_hmacsha512256_state& For(const Key& key, std::string_view context) {
    Slot& slot = slots_[context == kFormTokenContext ? 0 : 1];
    if (slot.set && slot.key == key.bytes && slot.context == context) return slot.state;
    crypto_auth_hmacsha512256_init(&slot.state, key.bytes.data(), key.bytes.size());
    // The context ends with a NUL so "ab"+"c" and "a"+"bc" never collide.
    crypto_auth_hmacsha512256_update(&slot.state, reinterpret_cast<const unsigned char*>(context.data()),
                                     context.size());
    const unsigned char nul = 0;
    crypto_auth_hmacsha512256_update(&slot.state, &nul, 1);
    slot.key = key.bytes;
    slot.context = context;
    slot.set = true;
    return slot.state;
  }

 private:
  struct Slot {
    std::array<unsigned char, 32> key;
    std::string_view context;
    crypto_auth_hmacsha512256_state state;
    bool set;
  };
  Slot slots_[2]{};
};

Mac ComputeMac(const Key& key, std::string_view context, std::string_view data) {
  EnsureSodium();
  thread_local KeyedStarts starts;
  crypto_auth_hmacsha512256_state state = starts.For(key, context);
  crypto_auth_hmacsha512256_update(&state, reinterpret_cast<const unsigned char*>(data.data()), data.size());
  Mac mac;
  crypto_auth_hmacsha512256_final(&state, mac.data());
  sodium_memzero(&state, sizeof state);
  return mac;
}

std::string ToBase64(const unsigned char* data, std::size_t size) {
  constexpr int kVariant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
  std::string out(sodium_base64_ENCODED_LEN(size, kVariant), '\0');
  sodium_bin2base64(out.data(), out.size(), data, size, kVariant);
  out.resize(out.size() - 1);  // the encoder's terminating NUL
  return out;
}

// Decodes exactly `expected` bytes or fails.
std::optional<std::vector<unsigned char>> FromBase64(std::string_view text, std::size_t expected) {
  EnsureSodium();
  std::vector<unsigned char> bin(expected + 1);
  std::size_t length = 0;
  const char* end = nullptr;
  if (sodium_base642bin(bin.data(), bin.size(), text.data(), text.size(), nullptr, &length, &end,
                        sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
      end != text.data() + text.size() || length != expected) {
    return std::nullopt;
  }
  bin.resize(length);
  return bin;
}

void PutInt64(unsigned char* out, int64_t value) {
  const auto u = static_cast<uint64_t>(value);
  for (int i = 0; i < 8; ++i) out[i] = static_cast<unsigned char>(u >> (56 - 8 * i));
}

int64_t GetInt64(const unsigned char* in) {
  uint64_t u = 0;
  for (int i = 0; i < 8; ++i) u = (u << 8) | in[i];
  return static_cast<int64_t>(u);
}

std::string_view AsChars(const unsigned char* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

}  // namespace

Key GenerateKey() {
  EnsureSodium();
  Key key;
  randombytes_buf(key.bytes.data(), key.bytes.size());
  return key;
}

std::string KeyToHex(const Key& key) {
  std::string out(key.bytes.size() * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), key.bytes.data(), key.bytes.size());
  out.pop_back();
  return out;
}

std::optional<Key> KeyFromHex(std::string_view hex) {
  EnsureSodium();
  Key key;
  std::size_t length = 0;
  const char* end = nullptr;
  if (sodium_hex2bin(key.bytes.data(), key.bytes.size(), hex.data(), hex.size(), nullptr, &length, &end) !=
          0 ||
      end != hex.data() + hex.size() || length != key.bytes.size()) {
    return std::nullopt;
  }
  return key;
}

std::string KeyToBase64(const Key& key) { return ToBase64(key.bytes.data(), key.bytes.size()); }

std::optional<Key> KeyFromBase64(std::string_view base64) {
  auto bin = FromBase64(base64, Key().bytes.size());
  if (!bin) return std::nullopt;
  Key key;
  std::copy(bin->begin(), bin->end(), key.bytes.begin());
  return key;
}

std::string IssueFormToken(const Key& key, int64_t article_id, int64_t issued_at) {
  std::array<unsigned char, kTokenBytes> token{};
  PutInt64(token.data(), article_id);
  PutInt64(token.data() + 8, issued_at);
  const Mac mac = ComputeMac(key, kFormTokenContext, AsChars(token.data(), kTokenFieldsBytes));
  std::copy(mac.begin(), mac.end(), token.begin() + kTokenFieldsBytes);
  return ToBase64(token.data(), token.size());
}

std::string_view ToString(TokenCheck check) {
  switch (check) {
    case TokenCheck::kValid:
      return "valid";
    case TokenCheck::kMissing:
      return "missing";
    case TokenCheck::kMalformed:
      return "malformed";
    case TokenCheck::kWrongArticle:
      return "wrong article";
    case TokenCheck::kBadSignature:
      return "bad signature";
    case TokenCheck::kTooFast:
      return "too fast";
    case TokenCheck::kExpired:
      return "expired";
  }
  return "unknown";
}

TokenCheck CheckFormToken(const Key& key, std::string_view token, int64_t article_id, int64_t now,
                          int min_seconds, int max_age_seconds) {
  if (token.empty()) return TokenCheck::kMissing;
  // Anything far longer than a token is not one; don't decode megabytes.
  if (token.size() > 2 * kTokenBytes) return TokenCheck::kMalformed;
  const auto bin = FromBase64(token, kTokenBytes);
  if (!bin) return TokenCheck::kMalformed;
  const Mac expected = ComputeMac(key, kFormTokenContext, AsChars(bin->data(), kTokenFieldsBytes));
  if (crypto_verify_32(expected.data(), bin->data() + kTokenFieldsBytes) != 0) {
    return TokenCheck::kBadSignature;
  }
  if (GetInt64(bin->data()) != article_id) return TokenCheck::kWrongArticle;
  const int64_t issued_at = GetInt64(bin->data() + 8);
  if (issued_at > now) return TokenCheck::kTooFast;
  // Unsigned, so the age cannot overflow whatever the two times are.
  const uint64_t age = static_cast<uint64_t>(now) - static_cast<uint64_t>(issued_at);
  if (age < static_cast<uint64_t>(std::max(min_seconds, 0))) return TokenCheck::kTooFast;
  if (age > static_cast<uint64_t>(std::max(max_age_seconds, 0))) return TokenCheck::kExpired;
  return TokenCheck::kValid;
}

std::string Sign(const Key& key, std::string_view payload) {
  const Mac mac = ComputeMac(key, kSignedValueContext, payload);
  std::string out(payload);
  out += '.';
  out += ToBase64(mac.data(), mac.size());
  return out;
}

std::optional<std::string> Verify(const Key& key, std::string_view signed_value) {
  const std::size_t dot = signed_value.rfind('.');
  if (dot == std::string_view::npos) return std::nullopt;
  const std::string_view payload = signed_value.substr(0, dot);
  const auto mac = FromBase64(signed_value.substr(dot + 1), kMacBytes);
  if (!mac) return std::nullopt;
  const Mac expected = ComputeMac(key, kSignedValueContext, payload);
  if (crypto_verify_32(expected.data(), mac->data()) != 0) return std::nullopt;
  return std::string(payload);
}

}  // namespace chancery::comments
