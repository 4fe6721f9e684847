// The page cache's policy, called as the server calls it: the middleware on a
// worker, the fast path on the event loop — a real in-memory store and the
// built-in theme, no network.
#include "site/cached_pages.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>

#include "content/content.h"
#include "site/site.h"
#include "store/store.h"
#include "theme/theme.h"

namespace chancery::site {
namespace {

constexpr int64_t kNow = 1'790'000'000;

std::string Concat(const http::FastAnswer& a) {
  std::string out;
  for (std::string_view piece : a.body) out += piece;
  return out;
}

class CachedPagesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = store::Store::Open({.url = "sqlite::memory:"});
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
    auto theme = theme::Theme::LoadDefault();
    ASSERT_TRUE(theme.ok());
    site_ = std::make_unique<Site>(*store_, *theme, SiteOptions{}, [this] { return now_; });
    site_->RegisterRoutes(router_);
    store::Article a;
    a.slug = "one";
    a.title = "One";
    a.body_markdown = "Some text about the **harbour**.";
    auto doc = content::RenderMarkdown(a.body_markdown);
    ASSERT_TRUE(doc.ok());
    a.body_html = doc->html;
    a.excerpt = doc->excerpt;
    a.status = store::ArticleStatus::kPublished;
    a.published_at = a.created_at = a.updated_at = kNow - 3600;
    ASSERT_TRUE(store_->SaveArticle(a).ok());
    article_id_ = a.id;
    pages_ = std::make_unique<CachedPages>(*store_, *site_, CachedPagesOptions{});
    ASSERT_TRUE(pages_->Sync().ok());
  }

  // The worker's path: the middleware, then the router's handler.
  http::Response Render(const std::string& target, const std::vector<std::pair<std::string, std::string>>& headers = {}) {
    http::Request r;
    r.method = http::Method::kGet;
    r.target = target;
    r.path = target.substr(0, target.find('?'));
    if (target.find('?') != std::string::npos) r.query = target.substr(target.find('?') + 1);
    for (const auto& [n, v] : headers) r.headers.Add(n, v);
    return http::Dispatch(router_, {pages_->Middleware()}, r);
  }

  // The event loop's path. On the heap: an answer's pieces may point into
  // its own scratch space, so it must not move.
  std::unique_ptr<http::FastAnswer> Fast(const std::string& target, std::string_view accept_encoding = "",
                                       std::string_view cookie = "", std::string_view if_none_match = "") {
    http::FastRequest r;
    r.target = target;
    r.accept_encoding = accept_encoding;
    r.cookie = cookie;
    r.if_none_match = if_none_match;
    auto answer = std::make_unique<http::FastAnswer>();
    if (!pages_->FastPath()(r, *answer)) return nullptr;
    return answer;
  }

  int64_t now_ = kNow;
  int64_t article_id_ = 0;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<Site> site_;
  http::Router router_;
  std::unique_ptr<CachedPages> pages_;
};

TEST(CacheKeyTest, KeepsPagesAndDropsTrackingParameters) {
  EXPECT_EQ(CacheKey("/articles/one"), "/articles/one");
  EXPECT_EQ(CacheKey("/articles/one?"), "/articles/one");
  EXPECT_EQ(CacheKey("/articles/one?utm_source=x&fbclid=y&gclid=z"), "/articles/one");
  EXPECT_EQ(CacheKey("/?page=2"), "/?page=2");
  EXPECT_EQ(CacheKey("/?page=2&utm_source=x"), std::nullopt);
  EXPECT_EQ(CacheKey("/?page=two"), std::nullopt);
  EXPECT_EQ(CacheKey("/?page=1&page=2"), std::nullopt);
  EXPECT_EQ(CacheKey("/articles/one?replyto=4"), std::nullopt);
  EXPECT_EQ(CacheKey("/relations?from=2000"), std::nullopt);
}

