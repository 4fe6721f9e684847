#include "admin/admin.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <ctime>
#include <mutex>
#include <boost/json.hpp>
#include <fmt/format.h>

#include "admin/auth.h"
#include "comments/pipeline.h"
#include "theme/theme.h"

namespace chancery::admin {
namespace json = boost::json;
using http::Request;
using http::Response;

namespace {

// Only a path inside the admin may follow sign-in (no open redirects).
std::string SafeNext(std::string_view next) {
  if (next.rfind("/admin/", 0) != 0 || next.find("//") != std::string_view::npos ||
      next.find('\\') != std::string_view::npos)
    return "/admin/";
  for (char ch : next)
    if (static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f) return "/admin/";
  return std::string(next);
}

// "2026-11-29 14:05 UTC", for lists.
std::string ShortTime(int64_t t) {
  std::tm tm{};
  const std::time_t tt = static_cast<std::time_t>(t);
  gmtime_r(&tt, &tm);
  return fmt::format("{:04}-{:02}-{:02} {:02}:{:02} UTC", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                     tm.tm_min);
}

std::string RoleName(store::Role role) {
  switch (role) {
    case store::Role::kAdmin: return "Administrator";
    case store::Role::kEditor: return "Editor";
    case store::Role::kAuthor: return "Author";
  }
  return "";
}

}  // namespace

struct Admin::Impl {
  store::Store& store;
  std::shared_ptr<const theme::Theme> theme;
  AdminOptions options;
  Clock clock;
  comments::Key key;
  bool secure;
  mutable std::mutex title_mutex;
  std::string site_title;  // options.site_title until UpdateSiteTitle; guarded by title_mutex

  std::string SiteTitle() const {
    std::lock_guard lock(title_mutex);
    return site_title;
  }

  std::string CookieAttributes(std::string_view path) const {
    return fmt::format("Path={}; HttpOnly; SameSite=Lax{}", path, secure ? "; Secure" : "");
  }

  static Response NoStore(Response r) {
    r.headers.Set("Cache-Control", "no-store");
    r.headers.Set("X-Robots-Tag", "noindex, nofollow");
    return r;
  }

  Response Redirect(std::string location) {
    Response r(303, "text/plain; charset=utf-8", "See " + location + "\n");
    r.headers.Set("Location", std::move(location));
    return NoStore(std::move(r));
  }

  json::object Common(const Visitor* visitor, std::string_view section) {
    json::object view{{"site", json::object{{"title", SiteTitle()}, {"base_url", options.base_url}}},
                      {"assets", theme->AssetUrls()}};
    if (visitor != nullptr) {
      const auto role = visitor->user.role;
      json::object me{{"name", visitor->user.name},
                      {"email", visitor->user.email},
                      {"role", RoleName(role)},
                      {"is_admin", role == store::Role::kAdmin},
                      {"is_editor", role != store::Role::kAuthor}};
      // The author profile this account writes as, for "Your profile".
      if (visitor->user.author_id != 0) {
        auto authors = store.ListAuthors();
        if (authors.ok())
          for (const auto& a : *authors)
            if (a.id == visitor->user.author_id) me["my_author_slug"] = a.slug;
      }
      view["me"] = std::move(me);
      view["csrf"] = visitor->csrf;
      json::object nav;
      nav[std::string(section)] = true;
      view["nav"] = std::move(nav);
      if (role != store::Role::kAuthor) {
        auto counts = store.CountCommentsByStatus();
        if (counts.ok()) {
          auto it = counts->find(store::CommentStatus::kPending);
          if (it != counts->end() && it->second > 0) view["pending_count"] = it->second;
        }
      }
    }
    return view;
  }

  Response RenderPage(int status, std::string_view name, std::string_view section, const Visitor* visitor,
                      json::object view) {
    json::object common = Common(visitor, section);
    for (auto& [k, v] : common)
      if (!view.contains(k)) view[k] = v;
    auto html = theme->Render(std::string("admin/") + std::string(name), view);
    if (!html.ok()) {
      spdlog::error("rendering admin/{}: {}", name, html.status().ToString());
      return NoStore(Response(500, "text/plain; charset=utf-8", "Internal error: the page could not be rendered.\n"));
    }
    return NoStore(Response(status, "text/html; charset=utf-8", std::move(html).value()));
  }

