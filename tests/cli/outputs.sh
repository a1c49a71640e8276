#!/usr/bin/env bash
# Outputs: an existing output is refused without --overwrite; --update keeps the planner's other
# layers; a killed run leaves the previous output intact; formats by extension and -f; --layer,
# folders (one file per layer), -o - (stdout), --output-crs, CSV names its CRS.
set -euo pipefail
LUGEO=$1
SRC=$2
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
layers() { ogrinfo -ro -q "$1" | sed -E 's/^[0-9]+: ([^ ]+).*/\1/' | grep -vx layer_styles | sort | tr '\n' ' '; }
count() { ogrinfo -ro -so "$1" "$2" | sed -n 's/^Feature Count: //p'; }
PBF="$SRC/tests/fixtures/osm/malta-2016-11-09.osm.pbf"

# ---- refused unless --overwrite
"$LUGEO" zones -q -o "$TMP/z.gpkg"
cp "$TMP/z.gpkg" "$TMP/z.before"
set +e
"$LUGEO" zones -q -o "$TMP/z.gpkg" 2> "$TMP/err"; rc=$?
set -e
[[ $rc -eq 2 ]] || fail "existing output: exit $rc"
grep -q -- "--overwrite" "$TMP/err" || fail "existing output: the message does not say how"
cmp -s "$TMP/z.gpkg" "$TMP/z.before" || fail "a refused run changed the output"
"$LUGEO" zones -q -o "$TMP/z.gpkg" --overwrite || fail "--overwrite"
[[ "$(layers "$TMP/z.gpkg")" == "kiosks zone_edges zones " ]] || fail "layers after --overwrite: $(layers "$TMP/z.gpkg")"

# ---- --update: the planner's own layers stay, lugeo's are replaced (not duplicated)
cat > "$TMP/notes.geojson" <<'GJ'
{"type":"FeatureCollection","features":[
 {"type":"Feature","properties":{"note":"new kiosk here?"},"geometry":{"type":"Point","coordinates":[104.07,30.66]}},
 {"type":"Feature","properties":{"note":"school"},"geometry":{"type":"Point","coordinates":[104.08,30.67]}}]}
GJ
ogr2ogr -f GPKG "$TMP/planner.gpkg" "$TMP/notes.geojson" -nln my_notes
ogr2ogr -update "$TMP/planner.gpkg" "$TMP/notes.geojson" -nln zones   # the planner's own "zones"
"$LUGEO" zones -q -o "$TMP/planner.gpkg" --update
[[ "$(layers "$TMP/planner.gpkg")" == "kiosks my_notes zone_edges zones " ]] || fail "update layers: $(layers "$TMP/planner.gpkg")"
[[ "$(count "$TMP/planner.gpkg" my_notes)" == 2 ]] || fail "update lost the planner's features"
[[ "$(count "$TMP/planner.gpkg" zones)" == "$(count "$TMP/z.gpkg" zones)" ]] || fail "update did not replace zones"
"$LUGEO" zones -q -o "$TMP/planner.gpkg" --update
[[ "$(count "$TMP/planner.gpkg" zones)" == "$(count "$TMP/z.gpkg" zones)" ]] || fail "a second update duplicated zones"
[[ "$(count "$TMP/planner.gpkg" my_notes)" == 2 ]] || fail "a second update lost the planner's features"
# a single-layer file cannot be updated
"$LUGEO" zones -q -o "$TMP/one.geojson" --layer zones
set +e
"$LUGEO" zones -q -o "$TMP/one.geojson" --layer zones --update 2> "$TMP/err"; rc=$?
set -e
[[ $rc -eq 3 ]] || fail "update of a GeoJSON: exit $rc"
grep -q "holds one layer" "$TMP/err" || fail "update of a GeoJSON: message"

