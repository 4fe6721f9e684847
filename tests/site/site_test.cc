// The public pages, rendered by calling Site's handlers directly: a real
// in-memory SQLite store and the built-in theme, no network.
#include "site/site.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "comments/pipeline.h"
#include "comments/token.h"
#include "content/content.h"
#include "site/views.h"
#include "store/store.h"
#include "theme/theme.h"

namespace chancery::site {
namespace {

constexpr int64_t kNow = 1'790'000'000;  // 2026-09-21

class SiteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = store::Store::Open({.url = "sqlite::memory:"});
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
    auto theme = theme::Theme::LoadDefault();
    ASSERT_TRUE(theme.ok()) << theme.status().ToString();
    SiteOptions options;
    options.title = "Test Review";
    options.per_page = 10;
    site_ = std::make_unique<Site>(*store_, *theme, options, [this] { return now_; });
    site_->RegisterRoutes(router_);
  }

  store::Article Make(const std::string& slug, const std::string& markdown, int64_t published_at,
                      store::ArticleStatus status = store::ArticleStatus::kPublished) {
    store::Article a;
    a.slug = slug;
    a.title = "Title of " + slug;
    a.body_markdown = markdown;
    auto doc = content::RenderMarkdown(markdown);
    EXPECT_TRUE(doc.ok());
    a.body_html = doc->html;
    a.toc_json = content::TocJson(doc->toc);
    a.excerpt = doc->excerpt;
    a.plain_text = doc->plain_text;
    a.reading_minutes = doc->reading_minutes;
    a.status = status;
    a.published_at = published_at;
    a.updated_at = published_at;
    a.created_at = published_at;
    a.authors = {{.slug = "ada", .name = "Ada Analyst", .bio = "", .affiliation = "", .disclosure = ""}};
    a.tags = {{.id = 0, .slug = "diplomacy", .name = "Diplomacy"}};
    return a;
  }

  void Save(store::Article a) { ASSERT_TRUE(store_->SaveArticle(a).ok()); }

  http::Response Get(const std::string& path, const std::string& query = "") {
    http::Request r;
    r.method = http::Method::kGet;
    r.path = path;
    r.query = query;
    r.target = query.empty() ? path : path + "?" + query;
    auto match = router_.Find(r.method, r.path);
    if (match.kind != http::Router::MatchKind::kFound) return site_->NotFound(r);
    r.params = match.params;
    return (*match.handler)(r);
  }

  int64_t now_ = kNow;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<Site> site_;
  http::Router router_;
};

TEST_F(SiteTest, EmptySiteSaysNothingIsPublished) {
  auto r = Get("/");
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.BodyView().find("Nothing has been published yet."), std::string::npos);
}

TEST_F(SiteTest, TitlesAreEscapedAndBodiesSanitised) {
  auto a = Make("xss", "Hello <script>alert(1)</script> <img src=x onerror=alert(2)>\n\n[x](javascript:alert(3))",
                kNow - 100);
  a.title = "<script>alert('t')</script> & Co";
  a.dek = "\"quoted\" <b>dek</b>";
  Save(a);
  auto r = Get("/articles/xss");
  ASSERT_EQ(r.status, 200);
  const auto body = r.BodyView();
  EXPECT_EQ(body.find("<script>alert"), std::string_view::npos);
  EXPECT_EQ(body.find("onerror"), std::string_view::npos);
  EXPECT_EQ(body.find("javascript:"), std::string_view::npos);
  EXPECT_NE(body.find("&lt;script&gt;alert(&#39;t&#39;)&lt;/script&gt; &amp; Co"), std::string_view::npos);
  EXPECT_NE(body.find("&lt;b&gt;dek&lt;/b&gt;"), std::string_view::npos);
}

