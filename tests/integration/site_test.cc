// End-to-end: `chancery init --demo`, then `chancery serve` on a free
// loopback port, checked through HTTP exactly as a reader's browser sees it.
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <algorithm>
#include <cstdint>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <utility>

#include "harness.h"

namespace chancery::testing {
namespace {

class DemoSite : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    data_ = dir_->path() + "/site";
    auto init = RunChancery({"init", "--data", data_, "--demo"});
    ASSERT_EQ(init.exit_code, 0) << init.err;
    server_ = new ServerProcess(data_);
    ASSERT_TRUE(server_->started()) << server_->Log();
  }
  static void TearDownTestSuite() {
    delete server_;
    delete dir_;
  }

  static HttpResponse Get(const std::string& target,
                          const std::vector<std::pair<std::string, std::string>>& headers = {}) {
    auto r = HttpGet(server_->port(), target, headers);
    EXPECT_TRUE(r.has_value()) << "no response for " << target;
    return r.value_or(HttpResponse{});
  }

  static void ExpectSecurityHeaders(const HttpResponse& r, const std::string& what) {
    const std::string csp = r.Header("Content-Security-Policy");
    EXPECT_NE(csp.find("script-src 'self'"), std::string::npos) << what << ": " << csp;
    EXPECT_EQ(csp.find("unsafe-inline'; script"), std::string::npos) << what;
    EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos) << what;
    EXPECT_EQ(r.Header("X-Content-Type-Options"), "nosniff") << what;
    EXPECT_FALSE(r.Header("Referrer-Policy").empty()) << what;
  }

  static TempDir* dir_;
  static std::string data_;
  static ServerProcess* server_;
};
TempDir* DemoSite::dir_ = nullptr;
std::string DemoSite::data_;
ServerProcess* DemoSite::server_ = nullptr;

TEST_F(DemoSite, HomeListsLatestAnalysis) {
  auto r = Get("/");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.Header("Content-Type"), "text/html; charset=utf-8");
  ExpectSecurityHeaders(r, "home");
  EXPECT_NE(r.body.find("The Tidemark Review"), std::string::npos);
  for (const char* slug : {"corridors-of-circumvention", "rivers-without-referees", "the-thin-ice-of-arctic-shipping",
                           "islamabads-long-hedge"})
    EXPECT_NE(r.body.find(std::string("/articles/") + slug), std::string::npos) << slug;
  // The newest article leads the page.
  EXPECT_LT(r.body.find("corridors-of-circumvention"), r.body.find("islamabads-long-hedge"));
  // Accessibility landmarks.
  EXPECT_NE(r.body.find("class=\"skip-link\" href=\"#main\""), std::string::npos);
  EXPECT_NE(r.body.find("<main id=\"main\""), std::string::npos);
  EXPECT_NE(r.body.find("<html lang=\"en\">"), std::string::npos);
  // No inline script anywhere: every <script> has a src.
  EXPECT_EQ(std::regex_search(r.body, std::regex("<script(?![^>]*\\bsrc=)")), false);
}

TEST_F(DemoSite, ScheduledDemoArticleIsHiddenUntilItsDate) {
  // The demo schedules "The Quota Problem" for 15 January 2027.
  if (std::time(nullptr) >= 1799917200) GTEST_SKIP() << "the demo's scheduled date has passed";
  EXPECT_EQ(Get("/").body.find("the-quota-problem"), std::string::npos);
  EXPECT_EQ(Get("/articles/the-quota-problem").status, 404);
}

TEST_F(DemoSite, ArticlePageHasEverythingAReaderExpects) {
  auto r = Get("/articles/islamabads-long-hedge");
  ASSERT_EQ(r.status, 200);
  ExpectSecurityHeaders(r, "article");
  const std::string& b = r.body;
  EXPECT_NE(b.find("<h1 class=\"article-title\">Islamabad&#39;s Long Hedge"), std::string::npos) << b.substr(0, 3000);
  EXPECT_NE(b.find("class=\"dek\""), std::string::npos);
  EXPECT_NE(b.find("href=\"/authors/tahmina-rezvani\""), std::string::npos);
  EXPECT_NE(b.find("<time datetime=\"2026-09-08T09:00:00Z\">8 September 2026</time>"), std::string::npos);
  EXPECT_NE(b.find("min read"), std::string::npos);
  EXPECT_NE(b.find("Image credit: "), std::string::npos);
  EXPECT_NE(b.find("src=\"/media/islamabad-hedge.svg\""), std::string::npos);
  EXPECT_NE(b.find("alt=\"Abstract map"), std::string::npos);
  EXPECT_NE(b.find("href=\"/tags/south-asia\""), std::string::npos);
  EXPECT_NE(b.find("Senior Fellow, Harrowgate Institute"), std::string::npos);
  // The table of contents links to every h2 in the body, and each exists.
  ASSERT_NE(b.find("class=\"toc\""), std::string::npos);
  std::regex toc_link("<li(?: class=\"toc-sub\")?><a href=\"#([a-z0-9-]+)\">");
  int links = 0;
  for (std::sregex_iterator it(b.begin(), b.end(), toc_link), end; it != end; ++it, ++links)
    EXPECT_NE(b.find("id=\"" + (*it)[1].str() + "\""), std::string::npos) << (*it)[1];
  EXPECT_GE(links, 3);
  // Previous/next in publication order.
  EXPECT_NE(b.find("rel=\"next\""), std::string::npos);
  // A footnote and a pull quote made it through the sanitiser.
  EXPECT_NE(b.find("<blockquote>"), std::string::npos);
  EXPECT_NE(b.find("data-footnote-ref"), std::string::npos);
}

