#!/usr/bin/env bash
# End-to-end: lugeo report on the demo scene writes one self-contained HTML file (every
# section, no external URL, no script) and a GPKG; the page renders in headless Chromium
# and the screenshot is not blank.
set -euo pipefail
LUGEO=$1
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$LUGEO" report --help | grep "Examples:" >/dev/null || fail "report --help has no example"
"$LUGEO" report -q -o "$TMP/out" --json > "$TMP/r.json"
html="$TMP/out/report.html"
[[ -s "$html" ]] || fail "no report.html"
[[ -s "$TMP/out/report.gpkg" ]] || fail "no report.gpkg"
ls -a "$TMP/out" | grep -q '\.tmp' && fail "a temporary file was left behind"

for id in scene reachability zones coverage registry; do
    grep -q "<section id=\"$id\">" "$html" || fail "section $id missing"
done
grep -q "<section id=\"next\">" "$html" || fail "section next (where the next kiosk should go) missing"
ogrinfo -ro -so "$TMP/out/report.gpkg" next_kiosks | grep -q "Feature Count: 3" || fail "GPKG layer next_kiosks"
grep -c "<svg" "$html" | grep -qE '^[3-9]' || fail "fewer than 3 maps"
grep -q "OpenStreetMap" "$html" || fail "no OSM attribution"
grep -q "SYNTHETIC" "$html" || fail "synthetic layers not labelled"
# self-contained: no URL to anything outside the file, no scripts
if grep -Eiq '(https?:|ftp:)?//[a-z0-9.-]+\.[a-z]{2,}' "$html"; then
    grep -Eio '(https?:|ftp:)?//[a-z0-9.-]+\.[a-z]{2,}[^"<> ]*' "$html" | head -3 >&2
    fail "external URL in the report"
fi
grep -qi "<script" "$html" && fail "a script in the report"
grep -Eqi '(src|href)="[a-z]+:' "$html" && fail "a link with a scheme in the report"

# every layer behind it opens with GDAL
for layer in roads isochrone_bands zones kiosks coverage_roads coverage_gaps camera_picks plate_issues; do
    ogrinfo -ro -so "$TMP/out/report.gpkg" "$layer" >/dev/null 2>&1 || fail "GPKG layer $layer"
done

# headless Chromium renders it; the screenshot is not blank (pixel values vary)
CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
[[ -n "$CHROMIUM" ]] || fail "chromium is not installed (tools/setup.sh --report installs it)"
timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$TMP/chromium" --window-size=1100,3000 --screenshot="$TMP/shot.png" \
    "file://$html" >/dev/null 2>&1 || true
[[ -s "$TMP/shot.png" ]] || fail "no screenshot"
python3 - "$TMP/shot.png" <<'PY'
import struct, sys, zlib
# decode the PNG with the standard library and count distinct grey levels
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n"
pos, idat, w, h, ctype = 8, b"", 0, 0, 0
while pos < len(data):
    n, = struct.unpack(">I", data[pos:pos+4]); kind = data[pos+4:pos+8]; chunk = data[pos+8:pos+8+n]
    if kind == b"IHDR": w, h, depth, ctype = struct.unpack(">IIBB", chunk[:10])
    if kind == b"IDAT": idat += chunk
    pos += 12 + n
