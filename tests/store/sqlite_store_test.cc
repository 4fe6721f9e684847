// What the SQLite backend promises beyond the Store contract: the file's
// settings, the search index, query plans, and the connection wrapper.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "store/sqlite/article_sql.h"
#include "store/sqlite/comment_sql.h"
#include "store/sqlite/db.h"
#include "store/sqlite/migrations.h"
#include "store/store.h"
#include "support/query_plan.h"

namespace chancery::store::sqlite {
namespace {

class SqliteFileTest : public testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = testing::TempDir() + "chancery-sqlite-XXXXXX";
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    path_ = (dir_ / "chancery.db").string();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  Result<std::unique_ptr<Store>> OpenStore() {
    StoreOptions options;
    options.url = "sqlite:" + path_;
    return Store::Open(options);
  }

  // A plain connection beside the store, as another process would have.
  std::unique_ptr<Connection> Raw() {
    ConnectionOptions options;
    options.path = path_;
    options.create = false;
    auto db = Connection::Open(options);
    EXPECT_TRUE(db.ok()) << db.status().ToString();
    return db.ok() ? std::move(db).value() : nullptr;
  }

  enum class Sorting { kAllowed, kNone };
  // Expects each query's plan to name its index and, with Sorting::kNone,
  // to need no temporary B-tree.
  void ExpectPlansUse(std::initializer_list<std::pair<const char*, const char*>> cases, Sorting sorting) {
    auto db = Raw();
    ASSERT_NE(db, nullptr);
    for (const auto& [query, index] : cases) {
      auto found = test_support::QueryPlan(*db, query);
      ASSERT_TRUE(found.ok()) << found.status().ToString();
      const std::string& plan = *found;
      EXPECT_NE(plan.find(index), std::string::npos) << query << "\n" << plan;
      if (sorting == Sorting::kNone) {
        EXPECT_EQ(plan.find("TEMP B-TREE"), std::string::npos) << query << "\n" << plan;
      }
    }
  }

  std::vector<int64_t> Column(Connection& db, std::string_view sql, std::string_view arg) {
    std::vector<int64_t> out;
    auto stmt = db.Prepare(sql);
    EXPECT_TRUE(stmt.ok()) << stmt.status().ToString();
    if (!stmt.ok()) return out;
    (*stmt)->Bind(1, arg);
    for (;;) {
      auto row = (*stmt)->Step();
      EXPECT_TRUE(row.ok()) << row.status().ToString();
      if (!row.ok() || !*row) return out;
      out.push_back((*stmt)->Int64(0));
    }
  }

  std::filesystem::path dir_;
  std::string path_;
};

TEST_F(SqliteFileTest, SchemaVersionIsTheLastBuiltinMigration) {
  auto store = OpenStore();
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto builtin = BuiltinMigrations();
  ASSERT_TRUE(builtin.ok());
  EXPECT_EQ((*store)->SchemaVersion(), builtin->back().version);
  EXPECT_EQ(*Raw()->QueryInt("PRAGMA user_version"), builtin->back().version);
}

TEST_F(SqliteFileTest, UsesWalJournal) {
  auto store = OpenStore();
  ASSERT_TRUE(store.ok());
  auto db = Raw();
  auto stmt = db->Prepare("PRAGMA journal_mode");
  ASSERT_TRUE(stmt.ok());
  ASSERT_TRUE(*(*stmt)->Step());
  EXPECT_EQ((*stmt)->Text(0), "wal");
}

TEST_F(SqliteFileTest, DatabaseNewerThanBinaryIsUnsupported) {
  int known = 0;
  {
    auto store = OpenStore();
    ASSERT_TRUE(store.ok());
    known = (*store)->SchemaVersion();
  }
  const int newer = known + 2;
  ASSERT_TRUE(Raw()->ExecScript("PRAGMA user_version = " + std::to_string(newer)).ok());
  auto store = OpenStore();
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), Status::Code::kUnsupported);
  EXPECT_NE(store.status().message().find("database schema version " + std::to_string(newer) +
                                          " is newer than this chancery binary supports (" +
                                          std::to_string(known) + "); upgrade chancery"),
            std::string::npos)
      << store.status().message();
}

TEST_F(SqliteFileTest, SearchIndexFollowsArticles) {
  auto store = OpenStore();
  ASSERT_TRUE(store.ok());
  Article article;
  article.slug = "gwadar";
  article.title = "Gwadar and the corridor";
  article.plain_text = "Islamabad courts Beijing over the port.";
  ASSERT_TRUE((*store)->SaveArticle(article).ok());

  auto db = Raw();
  constexpr std::string_view kMatch = "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?1";
  EXPECT_EQ(Column(*db, kMatch, "islamabad"), std::vector<int64_t>{article.id});
  EXPECT_EQ(Column(*db, kMatch, "gwadar"), std::vector<int64_t>{article.id});

  article.plain_text = "Moscow watches.";
  ASSERT_TRUE((*store)->SaveArticle(article).ok());
  EXPECT_TRUE(Column(*db, kMatch, "islamabad").empty());
  EXPECT_EQ(Column(*db, kMatch, "moscow"), std::vector<int64_t>{article.id});
  // The external-content index agrees with its table.
  EXPECT_TRUE(db->ExecScript("INSERT INTO articles_fts (articles_fts) VALUES ('integrity-check')").ok());
}

