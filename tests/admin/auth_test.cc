// Sign-in, sessions, roles and CSRF, through Admin's handlers with a real
// in-memory store, the built-in theme and an injected clock (so expiry is
// tested without waiting).
#include "admin/admin.h"

#include <gtest/gtest.h>

#include <fmt/format.h>

#include "admin/auth.h"
#include "theme/theme.h"

namespace chancery::admin {
namespace {

constexpr int64_t kStart = 1'790'000'000;
constexpr char kPassword[] = "a long enough password";

std::string CookieValue(const http::Response& r, std::string_view name) {
  for (const auto& [field, value] : r.headers.all()) {
    if (field != "Set-Cookie" || value.rfind(std::string(name) + "=", 0) != 0) continue;
    return value.substr(name.size() + 1, value.find(';') - name.size() - 1);
  }
  return "";
}

std::string SetCookie(const http::Response& r, std::string_view name) {
  for (const auto& [field, value] : r.headers.all())
    if (field == "Set-Cookie" && value.rfind(std::string(name) + "=", 0) == 0) return value;
  return "";
}

std::string HiddenCsrf(std::string_view html) {
  const std::string marker = "name=\"csrf\" value=\"";
  const size_t at = html.find(marker);
  if (at == std::string_view::npos) return "";
  const size_t start = at + marker.size();
  return std::string(html.substr(start, html.find('"', start) - start));
}

class AdminTest : public ::testing::Test {
 protected:
  void SetUp() override { Build("http://127.0.0.1:8080"); }

  void Build(const std::string& base_url) {
    auto store = store::Store::Open({.url = "sqlite::memory:"});
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
    auto theme = theme::Theme::LoadDefault();
    ASSERT_TRUE(theme.ok());
    AdminOptions options;
    options.base_url = base_url;
    options.session_idle_minutes = 60;
    options.session_max_days = 2;
    admin_ = std::make_unique<Admin>(*store_, *theme, options, [this] { return now_; });
    router_ = http::Router();
    admin_->RegisterRoutes(router_);
    // A page only admins may open, as every admin-only page guards itself.
    router_.Get("/admin/only-admins", [this](const http::Request& r) {
      auto g = admin_->Guard(r, {store::Role::kAdmin});
      if (auto* res = std::get_if<http::Response>(&g)) return std::move(*res);
      return http::Response(200, "text/plain", "welcome");
    });
  }

  store::User AddUser(const std::string& email, store::Role role, const std::string& password = kPassword) {
    store::User u;
    u.email = email;
    u.name = "User " + email;
    u.role = role;
    auto hash = HashPassword(password);
    EXPECT_TRUE(hash.ok());
    u.password_hash = *hash;
    auto added = store_->AddUser(u);
    EXPECT_TRUE(added.ok()) << added.status().ToString();
    return *added;
  }

  http::Response Send(http::Method method, const std::string& target, const std::string& body = "",
                      const std::string& cookie = "", const std::string& ip = "198.51.100.1") {
    http::Request r;
    r.method = method;
    r.target = target;
    const size_t q = target.find('?');
    r.path = target.substr(0, q);
    r.query = q == std::string::npos ? "" : target.substr(q + 1);
    r.body = body;
    r.remote_address = ip;
    if (method == http::Method::kPost) r.headers.Set("Content-Type", "application/x-www-form-urlencoded");
    if (!cookie.empty()) r.headers.Set("Cookie", cookie);
    return http::Dispatch(router_, {}, r);
  }

  // Signs in and returns the session cookie's value ("" on failure).
  std::string SignIn(const std::string& email, const std::string& password = kPassword,
                     const std::string& ip = "198.51.100.1", http::Response* out = nullptr) {
    auto form = Send(http::Method::kGet, "/admin/login", "", "", ip);
    const std::string nonce = CookieValue(form, kLoginNonceCookie);
    const std::string csrf = HiddenCsrf(form.BodyView());
    auto r = Send(http::Method::kPost, "/admin/login",
                  fmt::format("email={}&password={}&csrf={}", email, password, csrf),
                  fmt::format("{}={}", kLoginNonceCookie, nonce), ip);
    if (out) *out = r;
    return CookieValue(r, kSessionCookie);
  }

  std::string Csrf(const std::string& session) {
    auto page = Send(http::Method::kGet, "/admin/password", "", std::string(kSessionCookie) + "=" + session);
    return HiddenCsrf(page.BodyView());
  }

