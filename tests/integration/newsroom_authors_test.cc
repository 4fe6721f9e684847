// End-to-end: the newsroom's author profiles (issue 4, "Author
// disclosures") through HTTP against a real `chancery serve` on the demo
// site: who may list, add and edit profiles, what a bad form gets back, and
// that readers see the affiliation, disclosure and bio on the author's page
// and under the byline — escaped, never as markup.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <utility>
#include <vector>

#include "harness.h"
#include "newsroom_client.h"
#include "store/store.h"

namespace chancery::testing {
namespace {

// A demo author, and the demo article that is hers alone.
constexpr char kDemoAuthor[] = "tahmina-rezvani";
constexpr char kDemoArticle[] = "islamabads-long-hedge";

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// The edit form's fields for a profile, all four given.
Fields Profile(const std::string& name, const std::string& affiliation, const std::string& disclosure,
               const std::string& bio) {
  return {{"name", name}, {"affiliation", affiliation}, {"disclosure", disclosure}, {"bio", bio}};
}

// One demo site with an admin, an editor and two authors, shared by the
// tests; each test works on its own profiles.
class NewsroomAuthorsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    ASSERT_EQ(RunChancery({"init", "--data", dir_->path(), "--demo"}).exit_code, 0);
    ASSERT_TRUE(AddUser(dir_->path(), "admin@example.org", "Ada Admin", "admin"));
    ASSERT_TRUE(AddUser(dir_->path(), "editor@example.org", "Eddie Editor", "editor"));
    ASSERT_TRUE(AddUser(dir_->path(), "author@example.org", "Auden Author", "author"));
    ASSERT_TRUE(AddUser(dir_->path(), "loner@example.org", "Lona Loner", "author"));
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
    auto s = store::Store::Open({.url = "sqlite:" + dir_->path() + "/chancery.db"});
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
  }

  int port() const { return server_->port(); }

  Browser As(const std::string& email) {
    auto b = SignIn(port(), email);
    EXPECT_TRUE(b) << "signing in as " << email << "\n" << server_->Log();
    return b.value_or(Browser{});
  }

  std::optional<store::Author> Author(const std::string& slug) {
    auto a = store_->FindAuthor(slug);
    EXPECT_TRUE(a.ok()) << a.status().ToString();
    return a.ok() ? a.value() : std::nullopt;
  }

  size_t AuthorCount() {
    auto all = store_->ListAuthors();
    EXPECT_TRUE(all.ok());
    return all.ok() ? all->size() : 0;
  }

  // Adds a profile as `who` through the list page's form; returns its slug.
  std::string AddProfile(const Browser& who, const std::string& name, const std::string& slug = "") {
    auto r = who.Post("/admin/authors", {{"name", name}, {"slug", slug}});
    EXPECT_EQ(r.status, 303) << r.body;
    std::smatch m;
    const std::string location = r.Header("location");
    if (!std::regex_match(location, m, std::regex("/admin/authors/([a-z0-9-]+)\\?added=1"))) {
      ADD_FAILURE() << "Location: " << location;
      return "";
    }
    return m[1];
  }

  // Links the account `email` to the profile `slug` through the users page.
  void LinkUser(const Browser& admin, const std::string& email, const std::string& slug) {
    auto user = store_->FindUserByEmail(email);
    ASSERT_TRUE(user.ok() && user.value());
    auto author = Author(slug);
    ASSERT_TRUE(author);
    auto r = admin.Post("/admin/users/" + std::to_string(user.value()->id),
                        {{"name", user.value()->name},
                         {"role", std::string(store::ToString(user.value()->role))},
                         {"author_id", std::to_string(author->id)}});
    ASSERT_EQ(r.status, 303) << r.body;
  }

  static TempDir* dir_;
  static ServerProcess* server_;
  std::unique_ptr<store::Store> store_;
};

TempDir* NewsroomAuthorsTest::dir_ = nullptr;
ServerProcess* NewsroomAuthorsTest::server_ = nullptr;