TEST_F(SqliteFileTest, VisibleListWalksThePartialIndexWithoutSorting) {
  auto store = OpenStore();
  ASSERT_TRUE(store.ok());
  auto db = Raw();
  for (const char* sql : {sql::kListArticles, sql::kCountArticles, sql::kPreviousArticle}) {
    auto found = test_support::QueryPlan(*db, sql);
    ASSERT_TRUE(found.ok()) << found.status().ToString();
    const std::string& plan = *found;
    EXPECT_NE(plan.find("articles_visible_newest"), std::string::npos) << sql << "\n" << plan;
    EXPECT_EQ(plan.find("TEMP B-TREE"), std::string::npos) << sql << "\n" << plan;
  }
}

TEST_F(SqliteFileTest, AnArticlesLinksComeInOrderWithoutSorting) {
  auto store = OpenStore();
  ASSERT_TRUE(store.ok());
  ExpectPlansUse({{sql::kAuthorsOfArticle, "article_authors_in_order"}, {sql::kTagsOfArticle, "article_tags_in_order"}},
                 Sorting::kNone);
}

TEST_F(SqliteFileTest, TagCountStartsFromTheTag) {
  auto store = OpenStore();
  ASSERT_TRUE(store.ok());
  auto db = Raw();
  auto found = test_support::QueryPlan(*db, sql::kCountTagArticles);
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  // In this order: the tag by its slug, its links, then each article by id.
  const std::string& plan = *found;
  const size_t tag = plan.find("SEARCH t "), links = plan.find("SEARCH x USING"),
               article = plan.find("SEARCH a USING INTEGER PRIMARY KEY");
  ASSERT_NE(tag, std::string::npos) << plan;
  ASSERT_NE(links, std::string::npos) << plan;
  ASSERT_NE(article, std::string::npos) << plan;
  EXPECT_LT(tag, links) << plan;
  EXPECT_LT(links, article) << plan;
}

TEST_F(SqliteFileTest, CommentLookupsUseTheirIndexes) {
  auto store = OpenStore();
  ASSERT_TRUE(store.ok());
  ExpectPlansUse({{sql::kHasApprovedFromEmail, "comments_by_email"},
                  {sql::kHasDuplicate, "comments_by_email"},
                  {sql::kCountFromIp, "comments_by_ip"}},
                 Sorting::kAllowed);
}

// A database made by a binary that knew only migration 1 upgrades in place
// and keeps its comments.
TEST_F(SqliteFileTest, SchemaOneDatabaseUpgradesKeepingComments) {
  auto builtin = BuiltinMigrations();
  ASSERT_TRUE(builtin.ok()) << builtin.status().ToString();
  ASSERT_GE(builtin->size(), 2u);
  {
    ConnectionOptions options;
    options.path = path_;
    auto db = Connection::Open(options);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    auto applied = ApplyMigrations(**db, std::span(builtin->data(), 1));
    ASSERT_TRUE(applied.ok()) << applied.status().ToString();
    ASSERT_EQ(*applied, 1);
    ASSERT_TRUE((*db)
                    ->ExecScript("INSERT INTO articles (id, slug, title, status, published_at, created_at)"
                                 " VALUES (7, 'old', 'Old', 'published', 100, 100);"
                                 "INSERT INTO comments (id, article_id, author_name, author_email, body,"
                                 " status, status_reason, ip, created_at)"
                                 " VALUES (3, 7, 'Ada', 'Ada@Example.org', 'Still here', 'approved',"
                                 " '', '192.0.2.9', 200);")
                    .ok());
  }
  auto store = OpenStore();
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_EQ((*store)->SchemaVersion(), builtin->back().version);
  auto found = (*store)->FindComment(3);
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->body, "Still here");
  EXPECT_EQ((*found)->article_slug, "old");
  EXPECT_EQ((*found)->ip, "192.0.2.9");
  EXPECT_EQ((*found)->updated_at, 0);
  EXPECT_TRUE(*(*store)->HasApprovedCommentFromEmail("ada@example.org"));
  auto logged = (*store)->UpdateCommentStatus(3, CommentStatus::kTrash, "editor", "", 300);
  ASSERT_TRUE(logged.ok()) << logged.status().ToString();
  EXPECT_EQ((*store)->ListModerationLog(3, 10)->size(), 1u);
}

TEST_F(SqliteFileTest, ProcessesOpeningANewFileTogetherMigrateOnce) {
  constexpr int kChildren = 4;
  std::vector<pid_t> children;
  for (int i = 0; i < kChildren; ++i) {
    const pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      // The child only opens the store and reports through its exit code.
      auto store = OpenStore();
      _exit(store.ok() && (*store)->SchemaVersion() > 0 ? 0 : 1);
    }
    children.push_back(pid);
  }
  auto store = OpenStore();
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  for (pid_t pid : children) {
    int wstatus = 0;
    ASSERT_EQ(waitpid(pid, &wstatus, 0), pid);
    EXPECT_TRUE(WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0) << "child " << pid;
  }
  ASSERT_TRUE(store.ok());
  EXPECT_TRUE((*store)->PutSetting("k", "v").ok());
}

