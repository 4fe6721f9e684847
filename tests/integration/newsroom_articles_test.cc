// The article editor over HTTP against a real `chancery serve`: each role's
// allowed and forbidden actions, CSRF, slug clashes, conflicts and
// scheduling.
#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "harness.h"

namespace chancery::testing {
namespace {

std::string UrlEncode(const std::string& s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

using Form = std::vector<std::pair<std::string, std::string>>;

std::string Encode(const Form& form) {
  std::string out;
  for (const auto& [k, v] : form) out += (out.empty() ? "" : "&") + UrlEncode(k) + "=" + UrlEncode(v);
  return out;
}

// The value of cookie `name` from every Set-Cookie line of a raw response.
std::string SetCookie(const HttpResponse& r, const std::string& name) {
  std::smatch m;
  std::regex re("[Ss]et-[Cc]ookie: " + name + "=([^;\\r\\n]*)");
  std::string value;
  for (auto it = std::sregex_iterator(r.raw.begin(), r.raw.end(), re); it != std::sregex_iterator(); ++it)
    value = (*it)[1];
  return value;
}

std::string Csrf(const std::string& html) {
  std::smatch m;
  if (std::regex_search(html, m, std::regex("name=\"csrf\" value=\"([^\"]+)\""))) return m[1];
  return "";
}

struct Session {
  int port = 0;
  std::string cookie;
  std::string csrf;

  std::optional<HttpResponse> Get(const std::string& target) const {
    return HttpGet(port, target, {{"Cookie", "chancery_session=" + cookie}});
  }
  std::optional<HttpResponse> Post(const std::string& target, Form form, bool with_csrf = true) const {
    if (with_csrf) form.emplace_back("csrf", csrf);
    return HttpRequest(port, "POST", target,
                       {{"Cookie", "chancery_session=" + cookie},
                        {"Content-Type", "application/x-www-form-urlencoded"}},
                       Encode(form));
  }
};

class NewsroomArticlesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto init = RunChancery({"init", "--data", dir_.path(), "--demo"});
    ASSERT_EQ(init.exit_code, 0) << init.err;
    for (auto [email, role] : {std::pair{"editor@example.org", "editor"}, std::pair{"author@example.org", "author"},
                               std::pair{"other@example.org", "author"}}) {
      auto added = RunChancery({"user", "add", "--data", dir_.path(), "--email", email, "--name", std::string(role) + " person",
                                "--role", role},
                               "a long password\n");
      ASSERT_EQ(added.exit_code, 0) << added.err;
    }
    server_ = std::make_unique<ServerProcess>(dir_.path());
    ASSERT_TRUE(server_->started()) << server_->Log();
  }

  Session SignIn(const std::string& email) {
    Session s;
    s.port = server_->port();
    auto page = HttpGet(s.port, "/admin/login");
    EXPECT_TRUE(page);
    const std::string nonce = SetCookie(*page, "chancery_login");
    auto done = HttpRequest(s.port, "POST", "/admin/login",
                            {{"Cookie", "chancery_login=" + nonce}, {"Content-Type", "application/x-www-form-urlencoded"}},
                            Encode({{"email", email}, {"password", "a long password"}, {"csrf", Csrf(page->body)}}));
    EXPECT_TRUE(done);
    EXPECT_EQ(done->status, 303) << done->body;
    s.cookie = SetCookie(*done, "chancery_session");
    auto dash = s.Get("/admin/articles/new");
    EXPECT_TRUE(dash);
    s.csrf = Csrf(dash->body);
    EXPECT_FALSE(s.csrf.empty());
    return s;
  }

  // Creates a draft and returns its id.
  int64_t CreateDraft(const Session& s, const std::string& title, const std::string& body = "Hello.\n") {
    auto r = s.Post("/admin/articles/new", {{"title", title}, {"body", body}, {"action", "save"}});
    EXPECT_TRUE(r);
    EXPECT_EQ(r->status, 303) << r->body;
    std::smatch m;
    const std::string location = r->Header("location");
    if (!std::regex_search(location, m, std::regex("/admin/articles/(\\d+)"))) return 0;
    return std::stoll(m[1]);
  }

