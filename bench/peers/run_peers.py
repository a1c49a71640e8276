#!/usr/bin/python3
"""lugeo against its peers (issue 17): pgRouting + PostGIS, GRASS, networkx / OSMnx.

One interleaved run (lugeo, peer, lugeo, peer, ... REPEATS times, median) on the demo and on
Malta, every tool routing the same graph: lugeo's own car network as `lugeo network export`
writes it (edge ids, end nodes, lengths, car seconds in each direction), from the same 6
kiosks, each moved onto its nearest junction of the largest car component (so that every
tool starts from a graph node; the move is printed). Not part of the test suite.

    cmake --build build --target lugeo_cli bench_peers
    bench/peers/run_peers.py [--repeats 5] [--cities demo,malta] [--work /tmp/lugeo-peers]
                             [--steps 0,1,...] [--build build] [--json FILE]

Needs (tools/setup.sh --peers): postgresql-15-pgrouting, postgresql-15-postgis-3,
osm2pgrouting, grass-core, python3-networkx, python3-osmnx, osmium-tool (osmium converts
Malta's .pbf to the .osm XML that osm2pgrouting and OSMnx read).
It starts its own PostgreSQL (port 55433, socket in the work folder) and stops it at the end.
Run with the system Python (/usr/bin/python3): the Debian packages live there.
"""

import argparse
import csv
import functools
import io
import json
import math
import os
import pathlib
import shutil
import statistics
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[2]
LUGEO = ROOT / "build" / "cli" / "lugeo"
OSM = pathlib.Path(os.environ.get("LUGEO_OSM_DIR", ROOT.parent / "shared" / "data" / "osm"))
if not OSM.is_dir():
    OSM = pathlib.Path("/work/shared/data/osm")
PGBIN = pathlib.Path("/usr/lib/postgresql/15/bin")
PORT = 55433
TRIM_M = 50.0
PY = "/usr/bin/python3"
BENCH_PEERS = ROOT / "build" / "bench" / "bench_peers"
HERE = pathlib.Path(__file__).resolve().parent
NX_PEER = HERE / "nx_peer.py"
GRASS_ALLOC = HERE / "grass_alloc.sh"


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def run(cmd, **kw):
    """Runs a whole program; returns (seconds, stdout)."""
    t0 = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True, **kw)
    dt = time.perf_counter() - t0
    if p.returncode != 0:
        raise RuntimeError(f"{cmd[0]} failed ({p.returncode}): {p.stderr[-2000:]}")
    return dt, p.stdout


# ---------------------------------------------------------------- PostgreSQL

class Postgres:
    def __init__(self, work):
        self.dir = work / "pg"
        self.sock = work / "sock"
        self.as_pg = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def start(self):
        for d in (self.dir, self.sock):
            d.mkdir(parents=True, exist_ok=True)
            if self.as_pg:
                shutil.chown(d, "postgres")
        if not (self.dir / "data").exists():
            subprocess.run(self.as_pg + [str(PGBIN / "initdb"), "-D", str(self.dir / "data"),
                                         "-U", "lugeo", "--auth=trust"], check=True,
                           capture_output=True)
        status = subprocess.run(self.as_pg + [str(PGBIN / "pg_ctl"), "-D",
                                              str(self.dir / "data"), "status"],
                                capture_output=True)
        if status.returncode != 0:
            opts = (f"-p {PORT} -k {self.sock} -c listen_addresses='' -c shared_buffers=256MB "
                    "-c work_mem=64MB")
            subprocess.run(self.as_pg + [str(PGBIN / "pg_ctl"), "-D", str(self.dir / "data"),
                                         "-l", str(self.dir / "log"), "-w", "-o", opts, "start"],
                           check=True, capture_output=True)
        if "peers" not in self.sql("SELECT datname FROM pg_database", db="postgres"):
            self.sql("CREATE DATABASE peers", db="postgres")
        self.sql("CREATE EXTENSION IF NOT EXISTS postgis; CREATE EXTENSION IF NOT EXISTS pgrouting")

    def stop(self):
        subprocess.run(self.as_pg + [str(PGBIN / "pg_ctl"), "-D", str(self.dir / "data"), "-m",
                                     "fast", "stop"], capture_output=True)

    def psql_cmd(self, db="peers"):
        return ["psql", "-X", "-q", "-At", "-F", "|", "-h", str(self.sock), "-p", str(PORT), "-U",
                "lugeo", "-d", db]

    def sql(self, q, db="peers"):
        return run(self.psql_cmd(db) + ["-c", q])[1]

    def timed(self, q):
        """A query as a user runs it: one psql process."""
        return run(self.psql_cmd() + ["-c", q])

    def conn(self):
        return f"PG:dbname=peers host={self.sock} port={PORT} user=lugeo"

    def version(self):
        return self.sql("SELECT 'PostgreSQL ' || current_setting('server_version') || ', PostGIS '"
                        " || postgis_lib_version() || ', pgRouting ' || pgr_version()").strip()