TEST(ConnectionTest, StatementCacheSurvivesNestedUseOfTheSameQuery) {
  ConnectionOptions options;
  options.path = ":memory:";
  auto db = Connection::Open(options);
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE((*db)->ExecScript("CREATE TABLE n (x); INSERT INTO n VALUES (1), (2), (3);").ok());
  constexpr std::string_view kSql = "SELECT x FROM n WHERE x >= ?1 ORDER BY x";
  auto outer = (*db)->Prepare(kSql);
  ASSERT_TRUE(outer.ok());
  (*outer)->Bind(1, int64_t{1});
  std::vector<int64_t> seen;
  for (;;) {
    auto row = (*outer)->Step();
    ASSERT_TRUE(row.ok());
    if (!*row) break;
    seen.push_back((*outer)->Int64(0));
    auto inner = (*db)->Prepare(kSql);  // same text, while outer is mid-way
    ASSERT_TRUE(inner.ok());
    (*inner)->Bind(1, int64_t{3});
    ASSERT_TRUE(*(*inner)->Step());
    EXPECT_EQ((*inner)->Int64(0), 3);
  }
  EXPECT_EQ(seen, (std::vector<int64_t>{1, 2, 3}));
}

// The statement cache hashes a few samples of the text, so texts of one
// length that differ only between the samples share a hash: each must still
// find its own statement, whatever the length (short texts included).
TEST(ConnectionTest, StatementCacheKeepsTextsApartThatDifferInOneByte) {
  ConnectionOptions options;
  options.path = ":memory:";
  auto db = Connection::Open(options);
  ASSERT_TRUE(db.ok());
  for (size_t pad : {0u, 1u, 5u, 12u, 40u, 300u}) {
    const std::string filler(pad, 'x');
    for (char digit = '1'; digit <= '9'; ++digit) {
      // "SELECT 'd…'" has the digit right after the quote: byte 8, which no
      // sample covers once the text is over 32 bytes long.
      const std::string sql = std::string("SELECT '") + digit + filler + "'";
      for (int round = 0; round < 2; ++round) {  // the second from the cache
        auto stmt = (*db)->Prepare(sql);
        ASSERT_TRUE(stmt.ok()) << sql;
        auto row = (*stmt)->Step();
        ASSERT_TRUE(row.ok() && *row) << sql;
        EXPECT_EQ((*stmt)->Text(0), digit + filler) << sql;
      }
    }
  }
}

TEST(ConnectionTest, ErrorsBecomeStatusValues) {
  ConnectionOptions options;
  options.path = ":memory:";
  auto db = Connection::Open(options);
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE((*db)->ExecScript("CREATE TABLE u (x UNIQUE, y CHECK (y > 0));").ok());
  ASSERT_TRUE((*db)->ExecScript("INSERT INTO u VALUES (1, 1)").ok());
  Status dup = (*db)->ExecScript("INSERT INTO u VALUES (1, 1)");
  EXPECT_EQ(dup.code(), Status::Code::kAlreadyExists);
  EXPECT_EQ(dup.message(), "UNIQUE constraint failed: u.x");
  EXPECT_EQ((*db)->ExecScript("INSERT INTO u VALUES (2, 0)").code(), Status::Code::kInvalidArgument);
  auto bad = (*db)->Prepare("SELEC nonsense");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("syntax error"), std::string::npos);
  // A write on a query-only connection is refused.
  options.query_only = true;
  auto ro = Connection::Open(options);
  ASSERT_TRUE(ro.ok());
  EXPECT_FALSE((*ro)->ExecScript("CREATE TABLE t (x)").ok());
}

TEST(ConnectionTest, TransactionRollsBackUnlessCommitted) {
  ConnectionOptions options;
  options.path = ":memory:";
  auto db = Connection::Open(options);
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE((*db)->ExecScript("CREATE TABLE t (x)").ok());
  {
    auto tx = Transaction::Begin(**db, Transaction::Kind::kWrite);
    ASSERT_TRUE(tx.ok());
    ASSERT_TRUE((*db)->ExecScript("INSERT INTO t VALUES (1)").ok());
  }
  EXPECT_EQ(*(*db)->QueryInt("SELECT COUNT(*) FROM t"), 0);
  {
    auto tx = Transaction::Begin(**db, Transaction::Kind::kWrite);
    ASSERT_TRUE(tx.ok());
    ASSERT_TRUE((*db)->ExecScript("INSERT INTO t VALUES (1)").ok());
    ASSERT_TRUE(tx->Commit().ok());
  }
  EXPECT_EQ(*(*db)->QueryInt("SELECT COUNT(*) FROM t"), 1);
}

}  // namespace
}  // namespace chancery::store::sqlite
