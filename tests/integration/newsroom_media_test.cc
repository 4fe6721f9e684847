// End-to-end: the media library of issue 4 through HTTP against a real
// `chancery serve` — uploads (multipart, CSRF in the query), what is refused
// and why, metadata stripping seen from outside, search, details, roles,
// deletion, and the variant cache rebuilding itself.
#include <gtest/gtest.h>
#include <vips/vips.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "harness.h"
#include "newsroom_client.h"
#include "store/store.h"

namespace chancery::testing {
namespace {

namespace fs = std::filesystem;

constexpr char kBoundary[] = "----chanceryTestBoundary7";

bool Contains(const std::string& haystack, std::string_view needle) {
  return haystack.find(needle) != std::string::npos;
}

// ---- Images made with libvips, as tests/media does -----------------------------------

struct Unref {
  void operator()(VipsImage* image) const { g_object_unref(image); }
};
using ImagePtr = std::unique_ptr<VipsImage, Unref>;

// A width × height JPEG, a colour ramp, carrying GPS position and camera
// make in its EXIF.
std::string JpegWithGps(int width, int height) {
  EXPECT_EQ(VIPS_INIT("newsroom_media_test"), 0);
  VipsImage* grid = nullptr;
  EXPECT_EQ(vips_xyz(&grid, width, height, nullptr), 0) << vips_error_buffer();
  ImagePtr g(grid);
  VipsImage* three = nullptr;
  EXPECT_EQ(vips_bandjoin_const1(g.get(), &three, 90, nullptr), 0);
  ImagePtr t(three);
  VipsImage* bytes = nullptr;
  EXPECT_EQ(vips_cast_uchar(t.get(), &bytes, nullptr), 0);
  ImagePtr b(bytes);
  VipsImage* srgb = nullptr;
  EXPECT_EQ(vips_copy(b.get(), &srgb, "interpretation", VIPS_INTERPRETATION_sRGB, nullptr), 0);
  ImagePtr image(srgb);
  vips_image_set_string(image.get(), "exif-ifd0-Make", "PhoneMaker");
  vips_image_set_string(image.get(), "exif-ifd3-GPSLatitudeRef", "N");
  vips_image_set_string(image.get(), "exif-ifd3-GPSLatitude", "33/1 41/1 2/1");
  vips_image_set_string(image.get(), "exif-ifd3-GPSLongitudeRef", "E");
  vips_image_set_string(image.get(), "exif-ifd3-GPSLongitude", "73/1 2/1 51/1");
  void* out = nullptr;
  size_t size = 0;
  EXPECT_EQ(vips_jpegsave_buffer(image.get(), &out, &size, "Q", 85, nullptr), 0) << vips_error_buffer();
  std::string jpeg(static_cast<const char*>(out), size);
  g_free(out);
  return jpeg;
}

// ---- Uploads ------------------------------------------------------------------------

struct FilePart {
  std::string filename;
  std::string content_type;
  std::string bytes;
};

std::string Multipart(const FilePart& file, const std::vector<std::pair<std::string, std::string>>& fields = {}) {
  std::string body;
  for (const auto& [k, v] : fields)
    body += std::string("--") + kBoundary + "\r\nContent-Disposition: form-data; name=\"" + k + "\"\r\n\r\n" + v + "\r\n";
  body += std::string("--") + kBoundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" +
          file.filename + "\"\r\nContent-Type: " + file.content_type + "\r\n\r\n" + file.bytes + "\r\n";
  body += std::string("--") + kBoundary + "--\r\n";
  return body;
}

// Posts a multipart upload as `b`; the token goes in ?csrf= unless `csrf`
// says otherwise ("" sends none).
HttpResponse Upload(const Browser& b, const FilePart& file, const std::vector<std::pair<std::string, std::string>>& fields = {},
                    std::optional<std::string> csrf = std::nullopt, bool json = false) {
  const std::string token = csrf.value_or(b.csrf);
  auto headers = b.Cookie();
  headers.push_back({"Content-Type", std::string("multipart/form-data; boundary=") + kBoundary});
  if (json) headers.push_back({"Accept", "application/json"});
  auto r = HttpRequest(b.port, "POST", token.empty() ? "/admin/media" : "/admin/media?csrf=" + token, headers,
                       Multipart(file, fields));
  EXPECT_TRUE(r);
  return r.value_or(HttpResponse{});
}

// ---- The suite: one site, an admin and an author ---------------------------------------

class MediaTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    ASSERT_EQ(RunChancery({"init", "--data", dir_->path(), "--demo"}).exit_code, 0);
    for (const auto& [email, role] : std::vector<std::pair<std::string, std::string>>{
             {"admin@example.org", "admin"}, {"author@example.org", "author"}}) {
      auto r = RunChancery({"user", "add", "--data", dir_->path(), "--email", email, "--name", role, "--role", role},
                           std::string(kPassword) + "\n");
      ASSERT_EQ(r.exit_code, 0) << r.err;
    }
    {
      // A 1 MB limit, so "too large" needs no huge files.
      auto store = Store();
      ASSERT_TRUE(store->PutSetting("media.max_upload_mb", "1").ok());
    }
    server_ = new ServerProcess(dir_->path());
    ASSERT_TRUE(server_->started()) << server_->Log();
    photo_ = new std::string(JpegWithGps(1200, 700));
  }
  static void TearDownTestSuite() {
    delete server_;
    delete dir_;
    delete photo_;
  }