# ---------------------------------------------------------------- the shared graph

class City:
    """One network as lugeo builds it, exported for the peers, and the 6 kiosks on nodes."""

    def __init__(self, name, work):
        self.name = name
        self.dir = work / name
        self.dir.mkdir(parents=True, exist_ok=True)
        self.scene_args = []
        self.scene_path = "demo"
        self.osm_xml = None

    def prepare(self):
        if self.name == "demo":
            self.osm_xml = OSM / "chengdu-centre-2018.osm"
            demo_units = ROOT / "data" / "demo" / "units.geojson"
            kiosk_points = read_points(demo_units, "kind = 'kiosk'")
        else:
            pbf = OSM / "malta-2016-11-09.osm.pbf"
            run([str(LUGEO), "scene", "init", str(pbf), "-o", str(self.dir / "scene"), "-q",
                 "--overwrite"])
            self.scene_path = str(self.dir / "scene" / "scene.toml")
            self.scene_args = ["--scene", self.scene_path]
            self.osm_xml = self.dir / "malta.osm"
            if not self.osm_xml.exists():
                run(["osmium", "cat", str(pbf), "-o", str(self.osm_xml), "-O"])
            kiosk_points = None
        self.edges_gpkg = self.dir / "edges.gpkg"
        run([str(LUGEO), "network", "export", "-q", "--nodes", "--overwrite", "-o",
             str(self.edges_gpkg)] + self.scene_args)
        self.crs = json.loads(run([str(LUGEO), "network", "info", "--json"] +
                                  self.scene_args)[1])["crs"]
        self.read_graph()
        if kiosk_points is None:
            kiosk_points = self.spread_points()
        self.place_kiosks(kiosk_points)
        self.write_peer_files()

    def read_graph(self):
        out = run(["ogr2ogr", "-f", "CSV", "/vsistdout/", str(self.edges_gpkg), "-dialect",
                   "SQLite", "-sql",
                   "SELECT edge_id, from_node, to_node, length_m, car_fwd_s, car_bwd_s, "
                   "component_car FROM edges WHERE car_fwd_s IS NOT NULL OR car_bwd_s IS NOT NULL"
                   ])[1]
        self.edges = []  # (id, u, v, length, fwd s or inf, bwd s or inf, component)
        for r in csv.DictReader(io.StringIO(out)):
            f = lambda k: float(r[k]) if r[k] != "" else math.inf
            self.edges.append((int(r["edge_id"]), int(r["from_node"]), int(r["to_node"]),
                               float(r["length_m"]), f("car_fwd_s"), f("car_bwd_s"),
                               int(r["component_car"]) if r["component_car"] else -1))
        out = run(["ogr2ogr", "-f", "CSV", "/vsistdout/", str(self.edges_gpkg), "-dialect",
                   "SQLite", "-sql",
                   "SELECT node_id, component_car, ST_X(geom) x, ST_Y(geom) y FROM nodes"])[1]
        self.nodes = {}
        for r in csv.DictReader(io.StringIO(out)):
            self.nodes[int(r["node_id"])] = (float(r["x"]), float(r["y"]),
                                             int(r["component_car"]) if r["component_car"] else -1)
        by_comp = {}
        for e in self.edges:
            by_comp[e[6]] = by_comp.get(e[6], 0.0) + e[3]
        self.largest = max(by_comp, key=by_comp.get)
        self.drivable_m = sum(e[3] for e in self.edges)

    def spread_points(self):
        """bench_zones' kiosks for Malta: the node of the largest car component nearest to each
        cell centre of a 3 x 2 grid over the component's bounding box (in the metric CRS)."""
        pts = [(x, y) for x, y, c in self.nodes.values() if c == self.largest]
        x0, x1 = min(p[0] for p in pts), max(p[0] for p in pts)
        y0, y1 = min(p[1] for p in pts), max(p[1] for p in pts)
        return [(x0 + (i + 0.5) / 3 * (x1 - x0), y0 + (j + 0.5) / 2 * (y1 - y0))
                for j in range(2) for i in range(3)]

    def place_kiosks(self, points):
        """Each kiosk onto its nearest junction of the largest car component (metric CRS)."""
        if points and isinstance(points[0], tuple) and len(points[0]) == 3:  # lon, lat, id
            metric = to_crs([(p[0], p[1]) for p in points], "EPSG:4326", self.crs)
            ids = [p[2] for p in points]
        else:
            metric = points  # bench_zones' grid centres: nothing was moved
            ids = [f"K{i + 1}" for i in range(len(points))]
        usable = {n for e in self.edges if e[6] == self.largest for n in (e[1], e[2])}
        self.kiosks = []  # (id, node, x, y, moved m)
        for kid, (px, py) in zip(ids, metric):
            n = min(usable, key=lambda n: (self.nodes[n][0] - px) ** 2 + (self.nodes[n][1] - py) ** 2)
            x, y, _ = self.nodes[n]
            moved = math.hypot(x - px, y - py) if metric is not points else None
            self.kiosks.append((kid, n, x, y, moved))
        self.sources_txt = self.dir / "sources.txt"
        self.sources_txt.write_text("".join(f"{k[2]!r} {k[3]!r}\n" for k in self.kiosks))
        lonlat = to_crs([(k[2], k[3]) for k in self.kiosks], self.crs, "EPSG:4326")
        self.kiosk_lonlat = lonlat
        feats = [{"type": "Feature", "properties": {"id": k[0], "node": k[1]},
                  "geometry": {"type": "Point", "coordinates": [round(lo, 9), round(la, 9)]}}
                 for k, (lo, la) in zip(self.kiosks, lonlat)]
        self.kiosks_geojson = self.dir / "kiosks.geojson"
        self.kiosks_geojson.write_text(json.dumps({"type": "FeatureCollection", "features": feats}))
        self.kiosks_metric = self.dir / "kiosks_metric.gpkg"
        run(["ogr2ogr", "-overwrite", "-t_srs", self.crs, str(self.kiosks_metric),
             str(self.kiosks_geojson), "-nln", "kiosks"])

    def write_peer_files(self):
        """The car edges with their cost (-1: closed that way) for GRASS and networkx."""
        self.peer_gpkg = self.dir / "peer_edges.gpkg"
        run(["ogr2ogr", "-overwrite", "-dialect", "SQLite", "-sql",
             "SELECT edge_id AS id, from_node AS source, to_node AS target, length_m, "
             "CAST(coalesce(car_fwd_s, -1.0) AS REAL) AS cost, "
             "CAST(coalesce(car_bwd_s, -1.0) AS REAL) AS reverse_cost, geom "
             "FROM edges WHERE car_fwd_s IS NOT NULL OR car_bwd_s IS NOT NULL",
             "-nln", "roads", "-nlt", "LINESTRING", str(self.peer_gpkg), str(self.edges_gpkg)])
        self.peer_csv = self.dir / "peer_edges.csv"
        with open(self.peer_csv, "w") as f:
            f.write("id,source,target,length_m,cost,reverse_cost\n")
            for e in self.edges:
                c = lambda t: -1 if math.isinf(t) else t
                f.write(f"{e[0]},{e[1]},{e[2]},{e[3]},{c(e[4])},{c(e[5])}\n")

    @property
    def source_nodes(self):
        return [k[1] for k in self.kiosks]

    def from_args(self):
        out = []
        for lo, la in self.kiosk_lonlat:
            out += ["--from", f"{lo:.9f},{la:.9f}"]
        return out


