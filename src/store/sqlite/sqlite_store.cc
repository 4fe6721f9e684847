#include "store/sqlite/sqlite_store.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

#include "store/sqlite/article_sql.h"
#include "store/sqlite/comment_sql.h"
#include "store/sqlite/db.h"
#include "store/sqlite/migrations.h"
#include "store/sqlite/store_impl.h"

namespace chancery::store::sqlite {

namespace {

int64_t NowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string Quoted(std::string_view s) { return "'" + std::string(s) + "'"; }

// ---- Validation ---------------------------------------------------------------

bool IsSlug(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return true;
}

Status CheckSlug(std::string_view what, std::string_view slug) {
  if (IsSlug(slug)) return Status::Ok();
  return Status::InvalidArgument(std::string(what) + " slug " + Quoted(slug) +
                                 " must be non-empty and use only a-z, 0-9 and '-'");
}

// Media names become the last URL segment of /media/<name>.
Status CheckMediaName(std::string_view name) {
  bool ok = !name.empty() && name.front() != '.';
  for (char c : name) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '/' || c == '\\' || u < 0x20 || u == 0x7f) ok = false;
  }
  if (ok) return Status::Ok();
  return Status::InvalidArgument("media name " + Quoted(name) +
                                 " must be a non-empty file name without '/', '\\\\', control "
                                 "characters or a leading '.'");
}

std::string LowerAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

template <typename T>
Result<T> WithContext(Result<T> result, std::string_view context) {
  if (result.ok()) return result;
  return result.status().WithContext(context);
}

}  // namespace

// Column order of every article query (see article_sql.h).
Result<Article> ReadArticle(const Statement& row) {
  Article a;
  a.id = row.Int64(0);
  a.slug = row.Text(1);
  a.title = row.Text(2);
  a.dek = row.Text(3);
  a.body_markdown = row.Text(4);
  a.body_html = row.Text(5);
  a.plain_text = row.Text(6);
  a.toc_json = row.Text(7);
  a.excerpt = row.Text(8);
  a.reading_minutes = row.Int(9);
  const std::string status = row.Text(10);
  const auto parsed = ParseArticleStatus(status);
  if (!parsed) {
    return Status::Corruption("article " + Quoted(a.slug) + " has unknown status " + Quoted(status));
  }
  a.status = *parsed;
  a.published_at = row.Int64(11);
  a.updated_at = row.Int64(12);
  a.created_at = row.Int64(13);
  a.image.url = row.Text(14);
  a.image.credit = row.Text(15);
  a.image.alt = row.Text(16);
  a.image.caption = row.Text(17);
  a.image.width = row.Int(18);
  a.image.height = row.Int(19);
  a.comments_open = row.Int(20) != 0;
  return a;
}

namespace {

Author ReadAuthor(const Statement& row, int first) {
  Author a;
  a.id = row.Int64(first);
  a.slug = row.Text(first + 1);
  a.name = row.Text(first + 2);
  a.bio = row.Text(first + 3);
  a.affiliation = row.Text(first + 4);
  a.disclosure = row.Text(first + 5);
  return a;
}

Tag ReadTag(const Statement& row, int first) {
  Tag t;
  t.id = row.Int64(first);
  t.slug = row.Text(first + 1);
  t.name = row.Text(first + 2);
  return t;
}

Result<User> ReadUser(const Statement& row) {
  User u;
  u.id = row.Int64(0);
  u.email = row.Text(1);
  u.name = row.Text(2);
  const std::string role = row.Text(3);
  const auto parsed = ParseRole(role);
  if (!parsed) return Status::Corruption("user " + Quoted(u.email) + " has unknown role " + role);
  u.role = *parsed;
  u.password_hash = row.Text(4);
  u.author_id = row.IsNull(5) ? 0 : row.Int64(5);
  u.created_at = row.Int64(6);
  return u;
}

Media ReadMedia(const Statement& row) {
  Media m;
  m.id = row.Int64(0);
  m.name = row.Text(1);
  m.mime_type = row.Text(2);
  m.bytes = row.Blob(3);
  m.width = row.Int(4);
  m.height = row.Int(5);
  m.alt = row.Text(6);
  m.credit = row.Text(7);
  m.created_at = row.Int64(8);
  return m;
}

// The columns ReadComment expects, in order; queries alias comments as c and
// join articles as a.
#define CHANCERY_COMMENT_COLUMNS(email, ip, agent)                                                       \
  "SELECT c.id, c.article_id, c.parent_id, c.author_name, " email ", c.author_url, c.body, c.status,"  \
  " c.status_reason, " ip ", " agent ", c.created_at, c.updated_at, "
#define CHANCERY_PRIVATE_COLUMNS CHANCERY_COMMENT_COLUMNS("c.author_email", "c.ip", "c.user_agent")
#define CHANCERY_PUBLIC_COLUMNS CHANCERY_COMMENT_COLUMNS("''", "''", "''")
constexpr char kCommentColumns[] =
    CHANCERY_PRIVATE_COLUMNS "a.slug FROM comments c JOIN articles a ON a.id = c.article_id";
constexpr char kPublicCommentColumns[] =
    CHANCERY_PUBLIC_COLUMNS "a.slug FROM comments c JOIN articles a ON a.id = c.article_id";
// The same columns for the comments of article ?1, whose slug is read once.
constexpr char kThreadColumns[] = CHANCERY_PRIVATE_COLUMNS "(SELECT slug FROM articles WHERE id = ?1) FROM comments c";
constexpr char kPublicThreadColumns[] =
    CHANCERY_PUBLIC_COLUMNS "(SELECT slug FROM articles WHERE id = ?1) FROM comments c";
#undef CHANCERY_PUBLIC_COLUMNS
#undef CHANCERY_PRIVATE_COLUMNS
#undef CHANCERY_COMMENT_COLUMNS

// Which columns ReadComment reads: a public query selects '' for the
// email, IP and user agent, which need no call into SQLite each.
enum class CommentFields { kAll, kPublic };

// Fills `c` from the row.
Status ReadComment(const Statement& row, Comment& c, CommentFields fields = CommentFields::kAll) {
  const bool all = fields == CommentFields::kAll;
  c.id = row.Int64(0);
  c.article_id = row.Int64(1);
  c.parent_id = row.IsNull(2) ? 0 : row.Int64(2);
  c.author_name = row.Text(3);
  if (all) c.author_email = row.Text(4);
  c.author_url = row.Text(5);
  c.body = row.Text(6);
  const std::string_view status = row.TextView(7);
  const auto parsed = ParseCommentStatus(status);
  if (!parsed) {
    return Status::Corruption("comment " + std::to_string(c.id) + " has unknown status " + Quoted(status));
  }
  c.status = *parsed;
  c.status_reason = row.Text(8);
  if (all) {
    c.ip = row.Text(9);
    c.user_agent = row.Text(10);
  }
  c.created_at = row.Int64(11);
  c.updated_at = row.Int64(12);
  c.article_slug = row.Text(13);
  return Status::Ok();
}

Result<Comment> ReadComment(const Statement& row) {
  Comment c;
  CHANCERY_RETURN_IF_ERROR(ReadComment(row, c));
  return c;
}

// Steps `stmt` to the end, reading every row as a comment.
Result<std::vector<Comment>> ReadComments(StatementLease& stmt, CommentFields fields = CommentFields::kAll) {
  std::vector<Comment> out;
  out.reserve(16);  // a thread's worth, not four reallocations of moved comments
  for (;;) {
    CHANCERY_ASSIGN_OR_RETURN(const bool row, stmt->Step());
    if (!row) return out;
    CHANCERY_RETURN_IF_ERROR(ReadComment(*stmt, out.emplace_back(), fields));
  }
}

Result<std::optional<Comment>> FindCommentIn(Connection& db, int64_t id) {
  static const std::string kSql = std::string(kCommentColumns) + " WHERE c.id = ?1";
  CHANCERY_ASSIGN_OR_RETURN(StatementLease stmt, db.Prepare(kSql));
  stmt->Bind(1, id);
  CHANCERY_ASSIGN_OR_RETURN(const bool row, stmt->Step());
  if (!row) return std::optional<Comment>();
  CHANCERY_ASSIGN_OR_RETURN(Comment c, ReadComment(*stmt));
  return std::optional<Comment>(std::move(c));
}

Status CheckActor(std::string_view actor) {
  if (actor.empty()) return Status::InvalidArgument("a moderation action needs a non-empty actor");
  return Status::Ok();
}

Status AppendModerationLog(Connection& db, int64_t comment_id, std::string_view actor, std::string_view from,
                           std::string_view to, std::string_view note, int64_t now) {
  CHANCERY_ASSIGN_OR_RETURN(
      StatementLease stmt,
      db.Prepare("INSERT INTO moderation_log (comment_id, actor, from_status, to_status, note, created_at)"
                 " VALUES (?1, ?2, ?3, ?4, ?5, ?6)"));
  stmt->Bind(1, comment_id).Bind(2, actor).Bind(3, from).Bind(4, to).Bind(5, note).Bind(6, now);
  return stmt->Run();
}

// Deletes one comment, moves its replies up to its parent and logs the
// deletion. kNotFound when it does not exist. REQUIRES: a write transaction
// is open on `db`.
Status DeleteCommentIn(Connection& db, int64_t id, std::string_view actor, std::string_view note,
                       int64_t now) {
  std::string from_status;
  {
    // Read inside the transaction, so the parent is the current one even
    // after earlier deletions in the same transaction moved this comment.
    CHANCERY_ASSIGN_OR_RETURN(StatementLease find,
                              db.Prepare("SELECT parent_id, status FROM comments WHERE id = ?1"));
    find->Bind(1, id);
    CHANCERY_ASSIGN_OR_RETURN(const bool row, find->Step());
    if (!row) return Status::NotFound("no comment " + std::to_string(id));
    const int64_t parent = find->IsNull(0) ? 0 : find->Int64(0);
    from_status = find->Text(1);
    find->Reset();
    // Reparent first: the parent_id foreign key cascades, and would take the
    // replies with it.
    CHANCERY_ASSIGN_OR_RETURN(StatementLease reparent,
                              db.Prepare("UPDATE comments SET parent_id = ?2 WHERE parent_id = ?1"));
    reparent->Bind(1, id).BindIdOrNull(2, parent);
    CHANCERY_RETURN_IF_ERROR(reparent->Run());
  }
  {
    CHANCERY_ASSIGN_OR_RETURN(StatementLease del, db.Prepare("DELETE FROM comments WHERE id = ?1"));
    del->Bind(1, id);
    CHANCERY_RETURN_IF_ERROR(del->Run());
  }
  return AppendModerationLog(db, id, actor, from_status, "deleted", note, now);
}

Status CheckPage(int limit, int offset) {
  constexpr int kMaxLimit = 1000;
  if (limit < 1 || limit > kMaxLimit) {
    return Status::InvalidArgument("limit must be 1.." + std::to_string(kMaxLimit) + ", got " +
                                   std::to_string(limit));
  }
  if (offset < 0) return Status::InvalidArgument("offset must be >= 0");
  return Status::Ok();
}

}  // namespace

