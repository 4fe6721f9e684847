// The newsroom's side of articles on the SQLite store: the admin list and
// its tabs, saves under the optimistic lock, slug clashes, revisions,
// autosaves, trash and corrections.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "store/sqlite/db.h"
#include "store/store.h"
#include "support/query_plan.h"

namespace chancery::store {
namespace {

constexpr int64_t kNow = 1'800'000'000;

class EditorialTest : public testing::Test {
 protected:
  void SetUp() override {
    auto store = Store::Open({.url = "sqlite::memory:"});
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
    Author author;
    author.slug = "tahmina-rezvani";
    author.name = "Tahmina Rezvani";
    ASSERT_TRUE(store_->UpsertAuthor(author).ok());
    User user;
    user.email = "ed@example.org";
    user.name = "Ed Itor";
    user.role = Role::kEditor;
    user.password_hash = "x";
    auto added = store_->AddUser(user);
    ASSERT_TRUE(added.ok()) << added.status().ToString();
    editor_ = added->id;
    user.email = "au@example.org";
    user.name = "Au Thor";
    user.role = Role::kAuthor;
    added = store_->AddUser(user);
    ASSERT_TRUE(added.ok());
    author_ = added->id;
  }

  static EditorialArticle Draft(std::string slug, std::string title) {
    EditorialArticle e;
    e.article.slug = std::move(slug);
    e.article.title = std::move(title);
    e.article.body_markdown = "First line\nSecond line\n";
    e.article.body_html = "<p>First line\nSecond line</p>";
    e.article.authors.push_back(Author{0, "tahmina-rezvani", "", "", "", ""});
    e.article.tags.push_back(Tag{0, "south-asia", "South Asia"});
    return e;
  }

  // Saves a new article as `user` and returns it as stored.
  EditorialArticle Create(std::string slug, std::string title, int64_t user) {
    EditorialArticle e = Draft(std::move(slug), std::move(title));
    Status s = store_->SaveArticleRevision(e, {.expected_revision = 0, .user_id = user, .note = "created", .now = kNow});
    EXPECT_TRUE(s.ok()) << s.ToString();
    return e;
  }

  std::unique_ptr<Store> store_;
  int64_t editor_ = 0;
  int64_t author_ = 0;
};

TEST_F(EditorialTest, FilterNamesRoundTrip) {
  for (auto f : {ArticleFilter::kAll, ArticleFilter::kDraft, ArticleFilter::kReview, ArticleFilter::kScheduled,
                 ArticleFilter::kPublished, ArticleFilter::kTrash})
    EXPECT_EQ(ParseArticleFilter(ToString(f)), f);
  EXPECT_FALSE(ParseArticleFilter("bogus"));
}

TEST_F(EditorialTest, CreateSetsIdRevisionOwnerAndLinks) {
  EditorialArticle e = Create("a-thaw", "A Thaw", author_);
  EXPECT_GT(e.article.id, 0);
  EXPECT_EQ(e.revision, 1);
  EXPECT_EQ(e.owner_user_id, author_);
  auto found = store_->FindArticleById(e.article.id);
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->article.title, "A Thaw");
  EXPECT_EQ((*found)->revision, 1);
  EXPECT_EQ((*found)->owner_user_id, author_);
  ASSERT_EQ((*found)->article.authors.size(), 1u);
  EXPECT_EQ((*found)->article.authors[0].name, "Tahmina Rezvani");
  ASSERT_EQ((*found)->article.tags.size(), 1u);
  EXPECT_EQ((*found)->article.tags[0].name, "South Asia");  // created on the fly
  auto missing = store_->FindArticleById(9999);
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());
}

TEST_F(EditorialTest, SaveWithStaleRevisionConflictsAndChangesNothing) {
  EditorialArticle mine = Create("a-thaw", "A Thaw", editor_);
  EditorialArticle theirs = mine;
  theirs.article.title = "Their title";
  ASSERT_TRUE(store_->SaveArticleRevision(theirs, {.expected_revision = 1, .user_id = editor_, .now = kNow + 1}).ok());
  EXPECT_EQ(theirs.revision, 2);

  mine.article.title = "My title";
  Status s = store_->SaveArticleRevision(mine, {.expected_revision = 1, .user_id = editor_, .now = kNow + 2});
  EXPECT_EQ(s.code(), Status::Code::kConflict) << s.ToString();
  EXPECT_EQ(mine.revision, 1);  // the caller's copy is untouched
  auto stored = store_->FindArticleById(mine.article.id);
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_EQ((*stored)->article.title, "Their title");
  EXPECT_EQ((*stored)->revision, 2);
  auto revisions = store_->ListRevisions(mine.article.id);
  ASSERT_TRUE(revisions.ok());
  EXPECT_EQ(revisions->size(), 2u);
}

