// The rendered-page cache end to end (issue 6): a real `chancery serve` on
// the demo site, read over HTTP as browsers and crawlers read it, written
// to by the command line and by another store on the same file.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <mutex>
#include <optional>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "harness.h"
#include "newsroom_client.h"
#include "store/store.h"
#include "support/gunzip.h"

namespace chancery::testing {
namespace {

using Clock = std::chrono::steady_clock;

constexpr char kArticle[] = "/articles/islamabads-long-hedge";

bool Has(const std::string& haystack, const std::string& needle) { return haystack.find(needle) != std::string::npos; }

std::string FormToken(const std::string& page) {
  std::smatch m;
  static const std::regex token(R"re(name="form_token" value="([A-Za-z0-9_-]+)")re");
  return std::regex_search(page, m, token) ? m[1].str() : "";
}

// The page with its form token blanked: what stays the same between readers.
std::string WithoutToken(std::string page) {
  const std::string token = FormToken(page);
  if (!token.empty()) page.replace(page.find(token), token.size(), "");
  return page;
}

class PageCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto init = RunChancery({"init", "--data", dir_.path(), "--demo"});
    ASSERT_EQ(init.exit_code, 0) << init.err;
    server_ = std::make_unique<ServerProcess>(
        dir_.path(), std::vector<std::string>{"CHANCERY_COMMENTS_MIN_SECONDS_TO_SUBMIT=0",
                                              "CHANCERY_COMMENTS_RATE_LIMIT_PER_MINUTE=0"});
    ASSERT_TRUE(server_->started()) << server_->Log();
    // The insight layer reads the demo archive just after start, and each
    // result it stores drops the pages showing it: wait until every article
    // has its result, then for a second and a half of hits.
    store_ = OpenSiteStore(dir_.path());
    ASSERT_NE(store_, nullptr);
    const auto start = Clock::now();
    auto all_read = [this] {
      auto list = store_->ListVisibleArticles({.now = static_cast<int64_t>(std::time(nullptr)), .limit = 100});
      if (!list.ok() || list->items.empty()) return false;
      for (const auto& a : list->items) {
        auto insight = store_->FindArticleInsight(a.id);
        if (!insight.ok() || !insight.value()) return false;
      }
      return true;
    };
    while (!all_read() && Clock::now() - start < std::chrono::seconds(60))
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    int hits = 0;
    while (hits < 15 && Clock::now() - start < std::chrono::seconds(30)) {
      hits = Get(kArticle).Header("x-cache") == "hit" ? hits + 1 : 0;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ASSERT_EQ(hits, 15) << "the article page never settled in the cache";
    // Start each test from an empty cache: a setting saved drops every page.
    ASSERT_TRUE(store_->PutSetting("test.page_cache", "1").ok());
    ASSERT_TRUE(Until(kArticle, [](const HttpResponse& r) { return r.Header("x-cache") == "miss"; }));
  }

  HttpResponse Get(const std::string& target, const Fields& headers = {}) {
    return HttpGet(server_->port(), target, headers).value_or(HttpResponse{});
  }

