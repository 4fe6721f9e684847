// The insight layer's storage on SQLite: one article's analysis saved,
// replaced and found; which articles need reading; the archive's actor and
// pair queries with the reader's visibility rule and the period filter; the
// editors' gazetteer edits; and the rows going with their article.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "store/sqlite/db.h"
#include "store/sqlite/migrations.h"
#include "store/store.h"
#include "support/query_plan.h"

namespace chancery::store {
namespace {

constexpr int64_t kDay = 24 * 60 * 60;
constexpr int64_t kNow = 1'800'000'000;
constexpr char kVersion[] = "builtin-1";

class InsightStoreTest : public testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = testing::TempDir() + "chancery-insight-XXXXXX";
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    path_ = (dir_ / "chancery.db").string();
    auto store = Store::Open({.url = "sqlite:" + path_});
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
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

  // Saves an article (a new one, or the one with its slug) and returns its id.
  int64_t Put(const std::string& slug, ArticleStatus status, int64_t published_at, int64_t updated_at,
              const std::string& text = "Islamabad and Moscow met.") {
    Article a;
    a.slug = slug;
    a.title = "Title of " + slug;
    a.body_markdown = text;
    a.plain_text = text;
    a.status = status;
    a.published_at = published_at;
    a.updated_at = updated_at;
    a.created_at = published_at == 0 ? kNow - 100 * kDay : published_at;
    auto saved = store_->SaveArticle(a);
    EXPECT_TRUE(saved.ok()) << saved.status().ToString();
    return a.id;
  }
  int64_t Published(const std::string& slug, int64_t at) { return Put(slug, ArticleStatus::kPublished, at, at); }

  static InsightActor Actor(std::string id, std::string name, std::string kind, int64_t mentions,
                            std::string country = "") {
    return InsightActor{std::move(id), std::move(name), std::move(kind), std::move(country), mentions};
  }

  // Saves an analysis of `article_id` naming `actors` and relating `pairs`.
  void Analyse(int64_t article_id, std::vector<InsightActor> actors, std::vector<InsightPair> pairs,
               int64_t article_updated_at, const std::string& version = kVersion) {
    ArticleInsight insight;
    insight.article_id = article_id;
    insight.analyzed_at = kNow;
    insight.article_updated_at = article_updated_at;
    insight.gazetteer_version = version;
    insight.analysis_json = R"({"actors":[],"relations":[],"events":[]})";
    insight.actors = std::move(actors);
    insight.pairs = std::move(pairs);
    Status s = store_->SaveArticleInsight(insight);
    ASSERT_TRUE(s.ok()) << s.ToString();
  }

  // The usual analysis: Pakistan and Russia, warm.
  void AnalysePakRus(int64_t article_id, int64_t updated_at, const std::string& version = kVersion) {
    Analyse(article_id, {Actor("PAK", "Pakistan", "state", 3), Actor("RUS", "Russia", "state", 2)},
            {InsightPair{"PAK", "RUS", 2.5, 2}}, updated_at, version);
  }

  std::vector<int64_t> Needing(int limit = 100) {
    auto ids = store_->ListArticlesNeedingInsight(kVersion, limit);
    EXPECT_TRUE(ids.ok()) << ids.status().ToString();
    return ids.ok() ? *ids : std::vector<int64_t>{};
  }

  std::vector<InsightActorStats> Actors(InsightQuery query) {
    auto actors = store_->ListInsightActors(query);
    EXPECT_TRUE(actors.ok()) << actors.status().ToString();
    return actors.ok() ? *actors : std::vector<InsightActorStats>{};
  }

  std::vector<InsightPairArticle> Pairs(InsightQuery query) {
    auto pairs = store_->ListInsightPairs(query);
    EXPECT_TRUE(pairs.ok()) << pairs.status().ToString();
    return pairs.ok() ? *pairs : std::vector<InsightPairArticle>{};
  }

  static std::vector<std::string> Ids(const std::vector<InsightActorStats>& actors) {
    std::vector<std::string> ids;
    for (const auto& a : actors) ids.push_back(a.actor.id);
    return ids;
  }
  static std::vector<int64_t> ArticleIds(const std::vector<InsightPairArticle>& rows) {
    std::vector<int64_t> ids;
    for (const auto& r : rows) ids.push_back(r.article_id);
    return ids;
  }