TEST_F(DemoSite, TagPageListsTaggedArticles) {
  auto r = Get("/tags/south-asia");
  ASSERT_EQ(r.status, 200);
  ExpectSecurityHeaders(r, "tag");
  EXPECT_NE(r.body.find("<h1>South Asia</h1>"), std::string::npos);
  EXPECT_NE(r.body.find("/articles/islamabads-long-hedge"), std::string::npos);
  EXPECT_NE(r.body.find("/articles/rivers-without-referees"), std::string::npos);
  EXPECT_EQ(r.body.find("/articles/the-thin-ice-of-arctic-shipping\""), std::string::npos);
  EXPECT_EQ(Get("/tags/no-such-tag").status, 404);
}

TEST_F(DemoSite, AuthorPageShowsBioAffiliationAndArticles) {
  auto r = Get("/authors/tahmina-rezvani");
  ASSERT_EQ(r.status, 200);
  ExpectSecurityHeaders(r, "author");
  EXPECT_NE(r.body.find("<h1>Tahmina Rezvani</h1>"), std::string::npos);
  EXPECT_NE(r.body.find("Senior Fellow, Harrowgate Institute for Continental Affairs"), std::string::npos);
  EXPECT_NE(r.body.find("Disclosure:</span> No outside funding for this work."), std::string::npos);
  EXPECT_NE(r.body.find("South Asian diplomacy"), std::string::npos);
  EXPECT_NE(r.body.find("/articles/islamabads-long-hedge"), std::string::npos);
  EXPECT_NE(r.body.find("/articles/rivers-without-referees"), std::string::npos);
  EXPECT_EQ(Get("/authors/nobody").status, 404);
}

TEST_F(DemoSite, UnknownPagesGetTheThemed404) {
  for (const char* path : {"/articles/no-such-article", "/no/such/page", "/articles/"}) {
    auto r = Get(path);
    EXPECT_EQ(r.status, 404) << path;
    ExpectSecurityHeaders(r, path);
    EXPECT_NE(r.body.find("We couldn’t find that page"), std::string::npos) << path;
  }
  auto escaped = Get("/%3Cscript%3Ealert(1)%3C/script%3E");
  EXPECT_EQ(escaped.status, 404);
  EXPECT_EQ(escaped.body.find("<script>alert"), std::string::npos);
}

TEST_F(DemoSite, HealthzReportsOk) {
  auto r = Get("/healthz");
  ASSERT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("\"status\":\"ok\""), std::string::npos);
  ExpectSecurityHeaders(r, "healthz");
}

TEST_F(DemoSite, HeadHasHeadersButNoBody) {
  auto get = Get("/");
  auto head = HttpRequest(server_->port(), "HEAD", "/");
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->Header("Content-Length"), std::to_string(get.body.size()));
  EXPECT_EQ(head->raw.substr(head->raw.find("\r\n\r\n") + 4), "");
}

TEST_F(DemoSite, MethodNotAllowedSaysWhatIs) {
  auto r = HttpRequest(server_->port(), "DELETE", "/");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 405);
  EXPECT_NE(r->Header("Allow").find("GET"), std::string::npos);
}