  static std::unique_ptr<store::Store> Store() {
    auto s = store::Store::Open({.url = "sqlite:" + dir_->path() + "/chancery.db"});
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() ? std::move(s).value() : nullptr;
  }

  static int64_t MediaCount() {
    auto list = Store()->ListMedia({.search = "", .uploaded_by_user_id = 0, .limit = 1000, .offset = 0});
    EXPECT_TRUE(list.ok());
    return list.ok() ? list->total : -1;
  }

  Browser As(const std::string& email) {
    auto b = SignIn(server_->port(), email);
    EXPECT_TRUE(b) << server_->Log();
    return b.value_or(Browser{});
  }

  // Uploads the GPS photo as `filename` and returns the stored name.
  std::string UploadPhoto(const Browser& b, const std::string& filename,
                          const std::vector<std::pair<std::string, std::string>>& fields = {}) {
    HttpResponse r = Upload(b, {filename, "image/jpeg", *photo_}, fields);
    EXPECT_EQ(r.status, 303) << r.body;
    const std::string location = r.Header("location");
    const std::string prefix = "/admin/media/";
    EXPECT_EQ(location.rfind(prefix, 0), 0u) << location;
    return location.substr(prefix.size(), location.find('?') - prefix.size());
  }

  static TempDir* dir_;
  static ServerProcess* server_;
  static std::string* photo_;
};

TempDir* MediaTest::dir_ = nullptr;
ServerProcess* MediaTest::server_ = nullptr;
std::string* MediaTest::photo_ = nullptr;

TEST_F(MediaTest, GpsIsGoneFromTheStoredOriginalAndFromVariants) {
  ASSERT_TRUE(Contains(*photo_, "Exif")) << "the test photo should carry EXIF";
  ASSERT_TRUE(Contains(*photo_, "PhoneMaker"));
  Browser admin = As("admin@example.org");
  const std::string name = UploadPhoto(admin, "Field Trip (GPS).JPG");
  EXPECT_EQ(name, "field-trip-gps.jpg");

  auto stored = Store()->FindMedia(name);
  ASSERT_TRUE(stored.ok() && stored.value());
  EXPECT_EQ(stored.value()->width, 1200);
  EXPECT_EQ(stored.value()->height, 700);
  EXPECT_EQ(stored.value()->mime_type, "image/jpeg");
  EXPECT_FALSE(Contains(stored.value()->bytes, "Exif"));
  EXPECT_FALSE(Contains(stored.value()->bytes, "PhoneMaker"));

  HttpResponse original = admin.Get("/media/" + name);
  EXPECT_EQ(original.status, 200);
  EXPECT_FALSE(Contains(original.body, "Exif"));
  for (const std::string variant : {"/media/480w/field-trip-gps.jpg", "/media/960w/field-trip-gps.webp",
                                    "/media/1200w/field-trip-gps.webp"}) {
    HttpResponse r = HttpGet(server_->port(), variant).value_or(HttpResponse{});
    EXPECT_EQ(r.status, 200) << variant;
    EXPECT_GT(r.body.size(), 100u) << variant;
    EXPECT_FALSE(Contains(r.body, "Exif")) << variant;
    EXPECT_FALSE(Contains(r.body, "PhoneMaker")) << variant;
    EXPECT_NE(r.Header("etag"), "") << variant;
    EXPECT_EQ(r.Header("cache-control"), "public, max-age=2592000") << variant;
    auto again = HttpGet(server_->port(), variant, {{"If-None-Match", r.Header("etag")}});
    ASSERT_TRUE(again);
    EXPECT_EQ(again->status, 304) << variant;
  }
  EXPECT_EQ(HttpGet(server_->port(), "/media/480w/field-trip-gps.webp")->Header("content-type"), "image/webp");
  // Sizes that are not variants of this image are not made on demand.
  EXPECT_EQ(HttpGet(server_->port(), "/media/2000w/field-trip-gps.webp")->status, 404);
  EXPECT_EQ(HttpGet(server_->port(), "/media/500w/field-trip-gps.jpg")->status, 404);
  EXPECT_EQ(HttpGet(server_->port(), "/media/480w/field-trip-gps.png")->status, 404);
  EXPECT_EQ(HttpGet(server_->port(), "/media/480w/no-such-image.webp")->status, 404);
}

