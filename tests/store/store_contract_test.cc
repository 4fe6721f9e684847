// The Store contract: behaviour every backend must show. Instantiated for
// SQLite in memory and on a file; PostgreSQL joins by adding a Backend.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

#include "store/store.h"

namespace chancery::store {
namespace {

struct Backend {
  std::string name;
  bool file = false;  // a database file that outlives a Store and can be shared
};

// Names the backend in gtest's and ctest's output instead of its bytes.
void PrintTo(const Backend& backend, std::ostream* os) { *os << backend.name; }

std::string PrintBackend(const testing::TestParamInfo<Backend>& info) { return info.param.name; }

Author MakeAuthor(std::string slug, std::string name, std::string bio = "") {
  Author a;
  a.slug = std::move(slug);
  a.name = std::move(name);
  a.bio = std::move(bio);
  return a;
}

Tag MakeTag(std::string slug, std::string name) {
  Tag t;
  t.slug = std::move(slug);
  t.name = std::move(name);
  return t;
}

Article MakeArticle(std::string slug, ArticleStatus status, int64_t published_at,
                    std::vector<std::string> authors = {}, std::vector<std::string> tags = {}) {
  Article a;
  a.slug = slug;
  a.title = "Title of " + slug;
  a.dek = "Dek of " + slug;
  a.body_markdown = "Body of **" + slug + "**";
  a.body_html = "<p>Body of <strong>" + slug + "</strong></p>";
  a.plain_text = "Body of " + slug;
  a.excerpt = "Excerpt of " + slug;
  a.toc_json = "[]";
  a.reading_minutes = 4;
  a.status = status;
  a.published_at = published_at;
  a.updated_at = published_at;
  a.image.url = "/media/" + slug + ".jpg";
  a.image.credit = "Reuters";
  a.image.alt = "A photo";
  a.image.width = 1200;
  a.image.height = 800;
  for (const auto& s : authors) a.authors.push_back(MakeAuthor(s, "Name " + s));
  for (const auto& s : tags) a.tags.push_back(MakeTag(s, "Tag " + s));
  return a;
}

std::vector<std::string> Slugs(const std::vector<ArticleSummary>& items) {
  std::vector<std::string> out;
  for (const auto& a : items) out.push_back(a.slug);
  return out;
}

template <typename T>
std::vector<std::string> SlugsOf(const std::vector<T>& items) {
  std::vector<std::string> out;
  for (const auto& x : items) out.push_back(x.slug);
  return out;
}

class StoreContractTest : public testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    if (GetParam().file) {
      std::string pattern = testing::TempDir() + "chancery-store-XXXXXX";
      ASSERT_NE(mkdtemp(pattern.data()), nullptr);
      dir_ = pattern;
      path_ = (dir_ / "chancery.db").string();
      url_ = "sqlite:" + path_;
    } else {
      url_ = "sqlite::memory:";
    }
    store_ = Open();
    ASSERT_NE(store_, nullptr);
  }

  void TearDown() override {
    store_.reset();
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  std::unique_ptr<Store> Open() {
    StoreOptions options;
    options.url = url_;
    auto store = Store::Open(options);
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return store.ok() ? std::move(store).value() : nullptr;
  }

  void Save(Article article) {
    auto saved = store_->SaveArticle(article);
    ASSERT_TRUE(saved.ok()) << saved.status().ToString();
  }

  ArticlePage List(ArticleQuery query) {
    auto page = store_->ListVisibleArticles(query);
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    return page.ok() ? *page : ArticlePage{};
  }

  std::filesystem::path dir_;
  std::string path_;
  std::string url_;
  std::unique_ptr<Store> store_;
};

constexpr int64_t kNow = 1'700'000'000;

// ---- Migrations --------------------------------------------------------------

TEST_P(StoreContractTest, MigrationsAppliedAndSchemaVersionReported) {
  EXPECT_GE(store_->SchemaVersion(), 1);
  // The schema is there: every kind of record can be written.
  ASSERT_TRUE(store_->PutSetting("k", "v").ok());
  ASSERT_TRUE(store_->UpsertTag(MakeTag("t", "T")).ok());
}

TEST_P(StoreContractTest, ReopeningAFileDatabaseIsIdempotent) {
  if (!GetParam().file) GTEST_SKIP() << "needs a database that outlives the store";
  ASSERT_TRUE(store_->PutSetting("site.title", "The Meridian Review").ok());
  Save(MakeArticle("first", ArticleStatus::kPublished, kNow - 10, {"ana"}, {"asia"}));
  const int version = store_->SchemaVersion();
  store_.reset();

  for (int i = 0; i < 2; ++i) {
    store_ = Open();
    ASSERT_NE(store_, nullptr);
    EXPECT_EQ(store_->SchemaVersion(), version);
    auto title = store_->GetSetting("site.title");
    ASSERT_TRUE(title.ok());
    EXPECT_EQ(title->value_or(""), "The Meridian Review");
    auto found = store_->FindArticle("first");
    ASSERT_TRUE(found.ok());
    ASSERT_TRUE(found->has_value());
    EXPECT_EQ(SlugsOf((*found)->authors), std::vector<std::string>{"ana"});
    store_.reset();
  }
}

TEST_P(StoreContractTest, ConcurrentOpenersMigrateOnce) {
  if (!GetParam().file) GTEST_SKIP() << "needs a shared database";
  store_.reset();
  url_ = "sqlite:" + (dir_ / "fresh.db").string();
  std::vector<std::thread> threads;
  std::atomic<int> opened = 0;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] {
      StoreOptions options;
      options.url = url_;
      auto store = Store::Open(options);
      EXPECT_TRUE(store.ok()) << store.status().ToString();
      if (store.ok() && (*store)->SchemaVersion() > 0) ++opened;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(opened.load(), 4);
}

// ---- Settings ----------------------------------------------------------------

TEST_P(StoreContractTest, SettingsRoundTrip) {
  auto missing = store_->GetSetting("site.title");
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());

  ASSERT_TRUE(store_->PutSetting("site.title", "The Meridian Review").ok());
  ASSERT_TRUE(store_->PutSetting("site.tagline", "Analysis — «in depth»").ok());
  ASSERT_TRUE(store_->PutSetting("site.title", "The Meridian").ok());
  EXPECT_EQ(store_->GetSetting("site.title")->value_or(""), "The Meridian");
  EXPECT_EQ(store_->GetSetting("site.tagline")->value_or(""), "Analysis — «in depth»");

  ASSERT_TRUE(store_->PutSetting("empty", "").ok());
  auto empty = store_->GetSetting("empty");
  ASSERT_TRUE(empty.ok());
  ASSERT_TRUE(empty->has_value());
  EXPECT_EQ(**empty, "");

  EXPECT_EQ(store_->PutSetting("", "x").code(), Status::Code::kInvalidArgument);
}

// ---- Authors and tags --------------------------------------------------------

TEST_P(StoreContractTest, AuthorUpsertKeepsFieldsNotGiven) {
  Author full = MakeAuthor("ana-ruiz", "Ana Ruiz", "Writes on South Asia.");
  full.affiliation = "Senior Fellow, Centre for Strategic Studies";
  full.disclosure = "No outside funding.";
  auto first = store_->UpsertAuthor(full);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_GT(first->id, 0);

  auto second = store_->UpsertAuthor(MakeAuthor("ana-ruiz", "Ana M. Ruiz"));
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(second->id, first->id);
  EXPECT_EQ(second->name, "Ana M. Ruiz");
  EXPECT_EQ(second->bio, "Writes on South Asia.");
  EXPECT_EQ(second->affiliation, "Senior Fellow, Centre for Strategic Studies");
  EXPECT_EQ(second->disclosure, "No outside funding.");

  auto found = store_->FindAuthor("ana-ruiz");
  ASSERT_TRUE(found.ok());
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->bio, "Writes on South Asia.");
  EXPECT_EQ((*found)->name, "Ana M. Ruiz");

  // A byline in an article does the same.
  Article article = MakeArticle("a1", ArticleStatus::kDraft, 0, {"ana-ruiz"});
  Save(article);
  EXPECT_EQ(store_->FindAuthor("ana-ruiz")->value().bio, "Writes on South Asia.");

  EXPECT_FALSE(store_->FindAuthor("nobody")->has_value());
  auto authors = store_->ListAuthors();
  ASSERT_TRUE(authors.ok());
  EXPECT_EQ(authors->size(), 1u);
}

