// The change log the page cache polls (0007_changes.sql, changes.cc): which
// writes record which scope and which record nothing, what another process's
// writes look like, one row per scope, pruning and gaps, the read limit, and
// when the next scheduled article comes due.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "store/sqlite/db.h"
#include "store/store.h"
#include "support/query_plan.h"

namespace chancery::store {
namespace {

using Scopes = std::vector<std::string>;

constexpr int64_t kNow = 1'800'000'000;
constexpr int64_t kDay = 24 * 60 * 60;

class ChangesTest : public testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = testing::TempDir() + "chancery-changes-XXXXXX";
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    path_ = (dir_ / "chancery.db").string();
    store_ = Open();
    ASSERT_NE(store_, nullptr);

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
    Drain();  // the setup's own changes
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::unique_ptr<Store> Open() {
    auto store = Store::Open({.url = "sqlite:" + path_});
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return store.ok() ? std::move(store).value() : nullptr;
  }

  // A plain connection beside the store, as another process would have.
  std::unique_ptr<sqlite::Connection> Raw() {
    sqlite::ConnectionOptions options;
    options.path = path_;
    options.create = false;
    auto db = sqlite::Connection::Open(options);
    EXPECT_TRUE(db.ok()) << db.status().ToString();
    return db.ok() ? std::move(db).value() : nullptr;
  }

  void Exec(const std::string& sql) {
    auto db = Raw();
    ASSERT_NE(db, nullptr);
    Status s = db->ExecScript(sql);
    ASSERT_TRUE(s.ok()) << sql << ": " << s.ToString();
  }

  int64_t Count(const std::string& sql) {
    auto db = Raw();
    if (db == nullptr) return -1;
    auto n = db->QueryInt(sql);
    EXPECT_TRUE(n.ok()) << sql << ": " << n.status().ToString();
    return n.ok() ? *n : -1;
  }

  // The scopes written since the last call, read as the cache's poller would.
  Scopes Drain() {
    auto batch = store_->ReadChanges(position_);
    EXPECT_TRUE(batch.ok()) << batch.status().ToString();
    if (!batch.ok()) return {"<error>"};
    EXPECT_FALSE(batch->gap);
    position_ = batch->last_id;
    return batch->scopes;
  }

  // Rows in the log after the poller's position (without moving it).
  int64_t RowsPending() {
    return Count("SELECT count(*) FROM changes WHERE id > " + std::to_string(position_));
  }

  static Article MakeArticle(std::string slug, ArticleStatus status, int64_t published_at) {
    Article a;
    a.slug = std::move(slug);
    a.title = "Title of " + a.slug;
    a.body_markdown = "Islamabad and Moscow met.";
    a.body_html = "<p>Islamabad and Moscow met.</p>";
    a.plain_text = "Islamabad and Moscow met.";
    a.status = status;
    a.published_at = published_at;
    a.updated_at = published_at;
    a.created_at = kNow - kDay;
    a.authors.push_back(Author{0, "tahmina-rezvani", "", "", "", ""});
    a.tags = {Tag{0, "south-asia", "South Asia"}, Tag{0, "diplomacy", "Diplomacy"},
              Tag{0, "energy", "Energy"}};
    return a;
  }

  // Saves through the importer's path (SaveArticle) and returns the id.
  int64_t Put(Article a) {
    auto saved = store_->SaveArticle(a);
    EXPECT_TRUE(saved.ok()) << saved.status().ToString();
    return a.id;
  }
  int64_t Published(const std::string& slug) {
    return Put(MakeArticle(slug, ArticleStatus::kPublished, kNow - 10));
  }
  int64_t Draft(const std::string& slug) { return Put(MakeArticle(slug, ArticleStatus::kDraft, 0)); }

  Comment MakeComment(int64_t article_id, CommentStatus status, std::string body = "A fair point.") {
    Comment c;
    c.article_id = article_id;
    c.author_name = "Reader";
    c.author_email = "reader@example.org";
    c.body = std::move(body);
    c.status = status;
    c.ip = "192.0.2.1";
    c.created_at = kNow - 100;
    auto added = store_->AddComment(c);
    EXPECT_TRUE(added.ok()) << added.status().ToString();
    return added.ok() ? *added : c;
  }

  static std::string CommentsOf(int64_t article_id) { return "comments:" + std::to_string(article_id); }

  void Analyse(int64_t article_id, const std::string& json = "{\"actors\":[]}") {
    ArticleInsight insight;
    insight.article_id = article_id;
    insight.analyzed_at = kNow;
    insight.article_updated_at = kNow - 10;
    insight.gazetteer_version = "builtin-1";
    insight.analysis_json = json;
    insight.actors = {InsightActor{"PAK", "Pakistan", "state", "", 2},
                      InsightActor{"RUS", "Russia", "state", "", 1}};
    insight.pairs = {InsightPair{"PAK", "RUS", 2.5, 1}};
    Status s = store_->SaveArticleInsight(insight);
    EXPECT_TRUE(s.ok()) << s.ToString();
  }

