#!/usr/bin/env bash
# lugeo incident on the demo scene's zones and grids layers: a plate and a position inside the
# boundary name their patrol zone and grid cell (text and --json), the cell lies in the zone it
# names and holds the point (checked here independently, point in polygon on the GeoJSON); a
# position outside the boundary is in no zone and no cell. zones --existing reads the layer.
set -euo pipefail
lugeo="$1"; src="$2"; build="$3"
scene="$src/data/demo/scene.toml"
out="$build/cli_incident_zones"; rm -rf "$out"; mkdir -p "$out"

"$lugeo" incident --scene "$scene" -q G101-0001 --json > "$out/plate.json"
"$lugeo" incident --scene "$scene" -q 104.0665,30.6598 --json > "$out/point.json"
"$lugeo" incident --scene "$scene" -q 104.0000,30.6000 --json > "$out/outside.json"
python3 - "$out" "$src/data/demo" <<'PY'
import json, sys
out, demo = sys.argv[1], sys.argv[2]
def inside(p, ring):
    x, y = p; c = False; j = len(ring) - 1
    for i in range(len(ring)):
        xi, yi = ring[i]; xj, yj = ring[j]
        if (yi > y) != (yj > y) and x < xi + (y - yi) * (xj - xi) / (yj - yi): c = not c
        j = i
    return c
zones = json.load(open(demo + "/zones.geojson"))["features"]
grids = json.load(open(demo + "/grids.geojson"))["features"]
for name in ("plate", "point"):
    j = json.load(open("%s/%s.json" % (out, name)))
    p = (j["lon"], j["lat"])
    z = [f["properties"] for f in zones if inside(p, f["geometry"]["coordinates"][0])]
    g = [f["properties"] for f in grids if inside(p, f["geometry"]["coordinates"][0])]
    assert len(z) == 1 and len(g) == 1, (name, z, g)
    assert j["zones_layer"] and j["grids_layer"], j
    assert j["zone"] == {"id": z[0]["id"], "name": z[0]["name"]}, (name, j["zone"], z)
    assert j["grid"] == {"id": g[0]["id"], "name": g[0]["name"]}, (name, j["grid"], g)
    assert g[0]["zone"] == z[0]["id"], (name, g, z)
j = json.load(open(out + "/plate.json"))
assert j["zone"]["id"] == "ZONE-4" and j["grid"]["id"] == "GRID-4-13", (j["zone"], j["grid"])
o = json.load(open(out + "/outside.json"))
assert o["zone"] is None and o["grid"] is None and o["zones_layer"] and o["grids_layer"], o
PY

"$lugeo" incident --scene "$scene" -q G101-0001 > "$out/plate.txt"
grep -q "patrol zone: ZONE-4 4号巡区" "$out/plate.txt"
grep -q "grid: GRID-4-13 4号巡区第13网格" "$out/plate.txt"
"$lugeo" incident --scene "$scene" -q 104.0000,30.6000 > "$out/outside.txt"
grep -q "patrol zone: outside every zone" "$out/outside.txt"
grep -q "grid: outside every grid" "$out/outside.txt"

# the zones layer is an existing plan lugeo zones can score: one zone per kiosk, by the kiosk field
"$lugeo" zones --scene "$scene" -q --existing "$src/data/demo/zones.geojson" --json > "$out/existing.json"
python3 - "$out/existing.json" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
assert j["mode"] == "existing" and len(j["zones"]) == 6, j.get("mode")
area = sum(z["area_km2"] for z in j["zones"])
assert abs(area - 66.05) < 0.05, area
assert j["existing"]["overlap_area_m2"] < 1.0 and j["existing"]["gap_area_m2"] < 5000, j["existing"]
PY
# --existing without a file: the scene's own zones layer, the same figures
"$lugeo" zones --scene "$scene" -q --existing --json > "$out/existing_scene.json"
python3 - "$out/existing.json" "$out/existing_scene.json" <<'PY'
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:3])
assert a["zones"] == b["zones"] and a["existing"] == b["existing"], "scene layer differs from the file"
PY
# ... and a clear error (exit 3) when the scene has none
set +e
"$lugeo" zones --roads "$src/data/chengdu-centre-2018.osm" --kiosks "$src/data/demo/units.geojson" -q --existing 2> "$out/noscene.err"
rc=$?
set -e
test "$rc" = 3
grep -q "give --existing FILE" "$out/noscene.err"
echo ok
