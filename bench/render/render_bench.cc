// render_bench: benchmark 3 of issue 6 — how long Site::Article takes to
// render the article page with 20 approved comments from the store, as on a
// page-cache miss.
//
// usage: render_bench --article FILE.md --comments FILE.tsv [--report FILE]
//                     [--min-time SECONDS] [Google Benchmark flags]
//        render_bench --article FILE.md --comments FILE.tsv --renders N
//
// With --renders, nothing is timed: after the checks on the first page it
// calls Site::Article N more times and exits, for counting instructions
// under valgrind (run.sh runs it with N = 1 and N = 11 and divides the
// difference by ten, which leaves out the set-up and the first render's
// one-time work).
//
// It builds a SQLite store in a temporary folder (removed at the end): the
// article imported as `chancery import markdown` would (ParseMarkdownArticle +
// SaveArticle), the comments of FILE.tsv written through Store::AddComment as
// approved, and the article's insight analysis stored as the server's
// background reader would. Over it, a Site with the default theme. Then, with
// Google Benchmark, each iteration timed on its own (steady_clock) so the
// median and p99 come from the per-iteration times of the measured run:
//   article_render  Site::Article(request): finds the article, its comments,
//                   neighbours, corrections and insight in the store, builds
//                   the view and renders it with Mustache. Site has no page
//                   cache (that sits in front of it, in the server), and the
//                   run checks this: a comment added afterwards must show on
//                   the next call.
//   file_read       the reference: open, read and close the same page's bytes
//                   from a file, the work a static file server starts from.
//   store_reads     a breakdown, not a reference: the two reads the page is
//                   built around (FindVisibleArticle and the approved comments).
// Prints a Markdown table on stdout (Google Benchmark's own report goes to
// stderr) and, with --report, one line "RENDER key=value ..." for run.sh.
// Exits non-zero when the setup fails or a check on the page fails.
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "app/insight_service.h"
#include "http/http.h"
#include "importers/markdown.h"
#include "site/site.h"
#include "store/store.h"
#include "theme/theme.h"

namespace {

namespace fs = std::filesystem;
using namespace chancery;
using Clock = std::chrono::steady_clock;

// Set when an iteration fails; checked after the runs.
std::string g_error;
// The temporary folder, removed by Fail as well as at the normal end.
fs::path g_temp_dir;

void IterationFailed(benchmark::State& state, const std::string& what) {
  if (g_error.empty()) g_error = what;
  state.SkipWithError(what.c_str());
}

[[noreturn]] void Fail(const std::string& what) {
  std::cerr << "render_bench: " << what << "\n";
  if (!g_temp_dir.empty()) {
    std::error_code ec;
    fs::remove_all(g_temp_dir, ec);
  }
  std::exit(1);
}

int64_t UnixNow() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) Fail("cannot read " + path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// One line of comments.tsv: parent ("-" or the 1-based line it answers),
// name, text.
struct SeedComment {
  int parent_line = 0;  // 0: top level
  std::string name;
  std::string text;
};

std::vector<SeedComment> ReadComments(const std::string& path) {
  std::vector<SeedComment> comments;
  std::istringstream in(ReadWholeFile(path));
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    const auto tab1 = line.find('\t');
    const auto tab2 = tab1 == std::string::npos ? std::string::npos : line.find('\t', tab1 + 1);
    if (tab2 == std::string::npos) Fail(path + ": a line without three tab-separated fields: " + line);
    SeedComment c;
    const std::string parent = line.substr(0, tab1);
    c.parent_line = parent == "-" ? 0 : std::atoi(parent.c_str());
    c.name = line.substr(tab1 + 1, tab2 - tab1 - 1);
    c.text = line.substr(tab2 + 1);
    comments.push_back(std::move(c));
  }
  return comments;
}

std::string EmailFor(const std::string& name) {
  std::string local;
  for (char ch : name) {
    const char lower = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (lower >= 'a' && lower <= 'z')
      local += lower;
    else if (!local.empty() && local.back() != '.')
      local += '.';
  }
  while (!local.empty() && local.back() == '.') local.pop_back();
  return local + "@example.org";
}

