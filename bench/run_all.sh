#!/usr/bin/env bash
# Runs every benchmark once, in one go, so the figures in docs/benchmarks.md come from one
# run on one machine (compare ratios, not absolute times across days).
#   cmake --preset release && cmake --build --preset release && bench/run_all.sh
set -euo pipefail
B=${1:-build}/bench
echo "== machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%Y-%m-%d)"
echo "== network build (bench_network)";   "$B/bench_network" demo 5; "$B/bench_network" malta 5
echo "== OSM read, GDAL vs libosmium (bench_osm_read)"; "$B/bench_osm_read" "$(dirname "$0")/../tests/fixtures/osm/malta-2016-11-09.osm.pbf" 5 2
echo "== snapping near and far (bench_snap)"; "$B/bench_snap" malta 2000
echo "== registry (bench_registry)";       "$B/bench_registry" 20000
echo "== registry accuracy ceiling (bench_registry_ceiling)"; "$B/bench_registry_ceiling" 1500
echo "== registry calibration (bench_registry_calibration)"; "$B/bench_registry_calibration" 6000 20261202
echo "== positions GCJ-02/BD-09 (bench_positions)"; "$B/bench_positions" 0.05
echo "== isochrones (bench_isochrone)";    "$B/bench_isochrone" 3
echo "== zones (bench_zones)";             "$B/bench_zones" --repeat 3
echo "== siting (bench_site)";            "$B/bench_site" --repeat 1
echo "== coverage (bench_coverage)";       "$B/bench_coverage" --benchmark_min_time=0.5
echo "== seal-off (bench_seal)";          "$B/bench_seal" 3
echo "== report (bench_report)";           "$B/bench_report" "" 3
echo "== scale: demo, Malta, county and prefecture networks (make_prefecture, bench_scale)"
P=${TMPDIR:-/tmp}/lugeo-prefecture.osm.pbf C=${TMPDIR:-/tmp}/lugeo-county.osm.pbf
[ -e "$P" ] || "$B/make_prefecture" "$P"
[ -e "$C" ] || "$B/make_prefecture" "$C" --size county
for net in demo malta "$C" "$P"; do
  for step in build union30 iso5 zones60 cells60 alloc60; do "$B/bench_scale" "$net" "$step" 2; done
done
echo "== raster kernel, dense vs tiled (bench_raster)"; "$B/bench_raster"
echo "== against the peers (bench/peers/run_peers.py: pgRouting + PostGIS, GRASS, networkx/OSMnx)"
if [ -e /usr/share/postgresql/15/extension/pgrouting.control ] && command -v grass >/dev/null; then
  /usr/bin/python3 "$(dirname "$0")/peers/run_peers.py" --repeats 5 --build "${1:-build}"
else
  echo "skipped: the peers are not installed (tools/setup.sh --peers)"
fi
