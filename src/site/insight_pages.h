// chancery/site: the insight layer's public pages and JSON API — who the
// archive names, how each pair's relation moves, and the relations graph.
//
//   GET /actors                  actors of the archive by kind, most articles first
//   GET /actors/:id              an actor, its articles and most frequent partners
//   GET /relations               the relations graph (SVG) and its table, ?from=YEAR&to=YEAR
//   GET /relations/:a--:b        a pair: tone trend, dated events, evidence, articles
//                                (a > b redirects 301 to the canonical a < b)
//   GET /api/v1/actors           [?q=&from=&to=]
//   GET /api/v1/actors/:id
//   GET /api/v1/relations        all pairs [?from=&to=], or one with ?a=&b=
// and, on each article page, the "Actors in this analysis" box and "Related
// analysis" (AddToArticleView).
//
// Everything is read from the store's insight rows (store.h, "Insight"),
// which count only articles visible to readers, so nothing from a draft,
// a scheduled article or the trash ever shows. Site owns one InsightPages
// and lends it its rendering (the layout's common view, the error pages).
// Thread-safe: handlers may run concurrently.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <functional>
#include <memory>
#include <string_view>

#include "base/status.h"
#include "http/http.h"
#include "site/site.h"

namespace chancery::store {
class Store;
struct Article;
}  // namespace chancery::store

namespace chancery::site {

class InsightPages {
 public:
  // What the pages borrow from Site.
  struct Hooks {
    // Renders template `name` inside the site's layout with status `status`.
    std::function<http::Response(int status, std::string_view name, boost::json::object view)> render;
    std::function<http::Response(const http::Request&)> not_found;
    // Logs `what` and the status, answers 500.
    std::function<http::Response(const Status&, std::string_view what)> server_error;
    std::function<std::shared_ptr<const SiteOptions>()> options;
    Clock clock;
  };

  // `store` must outlive the pages.
  InsightPages(store::Store& store, Hooks hooks);
  ~InsightPages();
  InsightPages(const InsightPages&) = delete;
  InsightPages& operator=(const InsightPages&) = delete;

  // Adds the routes listed above.
  void RegisterRoutes(http::Router& router);

  // Adds `insight` (the article's actors and strongest pairs, linked) and
  // `related` (up to 5 other visible articles sharing the most pairs) to an
  // article page's view, when the article has been analysed. Errors leave
  // the view as it was: the article still shows.
  void AddToArticleView(const store::Article& article, boost::json::object& view);

  // Sitemap entries ({"loc": ...}) for /actors, /relations and every actor.
  boost::json::array SitemapUrls();

  http::Response ActorsIndex(const http::Request& request);
  http::Response ActorPage(const http::Request& request);
  http::Response RelationsGraph(const http::Request& request);
  http::Response RelationPage(const http::Request& request);
  http::Response ApiActors(const http::Request& request);
  http::Response ApiActor(const http::Request& request);
  http::Response ApiRelations(const http::Request& request);
  http::Response ApiNotFound(const http::Request& request);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace chancery::site
