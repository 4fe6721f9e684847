// End-to-end: the moderation queue, the users page and the settings page of
// issue 4, through HTTP against a real `chancery serve`. Comments to moderate
// are put in the database directly (that part is issue 3's, tested there);
// everything a moderator or administrator does goes through the pages.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "harness.h"
#include "newsroom_client.h"
#include "store/store.h"

namespace chancery::testing {
namespace {

constexpr char kArticle[] = "islamabads-long-hedge";
std::string Lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// One site with an admin, an editor and an author, shared by the queue tests
// (each test makes its own comments).
class QueueTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    ASSERT_EQ(RunChancery({"init", "--data", dir_->path(), "--demo"}).exit_code, 0);
    ASSERT_TRUE(AddUser(dir_->path(), "admin@example.org", "Ada Admin", "admin"));
    ASSERT_TRUE(AddUser(dir_->path(), "editor@example.org", "Eddie Editor", "editor"));
    ASSERT_TRUE(AddUser(dir_->path(), "author@example.org", "Auden Author", "author"));
    server_ = new ServerProcess(dir_->path());
    ASSERT_TRUE(server_->started()) << server_->Log();
  }
  static void TearDownTestSuite() {
    delete server_;
    delete dir_;
    server_ = nullptr;
    dir_ = nullptr;
  }

  void SetUp() override {
    ASSERT_NE(server_, nullptr);
    store_ = OpenSiteStore(dir_->path());
    ASSERT_NE(store_, nullptr);
    auto article = store_->FindArticle(kArticle);
    ASSERT_TRUE(article.ok() && article.value());
    article_id_ = article.value()->id;
  }

  int port() const { return server_->port(); }

  Browser As(const std::string& email) {
    auto b = SignIn(port(), email);
    EXPECT_TRUE(b) << "signing in as " << email << "\n" << server_->Log();
    return b.value_or(Browser{});
  }

  // A held comment by `name` whose text is `text`.
  int64_t Pending(const std::string& name, const std::string& text, int64_t parent = 0) {
    store::Comment c;
    c.article_id = article_id_;
    c.parent_id = parent;
    c.author_name = name;
    c.author_email = Lower(name.substr(0, name.find(' '))) + "@readers.example";
    c.author_url = "https://readers.example/" + Lower(name.substr(0, name.find(' ')));
    c.body = text;
    c.status = store::CommentStatus::kPending;
    c.status_reason = "held: first comment from this email";
    c.ip = "192.0.2.77";
    auto added = store_->AddComment(c);
    EXPECT_TRUE(added.ok()) << added.status().ToString();
    return added.ok() ? added->id : 0;
  }

  std::optional<store::Comment> Find(int64_t id) {
    auto c = store_->FindComment(id);
    EXPECT_TRUE(c.ok());
    return c.ok() ? c.value() : std::nullopt;
  }

  std::string PublicPage() {
    auto r = HttpGet(port(), std::string("/articles/") + kArticle);
    EXPECT_TRUE(r && r->status == 200);
    return r ? r->body : "";
  }

  static std::string Moderate(int64_t id) { return "/admin/comments/" + std::to_string(id) + "/moderate"; }

  static TempDir* dir_;
  static ServerProcess* server_;
  std::unique_ptr<store::Store> store_;
  int64_t article_id_ = 0;
};
TempDir* QueueTest::dir_ = nullptr;
ServerProcess* QueueTest::server_ = nullptr;

TEST_F(QueueTest, PendingTabShowsTheCommentWithEmailIpReasonAndCounts) {
  const int64_t id = Pending("Tabitha Tabs", "A held remark about river treaties.");
  Browser editor = As("editor@example.org");
  auto r = editor.Get("/admin/comments");
  ASSERT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("id=\"comment-" + std::to_string(id) + "\""), std::string::npos);
  EXPECT_NE(r.body.find("A held remark about river treaties."), std::string::npos);
  EXPECT_NE(r.body.find("tabitha@readers.example"), std::string::npos);
  EXPECT_NE(r.body.find("192.0.2.77"), std::string::npos);
  EXPECT_NE(r.body.find("held: first comment from this email"), std::string::npos);
  EXPECT_NE(r.body.find("Islamabad"), std::string::npos) << "the article's title";
  EXPECT_NE(r.body.find("id=\"tab-pending\" aria-current=\"page\""), std::string::npos);
  EXPECT_EQ(editor.Get("/admin/comments?status=bogus").status, 404);
}

