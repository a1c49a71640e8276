#!/usr/bin/env bash
# Input-side checks of the layers (docs/scene.md, "Checks"): a layer that does not overlap the
# roads is an error (exit 3) naming the layer, both extents and the likely cause; a repeated
# unit id is exit 3 naming both features; units from a CSV with lon/lat columns load as points
# and a CSV without coordinate columns lists its columns; compressed and /vsi sources open as
# they are; --roads without --crs gets the metric CRS chosen for the area and says so (once); counts
# shown are after the layer's `where`.
set -euo pipefail
lugeo="$1"; src="$2"; build="$3"
demo="$src/data/demo"
out="$build/cli_layers"; rm -rf "$out"; mkdir -p "$out"
fail() { echo "FAIL: $*" >&2; exit 1; }

# a copy of the demo scene with absolute paths, and layers changed one at a time below
python3 - "$src" "$out" <<'PY'
import json, sys, re
src, out = sys.argv[1], sys.argv[2]
demo = src + "/data/demo/"
s = open(demo + "scene.toml").read()
s = s.replace('"../chengdu-centre-2018.osm"', '"%s/data/chengdu-centre-2018.osm"' % src)
s = re.sub(r'source = "(\w+)\.geojson"', lambda m: 'source = "%s%s.geojson"' % (demo, m.group(1)), s)
open(out + "/scene.toml", "w").write(s)
def swap(c):
    return [c[1], c[0]] if isinstance(c[0], (int, float)) else [swap(x) for x in c]
units = json.load(open(demo + "units.geojson"))["features"]
with open(out + "/units.csv", "w") as f:
    f.write("id,kind,name,longitude,latitude\n")
    for u in units:
        p, c = u["properties"], u["geometry"]["coordinates"]
        f.write("%s,%s,%s,%.7f,%.7f\n" % (p["id"], p["kind"], p["name"], c[0], c[1]))
with open(out + "/units_dup.csv", "w") as f:
    f.write("id,kind,name,longitude,latitude\n")
    for i, u in enumerate(units):
        p, c = u["properties"], u["geometry"]["coordinates"]
        uid = units[0]["properties"]["id"] if i == 4 else p["id"]
        f.write("%s,%s,%s,%.7f,%.7f\n" % (uid, p["kind"], p["name"], c[0], c[1]))
with open(out + "/units_nocoords.csv", "w") as f:
    f.write("id,kind,name,pos_east,pos_north\n")
    for u in units:
        p, c = u["properties"], u["geometry"]["coordinates"]
        f.write("%s,%s,%s,%.7f,%.7f\n" % (p["id"], p["kind"], p["name"], c[0], c[1]))
kiosks = sum(1 for u in units if u["properties"]["kind"] == "kiosk")
open(out + "/kiosks.txt", "w").write(str(kiosks))
# three OSM surveillance cameras inside the demo area
with open(out + "/cams.osm", "w") as f:
    f.write("<?xml version='1.0' encoding='UTF-8'?>\n<osm version='0.6'>\n")
    for i, (lon, lat) in enumerate([(104.0665, 30.6598), (104.0700, 30.6620), (104.0800, 30.6700)]):
        f.write("<node id='%d' version='1' lat='%f' lon='%f'><tag k='man_made' v='surveillance'/>"
                "<tag k='camera:direction' v='%d'/></node>\n" % (i + 1, lat, lon, 90 * i))
    f.write("</osm>\n")
PY
scene="$out/scene.toml"
# the boundary with easting and northing swapped, in UTM 48N: both valid numbers, far away
# (lon/lat swapped here would put latitudes above 90, refused on reading already)
ogr2ogr -f GeoJSON -t_srs EPSG:32648 "$out/boundary_utm.geojson" "$demo/boundary.geojson"
python3 - "$out" <<'PY'
import json, sys
out = sys.argv[1]
b = json.load(open(out + "/boundary_utm.geojson"))
def swap(c):
    return [c[1], c[0]] if isinstance(c[0], (int, float)) else [swap(x) for x in c]
for f in b["features"]:
    f["geometry"]["coordinates"] = swap(f["geometry"]["coordinates"])
json.dump(b, open(out + "/boundary_swapped.geojson", "w"))
PY

