// The newsroom's gate over HTTP against a real `chancery serve`: cookie
// flags, sign-in throttling, idle and absolute session expiry (sessions aged
// in the database the server reads), CSRF on sign-in and sign-out, the
// password change, and every role's allowed and forbidden pages.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <string>

#include "harness.h"
#include "newsroom_client.h"

namespace chancery::testing {
namespace {

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// Runs one SQL statement on the site's database, as an operator with the
// sqlite3 shell would, while the server keeps running.
void Sql(const std::string& data_dir, const std::string& statement) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((data_dir + "/chancery.db").c_str(), &db), SQLITE_OK);
  sqlite3_busy_timeout(db, 5000);
  char* error = nullptr;
  const int rc = sqlite3_exec(db, statement.c_str(), nullptr, nullptr, &error);
  EXPECT_EQ(rc, SQLITE_OK) << (error ? error : "");
  sqlite3_free(error);
  sqlite3_close(db);
}

class NewsroomAuthTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(RunChancery({"init", "--data", dir_.path(), "--demo"}).exit_code, 0);
    ASSERT_TRUE(AddUser(dir_.path(), "admin@example.org", "Ada Admin", "admin"));
    ASSERT_TRUE(AddUser(dir_.path(), "editor@example.org", "Eddie Editor", "editor"));
    ASSERT_TRUE(AddUser(dir_.path(), "author@example.org", "Auden Author", "author"));
  }
  void Start(const std::vector<std::string>& env = {}) {
    server_ = std::make_unique<ServerProcess>(dir_.path(), env);
    ASSERT_TRUE(server_->started()) << server_->Log();
  }
  int port() const { return server_->port(); }

  TempDir dir_;
  std::unique_ptr<ServerProcess> server_;
};

TEST_F(NewsroomAuthTest, SessionCookieIsHttpOnlyLaxAndScopedAndSecureOnlyForHttps) {
  Start();
  auto form = HttpGet(port(), "/admin/login");
  ASSERT_TRUE(form);
  auto r = HttpRequest(port(), "POST", "/admin/login",
                       {{"Content-Type", "application/x-www-form-urlencoded"},
                        {"Cookie", "chancery_login=" + SetCookieValue(*form, "chancery_login")}},
                       FormBody({{"csrf", CsrfOf(form->body)}, {"email", "admin@example.org"}, {"password", kPassword}}));
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 303);
  const std::string token = SetCookieValue(*r, "chancery_session");
  EXPECT_EQ(token.size(), 43u) << "256 random bits, base64url: " << token;
  const std::string flags = SetCookieAttributes(*r, "chancery_session");
  EXPECT_TRUE(Contains(flags, "HttpOnly")) << flags;
  EXPECT_TRUE(Contains(flags, "SameSite=Lax")) << flags;
  EXPECT_TRUE(Contains(flags, "Path=/admin")) << flags;
  EXPECT_FALSE(Contains(flags, "Secure")) << "plain http: " << flags;
  EXPECT_EQ(r->Header("cache-control"), "no-store");

  server_.reset();
  Start({"CHANCERY_SITE_BASE_URL=https://review.example"});
  auto secure = SignIn(port(), "admin@example.org");
  ASSERT_TRUE(secure);
  form = HttpGet(port(), "/admin/login");
  r = HttpRequest(port(), "POST", "/admin/login",
                  {{"Content-Type", "application/x-www-form-urlencoded"},
                   {"Cookie", "chancery_login=" + SetCookieValue(*form, "chancery_login")}},
                  FormBody({{"csrf", CsrfOf(form->body)}, {"email", "admin@example.org"}, {"password", kPassword}}));
  ASSERT_TRUE(r);
  EXPECT_TRUE(Contains(SetCookieAttributes(*r, "chancery_session"), "; Secure"));
  EXPECT_TRUE(Contains(SetCookieAttributes(*form, "chancery_login"), "; Secure"));
}

