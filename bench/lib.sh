# shellcheck shell=bash disable=SC2034  # variables here are read by the scripts that source this file
# bench/lib.sh: what every bench/<name>/run.sh shares. Sourced, never run.
#
#   source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
#   bench_init page                     # names the script in messages, traps errors
#   install_missing wrk nginx curl jq   # Debian packages, only those missing
#   bench_tmp                           # $tmp: a mktemp -d folder, removed on exit
#   start_chancery "$chancery" "$tmp/site" "$tmp/chancery.log" [VAR=value...]
#   start_nginx "$tmp/www"              # nginx, 2 workers, serving a folder
#   run_wrk NAME URL SCRIPT -t2 -c64 -d10s
#
# Every process started here is recorded in started_pids and stopped by its
# PID when the script exits (never by name). Only 127.0.0.1 is used.
# Progress goes to stderr; stdout is left for the result table.

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly BENCH_DIR
readonly BENCH_REPORT_LUA=$BENCH_DIR/report.lua

# Settings every benchmark gives `chancery serve`: no access log (nginx runs
# with access_log off too) and two event-loop threads, as nginx has two
# workers. The database and render pool keeps its configured size.
readonly CHANCERY_BENCH_ENV=(CHANCERY_SERVER_ACCESS_LOG=false CHANCERY_SERVER_THREADS=2)
readonly NGINX_WORKERS=2

WRK_TIMEOUT=${WRK_TIMEOUT:-10}
BENCH_NAME=bench
tmp=""
started_pids=()

say() { echo "==> $*" >&2; }
die() { echo "bench/$BENCH_NAME: $*" >&2; exit 1; }

# bench_init NAME: messages say bench/NAME; a failing command names its line.
bench_init() {
  BENCH_NAME=$1
  trap 'echo "bench/$BENCH_NAME: line $LINENO failed: $BASH_COMMAND" >&2' ERR
}

# ---- packages ----------------------------------------------------------------------

# install_missing CMD...: installs the Debian package of each command that is
# not on PATH (the package has the command's name; nginx may sit in /usr/sbin).
install_missing() {
  local missing=() cmd
  for cmd in "$@"; do
    command -v "$cmd" >/dev/null && continue
    [[ $cmd == nginx && -x /usr/sbin/nginx ]] && continue
    missing+=("$cmd")
  done
  install_packages "${missing[@]}"
}

