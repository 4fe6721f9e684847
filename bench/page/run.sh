#!/usr/bin/env bash
# Benchmarks 1 and 2 of issue 6: the article page with 20 approved comments.
#   1. Chancery's requests per second against nginx serving the identical
#      bytes as a static file, in the same run (goal: ratio ≥ 1.0), with p50
#      and p99 latency at 64 connections and at 1;
#   2. the same figures against WordPress (quoted from ../shared/bench/wordpress;
#      goal ≥ 1000× its requests per second), with peak memory.
# Also informative: the page's gzip size, and a 64-connection run that
# asks for gzip.
#
# usage: bench/page/run.sh [path/to/chancery]   (default build/release/src/app/chancery)
#
# The site: `chancery init` (no demo), the seed article converted by
# seed_to_markdown.py and imported with `chancery import markdown`, then the
# 20 comments of comments.tsv posted through the real comment form over HTTP
# and approved by `chancery comments approve` (a second process) — the
# served page must show all 20 within 5 s. The page is then fetched once and
# served by nginx as a file; the two must be the same bytes apart from the
# comment form's per-request token.
#
# Loopback only, in a temporary folder removed at the end; only the processes
# this script starts are stopped, by PID. Progress on stderr, a Markdown
# table on stdout. Exits non-zero when a step fails, a page check fails, or
# a wrk run reports errors. About 2.5 minutes with the defaults.
#
# Environment (all optional):
#   DURATION        seconds per measured wrk run (10; 1..30)
#   REPS            repetitions per target and connection count (3; 1..5)
#   SEED_FILE       the seed article (../shared/seeds/000_80c169cc1e2fc806.txt)
#   WP_GET_PER_SEC  WordPress's article GETs/s at c64 on this machine (quoted: 25.1)
#   WP_GET_P99_MS   WordPress's p99 at c64 in ms (quoted: 2639)
#   WP_RSS_MIB      WordPress's peak RSS in MiB, all its processes (quoted: 311)
#   WP_NGINX_GET_PER_SEC  nginx's static copy in WordPress's run (quoted: 39997); the
#                   goal row chains Chancery÷nginx (this run) with nginx÷WordPress (that run)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly HERE
# shellcheck source=../lib.sh
source "$HERE/../lib.sh"
bench_init page

ROOT=$(cd "$HERE/../.." && pwd)
readonly ROOT
readonly SLUG=islamabad-moscow-evolving-romance
readonly WARMUP=2
WRK_TIMEOUT=10
DURATION=${DURATION:-10}
REPS=${REPS:-3}
SEED_FILE=${SEED_FILE:-$ROOT/../shared/seeds/000_80c169cc1e2fc806.txt}
if ! [[ $DURATION =~ ^[0-9]+$ ]] || ((DURATION < 1 || DURATION > 30)); then die "DURATION must be 1..30 seconds"; fi
if ! [[ $REPS =~ ^[0-9]+$ ]] || ((REPS < 1 || REPS > 5)); then die "REPS must be 1..5"; fi
[[ -f $SEED_FILE ]] || die "no seed article at $SEED_FILE (set SEED_FILE)"

# WordPress on this machine, from ../shared/bench/wordpress/README.md
# (2026-11-29): wrk -t2 -c64 -d10s, median of 3; RSS summed over nginx,
# php-fpm and mariadbd (PSS 165 MiB).
wp_get_source=quoted wp_p99_source=quoted wp_rss_source=quoted
[[ -n ${WP_GET_PER_SEC:-} ]] && wp_get_source=given
[[ -n ${WP_GET_P99_MS:-} ]] && wp_p99_source=given
[[ -n ${WP_RSS_MIB:-} ]] && wp_rss_source=given
WP_GET_PER_SEC=${WP_GET_PER_SEC:-25.1}
# nginx's static copy of WordPress's page in the same run as WordPress.
WP_NGINX_GET_PER_SEC=${WP_NGINX_GET_PER_SEC:-39997}
WP_GET_P99_MS=${WP_GET_P99_MS:-2639}
WP_RSS_MIB=${WP_RSS_MIB:-311}

