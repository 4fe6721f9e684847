// Internal to site: turning store records into the JSON views templates see.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/time.h"
#include "store/store.h"

namespace chancery::site {

// "2026-10-14T09:00:00Z".
std::string IsoDateTime(int64_t unix_seconds);
// "Wed, 14 Oct 2026 09:00:00 GMT" (RSS, HTTP).
std::string Rfc822Date(int64_t unix_seconds);

// [{name, url, prefix}] where prefix joins names into "A, B and C".
boost::json::array BylineView(const std::vector<store::Author>& authors);
boost::json::array TagsView(const std::vector<store::Tag>& tags);
boost::json::object ImageView(const store::FeaturedImage& image);
// What a list (home, tag, author pages, prev/next) shows of an article.
boost::json::object CardView(const store::Article& article, const DateStyle& dates);

}  // namespace chancery::site