  std::filesystem::path dir_;
  std::string path_;
  std::unique_ptr<Store> store_;
};

// ---- One article's analysis ---------------------------------------------------------

TEST_F(InsightStoreTest, SavedAnalysisIsFoundAsSaved) {
  const int64_t id = Published("hedge", kNow - kDay);
  Analyse(id,
          {Actor("PAK", "Pakistan", "state", 5), Actor("vladimir-putin", "Vladimir Putin", "person", 2, "RUS"),
           Actor("SCO", "Shanghai Cooperation Organisation", "organization", 1)},
          {InsightPair{"PAK", "RUS", -3.75, 4}, InsightPair{"PAK", "SCO", 0.1, 1}}, kNow - kDay);

  auto found = store_->FindArticleInsight(id);
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  ASSERT_TRUE(found->has_value());
  const ArticleInsight& got = **found;
  EXPECT_EQ(got.article_id, id);
  EXPECT_EQ(got.analyzed_at, kNow);
  EXPECT_EQ(got.article_updated_at, kNow - kDay);
  EXPECT_EQ(got.gazetteer_version, kVersion);
  EXPECT_EQ(got.analysis_json, R"({"actors":[],"relations":[],"events":[]})");
  ASSERT_EQ(got.actors.size(), 3u);
  // In the analysis' order, not sorted by id.
  EXPECT_EQ(got.actors[0].id, "PAK");
  EXPECT_EQ(got.actors[1].id, "vladimir-putin");
  EXPECT_EQ(got.actors[1].name, "Vladimir Putin");
  EXPECT_EQ(got.actors[1].kind, "person");
  EXPECT_EQ(got.actors[1].country, "RUS");
  EXPECT_EQ(got.actors[1].mentions, 2);
  EXPECT_EQ(got.actors[2].id, "SCO");
  ASSERT_EQ(got.pairs.size(), 2u);
  EXPECT_EQ(got.pairs[0].a, "PAK");
  EXPECT_EQ(got.pairs[0].b, "RUS");
  EXPECT_DOUBLE_EQ(got.pairs[0].tone, -3.75);
  EXPECT_EQ(got.pairs[0].mentions, 4);
  EXPECT_DOUBLE_EQ(got.pairs[1].tone, 0.1);
}

TEST_F(InsightStoreTest, SavingAgainReplacesTheAnalysisAndItsRows) {
  const int64_t id = Published("hedge", kNow - kDay);
  AnalysePakRus(id, kNow - kDay);
  Analyse(id, {Actor("USA", "United States", "state", 1)}, {}, kNow - kDay, "builtin-2");

  auto found = store_->FindArticleInsight(id);
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->gazetteer_version, "builtin-2");
  ASSERT_EQ((*found)->actors.size(), 1u);
  EXPECT_EQ((*found)->actors[0].id, "USA");
  EXPECT_TRUE((*found)->pairs.empty());
  EXPECT_EQ(Ids(Actors({.now = kNow})), std::vector<std::string>{"USA"});
  EXPECT_TRUE(Pairs({.now = kNow}).empty());
}

TEST_F(InsightStoreTest, PairsAreStoredInOrder) {
  const int64_t id = Published("hedge", kNow - kDay);
  Analyse(id, {Actor("PAK", "Pakistan", "state", 1), Actor("CHN", "China", "state", 1)},
          {InsightPair{"PAK", "CHN", 4, 1}}, kNow - kDay);
  auto found = store_->FindArticleInsight(id);
  ASSERT_TRUE(found.ok() && found->has_value());
  ASSERT_EQ((*found)->pairs.size(), 1u);
  EXPECT_EQ((*found)->pairs[0].a, "CHN");
  EXPECT_EQ((*found)->pairs[0].b, "PAK");
  EXPECT_EQ(Pairs({.now = kNow, .actor = "PAK", .other = "CHN"}).size(), 1u);
}

TEST_F(InsightStoreTest, NoAnalysisIsNulloptAndBadInputIsRefused) {
  const int64_t id = Published("hedge", kNow - kDay);
  auto none = store_->FindArticleInsight(id);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());

  ArticleInsight insight;
  insight.article_id = id + 100;
  insight.gazetteer_version = kVersion;
  EXPECT_EQ(store_->SaveArticleInsight(insight).code(), Status::Code::kNotFound);

  insight.article_id = id;
  insight.actors = {Actor("PAK", "Pakistan", "country", 1)};
  EXPECT_EQ(store_->SaveArticleInsight(insight).code(), Status::Code::kInvalidArgument);
  insight.actors = {Actor("PAK", "Pakistan", "state", 1), Actor("PAK", "Pakistan", "state", 1)};
  EXPECT_FALSE(store_->SaveArticleInsight(insight).ok());
  insight.actors = {};
  insight.pairs = {InsightPair{"PAK", "PAK", 1, 1}};
  EXPECT_EQ(store_->SaveArticleInsight(insight).code(), Status::Code::kInvalidArgument);
  insight.pairs = {InsightPair{"PAK", "RUS", 11, 1}};
  EXPECT_EQ(store_->SaveArticleInsight(insight).code(), Status::Code::kInvalidArgument);
  // Nothing of the refused saves was kept.
  auto still = store_->FindArticleInsight(id);
  ASSERT_TRUE(still.ok());
  EXPECT_FALSE(still->has_value());
}

// ---- The article page's reads ------------------------------------------------------

// FindArticleInsightIndex is FindArticleInsight without the JSON, whatever
// the tones, names and order.
TEST_F(InsightStoreTest, TheIndexIsTheAnalysisWithoutItsJson) {
  const int64_t id = Published("hedge", kNow - kDay);
  Analyse(id,
          {Actor("SCO", "Shanghai Cooperation Organisation", "organization", 1),
           Actor("PAK", "Pakistan", "state", 5), Actor("vladimir-putin", "Vladimir Putin", "person", 2, "RUS"),
           Actor("CIV", "Côte d'Ivoire", "state", 0), Actor("X", "", "group", 3)},
          {InsightPair{"PAK", "RUS", 1.0 / 3.0, 4}, InsightPair{"PAK", "SCO", -10, 1},
           InsightPair{"CIV", "PAK", 0, 2}, InsightPair{"RUS", "X", 2.5e-7, 0}, InsightPair{"CIV", "X", 9.99, 7}},
          kNow - kDay);
  auto full = store_->FindArticleInsight(id);
  auto index = store_->FindArticleInsightIndex(id);
  ASSERT_TRUE(full.ok() && full->has_value()) << full.status().ToString();
  ASSERT_TRUE(index.ok() && index->has_value()) << index.status().ToString();
  const ArticleInsight& want = **full;
  // Moved out of the result, which then goes: the views point into the
  // index's own buffer, which moves with it.
  const ArticleInsightIndex got = std::move(**index);
  index = Result<std::optional<ArticleInsightIndex>>(std::optional<ArticleInsightIndex>());
  EXPECT_EQ(got.article_id, id);
  EXPECT_EQ(got.analyzed_at, want.analyzed_at);
  EXPECT_EQ(got.article_updated_at, want.article_updated_at);
  EXPECT_EQ(got.gazetteer_version, want.gazetteer_version);
  ASSERT_EQ(got.actors.size(), want.actors.size());
  for (size_t i = 0; i < want.actors.size(); ++i) {
    EXPECT_EQ(got.actors[i].id, want.actors[i].id) << i;
    EXPECT_EQ(got.actors[i].name, want.actors[i].name) << i;
    EXPECT_EQ(got.actors[i].kind, want.actors[i].kind) << i;
    EXPECT_EQ(got.actors[i].country, want.actors[i].country) << i;
    EXPECT_EQ(got.actors[i].mentions, want.actors[i].mentions) << i;
  }
  ASSERT_EQ(got.pairs.size(), want.pairs.size());
  for (size_t i = 0; i < want.pairs.size(); ++i) {
    EXPECT_EQ(got.pairs[i].a, want.pairs[i].a) << i;
    EXPECT_EQ(got.pairs[i].b, want.pairs[i].b) << i;
    EXPECT_EQ(got.pairs[i].tone, want.pairs[i].tone) << i;  // the very same double
    EXPECT_EQ(got.pairs[i].mentions, want.pairs[i].mentions) << i;
  }

  // No analysis, or one with no rows.
  const int64_t unread = Published("unread", kNow - kDay);
  auto none = store_->FindArticleInsightIndex(unread);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  Analyse(unread, {}, {}, kNow - kDay);
  auto empty = store_->FindArticleInsightIndex(unread);
  ASSERT_TRUE(empty.ok() && empty->has_value());
  EXPECT_TRUE((*empty)->actors.empty());
  EXPECT_TRUE((*empty)->pairs.empty());
}