TEST_F(NewsroomAuthorsTest, AdminAddsAndEditsAProfileThatReadersSeeEscaped) {
  Browser admin = As("admin@example.org");

  // The list shows the demo profiles with their public pages and the menu entry.
  auto list = admin.Get("/admin/authors");
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_TRUE(Contains(list.body, "id=\"authors-list\""));
  EXPECT_TRUE(Contains(list.body, "href=\"/authors/tahmina-rezvani\""));
  EXPECT_TRUE(Contains(list.body, "href=\"/admin/authors/tahmina-rezvani\""));
  EXPECT_TRUE(Contains(list.body, "Senior Fellow, Harrowgate Institute for Continental Affairs"));
  EXPECT_TRUE(Contains(list.body, "href=\"/admin/authors\" aria-current=\"page\""));
  EXPECT_TRUE(Contains(list.body, "<label for=\"new-author-name\">"));
  EXPECT_TRUE(Contains(list.body, "<label for=\"new-author-slug\">"));

  // No slug typed: it is made from the name.
  const std::string slug = AddProfile(admin, "Nadia Okafor-Brandt");
  ASSERT_EQ(slug, "nadia-okafor-brandt");
  auto added = admin.Get("/admin/authors/" + slug + "?added=1");
  ASSERT_EQ(added.status, 200) << added.body;
  EXPECT_TRUE(Contains(added.body, "id=\"author-notice\""));
  EXPECT_TRUE(Contains(added.body, "value=\"nadia-okafor-brandt\" readonly"));
  for (const char* field :
       {"author-name", "author-affiliation", "author-disclosure", "author-bio", "author-slug"})
    EXPECT_TRUE(Contains(added.body, std::string("<label for=\"") + field + "\">")) << field;

  // Markup in every field is kept as text.
  const std::string affiliation = "Fellow, <b>Okafor</b> & Partners";
  const std::string disclosure = "Funded by <script>alert('x')</script> \"Harbour Trust\"";
  const std::string bio = "Writes on ports.\nPreviously at <i>The Ledger</i>.";
  auto saved =
      admin.Post("/admin/authors/" + slug, Profile("Nadia Okafor-Brandt", affiliation, disclosure, bio));
  ASSERT_EQ(saved.status, 303) << saved.body;
  EXPECT_EQ(saved.Header("location"), "/admin/authors/" + slug + "?saved=1");
  auto stored = Author(slug);
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->affiliation, affiliation);
  EXPECT_EQ(stored->disclosure, disclosure);
  EXPECT_EQ(stored->bio, bio);
  EXPECT_EQ(stored->slug, slug);

  auto after = admin.Get("/admin/authors/" + slug + "?saved=1");
  ASSERT_EQ(after.status, 200);
  EXPECT_TRUE(Contains(after.body, "The profile was saved"));
  EXPECT_TRUE(Contains(after.body, "Fellow, &lt;b&gt;Okafor&lt;/b&gt; &amp; Partners"));
  EXPECT_FALSE(Contains(after.body, "<script>alert"));

  auto page = HttpGet(port(), "/authors/" + slug);
  ASSERT_TRUE(page);
  ASSERT_EQ(page->status, 200);
  EXPECT_TRUE(Contains(page->body, "Fellow, &lt;b&gt;Okafor&lt;/b&gt; &amp; Partners"));
  EXPECT_TRUE(Contains(page->body, "&lt;script&gt;alert("));
  EXPECT_TRUE(Contains(page->body, "Previously at &lt;i&gt;The Ledger&lt;/i&gt;."));
  EXPECT_FALSE(Contains(page->body, "<script>alert"));
  EXPECT_FALSE(Contains(page->body, "<b>Okafor</b>"));

  // An article by the new author carries the disclosure under its byline.
  Browser editor = As("editor@example.org");
  auto draft = editor.Post("/admin/articles/new", {{"title", "Harbour Politics"},
                                                   {"body", "Ports decide more than trade.\n"},
                                                   {"authors", slug},
                                                   {"action", "save"}});
  ASSERT_EQ(draft.status, 303) << draft.body;
  std::smatch m;
  const std::string location = draft.Header("location");
  ASSERT_TRUE(std::regex_search(location, m, std::regex("/admin/articles/(\\d+)"))) << location;
  auto published =
      editor.Post("/admin/articles/" + std::string(m[1]), {{"title", "Harbour Politics"},
                                                           {"body", "Ports decide more than trade.\n"},
                                                           {"authors", slug},
                                                           {"revision", "1"},
                                                           {"action", "publish"}});
  ASSERT_EQ(published.status, 303) << published.body;
  auto article = HttpGet(port(), "/articles/harbour-politics");
  ASSERT_TRUE(article);
  ASSERT_EQ(article->status, 200) << article->body;
  EXPECT_TRUE(Contains(article->body, "href=\"/authors/nadia-okafor-brandt\""));
  EXPECT_TRUE(Contains(article->body, "Funded by &lt;script&gt;alert("));
  EXPECT_TRUE(Contains(article->body, "Fellow, &lt;b&gt;Okafor&lt;/b&gt; &amp; Partners"));
  EXPECT_FALSE(Contains(article->body, "<script>alert"));

  // A demo article shows its author's edited profile at once.
  auto demo = Author(kDemoAuthor);
  ASSERT_TRUE(demo);
  auto changed = admin.Post(
      std::string("/admin/authors/") + kDemoAuthor,
      Profile(demo->name, "Visiting Fellow, Quayside Forum", "Paid speaker at Quayside, 2026.", demo->bio));
  ASSERT_EQ(changed.status, 303) << changed.body;
  auto demo_article = HttpGet(port(), std::string("/articles/") + kDemoArticle);
  ASSERT_TRUE(demo_article);
  EXPECT_TRUE(Contains(demo_article->body, "Visiting Fellow, Quayside Forum"));
  EXPECT_TRUE(Contains(demo_article->body, "Paid speaker at Quayside, 2026."));
  EXPECT_FALSE(Contains(demo_article->body, "No outside funding for this work."));

  // The list now marks the disclosure as set and names nobody writing as it.
  list = admin.Get("/admin/authors");
  const size_t row = list.body.find("id=\"author-nadia-okafor-brandt\"");
  ASSERT_NE(row, std::string::npos);
  const std::string tr = list.body.substr(row, list.body.find("</tr>", row) - row);
  EXPECT_TRUE(Contains(tr, ">Set<"));
  EXPECT_TRUE(Contains(tr, "no account"));
}

