#!/usr/bin/env bash
# End-to-end: lugeo scene init on small OSM fixtures, then scene check and the commands that
# must run on the scene with no hand edits; overwrite refusal; placeholder kiosks; an unusable
# layer makes scene check exit 1.
set -euo pipefail
LUGEO=$1
SRC=$2
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
FIX="$SRC/tests/fixtures/osm"

"$LUGEO" scene init --help | grep "Examples:" >/dev/null || fail "scene init --help has no example"
"$LUGEO" scene check --help | grep "Examples:" >/dev/null || fail "scene check --help has no example"

# ---- init on Lauf (police tagged): every command runs on the scene as written ----
"$LUGEO" scene init "$FIX/lauf-an-der-pegnitz-2020-01-15.osm.pbf" -o "$TMP/lauf" --json -q > "$TMP/init.json"
S="$TMP/lauf/scene.toml"
[[ -f "$S" && -f "$TMP/lauf/layers.gpkg" ]] || fail "scene.toml / layers.gpkg not written"
"$LUGEO" scene check --scene "$S" --json -q > "$TMP/check.json" || fail "scene check exit $?"
"$LUGEO" network info --scene "$S" --json -q > "$TMP/net.json"
python3 - "$TMP/init.json" "$TMP/check.json" "$TMP/net.json" "$S" <<'PY'
import json, sys, re
init, check, net = (json.load(open(p)) for p in sys.argv[1:4])
toml = open(sys.argv[4]).read()
# the CRS written is the one chosen, with its reason as a comment; the network uses it
assert init["crs"] == check["crs"] == net["crs"], (init["crs"], check["crs"], net["crs"])
# the road layout scene check reports is the one network info detected (an OSM extract: undirected)
assert check["network"]["layout"]["used"] == net["layout"]["used"] == "undirected", (check["network"]["layout"], net["layout"])
assert check["network"]["layout"]["reversed_copy_share"] == net["layout"]["reversed_copy_share"]
assert re.search(r'^crs = "%s"' % init["crs"], toml, re.M)
assert init["crs_reason"] and init["crs_reason"] in toml
assert 0 < init["car_km"] <= init["road_km"] + 1e-9
assert abs(init["road_km"] - net["total_km"]) < 0.1, (init["road_km"], net["total_km"])
# every declared layer is usable and kept what init wrote
assert check["ok"], check
written = {l["role"]: l for l in init["layers"]}
for l in check["layers"]:
    if not l["declared"]:
        assert not written.get(l["role"], {}).get("declared", False), l["role"]
        continue
    assert l["usable"], l
    assert l["kept"] <= l["read"], l
    if l["role"] != "roads":
        assert l["kept"] == written[l["role"]]["features"], (l["role"], l["kept"], written[l["role"]])
for role in ("roads", "boundary", "units", "buildings", "key_sites"):
    assert written[role]["declared"], role
# units: police from OSM, patrol zones drawn for them
assert init["units_from"].startswith("amenity=police"), init["units_from"]
assert 'kiosk_kind = "station"' in toml
cmds = {c["command"]: c for c in check["commands"]}
for c in ("network info / export", "isochrones", "zones", "coverage", "incident LON,LAT", "report"):
    assert cmds[c]["can_run"], cmds[c]
# no plates: coverage plan mounts on road points, nearest gives the junction, seal and site run
assert cmds["coverage plan"]["can_run"] and "along the roads" in cmds["coverage plan"]["why"]
assert cmds["nearest"]["can_run"] and cmds["site"]["can_run"]
assert not cmds["locate / poles check"]["can_run"]
assert not cmds["incident PLATE_ID"]["can_run"] and "plates" in cmds["incident PLATE_ID"]["why"]
PY
# without --scene, a command run in the scene's folder uses its scene.toml (not the demo's),
# and says so on stderr; elsewhere the demo
(cd "$TMP/lauf" && "$LUGEO" network info --json 2> "$TMP/here.err") > "$TMP/net_here.json"
grep -q "the scene of this folder: '.*lauf/scene.toml'" "$TMP/here.err" ||
    fail "no note on the folder's scene: $(cat "$TMP/here.err")"