chancery=$(chancery_path "${1:-build/release/src/app/chancery}")
install_missing wrk nginx curl python3 gzip
load_at_start=$(cut -d' ' -f1 /proc/loadavg)
bench_tmp

# mask FILE: the page with the comment form's token value replaced, so two
# fetches of the same page compare equal.
mask() { sed -E 's/(name="form_token" value=")[^"]*"/\1MASKED"/g' "$1"; }
# comments_shown FILE: how many comments the page shows.
comments_shown() { { grep -o '<li class="comment [^"]*" id="comment-[0-9]*"' "$1" || true; } | wc -l; }

# ---- the site ------------------------------------------------------------------------

say "creating the site and importing the seed article"
"$chancery" init --data "$tmp/site" >"$tmp/init.log" 2>&1 || die "chancery init failed: $(tail -n 3 "$tmp/init.log")"
mkdir -p "$tmp/import"
python3 "$HERE/seed_to_markdown.py" "$SEED_FILE" >"$tmp/import/$SLUG.md" || die "converting the seed article failed"
"$chancery" import markdown --data "$tmp/site" "$tmp/import/$SLUG.md" >"$tmp/import.log" 2>&1 ||
  die "chancery import markdown failed: $(tail -n 3 "$tmp/import.log")"

say "starting chancery serve"
start_chancery "$chancery" "$tmp/site" "$tmp/chancery.log" \
  CHANCERY_COMMENTS_RATE_LIMIT_PER_MINUTE=0 CHANCERY_COMMENTS_MIN_SECONDS_TO_SUBMIT=0
article_url=$base/articles/$SLUG
say "chancery (pid $chancery_pid) at $base"
curl -fsS -o "$tmp/fresh.html" "$article_url" || die "GET $article_url failed"

# ---- 20 comments through the form, approved from the command line ---------------------