# 1. a boundary with x/y swapped: exit 3, the layer, both extents, the cause; in every command
#    that reads the boundary
sed 's#source = ".*boundary.geojson"#source = "boundary_swapped.geojson"#' "$scene" > "$out/swapped.toml"
for cmd in zones coverage; do
    set +e; "$lugeo" $cmd --scene "$out/swapped.toml" -q > /dev/null 2> "$out/swapped.err"; rc=$?; set -e
    [[ $rc -eq 3 ]] || fail "$cmd: swapped boundary: exit $rc"
    grep -q "boundary_swapped.geojson" "$out/swapped.err" || fail "$cmd: swapped: no file named"
    grep -q "boundary layer lies away from the roads" "$out/swapped.err" || fail "$cmd: swapped: message"
    grep -q "its extent is lon .* the roads' is lon" "$out/swapped.err" || fail "$cmd: swapped: extents"
    grep -q "x and y look swapped" "$out/swapped.err" || fail "$cmd: swapped: cause"
done
# the plates far away: nearest (which does not read the roads) refuses them too
python3 - "$demo/poles.geojson" "$out/poles_far.geojson" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
for f in j["features"]:
    c = f["geometry"]["coordinates"]; f["geometry"]["coordinates"] = [c[0] + 3.0, c[1]]
json.dump(j, open(sys.argv[2], "w"))
PY
sed 's#source = ".*poles.geojson"#source = "poles_far.geojson"#' "$scene" > "$out/poles_far.toml"
set +e; "$lugeo" nearest --scene "$out/poles_far.toml" -q 104.0665,30.6598 > /dev/null 2> "$out/far.err"; rc=$?; set -e
[[ $rc -eq 3 ]] || fail "nearest with far plates: exit $rc"
grep -q "poles layer lies away from the roads" "$out/far.err" || fail "nearest far plates: message"

# 2. a repeated unit id: exit 3 naming both features (scene layer and --kiosks)
sed 's#source = ".*units.geojson"#source = "units_dup.csv"#' "$scene" > "$out/dup.toml"
set +e; "$lugeo" zones --scene "$out/dup.toml" -q > /dev/null 2> "$out/dup.err"; rc=$?; set -e
[[ $rc -eq 3 ]] || fail "duplicate unit id: exit $rc"
grep -q "feature 5 .*duplicate unit id .*also feature 1" "$out/dup.err" || fail "duplicate: both features"
set +e; "$lugeo" zones --scene "$scene" --kiosks "$out/units_dup.csv" -q > /dev/null 2> "$out/dup2.err"; rc=$?; set -e
[[ $rc -eq 3 ]] || fail "duplicate unit id via --kiosks: exit $rc"
grep -q "also feature 1" "$out/dup2.err" || fail "duplicate via --kiosks: both features"

# 3. units from CSV columns: the same zones as from the GeoJSON
"$lugeo" zones --scene "$scene" -q --json > "$out/zones_geojson.json"
sed 's#source = ".*units.geojson"#source = "units.csv"#' "$scene" > "$out/csv.toml"
"$lugeo" zones --scene "$out/csv.toml" -q --json > "$out/zones_csv.json"
python3 - "$out" <<'PY'
import json, sys
out = sys.argv[1]
a, b = (json.load(open("%s/zones_%s.json" % (out, n))) for n in ("geojson", "csv"))
za, zb = a["zones"], b["zones"]
assert [z["kiosk"] for z in za] == [z["kiosk"] for z in zb]
for x, y in zip(za, zb):
    assert abs(x["road_km"] - y["road_km"]) <= 1e-3 * max(1, x["road_km"]), (x, y)
