#!/usr/bin/env bash
# Runs every benchmark once, in one go, so the figures in docs/benchmarks.md come from one
# run on one machine (compare ratios, not absolute times across days).
#   cmake --preset release && cmake --build --preset release && bench/run_all.sh
set -euo pipefail
B=${1:-build}/bench
echo "== machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%Y-%m-%d)"
echo "== network build (bench_network)";   "$B/bench_network" demo 5; "$B/bench_network" malta 5
echo "== OSM read, GDAL vs libosmium (bench_osm_read)"; "$B/bench_osm_read" "$(dirname "$0")/../tests/fixtures/osm/malta-2016-11-09.osm.pbf" 5 2
echo "== registry (bench_registry)";       "$B/bench_registry" 20000
echo "== registry accuracy ceiling (bench_registry_ceiling)"; "$B/bench_registry_ceiling" 1500
echo "== positions GCJ-02/BD-09 (bench_positions)"; "$B/bench_positions" 0.05
echo "== isochrones (bench_isochrone)";    "$B/bench_isochrone" 3
echo "== zones (bench_zones)";             "$B/bench_zones" --repeat 3
echo "== coverage (bench_coverage)";       "$B/bench_coverage" --benchmark_min_time=0.5
echo "== report (bench_report)";           "$B/bench_report" "" 3
