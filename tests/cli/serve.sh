#!/usr/bin/env bash
# lugeo serve end to end (tests/cli/serve_test.py, Python standard library only): one contract
# (each endpoint's JSON equals the CLI's --json for the same question), bad requests (missing
# and malformed parameters, a 1 MB query string, invalid UTF-8, NaN, `..` paths, a 100 MB
# body, slow clients, clients that hang up), token auth, live units, reload. The server runs
# on a port of its own (--port 0) and is stopped by the test.
set -euo pipefail
lugeo="$1"; src="$2"; build="$3"
out="$build/cli_serve"; rm -rf "$out"; mkdir -p "$out"
exec python3 "$src/tests/cli/serve_test.py" "$lugeo" "$src" "$out"
