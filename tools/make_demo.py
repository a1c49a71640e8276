#!/usr/bin/env python3
"""Generate lugeo's demo scene from an OSM extract.

    python3 tools/make_demo.py [--osm data/chengdu-centre-2018.osm]
                               [--out data/demo] [--seed 20261128]

Standard library only, Python >= 3.9.  The output is byte-for-byte
reproducible for a given (OSM file, seed):

* every random number comes from ``random.Random(seed + k).random()``
  (one stream per layer, k fixed below); uniform / integer / choice /
  shuffle / gauss / poisson are derived here, never taken from the
  ``random`` module (whose ``randrange``/``choice``/``gauss`` changed
  between Python versions);
* no set iteration, dict iteration only in insertion order, every sort
  has a total order (ties broken by ids);
* floats are summed with explicit loops (``sum`` of floats changed in
  Python 3.12), distances use ``math.sqrt`` (correctly rounded), not
  ``math.hypot`` (changed in 3.10);
* coordinates are rounded to 7 decimals, JSON is written with
  ``sort_keys``, fixed separators, UTF-8, ``\\n`` line ends, one feature
  per line; no timestamps anywhere.

Layers written to --out (see docs/data.md for every field):
  buildings, key_sites           OSM-derived (c) OpenStreetMap contributors
  boundary, poles, lamps, cameras,
  units, incidents, zones, grids SYNTHETIC, mirroring Chuxiong's figures
  scene.toml                     the demo scene config
"""

import argparse
import bisect
import datetime
import json
import math
import os
import random
import sys
import time
import xml.etree.ElementTree as ET

# --------------------------------------------------------------------------
# Figures the demo mirrors (Chuxiong public-security bureau, see DESIGN.md)
# --------------------------------------------------------------------------
N_POLES = 3034
N_LAMPS = 4266
N_CAM_P12 = 537          # HD cameras of phases one and two
N_CAM_P1 = 241           # of which phase one (our choice, not a city figure)
N_CAM_P3 = 700
N_CAM_CITY = N_CAM_P12 + N_CAM_P3      # 1,237
N_CHECKPOINTS = 28
N_KIOSKS = 6
N_STATIONS = 3
N_ROOMS = 16
GRID_CELL = 500                        # community grid cells (m), cut by the zones
GRID_MIN_AREA = 100                    # grid pieces smaller than this (m2) are dropped
INCIDENTS_PER_YEAR = 9000              # expectation; actual count is Poisson
SWAP_RATE = 0.003                      # plates out of order along their road

POLE_CLASSES = ("trunk", "trunk_link", "primary", "primary_link", "secondary",
                "secondary_link", "tertiary", "tertiary_link")
LAMP_CLASSES = ("secondary", "tertiary", "residential", "unclassified",
                "living_street")
MAIN_CLASSES = POLE_CLASSES
# half carriageway width (m) by class, used to put things beside the road
HALF_WIDTH = {"trunk": 12.0, "trunk_link": 5.0, "primary": 10.0,
              "primary_link": 5.0, "secondary": 8.0, "secondary_link": 5.0,
              "tertiary": 6.0, "tertiary_link": 4.0, "residential": 4.0,
              "unclassified": 4.0, "living_street": 3.0, "pedestrian": 4.0,
              "service": 3.0, "footway": 1.5}
ATTRIB = "\u00a9 OpenStreetMap contributors (ODbL)"

# one random stream per layer: random.Random(seed + STREAM[layer])
STREAM = {"poles": 1, "lamps": 2, "cameras": 3, "units": 4, "incidents": 5,
          "swaps": 6}


# --------------------------------------------------------------------------
# Deterministic random numbers built on Random.random() only
# --------------------------------------------------------------------------
class Rng:
    def __init__(self, seed):
        self._r = random.Random(seed)

    def random(self):
        return self._r.random()

    def uniform(self, a, b):
        return a + (b - a) * self._r.random()

    def randint(self, a, b):
        """Integer in [a, b] inclusive."""
        k = a + int(self._r.random() * (b - a + 1))
        return b if k > b else k

    def choice(self, seq):
        return seq[self.randint(0, len(seq) - 1)]

    def shuffle(self, lst):
        for i in range(len(lst) - 1, 0, -1):
            j = self.randint(0, i)
            lst[i], lst[j] = lst[j], lst[i]

    def gauss(self, mu=0.0, sigma=1.0):
        """Box-Muller; one draw per call (the second value is discarded)."""
        u1 = 1.0 - self._r.random()          # (0, 1]
        u2 = self._r.random()
        z = math.sqrt(-2.0 * math.log(u1)) * math.cos(2.0 * math.pi * u2)
        return mu + sigma * z

    def tgauss(self, sigma, cut=2.0):
        """Gaussian truncated at +-cut*sigma (survey noise, no wild outliers)."""
        while True:
            z = self.gauss()
            if -cut <= z <= cut:
                return sigma * z

    def poisson(self, lam):
        lim = math.exp(-lam)
        k, p = 0, self._r.random()
        while p > lim:
            k += 1
            p *= self._r.random()
        return k

    def weighted(self, cum):
        """Index drawn from a cumulative-weight list."""
        u = self._r.random() * cum[-1]
        i = bisect.bisect_right(cum, u)
        return min(i, len(cum) - 1)


def cumulate(weights):
    out, acc = [], 0.0
    for w in weights:
        acc += w
        out.append(acc)
    return out


def fsum_loop(values):
    acc = 0.0
    for v in values:
        acc += v
    return acc


# --------------------------------------------------------------------------
# Local metric frame (equirectangular on the WGS84 ellipsoid at the centre)
# Good to ~1e-4 over the 8 km demo area; the C++ side re-projects to UTM.
# --------------------------------------------------------------------------
class Frame:
    def __init__(self, lon0, lat0):
        a, f = 6378137.0, 1.0 / 298.257223563
        e2 = f * (2.0 - f)
        phi = math.radians(lat0)
        s2 = math.sin(phi) ** 2
        n = a / math.sqrt(1.0 - e2 * s2)
        m = a * (1.0 - e2) / (1.0 - e2 * s2) ** 1.5
        self.lon0, self.lat0 = lon0, lat0
        self.mx = n * math.cos(phi) * math.pi / 180.0
        self.my = m * math.pi / 180.0

    def xy(self, lon, lat):
        return ((lon - self.lon0) * self.mx, (lat - self.lat0) * self.my)

    def ll(self, x, y):
        return (self.lon0 + x / self.mx, self.lat0 + y / self.my)


def dist(a, b):
    dx, dy = a[0] - b[0], a[1] - b[1]
    return math.sqrt(dx * dx + dy * dy)


def bearing(dx, dy):
    """Compass bearing in degrees (clockwise from north) of vector (dx, dy)."""
    b = math.degrees(math.atan2(dx, dy))
    return b + 360.0 if b < 0 else b


def norm_heading(h):
    h = round(h % 360.0, 1)
    return 0.0 if h >= 360.0 else h


def angle_diff(a, b):
    d = abs(a - b) % 360.0
    return 360.0 - d if d > 180.0 else d


# --------------------------------------------------------------------------
# OSM parsing
# --------------------------------------------------------------------------
class Osm:
    def __init__(self, path):
        self.bounds = None
        self.nodes = {}          # id(str) -> (lon, lat)
        self.node_tags = []      # [(id, tags)] in file order, tagged nodes only
        self.ways = []           # [(id, [node ids], tags)] in file order
        self.rels = []           # [(id, [(type, ref, role)], tags)]
        for _, el in ET.iterparse(path, events=("end",)):
            tag = el.tag
            if tag == "node":
                nid = el.get("id")
                self.nodes[nid] = (float(el.get("lon")), float(el.get("lat")))
                tags = {c.get("k"): c.get("v") for c in el if c.tag == "tag"}
                if tags:
                    self.node_tags.append((nid, tags))
                el.clear()
            elif tag == "way":
                tags = {c.get("k"): c.get("v") for c in el if c.tag == "tag"}
                nds = [c.get("ref") for c in el if c.tag == "nd"]
                nds = [n for n in nds if n in self.nodes]
                self.ways.append((el.get("id"), nds, tags))
                el.clear()
            elif tag == "relation":
                tags = {c.get("k"): c.get("v") for c in el if c.tag == "tag"}
                mem = [(c.get("type"), c.get("ref"), c.get("role") or "")
                       for c in el if c.tag == "member"]
                self.rels.append((el.get("id"), mem, tags))
                el.clear()
            elif tag == "bounds":
                self.bounds = tuple(float(el.get(k)) for k in
                                    ("minlon", "minlat", "maxlon", "maxlat"))
        self.way_by_id = {w[0]: w for w in self.ways}


def has_cjk(s):
    for ch in s:
        if "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff":
            return True
    return False


def zh_name(tags):
    n = tags.get("name:zh") or tags.get("name") or ""
    return n if has_cjk(n) else ""


# --------------------------------------------------------------------------
# Geometry helpers (planar, local metres)
# --------------------------------------------------------------------------
def ring_area(pts):
    a = 0.0
    for i in range(len(pts) - 1):
        a += pts[i][0] * pts[i + 1][1] - pts[i + 1][0] * pts[i][1]
    return a / 2.0


