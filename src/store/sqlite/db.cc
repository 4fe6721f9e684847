#include "store/sqlite/db.h"

#include <string>
#include <utility>

namespace chancery::store::sqlite {

namespace {

// SQLite treats a null text pointer as SQL NULL; an empty string_view may
// carry one, and an empty value must stay an empty value.
const char* NonNull(std::string_view s) { return s.data() != nullptr ? s.data() : ""; }

}  // namespace

Status ErrorStatus(sqlite3* db, int rc) {
  // sqlite3_errmsg names the table, column or constraint; sqlite3_errstr
  // only the kind of failure, used when no connection is at hand.
  std::string message = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  switch (rc) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
      return Status::AlreadyExists(std::move(message));
    default:
      break;
  }
  switch (rc & 0xff) {
    case SQLITE_CONSTRAINT:
    case SQLITE_MISMATCH:
    case SQLITE_RANGE:
    case SQLITE_TOOBIG:
      return Status::InvalidArgument(std::move(message));
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Status::Unavailable(std::move(message));
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return Status::Corruption(std::move(message));
    case SQLITE_MISUSE:
    case SQLITE_ERROR:
      // SQLITE_ERROR is mostly bad SQL: ours, not the caller's.
      return Status::Internal(std::move(message));
    default:
      return Status::IoError(std::move(message));
  }
}

// ---- Statement ----------------------------------------------------------------

void Statement::Check(int rc) {
  if (rc != SQLITE_OK && bind_error_ == SQLITE_OK) bind_error_ = rc;
}

Statement& Statement::Bind(int index, int64_t value) {
  Check(sqlite3_bind_int64(stmt_, index, value));
  return *this;
}

Statement& Statement::Bind(int index, std::string_view text) {
  Check(sqlite3_bind_text64(stmt_, index, NonNull(text), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8));
  return *this;
}

Statement& Statement::BindUncopied(int index, std::string_view text) {
  Check(sqlite3_bind_text64(stmt_, index, NonNull(text), text.size(), SQLITE_STATIC, SQLITE_UTF8));
  return *this;
}

Statement& Statement::BindBlob(int index, std::string_view bytes) {
  // A zero-length blob with a null pointer would bind NULL instead.
  if (bytes.empty()) {
    Check(sqlite3_bind_zeroblob(stmt_, index, 0));
  } else {
    Check(sqlite3_bind_blob64(stmt_, index, bytes.data(), bytes.size(), SQLITE_TRANSIENT));
  }
  return *this;
}

Statement& Statement::BindNull(int index) {
  Check(sqlite3_bind_null(stmt_, index));
  return *this;
}

Statement& Statement::BindIdOrNull(int index, int64_t id) {
  return id == 0 ? BindNull(index) : Bind(index, id);
}

Result<bool> Statement::Step() {
  if (bind_error_ != SQLITE_OK) return ErrorStatus(nullptr, bind_error_);
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return ErrorStatus(db_, rc);
}

Status Statement::Run() {
  for (;;) {
    CHANCERY_ASSIGN_OR_RETURN(const bool row, Step());
    if (!row) return Status::Ok();
  }
}

std::string Statement::Text(int column) const { return std::string(TextView(column)); }

std::string_view Statement::TextView(int column) const {
  const auto* p = sqlite3_column_text(stmt_, column);
  const int n = sqlite3_column_bytes(stmt_, column);
  return p == nullptr ? std::string_view() : std::string_view(reinterpret_cast<const char*>(p), n);
}

std::string Statement::Blob(int column) const {
  const void* p = sqlite3_column_blob(stmt_, column);
  const int n = sqlite3_column_bytes(stmt_, column);
  return p == nullptr ? std::string() : std::string(static_cast<const char*>(p), n);
}

void Statement::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  bind_error_ = SQLITE_OK;
}

// ---- StatementLease -------------------------------------------------------------

StatementLease::StatementLease(StatementLease&& other) noexcept
    : stmt_(other.stmt_), in_use_(other.in_use_), owned_(std::move(other.owned_)) {
  other.stmt_ = nullptr;
  other.in_use_ = nullptr;
}

StatementLease::~StatementLease() {
  if (stmt_ == nullptr) return;
  stmt_->Reset();
  if (in_use_ != nullptr) *in_use_ = false;
}

// ---- Connection -----------------------------------------------------------------

