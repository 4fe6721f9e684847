// Types by magic number, MIME types, extensions and safe stored names. No
// libvips here: these run on every request that serves a file.
#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "base/text.h"
#include "media/internal.h"
#include "media/media.h"

namespace chancery::media {

using namespace std::string_view_literals;

namespace {

constexpr std::size_t kMaxStemLength = 80;

bool StartsWith(std::string_view bytes, std::string_view prefix) {
  return bytes.substr(0, prefix.size()) == prefix;
}

char LowerAscii(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// The first `limit` bytes of a text file, lower-cased, after a UTF-8 byte
// order mark and leading white space.
std::string TextHead(std::string_view bytes, std::size_t limit) {
  if (StartsWith(bytes, "\xEF\xBB\xBF")) bytes.remove_prefix(3);
  const std::size_t start = bytes.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos) return {};
  std::string head(bytes.substr(start, limit));
  for (char& c : head) c = LowerAscii(c);
  return head;
}

// ASCII spellings of the letters U+00C0..U+00FF; "" for the two signs
// (× and ÷) in that block, which separate words like punctuation does.
constexpr std::array<std::string_view, 64> kLatin1Letters = {
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i",  "i",   // À..Ï
    "d", "n", "o", "o", "o", "o", "o",  "",  "o", "u", "u", "u", "u", "y", "th", "ss",  // Ð..ß
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i",  "i",   // à..ï
    "d", "n", "o", "o", "o", "o", "o",  "",  "o", "u", "u", "u", "u", "y", "th", "y",   // ð..ÿ
};

// The uploaded name without a directory part (old browsers send a whole
// Windows path) and without an extension (a dot followed by 1 to 5 letters
// or digits at the end, so "Dr. Rao speaking" keeps its words).
std::string_view Stem(std::string_view name) {
  if (const std::size_t slash = name.find_last_of("/\\"); slash != std::string_view::npos) {
    name.remove_prefix(slash + 1);
  }
  const std::size_t dot = name.rfind('.');
  if (dot == std::string_view::npos || dot == 0) return name;
  const std::string_view extension = name.substr(dot + 1);
  if (extension.empty() || extension.size() > 5) return name;
  for (char c : extension) {
    const char lower = LowerAscii(c);
    if (!((lower >= 'a' && lower <= 'z') || (c >= '0' && c <= '9'))) return name;
  }
  return name.substr(0, dot);
}

}  // namespace

std::string_view MimeType(ImageType type) {
  switch (type) {
    case ImageType::kJpeg:
      return "image/jpeg";
    case ImageType::kPng:
      return "image/png";
    case ImageType::kWebp:
      return "image/webp";
    case ImageType::kGif:
      return "image/gif";
  }
  return "application/octet-stream";
}

std::string_view Extension(ImageType type) {
  switch (type) {
    case ImageType::kJpeg:
      return "jpg";
    case ImageType::kPng:
      return "png";
    case ImageType::kWebp:
      return "webp";
    case ImageType::kGif:
      return "gif";
  }
  return "bin";
}

std::optional<ImageType> SniffImageType(std::string_view bytes) {
  if (StartsWith(bytes, "\xFF\xD8\xFF")) return ImageType::kJpeg;
  if (StartsWith(bytes, "\x89PNG\r\n\x1A\n")) return ImageType::kPng;
  if (StartsWith(bytes, "GIF87a") || StartsWith(bytes, "GIF89a")) return ImageType::kGif;
  // RIFF, a 4-byte length, WEBP, then the first chunk: VP8 (lossy), VP8L
  // (lossless) or VP8X (extended).
  if (bytes.size() >= 16 && StartsWith(bytes, "RIFF") && bytes.substr(8, 4) == "WEBP" &&
      bytes.substr(12, 3) == "VP8") {
    return ImageType::kWebp;
  }
  return std::nullopt;
}

std::string SafeFileName(std::string_view uploaded_name, ImageType type) {
  const std::string_view stem = Stem(uploaded_name);
  std::string out;
  bool pending_dash = false;
  auto append = [&](std::string_view letters) {
    if (pending_dash && !out.empty()) out += '-';
    pending_dash = false;
    out += letters;
  };
  for (std::size_t pos = 0; pos < stem.size() && out.size() < kMaxStemLength;) {
    const char32_t cp = DecodeUtf8(stem, pos);
    if ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9') || (cp >= 'A' && cp <= 'Z')) {
      const char ascii = LowerAscii(static_cast<char>(cp));
      append(std::string_view(&ascii, 1));
    } else if (cp >= 0xC0 && cp <= 0xFF && !kLatin1Letters[cp - 0xC0].empty()) {
      append(kLatin1Letters[cp - 0xC0]);
    } else if (cp == '\'' || cp == U'\u2019') {
      // "Islamabad's" → "islamabads": an apostrophe does not split a word.
    } else {
      pending_dash = true;
    }
  }
  if (out.size() > kMaxStemLength) out.resize(kMaxStemLength);
  while (!out.empty() && out.back() == '-') out.pop_back();
  if (out.empty()) out = "image";
  out += '.';
  out += Extension(type);
  return out;
}

namespace internal {

std::optional<std::string_view> DescribeRefusedFormat(std::string_view bytes) {
  if (StartsWith(bytes, "%PDF-")) return "a PDF document";
  if (StartsWith(bytes, "II*\0"sv) || StartsWith(bytes, "MM\0*"sv)) return "a TIFF image";
  if (bytes.size() >= 12 && bytes.substr(4, 4) == "ftyp") {
    const std::string_view brand = bytes.substr(8, 4);
    if (brand == "avif" || brand == "avis") return "an AVIF image";
    if (brand == "heic" || brand == "heix" || brand == "hevc" || brand == "heim" || brand == "heis" ||
        brand == "hevm" || brand == "hevs" || brand == "mif1" || brand == "msf1") {
      return "a HEIC image";
    }
    return "a video or other MP4-family file";
  }
  const std::string head = TextHead(bytes, 1024);
  if (StartsWith(head, "<svg") ||
      ((StartsWith(head, "<?xml") || StartsWith(head, "<!--")) && head.find("<svg") != std::string::npos)) {
    return "an SVG drawing";
  }
  if (StartsWith(head, "<!doctype html") || StartsWith(head, "<html")) return "an HTML page";
  if (StartsWith(head, "<?xml")) return "an XML document";
  return std::nullopt;
}

}  // namespace internal
}  // namespace chancery::media