  TempDir dir_;
  std::unique_ptr<ServerProcess> server_;
};

TEST_F(NewsroomArticlesTest, AuthorWritesButCannotPublishOrOpenOthers) {
  Session author = SignIn("author@example.org");
  const int64_t id = CreateDraft(author, "An Author's Draft");
  ASSERT_GT(id, 0);
  const std::string url = "/admin/articles/" + std::to_string(id);
  auto page = author.Get(url);
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_NE(page->body.find("Submit for review"), std::string::npos);
  EXPECT_EQ(page->body.find("action-publish"), std::string::npos);

  auto publish = author.Post(url, {{"title", "Changed"}, {"revision", "1"}, {"action", "publish"}});
  ASSERT_TRUE(publish);
  EXPECT_EQ(publish->status, 403);
  EXPECT_EQ(HttpGet(author.port, "/articles/an-authors-draft")->status, 404);
  EXPECT_NE(author.Get(url)->body.find("An Author&#39;s Draft"), std::string::npos);

  auto submit = author.Post(url, {{"title", "An Author's Draft"}, {"revision", "1"}, {"action", "submit"}});
  ASSERT_TRUE(submit);
  EXPECT_EQ(submit->status, 303);
  EXPECT_NE(author.Get("/admin/articles?status=review")->body.find(url), std::string::npos);

  Session other = SignIn("other@example.org");
  EXPECT_EQ(other.Get(url)->status, 403);
  EXPECT_EQ(other.Post(url, {{"title", "Stolen"}, {"revision", "2"}, {"action", "save"}})->status, 403);
  EXPECT_EQ(other.Get("/admin/articles")->body.find(url), std::string::npos);

  Session editor = SignIn("editor@example.org");
  EXPECT_EQ(editor.Get(url)->status, 200);
  auto published = editor.Post(url, {{"title", "An Author's Draft"}, {"revision", "2"}, {"action", "publish"}});
  ASSERT_TRUE(published);
  EXPECT_EQ(published->status, 303) << published->body;
  EXPECT_EQ(HttpGet(editor.port, "/articles/an-authors-draft")->status, 200);
  // Now live, the author can no longer change it.
  EXPECT_EQ(author.Post(url, {{"title", "Edited live"}, {"revision", "3"}, {"action", "save"}})->status, 403);
}

TEST_F(NewsroomArticlesTest, MissingOrWrongCsrfChangesNothing) {
  Session editor = SignIn("editor@example.org");
  auto missing = editor.Post("/admin/articles/new", {{"title", "No Token"}, {"action", "save"}}, false);
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 403);
  auto wrong = editor.Post("/admin/articles/new", {{"title", "No Token"}, {"action", "save"}, {"csrf", "forged"}}, false);
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 403);
  EXPECT_EQ(editor.Get("/admin/articles?q=No+Token")->body.find("No Token</a>"), std::string::npos);
}

TEST_F(NewsroomArticlesTest, SlugClashIsExplained) {
  Session editor = SignIn("editor@example.org");
  ASSERT_GT(CreateDraft(editor, "Unique Title"), 0);
  auto clash = editor.Post("/admin/articles/new", {{"title", "Other"}, {"slug", "unique-title"}, {"action", "save"}});
  ASSERT_TRUE(clash);
  EXPECT_EQ(clash->status, 422);
  EXPECT_NE(clash->body.find("the slug &#39;unique-title&#39; is used by &#39;Unique Title&#39;"), std::string::npos)
      << clash->body;
  EXPECT_NE(clash->body.find("value=\"Other\""), std::string::npos);  // nothing typed is lost
}

