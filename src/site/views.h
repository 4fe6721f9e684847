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
void AppendIsoDateTime(std::string& out, int64_t unix_seconds);
// "Wed, 14 Oct 2026 09:00:00 GMT" (RSS, HTTP).
std::string Rfc822Date(int64_t unix_seconds);

// "1 comment", "20 comments": the count and the word that goes with it.
std::string Plural(int64_t n, std::string_view one, std::string_view many);

// Each view is built in `sp`: a page may build its whole view in one
// memory resource (boost::json::monotonic_resource) that it drops at once.

// [{name, url, prefix}] where prefix joins names into "A, B and C".
boost::json::array BylineView(const std::vector<store::Author>& authors, boost::json::storage_ptr sp = {});
boost::json::array TagsView(const std::vector<store::Tag>& tags, boost::json::storage_ptr sp = {});
boost::json::object ImageView(const store::FeaturedImage& image, boost::json::storage_ptr sp = {});
// What a list (home, tag, author pages, prev/next) shows of an article.
boost::json::object CardView(const store::Article& article, const DateStyle& dates, boost::json::storage_ptr sp = {});

}  // namespace chancery::site