cmp -s "$TMP/net.json" "$TMP/net_here.json" || fail "network info in the scene's folder is not its scene's"
mkdir -p "$TMP/elsewhere"
(cd "$TMP/elsewhere" && "$LUGEO" network info --json -q) > "$TMP/net_demo.json"
! cmp -s "$TMP/net.json" "$TMP/net_demo.json" || fail "a folder without scene.toml did not get the demo"
"$LUGEO" isochrones --scene "$S" -q > /dev/null || fail "isochrones"
"$LUGEO" zones --scene "$S" -q > /dev/null || fail "zones"
"$LUGEO" coverage --scene "$S" -q > /dev/null || fail "coverage"
"$LUGEO" report --scene "$S" -o "$TMP/report" -q > /dev/null || fail "report"
# incident at a position needs no plates: at the first unit's place
pos=$(ogrinfo -ro -al -q "$TMP/lauf/layers.gpkg" units | sed -n 's/.*POINT (\([0-9.-]*\) \([0-9.-]*\)).*/\1,\2/p' | head -1)
"$LUGEO" incident "$pos" --scene "$S" -q > /dev/null || fail "incident $pos"
"$LUGEO" nearest "$pos" --scene "$S" -q > /dev/null || fail "nearest $pos"
"$LUGEO" coverage plan --add 3 --scene "$S" -q > /dev/null || fail "coverage plan"
# seal: 0 sealed, 1 not sealed; when the boundary holds the whole network (the roads' hull)
# there is no outside to seal off from, and it must say so (exit 3), never print an empty plan
set +e; "$LUGEO" seal "$pos" --scene "$S" -q > /dev/null 2> "$TMP/seal.err"; rc=$?; set -e
[[ $rc -le 1 ]] || { [[ $rc -eq 3 ]] && grep -q "nothing to seal off from" "$TMP/seal.err"; } ||
    fail "seal $pos: exit $rc: $(cat "$TMP/seal.err")"
# and scene check said beforehand whether seal can run
can=$(python3 -c 'import json,sys; print(int({c["command"]: c for c in json.load(open(sys.argv[1]))["commands"]}["seal LON,LAT"]["can_run"]))' "$TMP/check.json")
if [[ $rc -le 1 ]]; then [[ $can -eq 1 ]] || fail "seal ran but scene check said it cannot"
else [[ $can -eq 0 ]] || fail "scene check said seal can run; it found nothing to seal off from"; fi
[[ -s "$TMP/report/report.html" ]] || fail "report.html"
"$LUGEO" scene check --scene "$S" | grep -q "locate / poles check  *cannot run  — no plates" || fail "check text"

# ---- an existing scene is not overwritten unless asked ----
sum=$(md5sum < "$S")
set +e
"$LUGEO" scene init "$FIX/lauf-an-der-pegnitz-2020-01-15.osm.pbf" -o "$TMP/lauf" -q 2> "$TMP/err"; rc=$?
set -e
[[ $rc -eq 2 ]] || fail "overwrite refusal exit $rc"
grep -q -- "--overwrite" "$TMP/err" || fail "refusal names --overwrite"
[[ "$(md5sum < "$S")" == "$sum" ]] || fail "scene.toml changed"
"$LUGEO" scene init "$FIX/lauf-an-der-pegnitz-2020-01-15.osm.pbf" -o "$TMP/lauf" -q --overwrite > /dev/null \
    || fail "--overwrite"

# ---- no police in the extract: placeholder kiosks, synthetic and commented ----
"$LUGEO" scene init "$FIX/tw-taipei-zhongshan-2024-03.osm" -o "$TMP/tp" --kiosks 3 --json -q > "$TMP/tp.json"
T="$TMP/tp/scene.toml"
grep -q "PLACEHOLDER" "$T" || fail "placeholder comment"
python3 - "$TMP/tp.json" "$T" <<'PY'
import json, sys
j = json.load(open(sys.argv[1])); toml = open(sys.argv[2]).read()
assert j["units"] == 3 and j["units_from"].startswith("placeholder"), j
units = toml[toml.index("[layers.units]"):]
units = units[:units.index("[layers.units.fields]")]
assert "synthetic = true" in units, units
assert j["worst_response_s"] > 0
PY
ogrinfo -ro -al -q "$TMP/tp/layers.gpkg" units | grep -Ec "synthetic \(Integer(64)?\) = 1" | grep -qx 3 \
    || fail "units not marked synthetic in the layer"
"$LUGEO" zones --scene "$T" --json -q > "$TMP/tpz.json" || fail "zones on placeholders"
python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); z=j.get("zones", j.get("kiosks")); assert len(z)==3, len(z)' "$TMP/tpz.json" \
    || fail "3 zones for 3 kiosks"
# each placeholder stands on a road (snapped at once)
"$LUGEO" isochrones --scene "$T" --json -q > "$TMP/tpi.json" || fail "isochrones on placeholders"