// The compact copy is derived data: without it (a name holding its
// separators, or an analysis older than the copy) the tables answer.
TEST_F(InsightStoreTest, TheIndexReadsTheTablesWhenTheCompactCopyCannotServe) {
  const int64_t id = Published("hedge", kNow - kDay);
  Analyse(id, {Actor("PAK", "Pakistan\x1f" "and\x1e" "Russia", "state", 2), Actor("RUS", "Russia", "state", 1)},
          {InsightPair{"PAK", "RUS", -2.25, 2}}, kNow - kDay);
  auto index = store_->FindArticleInsightIndex(id);
  ASSERT_TRUE(index.ok() && index->has_value()) << index.status().ToString();
  ASSERT_EQ((*index)->actors.size(), 2u);
  EXPECT_EQ((*index)->actors[0].name, "Pakistan\x1f" "and\x1e" "Russia");
  ASSERT_EQ((*index)->pairs.size(), 1u);
  EXPECT_EQ((*index)->pairs[0].tone, -2.25);

  const int64_t other = Published("other", kNow - kDay);
  AnalysePakRus(other, kNow - kDay);
  for (const char* value : {"NULL", "'p\x1f" "0\x1f" "PAK'", "'a\x1fx'"}) {
    auto db = Raw();
    ASSERT_NE(db, nullptr);
    ASSERT_TRUE(db->ExecScript(std::string("UPDATE article_insights SET index_text = ") + value +
                               " WHERE article_id = " + std::to_string(other))
                    .ok());
    auto found = store_->FindArticleInsightIndex(other);
    ASSERT_TRUE(found.ok() && found->has_value()) << value << ": " << found.status().ToString();
    ASSERT_EQ((*found)->actors.size(), 2u) << value;
    EXPECT_EQ((*found)->actors[1].id, "RUS") << value;
    ASSERT_EQ((*found)->pairs.size(), 1u) << value;
    EXPECT_EQ((*found)->pairs[0].tone, 2.5) << value;
  }
}

// The compact copy is read in the order of its positions, whether they come
// shuffled, numbered 0..n-1 (each record goes to its place) or with gaps
// (they are sorted).
TEST_F(InsightStoreTest, TheCompactCopyIsReadInPositionOrder) {
  const int64_t id = Published("hedge", kNow - kDay);
  AnalysePakRus(id, kNow - kDay);
  struct Case {
    const char* name;
    std::string value;
  };
  const std::string us = "\x1f", rs = "\x1e";
  auto actor = [&](const char* position, const char* actor_id) {
    return "a" + us + position + us + actor_id + us + actor_id + " name" + us + "state" + us + us + "1";
  };
  auto pair = [&](const char* position, const char* a, const char* b) {
    return "p" + us + position + us + a + us + b + us + "0.5" + us + "3";
  };
  const Case cases[] = {
      {"shuffled 0..n-1", actor("2", "CHN") + rs + actor("0", "IND") + rs + actor("1", "PAK") + rs +
                              pair("1", "IND", "PAK") + rs + pair("0", "CHN", "IND")},
      {"with gaps", actor("9", "CHN") + rs + actor("-4", "IND") + rs + actor("3", "PAK") + rs +
                        pair("70", "IND", "PAK") + rs + pair("12", "CHN", "IND")},
  };
  for (const Case& c : cases) {
    auto db = Raw();
    ASSERT_NE(db, nullptr);
    ASSERT_TRUE(db->ExecScript("UPDATE article_insights SET index_text = '" + c.value +
                               "' WHERE article_id = " + std::to_string(id))
                    .ok());
    auto found = store_->FindArticleInsightIndex(id);
    ASSERT_TRUE(found.ok() && found->has_value()) << c.name << ": " << found.status().ToString();
    const ArticleInsightIndex& got = **found;
    ASSERT_EQ(got.actors.size(), 3u) << c.name << ": read from the tables, not the compact copy";
    EXPECT_EQ(got.actors[0].id, "IND") << c.name;
    EXPECT_EQ(got.actors[1].id, "PAK") << c.name;
    EXPECT_EQ(got.actors[2].id, "CHN") << c.name;
    EXPECT_EQ(got.actors[2].name, "CHN name") << c.name;
    ASSERT_EQ(got.pairs.size(), 2u) << c.name;
    EXPECT_EQ(got.pairs[0].a, "CHN") << c.name;
    EXPECT_EQ(got.pairs[1].a, "IND") << c.name;
    EXPECT_EQ(got.pairs[1].mentions, 3) << c.name;
  }
}

