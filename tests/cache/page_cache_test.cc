#include "cache/page_cache.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace chancery::cache {
namespace {

constexpr int64_t kNow = 1'800'000'000;

std::shared_ptr<const Page> MakePage(std::string key, std::vector<std::string> scopes, size_t body_bytes = 100,
                                     int64_t at = kNow) {
  auto page = std::make_shared<Page>();
  page->key = std::move(key);
  page->scopes = std::move(scopes);
  page->body.assign(body_bytes, 'x');
  page->head = "HTTP/1.1 200 OK\r\n";
  page->stored_at = at;
  return page;
}

TEST(PageCacheTest, FindsWhatWasPutAndMissesTheRest) {
  PageCache cache;
  EXPECT_EQ(cache.Find("/a", kNow), nullptr);
  ASSERT_TRUE(cache.Put(MakePage("/a", {"site"}), cache.Epoch()));
  auto found = cache.Find("/a", kNow);
  ASSERT_NE(found, nullptr);
  EXPECT_EQ(found->key, "/a");
  EXPECT_EQ(cache.Find("/a?page=2", kNow), nullptr);
  Stats s = cache.stats();
  EXPECT_EQ(s.hits, 1u);
  EXPECT_EQ(s.misses, 2u);
  EXPECT_EQ(s.pages, 1u);
  EXPECT_EQ(s.bytes, found->Bytes());
}

TEST(PageCacheTest, ReplacingAPageKeepsOneCopyAndCountsBytesOnce) {
  PageCache cache;
  ASSERT_TRUE(cache.Put(MakePage("/a", {"site"}, 100), cache.Epoch()));
  ASSERT_TRUE(cache.Put(MakePage("/a", {"site"}, 300), cache.Epoch()));
  Stats s = cache.stats();
  EXPECT_EQ(s.pages, 1u);
  EXPECT_EQ(s.bytes, cache.Find("/a", kNow)->Bytes());
  EXPECT_EQ(cache.Find("/a", kNow)->body.size(), 300u);
}

TEST(PageCacheTest, ARenderThatRacedAnInvalidationIsNotStored) {
  PageCache cache;
  const uint64_t before = cache.Epoch();
  cache.Invalidate("comments:1");  // a change lands while the page renders
  EXPECT_FALSE(cache.Put(MakePage("/a", {"comments:1"}), before));
  EXPECT_EQ(cache.Find("/a", kNow), nullptr);
  EXPECT_EQ(cache.stats().refused, 1u);
  EXPECT_TRUE(cache.Put(MakePage("/a", {"comments:1"}), cache.Epoch()));
}

TEST(PageCacheTest, InvalidateDropsOnlyThePagesNamingTheScope) {
  PageCache cache;
  ASSERT_TRUE(cache.Put(MakePage("/articles/one", {"site", "comments:1", "insight"}), cache.Epoch()));
  ASSERT_TRUE(cache.Put(MakePage("/articles/two", {"site", "comments:2", "insight"}), cache.Epoch()));
  ASSERT_TRUE(cache.Put(MakePage("/", {"site", "comments:*"}), cache.Epoch()));
  ASSERT_TRUE(cache.Put(MakePage("/feed.xml", {"site"}), cache.Epoch()));
  EXPECT_EQ(cache.Invalidate("comments:1"), 1u);
  EXPECT_EQ(cache.Find("/articles/one", kNow), nullptr);
  EXPECT_NE(cache.Find("/articles/two", kNow), nullptr);
  EXPECT_NE(cache.Find("/", kNow), nullptr);
  EXPECT_EQ(cache.Invalidate("comments:*"), 1u);
  EXPECT_EQ(cache.Find("/", kNow), nullptr);
  EXPECT_EQ(cache.Invalidate("insight"), 1u);  // only /articles/two is left naming it
  EXPECT_EQ(cache.Invalidate("insight"), 0u);
  EXPECT_NE(cache.Find("/feed.xml", kNow), nullptr);
  cache.Clear();
  EXPECT_EQ(cache.Find("/feed.xml", kNow), nullptr);
  EXPECT_EQ(cache.stats().bytes, 0u);
}

TEST(PageCacheTest, EvictsTheLeastRecentlyUsedToStayWithinBudget) {
  PageCache::Options o;
  const size_t one = MakePage("/0", {"site"}, 1000)->Bytes();
  o.max_bytes = one * 3 + one / 2;  // room for three pages
  PageCache cache(o);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(cache.Put(MakePage("/" + std::to_string(i), {"site"}, 1000), cache.Epoch()));
  ASSERT_NE(cache.Find("/0", kNow), nullptr);  // /1 is now the least recently used
  ASSERT_TRUE(cache.Put(MakePage("/3", {"site"}, 1000), cache.Epoch()));
  EXPECT_EQ(cache.Find("/1", kNow), nullptr);
  EXPECT_NE(cache.Find("/0", kNow), nullptr);
  EXPECT_NE(cache.Find("/2", kNow), nullptr);
  EXPECT_NE(cache.Find("/3", kNow), nullptr);
  Stats s = cache.stats();
  EXPECT_LE(s.bytes, o.max_bytes);
  EXPECT_EQ(s.evictions, 1u);
  // The evicted page left no trace in the scope index.
  EXPECT_EQ(cache.Invalidate("site"), 3u);
}

TEST(PageCacheTest, RefusesAPageLargerThanItsLimit) {
  PageCache::Options o;
  o.max_page_bytes = 10'000;
  PageCache cache(o);
  EXPECT_FALSE(cache.Put(MakePage("/big", {"site"}, 20'000), cache.Epoch()));
  EXPECT_EQ(cache.stats().pages, 0u);
}

TEST(PageCacheTest, PagesOlderThanMaxAgeAreRenderedAgain) {
  PageCache::Options o;
  o.max_age_seconds = 60;
  PageCache cache(o);
  ASSERT_TRUE(cache.Put(MakePage("/a", {"site"}, 10, kNow), cache.Epoch()));
  EXPECT_NE(cache.Find("/a", kNow + 59), nullptr);
  EXPECT_EQ(cache.Find("/a", kNow + 60), nullptr);
  EXPECT_EQ(cache.stats().pages, 0u);  // dropped, not just skipped
}

TEST(PageCacheTest, UpgradeReplacesOnlyThePageItWasMadeFrom) {
  PageCache cache;
  auto first = MakePage("/a", {"site"});
  ASSERT_TRUE(cache.Put(first, cache.Epoch()));
  auto upgraded = MakePage("/a", {"site"}, 200);
  EXPECT_TRUE(cache.Upgrade(first, upgraded));
  EXPECT_EQ(cache.Find("/a", kNow), upgraded);
  EXPECT_FALSE(cache.Upgrade(first, MakePage("/a", {"site"}, 300)));  // stale base
  EXPECT_EQ(cache.Find("/a", kNow), upgraded);
}

TEST(PageCacheTest, AWriterStillHoldingADroppedPageKeepsItsBytes) {
  PageCache cache;
  ASSERT_TRUE(cache.Put(MakePage("/a", {"site"}, 50), cache.Epoch()));
  auto held = cache.Find("/a", kNow);
  cache.Clear();
  EXPECT_EQ(held->body, std::string(50, 'x'));
}

TEST(PageCacheTest, ConcurrentReadersWritersAndInvalidationsStayConsistent) {
  PageCache::Options o;
  o.max_bytes = 40 * MakePage("/0", {"site"}, 500)->Bytes();
  PageCache cache(o);
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; !stop && i < 20000; ++i) {
        const std::string key = "/" + std::to_string((i * 7 + t) % 100);
        if (i % 3 == 0) {
          cache.Put(MakePage(key, {"site", "comments:" + std::to_string(i % 5)}, 500), cache.Epoch());
        } else if (auto p = cache.Find(key, kNow)) {
          ASSERT_EQ(p->key, key);
        }
        if (t == 0 && i % 500 == 0) cache.Invalidate("comments:" + std::to_string(i % 5));
      }
    });
  }
  for (auto& th : threads) th.join();
  Stats s = cache.stats();
  EXPECT_LE(s.bytes, o.max_bytes);
  size_t counted = 0;
  for (int i = 0; i < 100; ++i)
    if (auto p = cache.Find("/" + std::to_string(i), kNow)) counted += p->Bytes();
  EXPECT_EQ(counted, cache.stats().bytes);
}

