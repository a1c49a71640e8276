#!/usr/bin/env bash
# lugeo locate / nearest / poles check / poles assign / incident on the demo scene:
# --json parses, the figures hold, exit codes as documented (0 ok, 1 findings, 3 bad input).
set -euo pipefail
lugeo="$1"; src="$2"; build="$3"
scene="$src/data/demo/scene.toml"
out="$build/cli_locate"; rm -rf "$out"; mkdir -p "$out"

expect_rc() { # expect_rc CODE command...
  local want="$1"; shift
  set +e; "$@" > "$out/last.out" 2> "$out/last.err"; local rc=$?; set -e
  if [ "$rc" != "$want" ]; then
    echo "expected exit $want, got $rc: $*"; cat "$out/last.out" "$out/last.err"; exit 1
  fi
}

# exact, spoken Chinese with radio digits, JSON
"$lugeo" locate --scene "$scene" -q 'L104-0001' '路灯幺洞四 洞洞洞幺' --json > "$out/exact.json"
python3 - "$out/exact.json" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))["results"]
assert len(j) == 2
for r in j:
    assert r["match"] == "exact", r
    c = r["candidates"][0]
    assert c["id"] == "L104-0001" and c["kind"] == "lamp" and c["status"] == "ok"
    assert abs(c["lon"] - 104.0892595) < 1e-6 and abs(c["lat"] - 30.6980297) < 1e-6
    assert c["crs"] == "EPSG:32648" and c["x"] > 400000
    assert c["junction"] is not None and len(c["junction"]["roads"]) >= 1
PY

# a misreading (1 read as 7 in the road code) resolved fuzzily, near the caller
"$lugeo" locate --scene "$scene" -q G7010001 --near 104.0695,30.6812,300 --json > "$out/fuzzy.json"
python3 - "$out/fuzzy.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]  # one ID: one result, as for several
assert r["match"] in ("fuzzy", "exact_far"), r["match"]
assert r["candidates"][0]["id"] == "G101-0001", r["candidates"][0]
assert r["candidates"][0]["distance_m"] < 300
PY

# exact but far from the caller: flagged, with nearby alternatives
"$lugeo" locate --scene "$scene" -q L104-0001 --near 104.0665,30.6598 --no-network --json > "$out/far.json"
python3 - "$out/far.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]  # one ID: one result, as for several
assert r["match"] == "exact_far" and r["far_from_caller"] is True, r
PY

# a misread that is another valid plate (G101-0017 for G101-0011, 228 m apart): the second
# plate the caller reads (L154-0001, 21 m from G101-0011) puts the true pole first
"$lugeo" locate --scene "$scene" -q G101-0017 --also L154-0001 --no-network --json > "$out/pair.json"
python3 - "$out/pair.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]  # one ID: one result, as for several
assert r["match"] == "exact_far" and r["exact"] == "G101-0017", r
c = r["candidates"][0]
assert c["id"] == "G101-0011" and c["partner"] == "L154-0001" and c["partner_distance_m"] < 50, c
PY
# the same with the pole read right: exact, paired with the lamp
"$lugeo" locate --scene "$scene" -q G101-0011 --also 路灯一五四零零零幺 --no-network --json > "$out/pair_ok.json"
python3 - "$out/pair_ok.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]  # one ID: one result, as for several
assert r["match"] == "exact" and r["candidates"][0]["id"] == "G101-0011", r
assert r["candidates"][0]["partner"] == "L154-0001", r
PY
expect_rc 3 "$lugeo" locate --scene "$scene" -q --no-network G101-0011 --also '!!'
grep -q "second plate" "$out/last.err"
expect_rc 3 "$lugeo" locate --scene "$scene" -q --no-network G101-0011 G101-0012 --also L154-0001

# garbage and bad coordinates: exit 3, a message, no crash
expect_rc 3 "$lugeo" locate --scene "$scene" -q --no-network 'abc'
grep -q "not a plate ID" "$out/last.err"
expect_rc 3 "$lugeo" locate --scene "$scene" -q --no-network $'L104\x01-0001'
expect_rc 3 "$lugeo" locate --scene "$scene" -q --no-network L104-0001 --near 104.1,95
grep -q "latitude" "$out/last.err"
expect_rc 3 "$lugeo" nearest --scene "$scene" -q 200,30
expect_rc 3 "$lugeo" nearest --scene "$scene" -q abc,def
expect_rc 3 "$lugeo" incident --scene "$scene" -q '!!!'
# a plausible ID that matches nothing: exit 1
expect_rc 1 "$lugeo" locate --scene "$scene" -q --no-network L999-9999

