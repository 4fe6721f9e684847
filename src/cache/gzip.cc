#include "cache/gzip.h"

#include <zlib.h>

#include <cstring>
#include <stdexcept>

namespace chancery::cache {

namespace {

// RFC 1952 member header: magic, CM=deflate, no flags, no mtime, XFL=0, OS=unknown.
constexpr unsigned char kGzipHeader[10] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff};

uint32_t Crc(std::string_view s) {
  return static_cast<uint32_t>(crc32(0L, reinterpret_cast<const Bytef*>(s.data()), static_cast<uInt>(s.size())));
}

// Raw deflate of `in` appended to `out`, ending with `flush` (Z_FULL_FLUSH
// leaves the stream byte-aligned and open; Z_FINISH ends it with a final
// block).
void Deflate(std::string_view in, int level, int flush, std::string& out) {
  z_stream z{};
  // windowBits -15: raw deflate, no zlib wrapper; memLevel 8 as by default.
  if (deflateInit2(&z, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    throw std::runtime_error("deflateInit2 failed");
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  const size_t start = out.size();
  out.resize(start + deflateBound(&z, static_cast<uLong>(in.size())) + 16);
  z.next_out = reinterpret_cast<Bytef*>(out.data() + start);
  z.avail_out = static_cast<uInt>(out.size() - start);
  int rc = deflate(&z, flush);
  const bool ok = flush == Z_FINISH ? rc == Z_STREAM_END : rc == Z_OK;
  out.resize(out.size() - z.avail_out);
  deflateEnd(&z);
  if (!ok) throw std::runtime_error("deflate failed");
}

void PutLe32(char* out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out[i] = static_cast<char>((v >> (8 * i)) & 0xff);
}

}  // namespace

std::array<char, 8> GzipBody::Trailer(std::string_view stamp) const {
  uint32_t crc = crc_before;
  if (stamp_offset) {
    const uint32_t stamp_crc = stamp.empty() ? crc_stamp : Crc(stamp);
    crc = static_cast<uint32_t>(crc32_combine_op(crc, stamp_crc, shift_stamp));
    crc = static_cast<uint32_t>(crc32_combine_op(crc, crc_after, shift_after));
  }
  std::array<char, 8> out{};
  PutLe32(out.data(), crc);
  PutLe32(out.data() + 4, total_size);
  return out;
}

GzipBody GzipWithStamp(std::string_view text, std::optional<size_t> stamp_offset, size_t stamp_size, int level) {
  GzipBody g;
  g.total_size = static_cast<uint32_t>(text.size());
  g.bytes.assign(reinterpret_cast<const char*>(kGzipHeader), sizeof kGzipHeader);
  if (!stamp_offset || *stamp_offset + stamp_size > text.size() || stamp_size > 0xffff) {
    Deflate(text, level, Z_FINISH, g.bytes);
    g.crc_before = Crc(text);
    return g;
  }
  const std::string_view before = text.substr(0, *stamp_offset);
  const std::string_view stamp = text.substr(*stamp_offset, stamp_size);
  const std::string_view after = text.substr(*stamp_offset + stamp_size);
  Deflate(before, level, Z_FULL_FLUSH, g.bytes);
  // A stored block (BFINAL 0, BTYPE 00; the rest of the byte is padding),
  // then LEN and its one's complement, little-endian.
  const uint16_t len = static_cast<uint16_t>(stamp_size);
  const uint16_t nlen = static_cast<uint16_t>(~len);
  const char block[5] = {0, static_cast<char>(len & 0xff), static_cast<char>(len >> 8), static_cast<char>(nlen & 0xff),
                         static_cast<char>(nlen >> 8)};
  g.bytes.append(block, sizeof block);
  g.stamp_offset = g.bytes.size();
  g.stamp_size = stamp_size;
  g.bytes.append(stamp);
  // A fresh stream: its back-references stay within `after`.
  Deflate(after, level, Z_FINISH, g.bytes);
  g.crc_before = Crc(before);
  g.crc_stamp = Crc(stamp);
  g.crc_after = Crc(after);
  g.shift_stamp = crc32_combine_gen(static_cast<z_off_t>(stamp.size()));
  g.shift_after = crc32_combine_gen(static_cast<z_off_t>(after.size()));
  return g;
}

namespace {

bool IEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// True for a q parameter of zero ("q=0", "q=0.0", "q=0.000").
bool IsZeroWeight(std::string_view params) {
  while (!params.empty()) {
    const size_t semi = params.find(';');
    std::string_view p = Trim(params.substr(0, semi));
    params = semi == std::string_view::npos ? std::string_view() : params.substr(semi + 1);
    if (p.size() < 2 || (p[0] != 'q' && p[0] != 'Q') || p[1] != '=') continue;
    std::string_view v = p.substr(2);
    if (v.empty() || v[0] != '0') return false;
    for (char c : v.substr(1))
      if (c != '.' && c != '0') return false;
    return true;
  }
  return false;
}

}  // namespace

bool AcceptsGzip(std::string_view header) {
  bool gzip = false, gzip_refused = false, star = false;
  while (!header.empty()) {
    const size_t comma = header.find(',');
    std::string_view item = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
    const size_t semi = item.find(';');
    const std::string_view coding = Trim(item.substr(0, semi));
    const bool refused = semi != std::string_view::npos && IsZeroWeight(item.substr(semi + 1));
    if (IEquals(coding, "gzip") || IEquals(coding, "x-gzip")) {
      (refused ? gzip_refused : gzip) = true;
    } else if (coding == "*" && !refused) {
      star = true;
    }
  }
  return !gzip_refused && (gzip || star);
}

}  // namespace chancery::cache
