#!/usr/bin/python3
"""networkx / OSMnx side of bench/peers/run_peers.py, run as a whole script per step.

    nx_peer.py build EDGES.csv                     read lugeo's edges, build a DiGraph
    nx_peer.py reach EDGES.csv LIMIT_S NODE...     + multi-source Dijkstra to LIMIT_S: JSON {node: s}
    nx_peer.py osmnx FILE.osm                      OSMnx's own drive graph from the OSM XML
"""
import csv
import json
import sys

import networkx as nx


def build(path):
    g = nx.DiGraph()
    with open(path) as f:
        for r in csv.DictReader(f):
            u, v = int(r["source"]), int(r["target"])
            for a, b, c in ((u, v, float(r["cost"])), (v, u, float(r["reverse_cost"]))):
                if c < 0:
                    continue
                if not g.has_edge(a, b) or g[a][b]["w"] > c:  # parallel edges: the fastest
                    g.add_edge(a, b, w=c)
    return g


def main():
    what = sys.argv[1]
    if what == "build":
        g = build(sys.argv[2])
        print(g.number_of_edges())
    elif what == "reach":
        g = build(sys.argv[2])
        limit = float(sys.argv[3])
        sources = [int(s) for s in sys.argv[4:]]
        t = nx.multi_source_dijkstra_path_length(g, sources, cutoff=limit, weight="w")
        print(json.dumps(t))
    elif what == "osmnx":
        import osmnx as ox
        g = ox.graph_from_xml(sys.argv[2], simplify=True, retain_all=True)
        print(g.number_of_edges())


if __name__ == "__main__":
    main()
