// `chancery analyze --data DIR --all`: reads every article of the site that
// is not in the trash again, whatever its stored analysis, with the
// gazetteer the server uses (built-in data and editors' edits), and stores
// the analyses. Progress goes to stderr (a bar on a terminal, otherwise a
// line every 10%); the summary to stdout.
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "app/cli_common.h"
#include "app/commands.h"
#include "app/insight_service.h"
#include "store/store.h"

namespace chancery::app {
namespace {

// Every article not in the trash, oldest first (ids only).
Result<std::vector<int64_t>> ArchiveIds(store::Store& store) {
  std::vector<int64_t> ids;
  store::AdminArticleQuery query;
  query.filter = store::ArticleFilter::kAll;
  query.limit = 1000;
  for (query.offset = 0;; query.offset += query.limit) {
    auto page = store.ListAdminArticles(query);
    if (!page.ok()) return page.status();
    for (const auto& e : page->items) ids.push_back(e.article.id);
    if (static_cast<int>(page->items.size()) < query.limit) break;
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());  // pages of a list that may move
  return ids;
}

// Progress on stderr: a redrawn bar on a terminal; otherwise one line each
// time another tenth is done, so logs stay short.
class Progress {
 public:
  explicit Progress(size_t total) : total_(total), terminal_(::isatty(STDERR_FILENO) == 1) {}

  void Update(size_t done) {
    if (total_ == 0) return;
    const size_t percent = done * 100 / total_;
    if (terminal_) {
      constexpr size_t kWidth = 30;
      const size_t filled = done * kWidth / total_;
      std::cerr << fmt::format("\ranalysing [{}{}] {:3}% {}/{} articles", std::string(filled, '#'),
                               std::string(kWidth - filled, '.'), percent, done, total_)
                << (done == total_ ? "\n" : "") << std::flush;
      return;
    }
    const size_t tenth = percent / 10;
    if (tenth > last_tenth_) {
      last_tenth_ = tenth;
      std::cerr << fmt::format("analysing: {}% ({}/{} articles)\n", tenth * 10, done, total_) << std::flush;
    }
  }

 private:
  const size_t total_;
  const bool terminal_;
  size_t last_tenth_ = 0;
};

}  // namespace

int RunAnalyzeArchive(const AnalyzeOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  auto store = OpenSiteStore(options.data_dir);
  if (!store.ok()) return Fail(store.status().message());
  auto service = InsightService::Create(**store);
  if (!service.ok()) return Fail(service.status().ToString());
  auto ids = ArchiveIds(**store);
  if (!ids.ok()) return Fail("listing the articles: " + ids.status().ToString());

  Progress progress(ids->size());
  size_t articles = 0, failed = 0;
  int64_t sentences = 0;
  std::set<std::string> actors;
  std::set<std::pair<std::string, std::string>> pairs;
  for (size_t i = 0; i < ids->size(); ++i) {
    auto reading = (*service)->Read((*ids)[i]);
    if (!reading.ok() && reading.status().code() == Status::Code::kInvalidArgument) {
      if (::isatty(STDERR_FILENO) == 1) std::cerr << "\n";
      std::cerr << "chancery: " << reading.status().message() << " (stored without actors)\n";
      ++failed;
    } else if (!reading.ok()) {
      return Fail(fmt::format("reading article {}: {}", (*ids)[i], reading.status().ToString()));
    } else if (reading->has_value()) {  // not trashed or deleted since the list
      ++articles;
      sentences += (*reading)->sentences;
      for (const auto& a : (*reading)->insight.actors) actors.insert(a.id);
      for (const auto& p : (*reading)->insight.pairs) pairs.emplace(p.a, p.b);
    }
    progress.Update(i + 1);
  }

  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::cout << fmt::format("analysed {} articles: {} sentences, {} actors, {} pairs in {:.2f} seconds{}\n", articles,
                           sentences, actors.size(), pairs.size(), seconds,
                           failed == 0 ? "" : fmt::format(" ({} failed)", failed));
  std::cout.flush();
  return failed == 0 && std::cout ? 0 : 1;
}

}  // namespace chancery::app
