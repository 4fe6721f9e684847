// Test support: SQLite's plan for a statement, for tests that hold a query to
// its index. Header-only; the test links chancery_store.
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"
#include "store/sqlite/db.h"

namespace chancery::test_support {

// The detail column of EXPLAIN QUERY PLAN for `sql`, one line per step in
// SQLite's order ("SEARCH a USING INDEX ...\n...").
inline Result<std::string> QueryPlan(store::sqlite::Connection& db, std::string_view sql) {
  auto stmt = db.Prepare("EXPLAIN QUERY PLAN " + std::string(sql));
  if (!stmt.ok()) return stmt.status();
  std::string plan;
  for (;;) {
    auto row = (*stmt)->Step();
    if (!row.ok()) return row.status();
    if (!*row) return plan;
    plan += (*stmt)->Text(3) + "\n";
  }
}

}  // namespace chancery::test_support