# post_comment NAME TEXT PARENT_ID: posts the form as a reader would (with a
# token from a fresh page) and prints the new comment's id.
post_comment() {
  local name=$1 text=$2 parent=$3 token email answer
  curl -fsS -o "$tmp/form.html" "$article_url" || die "GET $article_url failed"
  token=$({ grep -o '<input[^>]*name="form_token"[^>]*>' "$tmp/form.html" || true; } | sed -n '1s/.*value="\([^"]*\)".*/\1/p')
  [[ -n $token ]] || die "the article page has no comment form token"
  # shellcheck disable=SC2018,SC2019  # e-mail local parts stay ASCII
  email=$(tr 'A-Z' 'a-z' <<<"$name" | sed -E 's/[^a-z]+/./g; s/^\.|\.$//g')@example.org
  answer=$(curl -sS -o /dev/null -w '%{http_code} %{redirect_url}' \
    --data-urlencode "comment=$text" --data-urlencode "author=$name" --data-urlencode "email=$email" \
    --data-urlencode "url=" --data-urlencode "website_confirm=" --data-urlencode "form_token=$token" \
    --data-urlencode "comment_parent=$parent" "$article_url/comments") || die "POST $article_url/comments failed"
  [[ $answer =~ ^303\ .*#comment-([0-9]+)$ ]] || die "posting ${name}'s comment was answered '$answer', not 303 to #comment-ID"
  echo "${BASH_REMATCH[1]}"
}

approve() {
  "$chancery" comments approve --data "$tmp/site" "$@" >"$tmp/approve.log" 2>&1 ||
    die "chancery comments approve failed: $(tail -n 3 "$tmp/approve.log")"
}

parents=() names=() texts=()
while IFS=$'\t' read -r parent name text; do
  [[ -z $parent || $parent == \#* ]] && continue
  parents+=("$parent") names+=("$name") texts+=("$text")
done <"$HERE/comments.tsv"
((${#names[@]} == 20)) || die "comments.tsv holds ${#names[@]} comments, not 20"

say "posting 16 comments through the form, approving them, then 4 replies"
ids=()
for pass in top replies; do
  batch=()
  for i in "${!names[@]}"; do
    if [[ $pass == top && ${parents[$i]} == - ]]; then
      ids[i]=$(post_comment "${names[$i]}" "${texts[$i]}" 0)
    elif [[ $pass == replies && ${parents[$i]} != - ]]; then
      parent_id=${ids[$((parents[i] - 1))]:-}
      [[ -n $parent_id ]] || die "comments.tsv: line $((i + 1)) answers a comment that is not an earlier top-level one"
      ids[i]=$(post_comment "${names[$i]}" "${texts[$i]}" "$parent_id")
    else
      continue
    fi
    batch+=("${ids[$i]}")
  done
  approve "${batch[@]}"
done

# The approvals were written by another process: the served page must show them.
say "waiting (at most 5 s) for the page to show all 20 comments"
shown=0
for _ in {1..50}; do
  curl -fsS -o "$tmp/fresh.html" "$article_url" || die "GET $article_url failed"
  shown=$(comments_shown "$tmp/fresh.html")
  ((shown == 20)) && break
  sleep 0.1
done
((shown == 20)) || die "after approving 20 comments from the command line, the page shows $shown within 5 s"

# The page must have settled (the insight reader works in the background):
# two fetches in a row that differ only in the form token.
stable=0
for _ in {1..50}; do
  curl -fsS -o "$tmp/again.html" "$article_url" || die "GET $article_url failed"
  if cmp -s <(mask "$tmp/fresh.html") <(mask "$tmp/again.html"); then stable=1; break; fi
  mv "$tmp/again.html" "$tmp/fresh.html"
  sleep 0.1
done
((stable)) || die "the article page keeps changing between requests (beyond the form token)"
insight_box=no
grep -q 'class="insight-box"' "$tmp/fresh.html" && insight_box=yes

# ---- nginx serving the same bytes -------------------------------------------------------

mkdir -p "$tmp/www/articles"
page=$tmp/www/articles/$SLUG
cp "$tmp/fresh.html" "$page"
page_bytes=$(wc -c <"$page")

# What Chancery sends a client that accepts gzip. nginx's copy for the gzip
# run is those bytes when Chancery compresses, else gzip -6 of the page.
curl -fsS -H 'Accept-Encoding: gzip' -D "$tmp/gzip.headers" -o "$tmp/gzip.body" "$article_url" || die "GET with gzip failed"
chancery_encoding=$(tr -d '\r' <"$tmp/gzip.headers" | awk -F': *' 'tolower($1) == "content-encoding" { print tolower($2) }')
gzip -6 -n -c "$page" >"$tmp/gzip6.gz"
gzip6_bytes=$(wc -c <"$tmp/gzip6.gz")
if [[ $chancery_encoding == gzip ]]; then
  gzip -dc "$tmp/gzip.body" >"$tmp/gunzipped.html" || die "Chancery's gzip answer does not decompress"
  cmp -s <(mask "$tmp/gunzipped.html") <(mask "$page") || die "Chancery's gzip answer is not the same page"
  chancery_gzip_bytes=$(wc -c <"$tmp/gzip.body")
  cp "$tmp/gzip.body" "$page.gz"
  gzip_label="$chancery_gzip_bytes"
else
  chancery_gzip_bytes=$(wc -c <"$tmp/gzip.body")
  cp "$tmp/gzip6.gz" "$page.gz"
  gzip_label="$chancery_gzip_bytes (not compressed: Content-Encoding '${chancery_encoding:-none}')"
fi
touch -r "$page" "$page.gz"

start_nginx "$tmp/www"
static_url=$static_base/articles/$SLUG
say "nginx (pid $nginx_pid) at $static_base"
curl -fsS "$static_url" | cmp -s - "$page" || die "nginx does not serve the saved page byte for byte"
curl -fsS -H 'Accept-Encoding: gzip' "$static_url" | cmp -s - "$page.gz" || die "nginx does not serve the saved .gz for gzip clients"

# Chancery's page now: the same size, and the same bytes but for the token.
curl -fsS -o "$tmp/check.html" "$article_url" || die "GET $article_url failed"
check_bytes=$(wc -c <"$tmp/check.html")
((check_bytes == page_bytes)) || die "Chancery's page is $check_bytes bytes, nginx's copy $page_bytes"
cmp -s <(mask "$tmp/check.html") <(mask "$page") || die "Chancery's page differs from nginx's copy beyond the form token"

# ---- measurements -----------------------------------------------------------------------

declare -A line
c64() { run_wrk "$1" "$2" "$BENCH_REPORT_LUA" -t2 -c64 -d"${DURATION}s" "${@:3}"; }
c1() { run_wrk "$1" "$2" "$BENCH_REPORT_LUA" -t1 -c1 -d"${DURATION}s"; }

for ((r = 1; r <= REPS; r++)); do
  warm_up "$WARMUP" "$article_url" -t2 -c64
  line[chancery-c64-$r]=$(c64 "chancery-c64-$r" "$article_url")
  warm_up "$WARMUP" "$static_url" -t2 -c64
  line[nginx-c64-$r]=$(c64 "nginx-c64-$r" "$static_url")
done
chancery_rss=$(peak_rss_mib "$chancery_pid")
nginx_rss=$(tree_peak_rss_mib "$nginx_pid")

for ((r = 1; r <= REPS; r++)); do
  warm_up "$WARMUP" "$article_url" -t1 -c1
  line[chancery-c1-$r]=$(c1 "chancery-c1-$r" "$article_url")
  warm_up "$WARMUP" "$static_url" -t1 -c1
  line[nginx-c1-$r]=$(c1 "nginx-c1-$r" "$static_url")
done

warm_up "$WARMUP" "$article_url" -t2 -c64 -H 'Accept-Encoding: gzip'
line[chancery-gzip]=$(c64 chancery-gzip "$article_url" -H 'Accept-Encoding: gzip')
warm_up "$WARMUP" "$static_url" -t2 -c64 -H 'Accept-Encoding: gzip'
line[nginx-gzip]=$(c64 nginx-gzip "$static_url" -H 'Accept-Encoding: gzip')

# Nothing the runs did may have changed the page nginx stood in for.
curl -fsS -o "$tmp/after.html" "$article_url" || die "GET $article_url failed after the runs"
page_unchanged=yes
cmp -s <(mask "$tmp/after.html") <(mask "$page") || page_unchanged=no

# ---- the table ---------------------------------------------------------------------------

# values TARGET CONNS KEY: the KEY of every repetition, in run order.
values() {
  local r out=()
  for ((r = 1; r <= REPS; r++)); do out+=("$(field "${line[$1-$2-$r]}" "$3")"); done
  echo "${out[@]}"
}
# med TARGET CONNS KEY: the median over the repetitions.
med() {
  # shellcheck disable=SC2046
  median $(values "$1" "$2" "$3")
}
# spread TARGET CONNS KEY: "min–max" over the repetitions.
spread() {
  # shellcheck disable=SC2046
  printf '%s\n' $(values "$1" "$2" "$3") | sort -g | awk 'NR == 1 { lo = $1 } { hi = $1 } END { printf "%.0f–%.0f\n", lo, hi }'
}

rows=()
row() { rows+=("| $1 | $2 | $3 | $4 |"); }
for conns in c64 c1; do
  c_rps=$(med chancery "$conns" rps) n_rps=$(med nginx "$conns" rps)
  row "article GET req/s, $conns (higher is better)" "$(num "$c_rps") ($(spread chancery "$conns" rps))" \
    "$(num "$n_rps") ($(spread nginx "$conns" rps)) nginx, same bytes" "$(ratio "$c_rps" "$n_rps")"
  for p in p50 p99; do
    c_p=$(med chancery "$conns" "${p}_ms") n_p=$(med nginx "$conns" "${p}_ms")
    row "article GET $p ms, $conns (lower is better)" "$(num "$c_p")" "$(num "$n_p") nginx" "$(ratio "$c_p" "$n_p")"
  done
done
row "peak RSS MiB, during the c64 runs (lower is better)" "$chancery_rss" \
  "$nginx_rss nginx (master + $NGINX_WORKERS workers)" "$(ratio "$chancery_rss" "$nginx_rss")"

c64_rps=$(med chancery c64 rps) c64_p99=$(med chancery c64 p99_ms) n64_rps=$(med nginx c64 rps)
row "article GET req/s, c64, against WordPress (higher is better)" "$(num "$c64_rps")" \
  "$(num "$WP_GET_PER_SEC") WordPress ($wp_get_source)" "$(ratio "$c64_rps" "$WP_GET_PER_SEC")"
row "article GET p99 ms, c64, against WordPress (lower is better)" "$(num "$c64_p99")" \
  "$(num "$WP_GET_P99_MS") WordPress ($wp_p99_source)" "$(ratio "$c64_p99" "$WP_GET_P99_MS")"
row "peak RSS MiB against WordPress (lower is better)" "$chancery_rss" \
  "$(num "$WP_RSS_MIB") WordPress ($wp_rss_source, RSS summed)" "$(ratio "$chancery_rss" "$WP_RSS_MIB")"
row "gzip answer bytes (informative; lower is better)" "$gzip_label" "$gzip6_bytes gzip -6 of the page" \
  "$(ratio "$chancery_gzip_bytes" "$gzip6_bytes")"
cg_rps=$(field "${line[chancery-gzip]}" rps) ng_rps=$(field "${line[nginx-gzip]}" rps)
row "article GET req/s, c64, Accept-Encoding: gzip (informative, one run)" "$(num "$cg_rps")" \
  "$(num "$ng_rps") nginx gzip_static, $(wc -c <"$page.gz") bytes" "$(ratio "$cg_rps" "$ng_rps")"

failed=()
[[ $page_unchanged == yes ]] || failed+=("Chancery's page changed during the runs, so nginx no longer served the same bytes")
for key in "${!line[@]}"; do
  errors=$(wrk_errors "${line[$key]}")
  ((errors == 0)) || failed+=("wrk run $key had $errors errors ($(errors_of "${line[$key]}"))")
done
# A run whose answers are shorter than the page did not serve the page.
for key in "${!line[@]}"; do
  [[ $key == *gzip ]] && continue
  per=$(awk -v b="$(field "${line[$key]}" bytes)" -v n="$(field "${line[$key]}" requests)" 'BEGIN { printf "%d\n", n ? b / n : 0 }')
  ((per >= page_bytes)) || failed+=("wrk run $key averaged $per bytes per answer, less than the $page_bytes-byte page")
done

wrk_version=$(wrk -v 2>&1 || true)
wrk_version=$(awk 'NR == 1 { print $1, $2 }' <<<"$wrk_version")
nginx_version=$("$(nginx_binary)" -v 2>&1 | sed 's|.*nginx/|nginx |')
{
  echo
  echo "## Article page with 20 approved comments, $(date -u +%Y-%m-%dT%H:%MZ)"
  echo
  echo "$("$chancery" --version 2>/dev/null || echo chancery) ($chancery, tree $(tree_label)); $wrk_version;" \
    "$nginx_version ($NGINX_WORKERS workers, access_log off, sendfile on); Chancery with ${CHANCERY_BENCH_ENV[*]};" \
    "$(nproc) cores, 1-minute load average $load_at_start at the start, $(cut -d' ' -f1 /proc/loadavg) at the end."
  echo "Page /articles/$SLUG: $page_bytes bytes, $(comments_shown "$page") comments shown, insight box: $insight_box." \
    "wrk --timeout ${WRK_TIMEOUT}s, -t2 -c64 and -t1 -c1, -d${DURATION}s, each after a ${WARMUP} s warm-up;" \
    "$REPS repetitions alternating Chancery and nginx; median (min–max). Ratio = Chancery ÷ reference."
  echo
  echo "| measure | Chancery | reference | ratio |"
  echo "|---|---:|---:|---:|"
  printf '%s\n' "${rows[@]}"
  echo
  for conns in c64 c1; do
    echo "- $conns req/s per run, Chancery: $(values chancery "$conns" rps); nginx: $(values nginx "$conns" rps)."
  done
  echo "- Checks: the served page showed the 20 comments approved from the command line; Chancery's page and" \
    "nginx's copy are the same size and the same bytes apart from the form token; page unchanged after the runs: $page_unchanged."
  echo "- Peak RSS is VmHWM from /proc (the highest resident set since start) read after the c64 runs; nginx's sums" \
    "its master and workers. WordPress's $WP_RSS_MIB MiB sums nginx, php-fpm and mariadbd (its PSS was 165 MiB)."
  echo "- WordPress figures: Debian's WordPress 6.1, default theme, no page cache, same seed article and 20 comments," \
    "wrk -t2 -c64 -d10s, median of 3, from ../shared/bench/wordpress/README.md on this machine;" \
    "WP_GET_PER_SEC, WP_GET_P99_MS and WP_RSS_MIB replace them (\"given\")."
}

summary_row "1. article GET req/s, c64, ÷ nginx same bytes" "$(num "$c64_rps")" "$(num "$n64_rps") nginx" \
  "$(ratio "$c64_rps" "$n64_rps")" "≥ 1.0×" "$(at_least "$(awk -v a="$c64_rps" -v b="$n64_rps" 'BEGIN { print a / b }')" 1)"
summary_row "1. article GET p99 ms, c64 (lower is better)" "$(num "$c64_p99")" "$(num "$(med nginx c64 p99_ms)") nginx" \
  "$(ratio "$c64_p99" "$(med nginx c64 p99_ms)")" "—" "—"
summary_row "2. article GET req/s, c64, ÷ WordPress (direct)" "$(num "$c64_rps")" "$(num "$WP_GET_PER_SEC") WordPress ($wp_get_source)" \
  "$(ratio "$c64_rps" "$WP_GET_PER_SEC")" "—" "—"
# WordPress was measured beside nginx in its own run, as Chancery is here:
# chaining the two same-run ratios cancels how busy each machine was.
chained=$(awk -v c="$c64_rps" -v n="$n64_rps" -v wn="$WP_NGINX_GET_PER_SEC" -v w="$WP_GET_PER_SEC" \
  'BEGIN { printf "%.0f", (c / n) * (wn / w) }')
summary_row "2. article GET, ÷ WordPress through nginx: (Chancery÷nginx here) × (nginx÷WordPress there)" \
  "$(ratio "$c64_rps" "$n64_rps") of nginx" "$(num "$WP_NGINX_GET_PER_SEC")÷$(num "$WP_GET_PER_SEC") = $(ratio "$WP_NGINX_GET_PER_SEC" "$WP_GET_PER_SEC") ($wp_get_source)" \
  "${chained}×" "≥ 1000×" "$(at_least "$chained" 1000)"
summary_row "2. peak RSS MiB serving it (lower is better)" "$chancery_rss" "$(num "$WP_RSS_MIB") WordPress ($wp_rss_source)" \
  "$(ratio "$chancery_rss" "$WP_RSS_MIB")" "a fraction (< 1×)" "$(at_most "$chancery_rss" "$(awk -v w="$WP_RSS_MIB" 'BEGIN { print w * 0.999 }')")"

if ((${#failed[@]})); then
  printf 'bench/page: %s\n' "${failed[@]}" >&2
  exit 1
fi