TEST_P(StoreContractTest, AuthorAddRefusesATakenSlugAndUpdateReplacesEveryField) {
  Author full = MakeAuthor("ana-ruiz", "Ana Ruiz", "Writes on South Asia.");
  full.disclosure = "Funded by a foundation.";
  auto added = store_->AddAuthor(full);
  ASSERT_TRUE(added.ok()) << added.status().ToString();
  EXPECT_EQ(store_->AddAuthor(MakeAuthor("ana-ruiz", "Someone Else")).status().code(), Status::Code::kAlreadyExists);
  EXPECT_EQ(store_->FindAuthor("ana-ruiz")->value().name, "Ana Ruiz");

  Author emptied = MakeAuthor("ana-ruiz", "Ana Ruiz");
  auto updated = store_->UpdateAuthor(emptied);
  ASSERT_TRUE(updated.ok()) << updated.status().ToString();
  EXPECT_EQ(updated->id, added->id);
  EXPECT_EQ(updated->bio, "");
  EXPECT_EQ(updated->disclosure, "");
  EXPECT_EQ(store_->FindAuthor("ana-ruiz")->value().disclosure, "");

  EXPECT_EQ(store_->UpdateAuthor(MakeAuthor("nobody", "No One")).status().code(), Status::Code::kNotFound);
  EXPECT_EQ(store_->UpdateAuthor(MakeAuthor("ana-ruiz", "")).status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(store_->AddAuthor(MakeAuthor("Bad Slug", "X")).status().code(), Status::Code::kInvalidArgument);
}

TEST_P(StoreContractTest, AuthorAndTagSlugsAreValidated) {
  for (const char* bad : {"", "Ana", "ana ruiz", "ana_ruiz", "ana/ruiz", "é"}) {
    auto author = store_->UpsertAuthor(MakeAuthor(bad, "Ana"));
    EXPECT_EQ(author.status().code(), Status::Code::kInvalidArgument) << bad;
    auto tag = store_->UpsertTag(MakeTag(bad, "Asia"));
    EXPECT_EQ(tag.status().code(), Status::Code::kInvalidArgument) << bad;
  }
  EXPECT_EQ(store_->UpsertAuthor(MakeAuthor("new-author", "")).status().code(),
            Status::Code::kInvalidArgument);
  EXPECT_TRUE(store_->ListAuthors()->empty());
}

TEST_P(StoreContractTest, TagUpsertBySlug) {
  auto first = store_->UpsertTag(MakeTag("south-asia", "South Asia"));
  ASSERT_TRUE(first.ok());
  auto second = store_->UpsertTag(MakeTag("south-asia", "South Asia & Gulf"));
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->id, first->id);
  EXPECT_EQ(store_->FindTag("south-asia")->value().name, "South Asia & Gulf");
  auto kept = store_->UpsertTag(MakeTag("south-asia", ""));
  ASSERT_TRUE(kept.ok());
  EXPECT_EQ(kept->name, "South Asia & Gulf");
}

// ---- Saving articles -----------------------------------------------------------

TEST_P(StoreContractTest, SaveArticleCreatesThenUpdatesBySlug) {
  Article article =
      MakeArticle("cpec-at-ten", ArticleStatus::kDraft, 0, {"ana", "bo"}, {"china", "pakistan"});
  article.created_at = 1000;
  auto created = store_->SaveArticle(article);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_EQ(*created, SaveOutcome::kCreated);
  EXPECT_GT(article.id, 0);
  const int64_t id = article.id;
  for (const auto& a : article.authors) EXPECT_GT(a.id, 0);
  for (const auto& t : article.tags) EXPECT_GT(t.id, 0);

  Article update = MakeArticle("cpec-at-ten", ArticleStatus::kPublished, kNow, {"cy", "ana"}, {"trade"});
  update.title = "CPEC at Ten";
  update.created_at = 5000;  // ignored: creation time is kept
  update.comments_open = false;
  auto updated = store_->SaveArticle(update);
  ASSERT_TRUE(updated.ok()) << updated.status().ToString();
  EXPECT_EQ(*updated, SaveOutcome::kUpdated);
  EXPECT_EQ(update.id, id);
  EXPECT_EQ(update.created_at, 1000);

  auto found = store_->FindArticle("cpec-at-ten");
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  ASSERT_TRUE(found->has_value());
  const Article& a = **found;
  EXPECT_EQ(a.id, id);
  EXPECT_EQ(a.title, "CPEC at Ten");
  EXPECT_EQ(a.status, ArticleStatus::kPublished);
  EXPECT_EQ(a.published_at, kNow);
  EXPECT_EQ(a.created_at, 1000);
  EXPECT_FALSE(a.comments_open);
  EXPECT_EQ(a.body_markdown, update.body_markdown);
  EXPECT_EQ(a.body_html, update.body_html);
  EXPECT_EQ(a.plain_text, update.plain_text);
  EXPECT_EQ(a.excerpt, update.excerpt);
  EXPECT_EQ(a.reading_minutes, 4);
  EXPECT_EQ(a.image.credit, "Reuters");
  EXPECT_EQ(a.image.width, 1200);
  EXPECT_EQ(SlugsOf(a.authors), (std::vector<std::string>{"cy", "ana"}));
  EXPECT_EQ(SlugsOf(a.tags), (std::vector<std::string>{"trade"}));
  EXPECT_EQ(a.authors[0].name, "Name cy");
}