  std::filesystem::path dir_;
  std::string path_;
  std::unique_ptr<Store> store_;
  int64_t editor_ = 0;
  int64_t position_ = 0;
};

// ---- The log itself ------------------------------------------------------------

TEST_F(ChangesTest, EmptyLogReadsNothing) {
  auto fresh = Store::Open({.url = "sqlite::memory:"});
  ASSERT_TRUE(fresh.ok());
  EXPECT_EQ(*(*fresh)->LastChangeId(), 0);
  auto batch = (*fresh)->ReadChanges(0);
  ASSERT_TRUE(batch.ok()) << batch.status().ToString();
  EXPECT_EQ(batch->last_id, 0);
  EXPECT_FALSE(batch->gap);
  EXPECT_TRUE(batch->scopes.empty());
}

TEST_F(ChangesTest, NothingNewKeepsThePosition) {
  const int64_t last = *store_->LastChangeId();
  EXPECT_GT(last, 0);  // the setup's author
  auto batch = store_->ReadChanges(last);
  ASSERT_TRUE(batch.ok());
  EXPECT_EQ(batch->last_id, last);
  EXPECT_FALSE(batch->gap);
  EXPECT_TRUE(batch->scopes.empty());
}

TEST_F(ChangesTest, BadArgumentsAreRefused) {
  EXPECT_EQ(store_->ReadChanges(0, 0).status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(store_->ReadChanges(0, 10001).status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(store_->ReadChanges(-1).status().code(), Status::Code::kInvalidArgument);
}

TEST_F(ChangesTest, ScopesComeDistinctInFirstSeenOrder) {
  const int64_t a = Published("a-thaw");
  const int64_t b = Published("a-freeze");
  Drain();
  MakeComment(b, CommentStatus::kApproved);
  ASSERT_TRUE(store_->PutSetting("site.title", "The Tidemark Review").ok());
  MakeComment(a, CommentStatus::kApproved);
  EXPECT_EQ(Drain(), (Scopes{CommentsOf(b), "site", CommentsOf(a)}));
}

// A save rewrites the article, its tags and its authors; the log keeps one
// row per scope, and a busy thread stays one row however many commits.
TEST_F(ChangesTest, OneRowPerScopeHoweverManyWrites) {
  const int64_t id = Published("a-thaw");
  EXPECT_EQ(RowsPending(), 1);
  EXPECT_EQ(Drain(), Scopes{"site"});
  for (int i = 0; i < 20; ++i) MakeComment(id, CommentStatus::kApproved, "Point " + std::to_string(i));
  EXPECT_EQ(RowsPending(), 1);
  EXPECT_EQ(Drain(), Scopes{CommentsOf(id)});
  EXPECT_EQ(Count("SELECT count(*) FROM changes"), 2);  // one 'site', one thread
}

TEST_F(ChangesTest, ReadStopsAtTheLimitAndResumes) {
  const int64_t a = Published("a-thaw");
  const int64_t b = Published("a-freeze");
  Drain();
  MakeComment(a, CommentStatus::kApproved);
  MakeComment(b, CommentStatus::kApproved);
  ASSERT_TRUE(store_->PutSetting("site.title", "New").ok());
  auto first = store_->ReadChanges(position_, 2);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->scopes, (Scopes{CommentsOf(a), CommentsOf(b)}));
  EXPECT_LT(first->last_id, *store_->LastChangeId());
  auto rest = store_->ReadChanges(first->last_id, 2);
  ASSERT_TRUE(rest.ok());
  EXPECT_EQ(rest->scopes, Scopes{"site"});
  EXPECT_EQ(rest->last_id, *store_->LastChangeId());
}

// Rolled-back writes leave no row, and the id they took is given again.
TEST_F(ChangesTest, FailedWriteLeavesNoRow) {
  const int64_t before = *store_->LastChangeId();
  Article a = MakeArticle("a-thaw", ArticleStatus::kPublished, kNow - 10);
  a.authors = {Author{0, "new-author", "New Author", "", "", ""}, Author{0, "nameless", "", "", "", ""}};
  EXPECT_FALSE(store_->SaveArticle(a).ok());  // the second author needs a name
  EXPECT_EQ(*store_->LastChangeId(), before);
  EXPECT_TRUE(Drain().empty());
  ASSERT_TRUE(store_->PutSetting("site.title", "New").ok());
  EXPECT_EQ(*store_->LastChangeId(), before + 1);
}

// ---- 'site' ----------------------------------------------------------------------

TEST_F(ChangesTest, PublishedOrScheduledArticleSaveWritesSite) {
  Published("a-thaw");
  EXPECT_EQ(Drain(), Scopes{"site"});
  Put(MakeArticle("next-week", ArticleStatus::kScheduled, kNow + 7 * kDay));
  EXPECT_EQ(Drain(), Scopes{"site"});
  // A published article dated in the future is scheduled in all but name.
  Put(MakeArticle("later", ArticleStatus::kPublished, kNow + 30 * kDay));
  EXPECT_EQ(Drain(), Scopes{"site"});
  Article edited = MakeArticle("a-thaw", ArticleStatus::kPublished, kNow - 10);
  edited.title = "A Thaw, Revised";
  Put(edited);
  EXPECT_EQ(Drain(), Scopes{"site"});
}

TEST_F(ChangesTest, DraftSavesWriteNothing) {
  Article a = MakeArticle("a-draft", ArticleStatus::kDraft, 0);
  a.tags.push_back(Tag{0, "brand-new-tag", "Brand New Tag"});  // a tag created in passing
  Put(a);
  a.title = "A Draft, Retitled";
  Put(a);
  EXPECT_EQ(RowsPending(), 0);
  EXPECT_TRUE(Drain().empty());
}

TEST_F(ChangesTest, NewsroomDraftRevisionsAutosavesReviewAndTrashWriteNothing) {
  EditorialArticle e;
  e.article = MakeArticle("a-draft", ArticleStatus::kDraft, 0);
  e.article.tags.push_back(Tag{0, "newsroom-tag", "Newsroom Tag"});
  ASSERT_TRUE(store_->SaveArticleRevision(e, {.user_id = editor_, .note = "created", .now = kNow}).ok());
  e.article.body_markdown = "Typing more.";
  ASSERT_TRUE(
      store_->SaveArticleRevision(e, {.expected_revision = e.revision, .user_id = editor_, .now = kNow + 1})
          .ok());
  for (int i = 0; i < 5; ++i) {
    e.article.body_markdown = "Typing, autosave " + std::to_string(i);
    ASSERT_TRUE(store_->SaveAutosave(e, editor_, kNow + 5 * (i + 1)).ok());
  }
  ASSERT_TRUE(store_->SetInReview(e.article.id, true).ok());
  ASSERT_TRUE(store_->TrashArticle(e.article.id, editor_, kNow + 60).ok());
  ASSERT_TRUE(store_->RestoreArticle(e.article.id, editor_, kNow + 61).ok());
  EXPECT_EQ(RowsPending(), 0);
  EXPECT_TRUE(Drain().empty());
}

TEST_F(ChangesTest, PublishingUnpublishingTrashAndRestoreWriteSite) {
  EditorialArticle e;
  e.article = MakeArticle("a-thaw", ArticleStatus::kDraft, 0);
  ASSERT_TRUE(store_->SaveArticleRevision(e, {.user_id = editor_, .now = kNow}).ok());
  EXPECT_TRUE(Drain().empty());

  e.article.status = ArticleStatus::kPublished;
  e.article.published_at = kNow;
  ASSERT_TRUE(
      store_->SaveArticleRevision(e, {.expected_revision = e.revision, .user_id = editor_, .now = kNow})
          .ok());
  EXPECT_EQ(Drain(), Scopes{"site"});
  ASSERT_TRUE(store_->TrashArticle(e.article.id, editor_, kNow + 1).ok());
  EXPECT_EQ(Drain(), Scopes{"site"});
  ASSERT_TRUE(store_->RestoreArticle(e.article.id, editor_, kNow + 2).ok());
  EXPECT_EQ(Drain(), Scopes{"site"});

  auto stored = store_->FindArticleById(e.article.id);
  ASSERT_TRUE(stored.ok() && stored->has_value());
  e = **stored;
  e.article.status = ArticleStatus::kDraft;  // unpublished: readers lose it
  ASSERT_TRUE(
      store_->SaveArticleRevision(e, {.expected_revision = e.revision, .user_id = editor_, .now = kNow + 3})
          .ok());
  EXPECT_EQ(Drain(), Scopes{"site"});
}

TEST_F(ChangesTest, BookkeepingOnAPublishedArticleWritesNothing) {
  const int64_t id = Published("a-thaw");
  Drain();
  ASSERT_TRUE(store_->SetInReview(id, true).ok());
  Exec("UPDATE articles SET revision = revision + 1 WHERE id = " + std::to_string(id));
  EXPECT_TRUE(Drain().empty());
}

TEST_F(ChangesTest, CorrectionOnAPublishedArticleWritesSite) {
  EditorialArticle e;
  e.article = MakeArticle("a-thaw", ArticleStatus::kPublished, kNow - 10);
  ASSERT_TRUE(store_->SaveArticleRevision(e, {.user_id = editor_, .now = kNow}).ok());
  Drain();
  // Only the correction row changes: the same content saved with a note.
  Exec("INSERT INTO corrections (article_id, revision, note, created_at) VALUES (" +
       std::to_string(e.article.id) + ", 1, 'The summit was in 2003.', " + std::to_string(kNow) + ")");
  EXPECT_EQ(Drain(), Scopes{"site"});
  ASSERT_TRUE(store_
                  ->SaveArticleRevision(e, {.expected_revision = e.revision,
                                            .user_id = editor_,
                                            .is_correction = true,
                                            .correction_note = "Fixed a date.",
                                            .now = kNow + 1})
                  .ok());
  EXPECT_EQ(Drain(), Scopes{"site"});
}

TEST_F(ChangesTest, CorrectionOfADraftWritesNothing) {
  const int64_t id = Draft("a-draft");
  Exec("INSERT INTO corrections (article_id, revision, note, created_at) VALUES (" + std::to_string(id) +
       ", 1, 'Not yet public.', " + std::to_string(kNow) + ")");
  EXPECT_TRUE(Drain().empty());
}

TEST_F(ChangesTest, SettingsWriteSiteOnlyWhenTheValueChanges) {
  ASSERT_TRUE(store_->PutSetting("site.tagline", "Analysis").ok());
  EXPECT_EQ(Drain(), Scopes{"site"});
  ASSERT_TRUE(store_->PutSetting("site.tagline", "Analysis").ok());  // the settings form saves every key
  EXPECT_TRUE(Drain().empty());
  ASSERT_TRUE(store_->PutSetting("site.tagline", "Policy analysis").ok());
  EXPECT_EQ(Drain(), Scopes{"site"});
  Exec("DELETE FROM settings WHERE key = 'site.tagline'");
  EXPECT_EQ(Drain(), Scopes{"site"});
}

TEST_F(ChangesTest, TagsWriteSiteWhenRenamedNotWhenCreated) {
  auto tag = store_->UpsertTag(Tag{0, "south-asia", "South Asia"});
  ASSERT_TRUE(tag.ok());
  EXPECT_TRUE(Drain().empty());  // on no article yet
  ASSERT_TRUE(store_->UpsertTag(Tag{0, "south-asia", "South Asia"}).ok());
  EXPECT_TRUE(Drain().empty());  // the same name again
  ASSERT_TRUE(store_->UpsertTag(Tag{0, "south-asia", "Southern Asia"}).ok());
  EXPECT_EQ(Drain(), Scopes{"site"});
  Exec("DELETE FROM tags WHERE slug = 'south-asia'");
  EXPECT_EQ(Drain(), Scopes{"site"});
}

TEST_F(ChangesTest, AuthorsWriteSiteWhenAddedOrChanged) {
  Author a;
  a.slug = "julian-ashcombe";
  a.name = "Julian Ashcombe";
  ASSERT_TRUE(store_->AddAuthor(a).ok());
  EXPECT_EQ(Drain(), Scopes{"site"});  // the profile page exists from now on
  ASSERT_TRUE(store_->UpsertAuthor(a).ok());
  EXPECT_TRUE(Drain().empty());  // a byline naming the author again
  a.bio = "Writes on the Gulf.";
  ASSERT_TRUE(store_->UpdateAuthor(a).ok());
  EXPECT_EQ(Drain(), Scopes{"site"});
}

TEST_F(ChangesTest, LinksOfVisibleArticlesWriteSiteAndOfDraftsNothing) {
  const int64_t published = Published("a-thaw");
  const int64_t draft = Draft("a-draft");
  Drain();
  const auto tag = store_->UpsertTag(Tag{0, "gulf", "Gulf"});
  ASSERT_TRUE(tag.ok());
  Exec("INSERT INTO article_tags (article_id, tag_id, position) VALUES (" + std::to_string(draft) + ", " +
       std::to_string(tag->id) + ", 9)");
  Exec("DELETE FROM article_authors WHERE article_id = " + std::to_string(draft));
  EXPECT_TRUE(Drain().empty());
  Exec("INSERT INTO article_tags (article_id, tag_id, position) VALUES (" + std::to_string(published) + ", " +
       std::to_string(tag->id) + ", 9)");
  EXPECT_EQ(Drain(), Scopes{"site"});
  Exec("DELETE FROM article_authors WHERE article_id = " + std::to_string(published));
  EXPECT_EQ(Drain(), Scopes{"site"});
}

// Every column of `articles` is either shown to readers (a change writes
// 'site') or the newsroom's bookkeeping (nothing). A column added later
// fails here until 0007's trigger and this list both classify it.
TEST_F(ChangesTest, EveryArticleColumnIsClassified) {
  const std::set<std::string> bookkeeping = {"revision", "in_review", "owner_user_id"};
  const std::vector<std::pair<std::string, std::string>> shown = {
      {"slug", "'a-thaw-2'"},
      {"title", "title || '!'"},
      {"dek", "dek || '!'"},
      {"body_markdown", "body_markdown || '!'"},
      {"body_html", "body_html || '!'"},
      {"toc_json", "'[{}]'"},
      {"excerpt", "excerpt || '!'"},
      {"plain_text", "plain_text || '!'"},
      {"reading_minutes", "reading_minutes + 1"},
      {"status", "'scheduled'"},
      {"published_at", "published_at + 1"},
      {"updated_at", "updated_at + 1"},
      {"created_at", "created_at + 1"},
      {"image_url", "image_url || 'x'"},
      {"image_credit", "image_credit || 'x'"},
      {"image_alt", "image_alt || 'x'"},
      {"image_caption", "image_caption || 'x'"},
      {"image_width", "image_width + 1"},
      {"image_height", "image_height + 1"},
      {"comments_open", "1 - comments_open"},
      {"trashed_at", "trashed_at + 1"},
      {"trashed_status", "'published'"},
  };
  std::set<std::string> classified = bookkeeping;
  classified.insert("id");  // the key; links refer to it and it never changes
  for (const auto& [column, value] : shown) classified.insert(column);
  auto db = Raw();
  ASSERT_NE(db, nullptr);
  auto columns = db->Prepare("SELECT name FROM pragma_table_info('articles')");
  ASSERT_TRUE(columns.ok());
  for (;;) {
    auto row = (*columns)->Step();
    ASSERT_TRUE(row.ok());
    if (!*row) break;
    EXPECT_TRUE(classified.count((*columns)->Text(0)))
        << "articles." << (*columns)->Text(0) << " is not classified";
  }

  const int64_t id = Published("a-thaw");
  Drain();
  for (const auto& [column, value] : shown) {
    Exec("UPDATE articles SET " + column + " = " + value + " WHERE id = " + std::to_string(id));
    EXPECT_EQ(Drain(), Scopes{"site"}) << column;
    Exec("UPDATE articles SET status = 'published' WHERE id = " + std::to_string(id));
    Drain();
  }
  Exec("UPDATE articles SET revision = revision + 1, in_review = 1, owner_user_id = " +
       std::to_string(editor_) + " WHERE id = " + std::to_string(id));
  EXPECT_TRUE(Drain().empty());
}

// ---- 'comments:<article id>' ------------------------------------------------------

TEST_F(ChangesTest, ApprovedCommentWritesItsThread) {
  const int64_t id = Published("a-thaw");
  Drain();
  const Comment c = MakeComment(id, CommentStatus::kApproved);
  EXPECT_EQ(Drain(), Scopes{CommentsOf(id)});
  ASSERT_TRUE(store_->EditComment(c.id, "A fairer point.", kNow).ok());
  EXPECT_EQ(Drain(), Scopes{CommentsOf(id)});
  ASSERT_TRUE(store_->UpdateCommentStatus(c.id, CommentStatus::kTrash, "mod@example.org", "", kNow).ok());
  EXPECT_EQ(Drain(), Scopes{CommentsOf(id)});
}

TEST_F(ChangesTest, HeldCommentsWriteNothingUntilApproved) {
  const int64_t id = Published("a-thaw");
  Drain();
  const Comment held = MakeComment(id, CommentStatus::kPending);
  const Comment spam = MakeComment(id, CommentStatus::kSpam, "Buy now");
  EXPECT_TRUE(Drain().empty());
  ASSERT_TRUE(store_->EditComment(held.id, "Edited while held.", kNow).ok());
  ASSERT_TRUE(
      store_->UpdateCommentStatus(spam.id, CommentStatus::kTrash, "mod@example.org", "junk", kNow).ok());
  ASSERT_TRUE(store_->UpdateCommentStatus(held.id, CommentStatus::kSpam, "mod@example.org", "", kNow).ok());
  ASSERT_TRUE(
      store_->UpdateCommentStatus(held.id, CommentStatus::kPending, "mod@example.org", "", kNow).ok());
  ASSERT_TRUE(store_->DeleteComment(spam.id, "mod@example.org", kNow).ok());
  EXPECT_EQ(RowsPending(), 0);
  EXPECT_TRUE(Drain().empty());
  ASSERT_TRUE(
      store_->UpdateCommentStatus(held.id, CommentStatus::kApproved, "mod@example.org", "", kNow).ok());
  EXPECT_EQ(Drain(), Scopes{CommentsOf(id)});
  ASSERT_TRUE(store_->DeleteComment(held.id, "mod@example.org", kNow).ok());
  EXPECT_EQ(Drain(), Scopes{CommentsOf(id)});
}

TEST_F(ChangesTest, ErasingIpsOfApprovedCommentsWritesNothing) {
  const int64_t id = Published("a-thaw");
  MakeComment(id, CommentStatus::kApproved);
  Drain();
  auto erased = store_->EraseIpsOlderThan(kNow);
  ASSERT_TRUE(erased.ok());
  EXPECT_EQ(*erased, 1);
  EXPECT_TRUE(Drain().empty());
}

// As for articles: every comment column is shown (a change of an approved
// comment writes its thread) or private.
TEST_F(ChangesTest, EveryCommentColumnIsClassified) {
  const std::set<std::string> hidden = {"author_email", "status_reason", "ip", "user_agent"};
  const std::vector<std::pair<std::string, std::string>> shown = {
      {"author_name", "author_name || '!'"},
      {"author_url", "'https://example.org/'"},
      {"body", "body || '!'"},
      {"status", "'trash'"},
      {"created_at", "created_at + 1"},
      {"updated_at", "updated_at + 1"},
      {"parent_id", "NULL"},
  };
  std::set<std::string> classified = hidden;
  classified.insert({"id", "article_id"});  // the keys (article_id is tested below)
  for (const auto& [column, value] : shown) classified.insert(column);
  auto db = Raw();
  ASSERT_NE(db, nullptr);
  auto columns = db->Prepare("SELECT name FROM pragma_table_info('comments')");
  ASSERT_TRUE(columns.ok());
  for (;;) {
    auto row = (*columns)->Step();
    ASSERT_TRUE(row.ok());
    if (!*row) break;
    EXPECT_TRUE(classified.count((*columns)->Text(0)))
        << "comments." << (*columns)->Text(0) << " is not classified";
  }

  const int64_t a = Published("a-thaw");
  const int64_t b = Published("a-freeze");
  const Comment parent = MakeComment(a, CommentStatus::kApproved);
  Comment reply;
  reply.article_id = a;
  reply.parent_id = parent.id;
  reply.author_name = "Other";
  reply.author_email = "other@example.org";
  reply.body = "Agreed.";
  reply.status = CommentStatus::kApproved;
  auto added = store_->AddComment(reply);
  ASSERT_TRUE(added.ok());
  Drain();
  const std::string where = " WHERE id = " + std::to_string(added->id);
  for (const auto& [column, value] : shown) {
    Exec("UPDATE comments SET " + column + " = " + value + where);
    EXPECT_EQ(Drain(), Scopes{CommentsOf(a)}) << column;
    Exec("UPDATE comments SET status = 'approved'" + where);
    Drain();
  }
  Exec(
      "UPDATE comments SET author_email = 'x@example.org', status_reason = 'why', ip = '', user_agent = "
      "'ua'" +
      where);
  EXPECT_TRUE(Drain().empty());
  Exec("UPDATE comments SET article_id = " + std::to_string(b) + where);
  EXPECT_EQ(Drain(), (Scopes{CommentsOf(b), CommentsOf(a)}));
}

// ---- 'insight' -------------------------------------------------------------------

TEST_F(ChangesTest, AnalysisOfAVisibleArticleWritesInsight) {
  const int64_t id = Published("a-thaw");
  Drain();
  Analyse(id);
  EXPECT_EQ(RowsPending(), 1);  // the row replaced, its index rows with it
  EXPECT_EQ(Drain(), Scopes{"insight"});
  Analyse(id, "{\"actors\":[\"PAK\"]}");
  EXPECT_EQ(Drain(), Scopes{"insight"});
}

TEST_F(ChangesTest, AnalysisOfADraftWritesNothing) {
  const int64_t id = Draft("a-draft");
  Analyse(id);
  EXPECT_TRUE(Drain().empty());
}

// The article changed: its pages change ('site'); the analysis marked stale
// shows nothing new until it is read again.
TEST_F(ChangesTest, MarkingAnAnalysisStaleWritesOnlySite) {
  const int64_t id = Published("a-thaw");
  Analyse(id);
  Drain();
  Article edited = MakeArticle("a-thaw", ArticleStatus::kPublished, kNow - 10);
  edited.plain_text = "Islamabad and Beijing met.";
  Put(edited);
  EXPECT_EQ(Count("SELECT stale FROM article_insights WHERE article_id = " + std::to_string(id)), 1);
  EXPECT_EQ(Drain(), Scopes{"site"});
}

TEST_F(ChangesTest, GazetteerEditsWriteInsight) {
  GazetteerEdit edit;
  edit.action = "add_name";
  edit.actor_id = "PAK";
  edit.name = "Rawalpindi";
  edit.form = "seat";
  edit.created_by = "ed@example.org";
  auto added = store_->AddGazetteerEdit(edit);
  ASSERT_TRUE(added.ok()) << added.status().ToString();
  EXPECT_EQ(Drain(), Scopes{"insight"});
  ASSERT_TRUE(store_->DeleteGazetteerEdit(added->id).ok());
  EXPECT_EQ(Drain(), Scopes{"insight"});
}

// ---- Tables readers never see ------------------------------------------------------

TEST_F(ChangesTest, AccountsSessionsMediaAndModerationLogWriteNothing) {
  User user;
  user.email = "au@example.org";
  user.name = "Au Thor";
  user.role = Role::kAuthor;
  user.password_hash = "x";
  auto added = store_->AddUser(user);
  ASSERT_TRUE(added.ok());
  ASSERT_TRUE(store_->SetUserPassword(added->id, "y").ok());
  Session session;
  session.token_hash = std::string(64, 'a');
  session.user_id = added->id;
  session.created_at = session.last_seen_at = kNow;
  session.expires_at = kNow + kDay;
  ASSERT_TRUE(store_->CreateSession(session).ok());
  ASSERT_TRUE(store_->TouchSession(session.token_hash, kNow + 1).ok());
  ASSERT_TRUE(store_->RecordSignInAttempt("au@example.org", "192.0.2.9", false, kNow).ok());
  Media media;
  media.name = "map.png";
  media.mime_type = "image/png";
  media.bytes = "not really a png";
  ASSERT_TRUE(store_->AddMedia(media).ok());
  ASSERT_TRUE(store_->UpdateMediaDetails("map.png", "A map", "Reuters", "").ok());
  const int64_t id = Draft("a-draft");
  const Comment held = MakeComment(id, CommentStatus::kPending);
  ASSERT_TRUE(store_->UpdateCommentStatus(held.id, CommentStatus::kSpam, "mod@example.org", "", kNow).ok());
  EXPECT_EQ(RowsPending(), 0);
  EXPECT_TRUE(Drain().empty());
}

// ---- Other processes ------------------------------------------------------------------

TEST_F(ChangesTest, AnotherStoreOnTheSameFileSeesTheChanges) {
  auto other = Open();
  ASSERT_NE(other, nullptr);
  Article a = MakeArticle("from-the-cli", ArticleStatus::kPublished, kNow - 10);
  ASSERT_TRUE(other->SaveArticle(a).ok());
  EXPECT_EQ(Drain(), Scopes{"site"});
  Comment c;
  c.article_id = a.id;
  c.author_name = "Reader";
  c.author_email = "reader@example.org";
  c.body = "Held at first.";
  auto held = other->AddComment(c);
  ASSERT_TRUE(held.ok());
  EXPECT_TRUE(Drain().empty());
  ASSERT_TRUE(other->UpdateCommentStatus(held->id, CommentStatus::kApproved, "chancery-cli", "", kNow).ok());
  EXPECT_EQ(Drain(), Scopes{CommentsOf(a.id)});
  // And the other way round, with the same positions.
  ASSERT_TRUE(store_->PutSetting("site.title", "New").ok());
  auto seen = other->ReadChanges(position_);
  ASSERT_TRUE(seen.ok());
  EXPECT_EQ(seen->scopes, Scopes{"site"});
  EXPECT_EQ(*other->LastChangeId(), *store_->LastChangeId());
}

// A writer that knows nothing of the Store (an old tool, a script) is
// covered too: the triggers belong to the file.
TEST_F(ChangesTest, PlainSqlWritesAreLogged) {
  const int64_t id = Published("a-thaw");
  Drain();
  Exec("UPDATE articles SET title = 'Retitled by hand' WHERE id = " + std::to_string(id));
  EXPECT_EQ(Drain(), Scopes{"site"});
}

// ---- Pruning and gaps -------------------------------------------------------------

TEST_F(ChangesTest, PruneKeepsTheNewestRowAndReportsTheGap) {
  const int64_t a = Published("a-thaw");
  MakeComment(a, CommentStatus::kApproved);
  const int64_t behind = position_;  // a poller that read nothing of these
  Analyse(a);
  ASSERT_TRUE(store_->PutSetting("site.title", "New").ok());
  const int64_t newest = *store_->LastChangeId();
  Drain();

  auto none = store_->PruneChanges(0);  // nothing is that old
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(*none, 0);

  auto pruned = store_->PruneChanges(kNow * 2);  // everything is
  ASSERT_TRUE(pruned.ok()) << pruned.status().ToString();
  EXPECT_EQ(*pruned, 2);  // the thread and the analysis; the newest 'site' stays
  EXPECT_EQ(Count("SELECT count(*) FROM changes"), 1);
  EXPECT_EQ(*store_->LastChangeId(), newest);

  auto late = store_->ReadChanges(behind);
  ASSERT_TRUE(late.ok());
  EXPECT_TRUE(late->gap);
  EXPECT_EQ(late->scopes, Scopes{"site"});
  EXPECT_EQ(late->last_id, newest);
  auto current = store_->ReadChanges(position_);
  ASSERT_TRUE(current.ok());
  EXPECT_FALSE(current->gap);
  EXPECT_TRUE(current->scopes.empty());

  auto again = store_->PruneChanges(kNow * 2);  // the newest row is never pruned
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, 0);
}

// The mark the layout's memo keys on: it moves with its scope and no other,
// and a pruned row of the scope cannot bring an old mark back.
TEST_F(ChangesTest, ScopeChangeMarkMovesWithItsScopeOnly) {
  auto mark = [&](const std::string& scope) {
    auto m = store_->ScopeChangeMark(scope);
    EXPECT_TRUE(m.ok()) << m.status().ToString();
    return m.ok() ? *m : -1;
  };
  const int64_t a = Published("a-thaw");
  const int64_t site = mark("site");
  EXPECT_GT(site, 0);
  EXPECT_EQ(mark("insight"), 0);  // never changed

  MakeComment(a, CommentStatus::kApproved);
  Analyse(a);
  MakeComment(a, CommentStatus::kPending);
  EXPECT_EQ(mark("site"), site) << "comments and analyses are not the site's changes";
  EXPECT_GT(mark("insight"), 0);
  EXPECT_GT(mark(CommentsOf(a)), 0);

  ASSERT_TRUE(store_->PutSetting("site.title", "New").ok());
  const int64_t renamed = mark("site");
  EXPECT_GT(renamed, site);

  // A newer change elsewhere, then a prune that takes the 'site' row: the
  // mark does not fall back to an older value.
  Analyse(a, "{\"actors\":[{\"id\":\"PAK\"}]}");
  Exec("UPDATE changes SET at = 100 WHERE scope = 'site'");
  ASSERT_TRUE(store_->PruneChanges(200).ok());
  EXPECT_EQ(Count("SELECT count(*) FROM changes WHERE scope = 'site'"), 0);
  EXPECT_GE(mark("site"), renamed);
}

TEST_F(ChangesTest, PruneKeepsRowsNewerThanTheCutoff) {
  const int64_t a = Published("a-thaw");
  MakeComment(a, CommentStatus::kApproved);
  Drain();
  Exec("UPDATE changes SET at = 100 WHERE scope = 'site'");
  auto pruned = store_->PruneChanges(200);
  ASSERT_TRUE(pruned.ok());
  EXPECT_EQ(*pruned, 1);
  EXPECT_EQ(Count("SELECT count(*) FROM changes WHERE scope = '" + CommentsOf(a) + "'"), 1);
}

// A newer change replacing an older row of its scope is not a gap: the
// reader behind it meets the newer row.
TEST_F(ChangesTest, ReplacedRowsAreNotGaps) {
  const int64_t behind = position_;
  const int64_t a = Published("a-thaw");
  MakeComment(a, CommentStatus::kApproved);
  Published("a-freeze");  // replaces the first 'site' row
  auto batch = store_->ReadChanges(behind);
  ASSERT_TRUE(batch.ok());
  EXPECT_FALSE(batch->gap);
  EXPECT_EQ(batch->scopes, (Scopes{CommentsOf(a), "site"}));
}

// A database restored from a backup is behind the poller: everything changed.
TEST_F(ChangesTest, LogBehindThePositionIsAGap) {
  const int64_t last = *store_->LastChangeId();
  auto batch = store_->ReadChanges(last + 100);
  ASSERT_TRUE(batch.ok());
  EXPECT_TRUE(batch->gap);
  EXPECT_EQ(batch->last_id, last);
  EXPECT_TRUE(batch->scopes.empty());
}

// ---- Scheduled articles ---------------------------------------------------------------

TEST_F(ChangesTest, NextPublicationIsTheEarliestFutureVisibleArticle) {
  auto none = store_->NextPublication(kNow);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());

