// Test support: a gzip member inflated as any HTTP client would, so tests can
// check what the page cache's gzip bodies hold. Header-only; link ZLIB::ZLIB.
#pragma once

#include <zlib.h>

#include <optional>
#include <string>

namespace chancery::test_support {

// The member's content, with zlib checking its CRC-32 and length; nullopt
// when zlib rejects it or bytes follow its end.
inline std::optional<std::string> Gunzip(const std::string& member) {
  z_stream z{};
  if (inflateInit2(&z, 16 + 15) != Z_OK) return std::nullopt;
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(member.data()));
  z.avail_in = static_cast<uInt>(member.size());
  std::string out;
  char buf[16384];
  int rc = Z_OK;
  while (rc == Z_OK) {
    z.next_out = reinterpret_cast<Bytef*>(buf);
    z.avail_out = sizeof buf;
    rc = inflate(&z, Z_NO_FLUSH);
    out.append(buf, sizeof buf - z.avail_out);
    if (rc == Z_BUF_ERROR && z.avail_in == 0) break;
  }
  const bool ended = rc == Z_STREAM_END && z.avail_in == 0;
  inflateEnd(&z);
  if (!ended) return std::nullopt;
  return out;
}

}  // namespace chancery::test_support