TEST_F(NewsroomArticlesTest, ConcurrentSaveGetsConflictWithBothVersions) {
  Session editor = SignIn("editor@example.org");
  const int64_t id = CreateDraft(editor, "Shared Piece");
  const std::string url = "/admin/articles/" + std::to_string(id);
  ASSERT_EQ(editor.Post(url, {{"title", "Shared Piece"}, {"body", "Their words"}, {"revision", "1"}})->status, 303);
  auto mine = editor.Post(url, {{"title", "Shared Piece"}, {"body", "My words"}, {"revision", "1"}});
  ASSERT_TRUE(mine);
  EXPECT_EQ(mine->status, 409);
  EXPECT_NE(mine->body.find("My words"), std::string::npos);
  EXPECT_NE(mine->body.find("Their words"), std::string::npos);
  EXPECT_NE(mine->body.find("conflict-theirs"), std::string::npos);
}

TEST_F(NewsroomArticlesTest, ScheduledArticleAppearsOnlyOnceDue) {
  Session editor = SignIn("editor@example.org");
  const int64_t past = CreateDraft(editor, "From The Past");
  const int64_t future = CreateDraft(editor, "From The Future");
  ASSERT_EQ(editor.Post("/admin/articles/" + std::to_string(past),
                        {{"title", "From The Past"}, {"revision", "1"}, {"action", "schedule"}, {"schedule_at", "2001-01-01T09:00"}})
                ->status,
            303);
  ASSERT_EQ(editor.Post("/admin/articles/" + std::to_string(future),
                        {{"title", "From The Future"}, {"revision", "1"}, {"action", "schedule"}, {"schedule_at", "2999-01-01T09:00"}})
                ->status,
            303);
  auto future_page = editor.Get("/admin/articles?status=scheduled");
  EXPECT_NE(future_page->body.find("From The Future"), std::string::npos);
  EXPECT_EQ(HttpGet(editor.port, "/articles/from-the-past")->status, 200);
  EXPECT_EQ(HttpGet(editor.port, "/articles/from-the-future")->status, 404);
}

TEST_F(NewsroomArticlesTest, TrashAndRestore) {
  Session editor = SignIn("editor@example.org");
  const int64_t id = CreateDraft(editor, "Bin Me");
  const std::string url = "/admin/articles/" + std::to_string(id);
  ASSERT_EQ(editor.Post(url, {{"title", "Bin Me"}, {"revision", "1"}, {"action", "publish"}})->status, 303);
  EXPECT_EQ(HttpGet(editor.port, "/articles/bin-me")->status, 200);
  EXPECT_EQ(editor.Post(url + "/trash", {})->status, 303);
  EXPECT_EQ(HttpGet(editor.port, "/articles/bin-me")->status, 404);
  EXPECT_NE(editor.Get("/admin/articles?status=trash")->body.find("Bin Me"), std::string::npos);
  EXPECT_EQ(editor.Post(url + "/restore", {})->status, 303);
  EXPECT_EQ(HttpGet(editor.port, "/articles/bin-me")->status, 200);
}

}  // namespace
}  // namespace chancery::testing