// Fills the authors and tags of `articles` with one query each.
Status LoadLinks(Connection& db, std::vector<Article*> articles) {
  if (articles.empty()) return Status::Ok();
  // One article binds its id; several travel as one JSON array.
  const bool one = articles.size() == 1;
  std::unordered_map<int64_t, Article*> by_id;
  std::string ids;
  if (!one) {
    ids = "[";
    for (Article* a : articles) {
      if (by_id.size() > 0) ids += ',';
      ids += std::to_string(a->id);
      by_id[a->id] = a;
    }
    ids += ']';
  }
  auto bind = [&](Statement& stmt) {
    if (one) {
      stmt.Bind(1, articles.front()->id);
    } else {
      stmt.Bind(1, ids);
    }
  };
  auto owner = [&](int64_t id) { return one ? articles.front() : by_id[id]; };
  {
    CHANCERY_ASSIGN_OR_RETURN(StatementLease stmt,
                              db.Prepare(one ? sql::kAuthorsOfArticle : sql::kAuthorsOfArticles));
    bind(*stmt);
    for (;;) {
      CHANCERY_ASSIGN_OR_RETURN(const bool row, stmt->Step());
      if (!row) break;
      owner(stmt->Int64(0))->authors.push_back(ReadAuthor(*stmt, 1));
    }
  }
  CHANCERY_ASSIGN_OR_RETURN(StatementLease stmt,
                            db.Prepare(one ? sql::kTagsOfArticle : sql::kTagsOfArticles));
  bind(*stmt);
  for (;;) {
    CHANCERY_ASSIGN_OR_RETURN(const bool row, stmt->Step());
    if (!row) break;
    owner(stmt->Int64(0))->tags.push_back(ReadTag(*stmt, 1));
  }
  return Status::Ok();
}

