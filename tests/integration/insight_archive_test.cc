// End-to-end: the insight layer across the archive (issue 5) against a real
// `chancery serve`. The server reads the demo articles, an article imported
// by another process while it runs, and again after an editor changes the
// gazetteer at /admin/actors; `chancery analyze --data D --all` re-reads the
// whole archive. Analyses are checked in the site's database, as the public
// pages would read them.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "harness.h"
#include "newsroom_client.h"
#include "store/store.h"

namespace chancery::testing {
namespace {

using namespace std::chrono_literals;

// The server reads every ~2 s; everything here is bounded well above that.
constexpr auto kPatience = 20s;

int64_t Now() { return static_cast<int64_t>(std::time(nullptr)); }

std::string Article(const std::string& slug, const std::string& title, const std::string& body) {
  return "---\ntitle: \"" + title + "\"\nslug: " + slug +
         "\nauthors: [Test Writer]\ndate: 2025-03-10 09:00\nstatus: published\n---\n\n" + body + "\n";
}

class InsightArchiveTest : public ::testing::Test {
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
  }

  int port() const { return server_->port(); }
  const std::string& data() const { return dir_->path(); }

  Browser As(const std::string& email) {
    auto b = SignIn(port(), email);
    EXPECT_TRUE(b) << "signing in as " << email << "\n" << server_->Log();
    return b.value_or(Browser{});
  }

  // Imports one Markdown file with the command line, as another process.
  void Import(const std::string& slug, const std::string& text) {
    const std::string file = data() + "/" + slug + ".md";
    WriteFile(file, text);
    auto r = RunChancery({"import", "markdown", "--data", data(), file});
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  }

  int64_t IdOf(const std::string& slug) {
    auto article = store_->FindArticle(slug);
    EXPECT_TRUE(article.ok() && article.value()) << slug;
    return article.ok() && article.value() ? article.value()->id : 0;
  }

  std::optional<store::ArticleInsight> InsightOf(int64_t article_id) {
    auto found = store_->FindArticleInsight(article_id);
    EXPECT_TRUE(found.ok()) << found.status().ToString();
    return found.ok() ? *found : std::nullopt;
  }

  static bool Names(const store::ArticleInsight& insight, const std::string& actor) {
    return std::any_of(insight.actors.begin(), insight.actors.end(),
                       [&](const store::InsightActor& a) { return a.id == actor; });
  }

  // Polls until `done` holds or kPatience passes.
  template <typename F>
  bool Eventually(F done) {
    const auto deadline = std::chrono::steady_clock::now() + kPatience;
    while (!done()) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::sleep_for(100ms);
    }
    return true;
  }

  // Waits until the article's analysis names `actor` (or no longer does).
  bool EventuallyNames(int64_t article_id, const std::string& actor, bool named = true) {
    return Eventually([&] {
      auto insight = InsightOf(article_id);
      return insight && Names(*insight, actor) == named;
    });
  }

  size_t EditCount() {
    auto edits = store_->ListGazetteerEdits();
    EXPECT_TRUE(edits.ok());
    return edits.ok() ? edits->size() : 0;
  }

  static TempDir* dir_;
  static ServerProcess* server_;
  std::unique_ptr<store::Store> store_;
};

TempDir* InsightArchiveTest::dir_ = nullptr;
ServerProcess* InsightArchiveTest::server_ = nullptr;

TEST_F(InsightArchiveTest, EveryPublishedDemoArticleIsAnalysed) {
  auto visible = store_->ListVisibleArticles({.now = Now(), .limit = 100});
  ASSERT_TRUE(visible.ok()) << visible.status().ToString();
  ASSERT_GE(visible->items.size(), 4u);
  EXPECT_TRUE(Eventually([&] {
    for (const auto& a : visible->items)
      if (!InsightOf(a.id)) return false;
    return true;
  })) << server_->Log();
  // The demo's South Asia piece names Pakistan and relates it to others.
  auto hedge = InsightOf(IdOf("islamabads-long-hedge"));
  ASSERT_TRUE(hedge);
  EXPECT_TRUE(Names(*hedge, "PAK"));
  EXPECT_FALSE(hedge->pairs.empty());
  EXPECT_NE(hedge->analysis_json.find("\"events\""), std::string::npos);
  // What the public pages ask: the archive's actors.
  auto actors = store_->ListInsightActors({.now = Now()});
  ASSERT_TRUE(actors.ok());
  EXPECT_TRUE(std::any_of(actors->begin(), actors->end(),
                          [](const store::InsightActorStats& s) { return s.actor.id == "PAK"; }));
}

