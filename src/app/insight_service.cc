#include "app/insight_service.h"

#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <unistd.h>

#include <fmt/format.h>

#include <string_view>
#include <utility>
#include <vector>

#include "admin/actors.h"
#include "app/cli_common.h"
#include "base/time.h"

namespace chancery::app {
namespace {

// FNV-1a, 64 bits: a stable fingerprint of the gazetteer's data (not a
// security measure; it only has to change when the data does).
class Fingerprint {
 public:
  void Add(std::string_view text) {
    for (unsigned char c : text) Byte(c);
    Byte(0x1f);  // a separator, so ("ab","c") and ("a","bc") differ
  }
  void Add(int64_t n) { Add(std::string_view(std::to_string(n))); }
  void Add(double d) { Add(std::string_view(fmt::format("{}", d))); }
  uint64_t value() const { return hash_; }

 private:
  void Byte(unsigned char c) {
    hash_ ^= c;
    hash_ *= 0x100000001b3ULL;
  }
  uint64_t hash_ = 0xcbf29ce484222325ULL;
};

uint64_t HashOf(const insight::Gazetteer& g) {
  Fingerprint f;
  for (const insight::Actor& a : g.actors()) {
    f.Add(a.id);
    f.Add(a.name);
    f.Add(insight::KindName(a.kind));
    f.Add(a.country);
    f.Add(static_cast<int64_t>(a.historical) * 2 + static_cast<int64_t>(a.person_first));
    for (const insight::ActorName& n : a.names) {
      f.Add(n.text);
      f.Add(static_cast<int64_t>(n.form) * 2 + static_cast<int64_t>(n.ambiguous));
    }
    for (const insight::Office& o : a.offices) {
      f.Add(o.country);
      f.Add(o.title);
      f.Add(static_cast<int64_t>(o.from));
      f.Add(static_cast<int64_t>(o.to));
    }
  }
  for (const insight::Place& p : g.places()) {
    f.Add(p.name);
    f.Add(p.country);
    for (const std::string& alias : p.aliases) f.Add(alias);
  }
  for (const std::string& c : g.compounds()) f.Add(c);
  for (const insight::Cue& c : g.cues()) {
    f.Add(c.phrase);
    f.Add(c.weight);
  }
  for (const insight::Modifier& m : g.modifiers()) {
    f.Add(m.phrase);
    f.Add(static_cast<int64_t>(m.kind));
  }
  return f.value();
}

// The year an article speaks from, for the offices people held: when it was
// published, or for a draft when it was last changed.
int YearOf(const store::Article& article) {
  for (int64_t t : {article.published_at, article.updated_at, article.created_at})
    if (t > 0) return ToCivil(t).year;
  return 0;
}

// The reader's thread yields to the request threads on a busy machine.
void LowerThisThreadsPriority() {
  if (setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), 10) != 0)
    spdlog::debug("insight: could not lower the reader's priority");
}

}  // namespace

Result<ArticleReading> ReadArticle(const insight::Analyzer& analyzer, const store::Article& article,
                                   const std::string& gazetteer_version, int64_t now) {
  auto analysis = analyzer.Analyze(article.plain_text, {.year = YearOf(article)});
  if (!analysis.ok()) return analysis.status();
  ArticleReading reading;
  store::ArticleInsight& insight = reading.insight;
  insight.article_id = article.id;
  insight.analyzed_at = now;
  insight.article_updated_at = article.updated_at;
  insight.gazetteer_version = gazetteer_version;
  insight.analysis_json = insight::ToJson(*analysis);
  for (const insight::ActorSummary& a : analysis->actors)
    insight.actors.push_back(
        store::InsightActor{a.id, a.name, std::string(insight::KindName(a.kind)), a.country, a.mentions});
  for (const insight::Relation& r : analysis->relations)
    insight.pairs.push_back(store::InsightPair{r.a, r.b, r.tone, r.mentions});
  reading.sentences = analysis->sentences;
  return reading;
}

