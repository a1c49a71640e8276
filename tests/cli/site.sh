#!/usr/bin/env bash
# End-to-end: lugeo site on the demo (text, --json, -o GPKG with three layers), the objectives,
# --add 0 / --relocate 0, relocation, bad input.
set -euo pipefail
LUGEO=$1
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$LUGEO" site --help | grep "Examples:" >/dev/null || fail "site --help has no example"

# today's figures: --add 0 and --relocate 0 change nothing
"$LUGEO" site -q --add 0 --json > "$TMP/zero.json"
"$LUGEO" site -q --add 0 --relocate 0 --json > "$TMP/zero2.json"
# three new kiosks by maximal covering of incidents within 5 minutes; GPKG layers
"$LUGEO" site -q --add 3 --json -o "$TMP/s.gpkg" > "$TMP/c.json"
python3 - "$TMP/zero.json" "$TMP/zero2.json" "$TMP/c.json" <<'PY'
import json, sys
z, z2, c = (json.load(open(a)) for a in sys.argv[1:4])
assert z["sites"] == [] and z["method"] == "none", z["method"]
assert z["before"] == z["after"] == z2["before"] == z2["after"], "add 0 changed the figures"
assert c["before"] == z["before"], "the figures before depend on --add"
assert c["objective"] == "cover" and c["fixed"] == 6, (c["objective"], c["fixed"])
assert len(c["sites"]) == 3
for s in c["sites"]:
    assert 103 < s["lon"] < 105 and 30 < s["lat"] < 31.5, s      # Chengdu
    for k in ("id", "gain", "figures"):
        assert k in s, k
gains = [s["gain"] for s in c["sites"]]
assert all(a >= b - 1e-6 for a, b in zip(gains, gains[1:])), gains   # never increase
assert c["after"]["covered_weight"] >= c["before"]["covered_weight"]
assert c["after"]["mean_time_s"] <= c["before"]["mean_time_s"]
assert abs(c["after"]["covered_weight"] - c["before"]["covered_weight"] - sum(gains)) < 0.05
assert c["moved_inside"]["weight"] > 0
assert len(c["zones_before"]) == 6 and len(c["zones_after"]) == 9
assert abs(sum(z["weight"] for z in c["zones_after"]) - c["after"]["weight"]) < 0.5
PY
ogrinfo -ro -so "$TMP/s.gpkg" sites | grep -q "Feature Count: 3" || fail "sites layer"
ogrinfo -ro -so "$TMP/s.gpkg" zones | grep -q "Feature Count: 9" || fail "zones layer"
ogrinfo -ro -so "$TMP/s.gpkg" units | grep -q "Feature Count: 9" || fail "units layer"
ogrinfo -ro -so "$TMP/s.gpkg" changed | grep -q "Feature Count:" || fail "changed layer"
"$LUGEO" site -q --add 2 | grep -q "Moved inside the standard" || fail "text output"

# median and center; center reports a lower bound no larger than its value
"$LUGEO" site -q --add 2 --objective median --json > "$TMP/m.json"
"$LUGEO" site -q --add 2 --objective center --demand roads --json > "$TMP/p.json"
python3 - "$TMP/m.json" "$TMP/p.json" <<'PY'
import json, sys
m, p = (json.load(open(a)) for a in sys.argv[1:3])
assert m["after"]["mean_time_s"] < m["before"]["mean_time_s"]
assert p["method"] == "radius_search", p["method"]
assert p["lower_bound"] <= p["objective_after"] + 1e-6
assert p["after"]["worst_time_s"] <= p["before"]["worst_time_s"]
PY

# moving one kiosk: at most one move, never worse
"$LUGEO" site -q --add 0 --relocate 1 --json > "$TMP/r.json"
python3 - "$TMP/r.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
assert len(r["moves"]) <= 1 and len(r["sites"]) == len(r["moves"])
assert r["after"]["covered_weight"] >= r["before"]["covered_weight"]
PY

# center with a move: the worst time never rises, the bound is no larger than the value
"$LUGEO" site -q --add 0 --relocate 1 --objective center --demand key_sites --json > "$TMP/rc.json"
python3 - "$TMP/rc.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
assert len(r["moves"]) <= 1 and len(r["sites"]) == len(r["moves"])
assert r["after"]["worst_time_s"] <= r["before"]["worst_time_s"] + 1e-6
assert r["lower_bound"] <= r["objective_after"] + 1e-6
assert r["turnout_s"]["kiosk"] == 30, r["turnout_s"]
PY