TEST_F(NewsroomAuthorsTest, ASlugClashOrABadFormComesBackWithWhatWasTyped) {
  Browser editor = As("editor@example.org");
  const size_t before = AuthorCount();

  // A typed slug that exists.
  auto clash = editor.Post("/admin/authors", {{"name", "Tamsin <Rees>"}, {"slug", kDemoAuthor}});
  ASSERT_EQ(clash.status, 422) << clash.body;
  EXPECT_TRUE(Contains(clash.body, "value=\"Tamsin &lt;Rees&gt;\""));
  EXPECT_TRUE(Contains(clash.body, "value=\"tahmina-rezvani\""));
  EXPECT_TRUE(Contains(
      clash.body, "aria-invalid=\"true\" aria-describedby=\"new-author-slug-hint new-author-slug-error\""));
  EXPECT_TRUE(Contains(clash.body, "id=\"new-author-slug-error\""));
  EXPECT_TRUE(Contains(clash.body, "belongs to the profile of Tahmina Rezvani"));

  // A slug made from a name that exists.
  auto same_name = editor.Post("/admin/authors", {{"name", "Tahmina Rezvani"}, {"slug", ""}});
  EXPECT_EQ(same_name.status, 422);
  EXPECT_TRUE(Contains(same_name.body, "id=\"new-author-slug-error\""));

  // A slug that is not one, and a missing name.
  auto bad = editor.Post("/admin/authors", {{"name", "Tamsin Rees"}, {"slug", "Tamsin Rees!"}});
  EXPECT_EQ(bad.status, 422);
  EXPECT_TRUE(Contains(bad.body, "value=\"Tamsin Rees!\""));
  EXPECT_TRUE(Contains(bad.body, "lower-case letters"));
  auto nameless = editor.Post("/admin/authors", {{"name", "  "}, {"slug", "tamsin-rees"}});
  EXPECT_EQ(nameless.status, 422);
  EXPECT_TRUE(Contains(nameless.body, "id=\"new-author-name-error\""));
  EXPECT_TRUE(Contains(nameless.body, "value=\"tamsin-rees\""));
  EXPECT_EQ(AuthorCount(), before);
  EXPECT_FALSE(Author("tamsin-rees"));

  // The edit form: too long an affiliation keeps every typed value.
  const std::string slug = AddProfile(editor, "Tamsin Rees", "tamsin-rees");
  ASSERT_EQ(slug, "tamsin-rees");
  const std::string long_affiliation(201, 'a');
  auto too_long = editor.Post("/admin/authors/tamsin-rees",
                              Profile("Tamsin Rees", long_affiliation, "A <grant> from X.", "Bio & more"));
  ASSERT_EQ(too_long.status, 422) << too_long.body;
  EXPECT_TRUE(Contains(too_long.body, "id=\"author-affiliation-error\""));
  EXPECT_TRUE(Contains(
      too_long.body,
      "aria-invalid=\"true\" aria-describedby=\"author-affiliation-hint author-affiliation-error\""));
  EXPECT_TRUE(Contains(too_long.body, "value=\"" + long_affiliation + "\""));
  EXPECT_TRUE(Contains(too_long.body, ">A &lt;grant&gt; from X.</textarea>"));
  EXPECT_TRUE(Contains(too_long.body, ">Bio &amp; more</textarea>"));
  // 200 characters of two bytes each fit: the limit is in characters.
  std::string two_hundred;
  for (int i = 0; i < 200; ++i) two_hundred += "\xC3\xA9";  // é
  EXPECT_EQ(editor.Post("/admin/authors/tamsin-rees", Profile("Tamsin Rees", two_hundred, "", "")).status,
            303);
  EXPECT_EQ(Author("tamsin-rees")->affiliation, two_hundred);

  auto long_disclosure =
      editor.Post("/admin/authors/tamsin-rees", Profile("Tamsin Rees", "Fellow", std::string(1001, 'd'), ""));
  EXPECT_EQ(long_disclosure.status, 422);
  EXPECT_TRUE(Contains(long_disclosure.body, "id=\"author-disclosure-error\""));
  auto long_bio =
      editor.Post("/admin/authors/tamsin-rees", Profile("Tamsin Rees", "Fellow", "", std::string(2001, 'b')));
  EXPECT_EQ(long_bio.status, 422);
  EXPECT_TRUE(Contains(long_bio.body, "id=\"author-bio-error\""));
  auto no_name = editor.Post("/admin/authors/tamsin-rees", Profile("", "Fellow", "", ""));
  EXPECT_EQ(no_name.status, 422);
  EXPECT_TRUE(Contains(no_name.body, "id=\"author-name-error\""));
  auto stored = Author("tamsin-rees");
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->name, "Tamsin Rees");
  EXPECT_EQ(stored->affiliation, two_hundred);

  // A saved disclosure can be removed: emptied fields are stored empty and
  // the byline no longer shows them.
  ASSERT_EQ(
      editor.Post("/admin/authors/tamsin-rees", Profile("Tamsin Rees", "Fellow", "Grant from X.", "")).status,
      303);
  EXPECT_EQ(Author("tamsin-rees")->disclosure, "Grant from X.");
  auto emptied = editor.Post("/admin/authors/tamsin-rees", Profile("Tamsin Rees", "", "", ""));
  EXPECT_EQ(emptied.status, 303);
  EXPECT_EQ(Author("tamsin-rees")->disclosure, "");
  EXPECT_EQ(Author("tamsin-rees")->affiliation, "");
  auto page = HttpGet(server_->port(), "/authors/tamsin-rees");
  ASSERT_TRUE(page);
  EXPECT_FALSE(Contains(page->body, "Grant from X."));

  // A profile that does not exist.
  EXPECT_EQ(editor.Get("/admin/authors/no-such-person").status, 404);
}