TEST_F(NewsroomAuthTest, FiveFailuresIn15MinutesGive429WithAReadablePage) {
  Start();
  for (int i = 0; i < 5; ++i) EXPECT_FALSE(SignIn(port(), "editor@example.org", "wrong password " + std::to_string(i)));
  // The right password now waits too, for this account and from this address.
  auto form = HttpGet(port(), "/admin/login");
  ASSERT_TRUE(form);
  auto r = HttpRequest(port(), "POST", "/admin/login",
                       {{"Content-Type", "application/x-www-form-urlencoded"},
                        {"Cookie", "chancery_login=" + SetCookieValue(*form, "chancery_login")}},
                       FormBody({{"csrf", CsrfOf(form->body)}, {"email", "editor@example.org"}, {"password", kPassword}}));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 429);
  EXPECT_TRUE(Contains(r->body, "Too many failed sign-ins")) << r->body;
  EXPECT_TRUE(Contains(r->body, "<form")) << "the page still explains and offers the form";
  EXPECT_TRUE(SetCookieValue(*r, "chancery_session").empty());
  EXPECT_FALSE(SignIn(port(), "admin@example.org")) << "the address is paused for every account";
  // Readers are not affected.
  auto home = HttpGet(port(), "/");
  ASSERT_TRUE(home);
  EXPECT_EQ(home->status, 200);
}

TEST_F(NewsroomAuthTest, SessionsEndWhenIdleOrAtTheirAbsoluteEnd) {
  Start();
  auto idle = SignIn(port(), "editor@example.org");
  ASSERT_TRUE(idle);
  EXPECT_EQ(idle->Get("/admin/").status, 200);
  // 12 hours and a minute without a request (the default idle limit is 720 minutes).
  Sql(dir_.path(), "UPDATE sessions SET last_seen_at = last_seen_at - 43260");
  auto r = idle->Get("/admin/");
  EXPECT_EQ(r.status, 303);
  EXPECT_EQ(r.Header("location").rfind("/admin/login", 0), 0u) << r.Header("location");
  EXPECT_EQ(idle->Get("/admin/articles").status, 303) << "an ended session stays ended";

  auto old = SignIn(port(), "editor@example.org");
  ASSERT_TRUE(old);
  EXPECT_EQ(old->Get("/admin/").status, 200);
  Sql(dir_.path(), "UPDATE sessions SET expires_at = strftime('%s','now') - 1");
  EXPECT_EQ(old->Get("/admin/").status, 303);
  // A state-changing request with an ended session changes nothing either.
  EXPECT_EQ(old->Post("/admin/articles/new", {{"title", "Late"}, {"body", "x"}, {"action", "save"}}).status, 303);
  auto store = OpenSiteStore(dir_.path());
  ASSERT_NE(store, nullptr);
  EXPECT_FALSE(store->FindArticle("late").value().has_value());
}

TEST_F(NewsroomAuthTest, SignInAndSignOutNeedTheirTokens) {
  Start();
  auto form = HttpGet(port(), "/admin/login");
  ASSERT_TRUE(form);
  const std::string nonce = "chancery_login=" + SetCookieValue(*form, "chancery_login");
  for (const std::string& token : {std::string(), std::string("forged-token")}) {
    Fields fields{{"email", "admin@example.org"}, {"password", kPassword}};
    if (!token.empty()) fields.insert(fields.begin(), {"csrf", token});
    auto r = HttpRequest(port(), "POST", "/admin/login",
                         {{"Content-Type", "application/x-www-form-urlencoded"}, {"Cookie", nonce}}, FormBody(fields));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 403) << "token '" << token << "'";
    EXPECT_TRUE(SetCookieValue(*r, "chancery_session").empty());
  }

  auto admin = SignIn(port(), "admin@example.org");
  ASSERT_TRUE(admin);
  EXPECT_EQ(admin->Post("/admin/logout", {}, std::string()).status, 403);
  EXPECT_EQ(admin->Post("/admin/logout", {}, std::string("forged")).status, 403);
  EXPECT_EQ(admin->Get("/admin/").status, 200) << "still signed in";
  auto out = admin->Post("/admin/logout", {});
  EXPECT_EQ(out.status, 303);
  EXPECT_EQ(admin->Get("/admin/").status, 303) << "the session is gone on the server, not only in the browser";
}

