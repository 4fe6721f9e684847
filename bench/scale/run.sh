#!/usr/bin/env bash
# Benchmark 5 of issue 6: a site of 10,000 generated articles.
#   - start-up: time from starting `chancery serve` to its first 200 on `/`,
#     median of 5 runs, beside nginx's time to its first 200 on this machine
#     (goal ≤ 300 ms);
#   - memory: peak RSS (VmHWM) of the chancery process after 20 s of wrk at 64
#     connections over random article pages, tag pages and `/` (goal ≤ 64 MiB).
#     The reference printed is WordPress's quoted 311 MiB for one article: not
#     the same site, and said so;
#   - import time of the 10,000 files, beside Hugo's quoted 10,000-page build
#     (informative: different work).
#
# usage: bench/scale/run.sh [path/to/chancery]   (default build/release/src/app/chancery)
#
# generate.py writes the archive (fixed seed): about 600 words each in four
# "##" sections, 50 tags, 20 authors, dates over ten years. It is imported with
# `chancery import markdown` into a new site (`chancery init`, no demo).
# Loopback only, in a temporary folder removed at the end; only the processes
# this script starts are stopped, by PID. Progress on stderr, a Markdown table
# on stdout. Exits non-zero when a step fails, the import reports failures,
# a page of the archive does not answer 200, or the load run has errors.
# About 2 minutes with the defaults, most of it the import.
#
# Environment (all optional):
#   ARTICLES       how many articles to generate (10000; 100..100000)
#   DURATION       seconds of the memory load run (20; 1..60)
#   STARTUP_RUNS   start-up measurements per server (5; 1..9)
#   WP_RSS_MIB     WordPress's peak RSS in MiB (quoted: 311)
#   HUGO_BUILD_S   Hugo's 10,000-page build in seconds (quoted: 6.32)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly HERE
# shellcheck source=../lib.sh
source "$HERE/../lib.sh"
bench_init scale

ARTICLES=${ARTICLES:-10000}
DURATION=${DURATION:-20}
STARTUP_RUNS=${STARTUP_RUNS:-5}
WRK_TIMEOUT=10
if ! [[ $ARTICLES =~ ^[0-9]+$ ]] || ((ARTICLES < 100 || ARTICLES > 100000)); then die "ARTICLES must be 100..100000"; fi
if ! [[ $DURATION =~ ^[0-9]+$ ]] || ((DURATION < 1 || DURATION > 60)); then die "DURATION must be 1..60 seconds"; fi
if ! [[ $STARTUP_RUNS =~ ^[0-9]+$ ]] || ((STARTUP_RUNS < 1 || STARTUP_RUNS > 9)); then die "STARTUP_RUNS must be 1..9"; fi

# From ../shared/bench/wordpress/README.md (2026-11-29, this machine).
wp_rss_source=quoted hugo_source=quoted
[[ -n ${WP_RSS_MIB:-} ]] && wp_rss_source=given
[[ -n ${HUGO_BUILD_S:-} ]] && hugo_source=given
WP_RSS_MIB=${WP_RSS_MIB:-311}
HUGO_BUILD_S=${HUGO_BUILD_S:-6.32}

chancery=$(chancery_path "${1:-build/release/src/app/chancery}")
install_missing wrk nginx curl python3
load_at_start=$(cut -d' ' -f1 /proc/loadavg)
bench_tmp

# ms_since T0: milliseconds since T0, an $EPOCHREALTIME reading.
ms_since() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f\n", (b - a) * 1000 }'; }

# ---- the archive -------------------------------------------------------------------------

say "generating $ARTICLES articles"
python3 "$HERE/generate.py" "$tmp/archive" "$ARTICLES" 600 2>"$tmp/generate.log" ||
  die "generate.py failed: $(tail -n 3 "$tmp/generate.log")"
generated=$(cat "$tmp/generate.log")
paths=$tmp/archive/paths.txt

"$chancery" init --data "$tmp/site" >"$tmp/init.log" 2>&1 || die "chancery init failed: $(tail -n 3 "$tmp/init.log")"
say "importing them with chancery import markdown"
t0=$EPOCHREALTIME
"$chancery" import markdown --data "$tmp/site" "$tmp/archive/articles" >"$tmp/import.log" 2>&1 ||
  die "chancery import markdown failed: $(tail -n 3 "$tmp/import.log")"
import_ms=$(ms_since "$t0")
import_s=$(awk -v ms="$import_ms" 'BEGIN { printf "%.2f\n", ms / 1000 }')
import_summary=$(tail -n 1 "$tmp/import.log")
[[ $import_summary == "$ARTICLES created, 0 updated, 0 failed" ]] ||
  die "the import says '$import_summary', not '$ARTICLES created, 0 updated, 0 failed'"
db_mib=$(du -m "$tmp/site/chancery.db" | cut -f1)
say "imported in $import_s s ($db_mib MiB database)"

