#include "http/target.h"

#include <optional>

#include "http/http.h"
#include "http/text.h"

namespace chancery::http::internal {

namespace {

bool StartsWithIgnoreCase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && EqualsIgnoreCase(s.substr(0, prefix.size()), prefix);
}

bool HasDotSegment(std::string_view path) {
  while (!path.empty()) {
    path.remove_prefix(1);  // the '/'
    size_t slash = path.find('/');
    std::string_view segment = path.substr(0, slash);
    if (segment == "." || segment == "..") return true;
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash);
  }
  return false;
}

}  // namespace

bool ParseRequestTarget(std::string_view target, std::string* path, std::string* query) {
  path->clear();
  query->clear();
  if (target == "*") {
    path->push_back('*');  // (not `= "*"`: GCC 12 -Wrestrict false positive)
    return true;
  }
  if (StartsWithIgnoreCase(target, "http://") || StartsWithIgnoreCase(target, "https://")) {
    target.remove_prefix(target.find("//") + 2);
    size_t start = target.find_first_of("/?");
    if (start == std::string_view::npos) {
      target = "/";
    } else {
      target.remove_prefix(start);
    }
    if (target.front() == '?') {
      *query = std::string(target.substr(1));
      target = "/";
    }
  }
  if (target.empty() || target.front() != '/') return false;
  size_t q = target.find('?');
  if (q != std::string_view::npos) {
    *query = std::string(target.substr(q + 1));
    target = target.substr(0, q);
  }
  std::optional<std::string> decoded = PercentDecode(target);
  if (!decoded) return false;
  if (decoded->find('\0') != std::string::npos) return false;
  if (HasDotSegment(*decoded)) return false;
  *path = std::move(*decoded);
  return true;
}

}  // namespace chancery::http::internal