TEST_F(NewsroomAuthorsTest, AnAuthorEditsOnlyTheirOwnProfile) {
  Browser admin = As("admin@example.org");
  const std::string mine = AddProfile(admin, "Auden Author");
  ASSERT_EQ(mine, "auden-author");
  LinkUser(admin, "author@example.org", mine);

  Browser author = As("author@example.org");
  auto dash = author.Get("/admin/");
  ASSERT_EQ(dash.status, 200);
  EXPECT_TRUE(Contains(dash.body, "href=\"/admin/authors/auden-author\" id=\"my-profile-link\""));
  EXPECT_FALSE(Contains(dash.body, "href=\"/admin/authors\""));  // no list in an author's menu

  auto own = author.Get("/admin/authors/auden-author");
  ASSERT_EQ(own.status, 200) << own.body;
  EXPECT_TRUE(Contains(own.body, "id=\"my-profile-link\" aria-current=\"page\""));
  auto saved = author.Post("/admin/authors/auden-author", Profile("Auden Author", "Writer in residence",
                                                                  "No outside funding.", "Writes short."));
  ASSERT_EQ(saved.status, 303) << saved.body;
  EXPECT_EQ(Author("auden-author")->disclosure, "No outside funding.");

  // Anyone else's profile, the list and the add form are closed to them.
  const auto demo_before = Author(kDemoAuthor);
  ASSERT_TRUE(demo_before);
  EXPECT_EQ(author.Get(std::string("/admin/authors/") + kDemoAuthor).status, 403);
  auto other = author.Post(std::string("/admin/authors/") + kDemoAuthor,
                           Profile("Hijacked", "Nowhere", "Nothing to declare.", "Gone."));
  EXPECT_EQ(other.status, 403);
  EXPECT_TRUE(Contains(other.body, "Not allowed"));
  const auto demo_after = Author(kDemoAuthor);
  ASSERT_TRUE(demo_after);
  EXPECT_EQ(demo_after->name, demo_before->name);
  EXPECT_EQ(demo_after->disclosure, demo_before->disclosure);
  EXPECT_EQ(author.Get("/admin/authors/no-such-person").status, 403);
  EXPECT_EQ(author.Get("/admin/authors").status, 403);
  const size_t count = AuthorCount();
  EXPECT_EQ(author.Post("/admin/authors", {{"name", "Sock Puppet"}}).status, 403);
  EXPECT_EQ(AuthorCount(), count);

  // An author without a profile has no "Your profile" and can edit none.
  Browser loner = As("loner@example.org");
  EXPECT_FALSE(Contains(loner.Get("/admin/").body, "my-profile-link"));
  EXPECT_EQ(loner.Get("/admin/authors/auden-author").status, 403);

  // Editors edit every profile, their author's too.
  Browser editor = As("editor@example.org");
  auto by_editor = editor.Post(
      "/admin/authors/auden-author",
      Profile("Auden Author", "Writer in residence", "No outside funding; see policy.", "Writes short."));
  EXPECT_EQ(by_editor.status, 303) << by_editor.body;
  EXPECT_EQ(Author("auden-author")->disclosure, "No outside funding; see policy.");
  auto list = editor.Get("/admin/authors");
  const size_t row = list.body.find("id=\"author-auden-author\"");
  ASSERT_NE(row, std::string::npos);
  EXPECT_TRUE(Contains(list.body.substr(row, list.body.find("</tr>", row) - row), "<li>Auden Author</li>"));
}