def ring_centroid(pts):
    """Area centroid of a closed ring (first == last)."""
    a, cx, cy = 0.0, 0.0, 0.0
    for i in range(len(pts) - 1):
        x0, y0 = pts[i]
        x1, y1 = pts[i + 1]
        c = x0 * y1 - x1 * y0
        a += c
        cx += (x0 + x1) * c
        cy += (y0 + y1) * c
    if abs(a) < 1e-9:
        n = len(pts) - 1
        return (fsum_loop(p[0] for p in pts[:-1]) / n,
                fsum_loop(p[1] for p in pts[:-1]) / n)
    return (cx / (3.0 * a), cy / (3.0 * a))


def point_in_ring(p, ring):
    x, y = p
    inside = False
    j = len(ring) - 1
    for i in range(len(ring)):
        xi, yi = ring[i]
        xj, yj = ring[j]
        if (yi > y) != (yj > y):
            xc = xi + (y - yi) * (xj - xi) / (yj - yi)
            if x < xc:
                inside = not inside
        j = i
    return inside


def convex_hull(points):
    pts = sorted(points)
    if len(pts) < 3:
        return pts

    def cross(o, a, b):
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])
    lower, upper = [], []
    for p in pts:
        while len(lower) >= 2 and cross(lower[-2], lower[-1], p) <= 0:
            lower.pop()
        lower.append(p)
    for p in reversed(pts):
        while len(upper) >= 2 and cross(upper[-2], upper[-1], p) <= 0:
            upper.pop()
        upper.append(p)
    return lower[:-1] + upper[:-1]          # CCW, not closed


def clip_halfplane(poly, a, b, c):
    """Keep the part of polygon (list, not closed) where a*x + b*y + c >= 0."""
    out = []
    n = len(poly)
    for i in range(n):
        p, q = poly[i], poly[(i + 1) % n]
        fp = a * p[0] + b * p[1] + c
        fq = a * q[0] + b * q[1] + c
        if fp >= 0:
            out.append(p)
        if (fp >= 0) != (fq >= 0):
            t = fp / (fp - fq)
            out.append((p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])))
    return out


class ConvexRegion:
    """A convex CCW polygon with signed-distance tests."""

    def __init__(self, poly):
        self.poly = poly
        self.edges = []
        n = len(poly)
        for i in range(n):
            p, q = poly[i], poly[(i + 1) % n]
            dx, dy = q[0] - p[0], q[1] - p[1]
            ln = math.sqrt(dx * dx + dy * dy)
            # inward normal of a CCW polygon is (-dy, dx)
            a, b = -dy / ln, dx / ln
            self.edges.append((a, b, -(a * p[0] + b * p[1])))

    def depth(self, p):
        """Signed distance to the boundary, positive inside."""
        d = None
        for a, b, c in self.edges:
            v = a * p[0] + b * p[1] + c
            if d is None or v < d:
                d = v
        return d

    def inside(self, p, margin=0.0):
        return self.depth(p) >= margin


# --------------------------------------------------------------------------
# Polylines: chainage and positions
# --------------------------------------------------------------------------
class Polyline:
    def __init__(self, pts):
        self.pts = pts
        self.cum = [0.0]
        for i in range(1, len(pts)):
            self.cum.append(self.cum[-1] + dist(pts[i - 1], pts[i]))
        self.length = self.cum[-1]

    def at(self, s):
        """Point and unit tangent at chainage s."""
        if s <= 0:
            i = 0
        elif s >= self.length:
            i = len(self.pts) - 2
        else:
            i = bisect.bisect_right(self.cum, s) - 1
            i = min(max(i, 0), len(self.pts) - 2)
        p, q = self.pts[i], self.pts[i + 1]
        seg = self.cum[i + 1] - self.cum[i]
        t = 0.0 if seg <= 0 else (s - self.cum[i]) / seg
        t = min(max(t, 0.0), 1.0)
        dx, dy = q[0] - p[0], q[1] - p[1]
        ln = math.sqrt(dx * dx + dy * dy) or 1.0
        return ((p[0] + t * dx, p[1] + t * dy), (dx / ln, dy / ln))


# --------------------------------------------------------------------------
# Grid index for points and segments
# --------------------------------------------------------------------------
class Grid:
    def __init__(self, cell):
        self.cell = cell
        self.cells = {}

    def key(self, x, y):
        return (int(math.floor(x / self.cell)), int(math.floor(y / self.cell)))

    def add_point(self, p, item):
        self.cells.setdefault(self.key(p[0], p[1]), []).append((p, item))

    def add_box(self, x0, y0, x1, y1, item):
        k0, k1 = self.key(x0, y0), self.key(x1, y1)
        for i in range(k0[0], k1[0] + 1):
            for j in range(k0[1], k1[1] + 1):
                self.cells.setdefault((i, j), []).append(item)

    def near(self, p, r):
        k0, k1 = self.key(p[0] - r, p[1] - r), self.key(p[0] + r, p[1] + r)
        for i in range(k0[0], k1[0] + 1):
            for j in range(k0[1], k1[1] + 1):
                for it in self.cells.get((i, j), ()):
                    yield it


def seg_project(p, a, b):
    dx, dy = b[0] - a[0], b[1] - a[1]
    l2 = dx * dx + dy * dy
    t = 0.0 if l2 == 0 else ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / l2
    t = min(max(t, 0.0), 1.0)
    q = (a[0] + t * dx, a[1] + t * dy)
    return q, t, dist(p, q)


# --------------------------------------------------------------------------
# GeoJSON output
# --------------------------------------------------------------------------
def r7(v):
    v = round(v, 7)
    return 0.0 if v == 0 else v


def write_fc(path, name, description, synthetic, features):
    head = {"type": "FeatureCollection", "name": name,
            "description": description, "lugeo:synthetic": synthetic}
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        h = json.dumps(head, sort_keys=True, ensure_ascii=False,
                       separators=(",", ":"))
        f.write(h[:-1] + ',"features":[\n')
        for i, feat in enumerate(features):
            f.write(json.dumps(feat, sort_keys=True, ensure_ascii=False,
                               separators=(",", ":")))
            f.write(",\n" if i + 1 < len(features) else "\n")
        f.write("]}\n")


def point_feature(frame, xy, props):
    lon, lat = frame.ll(xy[0], xy[1])
    return {"type": "Feature", "properties": props,
            "geometry": {"type": "Point", "coordinates": [r7(lon), r7(lat)]}}


def dedup_ring(poly, tol=0.01):
    """Drop consecutive vertices closer than tol (m), also across the ends."""
    out = []
    for q in poly:
        if not out or dist(q, out[-1]) > tol:
            out.append(q)
    while len(out) > 1 and dist(out[0], out[-1]) <= tol:
        out.pop()
    return out


def polygon_feature(frame, poly, props):
    """A polygon (CCW, not closed, metric) as a GeoJSON feature."""
    ring = [frame.ll(x, y) for x, y in poly]
    coords = [[r7(lon), r7(lat)] for lon, lat in ring]
    coords.append(coords[0])
    return {"type": "Feature", "properties": props,
            "geometry": {"type": "Polygon", "coordinates": [coords]}}


