// Migrations of the SQLite backend: naming, ordering, one transaction, and
// what happens when a migration fails or the database is too new.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "store/sqlite/db.h"
#include "store/sqlite/migrations.h"

namespace chancery::store::sqlite {
namespace {

std::unique_ptr<Connection> OpenMemory() {
  ConnectionOptions options;
  options.path = ":memory:";
  auto db = Connection::Open(options);
  EXPECT_TRUE(db.ok()) << db.status().ToString();
  return db.ok() ? std::move(db).value() : nullptr;
}

bool TableExists(Connection& db, const std::string& name) {
  auto stmt = db.Prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?1");
  EXPECT_TRUE(stmt.ok());
  (*stmt)->Bind(1, name);
  auto row = (*stmt)->Step();
  return row.ok() && *row;
}

int64_t UserVersion(Connection& db) {
  auto v = db.QueryInt("PRAGMA user_version");
  EXPECT_TRUE(v.ok());
  return v.ok() ? *v : -1;
}

Migration Make(int version, std::string name, std::string_view sql) {
  Migration m;
  m.version = version;
  m.name = std::move(name);
  m.sql = sql;
  return m;
}

// A text bound without a copy is read from the caller's string, and the end
// of the lease clears it: the next user of the cached statement never sees
// a pointer into a string that is gone.
TEST(StatementTest, UncopiedTextLastsUntilTheLeaseEnds) {
  auto db = OpenMemory();
  ASSERT_NE(db, nullptr);
  constexpr std::string_view kSql = "SELECT ?1, ?2";
  {
    const std::string held = "Islamabad and Beijing, a long enough name not to fit inline";
    auto stmt = db->Prepare(kSql);
    ASSERT_TRUE(stmt.ok());
    (*stmt)->BindUncopied(1, held).BindUncopied(2, std::string_view());
    auto row = (*stmt)->Step();
    ASSERT_TRUE(row.ok() && *row);
    EXPECT_EQ((*stmt)->TextView(0), held);
    EXPECT_FALSE((*stmt)->IsNull(1));  // an empty view binds '', not NULL
    EXPECT_EQ((*stmt)->TextView(1), "");
  }
  auto again = db->Prepare(kSql);
  ASSERT_TRUE(again.ok());
  auto row = (*again)->Step();
  ASSERT_TRUE(row.ok() && *row);
  EXPECT_TRUE((*again)->IsNull(0));
}

TEST(ParseMigrationsTest, SortsByNumber) {
  const EmbeddedFile files[] = {{"0002_more.sql", "B"}, {"0001_initial.sql", "A"}};
  auto parsed = ParseMigrations(files);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  ASSERT_EQ(parsed->size(), 2u);
  EXPECT_EQ((*parsed)[0].version, 1);
  EXPECT_EQ((*parsed)[0].name, "0001_initial");
  EXPECT_EQ((*parsed)[0].sql, "A");
  EXPECT_EQ((*parsed)[1].name, "0002_more");
}

TEST(ParseMigrationsTest, RejectsBadNamesGapsAndRepeats) {
  for (const char* bad : {"1_initial.sql", "0001-initial.sql", "0001_.sql", "0001_Initial.sql",
                          "0001_initial.txt", "000a_initial.sql", "0000_zero.sql"}) {
    const EmbeddedFile files[] = {{bad, ""}};
    EXPECT_FALSE(ParseMigrations(files).ok()) << bad;
  }
  const EmbeddedFile gap[] = {{"0001_a.sql", ""}, {"0003_c.sql", ""}};
  EXPECT_FALSE(ParseMigrations(gap).ok());
  const EmbeddedFile repeat[] = {{"0001_a.sql", ""}, {"0001_b.sql", ""}};
  EXPECT_FALSE(ParseMigrations(repeat).ok());
}

TEST(BuiltinMigrationsTest, StartWithTheInitialSchema) {
  auto builtin = BuiltinMigrations();
  ASSERT_TRUE(builtin.ok()) << builtin.status().ToString();
  ASSERT_FALSE(builtin->empty());
  EXPECT_EQ(builtin->front().name, "0001_initial");

  auto db = OpenMemory();
  auto applied = ApplyMigrations(*db, *builtin);
  ASSERT_TRUE(applied.ok()) << applied.status().ToString();
  EXPECT_EQ(*applied, builtin->back().version);
  EXPECT_EQ(UserVersion(*db), builtin->back().version);
  for (const char* table : {"settings", "authors", "tags", "articles", "article_authors", "article_tags",
                            "comments", "users", "media", "articles_fts"}) {
    EXPECT_TRUE(TableExists(*db, table)) << table;
  }
  // Applying again changes nothing.
  applied = ApplyMigrations(*db, *builtin);
  ASSERT_TRUE(applied.ok()) << applied.status().ToString();
  EXPECT_EQ(*applied, builtin->back().version);
}

TEST(ApplyMigrationsTest, AppliesOnlyNewOnesInOrder) {
  auto db = OpenMemory();
  const std::vector<Migration> first = {Make(1, "0001_a", "CREATE TABLE a (x);")};
  ASSERT_EQ(*ApplyMigrations(*db, first), 1);
  // If 0001 ran again, CREATE TABLE a would fail.
  const std::vector<Migration> both = {first[0],
                                       Make(2, "0002_b", "CREATE TABLE b (y); INSERT INTO a VALUES (1);")};
  auto applied = ApplyMigrations(*db, both);
  ASSERT_TRUE(applied.ok()) << applied.status().ToString();
  EXPECT_EQ(*applied, 2);
  EXPECT_TRUE(TableExists(*db, "b"));
  EXPECT_EQ(*db->QueryInt("SELECT COUNT(*) FROM a"), 1);
}

TEST(ApplyMigrationsTest, FailureRollsBackEveryMigrationOfTheRun) {
  auto db = OpenMemory();
  const std::vector<Migration> migrations = {
      Make(1, "0001_good", "CREATE TABLE good (x); INSERT INTO good VALUES (1);"),
      Make(2, "0002_broken", "CREATE TABLE half (y); THIS IS NOT SQL;"),
  };
  auto applied = ApplyMigrations(*db, migrations);
  ASSERT_FALSE(applied.ok());
  EXPECT_NE(applied.status().message().find("apply migration 0002_broken"), std::string::npos)
      << applied.status().message();
  EXPECT_NE(applied.status().message().find("syntax error"), std::string::npos) << applied.status().message();
  EXPECT_FALSE(TableExists(*db, "good"));
  EXPECT_FALSE(TableExists(*db, "half"));
  EXPECT_EQ(UserVersion(*db), 0);
  EXPECT_TRUE(db->InAutocommit()) << "the transaction was left open";
}

TEST(ApplyMigrationsTest, FailureOfAConstraintNamesTheMigration) {
  auto db = OpenMemory();
  const std::vector<Migration> migrations = {
      Make(1, "0001_t", "CREATE TABLE t (x UNIQUE); INSERT INTO t VALUES (1);"),
      Make(2, "0002_dup", "INSERT INTO t VALUES (1);"),
  };
  auto applied = ApplyMigrations(*db, migrations);
  ASSERT_FALSE(applied.ok());
  EXPECT_EQ(applied.status().message(), "apply migration 0002_dup: UNIQUE constraint failed: t.x");
  EXPECT_FALSE(TableExists(*db, "t"));
}

TEST(ApplyMigrationsTest, ScriptMayNotEndTheTransaction) {
  auto db = OpenMemory();
  const std::vector<Migration> migrations = {
      Make(1, "0001_sneaky", "CREATE TABLE s (x); COMMIT;"),
  };
  auto applied = ApplyMigrations(*db, migrations);
  ASSERT_FALSE(applied.ok());
  EXPECT_NE(applied.status().message().find("0001_sneaky"), std::string::npos);
}

TEST(ApplyMigrationsTest, NewerDatabaseIsUnsupported) {
  auto db = OpenMemory();
  ASSERT_TRUE(db->ExecScript("PRAGMA user_version = 7").ok());
  std::vector<Migration> five;
  for (int i = 1; i <= 5; ++i) five.push_back(Make(i, "000" + std::to_string(i) + "_m", "SELECT 1;"));
  auto applied = ApplyMigrations(*db, five);
  ASSERT_FALSE(applied.ok());
  EXPECT_EQ(applied.status().code(), Status::Code::kUnsupported);
  EXPECT_EQ(applied.status().message(),
            "database schema version 7 is newer than this chancery binary supports (5); "
            "upgrade chancery");
  EXPECT_EQ(UserVersion(*db), 7);
}

}  // namespace
}  // namespace chancery::store::sqlite