def read_points(path, where):
    out = run(["ogr2ogr", "-f", "CSV", "/vsistdout/", str(path), "-where", where, "-lco",
               "GEOMETRY=AS_XY", "-t_srs", "EPSG:4326"])[1]
    return [(float(r["X"]), float(r["Y"]), r["id"]) for r in csv.DictReader(io.StringIO(out))]


def to_crs(points, src, dst):
    text = "\n".join(f"{x} {y}" for x, y in points) + "\n"
    out = run(["gdaltransform", "-s_srs", src, "-t_srs", dst, "-output_xy"], input=text)[1]
    # gdaltransform takes and gives lon, lat for EPSG:4326 (traditional GIS order)
    return [tuple(map(float, line.split()[:2])) for line in out.strip().splitlines()]


# ---------------------------------------------------------------- answers from node times

def reached_m(city, t, limit_s):
    """Road length reached within the limit, from each node's time (a dict; absent = not
    reached): an edge is reached from its start along its forward time and from its end along
    its backward time, linear in between (what lugeo's pieces are)."""
    total = 0.0
    for _, u, v, length, cf, cb, _ in city.edges:
        a = min(1.0, max(0.0, (limit_s - t[u]) / cf)) if u in t and cf < math.inf else 0.0
        b = min(1.0, max(0.0, (limit_s - t[v]) / cb)) if v in t and cb < math.inf else 0.0
        total += min(1.0, a + b) * length
    return total