  Published("already-out");
  Put(MakeArticle("next-week", ArticleStatus::kScheduled, kNow + 7 * kDay));
  Put(MakeArticle("tomorrow", ArticleStatus::kScheduled, kNow + kDay));
  Put(MakeArticle("dated-ahead", ArticleStatus::kPublished, kNow + 3 * kDay));
  Put(MakeArticle("draft-dated", ArticleStatus::kDraft, kNow + 60));  // drafts never come due

  EXPECT_EQ(*store_->NextPublication(kNow), kNow + kDay);
  EXPECT_EQ(*store_->NextPublication(kNow + kDay - 1), kNow + kDay);
  EXPECT_EQ(*store_->NextPublication(kNow + kDay), kNow + 3 * kDay);  // due at its second: visible now
  EXPECT_EQ(*store_->NextPublication(kNow + 3 * kDay), kNow + 7 * kDay);
  EXPECT_FALSE(store_->NextPublication(kNow + 7 * kDay)->has_value());
}

// The query's text as changes.cc has it.
TEST_F(ChangesTest, NextPublicationWalksTheVisibleIndex) {
  auto db = Raw();
  ASSERT_NE(db, nullptr);
  auto plan = test_support::QueryPlan(*db,
                                 "SELECT min(a.published_at) FROM articles a"
                                 " WHERE a.status IN ('published', 'scheduled') AND a.published_at > ?1");
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  const std::string& detail = *plan;
  EXPECT_NE(detail.find("articles_visible_newest"), std::string::npos) << detail;
}

}  // namespace
}  // namespace chancery::store
