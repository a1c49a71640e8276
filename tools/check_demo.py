#!/usr/bin/env python3
"""Check the demo scene written by tools/make_demo.py (stdlib only).

    python3 tools/check_demo.py [--dir data/demo] [--regen]

Checks exact counts, field lists, ID formats and uniqueness, that every
point lies inside the boundary, plate spacing along roads, the share of
out-of-order plates, status/grade/type shares, and (with --regen) that a
fresh run into a temporary directory is byte-identical.  Exit status 1 on
any failure.
"""

import argparse
import filecmp
import json
import math
import os
import re
import subprocess
import sys
import tempfile

FIELDS = {
    "poles": ["district", "id", "installed", "kind", "number", "road",
              "road_code", "side", "status"],
    "lamps": ["district", "id", "installed", "kind", "number", "road",
              "road_code", "side", "status"],
    "cameras": ["heading", "hfov", "id", "mount", "owner", "phase", "range",
                "type"],
    "units": ["crew", "id", "kind", "name"],
    "incidents": ["category", "grade", "id", "time"],
    "key_sites": ["kind", "name", "osm_id"],
    "buildings": ["building", "levels", "osm_id"],
    "boundary": ["name"],
    "zones": ["id", "kiosk", "name"],
    "grids": ["id", "name", "zone"],
}
FAIL = []


def check(cond, msg):
    print(("ok   " if cond else "FAIL ") + msg)
    if not cond:
        FAIL.append(msg)


def load(d, name):
    with open(os.path.join(d, name + ".geojson"), encoding="utf-8") as f:
        return json.load(f)


def inside(p, ring):
    x, y = p
    c = False
    j = len(ring) - 1
    for i in range(len(ring)):
        xi, yi = ring[i]
        xj, yj = ring[j]
        if (yi > y) != (yj > y) and x < xi + (y - yi) * (xj - xi) / (yj - yi):
            c = not c
        j = i
    return c


def metres(a, b):
    lat = math.radians((a[1] + b[1]) / 2.0)
    dx = (b[0] - a[0]) * 111320.0 * math.cos(lat)
    dy = (b[1] - a[1]) * 110860.0
    return math.sqrt(dx * dx + dy * dy)


def ring_m2(ring, lat0):
    """Area of a lon/lat ring in m2 (equirectangular at lat0, like metres())."""
    lat = math.radians(lat0)
    kx, ky = 111320.0 * math.cos(lat), 110860.0
    a = 0.0
    for i in range(len(ring) - 1):
        a += (ring[i][0] * kx) * (ring[i + 1][1] * ky) - (ring[i + 1][0] * kx) * (ring[i][1] * ky)
    return a / 2.0


