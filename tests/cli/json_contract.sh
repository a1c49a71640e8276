#!/usr/bin/env bash
# The JSON contract (docs/json.md): every command's --json on the demo scene is one object
# with lugeo_version, schema 1 and the command; every number is rounded by its key's rule;
# no timings without --timings (and timings_s with it); the error object has the envelope too.
set -euo pipefail
lugeo="$1"; src="$2"; build="$3"
scene="$src/data/demo/scene.toml"
out="$build/cli_json_contract"; rm -rf "$out"; mkdir -p "$out"
demo="$src/data/demo"

run() { # run NAME EXPECTED_RC COMMAND... : stdout to $out/NAME.json, the command to NAME.cmd
  local name="$1" want="$2"; shift 2
  set +e; "$lugeo" "$@" > "$out/$name.json" 2> "$out/$name.err"; local rc=$?; set -e
  if [ "$rc" != "$want" ]; then
    echo "$name: expected exit $want, got $rc: $*"; cat "$out/$name.err"; exit 1
  fi
  printf '%s\n' "$*" > "$out/$name.cmd"
}

printf 'id\nL104-0001\nL104-0002\nNOPE-0000\n' > "$out/ids.csv"
cat > "$out/new.geojson" <<'JSON'
{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[104.0893,30.6981]}}]}
JSON
S=(--scene "$scene" -q)
run network_info      0 network info "${S[@]}" --json
run isochrones        0 isochrones "${S[@]}" --from 104.0657,30.6595 --minutes 1,5 --json
run coverage          0 coverage "${S[@]}" --json
run coverage_plan     0 coverage plan "${S[@]}" --add 3 --json
run locate_one        0 locate "${S[@]}" L104-0001 --json
run locate_many       0 locate "${S[@]}" L104-0001 '路灯一零四 零零零幺' --json
run locate_batch      1 locate "${S[@]}" --batch "$out/ids.csv" --json
run locate_batch_out  1 locate "${S[@]}" --batch "$out/ids.csv" -o "$out/located.gpkg" --json
run nearest           0 nearest "${S[@]}" 104.0665,30.6598 -k 3 --json
run poles_check       0 poles check "${S[@]}" --json
run poles_assign      0 poles assign "${S[@]}" --input "$out/new.geojson" --kind lamp --district 1 --road-code 4 -o "$out/new.gpkg" --json
run incident          0 incident "${S[@]}" 104.0665,30.6598 --json
run zones             0 zones "${S[@]}" --json
run report            0 report "${S[@]}" -o "$out/report" --cameras 2 --json
run scene_check       0 scene check "${S[@]}" --json
run scene_init        0 scene init "$src/tests/fixtures/osm/lauf-an-der-pegnitz-2020-01-15.osm.pbf" -o "$out/lauf" -q --json
run site              0 site "${S[@]}" --add 1 --json
run seal              1 seal "${S[@]}" 104.0690,30.6640 --json
# with --timings: the same envelope, plus timings_s
run network_timings   0 network info "${S[@]}" --json --timings
run zones_timings     0 zones "${S[@]}" --json --timings
# errors under --json: bad input (3), bad command line (2)
run error_input       3 zones "${S[@]}" --kiosks "$out/missing.geojson" --json
run error_usage       2 zones "${S[@]}" --cell abc --json
run error_unknown     2 locate "${S[@]}" --bogus --json

python3 - "$out" <<'PY'
import json, os, re, sys
out = sys.argv[1]

def decimals_for(key):  # docs/json.md, "Numbers"
    def unit(u): return key == u or key.endswith("_" + u)
    if unit("lon") or unit("lat") or unit("lonlat") or key in ("coordinates", "bbox"): return 7
    if unit("m2"): return 0
    if unit("km2"): return 4
    if unit("km"): return 3
    if unit("m") or unit("s") or unit("deg"): return 1
    if unit("min") or unit("minutes"): return 2
    if unit("x") or unit("y"): return 2
    if unit("pct"): return 1
    if unit("probability"): return 6
    return 4

