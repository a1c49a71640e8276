#!/usr/bin/env bash
# Positions as dispatchers receive them (docs/positions.md): --near-crs wgs84|cgcs2000|gcj02|
# bd09, geo: URIs, --show-crs, and a position far outside the scene refused (exit 3) in
# nearest, incident LON,LAT, isochrones --from and locate --near. JSON outputs say the CRS of
# their positions.
set -euo pipefail
lugeo="$1"; src="$2"; build="$3"
scene="$src/data/demo/scene.toml"
out="$build/cli_positions"; rm -rf "$out"; mkdir -p "$out"
fail() { echo "FAIL: $*" >&2; exit 1; }
P=104.0665,30.6598

"$lugeo" nearest --help | grep -- "--near-crs" >/dev/null || fail "nearest --help: no --near-crs"
"$lugeo" nearest --help | grep "geo:" >/dev/null || fail "nearest --help: no geo: example"

# WGS84 and the same point as a geo: URI (latitude first) give the same plates
"$lugeo" nearest --scene "$scene" -q $P --json > "$out/wgs.json"
"$lugeo" nearest --scene "$scene" -q "geo:30.6598,104.0665" --json > "$out/geo.json"
# the plates printed in GCJ-02 and BD-09, then each typed back in its system: the same plates,
# and the position as WGS84 within 0.5 m of the original (the iterative inverse)
"$lugeo" nearest --scene "$scene" -q $P --json --show-crs gcj02 > "$out/out_gcj.json"
"$lugeo" nearest --scene "$scene" -q $P --json --show-crs bd09 > "$out/out_bd.json"
gcj=$(python3 -c 'import json,sys; j=json.load(open(sys.argv[1]))["display"]; print("%.8f,%.8f" % (j["lon"], j["lat"]))' "$out/out_gcj.json")
bd=$(python3 -c 'import json,sys; j=json.load(open(sys.argv[1]))["display"]; print("%.8f,%.8f" % (j["lon"], j["lat"]))' "$out/out_bd.json")
"$lugeo" nearest --scene "$scene" -q "$gcj" --near-crs gcj02 --json > "$out/in_gcj.json"
"$lugeo" nearest --scene "$scene" -q "$bd" --near-crs BD09 --json > "$out/in_bd.json"
"$lugeo" nearest --scene "$scene" -q "geo:${gcj#*,},${gcj%,*}" --near-crs gcj02 --json > "$out/in_gcj_geo.json"
"$lugeo" nearest --scene "$scene" -q "$gcj" --json > "$out/gcj_as_wgs.json" # the mistake
python3 - "$out" <<'PY'
import json, math, sys
out = sys.argv[1]
L = lambda n: json.load(open("%s/%s.json" % (out, n)))
def dist(a, b):
    R = 6371008.8
    dl, dp = math.radians(b[0] - a[0]), math.radians(b[1] - a[1])
    h = math.sin(dp / 2) ** 2 + math.cos(math.radians(a[1])) * math.cos(math.radians(b[1])) * math.sin(dl / 2) ** 2
    return 2 * R * math.asin(math.sqrt(h))
wgs = L("wgs")
ids = [p["id"] for p in wgs["plates"]]
assert wgs["position_crs"] == "wgs84"
assert wgs["position"]["given"]["crs"] == "wgs84"
geo = L("geo")
assert [p["id"] for p in geo["plates"]] == ids and geo["position"]["geo_uri"] is True
P = (wgs["lon"], wgs["lat"])
for sysname, outn, inn in (("gcj02", "out_gcj", "in_gcj"), ("bd09", "out_bd", "in_bd"),
                           ("gcj02", "out_gcj", "in_gcj_geo")):
    o, i = L(outn), L(inn)
    assert o["position_crs"] == "wgs84" and o["output_crs"] == sysname, o
    assert (o["lon"], o["lat"]) == P # lon/lat stay WGS84; "display" beside them
    # the displayed positions moved by the system's offset (hundreds of metres in Chengdu)
    shift = dist(P, (o["display"]["lon"], o["display"]["lat"]))
    assert 200 < shift < 1500, (sysname, shift)
    for a, b in zip(wgs["plates"], o["plates"]):
        assert a["id"] == b["id"] and (a["lon"], a["lat"]) == (b["lon"], b["lat"])
        assert b["display"]["crs"] == sysname
        assert abs(dist((a["lon"], a["lat"]), (b["display"]["lon"], b["display"]["lat"])) - shift) < 50
    # typed back in that system: the same point
    assert i["position"]["given"]["crs"] == sysname
    back = (i["position"]["wgs84"]["lon"], i["position"]["wgs84"]["lat"])
    assert dist(back, P) < 0.5, (sysname, dist(back, P))
    assert [p["id"] for p in i["plates"]] == ids, (sysname, [p["id"] for p in i["plates"]], ids)
