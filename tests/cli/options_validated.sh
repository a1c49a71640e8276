#!/usr/bin/env bash
# Every numeric and enumerated option goes through one validated parser (cli/common): NaN, inf,
# out-of-range, negative counts and unknown words are a bad command line (exit 2) whose message
# names the option, the value and what is allowed; nothing runs.
set -euo pipefail
LUGEO=$1
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# command (words) | option | bad values (space-separated)
cases=(
  "coverage|--min-gap|nan inf -1 1e999 12abc"
  "coverage|--list|-1 2.5 nan"
  "coverage|--profile|bus"
  "coverage plan --add 3|--hfov|0 nan 400 -inf"
  "coverage plan --add 3|--range|0 -5 nan 1e7"
  "coverage plan --add 3|--headings|-1 100000 nan 1.5"
  "coverage plan --add 3|--type|laser"
  "coverage plan --add 3|--dori|perfect"
  "coverage plan --add 3|--resolution|0 nan"
  "coverage plan --add 3|--incident-weight|nan -1"
  "coverage plan --add 3|--phases|0 -1"
  "coverage plan|--add|-1 0 18446744073709551615 nan"
  "isochrones|--trim|0 nan 1e5 -1"
  "isochrones|--fill-holes|-1 nan"
  "isochrones|--cell|0 nan 1e9 -1"
  "isochrones|--max-snap|nan 0 -1 inf"
  "isochrones|--minutes|1,nan 0 -5 1,inf"
  "isochrones|--top|-1"
  "isochrones|--profile|plane"
  "locate G101-0001|--radius|nan 0 -1 inf"
  "locate G101-0001|--pair-distance|nan -1 0"
  "locate G101-0001|--candidates|0 -1 101 nan"
  "nearest 104.07,30.66|-k|0 -1 nan 1001"
  "poles check|--max-road-distance|nan 0 -1"
  "poles check|--confusable-distance|nan -1"
  "poles check|--confusable-probability|nan -0.1 2"
  "poles check|--limit|-1 nan"
  "poles check|--top|-1"
  "incident G101-0001|--limit|nan 0 -1"
  "incident G101-0001|--units|-1"
  "incident G101-0001|--cameras|-1"
  "incident G101-0001|--profile|plane"
  "zones|--cell|1e9 nan 0 -1"
  "zones|--tolerance|nan 0 -1"
  "zones|--max-iterations|-1 nan"
  "zones|--spacing|0 nan -1"
  "zones|--balance|people"
  "zones|--polygons|hexagons"
  "report|--cameras|-1 nan"
  "report|--top|-1"
)
n=0
for c in "${cases[@]}"; do
  IFS='|' read -r cmd opt values <<< "$c"
  for v in $values; do
    set +e
    # shellcheck disable=SC2086
    timeout 20 "$LUGEO" $cmd -q "$opt" "$v" > "$TMP/out" 2> "$TMP/err"; rc=$?
    set -e
    [ $rc -eq 2 ] || fail "$cmd $opt $v: exit $rc (want 2): $(head -2 "$TMP/err")"
    grep -qF -- "$opt" "$TMP/err" || fail "$cmd $opt $v: the message does not name $opt: $(cat "$TMP/err")"
    grep -qF -- "'$v'" "$TMP/err" || fail "$cmd $opt $v: the message does not name the value: $(cat "$TMP/err")"
    grep -qE "allowed|one of" "$TMP/err" || fail "$cmd $opt $v: the message does not say what is allowed: $(cat "$TMP/err")"
    [ ! -s "$TMP/out" ] || fail "$cmd $opt $v: something on stdout"
    n=$((n + 1))
  done
done

# values at the edges of the ranges are accepted (parsing only: the command may still refuse
# the value for the data, but never as a bad command line)
ok=(
  "nearest 104.07,30.66|-k|1 1000 +5"
  "locate G101-0001 --no-network|--candidates|1 100"
  "locate G101-0001 --no-network|--pair-distance|0.5 1e3"
)
for c in "${ok[@]}"; do
  IFS='|' read -r cmd opt values <<< "$c"
  for v in $values; do
    set +e
    # shellcheck disable=SC2086
    timeout 60 "$LUGEO" $cmd -q "$opt" "$v" > /dev/null 2> "$TMP/err"; rc=$?
    set -e
    [ $rc -ne 2 ] || fail "$cmd $opt $v refused: $(cat "$TMP/err")"
    n=$((n + 1))
  done
done
echo "ok: $n option values checked"