Result<std::unique_ptr<Connection>> Connection::Open(const ConnectionOptions& options) {
  // SQLite's memory statistics (sqlite3_memory_used) take a global mutex
  // around every allocation it makes, some hundreds per page; nothing here
  // reads them. The setting applies only before SQLite initialises: later
  // it is refused, harmlessly.
  static const int kNoMemoryStatistics = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  (void)kNoMemoryStatistics;
  // NOMUTEX: each connection is used by one thread at a time (the store's
  // own locking guarantees it), so SQLite's per-call mutex is wasted work.
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI;
  if (options.create) flags |= SQLITE_OPEN_CREATE;
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(options.path.c_str(), &raw, flags, nullptr);
  if (rc != SQLITE_OK) {
    Status status = raw != nullptr ? ErrorStatus(raw, rc) : Status::IoError(sqlite3_errstr(rc));
    sqlite3_close(raw);
    return status.WithContext("open database '" + options.path + "'");
  }
  std::unique_ptr<Connection> db(new Connection(raw));
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, options.busy_timeout_ms);
  Status status = db->ExecScript("PRAGMA foreign_keys = ON;");
  if (status.ok() && options.query_only) status = db->ExecScript("PRAGMA query_only = ON;");
  if (status.ok() && options.cache_kib > 0)
    status = db->ExecScript("PRAGMA cache_size = -" + std::to_string(options.cache_kib) + ";");
  if (!status.ok()) return status.WithContext("configure connection to '" + options.path + "'");
  return db;
}

Connection::~Connection() {
  cache_.clear();  // statements must be finalized before the handle closes
  sqlite3_close(db_);
}

Result<std::unique_ptr<Statement>> Connection::PrepareUncached(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  const int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                                    &stmt, nullptr);
  if (rc != SQLITE_OK) return ErrorStatus(db_, rc);
  if (stmt == nullptr) return Status::Internal("empty SQL statement");
  return std::make_unique<Statement>(db_, stmt);
}

Result<StatementLease> Connection::Prepare(std::string_view sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    CHANCERY_ASSIGN_OR_RETURN(auto stmt, PrepareUncached(sql));
    it = cache_.emplace(std::string(sql), CachedStatement{std::move(stmt), false}).first;
  }
  CachedStatement& slot = it->second;
  if (slot.in_use) {
    // The same query is already running further up the stack; a second
    // handle keeps the outer one's cursor intact.
    CHANCERY_ASSIGN_OR_RETURN(auto stmt, PrepareUncached(sql));
    return StatementLease(std::move(stmt));
  }
  slot.in_use = true;
  return StatementLease(slot.statement.get(), &slot.in_use);
}

Status Connection::ExecScript(std::string_view sql) {
  const std::string text(sql);  // sqlite3_exec wants a terminated string
  char* error = nullptr;
  const int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &error);
  if (rc == SQLITE_OK) return Status::Ok();
  Status status = ErrorStatus(db_, rc);
  sqlite3_free(error);
  return status;
}

Status Connection::Exec(std::string_view sql) {
  CHANCERY_ASSIGN_OR_RETURN(StatementLease stmt, Prepare(sql));
  return stmt->Run();
}

Result<int64_t> Connection::QueryInt(std::string_view sql) {
  CHANCERY_ASSIGN_OR_RETURN(StatementLease stmt, Prepare(sql));
  CHANCERY_ASSIGN_OR_RETURN(const bool row, stmt->Step());
  if (!row) return Status::Internal("query returned no row: " + std::string(sql));
  return stmt->Int64(0);
}

// ---- Transaction ----------------------------------------------------------------

Result<Transaction> Transaction::Begin(Connection& db, Kind kind) {
  // A read on a connection already in a transaction (a pinned snapshot,
  // Store::PinReads) is part of that one: it neither begins nor ends it.
  if (kind == Kind::kRead && !db.InAutocommit()) return Transaction(&db, /*joined=*/true);
  CHANCERY_RETURN_IF_ERROR(db.Exec(kind == Kind::kWrite ? "BEGIN IMMEDIATE" : "BEGIN"));
  return Transaction(&db, /*joined=*/false);
}

Transaction::~Transaction() {
  // Some errors (I/O, out of memory) already rolled the transaction back.
  if (db_ != nullptr && !joined_ && !db_->InAutocommit()) (void)db_->Exec("ROLLBACK");
}

Status Transaction::Commit() {
  if (db_ == nullptr) return Status::Internal("transaction committed twice");
  if (joined_) {
    db_ = nullptr;
    return Status::Ok();
  }
  Status status = db_->Exec("COMMIT");
  // A failed COMMIT (e.g. BUSY) leaves the transaction open; the destructor
  // then rolls it back.
  if (status.ok()) db_ = nullptr;
  return status;
}

}  // namespace chancery::store::sqlite
