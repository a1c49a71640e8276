#!/usr/bin/env bash
# The pictures docs/img/qgis-*.png: the demo's isochrones, zones, coverage and site outputs as
# QGIS draws them with the styles lugeo wrote into each GeoPackage's layer_styles table
# (tools/qgis_render.py; Debian: apt-get install qgis python3-qgis).
# usage: tools/qgis_pictures.sh [LUGEO] [OUT_DIR]   (defaults: build/cli/lugeo, docs/img)
set -euo pipefail
cd "$(dirname "$0")/.."
LUGEO=${1:-build/cli/lugeo}
OUT=${2:-docs/img}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
render() { /usr/bin/python3 tools/qgis_render.py "$@" 2>&1 | grep -v '^Warning\|QStandardPaths' || true; }

"$LUGEO" network export -q -o "$TMP/net.gpkg"
"$LUGEO" isochrones -q -o "$TMP/iso.gpkg"
"$LUGEO" zones -q -o "$TMP/zones.gpkg"
"$LUGEO" coverage -q -o "$TMP/cov.gpkg"
"$LUGEO" coverage plan -q --add 10 -o "$TMP/picks.gpkg"
"$LUGEO" site -q --add 3 -o "$TMP/site.gpkg"

render "$OUT/qgis-isochrones.png" "$TMP/net.gpkg:edges" "$TMP/iso.gpkg:bands" \
    "$TMP/iso.gpkg:sources" --extent-of 2 --title "lugeo isochrones: bands (layer_styles, QGIS)"
render "$OUT/qgis-isochrones-union.png" "$TMP/net.gpkg:edges" "$TMP/iso.gpkg:union" \
    "$TMP/iso.gpkg:sources" --extent-of 2 --title "lugeo isochrones: union (layer_styles, QGIS)"
render "$OUT/qgis-zones.png" "$TMP/zones.gpkg:zones" "$TMP/zones.gpkg:zone_edges" \
    "$TMP/zones.gpkg:kiosks" --extent-of 1 --title "lugeo zones (layer_styles, QGIS)"
render "$OUT/qgis-coverage.png" "$TMP/cov.gpkg:uncovered" "$TMP/cov.gpkg:covered" \
    "$TMP/cov.gpkg:gaps" "$TMP/picks.gpkg:picks" --title "lugeo coverage + coverage plan (layer_styles, QGIS)"
render "$OUT/qgis-site.png" "$TMP/site.gpkg:zones" "$TMP/site.gpkg:changed" \
    "$TMP/site.gpkg:units" "$TMP/site.gpkg:sites" --extent-of 1 --title "lugeo site --add 3 (layer_styles, QGIS)"