TEST(EntityTagTest, IsQuotedHexAndFollowsTheBytes) {
  const std::string a = EntityTag("hello"), b = EntityTag("hello!");
  EXPECT_EQ(a.size(), 18u);
  EXPECT_EQ(a.front(), '"');
  EXPECT_EQ(a.back(), '"');
  EXPECT_NE(a, b);
  EXPECT_EQ(a, EntityTag("hello"));
}

TEST(IfNoneMatchTest, UsesTheWeakComparison) {
  EXPECT_TRUE(IfNoneMatchMatches("\"abc\"", "\"abc\""));
  EXPECT_TRUE(IfNoneMatchMatches("W/\"abc\"", "\"abc\""));
  EXPECT_TRUE(IfNoneMatchMatches("\"abc\"", "W/\"abc\""));
  EXPECT_TRUE(IfNoneMatchMatches("\"x\", W/\"abc\" ,\"y\"", "W/\"abc\""));
  EXPECT_TRUE(IfNoneMatchMatches("*", "\"abc\""));
  EXPECT_FALSE(IfNoneMatchMatches("\"abcd\"", "\"abc\""));
  EXPECT_FALSE(IfNoneMatchMatches("abc", "\"abc\""));
  EXPECT_FALSE(IfNoneMatchMatches("", "\"abc\""));
}

}  // namespace
}  // namespace chancery::cache
