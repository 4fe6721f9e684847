// Group commit (src/store/sqlite/group_commit.h): concurrent writes share a
// transaction and an fsync, yet each caller gets its own outcome, a failing
// write costs only itself, and nothing is reported done before it is on disk.
#include "store/sqlite/group_commit.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "store/sqlite/db.h"
#include "store/sqlite/sqlite_store.h"
#include "store/store.h"

namespace chancery::store::sqlite {
namespace {

// ---- A VFS that counts syncs of WAL files -------------------------------------------
//
// It forwards everything to the default VFS and counts xSync calls on files
// SQLite opened as write-ahead logs, so a test can see whether a commit
// reached the disk before the store reported it done.

std::atomic<int64_t> wal_syncs{0};

struct CountingFile {
  sqlite3_file base;
  sqlite3_file* real;  // the default VFS's file, allocated right after this
  bool is_wal;
};

sqlite3_file* Real(sqlite3_file* f) { return reinterpret_cast<CountingFile*>(f)->real; }

int CountingClose(sqlite3_file* f) { return Real(f)->pMethods->xClose(Real(f)); }
int CountingRead(sqlite3_file* f, void* buf, int n, sqlite3_int64 at) {
  return Real(f)->pMethods->xRead(Real(f), buf, n, at);
}
int CountingWrite(sqlite3_file* f, const void* buf, int n, sqlite3_int64 at) {
  return Real(f)->pMethods->xWrite(Real(f), buf, n, at);
}
int CountingTruncate(sqlite3_file* f, sqlite3_int64 size) {
  return Real(f)->pMethods->xTruncate(Real(f), size);
}
int CountingSync(sqlite3_file* f, int flags) {
  if (reinterpret_cast<CountingFile*>(f)->is_wal) wal_syncs.fetch_add(1);
  return Real(f)->pMethods->xSync(Real(f), flags);
}
int CountingFileSize(sqlite3_file* f, sqlite3_int64* size) {
  return Real(f)->pMethods->xFileSize(Real(f), size);
}
int CountingLock(sqlite3_file* f, int level) { return Real(f)->pMethods->xLock(Real(f), level); }
int CountingUnlock(sqlite3_file* f, int level) { return Real(f)->pMethods->xUnlock(Real(f), level); }
int CountingCheckReservedLock(sqlite3_file* f, int* out) {
  return Real(f)->pMethods->xCheckReservedLock(Real(f), out);
}
int CountingFileControl(sqlite3_file* f, int op, void* arg) {
  return Real(f)->pMethods->xFileControl(Real(f), op, arg);
}
int CountingSectorSize(sqlite3_file* f) { return Real(f)->pMethods->xSectorSize(Real(f)); }
int CountingDeviceCharacteristics(sqlite3_file* f) {
  return Real(f)->pMethods->xDeviceCharacteristics(Real(f));
}
int CountingShmMap(sqlite3_file* f, int region, int size, int extend, void volatile** out) {
  return Real(f)->pMethods->xShmMap(Real(f), region, size, extend, out);
}
int CountingShmLock(sqlite3_file* f, int offset, int n, int flags) {
  return Real(f)->pMethods->xShmLock(Real(f), offset, n, flags);
}
void CountingShmBarrier(sqlite3_file* f) { Real(f)->pMethods->xShmBarrier(Real(f)); }
int CountingShmUnmap(sqlite3_file* f, int delete_flag) {
  return Real(f)->pMethods->xShmUnmap(Real(f), delete_flag);
}
int CountingFetch(sqlite3_file* f, sqlite3_int64 at, int n, void** out) {
  return Real(f)->pMethods->xFetch(Real(f), at, n, out);
}
int CountingUnfetch(sqlite3_file* f, sqlite3_int64 at, void* p) {
  return Real(f)->pMethods->xUnfetch(Real(f), at, p);
}

const sqlite3_io_methods kCountingMethods = {
    3,
    CountingClose,
    CountingRead,
    CountingWrite,
    CountingTruncate,
    CountingSync,
    CountingFileSize,
    CountingLock,
    CountingUnlock,
    CountingCheckReservedLock,
    CountingFileControl,
    CountingSectorSize,
    CountingDeviceCharacteristics,
    CountingShmMap,
    CountingShmLock,
    CountingShmBarrier,
    CountingShmUnmap,
    CountingFetch,
    CountingUnfetch,
};

sqlite3_vfs* DefaultVfs(sqlite3_vfs* self) { return static_cast<sqlite3_vfs*>(self->pAppData); }

int CountingOpen(sqlite3_vfs* self, const char* name, sqlite3_file* f, int flags, int* out_flags) {
  auto* file = reinterpret_cast<CountingFile*>(f);
  file->base.pMethods = nullptr;
  file->real = reinterpret_cast<sqlite3_file*>(file + 1);
  file->is_wal = (flags & SQLITE_OPEN_WAL) != 0;
  const int rc = DefaultVfs(self)->xOpen(DefaultVfs(self), name, file->real, flags, out_flags);
  if (rc == SQLITE_OK && file->real->pMethods != nullptr) file->base.pMethods = &kCountingMethods;
  return rc;
}

constexpr char kCountingVfs[] = "chancery-counting";

void RegisterCountingVfs() {
  static std::once_flag once;
  std::call_once(once, [] {
    sqlite3_vfs* base = sqlite3_vfs_find(nullptr);
    static sqlite3_vfs vfs = *base;
    vfs.zName = kCountingVfs;
    vfs.szOsFile = static_cast<int>(sizeof(CountingFile)) + base->szOsFile;
    vfs.pAppData = base;
    vfs.xOpen = CountingOpen;
    vfs.pNext = nullptr;
    ASSERT_EQ(sqlite3_vfs_register(&vfs, 0), SQLITE_OK);
  });
}

// ---- GroupCommit on a plain connection --------------------------------------------------

class GroupCommitTest : public testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = testing::TempDir() + "chancery-group-XXXXXX";
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    path_ = (dir_ / "t.db").string();
    db_ = Open();
    ASSERT_NE(db_, nullptr);
    ASSERT_TRUE(db_->ExecScript("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;"
                                "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL UNIQUE);")
                    .ok());
    group_ = std::make_unique<GroupCommit>(*db_, db_mutex_);
  }
  void TearDown() override {
    group_.reset();
    db_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::unique_ptr<Connection> Open() {
    ConnectionOptions options;
    options.path = path_;
    auto db = Connection::Open(options);
    EXPECT_TRUE(db.ok()) << db.status().ToString();
    return db.ok() ? std::move(db).value() : nullptr;
  }

  static Result<int64_t> Insert(Connection& db, const std::string& v) {
    CHANCERY_ASSIGN_OR_RETURN(StatementLease stmt, db.Prepare("INSERT INTO t (v) VALUES (?1) RETURNING id"));
    stmt->Bind(1, v);
    CHANCERY_ASSIGN_OR_RETURN(const bool row, stmt->Step());
    if (!row) return Status::Internal("no id");
    return stmt->Int64(0);
  }

  // Every row as value → id, read from a fresh connection (so from the file).
  std::map<std::string, int64_t> Rows() {
    std::map<std::string, int64_t> rows;
    auto db = Open();
    if (db == nullptr) return rows;
    auto stmt = db->Prepare("SELECT v, id FROM t");
    EXPECT_TRUE(stmt.ok());
    if (!stmt.ok()) return rows;
    for (;;) {
      auto row = (*stmt)->Step();
      EXPECT_TRUE(row.ok()) << row.status().ToString();
      if (!row.ok() || !*row) return rows;
      rows[(*stmt)->Text(0)] = (*stmt)->Int64(1);
    }
  }

  // Starts `work` on a thread as the only write of a batch and returns once
  // it runs (so it leads); it then holds the writer until `release` is set.
  std::thread StartBlockingLeader(std::atomic<bool>& release) {
    std::atomic<bool> running{false};
    std::thread leader([&, this] {
      Status s = group_->Run([&](Connection& db) -> Status {
        running = true;
        while (!release) std::this_thread::sleep_for(std::chrono::milliseconds(1));
        return Insert(db, "leader").status();
      });
      EXPECT_TRUE(s.ok()) << s.ToString();
    });
    while (!running) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    return leader;
  }

  // Starts `fn` on a new thread and returns once its write is queued, so
  // writes queue in the order they were started.
  std::thread StartQueued(std::function<void()> fn) {
    const size_t before = group_->queued();
    std::thread t(std::move(fn));
    while (group_->queued() == before) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    return t;
  }

  std::filesystem::path dir_;
  std::string path_;
  std::mutex db_mutex_;
  std::unique_ptr<Connection> db_;
  std::unique_ptr<GroupCommit> group_;
};

TEST_F(GroupCommitTest, ManyThreadsEachGetTheirOwnResult) {
  constexpr int kThreads = 8;
  constexpr int kWrites = 40;
  struct Outcome {
    std::map<std::string, int64_t> kept;  // value → the id its write returned
    std::vector<std::string> failed;      // values of writes that failed on purpose
  };
  std::vector<Outcome> outcomes(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kWrites; ++i) {
        const std::string v = "w-" + std::to_string(t) + "-" + std::to_string(i);
        int64_t id = 0;
        const bool fail = i % 5 == 4;
        Status s = group_->Run([&](Connection& db) -> Status {
          CHANCERY_ASSIGN_OR_RETURN(id, Insert(db, v));
          // A second row, then a clash with this thread's first value: the
          // write fails after changing two rows, and must leave neither.
          if (fail) {
            CHANCERY_RETURN_IF_ERROR(Insert(db, v + "-second").status());
            return Insert(db, "w-" + std::to_string(t) + "-0").status();
          }
          return Status::Ok();
        });
        if (fail) {
          EXPECT_EQ(s.code(), Status::Code::kAlreadyExists) << s.ToString();
          outcomes[t].failed.push_back(v);
        } else {
          EXPECT_TRUE(s.ok()) << s.ToString();
          outcomes[t].kept[v] = id;
        }
      }
    });
  }
  for (auto& t : threads) t.join();

  const auto rows = Rows();
  size_t kept = 0;
  for (const Outcome& o : outcomes) {
    for (const auto& [v, id] : o.kept) {
      ASSERT_TRUE(rows.count(v)) << v;
      EXPECT_EQ(rows.at(v), id) << v << " came back with another write's id";
    }
    for (const std::string& v : o.failed) {
      EXPECT_FALSE(rows.count(v)) << v;
      EXPECT_FALSE(rows.count(v + "-second")) << v;
    }
    kept += o.kept.size();
  }
  EXPECT_EQ(rows.size(), kept);
  EXPECT_EQ(group_->writes_committed(), static_cast<int64_t>(kept));
  EXPECT_LE(group_->commits(), group_->writes_committed());
}