TEST_F(MediaTest, AVariantIsRebuiltAfterItsCacheFileIsDeleted) {
  Browser admin = As("admin@example.org");
  const std::string name = UploadPhoto(admin, "rebuild.jpg");
  const fs::path cached = fs::path(dir_->path()) / "cache" / "media" / "960" / "rebuild.webp";
  ASSERT_TRUE(fs::exists(cached)) << "variants are written at upload";
  const std::string before = ReadFile(cached.string());
  fs::remove(cached);
  HttpResponse r = HttpGet(server_->port(), "/media/960w/rebuild.webp").value_or(HttpResponse{});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, before) << "rebuilt byte for byte";
  EXPECT_TRUE(fs::exists(cached)) << "and cached again";
  // No temporary files are left behind.
  for (const auto& entry : fs::directory_iterator(cached.parent_path()))
    EXPECT_EQ(entry.path().filename().string().find(".tmp"), std::string::npos) << entry.path();
}

TEST_F(MediaTest, ATextFileNamedJpgIs422AndNothingIsStored) {
  Browser admin = As("admin@example.org");
  const int64_t before = MediaCount();
  HttpResponse r = Upload(admin, {"photo.jpg", "image/jpeg", "Just some text, honestly.\n"});
  EXPECT_EQ(r.status, 422);
  EXPECT_TRUE(Contains(r.body, "not a JPEG, PNG, WebP or GIF")) << r.body;
  EXPECT_TRUE(Contains(r.body, "id=\"media-error\""));
  EXPECT_EQ(MediaCount(), before);

  HttpResponse json = Upload(admin, {"photo.jpg", "image/jpeg", "GIF89a but not really"}, {}, std::nullopt, true);
  EXPECT_EQ(json.status, 422);
  EXPECT_TRUE(Contains(json.Header("content-type"), "application/json"));
  EXPECT_TRUE(Contains(json.body, "\"error\""));
  EXPECT_EQ(MediaCount(), before);

  HttpResponse empty = Upload(admin, {"", "application/octet-stream", ""});
  EXPECT_EQ(empty.status, 422);
  EXPECT_TRUE(Contains(empty.body, "Choose an image file"));
  EXPECT_EQ(MediaCount(), before);
}

TEST_F(MediaTest, TooLargeIsRefusedClearlyAndNothingIsStored) {
  Browser admin = As("admin@example.org");
  const int64_t before = MediaCount();
  // Over media.max_upload_mb (1 MB here): the page says so.
  HttpResponse r = Upload(admin, {"big.jpg", "image/jpeg", std::string(1536 * 1024, 'x')});
  EXPECT_EQ(r.status, 413);
  EXPECT_TRUE(Contains(r.body, "The file is 1.5 MB; the limit is 1 MB.")) << r.body.substr(0, 2000);
  // Far over: the server refuses before reading the body.
  HttpResponse huge = Upload(admin, {"huge.jpg", "image/jpeg", std::string(4 << 20, 'x')});
  EXPECT_EQ(huge.status, 413);
  EXPECT_EQ(MediaCount(), before);
  // Other routes keep the ordinary 1 MiB body limit.
  auto form = HttpRequest(server_->port(), "POST", "/admin/media/x.jpg",
                          {{"Content-Type", "application/x-www-form-urlencoded"}}, std::string(2 << 20, 'a'));
  ASSERT_TRUE(form);
  EXPECT_EQ(form->status, 413);
}

