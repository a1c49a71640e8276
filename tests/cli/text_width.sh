#!/usr/bin/env bash
# Text tables align by display width: Chinese (East Asian Wide) characters take two terminal
# columns, so a column after a Chinese road name starts at the same column on every row.
set -euo pipefail
lugeo="$1"; src="$2"
scene="$src/data/demo/scene.toml"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
"$lugeo" isochrones --scene "$scene" -q --from 104.0657,30.6595 --minutes 1,5 > "$tmp/iso.txt"
"$lugeo" nearest --scene "$scene" -q 104.0665,30.6598 -k 8 > "$tmp/near.txt"
python3 - "$tmp/iso.txt" "$tmp/near.txt" <<'PY'
import re, sys, unicodedata
def width(s):
    return sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1
               for c in s)
# isochrones: the longest stretches beyond the last threshold; the last column is the time
rows = [l.rstrip("\n") for l in open(sys.argv[1], encoding="utf-8")
        if re.match(r"\s+\d+\.\s+\d+ m  ", l)]
assert len(rows) >= 5, rows
cjk = [r for r in rows if any(unicodedata.east_asian_width(c) == "W" for c in r)]
assert cjk and len(cjk) < len(rows), "need rows with and without Chinese names"
starts = set()
for r in rows:
    m = re.search(r"(\d+\.\d min|not reached)$", r)
    assert m, r
    starts.add(width(r[:m.start()]))
assert len(starts) == 1, ("the time column starts at display columns", starts, rows)
# nearest: the plate ID column pads by width too (ASCII here): the distance column aligns
near = [l for l in open(sys.argv[2], encoding="utf-8") if re.match(r"\s+\S+\s+\d+ m\s", l)]
assert len(near) >= 3, near
assert len({width(l[:l.index(" m ")]) for l in near}) == 1, near
print("text width: ok")
PY