def allocated_m(city, t, owner):
    """Road length per source from each node's time and nearest source: an edge is cut where
    the front entering from its start meets the front entering from its end."""
    out = {}
    for _, u, v, length, cf, cb, _ in city.edges:
        fu = u in t and cf < math.inf
        fv = v in t and cb < math.inf
        if not fu and not fv:
            continue
        if fu and fv and owner[u] != owner[v]:
            x = min(1.0, max(0.0, (t[v] + cb - t[u]) / (cf + cb)))
            out[owner[u]] = out.get(owner[u], 0.0) + x * length
            out[owner[v]] = out.get(owner[v], 0.0) + (1 - x) * length
        else:
            s = owner[u] if fu else owner[v]
            out[s] = out.get(s, 0.0) + length
    return out


def pct(a, b):
    return 100.0 * (a - b) / b if b else float("nan")


# ---------------------------------------------------------------- the steps

def edges_sql(city):
    return f"SELECT id, source, target, cost, reverse_cost FROM {city.name}_edges"


def dd_sql(city, limit, equicost):
    arr = ",".join(map(str, city.source_nodes))
    return (f"pgr_drivingDistance($${edges_sql(city)}$$, ARRAY[{arr}]::bigint[], {limit}, "
            f"true, {str(equicost).lower()})")


def nearest_sql(city, limit):
    """Each node's least time over the sources, and that source: one search per source
    (equicost false), the least kept (DISTINCT ON; ties to the lower source index)."""
    order = " ".join(f"WHEN {n} THEN {i}" for i, n in enumerate(city.source_nodes))
    return (f"SELECT DISTINCT ON (node) node, agg_cost, from_v FROM {dd_sql(city, limit, False)} "
            f"ORDER BY node, agg_cost, CASE from_v {order} END")


def node_times(out):
    t, owner = {}, {}
    for line in out.splitlines():
        n, c, s = line.split("|")
        if float(c) < t.get(int(n), math.inf):
            t[int(n)], owner[int(n)] = float(c), int(s)
    return t, owner


