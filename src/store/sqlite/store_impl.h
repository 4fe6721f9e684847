// chancery/store/sqlite: the SQLite Store's class, internal to the backend.
//
// Declared here, not in sqlite_store.cc, so the backend's methods can live in
// several files by subject (sqlite_store.cc: content and comments;
// accounts.cc: users, sessions and sign-in attempts). Nothing outside
// src/store/sqlite includes this header.
#pragma once

#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <type_traits>
#include <vector>

#include "store/sqlite/db.h"
#include "store/sqlite/group_commit.h"
#include "store/sqlite/sqlite_store.h"
#include "store/store.h"

namespace chancery::store::sqlite {

// Shared by the backend's files; defined in sqlite_store.cc.
// An article from a row whose first columns are in article_sql.h's order.
Result<Article> ReadArticle(const Statement& row);
// Fills the authors and tags of `articles` with one query each.
Status LoadLinks(Connection& db, std::vector<Article*> articles);

// ---- The reader pool ------------------------------------------------------------

class ReaderPool {
 public:
  ReaderPool(ConnectionOptions options, int max) : options_(std::move(options)), max_(max) {}

  // Returns the connection to the pool when dropped.
  class Lease {
   public:
    Lease(ReaderPool* pool, std::unique_ptr<Connection> db) : pool_(pool), db_(std::move(db)) {}
    Lease(Lease&&) = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease() {
      if (db_ != nullptr) pool_->Release(std::move(db_));
    }
    Connection& db() { return *db_; }

   private:
    ReaderPool* pool_;
    std::unique_ptr<Connection> db_;
  };

  Result<Lease> Acquire() {
    std::unique_lock lock(mutex_);
    idle_changed_.wait(lock, [&] { return !idle_.empty() || open_ < max_; });
    if (!idle_.empty()) {
      std::unique_ptr<Connection> db = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(db));
    }
    ++open_;
    lock.unlock();  // opening touches the disk; let others take idle ones
    auto db = Connection::Open(options_);
    if (!db.ok()) {
      lock.lock();
      --open_;
      idle_changed_.notify_one();
      return db.status();
    }
    return Lease(this, std::move(db).value());
  }

 private:
  void Release(std::unique_ptr<Connection> db) {
    std::lock_guard lock(mutex_);
    idle_.push_back(std::move(db));
    idle_changed_.notify_one();
  }

  const ConnectionOptions options_;
  const int max_;
  std::mutex mutex_;
  std::condition_variable idle_changed_;
  std::vector<std::unique_ptr<Connection>> idle_;  // guarded by mutex_
  int open_ = 0;                                   // guarded by mutex_; idle + leased
};

// ---- The store ------------------------------------------------------------------

class SqliteStore final : public Store {
 public:
  static Result<std::unique_ptr<Store>> Open(const SqliteStoreOptions& options);

  int SchemaVersion() override { return schema_version_; }
  Result<int64_t> DataVersion() override;
  std::unique_ptr<ReadScope> PinReads() override;

  Result<std::optional<std::string>> GetSetting(std::string_view key) override;
  Status PutSetting(std::string_view key, std::string_view value) override;

  Result<Author> UpsertAuthor(const Author& author) override;
  Result<Author> AddAuthor(const Author& author) override;
  Result<Author> UpdateAuthor(const Author& author) override;
  Result<std::optional<Author>> FindAuthor(std::string_view slug) override;
  Result<std::vector<Author>> ListAuthors() override;
  Result<Tag> UpsertTag(const Tag& tag) override;
  Result<std::optional<Tag>> FindTag(std::string_view slug) override;
  Result<std::vector<std::pair<Tag, int64_t>>> ListTagsInUse(int64_t now) override;

  Result<SaveOutcome> SaveArticle(Article& article) override;
  Result<std::optional<Article>> FindArticle(std::string_view slug) override;
  Result<std::optional<Article>> FindVisibleArticle(std::string_view slug, int64_t now) override;
  Result<std::optional<Article>> FindVisibleArticleSummary(std::string_view slug, int64_t now) override;
  Result<ArticlePage> ListVisibleArticles(const ArticleQuery& query) override;
  Result<Adjacent> AdjacentArticles(const Article& article, int64_t now) override;