TEST_F(GroupCommitTest, WritesQueuedBehindABatchCommitTogetherAndAFailureCostsOnlyItself) {
  std::atomic<bool> release{false};
  std::thread leader = StartBlockingLeader(release);
  constexpr int kFollowers = 6;
  std::vector<Status> results(kFollowers);
  std::vector<std::thread> followers;
  for (int i = 0; i < kFollowers; ++i) {
    followers.push_back(StartQueued([&, i] {
      results[i] = group_->Run([&](Connection& db) -> Status {
        // The third write clashes with the leader's row.
        return Insert(db, i == 2 ? std::string("leader") : "f-" + std::to_string(i)).status();
      });
    }));
  }
  release = true;
  leader.join();
  for (auto& f : followers) f.join();

  for (int i = 0; i < kFollowers; ++i) {
    if (i == 2) {
      EXPECT_EQ(results[i].code(), Status::Code::kAlreadyExists) << results[i].ToString();
    } else {
      EXPECT_TRUE(results[i].ok()) << i << ": " << results[i].ToString();
    }
  }
  const auto rows = Rows();
  EXPECT_EQ(rows.size(), 1u + kFollowers - 1);
  for (int i = 0; i < kFollowers; ++i) EXPECT_EQ(rows.count("f-" + std::to_string(i)), i == 2 ? 0u : 1u);
  // The leader alone, then every follower in one transaction.
  EXPECT_EQ(group_->commits(), 2);
  EXPECT_EQ(group_->writes_committed(), kFollowers);
}

