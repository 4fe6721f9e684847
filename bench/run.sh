#!/usr/bin/env bash
# Every benchmark of issue 6, in order, then one summary table:
#   1 + 2  bench/page      the article page against nginx and WordPress
#   3      bench/render    the cache-miss render (Google Benchmark)
#   4      bench/comments  comment posting
#   5      bench/scale     10,000 articles: start-up, memory, import
#
# usage: bench/run.sh [path/to/chancery]   (default build/release/src/app/chancery;
#        `make bench` builds it and passes it)
#
# Each benchmark prints its own table on stdout as it finishes; the closing
# table (benchmark | Chancery | reference | ratio | goal | met?) collects the
# rows that carry the issue's goals. A benchmark that fails does not stop the
# others: its rows are missing from the summary, a line says so, and this
# script exits non-zero at the end. About 8 minutes on 2 cores (plus the
# first build of render_bench). Loopback only; see bench/README.md.
#
# Environment: RENDER_BUILD_DIR (bench/render's build folder, default
# build/bench-render), and whatever the single benchmarks read (DURATION,
# if set, applies to every wrk run of every benchmark; unset, each keeps its
# own default).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly HERE
# shellcheck source=lib.sh
source "$HERE/lib.sh"
bench_init run

chancery=$(chancery_path "${1:-build/release/src/app/chancery}")
started_at=$EPOCHREALTIME
load_at_start=$(cut -d' ' -f1 /proc/loadavg)
bench_tmp
export SUMMARY_FILE=$tmp/summary.tsv
: >"$SUMMARY_FILE"

failed=()
run_one() {
  local name=$1
  shift
  say "bench/$name ($(date -u +%H:%M:%S))"
  if ! "$@"; then
    failed+=("$name")
    echo "bench/run: bench/$name failed; its rows are missing from the summary" >&2
  fi
}
run_one page "$HERE/page/run.sh" "$chancery"
run_one render "$HERE/render/run.sh" "${RENDER_BUILD_DIR:-$(dirname "$HERE")/build/bench-render}"
run_one comments "$HERE/comments/run.sh" "$chancery"
run_one scale "$HERE/scale/run.sh" "$chancery"

elapsed=$(awk -v a="$started_at" -v b="$EPOCHREALTIME" 'BEGIN { printf "%d min %02d s\n", (b - a) / 60, (b - a) % 60 }')
{
  echo
  echo "## Summary, $(date -u +%Y-%m-%dT%H:%MZ)"
  echo
  echo "$("$chancery" --version 2>/dev/null || echo chancery), tree $(tree_label); $(nproc) cores;" \
    "1-minute load average $load_at_start at the start, $(cut -d' ' -f1 /proc/loadavg) at the end; took $elapsed." \
    "Ratio = Chancery ÷ reference: higher is better for rates, lower for times and memory."
  echo
  echo "| benchmark | Chancery | reference | ratio | goal | met? |"
  echo "|---|---:|---:|---:|---:|:---:|"
  while IFS=$'\t' read -r bench value reference ratio goal met; do
    echo "| $bench | $value | $reference | $ratio | $goal | $met |"
  done <"$SUMMARY_FILE"
  for name in "${failed[@]}"; do
    echo "| bench/$name | FAILED (see its messages) | | | | no |"
  done
}
((${#failed[@]} == 0)) || die "failed: ${failed[*]}"
