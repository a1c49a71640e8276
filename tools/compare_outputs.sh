#!/usr/bin/env bash
# Compares the demo's isochrone and zone layers written by two lugeo binaries, layer by
# layer (every feature's fields and ISO WKT geometry, via ogrinfo): for refactors that must
# not change any output. Not a test (it needs two builds); run by hand:
#   tools/compare_outputs.sh /work/main/build/cli/lugeo build/cli/lugeo
set -euo pipefail
A=$1 B=$2 T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
for w in a b; do
  bin=$A; [ $w = b ] && bin=$B
  mkdir "$T/$w"
  "$bin" isochrones -q -o "$T/$w/iso.gpkg" > /dev/null
  "$bin" zones -q -o "$T/$w/zones.gpkg" > /dev/null
done
status=0
for f in iso zones; do
  for L in $(ogrinfo -q "$T/a/$f.gpkg" | awk '{print $2}'); do
    if cmp -s <(ogrinfo -q -al -geom=ISO_WKT "$T/a/$f.gpkg" "$L") \
              <(ogrinfo -q -al -geom=ISO_WKT "$T/b/$f.gpkg" "$L"); then
      echo "$f/$L: same"
    else
      echo "$f/$L: DIFFERENT"; status=1
    fi
  done
done
exit $status
