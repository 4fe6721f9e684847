// chancery/store/sqlite: group commit — concurrent writes share one
// transaction and one fsync. Internal to the SQLite backend.
//
// The store's writer runs with synchronous = FULL, so every COMMIT waits for
// the WAL to reach the disk: an fsync, a fraction of a millisecond on an idle
// SSD and several on a busy one. Committed one by one, writes could never go
// faster than the disk syncs, however little work each does. GroupCommit
// queues the writes of concurrent threads. The thread at the head of the
// queue (the leader) takes the connection, runs every queued write inside one
// BEGIN IMMEDIATE ... COMMIT, each in its own SAVEPOINT, commits once, and
// wakes each waiting thread with its own outcome. Writes that arrive while a
// batch commits form the next batch, so batches grow exactly when the disk is
// the bottleneck, and a lone write is never held back waiting for company.
//
// A caller sees what it saw when each write committed alone:
//  - Run returns only after the COMMIT of the transaction holding the write's
//    changes has returned, so they are as durable as the connection's
//    synchronous setting makes a commit;
//  - a write whose function fails has its savepoint rolled back: its changes
//    are undone and the other writes of the batch are kept;
//  - when the COMMIT fails, every write of the batch gets that error and none
//    of their changes is kept;
//  - an error after which SQLite rolls back the whole transaction (an I/O
//    error, a full disk, out of memory) undoes the writes that ran before it
//    in the batch: they get kUnavailable ("try again") and nothing of theirs
//    is kept; the writes after it run in a fresh transaction.
// Writes run one at a time in arrival order, and each sees the changes of
// those before it, as with a mutex. An exception thrown by a write's function
// rolls its savepoint back and is rethrown in the thread that called Run.
//
// Thread-safe.
#pragma once

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <mutex>
#include <type_traits>
#include <utility>
#include <vector>

#include "base/status.h"
#include "store/sqlite/db.h"

namespace chancery::store::sqlite {

class GroupCommit {
 public:
  // The most writes one transaction holds: bounds how long a batch keeps the
  // writer, and so the latency of the writes queued behind it.
  static constexpr int kDefaultMaxBatch = 128;

  // Writes run on `db` while holding `db_mutex`, which must guard every other
  // use of `db` too. Both must outlive this object. REQUIRES: max_batch >= 1.
  GroupCommit(Connection& db, std::mutex& db_mutex, int max_batch = kDefaultMaxBatch)
      : db_(db), db_mutex_(db_mutex), max_batch_(static_cast<size_t>(std::max(max_batch, 1))) {}
  GroupCommit(const GroupCommit&) = delete;
  GroupCommit& operator=(const GroupCommit&) = delete;

  // Runs work(db) as one write of a batch, on whichever thread leads it, and
  // returns once that batch has committed or failed. `work` returns Ok to
  // keep its changes or an error to undo them. Returns Ok when work succeeded
  // and its changes committed; work's own error when it failed; otherwise the
  // error that kept its changes from committing (work may then not have run).
  // REQUIRES: work neither begins nor ends a transaction, and does nothing
  // that takes db_mutex or calls Run.
  template <typename F>
  Status Run(F&& work) {
    using Work = std::remove_reference_t<F>;
    Pending me;
    me.work = const_cast<void*>(static_cast<const void*>(&work));
    me.call = [](void* w, Connection& db) -> Status { return (*static_cast<Work*>(w))(db); };
    Status status = Enqueue(me);
    if (me.thrown) std::rethrow_exception(me.thrown);
    return status;
  }

  // Transactions committed and writes they held, since construction.
  int64_t commits() const { return commits_.load(std::memory_order_relaxed); }
  int64_t writes_committed() const { return writes_committed_.load(std::memory_order_relaxed); }
  // Writes queued now, the running batch's included.
  size_t queued() {
    std::lock_guard lock(queue_mutex_);
    return queue_.size();
  }

 private:
  // One caller's write, on the caller's stack until it is done.
  struct Pending {
    Status (*call)(void* work, Connection& db) = nullptr;
    void* work = nullptr;
    Status status;              // set by the leader
    std::exception_ptr thrown;  // set by the leader when work threw
    bool done = false;          // guarded by queue_mutex_
    std::condition_variable wake;
  };