TEST_F(GroupCommitTest, AWriteThatEndsTheTransactionCostsTheWritesBeforeItOnly) {
  std::atomic<bool> release{false};
  std::thread leader = StartBlockingLeader(release);
  Status before, rogue, after;
  std::vector<std::thread> threads;
  threads.push_back(StartQueued(
      [&] { before = group_->Run([&](Connection& db) { return Insert(db, "before").status(); }); }));
  threads.push_back(StartQueued([&] {
    rogue = group_->Run([&](Connection& db) -> Status {
      CHANCERY_RETURN_IF_ERROR(Insert(db, "rogue").status());
      return db.ExecScript("ROLLBACK");  // what SQLite does itself on a full disk
    });
  }));
  threads.push_back(StartQueued(
      [&] { after = group_->Run([&](Connection& db) { return Insert(db, "after").status(); }); }));
  release = true;
  leader.join();
  for (auto& t : threads) t.join();

  EXPECT_EQ(before.code(), Status::Code::kUnavailable) << before.ToString();
  EXPECT_EQ(rogue.code(), Status::Code::kUnavailable) << rogue.ToString();
  EXPECT_TRUE(after.ok()) << after.ToString();
  const auto rows = Rows();
  EXPECT_EQ(rows.count("before"), 0u);
  EXPECT_EQ(rows.count("rogue"), 0u);
  EXPECT_EQ(rows.count("after"), 1u);
  EXPECT_EQ(rows.count("leader"), 1u);
}

