#!/usr/bin/env bash
# End-to-end: lugeo --version/--help, network info (text, --json), network export, bad input.
set -euo pipefail
LUGEO=$1
SRC=$2
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$LUGEO" --version | grep -Eq '^lugeo [0-9]+\.[0-9]+\.[0-9]+$' || fail "--version"
"$LUGEO" network info --help | grep "Examples:" >/dev/null || fail "network info --help has no example"
"$LUGEO" network export --help | grep "Examples:" >/dev/null || fail "network export --help has no example"

# the demo scene by default; --json parses and agrees with the text
"$LUGEO" network info --json > "$TMP/info.json"
python3 - "$TMP/info.json" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
assert j["crs"] == "EPSG:32648", j["crs"]
assert j["edges"] > 4000 and j["nodes"] > 3000, (j["edges"], j["nodes"])
# each figure rounded to 1 m (docs/json.md): the sum within half a metre per class
assert abs(sum(j["by_class_km"].values()) - j["total_km"]) <= 0.0005 * (len(j["by_class_km"]) + 1)
assert j["profiles"]["car"]["km"] <= j["total_km"] + 1e-9
assert 0 < j["oneway_share_car"] < 1
PY
"$LUGEO" network info | grep -q "By road class" || fail "text output"

# export: GPKG with one feature per edge; opens with GDAL
edges=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["edges"])' "$TMP/info.json")
"$LUGEO" network export -q -o "$TMP/edges.gpkg" --nodes
ogrinfo -ro -so "$TMP/edges.gpkg" edges | grep -q "Feature Count: $edges" || fail "export feature count"
ogrinfo -ro -so "$TMP/edges.gpkg" edges | grep -q "car_fwd_s" || fail "export fields"
ls -a "$TMP" | grep -q '\.tmp' && fail "a temporary file was left behind"

# --roads with a bbox-cut extract reports what was cut
"$LUGEO" network info --roads "$SRC/tests/fixtures/osm/helsinki-centre-2019-04.osm.pbf" | grep -q "missing from the extract" \
    || fail "bbox-cut report"

# bad input: a clear message naming the file, and exit code 3; usage errors exit 2
set +e
"$LUGEO" network info --roads "$TMP/nope.osm" 2> "$TMP/err"; rc=$?
set -e
[[ $rc -eq 3 ]] || fail "missing file: exit $rc"
grep -q "nope.osm" "$TMP/err" || fail "missing file: message does not name it"
set +e
"$LUGEO" network info --bogus 2>/dev/null; rc=$?
set -e
[[ $rc -eq 2 ]] || fail "unknown option: exit $rc"
# a failed export leaves the previous output untouched
cp "$TMP/edges.gpkg" "$TMP/keep.gpkg"
set +e
"$LUGEO" network export -q --roads "$TMP/nope.osm" -o "$TMP/keep.gpkg" --overwrite 2>/dev/null; rc=$?
set -e
[[ $rc -eq 3 ]] || fail "failed export: exit $rc"
cmp -s "$TMP/edges.gpkg" "$TMP/keep.gpkg" || fail "a failed export changed the existing output"
# never overwrite an input
set +e
"$LUGEO" network export -q --roads "$TMP/keep.gpkg:edges" -o "$TMP/keep.gpkg" --overwrite 2> "$TMP/err"; rc=$?
set -e
[[ $rc -eq 3 ]] || fail "overwriting the input: exit $rc"
grep -q "never overwrites an input" "$TMP/err" || fail "overwriting the input: message"
echo "network CLI: all checks passed"
