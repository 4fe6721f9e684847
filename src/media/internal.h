// chancery/media internals shared by names.cc, process.cc and webp.cc; not
// part of the module's interface (tests may use them).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace chancery::media::internal {

// "a HEIC image", "a PDF document", ... for a few formats people often
// upload by mistake, so the refusal can say what was sent; nullopt when the
// bytes are none of them.
std::optional<std::string_view> DescribeRefusedFormat(std::string_view bytes);

// `webp` without its EXIF, XMP and ICCP chunks, the VP8X flags that announce
// them cleared and the RIFF size fixed; every other chunk (image data,
// alpha, animation frames) is kept byte for byte. nullopt when `webp` is
// not a well-formed RIFF WebP container. libvips 8.14.1's WebP saver writes
// an EXIF chunk even when told to strip, hence this.
std::optional<std::string> StripWebpMetadata(std::string_view webp);

}  // namespace chancery::media::internal