TEST_F(SiteTest, TableOfContentsFromThreeSections) {
  Save(Make("two", "## One\n\nText.\n\n## Two\n\nText.\n", kNow - 100));
  Save(Make("three", "## One\n\nText.\n\n### Sub\n\nMore.\n\n## Two\n\nText.\n\n## Three\n\nText.\n", kNow - 50));
  EXPECT_EQ(Get("/articles/two").BodyView().find("class=\"toc\""), std::string_view::npos);
  auto three = Get("/articles/three");
  const auto body = three.BodyView();
  ASSERT_NE(body.find("class=\"toc\""), std::string_view::npos);
  EXPECT_NE(body.find("<li><a href=\"#one\">One</a></li>"), std::string_view::npos);
  EXPECT_NE(body.find("<li class=\"toc-sub\"><a href=\"#sub\">Sub</a></li>"), std::string_view::npos);
  EXPECT_NE(body.find("<h2 id=\"three\">"), std::string_view::npos);
}

TEST_F(SiteTest, PaginationAndPastTheEnd) {
  for (int i = 0; i < 25; ++i) Save(Make(fmt::format("a{:02}", i), "Body.", kNow - 1000 + i));
  auto first = Get("/");
  EXPECT_NE(first.BodyView().find("/articles/a24"), std::string_view::npos);  // newest leads
  EXPECT_NE(first.BodyView().find("href=\"/?page=2\""), std::string_view::npos);
  auto third = Get("/", "page=3");
  ASSERT_EQ(third.status, 200);
  EXPECT_NE(third.BodyView().find("/articles/a00"), std::string_view::npos);
  EXPECT_NE(third.BodyView().find("Page 3 of 3"), std::string_view::npos);
  EXPECT_EQ(Get("/", "page=4").status, 404);
  EXPECT_EQ(Get("/", "page=0").status, 404);
  EXPECT_EQ(Get("/", "page=abc").status, 404);
}

TEST_F(SiteTest, ScheduledArticleAppearsWhenItsTimeComes) {
  Save(Make("later", "Soon.", kNow + 3600, store::ArticleStatus::kScheduled));
  Save(Make("draft", "Never.", kNow - 3600, store::ArticleStatus::kDraft));
  EXPECT_EQ(Get("/articles/later").status, 404);
  EXPECT_EQ(Get("/articles/draft").status, 404);
  EXPECT_EQ(Get("/").BodyView().find("/articles/later"), std::string_view::npos);
  now_ = kNow + 3601;
  EXPECT_EQ(Get("/articles/later").status, 200);
  EXPECT_NE(Get("/").BodyView().find("/articles/later"), std::string_view::npos);
  EXPECT_EQ(Get("/articles/draft").status, 404);
}

// IsoDateTime's calendar arithmetic gives what gmtime_r gave, at every
// second of the day, across leap days and centuries.
TEST(ViewsTest, IsoDateTimeIsTheUtcCalendar) {
  auto by_gmtime = [](int64_t t) {
    std::tm tm{};
    const std::time_t tt = static_cast<std::time_t>(t);
    gmtime_r(&tt, &tm);
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                       tm.tm_hour, tm.tm_min, tm.tm_sec);
  };
  std::vector<int64_t> times = {0, 59, 86399, 86400, 951782400, 951868799, 951868800, 4107542399, 4107542400,
                                -1, -86400, -2208988800, 253402300799, 253402300800, -62167219200, -62167219201};
  for (int64_t t = -4'000'000'000; t < 8'000'000'000; t += 7'777'777) times.push_back(t);
  for (int64_t t : times) EXPECT_EQ(IsoDateTime(t), by_gmtime(t)) << t;
}

// The navigation's topics are kept between renders but never shown stale:
// a commit, a scheduled article coming due and new settings each show at
// once.
std::string Nav(std::string_view page) {
  const size_t begin = page.find("<nav class=\"site-nav\"");
  const size_t end = page.find("</nav>", begin);
  return begin == std::string_view::npos || end == std::string_view::npos
             ? std::string()
             : std::string(page.substr(begin, end - begin));
}

