// chancery/site: the public pages readers see — start here.
//
// Site turns requests for the home page, articles, tags, authors, media,
// static assets and feeds into rendered responses: it reads through the
// Store, builds a view (a JSON object) and renders it with the Theme. It
// knows nothing of sockets; RegisterRoutes wires its handlers into a Router.
// Thread-safe: handlers may run concurrently on the server's worker pool.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "base/time.h"
#include "comments/pipeline.h"
#include "http/http.h"

namespace chancery::store {
class Store;
}
namespace chancery::theme {
class Theme;
}

namespace chancery::site {

struct SiteOptions {
  std::string title = "Chancery";       // the publication's name
  std::string tagline;                  // under the masthead
  std::string description;              // meta description of the home page
  std::string base_url = "http://127.0.0.1:8080";  // absolute URL, no trailing slash
  std::string language = "en";          // <html lang>
  int per_page = 10;                    // articles per list page
  int toc_min_sections = 3;             // show a table of contents from this many h2s
  int feed_items = 20;                  // entries in /feed.xml, /rss.xml, /feed.json
  int comment_feed_items = 50;          // entries in the comment feeds
  DateStyle dates;                      // the site's time zone and date format
  comments::PipelineSettings comments;  // moderation, spam defences, threading
};

// Unix seconds; injected so tests can move time (scheduled articles).
using Clock = std::function<int64_t()>;
Clock SystemClock();

class Site {
 public:
  // `store` must outlive the Site. The key that signs comment form tokens
  // and cookies is read from the store's settings ("comments.key"), and
  // made and saved there the first time.
  Site(store::Store& store, std::shared_ptr<const theme::Theme> theme, SiteOptions options,
       Clock clock = SystemClock());
  ~Site();
  Site(const Site&) = delete;
  Site& operator=(const Site&) = delete;

  // Replaces the options while serving (the newsroom's settings page): the
  // next request sees them. The comment cookies' Secure flag keeps following
  // the base URL given at construction.
  void UpdateOptions(SiteOptions options);

  // The site's clock (Unix seconds).
  int64_t Now() const;
  // The comment form's token for article `article_id` served at `now`: what
  // the page cache writes into each reader's copy of a cached article.
  std::string FormToken(int64_t article_id, int64_t now) const;

  // Adds every public route (DESIGN.md's URL contract) and the 404 page.
  // Public pages come back marked for the page cache (cached_pages.h).
  void RegisterRoutes(http::Router& router);

  http::Response Home(const http::Request& request);
  http::Response Article(const http::Request& request);
  http::Response TagPage(const http::Request& request);
  http::Response AuthorPage(const http::Request& request);
  http::Response Media(const http::Request& request);
  http::Response Static(const http::Request& request);
  http::Response AtomFeed(const http::Request& request);
  http::Response RssFeed(const http::Request& request);
  http::Response JsonFeed(const http::Request& request);
  http::Response Sitemap(const http::Request& request);
  http::Response Robots(const http::Request& request);
  http::Response Health(const http::Request& request);
  http::Response NotFound(const http::Request& request);

  // Comments (DESIGN.md: POST /articles/<slug>/comments).
  http::Response PostComment(const http::Request& request);
  http::Response EditCommentForm(const http::Request& request);
  http::Response EditComment(const http::Request& request);
  http::Response DeleteComment(const http::Request& request);
  http::Response ArticleCommentsFeed(const http::Request& request);
  http::Response CommentsFeed(const http::Request& request);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace chancery::site