# the seal objective: a small sample, the sample and method stated, the share never falls
"$LUGEO" site -q --add 1 --objective seal --sample 20 --shortlist 3 --json > "$TMP/s.json"
python3 - "$TMP/s.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
assert r["objective"] == "seal" and r["method"] == "greedy_shortlist"
assert r["sample"]["points"] == 20 and r["sample"]["population"] > 20, r["sample"]
assert len(r["sites"]) == 1 and r["sites"][0]["gain"] >= 0
assert r["after"]["sealed_weight"] >= r["before"]["sealed_weight"]
PY

# candidates: community rooms, a 500 m grid
"$LUGEO" site -q --add 1 --candidates units:community_room --json > "$TMP/u.json"
python3 -c "import json,sys; j=json.load(open(sys.argv[1])); assert j['candidates']['used']==16, j['candidates']" "$TMP/u.json"
"$LUGEO" site -q --add 1 --candidates grid:500 --json > /dev/null

# bad input: exit code 2 (usage) or 3 (input), never a crash
cat > "$TMP/far.geojson" <<'EOF'
{"type": "FeatureCollection", "features": [
 {"type": "Feature", "properties": {"id": "x"}, "geometry": {"type": "Point", "coordinates": [104.06, 31.2]}}]}
EOF
set +e
"$LUGEO" site -q --add 1 --candidates "$TMP/far.geojson" > /dev/null 2> "$TMP/err"; rc=$?
[ $rc -eq 3 ] || fail "candidates off the network: exit $rc"
grep -q "far.geojson" "$TMP/err" || fail "the error does not name the candidate layer: $(cat "$TMP/err")"
"$LUGEO" site -q --add 17 --candidates units:community_room > /dev/null 2> "$TMP/err"; rc=$?
[ $rc -eq 3 ] || fail "K > candidates: exit $rc"
grep -q "16 candidate" "$TMP/err" || fail "K > candidates message: $(cat "$TMP/err")"
"$LUGEO" site -q --objective best > /dev/null 2>&1; rc=$?
[ $rc -eq 2 ] || fail "--objective best: exit $rc"
"$LUGEO" site -q --candidates grid:abc > /dev/null 2>&1; rc=$?
[ $rc -eq 3 ] || fail "grid:abc: exit $rc"
"$LUGEO" site -q --add -1 > /dev/null 2>&1; rc=$?
[ $rc -eq 2 ] || fail "--add -1: exit $rc"
"$LUGEO" site -q --within nan > /dev/null 2>&1; rc=$?
[ $rc -eq 2 ] || fail "--within nan: exit $rc"
"$LUGEO" site -q --objective seal --relocate 1 > /dev/null 2>&1; rc=$?
[ $rc -eq 3 ] || fail "seal with --relocate: exit $rc"
set -e

# a new city has no incidents: the demand defaults to the road length, and says so
FIX=$(cd "$(dirname "$0")/../fixtures/osm" && pwd)
"$LUGEO" scene init -q "$FIX/lauf-an-der-pegnitz-2020-01-15.osm.pbf" -o "$TMP/lauf" > /dev/null
"$LUGEO" site --scene "$TMP/lauf/scene.toml" --json > "$TMP/lauf.json" 2> "$TMP/lauf.err"
grep -q "no incidents layer: the demand is the road length" "$TMP/lauf.err" \
    || fail "no note on the road demand: $(cat "$TMP/lauf.err")"
python3 - "$TMP/lauf.json" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
assert j["demand"] == "roads", j["demand"]
assert len(j["sites"]) == 1 and j["after"]["covered_weight"] > j["before"]["covered_weight"], j["after"]
PY
# asked for explicitly, incidents still stop with the parameter named (exit 3)
set +e
"$LUGEO" site -q --scene "$TMP/lauf/scene.toml" --demand incidents > /dev/null 2> "$TMP/lauf2.err"; rc=$?
set -e
[ $rc -eq 3 ] && grep -q "\[demand\]" "$TMP/lauf2.err" || fail "--demand incidents without incidents: exit $rc"
echo "site: ok"
