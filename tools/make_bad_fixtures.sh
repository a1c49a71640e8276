#!/usr/bin/env bash
# Builds tests/fixtures/bad/: a tiny valid base scene (a 1.4 km clip of the demo around one
# kiosk) and small deliberately broken variants of its layers. Rerun after changing the demo;
# the files are committed (each a few kB). Usage: tools/make_bad_fixtures.sh [SRC_DIR]
set -euo pipefail
SRC=${1:-$(cd "$(dirname "$0")/.." && pwd)}
OUT="$SRC/tests/fixtures/bad"
D="$SRC/data/demo"
rm -rf "$OUT"
mkdir -p "$OUT/base"
B="$OUT/base"
SPAT="104.079 30.666 104.093 30.679"
clip() { ogr2ogr -q -f GeoJSON -lco COORDINATE_PRECISION=7 -spat $SPAT "$B/$2.geojson" "$1" "${@:3}"; }
clip "$SRC/data/chengdu-centre-2018.osm" roads lines -select highway,name -where "highway IS NOT NULL" -clipsrc spat_extent
for l in poles lamps cameras units incidents key_sites buildings; do clip "$D/$l.geojson" $l; done
cat > "$B/boundary.geojson" <<'J'
{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"clip"},"geometry":{"type":"Polygon","coordinates":[[[104.080,30.667],[104.092,30.667],[104.092,30.678],[104.080,30.678],[104.080,30.667]]]}}]}
J
cat > "$B/scene.toml" <<'T'
# tests/fixtures/bad/base: a tiny valid scene (tools/make_bad_fixtures.sh); © OpenStreetMap contributors (ODbL) for the roads and buildings; the rest SYNTHETIC
[scene]
name = "bad-input corpus base"
crs = "EPSG:32648"
[layers.roads]
source = "roads.geojson"
[layers.roads.fields]
class = "highway"
name = "name"
[layers.poles]
source = "poles.geojson"
[layers.poles.fields]
id = "id"
road = "road"
status = "status"
[layers.lamps]
source = "lamps.geojson"
[layers.lamps.fields]
id = "id"
road = "road"
status = "status"
[layers.cameras]
source = "cameras.geojson"
[layers.cameras.fields]
id = "id"
type = "type"
heading = "heading"
hfov = "hfov"
range = "range"
[layers.units]
source = "units.geojson"
[layers.units.fields]
id = "id"
kind = "kind"
name = "name"
[layers.buildings]
source = "buildings.geojson"
[layers.buildings.fields]
id = "osm_id"
[layers.key_sites]
source = "key_sites.geojson"
[layers.key_sites.fields]
id = "osm_id"
kind = "kind"
name = "name"
[layers.boundary]
source = "boundary.geojson"
[layers.incidents]
source = "incidents.geojson"
[layers.incidents.fields]
id = "id"
time = "time"
grade = "grade"
T
python3 - "$OUT" <<'PY'
import json, os, sys, shutil, subprocess
out = sys.argv[1]; base = os.path.join(out, "base")
def load(l): return json.load(open(os.path.join(base, l + ".geojson")))
def case(name, layer, data=None, raw=None, note=""):
    d = os.path.join(out, name); os.makedirs(d)
    scene = open(os.path.join(base, "scene.toml")).read()
    for f in os.listdir(base):
        if f.endswith(".geojson"): scene = scene.replace('source = "%s"' % f, 'source = "../base/%s"' % f)
    ext = ".geojson"
    if raw is not None:
        fname, content = raw
        mode = "wb" if isinstance(content, bytes) else "w"
        open(os.path.join(d, fname), mode).write(content)
        target = fname
    else:
        target = layer + ".geojson"
        txt = json.dumps(data, allow_nan=True, ensure_ascii=False)
        open(os.path.join(d, target), "w").write(txt)
    scene = scene.replace('source = "../base/%s.geojson"' % layer, 'source = "%s"' % target)
    open(os.path.join(d, "scene.toml"), "w").write(scene)
    open(os.path.join(d, "README"), "w").write(note + "\n")
def with_geom(layer, geom_fn, n=1):
    j = load(layer)
    for f in j["features"][:n]: f["geometry"] = geom_fn(f["geometry"])
    return j
def with_prop(layer, key, value, n=1):
    j = load(layer)
    for f in j["features"][:n]: f["properties"][key] = value
    return j