size_t CountOf(std::string_view text, std::string_view needle) {
  size_t n = 0;
  for (auto at = text.find(needle); at != std::string_view::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

// Median and p99 (nearest rank) of per-iteration wall-clock times, and the
// median of the thread's CPU time per iteration, in microseconds. On a
// shared machine the two medians part when other work takes the CPU.
struct Timing {
  double p50_us = 0;
  double p99_us = 0;
  double cpu_p50_us = 0;
  size_t samples = 0;
};

double Percentile(std::vector<double>& sorted, double q) {
  return sorted[static_cast<size_t>(std::ceil(q * sorted.size())) - 1];
}

Timing Summarise(std::vector<double> wall_us, std::vector<double> cpu_us) {
  Timing t;
  if (wall_us.empty()) return t;
  std::sort(wall_us.begin(), wall_us.end());
  std::sort(cpu_us.begin(), cpu_us.end());
  t.p50_us = Percentile(wall_us, 0.50);
  t.p99_us = Percentile(wall_us, 0.99);
  t.cpu_p50_us = Percentile(cpu_us, 0.50);
  t.samples = wall_us.size();
  return t;
}

double ThreadCpuMicros() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

// Google Benchmark calls each function several times while it settles the
// iteration count; the last call is the measured run, so it overwrites.
std::map<std::string, Timing>& Results() {
  static std::map<std::string, Timing> results;
  return results;
}

// Runs `work` once per iteration, timing each one.
template <typename Work>
void TimeEach(benchmark::State& state, const std::string& name, Work&& work) {
  std::vector<double> wall_us, cpu_us;
  wall_us.reserve(1 << 16);
  cpu_us.reserve(1 << 16);
  for (auto _ : state) {
    const double cpu_start = ThreadCpuMicros();
    const auto start = Clock::now();
    work();
    wall_us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
    cpu_us.push_back(ThreadCpuMicros() - cpu_start);
  }
  Timing t = Summarise(std::move(wall_us), std::move(cpu_us));
  state.counters["p50_us"] = t.p50_us;
  state.counters["p99_us"] = t.p99_us;
  Results()[name] = t;
}

struct Args {
  std::string article;
  std::string comments;
  std::string report;
  double min_time = 2.0;
  int renders = -1;  // --renders: untimed renders after the first; -1 for the benchmark
};

Args ParseArgs(int& argc, char** argv) {
  Args args;
  std::vector<char*> rest{argv[0]};
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) Fail(a + " needs a value");
      return argv[++i];
    };
    if (a == "--article")
      args.article = value();
    else if (a == "--comments")
      args.comments = value();
    else if (a == "--report")
      args.report = value();
    else if (a == "--min-time")
      args.min_time = std::atof(value().c_str());
    else if (a == "--renders")
      args.renders = std::atoi(value().c_str());
    else
      rest.push_back(argv[i]);
  }
  if (args.article.empty() || args.comments.empty())
    Fail("usage: render_bench --article FILE.md --comments FILE.tsv [--report FILE] [--min-time S | --renders N]");
  if (!(args.min_time > 0 && args.min_time <= 30)) Fail("--min-time must be in (0, 30] seconds");
  if (args.renders != -1 && (args.renders < 0 || args.renders > 100000)) Fail("--renders must be 0..100000");
  for (size_t i = 0; i < rest.size(); ++i) argv[i] = rest[i];
  argc = static_cast<int>(rest.size());
  return args;
}

// A temporary folder removed when this goes out of scope.
struct TempDir {
  fs::path path;
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "chancery-render-bench.XXXXXX").string();
    if (!mkdtemp(pattern.data())) Fail("cannot make a temporary folder");
    path = pattern;
    g_temp_dir = path;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
    g_temp_dir.clear();
  }
};

}  // namespace

