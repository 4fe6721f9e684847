#!/usr/bin/env bash
# Benchmark 3 of issue 6: the cache-miss render of the article page with 20
# approved comments (Site::Article from a SQLite store), median and p99 per
# render, beside reading the same page's bytes from a file. Goal: under 250 µs.
#
# usage: bench/render/run.sh [BUILD_DIR]   (default build/bench-render)
#
# Builds render_bench (Release, tests on: it is wired in through
# tests/site/CMakeLists.txt as bench/insight is through tests/insight) in
# BUILD_DIR, converts the seed article with bench/page/seed_to_markdown.py,
# and runs it with bench/page/comments.tsv. One process, no network; the
# store lives in a temporary folder that is removed at the end. About 40 s
# once built (the first build takes minutes). Prints render_bench's Markdown
# table and the instructions per render (callgrind); exits non-zero if the
# build, the setup or a check on the page fails.
#
# Environment (all optional):
#   MIN_TIME   seconds Google Benchmark measures each case for at least (2)
#   SEED_FILE  the seed article (../shared/seeds/000_80c169cc1e2fc806.txt)
#   COUNT_INSTRUCTIONS  0 skips the callgrind count of instructions per render (1)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly HERE
# shellcheck source=../lib.sh
source "$HERE/../lib.sh"
bench_init render

ROOT=$(cd "$HERE/../.." && pwd)
readonly ROOT
build=${1:-$ROOT/build/bench-render}
SEED_FILE=${SEED_FILE:-$ROOT/../shared/seeds/000_80c169cc1e2fc806.txt}
MIN_TIME=${MIN_TIME:-2}
[[ -f $SEED_FILE ]] || die "no seed article at $SEED_FILE (set SEED_FILE)"
[[ $MIN_TIME =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "MIN_TIME must be a number of seconds"

# A build with tests on (which wires render_bench in) needs the test
# packages too: Google Benchmark, GoogleTest, and node for the browser
# tests' configuration.
"$ROOT/scripts/install-deps.sh" test >&2 || die "installing the test dependencies failed"

export CCACHE_BASEDIR=$ROOT CCACHE_NOHASHDIR=true
say "building render_bench in $build"
cmake -S "$ROOT" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCHANCERY_BUILD_TESTS=ON >/dev/null ||
  die "cmake failed to configure $build"
cmake --build "$build" --target render_bench -j "$(nproc)" >&2 || die "building render_bench failed"
[[ -x $build/bench/render/render_bench ]] || die "no render_bench in $build/bench/render"

bench_tmp
python3 "$ROOT/bench/page/seed_to_markdown.py" "$SEED_FILE" >"$tmp/article.md" || die "converting the seed article failed"
say "render_bench: 3 cases of at least $MIN_TIME s each"
"$build/bench/render/render_bench" --article "$tmp/article.md" --comments "$ROOT/bench/page/comments.tsv" \
  --report "$tmp/report.txt" --min-time "$MIN_TIME" --benchmark_color=false || die "render_bench failed"

report=$(cat "$tmp/report.txt")
p50=$(field "$report" render_p50_us) p99=$(field "$report" render_p99_us) cpu=$(field "$report" render_cpu_p50_us)
file_p50=$(field "$report" file_p50_us) file_p99=$(field "$report" file_p99_us)
summary_row "3. cache-miss render median µs (lower is better)" "$(num "$p50") (CPU $(num "$cpu"))" "$(num "$file_p50") file read" \
  "$(ratio "$p50" "$file_p50")" "< 250 µs" "$(awk -v x="$p50" 'BEGIN { print (x < 250) ? "yes" : "no" }')"
summary_row "3. cache-miss render p99 µs (lower is better)" "$(num "$p99")" "$(num "$file_p99") file read" \
  "$(ratio "$p99" "$file_p99")" "< 250 µs" "$(awk -v x="$p99" 'BEGIN { print (x < 250) ? "yes" : "no" }')"

# The same render counted in instructions (valgrind's callgrind, only inside
# Site::Article): a figure that other load on the machine cannot move, to
# compare two builds by when the timings above wander. render_bench renders
# 1, then 11, more times after its first page; the difference over ten is
# one render, without the set-up and the first render's statement
# preparation. About half a minute; COUNT_INSTRUCTIONS=0 skips it.
if [[ ${COUNT_INSTRUCTIONS:-1} != 0 ]]; then
  install_missing valgrind
  count_renders() {
    valgrind --tool=callgrind --callgrind-out-file="$tmp/callgrind.$1" "--toggle-collect=chancery::site::Site::Article(*" \
      "$build/bench/render/render_bench" --article "$tmp/article.md" --comments "$ROOT/bench/page/comments.tsv" \
      --renders "$1" >/dev/null 2>&1 || die "render_bench --renders $1 failed under callgrind"
    awk '/^(summary|totals):/ { print $2; exit }' "$tmp/callgrind.$1"
  }
  say "callgrind: instructions per render"
  one=$(count_renders 1)
  eleven=$(count_renders 11)
  [[ $one =~ ^[0-9]+$ && $eleven =~ ^[0-9]+$ && $eleven -gt $one ]] || die "callgrind counted no instructions"
  per_render=$(((eleven - one) / 10))
  echo "- Instructions per render (valgrind --tool=callgrind, inside Site::Article; renders 2–11 of one process):" \
    "$(awk -v n="$per_render" 'BEGIN { printf "%.3f M", n / 1e6 }')."
  summary_row "3. cache-miss render, instructions (informative; lower is better)" \
    "$(awk -v n="$per_render" 'BEGIN { printf "%.3f M", n / 1e6 }')" "—" "—" "—" "—"
fi