  Response MessagePage(int status, const Visitor* visitor, std::string title, std::string text, std::string back) {
    json::object view{{"title", title}, {"message", json::object{{"title", title}, {"text", text}, {"back_url", back}}}};
    return RenderPage(status, "message", "", visitor, std::move(view));
  }

  Response StoreError(const Status& s, std::string_view what) {
    spdlog::error("admin: {}: {}", what, s.ToString());
    return MessagePage(503, nullptr, "The newsroom is unavailable",
                       "The database could not be reached just now. Nothing was changed; please try again.",
                       "/admin/");
  }

  std::variant<Visitor, Response> Guard(const Request& request, const std::vector<store::Role>& roles) {
    const int64_t now = clock();
    auto to_login = [&](std::string_view why) {
      std::string next = request.method == http::Method::kGet ? request.target : std::string("/admin/");
      Response r = Redirect(fmt::format("/admin/login?next={}{}", PercentEncodePath(SafeNext(next)),
                                        why.empty() ? "" : std::string("&") + std::string(why)));
      return r;
    };
    auto token = request.Cookie(kSessionCookie);
    if (!token || token->empty() || token->size() > 100) return to_login("");
    const std::string hash = TokenHash(*token);
    auto found = store.FindSession(hash);
    if (!found.ok()) return StoreError(found.status(), "finding session");
    if (!found.value()) return to_login("expired=1");
    auto& [session, user] = *found.value();
    const int64_t idle_limit = int64_t{options.session_idle_minutes} * 60;
    if (now >= session.expires_at || now - session.last_seen_at > idle_limit) {
      (void)store.DeleteSession(hash);
      return to_login("expired=1");
    }
    if (now - session.last_seen_at >= 60) {
      Status s = store.TouchSession(hash, now);
      if (!s.ok()) spdlog::warn("touching session: {}", s.ToString());
    }
    Visitor visitor{user, session, CsrfToken(key, hash)};
    if (!roles.empty() && std::find(roles.begin(), roles.end(), user.role) == roles.end())
      return MessagePage(403, &visitor, "Not allowed",
                         fmt::format("Your role ({}) cannot open this page or do this.", RoleName(user.role)),
                         "/admin/");
    if (request.method != http::Method::kGet && request.method != http::Method::kHead) {
      std::string posted(request.headers.Get("X-CSRF-Token").value_or(""));
      if (posted.empty() && http::IsFormUrlEncoded(request)) posted = http::FormValue(http::ParseForm(request.body), "csrf");
      if (posted.empty()) posted = request.QueryParam("csrf").value_or("");
      if (!CheckCsrfToken(key, hash, posted))
        return MessagePage(403, &visitor, "This form has expired",
                           "The request did not carry this session's security token, so nothing was changed. "
                           "Go back, reload the page and try again.",
                           "/admin/");
    }
    return visitor;
  }