# --------------------------------------------------------------------------
# The generator
# --------------------------------------------------------------------------
class Demo:
    def __init__(self, osm, seed):
        self.osm = osm
        self.seed = seed
        b = osm.bounds
        if b is None:
            lons = [v[0] for v in osm.nodes.values()]
            lats = [v[1] for v in osm.nodes.values()]
            b = (min(lons), min(lats), max(lons), max(lats))
        self.bounds = b
        self.frame = Frame((b[0] + b[2]) / 2.0, (b[1] + b[3]) / 2.0)
        fr = self.frame
        self.xy = {nid: fr.xy(lon, lat) for nid, (lon, lat) in osm.nodes.items()}
        self.highways = [(wid, nds, t) for wid, nds, t in osm.ways
                         if "highway" in t and len(nds) >= 2]
        self.counts = {}

    def rng(self, layer):
        return Rng(self.seed + STREAM[layer])

    # ---------------------------------------------------------- boundary
    def make_boundary(self, inset=100.0):
        fr = self.frame
        x0, y0 = fr.xy(self.bounds[0], self.bounds[1])
        x1, y1 = fr.xy(self.bounds[2], self.bounds[3])
        pts = []
        seen = {}
        for wid, nds, t in self.highways:
            for n in nds:
                if n in seen:
                    continue
                seen[n] = True
                x, y = self.xy[n]
                if x0 <= x <= x1 and y0 <= y <= y1:
                    pts.append((x, y))
        hull = convex_hull(pts)
        # inset: intersect the half-planes of the hull's edges moved inward
        big = 1e6
        poly = [(-big, -big), (big, -big), (big, big), (-big, big)]
        n = len(hull)
        for i in range(n):
            p, q = hull[i], hull[(i + 1) % n]
            dx, dy = q[0] - p[0], q[1] - p[1]
            ln = math.sqrt(dx * dx + dy * dy)
            if ln < 1e-6:
                continue
            a, b = -dy / ln, dx / ln
            c = -(a * p[0] + b * p[1]) - inset
            poly = clip_halfplane(poly, a, b, c)
        # drop near-duplicate vertices (short hull edges collapse)
        clean = []
        for p in poly:
            if not clean or dist(p, clean[-1]) > 1.0:
                clean.append(p)
        if len(clean) > 1 and dist(clean[0], clean[-1]) <= 1.0:
            clean.pop()
        self.region = ConvexRegion(clean)
        ring = [fr.ll(x, y) for x, y in clean] + [fr.ll(*clean[0])]
        coords = [[r7(lon), r7(lat)] for lon, lat in ring]
        xs = [p[0] for p in clean]
        ys = [p[1] for p in clean]
        self.bbox = (min(xs), min(ys), max(xs), max(ys))
        self.centre = ((self.bbox[0] + self.bbox[2]) / 2.0,
                       (self.bbox[1] + self.bbox[3]) / 2.0)
        area = ring_area(clean + [clean[0]]) / 1e6
        self.counts["boundary"] = "1 polygon, %d vertices, %.1f km2" % (
            len(clean), area)
        feat = {"type": "Feature",
                "properties": {"name": "演示研究区 (demo study area)"},
                "geometry": {"type": "Polygon", "coordinates": [coords]}}
        return [feat]

    # ---------------------------------------------------------- districts
    def district(self, p):
        """1 = centre, 2 = north-east, 3 = south-east, 4 = south-west,
        5 = north-west (quadrants around the centre of the boundary bbox)."""
        cx, cy = self.centre
        hw = 0.2 * (self.bbox[2] - self.bbox[0])
        hh = 0.2 * (self.bbox[3] - self.bbox[1])
        x, y = p
        if abs(x - cx) <= hw and abs(y - cy) <= hh:
            return 1
        if x >= cx:
            return 2 if y >= cy else 3
        return 4 if y < cy else 5

    # ---------------------------------------------------------- road chains
    def chains(self, classes, names_excluded=()):
        """For every road name: the longest chain of same-named ways of the
        given classes, joined end to end without U-turns, oriented to start
        at its west end (or south end for north-south roads)."""
        by_name = {}
        for wid, nds, t in self.highways:
            if t.get("highway") in classes and t.get("name"):
                by_name.setdefault(t["name"], []).append((wid, nds))
        out = []
        for name in sorted(by_name):
            if name in names_excluded:
                continue
            ways = sorted(by_name[name], key=lambda w: int(w[0]))
            best = None
            for ch in self._join(ways):
                pl = Polyline([self.xy[n] for n in ch])
                if best is None or pl.length > best[1].length + 1e-9:
                    best = (ch, pl)
            ch, pl = best
            a, b = pl.pts[0], pl.pts[-1]
            dx, dy = b[0] - a[0], b[1] - a[1]
            if (abs(dx) >= abs(dy) and dx < 0) or (abs(dx) < abs(dy) and dy < 0):
                ch = list(reversed(ch))
                pl = Polyline([self.xy[n] for n in ch])
            out.append((name, ch, pl))
        return out

    def _join(self, ways):
        used = [False] * len(ways)
        ends = {}
        for i, (wid, nds) in enumerate(ways):
            ends.setdefault(nds[0], []).append(i)
            ends.setdefault(nds[-1], []).append(i)

        def free(node):
            return [i for i in ends.get(node, ()) if not used[i]]

        def heading_at(seq, at_end):
            if at_end:
                a, b = self.xy[seq[-2]], self.xy[seq[-1]]
            else:
                a, b = self.xy[seq[1]], self.xy[seq[0]]
            return bearing(b[0] - a[0], b[1] - a[1])

        chains = []
        while True:
            rest = [i for i in range(len(ways)) if not used[i]]
            if not rest:
                break
            start = None
            for i in rest:                      # prefer a chain end
                nds = ways[i][1]
                if len(free(nds[0])) == 1:
                    start = (i, False)
                    break
                if len(free(nds[-1])) == 1:
                    start = (i, True)
                    break
            if start is None:
                start = (rest[0], False)
            i, rev = start
            used[i] = True
            seq = list(reversed(ways[i][1])) if rev else list(ways[i][1])
            for at_end in (True, False):
                while True:
                    node = seq[-1] if at_end else seq[0]
                    h = heading_at(seq, at_end)
                    best = None
                    for j in free(node):
                        nds = ways[j][1]
                        nxt = nds if nds[0] == node else list(reversed(nds))
                        a, b = self.xy[nxt[0]], self.xy[nxt[1]]
                        turn = angle_diff(h, bearing(b[0] - a[0], b[1] - a[1]))
                        if turn < 60.0 and (best is None or turn < best[0]):
                            best = (turn, j, nxt)
                    if best is None:
                        break
                    used[best[1]] = True
                    if at_end:
                        seq.extend(best[2][1:])
                    else:
                        seq = list(reversed(best[2]))[:-1] + seq
            dedup = [seq[0]]
            for n in seq[1:]:
                if n != dedup[-1] and self.xy[n] != self.xy[dedup[-1]]:
                    dedup.append(n)
            if len(dedup) >= 2:
                chains.append(dedup)
        return chains

    def inside_run(self, pl, margin):
        """Longest contiguous chainage interval whose centreline stays at
        least `margin` inside the boundary."""
        step = 5.0
        best, cur = None, None
        s = 0.0
        while True:
            p, _ = pl.at(s)
            ok = self.region.inside(p, margin)
            if ok:
                cur = (cur[0], s) if cur else (s, s)
                if best is None or cur[1] - cur[0] > best[1] - best[0]:
                    best = cur
            else:
                cur = None
            if s >= pl.length:
                break
            s = min(s + step, pl.length)
        return best

    # ---------------------------------------------------------- plates
    def make_plates(self):
        rp, rl = self.rng("poles"), self.rng("lamps")
        margin = 30.0
        # ---- poles: one side of main roads, every 30-50 m
        pole_chains = self.chains(POLE_CLASSES)
        cand = []
        for name, ch, pl in pole_chains:
            run = self.inside_run(pl, margin)
            if run and run[1] - run[0] >= 500.0:
                cand.append((name, pl, run))
        rp.shuffle(cand)
        poles = []                       # dicts with internal keys
        used_names = []
        for name, pl, run in cand:
            if len(poles) >= N_POLES:
                break
            used_names.append(name)
            side = 1.0 if rp.random() < 0.5 else -1.0
            base = rp.uniform(3.5, 7.5)
            y0 = rp.randint(1998, 2016)
            road_day = datetime.date(y0, 1, 1).toordinal() + rp.randint(0, 364)
            s = run[0] + rp.uniform(0.0, 20.0)
            while s <= run[1] and len(poles) < N_POLES:
                p, (tx, ty) = pl.at(s)
                off = side * (base + rp.uniform(-0.5, 0.5))
                q = (p[0] - ty * off + rp.tgauss(1.5),
                     p[1] + tx * off + rp.tgauss(1.5))
                poles.append({"kind": "pole", "road": name, "s": s, "xy": q,
                              "side": "", "lr": "",
                              "installed": self._install(rp, road_day)})
                s += rp.uniform(30.0, 50.0)
        self._status(rp, poles)
        # ---- lamps: both sides of urban streets, staggered, 30-50 m per side
        lamp_chains = self.chains(LAMP_CLASSES, names_excluded=used_names)
        cand = []
        for name, ch, pl in lamp_chains:
            run = self.inside_run(pl, margin)
            if run and run[1] - run[0] >= 250.0:
                cand.append((name, pl, run))
        rl.shuffle(cand)
        lamps = []
        for name, pl, run in cand:
            if len(lamps) >= N_LAMPS:
                break
            base = {"L": rl.uniform(6.5, 11.5), "R": rl.uniform(6.5, 11.5)}
            y0 = rl.randint(2006, 2020)
            road_day = datetime.date(y0, 1, 1).toordinal() + rl.randint(0, 364)
            s = run[0] + rl.uniform(0.0, 10.0)
            side = "L"
            while s <= run[1] and len(lamps) < N_LAMPS:
                p, (tx, ty) = pl.at(s)
                sign = 1.0 if side == "L" else -1.0
                off = sign * (base[side] + rl.uniform(-0.5, 0.5))
                q = (p[0] - ty * off + rl.tgauss(1.5),
                     p[1] + tx * off + rl.tgauss(1.5))
                lamps.append({"kind": "lamp", "road": name, "s": s, "xy": q,
                              "side": side, "installed":
                              self._install(rl, road_day)})
                side = "R" if side == "L" else "L"
                s += rl.uniform(15.0, 25.0)   # per side: two steps, 30-50 m
        self._status(rl, lamps)
        # ---- districts, road codes, numbers
        for pl_ in poles + lamps:
            pl_["district"] = self.district(pl_["xy"])
        span = {}
        for pl_ in poles + lamps:
            k = (pl_["district"], pl_["road"])
            lo, hi = span.get(k, (pl_["s"], pl_["s"]))
            span[k] = (min(lo, pl_["s"]), max(hi, pl_["s"]))
        codes = {}
        for d in sorted({k[0]: 1 for k in span}):
            roads = sorted((k for k in span if k[0] == d),
                           key=lambda k: (-(span[k][1] - span[k][0]), k[1]))
            if len(roads) > 99:
                raise SystemExit("district %d has %d roads (> 99)" % (d, len(roads)))
            for i, k in enumerate(roads):
                codes[k] = i + 1
        self.road_codes = codes
        counters = {}
        for pl_ in poles + lamps:     # already in chain order per road
            k = (pl_["kind"], pl_["district"], pl_["road"], pl_["side"])
            c = counters.get(k, 0) + 1
            counters[k] = c
            if pl_["kind"] == "pole":
                num = c
            else:
                num = 2 * c - 1 if pl_["side"] == "L" else 2 * c
            pl_["road_code"] = codes[(pl_["district"], pl_["road"])]
            pl_["number"] = num
        for pl_ in poles + lamps:
            pl_["id"] = self._plate_id(pl_)
        # ---- imperfection: neighbouring plates swapped (careless repair)
        self.swaps = self._swap(poles, "pole") + self._swap(lamps, "lamp")
        self.poles, self.lamps = poles, lamps
        return poles, lamps

    def _plate_id(self, p):
        t = "G" if p["kind"] == "pole" else "L"
        if p["number"] > 9999:
            raise SystemExit("plate number overflow")
        return "%s%d%02d-%04d" % (t, p["district"], p["road_code"], p["number"])

    def _install(self, r, road_day):
        last = datetime.date(2025, 6, 30).toordinal()
        if r.random() < 0.08:                         # replaced later
            d = r.randint(min(road_day + 365, last), last)
        else:
            d = min(road_day + r.randint(0, 40), last)
        return datetime.date.fromordinal(d).isoformat()

    def _status(self, r, plates):
        for p in plates:
            u = r.random()
            p["status"] = "ok" if u < 0.95 else ("damaged" if u < 0.99 else "missing")

    def _swap(self, plates, kind):
        r = Rng(self.seed + STREAM["swaps"] + (0 if kind == "pole" else 100))
        n_pairs = int(round(len(plates) * SWAP_RATE / 2.0))
        # neighbours: consecutive plates of the same (district, road, side)
        groups = {}
        for i, p in enumerate(plates):
            groups.setdefault((p["district"], p["road"], p["side"]), []).append(i)
        pairs = []
        for k in groups:
            g = groups[k]
            for a, b in zip(g, g[1:]):
                pairs.append((a, b))
        touched = {}
        done = []
        while len(done) < n_pairs:
            a, b = pairs[r.randint(0, len(pairs) - 1)]
            if a in touched or b in touched:
                continue
            touched[a] = touched[b] = True
            pa, pb = plates[a], plates[b]
            pa["id"], pb["id"] = pb["id"], pa["id"]
            pa["number"], pb["number"] = pb["number"], pa["number"]
            done.append((pb["id"], pa["id"]))     # (lower number, higher number)
        done.sort()
        return done

    def plate_features(self, plates):
        feats = []
        for p in sorted(plates, key=lambda p: p["id"]):
            props = {"id": p["id"], "kind": p["kind"], "district": p["district"],
                     "road": p["road"], "road_code": p["road_code"],
                     "number": p["number"], "side": p["side"],
                     "status": p["status"], "installed": p["installed"]}
            feats.append(point_feature(self.frame, p["xy"], props))
        return feats

    # ---------------------------------------------------------- buildings
    def make_buildings(self):
        fr = self.frame
        feats = []

        def ll_ring(nds):
            pts = [self.osm.nodes[n] for n in nds]
            if pts[0] != pts[-1]:
                pts.append(pts[0])
            return pts

        def orient(ring, ccw):
            a = ring_area(ring)
            if (a > 0) != ccw:
                ring = list(reversed(ring))
            return [[r7(x), r7(y)] for x, y in ring]

        def levels(t):
            v = t.get("building:levels", "").strip()
            try:
                return int(v) if v else None
            except ValueError:
                try:
                    return int(round(float(v)))
                except ValueError:
                    return None

        self.building_centroids = []
        for wid, nds, t in self.osm.ways:
            if "building" not in t or len(nds) < 4 or nds[0] != nds[-1]:
                continue
            ring = ll_ring(nds)
            if abs(ring_area(ring)) <= 0:
                continue
            feats.append(("w", int(wid), {"type": "Feature", "properties": {
                "osm_id": "w" + wid, "building": t["building"],
                "levels": levels(t)},
                "geometry": {"type": "Polygon",
                             "coordinates": [orient(ring, True)]}}))
            self.building_centroids.append(
                ring_centroid([fr.xy(*p) for p in ring]))
        for rid, mem, t in self.osm.rels:
            if "building" not in t or t.get("type") not in ("multipolygon",):
                continue
            outers = [self.osm.way_by_id[ref][1] for typ, ref, role in mem
                      if typ == "way" and role in ("outer", "") and ref in self.osm.way_by_id]
            inners = [self.osm.way_by_id[ref][1] for typ, ref, role in mem
                      if typ == "way" and role == "inner" and ref in self.osm.way_by_id]
            orings = assemble_rings(outers)
            irings = assemble_rings(inners)
            if not orings:
                continue
            polys = []
            for o in orings:
                oll = ll_ring(o)
                holes = []
                for h in irings:
                    hll = ll_ring(h)
                    if point_in_ring(hll[0], oll):
                        holes.append(orient(hll, False))
                polys.append([orient(oll, True)] + holes)
                self.building_centroids.append(
                    ring_centroid([fr.xy(*p) for p in oll]))
            geom = ({"type": "Polygon", "coordinates": polys[0]} if len(polys) == 1
                    else {"type": "MultiPolygon", "coordinates": polys})
            feats.append(("r", int(rid), {"type": "Feature", "properties": {
                "osm_id": "r" + rid, "building": t["building"],
                "levels": levels(t)}, "geometry": geom}))
        feats.sort(key=lambda f: (f[0], f[1]))
        self.counts["buildings"] = len(feats)
        return [f[2] for f in feats]

    # ---------------------------------------------------------- key sites
    @staticmethod
    def site_kind(t):
        a, shop = t.get("amenity"), t.get("shop")
        if a == "school":
            return "school"
        if a in ("kindergarten", "childcare"):
            return "kindergarten"
        if a in ("university", "college"):
            return "university"
        if a in ("hospital", "clinic", "doctors"):
            return "hospital"
        if a == "bank":
            return "bank"
        if a == "police":
            return "police"
        if a == "fire_station":
            return "fire_station"
        if a == "fuel":
            return "fuel"
        if a == "bus_station" or t.get("railway") == "station" or (
                t.get("public_transport") == "station"):
            return "station"
        if a == "marketplace" or shop in ("mall", "department_store"):
            return "market"
        if (t.get("power") == "substation" or "hazard" in t or
                t.get("man_made") in ("gasometer", "storage_tank",
                                      "wastewater_plant") or
                t.get("industrial") in ("chemical", "oil", "gas")):
            return "hazardous"
        return None

    def make_key_sites(self):
        fr = self.frame
        raw = []
        for nid, t in self.osm.node_tags:
            k = self.site_kind(t)
            if k:
                raw.append((0, int(nid), "n" + nid, k, zh_name(t), self.xy[nid]))
        for wid, nds, t in self.osm.ways:
            k = self.site_kind(t)
            if not k or not nds:
                continue
            pts = [self.xy[n] for n in nds]
            if nds[0] == nds[-1] and len(nds) >= 4:
                c = ring_centroid(pts)
            else:
                c = (fsum_loop(p[0] for p in pts) / len(pts),
                     fsum_loop(p[1] for p in pts) / len(pts))
            raw.append((1, int(wid), "w" + wid, k, zh_name(t), c))
        raw.sort(key=lambda r: (r[0], r[1]))
        sites = []
        for r in raw:
            if not self.region.inside(r[5], 0.0):
                continue
            dup = False
            if r[4]:
                for s in sites:
                    if s[3] == r[3] and s[4] == r[4] and dist(s[5], r[5]) < 300.0:
                        dup = True
                        break
            if not dup:
                sites.append(r)
        self.sites = sites
        kinds = {}
        for s in sites:
            kinds[s[3]] = kinds.get(s[3], 0) + 1
        self.counts["key_sites"] = "%d (%s)" % (len(sites), ", ".join(
            "%s %d" % (k, kinds[k]) for k in sorted(kinds)))
        feats = []
        for s in sites:
            feats.append(point_feature(fr, s[5], {"osm_id": s[2], "kind": s[3],
                                                  "name": s[4]}))
        return feats

    # ---------------------------------------------------------- segments
    def build_segments(self):
        """All highway segments inside the boundary, with a grid index."""
        segs = []
        for wid, nds, t in self.highways:
            cls = t.get("highway")
            for i in range(len(nds) - 1):
                a, b = self.xy[nds[i]], self.xy[nds[i + 1]]
                ln = dist(a, b)
                if ln < 0.5:
                    continue
                segs.append((a, b, ln, cls, t.get("name", ""), wid,
                             t.get("oneway", "")))
        self.segs = segs
        self.seg_grid = Grid(100.0)
        for i, (a, b, ln, cls, name, wid, ow) in enumerate(segs):
            self.seg_grid.add_box(min(a[0], b[0]), min(a[1], b[1]),
                                  max(a[0], b[0]), max(a[1], b[1]), i)

    def nearest_seg(self, p, classes=None, r=400.0):
        best = None
        for i in self.seg_grid.near(p, r):
            a, b, ln, cls, name, wid, ow = self.segs[i]
            if classes is not None and cls not in classes:
                continue
            q, t, d = seg_project(p, a, b)
            if best is None or d < best[0] or (d == best[0] and i < best[1]):
                best = (d, i, q)
        return best

    def beside(self, seg_i, q, side_sign, extra):
        """A point `extra` metres beyond the road edge at q on segment i."""
        a, b, ln, cls = self.segs[seg_i][:4]
        tx, ty = (b[0] - a[0]) / ln, (b[1] - a[1]) / ln
        off = side_sign * (HALF_WIDTH.get(cls, 3.0) + extra)
        return (q[0] - ty * off, q[1] + tx * off), (tx, ty)

    # ---------------------------------------------------------- coverage gaps
    def coverage_factor(self, p):
        """Acceptance weight for city cameras: full in the core, falling off
        towards the periphery, and very low in a few 'blind' residential
        neighbourhoods (self.blind)."""
        cx, cy = self.centre
        rx = (p[0] - cx) / ((self.bbox[2] - self.bbox[0]) / 2.0)
        ry = (p[1] - cy) / ((self.bbox[3] - self.bbox[1]) / 2.0)
        r = math.sqrt(rx * rx + ry * ry)
        f = 1.0 if r < 0.5 else max(0.08, 1.0 - 2.0 * (r - 0.5))
        for c, rad in self.blind:
            if dist(p, c) < rad:
                f *= 0.08
        return f

    def pick_blind(self, r):
        cand = []
        for wid, nds, t in self.osm.ways:
            if t.get("landuse") == "residential" and len(nds) >= 4 and nds[0] == nds[-1]:
                c = ring_centroid([self.xy[n] for n in nds])
                if self.region.inside(c, 600.0):
                    cand.append((int(wid), c))
        cand.sort()
        blind = []
        tries = 0
        while len(blind) < 4 and cand and tries < 1000:
            tries += 1
            wid, c = cand[r.randint(0, len(cand) - 1)]
            if dist(c, self.centre) < 1200.0:
                continue
            if any(dist(c, b[0]) < 1500.0 for b in blind):
                continue
            blind.append((c, r.uniform(450.0, 700.0)))
        return blind

    # ---------------------------------------------------------- cameras
    def junctions(self):
        """Clusters of main-road junction nodes (dual carriageways give
        several nodes per crossing) with their legs."""
        inc = {}
        ways_at = {}
        for wid, nds, t in self.highways:
            cls = t.get("highway")
            if cls not in MAIN_CLASSES:
                continue
            key = t.get("name") or ("#" + wid)
            for i, n in enumerate(nds):
                d = 1 if i in (0, len(nds) - 1) else 2
                e = inc.setdefault(n, [0, []])
                e[0] += d
                if not cls.endswith("_link") and key not in e[1]:
                    e[1].append(key)
                ways_at.setdefault(n, []).append((wid, i))
        jn = [n for n in inc if inc[n][0] >= 3 and len(inc[n][1]) >= 2
              and self.region.inside(self.xy[n], 40.0)]
        jn.sort(key=int)
        # single-linkage clusters within 50 m
        parent = {n: n for n in jn}

        def find(n):
            while parent[n] != n:
                parent[n] = parent[parent[n]]
                n = parent[n]
            return n
        g = Grid(50.0)
        for n in jn:
            g.add_point(self.xy[n], n)
        for n in jn:
            for p, m in g.near(self.xy[n], 50.0):
                if int(m) < int(n) and dist(p, self.xy[n]) <= 50.0:
                    ra, rb = find(n), find(m)
                    if ra != rb:
                        if int(ra) < int(rb):
                            parent[rb] = ra
                        else:
                            parent[ra] = rb
        groups = {}
        for n in jn:
            groups.setdefault(find(n), []).append(n)
        weight = {"trunk": 3.0, "primary": 3.0, "secondary": 2.0,
                  "tertiary": 1.5}
        out = []
        for root in sorted(groups, key=int):
            members = groups[root]
            c = (fsum_loop(self.xy[n][0] for n in members) / len(members),
                 fsum_loop(self.xy[n][1] for n in members) / len(members))
            legs = []
            for n in members:
                for wid, i in ways_at[n]:
                    nds, t = self.osm.way_by_id[wid][1], self.osm.way_by_id[wid][2]
                    cls = t["highway"]
                    for step in (1, -1):
                        j = i
                        far = None
                        while 0 <= j + step < len(nds):
                            j += step
                            if dist(self.xy[nds[j]], c) >= 45.0:
                                far = self.xy[nds[j]]
                                break
                        if far is None and j != i and dist(self.xy[nds[j]], c) >= 20.0:
                            far = self.xy[nds[j]]
                        if far is None:
                            continue
                        b = bearing(far[0] - c[0], far[1] - c[1])
                        legs.append((b, cls, t.get("name", "")))
            legs.sort(key=lambda l: (-weight.get(l[1], 0.5), l[0], l[2]))
            merged = []
            for l in legs:
                if all(angle_diff(l[0], m[0]) > 35.0 for m in merged):
                    merged.append(l)
            merged.sort(key=lambda l: l[0])
            score = fsum_loop(weight.get(l[1], 0.5) for l in merged)
            if len(merged) >= 2:
                out.append({"c": c, "legs": merged, "score": score,
                            "node": int(root)})
        out.sort(key=lambda j: (-j["score"], j["node"]))
        return out

    def camera_type(self, r, mount):
        u = r.random()
        p = {"junction": (0.74, 0.94), "main_road": (0.78, 0.92),
             "key_site": (0.60, 0.92)}[mount]
        return "bullet" if u < p[0] else ("dome" if u < p[1] else "ptz")

    def camera_props(self, r, ctype, heading):
        if ctype == "bullet":
            return {"type": ctype, "heading": norm_heading(heading),
                    "hfov": r.randint(40, 90), "range": r.randint(40, 120)}
        if ctype == "dome":
            return {"type": ctype, "heading": norm_heading(heading),
                    "hfov": 360, "range": r.randint(30, 60)}
        return {"type": ctype, "heading": norm_heading(heading),
                "hfov": 360, "range": r.randint(100, 200)}

    def make_cameras(self):
        r = self.rng("cameras")
        self.blind = self.pick_blind(r)
        cams = []                       # (xy, props-without-id, prio)
        taken = Grid(50.0)

        def free_spot(p, dmin):
            for q, _ in taken.near(p, dmin):
                if dist(p, q) < dmin:
                    return False
            return True

        def add(p, props, prio):
            cams.append((p, props, prio))
            taken.add_point(p, len(cams))

        # -- 1. junctions: several per big junction, looking along each leg
        budget_j = 560
        for j in self.junctions():
            if len([c for c in cams if c[1]["mount"] == "junction"]) >= budget_j:
                break
            f = self.coverage_factor(j["c"])
            big = len(j["legs"]) >= 3 and j["score"] >= 8.0
            if r.random() > f * (1.0 if big else 0.9):
                continue
            legs = list(j["legs"])
            if not big:
                r.shuffle(legs)
                legs = legs[:r.randint(1, 2)]
            for b, cls, name in legs:
                ux, uy = math.sin(math.radians(b)), math.cos(math.radians(b))
                d = r.uniform(12.0, 25.0)
                off = HALF_WIDTH.get(cls, 5.0) + r.uniform(1.5, 4.0)
                # stand right of the outbound leg direction, look along the leg
                p = (j["c"][0] + ux * d + uy * off, j["c"][1] + uy * d - ux * off)
                if not self.region.inside(p, 5.0) or not free_spot(p, 8.0):
                    continue
                ctype = self.camera_type(r, "junction")
                props = self.camera_props(r, ctype, b + r.uniform(-8.0, 8.0))
                props["mount"] = "junction"
                add(p, props, (2.0 if big else 1.2) + j["score"] / 12.0)
            if big and r.random() < 0.45:
                p = (j["c"][0] + r.uniform(-6, 6), j["c"][1] + r.uniform(-6, 6))
                if self.region.inside(p, 5.0):
                    props = self.camera_props(r, "ptz", r.uniform(0.0, 360.0))
                    props["mount"] = "junction"
                    add(p, props, 2.5)
        # -- 2. key sites: by kind, at the road in front of the site
        per_kind = {"school": 2, "kindergarten": 1, "university": 2,
                    "hospital": 3, "bank": 1, "police": 1, "fire_station": 1,
                    "station": 2, "fuel": 1, "market": 2, "hazardous": 1}
        road_cls = ("primary", "secondary", "tertiary", "residential",
                    "unclassified", "living_street", "pedestrian", "service",
                    "primary_link", "secondary_link", "tertiary_link")
        for s in self.sites:
            p0 = s[5]
            f = math.sqrt(self.coverage_factor(p0))
            if r.random() > f:
                continue
            ns = self.nearest_seg(p0, road_cls, 300.0)
            if ns is None:
                continue
            d, i, q = ns
            a, b, ln = self.segs[i][:3]
            tx, ty = (b[0] - a[0]) / ln, (b[1] - a[1]) / ln
            # side of the road the site is on
            side = 1.0 if (-(ty) * (p0[0] - q[0]) + tx * (p0[1] - q[1])) >= 0 else -1.0
            n = per_kind[s[3]]
            if s[3] in ("bank", "fuel") and r.random() < 0.5:
                n += 1
            for k in range(n):
                along = (k - (n - 1) / 2.0) * r.uniform(18.0, 30.0)
                qq = (q[0] + tx * along, q[1] + ty * along)
                p, _ = self.beside(i, qq, side, r.uniform(1.5, 4.0))
                if not self.region.inside(p, 5.0) or not free_spot(p, 6.0):
                    continue
                ctype = self.camera_type(r, "key_site")
                if ctype == "bullet":
                    h = bearing(tx, ty) + (0.0 if r.random() < 0.5 else 180.0)
                else:
                    h = bearing(p0[0] - p[0], p0[1] - p[1])
                props = self.camera_props(r, ctype, h + r.uniform(-10.0, 10.0))
                props["mount"] = "key_site"
                add(p, props, 1.8 + (0.6 if s[3] in ("school", "hospital", "bank",
                                                     "station") else 0.0))
        # -- 3. main roads: fill up to 1,237 city cameras
        need = N_CAM_CITY - len(cams)
        if need < 0:
            raise SystemExit("too many junction/key-site cameras: %d" % len(cams))
        cand = []
        for wid, nds, t in self.highways:
            cls = t.get("highway")
            if cls not in ("trunk", "primary", "secondary", "tertiary"):
                continue
            pl = Polyline([self.xy[n] for n in nds])
            s = 60.0
            while s < pl.length - 60.0:
                cand.append((int(wid), s, pl, cls))
                s += 220.0
        r.shuffle(cand)
        added = 0
        self.fill_pass = [0, 0]
        for pass_ in (0, 1):
            for wid, s, pl, cls in cand:
                if added >= need:
                    break
                q, (tx, ty) = pl.at(s)
                f = self.coverage_factor(q)
                if pass_ == 0 and r.random() > f:
                    continue
                side = 1.0 if r.random() < 0.5 else -1.0
                off = side * (HALF_WIDTH[cls] + r.uniform(1.5, 4.0))
                p = (q[0] - ty * off, q[1] + tx * off)
                if not self.region.inside(p, 5.0) or not free_spot(p, 60.0):
                    continue
                ctype = self.camera_type(r, "main_road")
                h = bearing(tx, ty) + (0.0 if r.random() < 0.5 else 180.0)
                props = self.camera_props(r, ctype, h + r.uniform(-6.0, 6.0))
                props["mount"] = "main_road"
                add(p, props, 1.0)
                added += 1
                self.fill_pass[pass_] += 1
        if len(cams) != N_CAM_CITY:
            raise SystemExit("could not place %d city cameras (%d)" % (N_CAM_CITY, len(cams)))
        # -- phases: the earliest phases went to the centre, big junctions
        #    and key sites; phase three filled in
        cx, cy = self.centre
        scored = []
        for i, (p, props, prio) in enumerate(cams):
            rr = dist(p, self.centre) / 4000.0
            scored.append((-(prio - 1.2 * rr + r.uniform(0.0, 1.6)), i))
        scored.sort()
        phase = {}
        for rank, (_, i) in enumerate(scored):
            if rank < N_CAM_P12:
                phase[i] = 1 if r.random() < N_CAM_P1 / float(N_CAM_P12) else 2
            else:
                phase[i] = 3
        # exact phase-1 count: fix up deterministically
        p1 = [i for _, i in scored[:N_CAM_P12] if phase[i] == 1]
        p2 = [i for _, i in scored[:N_CAM_P12] if phase[i] == 2]
        while len(p1) > N_CAM_P1:
            phase[p1.pop()] = 2
        while len(p1) < N_CAM_P1:
            i = p2.pop(0)
            phase[i] = 1
            p1.append(i)
        order = sorted(range(len(cams)), key=lambda i: (phase[i], i))
        feats = []
        for k, i in enumerate(order):
            p, props, prio = cams[i]
            props = dict(props)
            props.update({"id": "C%04d" % (k + 1), "phase": phase[i],
                          "owner": "public_security"})
            feats.append(point_feature(self.frame, p, props))
        self.city_cams = [(cams[i][0], cams[i][1]) for i in order]
        # -- 4. checkpoints on main roads leaving the study area
        feats += self.make_checkpoints(r)
        tcount = {}
        for f_ in feats:
            t = f_["properties"]["type"]
            tcount[t] = tcount.get(t, 0) + 1
        mcount = {}
        for f_ in feats:
            m = f_["properties"]["mount"]
            mcount[m] = mcount.get(m, 0) + 1
        self.counts["cameras"] = "%d (city %d: phase1 %d, phase2 %d, phase3 %d; checkpoints %d) types %s mounts %s" % (
            len(feats), N_CAM_CITY, N_CAM_P1, N_CAM_P12 - N_CAM_P1, N_CAM_P3,
            N_CHECKPOINTS, tcount, mcount)
        return feats

    def make_checkpoints(self, r):
        rank = {"trunk": 0, "primary": 1, "secondary": 2, "tertiary": 3}
        hits = []
        for wid, nds, t in self.highways:
            cls = t.get("highway")
            if cls not in rank:
                continue
            ow = t.get("oneway", "no")
            for i in range(len(nds) - 1):
                a, b = self.xy[nds[i]], self.xy[nds[i + 1]]
                ia, ib = self.region.inside(a), self.region.inside(b)
                if ia == ib:
                    continue
                da, db = self.region.depth(a), self.region.depth(b)
                tt = da / (da - db)
                x = (a[0] + tt * (b[0] - a[0]), a[1] + tt * (b[1] - a[1]))
                # travelling a->b goes inwards iff b is inside; one-way roads
                # keep only the carriageway whose traffic drives inwards
                if ow in ("yes", "true", "1") and not ib:
                    continue
                if ow == "-1" and ib:
                    continue
                # inbound direction vector (outside -> inside)
                v = (b[0] - a[0], b[1] - a[1]) if ib else (a[0] - b[0], a[1] - b[1])
                ln = math.sqrt(v[0] * v[0] + v[1] * v[1])
                hits.append((rank[cls], int(wid), i, x, (v[0] / ln, v[1] / ln),
                             cls, t.get("name", "")))
        hits.sort(key=lambda h: (h[0], h[1], h[2]))
        groups = []
        for h in hits:
            if any(dist(h[3], g[3]) < 150.0 for g in groups):
                continue
            groups.append(h)
        if len(groups) < N_CHECKPOINTS:
            raise SystemExit("only %d boundary crossings" % len(groups))
        chosen = groups[:N_CHECKPOINTS]
        # order around the boundary (clockwise from north) for numbering
        cx, cy = self.centre
        chosen.sort(key=lambda h: (bearing(h[3][0] - cx, h[3][1] - cy), h[1]))
        feats = []
        for k, (rk, wid, i, x, v, cls, name) in enumerate(chosen):
            d = r.uniform(40.0, 80.0)
            off = HALF_WIDTH[cls] + r.uniform(1.5, 3.0)   # right-hand verge
            while True:           # move inwards until clearly inside
                q = (x[0] + v[0] * d, x[1] + v[1] * d)
                p = (q[0] + v[1] * off, q[1] - v[0] * off)
                if self.region.inside(p, 5.0) or d > 400.0:
                    break
                d += 10.0
            props = {"id": "K%02d" % (k + 1), "type": "checkpoint",
                     "heading": norm_heading(bearing(v[0], v[1])),
                     "hfov": r.randint(40, 60), "range": r.randint(60, 100),
                     "phase": 0, "owner": "public_security", "mount": "exit"}
            feats.append(point_feature(self.frame, p, props))
        return feats

    # ---------------------------------------------------------- units
    def make_units(self):
        r = self.rng("units")
        fr = self.frame
        x0, y0, x1, y1 = self.bbox
        feats = []
        placed = []
        self.kiosks = []
        kiosk_cls = ("primary", "secondary", "tertiary")

        def snap(target, classes, extra):
            ns = self.nearest_seg(target, classes, 1500.0)
            d, i, q = ns
            side = 1.0 if r.random() < 0.5 else -1.0
            p, _ = self.beside(i, q, side, extra)
            return p, self.segs[i][4]

        # kiosks: one per sixth (3 columns x 2 rows), on a main road
        k = 0
        for row in (1, 0):                  # north row first
            for col in range(3):
                k += 1
                t = (x0 + (col + 0.5) * (x1 - x0) / 3.0,
                     y0 + (row + 0.5) * (y1 - y0) / 2.0)
                p, road = snap(t, kiosk_cls, r.uniform(2.0, 4.0))
                feats.append(point_feature(fr, p, {
                    "id": "KIOSK-%d" % k, "kind": "kiosk",
                    "name": "%d号移动警务站" % k, "crew": 6}))
                placed.append(p)
                self.kiosks.append(("KIOSK-%d" % k, p))
        # stations: west, centre, east thirds
        names = []
        named = ("primary", "secondary", "tertiary", "residential")
        for k in range(N_STATIONS):
            t = (x0 + (k + 0.5) * (x1 - x0) / 3.0,
                 self.centre[1] + r.uniform(-0.15, 0.15) * (y1 - y0))
            p, road = self._snap_named(t, named, names, r)
            names.append(road)
            feats.append(point_feature(fr, p, {
                "id": "STATION-%d" % (k + 1), "kind": "station",
                "name": road + "派出所", "crew": r.randint(28, 45)}))
        # community rooms: k-means centres of residential street nodes
        pts = []
        seen = {}
        for wid, nds, t in self.highways:
            if t.get("highway") in ("residential", "unclassified", "living_street"):
                for n in nds:
                    if n not in seen and self.region.inside(self.xy[n], 150.0):
                        seen[n] = True
                        pts.append(self.xy[n])
        centres = kmeans(pts, N_ROOMS, r)
        centres.sort(key=lambda c: (-round(c[1], 3), round(c[0], 3)))
        for k, c in enumerate(centres):
            p, road = self._snap_named(c, ("residential", "unclassified",
                                           "tertiary", "living_street"), names, r)
            names.append(road)
            feats.append(point_feature(fr, p, {
                "id": "ROOM-%02d" % (k + 1), "kind": "community_room",
                "name": road + "社区警务室", "crew": r.randint(2, 4)}))
        self.counts["units"] = "%d (kiosks %d, stations %d, community rooms %d)" % (
            len(feats), N_KIOSKS, N_STATIONS, N_ROOMS)
        return feats

    # ---------------------------------------------------------- zones, grids
    def make_zones(self):
        """Patrol zones: the boundary split by nearest kiosk (the Voronoi
        cells of the kiosks clipped to the convex boundary: each cell is the
        boundary cut by the half-planes nearer its kiosk than another)."""
        fr = self.frame
        self.zone_polys = []
        feats = []
        for k, (kid, p) in enumerate(self.kiosks):
            poly = list(self.region.poly)
            for m, (_, q) in enumerate(self.kiosks):
                if m == k:
                    continue
                # keep |x - p| <= |x - q|:  2 (p - q) . x + |q|^2 - |p|^2 >= 0
                a, b = 2.0 * (p[0] - q[0]), 2.0 * (p[1] - q[1])
                c = (q[0] * q[0] + q[1] * q[1]) - (p[0] * p[0] + p[1] * p[1])
                poly = clip_halfplane(poly, a, b, c)
            poly = dedup_ring(poly)
            n = k + 1
            self.zone_polys.append(("ZONE-%d" % n, n, poly))
            feats.append(polygon_feature(fr, poly, {
                "id": "ZONE-%d" % n, "name": "%d号巡区" % n, "kiosk": kid}))
        area = fsum_loop([ring_area(z[2] + [z[2][0]]) for z in self.zone_polys]) / 1e6
        self.counts["zones"] = "%d polygons, %.1f km2" % (len(feats), area)
        return feats

    def make_grids(self, cell=GRID_CELL):
        """Community grid cells: a regular GRID_CELL grid (origin at the
        boundary's south-west corner) cut by the zones, so every cell lies in
        one zone; pieces under GRID_MIN_AREA are dropped (slivers along the
        zone lines: a gap of at most that much per piece)."""
        fr = self.frame
        x0, y0, x1, y1 = self.bbox
        nx = int(math.ceil((x1 - x0) / cell))
        ny = int(math.ceil((y1 - y0) / cell))
        feats = []
        dropped = 0
        for zid, n, zpoly in self.zone_polys:
            zx = [q[0] for q in zpoly]
            zy = [q[1] for q in zpoly]
            k = 0
            for j in range(ny - 1, -1, -1):          # north row first
                gy0 = y0 + j * cell
                if gy0 > max(zy) or gy0 + cell < min(zy):
                    continue
                for i in range(nx):
                    gx0 = x0 + i * cell
                    if gx0 > max(zx) or gx0 + cell < min(zx):
                        continue
                    poly = list(zpoly)
                    poly = clip_halfplane(poly, 1.0, 0.0, -gx0)
                    poly = clip_halfplane(poly, -1.0, 0.0, gx0 + cell)
                    poly = clip_halfplane(poly, 0.0, 1.0, -gy0)
                    poly = clip_halfplane(poly, 0.0, -1.0, gy0 + cell)
                    poly = dedup_ring(poly)
                    if len(poly) < 3:
                        continue
                    if ring_area(poly + [poly[0]]) < GRID_MIN_AREA:
                        dropped += 1
                        continue
                    k += 1
                    feats.append(polygon_feature(fr, poly, {
                        "id": "GRID-%d-%02d" % (n, k),
                        "name": "%d号巡区第%d网格" % (n, k), "zone": zid}))
        self.counts["grids"] = "%d cells of %d m (%d slivers under %d m2 dropped)" % (
            len(feats), cell, dropped, GRID_MIN_AREA)
        return feats

    def _snap_named(self, target, classes, taken, r):
        """Nearest named road of the classes whose name is not yet used."""
        cands = []
        for i in self.seg_grid.near(target, 800.0):
            a, b, ln, cls, name, wid, ow = self.segs[i]
            if cls not in classes or not name or name in taken:
                continue
            q, t, d = seg_project(target, a, b)
            cands.append((d, i, q))
        if not cands:
            raise SystemExit("no named road near %r" % (target,))
        cands.sort()
        d, i, q = cands[0]
        side = 1.0 if r.random() < 0.5 else -1.0
        p, _ = self.beside(i, q, side, r.uniform(3.0, 6.0))
        return p, self.segs[i][4]

    # ---------------------------------------------------------- incidents
    def make_incidents(self):
        r = self.rng("incidents")
        cls_w = {"primary": 3.0, "secondary": 3.0, "tertiary": 2.5,
                 "residential": 2.0, "unclassified": 1.5, "living_street": 2.0,
                 "pedestrian": 3.0, "service": 0.8, "trunk": 0.6,
                 "trunk_link": 0.3, "primary_link": 0.5, "secondary_link": 0.5,
                 "tertiary_link": 0.5, "footway": 0.5}
        site_grid = Grid(300.0)
        for s in self.sites:
            site_grid.add_point(s[5], 1)
        bgrid = Grid(250.0)
        for c in self.building_centroids:
            bgrid.add_point(c, 1)
        cx, cy = self.centre
        idx, weights = [], []
        for i, (a, b, ln, cls, name, wid, ow) in enumerate(self.segs):
            w = cls_w.get(cls)
            if w is None:
                continue
            m = ((a[0] + b[0]) / 2.0, (a[1] + b[1]) / 2.0)
            if not self.region.inside(m, 25.0):
                continue
            rr = dist(m, self.centre)
            central = 0.35 + 0.9 * math.exp(-(rr / 3000.0) ** 2)
            ns = 0
            for q, _ in site_grid.near(m, 300.0):
                if dist(q, m) <= 300.0:
                    ns += 1
            nb = 0
            for q, _ in bgrid.near(m, 250.0):
                if dist(q, m) <= 250.0:
                    nb += 1
            dens = 1.0 + 0.5 * min(ns, 4) + 0.03 * min(nb, 40)
            idx.append(i)
            weights.append(ln * w * central * dens)
        cum = cumulate(weights)
        # daily counts: weekly and seasonal cycle, Poisson noise
        days = [datetime.date(2025, 1, 1) + datetime.timedelta(days=k)
                for k in range(365)]
        week = [0.95, 0.95, 0.95, 0.97, 1.10, 1.15, 1.05]     # Mon..Sun
        fac = []
        for d in days:
            doy = d.timetuple().tm_yday
            season = 1.0 + 0.12 * math.cos(2.0 * math.pi * (doy - 200) / 365.0)
            festival = 1.25 if datetime.date(2025, 1, 28) <= d <= datetime.date(2025, 2, 4) else 1.0
            fac.append(week[d.weekday()] * season * festival)
        base = INCIDENTS_PER_YEAR / fsum_loop(fac)
        hour_w = [0.9, 0.7, 0.5, 0.35, 0.3, 0.35, 0.6, 1.0, 1.4, 1.6, 1.7, 1.7,
                  1.6, 1.5, 1.6, 1.7, 1.8, 1.9, 1.9, 2.0, 2.0, 1.9, 1.6, 1.2]
        hour_c = cumulate(hour_w)
        cats = ["theft", "dispute", "traffic", "fraud", "assault", "fire",
                "noise", "missing_person", "other"]
        cat_c = cumulate([0.26, 0.22, 0.18, 0.09, 0.05, 0.03, 0.07, 0.02, 0.08])
        grades = ["red", "orange", "blue", "green"]
        grade_c = cumulate([0.02, 0.08, 0.30, 0.60])
        inc = []
        for di, d in enumerate(days):
            n = r.poisson(base * fac[di])
            for _ in range(n):
                h = r.weighted(hour_c)
                tstr = "%sT%02d:%02d:%02d" % (d.isoformat(), h, r.randint(0, 59),
                                              r.randint(0, 59))
                while True:
                    i = idx[r.weighted(cum)]
                    a, b, ln, cls = self.segs[i][:4]
                    t = r.random()
                    q = (a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t)
                    side = 1.0 if r.random() < 0.5 else -1.0
                    p, _ = self.beside(i, q, side, r.uniform(0.5, 6.0))
                    if self.region.inside(p, 2.0):
                        break
                cat = cats[r.weighted(cat_c)]
                grade = grades[r.weighted(grade_c)]
                inc.append((tstr, p, cat, grade))
        inc.sort(key=lambda e: e[0])          # stable: same-second ties keep draw order
        feats = []
        gc = {}
        for k, (tstr, p, cat, grade) in enumerate(inc):
            gc[grade] = gc.get(grade, 0) + 1
            feats.append(point_feature(self.frame, p, {
                "id": "I%06d" % (k + 1), "time": tstr, "grade": grade,
                "category": cat}))
        self.counts["incidents"] = "%d (%s)" % (len(feats), ", ".join(
            "%s %d" % (g, gc.get(g, 0)) for g in grades))
        return feats


