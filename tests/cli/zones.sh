#!/usr/bin/env bash
# End-to-end: lugeo zones (text, --json, -o GPKG with three layers), --balance, --existing, bad input.
set -euo pipefail
LUGEO=$1
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$LUGEO" zones --help | grep "Examples:" >/dev/null || fail "zones --help has no example"

# the demo's six kiosks; GPKG layers zones / zone_edges / kiosks
"$LUGEO" zones -q --spacing 40 -o "$TMP/z.gpkg" --json > "$TMP/z.json"
python3 - "$TMP/z.json" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
assert j["kiosks"] == 6 and len(j["zones"]) == 6
assert all(z["network_parts"] == 1 for z in j["zones"]), "a zone is not connected"
road = sum(z["road_km"] for z in j["zones"])
# the zones' road is the reached road inside the boundary; the rest is outside it or unreached
assert abs(road + j["outside_boundary_km"] + j["unreached_km"] - j["drivable_km"]) < 0.05, (road, j["outside_boundary_km"], j["unreached_km"], j["drivable_km"])
assert j["outside_boundary_km"] > 0, "the demo extract reaches beyond its synthetic boundary"
assert j["imbalance"] >= 1
PY
ogrinfo -ro -so "$TMP/z.gpkg" zones | grep -q "Feature Count: 6" || fail "zones layer"
ogrinfo -ro -so "$TMP/z.gpkg" kiosks | grep -q "Feature Count: 6" || fail "kiosks layer"
ogrinfo -ro -so "$TMP/z.gpkg" zone_edges | grep -q "Feature Count:" || fail "zone_edges layer"
"$LUGEO" zones -q | grep -q "Imbalance" || fail "text output"

# balancing by incidents reports how far it got and the cost in response time
"$LUGEO" zones -q --spacing 50 --balance incidents --tolerance 10 --json > "$TMP/b.json"
python3 - "$TMP/b.json" <<'PY'
import json, sys
b = json.load(open(sys.argv[1]))["balancing"]
assert b["final_imbalance"] < b["initial_imbalance"], b
for k in ("iterations", "converged", "mean_time_before_s", "mean_time_after_s", "p95_time_before_s", "p95_time_after_s"):
    assert k in b, k
PY

# the plan's own polygons as an existing plan (matched by the 'kiosk' field)
"$LUGEO" zones -q --spacing 40 --existing "$TMP/z.gpkg:zones" --json > "$TMP/e.json"
python3 - "$TMP/e.json" <<'PY'
import json, sys
e = json.load(open(sys.argv[1]))["existing"]
assert e["gap_area_m2"] < 1 and e["overlap_area_m2"] < 1, e
PY

# the Voronoi reference construction gives the same zones' areas within 1 % (GPKG polygons)
"$LUGEO" zones -q --polygons voronoi --spacing 25 -o "$TMP/v.gpkg" --json > "$TMP/v.json"
python3 - "$TMP/z.json" "$TMP/v.json" <<'PY'
import json, sys
r, v = (json.load(open(a)) for a in sys.argv[1:3])
assert r["cell_m"] > 0 and v["cell_m"] == 0, (r["cell_m"], v["cell_m"])
for a, b in zip(r["zones"], v["zones"]):
    assert abs(a["area_km2"] - b["area_km2"]) <= 0.01 * b["area_km2"] + 0.01, (a["kiosk"], a["area_km2"], b["area_km2"])
PY

# allocation only (--no-polygons): no grid, no areas (null, never 0), the same road figures;
# -o writes the edges and kiosks but no zones layer; it needs no land, so not --balance area
"$LUGEO" zones -q --json > "$TMP/cells.json"
"$LUGEO" zones -q --no-polygons --json -o "$TMP/alloc.gpkg" > "$TMP/alloc.json"
python3 - "$TMP/cells.json" "$TMP/alloc.json" <<'PY'
import json, sys
c, a = (json.load(open(f)) for f in sys.argv[1:3])
assert a["cell_m"] == 0, a["cell_m"]
assert all(z["area_km2"] is None for z in a["zones"]), "allocation only printed an area"
for zc, za in zip(c["zones"], a["zones"]):
    assert zc["road_km"] == za["road_km"] and zc["mean_time_s"] == za["mean_time_s"], (zc, za)
    inc = lambda z: sum(z["incidents"].values())
    assert abs(inc(zc) - inc(za)) <= 0.02 * inc(zc) + 2, (inc(zc), inc(za))
PY
layers=$(ogrinfo -q "$TMP/alloc.gpkg" | awk '{print $2}' | tr '\n' ' ')
case " $layers " in *" zones "*) fail "--no-polygons wrote a zones layer: $layers";; esac
case " $layers " in *" zone_edges "*) ;; *) fail "--no-polygons wrote no zone_edges: $layers";; esac
"$LUGEO" zones -q --no-polygons | grep -q "Allocation only" || fail "--no-polygons text does not say it"
set +e
"$LUGEO" zones -q --no-polygons --balance area > /dev/null 2> "$TMP/area.err"; rc=$?
[ $rc -eq 3 ] || fail "--no-polygons --balance area: exit $rc"
grep -q "area" "$TMP/area.err" || fail "--no-polygons --balance area: the error does not say why"
"$LUGEO" zones -q --no-polygons --existing > /dev/null 2>&1; rc=$?
[ $rc -eq 2 ] || fail "--no-polygons --existing: exit $rc"
set -e

# bad input: exit code 2 (usage) or 3 (input), never a crash
set +e
"$LUGEO" zones -q --polygons hexagons > /dev/null 2>&1; rc=$?
[ $rc -eq 2 ] || fail "--polygons hexagons: exit $rc"
"$LUGEO" zones -q --balance people > /dev/null 2>&1; rc=$?
[ $rc -eq 2 ] || fail "--balance people: exit $rc (a bad command line)"
"$LUGEO" zones -q --kiosks /nonexistent.geojson > /dev/null 2>&1; rc=$?
[ $rc -eq 3 ] || fail "--kiosks missing file: exit $rc"
"$LUGEO" zones -q -o "$(dirname "$0")/../../data/demo/units.geojson" > /dev/null 2>&1; rc=$?
[ $rc -eq 2 ] || fail "output over an existing file without --overwrite: exit $rc"
"$LUGEO" zones -q -o "$(dirname "$0")/../../data/demo/units.geojson" --overwrite > /dev/null 2>&1; rc=$?
[ $rc -eq 3 ] || fail "output over an input: exit $rc"
# zones --balance incidents without an incidents layer: an input error naming what is
# missing, not "converged" (issue 11)
python3 - "$(cd "$(dirname "$0")/../../data/demo" && pwd)" "$TMP/noinc.toml" <<'PY'
import sys, re
demo, out = sys.argv[1], sys.argv[2]
s = open(demo + "/scene.toml").read()
a, b = s.index("[layers.incidents]"), s.index("[layers.zones]")
s = s[:a] + s[b:]
s = re.sub(r'source = "([^"/][^"]*)"', lambda m: 'source = "%s/%s"' % (demo, m.group(1)), s)
open(out, "w").write(s)
PY
"$LUGEO" zones -q --scene "$TMP/noinc.toml" --balance incidents > "$TMP/noinc.out" 2> "$TMP/noinc.err"; rc=$?
[ $rc -eq 3 ] || fail "--balance incidents without incidents: exit $rc"
grep -q "incidents" "$TMP/noinc.err" || fail "the error does not name the missing incidents"
grep -q "converged" "$TMP/noinc.out" && fail "reported converged without incidents"
set -e
echo OK