def by_kiosk(city, per_node):
    ids = {k[1]: k[0] for k in city.kiosks}
    return {ids[s]: m for s, m in per_node.items()}


def in_process(city, answers, key, answer=None, minutes=30):
    """lugeo's step alone (build/bench/bench_peers: the network built once, then the step)."""
    def fn():
        out = json.loads(run([str(BENCH_PEERS), city.scene_path, str(city.sources_txt),
                              str(minutes)])[1])
        if answer:
            answers[answer[0]]["lugeo in process"] = answer[1](out)
        return out[key]
    return fn


def zone_lengths(city, lengths):
    return {k[0]: m for k, m in zip(city.kiosks, lengths)}


def load_edges(city, pg):
    """lugeo's car edges into PostGIS (table <city>_edges), as a user loads a layer."""
    return run(["ogr2ogr", "-f", "PostgreSQL", pg.conn(), str(city.peer_gpkg), "roads", "-nln",
                f"{city.name}_edges", "-overwrite", "-lco", "GEOMETRY_NAME=geom", "-lco",
                "FID=fid", "-nlt", "LINESTRING"])[0]


def step_build(city, pg, answers):
    def lugeo():
        return run([str(LUGEO), "network", "info", "-q"] + city.scene_args)[0]

    def pgr_import():
        return load_edges(city, pg)

    def osm2pgr():
        return run(["osm2pgrouting", "-f", str(city.osm_xml), "-c",
                    "/usr/share/osm2pgrouting/mapconfig.xml", "-d", "peers", "-U", "lugeo", "-h",
                    str(pg.sock), "-p", str(PORT), "--schema", f"o2p_{city.name}", "--clean"])[0]

    def nx_build():
        return run([PY, str(NX_PEER), "build", str(city.peer_csv)])[0]

    def osmnx_build():
        return run([PY, str(NX_PEER), "osmnx", str(city.osm_xml)])[0]

    pg.sql(f"CREATE SCHEMA IF NOT EXISTS o2p_{city.name}")
    return {"lugeo network info (whole command: read OSM + build)": lugeo,
            "lugeo in process: read + build": in_process(city, answers, "build_s"),
            "pgRouting: ogr2ogr lugeo's edges into PostGIS": pgr_import,
            "pgRouting: osm2pgrouting from the .osm (its own graph)": osm2pgr,
            "networkx: read the edges + build a DiGraph (script)": nx_build,
            "OSMnx: graph_from_xml (script; its own graph)": osmnx_build}


def step_reach(city, pg, answers, minutes=30):
    limit = minutes * 60.0
    answers["reached road m"] = {}

    def lugeo():
        dt, out = run([str(LUGEO), "isochrones", "-q", "--minutes", str(minutes), "--profile",
                       "car", "--no-per-source", "--json", "--top", "0"] + city.from_args() +
                      city.scene_args)
        answers["reached road m"]["lugeo"] = json.loads(out)["union"][0]["road_km"] * 1000.0
        return dt

    def pgr():
        dt, out = pg.timed(nearest_sql(city, limit))
        answers["reached road m"]["pgRouting"] = reached_m(city, node_times(out)[0], limit)
        return dt

    def pgr_equicost():
        dt, out = pg.timed(f"SELECT node, agg_cost, from_v FROM {dd_sql(city, limit, True)}")
        answers["reached road m"]["pgRouting equicost"] = reached_m(city, node_times(out)[0], limit)
        return dt

    def nx():
        dt, out = run([PY, str(NX_PEER), "reach", str(city.peer_csv), str(limit)] +
                      list(map(str, city.source_nodes)))
        t = {int(k): v for k, v in json.loads(out).items()}
        answers["reached road m"]["networkx"] = reached_m(city, t, limit)
        return dt

    return {"lugeo isochrones (whole command, with its polygon)": lugeo,
            "lugeo in process: search + pieces":
                in_process(city, answers, "reach_s", ("reached road m", lambda o: o["reach_m"]),
                           minutes),
            "pgRouting pgr_drivingDistance, least per node (psql)": pgr,
            "pgRouting pgr_drivingDistance equicost (psql)": pgr_equicost,
            "networkx multi_source_dijkstra (whole script)": nx}


