#include "site/cached_pages.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <ctime>

#include "site/discussion.h"
#include "site/site.h"
#include "store/store.h"

namespace chancery::site {

namespace {

using http::Request;
using http::Response;

constexpr int64_t kPruneEverySeconds = 3600;
constexpr int64_t kKeepChangesSeconds = 3600;
constexpr int64_t kCheckEveryNs = 1'000'000;  // the fast path's look at the data version
constexpr auto kInsightDropEvery = std::chrono::milliseconds(800);

bool IsTrackingParameter(std::string_view name) {
  return name.starts_with("utm_") || name == "fbclid" || name == "gclid" || name == "mc_cid" || name == "mc_eid";
}

bool IsDigits(std::string_view s) {
  return !s.empty() && s.size() <= 6 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// True when a Cookie header names one of the cookies that make a page
// personal (site/discussion.h).
bool HasPersonalCookie(std::string_view header) {
  while (!header.empty()) {
    const size_t semi = header.find(';');
    std::string_view pair = header.substr(0, semi);
    header = semi == std::string_view::npos ? std::string_view() : header.substr(semi + 1);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    const std::string_view name = pair.substr(0, pair.find('='));
    if (name == kOwnCookie || name == kCommenterCookie) return true;
  }
  return false;
}

bool HasToken(std::string_view list, std::string_view token) {
  return list.find(token) != std::string_view::npos;
}

}  // namespace

std::string CommentsScope(int64_t article_id) { return fmt::format("comments:{}", article_id); }

void MarkCacheable(Response& response, std::initializer_list<std::string_view> scopes) {
  if (response.status != 200 || response.headers.Has("Set-Cookie")) return;
  if (auto cc = response.headers.Get("Cache-Control"); cc && (HasToken(*cc, "private") || HasToken(*cc, "no-store")))
    return;
  response.cache_scopes.assign({kScopeSite});
  for (std::string_view s : scopes)
    if (s != kScopeSite) response.cache_scopes.emplace_back(s);
}

std::optional<std::string_view> CacheKey(std::string_view target) {
  const size_t q = target.find('?');
  if (q == std::string_view::npos) return target;
  const std::string_view path = target.substr(0, q);
  std::string_view query = target.substr(q + 1);
  bool page = false, tracking = false;
  while (!query.empty()) {
    const size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    const size_t eq = pair.find('=');
    const std::string_view name = pair.substr(0, eq);
    if (IsTrackingParameter(name)) {
      tracking = true;
    } else if (name == "page" && eq != std::string_view::npos && IsDigits(pair.substr(eq + 1)) && !page) {
      page = true;
    } else {
      return std::nullopt;
    }
  }
  if (page) return tracking ? std::nullopt : std::optional<std::string_view>(target);
  return path;
}

CachedPages::CachedPages(store::Store& store, Site& site, CachedPagesOptions options)
    : store_(store), site_(site), options_(std::move(options)), cache_(options_.cache) {}

CachedPages::~CachedPages() { Stop(); }

http::Middleware CachedPages::Middleware() {
  return [this](const Request& request, const http::Next& next) { return Handle(request, next); };
}

http::FastPath CachedPages::FastPath() {
  return [this](const http::FastRequest& request, http::FastAnswer& answer) { return Serve(request, answer); };
}

// ---- Serving from the cache (event loop) -------------------------------------------

std::string_view CachedPages::Stamp(int64_t context, int64_t now, std::array<char, 128>& scratch, size_t size) {
  // One token per article per second per thread: a reader's form still
  // carries the second it was served, and the MAC is computed once.
  struct Last {
    const CachedPages* owner = nullptr;
    int64_t context = 0, at = 0;
    std::string token;
  };
  thread_local Last last;
  if (last.owner != this || last.context != context || last.at != now) {
    last.token = site_.FormToken(context, now);
    last.owner = this;
    last.context = context;
    last.at = now;
  }
  if (last.token.size() != size || size > scratch.size()) return {};
  std::copy(last.token.begin(), last.token.end(), scratch.begin());
  return {scratch.data(), size};
}

void CachedPages::MakeBodyFile(const std::shared_ptr<const cache::Page>& page, int64_t second) {
  auto job = [this, weak = std::weak_ptr<const cache::Page>(page), second] {
    const std::shared_ptr<const cache::Page> page = weak.lock();
    if (page == nullptr) return;  // dropped from the cache meanwhile
    // The whole answer as the server writes it in `second` (FastAnswer::File).
    const std::string date = http::DateLine(second);
    const std::string_view body = page->body;
    std::shared_ptr<const cache::BodyFile> file;
    if (!page->stamp_offset) {
      file = cache::BodyFile::Create(options_.body_file_directory, {page->head, date, "\r\n", body});
    } else {
      std::array<char, 128> scratch;
      const std::string_view stamp = Stamp(page->stamp_context, second, scratch, page->stamp_size);
      if (!stamp.empty())
        file = cache::BodyFile::Create(options_.body_file_directory,
                                       {page->head, date, "\r\n", body.substr(0, *page->stamp_offset), stamp,
                                        body.substr(*page->stamp_offset + page->stamp_size)});
    }
    page->hot.Install(second, std::move(file));
  };
  if (!file_maker_.Post(std::move(job))) page->hot.Install(second, nullptr);  // full: ask again later
}

bool CachedPages::Fresh() {
  if (dirty_.load(std::memory_order_acquire)) return false;
  const int64_t now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                          std::chrono::steady_clock::now().time_since_epoch())
                          .count();
  int64_t last = last_check_ns_.load(std::memory_order_relaxed);
  if (now - last < kCheckEveryNs) return true;
  if (!last_check_ns_.compare_exchange_strong(last, now, std::memory_order_relaxed)) return true;
  // A few microseconds, once a millisecond at most: the store's counter of
  // commits by any connection or process.
  auto version = store_.DataVersion();
  if (version.ok() && *version == synced_version_.load(std::memory_order_acquire)) return true;
  dirty_.store(true, std::memory_order_release);
  return false;
}

bool CachedPages::Serve(const http::FastRequest& request, http::FastAnswer& answer) {
  if (!options_.enabled || HasPersonalCookie(request.cookie)) return false;
  const std::optional<std::string_view> key = CacheKey(request.target);
  if (!key || !Fresh()) return false;
  const int64_t now = site_.Now();
  std::shared_ptr<const cache::Page> page = cache_.Find(*key, now);
  if (page == nullptr) return false;
  if (!request.if_none_match.empty() && cache::IfNoneMatchMatches(request.if_none_match, page->etag)) {
    answer.status = 304;
    answer.head = page->not_modified_head;
    answer.owner = std::move(page);
    return true;
  }
  const bool gzip = cache::AcceptsGzip(request.accept_encoding);
  if (gzip && page->gzip == nullptr) return false;  // a worker renders it again with gzip
  answer.status = 200;
  if (!gzip) {
    answer.head = page->head;
    const std::string_view body = page->body;
    if (request.method == http::Method::kGet && body.size() >= cache::kMinFileBody) {
      // A page asked for often goes out from a file with sendfile, not
      // copied from here into the socket each time: a file for each
      // second, with the head, the second's Date and the second's stamp
      // written in, so that one sendfile can send it all.
      cache::HotBody::Answer hot = page->hot.Count(now);
      if (hot.make) MakeBodyFile(page, now);
      if (hot.file != nullptr && hot.file->size() >= body.size()) {
        const size_t head_size = hot.file->size() - body.size();
        answer.file = {hot.file->fd(), static_cast<int64_t>(head_size), body.size(), now};
        answer.file_owner = std::move(hot.file);
        answer.owner = std::move(page);
        return true;
      }
    }
    if (!page->stamp_offset) {
      answer.body[0] = body;
    } else {
      const std::string_view stamp = Stamp(page->stamp_context, now, answer.scratch, page->stamp_size);
      if (stamp.empty()) return false;
      answer.body[0] = body.substr(0, *page->stamp_offset);
      answer.body[1] = stamp;
      answer.body[2] = body.substr(*page->stamp_offset + page->stamp_size);
    }
  } else {
    const cache::GzipBody& g = *page->gzip;
    answer.head = page->gzip_head;
    const std::string_view bytes = g.bytes;
    std::string_view stamp;
    if (g.stamp_offset) {
      stamp = Stamp(page->stamp_context, now, answer.scratch, g.stamp_size);
      if (stamp.empty()) return false;
    }
    // The trailer goes after the stamp in the scratch space.
    const std::array<char, 8> trailer = g.Trailer(stamp);
    char* tail = answer.scratch.data() + 96;
    std::copy(trailer.begin(), trailer.end(), tail);
    if (!g.stamp_offset) {
      answer.body[0] = bytes;
      answer.body[1] = {tail, 8};
    } else {
      answer.body[0] = bytes.substr(0, *g.stamp_offset);
      answer.body[1] = stamp;
      answer.body[2] = bytes.substr(*g.stamp_offset + g.stamp_size);
      answer.body[3] = {tail, 8};
    }
  }
  answer.owner = std::move(page);
  return true;
}

// ---- Storing (workers) ----------------------------------------------------------------

std::shared_ptr<const cache::Page> CachedPages::Build(std::string_view key, const Response& response, bool gzip,
                                                      int64_t now) const {
  auto page = std::make_shared<cache::Page>();
  page->key = std::string(key);
  page->scopes = response.cache_scopes;
  page->stored_at = now;
  page->body = response.body ? *response.body : std::string();
  if (response.stamp && response.stamp->offset + response.stamp->size <= page->body.size() &&
      response.stamp->size <= 64) {
    page->stamp_offset = response.stamp->offset;
    page->stamp_size = response.stamp->size;
    page->stamp_context = response.stamp->context;
  }
  // The validator ignores the stamp, which changes for every reader; the
  // pages are then only equivalent, not identical, hence weak.
  if (page->stamp_offset) {
    std::string masked = page->body;
    std::fill_n(masked.begin() + static_cast<std::ptrdiff_t>(*page->stamp_offset), page->stamp_size, '\0');
    page->etag = "W/" + cache::EntityTag(masked);
  } else {
    page->etag = cache::EntityTag(page->body);
  }
  Response head = response;
  head.body.reset();
  head.headers.Set("ETag", page->etag);
  head.headers.Set("Vary", "Accept-Encoding");
  head.headers.Set("X-Cache", "hit");
  page->head = http::WireHead(head, options_.security, page->body.size());
  if (gzip) {
    auto g = std::make_shared<cache::GzipBody>(
        cache::GzipWithStamp(page->body, page->stamp_offset, page->stamp_size, options_.gzip_level));
    Response zipped = head;
    zipped.headers.Set("Content-Encoding", "gzip");
    page->gzip_head = http::WireHead(zipped, options_.security, g->bytes.size() + 8);
    page->gzip = std::move(g);
  }
  Response not_modified(304, "", "");
  not_modified.body.reset();
  not_modified.headers = http::Headers();
  for (const char* name : {"ETag", "Cache-Control", "Vary", "Expires", "X-Cache"})
    if (auto v = head.headers.Get(name)) not_modified.headers.Set(name, *v);
  page->not_modified_head = http::WireHead(not_modified, options_.security, 0);
  return page;
}

Response CachedPages::Handle(const Request& request, const http::Next& next) {
  const bool read = request.method == http::Method::kGet || request.method == http::Method::kHead;
  if (!read) {
    Response response = next(request);
    // What this request wrote reaches the cache before its answer does.
    if (options_.enabled) {
      Status synced = Sync();
      if (!synced.ok()) spdlog::warn("page cache: reading the change log: {}", synced.ToString());
    }
    return response;
  }
  if (options_.enabled && dirty_.load(std::memory_order_acquire)) {
    Status synced = Sync();
    if (!synced.ok()) spdlog::warn("page cache: reading the change log: {}", synced.ToString());
  }
  const std::optional<std::string_view> key = CacheKey(request.target);
  if (!options_.enabled || !key || request.Cookie(kOwnCookie) || request.Cookie(kCommenterCookie))
    return next(request);
  const uint64_t epoch = cache_.Epoch();
  Response response = next(request);
  if (response.cache_scopes.empty() || response.status != 200) return response;
  response.headers.Set("X-Cache", "miss");
  const bool gzip = cache::AcceptsGzip(request.headers.Get("Accept-Encoding").value_or(""));
  std::shared_ptr<const cache::Page> page;
  try {
    page = Build(*key, response, gzip, site_.Now());
  } catch (const std::exception& e) {
    spdlog::error("page cache: preparing {}: {}", *key, e.what());
    return response;
  }
  cache_.Put(page, epoch);
  // This reader gets what the cache would have given them.
  response.headers.Set("ETag", page->etag);
  response.headers.Set("Vary", "Accept-Encoding");
  if (auto inm = request.headers.Get("If-None-Match"); inm && cache::IfNoneMatchMatches(*inm, page->etag)) {
    Response not_modified(304, "", "");
    not_modified.body.reset();
    not_modified.headers = http::Headers();
    for (const char* name : {"ETag", "Cache-Control", "Vary", "Expires"})
      if (auto v = response.headers.Get(name)) not_modified.headers.Set(name, *v);
    return not_modified;
  }
  if (gzip && page->gzip != nullptr) {
    const cache::GzipBody& g = *page->gzip;
    const std::array<char, 8> trailer = g.Trailer();
    std::string bytes = g.bytes;
    bytes.append(trailer.data(), trailer.size());
    response.headers.Set("Content-Encoding", "gzip");
    response.SetBody(std::move(bytes));
  }
  return response;
}

// ---- Invalidation ----------------------------------------------------------------------

void CachedPages::Apply(std::string_view scope) {
  if (scope.starts_with("comments:")) {
    cache_.Invalidate(scope);
    cache_.Invalidate(kScopeAnyComments);
  } else if (scope == kScopeInsight) {
    // The insight reader stores one result per article, many a second
    // while it catches up on an archive. Dropping the pages that show
    // results at most every kInsightDropEvery (the poller drops what is
    // left waiting) keeps the cache useful meanwhile, and no page is
    // older than the last result by more than a second.
    const auto now = std::chrono::steady_clock::now();
    if (now - last_insight_drop_ >= kInsightDropEvery) {
      cache_.Invalidate(kScopeInsight);
      last_insight_drop_ = now;
      insight_pending_ = false;
    } else {
      insight_pending_ = true;
    }
  } else {
    cache_.Clear();  // "site", and anything this version does not know
  }
}

Status CachedPages::Sync() {
  std::lock_guard lock(sync_mu_);
  const int64_t now = site_.Now();
  // Taken first: a commit after this point moves the version again.
  CHANCERY_ASSIGN_OR_RETURN(const int64_t version, store_.DataVersion());
  bool changed = false;
  if (last_change_ < 0) {
    CHANCERY_ASSIGN_OR_RETURN(last_change_, store_.LastChangeId());
    changed = true;
  }
  for (;;) {
    CHANCERY_ASSIGN_OR_RETURN(store::ChangeBatch batch, store_.ReadChanges(last_change_));
    if (batch.gap) cache_.Clear();
    for (const auto& scope : batch.scopes) Apply(scope);
    changed = changed || batch.last_id != last_change_;
    const bool more = batch.last_id != last_change_ && !batch.scopes.empty();
    last_change_ = batch.last_id;
    if (!more) break;
  }
  if (next_publication_ && now >= *next_publication_) {
    cache_.Clear();  // a scheduled article is out: lists, neighbours, feeds
    changed = true;
  }
  if (changed) {
    CHANCERY_ASSIGN_OR_RETURN(next_publication_, store_.NextPublication(now));
  }
  synced_version_.store(version, std::memory_order_release);
  dirty_.store(false, std::memory_order_release);
  return Status::Ok();
}

void CachedPages::Start() {
  if (!options_.enabled || poller_.joinable()) return;
  {
    std::lock_guard lock(loop_mu_);
    stop_ = false;
  }
  Status first = Sync();
  if (!first.ok()) spdlog::warn("page cache: reading the change log: {}", first.ToString());
  poller_ = std::thread([this] { Loop(); });
}

void CachedPages::Stop() {
  {
    std::lock_guard lock(loop_mu_);
    stop_ = true;
  }
  wake_.notify_all();
  if (poller_.joinable()) poller_.join();
}

void CachedPages::Loop() {
  int64_t last_prune = 0;
  std::string last_error;
  for (;;) {
    {
      std::unique_lock lock(loop_mu_);
      if (wake_.wait_for(lock, std::chrono::milliseconds(options_.poll_ms), [this] { return stop_; })) return;
    }
    Status status = Status::Ok();
    auto version = store_.DataVersion();
    const int64_t now = site_.Now();
    bool due = false;
    {
      std::lock_guard lock(sync_mu_);
      due = next_publication_ && now >= *next_publication_;
      if (insight_pending_ && std::chrono::steady_clock::now() - last_insight_drop_ >= kInsightDropEvery)
        Apply(kScopeInsight);
    }
    if (!version.ok()) {
      status = version.status();
    } else if (*version != synced_version_.load(std::memory_order_acquire) || due) {
      status = Sync();
    }
    // The log's times are the database's clock, not the site's.
    const int64_t wall = static_cast<int64_t>(std::time(nullptr));
    if (status.ok() && wall - last_prune >= kPruneEverySeconds) {
      auto pruned = store_.PruneChanges(wall - kKeepChangesSeconds);
      if (pruned.ok()) last_prune = wall;
      else status = pruned.status();
    }
    if (!status.ok() && status.message() != last_error) spdlog::warn("page cache: {}", status.ToString());
    last_error = status.ok() ? "" : status.message();
  }
}

}  // namespace chancery::site
