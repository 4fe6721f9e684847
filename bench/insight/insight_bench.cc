// insight_bench: how fast the insight layer reads articles.
//
// usage: insight_bench [--mb N] [--threads N] [--year Y] [--gazetteer DIR] FILE...
//
// Each FILE is an article (plain text). They are repeated, in order, until
// the corpus holds at least N MB (default 5). Then, on the same corpus in
// the same run:
//   1. ICU alone: an English sentence BreakIterator over each article — the
//      floor, since the Analyzer segments with ICU before anything else;
//   2. the Analyzer: Analyze() on each article, as `chancery analyze` does.
// Both are timed on one thread (per core), best of three; with --threads N
// the Analyzer is also run on N threads sharing one Analyzer. Prints a
// Markdown table; exits non-zero when an analysis fails.
#include <unicode/brkiter.h>
#include <unicode/locid.h>
#include <unicode/utext.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "insight/insight.h"

namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

// Sentences ICU finds in `text`, with a fresh iterator per article as the
// Analyzer's pool amortises.
std::size_t IcuSentences(icu::BreakIterator& it, const std::string& text) {
  UErrorCode status = U_ZERO_ERROR;
  UText* ut = utext_openUTF8(nullptr, text.data(), static_cast<int64_t>(text.size()), &status);
  it.setText(ut, status);
  std::size_t n = 0;
  if (U_SUCCESS(status)) {
    it.first();
    while (it.next() != icu::BreakIterator::DONE) ++n;
  }
  it.setText(icu::UnicodeString());
  utext_close(ut);
  return n;
}

template <typename F>
double BestOf3(F&& run) {
  double best = 1e30;
  for (int i = 0; i < 3; ++i) {
    const auto start = Clock::now();
    run();
    best = std::min(best, Seconds(Clock::now() - start));
  }
  return best;
}

}  // namespace

int main(int argc, char** argv) {
  double megabytes = 5;
  int threads = 1;
  int year = 0;
  std::string gazetteer_dir;  // default: the gazetteer compiled in
  std::vector<std::string> files;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--mb" && i + 1 < argc) {
      megabytes = std::atof(argv[++i]);
    } else if (arg == "--threads" && i + 1 < argc) {
      threads = std::max(1, std::atoi(argv[++i]));
    } else if (arg == "--year" && i + 1 < argc) {
      year = std::atoi(argv[++i]);
    } else if (arg == "--gazetteer" && i + 1 < argc) {
      gazetteer_dir = argv[++i];
    } else if (arg.starts_with("--")) {
      std::cerr << "usage: insight_bench [--mb N] [--threads N] [--year Y] [--gazetteer DIR] FILE...\n";
      return 2;
    } else {
      files.push_back(arg);
    }
  }
  if (files.empty()) {
    std::cerr << "usage: insight_bench [--mb N] [--threads N] [--year Y] [--gazetteer DIR] FILE...\n";
    return 2;
  }
  std::vector<std::string> sources;
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    if (!in) {
      std::cerr << "insight_bench: cannot read " << f << "\n";
      return 1;
    }
    sources.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  std::vector<std::string> corpus;
  std::size_t bytes = 0;
  while (bytes < megabytes * 1e6) {
    for (const auto& s : sources) {
      corpus.push_back(s);
      bytes += s.size();
    }
  }
  const double mb = bytes / 1e6;

  auto gazetteer = gazetteer_dir.empty() ? chancery::insight::Gazetteer::Builtin()
                                         : chancery::insight::Gazetteer::FromDirectory(gazetteer_dir);
  if (!gazetteer.ok()) {
    std::cerr << "insight_bench: " << gazetteer.status().ToString() << "\n";
    return 1;
  }
  const auto build_start = Clock::now();
  const chancery::insight::Analyzer analyzer(*gazetteer);
  const double build_seconds = Seconds(Clock::now() - build_start);

  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::BreakIterator> icu_it(
      icu::BreakIterator::createSentenceInstance(icu::Locale::getEnglish(), status));
  if (U_FAILURE(status)) {
    std::cerr << "insight_bench: ICU: " << u_errorName(status) << "\n";
    return 1;
  }

  std::size_t icu_sentences = 0;
  const double icu_seconds = BestOf3([&] {
    icu_sentences = 0;
    for (const auto& text : corpus) icu_sentences += IcuSentences(*icu_it, text);
  });

  std::size_t sentences = 0, relations = 0, events = 0;
  bool failed = false;
  const double analyze_seconds = BestOf3([&] {
    sentences = relations = events = 0;
    for (const auto& text : corpus) {
      auto a = analyzer.Analyze(text, {.year = year});
      if (!a.ok()) {
        failed = true;
        std::cerr << "insight_bench: " << a.status().ToString() << "\n";
        return;
      }
      sentences += a->sentences;
      relations += a->relations.size();
      events += a->events.size();
    }
  });
  if (failed) return 1;

  double parallel_seconds = 0;
  if (threads > 1) {
    parallel_seconds = BestOf3([&] {
      std::atomic<std::size_t> next{0};
      std::vector<std::thread> pool;
      for (int t = 0; t < threads; ++t) {
        pool.emplace_back([&] {
          for (std::size_t i = next++; i < corpus.size(); i = next++) {
            if (!analyzer.Analyze(corpus[i], {.year = year}).ok()) failed = true;
          }
        });
      }
      for (auto& th : pool) th.join();
    });
    if (failed) return 1;
  }

  std::printf("Corpus: %zu articles from %zu files, %.2f MB; %zu sentences (Analyzer), %zu (ICU alone)\n",
              corpus.size(), files.size(), mb, sentences, icu_sentences);
  std::printf("Analyzer built from the gazetteer in %.1f ms; found %zu relations and %zu events per pass\n\n",
              build_seconds * 1e3, relations, events);
  std::printf("| one core | sentences/s | MB/s | time (s) |\n|---|---:|---:|---:|\n");
  std::printf("| ICU sentence segmentation alone (floor) | %.0f | %.2f | %.3f |\n",
              icu_sentences / icu_seconds, mb / icu_seconds, icu_seconds);
  std::printf("| insight Analyzer (segment, fold, match, tone, dates) | %.0f | %.2f | %.3f |\n",
              sentences / analyze_seconds, mb / analyze_seconds, analyze_seconds);
  std::printf("| ratio Analyzer ÷ ICU alone (throughput) | %.2f | %.2f | |\n",
              (sentences / analyze_seconds) / (icu_sentences / icu_seconds), icu_seconds / analyze_seconds);
  if (threads > 1) {
    std::printf("| Analyzer on %d threads, per core | %.0f | %.2f | %.3f |\n", threads,
                sentences / parallel_seconds / threads, mb / parallel_seconds / threads, parallel_seconds);
  }
  const double rate = sentences / analyze_seconds;
  std::printf("\nGoal: at least 5,000 sentences/s per core: %s (%.0f)\n", rate >= 5000 ? "met" : "NOT met",
              rate);
  return rate >= 5000 ? 0 : 3;
}