# batch: CSV in (with a garbage row), GPKG and CSV out, one row per input
printf 'plate,lon,lat\nL104-0001,,\nG7010001,104.0695,30.6812\nxyz,,\n"路灯一零四 零零零幺",,\n' > "$out/calls.csv"
# a row that is not a plate ID makes the batch exit 1 (every row is still written)
expect_rc 1 "$lugeo" locate --scene "$scene" -q --batch "$out/calls.csv" --id-field plate -o "$out/located.gpkg" --json
cp "$out/last.out" "$out/batch.json"
python3 - "$out/batch.json" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
assert j["rows"] == 4 and j["by_match"]["invalid"] == 1, j
PY
test "$(ogrinfo -ro -so "$out/located.gpkg" located | grep 'Feature Count' | awk '{print $3}')" = 4
expect_rc 1 "$lugeo" locate --scene "$scene" -q --batch "$out/calls.csv" --id-field plate -o "$out/located.csv"
python3 - "$out/located.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
assert [r["match"] for r in rows] == ["exact", "fuzzy", "invalid", "exact"], [r["match"] for r in rows]
assert rows[1]["id"] == "G101-0001"
PY
expect_rc 3 "$lugeo" locate --scene "$scene" -q --batch "$out/calls.csv" -o "$out/x.gpkg"   # no 'id' column
grep -q "no column 'id'" "$out/last.err"

# nearest: k plates, sorted by distance, bearings in [0, 360)
"$lugeo" nearest --scene "$scene" -q 104.0665,30.6598 -k 7 --json > "$out/nearest.json"
python3 - "$out/nearest.json" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))["plates"]
assert len(p) == 7
assert all(p[i]["distance_m"] <= p[i + 1]["distance_m"] for i in range(6))
assert all(0 <= q["bearing_deg"] < 360 for q in p)
PY

