#!/usr/bin/env bash
# One presenter per analysis (issue 13): on the demo scene the figures `lugeo report --json`
# gives for the patrol zones, camera coverage and next kiosks are those of `zones --json`,
# `coverage --json` and `site --add 3 --json` (read from both JSONs, nothing hard-coded); the
# confusable pair counts of `poles check --json` are the report's; the report's confusable
# table shows each pair of roads once; the road classes come in one order (the longest first)
# in the coverage command's text and in the report's table.
set -euo pipefail
lugeo="$1"; src="$2"; build="$3"
out="$build/cli_presenters"; rm -rf "$out"; mkdir -p "$out"
S=(--scene "$src/data/demo/scene.toml" -q)

"$lugeo" report "${S[@]}" --lang en --cameras 2 -o "$out/report" --json > "$out/report.json"
# with -o the zones command builds the polygons, as the report does (their areas are the
# polygons' own; without polygons the areas are the grid cells' estimate)
"$lugeo" zones "${S[@]}" --json -o "$out/zones.gpkg" > "$out/zones.json"
"$lugeo" coverage "${S[@]}" --json > "$out/coverage.json"
"$lugeo" coverage "${S[@]}" > "$out/coverage.txt"
"$lugeo" site "${S[@]}" --add 3 --json > "$out/site.json"
"$lugeo" poles check "${S[@]}" --json > "$out/poles.json"
"$lugeo" poles check "${S[@]}" > "$out/poles.txt"

python3 - "$out" <<'PY'
import html.parser, json, re, sys
out = sys.argv[1]
load = lambda name: json.load(open(f"{out}/{name}.json"))
report, zones, coverage, site, poles = (load(n) for n in
                                        ("report", "zones", "coverage", "site", "poles"))
checked = []

def same(what, a, b, keys):
    assert a is not None and b is not None, what
    for k in keys:
        assert k in a and k in b, f"{what}: {k} missing"
        assert a[k] == b[k], f"{what}.{k}: report {a[k]!r} != command {b[k]!r}"
        checked.append(f"{what}.{k}")

# the patrol zones: every zone's figures and the totals
same("zones", report["zones"], zones,
     ["kiosks", "zones", "drivable_km", "unreached_km", "outside_boundary_km", "imbalance",
      "mean_time_s", "p95_time_s", "worst_time_s"])
assert len(zones["zones"]) == zones["kiosks"] > 1

# the executive summary's zones are the zones' table: its road inside the boundary, its
# incidents in the polygon (before, the summary counted road outside the boundary and
# incidents by their nearest road: KIOSK-1 114.2 km and 853 against the table's 89.8 and 930)
summary_zones = report["summary"]["zones"]
assert [z["zone"] for z in summary_zones] == [z["kiosk"] for z in report["zones"]["zones"]]
for sz, tz in zip(summary_zones, report["zones"]["zones"]):
    assert abs(sz["road_km"] - tz["road_km"]) <= 0.005 + 1e-9, (sz["zone"], sz["road_km"], tz["road_km"])
    assert sz["incidents"] == sum(tz["incidents"].values()), (sz["zone"], sz["incidents"], tz["incidents"])
city = report["summary"]["city"]
assert city["incidents"] == sum(sz["incidents"] for sz in summary_zones)
assert abs(city["road_km"] - sum(tz["road_km"] for tz in report["zones"]["zones"])) <= 0.05
# incidents no kiosk reaches count as not reached within any threshold
unreached = report["summary"]["incidents_unreached"]
assert 0 <= unreached <= city["incidents"]
for t in city["thresholds"]:
    assert t["incident_share"] <= 1 - unreached / city["incidents"] + 1e-4, (t, unreached)

# camera coverage: the totals and the splits (not by_zone: the report splits by its own
# Voronoi zones, the command by the scene's zones layer)
same("coverage", report["coverage"], coverage,
     ["total_m", "covered_m", "uncovered_m", "backup_m", "covered_share", "by_class",
      "by_phase", "by_phase_cumulative", "by_owner", "gaps_count", "gaps_m"])
assert report["summary"]["camera_covered_share"] == coverage["covered_share"]

# the next kiosks: the same three sites with the same figures, before and after
same("next_kiosks", report["next_kiosks"], site,
     ["sites", "before", "after", "moved_inside", "moved_outside"])
assert len(site["sites"]) == 3

# confusable plates: one count of pairs of plates, one of pairs of roads
conf = poles["confusable"]
assert conf["pairs"] == poles["issues_by_kind"]["confusable"] > 0
assert report["summary"]["confusable_pairs"] == conf["pairs"]
assert report["summary"]["confusable_road_pairs"] == conf["road_pairs"]
assert 0 < conf["road_pairs"] <= conf["pairs"]
text = open(f"{out}/poles.txt").read()
m = re.search(r"confusable \((\d+) pairs of plates on (\d+) pairs of roads", text)
assert m and (int(m[1]), int(m[2])) == (conf["pairs"], conf["road_pairs"]), m

# the report's tables, by the heading before each
class Tables(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(); self.tables = {}; self.heading = ""; self.cell = None
        self.row = None; self.in_h = False
    def handle_starttag(self, tag, attrs):
        if tag in ("h2", "h3"): self.in_h, self.heading = True, ""
        elif tag == "table": self.tables[self.heading] = []
        elif tag == "tr": self.row = []
        elif tag in ("td", "th"): self.cell = ""
    def handle_endtag(self, tag):
        if tag in ("h2", "h3"): self.in_h = False
        elif tag in ("td", "th") and self.row is not None: self.row.append(self.cell.strip())
        elif tag == "tr" and self.row: self.tables[self.heading].append(self.row)
    def handle_data(self, d):
        if self.in_h: self.heading += d
        if self.cell is not None: self.cell += d
t = Tables(); t.feed(open(f"{out}/report/report.html", encoding="utf-8").read())

rows = next(v for k, v in t.tables.items() if k.startswith("Confusable plates"))[1:]
assert 0 < len(rows) <= conf["road_pairs"]
pairs = [frozenset((r[1], r[3])) for r in rows]
assert len(set(pairs)) == len(pairs), f"a pair of roads twice: {pairs}"

# road classes: the longest first, in the command's text and in the report's table alike
block = open(f"{out}/coverage.txt").read().split("By road class")[1].split("\n\n")[0]
text_km = [float(l.split()[1]) for l in block.strip().splitlines()[1:]]
assert len(text_km) == len(coverage["by_class"]) > 3
assert text_km == sorted(text_km, reverse=True), text_km
html_km = [float(r[1].split()[0]) for r in t.tables["By road class"][1:]]
assert len(html_km) == len(text_km)
assert all(abs(h - k) <= 0.051 for h, k in zip(html_km, text_km)), (html_km, text_km)
print(f"presenters: {len(checked)} figures equal in report --json and the commands; "
      f"{conf['pairs']} confusable pairs on {conf['road_pairs']} pairs of roads")
PY
echo "presenters: all checks passed"