namespace {

// Runs a query expected to give at most one article, then its links.
Result<std::optional<Article>> QueryOneArticle(Connection& db, StatementLease& stmt) {
  CHANCERY_ASSIGN_OR_RETURN(const bool row, stmt->Step());
  if (!row) return std::optional<Article>();
  CHANCERY_ASSIGN_OR_RETURN(Article article, ReadArticle(*stmt));
  stmt->Reset();  // done with it; do not hold its cursor across the next queries
  CHANCERY_RETURN_IF_ERROR(LoadLinks(db, {&article}));
  return std::optional<Article>(std::move(article));
}

// ---- Writes inside a transaction ----------------------------------------------

// Inserts the author, or updates the one with its slug, overwriting only the
// fields given non-empty: a byline that names an author must not wipe the
// bio an editor wrote. REQUIRES: a write transaction is open on `db`.
// A new author row; kAlreadyExists when the slug is taken.
Result<Author> InsertAuthorIn(Connection& db, const Author& author) {
  CHANCERY_RETURN_IF_ERROR(CheckSlug("author", author.slug));
  if (author.name.empty()) {
    return Status::InvalidArgument("new author " + Quoted(author.slug) + " needs a name");
  }
  CHANCERY_ASSIGN_OR_RETURN(
      StatementLease insert,
      db.Prepare("INSERT INTO authors (slug, name, bio, affiliation, disclosure, created_at)"
                 " VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id, slug, name, bio, affiliation, disclosure"));
  insert->Bind(1, author.slug).Bind(2, author.name).Bind(3, author.bio).Bind(4, author.affiliation);
  insert->Bind(5, author.disclosure).Bind(6, NowSeconds());
  CHANCERY_ASSIGN_OR_RETURN(const bool row, insert->Step());
  if (!row) return Status::Internal("INSERT ... RETURNING gave no row");
  return ReadAuthor(*insert, 0);
}

Result<Author> UpsertAuthorIn(Connection& db, const Author& author) {
  CHANCERY_RETURN_IF_ERROR(CheckSlug("author", author.slug));
  {
    CHANCERY_ASSIGN_OR_RETURN(StatementLease update,
                              db.Prepare("UPDATE authors SET"
                                         " name = CASE WHEN ?2 <> '' THEN ?2 ELSE name END,"
                                         " bio = CASE WHEN ?3 <> '' THEN ?3 ELSE bio END,"
                                         " affiliation = CASE WHEN ?4 <> '' THEN ?4 ELSE affiliation END,"
                                         " disclosure = CASE WHEN ?5 <> '' THEN ?5 ELSE disclosure END"
                                         " WHERE slug = ?1 RETURNING id, slug, name, bio, affiliation, disclosure"));
    update->Bind(1, author.slug).Bind(2, author.name).Bind(3, author.bio).Bind(4, author.affiliation);
    update->Bind(5, author.disclosure);
    CHANCERY_ASSIGN_OR_RETURN(const bool found, update->Step());
    if (found) return ReadAuthor(*update, 0);
  }
  return InsertAuthorIn(db, author);
}

// As UpsertAuthorIn, for tags.
Result<Tag> UpsertTagIn(Connection& db, const Tag& tag) {
  CHANCERY_RETURN_IF_ERROR(CheckSlug("tag", tag.slug));
  {
    CHANCERY_ASSIGN_OR_RETURN(StatementLease update,
                              db.Prepare("UPDATE tags SET name = CASE WHEN ?2 <> '' THEN ?2 ELSE name END"
                                         " WHERE slug = ?1 RETURNING id, slug, name"));
    update->Bind(1, tag.slug).Bind(2, tag.name);
    CHANCERY_ASSIGN_OR_RETURN(const bool found, update->Step());
    if (found) return ReadTag(*update, 0);
  }
  if (tag.name.empty()) {
    return Status::InvalidArgument("new tag " + Quoted(tag.slug) + " needs a name");
  }
  CHANCERY_ASSIGN_OR_RETURN(
      StatementLease insert,
      db.Prepare("INSERT INTO tags (slug, name) VALUES (?1, ?2) RETURNING id, slug, name"));
  insert->Bind(1, tag.slug).Bind(2, tag.name);
  CHANCERY_ASSIGN_OR_RETURN(const bool row, insert->Step());
  if (!row) return Status::Internal("INSERT ... RETURNING gave no row");
  return ReadTag(*insert, 0);
}

// Everything about an article that can be checked before touching the
// database, so a bad request costs no write lock.
Status ValidateArticle(const Article& article) {
  CHANCERY_RETURN_IF_ERROR(CheckSlug("article", article.slug));
  std::set<std::string_view> seen;
  for (const Author& a : article.authors) {
    CHANCERY_RETURN_IF_ERROR(CheckSlug("author", a.slug));
    if (!seen.insert(a.slug).second) {
      return Status::InvalidArgument("author " + Quoted(a.slug) + " is listed twice");
    }
  }
  seen.clear();
  for (const Tag& t : article.tags) {
    CHANCERY_RETURN_IF_ERROR(CheckSlug("tag", t.slug));
    if (!seen.insert(t.slug).second) {
      return Status::InvalidArgument("tag " + Quoted(t.slug) + " is listed twice");
    }
  }
  return Status::Ok();
}

// Binds the article's own columns as ?1..?19 in the order of kArticleValues.
void BindArticle(Statement& stmt, const Article& a) {
  stmt.Bind(1, a.slug).Bind(2, a.title).Bind(3, a.dek).Bind(4, a.body_markdown);
  stmt.Bind(5, a.body_html).Bind(6, a.toc_json).Bind(7, a.excerpt).Bind(8, a.plain_text);
  stmt.Bind(9, a.reading_minutes).Bind(10, ToString(a.status)).Bind(11, a.published_at);
  stmt.Bind(12, a.updated_at).Bind(13, a.image.url).Bind(14, a.image.credit);
  stmt.Bind(15, a.image.alt).Bind(16, a.image.caption).Bind(17, a.image.width);
  stmt.Bind(18, a.image.height).Bind(19, a.comments_open ? 1 : 0);
}

// Switches the file to WAL unless it is already. The switch needs an
// exclusive lock, and SQLite reports BUSY at once (without its busy handler)
// when another connection is opening or switching the same new file, so
// retry until the busy timeout runs out.
Status EnableWal(Connection& db, int busy_timeout_ms) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(busy_timeout_ms);
  auto backoff = std::chrono::milliseconds(1);
  for (;;) {
    Status status = [&]() -> Status {
      CHANCERY_ASSIGN_OR_RETURN(StatementLease stmt, db.Prepare("PRAGMA journal_mode = WAL"));
      CHANCERY_ASSIGN_OR_RETURN(const bool row, stmt->Step());
      if (!row || stmt->Text(0) != "wal") {
        return Status::Unsupported("the database file cannot use WAL journaling (mode is '" +
                                   (row ? stmt->Text(0) : std::string()) + "')");
      }
      return Status::Ok();
    }();
    if (status.code() != Status::Code::kUnavailable || std::chrono::steady_clock::now() >= deadline) {
      return status;
    }
    std::this_thread::sleep_for(backoff);
    backoff = std::min(backoff * 2, std::chrono::milliseconds(50));
  }
}

}  // namespace

Result<std::unique_ptr<Store>> SqliteStore::Open(const SqliteStoreOptions& options) {
  if (options.busy_timeout_ms < 0) return Status::InvalidArgument("busy_timeout_ms must be >= 0");
  if (options.max_readers < 1) return Status::InvalidArgument("max_connections must be >= 1");
  if (!options.in_memory && options.path.empty()) {
    return Status::InvalidArgument("no SQLite database path given");
  }
  const std::string where = options.in_memory ? "in-memory database" : "database " + Quoted(options.path);

  ConnectionOptions conn;
  conn.path = options.in_memory ? ":memory:" : options.path;
  conn.busy_timeout_ms = options.busy_timeout_ms;

  std::unique_ptr<SqliteStore> store(new SqliteStore());
  CHANCERY_ASSIGN_OR_RETURN(store->writer_, Connection::Open(conn));
  Connection& writer = *store->writer_;
  store->group_ = std::make_unique<GroupCommit>(writer, store->writer_mutex_);
  if (!options.in_memory) {
    // WAL lets readers run beside the writer; it is recorded in the file, so
    // later connections inherit it.
    CHANCERY_RETURN_IF_ERROR(
        EnableWal(writer, options.busy_timeout_ms).WithContext("enable WAL on " + where));
    // Durability: FULL makes every COMMIT fsync the WAL before it returns, so
    // a write the store has reported done (a comment answered with 303)
    // survives a power cut, as InnoDB's default does. NORMAL would fsync
    // only at checkpoints and lose the commits since the last one. Group
    // commit (WriteTransaction) shares each fsync among concurrent writes.
    // Only this connection writes; readers are query_only.
    CHANCERY_RETURN_IF_ERROR(
        writer.ExecScript("PRAGMA synchronous = FULL").WithContext("configure " + where));
  }

  CHANCERY_ASSIGN_OR_RETURN(const std::vector<Migration> migrations, BuiltinMigrations());
  CHANCERY_ASSIGN_OR_RETURN(store->schema_version_,
                            WithContext(ApplyMigrations(writer, migrations), "open " + where));

  if (!options.in_memory) {
    ConnectionOptions reader = conn;
    reader.create = false;
    reader.query_only = true;
    // Each of up to max_readers connections keeps its own page cache, all
    // copies of the same file the kernel already caches once: 512 KiB each
    // holds the indexes' upper pages, which is what a page's reads revisit,
    // where SQLite's 2 MiB default would cost up to 16 MiB of resident
    // memory with eight workers.
    reader.cache_kib = 512;
    store->readers_ = std::make_unique<ReaderPool>(reader, options.max_readers);
    CHANCERY_ASSIGN_OR_RETURN(store->version_db_, Connection::Open(reader));
    CHANCERY_ASSIGN_OR_RETURN(store->last_data_version_, store->version_db_->QueryInt("PRAGMA data_version"));
  }
  return std::unique_ptr<Store>(std::move(store));
}

