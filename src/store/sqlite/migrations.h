// chancery/store/sqlite: schema migrations for the SQLite backend.
//
// Migrations are the files src/store/migrations/sqlite/NNNN_name.sql, compiled
// into the binary. ApplyMigrations brings a database up to the newest one in a
// single write transaction and records the result in PRAGMA user_version, so
// a database is always at some migration's version and never between two.
// Migration files must not contain BEGIN/COMMIT themselves.
//
// Thread-compatible (works on one Connection); safe against other processes
// migrating the same file at the same time: the write lock is taken before
// the version is read for the last time.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/embedded.h"
#include "base/status.h"
#include "store/sqlite/db.h"

namespace chancery::store::sqlite {

struct Migration {
  int version = 0;       // NNNN from the file name; 1, 2, 3... without gaps
  std::string name;      // the file name without ".sql", e.g. "0001_initial"
  std::string_view sql;  // the script; must outlive the Migration
};

// Parses file names into migrations sorted by version. Fails when a name is
// not NNNN_name.sql or the numbers do not run 1..N without gaps or repeats.
Result<std::vector<Migration>> ParseMigrations(std::span<const EmbeddedFile> files);

// The migrations compiled into this binary.
Result<std::vector<Migration>> BuiltinMigrations();

// Applies the migrations newer than the database's user_version, all in one
// BEGIN IMMEDIATE transaction, and returns the resulting schema version. On
// any failure everything is rolled back and the error names the migration.
// Fails with kUnsupported when the database is newer than the last migration.
// REQUIRES: `migrations` sorted by version, numbered 1..N (ParseMigrations).
Result<int> ApplyMigrations(Connection& db, std::span<const Migration> migrations);

}  // namespace chancery::store::sqlite