# install_packages PKG...: apt-get installs the packages not yet installed.
install_packages() {
  local missing=() pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  ((${#missing[@]} == 0)) && return 0
  say "installing ${missing[*]}"
  local sudo=()
  ((EUID == 0)) || sudo=(sudo)
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}

nginx_binary() { command -v nginx || echo /usr/sbin/nginx; }

# chancery_path PATH: the absolute path of an executable chancery binary.
chancery_path() {
  [[ -x $1 ]] || die "no chancery binary at '$1' (build it with make build, or pass its path)"
  echo "$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
}

# ---- the temporary folder and the processes we start --------------------------------

# bench_tmp: makes $tmp (mktemp -d) and arranges for it to be removed, and the
# started processes stopped, on exit or interruption.
bench_tmp() {
  tmp=$(mktemp -d -t "chancery-bench-$BENCH_NAME.XXXXXX")
  trap bench_cleanup EXIT
  trap 'exit 130' INT TERM
}

# track_pid PID: stop PID when the script ends.
track_pid() { started_pids+=("$1"); }

# stop_pid PID: TERM, up to 5 s to exit, then KILL; forgets it.
stop_pid() {
  local pid=$1 kept=() p
  kill -TERM "$pid" 2>/dev/null || true
  for _ in {1..50}; do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  for p in "${started_pids[@]}"; do [[ $p == "$pid" ]] || kept+=("$p"); done
  started_pids=("${kept[@]}")
}

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

bench_cleanup() {
  stop_started
  [[ -n $tmp ]] && rm -rf "$tmp"
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# free_port: a loopback port nothing answers on now (another process may still
# take it before we bind; callers retry).
free_port() {
  local candidate
  for _ in {1..50}; do
    candidate=$((20000 + RANDOM % 40000))
    port_in_use "$candidate" || { echo "$candidate"; return 0; }
  done
  die "no free loopback port found"
}

# ---- Chancery ----------------------------------------------------------------------

# start_chancery BINARY DATA LOG [VAR=value...]: `chancery serve` on a port
# the kernel picks, with CHANCERY_BENCH_ENV and the given variables. Sets
# chancery_pid and base (http://127.0.0.1:PORT).
start_chancery() {
  local binary=$1 data=$2 log=$3
  shift 3
  : >"$log"  # exists before the server opens it, so polling it cannot fail
  env "${CHANCERY_BENCH_ENV[@]}" "$@" "$binary" serve --data "$data" --listen 127.0.0.1:0 >"$log" 2>&1 &
  chancery_pid=$!
  track_pid "$chancery_pid"
  local port=""
  for _ in {1..100}; do
    port=$(sed -n 's|.*serving .* at http://127\.0\.0\.1:\([0-9][0-9]*\)/.*|\1|p' "$log" | sed -n 1p)
    [[ -n $port ]] && break
    kill -0 "$chancery_pid" 2>/dev/null || die "chancery serve exited: $(tail -n 3 "$log")"
    sleep 0.1
  done
  [[ -n $port ]] || die "chancery serve did not say where it listens within 10 s: $(tail -n 3 "$log")"
  base=http://127.0.0.1:$port
}

# ---- nginx -------------------------------------------------------------------------

# write_nginx_conf ROOT PORT CONF: 2 workers, access log off, sendfile on,
# everything it writes under $tmp/nginx. gzip_static serves FILE.gz to
# clients that accept gzip when it exists (only bench/page makes one).
write_nginx_conf() {
  local root=$1 port=$2 conf=$3
  mkdir -p "$tmp/nginx"
  cat >"$conf" <<EOF
worker_processes $NGINX_WORKERS;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  default_type text/html;
  charset utf-8;
  gzip_static on;
  client_body_temp_path $tmp/nginx/body;
  proxy_temp_path $tmp/nginx/proxy;
  fastcgi_temp_path $tmp/nginx/fastcgi;
  uwsgi_temp_path $tmp/nginx/uwsgi;
  scgi_temp_path $tmp/nginx/scgi;
  server {
    listen 127.0.0.1:$port;
    root $root;
  }
}
EOF
}

# open_to_nginx ROOT: workers of an nginx started as root run as another user,
# so they must be able to reach the files under ROOT (inside $tmp).
open_to_nginx() {
  chmod 0711 "$tmp"
  find "$1" -type d -exec chmod 0755 {} +
  find "$1" -type f -exec chmod 0644 {} +
}

# launch_nginx CONF: starts nginx in the foreground (daemon off) in the
# background of this shell; sets nginx_pid. Does not wait for it to listen.
launch_nginx() {
  local bin
  bin=$(nginx_binary)
  "$bin" -p "$tmp/nginx/" -e "$tmp/nginx/error.log" -c "$1" -g 'daemon off;' >>"$tmp/nginx/stdout.log" 2>&1 &
  nginx_pid=$!
  track_pid "$nginx_pid"
}

# start_nginx ROOT: nginx serving ROOT on a free port; sets nginx_pid and
# static_base. If another process takes the port first, nginx exits and the
# next candidate is tried.
start_nginx() {
  local root=$1 candidate conf=$tmp/nginx.conf bin
  bin=$(nginx_binary)
  open_to_nginx "$root"
  nginx_pid=""
  static_base=""
  for _ in {1..5}; do
    candidate=$(free_port)
    write_nginx_conf "$root" "$candidate" "$conf"
    "$bin" -t -q -p "$tmp/nginx/" -e "$tmp/nginx/error.log" -c "$conf" >&2 || die "nginx rejects $conf"
    launch_nginx "$conf"
    for _ in {1..50}; do
      port_in_use "$candidate" && break
      kill -0 "$nginx_pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$nginx_pid" 2>/dev/null && port_in_use "$candidate"; then
      static_base=http://127.0.0.1:$candidate
      return 0
    fi
    stop_pid "$nginx_pid"
  done
  die "nginx did not start: $(tail -n 3 "$tmp/nginx/error.log" 2>/dev/null)"
}

# ---- memory --------------------------------------------------------------------------

# kib_field PID FIELD: a /proc/PID/status field (VmHWM, VmRSS) in KiB; 0 if gone.
kib_field() { awk -v f="$2:" '$1 == f { print $2; found = 1 } END { if (!found) print 0 }' "/proc/$1/status" 2>/dev/null || echo 0; }

# peak_rss_mib PID: VmHWM (the process's peak resident set) in MiB.
peak_rss_mib() { awk -v k="$(kib_field "$1" VmHWM)" 'BEGIN { printf "%.1f\n", k / 1024 }'; }

# tree_peak_rss_mib PID: VmHWM of PID and its children, summed, in MiB (for
# nginx: the master and its workers; shared pages count once per process, as
# in WordPress's RSS figure).
tree_peak_rss_mib() {
  local total=0 pid
  for pid in "$1" $(cat "/proc/$1/task/"*/children 2>/dev/null); do
    total=$((total + $(kib_field "$pid" VmHWM)))
  done
  awk -v k="$total" 'BEGIN { printf "%.1f\n", k / 1024 }'
}

# ---- wrk -----------------------------------------------------------------------------

# run_wrk NAME URL SCRIPT WRK-ARGS...: one measured run of
# `wrk WRK-ARGS --timeout --latency -s SCRIPT URL`; prints its BENCH line
# (report.lua) and keeps wrk's whole output in $tmp/wrk-NAME.txt.
run_wrk() {
  local name=$1 url=$2 script=$3
  shift 3
  local out=$tmp/wrk-$name.txt
  say "wrk $name: $* $url"
  wrk "$@" --timeout "${WRK_TIMEOUT}s" --latency -s "$script" "$url" >"$out" 2>&1 ||
    die "wrk $name failed: $(tail -n 3 "$out")"
  grep '^BENCH ' "$out" || die "wrk $name printed no summary: $(tail -n 3 "$out")"
}

# warm_up SECONDS URL WRK-ARGS...: an unmeasured run.
warm_up() {
  local seconds=$1 url=$2
  shift 2
  wrk "$@" -d"${seconds}s" --timeout "${WRK_TIMEOUT}s" "$url" >/dev/null 2>&1 || true
}

# field LINE KEY: the value of KEY=value in a BENCH line.
field() {
  local v
  v=$(sed -n "s/.* $2=\([^ ]*\).*/\1/p" <<<"$1")
  [[ -n $v ]] || die "no $2 in: $1"
  echo "$v"
}

# errors_of LINE: wrk's error counts in words.
errors_of() {
  local line=$1
  echo "connect $(field "$line" err_connect), read $(field "$line" err_read), write $(field "$line" err_write)," \
    "timeout $(field "$line" err_timeout), status ≥400 $(field "$line" err_status)"
}

# wrk_errors LINE: the sum of wrk's error counts (0 for a clean run).
wrk_errors() {
  local line=$1
  echo $(($(field "$line" err_connect) + $(field "$line" err_read) + $(field "$line" err_write) +
    $(field "$line" err_timeout) + $(field "$line" err_status)))
}

# ---- numbers -------------------------------------------------------------------------

# ratio A B: A ÷ B to three significant figures ("1.00×"), or "—" when B is 0.
ratio() {
  awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "—"; else if (a / b >= 100) printf "%.0f×\n", a / b; else printf "%#.3g×\n", a / b }'
}
num() { awk -v x="$1" 'BEGIN { if (x >= 100) printf "%.0f\n", x; else printf "%.3g\n", x }'; }

# median X...: the middle value (the mean of the two middle ones for an even count).
median() {
  printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# at_least A B / at_most A B: "yes" or "no".
at_least() { awk -v a="$1" -v b="$2" 'BEGIN { print (a >= b) ? "yes" : "no" }'; }
at_most() { awk -v a="$1" -v b="$2" 'BEGIN { print (a <= b) ? "yes" : "no" }'; }

# ---- the summary bench/run.sh prints --------------------------------------------------

# summary_row BENCHMARK CHANCERY REFERENCE RATIO GOAL MET: one row of the
# closing table, appended to $SUMMARY_FILE when bench/run.sh set it.
summary_row() {
  [[ -n ${SUMMARY_FILE:-} ]] || return 0
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >>"$SUMMARY_FILE"
}

# tree_label: the commit the benchmark ran from, "+ changes" when the tree is dirty.
tree_label() {
  local rev
  rev=$(git -C "$BENCH_DIR" rev-parse --short HEAD 2>/dev/null) || { echo '?'; return; }
  if [[ -n $(git -C "$BENCH_DIR" status --porcelain --untracked-files=no 2>/dev/null) ]]; then
    echo "$rev + uncommitted changes"
  else
    echo "$rev"
  fi
}