# ---- atomic: kill -9 while writing leaves the previous output and nothing under its name
"$LUGEO" network export -q --roads "$PBF" -o "$TMP/edges.gpkg" --nodes
cp "$TMP/edges.gpkg" "$TMP/edges.before"
for attempt in 1 2 3; do
    "$LUGEO" network export -q --roads "$PBF" -o "$TMP/edges.gpkg" --nodes --overwrite &
    pid=$!
    # wait until the temporary file exists (the run is writing), then kill it
    for _ in $(seq 1 600); do
        ls -a "$TMP" | grep -q '^\.edges\.tmp' && break
        kill -0 $pid 2>/dev/null || break
        sleep 0.05
    done
    killed=0
    if kill -9 $pid 2>/dev/null; then killed=1; fi
    wait $pid 2>/dev/null || true
    [[ $killed -eq 1 ]] && break
done
[[ $killed -eq 1 ]] || fail "could not kill the run while it was writing"
cmp -s "$TMP/edges.gpkg" "$TMP/edges.before" || fail "a killed run changed the previous output"
ogrinfo -ro -so "$TMP/edges.gpkg" edges | grep -q "Feature Count" || fail "previous output does not open"
# what the killed run left is only under a hidden temporary name, removed by the next run
"$LUGEO" network export -q --roads "$PBF" -o "$TMP/edges2.gpkg"
rm -f "$TMP"/.edges.tmp*

# ---- single-layer formats: never a surprise file
set +e
"$LUGEO" isochrones -q -o "$TMP/i.csv" 2> "$TMP/err"; rc=$?
set -e
[[ $rc -eq 3 ]] || fail "isochrones -o i.csv: exit $rc"
grep -q "holds one layer" "$TMP/err" && grep -q "union" "$TMP/err" || fail "i.csv: message does not list the layers"
[[ -z "$(ls -A "$TMP" | grep -E '^(i|\.i)')" ]] || fail "i.csv: files left behind: $(ls -A "$TMP")"
"$LUGEO" isochrones -q -o "$TMP/i.csv" --layer bands
[[ -z "$(ls -A "$TMP" | grep -E '^\.?i' | grep -v '^i.csv$')" ]] || fail "--layer bands: other files"
python3 - "$TMP/i.csv" <<'PY'
import csv, sys
csv.field_size_limit(1 << 30)
rows = list(csv.DictReader(open(sys.argv[1])))
assert rows and set(r["crs"] for r in rows) == {"EPSG:32648"}, "CSV does not say its CRS"
assert all(r["WKT"].startswith("MULTIPOLYGON") for r in rows)
PY
set +e
"$LUGEO" isochrones -q -o "$TMP/j.gpkg" --layer nosuch 2> "$TMP/err"; rc=$?
set -e
[[ $rc -eq 3 ]] && grep -q "no layer 'nosuch'" "$TMP/err" || fail "--layer nosuch: exit $rc"
[[ ! -e "$TMP/j.gpkg" ]] || fail "--layer nosuch left a file"

# ---- a folder: one file per layer, <layer>.<ext>
"$LUGEO" isochrones -q -o "$TMP/iso/" --no-per-source
[[ "$(ls "$TMP/iso" | sort | tr '\n' ' ')" == "bands.geojson beyond.geojson reached.geojson sources.geojson union.geojson " ]] \
    || fail "folder: $(ls "$TMP/iso")"
"$LUGEO" isochrones -q -o "$TMP/iso-fgb/" -f FlatGeobuf --layer union,bands --layer-prefix cx_
[[ "$(ls "$TMP/iso-fgb" | sort | tr '\n' ' ')" == "cx_bands.fgb cx_union.fgb " ]] || fail "folder fgb: $(ls "$TMP/iso-fgb")"
set +e
"$LUGEO" isochrones -q -o "$TMP/iso/" --no-per-source 2>/dev/null; rc=$?
set -e
[[ $rc -eq 3 ]] || fail "folder with existing files: exit $rc"
"$LUGEO" isochrones -q -o "$TMP/iso/" --no-per-source --overwrite || fail "folder --overwrite"