TEST_F(EditorialTest, SlugClashNamesTheOtherArticle) {
  Create("a-thaw", "A Thaw", editor_);
  EditorialArticle other = Draft("a-thaw", "Another");
  Status s = store_->SaveArticleRevision(other, {.user_id = editor_, .now = kNow});
  EXPECT_EQ(s.code(), Status::Code::kAlreadyExists);
  EXPECT_EQ(s.message(), "the slug 'a-thaw' is used by 'A Thaw'");
  EXPECT_EQ(other.article.id, 0);
}

TEST_F(EditorialTest, UnknownAuthorAndBadSlugAreRejected) {
  EditorialArticle e = Draft("ok-slug", "T");
  e.article.authors[0].slug = "nobody";
  EXPECT_EQ(store_->SaveArticleRevision(e, {.user_id = editor_, .now = kNow}).code(),
            Status::Code::kInvalidArgument);
  e = Draft("Bad Slug", "T");
  EXPECT_EQ(store_->SaveArticleRevision(e, {.user_id = editor_, .now = kNow}).code(),
            Status::Code::kInvalidArgument);
  auto page = store_->ListAdminArticles({});
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->total, 0);
}

TEST_F(EditorialTest, SlugCanChangeOnSaveById) {
  EditorialArticle e = Create("old-slug", "T", editor_);
  e.article.slug = "new-slug";
  ASSERT_TRUE(store_->SaveArticleRevision(e, {.expected_revision = 1, .user_id = editor_, .now = kNow}).ok());
  auto by_slug = store_->FindArticle("new-slug");
  ASSERT_TRUE(by_slug.ok() && by_slug->has_value());
  EXPECT_EQ((*by_slug)->id, e.article.id);
  EXPECT_FALSE(store_->FindArticle("old-slug")->has_value());
}

TEST_F(EditorialTest, ListHasTabCountsOwnerFilterAndSearch) {
  EditorialArticle draft = Create("draft-one", "Draft One", author_);
  EditorialArticle review = Create("in-review", "In Review", author_);
  ASSERT_TRUE(store_->SetInReview(review.article.id, true).ok());
  EditorialArticle published = Create("published", "Published Piece", editor_);
  published.article.status = ArticleStatus::kPublished;
  published.article.published_at = kNow - 10;
  ASSERT_TRUE(store_->SaveArticleRevision(published, {.expected_revision = 1, .user_id = editor_, .now = kNow}).ok());
  EditorialArticle scheduled = Create("scheduled", "Scheduled Piece", editor_);
  scheduled.article.status = ArticleStatus::kScheduled;
  scheduled.article.published_at = kNow + 1000;
  ASSERT_TRUE(store_->SaveArticleRevision(scheduled, {.expected_revision = 1, .user_id = editor_, .now = kNow}).ok());
  EditorialArticle trashed = Create("trashed", "Trashed", editor_);
  ASSERT_TRUE(store_->TrashArticle(trashed.article.id, editor_, kNow).ok());

  auto all = store_->ListAdminArticles({});
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  EXPECT_EQ(all->total, 4);
  EXPECT_EQ(all->counts[ArticleFilter::kDraft], 1);
  EXPECT_EQ(all->counts[ArticleFilter::kReview], 1);
  EXPECT_EQ(all->counts[ArticleFilter::kScheduled], 1);
  EXPECT_EQ(all->counts[ArticleFilter::kPublished], 1);
  EXPECT_EQ(all->counts[ArticleFilter::kTrash], 1);
  EXPECT_TRUE(all->items[0].article.body_markdown.empty());  // lists carry no bodies

  auto mine = store_->ListAdminArticles({.owner_user_id = author_});
  ASSERT_TRUE(mine.ok());
  EXPECT_EQ(mine->total, 2);
  EXPECT_EQ(mine->counts[ArticleFilter::kPublished], 0);

  auto search = store_->ListAdminArticles({.search = "PIECE"});
  ASSERT_TRUE(search.ok());
  EXPECT_EQ(search->total, 2);

  auto trash = store_->ListAdminArticles({.filter = ArticleFilter::kTrash});
  ASSERT_TRUE(trash.ok());
  ASSERT_EQ(trash->items.size(), 1u);
  EXPECT_EQ(trash->items[0].article.slug, "trashed");

  EXPECT_EQ(store_->ListAdminArticles({.limit = 0}).status().code(), Status::Code::kInvalidArgument);
}

