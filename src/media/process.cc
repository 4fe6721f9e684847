// ProcessUpload and MakeVariant over libvips' C API.
//
// The pipeline: check the size, sniff the type, read only the header and
// check the pixel count, then decode once into memory (8-bit sRGB or grey,
// ICC profile applied), apply EXIF orientation and encode the original with
// every metadata field stripped. The variants are then made from the decoded
// *encoded* original, by the same code MakeVariant runs, so a variant rebuilt
// later for the disk cache — on this node or another — is the same file
// with the same ETag as the one made at upload.
//
// Each call decodes with the format's own loader (never libvips' guessing
// loader), so no other libvips loader is reachable from an upload.
#include <algorithm>
#include <array>
#include <cstdio>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "media/internal.h"
#include "media/media.h"
#include "media/vips_library.h"

namespace chancery::media {
namespace {

// libvips' functions (vips_library.h), set by StartVips: every public
// function below starts libvips before it makes an image.
const internal::VipsLibrary* vips = nullptr;

constexpr std::string_view kAcceptedTypes = "a JPEG, PNG, WebP or GIF image";

// Owns one reference to a VipsImage. Move-only.
class Image {
 public:
  Image() = default;
  explicit Image(VipsImage* image) : image_(image) {}
  Image(Image&& other) noexcept : image_(std::exchange(other.image_, nullptr)) {}
  Image& operator=(Image&& other) noexcept {
    if (this != &other) {
      Reset();
      image_ = std::exchange(other.image_, nullptr);
    }
    return *this;
  }
  Image(const Image&) = delete;
  Image& operator=(const Image&) = delete;
  ~Image() { Reset(); }

  VipsImage* get() const { return image_; }
  // For a libvips output argument: `vips->copy(in, image.out(), nullptr)`.
  VipsImage** out() {
    Reset();
    return &image_;
  }
  void Reset() {
    if (image_ != nullptr) vips->object_unref(image_);
    image_ = nullptr;
  }
  // A second reference to the same image.
  Image Share() const {
    if (image_ != nullptr) vips->object_ref(image_);
    return Image(image_);
  }

  int width() const { return vips->image_get_width(image_); }
  int frame_height() const { return vips->image_get_page_height(image_); }
  int frames() const { return vips->image_get_n_pages(image_); }