# ---- stdout: one layer as GeoJSON, nothing else on stdout
"$LUGEO" zones -o - --layer kiosks > "$TMP/k.json" 2> "$TMP/k.err"
python3 - "$TMP/k.json" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
assert j["type"] == "FeatureCollection" and len(j["features"]) == 6, len(j["features"])
for f in j["features"]:
    x, y = f["geometry"]["coordinates"][:2]
    assert 100 < x < 110 and 25 < y < 35, (x, y)   # RFC 7946: lon/lat
PY
grep -q "Imbalance" "$TMP/k.err" || fail "-o -: the text summary did not go to stderr"
set +e
"$LUGEO" zones -q -o - > /dev/null 2> "$TMP/err"; rc=$?
set -e
[[ $rc -eq 3 ]] && grep -q "holds one layer" "$TMP/err" || fail "-o - with three layers: exit $rc"
"$LUGEO" zones -q -o - -f CSV --layer kiosks | head -1 | grep -q "crs" || fail "-o - -f CSV"

# ---- --output-crs for every written layer
"$LUGEO" zones -q -o "$TMP/z4326.gpkg" --output-crs EPSG:4326
for l in zones zone_edges kiosks; do
    ogrinfo -ro -so "$TMP/z4326.gpkg" "$l" | grep -q 'ID\["EPSG",4326\]' || fail "--output-crs: $l is not EPSG:4326"
    ext=$(ogrinfo -ro -so "$TMP/z4326.gpkg" "$l" | sed -n 's/^Extent: //p')
    python3 -c "
import re,sys; v=[float(x) for x in re.findall(r'-?[0-9.]+', sys.argv[1])]
assert 100 < v[0] < 110 and 25 < v[1] < 35, v" "$ext" || fail "--output-crs: $l extent $ext"
done
[[ "$(count "$TMP/z4326.gpkg" zones)" == "$(count "$TMP/z.gpkg" zones)" ]] || fail "--output-crs lost features"
# -f by driver name, any extension
"$LUGEO" zones -q -o "$TMP/k.data" -f GeoJSON --layer kiosks
[[ "$(count "$TMP/k.data" kiosks)" == 6 ]] || fail "-f GeoJSON"
set +e
"$LUGEO" zones -q -o "$TMP/x.gpkg" -f NoSuchDriver 2> "$TMP/err"; rc=$?
set -e
[[ $rc -eq 3 ]] && grep -q "no vector driver" "$TMP/err" || fail "-f NoSuchDriver: exit $rc"
ls -A "$TMP" | grep -q '\.tmp' && fail "a temporary file was left behind: $(ls -A "$TMP" | grep '\.tmp')"

# ---- QGIS styles: every GeoPackage carries layer_styles; each style names an existing layer
# and only fields that layer has; the expected renderers are there
"$LUGEO" isochrones -q -o "$TMP/iso.gpkg"
"$LUGEO" coverage -q -o "$TMP/cov.gpkg"
"$LUGEO" coverage plan -q --add 5 -o "$TMP/picks.gpkg"
"$LUGEO" network export -q -o "$TMP/net.gpkg"
"$LUGEO" site -q --add 3 -o "$TMP/site.gpkg"
"$LUGEO" report -q -o "$TMP/rep" && cp "$TMP/rep/report.gpkg" "$TMP/report.gpkg"
python3 - "$TMP" <<'PY'
import re, sqlite3, sys, xml.dom.minidom
d = sys.argv[1]
want = {  # layer -> (renderer type, attribute) that must be there
    "iso.gpkg": {"bands": ("graduatedSymbol", "to_min"), "union": ("graduatedSymbol", "minutes")},
    "z.gpkg": {"zones": ("categorizedSymbol", "kiosk"), "kiosks": ("categorizedSymbol", "kiosk")},
    "cov.gpkg": {"covered": ("graduatedSymbol", "cameras"), "uncovered": ("singleSymbol", None),
                 "gaps": ("singleSymbol", None)},
    "picks.gpkg": {"picks": ("singleSymbol", None)},
    "net.gpkg": {"edges": ("singleSymbol", None)},
    "planner.gpkg": {"zones": ("categorizedSymbol", "kiosk")},
    "site.gpkg": {"sites": ("singleSymbol", None), "zones": ("categorizedSymbol", "unit"),
                  "units": ("categorizedSymbol", "new"), "changed": ("singleSymbol", None)},
    "report.gpkg": {"roads": ("singleSymbol", None), "isochrone_bands": ("graduatedSymbol", "to_min"),
                    "zones": ("categorizedSymbol", "kiosk"), "kiosks": ("categorizedSymbol", "id"),
                    "coverage_roads": ("graduatedSymbol", "cameras"),
                    "coverage_gaps": ("singleSymbol", None), "camera_picks": ("singleSymbol", None),
                    "next_kiosks": ("singleSymbol", None)},
}
def colours(renderer):  # each symbol's fill or line colour, in the order of its classes
    out = []
    for sym in renderer.getElementsByTagName("symbol"):
        props = {p.getAttribute("k"): p.getAttribute("v") for p in sym.getElementsByTagName("prop")}
        out.append([int(v) for v in (props.get("color") or props["line_color"]).split(",")])
    return out