  // Asks for `target` until `ok` holds or `limit` passes; the time it took.
  template <typename Ok>
  std::optional<std::chrono::milliseconds> Until(const std::string& target, Ok ok,
                                                 std::chrono::milliseconds limit = std::chrono::milliseconds(3000)) {
    const auto start = Clock::now();
    while (Clock::now() - start < limit) {
      if (ok(Get(target))) return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return std::nullopt;
  }

  // A reader's comment through the form; its id, or 0.
  int64_t PostComment(const std::string& text, const std::string& email) {
    const std::string token = FormToken(Get(kArticle).body);
    auto r = HttpRequest(server_->port(), "POST", std::string(kArticle) + "/comments",
                         {{"Content-Type", "application/x-www-form-urlencoded"}},
                         FormBody({{"comment", text}, {"author", "A Reader"}, {"email", email}, {"url", ""},
                                   {"form_token", token}}));
    if (!r || r->status != 303) return 0;
    const std::string location = r->Header("location");
    const size_t hash = location.find("#comment-");
    return hash == std::string::npos ? 0 : std::stoll(location.substr(hash + 9));
  }

  TempDir dir_;
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<store::Store> store_;
};

TEST_F(PageCacheTest, TheSecondReaderGetsTheStoredPageWithAFreshFormToken) {
  ASSERT_TRUE(store_->PutSetting("test.page_cache", "2").ok());  // drops every page
  HttpResponse first;
  ASSERT_TRUE(Until(kArticle, [&first](const HttpResponse& r) {
    first = r;
    return r.Header("x-cache") == "miss";
  }));
  ASSERT_EQ(first.status, 200);
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));  // the token carries the second it was served
  // (A render that raced the poller's own reading of the change log is
  // answered but not stored; the next one is.)
  HttpResponse second;
  ASSERT_TRUE(Until(kArticle, [&second](const HttpResponse& r) {
    second = r;
    return r.Header("x-cache") == "hit";
  }));
  ASSERT_EQ(second.status, 200);
  EXPECT_EQ(second.Header("etag"), first.Header("etag"));
  EXPECT_EQ(second.Header("content-length"), std::to_string(second.body.size()));
  EXPECT_EQ(second.Header("content-security-policy"), first.Header("content-security-policy"));
  EXPECT_EQ(second.Header("cache-control"), first.Header("cache-control"));
  EXPECT_FALSE(second.Header("date").empty());
  EXPECT_EQ(WithoutToken(second.body), WithoutToken(first.body));
  const std::string token = FormToken(second.body);
  ASSERT_FALSE(token.empty());
  EXPECT_NE(token, FormToken(first.body)) << "every reader's form is stamped when it is served";

  // The stamped token is genuine: a comment posted with it is taken.
  auto posted = HttpRequest(server_->port(), "POST", std::string(kArticle) + "/comments",
                            {{"Content-Type", "application/x-www-form-urlencoded"}},
                            FormBody({{"comment", "Posted from a cached page."}, {"author", "A Reader"},
                                      {"email", "cached@readers.example"}, {"url", ""}, {"form_token", token}}));
  ASSERT_TRUE(posted);
  EXPECT_EQ(posted->status, 303) << posted->body;
}

// The files the server has open in `dir` that have no name there: the
// bodies of hot pages (O_TMPFILE).
int UnnamedFilesIn(pid_t pid, const std::string& dir) {
  int count = 0;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/fd", ec)) {
    std::error_code link_ec;
    const std::string target = std::filesystem::read_symlink(entry.path(), link_ec).string();
    if (!link_ec && target.starts_with(dir + "/") && target.ends_with(" (deleted)")) ++count;
  }
  return count;
}

