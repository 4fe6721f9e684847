#include "cache/page_cache.h"

#include <cstdio>

namespace chancery::cache {

size_t Page::Bytes() const {
  size_t n = sizeof(Page) + key.size() + etag.size() + head.size() + body.size() + not_modified_head.size() +
             gzip_head.size();
  for (const auto& s : scopes) n += s.size() + sizeof(s);
  if (gzip) n += sizeof(GzipBody) + gzip->bytes.size();
  return n;
}

PageCache::PageCache(Options options) : options_(options) {}

std::shared_ptr<const Page> PageCache::Find(std::string_view key, int64_t now) {
  std::lock_guard lock(mu_);
  auto it = pages_.find(key);
  if (it == pages_.end()) {
    ++stats_.misses;
    return nullptr;
  }
  if (now - it->second.page->stored_at >= options_.max_age_seconds || now < it->second.page->stored_at) {
    ++stats_.misses;
    EraseLocked(it);
    return nullptr;
  }
  ++stats_.hits;
  lru_.splice(lru_.begin(), lru_, it->second.lru);
  return it->second.page;
}

uint64_t PageCache::Epoch() const {
  std::lock_guard lock(mu_);
  return epoch_;
}

bool PageCache::Put(std::shared_ptr<const Page> page, uint64_t epoch) {
  const size_t bytes = page->Bytes();
  std::lock_guard lock(mu_);
  if (epoch != epoch_ || bytes > options_.max_page_bytes || bytes > options_.max_bytes) {
    ++stats_.refused;
    return false;
  }
  if (auto old = pages_.find(page->key); old != pages_.end()) EraseLocked(old);
  lru_.push_front(page->key);
  for (const auto& scope : page->scopes) by_scope_[scope].insert(page->key);
  bytes_ += bytes;
  ++stats_.stores;
  std::string key = page->key;
  pages_.emplace(std::move(key), Slot{std::move(page), lru_.begin(), bytes});
  EvictLocked();
  return true;
}

bool PageCache::Upgrade(const std::shared_ptr<const Page>& previous, std::shared_ptr<const Page> page) {
  const size_t bytes = page->Bytes();
  std::lock_guard lock(mu_);
  auto it = pages_.find(page->key);
  if (it == pages_.end() || it->second.page != previous || bytes > options_.max_page_bytes) return false;
  bytes_ = bytes_ - it->second.bytes + bytes;
  it->second.bytes = bytes;
  it->second.page = std::move(page);
  lru_.splice(lru_.begin(), lru_, it->second.lru);
  EvictLocked();
  return true;
}

void PageCache::EraseLocked(Map::iterator it) {
  for (const auto& scope : it->second.page->scopes) {
    auto s = by_scope_.find(scope);
    if (s == by_scope_.end()) continue;
    s->second.erase(it->first);
    if (s->second.empty()) by_scope_.erase(s);
  }
  bytes_ -= it->second.bytes;
  lru_.erase(it->second.lru);
  pages_.erase(it);
}

void PageCache::EvictLocked() {
  while (bytes_ > options_.max_bytes && !lru_.empty()) {
    auto it = pages_.find(lru_.back());
    EraseLocked(it);
    ++stats_.evictions;
  }
}

size_t PageCache::Invalidate(std::string_view scope) {
  std::lock_guard lock(mu_);
  ++epoch_;
  ++stats_.invalidations;
  auto s = by_scope_.find(scope);
  if (s == by_scope_.end()) return 0;
  const std::unordered_set<std::string> keys = std::move(s->second);
  by_scope_.erase(s);
  size_t dropped = 0;
  for (const auto& key : keys) {
    auto it = pages_.find(key);
    if (it == pages_.end()) continue;
    EraseLocked(it);
    ++dropped;
  }
  return dropped;
}

void PageCache::Clear() {
  std::lock_guard lock(mu_);
  ++epoch_;
  ++stats_.invalidations;
  pages_.clear();
  lru_.clear();
  by_scope_.clear();
  bytes_ = 0;
}

Stats PageCache::stats() const {
  std::lock_guard lock(mu_);
  Stats s = stats_;
  s.pages = pages_.size();
  s.bytes = bytes_;
  return s;
}

std::string EntityTag(std::string_view bytes) {
  uint64_t h = 14695981039346656037ull;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 1099511628211ull;
  }
  char out[20];
  std::snprintf(out, sizeof out, "\"%016llx\"", static_cast<unsigned long long>(h));
  return out;
}

bool IfNoneMatchMatches(std::string_view header, std::string_view etag) {
  auto strip_weak = [](std::string_view t) {
    if (t.size() >= 2 && (t[0] == 'W' || t[0] == 'w') && t[1] == '/') t.remove_prefix(2);
    return t;
  };
  const std::string_view want = strip_weak(etag);
  while (!header.empty()) {
    const size_t comma = header.find(',');
    std::string_view tag = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
    while (!tag.empty() && (tag.front() == ' ' || tag.front() == '\t')) tag.remove_prefix(1);
    while (!tag.empty() && (tag.back() == ' ' || tag.back() == '\t')) tag.remove_suffix(1);
    if (tag == "*") return true;
    if (!tag.empty() && strip_weak(tag) == want) return true;
  }
  return false;
}

}  // namespace chancery::cache
