#!/usr/bin/env bash
# Other numbering schemes and no plates at all (docs/plate-ids.md, issue 12's "done when"):
# a copy of the demo whose poles are DG-##### and lamps LD-##### (seeded random numbers, no
# other change, no scheme declared: inferred) gives exact and fuzzy lookups, poles check,
# poles assign and incident with plate IDs; a copy with no plate layer gives incident,
# nearest and coverage plan.
set -euo pipefail
lugeo="$1"; src="$2"; build="$3"
out="$build/cli_plate_schemes"; rm -rf "$out"; mkdir -p "$out/dg" "$out/none"

expect_rc() { # expect_rc CODE command...
  local want="$1"; shift
  set +e; "$@" > "$out/last.out" 2> "$out/last.err"; local rc=$?; set -e
  if [ "$rc" != "$want" ]; then
    echo "expected exit $want, got $rc: $*"; cat "$out/last.out" "$out/last.err"; exit 1
  fi
}

python3 - "$src" "$out" <<'PY'
import json, os, random, re, sys
src, out = sys.argv[1], sys.argv[2]
demo = os.path.join(src, "data", "demo")
scene = open(os.path.join(demo, "scene.toml"), encoding="utf-8").read()
absolute = lambda s: re.sub(r'source = "([^"]+)"',
    lambda m: 'source = "%s"' % os.path.normpath(os.path.join(demo, m.group(1))), s)
# DG/LD: every ID rewritten to a distinct random five-digit number, the schemes not declared
rng = random.Random(20261202)
used, mapping = set(), {}
for name, prefix in (("poles", "DG"), ("lamps", "LD")):
    fc = json.load(open(os.path.join(demo, name + ".geojson"), encoding="utf-8"))
    for f in fc["features"]:
        while True:
            n = rng.randrange(100000)
            if n not in used: break
        used.add(n)
        new = "%s-%05d" % (prefix, n)
        mapping[f["properties"]["id"]] = new
        f["properties"]["id"] = new
    json.dump(fc, open(os.path.join(out, "dg", name + ".geojson"), "w", encoding="utf-8"))
dg = re.sub(r'^scheme = .*\n', '', scene, flags=re.M)
dg = absolute(dg).replace(os.path.normpath(os.path.join(demo, "poles.geojson")), "poles.geojson") \
                 .replace(os.path.normpath(os.path.join(demo, "lamps.geojson")), "lamps.geojson")
open(os.path.join(out, "dg", "scene.toml"), "w", encoding="utf-8").write(dg)
json.dump(mapping, open(os.path.join(out, "mapping.json"), "w"))
# no plates: the demo without its [layers.poles] and [layers.lamps] tables
kept, skip = [], False
for line in scene.splitlines(keepends=True):
    if line.startswith("["):
        skip = line.startswith("[layers.poles") or line.startswith("[layers.lamps")
    if not skip: kept.append(line)
open(os.path.join(out, "none", "scene.toml"), "w", encoding="utf-8").write(absolute("".join(kept)))
PY
dg="$out/dg/scene.toml"; none="$out/none/scene.toml"
# the demo's L104-0001 and G101-0001 under their new numbers
L=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['L104-0001'])" "$out/mapping.json")
G=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['G101-0001'])" "$out/mapping.json")

