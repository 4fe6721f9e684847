// multipart/form-data: what browsers send, and what an attacker might.
#include <gtest/gtest.h>

#include <string>

#include "http/multipart.h"

namespace chancery::http {
namespace {

constexpr char kBoundary[] = "----WebKitFormBoundaryX3b9";

std::string FilePart(std::string_view name, std::string_view filename, std::string_view type, std::string_view data) {
  return "------WebKitFormBoundaryX3b9\r\nContent-Disposition: form-data; name=\"" + std::string(name) +
         "\"; filename=\"" + std::string(filename) + "\"\r\nContent-Type: " + std::string(type) + "\r\n\r\n" +
         std::string(data) + "\r\n";
}

std::string FieldPart(std::string_view name, std::string_view value) {
  return "------WebKitFormBoundaryX3b9\r\nContent-Disposition: form-data; name=\"" + std::string(name) + "\"\r\n\r\n" +
         std::string(value) + "\r\n";
}

constexpr char kClose[] = "------WebKitFormBoundaryX3b9--\r\n";

TEST(MultipartBoundaryTest, ReadsPlainAndQuotedBoundaries) {
  EXPECT_EQ(MultipartBoundary("multipart/form-data; boundary=----WebKitFormBoundaryX3b9").value(), kBoundary);
  EXPECT_EQ(MultipartBoundary("Multipart/Form-Data;boundary=\"a b:c\"").value(), "a b:c");
  EXPECT_EQ(MultipartBoundary("multipart/form-data; charset=utf-8; BOUNDARY=xyz").value(), "xyz");
}

TEST(MultipartBoundaryTest, RefusesMissingOrBadBoundaries) {
  EXPECT_FALSE(MultipartBoundary("multipart/form-data").ok());
  EXPECT_FALSE(MultipartBoundary("multipart/form-data; boundary=").ok());
  EXPECT_FALSE(MultipartBoundary("multipart/form-data; boundary=\"\"").ok());
  EXPECT_FALSE(MultipartBoundary("application/x-www-form-urlencoded").ok());
  EXPECT_FALSE(MultipartBoundary("multipart/mixed; boundary=abc").ok());
  EXPECT_FALSE(MultipartBoundary(std::string("multipart/form-data; boundary=") + std::string(71, 'a')).ok());
  EXPECT_TRUE(MultipartBoundary(std::string("multipart/form-data; boundary=") + std::string(70, 'a')).ok());
  EXPECT_FALSE(MultipartBoundary("multipart/form-data; boundary=\"abc\r\nX: y\"").ok());
  EXPECT_FALSE(MultipartBoundary("multipart/form-data; boundary=\"ends \"").ok());
  EXPECT_FALSE(MultipartBoundary("multipart/form-data; boundary=\"unterminated").ok());
  auto missing = MultipartBoundary("multipart/form-data");
  EXPECT_NE(missing.status().message().find("no boundary"), std::string::npos) << missing.status().message();
}

TEST(ParseMultipartTest, ParsesFieldsAndFiles) {
  const std::string body = FieldPart("csrf", "tok") +
                           FilePart("file", "Map of CPEC.jpg", "image/jpeg", std::string("\xFF\xD8\x00\r\n\xFF\xD9", 7)) +
                           FieldPart("empty", "") + kClose;
  auto parts = ParseMultipart(body, kBoundary);
  ASSERT_TRUE(parts.ok()) << parts.status().message();
  ASSERT_EQ(parts->size(), 3u);
  EXPECT_EQ((*parts)[0].name, "csrf");
  EXPECT_EQ((*parts)[0].data, "tok");
  EXPECT_FALSE((*parts)[0].filename.has_value());
  EXPECT_EQ((*parts)[0].content_type, "text/plain");
  EXPECT_EQ((*parts)[1].name, "file");
  EXPECT_EQ((*parts)[1].filename, "Map of CPEC.jpg");
  EXPECT_EQ((*parts)[1].content_type, "image/jpeg");
  EXPECT_EQ((*parts)[1].data, std::string("\xFF\xD8\x00\r\n\xFF\xD9", 7));
  EXPECT_EQ((*parts)[2].data, "");
  ASSERT_NE(FindPart(*parts, "file"), nullptr);
  EXPECT_EQ(FindPart(*parts, "file")->filename, "Map of CPEC.jpg");
  EXPECT_EQ(FindPart(*parts, "nope"), nullptr);
}

TEST(ParseMultipartTest, EmptyFileFieldHasEmptyFilename) {
  const std::string body = FilePart("file", "", "application/octet-stream", "") + kClose;
  auto parts = ParseMultipart(body, kBoundary);
  ASSERT_TRUE(parts.ok()) << parts.status().message();
  ASSERT_EQ(parts->size(), 1u);
  EXPECT_EQ((*parts)[0].filename, "");
  EXPECT_EQ((*parts)[0].data, "");
}

TEST(ParseMultipartTest, IgnoresPreambleEpilogueAndTrailingSpace) {
  const std::string body = "This is a preamble.\r\n------WebKitFormBoundaryX3b9 \t\r\n"
                           "content-disposition: FORM-DATA; NAME=a\r\n\r\n1\r\n"
                           "------WebKitFormBoundaryX3b9--\r\nepilogue, ignored";
  auto parts = ParseMultipart(body, kBoundary);
  ASSERT_TRUE(parts.ok()) << parts.status().message();
  ASSERT_EQ(parts->size(), 1u);
  EXPECT_EQ((*parts)[0].name, "a");
  EXPECT_EQ((*parts)[0].data, "1");
}

TEST(ParseMultipartTest, CloseDelimiterWithoutFinalCrlfIsAccepted) {
  const std::string body = FieldPart("a", "1") + "------WebKitFormBoundaryX3b9--";
  auto parts = ParseMultipart(body, kBoundary);
  ASSERT_TRUE(parts.ok()) << parts.status().message();
  EXPECT_EQ(parts->size(), 1u);
}

TEST(ParseMultipartTest, BoundaryLookalikeInsideDataStaysData) {
  // The boundary's text followed by something other than CRLF or "--" is
  // not a delimiter; nor is the boundary without the CRLF before it.
  const std::string data =
      "line\r\n------WebKitFormBoundaryX3b9X not a delimiter\r\n"
      "mid ------WebKitFormBoundaryX3b9\r\nstill data";
  const std::string body = FilePart("file", "a.bin", "application/octet-stream", data) + kClose;
  auto parts = ParseMultipart(body, kBoundary);
  ASSERT_TRUE(parts.ok()) << parts.status().message();
  ASSERT_EQ(parts->size(), 1u);
  EXPECT_EQ((*parts)[0].data, data);
}

TEST(ParseMultipartTest, QuotedFilenamesKeepBackslashesAndEscapedQuotes) {
  const std::string body =
      "------WebKitFormBoundaryX3b9\r\nContent-Disposition: form-data; name=\"file\"; "
      "filename=\"C:\\photos\\say \\\"cheese\\\".jpg\"\r\n\r\nx\r\n" +
      std::string(kClose);
  auto parts = ParseMultipart(body, kBoundary);
  ASSERT_TRUE(parts.ok()) << parts.status().message();
  EXPECT_EQ((*parts)[0].filename, "C:\\photos\\say \"cheese\".jpg");
}

TEST(ParseMultipartTest, RequestFormReadsContentType) {
  Request request;
  request.headers.Set("Content-Type", std::string("multipart/form-data; boundary=") + kBoundary);
  request.body = FieldPart("a", "1") + kClose;
  auto parts = ParseMultipartRequest(request);
  ASSERT_TRUE(parts.ok()) << parts.status().message();
  EXPECT_EQ(parts->size(), 1u);

  Request no_type;
  no_type.body = request.body;
  EXPECT_FALSE(ParseMultipartRequest(no_type).ok());
}

// ---- Hostile and broken bodies ------------------------------------------------

void ExpectError(std::string_view body, std::string_view fragment, const MultipartLimits& limits = {}) {
  auto parts = ParseMultipart(body, kBoundary, limits);
  ASSERT_FALSE(parts.ok()) << "parsed " << parts->size() << " parts from: " << body.substr(0, 200);
  EXPECT_EQ(parts.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(parts.status().message().find(fragment), std::string::npos) << parts.status().message();
}

TEST(ParseMultipartTest, EmptyBodyOrNoBoundary) {
  ExpectError("", "boundary never appears");
  ExpectError("just some text\r\n", "boundary never appears");
  ExpectError("--otherboundary\r\nContent-Disposition: form-data; name=a\r\n\r\nx\r\n--otherboundary--", "never appears");
}

TEST(ParseMultipartTest, TruncatedBodies) {
  const std::string whole = FilePart("file", "a.jpg", "image/jpeg", "0123456789") + kClose;
  // Cut everywhere before the close delimiter is complete: never a success
  // that silently drops data, never a crash.
  const size_t close_at = whole.find("------WebKitFormBoundaryX3b9--");
  for (size_t n = 0; n < close_at + 30; ++n) {
    auto parts = ParseMultipart(std::string_view(whole).substr(0, n), kBoundary);
    EXPECT_FALSE(parts.ok()) << "cut at " << n;
  }
  ExpectError(std::string_view(whole).substr(0, whole.find("\r\n\r\n")), "ends inside a part's headers");
  ExpectError(std::string_view(whole).substr(0, close_at), "ends before the closing boundary");
}

TEST(ParseMultipartTest, BareLfLineEndingsAreRefused) {
  const std::string body =
      "------WebKitFormBoundaryX3b9\nContent-Disposition: form-data; name=\"a\"\n\n1\n------WebKitFormBoundaryX3b9--\n";
  ExpectError(body, "does not end with CRLF");
  // CRLF on the delimiter line but LF between the headers and the data.
  const std::string mixed =
      "------WebKitFormBoundaryX3b9\r\nContent-Disposition: form-data; name=\"a\"\n\n1\r\n------WebKitFormBoundaryX3b9--\r\n";
  auto parts = ParseMultipart(mixed, kBoundary);
  EXPECT_FALSE(parts.ok());
}

TEST(ParseMultipartTest, BareCrInDataIsKept) {
  const std::string body = FieldPart("a", "x\ry\n\rz\r") + kClose;
  auto parts = ParseMultipart(body, kBoundary);
  ASSERT_TRUE(parts.ok()) << parts.status().message();
  EXPECT_EQ((*parts)[0].data, "x\ry\n\rz\r");
}

TEST(ParseMultipartTest, HugeHeadersAreRefusedWithoutScanningThemAll) {
  MultipartLimits limits;
  limits.max_part_header_bytes = 1024;
  const std::string big = "------WebKitFormBoundaryX3b9\r\nContent-Disposition: form-data; name=\"a\"; x=\"" +
                          std::string(1 << 20, 'x') + "\"\r\n\r\n1\r\n" + kClose;
  ExpectError(big, "headers are longer than 1024 bytes", limits);

  std::string many = "------WebKitFormBoundaryX3b9\r\nContent-Disposition: form-data; name=\"a\"\r\n";
  for (int i = 0; i < 20; ++i) many += "X-Pad: " + std::to_string(i) + "\r\n";
  many += "\r\n1\r\n" + std::string(kClose);
  ExpectError(many, "more than 8 header lines");
}

TEST(ParseMultipartTest, TooManyParts) {
  MultipartLimits limits;
  limits.max_parts = 3;
  std::string body;
  for (int i = 0; i < 4; ++i) body += FieldPart("f" + std::to_string(i), "v");
  body += kClose;
  ExpectError(body, "more than 3 parts", limits);
  std::string three;
  for (int i = 0; i < 3; ++i) three += FieldPart("f" + std::to_string(i), "v");
  three += kClose;
  EXPECT_TRUE(ParseMultipart(three, kBoundary, limits).ok());
}

TEST(ParseMultipartTest, PartHeadersMustNameAFormDataField) {
  ExpectError("------WebKitFormBoundaryX3b9\r\n\r\ndata\r\n" + std::string(kClose), "no Content-Disposition");
  ExpectError("------WebKitFormBoundaryX3b9\r\nContent-Type: text/plain\r\n\r\ndata\r\n" + std::string(kClose),
              "no Content-Disposition");
  ExpectError("------WebKitFormBoundaryX3b9\r\nContent-Disposition: attachment; name=a\r\n\r\nd\r\n" +
                  std::string(kClose),
              "not form-data");
  ExpectError("------WebKitFormBoundaryX3b9\r\nContent-Disposition: form-data; filename=a.jpg\r\n\r\nd\r\n" +
                  std::string(kClose),
              "has no name");
  ExpectError("------WebKitFormBoundaryX3b9\r\nContent-Disposition: form-data; name=\"\"\r\n\r\nd\r\n" +
                  std::string(kClose),
              "has no name");
  ExpectError("------WebKitFormBoundaryX3b9\r\nContent-Disposition: form-data; name=\"a\r\n\r\nd\r\n" +
                  std::string(kClose),
              "unterminated");
  ExpectError("------WebKitFormBoundaryX3b9\r\nContent-Disposition: form-data; name=a\r\n"
              "Content-Disposition: form-data; name=b\r\n\r\nd\r\n" +
                  std::string(kClose),
              "two Content-Disposition");
}

TEST(ParseMultipartTest, MalformedHeaderLines) {
  ExpectError("------WebKitFormBoundaryX3b9\r\nX-Note: one\r\n two\r\nContent-Disposition: form-data; name=a\r\n\r\nd\r\n" +
                  std::string(kClose),
              "folded");
  ExpectError("------WebKitFormBoundaryX3b9\r\nContent-Disposition form-data; name=a\r\n\r\nd\r\n" +
                  std::string(kClose),
              "no name");
  ExpectError("------WebKitFormBoundaryX3b9\r\nContent-Disposition: form-data; name=a\r\nBad Name: x\r\n\r\nd\r\n" +
                  std::string(kClose),
              "invalid character");
  ExpectError(std::string("------WebKitFormBoundaryX3b9\r\nContent-Disposition: form-data; name=a\r\nX: a\0b\r\n\r\nd\r\n",
                          82) +
                  std::string(kClose),
              "control characters");
  ExpectError("------WebKitFormBoundaryX3b9\r\nContent-Disposition: form-data; name=a\nX: y\r\n\r\nd\r\n" +
                  std::string(kClose),
              "bare CR or LF");
}

TEST(ParseMultipartTest, GarbageAfterBoundaryIsNotADelimiter) {
  // "--boundaryjunk" opening the body is not a delimiter line; nothing else is.
  ExpectError("------WebKitFormBoundaryX3b9junk\r\nContent-Disposition: form-data; name=a\r\n\r\nd\r\n", "CRLF");
}

TEST(ParseMultipartTest, NeverReadsPastTheEnd) {
  // Every prefix and a few corruptions of a valid body: parse without
  // crashing (ASan checks the reads).
  const std::string whole = FieldPart("csrf", "tok") + FilePart("file", "a.gif", "image/gif", "GIF89a..") + kClose;
  for (size_t n = 0; n <= whole.size(); ++n) (void)ParseMultipart(std::string_view(whole).substr(0, n), kBoundary);
  for (size_t i = 0; i < whole.size(); ++i) {
    std::string broken = whole;
    broken[i] = broken[i] == '\r' ? '\n' : '\r';
    (void)ParseMultipart(broken, kBoundary);
  }
}

}  // namespace
}  // namespace chancery::http