Result<int64_t> SqliteStore::DataVersion() {
  const int64_t local = local_commits_.load(std::memory_order_relaxed);
  if (version_db_ == nullptr) return local;
  std::lock_guard lock(version_mutex_);
  CHANCERY_ASSIGN_OR_RETURN(const int64_t now, version_db_->QueryInt("PRAGMA data_version"));
  // data_version values are only comparable with the same connection's
  // earlier ones; count changes so the sum keeps moving forward.
  if (now != last_data_version_) {
    last_data_version_ = now;
    ++data_version_changes_;
  }
  return local + data_version_changes_;
}

// ---- Pinned reads --------------------------------------------------------------------

// Holds a reader connection for its thread, in a deferred read transaction:
// SQLite takes the snapshot at the first read and keeps it until COMMIT.
class SqliteStore::PinnedReads final : public Store::ReadScope {
 public:
  PinnedReads(SqliteStore* store, ReaderPool::Lease lease) : lease_(std::move(lease)), pinned_{store, &lease_.db()} {
    SqliteStore::pinned_ = &pinned_;
  }
  PinnedReads(const PinnedReads&) = delete;
  PinnedReads& operator=(const PinnedReads&) = delete;
  ~PinnedReads() override {
    SqliteStore::pinned_ = nullptr;
    // A read-only transaction: COMMIT and ROLLBACK both just end it. A
    // failure was already reported to the read that caused it.
    if (!lease_.db().InAutocommit()) (void)lease_.db().Exec("COMMIT");
  }

 private:
  ReaderPool::Lease lease_;  // returned to the pool after the COMMIT
  Pinned pinned_;
};

std::unique_ptr<Store::ReadScope> SqliteStore::PinReads() {
  // Nothing to pin for an in-memory database (its reads take the writer's
  // lock for each call), and an open scope on this thread already covers.
  if (readers_ == nullptr || pinned_ != nullptr) return nullptr;
  auto lease = readers_->Acquire();
  if (!lease.ok()) return nullptr;  // each read then reports the error itself
  if (!lease->db().Exec("BEGIN").ok()) return nullptr;
  return std::make_unique<PinnedReads>(this, std::move(lease).value());
}

// ---- Settings ----------------------------------------------------------------------

Result<std::optional<std::string>> SqliteStore::GetSetting(std::string_view key) {
  return WithContext(Read([&](Connection& db) -> Result<std::optional<std::string>> {
                       CHANCERY_ASSIGN_OR_RETURN(StatementLease stmt,
                                                 db.Prepare("SELECT value FROM settings WHERE key = ?1"));
                       stmt->Bind(1, key);
                       CHANCERY_ASSIGN_OR_RETURN(const bool row, stmt->Step());
                       if (!row) return std::optional<std::string>();
                       return std::optional<std::string>(stmt->Text(0));
                     }),
                     "get setting " + Quoted(key));
}

Status SqliteStore::PutSetting(std::string_view key, std::string_view value) {
  const std::string context = "put setting " + Quoted(key);
  if (key.empty()) return Status::InvalidArgument("setting key must be non-empty").WithContext(context);
  return Write([&](Connection& db) -> Status {
           CHANCERY_ASSIGN_OR_RETURN(StatementLease stmt,
                                     db.Prepare("INSERT INTO settings (key, value) VALUES (?1, ?2)"
                                                " ON CONFLICT (key) DO UPDATE SET value = excluded.value"));
           stmt->Bind(1, key).Bind(2, value);
           return stmt->Run();
         })
      .WithContext(context);
}

// ---- Authors and tags ----------------------------------------------------------

Result<Author> SqliteStore::UpsertAuthor(const Author& author) {
  return WithContext(WriteTransaction([&](Connection& db) { return UpsertAuthorIn(db, author); }),
                     "upsert author " + Quoted(author.slug));
}

Result<Author> SqliteStore::AddAuthor(const Author& author) {
  return WithContext(WriteTransaction([&](Connection& db) { return InsertAuthorIn(db, author); }),
                     "add author " + Quoted(author.slug));
}

Result<Author> SqliteStore::UpdateAuthor(const Author& author) {
  return WithContext(WriteTransaction([&](Connection& db) -> Result<Author> {
                       if (author.name.empty()) return Status::InvalidArgument("an author needs a name");
                       CHANCERY_ASSIGN_OR_RETURN(
                           StatementLease update,
                           db.Prepare("UPDATE authors SET name = ?2, bio = ?3, affiliation = ?4, disclosure = ?5"
                                      " WHERE slug = ?1 RETURNING id, slug, name, bio, affiliation, disclosure"));
                       update->Bind(1, author.slug).Bind(2, author.name).Bind(3, author.bio);
                       update->Bind(4, author.affiliation).Bind(5, author.disclosure);
                       CHANCERY_ASSIGN_OR_RETURN(const bool found, update->Step());
                       if (!found) return Status::NotFound("no author " + Quoted(author.slug));
                       return ReadAuthor(*update, 0);
                     }),
                     "update author " + Quoted(author.slug));
}

Result<std::optional<Author>> SqliteStore::FindAuthor(std::string_view slug) {
  return WithContext(Read([&](Connection& db) -> Result<std::optional<Author>> {
                       CHANCERY_ASSIGN_OR_RETURN(
                           StatementLease stmt,
                           db.Prepare("SELECT id, slug, name, bio, affiliation, disclosure FROM authors"
                                      " WHERE slug = ?1"));
                       stmt->Bind(1, slug);
                       CHANCERY_ASSIGN_OR_RETURN(const bool row, stmt->Step());
                       if (!row) return std::optional<Author>();
                       return std::optional<Author>(ReadAuthor(*stmt, 0));
                     }),
                     "find author " + Quoted(slug));
}

Result<std::vector<Author>> SqliteStore::ListAuthors() {
  return WithContext(Read([&](Connection& db) -> Result<std::vector<Author>> {
                       CHANCERY_ASSIGN_OR_RETURN(
                           StatementLease stmt,
                           db.Prepare("SELECT id, slug, name, bio, affiliation, disclosure FROM authors"
                                      " ORDER BY name, slug"));
                       std::vector<Author> out;
                       for (;;) {
                         CHANCERY_ASSIGN_OR_RETURN(const bool row, stmt->Step());
                         if (!row) return out;
                         out.push_back(ReadAuthor(*stmt, 0));
                       }
                     }),
                     "list authors");
}

Result<Tag> SqliteStore::UpsertTag(const Tag& tag) {
  return WithContext(WriteTransaction([&](Connection& db) { return UpsertTagIn(db, tag); }),
                     "upsert tag " + Quoted(tag.slug));
}

Result<std::optional<Tag>> SqliteStore::FindTag(std::string_view slug) {
  return WithContext(Read([&](Connection& db) -> Result<std::optional<Tag>> {
                       CHANCERY_ASSIGN_OR_RETURN(
                           StatementLease stmt,
                           db.Prepare("SELECT id, slug, name FROM tags WHERE slug = ?1"));
                       stmt->Bind(1, slug);
                       CHANCERY_ASSIGN_OR_RETURN(const bool row, stmt->Step());
                       if (!row) return std::optional<Tag>();
                       return std::optional<Tag>(ReadTag(*stmt, 0));
                     }),
                     "find tag " + Quoted(slug));
}