TEST_F(QueueTest, EditorApprovesAndTheCommentIsPublicAtOnce) {
  const int64_t id = Pending("Amos Approve", "Approve me: the hedge is a policy, not a mood.");
  EXPECT_EQ(PublicPage().find("the hedge is a policy, not a mood"), std::string::npos);
  Browser editor = As("editor@example.org");
  auto r = editor.Post(Moderate(id), {{"action", "approve"}, {"back", "/admin/comments?status=pending"}});
  ASSERT_EQ(r.status, 303) << r.body;
  EXPECT_EQ(r.Header("location"), "/admin/comments?status=pending&done=approve&n=1");
  EXPECT_EQ(Find(id)->status, store::CommentStatus::kApproved);
  EXPECT_NE(PublicPage().find("the hedge is a policy, not a mood"), std::string::npos);
  auto log = store_->ListModerationLog(id, 10);
  ASSERT_TRUE(log.ok());
  ASSERT_EQ(log->size(), 1u);
  EXPECT_EQ((*log)[0].actor, "editor@example.org");
  EXPECT_EQ((*log)[0].from_status, "pending");
  EXPECT_EQ((*log)[0].to_status, "approved");
  // The audit log page shows it.
  auto page = editor.Get("/admin/comments/log?comment=" + std::to_string(id));
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("editor@example.org"), std::string::npos);
}

TEST_F(QueueTest, SpamTrashAndDelete) {
  const int64_t spam = Pending("Sam Spam", "Cheap watches here.");
  const int64_t trash = Pending("Tess Trash", "Off topic.");
  const int64_t gone = Pending("Del Delete", "Delete me.");
  Browser editor = As("editor@example.org");
  EXPECT_EQ(editor.Post(Moderate(spam), {{"action", "spam"}}).status, 303);
  EXPECT_EQ(editor.Post(Moderate(trash), {{"action", "trash"}}).status, 303);
  EXPECT_EQ(editor.Post(Moderate(gone), {{"action", "delete"}}).status, 303);
  EXPECT_EQ(Find(spam)->status, store::CommentStatus::kSpam);
  EXPECT_EQ(Find(trash)->status, store::CommentStatus::kTrash);
  EXPECT_FALSE(Find(gone).has_value());
  auto log = store_->ListModerationLog(gone, 10);
  ASSERT_TRUE(log.ok());
  ASSERT_FALSE(log->empty());
  EXPECT_EQ((*log)[0].to_status, "deleted");
  EXPECT_NE(editor.Get("/admin/comments?status=spam").body.find("Cheap watches here."), std::string::npos);
  EXPECT_NE(editor.Get("/admin/comments?status=trash").body.find("Off topic."), std::string::npos);
  EXPECT_EQ(editor.Post(Moderate(gone), {{"action", "approve"}}).status, 404);
  EXPECT_EQ(editor.Post(Moderate(spam), {{"action", "explode"}}).status, 400);
}

TEST_F(QueueTest, BulkActionAppliesToEveryTickedComment) {
  const int64_t a = Pending("Bea Bulk", "First of a batch.");
  const int64_t b = Pending("Bob Bulk", "Second of a batch.");
  const int64_t untouched = Pending("Una Untouched", "Not ticked.");
  Browser editor = As("editor@example.org");
  auto r = editor.Post("/admin/comments/bulk",
                       {{"action", "trash"}, {"ids", std::to_string(a)}, {"ids", std::to_string(b)}});
  ASSERT_EQ(r.status, 303) << r.body;
  EXPECT_NE(r.Header("location").find("n=2"), std::string::npos);
  EXPECT_EQ(Find(a)->status, store::CommentStatus::kTrash);
  EXPECT_EQ(Find(b)->status, store::CommentStatus::kTrash);
  EXPECT_EQ(Find(untouched)->status, store::CommentStatus::kPending);
  EXPECT_EQ(editor.Post("/admin/comments/bulk", {{"action", "approve"}}).status, 400) << "nothing ticked";
  EXPECT_EQ(editor.Post("/admin/comments/bulk", {{"action", "approve"}, {"ids", "x"}}).status, 400);
}

