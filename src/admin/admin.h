// chancery/admin: the newsroom under /admin/ — start here.
//
// Admin owns what every admin page shares: sign-in and sign-out, sessions,
// role checks, CSRF, throttling, the admin layout, and the dashboard. Pages
// for articles, media, the moderation queue, users and settings live in
// their own files and use Admin's Guard() and Render() (see guard below).
//
// Every admin response is private and never cached; every state-changing
// request must carry the session's CSRF token (form field `csrf`, or the
// X-CSRF-Token header for scripts and uploads) or gets 403 and changes
// nothing. Thread-safe: handlers run concurrently on the worker pool.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <boost/json/object.hpp>

#include "comments/token.h"
#include "http/http.h"
#include "store/store.h"

namespace chancery::theme {
class Theme;
}

namespace chancery::admin {

inline constexpr char kSessionCookie[] = "chancery_session";
inline constexpr char kLoginNonceCookie[] = "chancery_login";

struct AdminOptions {
  std::string site_title = "Chancery";
  std::string base_url = "http://127.0.0.1:8080";  // https:// makes cookies Secure
  int session_idle_minutes = 12 * 60;  // signed out after this long without a request
  int session_max_days = 14;           // and after this long in any case
  int sign_in_max_failures = 5;        // per account and per IP within the window → 429
  int sign_in_window_minutes = 15;
};

// Who is asking, once Guard has let them in.
struct Visitor {
  store::User user;
  store::Session session;
  std::string csrf;  // the token their forms must carry
};

class Admin {
 public:
  using Clock = std::function<int64_t()>;
  // `store` must outlive the Admin.
  Admin(store::Store& store, std::shared_ptr<const theme::Theme> theme, AdminOptions options, Clock clock);
  ~Admin();
  Admin(const Admin&) = delete;
  Admin& operator=(const Admin&) = delete;

  // Sign-in, sign-out, password, dashboard.
  void RegisterRoutes(http::Router& router);

  // The gate of every admin handler: the signed-in visitor when their
  // session is valid, their role is one of `roles` (empty: any role) and,
  // for anything but GET and HEAD, the CSRF token matches. Otherwise the
  // response to send: 303 to the sign-in page, 403, or 503 when the store
  // fails.
  std::variant<Visitor, http::Response> Guard(const http::Request& request,
                                              const std::vector<store::Role>& roles = {});

  // Renders admin/<name> inside the admin layout with the visitor's details
  // (user, csrf, navigation) merged into `view`. `section` marks the current
  // navigation entry ("dashboard", "articles", ...).
  http::Response Render(int status, std::string_view name, std::string_view section, const Visitor& visitor,
                        boost::json::object view);
  // A titled message page inside the admin layout (403s, conflicts...).
  http::Response Message(int status, const Visitor* visitor, std::string title, std::string text,
                         std::string back_url = "/admin/");

  // The publication's name in the newsroom's pages, after a settings change.
  void UpdateSiteTitle(std::string title);

  const comments::Key& key() const;
  // The site's public address, without a trailing slash.
  const std::string& BaseUrl() const;
  store::Store& store();
  int64_t Now() const;

  // Housekeeping for the serve loop: ends expired sessions and forgets old
  // sign-in attempts.
  void Prune();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace chancery::admin