TEST_F(PageCacheTest, AHotPageIsSentFromAnUnnamedFileByteForByteWithAGenuineToken) {
  const HttpResponse first = Get(kArticle);
  ASSERT_EQ(first.status, 200);
  ASSERT_GE(first.body.size(), 16u * 1024) << "large enough to be sent from a file";
  // Four readers at once for two seconds or more (a sanitized build
  // answers a few dozen a second, a release build thousands): the page
  // turns hot and is sent from a file made for each second, with each
  // second's token. At most 10 s until the file has been seen.
  const std::string dir = std::filesystem::canonical(dir_.path()).string();
  const auto start = Clock::now();
  std::mutex mu;
  int answers = 0;
  std::vector<std::string> wrong;  // what went amiss, by answer
  std::set<std::string> tokens;
  std::string last;  // the latest page
  std::atomic<bool> done{false};
  auto reader = [&] {
    while (!done) {
      const HttpResponse r = Get(kArticle);
      std::lock_guard lock(mu);
      ++answers;
      if (r.status != 200 || r.Header("content-length") != std::to_string(r.body.size()) ||
          WithoutToken(r.body) != WithoutToken(first.body))
        wrong.push_back("answer " + std::to_string(answers) + ": status " + std::to_string(r.status) + ", " +
                        std::to_string(r.body.size()) + " bytes");
      tokens.insert(FormToken(r.body));
      last = r.body;
    }
  };
  std::vector<std::thread> readers;
  for (int i = 0; i < 4; ++i) readers.emplace_back(reader);
  int with_file = 0;
  while (Clock::now() - start < std::chrono::seconds(10) &&
         (with_file == 0 || Clock::now() - start < std::chrono::milliseconds(2300))) {
    with_file = std::max(with_file, UnnamedFilesIn(server_->pid(), dir));
    server_->Log();  // reads its access log, which would fill the pipe and stall it
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  done = true;
  for (auto& t : readers) t.join();
  EXPECT_TRUE(wrong.empty()) << wrong.size() << " wrong answers; the first: " << wrong.front();
  EXPECT_GE(with_file, 1) << "the server kept the hot page in an unnamed file in its folder (" << answers
                          << " answers)";
  EXPECT_GE(tokens.size(), 2u) << "a token for each second";

  auto posted = HttpRequest(server_->port(), "POST", std::string(kArticle) + "/comments",
                            {{"Content-Type", "application/x-www-form-urlencoded"}},
                            FormBody({{"comment", "Posted from a page sent from a file."},
                                      {"author", "A Reader"},
                                      {"email", "hot@readers.example"},
                                      {"url", ""},
                                      {"form_token", FormToken(last)}}));
  ASSERT_TRUE(posted);
  EXPECT_EQ(posted->status, 303) << posted->body;
}

TEST_F(PageCacheTest, ValidatorsHeadAndGzip) {
  HttpResponse page = Get(kArticle);
  const std::string etag = page.Header("etag");
  ASSERT_FALSE(etag.empty());
  EXPECT_EQ(page.Header("vary"), "Accept-Encoding");

  HttpResponse not_modified = Get(kArticle, {{"If-None-Match", etag}});
  EXPECT_EQ(not_modified.status, 304);
  EXPECT_EQ(not_modified.body, "");
  EXPECT_EQ(not_modified.Header("etag"), etag);
  EXPECT_EQ(Get(kArticle, {{"If-None-Match", "\"something-else\""}}).status, 200);

  auto head = HttpRequest(server_->port(), "HEAD", kArticle);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->body, "");
  EXPECT_EQ(head->Header("content-length"), std::to_string(page.body.size()));

  // The first gzip reader's page is rendered with its gzip body; the next is served it.
  for (const char* expected : {"miss", "hit"}) {
    HttpResponse zipped = Get(kArticle, {{"Accept-Encoding", "br, gzip;q=0.8"}});
    ASSERT_EQ(zipped.status, 200);
    EXPECT_EQ(zipped.Header("content-encoding"), "gzip");
    EXPECT_EQ(zipped.Header("x-cache"), expected);
    EXPECT_LT(zipped.body.size(), page.body.size() / 2);
    auto text = test_support::Gunzip(zipped.body);
    ASSERT_TRUE(text) << "a valid gzip member with a correct CRC";
    EXPECT_EQ(WithoutToken(*text), WithoutToken(page.body));
  }
  EXPECT_EQ(Get(kArticle, {{"Accept-Encoding", "gzip;q=0"}}).Header("content-encoding"), "");
}

TEST_F(PageCacheTest, TrackingParametersShareThePageOtherQueriesAreRendered) {
  Get(kArticle);
  EXPECT_EQ(Get(std::string(kArticle) + "?utm_source=newsletter&utm_medium=email").Header("x-cache"), "hit");
  EXPECT_EQ(Get("/?page=1").Header("x-cache"), "miss");
  EXPECT_EQ(Get("/?page=1").Header("x-cache"), "hit");
  // A reply link changes the page; it is never stored.
  for (int i = 0; i < 2; ++i) EXPECT_EQ(Get(std::string(kArticle) + "?replyto=1").Header("x-cache"), "");
  EXPECT_EQ(Get("/?page=1&x=2").Header("x-cache"), "");
}

