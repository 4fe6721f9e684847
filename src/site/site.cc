#include "site/site.h"

#include <spdlog/spdlog.h>

#include <boost/json.hpp>
#include <algorithm>
#include <cctype>
#include <charconv>
#include <atomic>
#include <chrono>
#include <cstring>
#include <limits>
#include <mutex>
#include <variant>
#include <fmt/format.h>

#include "base/text.h"
#include "comments/render.h"
#include "content/content.h"
#include "http/static.h"
#include "site/cached_pages.h"
#include "site/discussion.h"
#include "site/insight_pages.h"
#include "site/views.h"
#include "store/store.h"
#include "theme/theme.h"

namespace chancery::site {
namespace json = boost::json;
using http::Request;
using http::Response;

Clock SystemClock() {
  return [] {
    return static_cast<int64_t>(
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
            .count());
  };
}

// Where `needle` first occurs in `haystack`, or npos. glibc's memmem skips
// ahead by a table of the needle's byte pairs: it finds a form token in a
// page in fewer steps than string_view::find, which stops at every byte
// equal to the token's first.
namespace {
std::size_t FindIn(std::string_view haystack, std::string_view needle) {
  const void* at = memmem(haystack.data(), haystack.size(), needle.data(), needle.size());
  return at == nullptr ? std::string_view::npos
                       : static_cast<std::size_t>(static_cast<const char*>(at) - haystack.data());
}
}  // namespace

// The first block of an article page's view arena: enough for the view of
// a long article with a few dozen comments, so most pages need no second.
constexpr std::size_t kArticleArenaBytes = 64 * 1024;

struct Site::Impl {
  Impl(store::Store& s, std::shared_ptr<const theme::Theme> t, SiteOptions o, Clock c)
      : store(s),
        theme(std::move(t)),
        live_options(std::make_shared<const SiteOptions>(o)),
        clock(std::move(c)),
        pipeline_key(comments::LoadOrCreateKey(store)),
        pipeline(store, pipeline_key, o.comments),
        discussion(store, pipeline, o.base_url),
        insight(store, {.render = [this](int status, std::string_view name,
                                         json::object view) { return Render(status, name, std::move(view)); },
                        .not_found = [this](const Request& r) { return NotFound(r); },
                        .server_error = [this](const Status& s, std::string_view what) { return ServerError(s, what); },
                        .options = [this] { return Options(); },
                        .clock = [this] { return clock(); }}) {}

  store::Store& store;
  std::shared_ptr<const theme::Theme> theme;
  // Replaced whole by UpdateOptions; each use reads the current snapshot.
  std::atomic<std::shared_ptr<const SiteOptions>> live_options;
  Clock clock;
  comments::Key pipeline_key;  // also signs preview links
  comments::Pipeline pipeline;
  Discussion discussion;
  InsightPages insight;  // actors, relations, the article's insight box

  std::shared_ptr<const SiteOptions> Options() const { return live_options.load(); }

  static json::object SiteView(const SiteOptions& options) {
    return json::object{{"title", options.title},
                        {"tagline", options.tagline},
                        {"description", options.description},
                        {"base_url", options.base_url},
                        {"language", options.language}};
  }
  json::object SiteView() const { return SiteView(*Options()); }

  // What the layout shows around every page — the site's settings, the
  // theme's asset URLs, the navigation's topics — kept between renders.
  // Never stale: it is used only while the settings object is the same, the
  // change log's "site" scope has not moved (the topics are tags of visible
  // articles, which only "site" changes cover; comments and insight results
  // do not) and the clock has not reached the next scheduled publication
  // (which changes the topics without a write). The database's DataVersion,
  // cheaper to read, says when the log needs a look at all.
  struct Globals {
    std::shared_ptr<const SiteOptions> options;
    int64_t data_version = 0;
    int64_t site_mark = 0;  // Store::ScopeChangeMark("site")
    int64_t built_at = 0;   // the clock when it was read
    int64_t valid_until = std::numeric_limits<int64_t>::max();
    json::value context;  // {site, assets, topics}
  };
  std::mutex globals_mutex;
  std::shared_ptr<const Globals> globals;  // guarded by globals_mutex

  std::shared_ptr<const Globals> CurrentGlobals(int64_t now) {
    auto options = Options();
    // The version is read before the data, so a commit in between leaves
    // the memo marked older than what it holds: the next call rebuilds it.
    const Result<int64_t> version = store.DataVersion();
    auto usable = [&](const Globals& g) { return g.options == options && g.built_at <= now && now < g.valid_until; };
    if (version.ok()) {
      std::lock_guard lock(globals_mutex);
      if (globals != nullptr && usable(*globals) && globals->data_version == *version) return globals;
    }
    // Something was committed. Most commits (comments, insight results)
    // change nothing the layout shows: keep the memo when "site" did not move.
    const Result<int64_t> mark = store.ScopeChangeMark(kScopeSite);
    if (version.ok() && mark.ok()) {
      std::lock_guard lock(globals_mutex);
      if (globals != nullptr && usable(*globals) && globals->site_mark == *mark) {
        auto same = std::make_shared<Globals>(*globals);
        same->data_version = *version;
        globals = same;
        return same;
      }
    }
    auto fresh = std::make_shared<Globals>();
    bool complete = version.ok() && mark.ok();
    fresh->data_version = version.ok() ? *version : 0;
    fresh->site_mark = mark.ok() ? *mark : 0;
    fresh->built_at = now;
    json::array topics = NavTopics(now, &complete);
    if (auto next = store.NextPublication(now); !next.ok()) {
      complete = false;
    } else if (next->has_value()) {
      fresh->valid_until = **next;
    }
    fresh->context = json::object{{"site", SiteView(*options)}, {"assets", theme->AssetUrls()}, {"topics", std::move(topics)}};
    fresh->options = std::move(options);
    if (complete) {
      std::lock_guard lock(globals_mutex);
      globals = fresh;
    }
    return fresh;
  }