def assemble_rings(ways):
    """Join way node lists into closed rings; drop what does not close."""
    rest = [list(w) for w in ways if len(w) >= 2]
    rings = []
    while rest:
        cur = rest.pop(0)
        changed = True
        while cur[0] != cur[-1] and changed:
            changed = False
            for k, w in enumerate(rest):
                if w[0] == cur[-1]:
                    cur += w[1:]
                elif w[-1] == cur[-1]:
                    cur += list(reversed(w))[1:]
                elif w[-1] == cur[0]:
                    cur = w[:-1] + cur
                elif w[0] == cur[0]:
                    cur = list(reversed(w))[:-1] + cur
                else:
                    continue
                rest.pop(k)
                changed = True
                break
        if cur[0] == cur[-1] and len(cur) >= 4:
            rings.append(cur)
    return rings


def kmeans(pts, k, r, iters=25):
    """Plain Lloyd's k-means, k-means++-style seeding from the given Rng."""
    pts = sorted(pts)
    centres = [pts[r.randint(0, len(pts) - 1)]]
    while len(centres) < k:
        d2 = []
        for p in pts:
            m = None
            for c in centres:
                dd = (p[0] - c[0]) ** 2 + (p[1] - c[1]) ** 2
                if m is None or dd < m:
                    m = dd
            d2.append(m)
        centres.append(pts[r.weighted(cumulate(d2))])
    for _ in range(iters):
        sx = [0.0] * k
        sy = [0.0] * k
        n = [0] * k
        for p in pts:
            best, bi = None, 0
            for i, c in enumerate(centres):
                dd = (p[0] - c[0]) ** 2 + (p[1] - c[1]) ** 2
                if best is None or dd < best:
                    best, bi = dd, i
            sx[bi] += p[0]
            sy[bi] += p[1]
            n[bi] += 1
        centres = [(sx[i] / n[i], sy[i] / n[i]) if n[i] else centres[i]
                   for i in range(k)]
    return centres


