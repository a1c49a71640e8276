#!/usr/bin/env python3
"""Draw `lugeo seal ... -o FILE.gpkg` as an SVG for docs/seal.md: the roads around (from the
scene's OSM file), the enclosed area, the suspect's reach when the ring closes, the units'
routes and the blocks (numbered), open routes when it does not seal.

Usage: tools/seal_svg.py plan.gpkg roads.osm EPSG:32648 out.svg   (needs ogr2ogr on PATH)
"""
import json, os, subprocess, sys, tempfile

def layer(src, name, tmp, extra=()):
    out = os.path.join(tmp, name + ".geojson")
    subprocess.run(["ogr2ogr", "-f", "GeoJSON", out, src, name, *extra], check=True,
                   stderr=subprocess.DEVNULL)
    return json.load(open(out))["features"]

def parts(geom):
    t, c = geom["type"], geom["coordinates"]
    if t == "Point": return [[c]]
    if t == "LineString": return [c]
    if t == "MultiLineString": return c
    if t == "Polygon": return c
    if t == "MultiPolygon": return [r for p in c for r in p]
    return []

def main(gpkg, osm, crs, svg):
    with tempfile.TemporaryDirectory() as tmp:
        names = subprocess.run(["ogrinfo", "-q", "-so", gpkg], capture_output=True, text=True).stdout
        L = {n: layer(gpkg, n, tmp) if n in names else []
             for n in ("blocks", "unit_routes", "enclosed", "suspect_reach", "open_routes")}
        pts = [p for n in ("blocks", "unit_routes", "enclosed", "open_routes") for f in L[n]
               for part in parts(f["geometry"]) for p in part]
        xs, ys = [p[0] for p in pts], [p[1] for p in pts]
        pad = 250
        x0, x1, y0, y1 = min(xs) - pad, max(xs) + pad, min(ys) - pad, max(ys) + pad
        # the roads of the window, reprojected
        ll = os.path.join(tmp, "win.geojson")
        subprocess.run(["ogr2ogr", "-f", "GeoJSON", "-t_srs", crs, "-spat", str(x0), str(y0),
                        str(x1), str(y1), "-spat_srs", crs, ll, osm, "lines", "-where",
                        "highway IS NOT NULL"], check=True, stderr=subprocess.DEVNULL)
        roads = json.load(open(ll))["features"]
    w = 900.0
    s = w / (x1 - x0)
    h = (y1 - y0) * s
    P = lambda x, y: f"{(x - x0) * s:.1f},{(y1 - y) * s:.1f}"
    def path(seq):
        return " ".join(P(x, y) for x, y in seq)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w:.0f}" height="{h:.0f}" '
           f'viewBox="0 0 {w:.0f} {h:.0f}" font-family="sans-serif">',
           f'<rect width="{w:.0f}" height="{h:.0f}" fill="#fbfbf8"/>']
    for f in L["enclosed"]:
        for r in parts(f["geometry"]):
            out.append(f'<polygon points="{path(r)}" fill="#9ecae1" fill-opacity="0.35" '
                       'stroke="#3182bd" stroke-width="1"/>')
    for f in roads:
        for part in parts(f["geometry"]):
            out.append(f'<polyline points="{path(part)}" fill="none" stroke="#c8c8c8" '
                       'stroke-width="1.2"/>')
    for f in L["suspect_reach"]:
        for part in parts(f["geometry"]):
            out.append(f'<polyline points="{path(part)}" fill="none" stroke="#e6550d" '
                       'stroke-width="3.5" stroke-linecap="round"/>')
    for f in L["open_routes"]:
        for part in parts(f["geometry"]):
            out.append(f'<polyline points="{path(part)}" fill="none" stroke="#d62728" '
                       'stroke-width="2" stroke-dasharray="6,4"/>')
    for f in L["unit_routes"]:
        for part in parts(f["geometry"]):
            out.append(f'<polyline points="{path(part)}" fill="none" stroke="#31a354" '
                       'stroke-width="2.2"/>')
            x, y = part[0]
            out.append(f'<rect x="{(x - x0) * s - 5:.1f}" y="{(y1 - y) * s - 5:.1f}" width="10" '
                       'height="10" fill="#31a354"/>')
            out.append(f'<text x="{(x - x0) * s + 8:.1f}" y="{(y1 - y) * s + 4:.1f}" '
                       f'font-size="12" fill="#1b5e20">{f["properties"]["unit"]}</text>')
    for f in L["blocks"]:
        x, y = f["geometry"]["coordinates"]
        p = f["properties"]
        cx, cy = (x - x0) * s, (y1 - y) * s
        out.append(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="9" fill="#08306b" stroke="white" '
                   'stroke-width="2"/>')
        out.append(f'<text x="{cx:.1f}" y="{cy + 4:.1f}" font-size="11" fill="white" '
                   f'text-anchor="middle">{p["rank"]}</text>')
        t = int(round(p["arrival_s"]))
        out.append(f'<text x="{cx + 12:.1f}" y="{cy - 8:.1f}" font-size="12" fill="#08306b">'
                   f'{p["unit"]} {t // 60}:{t % 60:02d}</text>')
    # legend
    items = [("#08306b", "block (unit, arrival m:ss)"), ("#31a354", "unit route"),
             ("#e6550d", "suspect's reach when the ring closes"), ("#9ecae1", "inside the ring"),
             ("#d62728", "route that stays open")]
    for i, (c, t) in enumerate(items):
        out.append(f'<rect x="12" y="{12 + 20 * i}" width="14" height="10" fill="{c}"/>')
        out.append(f'<text x="32" y="{21 + 20 * i}" font-size="13">{t}</text>')
    out.append(f'<text x="{w - 8:.0f}" y="{h - 8:.0f}" font-size="11" text-anchor="end" '
               'fill="#555">© OpenStreetMap contributors; units synthetic</text>')
    out.append("</svg>")
    open(svg, "w").write("\n".join(out) + "\n")

if __name__ == "__main__":
    main(*sys.argv[1:5])
