// chancery/media: what happens to an uploaded image before anyone sees it —
// start here.
//
// ProcessUpload takes the bytes of an upload and returns the original
// re-encoded without its metadata plus the responsive variants the pages put
// in `srcset`. MakeVariant rebuilds one variant from the stored original, for
// the on-disk variant cache. The type of a file is decided by its bytes,
// never by its name, and only JPEG, PNG, WebP and GIF are accepted.
//
// What is removed: every piece of metadata — EXIF (camera, time, GPS
// position), XMP, IPTC, PNG text chunks and ICC profiles. An image with an
// ICC profile is first converted to sRGB, so it looks the same without it;
// the profile itself goes because browsers assume sRGB for untagged images
// and because profiles can name the device or the person that made them.
// EXIF orientation is applied to the pixels before the EXIF goes.
//
// What is kept: animation. An animated GIF or WebP keeps all its frames,
// their delays and the loop count, in its variants too (the WebP variants of
// an animated GIF are animated WebPs).
//
// Every image is decoded to 8 bits per channel, in sRGB or greyscale, with
// its alpha channel if it has one; a 16-bit PNG becomes an 8-bit PNG. A
// lossless WebP original is re-encoded lossy at `original_quality`.
//
// Decompression bombs: the pixel count in the file's header (all frames
// together) is checked against `max_pixels` before any pixel is decoded.
//
// The image library (libvips) is initialised once, on first use or by
// Initialize(); it runs single-threaded per call, with no operation cache.
// Every function here is thread-safe and may be called from several worker
// threads at once. None throws. CPU-heavy: call from a worker pool, never
// from an event-loop thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace chancery::media {

enum class ImageType { kJpeg, kPng, kWebp, kGif };

// "image/jpeg", "image/png", "image/webp", "image/gif".
std::string_view MimeType(ImageType type);
// "jpg", "png", "webp", "gif" (no dot).
std::string_view Extension(ImageType type);

// The type given by the file's first bytes (its magic number), whatever its
// name says; nullopt for anything else (SVG, PDF, HTML, HEIC, a text file
// renamed .jpg, an empty file).
std::optional<ImageType> SniffImageType(std::string_view bytes);

struct ProcessOptions {
  // Uploads larger than this many bytes are refused before decoding.
  int64_t max_bytes = 10 << 20;
  // Width × height, all frames of an animation together, above which an
  // image is refused from its header alone (decompression bombs).
  int64_t max_pixels = 50'000'000;
  // The widths of the responsive variants. Widths not smaller than the
  // image are skipped; order and duplicates do not matter. Each must be > 0.
  std::vector<int> widths = {480, 960, 1600};
  // Encoder quality (1..100) of the JPEG and WebP variants.
  int quality = 82;
  // Encoder quality (1..100) of the re-encoded original, kept higher than
  // the variants' so the stored copy loses little on its way through.
  int original_quality = 90;
};

struct Variant {
  int width = 0;
  int height = 0;  // of one frame, for an animation
  ImageType type = ImageType::kWebp;
  std::string bytes;
};

struct ProcessedImage {
  // Of the original, after EXIF orientation was applied (so a portrait photo
  // taken sideways is taller than wide). For an animation: one frame's size.
  ImageType type = ImageType::kJpeg;
  int width = 0;
  int height = 0;
  // True for a GIF or WebP with more than one frame.
  bool animated = false;
  // The original re-encoded in its own format, without any metadata.
  std::string original;
  // For each requested width smaller than the original, ascending: one in
  // the original's type, then one WebP (only one when the original is a
  // WebP). Last, a WebP at the original's width. Each is byte for byte what
  // MakeVariant(original, width, type, quality) returns.
  std::vector<Variant> variants;
};

// Checks, cleans and resizes an upload. Errors (all kInvalidArgument, with
// a message for the person who uploaded the file): too large ("the file is
// 12.3 MB; the limit is 10 MB"), empty, not one of the four types ("the
// file is not a JPEG, PNG, WebP or GIF image"), damaged or truncated, too
// many pixels. Bad `options` are kInvalidArgument too.
[[nodiscard]] Result<ProcessedImage> ProcessUpload(std::string_view bytes,
                                                   const ProcessOptions& options = {});

// One variant `width` pixels wide, in `type`, made from a stored original
// (ProcessedImage::original), exactly as ProcessUpload made it. `width`
// equal to the original's width re-encodes without resizing. Errors:
// kInvalidArgument for a width < 1 or wider than the original, or a quality
// outside 1..100; kCorruption when `original` does not decode.
// REQUIRES: `original` came from ProcessUpload (its size is not re-checked
// against a pixel limit).
[[nodiscard]] Result<Variant> MakeVariant(std::string_view original, int width, ImageType type, int quality);

// A safe name to store an upload under: the uploaded name's stem (path and
// extension removed) in lower-case ASCII letters, digits and single dashes
// (common accented Latin letters lose their accents), at most 80
// characters, "image" when nothing is left, then the extension of `type`:
// "Map of CPEC (final).JPG" → "map-of-cpec-final.jpg". Not unique: the
// caller adds a suffix on a clash.
std::string SafeFileName(std::string_view uploaded_name, ImageType type);

// Starts libvips if it has not been started. Optional — every function above
// does it on first use — but lets a server fail at start rather than at the
// first upload. kInternal if libvips cannot start.
[[nodiscard]] Status Initialize();

}  // namespace chancery::media
