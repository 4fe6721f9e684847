#include <gtest/gtest.h>

#include <string>

#include "media/media.h"

namespace chancery::media {
namespace {

using namespace std::string_literals;

// ---- SniffImageType -------------------------------------------------------------

TEST(SniffImageTypeTest, KnowsEachTypeByItsMagicNumber) {
  EXPECT_EQ(SniffImageType("\xFF\xD8\xFF\xE0\x00\x10JFIF\x00"s), ImageType::kJpeg);
  EXPECT_EQ(SniffImageType("\xFF\xD8\xFF\xE1\x00\x10"
                           "Exif\x00"s),
            ImageType::kJpeg);
  EXPECT_EQ(SniffImageType("\x89PNG\r\n\x1A\n\x00\x00\x00\x0DIHDR"s), ImageType::kPng);
  EXPECT_EQ(SniffImageType("GIF89a\x01\x00\x01\x00"s), ImageType::kGif);
  EXPECT_EQ(SniffImageType("GIF87a\x01\x00\x01\x00"s), ImageType::kGif);
  EXPECT_EQ(SniffImageType("RIFF\x24\x00\x00\x00WEBPVP8 \x18\x00\x00\x00"s), ImageType::kWebp);
  EXPECT_EQ(SniffImageType("RIFF\x24\x00\x00\x00WEBPVP8L\x18\x00\x00\x00"s), ImageType::kWebp);
  EXPECT_EQ(SniffImageType("RIFF\x24\x00\x00\x00WEBPVP8X\x0A\x00\x00\x00"s), ImageType::kWebp);
}

TEST(SniffImageTypeTest, RefusesEverythingElse) {
  EXPECT_EQ(SniffImageType(""), std::nullopt);
  EXPECT_EQ(SniffImageType("\xFF\xD8"s), std::nullopt);     // too short to be sure
  EXPECT_EQ(SniffImageType("\x89PNG\r\n"s), std::nullopt);  // a cut signature
  EXPECT_EQ(SniffImageType("GIF90a"), std::nullopt);
  EXPECT_EQ(SniffImageType("RIFF\x24\x00\x00\x00WAVEfmt "s), std::nullopt);  // audio in a RIFF box
  EXPECT_EQ(SniffImageType("RIFF\x24\x00\x00\x00WEBPXXXX"s), std::nullopt);
  EXPECT_EQ(SniffImageType("<svg xmlns=\"http://www.w3.org/2000/svg\"/>"), std::nullopt);
  EXPECT_EQ(SniffImageType("<?xml version=\"1.0\"?><svg/>"), std::nullopt);
  EXPECT_EQ(SniffImageType("<!DOCTYPE html><html><img src=x onerror=alert(1)>"), std::nullopt);
  EXPECT_EQ(SniffImageType("%PDF-1.7\n"), std::nullopt);
  EXPECT_EQ(SniffImageType("just some text saved as photo.jpg\n"), std::nullopt);
  EXPECT_EQ(SniffImageType("\x00\x00\x00\x18"
                           "ftypheic"s),
            std::nullopt);
  // A JPEG's magic number later in the file does not count.
  EXPECT_EQ(SniffImageType("<html>\xFF\xD8\xFF"s), std::nullopt);
}

TEST(ImageTypeTest, MimeTypesAndExtensions) {
  EXPECT_EQ(MimeType(ImageType::kJpeg), "image/jpeg");
  EXPECT_EQ(MimeType(ImageType::kPng), "image/png");
  EXPECT_EQ(MimeType(ImageType::kWebp), "image/webp");
  EXPECT_EQ(MimeType(ImageType::kGif), "image/gif");
  EXPECT_EQ(Extension(ImageType::kJpeg), "jpg");
  EXPECT_EQ(Extension(ImageType::kPng), "png");
  EXPECT_EQ(Extension(ImageType::kWebp), "webp");
  EXPECT_EQ(Extension(ImageType::kGif), "gif");
}

// ---- SafeFileName ---------------------------------------------------------------

TEST(SafeFileNameTest, LowerCaseWordsJoinedByDashes) {
  EXPECT_EQ(SafeFileName("Map of CPEC (final).JPG", ImageType::kJpeg), "map-of-cpec-final.jpg");
  EXPECT_EQ(SafeFileName("IMG_2041.jpeg", ImageType::kJpeg), "img-2041.jpg");
  EXPECT_EQ(SafeFileName("  --Summit__2003!!  .png", ImageType::kPng), "summit-2003.png");
}

TEST(SafeFileNameTest, ExtensionComesFromTheSniffedType) {
  EXPECT_EQ(SafeFileName("chart.png", ImageType::kJpeg), "chart.jpg");
  EXPECT_EQ(SafeFileName("evil.php", ImageType::kGif), "evil.gif");
  EXPECT_EQ(SafeFileName("evil.php.jpg", ImageType::kJpeg), "evil-php.jpg");
  EXPECT_EQ(SafeFileName("no extension", ImageType::kWebp), "no-extension.webp");
}

TEST(SafeFileNameTest, OnlyAShortAlphanumericSuffixIsAnExtension) {
  EXPECT_EQ(SafeFileName("Dr. Rao speaking", ImageType::kJpeg), "dr-rao-speaking.jpg");
  EXPECT_EQ(SafeFileName("v1.2 draft", ImageType::kPng), "v1-2-draft.png");
  EXPECT_EQ(SafeFileName(".hidden", ImageType::kPng), "hidden.png");
}

TEST(SafeFileNameTest, DropsDirectoriesAndTraversal) {
  EXPECT_EQ(SafeFileName("../../etc/passwd", ImageType::kPng), "passwd.png");
  EXPECT_EQ(SafeFileName("C:\\Users\\amna\\Desktop\\Gwadar port.jpg", ImageType::kJpeg), "gwadar-port.jpg");
  EXPECT_EQ(SafeFileName("..", ImageType::kJpeg), "image.jpg");
}

TEST(SafeFileNameTest, AccentsAndApostrophes) {
  EXPECT_EQ(SafeFileName("Café Müller – Straße.jpg", ImageType::kJpeg), "cafe-muller-strasse.jpg");
  EXPECT_EQ(SafeFileName("Islamabad's view.png", ImageType::kPng), "islamabads-view.png");
  EXPECT_EQ(SafeFileName("Islamabad\u2019s view.png", ImageType::kPng), "islamabads-view.png");
  EXPECT_EQ(SafeFileName("3×4.png", ImageType::kPng), "3-4.png");
}

TEST(SafeFileNameTest, NothingUsableBecomesImage) {
  EXPECT_EQ(SafeFileName("", ImageType::kJpeg), "image.jpg");
  EXPECT_EQ(SafeFileName("(((  )))", ImageType::kJpeg), "image.jpg");
  EXPECT_EQ(SafeFileName("北京.png", ImageType::kPng), "image.png");
  EXPECT_EQ(SafeFileName("\xFF\xFE\x80.gif"s, ImageType::kGif), "image.gif");  // broken UTF-8
  EXPECT_EQ(SafeFileName("a\0b.jpg"s, ImageType::kJpeg), "a-b.jpg");
}

TEST(SafeFileNameTest, LongNamesAreCutWithoutATrailingDash) {
  std::string name;
  for (int i = 0; i < 30; ++i) name += "word ";
  const std::string safe = SafeFileName(name + ".jpg", ImageType::kJpeg);
  EXPECT_LE(safe.size(), 80u + 4u);
  EXPECT_EQ(safe.substr(safe.size() - 4), ".jpg");
  EXPECT_NE(safe[safe.size() - 5], '-');
  EXPECT_EQ(safe.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-."), std::string::npos);
}

}  // namespace
}  // namespace chancery::media