  static std::string PercentEncodePath(std::string_view in) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char ch : in) {
      if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '-' ||
          ch == '_' || ch == '.' || ch == '~' || ch == '/') {
        out += static_cast<char>(ch);
      } else {
        out += '%';
        out += kHex[ch >> 4];
        out += kHex[ch & 15];
      }
    }
    return out;
  }

  // ---- Sign-in -------------------------------------------------------------

  Response LoginForm(const Request& request, int status, std::string error, std::string email) {
    // A fresh nonce each time the form is shown binds its CSRF token.
    const std::string nonce = NewNonce();
    json::object view{{"title", "Sign in"},
                      {"csrf", LoginCsrfToken(key, nonce)},
                      {"next", SafeNext(request.QueryParam("next").value_or(http::FormValue(http::ParseForm(request.body), "next")))},
                      {"email", std::move(email)}};
    if (!error.empty()) view["error"] = std::move(error);
    if (request.QueryParam("expired")) view["notice"] = "Your session has ended. Please sign in again.";
    if (request.QueryParam("signed_out")) view["notice"] = "You have signed out.";
    Response r = RenderPage(status, "login", "", nullptr, std::move(view));
    r.headers.Add("Set-Cookie", fmt::format("{}={}; Max-Age=3600; {}", kLoginNonceCookie, nonce,
                                            CookieAttributes("/admin/login")));
    return r;
  }

  Response LoginPage(const Request& request) {
    // Already signed in: straight to the dashboard.
    if (auto token = request.Cookie(kSessionCookie)) {
      auto found = store.FindSession(TokenHash(*token));
      if (found.ok() && found.value() && clock() < found.value()->first.expires_at)
        return Redirect(SafeNext(request.QueryParam("next").value_or("/admin/")));
    }
    return LoginForm(request, 200, "", "");
  }

  Response Login(const Request& request) {
    const int64_t now = clock();
    if (!http::IsFormUrlEncoded(request)) return LoginForm(request, 415, "The sign-in form must be sent as a web form.", "");
    const auto fields = http::ParseForm(request.body);
    const std::string email = http::FormValue(fields, "email");
    const std::string password = http::FormValue(fields, "password");
    const std::string nonce = request.Cookie(kLoginNonceCookie).value_or("");
    if (!CheckLoginCsrfToken(key, nonce, http::FormValue(fields, "csrf")))
      return LoginForm(request, 403,
                       "The sign-in form expired or did not come from this site. Nothing was sent; please try "
                       "again.",
                       email);

    const int64_t since = now - int64_t{options.sign_in_window_minutes} * 60;
    auto by_email = store.CountSignInFailuresForEmail(email, since);
    auto by_ip = store.CountSignInFailuresForIp(request.remote_address, since);
    if (!by_email.ok()) return StoreError(by_email.status(), "counting sign-in failures");
    if (!by_ip.ok()) return StoreError(by_ip.status(), "counting sign-in failures");
    if (*by_email >= options.sign_in_max_failures || *by_ip >= options.sign_in_max_failures) {
      Response r = LoginForm(request, 429,
                             fmt::format("Too many failed sign-ins. For your safety, sign-in from here or for "
                                         "this account is paused for {} minutes.",
                                         options.sign_in_window_minutes),
                             email);
      r.headers.Set("Retry-After", std::to_string(options.sign_in_window_minutes * 60));
      return r;
    }

    auto user = store.FindUserByEmail(email);
    if (!user.ok()) return StoreError(user.status(), "finding user");
    // Without an account, hash anyway so the answer takes as long either way.
    static const std::string kDummyHash = [] {
      auto h = HashPassword("not a password of anyone's");
      return h.ok() ? *h : std::string();
    }();
    auto verified = VerifyPassword(user.value() ? user.value()->password_hash : kDummyHash, password);
    if (!verified.ok()) {
      Response r = LoginForm(request, 503, verified.status().message(), email);
      r.headers.Set("Retry-After", "2");
      return r;
    }
    const bool ok = *verified && user.value().has_value();
    Status recorded = store.RecordSignInAttempt(email, request.remote_address, ok, now);
    if (!recorded.ok()) return StoreError(recorded, "recording a sign-in");
    if (!ok) {
      spdlog::warn("failed sign-in for {} from {}", email.substr(0, 254), request.remote_address);
      return LoginForm(request, 401, "The email or password is not right.", email);
    }

    const std::string token = NewSessionToken();
    store::Session session;
    session.token_hash = TokenHash(token);
    session.user_id = user.value()->id;
    session.created_at = now;
    session.last_seen_at = now;
    session.expires_at = now + int64_t{options.session_max_days} * 86400;
    session.ip = request.remote_address;
    session.user_agent = std::string(request.headers.Get("User-Agent").value_or("")).substr(0, 300);
    Status created = store.CreateSession(session);
    if (!created.ok()) return StoreError(created, "creating a session");
    spdlog::info("{} signed in from {}", user.value()->email, request.remote_address);
    Response r = Redirect(SafeNext(http::FormValue(fields, "next")));
    r.headers.Add("Set-Cookie", fmt::format("{}={}; Max-Age={}; {}", kSessionCookie, token,
                                            int64_t{options.session_max_days} * 86400, CookieAttributes("/admin")));
    r.headers.Add("Set-Cookie",
                  fmt::format("{}=; Max-Age=0; {}", kLoginNonceCookie, CookieAttributes("/admin/login")));
    return r;
  }

  Response Logout(const Request& request) {
    auto guarded = Guard(request, {});
    if (auto* r = std::get_if<Response>(&guarded)) return std::move(*r);
    const auto& visitor = std::get<Visitor>(guarded);
    Status s = store.DeleteSession(visitor.session.token_hash);
    if (!s.ok()) return StoreError(s, "ending a session");
    Response r = Redirect("/admin/login?signed_out=1");
    r.headers.Add("Set-Cookie", fmt::format("{}=; Max-Age=0; {}", kSessionCookie, CookieAttributes("/admin")));
    return r;
  }

  // ---- Your password --------------------------------------------------------

  Response PasswordPage(const Request& request) {
    auto guarded = Guard(request, {});
    if (auto* r = std::get_if<Response>(&guarded)) return std::move(*r);
    json::object view{{"title", "Change your password"}};
    return RenderPage(200, "password", "password", &std::get<Visitor>(guarded), std::move(view));
  }

  Response ChangePassword(const Request& request) {
    auto guarded = Guard(request, {});
    if (auto* r = std::get_if<Response>(&guarded)) return std::move(*r);
    const auto& visitor = std::get<Visitor>(guarded);
    const auto fields = http::ParseForm(request.body);
    const std::string current = http::FormValue(fields, "current_password");
    const std::string fresh = http::FormValue(fields, "new_password");
    const std::string again = http::FormValue(fields, "confirm_password");
    auto fail = [&](int status, std::string error) {
      json::object view{{"title", "Change your password"}, {"error", std::move(error)}};
      return RenderPage(status, "password", "password", &visitor, std::move(view));
    };
    auto verified = VerifyPassword(visitor.user.password_hash, current);
    if (!verified.ok()) return fail(503, verified.status().message());
    if (!*verified) return fail(422, "Your current password is not right.");
    if (fresh.size() < kMinPasswordChars)
      return fail(422, fmt::format("The new password must be at least {} characters long.", kMinPasswordChars));
    if (fresh != again) return fail(422, "The new password and its confirmation differ.");
    auto hash = HashPassword(fresh);
    if (!hash.ok()) return fail(hash.status().code() == Status::Code::kUnavailable ? 503 : 422, hash.status().message());
    Status s = store.SetUserPassword(visitor.user.id, *hash);
    if (!s.ok()) return StoreError(s, "saving a password");
    auto ended = store.DeleteUserSessions(visitor.user.id, visitor.session.token_hash);
    json::object view{{"title", "Change your password"},
                      {"done", ended.ok() && *ended > 0
                                   ? fmt::format("Your password was changed, and your {} other sessions were signed out.", *ended)
                                   : std::string("Your password was changed.")}};
    return RenderPage(200, "password", "password", &visitor, std::move(view));
  }

  // ---- Dashboard ----------------------------------------------------------------

  Response Dashboard(const Request& request) {
    auto guarded = Guard(request, {});
    if (auto* r = std::get_if<Response>(&guarded)) return std::move(*r);
    const auto& visitor = std::get<Visitor>(guarded);
    json::object view{{"title", "Dashboard"}};
    // Drafts, work in review, what is scheduled and the latest published
    // work (most recently changed first); an author sees their own.
    json::array panels;
    const std::pair<store::ArticleFilter, const char*> kPanels[] = {
        {store::ArticleFilter::kDraft, "Drafts"},
        {store::ArticleFilter::kReview, "Submitted for review"},
        {store::ArticleFilter::kScheduled, "Scheduled"},
        {store::ArticleFilter::kPublished, "Recently published or updated"}};
    for (const auto& [filter, label] : kPanels) {
      store::AdminArticleQuery q;
      q.filter = filter;
      q.limit = 8;
      if (visitor.user.role == store::Role::kAuthor) q.owner_user_id = visitor.user.id;
      auto page = store.ListAdminArticles(q);
      if (!page.ok()) return StoreError(page.status(), "listing articles");
      json::array list;
      for (const auto& e : page->items) {
        const auto& a = e.article;
        std::string meta = filter == store::ArticleFilter::kScheduled
                               ? fmt::format("publishes {}", ShortTime(a.published_at))
                               : fmt::format("changed {}", ShortTime(a.updated_at > 0 ? a.updated_at : a.created_at));
        list.push_back(json::object{{"title", a.title.empty() ? std::string("(untitled)") : a.title},
                                    {"edit_url", fmt::format("/admin/articles/{}", a.id)},
                                    {"meta", std::move(meta)}});
      }
      json::object panel{{"id", std::string(store::ToString(filter))}, {"label", label}, {"count", page->total}};
      if (!list.empty()) panel["items"] = json::object{{"list", std::move(list)}};
      panels.push_back(std::move(panel));
    }
    view["dashboard_articles"] = std::move(panels);
    if (visitor.user.role != store::Role::kAuthor) {
      json::array pending;
      auto list = store.ListComments({.article_id = 0, .status = store::CommentStatus::kPending, .limit = 10,
                                      .offset = 0, .newest_first = true});
      if (list.ok()) {
        for (const auto& c : *list)
          pending.push_back(json::object{{"id", c.id},
                                         {"author", c.author_name},
                                         {"article", c.article_slug},
                                         {"excerpt", c.body.substr(0, 160)},
                                         {"reason", c.status_reason}});
      }
      view["has_pending"] = !pending.empty();
      view["pending"] = std::move(pending);
      json::array activity;
      auto log = store.ListModerationLog(0, 10);
      if (log.ok()) {
        for (const auto& e : *log)
          activity.push_back(json::object{{"actor", e.actor},
                                          {"comment_id", e.comment_id},
                                          {"from", e.from_status},
                                          {"to", e.to_status},
                                          {"note", e.note},
                                          {"at", e.created_at}});
      }
      view["has_activity"] = !activity.empty();
      view["activity"] = std::move(activity);
    }
    return RenderPage(200, "dashboard", "dashboard", &visitor, std::move(view));
  }
};