TEST_F(NewsroomAuthorsTest, AMissingOrWrongCsrfTokenChangesNothing) {
  Browser admin = As("admin@example.org");
  const auto before = Author(kDemoAuthor);
  ASSERT_TRUE(before);
  const size_t count = AuthorCount();
  const std::string url = std::string("/admin/authors/") + kDemoAuthor;
  const Fields change = Profile("Forged Name", "Forged", "Forged disclosure.", "Forged bio.");

  EXPECT_EQ(admin.Post(url, change, "").status, 403);
  EXPECT_EQ(admin.Post(url, change, "not-the-token").status, 403);
  Browser editor = As("editor@example.org");
  EXPECT_EQ(admin.Post(url, change, editor.csrf).status, 403);  // another session's token
  EXPECT_EQ(admin.Post("/admin/authors", {{"name", "Forged Person"}}, "").status, 403);
  EXPECT_EQ(admin.Post("/admin/authors", {{"name", "Forged Person"}}, "not-the-token").status, 403);

  const auto after = Author(kDemoAuthor);
  ASSERT_TRUE(after);
  EXPECT_EQ(after->name, before->name);
  EXPECT_EQ(after->affiliation, before->affiliation);
  EXPECT_EQ(after->disclosure, before->disclosure);
  EXPECT_EQ(after->bio, before->bio);
  EXPECT_EQ(AuthorCount(), count);
  EXPECT_FALSE(Author("forged-person"));
}

TEST_F(NewsroomAuthorsTest, AnonymousVisitorsAreSentToSignIn) {
  const auto before = Author(kDemoAuthor);
  ASSERT_TRUE(before);
  for (const std::string& target :
       std::vector<std::string>{"/admin/authors", std::string("/admin/authors/") + kDemoAuthor}) {
    auto get = HttpGet(port(), target);
    ASSERT_TRUE(get);
    EXPECT_EQ(get->status, 303) << target;
    EXPECT_EQ(get->Header("location").rfind("/admin/login", 0), 0u) << get->Header("location");
    auto post = HttpRequest(port(), "POST", target, {{"Content-Type", "application/x-www-form-urlencoded"}},
                            FormBody(Profile("Anonymous", "Nowhere", "Nothing.", "No one.")));
    ASSERT_TRUE(post);
    EXPECT_EQ(post->status, 303) << target;
    EXPECT_EQ(post->Header("location").rfind("/admin/login", 0), 0u);
  }
  EXPECT_EQ(Author(kDemoAuthor)->name, before->name);
  EXPECT_FALSE(Author("anonymous"));
}

}  // namespace
}  // namespace chancery::testing
