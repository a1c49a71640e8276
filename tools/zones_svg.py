#!/usr/bin/env python3
"""Draw `lugeo zones -o FILE.gpkg` as an SVG (zone polygons, edge pieces, kiosks) for docs/zones.md.

Usage: tools/zones_svg.py zones.gpkg out.svg   (needs ogr2ogr on PATH; coordinates are metric)
"""
import json, os, subprocess, sys, tempfile

COLOURS = ["#e41a1c", "#377eb8", "#4daf4a", "#984ea3", "#ff7f00", "#a6761d", "#f781bf", "#999999"]

def layer(gpkg, name, tmp):
    out = os.path.join(tmp, name + ".geojson")
    subprocess.run(["ogr2ogr", "-f", "GeoJSON", out, gpkg, name], check=True)
    return json.load(open(out))["features"]

def rings(geom):
    polys = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
    for p in polys:
        for r in p:
            yield r

def lines(geom):
    return geom["coordinates"] if geom["type"] == "MultiLineString" else [geom["coordinates"]]

def main(gpkg, svg):
    with tempfile.TemporaryDirectory() as tmp:
        zones, edges, kiosks = (layer(gpkg, n, tmp) for n in ("zones", "zone_edges", "kiosks"))
    xs = [x for f in zones for r in rings(f["geometry"]) for x, _ in r]
    ys = [y for f in zones for r in rings(f["geometry"]) for _, y in r]
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    w = 900.0
    s = w / (x1 - x0)
    h = (y1 - y0) * s
    P = lambda x, y: f"{(x - x0) * s:.0f},{(y1 - y) * s:.0f}"

    def pts(seq):  # rounded to whole pixels, repeated points dropped
        out = []
        for x, y in seq:
            q = P(x, y)
            if not out or out[-1] != q:
                out.append(q)
        return out
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w:.0f}" height="{h + 30:.0f}" font-family="sans-serif" font-size="12">',
           '<rect width="100%" height="100%" fill="white"/>']
    for f in zones:
        c = COLOURS[f["properties"]["zone"] % len(COLOURS)]
        d = " ".join("M" + " L".join(pts(r)) + " Z" for r in rings(f["geometry"]))
        out.append(f'<path d="{d}" fill="{c}" fill-opacity="0.18" stroke="{c}" stroke-width="1.5" fill-rule="evenodd"/>')
    for f in edges:
        c = COLOURS[f["properties"]["zone"] % len(COLOURS)]
        for l in lines(f["geometry"]):
            q = pts(l)
            if len(q) > 1 and all(x0 <= x <= x1 and y0 <= y <= y1 for x, y in l):
                out.append(f'<polyline points="{" ".join(q)}" fill="none" stroke="{c}" stroke-width="0.8"/>')
    for f in kiosks:
        x, y = f["geometry"]["coordinates"][:2]
        c = COLOURS[f["properties"]["zone"] % len(COLOURS)]
        px, py = P(x, y).split(",")
        out.append(f'<rect x="{float(px) - 6}" y="{float(py) - 6}" width="12" height="12" fill="{c}" stroke="black"/>')
        out.append(f'<text x="{float(px) + 8}" y="{float(py) - 8}" stroke="white" stroke-width="3" paint-order="stroke">{f["properties"]["kiosk"]}</text>')
    km = 1000 * s
    out.append(f'<line x1="10" y1="{h + 20:.0f}" x2="{10 + km:.0f}" y2="{h + 20:.0f}" stroke="black" stroke-width="3"/>')
    out.append(f'<text x="{14 + km:.0f}" y="{h + 24:.0f}">1 km   Roads © OpenStreetMap contributors; kiosks SYNTHETIC</text>')
    out.append("</svg>")
    open(svg, "w").write("\n".join(out))

if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