  // Renders `name` with the common view (site, assets, topics, year): the
  // view's own names win over the shared ones, as if they were merged in.
  Response Render(int status, std::string_view name, json::object view) {
    const int64_t now = clock();
    const std::shared_ptr<const Globals> shared = CurrentGlobals(now);
    view["year"] = ToCivil(now).year;
    const json::value page(std::move(view));  // moved, with its memory resource
    const json::value* contexts[] = {&shared->context, &page};
    auto html = theme->Render(name, contexts);
    if (!html.ok()) {
      spdlog::error("rendering {}: {}", name, html.status().ToString());
      return Response(500, "text/plain; charset=utf-8", "Internal error: the page could not be rendered.\n");
    }
    Response r(status, "text/html; charset=utf-8", std::move(html).value());
    r.headers.Set("Cache-Control", "no-cache");
    return r;
  }

  Response ServerError(const Status& status, std::string_view what) {
    spdlog::error("{}: {}", what, status.ToString());
    json::object view{{"page", json::object{{"title", "Something went wrong"}, {"noindex", true}}}};
    return Render(500, "error", std::move(view));
  }

  Response NotFound(const Request& request) {
    json::object view{{"page", json::object{{"title", "Page not found"}, {"noindex", true}}},
                      {"path", request.path}};
    return Render(404, "404", std::move(view));
  }