# poles check: the demo has no errors (exit 0); a broken copy has (exit 1)
"$lugeo" poles check --scene "$scene" -q --json > "$out/check.json"
python3 - "$out/check.json" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
assert j["plates"] == 7300 and j["errors"] == 0 and j["road_check"] is True
assert sum(s["ok"] + s["damaged"] + s["missing"] + s["unknown"] for s in j["status"]) == 7300
PY
mkdir -p "$out/broken"
cp "$src"/data/demo/*.geojson "$src"/data/demo/scene.toml "$out/broken/"
sed -i 's|source = "../chengdu-centre-2018.osm"|source = "'"$src"'/data/chengdu-centre-2018.osm"|' "$out/broken/scene.toml"
python3 - "$out/broken/poles.geojson" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
f = j["features"]
f[1]["properties"]["id"] = f[0]["properties"]["id"]      # duplicate
f[2]["properties"]["id"] = "G1X1-0003"                     # garbage
f[3]["geometry"]["coordinates"] = [104.5, 30.9]            # far from every road
json.dump(j, open(sys.argv[1], "w"))
PY
expect_rc 1 "$lugeo" poles check --scene "$out/broken/scene.toml" -q --json
python3 - "$out/last.out" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
kinds = j["issues_by_kind"]
assert kinds.get("duplicate_id") and kinds.get("invalid_id") and kinds.get("far_from_road"), kinds
assert j["errors"] >= 2
PY
# ... locate serves every good row of the broken registry, the bad rows named on stderr
expect_rc 0 "$lugeo" locate --scene "$out/broken/scene.toml" -q --no-network L104-0001
grep -q "EXACT" "$out/last.out"
grep -q "feature 1 left out: duplicate" "$out/last.err"
grep -q "feature 2 left out: not a plate ID" "$out/last.err"
# ... and --strict refuses it with the feature named
expect_rc 3 "$lugeo" locate --scene "$out/broken/scene.toml" -q --no-network --strict L104-0001
grep -q "feature" "$out/last.err"

# poles assign: two new lamps on district 1 road 04, never reusing a number, Damm check digit
cat > "$out/new.geojson" <<'JSON'
{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[104.0893,30.6981]}},
{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[104.0894,30.6982]}}]}
JSON
"$lugeo" poles assign --scene "$scene" -q --input "$out/new.geojson" --kind lamp --district 1 --road-code 4 -o "$out/new.gpkg" --json > "$out/assign.json"
"$lugeo" locate --scene "$scene" -q --no-network --json $(python3 -c "import json;print(' '.join(a['id'] for a in json.load(open('$out/assign.json'))['assigned']))") > "$out/new_locate.json"
python3 -c "import json,sys; assert all(r['match'] != 'exact' for r in json.load(open(sys.argv[1]))['results']), 'assigned IDs must be new'" "$out/new_locate.json"
python3 - "$out/assign.json" "$src/data/demo/lamps.geojson" <<'PY'
import json, sys
a = json.load(open(sys.argv[1]))["assigned"]
lamps = json.load(open(sys.argv[2]))["features"]
used = max(f["properties"]["number"] for f in lamps if f["properties"]["id"].startswith("L104-"))
T = [[0,3,1,7,5,9,8,6,4,2],[7,0,9,2,1,5,4,8,6,3],[4,2,0,6,8,7,1,3,5,9],[1,7,5,0,9,8,3,4,2,6],[6,1,2,3,0,4,5,9,7,8],
     [3,6,7,4,2,0,9,5,8,1],[5,8,6,9,7,2,0,1,3,4],[8,9,4,5,3,6,2,0,1,7],[9,4,3,8,6,1,7,2,0,5],[2,5,8,1,4,3,6,7,9,0]]
assert len(a) == 2
nums = []
for x in a:
    i = 0
    for c in x["id"]:
        if c.isdigit(): i = T[i][int(c)]
    assert i == 0, x          # Damm: the whole ID checks to 0
    assert x["id"].startswith("L104-") and len(x["id"]) == 10
    nums.append(int(x["id"][5:9]))
assert min(nums) > used and len(set(nums)) == 2, (nums, used)
PY
ogrinfo -ro -so "$out/new.gpkg" lamps > /dev/null
expect_rc 3 "$lugeo" poles assign --scene "$scene" -q --input "$out/nope.geojson" --kind lamp --district 1 --road-code 4 -o "$out/n.gpkg"

# the cross street the caller names, and where to send the unit (the dispatch answer).
# Properties, not fixed answers: naming the other street at the second candidate's nearest
# junction brings that candidate first; an unknown street changes nothing and is reported;
# the dispatch answer holds at least the first answer's probability.
"$lugeo" locate --scene "$scene" -q L207-0010 --json > "$out/cross0.json"
cross=$(python3 - "$out/cross0.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
c = r["candidates"]
assert r["match"] == "fuzzy" and len(c) >= 2, r["match"]
assert c[0]["road"] != c[1]["road"], (c[0]["road"], c[1]["road"])
streets = [s for s in (c[1]["cross_street"] or "").split(" × ") if s and s != c[1]["road"]]
assert streets, c[1]["cross_street"]
d = r["dispatch"]
assert d is not None and 0 < d["confidence"] <= 1 and d["reach_m"] == 100
assert d["confidence"] >= c[0]["confidence"] - 1e-4, (d, c[0])
assert r["cross_unknown"] is False
print(streets[0])
PY
)
"$lugeo" locate --scene "$scene" -q L207-0010 --cross "$cross" --json > "$out/cross1.json"
"$lugeo" locate --scene "$scene" -q L207-0010 --cross 没有这条路 --json > "$out/cross2.json"
python3 - "$out/cross0.json" "$out/cross1.json" "$out/cross2.json" <<'PY'
import json, sys
before, told, unknown = (json.load(open(f))["results"][0] for f in sys.argv[1:])
assert told["candidates"][0]["id"] == before["candidates"][1]["id"], told["candidates"][0]
assert told["candidates"][0]["confidence"] > before["candidates"][1]["confidence"]
assert not told["cross_unknown"]
assert unknown["cross_unknown"]
assert [c["id"] for c in unknown["candidates"]] == [c["id"] for c in before["candidates"]]
PY
"$lugeo" locate --scene "$scene" -q L207-0010 --cross 没有这条路 > "$out/cross2.txt"
grep "SEND TO: " "$out/cross2.txt" >/dev/null
grep "cross street named is on no road" "$out/cross2.txt" >/dev/null
"$lugeo" locate --scene "$scene" -q L104-0001 > "$out/exact.txt"
! grep "SEND TO" "$out/exact.txt" >/dev/null    # an exact match near no caller: the plate itself
expect_rc 2 "$lugeo" locate --scene "$scene" -q --no-network L207-0010 --reach 0

# incident: by plate and by position, JSON parses, rings nested, by-road sorted
"$lugeo" incident --scene "$scene" -q L104-0001 --json > "$out/incident.json"
python3 - "$out/incident.json" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
assert j["plate"]["id"] == "L104-0001"
cams = j["cameras"]
seeing = j["cameras_seeing"]
assert all(c["sees"] for c in cams[:seeing]) and not any(c["sees"] for c in cams[seeing:])
assert [r["radius_m"] for r in j["rings"]] == [100, 300, 500]
sizes = [len(r["units"]) for r in j["rings"]]
assert sizes == sorted(sizes)
t = [u["time_s"] for u in j["by_road"]["units"]]
assert t and t == sorted(t)
assert j["by_road"]["direction"].startswith("inbound")
assert j["junction"] is not None
PY
"$lugeo" incident --scene "$scene" -q 104.0665,30.6598 > "$out/incident.txt"
grep -q "Nearest units by road" "$out/incident.txt"
expect_rc 1 "$lugeo" incident --scene "$scene" -q L104-9999
echo ok