Result<std::vector<std::pair<Tag, int64_t>>> SqliteStore::ListTagsInUse(int64_t now) {
  using Out = std::vector<std::pair<Tag, int64_t>>;
  return WithContext(Read([&](Connection& db) -> Result<Out> {
                       CHANCERY_ASSIGN_OR_RETURN(StatementLease stmt, db.Prepare(sql::kTagsInUse));
                       stmt->Bind(1, now);
                       Out out;
                       for (;;) {
                         CHANCERY_ASSIGN_OR_RETURN(const bool row, stmt->Step());
                         if (!row) return out;
                         out.emplace_back(ReadTag(*stmt, 0), stmt->Int64(3));
                       }
                     }),
                     "list tags in use");
}

// ---- Articles -----------------------------------------------------------------

Result<SaveOutcome> SqliteStore::SaveArticle(Article& article) {
  const std::string context = "save article " + Quoted(article.slug);
  CHANCERY_RETURN_IF_ERROR(ValidateArticle(article).WithContext(context));
  // Work on a copy so a failed save leaves the caller's record as it was.
  Article saved = article;
  auto outcome = WriteTransaction([&](Connection& db) -> Result<SaveOutcome> {
    for (Author& author : saved.authors) {
      CHANCERY_ASSIGN_OR_RETURN(author, UpsertAuthorIn(db, author));
    }
    for (Tag& tag : saved.tags) {
      CHANCERY_ASSIGN_OR_RETURN(tag, UpsertTagIn(db, tag));
    }

    // The slug is the key: an id the caller brought along is not trusted.
    saved.id = 0;
    bool found = false;
    {
      CHANCERY_ASSIGN_OR_RETURN(
          StatementLease update,
          db.Prepare("UPDATE articles SET title = ?2, dek = ?3, body_markdown = ?4,"
                     " body_html = ?5, toc_json = ?6, excerpt = ?7, plain_text = ?8,"
                     " reading_minutes = ?9, status = ?10, published_at = ?11, updated_at = ?12,"
                     " image_url = ?13, image_credit = ?14, image_alt = ?15, image_caption = ?16,"
                     " image_width = ?17, image_height = ?18, comments_open = ?19"
                     " WHERE slug = ?1 RETURNING id, created_at"));
      BindArticle(*update, saved);
      CHANCERY_ASSIGN_OR_RETURN(found, update->Step());
      if (found) {
        saved.id = update->Int64(0);
        saved.created_at = update->Int64(1);  // creation time never changes
      }
    }
    if (!found) {
      if (saved.created_at == 0) saved.created_at = NowSeconds();
      CHANCERY_ASSIGN_OR_RETURN(
          StatementLease insert,
          db.Prepare("INSERT INTO articles (slug, title, dek, body_markdown, body_html, toc_json,"
                     " excerpt, plain_text, reading_minutes, status, published_at, updated_at,"
                     " image_url, image_credit, image_alt, image_caption, image_width,"
                     " image_height, comments_open, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6,"
                     " ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)"
                     " RETURNING id"));
      BindArticle(*insert, saved);
      insert->Bind(20, saved.created_at);
      CHANCERY_ASSIGN_OR_RETURN(const bool row, insert->Step());
      if (!row) return Status::Internal("INSERT ... RETURNING gave no row");
      saved.id = insert->Int64(0);
    }

    {
      CHANCERY_ASSIGN_OR_RETURN(StatementLease clear,
                                db.Prepare("DELETE FROM article_authors WHERE article_id = ?1"));
      clear->Bind(1, saved.id);
      CHANCERY_RETURN_IF_ERROR(clear->Run());
    }
    for (size_t i = 0; i < saved.authors.size(); ++i) {
      CHANCERY_ASSIGN_OR_RETURN(StatementLease link,
                                db.Prepare("INSERT INTO article_authors (article_id, author_id, position)"
                                           " VALUES (?1, ?2, ?3)"));
      link->Bind(1, saved.id).Bind(2, saved.authors[i].id).Bind(3, static_cast<int64_t>(i));
      CHANCERY_RETURN_IF_ERROR(link->Run());
    }
    {
      CHANCERY_ASSIGN_OR_RETURN(StatementLease clear,
                                db.Prepare("DELETE FROM article_tags WHERE article_id = ?1"));
      clear->Bind(1, saved.id);
      CHANCERY_RETURN_IF_ERROR(clear->Run());
    }
    for (size_t i = 0; i < saved.tags.size(); ++i) {
      CHANCERY_ASSIGN_OR_RETURN(
          StatementLease link,
          db.Prepare("INSERT INTO article_tags (article_id, tag_id, position) VALUES (?1, ?2, ?3)"));
      link->Bind(1, saved.id).Bind(2, saved.tags[i].id).Bind(3, static_cast<int64_t>(i));
      CHANCERY_RETURN_IF_ERROR(link->Run());
    }
    return found ? SaveOutcome::kUpdated : SaveOutcome::kCreated;
  });
  if (!outcome.ok()) return outcome.status().WithContext(context);
  article = std::move(saved);
  return outcome;
}

Result<std::optional<Article>> SqliteStore::FindArticle(std::string_view slug) {
  return WithContext(Read([&](Connection& db) -> Result<std::optional<Article>> {
                       // One snapshot for the article and its links.
                       CHANCERY_ASSIGN_OR_RETURN(Transaction tx,
                                                 Transaction::Begin(db, Transaction::Kind::kRead));
                       CHANCERY_ASSIGN_OR_RETURN(StatementLease stmt, db.Prepare(sql::kFindArticle));
                       stmt->Bind(1, slug);
                       CHANCERY_ASSIGN_OR_RETURN(auto article, QueryOneArticle(db, stmt));
                       CHANCERY_RETURN_IF_ERROR(tx.Commit());
                       return article;
                     }),
                     "find article " + Quoted(slug));
}

Result<std::optional<Article>> SqliteStore::FindVisibleArticle(std::string_view slug, int64_t now) {
  return WithContext(Read([&](Connection& db) -> Result<std::optional<Article>> {
                       CHANCERY_ASSIGN_OR_RETURN(Transaction tx,
                                                 Transaction::Begin(db, Transaction::Kind::kRead));
                       CHANCERY_ASSIGN_OR_RETURN(StatementLease stmt, db.Prepare(sql::kFindVisibleArticle));
                       stmt->Bind(1, slug).Bind(2, now);
                       CHANCERY_ASSIGN_OR_RETURN(auto article, QueryOneArticle(db, stmt));
                       CHANCERY_RETURN_IF_ERROR(tx.Commit());
                       return article;
                     }),
                     "find visible article " + Quoted(slug));
}

Result<std::optional<Article>> SqliteStore::FindVisibleArticleSummary(std::string_view slug, int64_t now) {
  return WithContext(Read([&](Connection& db) -> Result<std::optional<Article>> {
                       CHANCERY_ASSIGN_OR_RETURN(StatementLease stmt, db.Prepare(sql::kFindVisibleArticleSummary));
                       stmt->Bind(1, slug).Bind(2, now);
                       CHANCERY_ASSIGN_OR_RETURN(const bool row, stmt->Step());
                       if (!row) return std::optional<Article>();
                       CHANCERY_ASSIGN_OR_RETURN(Article article, ReadArticle(*stmt));
                       return std::optional<Article>(std::move(article));
                     }),
                     "find visible article " + Quoted(slug));
}