def pieces_sql(city, limit):
    """PostGIS: the reached pieces of every edge, from pgr_drivingDistance's node times."""
    return f"""
WITH d AS ({nearest_sql(city, limit)}),
e AS (SELECT r.geom,
        CASE WHEN du.agg_cost IS NOT NULL AND r.cost >= 0
             THEN greatest(0, least(1, ({limit} - du.agg_cost) / nullif(r.cost, 0))) ELSE 0 END
             AS a,
        CASE WHEN dv.agg_cost IS NOT NULL AND r.reverse_cost >= 0
             THEN greatest(0, least(1, ({limit} - dv.agg_cost) / nullif(r.reverse_cost, 0)))
             ELSE 0 END AS b
      FROM {city.name}_edges r LEFT JOIN d du ON du.node = r.source
           LEFT JOIN d dv ON dv.node = r.target
      WHERE du.agg_cost IS NOT NULL OR dv.agg_cost IS NOT NULL),
p AS (SELECT geom AS g FROM e WHERE a + b >= 1
      UNION ALL SELECT ST_LineSubstring(geom, 0, a) FROM e WHERE a + b < 1 AND a > 0
      UNION ALL SELECT ST_LineSubstring(geom, 1 - b, 1) FROM e WHERE a + b < 1 AND b > 0)"""


def step_polygons(city, pg, answers, minutes=30):
    answers["union area m2"] = {}

    def lugeo():
        dt, out = run([str(LUGEO), "isochrones", "-q", "--minutes", str(minutes), "--profile",
                       "car", "--no-per-source", "--fill-holes", "0", "--trim", str(TRIM_M),
                       "--json", "--top", "0", "-o", str(city.dir / "iso.gpkg"), "--overwrite",
                       "--layer", "union"] + city.from_args() + city.scene_args)
        answers["union area m2"]["lugeo"] = json.loads(out)["union"][0]["area_km2"] * 1e6
        return dt

    def postgis():
        dt, out = pg.timed(pieces_sql(city, minutes * 60.0) +
                           f"\nSELECT ST_Area(ST_Union(ST_Buffer(g, {TRIM_M}))) FROM p")
        answers["union area m2"]["PostGIS"] = float(out.strip())
        return dt

    return {"lugeo isochrones --no-per-source --fill-holes 0 -o (whole command)": lugeo,
            "lugeo in process: search + union polygon":
                in_process(city, answers, "union_s",
                           ("union area m2", lambda o: o["union_area_m2"]), minutes),
            "PostGIS ST_Union(ST_Buffer(piece, 50)) over pgr_drivingDistance (psql)": postgis}


def step_zones(city, pg, answers):
    answers["allocated road m"] = {}
    answers["GRASS stages s"] = {}

    def lugeo():
        return run([str(LUGEO), "zones", "-q", "--kiosks", str(city.kiosks_geojson), "--json",
                    "-o", str(city.dir / "zones.gpkg"), "--overwrite"] + city.scene_args)[0]

    def grass():
        out_json = city.dir / "grass_alloc.json"
        dt, _ = run(["grass", "--tmp-location", city.crs, "--exec", "bash", str(GRASS_ALLOC),
                     str(city.peer_gpkg), str(city.kiosks_metric), str(len(city.kiosks)),
                     str(out_json)])
        g = json.loads(out_json.read_text())
        answers["allocated road m"]["GRASS"] = {city.kiosks[int(c) - 1][0]: m
                                                for c, m in g["by_cat"].items()}
        for stage, sec in g["seconds"].items():
            answers["GRASS stages s"].setdefault(stage, []).append(sec)
        return dt

    return {"lugeo zones -o (whole command, with polygons)": lugeo,
            "lugeo in process: zones with polygons":
                in_process(city, answers, "zones_s",
                           ("allocated road m", lambda o: zone_lengths(city, o["zones_m"]))),
            "GRASS v.net.alloc (whole program: grass --tmp-location --exec)": grass}