TEST(MarkCacheableTest, OnlyPublicAnswersAreMarked) {
  http::Response ok(200, "text/html", "x");
  MarkCacheable(ok, {"comments:*"});
  EXPECT_EQ(ok.cache_scopes, (std::vector<std::string>{"site", "comments:*"}));
  http::Response missing(404, "text/html", "x");
  MarkCacheable(missing, {});
  EXPECT_TRUE(missing.cache_scopes.empty());
  http::Response personal(200, "text/html", "x");
  personal.headers.Set("Cache-Control", "private, no-store");
  MarkCacheable(personal, {});
  EXPECT_TRUE(personal.cache_scopes.empty());
  http::Response cookie(200, "text/html", "x");
  cookie.headers.Add("Set-Cookie", "a=b");
  MarkCacheable(cookie, {});
  EXPECT_TRUE(cookie.cache_scopes.empty());
}

TEST_F(CachedPagesTest, AStoredArticleIsServedWithoutTheWorkersAndAFreshToken) {
  EXPECT_FALSE(Fast("/articles/one")) << "nothing stored yet";
  http::Response rendered = Render("/articles/one");
  ASSERT_EQ(rendered.status, 200);
  ASSERT_TRUE(rendered.stamp);
  now_ += 5;  // another second: another token
  auto answer = Fast("/articles/one");
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 200);
  EXPECT_TRUE(answer->head.starts_with("HTTP/1.1 200 OK\r\n"));
  EXPECT_NE(answer->head.find("ETag: W/\""), std::string_view::npos);
  EXPECT_NE(answer->head.find("X-Cache: hit\r\n"), std::string_view::npos);
  EXPECT_NE(answer->head.find("Content-Security-Policy: "), std::string_view::npos);
  const std::string body = Concat(*answer);
  ASSERT_EQ(body.size(), rendered.BodyView().size());
  const size_t at = rendered.stamp->offset;
  EXPECT_EQ(body.substr(0, at), rendered.BodyView().substr(0, at));
  EXPECT_EQ(body.substr(at + rendered.stamp->size), rendered.BodyView().substr(at + rendered.stamp->size));
  EXPECT_EQ(body.substr(at, rendered.stamp->size), site_->FormToken(article_id_, now_));
  EXPECT_NE(body.substr(at, rendered.stamp->size), rendered.BodyView().substr(at, rendered.stamp->size));
}

// What sendfile sends of a file answer.
std::string FileBytes(const http::FastAnswer& a) {
  std::string out(a.file.size, '\0');
  const ssize_t n = ::pread(a.file.fd, out.data(), out.size(), static_cast<off_t>(a.file.offset));
  out.resize(n < 0 ? 0 : static_cast<size_t>(n));
  return out;
}

