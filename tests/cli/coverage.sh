#!/usr/bin/env bash
# lugeo coverage on the demo scene: covered + uncovered = total; GPKG layers; plan picks.
set -euo pipefail
lugeo="$1"; src="$2"; build="$3"
out="$build/cli_coverage"; rm -rf "$out"; mkdir -p "$out"   # fresh: lugeo refuses to replace an output
"$lugeo" coverage -q --scene "$src/data/demo/scene.toml" --json -o "$out/cov.gpkg" > "$out/cov.json"
python3 - "$out/cov.json" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
assert abs(j["covered_m"] + j["uncovered_m"] - j["total_m"]) < 0.05, j
assert 0 < j["covered_m"] < j["total_m"]
assert j["cameras"] == 1265 and j["gaps_count"] > 0
PY
for layer in views covered uncovered gaps cameras_no_road key_sites_unseen; do
  ogrinfo -ro -so "$out/cov.gpkg" "$layer" > /dev/null
done
"$lugeo" coverage plan -q --scene "$src/data/demo/scene.toml" --add 5 --phases 2 --json -o "$out/picks.gpkg" > "$out/plan.json"
python3 - "$out/plan.json" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
p = j["picks"]
assert len(p) == 5
assert all(p[i]["gain"] >= p[i + 1]["gain"] for i in range(4))
assert p[0]["phase"] == 1 and p[-1]["phase"] == 2
PY
ogrinfo -ro -so "$out/picks.gpkg" picks > /dev/null
echo ok
