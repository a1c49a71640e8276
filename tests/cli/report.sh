#!/usr/bin/env bash
# End-to-end: lugeo report on the demo scene writes one self-contained HTML file (every
# section, no external URL, no script) and a GPKG; the page renders in headless Chromium
# and the screenshot is not blank.
set -euo pipefail
LUGEO=$1
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$LUGEO" report --help | grep -q "Examples:" || fail "report --help has no example"
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
