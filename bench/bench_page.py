#!/usr/bin/env python3
"""How fast the dispatcher page of `lugeo serve` opens on the demo, in headless Chromium.

  /usr/bin/python3 bench/bench_page.py build/cli/lugeo [RUNS]

Starts `lugeo serve --port 0` on the demo scene and opens the page RUNS times (default 5),
each in a fresh browser profile (nothing cached), then once more at a street zoom. Prints, per
run, the time from navigation to the map drawn (zones, grids, cameras, units, boundary and the
roads of the view), the time spent fetching each asset and layer, and the bytes; then the
median. Figures go to docs/benchmarks.md with the machine load; never used in tests.
"""
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "serve"))
import test_page as tp  # noqa: E402  (the browser set-up and server helpers)


def main():
    binary = sys.argv[1]
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    tp.find_browser()
    work = tempfile.mkdtemp(prefix="bench_page_")
    log = open(os.path.join(work, "serve.log"), "w")
    proc = subprocess.Popen([binary, "serve", "--port", "0"], stdout=log, stderr=subprocess.STDOUT)
    try:
        base = None
        for _ in range(600):
            with open(log.name, errors="replace") as f:
                m = re.search(r"listening on (http://\S+/)", f.read())
            if m:
                base = m.group(1)
                break
            time.sleep(0.2)
        if not base:
            sys.exit("lugeo serve did not start")
        print(f"machine: {os.cpu_count()} cores, load {open('/proc/loadavg').read().split()[:3]}")
        ready = []
        for i in range(runs):
            d = tp.browser(os.path.join(work, f"profile{i}"))
            try:
                d.get(base)
                tp.WebDriverWait(d, 120).until(lambda _: d.execute_script("return document.body.dataset.ready === 'true'"))
                at = d.execute_script("return window.lugeoPage.readyAt")
                res = d.execute_script(
                    "return performance.getEntriesByType('resource').map(r => "
                    "[r.name.replace(location.origin + '/', '').split('?')[0], Math.round(r.duration), r.transferSize || r.encodedBodySize])")
                ready.append(at)
                slow = sorted(res, key=lambda r: -r[1])[:4]
                total = sum(r[2] for r in res)
                print(f"run {i + 1}: map drawn {at} ms after navigation; {total / 1e6:.2f} MB in "
                      f"{len(res)} requests; slowest " + ", ".join(f"{n} {ms} ms" for n, ms, _ in slow))
                if i == runs - 1:
                    lat, lon = 30.6980297, 104.0892595
                    t0 = time.time()
                    d.execute_script("window.lugeoPage.map.setView([arguments[0], arguments[1]], 17)", lat, lon)
                    tp.WebDriverWait(d, 60).until(lambda _: d.find_elements("css selector", ".road-label span"))
                    print(f"street zoom 17 (roads and buildings of the view, labels): {1000 * (time.time() - t0):.0f} ms")
            finally:
                d.quit()
        print(f"median map drawn: {statistics.median(ready):.0f} ms after navigation ({runs} runs, cold cache)")
    finally:
        proc.terminate()
        proc.wait()
        log.close()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
