#include "http/static.h"

#include "http/text.h"

namespace chancery::http {

namespace {

constexpr std::string_view kImmutable = "public, max-age=31536000, immutable";
constexpr std::string_view kShortLived = "public, max-age=300";

// The opaque-tag of an entity-tag: W/"x" → x, "x" → x, x → x.
std::string_view Opaque(std::string_view tag) {
  if (tag.size() >= 2 && tag[0] == 'W' && tag[1] == '/') tag.remove_prefix(2);
  if (tag.size() >= 2 && tag.front() == '"' && tag.back() == '"') tag = tag.substr(1, tag.size() - 2);
  return tag;
}

// Does the If-None-Match value `list` contain `opaque` (weak comparison)?
// Entity-tags may contain ',' inside their quotes, so this scans tags rather
// than splitting on commas.
bool ListMatches(std::string_view list, std::string_view opaque) {
  list = internal::TrimSpace(list);
  if (list == "*") return true;
  size_t i = 0;
  while (i < list.size()) {
    while (i < list.size() && (list[i] == ' ' || list[i] == '\t' || list[i] == ',')) ++i;
    if (i >= list.size()) break;
    if (list.compare(i, 2, "W/") == 0) i += 2;
    if (i >= list.size() || list[i] != '"') return false;  // malformed: stop
    size_t close = list.find('"', i + 1);
    if (close == std::string_view::npos) return false;
    if (list.substr(i + 1, close - i - 1) == opaque) return true;
    i = close + 1;
  }
  return false;
}

}  // namespace

std::string QuoteEtag(std::string_view etag) {
  if (!etag.empty() && (etag.front() == '"' || etag.substr(0, 2) == "W/")) return std::string(etag);
  std::string out = "\"";
  out += etag;
  out += '"';
  return out;
}

bool NotModified(const Request& request, std::string_view etag) {
  if (request.method != Method::kGet && request.method != Method::kHead) return false;
  std::string_view opaque = Opaque(etag);
  for (const auto& [name, value] : request.headers.all())
    if (internal::EqualsIgnoreCase(name, "If-None-Match") && ListMatches(value, opaque)) return true;
  return false;
}

Response StaticAsset(const Request& request, std::shared_ptr<const std::string> bytes,
                     std::string content_type, std::string etag, bool immutable) {
  Response res;
  res.headers.Set("ETag", QuoteEtag(etag));
  res.headers.Set("Cache-Control", immutable ? kImmutable : kShortLived);
  if (NotModified(request, etag)) {
    res.status = 304;
    return res;
  }
  res.status = 200;
  res.headers.Set("Content-Type", content_type);
  res.body = std::move(bytes);
  return res;
}

Response StaticAsset(const Request& request, std::string_view bytes, std::string content_type,
                     std::string etag, bool immutable) {
  // No copy for a 304: StaticAsset ignores the bytes then.
  auto shared = NotModified(request, etag) ? nullptr : std::make_shared<const std::string>(bytes);
  return StaticAsset(request, std::move(shared), std::move(content_type), std::move(etag), immutable);
}

}  // namespace chancery::http