TEST_F(CachedPagesTest, AHotPageGoesOutFromAFileWithThisSecondsToken) {
  store::Article a;
  a.slug = "long";
  a.title = "Long";
  for (int i = 0; i < 80; ++i)
    a.body_markdown += "A paragraph on the harbour, its cranes and its ledgers, again. ";
  auto doc = content::RenderMarkdown(a.body_markdown);
  ASSERT_TRUE(doc.ok());
  a.body_html = doc->html;
  for (int i = 0; i < 4; ++i) a.body_html += a.body_html;
  a.excerpt = doc->excerpt;
  a.status = store::ArticleStatus::kPublished;
  a.published_at = a.created_at = a.updated_at = kNow - 60;
  ASSERT_TRUE(store_->SaveArticle(a).ok());
  ASSERT_TRUE(pages_->Sync().ok());
  const http::Response rendered = Render("/articles/long");
  ASSERT_TRUE(rendered.stamp);
  ASSERT_GE(rendered.BodyView().size(), cache::kMinFileBody);
  // The page as a reader in second `t` gets it.
  auto page_at = [&](int64_t t) {
    std::string page(rendered.BodyView());
    return page.replace(rendered.stamp->offset, rendered.stamp->size, site_->FormToken(a.id, t));
  };
  // Answers until one comes from a file, which the maker's thread makes.
  auto from_file = [this]() -> std::unique_ptr<http::FastAnswer> {
    for (int i = 0; i < 5000; ++i) {
      auto answer = Fast("/articles/long");
      if (answer == nullptr) return nullptr;
      if (answer->file.fd >= 0) return answer;
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return nullptr;
  };

  for (uint32_t i = 1; i < cache::HotBody::kHotAnswers; ++i) {
    auto answer = Fast("/articles/long");
    ASSERT_TRUE(answer);
    EXPECT_LT(answer->file.fd, 0) << "answer " << i << " comes from memory";
    EXPECT_EQ(Concat(*answer), page_at(now_));
  }
  auto hot = from_file();
  ASSERT_TRUE(hot) << "a page answered kHotAnswers times in a second gets its file";
  EXPECT_EQ(hot->status, 200);
  EXPECT_TRUE(hot->body[0].empty()) << "the file stands for the body";
  EXPECT_NE(hot->head.find("Content-Length: " + std::to_string(hot->file.size) + "\r\n"),
            std::string_view::npos);
  EXPECT_EQ(FileBytes(*hot), page_at(now_));
  // Before the body, the whole head as the server would write it this second.
  EXPECT_EQ(hot->file.head_second, now_);
  std::string file_head(static_cast<size_t>(hot->file.offset), '\0');
  ASSERT_EQ(::pread(hot->file.fd, file_head.data(), file_head.size(), 0),
            static_cast<ssize_t>(file_head.size()));
  EXPECT_EQ(file_head, std::string(hot->head) + http::DateLine(now_) + "\r\n");

  http::FastRequest head_request;
  head_request.method = http::Method::kHead;
  head_request.target = "/articles/long";
  http::FastAnswer head;
  ASSERT_TRUE(pages_->FastPath()(head_request, head));
  EXPECT_LT(head.file.fd, 0) << "a HEAD sends no body to take from a file";

  // The next second has its own token, so its own file; the last one stays
  // as it was for a writer still sending it.
  now_ += 1;
  auto next = from_file();
  ASSERT_TRUE(next);
  EXPECT_NE(next->file.fd, hot->file.fd);
  EXPECT_EQ(FileBytes(*next), page_at(now_));
  EXPECT_NE(page_at(now_), page_at(now_ - 1));
  EXPECT_EQ(FileBytes(*hot), page_at(now_ - 1));

  // A change to what the page shows drops it, file and all.
  ASSERT_TRUE(store_->PutSetting("test.hot", "1").ok());
  ASSERT_TRUE(pages_->Sync().ok());
  EXPECT_FALSE(Fast("/articles/long"));
}

TEST_F(CachedPagesTest, ValidatorsAndEncodings) {
  http::Response rendered = Render("/articles/one");
  const std::string etag(rendered.headers.Get("ETag").value_or(""));
  auto not_modified = Fast("/articles/one", "", "", etag);
  ASSERT_TRUE(not_modified);
  EXPECT_EQ(not_modified->status, 304);
  EXPECT_TRUE(not_modified->head.starts_with("HTTP/1.1 304 Not Modified\r\n"));
  EXPECT_EQ(not_modified->head.find("Content-Length"), std::string_view::npos);
  // No gzip body yet: a gzip reader goes to a worker, which adds it.
  EXPECT_FALSE(Fast("/articles/one", "gzip"));
  http::Response zipped = Render("/articles/one", {{"Accept-Encoding", "gzip"}});
  EXPECT_EQ(zipped.headers.Get("Content-Encoding").value_or(""), "gzip");
  auto answer = Fast("/articles/one", "gzip");
  ASSERT_TRUE(answer);
  EXPECT_NE(answer->head.find("Content-Encoding: gzip\r\n"), std::string_view::npos);
  const std::string body = Concat(*answer);
  EXPECT_NE(answer->head.find("Content-Length: " + std::to_string(body.size()) + "\r\n"), std::string_view::npos);
  EXPECT_EQ(body.substr(0, 2), "\x1f\x8b");
}

TEST_F(CachedPagesTest, PersonalAndOddRequestsAreNotServedFromIt) {
  Render("/articles/one");
  ASSERT_TRUE(Fast("/articles/one"));
  EXPECT_FALSE(Fast("/articles/one", "", "chancery_own=abc"));
  EXPECT_FALSE(Fast("/articles/one", "", "x=1; chancery_commenter=abc"));
  EXPECT_TRUE(Fast("/articles/one", "", "chancery_ownership=abc")) << "only the exact names";
  EXPECT_FALSE(Fast("/articles/one?replyto=2"));
  // A personal render is not stored over the public page.
  EXPECT_EQ(Render("/articles/one", {{"Cookie", "chancery_commenter=A%0Ab%40c.example%0A"}})
                .headers.Get("X-Cache")
                .value_or(""),
            "");
}

TEST_F(CachedPagesTest, AWriteThroughTheStoreIsSeenBeforeTheNextCachedAnswer) {
  Render("/articles/one");
  Render("/");
  ASSERT_TRUE(Fast("/"));
  // An approved comment: the article and the lists that count comments go.
  store::Comment c;
  c.article_id = article_id_;
  c.author_name = "A Reader";
  c.author_email = "reader@readers.example";
  c.body = "A comment that counts.";
  c.status = store::CommentStatus::kApproved;
  c.created_at = now_;
  ASSERT_TRUE(store_->AddComment(c).ok());
  ASSERT_TRUE(pages_->Sync().ok());
  EXPECT_FALSE(Fast("/articles/one"));
  EXPECT_FALSE(Fast("/"));
  // A setting changes every page.
  Render("/articles/one");
  Render("/feed.xml");
  ASSERT_TRUE(Fast("/feed.xml"));
  ASSERT_TRUE(store_->PutSetting("site.title", "Another Title").ok());
  ASSERT_TRUE(pages_->Sync().ok());
  EXPECT_FALSE(Fast("/feed.xml"));
  EXPECT_FALSE(Fast("/articles/one"));
}

TEST_F(CachedPagesTest, APostReadsTheChangeLogBeforeItsAnswer) {
  Render("/articles/one");
  ASSERT_TRUE(Fast("/articles/one"));
  router_.Post("/write", [this](const http::Request&) {
    EXPECT_TRUE(store_->PutSetting("site.tagline", "Changed by a post").ok());
    return http::Response(303, "text/plain", "");
  });
  http::Request post;
  post.method = http::Method::kPost;
  post.target = post.path = "/write";
  EXPECT_EQ(http::Dispatch(router_, {pages_->Middleware()}, post).status, 303);
  EXPECT_FALSE(Fast("/articles/one"));
}

TEST_F(CachedPagesTest, InsightResultsDropPagesAtMostEveryFewHundredMilliseconds) {
  auto save_insight = [this](const std::string& json) {
    store::ArticleInsight insight;
    insight.article_id = article_id_;
    insight.analyzed_at = now_;
    insight.gazetteer_version = "test";
    insight.analysis_json = json;
    ASSERT_TRUE(store_->SaveArticleInsight(insight).ok());
  };
  Render("/articles/one");
  save_insight(R"({"actors":[],"relations":[],"events":[]})");
  ASSERT_TRUE(pages_->Sync().ok());
  EXPECT_FALSE(Fast("/articles/one")) << "the first result drops the page at once";
  Render("/articles/one");
  save_insight(R"({"actors":[],"relations":[],"events":[],"x":1})");
  ASSERT_TRUE(pages_->Sync().ok());
  EXPECT_TRUE(Fast("/articles/one")) << "a second one within the interval waits";
  pages_->Start();  // the poller drops what waits once the interval is over
  const auto start = std::chrono::steady_clock::now();
  auto cached = [this] { return pages_->cache().Find("/articles/one", now_) != nullptr; };
  while (cached() && std::chrono::steady_clock::now() - start < std::chrono::seconds(3))
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_LT(took, std::chrono::milliseconds(1000));
  EXPECT_GT(took, std::chrono::milliseconds(300)) << "dropped before the interval was over";
  EXPECT_FALSE(cached());
  pages_->Stop();
}

}  // namespace
}  // namespace chancery::site
