#!/usr/bin/env bash
# Messages on bad input name the file, the layer, and the feature and field where the case is
# about one, give the real cause, and are never cut short: tools/review_messages.py over every
# case of tests/fixtures/bad/ plus the issue's own examples (a wrong CRS override on a pole
# layer, a Shapefile without its .dbf, a corrupt GeoPackage, a kiosk far from every road, a
# 1e300 coordinate), for the commands that read every layer between them (report, locate,
# isochrones, seal), text and --json. The full review (every command): docs/reliability.md.
set -euo pipefail
LUGEO=$1
SRC=$2
exec python3 "$SRC/tools/review_messages.py" "$LUGEO" "$SRC" --commands report,locate,isochrones,seal