// An analysis saved before 0008 gets its compact copy from the migration,
// the same as a new save would write.
TEST(InsightMigrationTest, AnalysesSavedBeforeTheCompactCopyGetOne) {
  std::string dir = testing::TempDir() + "chancery-insight-migration-XXXXXX";
  ASSERT_NE(mkdtemp(dir.data()), nullptr);
  const std::string path = dir + "/chancery.db";
  auto builtin = sqlite::BuiltinMigrations();
  ASSERT_TRUE(builtin.ok()) << builtin.status().ToString();
  auto at_eight = std::find_if(builtin->begin(), builtin->end(), [](const auto& m) { return m.version == 8; });
  ASSERT_NE(at_eight, builtin->end());
  {
    auto db = sqlite::Connection::Open({.path = path});
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    auto applied = sqlite::ApplyMigrations(**db, std::span(builtin->begin(), at_eight));
    ASSERT_TRUE(applied.ok()) << applied.status().ToString();
    ASSERT_EQ(*applied, 7);
    ASSERT_TRUE((*db)->ExecScript(
                         "INSERT INTO articles (id, slug, title, status, published_at, created_at)"
                         " VALUES (1, 'old', 'Old', 'published', 1000, 1000);"
                         "INSERT INTO article_insights (article_id, analyzed_at, article_updated_at, gazetteer_version,"
                         " analysis_json) VALUES (1, 2000, 1000, 'v1', '{}');"
                         "INSERT INTO article_insight_actors VALUES (1, 'RUS', 1, 'Russia', 'state', '', 2),"
                         " (1, 'PAK', 0, 'Pakistan', 'state', '', 3);"
                         "INSERT INTO article_insight_pairs VALUES (1, 'PAK', 'RUS', 0, 0.333333333333333314829616256247, 2);")
                    .ok());
  }
  auto store = Store::Open({.url = "sqlite:" + path});
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_GE((*store)->SchemaVersion(), 8);
  auto full = (*store)->FindArticleInsight(1);
  auto index = (*store)->FindArticleInsightIndex(1);
  ASSERT_TRUE(full.ok() && full->has_value() && index.ok() && index->has_value());
  ASSERT_EQ((*index)->actors.size(), 2u);
  EXPECT_EQ((*index)->actors[0].id, "PAK");
  EXPECT_EQ((*index)->actors[1].name, "Russia");
  ASSERT_EQ((*index)->pairs.size(), 1u);
  EXPECT_EQ((*index)->pairs[0].tone, (*full)->pairs[0].tone);
  EXPECT_EQ((*index)->gazetteer_version, "v1");
  {
    auto db = sqlite::Connection::Open({.path = path, .create = false});
    ASSERT_TRUE(db.ok());
    auto filled = (*db)->QueryInt("SELECT count(*) FROM article_insights WHERE index_text IS NOT NULL");
    ASSERT_TRUE(filled.ok());
    EXPECT_EQ(*filled, 1) << "read from the compact copy, not the tables";
  }
  store->reset();
  std::filesystem::remove_all(dir);
}

