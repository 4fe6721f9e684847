// chancery/app: the insight layer over a site's archive — the gazetteer in
// effect (the built-in data with the editors' edits replayed), and the
// background reader that keeps every article's analysis current.
//
//   auto service = InsightService::Create(store);   // loads the gazetteer
//   (*service)->Start();                            // reads in the background
//   ... an editor adds an alias: (*service)->Rebuild();
//
// The reader runs on its own thread, one article at a time: every ~2 s (at
// once after Notify or Rebuild) it asks the store which articles need
// reading (new, updated since, or read with another gazetteer version),
// analyses them and stores their ArticleInsight. Publishing from the editor,
// an import by another process and a scheduled article are all picked up
// that way; no request waits for it. The destructor stops it promptly.
//
// Thread-safe: Rebuild, Notify and the accessors may be called from any
// thread while the reader runs.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "base/status.h"
#include "insight/insight.h"
#include "store/store.h"

namespace chancery::app {

// One article read: what goes into the store, and how much text it was.
struct ArticleReading {
  store::ArticleInsight insight;
  int sentences = 0;
};

// Analyses `article` (its plain text, paragraphs blank-line separated, with
// the year it was published, or last changed for a draft) into the record
// the store keeps. kInvalidArgument when the engine refuses the text (over
// 8 MiB, invalid UTF-8).
Result<ArticleReading> ReadArticle(const insight::Analyzer& analyzer, const store::Article& article,
                                   const std::string& gazetteer_version, int64_t now);

struct InsightServiceOptions {
  // How often the reader asks the store for work when nothing wakes it.
  std::chrono::milliseconds poll_interval{2000};
  // Articles asked for at a time (ListArticlesNeedingInsight's limit).
  int batch = 20;
};

class InsightService {
 public:
  // Loads the built-in gazetteer and replays the store's edits (an edit that
  // no longer applies is logged and skipped). Fails only when the built-in
  // data cannot be loaded or the edits cannot be read. `store` must outlive
  // the service. The reader does not run until Start().
  static Result<std::unique_ptr<InsightService>> Create(store::Store& store, InsightServiceOptions options = {});
  ~InsightService();
  InsightService(const InsightService&) = delete;
  InsightService& operator=(const InsightService&) = delete;

  // Starts the background reader; a second call does nothing.
  void Start();
  // Wakes the reader now (e.g. after a save) instead of at its next tick.
  void Notify();

  // Builds the gazetteer again from the built-in data and the store's edits
  // (after an editor's change), then wakes the reader: the new version makes
  // every article stale. On error the gazetteer in effect is kept.
  Status Rebuild();

  // The gazetteer in effect; never null. Immutable: share it freely.
  std::shared_ptr<const insight::Gazetteer> gazetteer() const;
  // The analyzer compiled from it.
  std::shared_ptr<const insight::Analyzer> analyzer() const;
  // "<hash of the built-in data and the edits>.e<last edit id>": stored with
  // every analysis, so a change of data or edits shows which are stale.
  std::string version() const;

  // Reads one article now with the gazetteer in effect and stores its
  // analysis, on the calling thread (`chancery analyze --all`). nullopt when
  // the article is gone or in the trash. When the engine refuses the text
  // (kInvalidArgument), an empty analysis is stored so the reader does not
  // retry it until the article changes, and the error is returned.
  Result<std::optional<ArticleReading>> Read(int64_t article_id);

  // Reads the articles that need it now, on the calling thread, until none
  // is left or `max_articles` were read; returns how many were stored. An
  // article the engine refuses counts as read. For tests.
  Result<int> CatchUp(int max_articles);

 private:
  struct Snapshot {
    std::shared_ptr<const insight::Gazetteer> gazetteer;
    std::shared_ptr<const insight::Analyzer> analyzer;
    std::string version;
  };

  InsightService(store::Store& store, InsightServiceOptions options, insight::Gazetteer builtin,
                 uint64_t builtin_hash);
  Result<Snapshot> Build() const;
  Snapshot Current() const;
  Result<std::optional<ArticleReading>> ReadOne(int64_t article_id, const Snapshot& snapshot);
  void Loop();

  store::Store& store_;
  const InsightServiceOptions options_;
  const insight::Gazetteer builtin_;  // the compiled-in data, parsed once
  const uint64_t builtin_hash_;

  std::mutex rebuild_mutex_;  // one Rebuild at a time
  mutable std::mutex mutex_;
  Snapshot current_;  // guarded by mutex_

  std::mutex wake_mutex_;
  std::condition_variable wake_;
  bool stop_ = false;   // guarded by wake_mutex_
  bool woken_ = false;  // guarded by wake_mutex_
  std::thread thread_;
};

}  // namespace chancery::app