def centroid(ring):
    n = len(ring) - 1
    return (sum(p[0] for p in ring[:n]) / n, sum(p[1] for p in ring[:n]) / n)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", default=os.path.join(os.path.dirname(here), "data", "demo"))
    ap.add_argument("--regen", action="store_true")
    a = ap.parse_args()
    d = a.dir
    L = {n: load(d, n) for n in FIELDS}
    for n, fc in L.items():
        keys = sorted({k for f in fc["features"] for k in f["properties"]})
        check(keys == FIELDS[n], "%s fields %s" % (n, keys))
        syn = fc.get("lugeo:synthetic")
        check(isinstance(syn, bool) and
              (fc["description"].startswith("SYNTHETIC:") == syn) and
              (syn or "OpenStreetMap contributors" in fc["description"]),
              "%s description / lugeo:synthetic=%s" % (n, syn))
    P, Lm, C = L["poles"]["features"], L["lamps"]["features"], L["cameras"]["features"]
    check(len(P) == 3034, "poles: %d == 3034" % len(P))
    check(len(Lm) == 4266, "lamps: %d == 4266" % len(Lm))
    city = [f for f in C if f["properties"]["type"] != "checkpoint"]
    kk = [f for f in C if f["properties"]["type"] == "checkpoint"]
    ph = {}
    for f in city:
        ph[f["properties"]["phase"]] = ph.get(f["properties"]["phase"], 0) + 1
    check(len(city) == 1237 and len(kk) == 28, "cameras: %d city + %d checkpoint" % (len(city), len(kk)))
    check(ph.get(1, 0) + ph.get(2, 0) == 537 and ph.get(3, 0) == 700,
          "camera phases %s (1+2 == 537, 3 == 700)" % sorted(ph.items()))
    U = L["units"]["features"]
    uk = {}
    for f in U:
        uk[f["properties"]["kind"]] = uk.get(f["properties"]["kind"], 0) + 1
    check(uk == {"kiosk": 6, "station": 3, "community_room": 16}, "units %s" % uk)
    I = L["incidents"]["features"]
    check(8000 <= len(I) <= 10000, "incidents: %d (about 9,000)" % len(I))
    # IDs
    rx = re.compile(r"^[GL][1-9][0-9]{2}-[0-9]{4}$")
    ids = [f["properties"]["id"] for f in P + Lm]
    check(all(rx.match(i) for i in ids), "plate IDs match ^[GL][1-9][0-9]{2}-[0-9]{4}$")
    check(len(set(ids)) == len(ids), "plate IDs unique across poles and lamps")
    ok = True
    for f in P + Lm:
        p = f["properties"]
        t = "G" if p["kind"] == "pole" else "L"
        if p["id"] != "%s%d%02d-%04d" % (t, p["district"], p["road_code"], p["number"]):
            ok = False
        if p["kind"] == "lamp" and (p["number"] % 2 == 1) != (p["side"] == "L"):
            ok = False
        if p["kind"] == "pole" and p["side"] != "":
            ok = False
    check(ok, "id == T D RR - NNNN of fields; lamps odd=L even=R; poles side ''")
    # (district, road) -> one code, codes unique per district, no gaps in numbers
    code = {}
    ok = True
    for f in P + Lm:
        p = f["properties"]
        k = (p["district"], p["road"])
        if code.setdefault(k, p["road_code"]) != p["road_code"]:
            ok = False
    per_d = {}
    for (dd, road), c in code.items():
        per_d.setdefault(dd, []).append(c)
    ok = ok and all(sorted(v) == list(range(1, len(v) + 1)) for v in per_d.values())
    check(ok, "one road code per (district, road), codes 01..n per district: %s" %
          {k: len(v) for k, v in sorted(per_d.items())})
    seqs = {}
    for f in P + Lm:
        p = f["properties"]
        seqs.setdefault((p["kind"], p["district"], p["road_code"], p["side"]), []).append(
            (p["number"], f["geometry"]["coordinates"]))
    ok = True
    for k, v in seqs.items():
        nums = sorted(n for n, _ in v)
        if k[0] == "pole":
            want = list(range(1, len(nums) + 1))
        else:
            first = 1 if k[3] == "L" else 2
            want = list(range(first, first + 2 * len(nums), 2))
        if nums != want:
            ok = False
    check(ok, "numbers consecutive per road and side (no gaps, no duplicates)")
    # spacing and out-of-order: along each sequence by number
    gaps, swapped, total = [], 0, 0
    for k, v in seqs.items():
        v.sort()
        pts = [c for _, c in v]
        total += len(pts)
        for i in range(len(pts) - 1):
            gaps.append(metres(pts[i], pts[i + 1]))
        # a plate is out of order if the one two ahead is nearer than the next
        for i in range(len(pts) - 2):
            if metres(pts[i], pts[i + 2]) < metres(pts[i], pts[i + 1]):
                swapped += 1
    gaps.sort()
    n = len(gaps)
    inr = len([g for g in gaps if 30.0 <= g <= 50.0])
    print("     spacing between consecutive plates (m): min %.1f p1 %.1f p5 %.1f median %.1f p95 %.1f p99 %.1f max %.1f; %.1f%% within 30-50" % (
        gaps[0], gaps[n // 100], gaps[n // 20], gaps[n // 2], gaps[n * 95 // 100], gaps[n * 99 // 100], gaps[-1], 100.0 * inr / n))
    check(gaps[n // 100] >= 24.0 and gaps[n * 99 // 100] <= 56.0 and inr / n > 0.85,
          "plate spacing 30-50 m (up to survey noise and bends)")
    check(swapped <= 0.01 * total, "out-of-order plates (heuristic) %d of %d" % (swapped, total))
    # shares
    st = {}
    for f in P + Lm:
        st[f["properties"]["status"]] = st.get(f["properties"]["status"], 0) + 1
    check(abs(st["ok"] / len(ids) - 0.95) < 0.015, "plate status %s" % st)
    ty = {}
    for f in city:
        ty[f["properties"]["type"]] = ty.get(f["properties"]["type"], 0) + 1
    check(abs(ty["bullet"] / 1237 - 0.7) < 0.05, "city camera types %s" % ty)
    ok = True
    for f in C:
        p = f["properties"]
        if not (0 <= p["heading"] < 360 and p["owner"] == "public_security"):
            ok = False
        t, h, r = p["type"], p["hfov"], p["range"]
        if t == "bullet" and not (40 <= h <= 90 and 40 <= r <= 120):
            ok = False
        if t == "dome" and not (h == 360 and 30 <= r <= 60):
            ok = False
        if t == "ptz" and not (h == 360 and 100 <= r <= 200):
            ok = False
        if t == "checkpoint" and not (60 <= r <= 100 and p["phase"] == 0 and p["mount"] == "exit"):
            ok = False
    check(ok, "camera heading/hfov/range/phase/owner ranges")
    gr = {}
    for f in I:
        gr[f["properties"]["grade"]] = gr.get(f["properties"]["grade"], 0) + 1
    check(abs(gr["green"] / len(I) - 0.6) < 0.03 and abs(gr["red"] / len(I) - 0.02) < 0.01,
          "incident grades %s" % sorted(gr.items()))
    tre = re.compile(r"^2025-\d\d-\d\dT\d\d:\d\d:\d\d$")
    check(all(tre.match(f["properties"]["time"]) for f in I), "incident times 2025-MM-DDTHH:MM:SS")
    # inside boundary
    ring = L["boundary"]["features"][0]["geometry"]["coordinates"][0]
    pts_layers = ["poles", "lamps", "cameras", "units", "incidents", "key_sites"]
    out = 0
    for n in pts_layers:
        for f in L[n]["features"]:
            if not inside(f["geometry"]["coordinates"], ring):
                out += 1
    check(out == 0, "all points of %s inside the boundary (%d outside)" % (", ".join(pts_layers), out))
    # zones: one per kiosk, holding it, tiling the boundary; grids: each inside its zone
    Z, G = L["zones"]["features"], L["grids"]["features"]
    kiosks = {f["properties"]["id"]: f["geometry"]["coordinates"] for f in U
              if f["properties"]["kind"] == "kiosk"}
    check(len(Z) == 6 and sorted(f["properties"]["kiosk"] for f in Z) == sorted(kiosks) and
          all(inside(kiosks[f["properties"]["kiosk"]], f["geometry"]["coordinates"][0]) for f in Z),
          "zones: 6, one per kiosk, each holding its kiosk")
    lat0 = ring[0][1]
    b_area = ring_m2(ring, lat0)
    z_area = sum(ring_m2(f["geometry"]["coordinates"][0], lat0) for f in Z)
    g_area = sum(ring_m2(f["geometry"]["coordinates"][0], lat0) for f in G)
    check(all(ring_m2(f["geometry"]["coordinates"][0], lat0) > 0 for f in Z + G),
          "zone and grid rings counter-clockwise")
    check(abs(z_area - b_area) < 1e-6 * b_area and abs(g_area - b_area) < 1e-4 * b_area,
          "zones (%.3f km2) and grids (%.3f km2) cover the boundary (%.3f km2)" % (
              z_area / 1e6, g_area / 1e6, b_area / 1e6))
    zr = {f["properties"]["id"]: f["geometry"]["coordinates"][0] for f in Z}
    gids = [f["properties"]["id"] for f in G]
    check(len(set(gids)) == len(gids) and
          all(f["properties"]["zone"] in zr and
              inside(centroid(f["geometry"]["coordinates"][0]), zr[f["properties"]["zone"]])
              for f in G), "grids: %d cells, unique ids, each inside its zone" % len(G))
    # coordinates 7 decimals
    check(all(len(str(c).split(".")[-1]) <= 7 for f in P + Lm + C for c in f["geometry"]["coordinates"]),
          "coordinates rounded to 7 decimals")
    size = 0
    for fn in os.listdir(d):
        size += os.path.getsize(os.path.join(d, fn))
    check(size < 15e6, "data/demo size %.1f MB < 15 MB" % (size / 1e6))
    if a.regen:
        with tempfile.TemporaryDirectory() as tmp:
            subprocess.check_call([sys.executable, os.path.join(here, "make_demo.py"),
                                   "--out", tmp], stdout=subprocess.DEVNULL)
            cmp = filecmp.dircmp(d, tmp)
            same = not cmp.left_only and not cmp.right_only and all(
                filecmp.cmp(os.path.join(d, fn), os.path.join(tmp, fn), shallow=False)
                for fn in cmp.common_files)
            check(same, "regeneration is byte-identical")
    print("%d failure(s)" % len(FAIL))
    return 1 if FAIL else 0


if __name__ == "__main__":
    sys.exit(main())
