// The SQLite Store's change log: what the page cache polls to learn which
// pages went stale, whoever wrote. Triggers fill it (0007_changes.sql); this
// file only reads it, prunes it, and says when the next scheduled article
// comes due.
//
// Gaps: each scope keeps only its newest row, so ids have holes that lose
// nothing. What loses something is a row deleted while still its scope's
// newest (a prune); a trigger keeps the highest such id in changes_pruned,
// and a reader positioned before it has a gap.
#include <sqlite3.h>

#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>

#include "store/sqlite/store_impl.h"

namespace chancery::store::sqlite {
namespace {

constexpr int kMaxChangeRows = 10000;

template <typename T>
Result<T> Context(Result<T> result, std::string_view context) {
  if (!result.ok()) return result.status().WithContext(std::string(context));
  return result;
}

}  // namespace

Result<ChangeBatch> SqliteStore::ReadChanges(int64_t after_id, int limit) {
  const std::string context = "read changes after " + std::to_string(after_id);
  if (after_id < 0) return Status::InvalidArgument(context + ": the position must be >= 0");
  if (limit < 1 || limit > kMaxChangeRows) {
    return Status::InvalidArgument(context + ": limit must be 1.." + std::to_string(kMaxChangeRows) +
                                   ", got " + std::to_string(limit));
  }
  return Context(
      Read([&](Connection& db) -> Result<ChangeBatch> {
        // One snapshot for the prune mark, the sequence and the rows.
        CHANCERY_ASSIGN_OR_RETURN(Transaction tx, Transaction::Begin(db, Transaction::Kind::kRead));
        int64_t pruned_through = 0;
        int64_t newest_ever = 0;
        {
          // sqlite_sequence has no row for the log until its first insert.
          CHANCERY_ASSIGN_OR_RETURN(
              StatementLease marks,
              db.Prepare("SELECT (SELECT through_id FROM changes_pruned),"
                         " coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'changes'), 0)"));
          CHANCERY_ASSIGN_OR_RETURN(const bool row, marks->Step());
          if (!row) return Status::Internal("the prune mark query gave no row");
          pruned_through = marks->Int64(0);
          newest_ever = marks->Int64(1);
        }
        ChangeBatch batch;
        batch.last_id = after_id;
        if (after_id > newest_ever) {
          // Ids never go back on one database: this is another one
          // (restored from a backup, or made anew).
          batch.gap = true;
          batch.last_id = newest_ever;
          CHANCERY_RETURN_IF_ERROR(tx.Commit());
          return batch;
        }
        batch.gap = after_id > 0 && after_id < pruned_through;
        CHANCERY_ASSIGN_OR_RETURN(
            StatementLease rows,
            db.Prepare("SELECT id, scope FROM changes WHERE id > ?1 ORDER BY id LIMIT ?2"));
        rows->Bind(1, after_id).Bind(2, limit);
        std::unordered_set<std::string> seen;
        for (;;) {
          CHANCERY_ASSIGN_OR_RETURN(const bool row, rows->Step());
          if (!row) break;
          batch.last_id = rows->Int64(0);
          std::string scope = rows->Text(1);
          if (seen.insert(scope).second) batch.scopes.push_back(std::move(scope));
        }
        rows->Reset();
        CHANCERY_RETURN_IF_ERROR(tx.Commit());
        return batch;
      }),
      context);
}

Result<int64_t> SqliteStore::LastChangeId() {
  return Context(Read([&](Connection& db) -> Result<int64_t> {
                   return db.QueryInt("SELECT coalesce(max(id), 0) FROM changes");
                 }),
                 "read the last change id");
}

Result<int64_t> SqliteStore::ScopeChangeMark(std::string_view scope) {
  return Context(Read([&](Connection& db) -> Result<int64_t> {
                   CHANCERY_ASSIGN_OR_RETURN(
                       StatementLease stmt,
                       db.Prepare("SELECT max(coalesce((SELECT max(id) FROM changes WHERE scope = ?1), 0),"
                                  " coalesce((SELECT through_id FROM changes_pruned), 0))"));
                   stmt->Bind(1, scope);
                   CHANCERY_ASSIGN_OR_RETURN(const bool row, stmt->Step());
                   return row ? stmt->Int64(0) : int64_t{0};
                 }),
                 "read the change mark of scope " + std::string(scope));
}

Result<int64_t> SqliteStore::PruneChanges(int64_t before_at) {
  // One statement, so it needs no transaction of its own; the prune mark is
  // the trigger's to keep.
  return Context(
      Write([&](Connection& db) -> Result<int64_t> {
        CHANCERY_ASSIGN_OR_RETURN(
            StatementLease stmt,
            db.Prepare("DELETE FROM changes WHERE at < ?1 AND id < (SELECT max(id) FROM changes)"));
        stmt->Bind(1, before_at);
        CHANCERY_RETURN_IF_ERROR(stmt->Run());
        // Counts this statement's rows only, not the trigger's.
        return static_cast<int64_t>(sqlite3_changes64(db.raw()));
      }),
      "prune changes before " + std::to_string(before_at));
}

Result<std::optional<int64_t>> SqliteStore::NextPublication(int64_t now) {
  return Context(Read([&](Connection& db) -> Result<std::optional<int64_t>> {
                   // The visibility term matches articles_visible_newest's WHERE, so
                   // this is one step into that index.
                   CHANCERY_ASSIGN_OR_RETURN(
                       StatementLease stmt,
                       db.Prepare("SELECT min(a.published_at) FROM articles a"
                                  " WHERE a.status IN ('published', 'scheduled') AND a.published_at > ?1"));
                   stmt->Bind(1, now);
                   CHANCERY_ASSIGN_OR_RETURN(const bool row, stmt->Step());
                   if (!row || stmt->IsNull(0)) return std::optional<int64_t>();
                   return std::optional<int64_t>(stmt->Int64(0));
                 }),
                 "find the next publication after " + std::to_string(now));
}

}  // namespace chancery::store::sqlite