TEST_F(MediaTest, MissingOrWrongCsrfIs403AndNothingIsStored) {
  Browser admin = As("admin@example.org");
  const int64_t before = MediaCount();
  EXPECT_EQ(Upload(admin, {"a.jpg", "image/jpeg", *photo_}, {}, std::string()).status, 403);
  EXPECT_EQ(Upload(admin, {"a.jpg", "image/jpeg", *photo_}, {}, std::string("forged")).status, 403);
  EXPECT_EQ(Upload(admin, {"a.jpg", "image/jpeg", *photo_}, {{"csrf", admin.csrf}}, std::string()).status, 403)
      << "a csrf field inside the multipart body is not read";
  EXPECT_EQ(MediaCount(), before);
  // Signed out: sent to sign in, nothing stored.
  auto anonymous = HttpRequest(server_->port(), "POST", "/admin/media?csrf=" + admin.csrf,
                               {{"Content-Type", std::string("multipart/form-data; boundary=") + kBoundary}},
                               Multipart({"a.jpg", "image/jpeg", *photo_}));
  ASSERT_TRUE(anonymous);
  EXPECT_EQ(anonymous->status, 303);
  EXPECT_EQ(MediaCount(), before);
}

TEST_F(MediaTest, SearchFindsByCreditAndAltAndNamesAreDeduplicated) {
  Browser admin = As("admin@example.org");
  const std::string first = UploadPhoto(admin, "Harbour.jpg", {{"alt", "Cranes over the Gwadar harbour"}, {"credit", "Zubaida Qureshi"}});
  const std::string second = UploadPhoto(admin, "harbour.jpg");
  EXPECT_EQ(first, "harbour.jpg");
  EXPECT_EQ(second, "harbour-2.jpg");

  HttpResponse by_credit = admin.Get("/admin/media?q=qureshi");
  EXPECT_EQ(by_credit.status, 200);
  EXPECT_TRUE(Contains(by_credit.body, "id=\"media-harbour.jpg\""));
  EXPECT_FALSE(Contains(by_credit.body, "id=\"media-harbour-2.jpg\""));
  HttpResponse by_alt = admin.Get("/admin/media?q=Gwadar");
  EXPECT_TRUE(Contains(by_alt.body, "id=\"media-harbour.jpg\""));
  HttpResponse by_name = admin.Get("/admin/media?q=harbour-2");
  EXPECT_TRUE(Contains(by_name.body, "id=\"media-harbour-2.jpg\""));
  EXPECT_FALSE(Contains(by_name.body, "id=\"media-harbour.jpg\""));
  HttpResponse none = admin.Get("/admin/media?q=nothing-like-this");
  EXPECT_TRUE(Contains(none.body, "id=\"media-empty\""));
  // The grid shows dimensions, alt and credit.
  HttpResponse all = admin.Get("/admin/media");
  EXPECT_TRUE(Contains(all.body, "1200 × 700"));
  EXPECT_TRUE(Contains(all.body, "Credit: Zubaida Qureshi"));
}

TEST_F(MediaTest, DetailsAreEditedAndAuthorsEditOnlyTheirOwn) {
  Browser admin = As("admin@example.org");
  Browser author = As("author@example.org");
  const std::string admins = UploadPhoto(admin, "admins.jpg");
  const std::string authors = UploadPhoto(author, "authors.jpg");

  HttpResponse page = author.Get("/admin/media/" + admins);
  EXPECT_EQ(page.status, 200);
  EXPECT_FALSE(Contains(page.body, "id=\"media-details-form\""));
  EXPECT_EQ(author.Post("/admin/media/" + admins, {{"alt", "x"}}).status, 403);
  EXPECT_EQ(author.Post("/admin/media/" + admins + "/delete", {}).status, 403);

  HttpResponse saved = author.Post("/admin/media/" + authors,
                                   {{"alt", "A ramp of colour"}, {"credit", "Auden"}, {"caption", "Line one\nline two"}});
  EXPECT_EQ(saved.status, 303);
  auto details = Store()->FindMediaDetails(authors);
  ASSERT_TRUE(details.ok() && details.value());
  EXPECT_EQ(details.value()->alt, "A ramp of colour");
  EXPECT_EQ(details.value()->credit, "Auden");
  EXPECT_EQ(details.value()->caption, "Line one\nline two");
  HttpResponse shown = author.Get("/admin/media/" + authors);
  EXPECT_TRUE(Contains(shown.body, "![A ramp of colour](/media/" + authors + ")"));

  // Without the token nothing changes.
  auto forged = HttpRequest(server_->port(), "POST", "/admin/media/" + authors,
                            {{"Cookie", "chancery_session=" + admin.session},
                             {"Content-Type", "application/x-www-form-urlencoded"}},
                            "alt=changed");
  ASSERT_TRUE(forged);
  EXPECT_EQ(forged->status, 403);
  EXPECT_EQ(Store()->FindMediaDetails(authors).value()->alt, "A ramp of colour");

  // Too long: 422, the field marked, nothing saved.
  HttpResponse bad = admin.Post("/admin/media/" + authors, {{"alt", std::string(1001, 'a')}});
  EXPECT_EQ(bad.status, 422);
  EXPECT_TRUE(Contains(bad.body, "id=\"media-alt-error\""));
  EXPECT_EQ(Store()->FindMediaDetails(authors).value()->alt, "A ramp of colour");
  // Editors and admins may change anyone's.
  EXPECT_EQ(admin.Post("/admin/media/" + authors, {{"alt", "Edited by the desk"}}).status, 303);
  EXPECT_EQ(Store()->FindMediaDetails(authors).value()->alt, "Edited by the desk");
}

