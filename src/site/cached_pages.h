// chancery/site: the public pages served from memory — the page cache's
// policy and its invalidation.
//
// CachedPages puts a cache::PageCache in front of the Site:
// - its Middleware stores each public 200 answer a handler marked with
//   MarkCacheable (identity, and gzip when the reader accepts it) with an
//   ETag, under the request target;
// - its FastPath (http::ServerOptions::fast_path) answers GET and HEAD from
//   those pages on the event loop: no database, no rendering, no copy of the
//   body, a fresh comment-form token written into each answer, 304 for a
//   matching If-None-Match; a page asked for often in a second goes out
//   from a file made for that second, head, Date and token written in, in
//   one sendfile, so the kernel does not copy its bytes either
//   (cache/body_file.h);
// - invalidation reads the store's change log (written by triggers, so the
//   command line and other processes count) and drops the pages that show
//   what changed: after every POST, before its answer, so the writer's next
//   page is fresh; from a poller thread whenever the store's data version
//   moves (asked every 100 ms); and when the fast path, which asks the data
//   version at most once a millisecond, sees it move — then it declines,
//   and the worker that takes the request reads the change log first. So
//   a change another process committed is seen by the next request that
//   comes a millisecond or more after it. Insight results are the one
//   exception: the background reader stores them many a second while it
//   catches up, so the pages showing them are dropped at most every 0.8 s
//   — never more than a second behind the last result.
//
// Answers say where they came from, as caching proxies do: "X-Cache: hit"
// from memory, "X-Cache: miss" when rendered and stored.
//
// Who is never served a cached page: a reader with a commenter cookie
// (their page shows their held comments and their details), requests with a
// query other than ?page=N or tracking parameters (utm_*, fbclid, gclid), and
// HTTP/1.0 clients.
//
// Scopes a page may name (the change log's vocabulary, migration 0007):
//   "site"          everything — articles, tags, authors, settings, corrections
//   "comments:<id>" the approved comments of article <id>
//   "comments:*"    any article's approved comments (lists show counts)
//   "insight"       the insight layer's results
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "base/status.h"
#include "cache/page_cache.h"
#include "http/http.h"
#include "http/middleware.h"
#include "http/server.h"

namespace chancery::store {
class Store;
}

namespace chancery::site {

class Site;

inline constexpr char kScopeSite[] = "site";
inline constexpr char kScopeAnyComments[] = "comments:*";
inline constexpr char kScopeInsight[] = "insight";
std::string CommentsScope(int64_t article_id);  // "comments:12"

// Marks `response` for the cache with `scopes` ("site" is added) when it is
// a 200 that is not personal: no Set-Cookie, no private or no-store.
void MarkCacheable(http::Response& response, std::initializer_list<std::string_view> scopes);

// The cache key for a request target, or nullopt when the target must not
// be answered from the cache: the path alone when the query is empty or only
// tracking parameters; the whole target for exactly "?page=N".
std::optional<std::string_view> CacheKey(std::string_view target);

struct CachedPagesOptions {
  bool enabled = true;
  cache::PageCache::Options cache;
  // The security headers the server adds (http::ServerOptions::security),
  // so cached heads carry the same ones.
  http::SecurityOptions security;
  int poll_ms = 100;  // how often the poller asks whether the data changed
  int gzip_level = 6;
  // Where the bodies of pages asked for often are kept for sendfile: an
  // unnamed file in this folder (O_TMPFILE), or memory (memfd) when it is
  // empty or its file system has no unnamed files (cache/body_file.h).
  std::string body_file_directory;
};

class CachedPages {
 public:
  // `store` and `site` must outlive this. Call Start() to run the poller.
  CachedPages(store::Store& store, Site& site, CachedPagesOptions options);
  ~CachedPages();
  CachedPages(const CachedPages&) = delete;
  CachedPages& operator=(const CachedPages&) = delete;

  // Add it first in the middleware chain.
  http::Middleware Middleware();
  http::FastPath FastPath();

  // Starts and stops the poller thread (the destructor stops it too).
  void Start();
  void Stop();
  // Reads the change log now and drops the pages it names; also drops
  // everything when a scheduled article's time has come.
  Status Sync();

  cache::Stats stats() const { return cache_.stats(); }
  cache::PageCache& cache() { return cache_; }

 private:
  bool Serve(const http::FastRequest& request, http::FastAnswer& answer);
  http::Response Handle(const http::Request& request, const http::Next& next);
  std::shared_ptr<const cache::Page> Build(std::string_view key, const http::Response& response, bool gzip,
                                           int64_t now) const;
  void Apply(std::string_view scope);  // REQUIRES: sync_mu_ held
  // False when the change log must be read before serving from the cache.
  bool Fresh();
  void Loop();
  std::string_view Stamp(int64_t context, int64_t now, std::array<char, 128>& scratch, size_t size);
  // Has `page`'s body file for `second` made on file_maker_ and installed.
  void MakeBodyFile(const std::shared_ptr<const cache::Page>& page, int64_t second);

  store::Store& store_;
  Site& site_;
  const CachedPagesOptions options_;
  cache::PageCache cache_;

  std::atomic<bool> dirty_{false};              // the data version moved since the last Sync
  std::atomic<int64_t> synced_version_{-1};     // the data version the last Sync saw before reading
  std::atomic<int64_t> last_check_ns_{0};       // steady clock of the fast path's last look
  std::mutex sync_mu_;
  int64_t last_change_ = -1;                 // guarded by sync_mu_; -1 before the first Sync
  std::optional<int64_t> next_publication_;  // guarded by sync_mu_
  std::chrono::steady_clock::time_point last_insight_drop_{};  // guarded by sync_mu_
  bool insight_pending_ = false;                                // guarded by sync_mu_

  std::mutex loop_mu_;
  std::condition_variable wake_;
  bool stop_ = false;  // guarded by loop_mu_
  std::thread poller_;

  // Last: stopped first, before the members its jobs use.
  cache::BodyFileMaker file_maker_;
};

}  // namespace chancery::site