// ---- The gazetteer in effect ---------------------------------------------------------

Result<std::unique_ptr<InsightService>> InsightService::Create(store::Store& store, InsightServiceOptions options) {
  auto builtin = insight::Gazetteer::Builtin();
  if (!builtin.ok()) return builtin.status().WithContext("loading the built-in gazetteer");
  const uint64_t hash = HashOf(*builtin);
  std::unique_ptr<InsightService> service(new InsightService(store, options, std::move(*builtin), hash));
  auto snapshot = service->Build();
  if (!snapshot.ok()) return snapshot.status();
  service->current_ = std::move(*snapshot);
  return service;
}

InsightService::InsightService(store::Store& store, InsightServiceOptions options, insight::Gazetteer builtin,
                               uint64_t builtin_hash)
    : store_(store), options_(options), builtin_(std::move(builtin)), builtin_hash_(builtin_hash) {}

InsightService::~InsightService() {
  {
    std::lock_guard lock(wake_mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

Result<InsightService::Snapshot> InsightService::Build() const {
  auto edits = store_.ListGazetteerEdits();
  if (!edits.ok()) return edits.status().WithContext("reading the editors' gazetteer edits");
  auto gazetteer = std::make_shared<insight::Gazetteer>(builtin_);
  Fingerprint f;
  f.Add(static_cast<int64_t>(builtin_hash_));
  int64_t last_edit = 0;
  for (const store::GazetteerEdit& edit : *edits) {
    // Every edit counts for the version, applied or not: undoing one that
    // was skipped still changes what the others mean.
    f.Add(edit.id);
    last_edit = edit.id;
    Status applied = admin::ApplyGazetteerEdit(*gazetteer, edit);
    if (!applied.ok())
      spdlog::warn("insight: gazetteer edit {} ({} {}) no longer applies and is skipped: {}", edit.id, edit.action,
                   edit.actor_id, applied.message());
  }
  Snapshot snapshot;
  snapshot.analyzer = std::make_shared<const insight::Analyzer>(*gazetteer);
  snapshot.gazetteer = std::move(gazetteer);
  snapshot.version = fmt::format("{:016x}.e{}", f.value(), last_edit);
  return snapshot;
}

InsightService::Snapshot InsightService::Current() const {
  std::lock_guard lock(mutex_);
  return current_;
}

Status InsightService::Rebuild() {
  std::lock_guard rebuilding(rebuild_mutex_);
  auto snapshot = Build();
  if (!snapshot.ok()) return snapshot.status();
  const std::string version = snapshot->version;
  {
    std::lock_guard lock(mutex_);
    current_ = std::move(*snapshot);
  }
  spdlog::info("insight: gazetteer version {} in effect; the archive will be read again", version);
  Notify();
  return Status::Ok();
}

std::shared_ptr<const insight::Gazetteer> InsightService::gazetteer() const { return Current().gazetteer; }
std::shared_ptr<const insight::Analyzer> InsightService::analyzer() const { return Current().analyzer; }
std::string InsightService::version() const { return Current().version; }

// ---- Reading articles ----------------------------------------------------------------

Result<std::optional<ArticleReading>> InsightService::ReadOne(int64_t article_id, const Snapshot& snapshot) {
  // A change that lands between the read and the save would be hidden by
  // the save; reading the revision again afterwards catches it.
  constexpr int kAttempts = 3;
  std::optional<ArticleReading> last;
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    auto found = store_.FindArticleById(article_id);
    if (!found.ok()) return found.status();
    if (!found->has_value() || (*found)->trashed_at != 0) return std::optional<ArticleReading>();  // gone meanwhile
    const store::EditorialArticle& article = **found;
    auto reading = ReadArticle(*snapshot.analyzer, article.article, snapshot.version, Now());
    Status refused;
    if (!reading.ok()) {
      // Stored empty, so an article the engine refuses is not retried on
      // every tick; a later change of the article reads it again.
      refused = Status::InvalidArgument("article '" + article.article.slug + "': " + reading.status().message());
      ArticleReading empty;
      empty.insight.article_id = article_id;
      empty.insight.analyzed_at = Now();
      empty.insight.article_updated_at = article.article.updated_at;
      empty.insight.gazetteer_version = snapshot.version;
      empty.insight.analysis_json = insight::ToJson(insight::Analysis{});
      reading = std::move(empty);
    }
    Status saved = store_.SaveArticleInsight(reading->insight);
    if (saved.IsNotFound()) return std::optional<ArticleReading>();  // deleted meanwhile
    if (!saved.ok()) return saved;
    if (!refused.ok()) return refused;
    last = std::move(*reading);
    auto again = store_.FindArticleById(article_id);
    if (!again.ok()) return again.status();
    if (!again->has_value() || (*again)->revision == article.revision) break;
  }
  return last;  // after kAttempts, still changing: the next change marks it stale again
}

Result<std::optional<ArticleReading>> InsightService::Read(int64_t article_id) { return ReadOne(article_id, Current()); }

Result<int> InsightService::CatchUp(int max_articles) {
  int read = 0;
  while (read < max_articles) {
    const Snapshot snapshot = Current();
    auto ids = store_.ListArticlesNeedingInsight(snapshot.version, options_.batch);
    if (!ids.ok()) return ids.status();
    if (ids->empty()) break;
    for (int64_t id : *ids) {
      auto reading = ReadOne(id, snapshot);
      if (!reading.ok() && reading.status().code() != Status::Code::kInvalidArgument) return reading.status();
      if (++read >= max_articles) break;
    }
  }
  return read;
}

void InsightService::Start() {
  std::lock_guard lock(wake_mutex_);
  if (thread_.joinable() || stop_) return;
  thread_ = std::thread([this] { Loop(); });
}

void InsightService::Notify() {
  {
    std::lock_guard lock(wake_mutex_);
    woken_ = true;
  }
  wake_.notify_all();
}

void InsightService::Loop() {
  LowerThisThreadsPriority();
  auto stopping = [this] {
    std::lock_guard lock(wake_mutex_);
    return stop_;
  };
  // Nothing is asked of the store while neither the data nor the gazetteer
  // moved since a pass that went through cleanly.
  int64_t seen_data_version = -1;
  std::string seen_version;
  bool clean = false;
  std::string last_error;
  while (!stopping()) {
    const Snapshot snapshot = Current();
    auto data_version = store_.DataVersion();
    const bool unchanged =
        clean && data_version.ok() && *data_version == seen_data_version && snapshot.version == seen_version;
    bool more = false;
    if (!unchanged) {
      Status failure;
      int read = 0;
      auto ids = store_.ListArticlesNeedingInsight(snapshot.version, options_.batch);
      if (!ids.ok()) failure = ids.status();
      for (int64_t id : ids.ok() ? *ids : std::vector<int64_t>{}) {
        if (stopping()) return;
        auto reading = ReadOne(id, snapshot);
        if (!reading.ok() && reading.status().code() == Status::Code::kInvalidArgument) {
          spdlog::warn("insight: {} (stored without actors)", reading.status().message());
        } else if (!reading.ok()) {
          failure = reading.status().WithContext("article " + std::to_string(id));
          break;
        }
        ++read;
      }
      clean = failure.ok();
      if (!clean && failure.message() != last_error) spdlog::error("insight: {}", failure.ToString());
      last_error = clean ? "" : failure.message();
      if (read > 0) spdlog::info("insight: read {} article{}", read, read == 1 ? "" : "s");
      more = clean && ids.ok() && static_cast<int>(ids->size()) == options_.batch;
      seen_data_version = data_version.ok() ? *data_version : -1;
      seen_version = snapshot.version;
    }
    std::unique_lock lock(wake_mutex_);
    if (!more) wake_.wait_for(lock, options_.poll_interval, [this] { return stop_ || woken_; });
    woken_ = false;
  }
}

}  // namespace chancery::app