grey = lambda c: 0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2]
for name, expect in want.items():
    db = sqlite3.connect(f"{d}/{name}")
    tables = {r[0] for r in db.execute("SELECT table_name FROM gpkg_contents")}
    assert "layer_styles" in tables, f"{name}: no layer_styles"
    rows = db.execute("SELECT f_table_name, f_geometry_column, styleQML, useAsDefault FROM layer_styles").fetchall()
    assert len({r[0] for r in rows}) == len(rows), f"{name}: a layer has two styles"
    seen = {}
    for table, geom, qml, default in rows:
        assert table in tables, f"{name}: style for missing layer {table}"
        cols = {r[1] for r in db.execute(f'PRAGMA table_info("{table}")')}
        assert geom in cols, f"{name}: {table} has no geometry column {geom}"
        doc = xml.dom.minidom.parseString(qml.split("\n", 1)[1])  # parses as XML
        r = doc.getElementsByTagName("renderer-v2")[0]
        named = set(re.findall(r'(?:attr|fieldName)="([^"]+)"', qml))
        assert named <= cols, f"{name}: {table} style names fields {named - cols} it does not have"
        assert default == 1
        seen[table] = (r.getAttribute("type"), r.getAttribute("attr") or None, r)
    for layer, (typ, attr) in expect.items():
        assert layer in seen, f"{name}: no style for {layer}"
        assert seen[layer][:2] == (typ, attr), (name, layer, seen[layer][:2])
    # graduated bands: one class per threshold; categories: one per kiosk
    if name == "iso.gpkg":
        n = db.execute("SELECT count(DISTINCT to_min) FROM bands").fetchone()[0]
        assert len(seen["bands"][2].getElementsByTagName("range")) == n
        uppers = [float(x.getAttribute("upper")) for x in seen["bands"][2].getElementsByTagName("range")]
        vals = [r[0] for r in db.execute("SELECT DISTINCT to_min FROM bands ORDER BY 1")]
        assert uppers == vals, ("band classes", uppers, vals)
    if name == "z.gpkg":
        n = db.execute("SELECT count(DISTINCT kiosk) FROM zones").fetchone()[0]
        assert len(seen["zones"][2].getElementsByTagName("category")) == n == 6
        # the categories are the values written (collected as they are written)
        cats = [c.getAttribute("value") for c in seen["zones"][2].getElementsByTagName("category")]
        vals = [r[0] for r in db.execute("SELECT DISTINCT kiosk FROM zones ORDER BY 1")]
        assert cats == vals, ("zone categories", cats, vals)
    if name == "planner.gpkg":  # the update kept the planner's layer and did not style it
        assert "my_notes" in tables and "my_notes" not in seen
    if name == "picks.gpkg":
        assert 'fieldName="rank"' in db.execute("SELECT styleQML FROM layer_styles WHERE f_table_name='picks'").fetchone()[0]
    if name == "cov.gpkg":
        assert 'value="dash"' in db.execute("SELECT styleQML FROM layer_styles WHERE f_table_name='gaps'").fetchone()[0]
        # the dashed gaps lie on uncovered road: a colour of its own, or the dashes vanish
        assert colours(seen["uncovered"][2]) != colours(seen["gaps"][2]), "gaps drawn like uncovered road"
    if name == "iso.gpkg":  # the short bands stand out: darker than the long ones, and in grey
        g = [grey(c) for c in colours(seen["bands"][2])]
        assert g == sorted(g) and g[-1] - g[0] > 60, ("bands by time, grey", g)
    if name in ("picks.gpkg", "site.gpkg", "report.gpkg"):  # every pick numbered, even crowded
        for layer in ("picks", "sites", "camera_picks", "next_kiosks"):
            if layer in seen:
                q = db.execute("SELECT styleQML FROM layer_styles WHERE f_table_name=?", (layer,)).fetchone()[0]
                assert 'fieldName="rank"' in q and 'displayAll="1"' in q, (name, layer)
    if name == "site.gpkg":  # the new sites apart from the existing units
        cats = {c.getAttribute("value") for c in seen["units"][2].getElementsByTagName("category")}
        assert cats == {"0", "1"}, cats
    if name == "report.gpkg":  # every piece of road: not covered, covered, backup
        assert len(seen["coverage_roads"][2].getElementsByTagName("range")) == 3
