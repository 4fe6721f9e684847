// ProcessUpload and MakeVariant on images the tests draw with libvips itself
// (no binary fixtures), and on hand-built headers for the hostile cases.
#include <gtest/gtest.h>
#include <vips/vips.h>

#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "media/media.h"

namespace chancery::media {
namespace {

// ---- Drawing test images with libvips ---------------------------------------------

struct Unref {
  void operator()(VipsImage* image) const { g_object_unref(image); }
};
using ImagePtr = std::unique_ptr<VipsImage, Unref>;

// Runs one libvips call that makes one image: Make([&](VipsImage** out) {
// return vips_black(out, 10, 10, nullptr); }).
template <typename Call>
ImagePtr Make(Call call) {
  VipsImage* out = nullptr;
  const int failed = call(&out);
  EXPECT_EQ(failed, 0) << vips_error_buffer();
  return ImagePtr(failed == 0 ? out : nullptr);
}

class MediaTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { ASSERT_TRUE(Initialize().ok()); }
};

// A smooth RGB gradient with noise on top, so encoders have real work and a
// JPEG of it is large enough to cut in half.
ImagePtr Photo(int width, int height) {
  ImagePtr grid = Make([&](VipsImage** out) { return vips_xyz(out, width, height, nullptr); });
  ImagePtr three = Make([&](VipsImage** out) { return vips_bandjoin_const1(grid.get(), out, 128, nullptr); });
  double scale[] = {200.0 / width, 200.0 / height, 1};
  double offset[] = {20, 20, 0};
  ImagePtr ramp =
      Make([&](VipsImage** out) { return vips_linear(three.get(), out, scale, offset, 3, nullptr); });
  ImagePtr noise =
      Make([&](VipsImage** out) { return vips_gaussnoise(out, width, height, "sigma", 20.0, nullptr); });
  ImagePtr sum = Make([&](VipsImage** out) { return vips_add(ramp.get(), noise.get(), out, nullptr); });
  ImagePtr bytes = Make([&](VipsImage** out) { return vips_cast_uchar(sum.get(), out, nullptr); });
  return Make([&](VipsImage** out) {
    return vips_copy(bytes.get(), out, "interpretation", VIPS_INTERPRETATION_sRGB, nullptr);
  });
}

// One colour: 1 value for grey, 3 for RGB, 4 for RGBA.
ImagePtr Solid(int width, int height, std::vector<double> colour) {
  const int bands = static_cast<int>(colour.size());
  ImagePtr black =
      Make([&](VipsImage** out) { return vips_black(out, width, height, "bands", bands, nullptr); });
  std::vector<double> ones(colour.size(), 1.0);
  ImagePtr filled = Make([&](VipsImage** out) {
    return vips_linear(black.get(), out, ones.data(), colour.data(), bands, "uchar", TRUE, nullptr);
  });
  const VipsInterpretation interpretation = bands >= 3 ? VIPS_INTERPRETATION_sRGB : VIPS_INTERPRETATION_B_W;
  return Make([&](VipsImage** out) {
    return vips_copy(filled.get(), out, "interpretation", interpretation, nullptr);
  });
}

// `left` and `right` joined side by side.
ImagePtr SideBySide(const ImagePtr& left, const ImagePtr& right) {
  return Make([&](VipsImage** out) {
    return vips_join(left.get(), right.get(), out, VIPS_DIRECTION_HORIZONTAL, nullptr);
  });
}

// A copy whose metadata can be changed without touching the source.
ImagePtr Copy(const ImagePtr& image) {
  return Make([&](VipsImage** out) { return vips_copy(image.get(), out, nullptr); });
}

std::string Take(void* buffer, size_t size) {
  std::string bytes(static_cast<const char*>(buffer), size);
  g_free(buffer);
  return bytes;
}

// Saves keeping every metadata field, as a camera or an editor would.
std::string Jpeg(const ImagePtr& image) {
  void* buffer = nullptr;
  size_t size = 0;
  EXPECT_EQ(vips_jpegsave_buffer(image.get(), &buffer, &size, "Q", 95, nullptr), 0) << vips_error_buffer();
  return Take(buffer, size);
}

std::string Png(const ImagePtr& image) {
  void* buffer = nullptr;
  size_t size = 0;
  EXPECT_EQ(vips_pngsave_buffer(image.get(), &buffer, &size, nullptr), 0) << vips_error_buffer();
  return Take(buffer, size);
}

std::string Webp(const ImagePtr& image) {
  void* buffer = nullptr;
  size_t size = 0;
  EXPECT_EQ(vips_webpsave_buffer(image.get(), &buffer, &size, nullptr), 0) << vips_error_buffer();
  return Take(buffer, size);
}

std::string Gif(const ImagePtr& image) {
  void* buffer = nullptr;
  size_t size = 0;
  EXPECT_EQ(vips_gifsave_buffer(image.get(), &buffer, &size, nullptr), 0) << vips_error_buffer();
  return Take(buffer, size);
}

// `frames` solid frames of width × height stacked as libvips keeps an
// animation, 100 ms apart, looping forever.
ImagePtr Animation(int width, int height, int frames) {
  std::vector<ImagePtr> owned;
  std::vector<VipsImage*> pages;
  for (int i = 0; i < frames; ++i) {
    owned.push_back(Solid(width, height, {40.0 * i, 120, 250.0 - 40 * i}));
    pages.push_back(owned.back().get());
  }
  ImagePtr strip =
      Make([&](VipsImage** out) { return vips_arrayjoin(pages.data(), out, frames, "across", 1, nullptr); });
  vips_image_set_int(strip.get(), "page-height", height);
  std::vector<int> delays(frames, 100);
  vips_image_set_array_int(strip.get(), "delay", delays.data(), frames);
  vips_image_set_int(strip.get(), "loop", 0);
  return strip;
}

// Decodes output bytes the way a browser would get them (every frame).
ImagePtr Reload(const std::string& bytes) {
  const auto type = SniffImageType(bytes);
  const bool paged = type == ImageType::kGif || type == ImageType::kWebp;
  VipsImage* out = vips_image_new_from_buffer(bytes.data(), bytes.size(), paged ? "n=-1" : "", nullptr);
  EXPECT_NE(out, nullptr) << vips_error_buffer();
  return ImagePtr(out);
}

std::vector<double> PixelAt(const ImagePtr& image, int x, int y) {
  double* values = nullptr;
  int count = 0;
  EXPECT_EQ(vips_getpoint(image.get(), &values, &count, x, y, nullptr), 0) << vips_error_buffer();
  std::vector<double> pixel(values, values + count);
  g_free(values);
  return pixel;
}

bool Contains(const std::string& bytes, std::string_view needle) {
  return bytes.find(needle) != std::string::npos;
}

// Every metadata field an upload could smuggle through, and their markers
// in the encoded bytes.
void ExpectNoMetadata(const std::string& bytes) {
  EXPECT_FALSE(Contains(bytes, "Exif"));
  EXPECT_FALSE(Contains(bytes, "ICC_PROFILE"));
  EXPECT_FALSE(Contains(bytes, "http://ns.adobe.com/xap/1.0/"));
  EXPECT_FALSE(Contains(bytes, "Photoshop 3.0"));
  ImagePtr image = Reload(bytes);
  ASSERT_NE(image, nullptr);
  for (const char* field : {VIPS_META_EXIF_NAME, VIPS_META_XMP_NAME, VIPS_META_IPTC_NAME, VIPS_META_ICC_NAME,
                            VIPS_META_ORIENTATION, "exif-ifd3-GPSLatitude", "exif-ifd0-Make"}) {
    EXPECT_EQ(vips_image_get_typeof(image.get(), field), 0u) << field;
  }
  gchar** fields = vips_image_get_fields(image.get());
  for (gchar** field = fields; *field != nullptr; ++field) {
    const std::string name = *field;
    EXPECT_NE(name.rfind("exif-", 0), 0u) << name;
    EXPECT_NE(name.rfind("png-comment-", 0), 0u) << name;
  }
  g_strfreev(fields);
}

// ---- Metadata and orientation ---------------------------------------------------------

// A 200 × 100 photo, red on the left and blue on the right, taken with the
// phone turned (EXIF orientation 6: turn 90° clockwise to view), with GPS
// tags, a camera make, XMP and an ICC profile.
std::string PhoneJpegWithGps() {
  ImagePtr photo = SideBySide(Solid(100, 100, {230, 20, 20}), Solid(100, 100, {20, 20, 230}));
  ImagePtr tagged = Copy(photo);
  vips_image_set_string(tagged.get(), "exif-ifd0-Make", "PhoneMaker");
  vips_image_set_string(tagged.get(), "exif-ifd3-GPSLatitudeRef", "N");
  vips_image_set_string(tagged.get(), "exif-ifd3-GPSLatitude", "33/1 41/1 2/1");
  vips_image_set_string(tagged.get(), "exif-ifd3-GPSLongitudeRef", "E");
  vips_image_set_string(tagged.get(), "exif-ifd3-GPSLongitude", "73/1 2/1 51/1");
  vips_image_set_int(tagged.get(), VIPS_META_ORIENTATION, 6);
  static const char kXmp[] =
      "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF "
      "xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">"
      "<rdf:Description xmlns:dc=\"http://purl.org/dc/elements/1.1/\" dc:creator=\"Secret Source\"/>"
      "</rdf:RDF></x:xmpmeta>";
  vips_image_set_blob_copy(tagged.get(), VIPS_META_XMP_NAME, kXmp, sizeof kXmp - 1);
  VipsBlob* profile = nullptr;
  EXPECT_EQ(vips_profile_load("srgb", &profile, nullptr), 0) << vips_error_buffer();
  size_t profile_size = 0;
  const void* profile_data = vips_blob_get(profile, &profile_size);
  vips_image_set_blob_copy(tagged.get(), VIPS_META_ICC_NAME, profile_data, profile_size);
  vips_area_unref(reinterpret_cast<VipsArea*>(profile));
  return Jpeg(tagged);
}

TEST_F(MediaTest, TheTestPhotoReallyCarriesGpsXmpAndAProfile) {
  const std::string upload = PhoneJpegWithGps();
  EXPECT_TRUE(Contains(upload, "Exif"));
  EXPECT_TRUE(Contains(upload, "ICC_PROFILE"));
  EXPECT_TRUE(Contains(upload, "Secret Source"));
  ImagePtr image = Reload(upload);
  EXPECT_NE(vips_image_get_typeof(image.get(), "exif-ifd3-GPSLatitude"), 0u);
  int orientation = 0;
  EXPECT_EQ(vips_image_get_int(image.get(), VIPS_META_ORIENTATION, &orientation), 0);
  EXPECT_EQ(orientation, 6);
}

TEST_F(MediaTest, GpsExifXmpAndIccAreGoneFromTheOriginalAndEveryVariant) {
  ProcessOptions options;
  options.widths = {50, 80};
  const auto processed = ProcessUpload(PhoneJpegWithGps(), options);
  ASSERT_TRUE(processed.ok()) << processed.status().ToString();
  EXPECT_EQ(processed->type, ImageType::kJpeg);
  ExpectNoMetadata(processed->original);
  EXPECT_FALSE(Contains(processed->original, "Secret Source"));
  ASSERT_EQ(processed->variants.size(), 5u);
  for (const Variant& variant : processed->variants) {
    SCOPED_TRACE(variant.width);
    ExpectNoMetadata(variant.bytes);
    EXPECT_FALSE(Contains(variant.bytes, "Secret Source"));
  }
}

TEST_F(MediaTest, ExifOrientationIsAppliedToThePixels) {
  ProcessOptions options;
  options.widths = {50};
  const auto processed = ProcessUpload(PhoneJpegWithGps(), options);
  ASSERT_TRUE(processed.ok()) << processed.status().ToString();
  // Stored 200 × 100 on its side; upright it is 100 × 200 with the left
  // (red) half at the top.
  EXPECT_EQ(processed->width, 100);
  EXPECT_EQ(processed->height, 200);
  for (const std::string* bytes : {&processed->original, &processed->variants.back().bytes}) {
    ImagePtr image = Reload(*bytes);
    ASSERT_EQ(vips_image_get_width(image.get()), 100);
    ASSERT_EQ(vips_image_get_height(image.get()), 200);
    const std::vector<double> top = PixelAt(image, 50, 30);
    const std::vector<double> bottom = PixelAt(image, 50, 170);
    EXPECT_GT(top[0], 180);
    EXPECT_LT(top[2], 80);
    EXPECT_LT(bottom[0], 80);
    EXPECT_GT(bottom[2], 180);
  }
  const Variant& small = processed->variants.front();
  EXPECT_EQ(small.width, 50);
  EXPECT_EQ(small.height, 100);
}

TEST_F(MediaTest, PngTextChunksAreStripped) {
  ImagePtr image = Copy(Photo(120, 80));
  vips_image_set_string(image.get(), "png-comment-0-Author", "Secret Source");
  const std::string upload = Png(image);
  // libvips compresses the text (zTXt), so look for it on reload.
  ASSERT_NE(vips_image_get_typeof(Reload(upload).get(), "png-comment-0-Author"), 0u);
  ProcessOptions options;
  options.widths = {60};
  const auto processed = ProcessUpload(upload, options);
  ASSERT_TRUE(processed.ok()) << processed.status().ToString();
  ExpectNoMetadata(processed->original);
  for (const Variant& variant : processed->variants) ExpectNoMetadata(variant.bytes);
}

// ---- Sizes, types and alpha ------------------------------------------------------------

TEST_F(MediaTest, DefaultWidthsMakeTheOriginalTypeAndWebpThenAFullSizeWebp) {
  const auto processed = ProcessUpload(Jpeg(Photo(2000, 1000)));
  ASSERT_TRUE(processed.ok()) << processed.status().ToString();
  EXPECT_EQ(processed->width, 2000);
  EXPECT_EQ(processed->height, 1000);
  EXPECT_FALSE(processed->animated);
  EXPECT_EQ(SniffImageType(processed->original), ImageType::kJpeg);
  struct Expected {
    int width, height;
    ImageType type;
  };
  const std::vector<Expected> expected = {
      {480, 240, ImageType::kJpeg},   {480, 240, ImageType::kWebp},  {960, 480, ImageType::kJpeg},
      {960, 480, ImageType::kWebp},   {1600, 800, ImageType::kJpeg}, {1600, 800, ImageType::kWebp},
      {2000, 1000, ImageType::kWebp},
  };
  ASSERT_EQ(processed->variants.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    const Variant& variant = processed->variants[i];
    SCOPED_TRACE(i);
    EXPECT_EQ(variant.width, expected[i].width);
    EXPECT_EQ(variant.height, expected[i].height);
    EXPECT_EQ(variant.type, expected[i].type);
    EXPECT_EQ(SniffImageType(variant.bytes), expected[i].type);
    ImagePtr decoded = Reload(variant.bytes);
    EXPECT_EQ(vips_image_get_width(decoded.get()), expected[i].width);
    EXPECT_EQ(vips_image_get_height(decoded.get()), expected[i].height);
  }
  // Smaller variants are smaller files.
  EXPECT_LT(processed->variants[0].bytes.size(), processed->variants[4].bytes.size());
}

TEST_F(MediaTest, WidthsNotSmallerThanTheImageAreSkippedAndWidthsAreSorted) {
  ProcessOptions options;
  options.widths = {960, 2000, 480, 480};
  const auto processed = ProcessUpload(Jpeg(Photo(960, 640)), options);
  ASSERT_TRUE(processed.ok()) << processed.status().ToString();
  ASSERT_EQ(processed->variants.size(), 3u);
  EXPECT_EQ(processed->variants[0].width, 480);
  EXPECT_EQ(processed->variants[0].type, ImageType::kJpeg);
  EXPECT_EQ(processed->variants[1].width, 480);
  EXPECT_EQ(processed->variants[1].type, ImageType::kWebp);
  EXPECT_EQ(processed->variants[2].width, 960);
  EXPECT_EQ(processed->variants[2].height, 640);
  EXPECT_EQ(processed->variants[2].type, ImageType::kWebp);
}

TEST_F(MediaTest, ASmallImageGetsOnlyTheFullSizeWebp) {
  const auto processed = ProcessUpload(Png(Photo(64, 48)));
  ASSERT_TRUE(processed.ok()) << processed.status().ToString();
  ASSERT_EQ(processed->variants.size(), 1u);
  EXPECT_EQ(processed->variants[0].width, 64);
  EXPECT_EQ(processed->variants[0].height, 48);
  EXPECT_EQ(processed->variants[0].type, ImageType::kWebp);
}

TEST_F(MediaTest, PngAlphaSurvivesIntoWebp) {
  // Opaque red on the left, fully transparent on the right.
  ImagePtr upload = SideBySide(Solid(150, 200, {255, 0, 0, 255}), Solid(150, 200, {0, 0, 0, 0}));
  ProcessOptions options;
  options.widths = {120};
  const auto processed = ProcessUpload(Png(upload), options);
  ASSERT_TRUE(processed.ok()) << processed.status().ToString();
  ASSERT_EQ(processed->variants.size(), 3u);
  EXPECT_EQ(processed->variants[0].type, ImageType::kPng);
  for (const std::string* bytes : {&processed->original, &processed->variants[0].bytes,
                                   &processed->variants[1].bytes, &processed->variants[2].bytes}) {
    ImagePtr image = Reload(*bytes);
    ASSERT_TRUE(vips_image_hasalpha(image.get()));
    const int width = vips_image_get_width(image.get());
    EXPECT_GT(PixelAt(image, width / 8, 10).back(), 250) << "left stays opaque";
    EXPECT_LT(PixelAt(image, width - width / 8, 10).back(), 5) << "right stays transparent";
  }
}

TEST_F(MediaTest, GreyJpegStaysGreyAndMakesAWebp) {
  ImagePtr grey = SideBySide(Solid(300, 100, {30}), Solid(300, 100, {220}));
  ProcessOptions options;
  options.widths = {200};
  const auto processed = ProcessUpload(Jpeg(grey), options);
  ASSERT_TRUE(processed.ok()) << processed.status().ToString();
  EXPECT_EQ(vips_image_get_bands(Reload(processed->original).get()), 1);
  ASSERT_EQ(processed->variants.size(), 3u);
  ImagePtr webp = Reload(processed->variants[1].bytes);
  EXPECT_EQ(vips_image_get_width(webp.get()), 200);
  EXPECT_NEAR(PixelAt(webp, 20, 30)[0], 30, 12);
}

TEST_F(MediaTest, CmykJpegBecomesSrgb) {
  ImagePtr rgb = Solid(200, 100, {200, 40, 40});
  ImagePtr cmyk = Make(
      [&](VipsImage** out) { return vips_colourspace(rgb.get(), out, VIPS_INTERPRETATION_CMYK, nullptr); });
  const std::string upload = Jpeg(cmyk);
  ASSERT_EQ(vips_image_get_bands(Reload(upload).get()), 4);
  ProcessOptions options;
  options.widths = {};
  const auto processed = ProcessUpload(upload, options);
  ASSERT_TRUE(processed.ok()) << processed.status().ToString();
  ImagePtr original = Reload(processed->original);
  EXPECT_EQ(vips_image_get_bands(original.get()), 3);
  const std::vector<double> pixel = PixelAt(original, 100, 50);
  EXPECT_GT(pixel[0], 150);
  EXPECT_LT(pixel[1], 100);
  ExpectNoMetadata(processed->original);
}

TEST_F(MediaTest, SixteenBitPngBecomesEightBit) {
  ImagePtr eight = Solid(100, 60, {10, 128, 250});
  ImagePtr wide = Make([&](VipsImage** out) {
    return vips_colourspace(eight.get(), out, VIPS_INTERPRETATION_RGB16, nullptr);
  });
  const std::string upload = Png(wide);
  ASSERT_EQ(vips_image_get_format(Reload(upload).get()), VIPS_FORMAT_USHORT);
  const auto processed = ProcessUpload(upload);
  ASSERT_TRUE(processed.ok()) << processed.status().ToString();
  ImagePtr original = Reload(processed->original);
  EXPECT_EQ(vips_image_get_format(original.get()), VIPS_FORMAT_UCHAR);
  EXPECT_NEAR(PixelAt(original, 50, 30)[1], 128, 2);
}

TEST_F(MediaTest, WebpUploadGetsOneVariantPerWidth) {
  ProcessOptions options;
  options.widths = {100, 200};
  const auto processed = ProcessUpload(Webp(Photo(400, 300)), options);
  ASSERT_TRUE(processed.ok()) << processed.status().ToString();
  EXPECT_EQ(processed->type, ImageType::kWebp);
  ASSERT_EQ(processed->variants.size(), 3u);
  EXPECT_EQ(processed->variants[0].width, 100);
  EXPECT_EQ(processed->variants[1].width, 200);
  EXPECT_EQ(processed->variants[2].width, 400);
  for (const Variant& variant : processed->variants) EXPECT_EQ(variant.type, ImageType::kWebp);
}

TEST_F(MediaTest, AnimatedGifKeepsEveryFrameInEveryVariant) {
  ProcessOptions options;
  options.widths = {32};
  const auto processed = ProcessUpload(Gif(Animation(64, 48, 3)), options);
  ASSERT_TRUE(processed.ok()) << processed.status().ToString();
  EXPECT_TRUE(processed->animated);
  EXPECT_EQ(processed->width, 64);
  EXPECT_EQ(processed->height, 48);
  ASSERT_EQ(processed->variants.size(), 3u);
  EXPECT_EQ(processed->variants[0].type, ImageType::kGif);
  EXPECT_EQ(processed->variants[0].height, 24);
  for (const std::string* bytes : {&processed->original, &processed->variants[0].bytes,
                                   &processed->variants[1].bytes, &processed->variants[2].bytes}) {
    ImagePtr image = Reload(*bytes);
    EXPECT_EQ(vips_image_get_n_pages(image.get()), 3);
    int* delays = nullptr;
    int count = 0;
    ASSERT_EQ(vips_image_get_array_int(image.get(), "delay", &delays, &count), 0);
    ASSERT_EQ(count, 3);
    EXPECT_EQ(delays[1], 100);
  }
}

// ---- Variant cache ------------------------------------------------------------------------

TEST_F(MediaTest, MakeVariantRebuildsEachVariantByteForByte) {
  ProcessOptions options;
  options.widths = {100, 250};
  for (const std::string& upload :
       {Jpeg(Photo(400, 300)), Png(Photo(300, 400)), Gif(Animation(300, 90, 2))}) {
    const auto processed = ProcessUpload(upload, options);
    ASSERT_TRUE(processed.ok()) << processed.status().ToString();
    for (const Variant& variant : processed->variants) {
      const auto rebuilt = MakeVariant(processed->original, variant.width, variant.type, options.quality);
      ASSERT_TRUE(rebuilt.ok()) << rebuilt.status().ToString();
      EXPECT_EQ(rebuilt->width, variant.width);
      EXPECT_EQ(rebuilt->height, variant.height);
      EXPECT_EQ(rebuilt->type, variant.type);
      EXPECT_TRUE(rebuilt->bytes == variant.bytes) << "width " << variant.width;
    }
  }
}

TEST_F(MediaTest, MakeVariantRefusesBadRequests) {
  const auto processed = ProcessUpload(Jpeg(Photo(300, 200)));
  ASSERT_TRUE(processed.ok());
  const std::string& original = processed->original;
  EXPECT_EQ(MakeVariant(original, 301, ImageType::kWebp, 82).status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(MakeVariant(original, 0, ImageType::kWebp, 82).status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(MakeVariant(original, 100, ImageType::kWebp, 0).status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(MakeVariant("not an image", 100, ImageType::kWebp, 82).status().code(),
            Status::Code::kCorruption);
  EXPECT_EQ(MakeVariant(original.substr(0, original.size() / 2), 100, ImageType::kWebp, 82).status().code(),
            Status::Code::kCorruption);
  const auto same_width = MakeVariant(original, 300, ImageType::kPng, 82);
  ASSERT_TRUE(same_width.ok()) << same_width.status().ToString();
  EXPECT_EQ(same_width->height, 200);
  EXPECT_EQ(SniffImageType(same_width->bytes), ImageType::kPng);
}

// ---- Refusals ---------------------------------------------------------------------------------

void ExpectRefused(const Result<ProcessedImage>& result, std::string_view message) {
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(result.status().message(), message);
}

TEST_F(MediaTest, TooLargeSaysBothSizes) {
  std::string upload = Jpeg(Photo(32, 32));
  upload.resize(12'900'000, '\0');  // 12.3 MB
  ExpectRefused(ProcessUpload(upload), "the file is 12.3 MB; the limit is 10 MB");
  ProcessOptions options;
  options.max_bytes = 500 * 1024;
  upload.resize(600 * 1024);
  ExpectRefused(ProcessUpload(upload, options), "the file is 600 KB; the limit is 500 KB");
  upload.resize(500 * 1024 + 10);
  ExpectRefused(ProcessUpload(upload, options), "the file is 512010 bytes; the limit is 512000 bytes");
}

TEST_F(MediaTest, RefusesWhatIsNotAnImage) {
  ExpectRefused(ProcessUpload(""), "the file is empty");
  ExpectRefused(ProcessUpload("Dear editor, please find my article attached.\n"),
                "the file is not a JPEG, PNG, WebP or GIF image");
  ExpectRefused(ProcessUpload("<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>"),
                "the file is an SVG drawing, not a JPEG, PNG, WebP or GIF image");
  ExpectRefused(ProcessUpload("\xEF\xBB\xBF<?xml version=\"1.0\"?>\n<svg/>"),
                "the file is an SVG drawing, not a JPEG, PNG, WebP or GIF image");
  ExpectRefused(ProcessUpload("<!DOCTYPE html><title>x</title>"),
                "the file is an HTML page, not a JPEG, PNG, WebP or GIF image");
  ExpectRefused(ProcessUpload("%PDF-1.4\n%..."),
                "the file is a PDF document, not a JPEG, PNG, WebP or GIF image");
  ExpectRefused(ProcessUpload(std::string("\0\0\0\x18"
                                          "ftypheic\0\0\0\0",
                                          16)),
                "the file is a HEIC image, not a JPEG, PNG, WebP or GIF image");
}

TEST_F(MediaTest, RefusesTruncatedAndCorruptImages) {
  const std::string jpeg = Jpeg(Photo(600, 400));
  ASSERT_GT(jpeg.size(), 20000u);
  ExpectRefused(ProcessUpload(jpeg.substr(0, jpeg.size() / 2)),
                "the file looks like a JPEG image but is damaged or incomplete and cannot be read");
  ExpectRefused(ProcessUpload(jpeg.substr(0, 200)),
                "the file looks like a JPEG image but is damaged or incomplete and cannot be read");
  const std::string png = Png(Photo(600, 400));
  ExpectRefused(ProcessUpload(png.substr(0, png.size() / 2)),
                "the file looks like a PNG image but is damaged or incomplete and cannot be read");
  std::string scrambled = png;
  for (size_t i = scrambled.size() / 3; i < scrambled.size() / 2; ++i)
    scrambled[i] = static_cast<char>(i * 7);
  ExpectRefused(ProcessUpload(scrambled),
                "the file looks like a PNG image but is damaged or incomplete and cannot be read");
  ExpectRefused(ProcessUpload("GIF89a\x10\x00\x10\x00"),
                "the file looks like a GIF image but is damaged or incomplete and cannot be read");
}

// ---- Decompression bombs ----------------------------------------------------------------------

void AppendBigEndian(std::string& out, uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((value >> shift) & 0xFF);
}

uint32_t Crc32(std::string_view bytes) {
  uint32_t crc = 0xFFFFFFFFu;
  for (unsigned char byte : bytes) {
    crc ^= byte;
    for (int bit = 0; bit < 8; ++bit) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
  }
  return ~crc;
}

void AppendChunk(std::string& png, std::string_view type, std::string_view data) {
  AppendBigEndian(png, static_cast<uint32_t>(data.size()));
  std::string body(type);
  body += data;
  png += body;
  AppendBigEndian(png, Crc32(body));
}

// A valid PNG header announcing width × height RGB pixels, followed by a
// few bytes of compressed data: a bomb's header without the bomb.
std::string PngHeader(uint32_t width, uint32_t height) {
  std::string png = "\x89PNG\r\n\x1A\n";
  std::string header;
  AppendBigEndian(header, width);
  AppendBigEndian(header, height);
  header += std::string("\x08\x02\x00\x00\x00", 5);  // 8 bits, RGB, deflate, no filter, no interlace
  AppendChunk(png, "IHDR", header);
  AppendChunk(png, "IDAT", std::string("\x78\x9C\x03\x00\x00\x00\x00\x01", 8));
  AppendChunk(png, "IEND", "");
  return png;
}

TEST_F(MediaTest, RefusesADecompressionBombFromItsHeader) {
  // 10 gigapixels: 30 GB once decoded. Refused before any of it is allocated
  // (an attempt would fail the test by running out of memory).
  ExpectRefused(ProcessUpload(PngHeader(100'000, 100'000)),
                "the image is 100000 × 100000 pixels (10000 megapixels); the limit is 50 megapixels");
  ExpectRefused(ProcessUpload(PngHeader(50'000, 1'001)),
                "the image is 50000 × 1001 pixels (50050000 pixels); the limit is 50000000 pixels");
  // The limit counts every frame of an animation.
  ProcessOptions options;
  options.max_pixels = 5'000;
  ExpectRefused(
      ProcessUpload(Gif(Animation(64, 48, 3)), options),
      "the animation has 3 frames of 64 × 48 pixels (9216 pixels in all); the limit is 5000 pixels");
  options.max_pixels = 10'000;
  EXPECT_TRUE(ProcessUpload(Gif(Animation(64, 48, 3)), options).ok());
}

// ---- Options and threads ------------------------------------------------------------------------

TEST_F(MediaTest, BadOptionsAreRefused) {
  const std::string upload = Jpeg(Photo(64, 64));
  ProcessOptions options;
  options.quality = 0;
  EXPECT_EQ(ProcessUpload(upload, options).status().message(),
            "media: quality must be between 1 and 100, not 0");
  options = {};
  options.original_quality = 101;
  EXPECT_EQ(ProcessUpload(upload, options).status().code(), Status::Code::kInvalidArgument);
  options = {};
  options.widths = {480, -1};
  EXPECT_EQ(ProcessUpload(upload, options).status().code(), Status::Code::kInvalidArgument);
  options = {};
  options.widths = {};
  const auto no_widths = ProcessUpload(upload, options);
  ASSERT_TRUE(no_widths.ok());
  EXPECT_EQ(no_widths->variants.size(), 1u);
}

TEST_F(MediaTest, ManyThreadsAtOnceGetTheSameResultsAsOne) {
  ProcessOptions options;
  options.widths = {100, 200};
  const std::vector<std::string> uploads = {Jpeg(Photo(400, 300)), Png(Photo(300, 300)),
                                            Gif(Animation(240, 60, 2)), Webp(Photo(320, 200))};
  std::vector<std::string> expected;
  for (const std::string& upload : uploads) {
    const auto processed = ProcessUpload(upload, options);
    ASSERT_TRUE(processed.ok()) << processed.status().ToString();
    expected.push_back(processed->variants.front().bytes);
  }
  constexpr int kThreads = 4;
  constexpr int kRounds = 3;
  std::vector<int> matches(kThreads, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < kRounds; ++round) {
        const size_t which = static_cast<size_t>(t + round) % uploads.size();
        const auto processed = ProcessUpload(uploads[which], options);
        if (processed.ok() && processed->variants.front().bytes == expected[which]) ++matches[t];
        // A refusal in parallel must not disturb the others.
        (void)ProcessUpload(uploads[which].substr(0, uploads[which].size() / 2), options);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(matches[t], kRounds) << "thread " << t;
}

}  // namespace
}  // namespace chancery::media