TEST_F(GroupCommitTest, AnExceptionReachesItsOwnCallerAndUndoesOnlyItsWrite) {
  std::atomic<bool> release{false};
  std::thread leader = StartBlockingLeader(release);
  Status first, last;
  bool caught = false;
  std::vector<std::thread> threads;
  threads.push_back(StartQueued(
      [&] { first = group_->Run([&](Connection& db) { return Insert(db, "first").status(); }); }));
  threads.push_back(StartQueued([&] {
    try {
      (void)group_->Run([&](Connection& db) -> Status {
        (void)Insert(db, "thrower");
        throw std::runtime_error("out of luck");
      });
    } catch (const std::runtime_error& e) {
      caught = std::string(e.what()) == "out of luck";
    }
  }));
  threads.push_back(
      StartQueued([&] { last = group_->Run([&](Connection& db) { return Insert(db, "last").status(); }); }));
  release = true;
  leader.join();
  for (auto& t : threads) t.join();

  EXPECT_TRUE(caught);
  EXPECT_TRUE(first.ok()) << first.ToString();
  EXPECT_TRUE(last.ok()) << last.ToString();
  const auto rows = Rows();
  EXPECT_EQ(rows.count("first"), 1u);
  EXPECT_EQ(rows.count("thrower"), 0u);
  EXPECT_EQ(rows.count("last"), 1u);
}

// ---- Through the store ----------------------------------------------------------------