TEST_F(NewsroomAuthTest, ChangingThePasswordNeedsTheCurrentOne) {
  Start();
  auto author = SignIn(port(), "author@example.org");
  ASSERT_TRUE(author);
  const std::string fresh = "a brand new passphrase";
  auto wrong = author->Post("/admin/password", {{"current_password", "not it"},
                                                {"new_password", fresh},
                                                {"confirm_password", fresh}});
  EXPECT_EQ(wrong.status, 422);
  EXPECT_FALSE(SignIn(port(), "author@example.org", fresh));
  auto changed = author->Post("/admin/password", {{"current_password", kPassword},
                                                  {"new_password", fresh},
                                                  {"confirm_password", fresh}});
  EXPECT_EQ(changed.status, 200);
  EXPECT_TRUE(Contains(changed.body, "Your password was changed."));
  EXPECT_TRUE(SignIn(port(), "author@example.org", fresh));
  EXPECT_FALSE(SignIn(port(), "author@example.org", kPassword));
}

TEST_F(NewsroomAuthTest, EachRoleReachesWhatItMayAndNothingElse) {
  Start();
  auto admin = SignIn(port(), "admin@example.org");
  auto editor = SignIn(port(), "editor@example.org");
  auto author = SignIn(port(), "author@example.org");
  ASSERT_TRUE(admin && editor && author);
  struct Page {
    std::string path;
    int admin, editor, author;
  };
  const std::vector<Page> pages = {
      {"/admin/", 200, 200, 200},          {"/admin/articles", 200, 200, 200},
      {"/admin/articles/new", 200, 200, 200}, {"/admin/media", 200, 200, 200},
      {"/admin/password", 200, 200, 200},  {"/admin/comments", 200, 200, 403},
      {"/admin/authors", 200, 200, 403},   {"/admin/users", 200, 403, 403},
      {"/admin/settings", 200, 403, 403},
  };
  for (const auto& p : pages) {
    EXPECT_EQ(admin->Get(p.path).status, p.admin) << "admin " << p.path;
    EXPECT_EQ(editor->Get(p.path).status, p.editor) << "editor " << p.path;
    EXPECT_EQ(author->Get(p.path).status, p.author) << "author " << p.path;
    auto anonymous = HttpGet(port(), p.path);
    ASSERT_TRUE(anonymous);
    EXPECT_EQ(anonymous->status, 303) << "anonymous " << p.path;
  }
  // Forbidden actions change nothing.
  EXPECT_EQ(author->Post("/admin/users", {{"email", "new@example.org"},
                                          {"name", "New"},
                                          {"role", "admin"},
                                          {"password", "another long password"},
                                          {"confirm_password", "another long password"}})
                .status,
            403);
  EXPECT_EQ(editor->Post("/admin/settings", {{"site.title", "Taken over"}}).status, 403);
  EXPECT_EQ(author->Post("/admin/articles/new", {{"title", "Straight to print"}, {"body", "x"}, {"action", "publish"}})
                .status,
            403);
  auto store = OpenSiteStore(dir_.path());
  ASSERT_NE(store, nullptr);
  EXPECT_FALSE(store->FindUserByEmail("new@example.org").value().has_value());
  EXPECT_FALSE(store->GetSetting("site.title").value().value_or("") == "Taken over");
  EXPECT_FALSE(store->FindArticle("straight-to-print").value().has_value());
  // Authors never see commenters' emails: the queue is closed to them.
  EXPECT_FALSE(Contains(author->Get("/admin/").body, "@example.net"));
}

}  // namespace
}  // namespace chancery::testing