nan = float("nan"); inf = float("inf")
roads = load("roads")
case("roads-nan-coords", "roads", with_geom("roads", lambda g: {"type": g["type"], "coordinates": [[nan, nan]] + g["coordinates"][1:]}), note="a road with a NaN vertex")
case("roads-huge-coords", "roads", with_geom("roads", lambda g: {"type": g["type"], "coordinates": [[1e300, 1e300]] + g["coordinates"][1:]}), note="a road vertex at 1e300")
case("roads-infinity", "roads", raw=("roads.geojson", json.dumps(roads).replace(str(roads["features"][0]["geometry"]["coordinates"][0][0]), "Infinity", 1)), note="Infinity as a coordinate")
case("roads-null-geometry", "roads", with_geom("roads", lambda g: None, 3), note="null geometries")
case("roads-wrong-type", "roads", with_geom("roads", lambda g: {"type": "Point", "coordinates": g["coordinates"][0]}, 3), note="points in a line layer")
case("roads-empty-layer", "roads", {"type": "FeatureCollection", "features": []}, note="no features")
case("roads-single-edge", "roads", {"type": "FeatureCollection", "features": roads["features"][:1]}, note="one road only")
j = json.loads(json.dumps(roads)); feats = j["features"]
far = [{"type": "Feature", "properties": {"highway": "residential", "name": "far"}, "geometry": {"type": "LineString", "coordinates": [[104.2, 30.9], [104.201, 30.9]]}}]
case("roads-disconnected", "roads", {"type": "FeatureCollection", "features": feats[:3] + far}, note="a network in two far pieces")
case("roads-swapped-lonlat", "roads", with_geom("roads", lambda g: {"type": g["type"], "coordinates": [[c[1], c[0]] for c in g["coordinates"]]}, len(roads["features"])), note="lat,lon instead of lon,lat")
case("roads-truncated", "roads", raw=("roads.geojson", json.dumps(roads)[: len(json.dumps(roads)) // 2]), note="cut in the middle")
case("cameras-heading-720", "cameras", with_prop("cameras", "heading", 720), note="heading 720")
case("cameras-heading-neg", "cameras", with_prop("cameras", "heading", -1), note="heading -1")
case("cameras-heading-nan", "cameras", raw=("cameras.geojson", json.dumps(with_prop("cameras", "heading", "NaN"))), note="heading 'NaN'")
case("cameras-hfov-0", "cameras", with_prop("cameras", "hfov", 0), note="hfov 0")
case("cameras-hfov-400", "cameras", with_prop("cameras", "hfov", 400), note="hfov 400")
case("cameras-range-neg", "cameras", with_prop("cameras", "range", -50), note="negative range")
case("cameras-range-huge", "cameras", with_prop("cameras", "range", 1e7), note="range 1e7 m")
p = load("poles"); p["features"][1]["properties"]["id"] = p["features"][0]["properties"]["id"]
case("poles-duplicate-ids", "poles", p, note="two poles with one id")
case("poles-null-geometry", "poles", with_geom("poles", lambda g: None, 2), note="poles without a position")
case("poles-nan-position", "poles", with_geom("poles", lambda g: {"type": "Point", "coordinates": [nan, nan]}, 2), note="NaN positions")
case("poles-unknown-status", "poles", with_prop("poles", "status", "exploded", 2), note="a status that is not known")
case("poles-control-chars", "poles", with_prop("poles", "id", "G101\u001b[31m-0001\u202e", 1), note="an ANSI escape and an RTL override in an id")
case("units-wrong-type", "units", with_geom("units", lambda g: {"type": "LineString", "coordinates": [g["coordinates"], [g["coordinates"][0] + 0.001, g["coordinates"][1]]]}, 50), note="lines for units")
case("boundary-point", "boundary", {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"name": "x"}, "geometry": {"type": "Point", "coordinates": [104.085, 30.67]}}]}, note="a point as the boundary")
case("boundary-empty", "boundary", {"type": "FeatureCollection", "features": []}, note="no boundary polygon")
r = load("roads")
for f, v in zip(r["features"][:3], ["nan", "-50", "1e9"]): f["properties"]["maxspeed"] = v
case("roads-maxspeed-absurd", "roads", r, note="maxspeed 'nan', '-50' and '1e9' on three roads (a note; their class speed is used)")
PY
# binary cases: truncated GeoPackage and PBF, a Shapefile without .shx / .dbf / .prj, a truncated .osm
mk() { mkdir -p "$OUT/$1"; sed -e "s#source = \"#source = \"../base/#" "$B/scene.toml" > "$OUT/$1/scene.toml"; echo "$2" > "$OUT/$1/README"; }
set_roads() { sed -i "s#source = \"../base/roads.geojson\"#source = \"$2\"#" "$OUT/$1/scene.toml"; }
mk roads-gpkg-truncated "a GeoPackage cut at 60 %"
ogr2ogr -q -f GPKG "$OUT/tmp.gpkg" "$B/roads.geojson" -nln roads
sz=$(stat -c %s "$OUT/tmp.gpkg"); head -c $((sz * 6 / 10)) "$OUT/tmp.gpkg" > "$OUT/roads-gpkg-truncated/roads.gpkg"; rm "$OUT/tmp.gpkg"
set_roads roads-gpkg-truncated roads.gpkg
for part in shx dbf prj; do
  mk roads-shp-no-$part "a Shapefile without its .$part"
  ogr2ogr -q -f "ESRI Shapefile" "$OUT/roads-shp-no-$part/roads.shp" "$B/roads.geojson"
  rm -f "$OUT/roads-shp-no-$part/roads.$part" "$OUT/roads-shp-no-$part/roads.cpg"
  set_roads roads-shp-no-$part roads.shp