TEST_F(QueueTest, StaffReplyIsApprovedNestedAndApprovesItsParent) {
  const int64_t parent = Pending("Rita Reply", "Does the corridor pay for itself?");
  Browser editor = As("editor@example.org");
  auto r = editor.Post("/admin/comments/" + std::to_string(parent) + "/reply",
                       {{"body", "Not yet: the tolls cover a third of the debt service."}});
  ASSERT_EQ(r.status, 303) << r.body;
  EXPECT_EQ(Find(parent)->status, store::CommentStatus::kApproved);
  auto replies = store_->ListComments({.article_id = article_id_, .status = store::CommentStatus::kApproved,
                                       .limit = 1000});
  ASSERT_TRUE(replies.ok());
  auto it = std::find_if(replies->begin(), replies->end(), [&](const store::Comment& c) { return c.parent_id == parent; });
  ASSERT_NE(it, replies->end());
  EXPECT_EQ(it->author_name, "Eddie Editor");
  EXPECT_EQ(it->author_email, "editor@example.org");
  EXPECT_EQ(it->status_reason, "approved: reply by staff (editor@example.org)");
  const std::string page = PublicPage();
  EXPECT_NE(page.find("Does the corridor pay for itself?"), std::string::npos);
  EXPECT_NE(page.find("the tolls cover a third of the debt service"), std::string::npos);
  EXPECT_NE(page.find("Eddie Editor</span> <span class=\"staff-badge\">Staff</span>"), std::string::npos)
      << "readers can tell the newsroom's reply from a reader's";
  // An empty reply is refused and stores nothing.
  EXPECT_EQ(editor.Post("/admin/comments/" + std::to_string(parent) + "/reply", {{"body", "  "}}).status, 422);
}

TEST_F(QueueTest, EditSavesTheNewText) {
  const int64_t id = Pending("Ed Edit", "Teh typo.");
  Browser editor = As("editor@example.org");
  auto form = editor.Get("/admin/comments/" + std::to_string(id) + "/edit");
  ASSERT_EQ(form.status, 200);
  EXPECT_NE(form.body.find("Teh typo."), std::string::npos);
  EXPECT_EQ(editor.Post("/admin/comments/" + std::to_string(id) + "/edit", {{"body", ""}}).status, 422);
  EXPECT_EQ(Find(id)->body, "Teh typo.");
  EXPECT_EQ(editor.Post("/admin/comments/" + std::to_string(id) + "/edit", {{"body", "The typo, fixed."}}).status, 303);
  EXPECT_EQ(Find(id)->body, "The typo, fixed.");
  EXPECT_EQ(Find(id)->status, store::CommentStatus::kPending);
}

TEST_F(QueueTest, AuthorCannotOpenTheQueueOrSeeEmails) {
  const int64_t id = Pending("Pia Private", "My email must stay hidden from authors.");
  Browser author = As("author@example.org");
  for (const std::string& target : std::vector<std::string>{"/admin/comments", "/admin/comments?status=approved", "/admin/comments/log",
                                   "/admin/comments/" + std::to_string(id) + "/edit", "/admin/", "/admin/password"}) {
    auto r = author.Get(target);
    EXPECT_EQ(r.body.find("pia@readers.example"), std::string::npos) << target;
    EXPECT_EQ(r.body.find("192.0.2.77"), std::string::npos) << target;
    if (target.rfind("/admin/comments", 0) == 0) {
      EXPECT_EQ(r.status, 403) << target;
    }
  }
  EXPECT_EQ(author.Post(Moderate(id), {{"action", "approve"}}).status, 403);
  EXPECT_EQ(author.Post("/admin/comments/bulk", {{"action", "delete"}, {"ids", std::to_string(id)}}).status, 403);
  EXPECT_EQ(author.Post("/admin/comments/" + std::to_string(id) + "/reply", {{"body", "hi"}}).status, 403);
  EXPECT_EQ(Find(id)->status, store::CommentStatus::kPending);
}

