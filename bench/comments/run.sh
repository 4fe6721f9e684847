#!/usr/bin/env bash
# The comment-posting benchmark (issue 3): how many comments per second
# Chancery accepts and stores, and their p99 latency, each figure beside a
# reference. The references are measured in the same run where possible: the
# same article page served by Chancery and by nginx as a static file. The
# WordPress figure is quoted (see bench/README.md).
#
# usage: bench/comments/run.sh [path/to/chancery]   (default build/release/src/app/chancery)
#
# Everything runs on 127.0.0.1 in a temporary folder that is removed at the
# end; only the processes this script starts are stopped, by their PIDs.
# Progress goes to stderr, the result table to stdout. Exits non-zero if any
# step fails or fewer comments are stored than were accepted.
#
# Environment (all optional):
#   DURATION             seconds per measured wrk run (10; 1..30)
#   WP_COMMENTS_PER_SEC  WordPress's comment POSTs/s on this machine (quoted: 124)
#   WP_COMMENTS_P99_MS   WordPress's comment POST p99 in ms (quoted: 576)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly HERE
readonly THREADS=2
readonly GET_CONNS=64
readonly POST_CONNS=(16 64)
readonly WARMUP=2
readonly WRK_TIMEOUT=10
DURATION=${DURATION:-10}

say() { echo "==> $*" >&2; }
die() { echo "bench/comments: $*" >&2; exit 1; }
trap 'echo "bench/comments: line $LINENO failed: $BASH_COMMAND" >&2' ERR

if ! [[ $DURATION =~ ^[0-9]+$ ]] || ((DURATION < 1 || DURATION > 30)); then die "DURATION must be 1..30 seconds"; fi

# The WordPress reference, from ../shared/bench/wordpress (README, 2026-11-29):
# wp-comments-post.php, wrk -t2 -c64 -d5s, median of 3 runs.
wp_rate_source="quoted"
wp_p99_source="quoted"
if [[ -n ${WP_COMMENTS_PER_SEC:-} ]]; then wp_rate_source="given"; fi
if [[ -n ${WP_COMMENTS_P99_MS:-} ]]; then wp_p99_source="given"; fi
WP_COMMENTS_PER_SEC=${WP_COMMENTS_PER_SEC:-124}
WP_COMMENTS_P99_MS=${WP_COMMENTS_P99_MS:-576}

chancery=${1:-build/release/src/app/chancery}
[[ -x $chancery ]] || die "no chancery binary at '$chancery' (build it, or pass its path)"
chancery=$(cd "$(dirname "$chancery")" && pwd)/$(basename "$chancery")

# ---- tools ------------------------------------------------------------------------