done
mk roads-shp-truncated "a .shp cut at 50 %"
ogr2ogr -q -f "ESRI Shapefile" "$OUT/roads-shp-truncated/roads.shp" "$B/roads.geojson"
sz=$(stat -c %s "$OUT/roads-shp-truncated/roads.shp"); head -c $((sz / 2)) "$OUT/roads-shp-truncated/roads.shp" > "$OUT/t"; mv "$OUT/t" "$OUT/roads-shp-truncated/roads.shp"
set_roads roads-shp-truncated roads.shp
mk roads-osm-truncated "an .osm cut in the middle"
sz=$(stat -c %s "$SRC/tests/fixtures/network/noding.osm"); head -c $((sz / 2)) "$SRC/tests/fixtures/network/noding.osm" > "$OUT/roads-osm-truncated/roads.osm"
sed -i 's#layer = "lines"##' "$OUT/roads-osm-truncated/scene.toml"
set_roads roads-osm-truncated roads.osm
mk roads-pbf-truncated "an .osm.pbf cut at 5 kB"
head -c 5000 "$SRC/tests/fixtures/osm/lauf-an-der-pegnitz-2020-01-15.osm.pbf" > "$OUT/roads-pbf-truncated/roads.osm.pbf"
set_roads roads-pbf-truncated roads.osm.pbf
mk scene-cjk-punct "、 where whitespace may be (toml++ 3.3.0 UB)"
sed -i 's/^crs = /crs、= /' "$OUT/scene-cjk-punct/scene.toml"
mk scene-nul "a NUL after ["
printf '[\0scene]\n' >> "$OUT/scene-nul/scene.toml"
mk profiles-speed-nan "[profiles.car.speeds] primary = nan"
printf '[profiles.car.speeds]\nprimary = nan\n' >> "$OUT/profiles-speed-nan/scene.toml"
mk profiles-speed-neg "[profiles.car.speeds] residential = -20"
printf '[profiles.car.speeds]\nresidential = -20\n' >> "$OUT/profiles-speed-neg/scene.toml"
mk scene-misspelt-field "a mapped field that does not exist"
sed -i 's/^heading = "heading"/heading = "headng"/' "$OUT/scene-misspelt-field/scene.toml"
mk scene-missing-kind "the units' kind mapped to a field that does not exist"
sed -i 's/^kind = "kind"\nname = "name"/X/' "$OUT/scene-missing-kind/scene.toml"
python3 - "$OUT/scene-missing-kind/scene.toml" <<'PY'
import sys; p = sys.argv[1]; s = open(p).read()
i = s.index("[layers.units.fields]"); j = s.index('kind = "kind"', i)
open(p, "w").write(s[:j] + 'kind = "type_of_unit"' + s[j + len('kind = "kind"'):])
PY
du -sh "$OUT"