TEST_P(StoreContractTest, InvalidArticleWritesNothing) {
  auto count_rows = [&] {
    auto authors = store_->ListAuthors();
    EXPECT_TRUE(authors.ok());
    int rows = static_cast<int>(authors->size());
    for (const char* tag : {"fine", "asia"}) rows += store_->FindTag(tag)->has_value() ? 1 : 0;
    rows += store_->FindArticle("good-slug")->has_value() ? 1 : 0;
    return rows;
  };

  Article bad_slug = MakeArticle("Bad Slug", ArticleStatus::kDraft, 0, {"ana"}, {"asia"});
  EXPECT_EQ(store_->SaveArticle(bad_slug).status().code(), Status::Code::kInvalidArgument);

  Article bad_tag = MakeArticle("good-slug", ArticleStatus::kDraft, 0, {"ana"}, {"asia", "Nope!"});
  EXPECT_EQ(store_->SaveArticle(bad_tag).status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(bad_tag.id, 0);

  // Fails inside the transaction, after an author and a tag were written:
  // the second author is new and has no name.
  Article late_failure = MakeArticle("good-slug", ArticleStatus::kDraft, 0, {"ana"}, {"fine"});
  late_failure.authors.push_back(MakeAuthor("nameless", ""));
  auto saved = store_->SaveArticle(late_failure);
  EXPECT_EQ(saved.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(saved.status().message().find("save article 'good-slug'"), std::string::npos)
      << saved.status().message();
  EXPECT_EQ(late_failure.id, 0);

  Article twice = MakeArticle("good-slug", ArticleStatus::kDraft, 0, {"ana", "ana"});
  EXPECT_EQ(store_->SaveArticle(twice).status().code(), Status::Code::kInvalidArgument);

  EXPECT_EQ(count_rows(), 0);
}

// ---- Reading articles ------------------------------------------------------------

TEST_P(StoreContractTest, VisibilityFollowsStatusAndTime) {
  Save(MakeArticle("draft", ArticleStatus::kDraft, kNow - 100));
  Save(MakeArticle("scheduled-later", ArticleStatus::kScheduled, kNow + 100));
  Save(MakeArticle("scheduled-due", ArticleStatus::kScheduled, kNow - 50));
  Save(MakeArticle("scheduled-now", ArticleStatus::kScheduled, kNow));
  Save(MakeArticle("published", ArticleStatus::kPublished, kNow - 200));
  Save(MakeArticle("published-future", ArticleStatus::kPublished, kNow + 1));

  ArticleQuery query;
  query.now = kNow;
  EXPECT_EQ(Slugs(List(query).items),
            (std::vector<std::string>{"scheduled-now", "scheduled-due", "published"}));

  for (const char* hidden : {"draft", "scheduled-later", "published-future"}) {
    auto found = store_->FindVisibleArticle(hidden, kNow);
    ASSERT_TRUE(found.ok());
    EXPECT_FALSE(found->has_value()) << hidden;
    EXPECT_TRUE(store_->FindArticle(hidden)->has_value()) << hidden;
    auto summary = store_->FindVisibleArticleSummary(hidden, kNow);
    ASSERT_TRUE(summary.ok());
    EXPECT_FALSE(summary->has_value()) << hidden;
  }
  for (const char* shown : {"scheduled-due", "scheduled-now", "published"}) {
    auto found = store_->FindVisibleArticle(shown, kNow);
    ASSERT_TRUE(found.ok());
    ASSERT_TRUE(found->has_value()) << shown;
    EXPECT_EQ((*found)->body_html, "<p>Body of <strong>" + std::string(shown) + "</strong></p>");
    // A reader's page needs no Markdown source or plain text; FindArticle
    // still has them.
    EXPECT_EQ((*found)->body_markdown, "");
    EXPECT_EQ((*found)->plain_text, "");
    EXPECT_NE(store_->FindArticle(shown)->value().body_markdown, "");
    // The summary: the same article without its body and links.
    auto summary = store_->FindVisibleArticleSummary(shown, kNow);
    ASSERT_TRUE(summary.ok());
    ASSERT_TRUE(summary->has_value()) << shown;
    const Article& a = **summary;
    EXPECT_EQ(a.id, (*found)->id);
    EXPECT_EQ(a.slug, shown);
    EXPECT_EQ(a.title, (*found)->title);
    EXPECT_EQ(a.published_at, (*found)->published_at);
    EXPECT_EQ(a.comments_open, (*found)->comments_open);
    EXPECT_EQ(a.status, (*found)->status);
    EXPECT_TRUE(a.body_html.empty());
    EXPECT_TRUE(a.body_markdown.empty());
    EXPECT_TRUE(a.authors.empty());
  }
  // Time passes: the scheduled article appears.
  query.now = kNow + 100;
  EXPECT_EQ(List(query).total, 5);
  EXPECT_FALSE(store_->FindArticle("missing")->has_value());
}

TEST_P(StoreContractTest, ListPaginatesNewestFirstWithTotal) {
  for (int i = 0; i < 25; ++i) {
    // Two articles share each even timestamp: ties are broken by id.
    Save(MakeArticle("a" + std::to_string(i), ArticleStatus::kPublished, kNow - 1000 + i / 2 * 10, {"ana"},
                     {"asia", "trade"}));
  }
  Save(MakeArticle("draft", ArticleStatus::kDraft, kNow - 1));

  std::vector<std::string> all;
  ArticleQuery query;
  query.now = kNow;
  query.limit = 10;
  for (int offset : {0, 10, 20, 30}) {
    query.offset = offset;
    ArticlePage page = List(query);
    EXPECT_EQ(page.total, 25);
    EXPECT_EQ(page.items.size(), offset == 30 ? 0u : offset == 20 ? 5u : 10u);
    for (const auto& item : page.items) {
      all.push_back(item.slug);
      EXPECT_TRUE(item.body_markdown.empty());
      EXPECT_TRUE(item.body_html.empty());
      EXPECT_TRUE(item.plain_text.empty());
      EXPECT_EQ(item.excerpt, "Excerpt of " + item.slug);
      EXPECT_EQ(SlugsOf(item.authors), std::vector<std::string>{"ana"});
      EXPECT_EQ(SlugsOf(item.tags), (std::vector<std::string>{"asia", "trade"}));
    }
  }
  std::vector<std::string> expected;
  for (int i = 24; i >= 0; --i) expected.push_back("a" + std::to_string(i));
  EXPECT_EQ(all, expected);

  query.limit = 0;
  EXPECT_EQ(store_->ListVisibleArticles(query).status().code(), Status::Code::kInvalidArgument);
  query.limit = 101;
  EXPECT_EQ(store_->ListVisibleArticles(query).status().code(), Status::Code::kInvalidArgument);
}

TEST_P(StoreContractTest, ListFiltersByTagAndAuthor) {
  Save(MakeArticle("one", ArticleStatus::kPublished, kNow - 30, {"ana"}, {"asia"}));
  Save(MakeArticle("two", ArticleStatus::kPublished, kNow - 20, {"bo", "ana"}, {"europe"}));
  Save(MakeArticle("three", ArticleStatus::kPublished, kNow - 10, {"bo"}, {"asia", "europe"}));
  Save(MakeArticle("hidden", ArticleStatus::kDraft, kNow - 5, {"ana"}, {"asia"}));

  ArticleQuery query;
  query.now = kNow;
  query.tag_slug = "asia";
  ArticlePage page = List(query);
  EXPECT_EQ(Slugs(page.items), (std::vector<std::string>{"three", "one"}));
  EXPECT_EQ(page.total, 2);

  query.tag_slug = "";
  query.author_slug = "ana";
  EXPECT_EQ(Slugs(List(query).items), (std::vector<std::string>{"two", "one"}));
  EXPECT_EQ(SlugsOf(List(query).items[0].authors), (std::vector<std::string>{"bo", "ana"}));

  query.tag_slug = "europe";
  EXPECT_EQ(Slugs(List(query).items), std::vector<std::string>{"two"});

  query.author_slug = "nobody";
  page = List(query);
  EXPECT_TRUE(page.items.empty());
  EXPECT_EQ(page.total, 0);
}

TEST_P(StoreContractTest, AdjacentArticlesInPublicationOrder) {
  Save(MakeArticle("oldest", ArticleStatus::kPublished, kNow - 300, {"ana"}));
  Save(MakeArticle("draft-between", ArticleStatus::kDraft, kNow - 250));
  Save(MakeArticle("tie-a", ArticleStatus::kPublished, kNow - 200));
  Save(MakeArticle("tie-b", ArticleStatus::kScheduled, kNow - 200));
  Save(MakeArticle("newest", ArticleStatus::kPublished, kNow - 100, {}, {"asia"}));
  Save(MakeArticle("future", ArticleStatus::kScheduled, kNow + 100));

  auto neighbours = [&](const char* slug) {
    auto article = store_->FindArticle(slug);
    EXPECT_TRUE(article.ok() && article->has_value()) << slug;
    auto adjacent = store_->AdjacentArticles(**article, kNow);
    EXPECT_TRUE(adjacent.ok()) << adjacent.status().ToString();
    return std::make_pair(adjacent->previous ? adjacent->previous->slug : "-",
                          adjacent->next ? adjacent->next->slug : "-");
  };
  EXPECT_EQ(neighbours("oldest"), std::make_pair(std::string("-"), std::string("tie-a")));
  EXPECT_EQ(neighbours("tie-a"), std::make_pair(std::string("oldest"), std::string("tie-b")));
  EXPECT_EQ(neighbours("tie-b"), std::make_pair(std::string("tie-a"), std::string("newest")));
  EXPECT_EQ(neighbours("newest"), std::make_pair(std::string("tie-b"), std::string("-")));

  auto tie_b = store_->FindArticle("tie-b");
  auto adjacent = store_->AdjacentArticles(**tie_b, kNow);
  ASSERT_TRUE(adjacent.ok());
  ASSERT_TRUE(adjacent->previous.has_value());
  EXPECT_EQ(SlugsOf(adjacent->previous->authors), std::vector<std::string>{});
  ASSERT_TRUE(adjacent->next.has_value());
  EXPECT_EQ(SlugsOf(adjacent->next->tags), std::vector<std::string>{"asia"});
  EXPECT_TRUE(adjacent->next->body_html.empty());
}

TEST_P(StoreContractTest, ListTagsInUseCountsVisibleArticles) {
  Save(MakeArticle("one", ArticleStatus::kPublished, kNow - 30, {}, {"asia", "trade"}));
  Save(MakeArticle("two", ArticleStatus::kPublished, kNow - 20, {}, {"asia"}));
  Save(MakeArticle("draft", ArticleStatus::kDraft, kNow - 10, {}, {"europe", "asia"}));
  Save(MakeArticle("later", ArticleStatus::kScheduled, kNow + 10, {}, {"europe"}));
  ASSERT_TRUE(store_->UpsertTag(MakeTag("unused", "Unused")).ok());

  auto tags = store_->ListTagsInUse(kNow);
  ASSERT_TRUE(tags.ok()) << tags.status().ToString();
  ASSERT_EQ(tags->size(), 2u);
  EXPECT_EQ((*tags)[0].first.slug, "asia");
  EXPECT_EQ((*tags)[0].first.name, "Tag asia");
  EXPECT_EQ((*tags)[0].second, 2);
  EXPECT_EQ((*tags)[1].first.slug, "trade");
  EXPECT_EQ((*tags)[1].second, 1);

  tags = store_->ListTagsInUse(kNow + 10);
  ASSERT_TRUE(tags.ok());
  ASSERT_EQ(tags->size(), 3u);
  EXPECT_EQ((*tags)[2].first.slug, "trade");  // ties ordered by slug
  EXPECT_EQ((*tags)[1].first.slug, "europe");
}

// ---- Comments, users, media ------------------------------------------------------

TEST_P(StoreContractTest, CommentsNeedAnExistingArticle) {
  Comment orphan;
  orphan.article_id = 424242;
  orphan.author_name = "Reader";
  orphan.author_email = "reader@example.org";
  orphan.body = "First!";
  auto added = store_->AddComment(orphan);
  ASSERT_FALSE(added.ok());
  EXPECT_EQ(added.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(added.status().message().find("FOREIGN KEY constraint failed"), std::string::npos)
      << added.status().message();

  Article article = MakeArticle("a", ArticleStatus::kPublished, kNow);
  Save(article);
  article = store_->FindArticle("a")->value();
  Comment comment = orphan;
  comment.article_id = article.id;
  comment.status = CommentStatus::kApproved;
  auto first = store_->AddComment(comment);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_GT(first->id, 0);
  EXPECT_GT(first->created_at, 0);

  comment.parent_id = first->id;
  ASSERT_TRUE(store_->AddComment(comment).ok());
  comment.status = CommentStatus::kPending;
  ASSERT_TRUE(store_->AddComment(comment).ok());
  comment.parent_id = 99999;
  EXPECT_EQ(store_->AddComment(comment).status().code(), Status::Code::kInvalidArgument);

  auto count = store_->CountApprovedComments(article.id);
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(*count, 2);
}

// A store with two articles and a helper to add comments to them.
class CommentContractTest : public StoreContractTest {
 protected:
  void SetUp() override {
    StoreContractTest::SetUp();
    if (store_ == nullptr) return;
    Save(MakeArticle("first", ArticleStatus::kPublished, kNow));
    Save(MakeArticle("second", ArticleStatus::kPublished, kNow));
    first_ = store_->FindArticle("first")->value().id;
    second_ = store_->FindArticle("second")->value().id;
  }

  Comment Add(int64_t article_id, std::string email, std::string body, int64_t created_at,
              CommentStatus status = CommentStatus::kPending, int64_t parent = 0,
              std::string ip = "192.0.2.1") {
    Comment c;
    c.article_id = article_id;
    c.parent_id = parent;
    c.author_name = "Reader";
    c.author_email = std::move(email);
    c.body = std::move(body);
    c.status = status;
    c.ip = std::move(ip);
    c.created_at = created_at;
    auto added = store_->AddComment(c);
    EXPECT_TRUE(added.ok()) << added.status().ToString();
    return added.ok() ? *added : Comment{};
  }

  std::vector<int64_t> Ids(const CommentQuery& query) {
    auto listed = store_->ListComments(query);
    EXPECT_TRUE(listed.ok()) << listed.status().ToString();
    std::vector<int64_t> out;
    if (listed.ok()) {
      for (const Comment& c : *listed) out.push_back(c.id);
    }
    return out;
  }

  int64_t first_ = 0;
  int64_t second_ = 0;
};

TEST_P(CommentContractTest, ListFiltersOrdersAndPages) {
  const Comment a = Add(first_, "a@example.org", "a", kNow + 2, CommentStatus::kApproved);
  const Comment b = Add(second_, "b@example.org", "b", kNow + 1, CommentStatus::kPending);
  const Comment c = Add(first_, "c@example.org", "c", kNow + 2, CommentStatus::kPending);
  const Comment d = Add(first_, "d@example.org", "d", kNow + 3, CommentStatus::kApproved);

  CommentQuery all;
  EXPECT_EQ(Ids(all), (std::vector<int64_t>{b.id, a.id, c.id, d.id}));  // by created_at, then id
  all.newest_first = true;
  EXPECT_EQ(Ids(all), (std::vector<int64_t>{d.id, c.id, a.id, b.id}));

  CommentQuery by_article;
  by_article.article_id = first_;
  EXPECT_EQ(Ids(by_article), (std::vector<int64_t>{a.id, c.id, d.id}));
  by_article.status = CommentStatus::kApproved;
  EXPECT_EQ(Ids(by_article), (std::vector<int64_t>{a.id, d.id}));

  CommentQuery queue;
  queue.status = CommentStatus::kPending;
  EXPECT_EQ(Ids(queue), (std::vector<int64_t>{b.id, c.id}));

  CommentQuery page;
  page.limit = 2;
  page.offset = 1;
  EXPECT_EQ(Ids(page), (std::vector<int64_t>{a.id, c.id}));
  page.offset = 10;
  EXPECT_TRUE(Ids(page).empty());

  auto listed = store_->ListComments(CommentQuery{});
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 4u);
  EXPECT_EQ((*listed)[0].article_slug, "second");
  EXPECT_EQ((*listed)[1].article_slug, "first");
  EXPECT_EQ((*listed)[0].author_email, "b@example.org");
  EXPECT_EQ((*listed)[0].ip, "192.0.2.1");
  EXPECT_EQ((*listed)[0].updated_at, 0);

  CommentQuery bad;
  bad.limit = 0;
  EXPECT_EQ(store_->ListComments(bad).status().code(), Status::Code::kInvalidArgument);
  bad.limit = 1001;
  EXPECT_EQ(store_->ListComments(bad).status().code(), Status::Code::kInvalidArgument);
  bad.limit = 10;
  bad.offset = -1;
  EXPECT_EQ(store_->ListComments(bad).status().code(), Status::Code::kInvalidArgument);
}

TEST_P(CommentContractTest, PublicListsLeaveThePostersPrivateFieldsUnread) {
  Comment first;
  first.article_id = first_;
  first.author_name = "Reader";
  first.author_email = "a@example.org";
  first.author_url = "https://example.org/";
  first.body = "first line\nsecond";
  first.status = CommentStatus::kApproved;
  first.status_reason = "staff reply";
  first.ip = "192.0.2.1";
  first.user_agent = "Mozilla/5.0";
  first.created_at = kNow + 1;
  auto held = store_->AddComment(first);
  ASSERT_TRUE(held.ok()) << held.status().ToString();
  const Comment reply = Add(first_, "b@example.org", "reply", kNow + 2, CommentStatus::kApproved, held->id);
  Add(second_, "c@example.org", "elsewhere", kNow + 3, CommentStatus::kApproved);

  // Each shape (one article or all, by status or not, either order) with
  // and without the private fields: the same comments, and only those
  // three fields differ.
  for (int64_t article : {first_, int64_t{0}}) {
    for (bool by_status : {false, true}) {
      for (bool newest : {false, true}) {
        CommentQuery query;
        query.article_id = article;
        if (by_status) query.status = CommentStatus::kApproved;
        query.newest_first = newest;
        auto full = store_->ListComments(query);
        query.public_only = true;
        auto shown = store_->ListComments(query);
        ASSERT_TRUE(full.ok() && shown.ok());
        ASSERT_EQ(full->size(), article == 0 ? 3u : 2u);
        ASSERT_EQ(shown->size(), full->size());
        for (size_t i = 0; i < full->size(); ++i) {
          const Comment& f = (*full)[i];
          const Comment& p = (*shown)[i];
          EXPECT_FALSE(f.author_email.empty());
          EXPECT_EQ(f.ip, "192.0.2.1");
          if (f.id == held->id) {
            EXPECT_EQ(f.user_agent, "Mozilla/5.0");
          }
          EXPECT_EQ(p.author_email, "");
          EXPECT_EQ(p.ip, "");
          EXPECT_EQ(p.user_agent, "");
          EXPECT_EQ(p.id, f.id);
          EXPECT_EQ(p.article_id, f.article_id);
          EXPECT_EQ(p.parent_id, f.parent_id);
          EXPECT_EQ(p.author_name, f.author_name);
          EXPECT_EQ(p.author_url, f.author_url);
          EXPECT_EQ(p.body, f.body);
          EXPECT_EQ(p.status, f.status);
          EXPECT_EQ(p.status_reason, f.status_reason);
          EXPECT_EQ(p.created_at, f.created_at);
          EXPECT_EQ(p.updated_at, f.updated_at);
          EXPECT_EQ(p.article_slug, f.article_slug);
        }
      }
    }
  }
  EXPECT_EQ(reply.parent_id, held->id);
}

TEST_P(CommentContractTest, FindCommentReturnsEveryFieldOrNothing) {
  const Comment parent = Add(first_, "p@example.org", "parent", kNow);
  Comment c;
  c.article_id = first_;
  c.parent_id = parent.id;
  c.author_name = "Ada";
  c.author_email = "ada@example.org";
  c.author_url = "https://example.org/ada";
  c.body = "Line one\n\nLine <two> & \"three\"";
  c.status = CommentStatus::kSpam;
  c.status_reason = "spam: honeypot filled";
  c.ip = "2001:db8::1";
  c.user_agent = "Mozilla/5.0";
  c.created_at = kNow + 5;
  c.updated_at = 12345;  // ignored: a new comment has never been edited
  auto added = store_->AddComment(c);
  ASSERT_TRUE(added.ok()) << added.status().ToString();
  EXPECT_EQ(added->updated_at, 0);

  auto found = store_->FindComment(added->id);
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  ASSERT_TRUE(found->has_value());
  const Comment& f = **found;
  EXPECT_EQ(f.id, added->id);
  EXPECT_EQ(f.article_id, first_);
  EXPECT_EQ(f.article_slug, "first");
  EXPECT_EQ(f.parent_id, parent.id);
  EXPECT_EQ(f.author_name, "Ada");
  EXPECT_EQ(f.author_email, "ada@example.org");
  EXPECT_EQ(f.author_url, "https://example.org/ada");
  EXPECT_EQ(f.body, c.body);
  EXPECT_EQ(f.status, CommentStatus::kSpam);
  EXPECT_EQ(f.status_reason, "spam: honeypot filled");
  EXPECT_EQ(f.ip, "2001:db8::1");
  EXPECT_EQ(f.user_agent, "Mozilla/5.0");
  EXPECT_EQ(f.created_at, kNow + 5);
  EXPECT_EQ(f.updated_at, 0);

  auto parent_found = store_->FindComment(parent.id);
  ASSERT_TRUE(parent_found.ok() && parent_found->has_value());
  EXPECT_EQ((*parent_found)->parent_id, 0);

  auto missing = store_->FindComment(987654);
  ASSERT_TRUE(missing.ok()) << missing.status().ToString();
  EXPECT_FALSE(missing->has_value());
}

TEST_P(CommentContractTest, ApprovedFromEmailIsCaseBlindAndNeedsApproval) {
  Add(first_, "Reader@Example.ORG", "held", kNow, CommentStatus::kPending);
  Add(first_, "spammer@example.org", "spam", kNow, CommentStatus::kSpam);
  EXPECT_FALSE(*store_->HasApprovedCommentFromEmail("reader@example.org"));
  Add(second_, "READER@example.org", "fine", kNow, CommentStatus::kApproved);
  EXPECT_TRUE(*store_->HasApprovedCommentFromEmail("reader@example.org"));
  EXPECT_TRUE(*store_->HasApprovedCommentFromEmail("Reader@Example.Org"));
  EXPECT_FALSE(*store_->HasApprovedCommentFromEmail("spammer@example.org"));
  EXPECT_FALSE(*store_->HasApprovedCommentFromEmail("nobody@example.org"));
  EXPECT_FALSE(*store_->HasApprovedCommentFromEmail(""));
}

TEST_P(CommentContractTest, DuplicatesMatchEmailAndBodySinceATime) {
  Add(first_, "dup@example.org", "Same words", kNow, CommentStatus::kSpam);
  EXPECT_TRUE(*store_->HasDuplicateComment("DUP@example.org", "Same words", kNow));
  EXPECT_TRUE(*store_->HasDuplicateComment("dup@example.org", "Same words", kNow - 86400));
  EXPECT_FALSE(*store_->HasDuplicateComment("dup@example.org", "Same words", kNow + 1));
  EXPECT_FALSE(*store_->HasDuplicateComment("dup@example.org", "Same words!", kNow));
  EXPECT_FALSE(*store_->HasDuplicateComment("other@example.org", "Same words", kNow));
}

TEST_P(CommentContractTest, CountsCommentsFromAnAddressSinceATime) {
  Add(first_, "a@example.org", "1", kNow - 120, CommentStatus::kPending, 0, "198.51.100.7");
  Add(first_, "a@example.org", "2", kNow - 30, CommentStatus::kSpam, 0, "198.51.100.7");
  Add(second_, "b@example.org", "3", kNow - 10, CommentStatus::kApproved, 0, "198.51.100.7");
  Add(second_, "c@example.org", "4", kNow - 10, CommentStatus::kApproved, 0, "198.51.100.8");
  Add(second_, "d@example.org", "5", kNow - 10, CommentStatus::kApproved, 0, "");
  EXPECT_EQ(*store_->CountCommentsFromIp("198.51.100.7", kNow - 60), 2);
  EXPECT_EQ(*store_->CountCommentsFromIp("198.51.100.7", kNow - 600), 3);
  EXPECT_EQ(*store_->CountCommentsFromIp("198.51.100.8", kNow - 60), 1);
  EXPECT_EQ(*store_->CountCommentsFromIp("203.0.113.1", kNow - 60), 0);
  EXPECT_EQ(*store_->CountCommentsFromIp("", kNow - 60), 0);  // unknown is nobody
}

TEST_P(CommentContractTest, StatusChangesAreLoggedWithTheirReason) {
  const Comment c = Add(first_, "a@example.org", "hello", kNow);
  auto approved =
      store_->UpdateCommentStatus(c.id, CommentStatus::kApproved, "editor@example.org", "", kNow + 10);
  ASSERT_TRUE(approved.ok()) << approved.status().ToString();
  EXPECT_EQ(approved->status, CommentStatus::kApproved);
  EXPECT_EQ(approved->status_reason, "");
  EXPECT_EQ(approved->article_slug, "first");
  EXPECT_EQ(approved->body, "hello");

  auto spam =
      store_->UpdateCommentStatus(c.id, CommentStatus::kSpam, "chancery-cli", "spam: by hand", kNow + 20);
  ASSERT_TRUE(spam.ok()) << spam.status().ToString();
  EXPECT_EQ(spam->status_reason, "spam: by hand");
  // An empty note keeps the reason already given.
  auto trash = store_->UpdateCommentStatus(c.id, CommentStatus::kTrash, "chancery-cli", "", kNow + 30);
  ASSERT_TRUE(trash.ok());
  EXPECT_EQ(trash->status_reason, "spam: by hand");
  EXPECT_EQ(store_->FindComment(c.id)->value().status, CommentStatus::kTrash);

  auto log = store_->ListModerationLog(c.id, 10);
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  ASSERT_EQ(log->size(), 3u);
  // Newest first.
  EXPECT_EQ((*log)[0].from_status, "spam");
  EXPECT_EQ((*log)[0].to_status, "trash");
  EXPECT_EQ((*log)[0].created_at, kNow + 30);
  EXPECT_EQ((*log)[1].actor, "chancery-cli");
  EXPECT_EQ((*log)[1].note, "spam: by hand");
  EXPECT_EQ((*log)[2].comment_id, c.id);
  EXPECT_EQ((*log)[2].actor, "editor@example.org");
  EXPECT_EQ((*log)[2].from_status, "pending");
  EXPECT_EQ((*log)[2].to_status, "approved");
  EXPECT_GT((*log)[0].id, (*log)[1].id);

  EXPECT_EQ(store_->ListModerationLog(c.id, 1)->size(), 1u);
  EXPECT_EQ(store_->ListModerationLog(c.id, 0).status().code(), Status::Code::kInvalidArgument);

  const Comment other = Add(second_, "b@example.org", "other", kNow);
  ASSERT_TRUE(store_->UpdateCommentStatus(other.id, CommentStatus::kApproved, "x", "", kNow + 40).ok());
  EXPECT_EQ(store_->ListModerationLog(0, 100)->size(), 4u);
  EXPECT_EQ(store_->ListModerationLog(other.id, 100)->size(), 1u);
}

TEST_P(CommentContractTest, StatusChangeOfAMissingCommentChangesNothing) {
  auto missing = store_->UpdateCommentStatus(424242, CommentStatus::kApproved, "editor", "", kNow);
  EXPECT_EQ(missing.status().code(), Status::Code::kNotFound);
  const Comment c = Add(first_, "a@example.org", "hello", kNow);
  EXPECT_EQ(store_->UpdateCommentStatus(c.id, CommentStatus::kApproved, "", "", kNow).status().code(),
            Status::Code::kInvalidArgument);
  EXPECT_EQ(store_->FindComment(c.id)->value().status, CommentStatus::kPending);
  EXPECT_TRUE(store_->ListModerationLog(0, 100)->empty());
}

TEST_P(CommentContractTest, EditSetsBodyAndUpdatedAt) {
  const Comment c = Add(first_, "a@example.org", "typo", kNow, CommentStatus::kApproved);
  ASSERT_TRUE(store_->EditComment(c.id, "fixed", kNow + 60).ok());
  const Comment edited = store_->FindComment(c.id)->value();
  EXPECT_EQ(edited.body, "fixed");
  EXPECT_EQ(edited.updated_at, kNow + 60);
  EXPECT_EQ(edited.created_at, kNow);
  EXPECT_EQ(edited.status, CommentStatus::kApproved);
  EXPECT_EQ(store_->EditComment(424242, "x", kNow).code(), Status::Code::kNotFound);
}

TEST_P(CommentContractTest, DeleteKeepsRepliesAndLogsTheDeletion) {
  // root <- middle <- leaf, and root <- sibling.
  const Comment root = Add(first_, "r@example.org", "root", kNow, CommentStatus::kApproved);
  const Comment middle = Add(first_, "m@example.org", "middle", kNow + 1, CommentStatus::kSpam, root.id);
  const Comment leaf = Add(first_, "l@example.org", "leaf", kNow + 2, CommentStatus::kApproved, middle.id);
  const Comment sibling =
      Add(first_, "s@example.org", "sibling", kNow + 3, CommentStatus::kApproved, root.id);

  ASSERT_TRUE(store_->DeleteComment(middle.id, "editor@example.org", kNow + 100).ok());
  EXPECT_FALSE(store_->FindComment(middle.id)->has_value());
  EXPECT_EQ(store_->FindComment(leaf.id)->value().parent_id, root.id);
  EXPECT_EQ(store_->FindComment(sibling.id)->value().parent_id, root.id);

  ASSERT_TRUE(store_->DeleteComment(root.id, "editor@example.org", kNow + 200).ok());
  EXPECT_EQ(store_->FindComment(leaf.id)->value().parent_id, 0);
  EXPECT_EQ(store_->FindComment(sibling.id)->value().parent_id, 0);
  CommentQuery query;
  query.article_id = first_;
  EXPECT_EQ(Ids(query), (std::vector<int64_t>{leaf.id, sibling.id}));

  auto log = store_->ListModerationLog(middle.id, 10);
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  ASSERT_EQ(log->size(), 1u);
  EXPECT_EQ((*log)[0].from_status, "spam");
  EXPECT_EQ((*log)[0].to_status, "deleted");
  EXPECT_EQ((*log)[0].actor, "editor@example.org");
  EXPECT_EQ((*log)[0].created_at, kNow + 100);

  EXPECT_EQ(store_->DeleteComment(middle.id, "editor", kNow).code(), Status::Code::kNotFound);
  EXPECT_EQ(store_->DeleteComment(leaf.id, "", kNow).code(), Status::Code::kInvalidArgument);
  EXPECT_TRUE(store_->FindComment(leaf.id)->has_value());
  EXPECT_EQ(store_->ListModerationLog(0, 100)->size(), 2u);
}

TEST_P(CommentContractTest, EraseIpsBeforeACutoff) {
  const Comment old1 =
      Add(first_, "a@example.org", "1", kNow - 40 * 86400, CommentStatus::kApproved, 0, "192.0.2.1");
  const Comment old2 =
      Add(first_, "b@example.org", "2", kNow - 31 * 86400, CommentStatus::kSpam, 0, "192.0.2.2");
  const Comment erased = Add(first_, "c@example.org", "3", kNow - 31 * 86400, CommentStatus::kSpam, 0, "");
  const Comment fresh =
      Add(first_, "d@example.org", "4", kNow - 29 * 86400, CommentStatus::kPending, 0, "192.0.2.4");
  const int64_t cutoff = kNow - 30 * 86400;
  auto count = store_->EraseIpsOlderThan(cutoff);
  ASSERT_TRUE(count.ok()) << count.status().ToString();
  EXPECT_EQ(*count, 2);  // the one already erased does not count
  EXPECT_EQ(store_->FindComment(old1.id)->value().ip, "");
  EXPECT_EQ(store_->FindComment(old2.id)->value().ip, "");
  EXPECT_EQ(store_->FindComment(erased.id)->value().ip, "");
  EXPECT_EQ(store_->FindComment(fresh.id)->value().ip, "192.0.2.4");
  EXPECT_EQ(store_->FindComment(old1.id)->value().body, "1");
  EXPECT_EQ(*store_->EraseIpsOlderThan(cutoff), 0);
}

TEST_P(CommentContractTest, DataRequestsExportAndEraseByEmail) {
  const Comment mine1 = Add(first_, "Me@Example.org", "mine 1", kNow, CommentStatus::kApproved);
  const Comment reply =
      Add(first_, "you@example.org", "reply to me", kNow + 1, CommentStatus::kApproved, mine1.id);
  const Comment mine2 = Add(second_, "me@example.org", "mine 2", kNow + 2, CommentStatus::kSpam);
  const Comment mine3 = Add(first_, "ME@example.org", "mine 3", kNow + 3, CommentStatus::kPending, reply.id);
  const Comment deep =
      Add(first_, "them@example.org", "under mine 3", kNow + 4, CommentStatus::kApproved, mine3.id);

  auto exported = store_->CommentsByEmail("me@EXAMPLE.org");
  ASSERT_TRUE(exported.ok()) << exported.status().ToString();
  ASSERT_EQ(exported->size(), 3u);
  EXPECT_EQ((*exported)[0].id, mine1.id);
  EXPECT_EQ((*exported)[1].id, mine2.id);
  EXPECT_EQ((*exported)[1].article_slug, "second");
  EXPECT_EQ((*exported)[2].id, mine3.id);

  auto erased = store_->EraseCommentsByEmail("me@example.org", "chancery-cli", kNow + 100);
  ASSERT_TRUE(erased.ok()) << erased.status().ToString();
  EXPECT_EQ(*erased, 3);
  EXPECT_TRUE(store_->CommentsByEmail("me@example.org")->empty());
  // Others' words stay, moved up past the erased comments.
  EXPECT_EQ(store_->FindComment(reply.id)->value().parent_id, 0);
  EXPECT_EQ(store_->FindComment(deep.id)->value().parent_id, reply.id);

  auto log = store_->ListModerationLog(0, 100);
  ASSERT_TRUE(log.ok());
  ASSERT_EQ(log->size(), 3u);
  for (const ModerationLogEntry& e : *log) {
    EXPECT_EQ(e.to_status, "deleted");
    EXPECT_EQ(e.actor, "chancery-cli");
    EXPECT_EQ(e.note.find("example.org"), std::string::npos) << e.note;
  }
  EXPECT_EQ(*store_->EraseCommentsByEmail("me@example.org", "chancery-cli", kNow), 0);
  EXPECT_EQ(store_->EraseCommentsByEmail("", "chancery-cli", kNow).status().code(),
            Status::Code::kInvalidArgument);
}

TEST_P(CommentContractTest, CountsApprovedCommentsForSeveralArticlesAtOnce) {
  Add(first_, "a@example.org", "1", kNow, CommentStatus::kApproved);
  Add(first_, "a@example.org", "2", kNow, CommentStatus::kApproved);
  Add(first_, "a@example.org", "3", kNow, CommentStatus::kPending);
  Add(second_, "a@example.org", "4", kNow, CommentStatus::kSpam);
  auto counts = store_->CountApprovedCommentsFor({first_, second_, 424242});
  ASSERT_TRUE(counts.ok()) << counts.status().ToString();
  EXPECT_EQ(*counts, (std::map<int64_t, int64_t>{{first_, 2}, {second_, 0}, {424242, 0}}));
  auto none = store_->CountApprovedCommentsFor({});
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

TEST_P(StoreContractTest, UsersHaveUniqueEmails) {
  User user;
  user.email = "Editor@Example.org";
  user.name = "Ed";
  user.role = Role::kEditor;
  user.password_hash = "$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA";
  auto added = store_->AddUser(user);
  ASSERT_TRUE(added.ok()) << added.status().ToString();
  EXPECT_GT(added->id, 0);
  EXPECT_EQ(added->email, "editor@example.org");

  user.email = "EDITOR@example.org";
  auto duplicate = store_->AddUser(user);
  EXPECT_EQ(duplicate.status().code(), Status::Code::kAlreadyExists);

  auto found = store_->FindUserByEmail("editor@EXAMPLE.org");
  ASSERT_TRUE(found.ok());
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->id, added->id);
  EXPECT_EQ((*found)->role, Role::kEditor);
  EXPECT_EQ((*found)->password_hash, user.password_hash);
  EXPECT_EQ((*found)->author_id, 0);
  EXPECT_FALSE(store_->FindUserByEmail("nobody@example.org")->has_value());

  // The author a user writes as must exist.
  User writer = user;
  writer.email = "writer@example.org";
  writer.author_id = 777;
  auto dangling = store_->AddUser(writer);
  EXPECT_EQ(dangling.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(dangling.status().message().find("add user 'writer@example.org'"), std::string::npos)
      << dangling.status().message();
  auto author = store_->UpsertAuthor(MakeAuthor("wri", "Writer"));
  ASSERT_TRUE(author.ok());
  writer.author_id = author->id;
  ASSERT_TRUE(store_->AddUser(writer).ok());
  EXPECT_EQ(store_->FindUserByEmail("writer@example.org")->value().author_id, author->id);
}

TEST_P(StoreContractTest, MediaRoundTripsBinaryBytes) {
  Media media;
  media.name = "map.png";
  media.mime_type = "image/png";
  media.bytes = std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\xff", 18);
  media.width = 640;
  media.height = 480;
  media.alt = "A map";
  media.credit = "OpenStreetMap";
  auto put = store_->PutMedia(media);
  ASSERT_TRUE(put.ok()) << put.status().ToString();
  EXPECT_GT(put->id, 0);

  auto found = store_->FindMedia("map.png");
  ASSERT_TRUE(found.ok());
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->bytes.size(), 18u);
  EXPECT_EQ((*found)->bytes, media.bytes);
  EXPECT_EQ((*found)->mime_type, "image/png");
  EXPECT_EQ((*found)->width, 640);
  EXPECT_EQ((*found)->credit, "OpenStreetMap");

  media.bytes = std::string(3, '\0');
  media.alt = "A newer map";
  auto replaced = store_->PutMedia(media);
  ASSERT_TRUE(replaced.ok());
  EXPECT_EQ(replaced->id, put->id);
  found = store_->FindMedia("map.png");
  EXPECT_EQ((*found)->bytes, std::string(3, '\0'));
  EXPECT_EQ((*found)->alt, "A newer map");

  media.name = "empty.bin";
  media.bytes.clear();
  ASSERT_TRUE(store_->PutMedia(media).ok());
  found = store_->FindMedia("empty.bin");
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->bytes, "");

  EXPECT_FALSE(store_->FindMedia("missing.png")->has_value());
  for (const char* bad : {"", "../etc/passwd", "a/b.png", ".hidden"}) {
    media.name = bad;
    EXPECT_EQ(store_->PutMedia(media).status().code(), Status::Code::kInvalidArgument) << bad;
  }
}

// ---- Versions and concurrency ------------------------------------------------------

TEST_P(StoreContractTest, DataVersionChangesOnEveryCommit) {
  auto before = store_->DataVersion();
  ASSERT_TRUE(before.ok()) << before.status().ToString();
  EXPECT_EQ(*store_->DataVersion(), *before) << "no write, no change";
  ASSERT_TRUE(store_->PutSetting("k", "v").ok());
  auto after = store_->DataVersion();
  ASSERT_TRUE(after.ok());
  EXPECT_NE(*after, *before);
  Save(MakeArticle("x", ArticleStatus::kDraft, 0));
  EXPECT_NE(*store_->DataVersion(), *after);
}

TEST_P(StoreContractTest, DataVersionSeesCommitsFromAnotherStore) {
  if (!GetParam().file) GTEST_SKIP() << "needs a shared database";
  std::unique_ptr<Store> other = Open();
  ASSERT_NE(other, nullptr);
  auto before = store_->DataVersion();
  ASSERT_TRUE(before.ok());
  ASSERT_TRUE(other->PutSetting("site.title", "Changed elsewhere").ok());
  auto after = store_->DataVersion();
  ASSERT_TRUE(after.ok());
  EXPECT_NE(*after, *before);
  EXPECT_EQ(store_->GetSetting("site.title")->value_or(""), "Changed elsewhere");
  EXPECT_EQ(*store_->DataVersion(), *after);
}

TEST_P(StoreContractTest, PinnedReadsShareOneSnapshot) {
  if (!GetParam().file) {
    // Nothing to pin in memory: reads simply go on as before.
    EXPECT_EQ(store_->PinReads(), nullptr);
    return;
  }
  Save(MakeArticle("first", ArticleStatus::kPublished, kNow - 100, {"ana"}, {"asia"}));
  ASSERT_TRUE(store_->PutSetting("site.title", "Before").ok());
  std::unique_ptr<Store> other = Open();
  ASSERT_NE(other, nullptr);
  {
    auto pinned = store_->PinReads();
    ASSERT_NE(pinned, nullptr);
    EXPECT_EQ(store_->PinReads(), nullptr) << "a second scope on the thread joins the first";
    EXPECT_EQ(store_->GetSetting("site.title")->value_or(""), "Before");
    // Another process commits while the page is being read: the rest of
    // the page still sees the state its first read saw.
    ASSERT_TRUE(other->PutSetting("site.title", "After").ok());
    Article later = MakeArticle("second", ArticleStatus::kPublished, kNow - 50, {"ana"}, {"asia"});
    ASSERT_TRUE(other->SaveArticle(later).ok());
    EXPECT_EQ(store_->GetSetting("site.title")->value_or(""), "Before");
    auto second = store_->FindVisibleArticle("second", kNow);
    ASSERT_TRUE(second.ok()) << second.status().ToString();  // its own read transaction joins the scope
    EXPECT_FALSE(second->has_value());
    ArticleQuery query;
    query.now = kNow;
    EXPECT_EQ(List(query).items.size(), 1u);
    // Another thread is not held to this one's snapshot.
    std::string elsewhere;
    std::thread([&] { elsewhere = store_->GetSetting("site.title")->value_or(""); }).join();
    EXPECT_EQ(elsewhere, "After");
  }
  // The scope's end ends the snapshot, and writes were never blocked by it.
  EXPECT_EQ(store_->GetSetting("site.title")->value_or(""), "After");
  auto second = store_->FindVisibleArticle("second", kNow);
  ASSERT_TRUE(second.ok());
  EXPECT_TRUE(second->has_value());
  auto again = store_->PinReads();
  EXPECT_NE(again, nullptr) << "a new scope can begin once the last one ended";
}

TEST_P(StoreContractTest, ConcurrentReadsWhileWriting) {
  constexpr int kWrites = 60;
  Save(MakeArticle("seed", ArticleStatus::kPublished, kNow - 1000, {"ana"}, {"asia"}));
  std::atomic<bool> done = false;
  std::atomic<int> read_errors = 0;
  std::atomic<int> reads = 0;
  std::vector<std::thread> readers;
  for (int r = 0; r < 4; ++r) {
    readers.emplace_back([&] {
      ArticleQuery query;
      query.now = kNow;
      query.tag_slug = "asia";
      while (!done.load()) {
        auto page = store_->ListVisibleArticles(query);
        auto one = store_->FindVisibleArticle("seed", kNow);
        auto version = store_->DataVersion();
        if (!page.ok() || page->items.empty() || !one.ok() || !one->has_value() || !version.ok()) {
          ++read_errors;
        }
        ++reads;
      }
    });
  }
  int write_errors = 0;
  for (int i = 0; i < kWrites; ++i) {
    Article a =
        MakeArticle("w" + std::to_string(i), ArticleStatus::kPublished, kNow - i, {"ana", "bo"}, {"asia"});
    if (!store_->SaveArticle(a).ok()) ++write_errors;
  }
  done = true;
  for (auto& t : readers) t.join();
  EXPECT_EQ(write_errors, 0);
  EXPECT_EQ(read_errors.load(), 0);
  EXPECT_GT(reads.load(), 0);
  ArticleQuery query;
  query.now = kNow;
  EXPECT_EQ(List(query).total, kWrites + 1);
}

INSTANTIATE_TEST_SUITE_P(Sqlite, StoreContractTest,
                         testing::Values(Backend{"SqliteMemory", false}, Backend{"SqliteFile", true}),
                         PrintBackend);
INSTANTIATE_TEST_SUITE_P(Sqlite, CommentContractTest,
                         testing::Values(Backend{"SqliteMemory", false}, Backend{"SqliteFile", true}),
                         PrintBackend);

// ---- Opening ----------------------------------------------------------------------

TEST(StoreOpenTest, PicksBackendFromUrl) {
  StoreOptions options;
  options.url = "postgresql://chancery@localhost/chancery";
  auto pg = Store::Open(options);
  EXPECT_EQ(pg.status().code(), Status::Code::kUnsupported);
  EXPECT_EQ(pg.status().message(), "PostgreSQL backend not built yet");
  options.url = "postgres://localhost/x";
  EXPECT_EQ(Store::Open(options).status().code(), Status::Code::kUnsupported);
  options.url = "mysql://localhost/x";
  EXPECT_EQ(Store::Open(options).status().code(), Status::Code::kUnsupported);
  options.url = "";
  EXPECT_EQ(Store::Open(options).status().code(), Status::Code::kInvalidArgument);
  options.url = "sqlite:";
  EXPECT_EQ(Store::Open(options).status().code(), Status::Code::kInvalidArgument);
  options.url = "sqlite::memory:";
  options.max_connections = 0;
  EXPECT_EQ(Store::Open(options).status().code(), Status::Code::kInvalidArgument);
}

TEST(StoreOpenTest, EachMemoryStoreIsIndependent) {
  StoreOptions options;
  options.url = "sqlite::memory:";
  auto a = Store::Open(options);
  options.url = ":memory:";
  auto b = Store::Open(options);
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_TRUE((*a)->PutSetting("k", "a").ok());
  EXPECT_FALSE((*b)->GetSetting("k")->has_value());
}

TEST(StoreOpenTest, BarePathAndSqliteUrlOpenTheSameFile) {
  std::string dir = testing::TempDir() + "chancery-open-XXXXXX";
  ASSERT_NE(mkdtemp(dir.data()), nullptr);
  const std::string path = dir + "/site.db";
  {
    StoreOptions options;
    options.url = path;
    auto store = Store::Open(options);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    ASSERT_TRUE((*store)->PutSetting("k", "v").ok());
  }
  {
    StoreOptions options;
    options.url = "sqlite://" + path;  // sqlite:///abs/path
    auto store = Store::Open(options);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    EXPECT_EQ((*store)->GetSetting("k")->value_or(""), "v");
  }
  std::filesystem::remove_all(dir);
}

TEST(StoreOpenTest, MissingDirectoryIsAnError) {
  StoreOptions options;
  options.url = "sqlite:/nonexistent-dir-for-chancery/x.db";
  auto store = Store::Open(options);
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.status().message().find("/nonexistent-dir-for-chancery/x.db"), std::string::npos)
      << store.status().message();
}

TEST(StoreEnumTest, NamesRoundTrip) {
  for (auto s : {ArticleStatus::kDraft, ArticleStatus::kScheduled, ArticleStatus::kPublished}) {
    EXPECT_EQ(ParseArticleStatus(ToString(s)), s);
  }
  for (auto s :
       {CommentStatus::kPending, CommentStatus::kApproved, CommentStatus::kSpam, CommentStatus::kTrash}) {
    EXPECT_EQ(ParseCommentStatus(ToString(s)), s);
  }
  for (auto r : {Role::kAdmin, Role::kEditor, Role::kAuthor}) EXPECT_EQ(ParseRole(ToString(r)), r);
  EXPECT_EQ(ToString(ArticleStatus::kScheduled), "scheduled");
  EXPECT_EQ(ToString(CommentStatus::kSpam), "spam");
  EXPECT_EQ(ToString(Role::kAdmin), "admin");
  EXPECT_FALSE(ParseArticleStatus("Published").has_value());
  EXPECT_FALSE(ParseRole("").has_value());
}

}  // namespace
}  // namespace chancery::store