  // Waits until `me` is done, or leads the batch it heads.
  Status Enqueue(Pending& me) {
    std::unique_lock lock(queue_mutex_);
    queue_.push_back(&me);
    me.wake.wait(lock, [&] { return me.done || queue_.front() == &me; });
    if (me.done) return std::move(me.status);

    // The head of the queue leads: it takes what is queued now; later
    // arrivals wait for the next batch. Only the head can lead, and it stays
    // queued until its batch is done, so batches never overlap.
    const size_t n = std::min(queue_.size(), max_batch_);
    bool failed = false;
    try {
      const std::vector<Pending*> batch(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
      lock.unlock();
      RunBatch(batch);
    } catch (...) {
      // Only the batch's own bookkeeping can throw (out of memory); whatever
      // happened, no follower may be left waiting.
      failed = true;
    }
    if (!lock.owns_lock()) lock.lock();
    for (size_t i = 0; i < n; ++i) {
      Pending* p = queue_.front();
      queue_.pop_front();
      if (failed) p->status = Status::Internal("group commit failed part-way through a batch");
      p->done = true;
      // Notified under the lock: a follower cannot return (and destroy its
      // Pending) before this call is over.
      if (p != &me) p->wake.notify_one();
    }
    if (!queue_.empty()) queue_.front()->wake.notify_one();  // the next leader
    return std::move(me.status);
  }

  void RunBatch(const std::vector<Pending*>& batch) {
    std::lock_guard db_lock(db_mutex_);
    size_t next = 0;
    while (next < batch.size()) {
      auto tx = Transaction::Begin(db_, Transaction::Kind::kWrite);
      if (!tx.ok()) {
        for (; next < batch.size(); ++next) batch[next]->status = tx.status();
        return;
      }
      std::vector<Pending*> kept;
      bool rolled_back = false;
      while (next < batch.size() && !rolled_back) {
        Pending* p = batch[next++];
        p->status = RunOne(*p);
        if (db_.InAutocommit()) {
          // SQLite ended the transaction: everything kept so far is gone.
          rolled_back = true;
          for (Pending* k : kept) k->status = RolledBack();
          if (p->status.ok()) p->status = RolledBack();
        } else if (p->status.ok()) {
          kept.push_back(p);
        }
      }
      if (rolled_back) continue;   // the rest in a fresh transaction
      if (kept.empty()) continue;  // nothing to commit; ~Transaction rolls back
      Status committed = tx->Commit();
      if (!committed.ok()) {
        for (Pending* k : kept) k->status = committed;
        continue;
      }
      commits_.fetch_add(1, std::memory_order_relaxed);
      writes_committed_.fetch_add(static_cast<int64_t>(kept.size()), std::memory_order_relaxed);
    }
  }

  // Runs one write inside its own savepoint; undoes it when it fails.
  Status RunOne(Pending& p) {
    CHANCERY_RETURN_IF_ERROR(db_.Exec("SAVEPOINT chancery_group_write"));
    Status status;
    try {
      status = p.call(p.work, db_);
    } catch (...) {
      p.thrown = std::current_exception();
      status = Status::Internal("a write threw an exception");
    }
    if (db_.InAutocommit()) return status;  // the caller sees the rollback
    if (status.ok()) {
      status = db_.Exec("RELEASE chancery_group_write");
      if (status.ok()) return status;
    }
    // ROLLBACK TO keeps the savepoint open; RELEASE then drops it. If that
    // fails the write's changes could survive in the batch, so the whole
    // transaction goes (and the caller sees it).
    if (!db_.Exec("ROLLBACK TO chancery_group_write").ok() ||
        !db_.Exec("RELEASE chancery_group_write").ok()) {
      (void)db_.Exec("ROLLBACK");
    }
    return status;
  }

  static Status RolledBack() {
    return Status::Unavailable(
        "the write was rolled back with the transaction it shared, after another write in it failed; "
        "try again");
  }

  Connection& db_;
  std::mutex& db_mutex_;
  const size_t max_batch_;

  std::mutex queue_mutex_;
  std::deque<Pending*> queue_;  // guarded by queue_mutex_; the head leads

  std::atomic<int64_t> commits_{0};
  std::atomic<int64_t> writes_committed_{0};
};

}  // namespace chancery::store::sqlite