TEST_F(QueueTest, MissingOrWrongCsrfChangesNothing) {
  const int64_t id = Pending("Cy Csrf", "Forged requests must fail.");
  Browser editor = As("editor@example.org");
  EXPECT_EQ(editor.Post(Moderate(id), {{"action", "approve"}}, "").status, 403);
  EXPECT_EQ(editor.Post(Moderate(id), {{"action", "approve"}}, "not-the-token").status, 403);
  EXPECT_EQ(editor.Post("/admin/comments/bulk", {{"action", "delete"}, {"ids", std::to_string(id)}}, "").status, 403);
  EXPECT_EQ(editor.Post("/admin/comments/" + std::to_string(id) + "/reply", {{"body", "x"}}, "bad").status, 403);
  EXPECT_EQ(editor.Post("/admin/comments/" + std::to_string(id) + "/edit", {{"body", "x"}}, "").status, 403);
  EXPECT_EQ(Find(id)->status, store::CommentStatus::kPending);
  EXPECT_EQ(Find(id)->body, "Forged requests must fail.");
  auto log = store_->ListModerationLog(id, 10);
  ASSERT_TRUE(log.ok());
  EXPECT_TRUE(log->empty());
  // Another session's token is no good either.
  Browser admin = As("admin@example.org");
  EXPECT_EQ(editor.Post(Moderate(id), {{"action", "approve"}}, admin.csrf).status, 403);
  EXPECT_EQ(Find(id)->status, store::CommentStatus::kPending);
}

TEST_F(QueueTest, PagesOfFifty) {
  for (int i = 0; i < 52; ++i) Pending("Pat Page", "Paged comment number " + std::to_string(i) + ".");
  Browser editor = As("editor@example.org");
  auto first = editor.Get("/admin/comments");
  ASSERT_EQ(first.status, 200);
  EXPECT_NE(first.body.find("rel=\"next\""), std::string::npos);
  auto count = [](const std::string& body) {
    size_t n = 0;
    for (size_t at = body.find("class=\"queue-item\""); at != std::string::npos;
         at = body.find("class=\"queue-item\"", at + 1))
      ++n;
    return n;
  };
  EXPECT_EQ(count(first.body), 50u);
  auto second = editor.Get("/admin/comments?status=pending&page=2");
  EXPECT_GE(count(second.body), 2u);
  EXPECT_NE(second.body.find("rel=\"prev\""), std::string::npos);
  // Clean up so other tests' pages stay short.
  auto all = store_->ListComments({.status = store::CommentStatus::kPending, .limit = 1000});
  ASSERT_TRUE(all.ok());
  for (const auto& c : *all)
    if (c.author_name == "Pat Page") {
      ASSERT_TRUE(store_->DeleteComment(c.id, "test", 1).ok());
    }
}

// ---- Users ------------------------------------------------------------------------

TEST_F(QueueTest, UsersPageIsForAdminsOnly) {
  Browser editor = As("editor@example.org");
  Browser author = As("author@example.org");
  EXPECT_EQ(editor.Get("/admin/users").status, 403);
  EXPECT_EQ(author.Get("/admin/users").status, 403);
  EXPECT_EQ(editor.Post("/admin/users", {{"email", "x@example.org"}, {"name", "X"}, {"role", "admin"},
                                         {"password", kPassword}, {"confirm_password", kPassword}})
                .status,
            403);
  auto found = store_->FindUserByEmail("x@example.org");
  ASSERT_TRUE(found.ok());
  EXPECT_FALSE(found.value());
  Browser admin = As("admin@example.org");
  auto list = admin.Get("/admin/users");
  ASSERT_EQ(list.status, 200);
  EXPECT_NE(list.body.find("editor@example.org"), std::string::npos);
  EXPECT_NE(list.body.find("Auden Author"), std::string::npos);
}