TEST_F(MediaTest, DeleteIsRefusedWhileAnArticleUsesTheImage) {
  Browser admin = As("admin@example.org");
  const std::string name = UploadPhoto(admin, "in-use.jpg");
  auto store = Store();
  auto article = store->FindArticle("islamabads-long-hedge");
  ASSERT_TRUE(article.ok() && article.value());
  store::Article a = *article.value();
  const std::string old_url = a.image.url;
  a.image.url = "/media/" + name;
  ASSERT_TRUE(store->SaveArticle(a).ok());

  HttpResponse refused = admin.Post("/admin/media/" + name + "/delete", {});
  EXPECT_EQ(refused.status, 409);
  EXPECT_TRUE(Contains(refused.body, "cannot be deleted while an article uses it"));
  EXPECT_TRUE(Store()->FindMedia(name).value().has_value());

  a.image.url = old_url;
  ASSERT_TRUE(store->SaveArticle(a).ok());
  HttpResponse deleted = admin.Post("/admin/media/" + name + "/delete", {});
  EXPECT_EQ(deleted.status, 303);
  EXPECT_FALSE(Store()->FindMedia(name).value().has_value());
  EXPECT_EQ(HttpGet(server_->port(), "/media/480w/in-use.webp")->status, 404);
  EXPECT_FALSE(fs::exists(fs::path(dir_->path()) / "cache" / "media" / "480" / "in-use.webp"));
}

TEST_F(MediaTest, PagesUseResponsiveVariantsForStoredImages) {
  Browser admin = As("admin@example.org");
  const std::string name = UploadPhoto(admin, "lead.jpg", {{"alt", "Lead"}});
  auto store = Store();
  auto article = store->FindArticle("islamabads-long-hedge");
  ASSERT_TRUE(article.ok() && article.value());
  store::Article a = *article.value();
  const store::FeaturedImage old_image = a.image;
  a.image.url = "/media/" + name;
  a.image.width = 1200;
  a.image.height = 700;
  a.image.alt = "Cranes over the harbour";
  ASSERT_TRUE(store->SaveArticle(a).ok());

  HttpResponse page = HttpGet(server_->port(), "/articles/islamabads-long-hedge").value_or(HttpResponse{});
  ASSERT_EQ(page.status, 200);
  EXPECT_TRUE(Contains(page.body,
                       "<source type=\"image/webp\" srcset=\"/media/480w/lead.webp 480w, /media/960w/lead.webp 960w, "
                       "/media/1200w/lead.webp 1200w\""))
      << page.body.substr(page.body.find("featured-image"), 800);
  EXPECT_TRUE(Contains(page.body, "srcset=\"/media/480w/lead.jpg 480w, /media/960w/lead.jpg 960w, /media/lead.jpg 1200w\""));
  EXPECT_TRUE(Contains(page.body, "alt=\"Cranes over the harbour\" width=\"1200\" height=\"700\" fetchpriority=\"high\""));
  // Every URL in the srcsets answers.
  for (const std::string url : {"/media/480w/lead.webp", "/media/960w/lead.webp", "/media/1200w/lead.webp",
                                "/media/480w/lead.jpg", "/media/960w/lead.jpg", "/media/lead.jpg"})
    EXPECT_EQ(HttpGet(server_->port(), url)->status, 200) << url;

  HttpResponse home = HttpGet(server_->port(), "/").value_or(HttpResponse{});
  EXPECT_TRUE(Contains(home.body, "srcset=\"/media/480w/lead.jpg 480w")) << "the card or lead on the home page";

  // The demo's SVGs stay plain images.
  a.image = old_image;
  ASSERT_TRUE(store->SaveArticle(a).ok());
  page = HttpGet(server_->port(), "/articles/islamabads-long-hedge").value_or(HttpResponse{});
  EXPECT_FALSE(Contains(page.body, "<picture>"));
}

