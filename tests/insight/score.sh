#!/bin/sh
# usage: score.sh CHANCERY TEXT GOLD.json [score-insight.py thresholds...]
# Runs `chancery analyze` on TEXT and scores its JSON against GOLD with
# ../shared/tools/score-insight.py, which fails when a threshold is not met.
set -eu
chancery=$1 text=$2 gold=$3
shift 3
here=$(cd "$(dirname "$0")" && pwd)
scorer="$here/../../../shared/tools/score-insight.py"
out=$(mktemp)
trap 'rm -f "$out"' EXIT
"$chancery" analyze --text "$text" --format json >"$out"
python3 "$scorer" "$gold" "$out" "$@"