TEST_F(QueueTest, AdminCreatesAUserWhoCanSignIn) {
  Browser admin = As("admin@example.org");
  auto mismatch = admin.Post("/admin/users", {{"email", "new@example.org"}, {"name", "Nia New"}, {"role", "editor"},
                                              {"password", kPassword}, {"confirm_password", "something else"}});
  EXPECT_EQ(mismatch.status, 422);
  EXPECT_NE(mismatch.body.find("The two passwords differ."), std::string::npos);
  EXPECT_NE(mismatch.body.find("value=\"Nia New\""), std::string::npos) << "values kept";
  EXPECT_EQ(admin.Post("/admin/users", {{"email", "new@example.org"}, {"name", "Nia New"}, {"role", "editor"},
                                        {"password", "short"}, {"confirm_password", "short"}})
                .status,
            422);
  auto taken = admin.Post("/admin/users", {{"email", "Editor@Example.org"}, {"name", "Dup"}, {"role", "editor"},
                                           {"password", kPassword}, {"confirm_password", kPassword}});
  EXPECT_EQ(taken.status, 422);
  auto ok = admin.Post("/admin/users", {{"email", "new@example.org"}, {"name", "Nia New"}, {"role", "editor"},
                                        {"password", kPassword}, {"confirm_password", kPassword}});
  ASSERT_EQ(ok.status, 303) << ok.body;
  auto nia = SignIn(port(), "new@example.org");
  ASSERT_TRUE(nia);
  EXPECT_EQ(nia->Get("/admin/comments").status, 200) << "an editor";
}

TEST_F(QueueTest, EditUserRoleAuthorLinkAndTheLastAdminStays) {
  Browser admin = As("admin@example.org");
  auto author = store_->FindUserByEmail("author@example.org");
  ASSERT_TRUE(author.ok() && author.value());
  auto profiles = store_->ListAuthors();
  ASSERT_TRUE(profiles.ok() && !profiles->empty());
  const std::string target = "/admin/users/" + std::to_string(author.value()->id);
  EXPECT_EQ(admin.Get(target).status, 200);
  auto saved = admin.Post(target, {{"name", "Auden Author"}, {"role", "author"},
                                   {"author_id", std::to_string((*profiles)[0].id)}});
  ASSERT_EQ(saved.status, 303) << saved.body;
  EXPECT_EQ(store_->FindUser(author.value()->id).value()->author_id, (*profiles)[0].id);
  EXPECT_EQ(admin.Post(target, {{"name", "Auden Author"}, {"role", "author"}, {"author_id", "999999"}}).status, 422);

  auto me = store_->FindUserByEmail("admin@example.org");
  ASSERT_TRUE(me.ok() && me.value());
  auto demote = admin.Post("/admin/users/" + std::to_string(me.value()->id),
                           {{"name", "Ada Admin"}, {"role", "editor"}, {"author_id", "0"}});
  EXPECT_EQ(demote.status, 422);
  EXPECT_NE(demote.body.find("last administrator"), std::string::npos);
  EXPECT_EQ(store_->FindUser(me.value()->id).value()->role, store::Role::kAdmin);
  EXPECT_EQ(admin.Get("/admin/users/999999").status, 404);
}

// ---- Settings ------------------------------------------------------------------------

std::vector<std::pair<std::string, std::string>> GoodSettings(const std::string& title) {
  return {{"site.title", title},
          {"site.tagline", "Tides and treaties"},
          {"site.description", "A test site."},
          {"site.base_url", "https://tides.example/"},
          {"site.timezone", "Asia/Karachi"},
          {"site.date_format", "iso"},
          {"comments.moderation", "hold_all"},
          {"comments.hold_links_at", "3"},
          {"comments.require_prior_approval", "true"},
          {"comments.moderation_list", "casino\n\n  pills  \n"},
          {"comments.disallowed_list", ""},
          {"comments.rate_limit_per_minute", "7"},
          {"comments.min_seconds_to_submit", "2"},
          {"comments.close_after_days", "0"},
          {"comments.thread_depth", "4"},
          {"media.max_upload_mb", "12"}};
}