def step_alloc(city, pg, answers):
    answers["allocated road m"] = {}

    def lugeo():
        return run([str(LUGEO), "zones", "-q", "--no-polygons", "--kiosks",
                    str(city.kiosks_geojson), "--json"] + city.scene_args)[0]

    def pgr(equicost):
        def fn():
            q = (f"SELECT node, agg_cost, from_v FROM {dd_sql(city, 1e9, True)}" if equicost
                 else nearest_sql(city, 1e9))
            dt, out = pg.timed(q)
            t, owner = node_times(out)
            name = "pgRouting equicost" if equicost else "pgRouting"
            answers["allocated road m"][name] = by_kiosk(city, allocated_m(city, t, owner))
            return dt
        return fn

    return {"lugeo zones --no-polygons (whole command)": lugeo,
            "lugeo in process: allocation only":
                in_process(city, answers, "alloc_s",
                           ("allocated road m", lambda o: zone_lengths(city, o["alloc_m"]))),
            "pgRouting pgr_drivingDistance equicost (psql)": pgr(True),
            "pgRouting pgr_drivingDistance, least per node (psql)": pgr(False)}


STEPS = [("graph build / import", step_build),
         ("reach, 6 sources x 30 min", step_reach),
         ("correct 30-min union polygon", step_polygons),
         ("zones", step_zones),
         ("allocation alone", step_alloc),
         # 30 minutes reach every drivable road of the demo and of Malta: the 5-minute steps are
         # where the reach and the polygons can disagree
         ("reach, 6 sources x 5 min", functools.partial(step_reach, minutes=5)),
         ("correct 5-min union polygon", functools.partial(step_polygons, minutes=5))]


def loadavg():
    return os.getloadavg()[0]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--cities", default="demo,malta")
    ap.add_argument("--steps", default=",".join(str(i) for i in range(len(STEPS))))
    ap.add_argument("--work", default="/tmp/lugeo-peers")
    ap.add_argument("--json", help="also write every time and answer here")
    ap.add_argument("--keep-postgres", action="store_true")
    ap.add_argument("--build", default=str(ROOT / "build"), help="lugeo's build folder")
    a = ap.parse_args()
    global LUGEO, BENCH_PEERS
    LUGEO = pathlib.Path(a.build) / "cli" / "lugeo"
    BENCH_PEERS = pathlib.Path(a.build) / "bench" / "bench_peers"
    work = pathlib.Path(a.work)
    work.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        os.chmod(work, 0o755)
    pg = Postgres(work)
    pg.start()
    report = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
              "load_start": loadavg(), "versions": versions(pg), "repeats": a.repeats,
              "cities": {}}
    try:
        for name in a.cities.split(","):
            report["cities"][name] = bench_city(name, work, pg, a)
    finally:
        report["load_end"] = loadavg()
        if not a.keep_postgres:
            pg.stop()
    print_report(report)
    if a.json:
        pathlib.Path(a.json).write_text(json.dumps(report, indent=1))


def bench_city(name, work, pg, a):
    city = City(name, work)
    log(f"{name}: preparing")
    city.prepare()
    load_edges(city, pg)  # for the steps after the build, whichever are asked
    res = {"edges": len(city.edges), "drivable_km": city.drivable_m / 1000.0,
           "kiosks": [{"id": k[0], "node": k[1],
                       "moved_m": None if k[4] is None else round(k[4], 1)} for k in city.kiosks],
           "steps": {}}
    wanted = [STEPS[int(i)] for i in a.steps.split(",")]
    for title, make in wanted:
        answers = {}
        tools = make(city, pg, answers)
        times = {k: [] for k in tools}
        for r in range(a.repeats):
            for label, fn in tools.items():  # interleaved: lugeo, peer, peer, lugeo, ...
                times[label].append(fn())
            log(f"{name} / {title} / repeat {r + 1}: " +
                ", ".join(f"{k.split(' ')[0]} {v[-1]:.3f}" for k, v in times.items()))
        res["steps"][title] = {"times_s": times, "answers": answers}
    return res