# ---- start-up ------------------------------------------------------------------------------

# time_first_200 URL LAUNCHER: the time from running LAUNCHER (a function
# that starts a server in the background and sets launched_pid) to the first
# 200 on URL. One curl process polls URL at most every 5 ms (--rate 200/s, up
# to 10 s); it starts before the server, so its own start-up is not counted.
# Sets startup_ms and startup_polls. Fails if the server exits or 10 s pass.
time_first_200() {
  local url=$1 launcher=$2 code fd poller t0 t1="" polls=0 urls=() i
  for ((i = 0; i < 2000; i++)); do urls+=("$url"); done
  exec {fd}< <(exec curl -s --max-time 5 --rate 200/s -w '%{stderr}%{http_code}\n' "${urls[@]}" 2>&1 >/dev/null)
  poller=$!
  track_pid "$poller"
  read -r -u "$fd" code || die "curl could not poll $url"
  [[ $code == 000 ]] || die "something already answers on $url"
  t0=$EPOCHREALTIME
  "$launcher"
  while read -r -u "$fd" code; do
    polls=$((polls + 1))
    if [[ $code == 200 ]]; then
      t1=$EPOCHREALTIME
      break
    fi
    kill -0 "$launched_pid" 2>/dev/null || die "the server (pid $launched_pid) exited before answering $url"
  done
  stop_pid "$poller"
  exec {fd}<&-
  [[ -n $t1 ]] || die "no 200 from $url within 10 s (last status $code)"
  startup_ms=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f\n", (b - a) * 1000 }')
  startup_polls=$polls
}

launch_chancery_serve() {
  env "${CHANCERY_BENCH_ENV[@]}" "$chancery" serve --data "$tmp/site" --listen "127.0.0.1:$port" \
    >"$tmp/startup-$r.log" 2>&1 &
  launched_pid=$!
  track_pid "$launched_pid"
}
launch_static_nginx() {
  launch_nginx "$conf"
  launched_pid=$nginx_pid
}

startup_chancery=() startup_nginx=() polls_total=0 poll_ms_total=0
for ((r = 1; r <= STARTUP_RUNS; r++)); do
  port=$(free_port)
  time_first_200 "http://127.0.0.1:$port/" launch_chancery_serve
  startup_chancery+=("$startup_ms")
  polls_total=$((polls_total + startup_polls))
  poll_ms_total=$(awk -v a="$poll_ms_total" -v b="$startup_ms" 'BEGIN { print a + b }')
  say "chancery start-up run $r: first 200 after $startup_ms ms ($startup_polls polls)"
  stop_pid "$launched_pid"
done

# nginx serving a static copy of the home page, started the same way.
mkdir -p "$tmp/www"
start_chancery "$chancery" "$tmp/site" "$tmp/chancery.log"
curl -fsS -o "$tmp/www/index.html" "$base/" || die "GET / failed"
open_to_nginx "$tmp/www"
for ((r = 1; r <= STARTUP_RUNS; r++)); do
  port=$(free_port)
  conf=$tmp/nginx-startup-$r.conf
  write_nginx_conf "$tmp/www" "$port" "$conf"
  "$(nginx_binary)" -t -q -p "$tmp/nginx/" -e "$tmp/nginx/error.log" -c "$conf" >&2 || die "nginx rejects $conf"
  time_first_200 "http://127.0.0.1:$port/" launch_static_nginx
  startup_nginx+=("$startup_ms")
  say "nginx start-up run $r: first 200 after $startup_ms ms ($startup_polls polls)"
  stop_pid "$launched_pid"
done
startup_c=$(median "${startup_chancery[@]}")
startup_n=$(median "${startup_nginx[@]}")
poll_every=$(awk -v ms="$poll_ms_total" -v n="$polls_total" 'BEGIN { printf "%.1f\n", ms / n }')

# ---- memory under load ---------------------------------------------------------------------

say "chancery (pid $chancery_pid) at $base: checking the archive's pages answer"
mapfile -t sample < <({ grep -v '^/articles/' "$paths"; grep '^/articles/' "$paths" | sed -n '1p;$p'; \
  grep '^/articles/' "$paths" | awk 'NR % 500 == 7'; })
for path in "${sample[@]}"; do
  code=$(curl -s -o /dev/null -w '%{http_code}' "$base$path" || true)
  [[ $code == 200 ]] || die "GET $path answered $code, not 200"
done
rss_before=$(awk -v k="$(kib_field "$chancery_pid" VmRSS)" 'BEGIN { printf "%.1f\n", k / 1024 }')
load_line=$(PATHS_FILE=$paths run_wrk scale-c64 "$base" "$HERE/urls.lua" -t2 -c64 -d"${DURATION}s")
peak_rss=$(peak_rss_mib "$chancery_pid")
rss_after=$(awk -v k="$(kib_field "$chancery_pid" VmRSS)" 'BEGIN { printf "%.1f\n", k / 1024 }')
kill -0 "$chancery_pid" 2>/dev/null || die "chancery serve exited during the load run: $(tail -n 3 "$tmp/chancery.log")"