TEST_F(EditorialTest, TrashHidesFromReadersAndRestoreBringsBack) {
  EditorialArticle e = Create("live", "Live", editor_);
  e.article.status = ArticleStatus::kPublished;
  e.article.published_at = kNow - 10;
  ASSERT_TRUE(store_->SaveArticleRevision(e, {.expected_revision = 1, .user_id = editor_, .now = kNow}).ok());
  ASSERT_TRUE(store_->FindVisibleArticle("live", kNow)->has_value());

  ASSERT_TRUE(store_->TrashArticle(e.article.id, editor_, kNow).ok());
  EXPECT_FALSE(store_->FindVisibleArticle("live", kNow)->has_value());
  auto trashed = store_->FindArticleById(e.article.id);
  ASSERT_TRUE(trashed.ok() && trashed->has_value());
  EXPECT_EQ((*trashed)->article.status, ArticleStatus::kDraft);
  EXPECT_EQ((*trashed)->trashed_status, ArticleStatus::kPublished);
  EXPECT_EQ((*trashed)->trashed_at, kNow);
  EXPECT_EQ((*trashed)->revision, 3);
  EXPECT_EQ(store_->TrashArticle(e.article.id, editor_, kNow).code(), Status::Code::kInvalidArgument);

  ASSERT_TRUE(store_->RestoreArticle(e.article.id, editor_, kNow).ok());
  EXPECT_TRUE(store_->FindVisibleArticle("live", kNow)->has_value());
  auto restored = store_->FindArticleById(e.article.id);
  EXPECT_EQ((*restored)->trashed_at, 0);
  EXPECT_EQ((*restored)->revision, 4);
  EXPECT_EQ(store_->RestoreArticle(e.article.id, editor_, kNow).code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(store_->TrashArticle(12345, editor_, kNow).code(), Status::Code::kNotFound);
}

TEST_F(EditorialTest, RevisionsKeepEachSaveWholeAndNewestFirst) {
  EditorialArticle e = Create("r", "First title", editor_);
  e.article.title = "Second title";
  e.article.body_markdown = "changed";
  e.article.tags.push_back(Tag{0, "diplomacy", "Diplomacy"});
  ASSERT_TRUE(store_->SaveArticleRevision(e, {.expected_revision = 1, .user_id = editor_, .note = "edit", .now = kNow + 5}).ok());
  auto list = store_->ListRevisions(e.article.id);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].revision, 2);
  EXPECT_EQ((*list)[0].title, "Second title");
  EXPECT_EQ((*list)[0].note, "edit");
  EXPECT_EQ((*list)[0].saved_by_name, "Ed Itor");
  EXPECT_EQ((*list)[1].title, "First title");

  auto one = store_->FindRevision(e.article.id, (*list)[0].id);
  ASSERT_TRUE(one.ok() && one->has_value());
  EXPECT_EQ((*one)->body_markdown, "changed");
  ASSERT_EQ((*one)->tags.size(), 2u);
  EXPECT_EQ((*one)->tags[1].name, "Diplomacy");
  ASSERT_EQ((*one)->authors.size(), 1u);
  EXPECT_EQ((*one)->authors[0].slug, "tahmina-rezvani");
  // A revision is found only through its own article.
  EXPECT_FALSE(store_->FindRevision(e.article.id + 1, (*list)[0].id)->has_value());
}

TEST_F(EditorialTest, AutosaveNeverMovesTheArticleAndKeepsOnePerUser) {
  EditorialArticle e = Create("auto", "Saved", editor_);
  EditorialArticle draft = e;
  draft.article.title = "Typed \"quoted\" title\n";
  auto first = store_->SaveAutosave(draft, editor_, kNow + 1);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_TRUE(first->is_autosave);
  EXPECT_EQ(first->note, "autosave");
  EXPECT_EQ(first->revision, 1);
  draft.article.title = "Typed more";
  ASSERT_TRUE(store_->SaveAutosave(draft, editor_, kNow + 2).ok());
  ASSERT_TRUE(store_->SaveAutosave(draft, author_, kNow + 3).ok());

  auto stored = store_->FindArticleById(e.article.id);
  EXPECT_EQ((*stored)->article.title, "Saved");
  EXPECT_EQ((*stored)->revision, 1);
  auto list = store_->ListRevisions(e.article.id);
  ASSERT_TRUE(list.ok());
  int autosaves = 0;
  for (const auto& r : *list) autosaves += r.is_autosave ? 1 : 0;
  EXPECT_EQ(autosaves, 2);  // one per user
  EXPECT_EQ(list->size(), 3u);

  draft.article.id = 4242;
  EXPECT_EQ(store_->SaveAutosave(draft, editor_, kNow).status().code(), Status::Code::kNotFound);
}

