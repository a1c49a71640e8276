#!/usr/bin/env bash
# lugeo isochrones end to end on the demo scene: JSON figures nest, GPKG layers exist,
# a source far off the network is refused with exit code 3 and a clear message.
set -euo pipefail
lugeo="$1"; src="$2"; build="$3"
out="$build/cli_isochrones"
rm -rf "$out"; mkdir -p "$out"   # fresh: lugeo refuses to replace an output
"$lugeo" isochrones --quiet --minutes 1,3 --profile car --no-per-source --json -o "$out/iso.gpkg" > "$out/iso.json"
python3 - "$out/iso.json" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
u = j["union"]
assert len(u) == 2 and len(j["sources"]) == 6, j
assert 0 < u[0]["area_km2"] <= u[1]["area_km2"], u
assert u[0]["road_km"] <= u[1]["road_km"], u
s = j["standard"]
assert s[0]["reached_km"] <= s[1]["reached_km"] <= s[1]["road_km"], s
assert all(abs(p["recall"] - 1.0) < 1e-3 for p in u), u
PY
layers=$(ogrinfo -so -q "$out/iso.gpkg" | tr '\n' ' ')
for l in sources reached union bands beyond; do
    [[ "$layers" == *"$l"* ]] || { echo "missing layer $l: $layers"; exit 1; }
done
# a source off the roads (13 km west of the demo, within the 20 km a position may lie outside
# the data) is refused by the snap
set +e
msg=$("$lugeo" isochrones --quiet --from 103.8,30.66 --minutes 1 --max-snap 200 2>&1)
rc=$?
set -e
[[ $rc -eq 3 ]] || { echo "expected exit 3, got $rc: $msg"; exit 1; }
[[ "$msg" == *"more than 200 m"* ]] || { echo "unclear message: $msg"; exit 1; }
echo ok