install_missing() {
  local missing=()
  command -v wrk >/dev/null || missing+=(wrk)
  command -v nginx >/dev/null || [[ -x /usr/sbin/nginx ]] || missing+=(nginx)
  command -v curl >/dev/null || missing+=(curl)
  command -v jq >/dev/null || missing+=(jq)
  ((${#missing[@]} == 0)) && return
  say "installing ${missing[*]}"
  local sudo=()
  ((EUID == 0)) || sudo=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}
install_missing
load_at_start=$(cut -d' ' -f1 /proc/loadavg)
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)

# ---- temporary folder and the processes we start -----------------------------------

tmp=$(mktemp -d -t chancery-bench-comments.XXXXXX)
started_pids=()

stop_started() {
  local pid
  for pid in "${started_pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${started_pids[@]}"; do
    for _ in {1..50}; do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  started_pids=()
}
cleanup() {
  stop_started
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- wrk --------------------------------------------------------------------------

# run_wrk NAME CONNS URL [SCRIPT]: one measured run; prints its BENCH line
# (report.lua) and keeps wrk's full --latency output in $tmp/wrk-NAME.txt.
run_wrk() {
  local name=$1 conns=$2 url=$3 script=${4:-$HERE/report.lua}
  local out=$tmp/wrk-$name.txt
  say "wrk $name: -t$THREADS -c$conns -d${DURATION}s $url"
  wrk -t"$THREADS" -c"$conns" -d"${DURATION}s" --timeout "${WRK_TIMEOUT}s" --latency -s "$script" "$url" >"$out" 2>&1 ||
    die "wrk $name failed: $(tail -n 3 "$out")"
  grep '^BENCH ' "$out" || die "wrk $name printed no summary: $(tail -n 3 "$out")"
}

warm_up() {
  wrk -t"$THREADS" -c"$GET_CONNS" -d"${WARMUP}s" --timeout "${WRK_TIMEOUT}s" "$1" >/dev/null 2>&1 || true
}

# field LINE KEY: the value of KEY=value in a BENCH line.
field() {
  local v
  v=$(sed -n "s/.* $2=\([^ ]*\).*/\1/p" <<<"$1")
  [[ -n $v ]] || die "no $2 in: $1"
  echo "$v"
}

# ---- Chancery ---------------------------------------------------------------------

say "creating the demo site"
"$chancery" init --data "$tmp/site" --demo >"$tmp/init.log" 2>&1 || die "chancery init failed: $(tail -n 3 "$tmp/init.log")"

say "starting chancery serve"
: >"$tmp/chancery.log"  # exists before the server opens it, so polling it cannot fail
CHANCERY_COMMENTS_RATE_LIMIT_PER_MINUTE=0 \
  CHANCERY_COMMENTS_MIN_SECONDS_TO_SUBMIT=0 \
  CHANCERY_SERVER_ACCESS_LOG=false \
  "$chancery" serve --data "$tmp/site" --listen 127.0.0.1:0 >"$tmp/chancery.log" 2>&1 &
chancery_pid=$!
started_pids+=("$chancery_pid")

port=""
for _ in {1..100}; do
  port=$(sed -n 's|.*serving .* at http://127\.0\.0\.1:\([0-9][0-9]*\)/.*|\1|p' "$tmp/chancery.log" | sed -n 1p)
  [[ -n $port ]] && break
  kill -0 "$chancery_pid" 2>/dev/null || die "chancery serve exited: $(tail -n 3 "$tmp/chancery.log")"
  sleep 0.1
done
[[ -n $port ]] || die "chancery serve did not say where it listens within 10 s: $(tail -n 3 "$tmp/chancery.log")"
base=http://127.0.0.1:$port
say "chancery (pid $chancery_pid) at $base"

# The first article on the home page whose page carries a comment form.
curl -fsS -o "$tmp/home.html" "$base/" || die "GET / failed"
mapfile -t candidates < <(grep -o 'href="/articles/[^"#?]*"' "$tmp/home.html" | sed 's|href="/articles/\(.*\)"|\1|' | awk '!seen[$0]++')
slug=""
form_token=""
for candidate in "${candidates[@]}"; do
  curl -fsS -o "$tmp/article.html" "$base/articles/$candidate" || die "GET /articles/$candidate failed"
  form_token=$({ grep -o '<input[^>]*name="form_token"[^>]*>' "$tmp/article.html" || true; } | sed -n '1s/.*value="\([^"]*\)".*/\1/p')
  if [[ -n $form_token ]]; then
    slug=$candidate
    break
  fi
done
[[ -n $slug ]] || die "no article on / has a comment form with a form_token"
article_url=$base/articles/$slug
say "article: /articles/$slug ($(wc -c <"$tmp/article.html") bytes)"

# ---- nginx serving the same bytes ---------------------------------------------------

# The page as Chancery serves it now, saved under the same path. Workers of an
# nginx started as root run as another user, so they must be able to reach it.
mkdir -p "$tmp/www/articles" "$tmp/nginx"
curl -fsS -o "$tmp/www/articles/$slug" "$article_url" || die "GET $article_url failed"
chmod 0711 "$tmp"
chmod 0755 "$tmp/www" "$tmp/www/articles"
chmod 0644 "$tmp/www/articles/$slug"
page_bytes=$(wc -c <"$tmp/www/articles/$slug")

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

write_nginx_conf() {
  cat >"$tmp/nginx.conf" <<EOF
worker_processes 2;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  default_type text/html;
  charset utf-8;
  client_body_temp_path $tmp/nginx/body;
  proxy_temp_path $tmp/nginx/proxy;
  fastcgi_temp_path $tmp/nginx/fastcgi;
  uwsgi_temp_path $tmp/nginx/uwsgi;
  scgi_temp_path $tmp/nginx/scgi;
  server {
    listen 127.0.0.1:$1;
    root $tmp/www;
  }
}
EOF
}

# A free port is one nothing answers on; if another process takes it before
# nginx binds, nginx exits and the next candidate is tried.
nginx_pid=""
static_base=""
for _ in {1..5}; do
  candidate=$((20000 + RANDOM % 40000))
  port_in_use "$candidate" && continue
  write_nginx_conf "$candidate"
  "$nginx_bin" -t -q -p "$tmp/nginx/" -e "$tmp/nginx/error.log" -c "$tmp/nginx.conf" >&2 || die "nginx rejects $tmp/nginx.conf"
  "$nginx_bin" -p "$tmp/nginx/" -e "$tmp/nginx/error.log" -c "$tmp/nginx.conf" -g 'daemon off;' >"$tmp/nginx/stdout.log" 2>&1 &
  nginx_pid=$!
  started_pids+=("$nginx_pid")
  for _ in {1..50}; do
    port_in_use "$candidate" && break
    kill -0 "$nginx_pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$nginx_pid" 2>/dev/null && port_in_use "$candidate"; then
    static_base=http://127.0.0.1:$candidate
    break
  fi
  wait "$nginx_pid" 2>/dev/null || true
done
[[ -n $static_base ]] || die "nginx did not start: $(tail -n 3 "$tmp/nginx/error.log" 2>/dev/null)"
static_url=$static_base/articles/$slug
curl -fsS "$static_url" | cmp -s - "$tmp/www/articles/$slug" || die "nginx does not serve the saved page byte for byte"
say "nginx (pid $nginx_pid) at $static_base"

# ---- measurements -------------------------------------------------------------------

# GETs first, while the page is exactly the one nginx serves (posted comments
# are held for moderation and do not change it, but the order keeps that moot).
warm_up "$article_url"
get_chancery=$(run_wrk get-chancery "$GET_CONNS" "$article_url")
warm_up "$static_url"
get_static=$(run_wrk get-nginx "$GET_CONNS" "$static_url")

stored_json=$tmp/comments.json
list_comments() {
  "$chancery" comments list --data "$tmp/site" --format json >"$stored_json" 2>"$tmp/list.log" ||
    die "chancery comments list failed: $(tail -n 3 "$tmp/list.log")"
}

declare -A post_line stored reasons post_rate
run_tag_base=$(date +%s)$$
for c in "${POST_CONNS[@]}"; do
  tag=c${c}x${run_tag_base}
  post_line[$c]=$(FORM_TOKEN=$form_token RUN_TAG=$tag run_wrk "post-c$c" "$c" "$article_url/comments" "$HERE/post.lua")
  # Requests wrk gave up on at its deadline may still be finishing; they can
  # only add comments, never remove counted ones.
  sleep 1
  list_comments
  stored[$c]=$(jq --arg t "Benchmark comment $tag-" '[.[] | select(.body | contains($t))] | length' "$stored_json")
  reasons[$c]=$(jq -r --arg t "Benchmark comment $tag-" \
    '[.[] | select(.body | contains($t))] | group_by(.reason) | map("\(length) \(.[0].reason)") | join("; ")' "$stored_json")
done

# ---- the table ----------------------------------------------------------------------

# ratio A B: A ÷ B to three significant figures ("1.00×"), or "—" when B is 0.
ratio() {
  awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "—"; else if (a / b >= 100) printf "%.0f×\n", a / b; else printf "%#.3g×\n", a / b }'
}
num() { awk -v x="$1" 'BEGIN { if (x >= 100) printf "%.0f\n", x; else printf "%.3g\n", x }'; }

failed=0
c0=${POST_CONNS[0]}
rows=()
row() { rows+=("| $1 | $2 | $3 | $4 |"); }

for c in "${POST_CONNS[@]}"; do
  line=${post_line[$c]}
  accepted=$(field "$line" accepted)
  per_sec=$(awk -v a="$accepted" -v s="$(field "$line" seconds)" 'BEGIN { printf "%.1f\n", a / s }')
  post_rate[$c]=$per_sec
  row "comments accepted/s, c$c (higher is better)" "$(num "$per_sec")" \
    "$(num "$WP_COMMENTS_PER_SEC") WordPress ($wp_rate_source, c64)" "$(ratio "$per_sec" "$WP_COMMENTS_PER_SEC")"
done
for c in "${POST_CONNS[@]}"; do
  p99=$(field "${post_line[$c]}" p99_ms)
  row "comment POST p99 ms, c$c (lower is better)" "$(num "$p99")" \
    "$(num "$WP_COMMENTS_P99_MS") WordPress ($wp_p99_source, c64)" "$(ratio "$p99" "$WP_COMMENTS_P99_MS")"
done
for c in "${POST_CONNS[@]}"; do
  accepted=$(field "${post_line[$c]}" accepted)
  verdict=$(ratio "${stored[$c]}" "$accepted")
  if ((${stored[$c]} < accepted)); then
    verdict="$verdict MISMATCH"
    failed=1
  fi
  row "comments stored ÷ accepted (303), c$c (must be ≥ 1)" "${stored[$c]} stored" "$accepted accepted" "$verdict"
done
get_rps=$(field "$get_chancery" rps)
static_rps=$(field "$get_static" rps)
row "article GET req/s, c$GET_CONNS (higher is better)" "$(num "$get_rps")" "$(num "$static_rps") nginx, same bytes" \
  "$(ratio "$get_rps" "$static_rps")"
row "article GET p99 ms, c$GET_CONNS (lower is better)" "$(num "$(field "$get_chancery" p99_ms)")" \
  "$(num "$(field "$get_static" p99_ms)") nginx, same bytes" "$(ratio "$(field "$get_chancery" p99_ms)" "$(field "$get_static" p99_ms)")"
row "comment posts per static GET (c$c0 comments/s ÷ nginx GET/s)" "$(num "${post_rate[$c0]}")/s" \
  "$(num "$static_rps")/s nginx" "$(ratio "${post_rate[$c0]}" "$static_rps")"

errors_of() {
  local line=$1
  echo "connect $(field "$line" err_connect), read $(field "$line" err_read), write $(field "$line" err_write)," \
    "timeout $(field "$line" err_timeout), status ≥400 $(field "$line" err_status)"
}

wrk_version=$(wrk -v 2>&1 || true)
wrk_version=$(awk 'NR == 1 { print $1, $2 }' <<<"$wrk_version")
nginx_version=$("$nginx_bin" -v 2>&1 | sed 's|.*nginx/|nginx |')
{
  echo
  echo "## Comment posting, $(date -u +%Y-%m-%dT%H:%MZ)"
  echo
  echo "$("$chancery" --version 2>/dev/null || echo chancery) ($chancery, tree $(git -C "$HERE" rev-parse --short HEAD 2>/dev/null || echo '?'));" \
    "$wrk_version; $nginx_version (2 workers); $(nproc) cores, 1-minute load average $load_at_start at the start, $(cut -d' ' -f1 /proc/loadavg) at the end."
  echo "Page /articles/$slug: $page_bytes bytes. wrk -t$THREADS -d${DURATION}s --timeout ${WRK_TIMEOUT}s, one run per row;" \
    "GETs after a ${WARMUP} s warm-up. Ratio = Chancery ÷ reference."
  echo
  echo "| measure | Chancery | reference | ratio |"
  echo "|---|---:|---:|---:|"
  printf '%s\n' "${rows[@]}"
  echo
  for c in "${POST_CONNS[@]}"; do
    line=${post_line[$c]}
    echo "- POST c$c: $(field "$line" requests) answers, $(field "$line" accepted) were 303, $(field "$line" other) other;" \
      "socket errors: $(errors_of "$line"). Stored as: ${reasons[$c]:-nothing}."
  done
  echo "- GET Chancery: $(field "$get_chancery" requests) requests, errors: $(errors_of "$get_chancery")."
  echo "- GET nginx: $(field "$get_static" requests) requests, errors: $(errors_of "$get_static")."
  echo "- Quoted WordPress figures: wp-comments-post.php, wrk -t2 -c64 -d5s, median of 3 runs, from" \
    "../shared/bench/wordpress on this machine; WP_COMMENTS_PER_SEC and WP_COMMENTS_P99_MS replace them (\"given\")."
}

if ((failed)); then
  die "fewer comments stored than accepted (see the table)"
fi
for c in "${POST_CONNS[@]}"; do
  (($(field "${post_line[$c]}" accepted) > 0)) || die "no comment was accepted at c$c; wrk said: $(tail -n 5 "$tmp/wrk-post-c$c.txt")"
done
