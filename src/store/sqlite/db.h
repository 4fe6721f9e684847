// chancery/store/sqlite: a thin RAII layer over the SQLite C API, internal to
// the store module — start with Connection.
//
// Connection owns one sqlite3* and a cache of prepared statements; Statement
// owns one sqlite3_stmt*. Both are non-copyable. Values only ever reach SQL as
// bound parameters. Errors come back as Status values carrying SQLite's
// message, never as exceptions.
//
// Thread-compatible: a Connection (and every statement it hands out) must be
// used by one thread at a time; the caller provides the locking.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "base/status.h"

namespace chancery::store::sqlite {

// Maps an SQLite result code to a Status: UNIQUE/PRIMARY KEY violations become
// kAlreadyExists, other constraint failures kInvalidArgument, BUSY/LOCKED
// kUnavailable, CORRUPT/NOTADB kCorruption, the rest kIoError. The message is
// SQLite's own (sqlite3_errmsg when `db` is given).
Status ErrorStatus(sqlite3* db, int rc);

class Statement {
 public:
  // Takes ownership of `stmt`, which was prepared on `db`.
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement() { sqlite3_finalize(stmt_); }

  // Parameters are 1-based, as in SQLite. Text and blobs are copied, so the
  // arguments need not outlive the call.
  Statement& Bind(int index, int64_t value);
  Statement& Bind(int index, int value) { return Bind(index, static_cast<int64_t>(value)); }
  Statement& Bind(int index, std::string_view text);
  // Text bound without a copy, for a query that binds many strings it
  // holds anyway: `text` must stay valid and unchanged until the parameter
  // is bound again or the statement is reset (Reset, or the end of its
  // StatementLease), whichever comes first.
  Statement& BindUncopied(int index, std::string_view text);
  Statement& Bind(int index, const char* text) { return Bind(index, std::string_view(text)); }
  Statement& Bind(int index, const std::string& text) { return Bind(index, std::string_view(text)); }
  Statement& BindBlob(int index, std::string_view bytes);
  Statement& BindNull(int index);
  // Binds NULL for 0, the id otherwise: how optional foreign keys are stored.
  Statement& BindIdOrNull(int index, int64_t id);

  // Advances to the next row: true on a row, false when done. A bind error
  // recorded earlier is reported here.
  Result<bool> Step();
  // Steps a statement that returns no rows (or whose rows do not matter).
  Status Run();

  // Column accessors for the current row; 0-based.
  int64_t Int64(int column) const { return sqlite3_column_int64(stmt_, column); }
  int Int(int column) const { return sqlite3_column_int(stmt_, column); }
  std::string Text(int column) const;
  // The column's text in SQLite's own memory, valid until the next Step,
  // Reset or accessor call on this column: for text parsed, not kept.
  std::string_view TextView(int column) const;
  std::string Blob(int column) const;
  bool IsNull(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }

  // Makes the statement ready to run again with fresh bindings; also ends
  // any read snapshot it held open.
  void Reset();

 private:
  void Check(int rc);

  sqlite3* db_;
  sqlite3_stmt* stmt_;
  int bind_error_ = SQLITE_OK;  // first failed bind, reported by Step
};

class Connection;

// A statement borrowed from a Connection's cache; resets it when dropped so
// no half-read statement keeps a snapshot open. Move-only.
class StatementLease {
 public:
  StatementLease(StatementLease&& other) noexcept;
  StatementLease& operator=(StatementLease&&) = delete;
  StatementLease(const StatementLease&) = delete;
  ~StatementLease();

  Statement* operator->() const { return stmt_; }
  Statement& operator*() const { return *stmt_; }

 private:
  friend class Connection;
  StatementLease(Statement* cached, bool* in_use) : stmt_(cached), in_use_(in_use) {}
  explicit StatementLease(std::unique_ptr<Statement> owned) : stmt_(owned.get()), owned_(std::move(owned)) {}