TEST_F(InsightArchiveTest, AnArticleImportedWhileServingIsAnalysed) {
  Import("import-while-serving", Article("import-while-serving", "Talks on the corridor",
                                         "Islamabad and Moscow signed a cooperation agreement on energy.\n\n"
                                         "Beijing welcomed the deal in 2024."));
  const int64_t id = IdOf("import-while-serving");
  ASSERT_GT(id, 0);
  EXPECT_TRUE(EventuallyNames(id, "RUS")) << server_->Log();
  auto insight = InsightOf(id);
  ASSERT_TRUE(insight);
  EXPECT_TRUE(Names(*insight, "PAK"));
  EXPECT_TRUE(Names(*insight, "CHN"));

  // Imported again with a new text under the same date: read again.
  Import("import-while-serving", Article("import-while-serving", "Talks on the corridor",
                                         "Islamabad and Kabul traded accusations over the border."));
  EXPECT_TRUE(EventuallyNames(id, "AFG")) << server_->Log();
  EXPECT_FALSE(Names(*InsightOf(id), "RUS"));
}

TEST_F(InsightArchiveTest, AnalyzeAllRereadsTheArchive) {
  auto before = InsightOf(IdOf("islamabads-long-hedge"));
  auto r = RunChancery({"analyze", "--data", data(), "--all"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  auto page = store_->ListAdminArticles({.limit = 1000});
  ASSERT_TRUE(page.ok());
  EXPECT_NE(r.out.find("analysed " + std::to_string(page->items.size()) + " articles: "), std::string::npos)
      << r.out;
  for (const char* word : {" sentences, ", " actors, ", " pairs in ", " seconds"})
    EXPECT_NE(r.out.find(word), std::string::npos) << word << "\n" << r.out;
  // Not a terminal: a progress line per tenth, ending at 100%.
  EXPECT_NE(r.err.find("analysing: 100% ("), std::string::npos) << r.err;
  // Every article was read again, whatever its analysis.
  auto after = InsightOf(IdOf("islamabads-long-hedge"));
  ASSERT_TRUE(after);
  if (before) {
    EXPECT_GE(after->analyzed_at, before->analyzed_at);
    EXPECT_EQ(after->gazetteer_version, before->gazetteer_version);  // the server's gazetteer
  }
}

TEST_F(InsightArchiveTest, AnalyzeNeedsOneOfItsTwoForms) {
  auto none = RunChancery({"analyze"});
  EXPECT_NE(none.exit_code, 0);
  EXPECT_NE(none.err.find("--text"), std::string::npos) << none.err;
  auto both = RunChancery({"analyze", "--text", "-", "--data", data(), "--all"});
  EXPECT_NE(both.exit_code, 0);
  EXPECT_NE(both.err.find("not both"), std::string::npos) << both.err;
  auto half = RunChancery({"analyze", "--data", data()});
  EXPECT_NE(half.exit_code, 0);
  EXPECT_NE(half.err.find("--all"), std::string::npos) << half.err;
  auto nowhere = RunChancery({"analyze", "--data", data() + "/missing", "--all"});
  EXPECT_NE(nowhere.exit_code, 0);
  EXPECT_NE(nowhere.err.find("holds no site"), std::string::npos) << nowhere.err;
}

TEST_F(InsightArchiveTest, AnAliasAddedInTheNewsroomNamesTheActor) {
  Import("veltrana-talks", Article("veltrana-talks", "Veltrana looks north",
                                   "Veltrana and Moscow agreed to expand their cooperation on trade."));
  const int64_t id = IdOf("veltrana-talks");
  ASSERT_GT(id, 0);
  ASSERT_TRUE(EventuallyNames(id, "RUS")) << server_->Log();
  ASSERT_FALSE(Names(*InsightOf(id), "PAK"));

  Browser editor = As("editor@example.org");
  auto added = editor.Post("/admin/actors/PAK/names", {{"name", "Veltrana"}, {"form", "alias"}});
  ASSERT_EQ(added.status, 303) << added.body;
  EXPECT_EQ(added.Header("location"), "/admin/actors/PAK?named=1");
  EXPECT_TRUE(EventuallyNames(id, "PAK")) << server_->Log();
  auto insight = InsightOf(id);
  ASSERT_TRUE(insight);
  EXPECT_TRUE(std::any_of(insight->pairs.begin(), insight->pairs.end(),
                          [](const store::InsightPair& p) { return p.a == "PAK" && p.b == "RUS"; }));

  // The pages show it: on the actor, in a search, in the edits list.
  auto actor = editor.Get("/admin/actors/PAK");
  EXPECT_EQ(actor.status, 200);
  EXPECT_NE(actor.body.find("Veltrana"), std::string::npos);
  auto search = editor.Get("/admin/actors?q=veltrana");
  EXPECT_EQ(search.status, 200);
  EXPECT_NE(search.body.find("id=\"actor-PAK\""), std::string::npos);
  EXPECT_EQ(search.body.find("id=\"actor-RUS\""), std::string::npos);
  auto edits = store_->ListGazetteerEdits();
  ASSERT_TRUE(edits.ok() && !edits->empty());
  const store::GazetteerEdit edit = edits->back();
  EXPECT_EQ(edit.action, "add_name");
  EXPECT_EQ(edit.actor_id, "PAK");
  EXPECT_EQ(edit.name, "Veltrana");
  EXPECT_EQ(edit.created_by, "editor@example.org");
  EXPECT_NE(search.body.find("/admin/actors/edits/" + std::to_string(edit.id) + "/delete"), std::string::npos);

  // Undo: the article no longer names Pakistan.
  auto undone = editor.Post("/admin/actors/edits/" + std::to_string(edit.id) + "/delete", {});
  ASSERT_EQ(undone.status, 303) << undone.body;
  EXPECT_TRUE(EventuallyNames(id, "PAK", false)) << server_->Log();
  EXPECT_EQ(editor.Post("/admin/actors/edits/" + std::to_string(edit.id) + "/delete", {}).status, 404);
}

TEST_F(InsightArchiveTest, AddingAnActorChecksItFirst) {
  Browser admin = As("admin@example.org");
  const size_t edits = EditCount();

  auto bad_country = admin.Post("/admin/actors", {{"kind", "group"}, {"id", "ZORB"}, {"name", "Zorblat Front"},
                                                  {"country", "XYZ"}});
  EXPECT_EQ(bad_country.status, 422);
  EXPECT_NE(bad_country.body.find("No state has the code “XYZ”"), std::string::npos) << bad_country.body;
  EXPECT_NE(bad_country.body.find("value=\"Zorblat Front\""), std::string::npos);
  EXPECT_NE(bad_country.body.find("value=\"ZORB\""), std::string::npos);

  auto bad_id = admin.Post("/admin/actors", {{"kind", "person"}, {"id", "Jane Doe"}, {"name", "Jane Doe"}});
  EXPECT_EQ(bad_id.status, 422);
  EXPECT_NE(bad_id.body.find("cannot be a person id"), std::string::npos) << bad_id.body;

  auto taken = admin.Post("/admin/actors", {{"kind", "state"}, {"id", "PAK"}, {"name", "Pakistan again"}});
  EXPECT_EQ(taken.status, 422);
  EXPECT_NE(taken.body.find("is taken by Pakistan"), std::string::npos) << taken.body;

  auto bad_merge = admin.Post("/admin/actors/PAK/merge", {{"into", "NATO"}});
  EXPECT_EQ(bad_merge.status, 422);
  EXPECT_NE(bad_merge.body.find("value=\"NATO\""), std::string::npos);
  EXPECT_EQ(EditCount(), edits);  // nothing refused was stored

  auto added = admin.Post("/admin/actors", {{"kind", "group"}, {"id", "ZORB"}, {"name", "Zorblat Front"},
                                            {"country", "PAK"}});
  ASSERT_EQ(added.status, 303) << added.body;
  EXPECT_EQ(added.Header("location"), "/admin/actors/ZORB?added=1");
  auto page = admin.Get("/admin/actors/ZORB?added=1");
  EXPECT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("Zorblat Front"), std::string::npos);
  EXPECT_EQ(EditCount(), edits + 1);
  EXPECT_EQ(admin.Get("/admin/actors/NOBODY").status, 404);
}

TEST_F(InsightArchiveTest, AuthorsMayNotEditTheGazetteer) {
  Browser author = As("author@example.org");
  EXPECT_EQ(author.Get("/admin/actors").status, 403);
  EXPECT_EQ(author.Get("/admin/actors/PAK").status, 403);
  const size_t edits = EditCount();
  EXPECT_EQ(author.Post("/admin/actors/PAK/names", {{"name", "Pakistania"}, {"form", "alias"}}).status, 403);
  EXPECT_EQ(EditCount(), edits);
  // Nor do they see the way there.
  EXPECT_EQ(author.Get("/admin/").body.find("href=\"/admin/actors\""), std::string::npos);
  EXPECT_NE(As("editor@example.org").Get("/admin/").body.find("href=\"/admin/actors\""), std::string::npos);
}

TEST_F(InsightArchiveTest, ChangesWithoutTheCsrfTokenAreRefused) {
  Browser admin = As("admin@example.org");
  const size_t edits = EditCount();
  EXPECT_EQ(admin.Post("/admin/actors/PAK/names", {{"name", "Pakistania"}, {"form", "alias"}}, "").status, 403);
  EXPECT_EQ(admin.Post("/admin/actors", {{"kind", "group"}, {"id", "QQQ"}, {"name", "Q"}}, "wrong").status, 403);
  EXPECT_EQ(admin.Post("/admin/actors/PAK/merge", {{"into", "IND"}}, "").status, 403);
  EXPECT_EQ(EditCount(), edits);
  auto pak = admin.Get("/admin/actors/PAK");
  EXPECT_EQ(pak.body.find("Pakistania"), std::string::npos);
}

}  // namespace
}  // namespace chancery::testing