TEST_F(InsightStoreTest, RelatedArticlesRankByPairsSharedThenDate) {
  const int64_t self = Published("self", kNow - 10 * kDay);
  const int64_t both_old = Published("both-old", kNow - 30 * kDay);
  const int64_t both_new = Published("both-new", kNow - 20 * kDay);
  const int64_t one = Published("one", kNow - kDay);
  const int64_t draft = Put("draft", ArticleStatus::kDraft, 0, kNow - kDay);
  const int64_t later = Put("later", ArticleStatus::kScheduled, kNow + kDay, kNow - kDay);
  const std::vector<InsightActor> actors = {Actor("PAK", "Pakistan", "state", 2), Actor("RUS", "Russia", "state", 2),
                                            Actor("USA", "United States", "state", 1)};
  const std::vector<InsightPair> two = {InsightPair{"PAK", "RUS", 1, 2}, InsightPair{"PAK", "USA", -1, 1}};
  Analyse(self, actors, two, kNow - 10 * kDay);
  Analyse(both_old, actors, two, kNow - 30 * kDay);
  Analyse(both_new, actors, two, kNow - 20 * kDay);
  Analyse(one, actors, {InsightPair{"USA", "PAK", 3, 1}}, kNow - kDay);
  Analyse(draft, actors, two, kNow - kDay);
  Analyse(later, actors, two, kNow - kDay);

  RelatedInsightQuery query;
  query.article_id = self;
  query.now = kNow;
  query.pairs = {{"PAK", "RUS"}, {"USA", "PAK"}};  // either order
  auto related = store_->ListRelatedInsight(query);
  ASSERT_TRUE(related.ok()) << related.status().ToString();
  ASSERT_EQ(related->size(), 3u);
  EXPECT_EQ((*related)[0].article_id, both_new);
  EXPECT_EQ((*related)[0].slug, "both-new");
  EXPECT_EQ((*related)[0].title, "Title of both-new");
  EXPECT_EQ((*related)[0].published_at, kNow - 20 * kDay);
  EXPECT_EQ((*related)[0].shared, (std::vector<int>{0, 1}));
  EXPECT_EQ((*related)[1].article_id, both_old);
  EXPECT_EQ((*related)[2].article_id, one);
  EXPECT_EQ((*related)[2].shared, std::vector<int>{1});

  // The limit; the scheduled article once its time has come.
  query.limit = 1;
  EXPECT_EQ(store_->ListRelatedInsight(query)->size(), 1u);
  query.limit = 5;
  query.now = kNow + kDay;
  ASSERT_EQ(store_->ListRelatedInsight(query)->size(), 4u);
  EXPECT_EQ((*store_->ListRelatedInsight(query))[0].article_id, later);

  // Only each pair's newest per_pair articles count, the article itself
  // taking a place among them: with one place, Pakistan–Russia counts
  // "later" only, and Pakistan–United States "later" only.
  query.per_pair = 1;
  auto narrow = store_->ListRelatedInsight(query);
  ASSERT_TRUE(narrow.ok());
  ASSERT_EQ(narrow->size(), 1u);
  EXPECT_EQ((*narrow)[0].article_id, later);
  query.now = kNow;
  query.per_pair = 3;  // self, both-new, both-old / one, self, both-new
  narrow = store_->ListRelatedInsight(query);
  ASSERT_TRUE(narrow.ok());
  ASSERT_EQ(narrow->size(), 3u);
  EXPECT_EQ((*narrow)[0].article_id, both_new);
  EXPECT_EQ((*narrow)[1].article_id, one);
  EXPECT_EQ((*narrow)[1].shared, std::vector<int>{1});
  EXPECT_EQ((*narrow)[2].article_id, both_old);
  EXPECT_EQ((*narrow)[2].shared, std::vector<int>{0});

  // Ties on pairs and date: the lower id first.
  const int64_t twin_a = Published("twin-a", kNow - 5 * kDay);
  const int64_t twin_b = Published("twin-b", kNow - 5 * kDay);
  Analyse(twin_b, actors, {InsightPair{"PAK", "RUS", 1, 1}}, kNow - 5 * kDay);
  Analyse(twin_a, actors, {InsightPair{"PAK", "RUS", 1, 1}}, kNow - 5 * kDay);
  query.pairs = {{"PAK", "RUS"}};
  query.per_pair = 200;
  auto twins = store_->ListRelatedInsight(query);
  ASSERT_TRUE(twins.ok());
  ASSERT_GE(twins->size(), 2u);
  EXPECT_EQ((*twins)[0].article_id, std::min(twin_a, twin_b));
  EXPECT_EQ((*twins)[1].article_id, std::max(twin_a, twin_b));

  EXPECT_EQ(store_->ListRelatedInsight({.article_id = self, .now = kNow}).status().code(),
            Status::Code::kInvalidArgument);
  query.limit = 0;
  EXPECT_EQ(store_->ListRelatedInsight(query).status().code(), Status::Code::kInvalidArgument);
}

// Related analysis checks each article's visibility from an index, never
// from the article's row (whose status sits behind its body).
// (The query is kPairsArticles of insight_store.cc; keep the two in step.)
TEST_F(InsightStoreTest, TheRelatedQueryChecksVisibilityFromTheIndex) {
  auto db = Raw();
  ASSERT_NE(db, nullptr);
  auto found = test_support::QueryPlan(
      *db,
      "WITH wanted (a, b) AS NOT MATERIALIZED (VALUES (?1, ?2), (?3, ?4), (?5, ?6), (?7, ?8),"
      " (?9, ?10), (?11, ?12), (?13, ?14), (?15, ?16), (?17, ?18), (?19, ?20))"
      " SELECT p.actor_a, p.actor_b, v.id, v.published_at FROM wanted w"
      " CROSS JOIN article_insight_pairs p ON p.actor_a = w.a AND p.actor_b = w.b"
      " JOIN articles v INDEXED BY articles_visibility ON v.id = p.article_id"
      " WHERE +v.status IN ('published', 'scheduled') AND v.published_at <= ?21");
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  const std::string& plan = *found;
  EXPECT_NE(plan.find("COVERING INDEX article_insight_pairs_by_pair (actor_a=? AND actor_b=?)"), std::string::npos)
      << plan;
  // One seek per article, on its id alone: not one per status of the IN list.
  EXPECT_NE(plan.find("COVERING INDEX articles_visibility (id=?)"), std::string::npos) << plan;
  EXPECT_EQ(plan.find("TEMP B-TREE"), std::string::npos) << plan;
  EXPECT_EQ(plan.find("MATERIALIZE"), std::string::npos) << plan;
}

// ---- Which articles need reading -------------------------------------------------------

TEST_F(InsightStoreTest, NewArticlesOfAnyStatusNeedReadingOldestFirst) {
  const int64_t a = Published("first", kNow - 3 * kDay);
  const int64_t b = Put("draft", ArticleStatus::kDraft, 0, kNow - 2 * kDay);
  const int64_t c = Put("scheduled", ArticleStatus::kScheduled, kNow + kDay, kNow - kDay);
  EXPECT_EQ(Needing(), (std::vector<int64_t>{a, b, c}));
  EXPECT_EQ(Needing(2), (std::vector<int64_t>{a, b}));
  AnalysePakRus(b, kNow - 2 * kDay);
  EXPECT_EQ(Needing(), (std::vector<int64_t>{a, c}));
}

TEST_F(InsightStoreTest, AnUpdatedArticleNeedsReadingAgain) {
  const int64_t id = Published("hedge", kNow - kDay);
  AnalysePakRus(id, kNow - kDay);
  EXPECT_TRUE(Needing().empty());
  Put("hedge", ArticleStatus::kPublished, kNow - kDay, kNow, "Islamabad and Washington met.");
  EXPECT_EQ(Needing(), std::vector<int64_t>{id});
  AnalysePakRus(id, kNow);
  EXPECT_TRUE(Needing().empty());
}