  Result<int64_t> CountApprovedComments(int64_t article_id) override;
  Result<Comment> AddComment(const Comment& comment) override;
  Result<std::vector<Comment>> ListComments(const CommentQuery& query) override;
  Result<std::optional<Comment>> FindComment(int64_t id) override;
  Result<std::map<int64_t, int64_t>> CountApprovedCommentsFor(
      const std::vector<int64_t>& article_ids) override;
  Result<bool> HasApprovedCommentFromEmail(std::string_view email) override;
  Result<bool> HasDuplicateComment(std::string_view email, std::string_view body, int64_t since) override;
  Result<int64_t> CountCommentsFromIp(std::string_view ip, int64_t since) override;
  Result<Comment> UpdateCommentStatus(int64_t id, CommentStatus status, std::string_view actor,
                                      std::string_view note, int64_t now) override;
  Result<std::vector<ModerationLogEntry>> ListModerationLog(int64_t comment_id, int limit) override;
  Status EditComment(int64_t id, std::string_view body, int64_t now) override;
  Status DeleteComment(int64_t id, std::string_view actor, int64_t now) override;
  Result<int64_t> EraseIpsOlderThan(int64_t cutoff) override;
  Result<std::vector<Comment>> CommentsByEmail(std::string_view email) override;
  Result<int64_t> EraseCommentsByEmail(std::string_view email, std::string_view actor, int64_t now) override;

  Result<User> AddUser(const User& user) override;
  Result<std::optional<User>> FindUserByEmail(std::string_view email) override;
  Result<std::map<CommentStatus, int64_t>> CountCommentsByStatus() override;
  // accounts.cc
  Result<std::optional<User>> FindUser(int64_t id) override;
  Result<std::vector<User>> ListUsers() override;
  Status SetUserPassword(int64_t user_id, std::string_view password_hash) override;
  Status UpdateUser(const User& user) override;
  Status CreateSession(const Session& session) override;
  Result<std::optional<std::pair<Session, User>>> FindSession(std::string_view token_hash) override;
  Status TouchSession(std::string_view token_hash, int64_t now) override;
  Status DeleteSession(std::string_view token_hash) override;
  Result<int64_t> DeleteUserSessions(int64_t user_id, std::string_view keep_token_hash) override;
  Result<int64_t> DeleteExpiredSessions(int64_t now, int64_t idle_cutoff) override;
  Status RecordSignInAttempt(std::string_view email, std::string_view ip, bool succeeded, int64_t at) override;
  Result<int64_t> CountSignInFailuresForEmail(std::string_view email, int64_t since) override;
  Result<int64_t> CountSignInFailuresForIp(std::string_view ip, int64_t since) override;
  Result<int64_t> PruneSignInAttempts(int64_t cutoff) override;

  Result<Media> PutMedia(const Media& media) override;
  Result<std::optional<Media>> FindMedia(std::string_view name) override;
  // media_store.cc
  Result<Media> AddMedia(const Media& media) override;
  Result<MediaPage> ListMedia(const MediaQuery& query) override;
  Result<std::optional<Media>> FindMediaDetails(std::string_view name) override;
  Status UpdateMediaDetails(std::string_view name, std::string_view alt, std::string_view credit,
                            std::string_view caption) override;
  Result<std::vector<MediaUse>> ListMediaUses(std::string_view name) override;
  Status DeleteMedia(std::string_view name) override;

  // editorial.cc
  Result<AdminArticlePage> ListAdminArticles(const AdminArticleQuery& query) override;
  Result<std::optional<EditorialArticle>> FindArticleById(int64_t id) override;
  Status SaveArticleRevision(EditorialArticle& article, const RevisionSave& save) override;
  Status TrashArticle(int64_t id, int64_t user_id, int64_t now) override;
  Status RestoreArticle(int64_t id, int64_t user_id, int64_t now) override;
  Status SetInReview(int64_t id, bool in_review) override;
  Result<ArticleRevision> SaveAutosave(const EditorialArticle& draft, int64_t user_id, int64_t now) override;
  Result<std::vector<ArticleRevision>> ListRevisions(int64_t article_id) override;
  Result<std::optional<ArticleRevision>> FindRevision(int64_t article_id, int64_t revision_id) override;
  Result<std::vector<Correction>> ListCorrections(int64_t article_id, int64_t now, int limit) override;

