// chancery/cache: gzip bodies that keep one part rewritable.
//
// A cached page may hold a few bytes that must differ for every reader (the
// comment form's token). Compressing the page again for each reader would
// cost a millisecond; instead GzipWithStamp lays the compressed body out so
// that those bytes sit uncompressed in a stored deflate block of their own:
//
//   gzip header | deflate(before), flushed to a byte boundary
//               | stored block header | the stamp bytes |
//               | deflate(after), a fresh stream ending the member | CRC-32 | size
//
// The part after the stamp is compressed without references into it, so any
// bytes of the same length may be written there; only the CRC-32 in the
// trailer changes with them, and Trailer() recomputes it from the CRCs of the
// fixed parts in constant time (zlib's crc32_combine). Without a stamp the
// body is an ordinary single-stream gzip member.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace chancery::cache {

struct GzipBody {
  // The member without its 8-byte trailer. With a stamp, bytes
  // [stamp_offset, stamp_offset + stamp_size) are the stamp's place
  // (holding the bytes compressed with, which Trailer's default matches).
  std::string bytes;
  std::optional<size_t> stamp_offset;
  size_t stamp_size = 0;
  // For the trailer: CRC-32 of the text before the stamp, of the stamp as
  // compressed, and of the text after it, and the operator that shifts a CRC
  // over `after`'s length (crc32_combine_gen).
  uint32_t crc_before = 0, crc_stamp = 0, crc_after = 0;
  unsigned long shift_stamp = 0, shift_after = 0;
  uint32_t total_size = 0;  // uncompressed length mod 2^32

  // The 8-byte trailer (CRC-32 and size, little-endian) for the body with
  // `stamp` in the stamp's place; the compressed-with stamp when empty.
  std::array<char, 8> Trailer(std::string_view stamp = {}) const;
};

// Compresses `text` at `level` (1..9). With `stamp_offset`, the
// `stamp_size` bytes there stay rewritable (see above); they must lie
// within `text` and be at most 65,535 bytes.
GzipBody GzipWithStamp(std::string_view text, std::optional<size_t> stamp_offset = std::nullopt,
                       size_t stamp_size = 0, int level = 6);

// Whether an Accept-Encoding value accepts gzip (a "gzip" or "x-gzip" coding
// without q=0; "*" counts unless gzip itself is refused).
bool AcceptsGzip(std::string_view accept_encoding);

}  // namespace chancery::cache