int main(int argc, char** argv) {
  const Args args = ParseArgs(argc, argv);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 2;

  TempDir dir;
  auto opened = store::Store::Open({.url = "sqlite:" + (dir.path / "chancery.db").string()});
  if (!opened.ok()) Fail("opening the store: " + opened.status().ToString());
  std::unique_ptr<store::Store> store = std::move(opened).value();

  // The article, as `chancery import markdown` stores it.
  const int64_t now = UnixNow();
  auto article = importers::ParseMarkdownArticle(ReadWholeFile(args.article), args.article, now);
  if (!article.ok()) Fail(article.status().ToString());
  if (auto saved = store->SaveArticle(*article); !saved.ok()) Fail("saving the article: " + saved.status().ToString());

  // The comments, approved, every ~3 hours after publication.
  const auto seed_comments = ReadComments(args.comments);
  std::vector<int64_t> ids;
  for (size_t i = 0; i < seed_comments.size(); ++i) {
    const SeedComment& c = seed_comments[i];
    store::Comment comment;
    comment.article_id = article->id;
    if (c.parent_line > 0) {
      if (static_cast<size_t>(c.parent_line) > ids.size()) Fail("a reply to a later comment in " + args.comments);
      comment.parent_id = ids[c.parent_line - 1];
    }
    comment.author_name = c.name;
    comment.author_email = EmailFor(c.name);
    comment.body = c.text;
    comment.status = store::CommentStatus::kApproved;
    comment.status_reason = "approved: benchmark fixture";
    comment.ip = "127.0.0.1";
    comment.user_agent = "render_bench";
    comment.created_at = article->published_at + 7200 + static_cast<int64_t>(i) * 10860;
    auto added = store->AddComment(comment);
    if (!added.ok()) Fail("adding a comment: " + added.status().ToString());
    ids.push_back(added->id);
  }

  // The insight box, as the server's background reader leaves it.
  auto insight = app::InsightService::Create(*store);
  if (!insight.ok()) Fail("loading the insight layer: " + insight.status().ToString());
  if (auto read = (*insight)->CatchUp(10); !read.ok()) Fail("analysing the article: " + read.status().ToString());

  auto theme = theme::Theme::LoadDefault();
  if (!theme.ok()) Fail("loading the default theme: " + theme.status().ToString());
  site::Site site(*store, *theme, site::SiteOptions{});

  http::Request request;
  request.method = http::Method::kGet;
  request.method_name = "GET";
  request.path = "/articles/" + article->slug;
  request.target = request.path;
  request.remote_address = "127.0.0.1";
  request.params["slug"] = article->slug;

  // Checks on the page before timing it.
  const http::Response first = site.Article(request);
  if (first.status != 200) Fail("Site::Article answered " + std::to_string(first.status));
  const std::string page(first.BodyView());
  const size_t shown = CountOf(page, "<li class=\"comment ");
  if (shown != seed_comments.size())
    Fail("the page shows " + std::to_string(shown) + " comments, not " + std::to_string(seed_comments.size()));
  const bool insight_box = page.find("class=\"insight-box\"") != std::string::npos;
  if (args.renders >= 0) {
    for (int i = 0; i < args.renders; ++i) {
      const http::Response r = site.Article(request);
      if (r.status != 200 || r.BodyView().size() != page.size()) Fail("a repeated render differs from the first");
    }
    return 0;
  }
  const fs::path page_file = dir.path / "page.html";
  {
    std::ofstream out(page_file, std::ios::binary);
    out << page;
    if (!out) Fail("cannot write " + page_file.string());
  }

  benchmark::RegisterBenchmark("article_render", [&](benchmark::State& state) {
    TimeEach(state, "article_render", [&] {
      http::Response r = site.Article(request);
      if (r.status != 200) IterationFailed(state, "Site::Article did not answer 200");
      benchmark::DoNotOptimize(r.body);
    });
  })->MinTime(args.min_time)->Unit(benchmark::kMicrosecond)->UseRealTime();

  benchmark::RegisterBenchmark("file_read", [&](benchmark::State& state) {
    TimeEach(state, "file_read", [&] {
      const int fd = ::open(page_file.c_str(), O_RDONLY | O_CLOEXEC);
      struct stat st {};
      std::string bytes;
      if (fd >= 0 && ::fstat(fd, &st) == 0) {
        bytes.resize(static_cast<size_t>(st.st_size));
        size_t done = 0;
        while (done < bytes.size()) {
          const ssize_t n = ::read(fd, bytes.data() + done, bytes.size() - done);
          if (n <= 0) break;
          done += static_cast<size_t>(n);
        }
        if (done != bytes.size()) IterationFailed(state, "short read of the page file");
      } else {
        IterationFailed(state, "cannot open the page file");
      }
      if (fd >= 0) ::close(fd);
      benchmark::DoNotOptimize(bytes);
    });
  })->MinTime(args.min_time)->Unit(benchmark::kMicrosecond)->UseRealTime();

  const std::string slug = article->slug;
  const int64_t article_id = article->id;
  benchmark::RegisterBenchmark("store_reads", [&](benchmark::State& state) {
    TimeEach(state, "store_reads", [&] {
      auto found = store->FindVisibleArticle(slug, UnixNow());
      store::CommentQuery query;
      query.article_id = article_id;
      query.status = store::CommentStatus::kApproved;
      query.limit = 1000;
      auto comments = store->ListComments(query);
      if (!found.ok() || !comments.ok()) IterationFailed(state, "a store read failed");
      benchmark::DoNotOptimize(found);
      benchmark::DoNotOptimize(comments);
    });
  })->MinTime(args.min_time)->Unit(benchmark::kMicrosecond)->UseRealTime();

  benchmark::ConsoleReporter reporter(benchmark::ConsoleReporter::OO_Tabular);  // no colour codes in logs
  reporter.SetOutputStream(&std::cerr);
  reporter.SetErrorStream(&std::cerr);
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  if (!g_error.empty()) Fail(g_error);

  // Site::Article must have read the store each time: a comment approved now
  // shows on the very next call.
  store::Comment late;
  late.article_id = article->id;
  late.author_name = "Late Reader";
  late.author_email = "late.reader@example.org";
  late.body = "A comment added after the timing, to check that the page is rendered afresh.";
  late.status = store::CommentStatus::kApproved;
  late.ip = "127.0.0.1";
  if (auto added = store->AddComment(late); !added.ok()) Fail("adding the late comment: " + added.status().ToString());
  const size_t after = CountOf(site.Article(request).BodyView(), "<li class=\"comment ");
  if (after != seed_comments.size() + 1)
    Fail("after one more approved comment Site::Article shows " + std::to_string(after) +
         ": it did not render from the store");

  const auto& results = Results();
  for (const char* name : {"article_render", "file_read", "store_reads"})
    if (!results.count(name) || results.at(name).samples == 0) Fail(std::string("no timings for ") + name);
  const Timing& render = results.at("article_render");
  const Timing& file = results.at("file_read");
  const Timing& reads = results.at("store_reads");

  auto num = [](double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, v >= 100 ? "%.0f" : "%.3g", v);
    return std::string(buf);
  };
  auto ratio = [&](double a, double b) { return b > 0 ? num(a / b) + "×" : std::string("—"); };
  std::cout << "\n## Cache-miss render of the article page (Site::Article)\n\n"
            << "Page: " << page.size() << " bytes, " << shown << " approved comments, insight box: "
            << (insight_box ? "yes" : "no") << ". SQLite store in a temporary folder, default theme, one thread."
            << " Each iteration timed on its own; median and p99 (nearest rank) of the measured run"
            << " (Google Benchmark, at least " << num(args.min_time) << " s each). Ratio = Chancery ÷ reference.\n\n"
            << "| measure | median µs | p99 µs | median CPU µs | iterations |\n|---|---:|---:|---:|---:|\n"
            << "| Site::Article, full render from the store (cache miss) | " << num(render.p50_us) << " | "
            << num(render.p99_us) << " | " << num(render.cpu_p50_us) << " | " << render.samples << " |\n"
            << "| reference: read the same " << page.size() << " bytes from a file (open, read, close) | "
            << num(file.p50_us) << " | " << num(file.p99_us) << " | " << num(file.cpu_p50_us) << " | "
            << file.samples << " |\n"
            << "| ratio render ÷ file read (lower is better) | " << ratio(render.p50_us, file.p50_us) << " | "
            << ratio(render.p99_us, file.p99_us) << " | " << ratio(render.cpu_p50_us, file.cpu_p50_us) << " | |\n"
            << "| breakdown: FindVisibleArticle + approved comments, the store reads alone | "
            << num(reads.p50_us) << " | " << num(reads.p99_us) << " | " << num(reads.cpu_p50_us) << " | "
            << reads.samples << " |\n\n"
            << "- Goal (issue 6): under 250 µs per render (wall clock). CPU µs is the thread's own CPU time per"
            << " iteration: where it is well below the wall-clock time, other work on the machine took the CPU."
            << " Check: after the timing, one more approved comment showed on the next Site::Article call,"
            << " so every call rendered from the store.\n";

  if (!args.report.empty()) {
    std::ofstream report(args.report);
    report << "RENDER render_p50_us=" << render.p50_us << " render_p99_us=" << render.p99_us
           << " render_cpu_p50_us=" << render.cpu_p50_us
           << " file_p50_us=" << file.p50_us << " file_p99_us=" << file.p99_us << " reads_p50_us=" << reads.p50_us
           << " page_bytes=" << page.size() << "\n";
    if (!report) Fail("cannot write " + args.report);
  }
  return 0;
}