  int64_t now_ = kStart;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<Admin> admin_;
  http::Router router_;
};

TEST_F(AdminTest, SignInOpensASessionInAStrictCookie) {
  AddUser("ed@example.org", store::Role::kEditor);
  http::Response r;
  const std::string session = SignIn("ED@example.org", kPassword, "198.51.100.1", &r);
  EXPECT_EQ(r.status, 303);
  EXPECT_EQ(r.headers.Get("Location"), "/admin/");
  ASSERT_EQ(session.size(), 43u);  // 32 random bytes, URL-safe base64
  const std::string cookie = SetCookie(r, kSessionCookie);
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(cookie.find("SameSite=Lax"), std::string::npos);
  EXPECT_NE(cookie.find("Path=/admin"), std::string::npos);
  EXPECT_EQ(cookie.find("Secure"), std::string::npos);  // http base URL
  // Only the token's hash is stored.
  auto found = store_->FindSession(TokenHash(session));
  ASSERT_TRUE(found.ok() && found.value());
  EXPECT_EQ(found.value()->second.email, "ed@example.org");
  auto stored_raw = store_->FindSession(session);
  ASSERT_TRUE(stored_raw.ok());
  EXPECT_FALSE(stored_raw.value());

  auto dash = Send(http::Method::kGet, "/admin/", "", std::string(kSessionCookie) + "=" + session);
  EXPECT_EQ(dash.status, 200);
  EXPECT_NE(dash.BodyView().find("Dashboard"), std::string_view::npos);
  EXPECT_EQ(dash.headers.Get("Cache-Control"), "no-store");
}

TEST_F(AdminTest, CookiesAreSecureWhenTheSiteIsHttps) {
  Build("https://review.example.org");
  AddUser("ed@example.org", store::Role::kEditor);
  http::Response r;
  SignIn("ed@example.org", kPassword, "198.51.100.1", &r);
  EXPECT_NE(SetCookie(r, kSessionCookie).find("; Secure"), std::string::npos);
}

TEST_F(AdminTest, SignInWithoutOrWithAWrongCsrfTokenIs403AndOpensNothing) {
  AddUser("ed@example.org", store::Role::kEditor);
  auto form = Send(http::Method::kGet, "/admin/login");
  const std::string nonce = CookieValue(form, kLoginNonceCookie);
  ASSERT_FALSE(nonce.empty());
  const std::string cookie = std::string(kLoginNonceCookie) + "=" + nonce;
  for (const std::string& csrf : {std::string(""), std::string("forged"), LoginCsrfToken(admin_->key(), "other")}) {
    auto r = Send(http::Method::kPost, "/admin/login",
                  fmt::format("email=ed@example.org&password={}&csrf={}", kPassword, csrf), cookie);
    EXPECT_EQ(r.status, 403) << csrf;
    EXPECT_TRUE(CookieValue(r, kSessionCookie).empty());
  }
  // Without the nonce cookie the form's own token is no good either.
  auto r = Send(http::Method::kPost, "/admin/login",
                fmt::format("email=ed@example.org&password={}&csrf={}", kPassword, HiddenCsrf(form.BodyView())));
  EXPECT_EQ(r.status, 403);
}

TEST_F(AdminTest, WrongPasswordAndUnknownAccountGetTheSameAnswer) {
  AddUser("ed@example.org", store::Role::kEditor);
  http::Response wrong, unknown;
  EXPECT_EQ(SignIn("ed@example.org", "not the password", "198.51.100.1", &wrong), "");
  EXPECT_EQ(SignIn("nobody@example.org", kPassword, "198.51.100.2", &unknown), "");
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(unknown.status, 401);
  EXPECT_NE(wrong.BodyView().find("The email or password is not right."), std::string_view::npos);
  EXPECT_NE(unknown.BodyView().find("The email or password is not right."), std::string_view::npos);
}

TEST_F(AdminTest, FiveFailuresPauseTheAccountAndTheAddress) {
  AddUser("ed@example.org", store::Role::kEditor);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(SignIn("ed@example.org", "wrong", fmt::format("203.0.113.{}", i)), "");
  // The account is paused, even with the right password from a new address.
  http::Response r;
  EXPECT_EQ(SignIn("ed@example.org", kPassword, "203.0.113.99", &r), "");
  EXPECT_EQ(r.status, 429);
  EXPECT_TRUE(r.headers.Has("Retry-After"));
  // An address that failed five times is paused for every account.
  AddUser("au@example.org", store::Role::kAuthor);
  for (int i = 0; i < 5; ++i) SignIn(fmt::format("guess{}@example.org", i), "wrong", "192.0.2.7");
  EXPECT_EQ(SignIn("au@example.org", kPassword, "192.0.2.7", &r), "");
  EXPECT_EQ(r.status, 429);
  // After the window, the account signs in again.
  now_ += 16 * 60;
  EXPECT_NE(SignIn("ed@example.org", kPassword, "203.0.113.99"), "");
}

TEST_F(AdminTest, PagesRedirectToSignInAndNeverAnywhereElse) {
  auto r = Send(http::Method::kGet, "/admin/password");
  EXPECT_EQ(r.status, 303);
  EXPECT_EQ(r.headers.Get("Location"), "/admin/login?next=/admin/password");
  AddUser("ed@example.org", store::Role::kEditor);
  auto form = Send(http::Method::kGet, "/admin/login");
  const std::string cookie = std::string(kLoginNonceCookie) + "=" + CookieValue(form, kLoginNonceCookie);
  for (const char* next : {"//evil.example/", "https://evil.example/", "/admin/../x", "/elsewhere"}) {
    auto signed_in = Send(http::Method::kPost, "/admin/login",
                          fmt::format("email=ed@example.org&password={}&csrf={}&next={}", kPassword,
                                      HiddenCsrf(form.BodyView()), next),
                          cookie);
    ASSERT_EQ(signed_in.status, 303);
    const std::string location(signed_in.headers.Get("Location").value_or(""));
    EXPECT_EQ(location.rfind("/admin/", 0), 0u) << next;
    EXPECT_EQ(location.find("//"), std::string::npos) << next;
  }
}

TEST_F(AdminTest, SessionsEndWhenIdleAndAtTheirAbsoluteEnd) {
  AddUser("ed@example.org", store::Role::kEditor);
  const std::string cookie = std::string(kSessionCookie) + "=" + SignIn("ed@example.org");
  // Active use keeps an idle session alive...
  for (int i = 0; i < 5; ++i) {
    now_ += 50 * 60;
    EXPECT_EQ(Send(http::Method::kGet, "/admin/", "", cookie).status, 200) << i;
  }
  // ...until the idle limit passes without a request.
  now_ += 61 * 60;
  auto r = Send(http::Method::kGet, "/admin/", "", cookie);
  EXPECT_EQ(r.status, 303);
  EXPECT_NE(std::string(r.headers.Get("Location").value_or("")).find("expired=1"), std::string::npos);

  // The absolute end comes even to a busy session.
  const std::string fresh = std::string(kSessionCookie) + "=" + SignIn("ed@example.org");
  const int64_t end = now_ + 2 * 86400;
  while (now_ + 40 * 60 < end) {
    now_ += 40 * 60;
    ASSERT_EQ(Send(http::Method::kGet, "/admin/", "", fresh).status, 200);
  }
  now_ = end;
  EXPECT_EQ(Send(http::Method::kGet, "/admin/", "", fresh).status, 303);
}

TEST_F(AdminTest, RolesAreCheckedOnTheServer) {
  AddUser("ad@example.org", store::Role::kAdmin);
  AddUser("ed@example.org", store::Role::kEditor);
  const std::string admin = std::string(kSessionCookie) + "=" + SignIn("ad@example.org");
  const std::string editor = std::string(kSessionCookie) + "=" + SignIn("ed@example.org");
  EXPECT_EQ(Send(http::Method::kGet, "/admin/only-admins", "", admin).status, 200);
  auto denied = Send(http::Method::kGet, "/admin/only-admins", "", editor);
  EXPECT_EQ(denied.status, 403);
  EXPECT_NE(denied.BodyView().find("Your role (Editor) cannot"), std::string_view::npos);
}

TEST_F(AdminTest, SignOutNeedsTheSessionsCsrfToken) {
  AddUser("ed@example.org", store::Role::kEditor);
  const std::string session = SignIn("ed@example.org");
  const std::string cookie = std::string(kSessionCookie) + "=" + session;
  EXPECT_EQ(Send(http::Method::kPost, "/admin/logout", "", cookie).status, 403);
  EXPECT_EQ(Send(http::Method::kPost, "/admin/logout", "csrf=nope", cookie).status, 403);
  // Another session's token does not work here either.
  const std::string other = SignIn("ed@example.org");
  EXPECT_EQ(Send(http::Method::kPost, "/admin/logout", "csrf=" + Csrf(other), cookie).status, 403);
  EXPECT_EQ(Send(http::Method::kGet, "/admin/", "", cookie).status, 200);  // still signed in

  auto out = Send(http::Method::kPost, "/admin/logout", "csrf=" + Csrf(session), cookie);
  EXPECT_EQ(out.status, 303);
  EXPECT_NE(SetCookie(out, kSessionCookie).find("Max-Age=0"), std::string::npos);
  EXPECT_EQ(Send(http::Method::kGet, "/admin/", "", cookie).status, 303);
}

TEST_F(AdminTest, ChangingThePasswordNeedsTheCurrentOneAndEndsOtherSessions) {
  AddUser("ed@example.org", store::Role::kEditor);
  const std::string mine = SignIn("ed@example.org");
  const std::string elsewhere = SignIn("ed@example.org");
  const std::string cookie = std::string(kSessionCookie) + "=" + mine;
  const std::string csrf = Csrf(mine);
  auto post = [&](const std::string& current, const std::string& fresh, const std::string& again) {
    return Send(http::Method::kPost, "/admin/password",
                fmt::format("csrf={}&current_password={}&new_password={}&confirm_password={}", csrf, current, fresh,
                            again),
                cookie);
  };
  EXPECT_EQ(post("wrong", "another long password", "another long password").status, 422);
  EXPECT_EQ(post(kPassword, "short", "short").status, 422);
  EXPECT_EQ(post(kPassword, "another long password", "a different one!!").status, 422);
  auto done = post(kPassword, "another long password", "another long password");
  EXPECT_EQ(done.status, 200);
  EXPECT_NE(done.BodyView().find("other sessions were signed out"), std::string_view::npos);
  EXPECT_EQ(Send(http::Method::kGet, "/admin/", "", cookie).status, 200);
  EXPECT_EQ(Send(http::Method::kGet, "/admin/", "", std::string(kSessionCookie) + "=" + elsewhere).status, 303);
  EXPECT_EQ(SignIn("ed@example.org", kPassword, "198.51.100.50"), "");
  EXPECT_NE(SignIn("ed@example.org", "another long password", "198.51.100.51"), "");
}

TEST(AuthTest, PasswordsHashWithArgon2idAndVerify) {
  auto hash = HashPassword("correct horse battery");
  ASSERT_TRUE(hash.ok());
  EXPECT_EQ(hash->rfind("$argon2id$", 0), 0u);
  EXPECT_TRUE(*VerifyPassword(*hash, "correct horse battery"));
  EXPECT_FALSE(*VerifyPassword(*hash, "correct horse batterY"));
  EXPECT_FALSE(*VerifyPassword("", "anything"));
  EXPECT_FALSE(*VerifyPassword("not a hash", "anything"));
  EXPECT_FALSE(HashPassword(std::string(kMaxPasswordBytes + 1, 'x')).ok());
}

TEST(AuthTest, TokensAreRandomAndCsrfIsBoundToTheSession) {
  const std::string a = NewSessionToken(), b = NewSessionToken();
  EXPECT_NE(a, b);
  EXPECT_EQ(TokenHash(a).size(), 64u);
  EXPECT_NE(TokenHash(a), TokenHash(b));
  const comments::Key key = comments::GenerateKey();
  EXPECT_TRUE(CheckCsrfToken(key, TokenHash(a), CsrfToken(key, TokenHash(a))));
  EXPECT_FALSE(CheckCsrfToken(key, TokenHash(b), CsrfToken(key, TokenHash(a))));
  EXPECT_FALSE(CheckCsrfToken(comments::GenerateKey(), TokenHash(a), CsrfToken(key, TokenHash(a))));
  EXPECT_FALSE(CheckCsrfToken(key, TokenHash(a), ""));
  // A login token never passes as a session's, nor the reverse.
  EXPECT_FALSE(CheckCsrfToken(key, "n", LoginCsrfToken(key, "n")));
  EXPECT_FALSE(CheckLoginCsrfToken(key, "n", CsrfToken(key, "n")));
}

}  // namespace
}  // namespace chancery::admin