  // The most used topics, for the navigation bar. `*complete` is cleared
  // when the store could not say.
  json::array NavTopics(int64_t now, bool* complete) {
    json::array topics;
    auto tags = store.ListTagsInUse(now);
    if (!tags.ok()) {
      *complete = false;
      return topics;
    }
    auto list = tags.value();
    std::stable_sort(list.begin(), list.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
    for (size_t i = 0; i < list.size() && i < 6; ++i)
      topics.push_back(json::object{{"name", list[i].first.name}, {"url", "/tags/" + list[i].first.slug}});
    return topics;
  }

  // `?page=N` → N ≥ 1, or nullopt when malformed.
  static std::optional<int> PageNumber(const Request& request) {
    auto p = request.QueryParam("page");
    if (!p) return 1;
    if (p->empty() || p->size() > 6) return std::nullopt;
    int n = 0;
    for (char ch : *p) {
      if (ch < '0' || ch > '9') return std::nullopt;
      n = n * 10 + (ch - '0');
    }
    if (n < 1) return std::nullopt;
    return n;
  }

  // A list of article cards with pagination links under `base_path`.
  std::optional<json::object> ListView(store::ArticleQuery query, int page, const std::string& base_path,
                                       Status* error) {
    query.now = clock();
    query.limit = Options()->per_page;
    query.offset = (page - 1) * Options()->per_page;
    auto result = store.ListVisibleArticles(query);
    if (!result.ok()) {
      *error = result.status();
      return std::nullopt;
    }
    const auto& list = result.value();
    if (page > 1 && list.items.empty()) return std::nullopt;  // past the end
    std::vector<int64_t> ids;
    for (const auto& a : list.items) ids.push_back(a.id);
    auto counts = store.CountApprovedCommentsFor(ids);
    json::array cards;
    for (const auto& a : list.items) {
      auto card = CardView(a, Options()->dates);
      int64_t count = 0;
      if (counts.ok())
        if (auto it = counts->find(a.id); it != counts->end()) count = it->second;
      card["comment_count"] = count;
      card["comment_label"] = CommentLabel(count);
      cards.push_back(std::move(card));
    }
    const int64_t pages = (list.total + Options()->per_page - 1) / Options()->per_page;
    json::object pagination{{"page", page}, {"pages", pages}};
    if (page > 1) pagination["newer_url"] = page == 2 ? base_path : fmt::format("{}?page={}", base_path, page - 1);
    if (page < pages) pagination["older_url"] = fmt::format("{}?page={}", base_path, page + 1);
    return json::object{{"articles", std::move(cards)},
                        {"total", list.total},
                        {"count_label", list.total == 1 ? std::string("1 article") : fmt::format("{} articles", list.total)},
                        {"pagination", std::move(pagination)},
                        {"has_pagination", pages > 1}};
  }

  Response Home(const Request& request) {
    auto page = PageNumber(request);
    if (!page) return NotFound(request);
    Status error;
    auto view = ListView(store::ArticleQuery{}, *page, "/", &error);
    if (!error.ok()) return ServerError(error, "listing articles");
    if (!view) return NotFound(request);
    // The newest article leads the first page.
    auto& articles = (*view)["articles"].as_array();
    if (*page == 1 && !articles.empty()) {
      (*view)["lead"] = articles.front();
      articles.erase(articles.begin());
    }
    (*view)["page"] = json::object{
        {"title", *page == 1 ? Options()->title : fmt::format("{} — page {}", Options()->title, *page)},
        {"description", Options()->description.empty() ? Options()->tagline : Options()->description},
        {"canonical", Options()->base_url + (*page == 1 ? "/" : fmt::format("/?page={}", *page))},
        {"is_home", true}};
    return Render(200, "home", std::move(*view));
  }

  Response Article(const Request& request) {
    const auto pinned = store.PinReads();  // the page's reads in one snapshot
    auto found = store.FindVisibleArticle(request.Param("slug"), clock());
    if (!found.ok()) return ServerError(found.status(), "finding article");
    if (!found.value()) return NotFound(request);
    return ArticlePage(*found.value(), request, nullptr, 200);
  }

  // The article page; after a post that was not taken, `state` refills the
  // form and `status` says why (422, 429, 409, 403).
  Response ArticlePage(const store::Article& a, const Request& request, const FormState* state, int status,
                       const std::string& unsent = "", int64_t preview_until = 0) {
    const int64_t now = clock();
    const auto options = Options();
    // The whole view is built in one arena, freed at once when the page is
    // rendered: hundreds of small strings and objects, no malloc each.
    json::monotonic_resource arena(kArticleArenaBytes);
    const json::storage_ptr sp(&arena);
    json::object article = CardView(a, options->dates, sp);  // its "authors" are the byline
    article["html"] = a.body_html;
    if (a.updated_at > a.published_at + 60) {
      article["updated"] = options->dates.Date(a.updated_at);
      article["updated_iso"] = IsoDateTime(a.updated_at);
    }
    // The contents list: its parsed headings are the view's items, each
    // with "sub" added for the levels below the sections.
    json::array toc = content::ParseTocJsonArray(a.toc_json, sp);
    int sections = 0;
    for (const json::value& h : toc) sections += h.get_object().at("level").get_int64() == 2;
    if (sections >= options->toc_min_sections) {
      for (json::value& h : toc) {
        json::object& heading = h.get_object();
        heading.emplace("sub", heading.at("level").get_int64() > 2);
      }
      article["toc"] = std::move(toc);
      article["has_toc"] = true;
    }
    // A preview of an unpublished article has no discussion yet.
    json::object discussion_view = preview_until > 0
                                       ? json::object({{"count", 0}}, sp)
                                       : discussion.View(a, request, state, now, options->dates, unsent, sp);
    std::string form_token;
    if (const auto* form = discussion_view.if_contains("form"); form != nullptr && form->is_object())
      if (const auto* token = form->as_object().if_contains("token"); token != nullptr && token->is_string())
        form_token = std::string(token->as_string());
    article["comment_count"] = discussion_view["count"];
    article["comment_label"] = CommentLabel(discussion_view["count"].as_int64());

    // Public corrections, newest first, at the foot of the article.
    json::array corrections(sp);
    if (auto list = store.ListCorrections(a.id, now, 100); list.ok()) {
      for (const auto& c : *list)
        corrections.push_back(json::object({{"note", c.note},
                                            {"date", options->dates.Date(c.created_at)},
                                            {"date_iso", IsoDateTime(c.created_at)},
                                            {"id", c.id}},
                                           sp));
    }
    if (!corrections.empty()) {
      article["has_corrections"] = true;
      article["corrections"] = std::move(corrections);
    }

    json::object view({{"article", std::move(article)}}, sp);
    if (preview_until == 0) view["comments"] = std::move(discussion_view);
    auto adjacent = store.AdjacentArticles(a, now);
    if (adjacent.ok()) {
      if (adjacent->previous) view["previous"] = CardView(*adjacent->previous, options->dates, sp);
      if (adjacent->next) view["next"] = CardView(*adjacent->next, options->dates, sp);
    }
    json::object page({{"title", a.title},
                       {"description", a.dek.empty() ? a.excerpt : a.dek},
                       {"canonical", options->base_url + "/articles/" + a.slug},
                       {"type", "article"},
                       {"comments_feed", "/articles/" + a.slug + "/comments.xml"},
                       {"published_iso", IsoDateTime(a.published_at)}},
                      sp);
    if (!a.image.url.empty()) page["image"] = AbsoluteUrl(a.image.url);
    // A page after a rejected post, or one with a reply target, is not
    // the canonical page and should not be indexed.
    if (state != nullptr || request.QueryParam("replyto")) page["noindex"] = true;
    if (preview_until > 0) {
      page["noindex"] = true;
      page.erase("canonical");
      view["preview"] = json::object({{"until", options->dates.Date(preview_until)}}, sp);
    }
    view["page"] = std::move(page);
    if (preview_until == 0) insight.AddToArticleView(a, view);
    Response r = Render(status, "article", std::move(view));
    if (preview_until > 0) {
      r.headers.Set("Cache-Control", "private, no-store");
      r.headers.Set("X-Robots-Tag", "noindex, nofollow");
      return r;
    }
    // A commenter's page shows their held comments and their details.
    if (discussion.IsPersonal(request) || state != nullptr) {
      r.headers.Set("Cache-Control", "private, no-store");
      return r;
    }
    MarkCacheable(r, {CommentsScope(a.id), kScopeInsight});
    // The form's token is written afresh into every cached copy.
    if (const std::string_view body = r.BodyView(); !form_token.empty()) {
      const size_t at = FindIn(body, form_token);
      if (at != std::string_view::npos && FindIn(body.substr(at + 1), form_token) == std::string_view::npos)
        r.stamp = http::Response::Stamp{at, form_token.size(), a.id};
      else
        r.cache_scopes.clear();  // a token we cannot find again would be served stale
    }
    return r;
  }

  static std::string CommentLabel(int64_t n) { return n == 0 ? "No comments" : Plural(n, "comment", "comments"); }

  // ---- Comments ----------------------------------------------------------

  // The visible article a comment URL names, or the response to send instead.
  std::variant<store::Article, Response> ArticleFor(const Request& request) {
    auto found = store.FindVisibleArticle(request.Param("slug"), clock());
    if (!found.ok()) return ServerError(found.status(), "finding article");
    if (!found.value()) return NotFound(request);
    return std::move(*found.value());
  }

  Response MessagePage(int status, std::string title, std::string message, std::string back_url) {
    json::object view{{"page", json::object{{"title", title}, {"noindex", true}}},
                      {"message", json::object{{"title", std::move(title)},
                                               {"text", std::move(message)},
                                               {"back_url", std::move(back_url)}}}};
    Response r = Render(status, "message", std::move(view));
    r.headers.Set("Cache-Control", "no-store");
    return r;
  }

  Response PostComment(const Request& request) {
    // Deciding needs only the article's summary; a post that is not taken
    // shows the whole page again, and loads it then.
    auto summary = store.FindVisibleArticleSummary(request.Param("slug"), clock());
    if (!summary.ok()) return ServerError(summary.status(), "finding article");
    if (!summary.value()) return NotFound(request);
    const store::Article& article = *summary.value();
    auto page = [&](const FormState& state, int status, const std::string& unsent = "") -> Response {
      auto full = ArticleFor(request);
      if (auto* r = std::get_if<Response>(&full)) return std::move(*r);
      return ArticlePage(std::get<store::Article>(full), request, &state, status, unsent);
    };
    const std::string article_url = "/articles/" + article.slug;
    if (!http::IsFormUrlEncoded(request))
      return MessagePage(415, "Comment not posted",
                         "The comment form must be sent as an ordinary web form "
                         "(application/x-www-form-urlencoded).",
                         article_url + "#respond");

    const auto fields = http::ParseForm(request.body);
    FormState state;
    state.form = comments::ParseCommentForm(fields);
    for (const auto& [name, value] : fields) state.consent |= name == kConsentField && !value.empty();

    comments::Poster poster;
    poster.ip = request.remote_address;
    poster.user_agent = std::string(request.headers.Get("User-Agent").value_or(""));
    poster.own_comment_ids = discussion.OwnIds(request);
    const int64_t now = clock();
    auto result = pipeline.Submit(article, state.form, poster, now);
    if (!result.ok()) return ServerError(result.status(), "storing a comment");
    state.form = result->form;

    switch (result->outcome) {
      case comments::Outcome::kAccepted: {
        const auto& c = result->comment;
        spdlog::info("comment {} on {}: {}", c.id, article.slug, c.status_reason);
        Response r(303, "text/html; charset=utf-8", "");
        const std::string location = fmt::format("{}#comment-{}", article_url, c.id);
        r.headers.Set("Location", location);
        r.headers.Set("Cache-Control", "no-store");
        std::string body = "<!doctype html><title>Comment posted</title><p>Your comment was posted: <a href=\"";
        AppendHtmlEscaped(body, location);
        body += "\">back to the article</a>.</p>\n";
        r.SetBody(std::move(body));
        auto own = poster.own_comment_ids;
        own.push_back(c.id);
        r.headers.Add("Set-Cookie", discussion.OwnCookieHeader(own));
        if (state.consent)
          r.headers.Add("Set-Cookie", discussion.CommenterCookieHeader({state.form.author, state.form.email, state.form.url}));
        else if (request.Cookie(kCommenterCookie))
          r.headers.Add("Set-Cookie", discussion.ClearCommenterCookieHeader());
        return r;
      }
      case comments::Outcome::kInvalid:
        state.errors = result->errors;
        return page(state, 422);
      case comments::Outcome::kClosed:
        return page(state, 403, state.form.comment);
      case comments::Outcome::kRateLimited: {
        state.notice = fmt::format(
            "You have posted {} in the last minute, the most this site takes. Please wait a minute and send "
            "it again: your comment is still in the form below.",
            pipeline.settings()->rate_limit_per_minute == 1
                ? std::string("a comment")
                : fmt::format("{} comments", pipeline.settings()->rate_limit_per_minute));
        Response r = page(state, 429);
        r.headers.Set("Retry-After", "60");
        return r;
      }
      case comments::Outcome::kDuplicate:
        state.notice =
            "You have already posted this comment. It is shown on this page, or is awaiting moderation if it "
            "is not shown yet.";
        return page(state, 409);
    }
    return ServerError(Status::Internal("unknown outcome"), "posting a comment");
  }

  // The poster's own comment named by the URL, when they may still change it.
  std::variant<std::pair<store::Article, store::Comment>, Response> OwnComment(const Request& request) {
    auto found = ArticleFor(request);
    if (auto* r = std::get_if<Response>(&found)) return std::move(*r);
    store::Article article = std::move(std::get<store::Article>(found));
    int64_t id = 0;
    const std::string_view id_text = request.Param("id");
    auto [end, ec] = std::from_chars(id_text.data(), id_text.data() + id_text.size(), id);
    if (ec != std::errc() || end != id_text.data() + id_text.size()) return NotFound(request);
    auto comment = store.FindComment(id);
    if (!comment.ok()) return ServerError(comment.status(), "finding comment");
    if (!comment.value() || comment.value()->article_id != article.id) return NotFound(request);
    const std::string back = fmt::format("/articles/{}#comment-{}", article.slug, id);
    if (!pipeline.CanModify(*comment.value(), discussion.OwnIds(request), clock()))
      return MessagePage(403, "This comment can no longer be changed",
                         fmt::format("A comment can be edited or deleted from the browser that posted it, for {} "
                                     "minutes after it was posted.",
                                     pipeline.settings()->edit_minutes),
                         back);
    return std::make_pair(std::move(article), std::move(*comment.value()));
  }

  Response EditPage(const store::Article& article, const store::Comment& c, const std::string& text,
                    const comments::FieldErrors* errors, int status) {
    const int64_t minutes_left = (pipeline.EditSecondsLeft(c, clock()) + 59) / 60;
    json::object edit{{"id", c.id},
                      {"action", fmt::format("/articles/{}/comments/{}/edit", article.slug, c.id)},
                      {"delete_url", fmt::format("/articles/{}/comments/{}/delete", article.slug, c.id)},
                      {"cancel_url", fmt::format("/articles/{}#comment-{}", article.slug, c.id)},
                      {"article_title", article.title},
                      {"text", text},
                      {"modify_token", pipeline.ModifyToken(c.id)},
                      {"minutes_left", minutes_left == 1 ? std::string("1 minute") : fmt::format("{} minutes", minutes_left)}};
    if (errors != nullptr && errors->by_field.count("comment")) edit["error"] = errors->by_field.at("comment");
    json::object view{{"page", json::object{{"title", "Edit your comment"}, {"noindex", true}}},
                      {"edit", std::move(edit)}};
    Response r = Render(status, "comment-edit", std::move(view));
    r.headers.Set("Cache-Control", "private, no-store");
    return r;
  }

  Response EditCommentForm(const Request& request) {
    auto own = OwnComment(request);
    if (auto* r = std::get_if<Response>(&own)) return std::move(*r);
    auto& [article, comment] = std::get<0>(own);
    return EditPage(article, comment, comment.body, nullptr, 200);
  }

  Response ModifyRefused(const store::Article& article, int64_t id) {
    return MessagePage(403, "Comment not changed",
                       "This form did not come from this comment's page. Open the article again and use its "
                       "Edit or Delete link.",
                       fmt::format("/articles/{}#comment-{}", article.slug, id));
  }

  Response EditComment(const Request& request) {
    auto own = OwnComment(request);
    if (auto* r = std::get_if<Response>(&own)) return std::move(*r);
    auto& [article, comment] = std::get<0>(own);
    const auto fields = http::ParseForm(request.body);
    if (!http::IsFormUrlEncoded(request) || !pipeline.CheckModifyToken(comment.id, http::FormValue(fields, "modify_token")))
      return ModifyRefused(article, comment.id);
    const std::string text = http::FormValue(fields, comments::kFieldComment);
    auto result = pipeline.Edit(comment, text, clock());
    if (!result.ok()) return ServerError(result.status(), "editing a comment");
    if (result->outcome == comments::Outcome::kInvalid) return EditPage(article, comment, text, &result->errors, 422);
    Response r(303, "text/plain; charset=utf-8", "Your comment was saved.\n");
    r.headers.Set("Location", fmt::format("/articles/{}#comment-{}", article.slug, comment.id));
    r.headers.Set("Cache-Control", "no-store");
    return r;
  }

  Response DeleteComment(const Request& request) {
    auto own = OwnComment(request);
    if (auto* r = std::get_if<Response>(&own)) return std::move(*r);
    auto& [article, comment] = std::get<0>(own);
    const auto fields = http::ParseForm(request.body);
    if (!http::IsFormUrlEncoded(request) || !pipeline.CheckModifyToken(comment.id, http::FormValue(fields, "modify_token")))
      return ModifyRefused(article, comment.id);
    Status s = pipeline.Delete(comment, clock());
    if (!s.ok()) return ServerError(s, "deleting a comment");
    Response r(303, "text/plain; charset=utf-8", "Your comment was deleted.\n");
    r.headers.Set("Location", fmt::format("/articles/{}#comments", article.slug));
    r.headers.Set("Cache-Control", "no-store");
    return r;
  }

  // Approved comments, newest first, as an Atom feed; `article` null for
  // the whole site.
  Response CommentFeed(const store::Article* article) {
    store::CommentQuery q;
    q.article_id = article != nullptr ? article->id : 0;
    q.status = store::CommentStatus::kApproved;
    q.newest_first = true;
    q.public_only = true;
    q.limit = Options()->comment_feed_items;
    auto list = store.ListComments(q);
    if (!list.ok()) return ServerError(list.status(), "comment feed");
    const int64_t now = clock();
    json::array entries;
    int64_t newest = article != nullptr ? article->published_at : 0;
    for (const auto& c : *list) {
      // Comments on articles readers cannot see (unpublished since) stay out.
      std::string title;
      if (article != nullptr) {
        title = article->title;
      } else {
        auto a = store.FindVisibleArticle(c.article_slug, now);
        if (!a.ok() || !a.value()) continue;
        title = a.value()->title;
      }
      const int64_t updated = std::max(c.created_at, c.updated_at);
      newest = std::max(newest, updated);
      const std::string url = fmt::format("{}/articles/{}#comment-{}", Options()->base_url, c.article_slug, c.id);
      entries.push_back(json::object{{"id", url},
                                     {"url", url},
                                     {"title", fmt::format("{} on {}", c.author_name, title)},
                                     {"author", c.author_name},
                                     {"author_url", c.author_url},
                                     {"html", comments::RenderCommentHtml(c.body)},
                                     {"published_iso", IsoDateTime(c.created_at)},
                                     {"updated_iso", IsoDateTime(updated)}});
    }
    json::object view{{"entries", std::move(entries)}, {"updated_iso", IsoDateTime(newest)}};
    if (article != nullptr) {
      view["feed_title"] = fmt::format("Comments on {}", article->title);
      view["feed_url"] = fmt::format("{}/articles/{}/comments.xml", Options()->base_url, article->slug);
      view["alternate_url"] = fmt::format("{}/articles/{}#comments", Options()->base_url, article->slug);
    } else {
      view["feed_title"] = fmt::format("Comments on {}", Options()->title);
      view["feed_url"] = Options()->base_url + "/comments.xml";
      view["alternate_url"] = Options()->base_url + "/";
    }
    return Xml("feeds/comments", "application/atom+xml; charset=utf-8", std::move(view));
  }

  Response ArticleCommentsFeed(const Request& request) {
    auto found = ArticleFor(request);
    if (auto* r = std::get_if<Response>(&found)) return std::move(*r);
    Response r = CommentFeed(&std::get<store::Article>(found));
    MarkCacheable(r, {CommentsScope(std::get<store::Article>(found).id)});
    return r;
  }

  Response CommentsFeed(const Request&) { return CommentFeed(nullptr); }

  // ---- Embargoed previews -----------------------------------------------------

  // /preview/<token>: an unpublished article for someone without an account,
  // while the signed token (comments::Sign of "preview:<id>:<until>", made
  // in the newsroom) is genuine and unexpired. Never indexed, never cached.
  Response Preview(const Request& request) {
    auto payload = comments::Verify(pipeline_key, request.Param("token"));
    int64_t id = 0, until = 0;
    if (payload && payload->rfind("preview:", 0) == 0) {
      const std::string rest = payload->substr(8);
      const size_t colon = rest.find(':');
      if (colon != std::string::npos) {
        std::from_chars(rest.data(), rest.data() + colon, id);
        std::from_chars(rest.data() + colon + 1, rest.data() + rest.size(), until);
      }
    }
    if (id <= 0 || until <= 0) return NotFound(request);
    if (clock() >= until) {
      json::object view{{"page", json::object{{"title", "This preview has expired"}, {"noindex", true}}},
                        {"message", json::object{{"title", "This preview has expired"},
                                                 {"text", "Ask the editor who sent it for a new link."},
                                                 {"back_url", "/"}}}};
      Response r = Render(410, "message", std::move(view));
      r.headers.Set("Cache-Control", "no-store");
      r.headers.Set("X-Robots-Tag", "noindex, nofollow");
      return r;
    }
    auto found = store.FindArticleById(id);
    if (!found.ok()) return ServerError(found.status(), "finding a preview");
    if (!found.value() || found.value()->trashed_at > 0) return NotFound(request);
    return ArticlePage(found.value()->article, request, nullptr, 200, "", until);
  }

  // ---- Corrections ---------------------------------------------------------

  Result<json::array> CorrectionEntries(int limit) {
    CHANCERY_ASSIGN_OR_RETURN(auto list, store.ListCorrections(0, clock(), limit));
    json::array out;
    for (const auto& c : list) {
      const std::string url = fmt::format("/articles/{}#correction-{}", c.article_slug, c.id);
      out.push_back(json::object{{"id", c.id},
                                 {"note", c.note},
                                 {"article_title", c.article_title},
                                 {"article_url", "/articles/" + c.article_slug},
                                 {"url", url},
                                 {"absolute_url", Options()->base_url + url},
                                 {"date", Options()->dates.Date(c.created_at)},
                                 {"date_iso", IsoDateTime(c.created_at)}});
    }
    return out;
  }

  Response CorrectionsPage(const Request&) {
    auto entries = CorrectionEntries(500);
    if (!entries.ok()) return ServerError(entries.status(), "listing corrections");
    const bool any = !entries->empty();
    json::object view{{"corrections", std::move(*entries)},
                      {"has_corrections", any},
                      {"page", json::object{{"title", "Corrections"},
                                            {"description", fmt::format("Every correction {} has published", Options()->title)},
                                            {"canonical", Options()->base_url + "/corrections"},
                                            {"corrections_feed", "/corrections.xml"}}}};
    return Render(200, "corrections", std::move(view));
  }

  Response CorrectionsFeed(const Request&) {
    auto entries = CorrectionEntries(Options()->feed_items);
    if (!entries.ok()) return ServerError(entries.status(), "corrections feed");
    std::string updated = IsoDateTime(0);
    if (!entries->empty()) updated = std::string(entries->front().as_object().at("date_iso").as_string());
    return Xml("feeds/corrections", "application/atom+xml; charset=utf-8",
               json::object{{"entries", std::move(*entries)}, {"updated_iso", updated}});
  }

  std::string AbsoluteUrl(const std::string& url) const {
    if (url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0) return url;
    return Options()->base_url + url;
  }

  Response TagPage(const Request& request) {
    auto tag = store.FindTag(request.Param("slug"));
    if (!tag.ok()) return ServerError(tag.status(), "finding tag");
    if (!tag.value()) return NotFound(request);
    auto page = PageNumber(request);
    if (!page) return NotFound(request);
    store::ArticleQuery q;
    q.tag_slug = tag.value()->slug;
    Status error;
    const std::string base = "/tags/" + tag.value()->slug;
    auto view = ListView(q, *page, base, &error);
    if (!error.ok()) return ServerError(error, "listing tag");
    if (!view) return NotFound(request);
    (*view)["tag"] = json::object{{"name", tag.value()->name}, {"url", base}};
    (*view)["page"] = json::object{{"title", tag.value()->name},
                                   {"description", fmt::format("Analysis tagged {} from {}", tag.value()->name, Options()->title)},
                                   {"canonical", Options()->base_url + base}};
    return Render(200, "tag", std::move(*view));
  }

  Response AuthorPage(const Request& request) {
    auto author = store.FindAuthor(request.Param("slug"));
    if (!author.ok()) return ServerError(author.status(), "finding author");
    if (!author.value()) return NotFound(request);
    const auto& au = *author.value();
    auto page = PageNumber(request);
    if (!page) return NotFound(request);
    store::ArticleQuery q;
    q.author_slug = au.slug;
    Status error;
    const std::string base = "/authors/" + au.slug;
    auto view = ListView(q, *page, base, &error);
    if (!error.ok()) return ServerError(error, "listing author");
    if (!view) return NotFound(request);
    (*view)["author"] = json::object{
        {"name", au.name}, {"bio", au.bio}, {"affiliation", au.affiliation}, {"disclosure", au.disclosure}, {"url", base}};
    (*view)["page"] = json::object{{"title", au.name},
                                   {"description", au.bio.empty() ? au.name : au.bio},
                                   {"canonical", Options()->base_url + base}};
    return Render(200, "author", std::move(*view));
  }

  Response Media(const Request& request) {
    auto media = store.FindMedia(request.Param("name"));
    if (!media.ok()) return ServerError(media.status(), "finding media");
    if (!media.value()) return NotFound(request);
    const auto& m = *media.value();
    const std::string etag = fmt::format("m{}-{}-{:x}", m.id, m.bytes.size(), std::hash<std::string>{}(m.bytes));
    Response r = http::StaticAsset(request, m.bytes, m.mime_type, etag, /*immutable=*/false);
    // An SVG opened directly must not run script or load anything.
    if (m.mime_type == "image/svg+xml")
      r.headers.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; sandbox");
    return r;
  }

  Response Static(const Request& request) {
    bool fingerprinted = false;
    const theme::Asset* asset = theme->FindAsset(request.path, &fingerprinted);
    if (asset == nullptr) return NotFound(request);
    return http::StaticAsset(request, asset->bytes, asset->content_type, asset->etag, fingerprinted);
  }

  // The newest visible articles with full bodies, for feeds.
  Result<std::vector<store::Article>> FeedArticles() {
    store::ArticleQuery q;
    q.now = clock();
    q.limit = Options()->feed_items;
    auto list = store.ListVisibleArticles(q);
    if (!list.ok()) return list.status();
    std::vector<store::Article> out;
    for (const auto& summary : list->items) {
      auto full = store.FindVisibleArticle(summary.slug, q.now);
      if (!full.ok()) return full.status();
      if (full.value()) out.push_back(std::move(*full.value()));
    }
    return out;
  }

  json::object FeedView(const std::vector<store::Article>& articles) {
    json::array entries;
    int64_t newest = 0;
    for (const auto& a : articles) {
      const int64_t updated = std::max(a.updated_at, a.published_at);
      newest = std::max(newest, updated);
      auto card = CardView(a, Options()->dates);
      card["html"] = a.body_html;
      card["absolute_url"] = Options()->base_url + "/articles/" + a.slug;
      card["published_rfc822"] = Rfc822Date(a.published_at);
      card["updated_iso"] = IsoDateTime(updated);
      entries.push_back(std::move(card));
    }
    return json::object{{"entries", std::move(entries)},
                        {"updated_iso", IsoDateTime(newest)},
                        {"updated_rfc822", Rfc822Date(newest)}};
  }

  Response Xml(std::string_view template_name, std::string_view content_type, json::object view) {
    view["site"] = SiteView();
    auto body = theme->Render(template_name, view);
    if (!body.ok()) return ServerError(body.status(), "rendering feed");
    Response r(200, std::string(content_type), std::move(body).value());
    r.headers.Set("Cache-Control", "public, max-age=300");
    return r;
  }

  Response AtomFeed(const Request&) {
    auto articles = FeedArticles();
    if (!articles.ok()) return ServerError(articles.status(), "feed");
    return Xml("feeds/atom", "application/atom+xml; charset=utf-8", FeedView(*articles));
  }

  Response RssFeed(const Request&) {
    auto articles = FeedArticles();
    if (!articles.ok()) return ServerError(articles.status(), "feed");
    return Xml("feeds/rss", "application/rss+xml; charset=utf-8", FeedView(*articles));
  }

  Response JsonFeed(const Request&) {
    auto articles = FeedArticles();
    if (!articles.ok()) return ServerError(articles.status(), "feed");
    json::array items;
    for (const auto& a : *articles) {
      json::array authors;
      for (const auto& au : a.authors)
        authors.push_back(json::object{{"name", au.name}, {"url", Options()->base_url + "/authors/" + au.slug}});
      json::array tags;
      for (const auto& t : a.tags) tags.push_back(json::string(t.name));
      json::object item{{"id", Options()->base_url + "/articles/" + a.slug},
                        {"url", Options()->base_url + "/articles/" + a.slug},
                        {"title", a.title},
                        {"summary", a.dek},
                        {"content_html", a.body_html},
                        {"date_published", IsoDateTime(a.published_at)},
                        {"date_modified", IsoDateTime(std::max(a.updated_at, a.published_at))},
                        {"authors", std::move(authors)},
                        {"tags", std::move(tags)}};
      if (!a.image.url.empty()) item["image"] = AbsoluteUrl(a.image.url);
      items.push_back(std::move(item));
    }
    json::object feed{{"version", "https://jsonfeed.org/version/1.1"},
                      {"title", Options()->title},
                      {"home_page_url", Options()->base_url + "/"},
                      {"feed_url", Options()->base_url + "/feed.json"},
                      {"description", Options()->tagline},
                      {"language", Options()->language},
                      {"items", std::move(items)}};
    Response r(200, "application/feed+json; charset=utf-8", json::serialize(feed));
    r.headers.Set("Cache-Control", "public, max-age=300");
    return r;
  }

  Response Sitemap(const Request&) {
    json::array urls;
    urls.push_back(json::object{{"loc", Options()->base_url + "/"}});
    store::ArticleQuery q;
    q.now = clock();
    q.limit = 100;
    for (q.offset = 0;; q.offset += q.limit) {
      auto list = store.ListVisibleArticles(q);
      if (!list.ok()) return ServerError(list.status(), "sitemap");
      for (const auto& a : list->items)
        urls.push_back(json::object{{"loc", Options()->base_url + "/articles/" + a.slug},
                                    {"lastmod", IsoDateTime(std::max(a.updated_at, a.published_at))}});
      if (list->items.size() < static_cast<size_t>(q.limit) || q.offset > 50000) break;
    }
    auto tags = store.ListTagsInUse(q.now);
    if (tags.ok())
      for (const auto& [tag, count] : tags.value()) urls.push_back(json::object{{"loc", Options()->base_url + "/tags/" + tag.slug}});
    for (auto& url : insight.SitemapUrls()) urls.push_back(std::move(url));
    auto authors = store.ListAuthors();
    if (authors.ok())
      for (const auto& au : authors.value()) urls.push_back(json::object{{"loc", Options()->base_url + "/authors/" + au.slug}});
    return Xml("feeds/sitemap", "application/xml; charset=utf-8", json::object{{"urls", std::move(urls)}});
  }

  Response Robots(const Request&) {
    Response r(200, "text/plain; charset=utf-8",
               fmt::format("User-agent: *\nDisallow: /admin/\nDisallow: /preview/\nAllow: /\n\nSitemap: {}/sitemap.xml\n", Options()->base_url));
    r.headers.Set("Cache-Control", "public, max-age=3600");
    return r;
  }

  Response Health(const Request&) {
    auto version = store.DataVersion();
    if (!version.ok()) {
      Response r(503, "application/json", json::serialize(json::object{{"status", "unavailable"}, {"error", version.status().ToString()}}));
      r.headers.Set("Cache-Control", "no-store");
      return r;
    }
    Response r(200, "application/json",
               json::serialize(json::object{{"status", "ok"}, {"schema", store.SchemaVersion()}}));
    r.headers.Set("Cache-Control", "no-store");
    return r;
  }
};

Site::Site(store::Store& store, std::shared_ptr<const theme::Theme> theme, SiteOptions options, Clock clock)
    : impl_(std::make_unique<Impl>(store, std::move(theme), std::move(options), std::move(clock))) {}
Site::~Site() = default;

http::Response Site::Home(const Request& r) { return impl_->Home(r); }
http::Response Site::Article(const Request& r) { return impl_->Article(r); }
http::Response Site::TagPage(const Request& r) { return impl_->TagPage(r); }
http::Response Site::AuthorPage(const Request& r) { return impl_->AuthorPage(r); }
http::Response Site::Media(const Request& r) { return impl_->Media(r); }
http::Response Site::Static(const Request& r) { return impl_->Static(r); }
http::Response Site::AtomFeed(const Request& r) { return impl_->AtomFeed(r); }
http::Response Site::RssFeed(const Request& r) { return impl_->RssFeed(r); }
http::Response Site::JsonFeed(const Request& r) { return impl_->JsonFeed(r); }
http::Response Site::Sitemap(const Request& r) { return impl_->Sitemap(r); }
http::Response Site::Robots(const Request& r) { return impl_->Robots(r); }
http::Response Site::Health(const Request& r) { return impl_->Health(r); }
http::Response Site::NotFound(const Request& r) { return impl_->NotFound(r); }
http::Response Site::PostComment(const Request& r) { return impl_->PostComment(r); }
http::Response Site::EditCommentForm(const Request& r) { return impl_->EditCommentForm(r); }
http::Response Site::EditComment(const Request& r) { return impl_->EditComment(r); }
http::Response Site::DeleteComment(const Request& r) { return impl_->DeleteComment(r); }
http::Response Site::ArticleCommentsFeed(const Request& r) { return impl_->ArticleCommentsFeed(r); }
http::Response Site::CommentsFeed(const Request& r) { return impl_->CommentsFeed(r); }

void Site::UpdateOptions(SiteOptions options) {
  impl_->pipeline.UpdateSettings(options.comments);
  impl_->live_options.store(std::make_shared<const SiteOptions>(std::move(options)));
}

int64_t Site::Now() const { return impl_->clock(); }

std::string Site::FormToken(int64_t article_id, int64_t now) const {
  return impl_->pipeline.IssueFormToken(article_id, now);
}

void Site::RegisterRoutes(http::Router& router) {
  auto bind = [this](http::Response (Site::*fn)(const Request&)) {
    return [this, fn](const Request& r) { return (this->*fn)(r); };
  };
  // A public page the cache may keep, with what it shows besides "site".
  auto cached = [this](http::Handler handler, std::initializer_list<std::string_view> scopes) {
    std::vector<std::string> names(scopes.begin(), scopes.end());
    return [this, handler = std::move(handler), names = std::move(names)](const Request& r) {
      Response response;
      {
        const auto pinned = impl_->store.PinReads();  // the page's reads in one snapshot
        response = handler(r);
      }
      MarkCacheable(response, {});
      if (!response.cache_scopes.empty()) response.cache_scopes.insert(response.cache_scopes.end(), names.begin(), names.end());
      return response;
    };
  };
  router.Get("/", cached(bind(&Site::Home), {kScopeAnyComments}));
  router.Get("/articles/:slug", bind(&Site::Article));
  router.Post("/articles/:slug/comments", bind(&Site::PostComment));
  router.Get("/articles/:slug/comments.xml", bind(&Site::ArticleCommentsFeed));
  router.Get("/articles/:slug/comments/:id/edit", bind(&Site::EditCommentForm));
  router.Post("/articles/:slug/comments/:id/edit", bind(&Site::EditComment));
  router.Post("/articles/:slug/comments/:id/delete", bind(&Site::DeleteComment));
  router.Get("/comments.xml", cached(bind(&Site::CommentsFeed), {kScopeAnyComments}));
  router.Get("/preview/:token", [this](const Request& r) { return impl_->Preview(r); });
  router.Get("/corrections", cached([this](const Request& r) { return impl_->CorrectionsPage(r); }, {}));
  router.Get("/corrections.xml", cached([this](const Request& r) { return impl_->CorrectionsFeed(r); }, {}));
  router.Get("/tags/:slug", cached(bind(&Site::TagPage), {kScopeAnyComments}));
  router.Get("/authors/:slug", cached(bind(&Site::AuthorPage), {kScopeAnyComments}));
  router.Get("/media/:name", bind(&Site::Media));
  router.Get("/static/*path", bind(&Site::Static));
  router.Get("/feed.xml", cached(bind(&Site::AtomFeed), {}));
  router.Get("/rss.xml", cached(bind(&Site::RssFeed), {}));
  router.Get("/feed.json", cached(bind(&Site::JsonFeed), {}));
  router.Get("/sitemap.xml", cached(bind(&Site::Sitemap), {kScopeInsight}));
  router.Get("/robots.txt", cached(bind(&Site::Robots), {}));
  router.Get("/healthz", bind(&Site::Health));
  impl_->insight.RegisterRoutes(router);
  router.SetNotFound(bind(&Site::NotFound));
}

}  // namespace chancery::site