DEFAULT = decimals_for("")
def walk(v, key, path, bad, timing):
    if isinstance(v, dict):
        unit = decimals_for(key) != DEFAULT
        for k, x in v.items():
            if re.search(r"(^|_)(seconds|timings?|elapsed)($|_)", k): timing.append(path + "." + k)
            walk(x, key if unit and decimals_for(k) == DEFAULT else k, path + "." + k, bad, timing)
    elif isinstance(v, list):
        for i, x in enumerate(v): walk(x, key, f"{path}[{i}]", bad, timing)
    elif isinstance(v, float):
        d = decimals_for(key)
        text = repr(v)
        if "e" in text or "E" in text:  # 1e-05 and the like: more than 4 decimals
            bad.append(f"{path}={text} (exponent; rule {d})"); return
        frac = text.split(".")[1] if "." in text else ""
        frac = frac.rstrip("0")
        if d == 0 or len(frac) > d: bad.append(f"{path}={text} (rule: {d} decimals)")

names = sorted(f[:-5] for f in os.listdir(out) if f.endswith(".json"))
assert len(names) >= 20, names
for name in names:
    cmd = open(os.path.join(out, name + ".cmd")).read().split()
    raw = open(os.path.join(out, name + ".json")).read()
    j = json.loads(raw)  # exactly one JSON document on stdout
    assert isinstance(j, dict), f"{name}: not an object"
    assert j.get("schema") == 1, f"{name}: schema {j.get('schema')!r}"
    assert re.fullmatch(r"\d+\.\d+\.\d+", j.get("lugeo_version", "")), f"{name}: lugeo_version"
    words = [w for w in cmd if not w.startswith("-")]
    want = " ".join(words[:2]) if words[0] in ("network", "coverage", "poles", "scene") and len(words) > 1 and words[1] in ("info", "export", "plan", "check", "assign", "init") else words[0]
    assert j.get("command") == want, f"{name}: command {j.get('command')!r}, want {want!r}"
    bad, timing = [], []
    walk(j, "", name, bad, timing)
    assert not bad, f"{name}: numbers with more digits than their rule: {bad[:10]}"
    if "--timings" in cmd:
        assert isinstance(j.get("timings_s"), dict) and j["timings_s"], f"{name}: no timings_s"
    else:
        assert not timing, f"{name}: timing fields without --timings: {timing}"
        assert "timings_s" not in j, f"{name}: timings_s without --timings"
    if name.startswith("error_"):
        e = j.get("error")
        assert isinstance(e, dict) and e.get("code") and e.get("message"), f"{name}: {j}"
    else:
        assert "error" not in j, f"{name}: {j.get('error')}"

# locate: one shape for one ID and for several, and for a batch
one = json.load(open(os.path.join(out, "locate_one.json")))
many = json.load(open(os.path.join(out, "locate_many.json")))
batch = json.load(open(os.path.join(out, "locate_batch.json")))
assert len(one["results"]) == 1 and len(many["results"]) == 2 and len(batch["results"]) == 3
keys = set(one["results"][0])
assert keys == set(many["results"][1]), (keys, set(many["results"][1]))
assert keys <= set(batch["results"][0]), keys - set(batch["results"][0])
assert [r["match"] for r in batch["results"]][:2] == ["exact", "exact"], batch["results"]
assert batch["by_match"].get("exact") == 2 and batch["rows"] == 3, batch
assert json.load(open(os.path.join(out, "error_input.json")))["error"]["code"] != "usage"
assert json.load(open(os.path.join(out, "error_usage.json")))["error"]["code"] == "usage"
print("json contract: %d documents checked" % len(names))
PY

# --batch - reads IDs from standard input: one per line, or a CSV with the ID column
printf 'L104-0001\n\nL104-0002\n' | "$lugeo" locate --scene "$scene" -q --batch - --json > "$out/stdin.json"
printf 'plate,note\nL104-0002,x\n' | "$lugeo" locate --scene "$scene" -q --batch - --id-field plate --json > "$out/stdin_csv.json"
python3 - "$out" <<'PY'
import json, sys
j = json.load(open(sys.argv[1] + "/stdin.json"))
assert [r["input"] for r in j["results"]] == ["L104-0001", "L104-0002"], j["results"]
assert all(r["match"] == "exact" for r in j["results"])
k = json.load(open(sys.argv[1] + "/stdin_csv.json"))
assert [r["candidates"][0]["id"] for r in k["results"]] == ["L104-0002"], k
PY
echo "json contract: ok"
