#!/usr/bin/env bash
# lugeo seal on the demo scene: a sealed plan (exit 0) whose JSON keeps the model's promises
# (every block in time by the margin, no unit twice, the ring completes at the last arrival,
# the certificate holds, the plan meets its lower bounds) and whose -o layer `blocks` holds the
# same blocks; a plan that does not seal (exit 1) names a reason and the head start at which it
# would seal — and with that head start it does; --exits gives each exit its own unit and the
# latest arrival; --all covers every grid cell; a bad suspect profile is refused.
set -euo pipefail
lugeo="$1"; src="$2"; build="$3"
scene="$src/data/demo/scene.toml"
out="$build/cli_seal"; rm -rf "$out"; mkdir -p "$out"

"$lugeo" seal --scene "$scene" -q 104.08231,30.71008 --head-start 0 --json -o "$out/plan.gpkg" \
    > "$out/sealed.json"
set +e
"$lugeo" seal --scene "$scene" -q 104.08231,30.70106 --head-start 1 --json > "$out/open.json"
rc=$?
set -e
[ "$rc" -eq 1 ] || { echo "expected exit 1 for a plan that does not seal, got $rc"; exit 1; }
hs=$(python3 -c "import json; print(json.load(open('$out/open.json'))['seal_head_start_s'] / 60)")
"$lugeo" seal --scene "$scene" -q 104.08231,30.70106 --head-start "$hs" --json > "$out/at_hs.json"

cat > "$out/exits.geojson" <<'GJ'
{"type": "FeatureCollection", "features": [
 {"type": "Feature", "properties": {"id": "E1"}, "geometry": {"type": "Point", "coordinates": [104.0823, 30.7150]}},
 {"type": "Feature", "properties": {"id": "E2"}, "geometry": {"type": "Point", "coordinates": [104.0700, 30.7010]}},
 {"type": "Feature", "properties": {"id": "E3"}, "geometry": {"type": "Point", "coordinates": [104.0950, 30.7010]}}
]}
GJ
"$lugeo" seal --scene "$scene" -q --exits "$out/exits.geojson" --json > "$out/exits.json"
"$lugeo" seal --scene "$scene" -q --all --json > "$out/all.json"
set +e
"$lugeo" seal --scene "$scene" -q 104.08231,30.71008 --suspect hovercraft 2> "$out/bad.txt"
rc=$?
set -e
[ "$rc" -ne 0 ] && grep -q "hovercraft" "$out/bad.txt" || { echo "bad suspect accepted"; exit 1; }

python3 - "$out" <<'PY'
import json, sqlite3, sys
out = sys.argv[1]
j = json.load(open(out + "/sealed.json"))
assert j["sealed"] is True, j
assert j["certificate"]["holds"] is True, j["certificate"]
blocks = j["blocks"]
assert blocks, j
units = [b["unit"] for b in blocks if not b["fixed"]]
assert len(units) == len(set(units)), units            # one block per unit (the default)
for b in blocks:
    for k in ("unit", "lon", "lat", "arrival_s", "suspect_s"):
        assert k in b, (k, b)
    assert b["arrival_s"] <= j["within_s"], b
    if b["suspect_s"] is not None:                        # null: beyond the suspect's reach
        assert b["arrival_s"] + j["margin_s"] <= b["suspect_s"] + 0.15, b
assert abs(j["ring_complete_s"] - max(b["arrival_s"] for b in blocks)) < 0.15, j
assert j["ring_complete_s"] + 0.15 >= j["lower_bound"]["ring_s"], j
assert len(units) >= j["lower_bound"]["blocks"], j
for c in j["certificate"]["blocks"]:
    assert c["margin_s"] is None or c["margin_s"] >= j["margin_s"] - 0.15, c
db = sqlite3.connect(out + "/plan.gpkg")
rows = db.execute("select unit, arrival_s from blocks order by rank").fetchall()
assert [r[0] for r in rows] == [b["unit"] for b in blocks], (rows, blocks)
tables = {r[0] for r in db.execute("select table_name from gpkg_contents")}
assert {"blocks", "unit_routes", "enclosed", "suspect_reach"} <= tables, tables

o = json.load(open(out + "/open.json"))
assert o["sealed"] is False and o["reason"], o
assert o["open_routes"], o
assert o["seal_head_start_s"] is not None and o["seal_head_start_s"] < 60, o
a = json.load(open(out + "/at_hs.json"))
assert a["sealed"] is True and a["certificate"]["holds"], a

e = json.load(open(out + "/exits.json"))
assert len(e["exits"]) == 3, e
held = [x["unit"] for x in e["exits"] if x["unit"]]
assert len(held) == len(set(held)), held
if e["complete"]:
    assert abs(e["latest_s"] - max(x["arrival_s"] for x in e["exits"])) < 0.15, e

al = json.load(open(out + "/all.json"))
assert al["over"] == "grids" and al["count"] == 343, al["count"]
assert sum(z["count"] for z in al["by_zone"]) == 343, al["by_zone"]
assert 0 <= al["share"] <= 1 and al["sealed"] == sum(z["sealed"] for z in al["by_zone"]), al
PY
echo "seal: ok"