# the GCJ-02 position taken as WGS84 lands elsewhere: other plates first (what --near-crs is for)
wrong = L("gcj_as_wgs")
assert dist((wrong["lon"], wrong["lat"]), P) > 200
PY

# far outside the scene: (0, 0) and LAT,LON are refused (exit 3) with the cause, everywhere
check_refused() { # label, expected text, command…
    local label="$1" want="$2"; shift 2
    set +e; "$@" > /dev/null 2> "$out/err"; local rc=$?; set -e
    [[ $rc -eq 3 ]] || fail "$label: exit $rc"
    grep -q "$want" "$out/err" || fail "$label: no '$want': $(cat "$out/err")"
}
check_refused "nearest 0,0" "handset without a position fix" "$lugeo" nearest --scene "$scene" -q 0,0
check_refused "nearest LAT,LON" "takes the longitude first" "$lugeo" nearest --scene "$scene" -q 30.6598,104.0665
check_refused "incident 0,0" "handset without a position fix" "$lugeo" incident --scene "$scene" -q 0,0
check_refused "incident geo:0,0" "handset without a position fix" "$lugeo" incident --scene "$scene" -q geo:0,0
check_refused "isochrones --from 0,0" "handset without a position fix" "$lugeo" isochrones --scene "$scene" -q --from 0,0 --minutes 1
plate=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["plates"][0]["id"])' "$out/wgs.json")
check_refused "locate --near 0,0" "handset without a position fix" "$lugeo" locate --scene "$scene" -q --no-network "$plate" --near 0,0,100
# ... unless the dispatcher widens the limit; a bad system name is a usage error
"$lugeo" nearest --scene "$scene" -q 104.5,30.66 --max-outside 100 > /dev/null || fail "--max-outside"
set +e; "$lugeo" nearest --scene "$scene" -q $P --near-crs mars 2> /dev/null; rc=$?; set -e
[[ $rc -eq 2 ]] || fail "--near-crs mars: exit $rc"
set +e; "$lugeo" nearest --scene "$scene" -q "geo:30.6598,104.0665;crs=gcj02" --near-crs bd09 2> "$out/err"; rc=$?; set -e
[[ $rc -eq 3 ]] || fail "geo: crs= against --near-crs: exit $rc"

# incident, isochrones and locate take the same forms and say the CRS of their positions
"$lugeo" incident --scene "$scene" -q "$gcj" --near-crs gcj02 --json > "$out/inc.json"
"$lugeo" isochrones --scene "$scene" -q --from "geo:30.6598,104.0665" --minutes 1 --profile walk --json > "$out/iso.json"
"$lugeo" locate --scene "$scene" -q --no-network "$plate" --near "$bd,200" --near-crs bd09 --json --show-crs bd09 > "$out/loc.json"
python3 - "$out" <<'PY'
import json, sys, math
out = sys.argv[1]
L = lambda n: json.load(open("%s/%s.json" % (out, n)))
wgs = L("wgs")
inc = L("inc")
assert inc["position_crs"] == "wgs84" and inc["position"]["given"]["crs"] == "gcj02"
assert abs(inc["lon"] - wgs["lon"]) < 1e-5 and abs(inc["lat"] - wgs["lat"]) < 1e-5
iso = L("iso")
assert iso["position_crs"] == "wgs84"
s = iso["sources"][0]
assert s["position"]["geo_uri"] and abs(s["lon"] - wgs["lon"]) < 1e-6, s
loc = L("loc")["results"][0]
assert loc["position_crs"] == "wgs84" and loc["output_crs"] == "bd09", loc
assert loc["exact"] == wgs["plates"][0]["id"]
assert not loc["far_from_caller"]
# the caller's position printed back in BD-09, as given
bd = L("out_bd")
assert abs(loc["near"]["display"]["lon"] - bd["display"]["lon"]) < 1e-6, (loc["near"], bd["display"])
assert abs(loc["near"]["display"]["lat"] - bd["display"]["lat"]) < 1e-6
PY
echo "positions: ok"