SCENE_TOML = """\
# lugeo demo scene -- written by tools/make_demo.py (seed {seed}); do not edit by hand.
# Paths are relative to this file.

[scene]
name = "Demo: Chengdu centre, standing in for Chuxiong"
crs = "EPSG:32648"   # metric CRS: UTM 48N for Chengdu (Chuxiong itself would use EPSG:4543)
attribution = "\u00a9 OpenStreetMap contributors (ODbL); poles, lamps, cameras, units, incidents, boundary, patrol zones and grid cells are SYNTHETIC"

[layers.roads]
source = "../chengdu-centre-2018.osm"
layer = "lines"
[layers.roads.fields]
class = "highway"
name = "name"
oneway = "oneway"
maxspeed = "maxspeed"

[layers.poles]
source = "poles.geojson"
synthetic = true
# docs/plate-ids.md: road code (district digit + road), number along the road, optional
# Damm check digit on newly assigned plates
scheme = "G###-####[C]"
[layers.poles.fields]
id = "id"
road = "road"
status = "status"
installed = "installed"

[layers.lamps]
source = "lamps.geojson"
synthetic = true
scheme = "L###-####[C]"
[layers.lamps.fields]
id = "id"
road = "road"
status = "status"
installed = "installed"

[layers.cameras]
source = "cameras.geojson"
synthetic = true
[layers.cameras.fields]
id = "id"
type = "type"
heading = "heading"
hfov = "hfov"
range = "range"
phase = "phase"
owner = "owner"

[layers.units]
source = "units.geojson"
synthetic = true
[layers.units.fields]
id = "id"
kind = "kind"
name = "name"

[layers.buildings]
source = "buildings.geojson"
synthetic = false
[layers.buildings.fields]
id = "osm_id"
building = "building"
levels = "levels"

[layers.key_sites]
source = "key_sites.geojson"
synthetic = false
[layers.key_sites.fields]
id = "osm_id"
kind = "kind"
name = "name"

[layers.boundary]
source = "boundary.geojson"
synthetic = true
[layers.boundary.fields]
name = "name"

[layers.incidents]
source = "incidents.geojson"
synthetic = true
[layers.incidents.fields]
id = "id"
time = "time"
grade = "grade"

[layers.zones]
source = "zones.geojson"
synthetic = true
[layers.zones.fields]
id = "id"
name = "name"
kiosk = "kiosk"

[layers.grids]
source = "grids.geojson"
synthetic = true
[layers.grids.fields]
id = "id"
name = "name"
zone = "zone"
"""