TEST_F(MediaTest, TheEditorsPickerFillsTheImageItsDetailsAndSize) {
  Browser admin = As("admin@example.org");
  const std::string name = UploadPhoto(admin, "picked.jpg", {{"alt", "A quay at dusk"}, {"credit", "Staff photo"}});
  HttpResponse editor = admin.Get("/admin/articles/new");
  ASSERT_EQ(editor.status, 200);
  EXPECT_TRUE(Contains(editor.body, "<option value=\"" + name + "\" data-url=\"/media/" + name + "\" data-alt=\"A quay at dusk\""))
      << "the picker lists the upload with its details for the script";

  // Without a script: the picker alone fills URL, credit, alt and size.
  HttpResponse saved = admin.Post("/admin/articles/new", {{"title", "Picked from the library"},
                                                          {"body", "A paragraph."},
                                                          {"image_media", name},
                                                          {"image_url", ""},
                                                          {"action", "publish"}});
  ASSERT_EQ(saved.status, 303) << saved.body;
  auto article = Store()->FindArticle("picked-from-the-library");
  ASSERT_TRUE(article.ok() && article.value());
  const store::FeaturedImage image = article.value()->image;
  EXPECT_EQ(image.url, "/media/" + name);
  EXPECT_EQ(image.alt, "A quay at dusk");
  EXPECT_EQ(image.credit, "Staff photo");
  EXPECT_EQ(image.width, 1200);
  EXPECT_EQ(image.height, 700);
  HttpResponse page = HttpGet(server_->port(), "/articles/picked-from-the-library").value_or(HttpResponse{});
  EXPECT_TRUE(Contains(page.body, "alt=\"A quay at dusk\" width=\"1200\" height=\"700\""));

  // The editor shows the choice; a credit edited after picking (as the
  // script leaves it) is kept, because the URL already matches the pick.
  const std::string edit_url = saved.Header("location").substr(0, saved.Header("location").find('?'));
  HttpResponse again = admin.Get(edit_url);
  EXPECT_TRUE(Contains(again.body, "<option value=\"" + name + "\" data-url=\"/media/" + name + "\""));
  EXPECT_TRUE(Contains(again.body, "\" selected>" + name + " — A quay at dusk</option>"));
  const std::string marker = "name=\"revision\" value=\"";
  const size_t at = again.body.find(marker) + marker.size();
  const std::string revision = again.body.substr(at, again.body.find('"', at) - at);
  HttpResponse edited = admin.Post(edit_url, {{"title", "Picked from the library"},
                                              {"slug", "picked-from-the-library"},
                                              {"body", "A paragraph."},
                                              {"image_media", name},
                                              {"image_url", "/media/" + name},
                                              {"image_alt", "A quay at dusk"},
                                              {"image_credit", "Photo: the desk"},
                                              {"revision", revision},
                                              {"action", "publish"}});
  ASSERT_EQ(edited.status, 303) << edited.body;
  EXPECT_EQ(Store()->FindArticle("picked-from-the-library").value().value().image.credit, "Photo: the desk");
}

TEST_F(MediaTest, ScriptsGetJsonBack) {
  Browser admin = As("admin@example.org");
  HttpResponse r = Upload(admin, {"dropped.jpg", "image/jpeg", *photo_}, {}, std::nullopt, true);
  EXPECT_EQ(r.status, 201);
  EXPECT_TRUE(Contains(r.body, "\"edit_url\":\"/admin/media/dropped.jpg\"")) << r.body;
  EXPECT_TRUE(Contains(r.body, "\"width\":1200"));
}

}  // namespace
}  // namespace chancery::testing