TEST(SettingsTest, ValidatedStoredAndInEffectAtOnce) {
  TempDir dir;
  ASSERT_EQ(RunChancery({"init", "--data", dir.path(), "--demo"}).exit_code, 0);
  ASSERT_TRUE(AddUser(dir.path(), "admin@example.org", "Ada Admin", "admin"));
  ASSERT_TRUE(AddUser(dir.path(), "editor@example.org", "Eddie Editor", "editor"));
  auto server = std::make_unique<ServerProcess>(dir.path());
  ASSERT_TRUE(server->started()) << server->Log();

  auto editor = SignIn(server->port(), "editor@example.org");
  ASSERT_TRUE(editor);
  EXPECT_EQ(editor->Get("/admin/settings").status, 403);
  EXPECT_EQ(editor->Post("/admin/settings", GoodSettings("Hijacked")).status, 403);

  auto admin = SignIn(server->port(), "admin@example.org");
  ASSERT_TRUE(admin);
  auto page = admin->Get("/admin/settings");
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("The Tidemark Review"), std::string::npos) << "the title in effect";

  auto bad = GoodSettings("The Ebb Quarterly");
  for (auto& [k, v] : bad) {
    if (k == "site.timezone") v = "../../etc/passwd";
    if (k == "comments.thread_depth") v = "0";
    if (k == "site.base_url") v = "ftp://tides.example";
  }
  auto refused = admin->Post("/admin/settings", bad);
  EXPECT_EQ(refused.status, 422);
  EXPECT_NE(refused.body.find("id=\"setting-site-timezone-error\""), std::string::npos);
  EXPECT_NE(refused.body.find("id=\"setting-comments-thread_depth-error\""), std::string::npos);
  EXPECT_NE(refused.body.find("id=\"setting-site-base_url-error\""), std::string::npos);
  EXPECT_NE(refused.body.find("value=\"The Ebb Quarterly\""), std::string::npos) << "values kept";
  for (auto& [k, v] : bad)
    if (k == "site.timezone") v = "Not/AZone";
  EXPECT_EQ(admin->Post("/admin/settings", bad).status, 422);
  EXPECT_EQ(admin->Post("/admin/settings", GoodSettings("Forged"), "wrong").status, 403);

  auto saved = admin->Post("/admin/settings", GoodSettings("The Ebb Quarterly"));
  ASSERT_EQ(saved.status, 303) << saved.body;
  {
    auto store = OpenSiteStore(dir.path());
    ASSERT_NE(store, nullptr);
    EXPECT_EQ(*store->GetSetting("site.title").value(), "The Ebb Quarterly");
    EXPECT_EQ(*store->GetSetting("site.base_url").value(), "https://tides.example");
    EXPECT_EQ(*store->GetSetting("site.timezone").value(), "Asia/Karachi");
    EXPECT_EQ(*store->GetSetting("comments.moderation_list").value(), "casino\npills");
    EXPECT_EQ(*store->GetSetting("comments.newest_first").value(), "false");
    EXPECT_EQ(*store->GetSetting("media.max_upload_mb").value(), "12");
  }
  EXPECT_NE(admin->Get("/admin/settings").body.find("value=\"The Ebb Quarterly\""), std::string::npos);

  // In effect at once, without a restart: the title, the feeds' base URL,
  // the date format and zone, and the newsroom's own header.
  auto live = HttpGet(server->port(), "/");
  ASSERT_TRUE(live);
  EXPECT_NE(live->body.find("The Ebb Quarterly"), std::string::npos);
  EXPECT_NE(live->body.find("Tides and treaties"), std::string::npos);
  EXPECT_NE(live->body.find(">2026-"), std::string::npos) << "ISO dates on the home page";
  EXPECT_EQ(live->body.find(" November 2026<"), std::string::npos) << "no long-form dates left";
  auto feed = HttpGet(server->port(), "/feed.xml");
  ASSERT_TRUE(feed);
  EXPECT_NE(feed->body.find("https://tides.example/articles/"), std::string::npos);
  EXPECT_NE(admin->Get("/admin/").body.find("The Ebb Quarterly"), std::string::npos);

  server.reset();
  server = std::make_unique<ServerProcess>(dir.path());
  ASSERT_TRUE(server->started()) << server->Log();
  auto home = HttpGet(server->port(), "/");
  ASSERT_TRUE(home);
  EXPECT_NE(home->body.find("The Ebb Quarterly"), std::string::npos);

  // The environment still wins over what the admin saved.
  server.reset();
  server = std::make_unique<ServerProcess>(dir.path(), std::vector<std::string>{"CHANCERY_SITE_TITLE=From The Env"});
  ASSERT_TRUE(server->started()) << server->Log();
  home = HttpGet(server->port(), "/");
  ASSERT_TRUE(home);
  EXPECT_NE(home->body.find("From The Env"), std::string::npos);
  EXPECT_EQ(home->body.find("The Ebb Quarterly"), std::string::npos);
}

}  // namespace
}  // namespace chancery::testing
