#!/usr/bin/env python3
"""Writes an "existing plan" of 11 municipal-like zone polygons over Malta's main island and one
kiosk per zone, for timing `lugeo zones --existing` (docs/benchmarks.md):

    python3 bench/make_existing_zones.py /tmp/exz
    lugeo zones -q --roads tests/fixtures/osm/malta-2016-11-09.osm.pbf \
        --kiosks /tmp/exz/kiosks.geojson --existing /tmp/exz/zones.geojson

Strips across the island's axis with wiggly borders of ~4,000 vertices per polygon (municipal
boundaries are detailed) and a spike each; the kiosk of each strip on the island's axis.
Synthetic."""
import json, math, sys

out = sys.argv[1] if len(sys.argv) > 1 else "."
N, V = 11, 2000
# the island's axis, NW -> SE, and its normal
a, b = (14.335, 35.955), (14.565, 35.825)
ax, ay = b[0] - a[0], b[1] - a[1]
L = math.hypot(ax, ay)
ux, uy = ax / L, ay / L
nx, ny = -uy, ux
half = 0.12  # degrees each side of the axis


def border(i, s):
    """Point at parameter s in [-1, 1] across the axis on border i (0..N)."""
    t = i / N
    if 0 < i < N:
        t += 0.25 / N * math.sin(7 * s + i) + 0.08 / N * math.sin(53 * s + 2 * i)
    t = -0.02 + 1.04 * t
    return (a[0] + t * ax + s * half * nx, a[1] + t * ay + s * half * ny)


feats, kiosks = [], []
for i in range(N):
    ring = [border(i + 1, -1 + 2 * k / V) for k in range(V + 1)]
    ring += [border(i, 1 - 2 * k / V) for k in range(V + 1)]
    # a spike (out and back along one segment), as digitised boundaries often have: GEOS's
    # MakeValid turns the polygon into a collection (polygon + line), whose prepared
    # predicates are not indexed
    k = V // 3
    p, q = ring[k], (ring[k][0] + 0.002 * nx, ring[k][1] + 0.002 * ny)
    ring[k + 1:k + 1] = [q, p]
    ring.append(ring[0])
    feats.append({"type": "Feature", "properties": {"id": "Z%d" % (i + 1), "kiosk": "K%d" % (i + 1)},
                  "geometry": {"type": "Polygon", "coordinates": [ring]}})
    t = -0.02 + 1.04 * (i + 0.5) / N
    kiosks.append({"type": "Feature", "properties": {"id": "K%d" % (i + 1), "kind": "kiosk"},
                   "geometry": {"type": "Point", "coordinates": [a[0] + t * ax, a[1] + t * ay]}})
json.dump({"type": "FeatureCollection", "features": feats}, open(out + "/zones.geojson", "w"))
json.dump({"type": "FeatureCollection", "features": kiosks}, open(out + "/kiosks.geojson", "w"))