# ---- the table -----------------------------------------------------------------------------

rows=()
row() { rows+=("| $1 | $2 | $3 | $4 |"); }
row "start-up to the first 200 on /, ms (lower is better)" "$(num "$startup_c")" \
  "$(num "$startup_n") nginx, static copy of /" "$(ratio "$startup_c" "$startup_n")"
row "peak RSS MiB after ${DURATION} s of c64 over the archive (lower is better)" "$peak_rss" \
  "$(num "$WP_RSS_MIB") WordPress ($wp_rss_source; one article, not this site)" "$(ratio "$peak_rss" "$WP_RSS_MIB")"
row "import of $ARTICLES Markdown files, s (informative; lower is better)" "$import_s" \
  "$(num "$HUGO_BUILD_S") Hugo build of 10,000 pages ($hugo_source; other work)" "$(ratio "$import_s" "$HUGO_BUILD_S")"
row "req/s during the memory run (informative)" "$(num "$(field "$load_line" rps)")" "—" "—"

failed=()
errors=$(wrk_errors "$load_line")
((errors == 0)) || failed+=("the load run had $errors errors ($(errors_of "$load_line"))")

{
  echo
  echo "## A site of $ARTICLES articles: start-up, memory, import, $(date -u +%Y-%m-%dT%H:%MZ)"
  echo
  echo "$("$chancery" --version 2>/dev/null || echo chancery) ($chancery, tree $(tree_label));" \
    "$("$(nginx_binary)" -v 2>&1 | sed 's|.*nginx/|nginx |') ($NGINX_WORKERS workers); Chancery with ${CHANCERY_BENCH_ENV[*]};" \
    "$(nproc) cores, 1-minute load average $load_at_start at the start, $(cut -d' ' -f1 /proc/loadavg) at the end."
  echo "Archive: $generated (generate.py, fixed seed); database $db_mib MiB. Ratio = Chancery ÷ reference."
  echo
  echo "| measure | Chancery | reference | ratio |"
  echo "|---|---:|---:|---:|"
  printf '%s\n' "${rows[@]}"
  echo
  echo "- Start-up: from launching the process to the first 200 on \`/\` seen by one curl process polling at most every" \
    "5 ms (--rate 200/s; $poll_every ms per attempt on average for Chancery); median of $STARTUP_RUNS runs." \
    "Chancery (ms): ${startup_chancery[*]}; nginx (ms): ${startup_nginx[*]}."
  echo "- Memory: VmHWM (peak resident set since start) of the chancery process after wrk -t2 -c64" \
    "-d${DURATION}s with urls.lua: 80% random article pages among all $ARTICLES, 10% tag pages, 10% \`/\`." \
    "Resident before the run $rss_before MiB, after $rss_after MiB. The background insight reader analyses the" \
    "new archive at the same time, as it would after such an import."
  echo "- Load run: $(field "$load_line" requests) requests, p50 $(field "$load_line" p50_ms) ms," \
    "p99 $(field "$load_line" p99_ms) ms; errors: $(errors_of "$load_line")."
  echo "- WordPress's $WP_RSS_MIB MiB (nginx + php-fpm + mariadbd serving one article) and Hugo's $HUGO_BUILD_S s" \
    "(10,000 generated pages to HTML files) are quoted from ../shared/bench/wordpress/README.md; WP_RSS_MIB and" \
    "HUGO_BUILD_S replace them (\"given\"). The import parses, renders and stores each article in the database;" \
    "Hugo writes files. Neither is the other's work: the row is there for scale."
}

summary_row "5. start-up to first 200 on /, ms, $ARTICLES articles" "$(num "$startup_c")" "$(num "$startup_n") nginx" \
  "$(ratio "$startup_c" "$startup_n")" "≤ 300 ms" "$(at_most "$startup_c" 300)"
summary_row "5. peak RSS MiB under load, $ARTICLES articles" "$peak_rss" \
  "$(num "$WP_RSS_MIB") WordPress ($wp_rss_source, 1 article)" "$(ratio "$peak_rss" "$WP_RSS_MIB")" "≤ 64 MiB" \
  "$(at_most "$peak_rss" 64)"
summary_row "5. import $ARTICLES Markdown files, s (informative)" "$import_s" \
  "$(num "$HUGO_BUILD_S") Hugo build ($hugo_source)" "$(ratio "$import_s" "$HUGO_BUILD_S")" "—" "—"

if ((${#failed[@]})); then
  printf 'bench/scale: %s\n' "${failed[@]}" >&2
  exit 1
fi