Result<ArticlePage> SqliteStore::ListVisibleArticles(const ArticleQuery& query) {
  constexpr int kMaxLimit = 100;
  if (query.limit < 1 || query.limit > kMaxLimit) {
    return Status::InvalidArgument("list articles: limit must be 1.." + std::to_string(kMaxLimit) + ", got " +
                                   std::to_string(query.limit));
  }
  if (query.offset < 0) return Status::InvalidArgument("list articles: offset must be >= 0");
  return WithContext(Read([&](Connection& db) -> Result<ArticlePage> {
                       // The page and its total from one snapshot, so they agree.
                       CHANCERY_ASSIGN_OR_RETURN(Transaction tx,
                                                 Transaction::Begin(db, Transaction::Kind::kRead));
                       ArticlePage page;
                       {
                         CHANCERY_ASSIGN_OR_RETURN(StatementLease stmt, db.Prepare(sql::kListArticles));
                         stmt->Bind(1, query.now).Bind(2, query.tag_slug).Bind(3, query.author_slug);
                         stmt->Bind(4, query.limit).Bind(5, query.offset);
                         for (;;) {
                           CHANCERY_ASSIGN_OR_RETURN(const bool row, stmt->Step());
                           if (!row) break;
                           CHANCERY_ASSIGN_OR_RETURN(Article a, ReadArticle(*stmt));
                           page.items.push_back(std::move(a));
                         }
                       }
                       {
                         CHANCERY_ASSIGN_OR_RETURN(
                             StatementLease stmt,
                             db.Prepare(query.tag_slug.empty() ? sql::kCountArticles : sql::kCountTagArticles));
                         stmt->Bind(1, query.now).Bind(2, query.tag_slug).Bind(3, query.author_slug);
                         CHANCERY_ASSIGN_OR_RETURN(const bool row, stmt->Step());
                         page.total = row ? stmt->Int64(0) : 0;
                       }
                       std::vector<Article*> items;
                       for (Article& a : page.items) items.push_back(&a);
                       CHANCERY_RETURN_IF_ERROR(LoadLinks(db, std::move(items)));
                       CHANCERY_RETURN_IF_ERROR(tx.Commit());
                       return page;
                     }),
                     "list articles");
}

Result<Adjacent> SqliteStore::AdjacentArticles(const Article& article, int64_t now) {
  return WithContext(Read([&](Connection& db) -> Result<Adjacent> {
                       CHANCERY_ASSIGN_OR_RETURN(Transaction tx,
                                                 Transaction::Begin(db, Transaction::Kind::kRead));
                       Adjacent out;
                       for (const char* query : {sql::kPreviousArticle, sql::kNextArticle}) {
                         CHANCERY_ASSIGN_OR_RETURN(StatementLease stmt, db.Prepare(query));
                         stmt->Bind(1, now).Bind(2, article.published_at).Bind(3, article.id);
                         CHANCERY_ASSIGN_OR_RETURN(auto found, QueryOneArticle(db, stmt));
                         (query == sql::kPreviousArticle ? out.previous : out.next) = std::move(found);
                       }
                       CHANCERY_RETURN_IF_ERROR(tx.Commit());
                       return out;
                     }),
                     "adjacent articles of " + Quoted(article.slug));
}

// ---- Comments -------------------------------------------------------------------

Result<int64_t> SqliteStore::CountApprovedComments(int64_t article_id) {
  return WithContext(Read([&](Connection& db) -> Result<int64_t> {
                       CHANCERY_ASSIGN_OR_RETURN(
                           StatementLease stmt, db.Prepare("SELECT COUNT(*) FROM comments"
                                                           " WHERE article_id = ?1 AND status = 'approved'"));
                       stmt->Bind(1, article_id);
                       CHANCERY_ASSIGN_OR_RETURN(const bool row, stmt->Step());
                       return row ? stmt->Int64(0) : 0;
                     }),
                     "count comments of article " + std::to_string(article_id));
}

Result<Comment> SqliteStore::AddComment(const Comment& comment) {
  const std::string context = "add comment on article " + std::to_string(comment.article_id);
  Comment saved = comment;
  if (saved.created_at == 0) saved.created_at = NowSeconds();
  saved.updated_at = 0;        // a new comment has not been edited
  saved.article_slug.clear();  // only reads fill it
  return WithContext(
      WriteTransaction([&](Connection& db) -> Result<Comment> {
        if (saved.parent_id != 0) {
          CHANCERY_ASSIGN_OR_RETURN(StatementLease parent,
                                    db.Prepare("SELECT article_id FROM comments WHERE id = ?1"));
          parent->Bind(1, saved.parent_id);
          CHANCERY_ASSIGN_OR_RETURN(const bool row, parent->Step());
          if (!row || parent->Int64(0) != saved.article_id) {
            return Status::InvalidArgument("parent comment " + std::to_string(saved.parent_id) +
                                           " is not a comment on this article");
          }
        }
        CHANCERY_ASSIGN_OR_RETURN(
            StatementLease stmt,
            db.Prepare("INSERT INTO comments (article_id, parent_id, author_name, author_email,"
                       " author_url, body, status, status_reason, ip, user_agent, created_at)"
                       " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) RETURNING id"));
        stmt->Bind(1, saved.article_id).BindIdOrNull(2, saved.parent_id);
        stmt->Bind(3, saved.author_name).Bind(4, saved.author_email).Bind(5, saved.author_url);
        stmt->Bind(6, saved.body).Bind(7, ToString(saved.status)).Bind(8, saved.status_reason);
        stmt->Bind(9, saved.ip).Bind(10, saved.user_agent).Bind(11, saved.created_at);
        CHANCERY_ASSIGN_OR_RETURN(const bool row, stmt->Step());
        if (!row) return Status::Internal("INSERT ... RETURNING gave no row");
        saved.id = stmt->Int64(0);
        return saved;
      }),
      context);
}

Result<std::vector<Comment>> SqliteStore::ListComments(const CommentQuery& query) {
  CHANCERY_RETURN_IF_ERROR(CheckPage(query.limit, query.offset).WithContext("list comments"));
  // One constant statement per shape of query rather than "?1 = 0 OR ..."
  // terms, which would keep SQLite from using the article and status indexes.
  // The pieces are fixed text; every value is bound.
  // The sixteen shapes, built once. One article's thread names its slug
  // once (an uncorrelated subquery SQLite runs a single time) instead of
  // joining articles for every comment.
  static const std::array<std::string, 16> kShapes = [] {
    std::array<std::string, 16> shapes;
    for (int shape = 0; shape < 16; ++shape) {
      const bool public_only = shape & 8, one_article = shape & 4, by_status = shape & 2, newest = shape & 1;
      std::string sql = one_article ? (public_only ? kPublicThreadColumns : kThreadColumns)
                                    : (public_only ? kPublicCommentColumns : kCommentColumns);
      sql += " WHERE 1";
      if (one_article) sql += " AND c.article_id = ?1";
      if (by_status) sql += " AND c.status = ?2";
      sql += newest ? " ORDER BY c.created_at DESC, c.id DESC" : " ORDER BY c.created_at, c.id";
      sql += " LIMIT ?3 OFFSET ?4";
      shapes[static_cast<std::size_t>(shape)] = std::move(sql);
    }
    return shapes;
  }();
  const std::string& sql = kShapes[(query.public_only ? 8u : 0u) | (query.article_id != 0 ? 4u : 0u) |
                                   (query.status ? 2u : 0u) | (query.newest_first ? 1u : 0u)];
  return WithContext(Read([&](Connection& db) -> Result<std::vector<Comment>> {
                       CHANCERY_ASSIGN_OR_RETURN(StatementLease stmt, db.Prepare(sql));
                       if (query.article_id != 0) stmt->Bind(1, query.article_id);
                       if (query.status) stmt->Bind(2, ToString(*query.status));
                       stmt->Bind(3, query.limit).Bind(4, query.offset);
                       return ReadComments(stmt, query.public_only ? CommentFields::kPublic : CommentFields::kAll);
                     }),
                     "list comments");
}

