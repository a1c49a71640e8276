#!/usr/bin/env bash
# lugeo poles check on the demo: confusable pairs are warnings (exit 0), ranked by score in
# --json, the text shows the top N pairs of roads (--top) or every pair (--all), and -o writes
# every pair as a line layer that GDAL opens.
set -euo pipefail
lugeo="$1"; src="$2"; build="$3"
scene="$src/data/demo/scene.toml"
out="$build/cli_poles_check"; rm -rf "$out"; mkdir -p "$out"

"$lugeo" poles check --scene "$scene" -q --no-roads --json -o "$out/pairs.gpkg" > "$out/check.json"
"$lugeo" poles check --scene "$scene" -q --no-roads --json --confusable-distance 3000 \
    --confusable-probability 0.004 > "$out/strict.json"
python3 - "$out/check.json" "$out/strict.json" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
s = json.load(open(sys.argv[2]))
assert j["errors"] == 0
c = [i for i in j["issues"] if i["kind"] == "confusable"]
assert len(c) == j["confusable"]["pairs"] > 100, len(c)
assert j["confusable"]["min_distance_m"] == 1000 and j["confusable"]["min_probability"] == 0.003
sc = [i["score"] for i in c]
assert sc == sorted(sc, reverse=True), "not ranked by score"
assert all(i["distance_m"] > 1000 and i["probability"] >= 0.003 for i in c)
assert all(abs(i["score"] - i["probability"] * i["distance_m"]) < 0.05 + 1e-3 * i["score"] for i in c)
cs = [i for i in s["issues"] if i["kind"] == "confusable"]
assert 0 < len(cs) < len(c) and all(i["distance_m"] > 3000 and i["probability"] >= 0.004 for i in cs)
open(sys.argv[1] + ".count", "w").write(str(len(c)))
PY
n=$(cat "$out/check.json.count")
ogrinfo -ro -so "$out/pairs.gpkg" confusable_pairs > "$out/ogrinfo.txt"
grep -q "Feature Count: $n" "$out/ogrinfo.txt"
grep -q "Line String" "$out/ogrinfo.txt"

"$lugeo" poles check --scene "$scene" -q --no-roads --top 5 > "$out/top.txt"
grep -q "^confusable ($n pairs of plates on" "$out/top.txt"
[ "$(grep -c ' ~ ' "$out/top.txt")" = 5 ]
grep -q "more pairs of roads" "$out/top.txt"
"$lugeo" poles check --scene "$scene" -q --no-roads --all > "$out/all.txt"
[ "$(grep -c ' ~ ' "$out/all.txt")" = "$n" ]
echo ok