PY
# QGIS itself applies them: each styled layer opens in QGIS with the renderer, the attribute
# and the labels of its layer_styles row (skipped where PyQGIS is not installed)
if /usr/bin/python3 -c "import qgis.core" 2>/dev/null; then
    noise='^Warning\|QStandardPaths'
    QT_QPA_PLATFORM=offscreen /usr/bin/python3 - "$TMP" 2> >(grep -v "$noise" >&2) <<'PY' || fail "QGIS does not apply lugeo's styles"
import glob, os, re, sqlite3, sys
from qgis.core import QgsApplication, QgsVectorLayer
app = QgsApplication([], False); app.initQgis()
bad, n = [], 0
for path in sorted(glob.glob(f"{sys.argv[1]}/*.gpkg")):
    db = sqlite3.connect(path)
    if not db.execute("SELECT 1 FROM sqlite_master WHERE name='layer_styles'").fetchone():
        continue
    for table, qml in db.execute("SELECT f_table_name, styleQML FROM layer_styles"):
        layer = QgsVectorLayer(f"{path}|layername={table}", table, "ogr")
        r = layer.renderer()
        want = re.search(r'<renderer-v2 type="([^"]+)"(?: attr="([^"]+)")?', qml).groups()
        got = (r.type(), getattr(r, "classAttribute", lambda: None)())
        if r.type() == "singleSymbol":  # the colour too: a style QGIS ignored is a random one
            rgb = re.search(r'<prop k="(?:line_)?color" v="(\d+),(\d+),(\d+)', qml).groups()
            c = r.symbol().color()
            got, want = got + ((c.red(), c.green(), c.blue()),), want + (tuple(map(int, rgb)),)
        labels = 'labelsEnabled="1"' in qml
        if got != want or layer.labelsEnabled() != labels:
            bad.append((os.path.basename(path), table, want, got, labels))
        n += 1
print(f"outputs: QGIS applies the {n} styles" if not bad else f"FAIL: QGIS did not apply {bad}")
sys.stdout.flush()
os._exit(1 if bad or n == 0 else 0)  # QGIS 3.22 crashes in exitQgis() headless
PY
else
    echo "outputs: QGIS check skipped (PyQGIS not installed: apt-get install qgis python3-qgis)"
fi
echo "outputs: ok"