# ---- a road layer instead of an extract: roads from it, placeholder kiosks ----
"$LUGEO" network export --roads "$FIX/lauf-an-der-pegnitz-2020-01-15.osm.pbf" -o "$TMP/edges.gpkg" -q
"$LUGEO" scene init "$TMP/edges.gpkg:edges" -o "$TMP/lr" --kiosks 4 --json -q > "$TMP/lr.json"
grep -q '^layer = "edges"' "$TMP/lr/scene.toml" || fail "road layer name not written"
"$LUGEO" scene check --scene "$TMP/lr/scene.toml" -q > /dev/null || fail "scene check on a road-layer scene"
"$LUGEO" zones --scene "$TMP/lr/scene.toml" -q > /dev/null || fail "zones on a road-layer scene"
python3 - "$TMP/lr.json" "$TMP/init.json" <<'PY'
import json, sys
lr, osm = (json.load(open(p)) for p in sys.argv[1:3])
assert lr["units"] == 4 and lr["units_from"].startswith("placeholder"), lr
assert lr["crs"] == osm["crs"]           # the same place, the same CRS
assert abs(lr["road_km"] - osm["road_km"]) < 0.01 * osm["road_km"], (lr["road_km"], osm["road_km"])
PY

# ---- an unusable layer: scene check exits 1 and names it ----
sed 's/^layer = "key_sites"/layer = "no_such_layer"/' "$T" > "$TMP/tp/bad.toml"
set +e
"$LUGEO" scene check --scene "$TMP/tp/bad.toml" --json -q > "$TMP/bad.json"; rc=$?
set -e
[[ $rc -eq 1 ]] || fail "scene check on an unusable layer: exit $rc"
python3 - "$TMP/bad.json" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
assert not j["ok"]
bad = [l for l in j["layers"] if l["declared"] and not l["usable"]]
assert [l["role"] for l in bad] == ["key_sites"], bad
assert "no_such_layer" in bad[0]["error"], bad[0]["error"]
PY

# ---- one station mapped as several OSM elements is one unit ----
# Taipei's extract with three police elements added: a node, the building around it (a closed
# way, 30 m square) and another station's node 600 m away: 2 units, said so, the named kept.
python3 - "$FIX/tw-taipei-zhongshan-2024-03.osm" "$TMP/police.osm" <<'PY'
import re, sys
src = open(sys.argv[1], encoding="utf-8").read()
lat, lon = 25.0500, 121.5220          # inside the extract (1.1 x 1.4 km)
d = 0.00015                            # ~15 m
ring = [(19900000002, lat - d, lon - d), (19900000003, lat - d, lon + d), (19900000004, lat + d, lon + d),
        (19900000005, lat + d, lon - d)]   # ids above the extract's (libosmium's index takes no negative ids)
far = (lat + 0.0054, lon)              # ~600 m north
x = ''.join('<node id="%d" version="1" lat="%.7f" lon="%.7f"/>\n' % (i, a, o) for i, a, o in ring)
x += '<node id="19900000001" version="1" lat="%.7f" lon="%.7f"><tag k="amenity" v="police"/><tag k="name" v="Test Station"/></node>\n' % (lat, lon)
x += '<node id="19900000006" version="1" lat="%.7f" lon="%.7f"><tag k="amenity" v="police"/></node>\n' % far
w = '<way id="9900000007" version="1"><nd ref="19900000002"/><nd ref="19900000003"/><nd ref="19900000004"/><nd ref="19900000005"/><nd ref="19900000002"/><tag k="amenity" v="police"/><tag k="building" v="yes"/></way>\n'
src = re.sub(r'<tag k="amenity" v="police"/>', '<tag k="amenity" v="police_gone"/>', src)  # only ours
i = src.index('<way ')                  # (node and way ids above the extract's, in order)
src = src[:i] + x + src[i:]
i = src.index('<relation') if '<relation' in src else src.index('</osm>')
src = src[:i] + w + src[i:]
open(sys.argv[2], "w", encoding="utf-8").write(src)
PY
"$LUGEO" scene init "$TMP/police.osm" -o "$TMP/police" --json -q > "$TMP/police.json"
python3 - "$TMP/police.json" "$TMP/police/layers.gpkg" <<'PY'
import json, sys, sqlite3, math
j = json.load(open(sys.argv[1]))
assert j["units_from"].startswith("amenity=police (2 police from 3 OSM elements"), j["units_from"]
db = sqlite3.connect(sys.argv[2])
rows = db.execute("select name from units").fetchall()
assert len(rows) == 2, rows
assert ("Test Station",) in rows, rows     # the named element is the one kept
PY

# ---- bad sources ----
set +e
"$LUGEO" scene init "$TMP/nope.osm.pbf" -o "$TMP/x" -q 2> /dev/null; rc=$?
set -e
[[ $rc -eq 2 ]] || fail "missing source: exit $rc"
echo "not osm" > "$TMP/bad.osm"
set +e
"$LUGEO" scene init "$TMP/bad.osm" -o "$TMP/y" -q 2> "$TMP/err"; rc=$?
set -e
[[ $rc -eq 3 ]] || fail "broken OSM file: exit $rc"
grep -q "bad.osm" "$TMP/err" || fail "broken OSM file not named"
[[ ! -e "$TMP/y/scene.toml" ]] || fail "a scene was written from a broken file"
echo "scene: ok"
