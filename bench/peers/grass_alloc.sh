#!/usr/bin/env bash
# GRASS side of bench/peers/run_peers.py, run inside `grass --tmp-location CRS --exec`:
#   grass_alloc.sh EDGES.gpkg KIOSKS.gpkg N OUT.json
# Imports lugeo's car edges (cost / reverse_cost in seconds, -1 closed) and the kiosks,
# connects the kiosks to the network, allocates every arc to its nearest kiosk
# (v.net.alloc, costs from the centres), then writes the allocated length per kiosk category
# and the seconds each stage took (the report's too: it is in the whole program's time) to
# OUT.json.
set -euo pipefail
EDGES=$1 KIOSKS=$2 N=$3 OUT=$4
t0=$(date +%s.%N)
v.in.ogr -o --quiet input="$EDGES" layer=roads output=roads
v.in.ogr -o --quiet input="$KIOSKS" layer=kiosks output=kiosks
t_import=$(date +%s.%N)
v.net --quiet input=roads points=kiosks output=net operation=connect threshold=1
t_net=$(date +%s.%N)
v.net.alloc --quiet input=net output=alloc center_cats=1-"$N" arc_column=cost \
    arc_backward_column=reverse_cost method=from
t1=$(date +%s.%N)
# length per category of the allocated arcs (the category is the centre's)
v.to.db -p --quiet map=alloc option=length type=line units=meters columns=len separator=pipe \
    > "$OUT.txt"
t2=$(date +%s.%N)
python3 - "$OUT.txt" "$OUT" "$t0" "$t_import" "$t_net" "$t1" "$t2" <<'PY'
import json, sys
by = {}
for line in open(sys.argv[1]):
    parts = line.strip().split("|")
    if len(parts) != 2 or not parts[0].lstrip("-").isdigit():
        continue
    by[parts[0]] = by.get(parts[0], 0.0) + float(parts[1])
t0, ti, tn, t1, t2 = map(float, sys.argv[3:8])
json.dump({"by_cat": by, "seconds": {"v.in.ogr": ti - t0, "v.net connect": tn - ti,
                                     "v.net.alloc": t1 - tn, "report (v.to.db)": t2 - t1}},
          open(sys.argv[2], "w"))
PY