def versions(pg):
    v = {"peers": pg.version()}
    v["lugeo"] = run([str(LUGEO), "--version"])[1].strip()
    v["grass"] = "GRASS " + run(["grass", "--config", "version"])[1].strip()
    v["networkx/osmnx"] = run([PY, "-c", "import networkx, osmnx; print(networkx.__version__, "
                                         "osmnx.__version__)"])[1].strip()
    v["osm2pgrouting"] = run(["osm2pgrouting", "--version"])[1].strip().splitlines()[0]
    return v


def ms(seconds):
    v = seconds * 1000.0
    return f"{v:,.0f}" if v >= 100 else f"{v:.1f}" if v >= 10 else f"{v:.2f}"


def print_report(rep):
    print(f"# lugeo against the peers — {rep['date']}, load {rep['load_start']:.1f} → "
          f"{rep['load_end']:.1f}, {rep['repeats']} interleaved repeats, median")
    for k, v in rep["versions"].items():
        print(f"- {k}: {v}")
    for name, c in rep["cities"].items():
        moved = [k["moved_m"] for k in c["kiosks"]]
        where = ("the junctions nearest the centres of a 3 x 2 grid over the largest car "
                 "component (bench_zones' kiosks)" if moved[0] is None else
                 "the scene's kiosks moved onto their nearest junctions by " +
                 ", ".join(f"{m}" for m in moved) + " m")
        print(f"\n## {name}: {c['edges']} car edges, {c['drivable_km']:.1f} km; 6 kiosks: {where}")
        print("\nPeers' time as a multiple of lugeo's: × whole = against the lugeo command, "
              "× step = against lugeo in process (the network already built).\n")
        print("| step | tool | median ms | runs (ms) | × whole | × step |\n|---|---|---|---|---|---|")
        for title, s in c["steps"].items():
            med = {k: statistics.median(v) for k, v in s["times_s"].items()}
            whole = next(m for k, m in med.items() if not k.startswith("lugeo in process"))
            step = next((m for k, m in med.items() if k.startswith("lugeo in process")), None)
            for i, (k, m) in enumerate(med.items()):
                peer = not k.startswith("lugeo")
                rw = f"{m / whole:.1f}" if peer else ""
                rs = f"{m / step:.1f}" if peer and step else ""
                runs = " ".join(ms(x) for x in s["times_s"][k])
                print(f"| {title if i == 0 else ''} | {k} | {ms(m)} | {runs} | {rw} | {rs} |")
        print()
        for title, s in c["steps"].items():
            for line in agreement(s["answers"]):
                print(f"- {title}: {line}")


def agreement(ans):
    """Each answer against lugeo's (in process where there is one), in %."""
    out = []
    for what, by_tool in ans.items():
        if what.endswith(" s"):
            out.append("GRASS inside the session, median: " + ", ".join(
                f"{k} {statistics.median(v):.3f} s" for k, v in by_tool.items()))
            continue
        ref_tool = "lugeo in process" if "lugeo in process" in by_tool else "lugeo"
        ref = by_tool.get(ref_tool)
        if ref is None:
            continue
        for tool, v in by_tool.items():
            if tool == ref_tool:
                continue
            if isinstance(v, dict):
                diffs = {kid: pct(v.get(kid, 0.0), ref[kid]) for kid in ref}
                worst = max(diffs.values(), key=abs)
                out.append(f"{what}, {tool} against {ref_tool}: " +
                           ", ".join(f"{kid} {v.get(kid, 0.0) / 1000:.3f} km ({d:+.2f} %)"
                                     for kid, d in diffs.items()) + f"; worst {worst:+.2f} %")
            else:
                out.append(f"{what}, {tool}: {v:.1f} against {ref_tool}'s {ref:.1f} "
                           f"({pct(v, ref):+.3f} %)")
    return out


if __name__ == "__main__":
    main()