Admin::Admin(store::Store& store, std::shared_ptr<const theme::Theme> theme, AdminOptions options, Clock clock)
    : impl_(new Impl{store, std::move(theme), std::move(options), std::move(clock), comments::LoadOrCreateKey(store),
                     false}) {
  impl_->secure = impl_->options.base_url.rfind("https://", 0) == 0;
  impl_->site_title = impl_->options.site_title;
}
Admin::~Admin() = default;

std::variant<Visitor, Response> Admin::Guard(const Request& request, const std::vector<store::Role>& roles) {
  return impl_->Guard(request, roles);
}
void Admin::UpdateSiteTitle(std::string title) {
  std::lock_guard lock(impl_->title_mutex);
  impl_->site_title = std::move(title);
}

Response Admin::Render(int status, std::string_view name, std::string_view section, const Visitor& visitor,
                       json::object view) {
  return impl_->RenderPage(status, name, section, &visitor, std::move(view));
}
Response Admin::Message(int status, const Visitor* visitor, std::string title, std::string text,
                        std::string back_url) {
  return impl_->MessagePage(status, visitor, std::move(title), std::move(text), std::move(back_url));
}
const comments::Key& Admin::key() const { return impl_->key; }
const std::string& Admin::BaseUrl() const { return impl_->options.base_url; }
store::Store& Admin::store() { return impl_->store; }
int64_t Admin::Now() const { return impl_->clock(); }

