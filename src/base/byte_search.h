// Finding the first of a few given bytes in a text, for the scanners on a
// page's hot path (HTML escaping, the insight index's separators). Inline:
// a search over a field of a few bytes costs no call, where memchr would
// cost one for each byte looked for.
#pragma once

#include <array>
#include <cstddef>
#include <string_view>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace chancery {

namespace internal {

// Which bytes FindFirstOfBytes<Bytes...> looks for, one lookup a byte.
template <char... Bytes>
inline constexpr std::array<bool, 256> kWantedBytes = [] {
  std::array<bool, 256> wanted{};
  ((wanted[static_cast<unsigned char>(Bytes)] = true), ...);
  return wanted;
}();

}  // namespace internal

// The position of the first byte in `text` at or after `from` that is one
// of Bytes, or text.size() when there is none. Sixteen bytes are compared
// at a time; the rest one lookup each.
template <char... Bytes>
inline std::size_t FindFirstOfBytes(std::string_view text, std::size_t from) {
  const char* const p = text.data();
  const std::size_t n = text.size();
  std::size_t i = from;
#if defined(__SSE2__)
  // Each of the sixteen compared with every wanted byte at once; the mask's
  // lowest set bit is the first match.
  for (; i + 16 <= n; i += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
    __m128i hit = _mm_setzero_si128();
    ((hit = _mm_or_si128(hit, _mm_cmpeq_epi8(v, _mm_set1_epi8(Bytes)))), ...);
    const unsigned mask = static_cast<unsigned>(_mm_movemask_epi8(hit));
    if (mask != 0) return i + static_cast<std::size_t>(__builtin_ctz(mask));
  }
#endif
  for (; i < n; ++i)
    if (internal::kWantedBytes<Bytes...>[static_cast<unsigned char>(p[i])]) return i;
  return n;
}

// The position of the first & < > " or ' in `text` at or after `from`, or
// text.size() when there is none: the bytes HtmlEntity escapes.
inline std::size_t FindHtmlSpecial(std::string_view text, std::size_t from) {
  return FindFirstOfBytes<'&', '<', '>', '"', '\''>(text, from);
}

}  // namespace chancery
