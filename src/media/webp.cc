// Removing metadata chunks from a WebP file (see internal.h for why).
//
// A WebP file is a RIFF container: "RIFF", the little-endian size of what
// follows, "WEBP", then chunks, each a four-letter name, a little-endian
// payload size, the payload and a pad byte when the size is odd. The
// extended format starts with a VP8X chunk whose first byte flags which
// optional chunks follow.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "media/internal.h"

namespace chancery::media::internal {
namespace {

constexpr std::size_t kRiffHeaderSize = 12;  // "RIFF", size, "WEBP"
constexpr std::size_t kChunkHeaderSize = 8;  // name, size

// VP8X flag bits for the chunks removed here.
constexpr unsigned char kIccFlag = 0x20;
constexpr unsigned char kExifFlag = 0x08;
constexpr unsigned char kXmpFlag = 0x04;

uint32_t ReadLittleEndian32(std::string_view bytes, std::size_t at) {
  uint32_t value = 0;
  for (int i = 3; i >= 0; --i) value = (value << 8) | static_cast<unsigned char>(bytes[at + i]);
  return value;
}

void WriteLittleEndian32(std::string& bytes, std::size_t at, uint32_t value) {
  for (int i = 0; i < 4; ++i) bytes[at + i] = static_cast<char>((value >> (8 * i)) & 0xFF);
}

}  // namespace

std::optional<std::string> StripWebpMetadata(std::string_view webp) {
  if (webp.size() < kRiffHeaderSize || webp.substr(0, 4) != "RIFF" || webp.substr(8, 4) != "WEBP") {
    return std::nullopt;
  }
  const uint64_t riff_size = ReadLittleEndian32(webp, 4);
  if (riff_size + 8 != webp.size()) return std::nullopt;

  std::string out(webp.substr(0, kRiffHeaderSize));
  std::size_t vp8x_flags_at = std::string::npos;
  for (std::size_t at = kRiffHeaderSize; at < webp.size();) {
    if (webp.size() - at < kChunkHeaderSize) return std::nullopt;
    const std::string_view name = webp.substr(at, 4);
    const uint64_t payload = ReadLittleEndian32(webp, at + 4);
    const uint64_t whole = kChunkHeaderSize + payload + (payload & 1);
    if (whole > webp.size() - at) return std::nullopt;
    if (name != "EXIF" && name != "XMP " && name != "ICCP") {
      if (name == "VP8X" && payload >= 1) vp8x_flags_at = out.size() + kChunkHeaderSize;
      out.append(webp.substr(at, whole));
    }
    at += whole;
  }
  if (vp8x_flags_at != std::string::npos) {
    out[vp8x_flags_at] = static_cast<char>(static_cast<unsigned char>(out[vp8x_flags_at]) &
                                           ~(kIccFlag | kExifFlag | kXmpFlag));
  }
  WriteLittleEndian32(out, 4, static_cast<uint32_t>(out.size() - 8));
  return out;
}

}  // namespace chancery::media::internal