void Admin::Prune() {
  const int64_t now = impl_->clock();
  auto sessions = impl_->store.DeleteExpiredSessions(now, now - int64_t{impl_->options.session_idle_minutes} * 60);
  if (!sessions.ok()) spdlog::warn("ending expired sessions: {}", sessions.status().ToString());
  auto attempts = impl_->store.PruneSignInAttempts(now - 30 * 86400);
  if (!attempts.ok()) spdlog::warn("pruning sign-in attempts: {}", attempts.status().ToString());
}

void Admin::RegisterRoutes(http::Router& router) {
  Impl* impl = impl_.get();
  router.Get("/admin/login", [impl](const Request& r) { return impl->LoginPage(r); });
  router.Post("/admin/login", [impl](const Request& r) { return impl->Login(r); });
  router.Post("/admin/logout", [impl](const Request& r) { return impl->Logout(r); });
  router.Get("/admin", [impl](const Request&) { return impl->Redirect("/admin/"); });
  router.Get("/admin/", [impl](const Request& r) { return impl->Dashboard(r); });
  router.Get("/admin/password", [impl](const Request& r) { return impl->PasswordPage(r); });
  router.Post("/admin/password", [impl](const Request& r) { return impl->ChangePassword(r); });
}

}  // namespace chancery::admin