Result<std::optional<Comment>> SqliteStore::FindComment(int64_t id) {
  return WithContext(Read([&](Connection& db) { return FindCommentIn(db, id); }),
                     "find comment " + std::to_string(id));
}

Result<std::map<int64_t, int64_t>> SqliteStore::CountApprovedCommentsFor(
    const std::vector<int64_t>& article_ids) {
  std::map<int64_t, int64_t> counts;
  if (article_ids.empty()) return counts;
  // The ids travel as one JSON array parameter, as LoadLinks does.
  std::string ids = "[";
  for (int64_t id : article_ids) {
    if (ids.size() > 1) ids += ',';
    ids += std::to_string(id);
    counts[id] = 0;
  }
  ids += ']';
  auto done = Read([&](Connection& db) -> Status {
    CHANCERY_ASSIGN_OR_RETURN(
        StatementLease stmt,
        db.Prepare("SELECT article_id, COUNT(*) FROM comments"
                   " WHERE article_id IN (SELECT value FROM json_each(?1)) AND status = 'approved'"
                   " GROUP BY article_id"));
    stmt->Bind(1, ids);
    for (;;) {
      CHANCERY_ASSIGN_OR_RETURN(const bool row, stmt->Step());
      if (!row) return Status::Ok();
      counts[stmt->Int64(0)] = stmt->Int64(1);
    }
  });
  if (!done.ok()) return done.WithContext("count approved comments");
  return counts;
}

Result<bool> SqliteStore::HasApprovedCommentFromEmail(std::string_view email) {
  return WithContext(Read([&](Connection& db) -> Result<bool> {
                       CHANCERY_ASSIGN_OR_RETURN(StatementLease stmt, db.Prepare(sql::kHasApprovedFromEmail));
                       stmt->Bind(1, email);
                       CHANCERY_ASSIGN_OR_RETURN(const bool row, stmt->Step());
                       return row && stmt->Int64(0) != 0;
                     }),
                     "look up approved comments by email");
}

Result<bool> SqliteStore::HasDuplicateComment(std::string_view email, std::string_view body, int64_t since) {
  return WithContext(Read([&](Connection& db) -> Result<bool> {
                       CHANCERY_ASSIGN_OR_RETURN(StatementLease stmt, db.Prepare(sql::kHasDuplicate));
                       stmt->Bind(1, email).Bind(2, body).Bind(3, since);
                       CHANCERY_ASSIGN_OR_RETURN(const bool row, stmt->Step());
                       return row && stmt->Int64(0) != 0;
                     }),
                     "look up duplicate comments");
}

Result<int64_t> SqliteStore::CountCommentsFromIp(std::string_view ip, int64_t since) {
  if (ip.empty()) return int64_t{0};
  return WithContext(Read([&](Connection& db) -> Result<int64_t> {
                       CHANCERY_ASSIGN_OR_RETURN(StatementLease stmt, db.Prepare(sql::kCountFromIp));
                       stmt->Bind(1, ip).Bind(2, since);
                       CHANCERY_ASSIGN_OR_RETURN(const bool row, stmt->Step());
                       return row ? stmt->Int64(0) : 0;
                     }),
                     "count comments from an address");
}

Result<Comment> SqliteStore::UpdateCommentStatus(int64_t id, CommentStatus status, std::string_view actor,
                                                 std::string_view note, int64_t now) {
  const std::string context = "set status of comment " + std::to_string(id);
  CHANCERY_RETURN_IF_ERROR(CheckActor(actor).WithContext(context));
  return WithContext(
      WriteTransaction([&](Connection& db) -> Result<Comment> {
        std::string from_status;
        {
          CHANCERY_ASSIGN_OR_RETURN(StatementLease find,
                                    db.Prepare("SELECT status FROM comments WHERE id = ?1"));
          find->Bind(1, id);
          CHANCERY_ASSIGN_OR_RETURN(const bool row, find->Step());
          if (!row) return Status::NotFound("no comment " + std::to_string(id));
          from_status = find->Text(0);
        }
        {
          CHANCERY_ASSIGN_OR_RETURN(
              StatementLease update,
              db.Prepare("UPDATE comments SET status = ?2,"
                         " status_reason = CASE WHEN ?3 <> '' THEN ?3 ELSE status_reason END WHERE id = ?1"));
          update->Bind(1, id).Bind(2, ToString(status)).Bind(3, note);
          CHANCERY_RETURN_IF_ERROR(update->Run());
        }
        CHANCERY_RETURN_IF_ERROR(
            AppendModerationLog(db, id, actor, from_status, ToString(status), note, now));
        CHANCERY_ASSIGN_OR_RETURN(std::optional<Comment> updated, FindCommentIn(db, id));
        if (!updated) return Status::Internal("comment vanished inside its own transaction");
        return std::move(*updated);
      }),
      context);
}

Result<std::vector<ModerationLogEntry>> SqliteStore::ListModerationLog(int64_t comment_id, int limit) {
  CHANCERY_RETURN_IF_ERROR(CheckPage(limit, 0).WithContext("list moderation log"));
  return WithContext(
      Read([&](Connection& db) -> Result<std::vector<ModerationLogEntry>> {
        CHANCERY_ASSIGN_OR_RETURN(
            StatementLease stmt,
            db.Prepare(comment_id == 0
                           ? "SELECT id, comment_id, actor, from_status, to_status, note, created_at"
                             " FROM moderation_log ORDER BY id DESC LIMIT ?2"
                           : "SELECT id, comment_id, actor, from_status, to_status, note, created_at"
                             " FROM moderation_log WHERE comment_id = ?1 ORDER BY id DESC LIMIT ?2"));
        if (comment_id != 0) stmt->Bind(1, comment_id);
        stmt->Bind(2, limit);
        std::vector<ModerationLogEntry> out;
        for (;;) {
          CHANCERY_ASSIGN_OR_RETURN(const bool row, stmt->Step());
          if (!row) return out;
          ModerationLogEntry e;
          e.id = stmt->Int64(0);
          e.comment_id = stmt->Int64(1);
          e.actor = stmt->Text(2);
          e.from_status = stmt->Text(3);
          e.to_status = stmt->Text(4);
          e.note = stmt->Text(5);
          e.created_at = stmt->Int64(6);
          out.push_back(std::move(e));
        }
      }),
      "list moderation log");
}

Status SqliteStore::EditComment(int64_t id, std::string_view body, int64_t now) {
  return Write([&](Connection& db) -> Status {
           CHANCERY_ASSIGN_OR_RETURN(
               StatementLease stmt,
               db.Prepare("UPDATE comments SET body = ?2, updated_at = ?3 WHERE id = ?1 RETURNING id"));
           stmt->Bind(1, id).Bind(2, body).Bind(3, now);
           CHANCERY_ASSIGN_OR_RETURN(const bool row, stmt->Step());
           if (!row) return Status::NotFound("no comment " + std::to_string(id));
           return Status::Ok();
         })
      .WithContext("edit comment " + std::to_string(id));
}