// An import of the same slug keeps the article's date: its new text still
// gets read.
TEST_F(InsightStoreTest, ANewTextWithTheSameUpdateTimeNeedsReadingAgain) {
  const int64_t id = Published("hedge", kNow - kDay);
  AnalysePakRus(id, kNow - kDay);
  Put("hedge", ArticleStatus::kPublished, kNow - kDay, kNow - kDay, "Islamabad and Washington met.");
  EXPECT_EQ(Needing(), std::vector<int64_t>{id});
  AnalysePakRus(id, kNow - kDay);
  EXPECT_TRUE(Needing().empty());
  // The same text saved again changes nothing.
  Put("hedge", ArticleStatus::kPublished, kNow - kDay, kNow - kDay, "Islamabad and Washington met.");
  EXPECT_TRUE(Needing().empty());
}

TEST_F(InsightStoreTest, AnotherGazetteerVersionNeedsReadingAgain) {
  const int64_t id = Published("hedge", kNow - kDay);
  AnalysePakRus(id, kNow - kDay, "builtin-0");
  EXPECT_EQ(Needing(), std::vector<int64_t>{id});
  auto same = store_->ListArticlesNeedingInsight("builtin-0", 10);
  ASSERT_TRUE(same.ok());
  EXPECT_TRUE(same->empty());
}

TEST_F(InsightStoreTest, TrashedArticlesAreNotRead) {
  const int64_t kept = Published("kept", kNow - 2 * kDay);
  const int64_t trashed = Published("trashed", kNow - kDay);
  ASSERT_TRUE(store_->TrashArticle(trashed, 0, kNow).ok());
  EXPECT_EQ(Needing(), std::vector<int64_t>{kept});
  ASSERT_TRUE(store_->RestoreArticle(trashed, 0, kNow).ok());
  EXPECT_EQ(Needing(), (std::vector<int64_t>{kept, trashed}));
}

