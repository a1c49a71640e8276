#!/usr/bin/env bash
# The demo scene is what tools/make_demo.py writes, byte for byte (seeded, reproducible),
# and it has the promised counts, fields, IDs and spacing (tools/check_demo.py).
set -euo pipefail
SRC=$2
python3 "$SRC/tools/check_demo.py" --dir "$SRC/data/demo" --regen
