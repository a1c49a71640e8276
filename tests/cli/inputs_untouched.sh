#!/usr/bin/env bash
# Inputs are never touched: every file a command reads (scene layers, --kiosks, --existing,
# --batch, --input) is compared with what it will write, through symlinks, hard links and
# sidecars, before any work; stale temp files of killed runs are cleaned up; a FIFO or an
# over-long name is an input error (exit 3), with a JSON error object under --json; text from
# the input never reaches the terminal raw.
set -euo pipefail
LUGEO=$1
SRC=$2
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

mkdir -p "$TMP/demo"
cp "$SRC"/data/demo/*.geojson "$SRC/data/demo/scene.toml" "$TMP/demo/"
cp "$SRC/data/chengdu-centre-2018.osm" "$TMP/"
S="$TMP/demo/scene.toml"
ogr2ogr -f GPKG "$TMP/k.gpkg" "$TMP/demo/units.geojson" -where "kind = 'kiosk'" -nln kiosks
ogr2ogr -f GPKG "$TMP/drawn.gpkg" "$TMP/demo/zones.geojson" -nln zones
printf 'id\nG101-0001\nG101-0002\n' > "$TMP/b.csv"
ln -s "$TMP/k.gpkg" "$TMP/link.gpkg"
ln "$TMP/drawn.gpkg" "$TMP/hard.gpkg"
ln -s "$TMP/demo" "$TMP/demolink"
sums() { (cd "$TMP" && find . -type f ! -name 'err' ! -name 'out' -print0 | sort -z | xargs -0 sha256sum); }
before=$(sums)

refuse() { # args...: exit 3, the "never overwrites an input" message, nothing changed --
  # even with --overwrite (without it, an existing output is refused earlier, with exit 2)
  set +e
  timeout 120 "$LUGEO" "$@" --overwrite > "$TMP/out" 2> "$TMP/err"; local rc=$?
  set -e
  [ $rc -eq 3 ] || fail "$*: exit $rc (want 3): $(cat "$TMP/err")"
  grep -q "never overwrites an input" "$TMP/err" || fail "$*: message: $(cat "$TMP/err")"
  [ "$(sums)" = "$before" ] || fail "$*: a file changed"
}
refuse zones -q --scene "$S" --kiosks "$TMP/k.gpkg" -o "$TMP/k.gpkg"
refuse zones -q --scene "$S" --kiosks "$TMP/k.gpkg:kiosks" -o "$TMP/link.gpkg"
refuse zones -q --scene "$S" --existing "$TMP/drawn.gpkg" -o "$TMP/drawn.gpkg"
refuse zones -q --scene "$S" --existing "$TMP/drawn.gpkg:zones" -o "$TMP/hard.gpkg"
refuse isochrones -q --scene "$S" -o "$TMP/demo/units.geojson"
refuse isochrones -q --scene "$S" -o "$TMP/demolink/boundary.geojson"
refuse coverage -q --scene "$S" -o "$TMP/demo/cameras.geojson"
refuse network export -q --scene "$S" -o "$TMP/demo/scene.toml"
refuse locate -q --scene "$S" --batch "$TMP/b.csv" -o "$TMP/b.csv"
refuse poles assign -q --scene "$S" --input "$TMP/k.gpkg" --kind pole --district 1 --road-code 1 -o "$TMP/link.gpkg"
refuse network export -q --roads "$TMP/drawn.gpkg" -o "$TMP/hard.gpkg"

# stale temp files of a dead process go at the next write to the same folder; live ones stay
sh -c 'exit 0' & dead=$!; wait $dead
mkdir "$TMP/out1"
echo partial > "$TMP/out1/.edges.tmp$dead.gpkg"
echo partial > "$TMP/out1/.edges.tmp$dead.gpkg-journal"
echo keep > "$TMP/out1/.mine.tmp$$.gpkg"
touch -d '1 hour ago' "$TMP/out1"/.*.tmp*
"$LUGEO" network export -q --scene "$S" -o "$TMP/out1/edges.gpkg"
[ ! -e "$TMP/out1/.edges.tmp$dead.gpkg" ] || fail "stale temp file left"
[ ! -e "$TMP/out1/.edges.tmp$dead.gpkg-journal" ] || fail "stale journal left"
[ -e "$TMP/out1/.mine.tmp$$.gpkg" ] || fail "a live process's temp file was removed"
[ -s "$TMP/out1/edges.gpkg" ] || fail "no output"

# SIGTERM while the output is being written: no temp file and no output left
mkdir "$TMP/out2"
"$LUGEO" report -q --scene "$S" -o "$TMP/out2" > /dev/null 2>&1 & pid=$!
caught=0
for _ in $(seq 1 1200); do
  if compgen -G "$TMP/out2/.report.tmp*" > /dev/null; then sleep 0.2; kill -TERM $pid; caught=1; break; fi
  kill -0 $pid 2> /dev/null || break
  sleep 0.05
done
wait $pid || true
if [ $caught -eq 1 ]; then
  ! compgen -G "$TMP/out2/.*tmp*" > /dev/null || fail "temp file left after SIGTERM: $(ls -a "$TMP/out2")"
  [ ! -e "$TMP/out2/report.html" ] || fail "an output after SIGTERM"
else
  echo "note: the run finished before its temp file was seen; SIGTERM not tried" >&2
fi

# a FIFO as a source or as the scene: exit 3 at once, never blocks
mkfifo "$TMP/pipe.gpkg" "$TMP/pipe.toml"
set +e
timeout 20 "$LUGEO" network info -q --roads "$TMP/pipe.gpkg" --json > "$TMP/out" 2> "$TMP/err"; rc=$?
set -e
[ $rc -eq 3 ] || fail "FIFO roads: exit $rc"
grep -q "FIFO" "$TMP/err" || fail "FIFO message: $(cat "$TMP/err")"
python3 -c 'import json,sys; e=json.load(open(sys.argv[1]))["error"]; assert e["code"]=="io" and e["file"].endswith("pipe.gpkg"), e' "$TMP/out"
set +e
timeout 20 "$LUGEO" network info -q --scene "$TMP/pipe.toml" > /dev/null 2> "$TMP/err"; rc=$?
set -e
[ $rc -eq 3 ] || fail "FIFO scene: exit $rc: $(cat "$TMP/err")"

# a name over 255 bytes: exit 3 with a JSON error object
long="$TMP/$(printf 'a%.0s' $(seq 1 300)).gpkg"
set +e
"$LUGEO" network info -q --roads "$long" --json > "$TMP/out" 2> "$TMP/err"; rc=$?
set -e
[ $rc -eq 3 ] || fail "long name: exit $rc: $(cat "$TMP/err")"
python3 -c 'import json,sys; e=json.load(open(sys.argv[1]))["error"]; assert "255" in e["message"], e' "$TMP/out"

# invalid UTF-8 under --json: exit 3, valid JSON with an error object (not exit 4)
set +e
"$LUGEO" locate -q --scene "$S" --no-network $'\xff\xfeG101' --json > "$TMP/out" 2> "$TMP/err"; rc=$?
set -e
[ $rc -eq 3 ] || fail "invalid UTF-8: exit $rc: $(cat "$TMP/err")"
python3 -c 'import json,sys; json.load(open(sys.argv[1]))["error"]' "$TMP/out"

# an ANSI escape and an RTL override from the input are escaped when echoed
set +e
"$LUGEO" locate -q --scene "$S" --no-network $'G101\e[31m-0001\u202e' > "$TMP/out" 2> "$TMP/err"
set -e
! grep -q $'\e' "$TMP/out" "$TMP/err" || fail "raw ESC echoed"
! grep -q $'\u202e' "$TMP/out" "$TMP/err" || fail "raw RTL override echoed"
grep -qF '\u001b' "$TMP/out" "$TMP/err" || fail "ESC not shown escaped"
echo ok