# --- DG-##### / LD-#####: the scheme is inferred and said
expect_rc 0 "$lugeo" locate --scene "$dg" --no-network "$L" --json
grep -q "numbering scheme DG-##### inferred from 3034 IDs" "$out/last.err"
grep -q "numbering scheme LD-##### inferred from 4266 IDs" "$out/last.err"
python3 - "$out/last.out" "$L" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
assert r["match"] == "exact", r
c = r["candidates"][0]
assert c["id"] == sys.argv[2] and c["kind"] == "lamp"
assert abs(c["lon"] - 104.0892595) < 1e-6 and abs(c["lat"] - 30.6980297) < 1e-6
PY
# spoken, lower case, no separator, the type word instead of the prefix: still exact
spoken=$(python3 -c "
import sys; d='洞幺两三四五六拐八勾'; print('路灯 ' + ''.join(d[int(c)] for c in sys.argv[1][3:]))" "$L")
"$lugeo" locate --scene "$dg" -q --no-network "$spoken" "$(echo "$L" | tr -d - | tr A-Z a-z)" --json > "$out/spoken.json"
python3 - "$out/spoken.json" "$L" <<'PY'
import json, sys
for r in json.load(open(sys.argv[1]))["results"]:
    assert r["match"] == "exact" and r["candidates"][0]["id"] == sys.argv[2], r
PY
# fuzzy: two digits of the pole swapped (and not another valid plate), the caller nearby
heard=$(python3 - "$G" "$out/mapping.json" <<'PY'
import json, sys
g, ids = sys.argv[1], set(json.load(open(sys.argv[2])).values())
for i in range(3, len(g) - 1):
    h = g[:i] + g[i + 1] + g[i] + g[i + 2:]
    if h != g and h not in ids:
        print(h); break
PY
)
expect_rc 0 "$lugeo" locate --scene "$dg" -q --no-network "$heard" --near 104.0695,30.6812,300 --json
python3 - "$out/last.out" "$G" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
assert r["match"] == "fuzzy", r["match"]
assert r["candidates"][0]["id"] == sys.argv[2], r["candidates"][0]
assert "swapped" in r["candidates"][0]["explanation"]
PY
# poles check on the new scheme: clean, and a row without a position is reported
expect_rc 0 "$lugeo" poles check --scene "$dg" -q --no-roads --json
python3 -c "
import json,sys; j=json.load(open(sys.argv[1])); assert j['plates']==7300 and j['errors']==0, j['errors']" "$out/last.out"
python3 - "$out/dg/poles.geojson" "$out/dg/poles_bad.geojson" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
j["features"][5]["geometry"] = None                          # no position
j["features"][6]["properties"]["id"] = j["features"][7]["properties"]["id"]  # duplicate
json.dump(j, open(sys.argv[2], "w"))
PY
sed 's|source = "poles.geojson"|source = "poles_bad.geojson"|' "$dg" > "$out/dg/bad.toml"
expect_rc 1 "$lugeo" poles check --scene "$out/dg/bad.toml" -q --no-roads --json
python3 - "$out/last.out" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
k = j["issues_by_kind"]
assert k.get("invalid_position") == 1 and k.get("duplicate_id") == 1, k
pos = [i for i in j["issues"] if i["kind"] == "invalid_position"][0]
assert "missing" in pos["message"] and pos["features"][0]["fid"] == 5, pos
PY
# ... the other commands serve the good rows, --strict refuses
expect_rc 0 "$lugeo" locate --scene "$out/dg/bad.toml" -q --no-network "$L"
grep -q "feature 5 left out" "$out/last.err"
expect_rc 3 "$lugeo" locate --scene "$out/dg/bad.toml" -q --no-network --strict "$L"
# poles assign: new DG poles get the next free numbers, never one in use
cat > "$out/new.geojson" <<'JSON'
{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[104.0893,30.6981]}},
{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[104.0894,30.6982]}}]}
JSON
expect_rc 0 "$lugeo" poles assign --scene "$dg" -q --input "$out/new.geojson" --kind pole -o "$out/new_ids.geojson"
python3 - "$out/new_ids.geojson" "$out/mapping.json" <<'PY'
import json, re, sys
new = [f["properties"]["id"] for f in json.load(open(sys.argv[1]))["features"]]
old = set(json.load(open(sys.argv[2])).values())
assert len(new) == 2 and len(set(new)) == 2, new
for i in new:
    assert re.fullmatch(r"DG-\d{5}", i) and i not in old, i
PY
# incident at a plate ID of the new scheme
expect_rc 0 "$lugeo" incident --scene "$dg" -q "$L" --json
python3 -c "
import json,sys; j=json.load(open(sys.argv[1])); assert j['plate']['id']==sys.argv[2], j['plate']" "$out/last.out" "$L"

# --- no plates at all
expect_rc 0 "$lugeo" incident --scene "$none" -q 104.0695,30.6812 --json
python3 -c "
import json,sys; j=json.load(open(sys.argv[1])); assert j['plate'] is None and j['junction'] is not None" "$out/last.out"
expect_rc 0 "$lugeo" nearest --scene "$none" -q 104.0695,30.6812 --json
python3 -c "
import json,sys; j=json.load(open(sys.argv[1])); assert j['plate_layer'] is False and j['plates']==[] and j['junction'] is not None" "$out/last.out"
expect_rc 3 "$lugeo" incident --scene "$none" -q G101-0001   # a plate ID needs plates
grep -q "no plate layer" "$out/last.err"
# coverage plan: candidates from points along the roads, and it says so
expect_rc 0 "$lugeo" coverage plan --scene "$none" -q --add 3 --every 200 --json
python3 - "$out/last.out" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
assert j["candidates_from"] == "roads" and j["mount_spacing_m"] == 200 and j["mounts"] > 1000, j
assert len(j["picks"]) == 3 and all(p["camera_id"].startswith("road:") for p in j["picks"])
assert j["picks"][0]["gain"] >= j["picks"][1]["gain"] >= j["picks"][2]["gain"]
PY
expect_rc 0 "$lugeo" coverage plan --scene "$none" -q --add 2 --mounts units
grep -q "candidate mounts: 25 units points" "$out/last.out"
# no candidate at all is an error, never "the best 0-camera set"
expect_rc 3 "$lugeo" coverage plan --scene "$none" -q --add 2 --mounts plates
expect_rc 3 "$lugeo" coverage plan --scene "$none" -q --add 2 --mounts zones_that_do_not_exist
echo ok