Status SqliteStore::DeleteComment(int64_t id, std::string_view actor, int64_t now) {
  const std::string context = "delete comment " + std::to_string(id);
  CHANCERY_RETURN_IF_ERROR(CheckActor(actor).WithContext(context));
  return WriteTransaction([&](Connection& db) { return DeleteCommentIn(db, id, actor, "", now); })
      .WithContext(context);
}

Result<int64_t> SqliteStore::EraseIpsOlderThan(int64_t cutoff) {
  return WithContext(Write([&](Connection& db) -> Result<int64_t> {
                       CHANCERY_ASSIGN_OR_RETURN(
                           StatementLease stmt,
                           db.Prepare("UPDATE comments SET ip = '' WHERE created_at < ?1 AND ip <> ''"));
                       stmt->Bind(1, cutoff);
                       CHANCERY_RETURN_IF_ERROR(stmt->Run());
                       return static_cast<int64_t>(sqlite3_changes64(db.raw()));
                     }),
                     "erase addresses older than " + std::to_string(cutoff));
}

Result<std::vector<Comment>> SqliteStore::CommentsByEmail(std::string_view email) {
  return WithContext(Read([&](Connection& db) -> Result<std::vector<Comment>> {
                       static const std::string kSql = std::string(kCommentColumns) +
                                                       " WHERE lower(c.author_email) = lower(?1)"
                                                       " ORDER BY c.created_at, c.id";
                       CHANCERY_ASSIGN_OR_RETURN(StatementLease stmt, db.Prepare(kSql));
                       stmt->Bind(1, email);
                       return ReadComments(stmt);
                     }),
                     "list comments by email");
}

Result<int64_t> SqliteStore::EraseCommentsByEmail(std::string_view email, std::string_view actor,
                                                  int64_t now) {
  // The context names no email: it ends up in logs.
  const std::string context = "erase comments on request";
  CHANCERY_RETURN_IF_ERROR(CheckActor(actor).WithContext(context));
  if (email.empty()) return Status::InvalidArgument("no email given").WithContext(context);
  return WithContext(
      WriteTransaction([&](Connection& db) -> Result<int64_t> {
        std::vector<int64_t> ids;
        {
          CHANCERY_ASSIGN_OR_RETURN(
              StatementLease stmt,
              db.Prepare("SELECT id FROM comments WHERE lower(author_email) = lower(?1) ORDER BY id"));
          stmt->Bind(1, email);
          for (;;) {
            CHANCERY_ASSIGN_OR_RETURN(const bool row, stmt->Step());
            if (!row) break;
            ids.push_back(stmt->Int64(0));
          }
        }
        // One at a time, so each reply moves to the parent its parent has at
        // that moment, even when several comments of one thread go.
        for (int64_t id : ids) {
          CHANCERY_RETURN_IF_ERROR(DeleteCommentIn(db, id, actor, "erased on the commenter's request", now));
        }
        return static_cast<int64_t>(ids.size());
      }),
      context);
}

// ---- Users --------------------------------------------------------------------------

Result<User> SqliteStore::AddUser(const User& user) {
  User saved = user;
  saved.email = LowerAscii(user.email);
  const std::string context = "add user " + Quoted(saved.email);
  if (saved.email.find('@') == std::string::npos) {
    return Status::InvalidArgument("email must contain '@'").WithContext(context);
  }
  if (saved.created_at == 0) saved.created_at = NowSeconds();
  auto added = Write([&](Connection& db) -> Result<User> {
    CHANCERY_ASSIGN_OR_RETURN(
        StatementLease stmt,
        db.Prepare("INSERT INTO users (email, name, role, password_hash, author_id, created_at)"
                   " VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id"));
    stmt->Bind(1, saved.email).Bind(2, saved.name).Bind(3, ToString(saved.role));
    stmt->Bind(4, saved.password_hash).BindIdOrNull(5, saved.author_id).Bind(6, saved.created_at);
    CHANCERY_ASSIGN_OR_RETURN(const bool row, stmt->Step());
    if (!row) return Status::Internal("INSERT ... RETURNING gave no row");
    saved.id = stmt->Int64(0);
    return saved;
  });
  if (!added.ok() && added.status().code() == Status::Code::kAlreadyExists) {
    return Status::AlreadyExists("a user with this email already exists (" + added.status().message() + ")")
        .WithContext(context);
  }
  return WithContext(std::move(added), context);
}

Result<std::optional<User>> SqliteStore::FindUserByEmail(std::string_view email) {
  return WithContext(Read([&](Connection& db) -> Result<std::optional<User>> {
                       // The column's NOCASE collation makes this case-blind.
                       CHANCERY_ASSIGN_OR_RETURN(
                           StatementLease stmt,
                           db.Prepare("SELECT id, email, name, role, password_hash, author_id,"
                                      " created_at FROM users WHERE email = ?1"));
                       stmt->Bind(1, email);
                       CHANCERY_ASSIGN_OR_RETURN(const bool row, stmt->Step());
                       if (!row) return std::optional<User>();
                       CHANCERY_ASSIGN_OR_RETURN(User user, ReadUser(*stmt));
                       return std::optional<User>(std::move(user));
                     }),
                     "find user " + Quoted(email));
}

// ---- Media --------------------------------------------------------------------------

Result<Media> SqliteStore::PutMedia(const Media& media) {
  const std::string context = "put media " + Quoted(media.name);
  CHANCERY_RETURN_IF_ERROR(CheckMediaName(media.name).WithContext(context));
  Media saved = media;
  if (saved.created_at == 0) saved.created_at = NowSeconds();
  return WithContext(
      Write([&](Connection& db) -> Result<Media> {
        CHANCERY_ASSIGN_OR_RETURN(
            StatementLease stmt,
            db.Prepare("INSERT INTO media (name, mime_type, bytes, width, height, alt, credit,"
                       " created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
                       " ON CONFLICT (name) DO UPDATE SET mime_type = excluded.mime_type,"
                       " bytes = excluded.bytes, width = excluded.width, height = excluded.height,"
                       " alt = excluded.alt, credit = excluded.credit,"
                       " created_at = excluded.created_at RETURNING id"));
        stmt->Bind(1, saved.name).Bind(2, saved.mime_type).BindBlob(3, saved.bytes);
        stmt->Bind(4, saved.width).Bind(5, saved.height).Bind(6, saved.alt);
        stmt->Bind(7, saved.credit).Bind(8, saved.created_at);
        CHANCERY_ASSIGN_OR_RETURN(const bool row, stmt->Step());
        if (!row) return Status::Internal("INSERT ... RETURNING gave no row");
        saved.id = stmt->Int64(0);
        return saved;
      }),
      context);
}

Result<std::optional<Media>> SqliteStore::FindMedia(std::string_view name) {
  return WithContext(Read([&](Connection& db) -> Result<std::optional<Media>> {
                       CHANCERY_ASSIGN_OR_RETURN(
                           StatementLease stmt,
                           db.Prepare("SELECT id, name, mime_type, bytes, width, height, alt,"
                                      " credit, created_at FROM media WHERE name = ?1"));
                       stmt->Bind(1, name);
                       CHANCERY_ASSIGN_OR_RETURN(const bool row, stmt->Step());
                       if (!row) return std::optional<Media>();
                       return std::optional<Media>(ReadMedia(*stmt));
                     }),
                     "find media " + Quoted(name));
}

Result<std::unique_ptr<Store>> OpenSqliteStore(const SqliteStoreOptions& options) {
  return SqliteStore::Open(options);
}

}  // namespace chancery::store::sqlite