TEST_F(InsightStoreTest, LimitsOutsideTheRangeAreRefused) {
  EXPECT_EQ(store_->ListArticlesNeedingInsight(kVersion, 0).status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(store_->ListInsightActors({.now = kNow, .limit = 0}).status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(store_->ListInsightPairs({.now = kNow, .limit = 10001}).status().code(),
            Status::Code::kInvalidArgument);
}

// The question runs every few seconds while serving: it must not read the
// articles' bodies. (The query is kNeedingInsight of insight_store.cc; keep
// the two in step.)
TEST_F(InsightStoreTest, TheNeedingQueryUsesTheNarrowIndex) {
  auto db = Raw();
  ASSERT_NE(db, nullptr);
  auto found = test_support::QueryPlan(
      *db,
      "SELECT a.id FROM articles a LEFT JOIN article_insights i ON i.article_id = a.id"
      " WHERE a.trashed_at = 0 AND (i.article_id IS NULL OR i.stale <> 0"
      " OR i.article_updated_at < a.updated_at OR i.gazetteer_version <> ?1)"
      " ORDER BY a.id LIMIT ?2");
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  const std::string& plan = *found;
  EXPECT_NE(plan.find("COVERING INDEX articles_for_insight"), std::string::npos) << plan;
  EXPECT_EQ(plan.find("TEMP B-TREE"), std::string::npos) << plan;
}

// ---- The archive --------------------------------------------------------------------

TEST_F(InsightStoreTest, OnlyArticlesVisibleAtNowCount) {
  const int64_t published = Published("published", kNow - kDay);
  const int64_t draft = Put("draft", ArticleStatus::kDraft, 0, kNow - kDay);
  const int64_t later = Put("later", ArticleStatus::kScheduled, kNow + kDay, kNow - kDay);
  const int64_t trashed = Published("trashed", kNow - 2 * kDay);
  AnalysePakRus(published, kNow - kDay);
  Analyse(draft, {Actor("USA", "United States", "state", 1), Actor("IND", "India", "state", 1)},
          {InsightPair{"IND", "USA", 1, 1}}, kNow - kDay);
  Analyse(later, {Actor("CHN", "China", "state", 1), Actor("PAK", "Pakistan", "state", 1)},
          {InsightPair{"CHN", "PAK", 1, 1}}, kNow - kDay);
  Analyse(trashed, {Actor("AFG", "Afghanistan", "state", 1), Actor("PAK", "Pakistan", "state", 1)},
          {InsightPair{"AFG", "PAK", -1, 1}}, kNow - 2 * kDay);
  ASSERT_TRUE(store_->TrashArticle(trashed, 0, kNow).ok());

  EXPECT_EQ(Ids(Actors({.now = kNow})), (std::vector<std::string>{"PAK", "RUS"}));
  EXPECT_EQ(ArticleIds(Pairs({.now = kNow})), std::vector<int64_t>{published});
  // Once its time has come, the scheduled article counts.
  // PAK in two articles, then RUS (2 mentions) before CHN (1).
  EXPECT_EQ(Ids(Actors({.now = kNow + kDay})), (std::vector<std::string>{"PAK", "RUS", "CHN"}));
  EXPECT_EQ(ArticleIds(Pairs({.now = kNow + kDay})), (std::vector<int64_t>{later, published}));
}

TEST_F(InsightStoreTest, AnActorsArticlesIncludeThoseNamingItAloneNewestFirst) {
  const int64_t paired = Published("paired", kNow - 2 * kDay);
  const int64_t alone = Published("alone", kNow - kDay);
  const int64_t draft = Put("draft", ArticleStatus::kDraft, 0, kNow - kDay);
  AnalysePakRus(paired, kNow - 2 * kDay);
  Analyse(alone, {Actor("PAK", "Pakistan", "state", 5)}, {}, kNow - kDay);
  Analyse(draft, {Actor("PAK", "Pakistan", "state", 1)}, {}, kNow - kDay);
  auto rows = store_->ListInsightActorArticles({.now = kNow, .actor = "PAK"});
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_EQ(rows->size(), 2u) << "the draft is not visible";
  EXPECT_EQ((*rows)[0].article_id, alone);
  EXPECT_EQ((*rows)[0].slug, "alone");
  EXPECT_EQ((*rows)[0].mentions, 5);
  EXPECT_EQ((*rows)[1].article_id, paired);
  EXPECT_TRUE(store_->ListInsightActorArticles({.now = kNow, .actor = "NOBODY"})->empty());
  EXPECT_EQ(store_->ListInsightActorArticles({.now = kNow}).status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(store_->ListInsightActorArticles({.now = kNow, .from = kNow - kDay - 1, .actor = "PAK"})->size(), 1u);
}

TEST_F(InsightStoreTest, ThePeriodBoundsPublicationTimes) {
  const int64_t old = Published("old", kNow - 400 * kDay);
  const int64_t recent = Published("recent", kNow - 10 * kDay);
  AnalysePakRus(old, kNow - 400 * kDay);
  AnalysePakRus(recent, kNow - 10 * kDay);
  EXPECT_EQ(ArticleIds(Pairs({.now = kNow, .from = kNow - 30 * kDay})), std::vector<int64_t>{recent});
  EXPECT_EQ(ArticleIds(Pairs({.now = kNow, .to = kNow - 30 * kDay})), std::vector<int64_t>{old});
  // [from, to): an article published exactly at `to` is outside.
  EXPECT_TRUE(Pairs({.now = kNow, .from = kNow - 400 * kDay + 1, .to = kNow - 10 * kDay}).empty());
  EXPECT_EQ(ArticleIds(Pairs({.now = kNow, .from = kNow - 400 * kDay, .to = kNow - 10 * kDay})),
            std::vector<int64_t>{old});
  auto actors = Actors({.now = kNow, .from = kNow - 30 * kDay});
  ASSERT_EQ(actors.size(), 2u);
  EXPECT_EQ(actors[0].articles, 1);
}

TEST_F(InsightStoreTest, ActorStatsSumTheArchive) {
  const int64_t first = Published("first", kNow - 3 * kDay);
  const int64_t second = Published("second", kNow - 2 * kDay);
  const int64_t third = Published("third", kNow - kDay);
  Analyse(first, {Actor("PAK", "Pakistan", "state", 4), Actor("sco", "SCO (old name)", "organization", 1)}, {},
          kNow - 3 * kDay);
  Analyse(second, {Actor("PAK", "Pakistan", "state", 2), Actor("sco", "Shanghai Cooperation Organisation",
                                                                   "organization", 2)},
          {}, kNow - 2 * kDay);
  Analyse(third, {Actor("RUS", "Russia", "state", 9), Actor("PAK", "Pakistan", "state", 1)}, {}, kNow - kDay);

  auto actors = Actors({.now = kNow});
  ASSERT_EQ(actors.size(), 3u);
  // Most articles first; then most mentions.
  EXPECT_EQ(actors[0].actor.id, "PAK");
  EXPECT_EQ(actors[0].articles, 3);
  EXPECT_EQ(actors[0].actor.mentions, 7);
  EXPECT_EQ(actors[1].actor.id, "sco");
  EXPECT_EQ(actors[1].articles, 2);
  EXPECT_EQ(actors[1].actor.mentions, 3);
  // The name of its newest article.
  EXPECT_EQ(actors[1].actor.name, "Shanghai Cooperation Organisation");
  EXPECT_EQ(actors[1].actor.kind, "organization");
  EXPECT_EQ(actors[2].actor.id, "RUS");
  EXPECT_EQ(actors[2].articles, 1);
  EXPECT_EQ(actors[2].actor.mentions, 9);

  auto one = Actors({.now = kNow, .actor = "sco"});
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0].actor.mentions, 3);
  EXPECT_TRUE(Actors({.now = kNow, .actor = "NOPE"}).empty());
  EXPECT_EQ(Actors({.now = kNow, .limit = 1}).size(), 1u);
}

TEST_F(InsightStoreTest, PairRowsComeNewestFirst) {
  const int64_t first = Published("first", kNow - 3 * kDay);
  const int64_t second = Published("second", kNow - 2 * kDay);
  const int64_t third = Published("third", kNow - kDay);
  Analyse(first, {}, {InsightPair{"PAK", "RUS", 2, 1}}, kNow - 3 * kDay);
  Analyse(second, {}, {InsightPair{"PAK", "USA", -4, 3}, InsightPair{"PAK", "RUS", 1, 2}}, kNow - 2 * kDay);
  Analyse(third, {}, {InsightPair{"CHN", "USA", -6, 1}}, kNow - kDay);

  auto all = Pairs({.now = kNow});
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(ArticleIds(all), (std::vector<int64_t>{third, second, second, first}));
  EXPECT_EQ(all[0].slug, "third");
  EXPECT_EQ(all[0].title, "Title of third");
  EXPECT_EQ(all[0].published_at, kNow - kDay);
  // Within an article, in the analysis' order.
  EXPECT_EQ(all[1].pair.b, "USA");
  EXPECT_DOUBLE_EQ(all[1].pair.tone, -4);
  EXPECT_EQ(all[1].pair.mentions, 3);

  // Either end of the pair.
  EXPECT_EQ(ArticleIds(Pairs({.now = kNow, .actor = "USA"})), (std::vector<int64_t>{third, second}));
  EXPECT_EQ(ArticleIds(Pairs({.now = kNow, .actor = "PAK"})), (std::vector<int64_t>{second, second, first}));
  // One pair, named in either order.
  auto pak_rus = Pairs({.now = kNow, .actor = "RUS", .other = "PAK"});
  ASSERT_EQ(pak_rus.size(), 2u);
  EXPECT_EQ(ArticleIds(pak_rus), (std::vector<int64_t>{second, first}));
  EXPECT_EQ(pak_rus[0].pair.a, "PAK");
  EXPECT_EQ(pak_rus[0].pair.b, "RUS");
  EXPECT_TRUE(Pairs({.now = kNow, .actor = "PAK", .other = "PAK"}).empty());
  EXPECT_EQ(Pairs({.now = kNow, .limit = 2}).size(), 2u);
}

// ---- Gazetteer edits -----------------------------------------------------------------

TEST_F(InsightStoreTest, EditsAreAddedListedInOrderAndDeleted) {
  GazetteerEdit actor{.action = "add_actor", .actor_id = "ttp-splinter", .name = "Jamaat-ul-Ahrar",
                      .kind = "group", .country = "PAK", .created_by = "ed@example.org", .created_at = kNow};
  auto added = store_->AddGazetteerEdit(actor);
  ASSERT_TRUE(added.ok()) << added.status().ToString();
  EXPECT_GT(added->id, 0);
  EXPECT_EQ(added->name, "Jamaat-ul-Ahrar");
  auto alias = store_->AddGazetteerEdit(
      {.action = "add_name", .actor_id = "ttp-splinter", .name = "JuA", .form = "alias", .created_by = "e"});
  ASSERT_TRUE(alias.ok()) << alias.status().ToString();
  EXPECT_GT(alias->created_at, 0);  // now, when not given
  auto merge = store_->AddGazetteerEdit({.action = "merge", .actor_id = "ttp-splinter", .target_id = "TTP"});
  ASSERT_TRUE(merge.ok()) << merge.status().ToString();

  auto edits = store_->ListGazetteerEdits();
  ASSERT_TRUE(edits.ok());
  ASSERT_EQ(edits->size(), 3u);
  EXPECT_EQ((*edits)[0].id, added->id);
  EXPECT_EQ((*edits)[0].action, "add_actor");
  EXPECT_EQ((*edits)[0].kind, "group");
  EXPECT_EQ((*edits)[0].country, "PAK");
  EXPECT_EQ((*edits)[0].created_by, "ed@example.org");
  EXPECT_EQ((*edits)[0].created_at, kNow);
  EXPECT_EQ((*edits)[1].form, "alias");
  EXPECT_EQ((*edits)[2].target_id, "TTP");

  ASSERT_TRUE(store_->DeleteGazetteerEdit(alias->id).ok());
  EXPECT_EQ(store_->DeleteGazetteerEdit(alias->id).code(), Status::Code::kNotFound);
  edits = store_->ListGazetteerEdits();
  ASSERT_TRUE(edits.ok());
  ASSERT_EQ(edits->size(), 2u);
  EXPECT_EQ((*edits)[0].id, added->id);
  EXPECT_EQ((*edits)[1].id, merge->id);
}

TEST_F(InsightStoreTest, IncompleteEditsAreRefused) {
  const GazetteerEdit bad[] = {
      {.action = "rename", .actor_id = "PAK", .name = "x"},
      {.action = "add_actor", .actor_id = "", .name = "x", .kind = "state"},
      {.action = "add_actor", .actor_id = "x", .name = "", .kind = "state"},
      {.action = "add_actor", .actor_id = "x", .name = "X", .kind = "country"},
      {.action = "add_name", .actor_id = "PAK", .name = ""},
      {.action = "merge", .actor_id = "PAK", .target_id = ""},
      {.action = "merge", .actor_id = "PAK", .target_id = "PAK"},
  };
  for (const GazetteerEdit& edit : bad)
    EXPECT_EQ(store_->AddGazetteerEdit(edit).status().code(), Status::Code::kInvalidArgument)
        << edit.action << " " << edit.actor_id;
  auto edits = store_->ListGazetteerEdits();
  ASSERT_TRUE(edits.ok());
  EXPECT_TRUE(edits->empty());
}

// ---- Deleting an article -----------------------------------------------------------------

TEST_F(InsightStoreTest, AnAnalysisGoesWithItsArticle) {
  const int64_t id = Published("hedge", kNow - kDay);
  const int64_t other = Published("other", kNow - 2 * kDay);
  AnalysePakRus(id, kNow - kDay);
  AnalysePakRus(other, kNow - 2 * kDay);
  {
    auto db = Raw();
    ASSERT_NE(db, nullptr);
    auto stmt = db->Prepare("DELETE FROM articles WHERE id = ?1");
    ASSERT_TRUE(stmt.ok());
    (*stmt)->Bind(1, id);
    ASSERT_TRUE((*stmt)->Run().ok());
    for (const char* table : {"article_insights", "article_insight_actors", "article_insight_pairs"}) {
      auto count = db->QueryInt(std::string("SELECT count(*) FROM ") + table + " WHERE article_id = " +
                                std::to_string(id));
      ASSERT_TRUE(count.ok()) << count.status().ToString();
      EXPECT_EQ(*count, 0) << table;
    }
  }
  auto found = store_->FindArticleInsight(id);
  ASSERT_TRUE(found.ok());
  EXPECT_FALSE(found->has_value());
  EXPECT_EQ(ArticleIds(Pairs({.now = kNow})), std::vector<int64_t>{other});
  auto actors = Actors({.now = kNow});
  ASSERT_EQ(actors.size(), 2u);
  EXPECT_EQ(actors[0].articles, 1);
}

}  // namespace
}  // namespace chancery::store
