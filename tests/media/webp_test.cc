#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "media/internal.h"

namespace chancery::media::internal {
namespace {

std::string LittleEndian32(uint32_t value) {
  std::string out;
  for (int i = 0; i < 4; ++i) out += static_cast<char>((value >> (8 * i)) & 0xFF);
  return out;
}

std::string Chunk(std::string_view name, std::string_view payload) {
  std::string out(name);
  out += LittleEndian32(static_cast<uint32_t>(payload.size()));
  out += payload;
  if (payload.size() % 2 == 1) out += '\0';
  return out;
}

std::string Riff(std::string_view chunks) {
  return "RIFF" + LittleEndian32(static_cast<uint32_t>(chunks.size() + 4)) + "WEBP" + std::string(chunks);
}

// VP8X with the ICC, alpha, EXIF and XMP flags set, on a 1 × 1 canvas.
const std::string kVp8x = Chunk("VP8X", std::string("\x3C\0\0\0\0\0\0\0\0\0", 10));
const std::string kAlpha = Chunk("ALPH", "alpha");
const std::string kImage = Chunk("VP8 ", "not really a bitstream");

TEST(StripWebpMetadataTest, RemovesExifXmpAndIccAndClearsTheirFlags) {
  const std::string webp = Riff(kVp8x + Chunk("ICCP", "profile") + kAlpha + kImage +
                                Chunk("EXIF", "GPS 33N 73E") + Chunk("XMP ", "<x:xmpmeta/>"));
  const auto stripped = StripWebpMetadata(webp);
  ASSERT_TRUE(stripped.has_value());
  const std::string vp8x_without_flags = Chunk("VP8X", std::string("\x10\0\0\0\0\0\0\0\0\0", 10));
  EXPECT_EQ(*stripped, Riff(vp8x_without_flags + kAlpha + kImage));
}

TEST(StripWebpMetadataTest, LeavesAPlainFileAsItIs) {
  const std::string webp = Riff(kImage);
  EXPECT_EQ(StripWebpMetadata(webp), webp);
  const std::string animated =
      Riff(Chunk("VP8X", std::string("\x02\0\0\0\0\0\0\0\0\0", 10)) + Chunk("ANIM", std::string(6, '\0')) +
           Chunk("ANMF", "frame one") + Chunk("ANMF", "frame 2"));
  EXPECT_EQ(StripWebpMetadata(animated), animated);
}

TEST(StripWebpMetadataTest, RefusesMalformedContainers) {
  const std::string webp = Riff(kVp8x + kImage + Chunk("EXIF", "x"));
  EXPECT_EQ(StripWebpMetadata(webp.substr(0, webp.size() - 1)), std::nullopt);  // RIFF size disagrees
  EXPECT_EQ(StripWebpMetadata(""), std::nullopt);
  EXPECT_EQ(StripWebpMetadata("RIFF\x04\0\0\0WAVE"), std::nullopt);
  // A chunk claiming more bytes than the file holds.
  std::string lying = Riff(Chunk("VP8 ", "abcd"));
  lying[16] = '\x40';
  EXPECT_EQ(StripWebpMetadata(lying), std::nullopt);
  // A chunk header cut short.
  EXPECT_EQ(StripWebpMetadata(Riff("VP8 \x02")), std::nullopt);
}

}  // namespace
}  // namespace chancery::media::internal
