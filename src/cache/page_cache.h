// chancery/cache: the rendered-page cache — start here.
//
// PageCache keeps whole responses, ready to write, keyed by request target.
// Each page names the scopes it depends on ("comments:12", "insight"); a
// change to one of them drops every page that names it (Invalidate), and
// Clear drops them all. Memory is bounded by a byte budget with
// least-recently-used eviction.
//
// A render that began before an invalidation must not be stored after it:
// take Epoch() before reading the store and pass it to Put, which refuses the
// page if anything was invalidated in between.
//
// The cache knows nothing of HTTP or of pages: a Page's heads and bodies are
// bytes prepared by its caller (site/cached_pages.h). Thread-safe; Find is
// cheap enough for the server's event loop (one short mutex hold, no
// allocation).
#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "cache/body_file.h"
#include "cache/gzip.h"

namespace chancery::cache {

// A stored response. Immutable once in the cache; shared with the writers
// that are still sending it when it is dropped.
struct Page {
  std::string key;                  // the request target it answers
  std::vector<std::string> scopes;  // what it shows; "site" is implied
  std::string etag;                 // with its quotes (and W/ when weak)
  int64_t stored_at = 0;            // Unix seconds

  // The identity body, and its head: the status line and header lines up
  // to (not including) the per-write ones.
  std::string head;
  std::string body;
  // The same for a 304 answer to a matching If-None-Match.
  std::string not_modified_head;
  // A part of the body rewritten for every reader (a form token): its
  // offset in `body` and length; `stamp_context` tells the stamper whose.
  std::optional<size_t> stamp_offset;
  size_t stamp_size = 0;
  int64_t stamp_context = 0;
  // The gzip body (made when a reader first accepts gzip) and its head.
  std::shared_ptr<const GzipBody> gzip;
  std::string gzip_head;
  // The identity body in a memory file, once the page is asked for often
  // (body_file.h): the one part of a stored page that changes, behind its
  // own lock. Not counted in Bytes(): at most one file a page, only while
  // it is hot, and in the process's resident set like the rest.
  mutable HotBody hot;

  // Bytes this page holds, as counted against the budget.
  size_t Bytes() const;
};

struct Stats {
  uint64_t hits = 0, misses = 0, stores = 0, refused = 0, evictions = 0, invalidations = 0;
  size_t pages = 0, bytes = 0;
};

class PageCache {
 public:
  struct Options {
    size_t max_bytes = 16 << 20;       // the whole cache
    size_t max_page_bytes = 2 << 20;   // a larger page is never stored
    int64_t max_age_seconds = 300;     // a safety net: older pages are rendered again
  };
  explicit PageCache(Options options);
  PageCache() : PageCache(Options{}) {}
  PageCache(const PageCache&) = delete;
  PageCache& operator=(const PageCache&) = delete;

  // The page stored for `key`, fresh at `now`, or null. Marks it recently used.
  std::shared_ptr<const Page> Find(std::string_view key, int64_t now);

  // The invalidation counter: moves on every Invalidate and Clear.
  uint64_t Epoch() const;

  // Stores `page` (replacing one with the same key) unless the epoch moved
  // since `epoch`, or the page alone exceeds max_page_bytes. Evicts the least
  // recently used pages until the budget holds. True when stored.
  bool Put(std::shared_ptr<const Page> page, uint64_t epoch);

  // Replaces the stored page for page->key with `page` only if the stored
  // one is still `previous` (adding a gzip body to a page found earlier).
  bool Upgrade(const std::shared_ptr<const Page>& previous, std::shared_ptr<const Page> page);

  // Drops every page that names `scope`. Returns how many.
  size_t Invalidate(std::string_view scope);
  // Drops every page.
  void Clear();

  Stats stats() const;
  const Options& options() const { return options_; }

 private:
  struct Slot {
    std::shared_ptr<const Page> page;
    std::list<std::string>::iterator lru;  // position in lru_ (front: most recent)
    size_t bytes = 0;
  };
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  using Map = std::unordered_map<std::string, Slot, Hash, std::equal_to<>>;

  void EraseLocked(Map::iterator it);
  void EvictLocked();

  const Options options_;
  mutable std::mutex mu_;
  Map pages_;                     // guarded by mu_
  std::list<std::string> lru_;    // guarded by mu_; keys, most recent first
  // scope → keys of the pages naming it; guarded by mu_.
  std::unordered_map<std::string, std::unordered_set<std::string>, Hash, std::equal_to<>> by_scope_;
  size_t bytes_ = 0;              // guarded by mu_
  uint64_t epoch_ = 0;            // guarded by mu_
  Stats stats_;                   // guarded by mu_
};

// A strong validator for `bytes`: a quoted 64-bit FNV-1a hash in hex.
std::string EntityTag(std::string_view bytes);

// True when an If-None-Match header value matches `etag` by the weak
// comparison (RFC 9110 §13.1.2): "*", or any listed tag equal to it with
// W/ ignored on both sides.
bool IfNoneMatchMatches(std::string_view header, std::string_view etag);

}  // namespace chancery::cache