 private:
  VipsImage* image_ = nullptr;
};

// libvips' error text, which it keeps in one buffer for the whole process:
// taking a copy also clears it (under libvips' lock), so it does not fill up.
// With several threads failing at once a message may mix two errors; these
// messages go to logs only, never to the person uploading.
std::string TakeVipsError() {
  char* text = vips->error_buffer_copy();
  std::string message = text != nullptr ? text : "";
  vips->free(text);
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  std::replace(message.begin(), message.end(), '\n', ' ');
  return message.empty() ? "unknown libvips error" : message;
}

void DiscardVipsError() { vips->free(vips->error_buffer_copy()); }

std::string_view TypeName(ImageType type) {
  switch (type) {
    case ImageType::kJpeg:
      return "JPEG";
    case ImageType::kPng:
      return "PNG";
    case ImageType::kWebp:
      return "WebP";
    case ImageType::kGif:
      return "GIF";
  }
  return "image";
}

// One decimal, without a trailing ".0": 12.3, 10, 0.5.
std::string OneDecimal(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f", value);
  std::string out = text;
  if (out.size() > 2 && out.compare(out.size() - 2, 2, ".0") == 0) out.resize(out.size() - 2);
  return out;
}

// "12.3 MB", "500 KB", "812 bytes" (binary units, as file managers show).
std::string FormatBytes(int64_t bytes) {
  if (bytes >= (int64_t{1} << 20)) return OneDecimal(static_cast<double>(bytes) / (1 << 20)) + " MB";
  if (bytes >= 1024) return OneDecimal(static_cast<double>(bytes) / 1024) + " KB";
  return std::to_string(bytes) + (bytes == 1 ? " byte" : " bytes");
}

// "55 megapixels", or "9216 pixels" below a tenth of a megapixel.
std::string FormatPixels(int64_t pixels) {
  if (pixels < 100'000) return std::to_string(pixels) + " pixels";
  return OneDecimal(static_cast<double>(pixels) / 1e6) + " megapixels";
}

// `amount` and `limit` rounded for reading, unless rounding makes them read
// the same ("10 MB; the limit is 10 MB" would puzzle anyone): then exact.
std::pair<std::string, std::string> AmountAndLimit(int64_t amount, int64_t limit,
                                                   std::string (*format)(int64_t),
                                                   std::string_view exact_unit) {
  std::string amount_text = format(amount);
  std::string limit_text = format(limit);
  if (amount_text == limit_text) {
    amount_text = std::to_string(amount) + " " + std::string(exact_unit);
    limit_text = std::to_string(limit) + " " + std::string(exact_unit);
  }
  return {amount_text, limit_text};
}

Status CheckQuality(int quality, std::string_view what) {
  if (quality < 1 || quality > 100) {
    return Status::InvalidArgument(std::string(what) + " must be between 1 and 100, not " +
                                   std::to_string(quality));
  }
  return Status::Ok();
}

Status CheckOptions(const ProcessOptions& options) {
  if (options.max_bytes < 1) return Status::InvalidArgument("media: max_bytes must be at least 1");
  if (options.max_pixels < 1) return Status::InvalidArgument("media: max_pixels must be at least 1");
  for (int width : options.widths) {
    if (width < 1 || width > VIPS_MAX_COORD) {
      return Status::InvalidArgument("media: a variant width must be between 1 and " +
                                     std::to_string(VIPS_MAX_COORD) + ", not " + std::to_string(width));
    }
  }
  CHANCERY_RETURN_IF_ERROR(CheckQuality(options.quality, "media: quality"));
  return CheckQuality(options.original_quality, "media: original_quality");
}

// ---- Starting libvips ---------------------------------------------------------

Status StartVips() {
  // libvips is process-wide state by nature; this only records whether the
  // one start succeeded.
  static std::once_flag once;
  static Status status;
  std::call_once(once, [] {
    auto library = internal::LoadVips();
    if (!library.ok()) {
      status = library.status().WithContext("libvips could not start");
      return;
    }
    vips = *library;
    if (vips->init("chancery") != 0) {
      status = Status::Internal("libvips could not start: " + TakeVipsError());
      return;
    }
    // One thread per call: the server already runs uploads on a worker pool,
    // and a cache of operations would keep uploaded pixels alive.
    vips->concurrency_set(1);
    vips->cache_set_max(0);
    // Loaders libvips marks as unfit for hostile input stay off even if a
    // later caller asks for a loader by guessing.
    vips->block_untrusted_set(TRUE);
  });
  return status;
}

// ---- Decoding -----------------------------------------------------------------

// Opens `bytes` with the loader for `type`. Only the header is read here;
// pixels are decoded when something asks for them. Sequential access lets
// the decoder stream straight into the memory image. Every frame of an
// animation is opened (n = -1), stacked into one tall image.
// REQUIRES: `bytes` outlives the image (libvips does not copy them).
int OpenBuffer(std::string_view bytes, ImageType type, VipsImage** out) {
  void* data = const_cast<char*>(bytes.data());
  const size_t size = bytes.size();
  switch (type) {
    case ImageType::kJpeg:
      return vips->jpegload_buffer(data, size, out, "access", VIPS_ACCESS_SEQUENTIAL, "fail_on",
                                  VIPS_FAIL_ON_ERROR, nullptr);
    case ImageType::kPng:
      return vips->pngload_buffer(data, size, out, "access", VIPS_ACCESS_SEQUENTIAL, "fail_on",
                                 VIPS_FAIL_ON_ERROR, nullptr);
    case ImageType::kWebp:
      return vips->webpload_buffer(data, size, out, "n", -1, "access", VIPS_ACCESS_SEQUENTIAL, "fail_on",
                                  VIPS_FAIL_ON_ERROR, nullptr);
    case ImageType::kGif:
      return vips->gifload_buffer(data, size, out, "n", -1, "access", VIPS_ACCESS_SEQUENTIAL, "fail_on",
                                 VIPS_FAIL_ON_ERROR, nullptr);
  }
  return -1;
}

Status CheckPixels(const Image& image, int64_t max_pixels) {
  const int64_t width = image.width();
  const int64_t total = width * vips->image_get_height(image.get());
  if (total <= max_pixels) return Status::Ok();
  const int frames = image.frames();
  const std::string frame = std::to_string(width) + " × " + std::to_string(image.frame_height()) + " pixels";
  const auto [total_text, limit_text] = AmountAndLimit(total, max_pixels, FormatPixels, "pixels");
  if (frames > 1) {
    return Status::InvalidArgument("the animation has " + std::to_string(frames) + " frames of " + frame +
                                   " (" + total_text + " in all); the limit is " + limit_text);
  }
  return Status::InvalidArgument("the image is " + frame + " (" + total_text + "); the limit is " +
                                 limit_text);
}

// 8-bit sRGB, or 8-bit grey for a grey image, alpha kept; an embedded ICC
// profile is applied first (a profile that libvips cannot use is ignored:
// the pixels are then taken as sRGB, which is what a browser would do).
// Lazy: nothing is computed until the result is read.
Result<Image> ToDisplayPixels(Image image) {
  if (vips->image_get_typeof(image.get(), VIPS_META_ICC_NAME) != 0) {
    Image converted;
    if (vips->icc_transform(image.get(), converted.out(), "srgb", "embedded", TRUE, nullptr) == 0) {
      image = std::move(converted);
    } else {
      DiscardVipsError();
    }
  }
  const VipsInterpretation guessed = vips->image_guess_interpretation(image.get());
  const bool grey = guessed == VIPS_INTERPRETATION_B_W || guessed == VIPS_INTERPRETATION_GREY16;
  const VipsInterpretation target = grey ? VIPS_INTERPRETATION_B_W : VIPS_INTERPRETATION_sRGB;
  if (guessed != target || vips->image_get_format(image.get()) != VIPS_FORMAT_UCHAR) {
    Image converted;
    if (vips->colourspace(image.get(), converted.out(), target, nullptr) != 0) {
      return Status::InvalidArgument("the image uses a colour format that cannot be converted for the web");
    }
    image = std::move(converted);
  }
  if (vips->image_get_format(image.get()) != VIPS_FORMAT_UCHAR) {
    Image cast;
    if (vips->cast_uchar(image.get(), cast.out(), nullptr) != 0) {
      return Status::Internal("media: cannot convert to 8 bits: " + TakeVipsError());
    }
    image = std::move(cast);
  }
  return image;
}

// Decodes every pixel into memory. Truncated and corrupt files fail here,
// since the header alone can look fine.
Result<Image> DecodeToMemory(const Image& image) {
  Image decoded(vips->image_copy_memory(image.get()));
  if (decoded.get() == nullptr) return Status::Corruption(TakeVipsError());
  return decoded;
}

// The upload as it should be displayed: pixel count checked from the header,
// decoded, colour-converted, turned upright by its EXIF orientation.
Result<Image> DecodeUpload(std::string_view bytes, ImageType type, int64_t max_pixels) {
  const std::string unreadable = "the file looks like a " + std::string(TypeName(type)) +
                                 " image but is damaged or incomplete and cannot be read";
  Image opened;
  if (OpenBuffer(bytes, type, opened.out()) != 0) {
    DiscardVipsError();
    return Status::InvalidArgument(unreadable);
  }
  CHANCERY_RETURN_IF_ERROR(CheckPixels(opened, max_pixels));
  CHANCERY_ASSIGN_OR_RETURN(Image display, ToDisplayPixels(std::move(opened)));
  Result<Image> decoded = DecodeToMemory(display);
  if (!decoded.ok()) return Status::InvalidArgument(unreadable);
  // An animation's orientation tag, if any, is ignored: turning the stacked
  // frames as one image would scramble them, and no camera makes them.
  if (decoded->frames() > 1) return decoded;
  Image upright;
  if (vips->autorot(decoded->get(), upright.out(), nullptr) != 0) {
    return Status::Internal("media: cannot apply the EXIF orientation: " + TakeVipsError());
  }
  return upright;
}

// A stored original (already checked, cleaned and upright), decoded.
Result<Image> DecodeStored(std::string_view bytes, ImageType type) {
  Image opened;
  if (OpenBuffer(bytes, type, opened.out()) != 0) {
    return Status::Corruption("the stored " + std::string(TypeName(type)) +
                              " original cannot be read: " + TakeVipsError());
  }
  Result<Image> decoded = DecodeToMemory(opened);
  if (!decoded.ok()) {
    return Status::Corruption("the stored " + std::string(TypeName(type)) +
                              " original cannot be decoded: " + decoded.status().message());
  }
  return decoded;
}

// ---- Encoding and resizing ------------------------------------------------------

// The metadata fields that describe an animation, kept by WithoutMetadata.
constexpr std::array<std::string_view, 6> kAnimationFields = {"page-height", "n-pages",   "delay",
                                                              "loop",        "gif-delay", "gif-loop"};

// A copy of `image` (sharing its pixels) with no metadata field but the
// animation's. Savers are also told to strip; this makes sure a saver that
// rebuilds an EXIF block anyway has nothing from the upload to put in it.
Result<Image> WithoutMetadata(const Image& image) {
  Image copy;
  if (vips->copy(image.get(), copy.out(), nullptr) != 0) {
    return Status::Internal("media: cannot copy the image: " + TakeVipsError());
  }
  gchar** fields = vips->image_get_fields(copy.get());
  for (gchar** field = fields; *field != nullptr; ++field) {
    const std::string_view name = *field;
    if (std::find(kAnimationFields.begin(), kAnimationFields.end(), name) == kAnimationFields.end()) {
      vips->image_remove(copy.get(), *field);  // false for the core fields (width, ...): they stay
    }
  }
  vips->strfreev(fields);
  return copy;
}

// Encodes with no metadata: no EXIF, XMP, IPTC, ICC or PNG text. Three
// layers, because libvips 8.14.1's WebP saver ignores "strip": the fields
// are removed, the saver is told to strip, and the chunks of a WebP are
// removed from the encoded file.
Result<std::string> Encode(const Image& image, ImageType type, int quality) {
  CHANCERY_ASSIGN_OR_RETURN(Image bare, WithoutMetadata(image));
  void* buffer = nullptr;
  size_t size = 0;
  int failed = -1;
  switch (type) {
    case ImageType::kJpeg:
      failed = vips->jpegsave_buffer(bare.get(), &buffer, &size, "Q", quality, "strip", TRUE,
                                    "optimize_coding", TRUE, "interlace", TRUE, nullptr);
      break;
    case ImageType::kPng:
      failed = vips->pngsave_buffer(bare.get(), &buffer, &size, "strip", TRUE, nullptr);
      break;
    case ImageType::kWebp:
      failed = vips->webpsave_buffer(bare.get(), &buffer, &size, "Q", quality, "strip", TRUE, nullptr);
      break;
    case ImageType::kGif:
      failed = vips->gifsave_buffer(bare.get(), &buffer, &size, "strip", TRUE, nullptr);
      break;
  }
  if (failed != 0) {
    return Status::Internal("media: cannot encode " + std::string(TypeName(type)) + ": " + TakeVipsError());
  }
  std::string bytes(static_cast<const char*>(buffer), size);
  vips->free(buffer);
  if (type == ImageType::kWebp) {
    std::optional<std::string> stripped = internal::StripWebpMetadata(bytes);
    if (!stripped) return Status::Internal("media: libvips wrote a WebP file this module cannot parse");
    bytes = std::move(*stripped);
  }
  return bytes;
}

// `width` pixels wide, the height in proportion; an animation is resized
// frame by frame. REQUIRES: 1 <= width <= image.width().
Result<Image> ResizeToWidth(const Image& image, int width) {
  if (width == image.width()) return image.Share();
  Image resized;
  if (vips->thumbnail_image(image.get(), resized.out(), width, "height", VIPS_MAX_COORD, "size",
                           VIPS_SIZE_DOWN, "no_rotate", TRUE, nullptr) != 0) {
    return Status::Internal("media: cannot resize to " + std::to_string(width) + " px: " + TakeVipsError());
  }
  return resized;
}

Result<Variant> VariantOf(const Image& stored, int width, ImageType type, int quality) {
  CHANCERY_ASSIGN_OR_RETURN(Image resized, ResizeToWidth(stored, width));
  CHANCERY_ASSIGN_OR_RETURN(std::string bytes, Encode(resized, type, quality));
  return Variant{resized.width(), resized.frame_height(), type, std::move(bytes)};
}

Status RefuseNonImage(std::string_view bytes) {
  if (auto what = internal::DescribeRefusedFormat(bytes)) {
    return Status::InvalidArgument("the file is " + std::string(*what) + ", not " +
                                   std::string(kAcceptedTypes));
  }
  return Status::InvalidArgument("the file is not " + std::string(kAcceptedTypes));
}

Status RefuseTooLarge(int64_t size, int64_t limit) {
  const auto [size_text, limit_text] = AmountAndLimit(size, limit, FormatBytes, "bytes");
  return Status::InvalidArgument("the file is " + size_text + "; the limit is " + limit_text);
}

}  // namespace

Status Initialize() { return StartVips(); }

Result<ProcessedImage> ProcessUpload(std::string_view bytes, const ProcessOptions& options) {
  CHANCERY_RETURN_IF_ERROR(CheckOptions(options));
  if (bytes.empty()) return Status::InvalidArgument("the file is empty");
  if (static_cast<int64_t>(bytes.size()) > options.max_bytes) {
    return RefuseTooLarge(static_cast<int64_t>(bytes.size()), options.max_bytes);
  }
  const std::optional<ImageType> type = SniffImageType(bytes);
  if (!type) return RefuseNonImage(bytes);
  CHANCERY_RETURN_IF_ERROR(StartVips());

  ProcessedImage result;
  result.type = *type;
  {
    CHANCERY_ASSIGN_OR_RETURN(Image upload, DecodeUpload(bytes, *type, options.max_pixels));
    CHANCERY_ASSIGN_OR_RETURN(result.original, Encode(upload, *type, options.original_quality));
  }  // the upload's pixels are freed before the original's are decoded

  Result<Image> stored = DecodeStored(result.original, *type);
  if (!stored.ok()) return Status::Internal("media: " + stored.status().message());
  result.width = stored->width();
  result.height = stored->frame_height();
  result.animated = stored->frames() > 1;

  std::vector<int> widths = options.widths;
  std::sort(widths.begin(), widths.end());
  widths.erase(std::unique(widths.begin(), widths.end()), widths.end());
  for (int width : widths) {
    if (width >= result.width) break;
    CHANCERY_ASSIGN_OR_RETURN(Variant same_type, VariantOf(*stored, width, *type, options.quality));
    result.variants.push_back(std::move(same_type));
    if (*type != ImageType::kWebp) {
      CHANCERY_ASSIGN_OR_RETURN(Variant webp, VariantOf(*stored, width, ImageType::kWebp, options.quality));
      result.variants.push_back(std::move(webp));
    }
  }
  CHANCERY_ASSIGN_OR_RETURN(Variant full,
                            VariantOf(*stored, result.width, ImageType::kWebp, options.quality));
  result.variants.push_back(std::move(full));
  return result;
}

Result<Variant> MakeVariant(std::string_view original, int width, ImageType type, int quality) {
  CHANCERY_RETURN_IF_ERROR(CheckQuality(quality, "media: quality"));
  if (width < 1) return Status::InvalidArgument("media: a variant width must be at least 1");
  const std::optional<ImageType> original_type = SniffImageType(original);
  if (!original_type) return Status::Corruption("the stored original is not " + std::string(kAcceptedTypes));
  CHANCERY_RETURN_IF_ERROR(StartVips());
  CHANCERY_ASSIGN_OR_RETURN(Image stored, DecodeStored(original, *original_type));
  if (width > stored.width()) {
    return Status::InvalidArgument("media: cannot make a " + std::to_string(width) + " px variant of a " +
                                   std::to_string(stored.width()) + " px image");
  }
  return VariantOf(stored, width, type, quality);
}

}  // namespace chancery::media