bpp = {2: 3, 6: 4, 0: 1, 4: 2}[ctype]
raw = zlib.decompress(idat)
stride = w * bpp
prev = bytearray(stride); levels = set(); dark = 0
for y in range(h):
    f = raw[y*(stride+1)]; line = bytearray(raw[y*(stride+1)+1:(y+1)*(stride+1)])
    for x in range(stride):
        a = line[x-bpp] if x >= bpp else 0; b = prev[x]; c = prev[x-bpp] if x >= bpp else 0
        if f == 1: line[x] = (line[x] + a) & 255
        elif f == 2: line[x] = (line[x] + b) & 255
        elif f == 3: line[x] = (line[x] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c; pa, pb, pc = abs(p-a), abs(p-b), abs(p-c)
            line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    if y % 7 == 0:
        for x in range(0, w, 5):
            g = line[x*bpp]; levels.add(g // 8); dark += g < 128
    prev = line
assert len(levels) > 8, f"screenshot looks blank: {len(levels)} grey levels"
assert dark > 500, f"screenshot has almost no dark pixels: {dark}"
print(f"screenshot {w}x{h}: {len(levels)} grey levels, {dark} dark samples")
PY
echo "report CLI: all checks passed"

# ---- the summary (issue 13): figures under --json, both languages, --targets, the PDF ----
python3 - "$TMP/r.json" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
assert j["schema"] == 1 and j["command"] == "report"
s = j["summary"]
assert s["lang"] == "zh", s["lang"]  # the demo is in China: Chinese by default
zones, city = s["zones"], s["city"]
assert len(zones) >= 2
assert city["incidents"] == sum(z["incidents"] for z in zones) > 0
for r in zones + [city]:
    th = r["thresholds"]
    assert [t["minutes"] for t in th] == [1, 5, 30], th
    for t in th:
        assert 0 <= t["incident_share"] <= 1 and 0 <= t["road_share"] <= 1
        assert t["pass"] == (t["incident_share"] >= t["target_share"]), t
    # more time never reaches less
    assert all(a["incident_share"] <= b["incident_share"] and a["road_share"] <= b["road_share"]
               for a, b in zip(th, th[1:])), th
    assert r["pass"] == all(t["pass"] for t in th)
    assert r["mean_time_s"] <= r["p95_time_s"] <= r["worst_time_s"]
assert 1 <= len(s["findings"]) <= 3
assert 0 < s["camera_covered_share"] < 1
# the road no kiosk reaches is the zones section's, and said when it is large
assert abs(s["unreached_km"] - j["zones"]["unreached_km"]) < 1e-9
assert abs(s["drivable_km"] - j["zones"]["drivable_km"]) < 1e-9 and s["drivable_km"] > 0
big = s["unreached_km"] >= 0.05 * s["drivable_km"]
assert big == any("警务站都无法到达" in f for f in s["findings"]), (s["unreached_km"], s["findings"])
PY
html="$TMP/out/report.html"
grep -q '<section id="summary"' "$html" || fail "no summary section"
grep -q '<html lang="zh-CN">' "$html" || fail "the demo report is not in Chinese by default"
grep -q '摘要' "$html" && grep -q '巡区' "$html" || fail "Chinese headings missing"
# the summary comes before section 1
[[ $(grep -bo '<section id="summary"' "$html" | cut -d: -f1) -lt $(grep -bo '<section id="scene"' "$html" | cut -d: -f1) ]] \
    || fail "the summary is not first"
# maps are clipped to their frame
grep -q 'clip-path="url(#mapframe' "$html" || fail "maps not clipped to their frame"
grep -q '@page{size:A4' "$html" || fail "no A4 page rule"
# the confusable table shows each pair of roads once
python3 - "$html" <<'PY'
import re, sys
h = open(sys.argv[1], encoding="utf-8").read()
sec = h[h.index('<section id="registry"'):]
tables = re.findall(r"<table>.*?</table>", sec, re.S)
conf = tables[-1]
rows = [re.findall(r"<td[^>]*>(.*?)</td>", r) for r in re.findall(r"<tr>(.*?)</tr>", conf, re.S)]
rows = [r for r in rows if r]
pairs = [tuple(sorted((r[1], r[3]))) for r in rows]
assert len(rows) > 0 and len(pairs) == len(set(pairs)), pairs
PY
# English, stricter targets that every zone meets (0), and the PDF
"$LUGEO" report -q -o "$TMP/en" --lang en --targets 0,0,0 --pdf --json > "$TMP/en.json"
grep -q '<html lang="en">' "$TMP/en/report.html" || fail "--lang en"
grep -q 'Summary' "$TMP/en/report.html" || fail "English summary heading"
grep -q '摘要' "$TMP/en/report.html" && fail "Chinese heading in the English report"
python3 - "$TMP/en.json" "$TMP/en/report.pdf" <<'PY'
import json, re, sys
s = json.load(open(sys.argv[1]))["summary"]
assert s["lang"] == "en" and s["city"]["pass"] and all(z["pass"] for z in s["zones"]), s["city"]
pdf = open(sys.argv[2], "rb").read()
assert pdf[:5] == b"%PDF-"
pages = re.findall(rb"/Type\s*/Page[^s]", pdf)
boxes = re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", pdf)
assert 7 <= len(pages) <= 40, len(pages)  # the summary and six sections, each from a new page
for w, h in boxes:  # A4: 595 x 842 pt
    assert abs(float(w) - 595.3) < 1.5 and abs(float(h) - 841.9) < 1.5, (w, h)
PY
ls -a "$TMP/en" | grep -q '\.tmp\|chromium-profile' && fail "temporary files left by --pdf"
# one language per report: no English prose in zh, no Chinese in en, beyond the data's names
python3 "$2/tests/cli/report_lang.py" zh "$TMP/out" "$TMP/r.json" || fail "the zh report has English text"
python3 "$2/tests/cli/report_lang.py" en "$TMP/en" "$TMP/en.json" || fail "the en report has Chinese text"
# the maps name the main roads and the kiosks, and the zones stay apart in grey print
python3 - "$TMP/out" "$TMP/en" <<'PY'
import re, sqlite3, sys
for d in sys.argv[1:]:
    h = open(f"{d}/report.html", encoding="utf-8").read()
    db = sqlite3.connect(f"{d}/report.gpkg")
    kiosks = [n for (n,) in db.execute("SELECT name FROM kiosks") if n]
    main = {n for (n,) in db.execute("SELECT DISTINCT name FROM roads WHERE name <> '' AND "
            "(class LIKE 'trunk%' OR class LIKE 'primary%' OR class LIKE 'secondary%' OR class LIKE 'motorway%')")}
    halves = main | {p for n in main for p in n.split(" - ")}
    for sec in ("reachability", "zones", "coverage", "next"):
        svg = h[h.index(f'<section id="{sec}"'):]
        svg = svg[svg.index("<svg"):svg.index("</svg>")]
        labels = re.findall(r'<text[^>]*class="road-name"[^>]*>([^<]*)</text>', svg)
        assert len(labels) >= 5, (d, sec, labels)
        assert all(l in halves for l in labels), (d, sec, set(labels) - halves)
        texts = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
        if sec != "coverage":
            assert all(k in texts for k in kiosks), (d, sec, "kiosk names", kiosks)
    # the zone fills: any two zones with the same hatching differ in grey by 6% or more
    svg = h[h.index('<section id="zones"'):]
    svg = svg[svg.index("<g clip-path"):svg.index("</svg>")]
    zones = []
    for m in re.finditer(r'<path fill-rule="evenodd" d="[^"]*" fill="([^"]+)"', svg):
        fill = m.group(1)
        if fill.startswith("url("):
            zones[-1][1] = fill  # the hatching over the zone just drawn
        else:
            zones.append([fill, ""])
    assert len(zones) == len(kiosks) >= 2, zones
    pattern = lambda u: re.search(r'<pattern id="%s".*?</pattern>' % u[5:-1], h, re.S).group(0) if u else ""
    def grey(c):
        r, g, b = (int(c[i:i + 2], 16) / 255 for i in (1, 3, 5))
        return 100 * (0.299 * r + 0.587 * g + 0.114 * b)
    shapes = [(grey(f), re.sub(r'id="[^"]*"|stroke="[^"]*"', "", pattern(u))) for f, u in zones]
    for i in range(len(shapes)):
        for j in range(i + 1, len(shapes)):
            if shapes[i][1] == shapes[j][1]:
                assert abs(shapes[i][0] - shapes[j][0]) >= 6, (d, "zones alike in grey", zones[i], zones[j])
print("report maps: road and kiosk names, zones apart in grey")
PY
# no Chromium: a clear message and exit 3
set +e
PATH=/nonexistent "$LUGEO" report -q -o "$TMP/nopdf" --pdf 2> "$TMP/nopdf.err"; rc=$?
set -e
[[ $rc -eq 3 ]] || fail "--pdf without chromium: exit $rc"
grep -q "apt-get install chromium" "$TMP/nopdf.err" || fail "--pdf without chromium: $(cat "$TMP/nopdf.err")"
echo "report summary: ok"