namespace chancery::testing {
namespace {

TEST_F(NewsroomArticlesTest, ACorrectionIsShownOnTheArticleAndInTheCorrectionsPageAndFeed) {
  Session editor = SignIn("editor@example.org");
  const int64_t id = CreateDraft(editor, "Tariff Arithmetic", "The tariff was 25 per cent.\n");
  ASSERT_GT(id, 0);
  const std::string url = "/admin/articles/" + std::to_string(id);
  auto published = editor.Post(url, {{"title", "Tariff Arithmetic"}, {"body", "The tariff was 25 per cent.\n"},
                                     {"revision", "1"}, {"action", "publish"}});
  ASSERT_TRUE(published);
  ASSERT_EQ(published->status, 303) << published->body;
  EXPECT_EQ(HttpGet(editor.port, "/corrections")->body.find("Tariff Arithmetic"), std::string::npos);

  // A correction needs its note; without one nothing is saved.
  auto bare = editor.Post(url, {{"title", "Tariff Arithmetic"}, {"body", "The tariff was 20 per cent.\n"},
                                {"revision", "2"}, {"action", "publish"}, {"is_correction", "1"}});
  ASSERT_TRUE(bare);
  EXPECT_EQ(bare->status, 422);
  EXPECT_NE(bare->body.find("Say what was corrected"), std::string::npos);

  auto corrected = editor.Post(url, {{"title", "Tariff Arithmetic"}, {"body", "The tariff was 20 per cent.\n"},
                                     {"revision", "2"}, {"action", "publish"}, {"is_correction", "1"},
                                     {"correction_note", "An earlier version gave the tariff as 25 per cent; it is 20."}});
  ASSERT_TRUE(corrected);
  ASSERT_EQ(corrected->status, 303) << corrected->body;

  auto article = HttpGet(editor.port, "/articles/tariff-arithmetic");
  ASSERT_TRUE(article);
  EXPECT_NE(article->body.find("corrections-notes"), std::string::npos);
  EXPECT_NE(article->body.find("An earlier version gave the tariff as 25 per cent; it is 20."), std::string::npos);
  auto page = HttpGet(editor.port, "/corrections");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_NE(page->body.find("Tariff Arithmetic"), std::string::npos);
  EXPECT_NE(page->body.find("/articles/tariff-arithmetic#correction-"), std::string::npos);
  auto feed = HttpGet(editor.port, "/corrections.xml");
  ASSERT_TRUE(feed);
  EXPECT_EQ(feed->status, 200);
  EXPECT_NE(feed->Header("content-type").find("application/atom+xml"), std::string::npos);
  EXPECT_NE(feed->body.find("<title>Correction: Tariff Arithmetic</title>"), std::string::npos);

  // Unpublished, its correction leaves the public list too.
  auto unpublished = editor.Post(url, {{"title", "Tariff Arithmetic"}, {"body", "The tariff was 20 per cent.\n"},
                                       {"revision", "3"}, {"action", "unpublish"}});
  ASSERT_TRUE(unpublished);
  EXPECT_EQ(unpublished->status, 303) << unpublished->body;
  EXPECT_EQ(HttpGet(editor.port, "/corrections")->body.find("Tariff Arithmetic"), std::string::npos);
}

}  // namespace
}  // namespace chancery::testing

namespace chancery::testing {
namespace {

TEST_F(NewsroomArticlesTest, TheDashboardListsDraftsReviewAndScheduledWorkAuthorsSeeTheirOwn) {
  Session author = SignIn("author@example.org");
  const int64_t mine = CreateDraft(author, "Notes on the Quad");
  ASSERT_GT(mine, 0);
  Session other = SignIn("other@example.org");
  const int64_t theirs = CreateDraft(other, "Someone Else's Draft");
  ASSERT_GT(theirs, 0);
  auto submitted = other.Post("/admin/articles/" + std::to_string(theirs),
                              {{"title", "Someone Else's Draft"}, {"revision", "1"}, {"action", "submit"}});
  ASSERT_TRUE(submitted);
  ASSERT_EQ(submitted->status, 303) << submitted->body;

  auto dash = author.Get("/admin/");
  ASSERT_TRUE(dash);
  EXPECT_EQ(dash->status, 200);
  EXPECT_NE(dash->body.find("Notes on the Quad"), std::string::npos);
  EXPECT_EQ(dash->body.find("Someone Else"), std::string::npos);

  Session editor = SignIn("editor@example.org");
  auto editors = editor.Get("/admin/");
  ASSERT_TRUE(editors);
  EXPECT_NE(editors->body.find("Notes on the Quad"), std::string::npos);
  EXPECT_NE(editors->body.find("Submitted for review"), std::string::npos);
  EXPECT_NE(editors->body.find("Someone Else&#39;s Draft"), std::string::npos);
  // Recent activity: the latest published work, most recently changed first.
  const size_t recent = editors->body.find("Recently published or updated");
  ASSERT_NE(recent, std::string::npos);
  EXPECT_NE(editors->body.find("/admin/articles/", recent), std::string::npos) << "the demo's articles are listed";
}

TEST_F(NewsroomArticlesTest, AnImageWithoutAltTextStopsPublication) {
  Session editor = SignIn("editor@example.org");
  const int64_t id = CreateDraft(editor, "Maps of the Corridor");
  ASSERT_GT(id, 0);
  const std::string url = "/admin/articles/" + std::to_string(id);
  // An uploaded image that the library has no description for.
  auto refused = editor.Post(url, {{"title", "Maps of the Corridor"}, {"revision", "1"}, {"action", "publish"},
                                   {"image_url", "/media/no-such-upload.jpg"}});
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 422);
  EXPECT_NE(refused->body.find("describe the featured image"), std::string::npos);
  EXPECT_EQ(HttpGet(editor.port, "/articles/maps-of-the-corridor")->status, 404);
  // Described on the article itself, it publishes.
  auto published = editor.Post(url, {{"title", "Maps of the Corridor"}, {"revision", "1"}, {"action", "publish"},
                                     {"image_url", "/media/no-such-upload.jpg"},
                                     {"image_alt", "A hand-drawn map of the corridor's route"}});
  ASSERT_TRUE(published);
  EXPECT_EQ(published->status, 303) << published->body;
  EXPECT_EQ(HttpGet(editor.port, "/articles/maps-of-the-corridor")->status, 200);
}

}  // namespace
}  // namespace chancery::testing

