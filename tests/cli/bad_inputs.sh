#!/usr/bin/env bash
# Every command over every case of tests/fixtures/bad/ (small deliberately broken inputs):
# the exit code documented in tests/fixtures/bad/expected.txt (0 ok, 1 findings, 3 bad input;
# never 4, a signal or a hang), an error message that names the file, no output or temp file
# left behind after an error, inputs byte-identical afterwards, and time and memory bounded
# (prlimit: 60 s CPU, and 3 GB address space per run outside the ASan build). `--record` rewrites expected.txt.
set -euo pipefail
LUGEO=$1
SRC=$2
RECORD=${4:-}
exec python3 - "$LUGEO" "$SRC" "$RECORD" <<'PY'
import concurrent.futures as cf, hashlib, os, re, shutil, subprocess, sys, tempfile
lugeo, src, record = sys.argv[1], sys.argv[2], sys.argv[3] == "--record"
bad = os.path.join(src, "tests", "fixtures", "bad")
cases = sorted(d for d in os.listdir(bad) if os.path.isdir(os.path.join(bad, d)))
# the commands of the message review (tools/review_messages.py) but scene check, site and seal
sys.path.insert(0, os.path.join(src, "tools"))
from review_messages import COMMANDS
commands = {k: v for k, v in COMMANDS.items() if k not in ("scene-check", "site", "seal")}
def digest():
    h = hashlib.sha256()
    for root, dirs, files in sorted(os.walk(bad)):
        dirs.sort()
        for f in sorted(files):
            if f == "expected.txt": continue
            p = os.path.join(root, f)
            h.update(p.encode()); h.update(open(p, "rb").read())
    return h.hexdigest()
before = digest()
tmp = tempfile.mkdtemp(prefix="lugeo-bad-")
def run(case, name):
    out = os.path.join(tmp, case + "." + name)
    os.makedirs(out)
    argv = [a.replace("{out}", out) for a in commands[name]]
    # an AddressSanitizer build reserves terabytes of shadow address space, so the address-space
    # limit applies to the normal build only (the sanitizers watch memory there themselves)
    limits = ["--cpu=60"] + ([] if os.environ.get("ASAN_OPTIONS") else ["--as=3000000000"])
    cmd = ["prlimit"] + limits + ["--", lugeo] + argv + [
        "-q", "--scene", os.path.join(bad, case, "scene.toml")]
    try:
        p = subprocess.run(cmd, capture_output=True, timeout=90)
        rc, err = p.returncode, p.stderr.decode("utf-8", "replace")
    except subprocess.TimeoutExpired:
        rc, err = "timeout", ""
    left = [] if rc in (0, 1) else sorted(os.listdir(out))
    shutil.rmtree(out, ignore_errors=True)
    return case, name, rc, err, left
jobs = [(c, n) for c in cases for n in commands]
with cf.ThreadPoolExecutor(max_workers=2) as ex:
    results = list(ex.map(lambda a: run(*a), jobs))
shutil.rmtree(tmp, ignore_errors=True)
exp_path = os.path.join(bad, "expected.txt")
problems = []
if record:
    with open(exp_path, "w") as f:
        f.write("# case command exit (tests/cli/bad_inputs.sh --record; reviewed by hand)\n")
        for case, name, rc, _, _ in results:
            f.write(f"{case} {name} {rc}\n")
expected = {}
for line in open(exp_path):
    if line.startswith("#") or not line.strip(): continue
    c, n, rc = line.split()
    expected[(c, n)] = rc
for case, name, rc, err, left in results:
    where = f"{case} / {name}"
    if rc == "timeout" or (isinstance(rc, int) and (rc < 0 or rc >= 4)):
        problems.append(f"{where}: exit {rc} (a crash, a signal, an internal error or a hang): {err[-400:]}")
    if expected.get((case, name)) != str(rc):
        problems.append(f"{where}: exit {rc}, expected {expected.get((case, name))}: {err[-300:]}")
    if rc == 3:
        # the message names a file of the case (the broken one, the scene) or of the base scene
        if not re.search(r"(fixtures/bad/|scene\.toml|\.geojson|\.gpkg|\.shp|\.osm)", err):
            problems.append(f"{where}: the error names no file: {err[-300:]}")
    if left:
        problems.append(f"{where}: left behind after exit {rc}: {left}")
if digest() != before:
    problems.append("an input file of tests/fixtures/bad changed")
n3 = sum(1 for r in results if r[2] == 3)
print(f"{len(results)} runs over {len(cases)} cases: {n3} input errors, "
      f"{sum(1 for r in results if r[2] == 0)} ok, {sum(1 for r in results if r[2] == 1)} findings")
for p in problems: print("FAIL:", p)
sys.exit(1 if problems else 0)
PY