TEST_F(DemoSite, FingerprintedAssetsAreImmutableAndRevalidate) {
  auto home = Get("/");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(home.body, m, std::regex("href=\"(/static/css/site\\.[0-9a-f]+\\.css)\"")));
  auto css = Get(m[1]);
  ASSERT_EQ(css.status, 200);
  EXPECT_NE(css.Header("Content-Type").find("text/css"), std::string::npos);
  EXPECT_NE(css.Header("Cache-Control").find("immutable"), std::string::npos);
  const std::string etag = css.Header("ETag");
  ASSERT_FALSE(etag.empty());
  auto again = Get(m[1], {{"If-None-Match", etag}});
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());
  // The plain name works too but is not immutable.
  auto plain = Get("/static/css/site.css");
  EXPECT_EQ(plain.status, 200);
  EXPECT_EQ(plain.Header("Cache-Control").find("immutable"), std::string::npos);
  EXPECT_EQ(Get("/static/nope.css").status, 404);
  EXPECT_EQ(Get("/static/../chancery.db").status, 400);
  EXPECT_EQ(Get("/static/%2e%2e/chancery.db").status, 400);
}

TEST_F(DemoSite, FeaturedImagesAreServedFromTheDatabase) {
  auto r = Get("/media/islamabad-hedge.svg");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.Header("Content-Type"), "image/svg+xml");
  EXPECT_NE(r.body.find("<svg"), std::string::npos);
  EXPECT_FALSE(r.Header("ETag").empty());
  EXPECT_EQ(Get("/media/missing.png").status, 404);
}

TEST_F(DemoSite, FeedsSitemapAndRobots) {
  auto atom = Get("/feed.xml");
  ASSERT_EQ(atom.status, 200);
  EXPECT_NE(atom.Header("Content-Type").find("application/atom+xml"), std::string::npos);
  EXPECT_NE(atom.body.find("<feed xmlns=\"http://www.w3.org/2005/Atom\">"), std::string::npos);
  EXPECT_NE(atom.body.find("/articles/islamabads-long-hedge</id>"), std::string::npos);
  EXPECT_EQ(atom.body.find("the-quota-problem"), std::string::npos);
  auto rss = Get("/rss.xml");
  ASSERT_EQ(rss.status, 200);
  EXPECT_NE(rss.body.find("<rss version=\"2.0\""), std::string::npos);
  auto json = Get("/feed.json");
  ASSERT_EQ(json.status, 200);
  EXPECT_NE(json.body.find("\"version\":\"https://jsonfeed.org/version/1.1\""), std::string::npos);
  auto sitemap = Get("/sitemap.xml");
  ASSERT_EQ(sitemap.status, 200);
  EXPECT_NE(sitemap.body.find("/articles/rivers-without-referees</loc>"), std::string::npos);
  EXPECT_NE(sitemap.body.find("/tags/south-asia</loc>"), std::string::npos);
  auto robots = Get("/robots.txt");
  ASSERT_EQ(robots.status, 200);
  EXPECT_NE(robots.body.find("Sitemap: "), std::string::npos);
}

TEST_F(DemoSite, OversizedRequestsAreRefusedAndTheServerKeepsServing) {
  const std::string big_header = "GET / HTTP/1.1\r\nHost: x\r\nX-Fill: " + std::string(20000, 'a') + "\r\n\r\n";
  const std::string reply = SendRaw(server_->port(), big_header);
  EXPECT_EQ(reply.rfind("HTTP/1.1 431", 0), 0u) << reply.substr(0, 200);
  const std::string long_target = "GET /" + std::string(10000, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n";
  const std::string reply2 = SendRaw(server_->port(), long_target);
  EXPECT_TRUE(reply2.rfind("HTTP/1.1 414", 0) == 0 || reply2.rfind("HTTP/1.1 431", 0) == 0) << reply2.substr(0, 200);
  const std::string garbage = SendRaw(server_->port(), "NONSENSE\r\n\r\n");
  EXPECT_EQ(garbage.rfind("HTTP/1.1 400", 0), 0u) << garbage.substr(0, 200);
  EXPECT_EQ(Get("/").status, 200);
}

TEST_F(DemoSite, KeepAliveServesSeveralRequestsOnOneConnection) {
  const std::string two = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /robots.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  const std::string reply = SendRaw(server_->port(), two);
  EXPECT_EQ(reply.rfind("HTTP/1.1 200", 0), 0u);
  EXPECT_NE(reply.find("HTTP/1.1 200", 10), std::string::npos);
  EXPECT_NE(reply.find("Sitemap:"), std::string::npos);
}

TEST_F(DemoSite, SecondServerOnTheSamePortFailsWithOneClearLine) {
  auto r = RunChancery({"serve", "--data", data_, "--listen", "127.0.0.1:" + std::to_string(server_->port())},
                       "", std::chrono::seconds(20));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("in use"), std::string::npos) << r.err;
}

TEST(Init, RefusesAFolderThatAlreadyHoldsASite) {
  TempDir dir;
  const std::string data = dir.path() + "/site";
  ASSERT_EQ(RunChancery({"init", "--data", data}).exit_code, 0);
  auto again = RunChancery({"init", "--data", data, "--demo"});
  EXPECT_NE(again.exit_code, 0);
  EXPECT_NE(again.err.find("already holds a site"), std::string::npos) << again.err;
}