  // ---- Insight (insight_store.cc) ----
  Status SaveArticleInsight(const ArticleInsight& insight) override;
  Result<std::optional<ArticleInsight>> FindArticleInsight(int64_t article_id) override;
  Result<std::optional<ArticleInsightIndex>> FindArticleInsightIndex(int64_t article_id) override;
  Result<std::vector<int64_t>> ListArticlesNeedingInsight(std::string_view gazetteer_version, int limit) override;
  Result<std::vector<InsightActorStats>> ListInsightActors(const InsightQuery& query) override;
  Result<std::vector<InsightPairArticle>> ListInsightPairs(const InsightQuery& query) override;
  Result<std::vector<InsightRelatedArticle>> ListRelatedInsight(const RelatedInsightQuery& query) override;
  Result<std::vector<InsightActorArticle>> ListInsightActorArticles(const InsightQuery& query) override;
  Result<GazetteerEdit> AddGazetteerEdit(const GazetteerEdit& edit) override;
  Result<std::vector<GazetteerEdit>> ListGazetteerEdits() override;
  Status DeleteGazetteerEdit(int64_t id) override;

  // ---- Change log (changes.cc) ----
  Result<ChangeBatch> ReadChanges(int64_t after_id, int limit) override;
  Result<int64_t> LastChangeId() override;
  Result<int64_t> ScopeChangeMark(std::string_view scope) override;
  Result<int64_t> PruneChanges(int64_t before_at) override;
  Result<std::optional<int64_t>> NextPublication(int64_t now) override;

 private:
  SqliteStore() = default;

  // Runs fn(Connection&) on a reader connection (the writer, for an
  // in-memory database). fn returns a Status or a Result.
  template <typename F>
  auto Read(F&& fn) -> std::invoke_result_t<F, Connection&> {
    if (pinned_ != nullptr && pinned_->store == this) return fn(*pinned_->db);
    if (readers_ == nullptr) {
      std::lock_guard lock(writer_mutex_);
      return fn(*writer_);
    }
    auto lease = readers_->Acquire();
    if (!lease.ok()) return lease.status();
    return fn(lease->db());
  }

  // Runs fn(Connection&) on the writer connection, alone and outside any
  // transaction: for work that manages its own transaction or is a single
  // statement. Counts successful calls so DataVersion sees this store's own
  // commits.
  template <typename F>
  auto Write(F&& fn) -> std::invoke_result_t<F, Connection&> {
    std::lock_guard lock(writer_mutex_);
    auto result = fn(*writer_);
    if (result.ok()) local_commits_.fetch_add(1, std::memory_order_relaxed);
    return result;
  }

  // Runs fn(Connection&) on the writer connection as one transaction: all of
  // its changes are kept or, when fn fails, none. Concurrent calls are group
  // committed (group_commit.h): they share one BEGIN IMMEDIATE ... COMMIT
  // and one fsync, each in its own savepoint. Returns fn's result once its
  // changes are durable; fn's own error when it failed; otherwise the error
  // that kept them from committing. REQUIRES: fn neither begins nor ends a
  // transaction, and calls no other method of this store.
  template <typename F>
  auto WriteTransaction(F&& fn) -> std::invoke_result_t<F, Connection&> {
    using R = std::invoke_result_t<F, Connection&>;
    std::optional<R> result;
    Status committed = group_->Run([&](Connection& db) -> Status {
      result.emplace(fn(db));
      return StatusOf(*result);
    });
    if (committed.ok()) {
      local_commits_.fetch_add(1, std::memory_order_relaxed);
      return std::move(*result);
    }
    if (result && !StatusOf(*result).ok()) return std::move(*result);
    return committed;
  }

  static const Status& StatusOf(const Status& status) { return status; }
  template <typename T>
  static const Status& StatusOf(const Result<T>& result) {
    return result.status();
  }

  // The reader connection PinReads holds for this thread, in its read
  // transaction; Read uses it while it is set for this store.
  struct Pinned {
    const SqliteStore* store;
    Connection* db;
  };
  class PinnedReads;
  static inline thread_local Pinned* pinned_ = nullptr;

  int schema_version_ = 0;

  std::mutex writer_mutex_;
  std::unique_ptr<Connection> writer_;   // guarded by writer_mutex_
  std::unique_ptr<GroupCommit> group_;   // runs WriteTransaction on writer_
  std::unique_ptr<ReaderPool> readers_;  // null for an in-memory database

  std::atomic<int64_t> local_commits_{0};
  std::mutex version_mutex_;
  // Only asks PRAGMA data_version, which moves when any other connection
  // (this store's writer included) commits. Null for in-memory databases.
  std::unique_ptr<Connection> version_db_;  // guarded by version_mutex_
  int64_t last_data_version_ = 0;           // guarded by version_mutex_
  int64_t data_version_changes_ = 0;        // guarded by version_mutex_
};

}  // namespace chancery::store::sqlite
