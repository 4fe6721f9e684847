#!/usr/bin/env bash
# bench/insight/run.sh [BUILD_DIR] — how fast the insight layer reads articles.
#
# Builds insight_bench (tests on, Release) in BUILD_DIR (default
# build/bench-insight), then analyses the seed article and the held-out
# test articles repeated to about 5 MB, beside ICU's sentence segmentation
# alone on the same text in the same run. Prints a Markdown table; exits
# non-zero if the build fails, an analysis fails, or the Analyzer reads fewer
# than 5,000 sentences a second on one core.
#   MB=5 THREADS=2 bench/insight/run.sh
#   GAZETTEER=DIR bench/insight/run.sh   (data/insight-style files instead of the built-in ones)
# No network, no servers: a single process, bounded by the corpus size
# (about ten seconds on one core).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$root/build/bench-insight}
export CCACHE_BASEDIR=$root CCACHE_NOHASHDIR=true
echo "Building insight_bench in $build" >&2
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCHANCERY_BUILD_TESTS=ON >/dev/null
cmake --build "$build" --target insight_bench -j "$(nproc)" >&2
seed="$root/../shared/seeds/000_80c169cc1e2fc806.txt"
articles=("$root"/tests/insight/testdata/held/*.txt)
[[ -f "$seed" ]] && articles=("$seed" "${articles[@]}")
exec "$build/bench/insight/insight_bench" --mb "${MB:-5}" --threads "${THREADS:-$(nproc)}" \
  ${GAZETTEER:+--gazetteer "$GAZETTEER"} "${articles[@]}"