TEST(Serve, GracefulShutdownOnSigterm) {
  TempDir dir;
  const std::string data = dir.path() + "/site";
  ASSERT_EQ(RunChancery({"init", "--data", data}).exit_code, 0);
  ServerProcess server(data);
  ASSERT_TRUE(server.started()) << server.Log();
  auto home = HttpGet(server.port(), "/");
  ASSERT_TRUE(home);
  EXPECT_EQ(home->status, 200);
  EXPECT_NE(home->body.find("Nothing has been published yet."), std::string::npos);
  EXPECT_EQ(server.Stop(), 0) << server.Log();
}

TEST(Serve, MissingSiteSaysHowToCreateOne) {
  TempDir dir;
  auto r = RunChancery({"serve", "--data", dir.path() + "/nothing"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("chancery init"), std::string::npos) << r.err;
}

TEST(Cli, EveryCommandHasHelp) {
  for (std::vector<std::string> args : std::vector<std::vector<std::string>>{
           {"--help"}, {"init", "--help"}, {"serve", "--help"}, {"import", "markdown", "--help"},
           {"comments", "list", "--help"}, {"comments", "approve", "--help"}, {"comments", "delete", "--help"}}) {
    auto r = RunChancery(args);
    EXPECT_EQ(r.exit_code, 0) << args[0];
    EXPECT_NE(r.out.find("--"), std::string::npos) << args[0];
  }
}

// The "Max open files" line of /proc/<pid>/limits: {soft, hard}, or {0, 0}.
std::pair<uint64_t, uint64_t> OpenFileLimits(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/limits");
  std::string line;
  while (std::getline(in, line)) {
    if (!line.starts_with("Max open files")) continue;
    std::istringstream fields(line.substr(std::string("Max open files").size()));
    std::string soft, hard;
    fields >> soft >> hard;
    auto number = [](const std::string& v) { return v == "unlimited" ? UINT64_MAX : std::stoull(v); };
    return {number(soft), number(hard)};
  }
  return {0, 0};
}

TEST(ServeLimitsTest, TheServerRaisesItsOpenFileLimitToHoldItsConnections) {
  rlimit mine{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &mine), 0);
  if (mine.rlim_max <= 1024)
    GTEST_SKIP() << "a hard limit of " << mine.rlim_max << " leaves nothing to raise";
  TempDir dir;
  ASSERT_EQ(RunChancery({"init", "--data", dir.path()}).exit_code, 0);
  // Started with the usual soft limit of 1,024, as from a login shell.
  rlimit low = mine;
  low.rlim_cur = 1024;
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &low), 0);
  ServerProcess server(dir.path());
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &mine), 0);
  ASSERT_TRUE(server.started()) << server.Log();
  const auto [soft, hard] = OpenFileLimits(server.pid());
  ASSERT_GT(hard, 0u);
  // 10,000 connections and 1,024 for the rest, as far as the hard limit lets.
  EXPECT_EQ(soft, std::min<uint64_t>(hard, 10000 + 1024));
}

}  // namespace
}  // namespace chancery::testing

namespace chancery::testing {
namespace {

TEST(Theme, AFolderInTheConfigOverridesTheBuiltInTheme) {
  TempDir dir;
  const std::string data = dir.path() + "/site";
  ASSERT_EQ(RunChancery({"init", "--data", data, "--demo"}).exit_code, 0);
  const std::string theme = dir.path() + "/mytheme";
  std::filesystem::create_directories(theme + "/templates");
  std::filesystem::create_directories(theme + "/static/css");
  WriteFile(theme + "/templates/404.mustache", "<!doctype html><title>Lost</title><p>Custom lost page for {{path}}</p>\n");
  WriteFile(theme + "/static/css/site.css", "body { color: #123456; }\n");
  ServerProcess server(data, {"CHANCERY_THEME_DIR=" + theme});
  ASSERT_TRUE(server.started()) << server.Log();
  auto missing = HttpGet(server.port(), "/nowhere");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  EXPECT_NE(missing->body.find("Custom lost page for /nowhere"), std::string::npos) << missing->body;
  auto css = HttpGet(server.port(), "/static/css/site.css");
  ASSERT_TRUE(css);
  EXPECT_NE(css->body.find("#123456"), std::string::npos);
  // Templates the folder lacks come from the built-in theme.
  auto home = HttpGet(server.port(), "/");
  ASSERT_TRUE(home);
  EXPECT_EQ(home->status, 200);
  EXPECT_NE(home->body.find("The Tidemark Review"), std::string::npos);
}

}  // namespace
}  // namespace chancery::testing