def main(argv=None):
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(here)
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--osm", default=os.path.join(root, "data", "chengdu-centre-2018.osm"))
    ap.add_argument("--out", default=os.path.join(root, "data", "demo"))
    ap.add_argument("--seed", type=int, default=20261128)
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    osm = Osm(args.osm)
    demo = Demo(osm, args.seed)
    os.makedirs(args.out, exist_ok=True)
    seed = args.seed
    syn = ("SYNTHETIC: generated by tools/make_demo.py (seed %d) from the OSM "
           "road network of Chengdu centre (%s); mirrors the figures of Chuxiong "
           "(Yunnan) public security. " % (seed, ATTRIB))

    def out(name):
        return os.path.join(args.out, name)

    boundary = demo.make_boundary()
    buildings = demo.make_buildings()
    sites = demo.make_key_sites()
    demo.build_segments()
    poles, lamps = demo.make_plates()
    cameras = demo.make_cameras()
    units = demo.make_units()
    incidents = demo.make_incidents()
    zones = demo.make_zones()
    grids = demo.make_grids()

    write_fc(out("boundary.geojson"), "boundary",
             syn + "Study boundary: convex hull of the OSM highway nodes within "
             "the extract's bounds, inset by 100 m.", True, boundary)
    write_fc(out("buildings.geojson"), "buildings",
             "Buildings (closed ways and multipolygon relations tagged "
             "building=*) from OpenStreetMap, Chengdu centre, data as of ~2018-07. "
             + ATTRIB + ".", False, buildings)
    write_fc(out("key_sites.geojson"), "key_sites",
             "Key sites (schools, hospitals, banks, police, fire stations, "
             "stations, fuel, markets, hazardous sites) from OpenStreetMap "
             "tags, areas as centroids, Chengdu centre ~2018-07, inside the "
             "demo boundary. " + ATTRIB + ".", False, sites)
    write_fc(out("poles.geojson"), "poles",
             syn + "%d numbered 10-kV power poles along named main roads "
             "(trunk/primary/secondary/tertiary and links), one every 30-50 m, "
             "3-8 m to one side of the centreline, survey noise sigma 1.5 m. "
             "IDs per docs/plate-ids.md." % N_POLES, True,
             demo.plate_features(poles))
    write_fc(out("lamps.geojson"), "lamps",
             syn + "%d numbered street lamps along named urban streets "
             "(secondary/tertiary/residential/unclassified/living_street), "
             "both sides staggered, 30-50 m apart per side, 6-12 m from the "
             "centreline, survey noise sigma 1.5 m. Odd numbers left, even "
             "right. IDs per docs/plate-ids.md." % N_LAMPS, True,
             demo.plate_features(lamps))
    write_fc(out("cameras.geojson"), "cameras",
             syn + "%d city cameras (%d of phases 1-2, %d of phase 3) at "
             "main-road junctions, key sites and along main roads, with thin "
             "coverage at the periphery and in a few residential areas; %d "
             "checkpoint cameras on main roads leaving the study area, "
             "looking inbound." % (N_CAM_CITY, N_CAM_P12, N_CAM_P3,
                                   N_CHECKPOINTS), True, cameras)
    write_fc(out("units.geojson"), "units",
             syn + "%d mobile police kiosks (one per sixth of the city, on a "
             "main road), %d police stations, %d community police rooms "
             "(k-means centres of residential streets); names are made from "
             "nearby OSM road names." % (N_KIOSKS, N_STATIONS, N_ROOMS), True,
             units)
    write_fc(out("incidents.geojson"), "incidents",
             syn + "One year (2025) of incidents, ~%d expected (Poisson per "
             "day, weekly and seasonal cycle, daily cycle by hour), placed "
             "beside roads with weights by road class, centrality, nearby key "
             "sites and building density. Grades red 2%%, orange 8%%, blue "
             "30%%, green 60%%." % INCIDENTS_PER_YEAR, True, incidents)
    write_fc(out("zones.geojson"), "zones",
             syn + "%d patrol zones, one per kiosk: the boundary split by the "
             "nearest kiosk in a straight line (Voronoi cells of the kiosks "
             "clipped to the boundary); they tile the boundary. Not a real "
             "plan: compare with `lugeo zones`, which splits by road travel "
             "time." % N_KIOSKS, True, zones)
    write_fc(out("grids.geojson"), "grids",
             syn + "Community grid cells: a regular %d m grid from the "
             "boundary's south-west corner, cut by the patrol zones (each cell "
             "in one zone, field zone); pieces under %d m2 dropped." % (
                 GRID_CELL, GRID_MIN_AREA), True, grids)
    with open(out("scene.toml"), "w", encoding="utf-8", newline="\n") as f:
        f.write(SCENE_TOML.format(seed=seed))

    dt = time.perf_counter() - t0
    print("lugeo demo scene, seed %d -> %s" % (seed, args.out))
    print("  boundary   %s" % demo.counts["boundary"])
    print("  buildings  %d" % demo.counts["buildings"])
    print("  key_sites  %s" % demo.counts["key_sites"])
    print("  poles      %d on %d roads" % (len(poles), len({p["road"]: 1 for p in poles})))
    print("  lamps      %d on %d roads" % (len(lamps), len({p["road"]: 1 for p in lamps})))
    print("  swapped    %d plate pairs: %s" % (len(demo.swaps), " ".join(
        "%s<->%s" % s for s in demo.swaps)))
    print("  cameras    %s" % demo.counts["cameras"])
    print("  units      %s" % demo.counts["units"])
    print("  incidents  %s" % demo.counts["incidents"])
    print("  zones      %s" % demo.counts["zones"])
    print("  grids      %s" % demo.counts["grids"])
    print("  scene.toml written")
    print("done in %.1f s" % dt, file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
