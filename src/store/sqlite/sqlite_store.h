// chancery/store/sqlite: the SQLite implementation of Store. Callers use
// Store::Open; this header is for store.cc and the backend's own tests.
//
// One writer connection behind a mutex serves every write, with
// synchronous = FULL (a write returns once it is on disk); concurrent write
// transactions share a commit and its fsync (group_commit.h). Reads take a
// connection from a bounded pool, and in WAL mode never wait for the writer.
// An in-memory database has a single connection for both, since separate
// connections to ":memory:" would be separate databases. Thread-safe.
#pragma once

#include <memory>
#include <string>

#include "base/status.h"
#include "store/store.h"

namespace chancery::store::sqlite {

struct SqliteStoreOptions {
  // The database file, created when missing; ignored when in_memory.
  std::string path;
  // A private database that lives as long as the Store.
  bool in_memory = false;
  // How long a connection waits for a lock held elsewhere.
  int busy_timeout_ms = 5000;
  // At most this many reader connections are open at once; further readers
  // wait for one to come free.
  int max_readers = 8;
};

// Opens the database and applies this binary's migrations (see migrations.h).
Result<std::unique_ptr<Store>> OpenSqliteStore(const SqliteStoreOptions& options);

}  // namespace chancery::store::sqlite