TEST_F(SiteTest, NavigationTopicsFollowEveryChange) {
  Save(Make("one", "1", kNow - 300));
  EXPECT_NE(Nav(Get("/").BodyView()).find("href=\"/tags/diplomacy\""), std::string::npos);
  EXPECT_EQ(Nav(Get("/articles/one").BodyView()).find("/tags/energy"), std::string::npos);

  auto energy = Make("two", "2", kNow - 200);
  energy.tags = {{.id = 0, .slug = "energy", .name = "Energy"}};
  Save(energy);
  EXPECT_NE(Nav(Get("/articles/one").BodyView()).find("<a href=\"/tags/energy\">Energy</a>"), std::string::npos);

  auto trade = Make("three", "3", kNow + 600, store::ArticleStatus::kScheduled);
  trade.tags = {{.id = 0, .slug = "trade", .name = "Trade"}};
  Save(trade);
  EXPECT_EQ(Nav(Get("/articles/one").BodyView()).find("/tags/trade"), std::string::npos);
  now_ = kNow + 600;  // no write: only the clock moved
  EXPECT_NE(Nav(Get("/articles/one").BodyView()).find("/tags/trade"), std::string::npos);
  now_ = kNow;  // a clock set back sees the archive as it was then
  EXPECT_EQ(Nav(Get("/articles/one").BodyView()).find("/tags/trade"), std::string::npos);

  SiteOptions options;
  options.title = "Renamed Review";
  site_->UpdateOptions(options);
  EXPECT_NE(Get("/articles/one").BodyView().find("<a class=\"brand\" href=\"/\">Renamed Review</a>"),
            std::string_view::npos);
}

// Another process's commit (the command line, a second server) moves the
// database's data version, and the next page shows it.
TEST(SiteNavigation, TopicsFollowAnotherProcesssCommits) {
  std::string dir = testing::TempDir() + "chancery-site-nav-XXXXXX";
  ASSERT_NE(mkdtemp(dir.data()), nullptr);
  const std::string url = "sqlite:" + dir + "/chancery.db";
  auto store = store::Store::Open({.url = url});
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto theme = theme::Theme::LoadDefault();
  ASSERT_TRUE(theme.ok());
  Site site(**store, *theme, SiteOptions{}, [] { return kNow; });
  auto article = [](const std::string& slug, const std::string& tag) {
    store::Article a;
    a.slug = slug;
    a.title = slug;
    a.status = store::ArticleStatus::kPublished;
    a.published_at = a.updated_at = a.created_at = kNow - 100;
    a.tags = {{.id = 0, .slug = tag, .name = tag}};
    return a;
  };
  auto first = article("first", "diplomacy");
  ASSERT_TRUE((*store)->SaveArticle(first).ok());
  http::Request home;
  home.method = http::Method::kGet;
  home.path = home.target = "/";
  EXPECT_EQ(Nav(site.Home(home).BodyView()).find("/tags/energy"), std::string::npos);
  {
    auto other = store::Store::Open({.url = url});
    ASSERT_TRUE(other.ok()) << other.status().ToString();
    auto second = article("second", "energy");
    ASSERT_TRUE((*other)->SaveArticle(second).ok());
  }
  EXPECT_NE(Nav(site.Home(home).BodyView()).find("/tags/energy"), std::string::npos);
  // A comment moves the data version but not the "site" scope the memo
  // keys on; a tag renamed elsewhere after it still shows at once.
  store::Comment comment;
  comment.article_id = first.id;
  comment.author_name = "Reader";
  comment.author_email = "reader@example.org";
  comment.body = "A fair point.";
  comment.status = store::CommentStatus::kApproved;
  comment.created_at = kNow - 50;
  ASSERT_TRUE((*store)->AddComment(comment).ok());
  EXPECT_NE(Nav(site.Home(home).BodyView()).find(">energy</a>"), std::string::npos);
  {
    auto other = store::Store::Open({.url = url});
    ASSERT_TRUE(other.ok()) << other.status().ToString();
    ASSERT_TRUE((*other)->UpsertTag({.id = 0, .slug = "energy", .name = "Energy security"}).ok());
  }
  EXPECT_NE(Nav(site.Home(home).BodyView()).find(">Energy security</a>"), std::string::npos);
  store->reset();
  std::filesystem::remove_all(dir);
}