PY
sed 's#source = ".*units.geojson"#source = "units_nocoords.csv"#' "$scene" > "$out/nocoords.toml"
set +e; "$lugeo" zones --scene "$out/nocoords.toml" -q > /dev/null 2> "$out/nocoords.err"; rc=$?; set -e
[[ $rc -eq 3 ]] || fail "CSV without coordinates: exit $rc"
grep -q "its columns are: id, kind, name, pos_east, pos_north" "$out/nocoords.err" || fail "CSV: columns listed"
grep -q 'x = "…", y = "…"' "$out/nocoords.err" || fail "CSV: the options"
grep -q "where\|kind filter" "$out/nocoords.err" && fail "CSV: blames the filter"
# ... and with the columns named in the scene it reads
python3 - "$out/nocoords.toml" <<'PY'
import sys, re
p = sys.argv[1]; s = open(p).read()
s = s.replace('[layers.units.fields]\n', '[layers.units.fields]\nx = "pos_east"\ny = "pos_north"\n', 1)
s = re.sub(r'(source = "units_nocoords.csv")', r'\1\ncrs = "EPSG:4326"', s)
open(p, "w").write(s)
PY
"$lugeo" zones --scene "$out/nocoords.toml" -q --json > "$out/zones_xy.json"
python3 -c 'import json,sys; a=json.load(open(sys.argv[1])); b=json.load(open(sys.argv[2])); assert [z["kiosk"] for z in a["zones"]]==[z["kiosk"] for z in b["zones"]]' "$out/zones_xy.json" "$out/zones_geojson.json"

# 4. compressed sources as they are; --osm-cameras with /vsigzip/; --roads without --crs
gzip -kc "$src/data/chengdu-centre-2018.osm" > "$out/roads.osm.gz"
gzip -kc "$out/cams.osm" > "$out/cams.osm.gz"
"$lugeo" network info --roads "$out/roads.osm.gz" --json -q > "$out/gz.json"
"$lugeo" network info --roads "$src/data/chengdu-centre-2018.osm" --json -q > "$out/plain.json"
python3 -c 'import json,sys; a=json.load(open(sys.argv[1])); b=json.load(open(sys.argv[2])); assert a["edges"]==b["edges"] and abs(a["total_km"]-b["total_km"])<1e-6, (a["edges"], b["edges"])' "$out/gz.json" "$out/plain.json"
for cams in "/vsigzip/$out/cams.osm.gz" "$out/cams.osm.gz" "$out/cams.osm"; do
    "$lugeo" coverage --scene "$scene" --osm-cameras "$cams" -q --json > "$out/cov.json" || fail "--osm-cameras $cams"
    python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); assert j["cameras"]==3, j["cameras"]' "$out/cov.json" \
        || fail "--osm-cameras $cams: not 3 cameras"
done
"$lugeo" isochrones --roads "$out/roads.osm.gz" --from 104.0665,30.6598 --minutes 1 --profile car \
    --json > "$out/iso.json" 2> "$out/iso.err" || fail "isochrones --roads --from without --crs"
grep -q "metric CRS EPSG:4544 .* chosen for the data" "$out/iso.err" || fail "the chosen CRS is not said"
[ "$(grep -c "chosen for the data" "$out/iso.err")" = 1 ] || fail "the chosen CRS is said more than once"
python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); assert j["union"][0]["road_km"]>0' "$out/iso.json"

# 5. counts after `where`: network info and the report's scene table
python3 - "$scene" "$out/where.toml" <<'PY'
import sys
s = open(sys.argv[1]).read()
s = s.replace('source = "%s"' % s.split('[layers.cameras]\nsource = "')[1].split('"')[0],
              s.split('[layers.cameras]\nsource = "')[1].split('"')[0].join(['source = "', '"\nwhere = "phase = 1"']), 1)
open(sys.argv[2], "w").write(s)
PY
grep -q 'where = "phase = 1"' "$out/where.toml" || fail "where.toml"
"$lugeo" report --scene "$out/where.toml" -q -o "$out/report" --cameras 2 --lang en --json > "$out/report.json"
python3 - "$out/report.json" "$demo/cameras.geojson" "$out/report/report.html" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
cams = json.load(open(sys.argv[2]))["features"]
want = sum(1 for c in cams if c["properties"]["phase"] == 1)
assert 0 < want < len(cams)
layer = [l for l in j["scene"] if l["role"] == "cameras"][0]
assert layer["kept"] == want and layer["read"] == want, layer
assert layer["in_source"] == len(cams), layer
html = open(sys.argv[3]).read()
row = html.split(">cameras<")[1].split("</tr>")[0]
assert ">%d<" % want in row.replace(",", ""), row
assert ">%d<" % len(cams) not in row.replace(",", ""), row
PY
echo "layers: ok"
