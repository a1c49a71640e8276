#!/usr/bin/env python3
"""Draw `lugeo site -o FILE.gpkg` as an SVG for docs/site.md: the new zones, the demand points
brought inside the standard (red), the others whose time fell (grey), units (squares; new sites
as stars with their rank).

Usage: tools/site_svg.py site.gpkg out.svg   (needs ogr2ogr on PATH; coordinates are metric)
"""
import json, os, subprocess, sys, tempfile

COLOURS = ["#e41a1c", "#377eb8", "#4daf4a", "#984ea3", "#ff7f00", "#a6761d", "#f781bf", "#999999",
           "#66c2a5", "#fc8d62", "#8da0cb", "#e78ac3"]

def layer(gpkg, name, tmp):
    out = os.path.join(tmp, name + ".geojson")
    subprocess.run(["ogr2ogr", "-f", "GeoJSON", out, gpkg, name], check=True)
    return json.load(open(out))["features"]

def rings(geom):
    polys = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
    for p in polys:
        for r in p:
            yield r

def main(gpkg, svg):
    with tempfile.TemporaryDirectory() as tmp:
        zones, units, sites, changed = (layer(gpkg, n, tmp) for n in ("zones", "units", "sites", "changed"))
    xs = [x for f in zones for r in rings(f["geometry"]) for x, _ in r]
    ys = [y for f in zones for r in rings(f["geometry"]) for _, y in r]
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    w = 900.0
    s = w / (x1 - x0)
    h = (y1 - y0) * s
    P = lambda x, y: ((x - x0) * s, (y1 - y) * s)

    def pts(seq):
        out = []
        for x, y in seq:
            q = "%.0f,%.0f" % P(x, y)
            if not out or out[-1] != q:
                out.append(q)
        return out
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w:.0f}" height="{h + 48:.0f}" font-family="sans-serif" font-size="12">',
           '<rect width="100%" height="100%" fill="white"/>']
    for i, f in enumerate(zones):
        c = COLOURS[i % len(COLOURS)]
        d = " ".join("M" + " L".join(pts(r)) + " Z" for r in rings(f["geometry"]))
        op = 0.30 if f["properties"]["new"] else 0.12
        out.append(f'<path d="{d}" fill="{c}" fill-opacity="{op}" stroke="{c}" stroke-width="1.2" fill-rule="evenodd"/>')
    for f in changed:
        g = f["geometry"]
        if g["type"] != "Point":
            continue
        px, py = P(*g["coordinates"][:2])
        if f["properties"]["inside_now"]:
            out.append(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="1.8" fill="#d7191c"/>')
        else:
            out.append(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="1.2" fill="#777777"/>')
    for f in units:
        if f["properties"]["new"]:
            continue
        px, py = P(*f["geometry"]["coordinates"][:2])
        out.append(f'<rect x="{px - 6:.0f}" y="{py - 6:.0f}" width="12" height="12" fill="#ffffff" stroke="black" stroke-width="1.5"/>')
        out.append(f'<text x="{px + 8:.0f}" y="{py - 8:.0f}" stroke="white" stroke-width="3" paint-order="stroke">{f["properties"]["unit"]}</text>')
    for f in sites:
        px, py = P(*f["geometry"]["coordinates"][:2])
        out.append(f'<circle cx="{px:.0f}" cy="{py:.0f}" r="9" fill="#ffd700" stroke="black" stroke-width="1.5"/>')
        out.append(f'<text x="{px:.0f}" y="{py + 4:.0f}" text-anchor="middle" font-weight="bold">{f["properties"]["rank"]}</text>')
    km = 1000 * s
    out.append(f'<line x1="10" y1="{h + 20:.0f}" x2="{10 + km:.0f}" y2="{h + 20:.0f}" stroke="black" stroke-width="3"/>')
    out.append(f'<text x="{14 + km:.0f}" y="{h + 24:.0f}">1 km   red: incidents brought within 5 min; squares: kiosks; circles: new sites by rank</text>')
    out.append(f'<text x="10" y="{h + 42:.0f}">Roads © OpenStreetMap contributors; kiosks and incidents SYNTHETIC</text>')
    out.append("</svg>")
    open(svg, "w").write("\n".join(out))

if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
