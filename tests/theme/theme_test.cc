// Theme loading against the small themes in tests/theme/testdata/.
#include "theme/theme.h"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace chancery::theme {
namespace {

namespace json = boost::json;

const std::string kTestdata = std::string(CHANCERY_SOURCE_DIR) + "/tests/theme/testdata/";

std::shared_ptr<const Theme> MustLoad(const std::string& dir,
                                      std::shared_ptr<const Theme> fallback = nullptr) {
  Result<std::shared_ptr<const Theme>> theme = Theme::LoadFolder(kTestdata + dir, std::move(fallback));
  EXPECT_TRUE(theme.ok()) << theme.status().ToString();
  return theme.ok() ? *theme : nullptr;
}

bool IsLowerHex(std::string_view s, size_t length) {
  return s.size() == length && s.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

json::value PageContext(const Theme& theme) {
  json::value ctx = json::parse(R"({
    "title": "Tom & Jerry",
    "body": "<p>Hi</p>\n<p>There</p>",
    "links": [{"href": "/", "label": "Home"}, {"href": "/tags/x", "label": "X"}]
  })");
  ctx.as_object()["assets"] = theme.AssetUrls();
  return ctx;
}

TEST(ThemeTest, LoadFolderRendersLayoutPartialsAndAssets) {
  const auto theme = MustLoad("basic");
  ASSERT_NE(theme, nullptr);
  const Result<std::string> page = theme->Render("page", PageContext(*theme));
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  EXPECT_EQ(*page,
            "<!doctype html>\n"
            "<html lang=\"en\">\n"
            "<head>\n"
            "  <title>Tom &amp; Jerry — Chancery</title>\n"
            "  <link rel=\"stylesheet\" href=\"" +
                theme->AssetUrl("css/site.css") +
                "\">\n"
                "</head>\n"
                "<body>\n"
                "  <nav>\n"
                "    <a href=\"/\">Home</a>\n"
                "    <a href=\"/tags/x\">X</a>\n"
                "  </nav>\n"
                "  <main>\n"
                "    <article>\n"
                "      <h1>Tom &amp; Jerry</h1>\n"
                "      <p>Hi</p>\n"
                "<p>There</p>\n"
                "    </article>\n"
                "  </main>\n"
                "</body>\n"
                "</html>\n");
}

TEST(ThemeTest, TemplatesAreNamedByPathWithoutExtension) {
  const auto theme = MustLoad("basic");
  ASSERT_NE(theme, nullptr);
  EXPECT_EQ(theme->TemplateNames(), (std::vector<std::string>{"layout", "page", "partials/nav"}));
  EXPECT_TRUE(theme->HasTemplate("partials/nav"));
  EXPECT_FALSE(theme->HasTemplate("README"));
  EXPECT_NE(theme->FindTemplate("layout"), nullptr);
  const Result<std::string> missing = theme->Render("nope", json::value());
  ASSERT_FALSE(missing.ok());
  EXPECT_TRUE(missing.status().IsNotFound());
  EXPECT_EQ(missing.status().message(), "theme has no template 'nope'");
}

TEST(ThemeTest, FindAssetPlainAndFingerprinted) {
  const auto theme = MustLoad("basic");
  ASSERT_NE(theme, nullptr);
  bool fingerprinted = true;
  const Asset* css = theme->FindAsset("/static/css/site.css", &fingerprinted);
  ASSERT_NE(css, nullptr);
  EXPECT_FALSE(fingerprinted);
  EXPECT_EQ(css->path, "css/site.css");
  EXPECT_EQ(css->content_type, "text/css; charset=utf-8");
  EXPECT_EQ(css->bytes, "body { margin: 0; }\n");
  ASSERT_EQ(css->etag.size(), 34u);
  EXPECT_TRUE(css->etag.front() == '"' && css->etag.back() == '"') << css->etag;
  EXPECT_TRUE(IsLowerHex(std::string_view(css->etag).substr(1, 32), 32)) << css->etag;

  const std::string url = theme->AssetUrl("css/site.css");
  // "/static/css/site." + 10 hex digits + ".css"
  ASSERT_EQ(url.size(), 31u) << url;
  EXPECT_TRUE(url.starts_with("/static/css/site.") && url.ends_with(".css")) << url;
  EXPECT_TRUE(IsLowerHex(std::string_view(url).substr(17, 10), 10)) << url;
  EXPECT_EQ(url, css->fingerprinted_url);
  EXPECT_EQ(url.substr(17, 10), css->etag.substr(1, 10));
  EXPECT_EQ(theme->FindAsset(url, &fingerprinted), css);
  EXPECT_TRUE(fingerprinted);

  const Asset* svg = theme->FindAsset("/static/img/logo.svg");
  ASSERT_NE(svg, nullptr);
  EXPECT_EQ(svg->content_type, "image/svg+xml");
}

TEST(ThemeTest, StaleFingerprintFindsFileButIsNotImmutable) {
  const auto theme = MustLoad("basic");
  ASSERT_NE(theme, nullptr);
  bool fingerprinted = true;
  const Asset* css = theme->FindAsset("/static/css/site.0123456789.css", &fingerprinted);
  ASSERT_NE(css, nullptr);
  EXPECT_EQ(css->path, "css/site.css");
  EXPECT_FALSE(fingerprinted);
}

TEST(ThemeTest, UnknownAssets) {
  const auto theme = MustLoad("basic");
  ASSERT_NE(theme, nullptr);
  EXPECT_EQ(theme->FindAsset("/static/css/none.css"), nullptr);
  EXPECT_EQ(theme->FindAsset("/static/css/site.zzzzzzzzzz.css"), nullptr);
  EXPECT_EQ(theme->FindAsset("/css/site.css"), nullptr);
  EXPECT_EQ(theme->FindAsset("/static/../templates/page.mustache"), nullptr);
  EXPECT_EQ(theme->AssetUrl("js/none.js"), "/static/js/none.js");
}

TEST(ThemeTest, AssetUrlsKeysAreMustacheFriendly) {
  const auto theme = MustLoad("basic");
  ASSERT_NE(theme, nullptr);
  const json::object urls = theme->AssetUrls();
  EXPECT_EQ(urls.size(), 2u);
  ASSERT_TRUE(urls.contains("css_site_css"));
  EXPECT_EQ(urls.at("css_site_css").as_string(), theme->AssetUrl("css/site.css"));
  EXPECT_EQ(urls.at("img_logo_svg").as_string(), theme->AssetUrl("img/logo.svg"));
}

TEST(ThemeTest, FolderOverridesFallbackFileByFile) {
  const auto base = MustLoad("basic");
  ASSERT_NE(base, nullptr);
  const auto theme = MustLoad("override", base);
  ASSERT_NE(theme, nullptr);
  // page and layout come from the fallback; the nav partial they include is
  // the folder's own.
  const Result<std::string> page = theme->Render("page", PageContext(*theme));
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  EXPECT_NE(page->find("  <nav class=\"custom\">[Home][X]</nav>\n"), std::string::npos) << *page;
  EXPECT_EQ(page->find("<a href"), std::string::npos);

  const Asset* css = theme->FindAsset("/static/css/site.css");
  ASSERT_NE(css, nullptr);
  EXPECT_EQ(css->bytes, "body { margin: 1rem; }\n");
  EXPECT_NE(theme->AssetUrl("css/site.css"), base->AssetUrl("css/site.css"));
  EXPECT_NE(page->find(theme->AssetUrl("css/site.css")), std::string::npos);
  // Inherited from the fallback, same bytes and URL.
  EXPECT_EQ(theme->AssetUrl("img/logo.svg"), base->AssetUrl("img/logo.svg"));
  EXPECT_EQ(theme->FindAsset("/static/img/logo.svg")->bytes, base->FindAsset("/static/img/logo.svg")->bytes);
}

TEST(ThemeTest, FallbackOutlivesItsOwner) {
  std::shared_ptr<const Theme> theme;
  {
    auto base = MustLoad("basic");
    theme = MustLoad("override", base);
  }
  ASSERT_NE(theme, nullptr);
  EXPECT_EQ(theme->FindAsset("/static/img/logo.svg")->bytes, "<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n");
}

TEST(ThemeTest, LoadDefaultSucceeds) {
  const Result<std::shared_ptr<const Theme>> theme = Theme::LoadDefault();
  ASSERT_TRUE(theme.ok()) << theme.status().ToString();
  if (!std::filesystem::exists(std::string(CHANCERY_SOURCE_DIR) + "/themes/default/templates")) {
    GTEST_SKIP() << "themes/default/ has no templates yet";
  }
  EXPECT_FALSE((*theme)->TemplateNames().empty());
}

TEST(ThemeTest, LoadFolderFallsBackToDefaultTheme) {
  const Result<std::shared_ptr<const Theme>> def = Theme::LoadDefault();
  ASSERT_TRUE(def.ok());
  const Result<std::shared_ptr<const Theme>> theme = Theme::LoadFolder(kTestdata + "override");
  ASSERT_TRUE(theme.ok()) << theme.status().ToString();
  for (const std::string& name : (*def)->TemplateNames()) {
    EXPECT_TRUE((*theme)->HasTemplate(name)) << name;
  }
  EXPECT_TRUE((*theme)->HasTemplate("partials/nav"));
}

TEST(ThemeTest, SyntaxErrorNamesFileAndLine) {
  const Result<std::shared_ptr<const Theme>> theme = Theme::LoadFolder(kTestdata + "broken", nullptr);
  ASSERT_FALSE(theme.ok());
  EXPECT_EQ(theme.status().message(),
            kTestdata +
                "broken/templates/bad.mustache:4: closing tag 'items' does not match section 'tags' "
                "opened on line 3");
}

TEST(ThemeTest, MissingFolderIsNotFound) {
  const Result<std::shared_ptr<const Theme>> theme = Theme::LoadFolder(kTestdata + "no-such-theme", nullptr);
  ASSERT_FALSE(theme.ok());
  EXPECT_TRUE(theme.status().IsNotFound());
}

TEST(ThemeTest, ContentTypes) {
  EXPECT_EQ(ContentTypeFor("a.css"), "text/css; charset=utf-8");
  EXPECT_EQ(ContentTypeFor("a/b.JS"), "text/javascript; charset=utf-8");
  EXPECT_EQ(ContentTypeFor("x.png"), "image/png");
  EXPECT_EQ(ContentTypeFor("x.jpg"), "image/jpeg");
  EXPECT_EQ(ContentTypeFor("x.jpeg"), "image/jpeg");
  EXPECT_EQ(ContentTypeFor("x.webp"), "image/webp");
  EXPECT_EQ(ContentTypeFor("x.gif"), "image/gif");
  EXPECT_EQ(ContentTypeFor("f.woff2"), "font/woff2");
  EXPECT_EQ(ContentTypeFor("favicon.ico"), "image/x-icon");
  EXPECT_EQ(ContentTypeFor("robots.txt"), "text/plain; charset=utf-8");
  EXPECT_EQ(ContentTypeFor("a.json"), "application/json");
  EXPECT_EQ(ContentTypeFor("a.xml"), "application/xml");
  EXPECT_EQ(ContentTypeFor("site.webmanifest"), "application/manifest+json");
  EXPECT_EQ(ContentTypeFor("LICENSE"), "application/octet-stream");
  EXPECT_EQ(ContentTypeFor("dir.d/file"), "application/octet-stream");
}

TEST(ThemeTest, RendersConcurrentlyFromFourThreads) {
  const auto theme = MustLoad("basic");
  ASSERT_NE(theme, nullptr);
  const json::value ctx = PageContext(*theme);
  const std::string expected = *theme->Render("page", ctx);
  std::vector<int> mismatches(4, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 500; ++i) {
        const Result<std::string> out = theme->Render("page", ctx);
        if (!out.ok() || *out != expected) ++mismatches[t];
      }
    });
  }
  for (std::thread& th : threads) th.join();
  EXPECT_EQ(mismatches, std::vector<int>(4, 0));
}

}  // namespace
}  // namespace chancery::theme