TEST_F(PageCacheTest, ACommentersPageIsNeverTakenFromTheCache) {
  Get(kArticle);
  ASSERT_EQ(Get(kArticle).Header("x-cache"), "hit");
  HttpResponse personal = Get(kArticle, {{"Cookie", "theme=dark; chancery_commenter=A%20Reader%0Aa%40b.example%0A"}});
  EXPECT_EQ(personal.Header("x-cache"), "");
  EXPECT_EQ(personal.Header("cache-control"), "private, no-store");
  EXPECT_TRUE(Has(personal.body, "value=\"A Reader\"")) << "their details fill the form";
  EXPECT_EQ(Get(kArticle, {{"Cookie", "theme=dark"}}).Header("x-cache"), "hit");
}

TEST_F(PageCacheTest, AHeldCommentLeavesThePageInTheCacheAnApprovalFromTheCommandLineShowsAtOnce) {
  Get(kArticle);
  const int64_t id = PostComment("A thought worth approving, from the cache test.", "approve-me@readers.example");
  ASSERT_GT(id, 0);
  HttpResponse after_post = Get(kArticle);
  EXPECT_EQ(after_post.Header("x-cache"), "hit") << "a held comment changes no public page";
  EXPECT_FALSE(Has(after_post.body, "A thought worth approving"));

  auto approve = RunChancery({"comments", "approve", "--data", dir_.path(), std::to_string(id)});
  ASSERT_EQ(approve.exit_code, 0) << approve.err;
  // Another process committed: the very next request sees it.
  HttpResponse next = Get(kArticle);
  EXPECT_TRUE(Has(next.body, "A thought worth approving")) << "x-cache: " << next.Header("x-cache");
  EXPECT_EQ(next.Header("x-cache"), "miss");
  // The lists that count comments were dropped too.
  EXPECT_EQ(Get("/").Header("x-cache"), "miss");
}

TEST_F(PageCacheTest, AnotherStoreOnTheSameFileInvalidatesWithinASecond) {
  auto& store = store_;
  auto found = store->FindArticle("islamabads-long-hedge");
  ASSERT_TRUE(found.ok() && found.value());
  ASSERT_EQ(Get(kArticle).status, 200);
  ASSERT_EQ(Get("/feed.xml").status, 200);
  store::Article article = *found.value();
  article.title = "Islamabad's Long Hedge, Revised";
  ASSERT_TRUE(store->SaveArticle(article).ok());
  auto took = Until(kArticle, [](const HttpResponse& r) { return Has(r.body, "Islamabad&#39;s Long Hedge, Revised") ||
                                                                 Has(r.body, "Islamabad's Long Hedge, Revised"); });
  ASSERT_TRUE(took) << "the new title never showed";
  EXPECT_LT(took->count(), 1000);
  EXPECT_TRUE(Has(Get("/feed.xml").body, "Long Hedge, Revised")) << "an article change drops every page";
}

TEST_F(PageCacheTest, AScheduledArticleAppearsWhenItsTimeComes) {
  auto& store = store_;
  ASSERT_EQ(Get("/").status, 200);
  store::Article a;
  a.slug = "due-in-two-seconds";
  a.title = "Due In Two Seconds";
  a.body_markdown = "A scheduled piece.";
  a.status = store::ArticleStatus::kScheduled;
  a.published_at = static_cast<int64_t>(std::time(nullptr)) + 2;
  ASSERT_TRUE(store->SaveArticle(a).ok());
  EXPECT_FALSE(Has(Get("/").body, "Due In Two Seconds"));
  auto took = Until("/", [](const HttpResponse& r) { return Has(r.body, "Due In Two Seconds"); },
                    std::chrono::milliseconds(5000));
  ASSERT_TRUE(took) << "the home page kept the list from before the article's time";
  EXPECT_GT(took->count(), 500);
}

TEST_F(PageCacheTest, TheCacheCanBeTurnedOff) {
  store_.reset();
  server_.reset();
  ServerProcess off(dir_.path(), {"CHANCERY_CACHE_ENABLED=false"});
  ASSERT_TRUE(off.started()) << off.Log();
  for (int i = 0; i < 2; ++i) {
    auto r = HttpGet(off.port(), kArticle);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->Header("x-cache"), "");
  }
}

}  // namespace
}  // namespace chancery::testing