namespace chancery::testing {
namespace {

TEST_F(NewsroomArticlesTest, APreviewLinkShowsADraftToAnyoneUntilItExpiresAndIsNeverIndexed) {
  Session editor = SignIn("editor@example.org");
  const int64_t id = CreateDraft(editor, "Embargoed Analysis", "Not yet public.\n");
  ASSERT_GT(id, 0);
  EXPECT_EQ(HttpGet(editor.port, "/articles/embargoed-analysis")->status, 404);
  // Authors can make links for their own articles only; CSRF as always.
  auto no_csrf = editor.Post("/admin/articles/" + std::to_string(id) + "/preview-link", {{"days", "7"}}, false);
  ASSERT_TRUE(no_csrf);
  EXPECT_EQ(no_csrf->status, 403);
  Session other = SignIn("other@example.org");
  EXPECT_EQ(other.Post("/admin/articles/" + std::to_string(id) + "/preview-link", {{"days", "7"}})->status, 403);

  auto made = editor.Post("/admin/articles/" + std::to_string(id) + "/preview-link", {{"days", "1"}});
  ASSERT_TRUE(made);
  ASSERT_EQ(made->status, 200) << made->body;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(made->body, m, std::regex("/preview/([A-Za-z0-9_:.-]+)")));
  const std::string path = m[0];

  // No cookie: a stranger reads it, marked as a preview and not indexed.
  auto page = HttpGet(editor.port, path);
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_NE(page->body.find("Embargoed Analysis"), std::string::npos);
  EXPECT_NE(page->body.find("preview-banner"), std::string::npos);
  EXPECT_NE(page->body.find("<meta name=\"robots\" content=\"noindex\">"), std::string::npos);
  EXPECT_EQ(page->Header("x-robots-tag"), "noindex, nofollow");
  EXPECT_NE(page->Header("cache-control").find("no-store"), std::string::npos);
  EXPECT_EQ(page->body.find("id=\"commentform\""), std::string::npos);
  EXPECT_NE(HttpGet(editor.port, "/robots.txt")->body.find("Disallow: /preview/"), std::string::npos);

  // An altered token shows nothing.
  std::string forged = path;
  forged[forged.size() - 3] = forged[forged.size() - 3] == 'A' ? 'B' : 'A';
  EXPECT_EQ(HttpGet(editor.port, forged)->status, 404);
  // In the trash, the link stops working.
  auto trashed = editor.Post("/admin/articles/" + std::to_string(id) + "/trash", {});
  ASSERT_TRUE(trashed);
  EXPECT_EQ(trashed->status, 303);
  EXPECT_EQ(HttpGet(editor.port, path)->status, 404);
}

}  // namespace
}  // namespace chancery::testing