  Statement* stmt_;
  bool* in_use_ = nullptr;            // the cache slot's flag, when cached
  std::unique_ptr<Statement> owned_;  // set when the cached one was busy
};

// How a Connection is opened.
struct ConnectionOptions {
  // A file path, ":memory:", or a "file:" URI.
  std::string path;
  // Create the file when it does not exist.
  bool create = true;
  // Milliseconds to wait for a lock held elsewhere before failing with BUSY.
  int busy_timeout_ms = 5000;
  // Refuse writes on this connection (PRAGMA query_only), for reader pools.
  bool query_only = false;
  // The connection's page cache in KiB (PRAGMA cache_size = -N); 0 keeps
  // SQLite's default (2 MiB).
  int cache_kib = 0;
};

class Connection {
 public:
  // Opens the database with foreign keys on and extended result codes. Does
  // not change the journal mode: that is a property of the file, set once by
  // whoever creates it.
  static Result<std::unique_ptr<Connection>> Open(const ConnectionOptions& options);

  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection();

  // Returns a ready statement for `sql`, prepared once per connection and
  // cached. `sql` must be one statement of trusted text (a constant in the
  // code); values go in through Bind.
  Result<StatementLease> Prepare(std::string_view sql);

  // Runs trusted SQL text that may hold several statements (migrations,
  // pragmas). Never pass it anything built from input.
  Status ExecScript(std::string_view sql);

  // Runs one trusted statement that returns no rows through the statement
  // cache, so it is parsed once per connection: for the statements run on
  // every request (BEGIN, COMMIT, SAVEPOINT).
  Status Exec(std::string_view sql);

  // Runs a single-value query such as "PRAGMA user_version".
  Result<int64_t> QueryInt(std::string_view sql);

  // True when no transaction is open (SQLite's autocommit mode).
  bool InAutocommit() const { return sqlite3_get_autocommit(db_) != 0; }

  sqlite3* raw() const { return db_; }

 private:
  explicit Connection(sqlite3* db) : db_(db) {}

  struct CachedStatement {
    std::unique_ptr<Statement> statement;
    bool in_use = false;
  };

  Result<std::unique_ptr<Statement>> PrepareUncached(std::string_view sql);

  // Looks statements up by their text without copying it into a string.
  // Hashes the length and four 8-byte samples (the start, a third and two
  // thirds in, the end) rather than every byte: the texts are a few hundred
  // bytes long, are looked up on every query, and two different ones of
  // the same length that agree at all four samples only share a bucket,
  // where equality tells them apart.
  struct TextHash {
    using is_transparent = void;
    size_t operator()(std::string_view text) const {
      const size_t n = text.size();
      uint64_t h = n * 0x9e3779b97f4a7c15ull;
      auto mix = [&h](uint64_t word) {
        h = (h ^ word) * 0xff51afd7ed558ccdull;
        h ^= h >> 29;
      };
      if (n < 8) {
        uint64_t word = 0;
        std::memcpy(&word, text.data(), n);
        mix(word);
        return static_cast<size_t>(h);
      }
      for (const size_t at : {size_t{0}, (n - 8) / 3, (n - 8) * 2 / 3, n - 8}) {
        uint64_t word;
        std::memcpy(&word, text.data() + at, 8);
        mix(word);
      }
      return static_cast<size_t>(h);
    }
  };

  sqlite3* db_;
  std::unordered_map<std::string, CachedStatement, TextHash, std::equal_to<>> cache_;
};

// An open transaction on a Connection that rolls back unless committed.
class Transaction {
 public:
  enum class Kind {
    kRead,   // BEGIN (deferred): a consistent snapshot for several queries;
             // joins the transaction the connection is already in, if any
    kWrite,  // BEGIN IMMEDIATE: takes the write lock now, so it cannot fail
             // with BUSY half-way through
  };
  static Result<Transaction> Begin(Connection& db, Kind kind);

  Transaction(Transaction&& other) noexcept : db_(other.db_), joined_(other.joined_) { other.db_ = nullptr; }
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  ~Transaction();

  Status Commit();

 private:
  Transaction(Connection* db, bool joined) : db_(db), joined_(joined) {}
  Connection* db_;  // null once committed or rolled back
  bool joined_;     // part of a transaction begun by someone else
};

}  // namespace chancery::store::sqlite
