#!/usr/bin/env bash
# PostGIS end to end against a real PostgreSQL + PostGIS that this test starts on its own port
# (55432, socket in a temp folder) and stops at the end: -o PG:… (--schema, --layer-prefix,
# refused / --update / --overwrite, one transaction: a killed run changes nothing), --roads
# "PG:…:LAYER", and no password in any output of a run against a password-bearing scene.
# Skips (exit 77) only when PostgreSQL or PostGIS is not installed (tools/setup.sh --postgis).
set -euo pipefail
LUGEO=$1
SRC=$2
fail() { echo "FAIL: $*" >&2; exit 1; }
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
if [[ -z "$PGBIN" || ! -x "$PGBIN/initdb" ]]; then
    echo "SKIP: PostgreSQL is not installed (tools/setup.sh installs postgresql-15 and postgresql-15-postgis-3)"
    exit 77
fi
if ! ls /usr/share/postgresql/*/extension/postgis.control >/dev/null 2>&1; then
    echo "SKIP: PostGIS is not installed (tools/setup.sh installs postgresql-15-postgis-3)"
    exit 77
fi
if ! ogrinfo --formats | grep -q "PostgreSQL"; then
    echo "SKIP: this GDAL has no PostgreSQL driver"
    exit 77
fi
TMP=$(mktemp -d)
PORT=${LUGEO_TEST_PG_PORT:-55432}
PW='S3cret-Pw-42'
AS=()
if [[ $(id -u) -eq 0 ]]; then AS=(runuser -u postgres --); fi   # initdb refuses to run as root
chmod 755 "$TMP"
mkdir -p "$TMP/pg" "$TMP/sock"
[[ $(id -u) -eq 0 ]] && chown postgres "$TMP/pg" "$TMP/sock"
printf '%s\n' "$PW" > "$TMP/pwfile"
chmod 644 "$TMP/pwfile"
stop() {
    "${AS[@]}" "$PGBIN/pg_ctl" -D "$TMP/pg/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$TMP"
}
trap stop EXIT
"${AS[@]}" "$PGBIN/initdb" -D "$TMP/pg/data" -U lugeo --auth=scram-sha-256 --pwfile="$TMP/pwfile" >/dev/null
"${AS[@]}" "$PGBIN/pg_ctl" -D "$TMP/pg/data" -l "$TMP/pg/log" -w \
    -o "-p $PORT -k $TMP/sock -c listen_addresses=''" start >/dev/null
export PGPASSWORD="$PW"
psql() { command "$PGBIN/psql" -X -q -h "$TMP/sock" -p "$PORT" -U lugeo "$@"; }
psql -d postgres -c "CREATE DATABASE lugeo_test"
psql -d lugeo_test -c "CREATE EXTENSION postgis" -c "CREATE SCHEMA plan"
q() { psql -d lugeo_test -At -c "$1"; }
unset PGPASSWORD   # from here on the password is only in the connection strings
PG="PG:dbname=lugeo_test host=$TMP/sock port=$PORT user=lugeo password=$PW"

# ---- -o PG: with a schema and a prefix
"$LUGEO" zones -q -o "$PG" --schema plan --layer-prefix cx_ > "$TMP/out1" 2>&1 || { cat "$TMP/out1"; fail "zones -o PG"; }
export PGPASSWORD="$PW"
[[ "$(q "SELECT count(*) FROM plan.cx_zones")" == 6 ]] || fail "plan.cx_zones"
[[ "$(q "SELECT count(*) FROM plan.cx_kiosks")" == 6 ]] || fail "plan.cx_kiosks"
[[ "$(q "SELECT count(*) > 0 FROM plan.cx_zone_edges")" == t ]] || fail "plan.cx_zone_edges"
q "CREATE TABLE plan.notes (id int, note text)"
q "INSERT INTO plan.notes VALUES (1, 'keep me')"
# existing tables: refused without --update / --overwrite, nothing changed
set +e
"$LUGEO" zones -q -o "$PG" --schema plan --layer-prefix cx_ > "$TMP/out2" 2>&1; rc=$?
set -e
[[ $rc -eq 3 ]] || fail "existing tables: exit $rc"
grep -q "already exists" "$TMP/out2" || fail "existing tables: message"
# --update replaces lugeo's tables, the planner's stay
"$LUGEO" zones -q -o "$PG" --schema plan --layer-prefix cx_ --update --spacing 60 > "$TMP/out3" 2>&1 || { cat "$TMP/out3"; fail "--update"; }
[[ "$(q "SELECT count(*) FROM plan.cx_zones")" == 6 ]] || fail "--update duplicated or lost zones"
[[ "$(q "SELECT note FROM plan.notes")" == "keep me" ]] || fail "--update lost the planner's table"

# ---- one transaction: a run killed while writing leaves the tables as they were
"$LUGEO" network export -q -o "$PG" --layer-prefix t_ > "$TMP/out4" 2>&1 || { cat "$TMP/out4"; fail "network export -o PG"; }
edges=$(q "SELECT count(*) FROM t_edges")
[[ $edges -gt 1000 ]] || fail "t_edges has $edges rows"
q "DELETE FROM t_edges WHERE edge_id >= 1000"
# A planner's t_nodes, held by another session: the export writes its edges in the transaction,
# then waits for that lock when it replaces t_nodes; it is killed there, deterministically
# (no race with a fast export), and then the lock is let go.
q "CREATE TABLE t_nodes (node_id int, geom geometry(Point, 4326))"
q "INSERT INTO t_nodes VALUES (-1, 'SRID=4326;POINT(104 30.6)')"
PGAPPNAME=lugeo_lock psql -d lugeo_test -c "BEGIN" -c "LOCK TABLE t_nodes IN ACCESS SHARE MODE" \
    -c "SELECT pg_sleep(300)" > /dev/null 2>&1 &
locker=$!
locked=""
for _ in $(seq 1 200); do
    locked=$(q "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a USING (pid) WHERE a.application_name = 'lugeo_lock' AND l.relation = 't_nodes'::regclass AND l.granted")
    [[ $locked -gt 0 ]] && break
    sleep 0.05
done
[[ $locked -gt 0 ]] || fail "the test's own lock on t_nodes was not taken"
"$LUGEO" network export -q -o "$PG" --layer-prefix t_ --overwrite --nodes > "$TMP/out5" 2>&1 &
pid=$!
waiting=0
for _ in $(seq 1 1200); do
    waiting=$(q "SELECT count(*) FROM pg_stat_activity WHERE datname = 'lugeo_test' AND wait_event_type = 'Lock' AND application_name <> 'lugeo_lock'")
    [[ $waiting -gt 0 ]] && break
    kill -0 $pid 2>/dev/null || break
    sleep 0.05
done
[[ $waiting -gt 0 ]] || { cat "$TMP/out5"; fail "the export never waited for the lock on t_nodes"; }
kill -9 $pid 2>/dev/null || fail "the export finished while it waited for a lock"
wait $pid 2>/dev/null || true
q "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'lugeo_lock'" > /dev/null
wait $locker 2>/dev/null || true
# these wait for the killed run's transaction to end (it holds t_edges)
[[ "$(q "SELECT count(*) FROM t_edges")" == 1000 ]] || fail "a killed run changed t_edges: $(q "SELECT count(*) FROM t_edges")"
[[ "$(q "SELECT string_agg(node_id::text, ',') FROM t_nodes")" == "-1" ]] || fail "a killed run changed t_nodes: $(q "SELECT count(*) FROM t_nodes") rows"
q "DROP TABLE t_nodes"

# ---- --roads "PG:…:LAYER" reads a table
unset PGPASSWORD
"$LUGEO" network info --roads "$PG:t_edges" --json > "$TMP/info.json" 2> "$TMP/info.err" || { cat "$TMP/info.err"; fail "--roads PG:…:LAYER"; }
python3 -c "import json,sys; j=json.load(open(sys.argv[1])); assert j['edges'] > 500, j['edges']" "$TMP/info.json" \
    || fail "--roads PG: edges"

# ---- no secret ever leaves: a scene whose roads come from PostGIS, with the password
export PGPASSWORD="$PW"
"$LUGEO" network export -q -o "$PG" --layer-prefix demo_ > /dev/null 2>&1
unset PGPASSWORD
sed -e "s|^source = \"../chengdu-centre-2018.osm\"|source = \"$PG\"|" -e 's|^layer = "lines"|layer = "demo_edges"|' \
    -e 's|^class = "highway"|class = "class"|' -e 's|^maxspeed = "maxspeed"|maxspeed = "maxspeed_kmh"|' \
    "$SRC/data/demo/scene.toml" > "$TMP/scene.toml"
cp -r "$SRC/data/demo" "$TMP/demo"
mv "$TMP/scene.toml" "$TMP/demo/scene.toml"
SCENE="$TMP/demo/scene.toml"
grep -q "$PW" "$SCENE" || fail "the test scene has no password"
run() { local name=$1; shift; "$LUGEO" "$@" > "$TMP/leak.$name.out" 2> "$TMP/leak.$name.err" || true; }
run info network info --scene "$SCENE"
run infojson network info --scene "$SCENE" --json
run iso isochrones --scene "$SCENE" --minutes 1,5 --json
run zones zones --scene "$SCENE"
run report report --scene "$SCENE" -o "$TMP/report"
run bad network info --roads "${PG/lugeo_test/nosuchdb}:t_edges"
run badlayer network info --roads "$PG:nosuchtable"
run badpw network info --roads "${PG/$PW/wrong-$PW}:t_edges"
grep -q '\*\*\*' "$TMP"/leak.* || fail "no redacted source shown anywhere (the test would prove nothing)"
grep -h "\*\*\*" "$TMP"/leak.* | head -3 >&2
if grep -rl -- "$PW" "$TMP"/leak.* "$TMP/report" 2>/dev/null; then
    fail "the password leaked into the files above"
fi
[[ -s "$TMP/report/report.html" ]] || fail "the report on the PostGIS scene was not written: $(cat "$TMP/leak.report.err")"
echo "postgis: ok"
