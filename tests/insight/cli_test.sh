#!/bin/sh
# usage: cli_test.sh CHANCERY — `chancery analyze` as a user runs it: JSON and
# text output, standard input, and one clear line on stderr for each error.
set -u
chancery=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

printf 'Russia and China signed a treaty in 2001.\n\nLavrov visited Islamabad.\n' >"$tmp/a.md"

# JSON: the contract's three arrays.
"$chancery" analyze --text "$tmp/a.md" --format json >"$tmp/out.json" 2>"$tmp/err" || fail "json exit $?"
python3 - "$tmp/out.json" <<'PY' || fail "json shape"
import json, sys
d = json.load(open(sys.argv[1]))
assert set(["actors", "relations", "events"]) <= set(d), d.keys()
ids = {a["id"] for a in d["actors"]}
assert {"RUS", "CHN", "PAK"} <= ids, ids
assert any(r["a"] == "CHN" and r["b"] == "RUS" and r["tone"] > 0 for r in d["relations"]), d["relations"]
assert any(e["date"] == "2001" and "RUS" in e["actors"] for e in d["events"]), d["events"]
PY

# Standard input, plain text, text report.
"$chancery" analyze --text - --input text --format text <"$tmp/a.md" >"$tmp/out.txt" 2>"$tmp/err" || fail "stdin exit $?"
grep -q "^Relations" "$tmp/out.txt" || fail "text report has no Relations section"
grep -q "CHN – RUS" "$tmp/out.txt" || fail "text report has no CHN – RUS pair"

# --year picks the office-holder of the year.
printf 'Bush said the United States would talk to Putin.\n' >"$tmp/b.md"
"$chancery" analyze --text "$tmp/b.md" --year 1990 | grep -q '"george-h-w-bush"' || fail "--year 1990 should name George H. W. Bush"

# Errors: one line on stderr, a non-zero exit, nothing on stdout.
expect_error() {
  what=$1
  shift
  if "$@" >"$tmp/out" 2>"$tmp/err"; then fail "$what: exit 0"; return; fi
  [ "$(wc -l <"$tmp/err")" -eq 1 ] || fail "$what: stderr is not one line: $(cat "$tmp/err")"
  [ ! -s "$tmp/out" ] || fail "$what: wrote to stdout"
  grep -q '^chancery: ' "$tmp/err" || fail "$what: stderr does not start with 'chancery: '"
}
expect_error "missing file" "$chancery" analyze --text "$tmp/nope.md"
expect_error "bad format" "$chancery" analyze --text "$tmp/a.md" --format xml
expect_error "bad input kind" "$chancery" analyze --text "$tmp/a.md" --input pdf
printf 'Russia \377\376 China\n' >"$tmp/bad.md"
expect_error "invalid UTF-8" "$chancery" analyze --text "$tmp/bad.md"
expect_error "missing gazetteer folder" "$chancery" analyze --text "$tmp/a.md" --gazetteer "$tmp/none"

[ "$failures" -eq 0 ] && echo "all chancery analyze checks passed"
exit "$failures"