TEST_F(SiteTest, UpdatedDateShownOnlyWhenItDiffers) {
  auto a = Make("upd", "Body.", kNow - 86400);
  Save(a);
  EXPECT_EQ(Get("/articles/upd").BodyView().find("Updated"), std::string_view::npos);
  a.updated_at = kNow;
  Save(a);
  EXPECT_NE(Get("/articles/upd").BodyView().find("Updated <time"), std::string_view::npos);
}

TEST_F(SiteTest, PreviousAndNextFollowPublicationOrder) {
  Save(Make("first", "1", kNow - 300));
  Save(Make("second", "2", kNow - 200));
  Save(Make("third", "3", kNow - 100));
  const auto body = std::string(Get("/articles/second").BodyView());
  EXPECT_NE(body.find("href=\"/articles/first\" rel=\"prev\""), std::string::npos);
  EXPECT_NE(body.find("href=\"/articles/third\" rel=\"next\""), std::string::npos);
}

TEST_F(SiteTest, DatesFollowTheSiteZoneAndFormat) {
  // 23:30 UTC on 19 September is already the 20th in Karachi (UTC+5).
  const int64_t late = 1789860600;  // 2026-09-19T23:30:00Z
  Save(Make("late-night", "Text.", late));
  auto page = Get("/articles/late-night");
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.BodyView().find("19 September 2026"), std::string_view::npos);

  auto karachi = TimeZone::Load("Asia/Karachi");
  if (!karachi.ok()) GTEST_SKIP() << "tzdata is not installed";
  SiteOptions options;
  options.title = "Renamed Review";
  options.dates = DateStyle{*karachi, DateFormat::kMonthDayYear};
  site_->UpdateOptions(options);
  page = Get("/articles/late-night");
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.BodyView().find("September 20, 2026"), std::string_view::npos);
  EXPECT_EQ(page.BodyView().find("19 September 2026"), std::string_view::npos);
  EXPECT_NE(page.BodyView().find("Renamed Review"), std::string_view::npos) << "the new title at once";
  // The machine-readable date stays UTC.
  EXPECT_NE(page.BodyView().find("2026-09-19T23:30:00Z"), std::string_view::npos);
}

TEST_F(SiteTest, HealthzAndRobots) {
  auto h = Get("/healthz");
  EXPECT_EQ(h.status, 200);
  EXPECT_NE(h.BodyView().find("\"status\":\"ok\""), std::string_view::npos);
  EXPECT_NE(Get("/robots.txt").BodyView().find("Disallow: /admin/"), std::string_view::npos);
}

TEST_F(SiteTest, PreviewLinksShowDraftsUntilTheyExpire) {
  Save(Make("under-embargo", "Draft text.", 0, store::ArticleStatus::kDraft));
  EXPECT_EQ(Get("/articles/under-embargo").status, 404);
  auto found = store_->FindArticle("under-embargo");
  ASSERT_TRUE(found.ok() && found.value());
  const comments::Key key = comments::LoadOrCreateKey(*store_);
  const int64_t until = kNow + 3600;
  const std::string token = comments::Sign(key, fmt::format("preview:{}:{}", found.value()->id, until));
  auto page = Get("/preview/" + token);
  EXPECT_EQ(page.status, 200);
  EXPECT_NE(page.BodyView().find("Title of under-embargo"), std::string_view::npos);
  EXPECT_NE(page.BodyView().find("preview-banner"), std::string_view::npos);
  EXPECT_EQ(page.BodyView().find("rel=\"canonical\""), std::string_view::npos);
  // Signed with another key, or for another purpose: nothing.
  EXPECT_EQ(Get("/preview/" + comments::Sign(comments::GenerateKey(),
                                               fmt::format("preview:{}:{}", found.value()->id, until)))
                .status,
            404);
  EXPECT_EQ(Get("/preview/" + comments::Sign(key, fmt::format("own:{}", found.value()->id))).status, 404);
  // At its end the link says it has expired.
  now_ = until;
  auto expired = Get("/preview/" + token);
  EXPECT_EQ(expired.status, 410);
  EXPECT_NE(expired.BodyView().find("This preview has expired"), std::string_view::npos);
}

}  // namespace
}  // namespace chancery::site