class DurableWritesTest : public testing::Test {
 protected:
  void SetUp() override {
    RegisterCountingVfs();
    std::string pattern = testing::TempDir() + "chancery-durable-XXXXXX";
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    path_ = (dir_ / "chancery.db").string();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Through the counting VFS, which sees every sync of the WAL.
  Result<std::unique_ptr<Store>> OpenCounted() {
    SqliteStoreOptions options;
    options.path = "file:" + path_ + "?vfs=" + kCountingVfs;
    return OpenSqliteStore(options);
  }

  std::filesystem::path dir_;
  std::string path_;
};

TEST_F(DurableWritesTest, AWriteReturnsOnlyAfterTheWalIsSynced) {
  auto store = OpenCounted();
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  for (int i = 0; i < 3; ++i) {
    const int64_t before = wal_syncs.load();
    Status s = (*store)->PutSetting("test.key", "value " + std::to_string(i));
    ASSERT_TRUE(s.ok()) << s.ToString();
    EXPECT_GT(wal_syncs.load(), before) << "a plain write returned before its commit reached the disk";
    const int64_t before_tx = wal_syncs.load();
    Tag tag;
    tag.slug = "tag-" + std::to_string(i);
    tag.name = "Tag " + std::to_string(i);
    auto upserted = (*store)->UpsertTag(tag);
    ASSERT_TRUE(upserted.ok()) << upserted.status().ToString();
    EXPECT_GT(wal_syncs.load(), before_tx) << "a transaction returned before its commit reached the disk";
  }
}

TEST_F(DurableWritesTest, ConcurrentCommentsEachGetTheirOwnAndAllSurviveReopening) {
  int64_t article_id = 0;
  std::map<int64_t, std::string> kept;  // comment id → body
  std::vector<std::string> refused;
  {
    auto opened = OpenCounted();
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    Store& store = **opened;
    Article article;
    article.slug = "group-commit";
    article.title = "Group commit";
    article.status = ArticleStatus::kPublished;
    article.published_at = 1'700'000'000;
    ASSERT_TRUE(store.SaveArticle(article).ok());
    article_id = article.id;

    constexpr int kThreads = 8;
    constexpr int kComments = 25;
    std::mutex mutex;
    const int64_t syncs_before = wal_syncs.load();
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < kComments; ++i) {
          Comment c;
          c.article_id = article_id;
          c.author_name = "Reader " + std::to_string(t);
          c.author_email = "reader" + std::to_string(t) + "@example.org";
          c.body = "Comment " + std::to_string(t) + "-" + std::to_string(i);
          c.created_at = 1'700'000'100 + i;
          // Every seventh answers a comment that does not exist: refused.
          const bool bad = i % 7 == 6;
          if (bad) c.parent_id = 999'999;
          auto added = store.AddComment(c);
          std::lock_guard lock(mutex);
          if (bad) {
            EXPECT_EQ(added.status().code(), Status::Code::kInvalidArgument) << added.status().ToString();
            refused.push_back(c.body);
            continue;
          }
          EXPECT_TRUE(added.ok()) << added.status().ToString();
          if (!added.ok()) continue;
          EXPECT_EQ(added->body, c.body) << "a caller got another write's comment";
          EXPECT_TRUE(kept.emplace(added->id, added->body).second) << "two comments share id " << added->id;
        }
      });
    }
    for (auto& t : threads) t.join();
    EXPECT_GT(wal_syncs.load(), syncs_before);
  }

  // Reopened without the counting VFS, as the next start of the server would.
  StoreOptions options;
  options.url = "sqlite:" + path_;
  auto reopened = Store::Open(options);
  ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
  CommentQuery query;
  query.article_id = article_id;
  query.limit = 1000;
  auto stored = (*reopened)->ListComments(query);
  ASSERT_TRUE(stored.ok()) << stored.status().ToString();
  std::map<int64_t, std::string> found;
  for (const Comment& c : *stored) found[c.id] = c.body;
  EXPECT_EQ(found, kept);
  for (const std::string& body : refused) {
    for (const auto& [id, b] : found) EXPECT_NE(b, body);
  }
}

}  // namespace
}  // namespace chancery::store::sqlite