TEST_F(EditorialTest, CorrectionIsRecordedWithTheSaveAndListedNewestFirst) {
  EditorialArticle e = Create("fixed", "Fixed", editor_);
  e.article.status = ArticleStatus::kPublished;
  e.article.published_at = kNow - 100;
  ASSERT_TRUE(store_->SaveArticleRevision(e, {.expected_revision = 1, .user_id = editor_, .now = kNow}).ok());

  // A correction without a note is refused and changes nothing.
  Status s = store_->SaveArticleRevision(
      e, {.expected_revision = 2, .user_id = editor_, .is_correction = true, .now = kNow + 1});
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(store_->FindArticleById(e.article.id)->value().revision, 2);

  ASSERT_TRUE(store_->SaveArticleRevision(e, {.expected_revision = 2, .user_id = editor_, .is_correction = true,
                                              .correction_note = "The summit was in 2003, not 2004.", .now = kNow + 1})
                  .ok());
  ASSERT_TRUE(store_->SaveArticleRevision(e, {.expected_revision = 3, .user_id = editor_, .is_correction = true,
                                              .correction_note = "A name was misspelt.", .now = kNow + 2})
                  .ok());
  EditorialArticle hidden = Create("hidden", "Hidden draft", editor_);
  ASSERT_TRUE(store_->SaveArticleRevision(hidden, {.expected_revision = 1, .user_id = editor_, .is_correction = true,
                                                   .correction_note = "Draft fix.", .now = kNow + 3})
                  .ok());

  auto for_article = store_->ListCorrections(e.article.id, 0, 10);
  ASSERT_TRUE(for_article.ok());
  ASSERT_EQ(for_article->size(), 2u);
  EXPECT_EQ((*for_article)[0].note, "A name was misspelt.");
  EXPECT_EQ((*for_article)[0].revision, 4);
  EXPECT_EQ((*for_article)[0].article_slug, "fixed");
  EXPECT_EQ((*for_article)[1].note, "The summit was in 2003, not 2004.");

  auto all = store_->ListCorrections(0, 0, 10);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 3u);
  auto visible = store_->ListCorrections(0, kNow + 10, 10);  // readers see only visible articles'
  ASSERT_TRUE(visible.ok());
  EXPECT_EQ(visible->size(), 2u);
  // One article's, as its page asks: the same rows, the hidden one's none.
  auto on_page = store_->ListCorrections(e.article.id, kNow + 10, 1);
  ASSERT_TRUE(on_page.ok());
  ASSERT_EQ(on_page->size(), 1u);
  EXPECT_EQ((*on_page)[0].note, "A name was misspelt.");
  auto hidden_page = store_->ListCorrections(hidden.article.id, kNow + 10, 10);
  ASSERT_TRUE(hidden_page.ok());
  EXPECT_TRUE(hidden_page->empty());
  EXPECT_EQ(store_->ListCorrections(hidden.article.id, 0, 10)->size(), 1u);
  auto revisions = store_->ListRevisions(e.article.id);
  EXPECT_TRUE((*revisions)[0].is_correction);
}

TEST_F(EditorialTest, ImporterUpdatesStillMoveTheRevision) {
  EditorialArticle e = Create("imported", "Imported", editor_);
  Article plain = e.article;
  plain.title = "Changed by an import";
  ASSERT_TRUE(store_->SaveArticle(plain).ok());
  auto stored = store_->FindArticleById(e.article.id);
  EXPECT_EQ((*stored)->revision, 2);  // so an editor holding revision 1 gets a conflict
}

// An article page lists its own corrections through corrections_by_article,
// not by walking every correction of the site. (The query is kOfArticle in
// editorial.cc's ListCorrections; keep the two in step.)
TEST(EditorialPlanTest, AnArticlesCorrectionsUseTheirIndex) {
  std::string dir = testing::TempDir() + "chancery-editorial-plan-XXXXXX";
  ASSERT_NE(mkdtemp(dir.data()), nullptr);
  {
    auto store = Store::Open({.url = "sqlite:" + dir + "/chancery.db"});
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    auto db = sqlite::Connection::Open({.path = dir + "/chancery.db", .create = false});
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    auto found = test_support::QueryPlan(
        **db,
        "SELECT c.id, c.article_id, c.revision, c.note, c.created_at, c.created_by_user_id,"
        " a.slug, a.title FROM corrections c JOIN articles a ON a.id = c.article_id WHERE c.article_id = ?1 AND"
        " (?2 = 0 OR (a.status IN ('published', 'scheduled') AND a.published_at <= ?2))"
        " ORDER BY c.created_at DESC, c.id DESC LIMIT ?3");
    ASSERT_TRUE(found.ok()) << found.status().ToString();
    const std::string& plan = *found;
    EXPECT_NE(plan.find("corrections_by_article (article_id=?)"), std::string::npos) << plan;
    EXPECT_EQ(plan.find("TEMP B-TREE"), std::string::npos) << plan;
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace chancery::store
