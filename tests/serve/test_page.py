#!/usr/bin/env python3
"""The dispatcher page of `lugeo serve` in a real browser (headless Chromium + Selenium).

Starts `lugeo serve` on a port of its own with a token file on the demo scene, loads the page
(the token passed once as ?token=), types a demo plate as a caller would say it (a random
plate of the demo's lamps or poles, spoken with radio digits, seed printed), and checks what
the page shows against the server's own JSON:
  - the candidate markers are the server's /locate candidates, the first is the plate;
  - one click on the candidate opens the incident panel; its units by road (ids, order,
    minutes), zone, grid and cameras that see the spot are those of /incident;
  - a unit moved with PUT /units/{id} moves on the map and the panel follows /incident again;
  - a click on the map makes that spot the incident (/incident?at=);
  - the interface is Chinese (and English after the toggle), road names are drawn;
  - the screenshot is not blank (the map area's pixel values vary).
Usage: test_page.py LUGEO_BINARY SOURCE_DIR WORK_DIR [--screenshot OUT.png] [--seed N]
Exit 0 pass, 1 fail, 77 skip (Chromium, chromedriver or Selenium absent).
"""
import argparse
import json
import os
import random
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import zlib

SKIP = 77


def skip(why):
    print(f"SKIP: {why}")
    sys.exit(SKIP)


try:
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait
except ImportError:
    skip("python3-selenium is not installed (tools/setup.sh --report installs it)")

RADIO = {"0": "洞", "1": "幺", "2": "两", "3": "三", "4": "四", "5": "五", "6": "六", "7": "拐",
         "8": "八", "9": "勾"}
PLAIN = {"0": "零", "1": "一", "2": "二", "3": "三", "4": "四", "5": "五", "6": "六", "7": "七",
         "8": "八", "9": "九"}
PREFIX = {"L": "路灯", "G": "电杆"}


class Failure(Exception):
    pass


def check(cond, what):
    if not cond:
        raise Failure(what)
    print(f"ok: {what}")


def spoken(plate, rng):
    """The plate as a caller says it: the kind in words, each digit in plain or radio Chinese."""
    out = PREFIX.get(plate[0], plate[0])
    for ch in plate[1:]:
        if ch.isdigit():
            out += (RADIO if rng.random() < 0.5 else PLAIN)[ch]
        elif ch == "-":
            out += " "
        else:
            out += ch
    return out


class Server:
    """`lugeo serve` on its own port; JSON requests with the Bearer token."""

    def __init__(self, binary, scene, work, token):
        self.token = token
        self.log_path = os.path.join(work, "serve.log")
        token_file = os.path.join(work, "token")
        with open(token_file, "w") as f:
            f.write(token + "\n")
        os.chmod(token_file, 0o600)
        self.log = open(self.log_path, "w")
        # --port 0: the server takes a free port and says which on stderr ("listening on …").
        self.proc = subprocess.Popen(
            [binary, "serve", "--scene", scene, "--port", "0", "--token-file", token_file],
            stdout=self.log, stderr=subprocess.STDOUT)
        self.base = None
        self.port = None

    def wait_ready(self, timeout=180):
        end = time.time() + timeout
        while time.time() < end:
            if self.proc.poll() is not None:
                raise Failure(f"lugeo serve exited with {self.proc.returncode}: {self.tail()}")
            if self.base is None:
                with open(self.log_path, errors="replace") as f:
                    m = re.search(r"listening on (http://[^/\s]+:(\d+)/)", f.read())
                if m:
                    self.base, self.port = m.group(1), int(m.group(2))
                time.sleep(0.2)
                continue
            try:
                return self.get("health")
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(0.5)
        raise Failure(f"lugeo serve did not answer /health within {timeout} s: {self.tail()}")

    def request(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base + path, data=data, method=method)
        req.add_header("Authorization", "Bearer " + self.token)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(req, timeout=60) as r:
            return json.loads(r.read().decode())

    def get(self, path, **params):
        return self.request("GET", path + ("?" + urllib.parse.urlencode(params) if params else ""))

    def tail(self):
        self.log.flush()
        with open(self.log_path, errors="replace") as f:
            return "".join(f.readlines()[-15:])

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def locate_body(reply):
    """One ID's locate body: the reply itself or the first of `results` (docs/json.md)."""
    return reply["results"][0] if isinstance(reply.get("results"), list) else reply


def units_list(reply):
    return reply if isinstance(reply, list) else reply.get("units", [])


def png_pixels(path):
    """(width, height, rows of RGB tuples) of an 8-bit non-interlaced PNG (what Chromium writes)."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise Failure(f"{path}: not a PNG")
    pos, idat, width = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", chunk)
            if depth != 8 or ctype not in (2, 6) or interlace:
                raise Failure(f"{path}: PNG depth {depth} colour type {ctype} not handled")
            bpp = 4 if ctype == 6 else 3
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * bpp
    rows, prev = [], bytearray(stride)
    for y in range(height):
        ftype, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if ftype == 1:
                line[i] = (line[i] + a) & 255
            elif ftype == 2:
                line[i] = (line[i] + b) & 255
            elif ftype == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif ftype == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(line)
        prev = line
    return width, height, bpp, rows


def region_stats(path, x0, y0, x1, y1, step=3):
    """Variance of the grey value and the number of distinct colours in a region (sampled)."""
    width, height, bpp, rows = png_pixels(path)
    vals, colours = [], set()
    for y in range(max(0, y0), min(height, y1), step):
        row = rows[y]
        for x in range(max(0, x0), min(width, x1), step):
            r, g, b = row[x * bpp], row[x * bpp + 1], row[x * bpp + 2]
            vals.append(0.299 * r + 0.587 * g + 0.114 * b)
            colours.add((r >> 3, g >> 3, b >> 3))
    mean = sum(vals) / len(vals)
    return sum((v - mean) ** 2 for v in vals) / len(vals), len(colours)


def find_browser():
    """(chromium, chromedriver) paths; skips the test when either is missing."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver_bin = shutil.which("chromedriver")
    if not chromium or not driver_bin:
        skip("chromium and chromium-driver are needed (tools/setup.sh --report installs them)")
    return chromium, driver_bin


def browser(work):
    chromium, driver_bin = find_browser()
    opts = Options()
    opts.binary_location = chromium
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
              "--window-size=1400,900", "--lang=zh-CN", "--no-first-run",
              f"--user-data-dir={os.path.join(work, 'chromium')}"):
        opts.add_argument(a)
    return webdriver.Chrome(service=Service(driver_bin), options=opts)


def page_units_by_road(d):
    return d.execute_script(
        "return [...document.querySelectorAll('#incident ol.units-by-road li')]"
        ".map(li => [li.dataset.unit, li.querySelector('.time').textContent]);")


def minutes_text(time_s, lang="zh"):
    return f"{time_s / 60:.1f} 分钟" if lang == "zh" else f"{time_s / 60:.1f} min"


FULLWIDTH = str.maketrans("0123456789.-", "０１２３４５６７８９．－")


def dist_m(a, b):
    """Metres between two lon/lat points (equirectangular; fine for choosing a far plate)."""
    import math
    dx = (a[0] - b[0]) * 111320 * math.cos(math.radians(a[1]))
    return math.hypot(dx, (a[1] - b[1]) * 110540)


def has_cjk(s):
    return any("\u4e00" <= ch <= "\u9fff" for ch in s)


def wait_still(d):
    """Until the map stops panning or zooming (a click during an animation lands elsewhere)."""
    js = "const m = window.lugeoPage.map, c = m.getCenter(); return [c.lat, c.lng, m.getZoom()]"
    last = None
    for _ in range(40):
        time.sleep(0.25)
        now = d.execute_script(js)
        if now == last:
            return now
        last = now
    return last


def wait(d, what, fn, timeout=60):
    try:
        return WebDriverWait(d, timeout, poll_frequency=0.25).until(lambda _: fn())
    except Exception as e:
        raise Failure(f"timed out waiting for {what}: {e.__class__.__name__}")


def run(args):
    find_browser()
    rng = random.Random(args.seed)
    print(f"seed {args.seed}")
    scene = os.path.join(args.source, "data", "demo", "scene.toml")
    work = tempfile.mkdtemp(prefix="page_", dir=args.work)
    token = "%032x" % rng.getrandbits(128)
    server = Server(args.lugeo, scene, work, token)
    d = None
    try:
        health = server.wait_ready()
        check(health.get("status") == "ok", f"server up on port {server.port}: {health.get('scene')}")

        # A plate of the demo, said as a caller would say it.
        layer = rng.choice(["lamps", "poles"])
        if args.plate:
            layer = "lamps" if args.plate.startswith("L") else "poles"
        with open(os.path.join(args.source, "data", "demo", layer + ".geojson")) as f:
            plate_pos = {ft["properties"]["id"]: ft["geometry"]["coordinates"] for ft in json.load(f)["features"]}
        plate = args.plate or rng.choice(sorted(plate_pos))
        if plate not in plate_pos:
            raise Failure(f"--plate {plate} is not one of the demo's {layer}")
        said = spoken(plate, rng)
        print(f"plate {plate} from {layer}, typed as {said!r}")
        located = locate_body(server.get("locate", q=said))
        server_ids = [c["id"] for c in located["candidates"]]
        check(server_ids and server_ids[0] == plate, f"/locate reads {said!r} as {plate}")

        d = browser(work)
        # Without the token the page says how to give it (the API answers 401).
        d.get(server.base)
        wait(d, "the token message", lambda: "令牌" in d.find_element(By.ID, "status").text, 60)
        check(True, "without ?token= the page asks for it: " + d.find_element(By.ID, "status").text)
        t0 = time.time()
        d.get(server.base + "?token=" + token)
        wait(d, "the map layers", lambda: d.execute_script("return document.body.dataset.ready === 'true'"), 120)
        load_ms = d.execute_script("return window.lugeoPage.loadMs")
        print(f"page loaded in {time.time() - t0:.2f} s (layers drawn {load_ms} ms after start)")
        check("token" not in d.current_url, "the token is taken from the address once and removed from it")

        # Chinese interface by default.
        check(d.execute_script("return document.documentElement.lang") == "zh-CN", "page language zh-CN")
        check(d.find_element(By.CSS_SELECTOR, "h1").text == "lugeo 接警调度", "Chinese title")
        check(d.find_element(By.ID, "go").text == "查询", "Chinese search button")

        box = d.find_element(By.ID, "q")
        box.send_keys(said)
        box.send_keys(Keys.ENTER)
        wait(d, "the candidate marker", lambda: d.find_elements(By.CSS_SELECTOR, f".cand-marker div[data-id='{plate}']"))
        shown = d.execute_script("return [...document.querySelectorAll('.cand-marker div')].map(e => e.dataset.id)")
        check(shown == server_ids, f"candidate markers {shown} are the server's candidates")
        first = located["candidates"][0]
        label = d.find_element(By.CSS_SELECTOR, f".cand-marker div[data-id='{plate}']").text
        check(f"{round(first['confidence'] * 100)}%" in label, f"marker shows the confidence ({label!r})")
        check(bool(d.find_elements(By.CSS_SELECTOR, ".none-near")) == bool(located.get("none_near")),
              "none_near shown exactly when the server says so")

        check(bool(d.find_elements(By.CSS_SELECTOR, "#result .ask")) == bool(located.get("ask")),
              "the separating question shown exactly when the server has one")

        # Words that are no plate: the page says what the server says.
        box.clear()
        box.send_keys("hello" + Keys.ENTER)
        wait(d, "the answer to 'hello'", lambda: d.execute_script(
            "const l = window.lugeoPage.located(); return l && l.request.q === 'hello' && !!l.body;"))
        bad = locate_body(server.get("locate", q="hello"))
        check(bool(d.find_elements(By.CSS_SELECTOR, "#result .match-invalid")) == (bad["match"] == "invalid")
              and not d.find_elements(By.CSS_SELECTOR, ".cand-marker"), f"'hello' shown as {bad['match']}, no marker")
        box.clear()
        box.send_keys(said + Keys.ENTER)
        wait(d, "the candidate marker", lambda: d.find_elements(By.CSS_SELECTOR, f".cand-marker div[data-id='{plate}']"))

        # A misread number whose candidates stand on different roads: the page asks for the
        # road, and the road typed into its field narrows the search as /locate&road= does.
        asked = None
        for k in rng.sample(range(len(plate)), len(plate)):
            if not plate[k].isdigit():
                continue
            for dgt in "0123456789":
                q = plate[:k] + dgt + plate[k + 1:]
                if q in plate_pos:
                    continue
                r = locate_body(server.get("locate", q=q))
                if r.get("ask") and r["ask"]["question"] == "road":
                    asked = (q, r)
                    break
            if asked:
                break
        if asked:
            q, r = asked
            box.clear()
            box.send_keys(q + Keys.ENTER)
            wait(d, f"the question for {q}", lambda: d.find_elements(By.CSS_SELECTOR, "#result .ask-form input"))
            road = r["candidates"][1]["road"]
            d.find_element(By.CSS_SELECTOR, "#result .ask-form input").send_keys(road + Keys.ENTER)
            wait(d, f"the search narrowed to {road}", lambda: d.execute_script(
                "const l = window.lugeoPage.located(); return l && l.request.road === arguments[0] && !!l.body;", road))
            narrowed = locate_body(server.get("locate", q=q, road=road))
            got = d.execute_script("return [...document.querySelectorAll('.cand-marker div')].map(e => e.dataset.id)")
            check(got == [c["id"] for c in narrowed["candidates"]],
                  f"{q}: asked '{r['ask']['detail']}', road {road} gives the server's candidates {got}")
        else:
            print(f"note: no one-digit misreading of {plate} makes the server ask for the road")
        box.clear()
        box.send_keys(said + Keys.ENTER)
        wait(d, "the candidate marker", lambda: d.execute_script(
            "const l = window.lugeoPage.located(); return l && l.request.q === arguments[0] && !l.request.road && !!l.body;", said))

        # The caller position as pasted from a Chinese map app: parsed by the page, whatever
        # the form (random positions in the demo's area, seeded).
        for _ in range(20):
            lon, lat, r = round(rng.uniform(104.0, 104.15), 6), round(rng.uniform(30.6, 30.75), 6), rng.choice([100, 300, 500])
            full = str(lon).translate(FULLWIDTH) + "，" + str(lat).translate(FULLWIDTH)
            for text, want in [(f"{lon},{lat}", (lon, lat, None, None)), (f"{lon}, {lat}, {r}", (lon, lat, r, None)),
                               (full, (lon, lat, None, None)), (f"{lat},{lon}", (lon, lat, None, None)),
                               (f"https://uri.amap.com/marker?position={lon},{lat}&name=x", (lon, lat, None, "gcj02")),
                               (f"https://api.map.baidu.com/marker?location={lat},{lon}&title=x", (lon, lat, None, "bd09"))]:
                got = d.execute_script("return window.lugeoPage.parseNear(arguments[0])", text)
                if not got or got.get("error") or (got["lon"], got["lat"], got.get("r"), got.get("crs")) != want:
                    raise Failure(f"parseNear({text!r}) = {got}, want {want}")
        check(True, "caller positions typed, full-width, latitude first, or in Amap/Baidu links parse to the same place")
        for bad in ["30.6", "hello", "12958000,4825000", "https://map.baidu.com/?latlng=3390000.5,11580000.2"]:
            got = d.execute_script("return window.lugeoPage.parseNear(arguments[0])", bad)
            if not got or not got.get("error"):
                raise Failure(f"parseNear({bad!r}) = {got}: not refused")
        check(True, "a lone number, words and Mercator metres are refused with a message")

        # The same plate with a caller far from it, pasted from Amap (GCJ-02): the page sends
        # near_crs and shows none_near / the question exactly as the server answers.
        far = [p for p in plate_pos if dist_m(plate_pos[p], plate_pos[plate]) > 2500]
        other = plate_pos[rng.choice(far)]
        near_text = f"https://uri.amap.com/marker?position={other[0]:.6f},{other[1]:.6f}"
        nbox = d.find_element(By.ID, "near")
        nbox.send_keys(near_text)
        box.send_keys(Keys.ENTER)
        wait(d, "the search with a caller position", lambda: d.execute_script(
            "const l = window.lugeoPage.located(); return l && l.request.near_crs === 'gcj02' && l.body && !!l.body.near;"))
        pl = d.execute_script("return window.lugeoPage.located()")
        farloc = locate_body(server.get("locate", q=said, near=pl["request"]["near"], near_crs="gcj02"))
        # The server reports the caller in WGS84: GCJ-02's offset (hundreds of metres) is gone.
        check(abs(pl["body"]["near"]["lon"] - farloc["near"]["lon"]) < 1e-7 and
              abs(pl["body"]["near"]["lat"] - farloc["near"]["lat"]) < 1e-7 and
              dist_m((farloc["near"]["lon"], farloc["near"]["lat"]), other) > 100,
              "the Amap link is sent as near_crs=gcj02 (the server moved it off the GCJ-02 offset)")
        shown_none = bool(d.find_elements(By.CSS_SELECTOR, "#result .none-near"))
        check(shown_none == bool(farloc.get("none_near")), f"none_near={farloc.get('none_near')} shown as such")
        if farloc.get("none_near"):
            nb = d.execute_script("return [...document.querySelectorAll('#result ul.nearby li')].map(li => li.dataset.id)")
            check(nb == [p["id"] for p in farloc["nearby"]], f"the plates near the caller listed: {nb}")
        check(bool(d.find_elements(By.CSS_SELECTOR, "#result .ask")) == bool(farloc.get("ask")),
              f"question {farloc.get('ask')} shown as such")
        cands2 = d.execute_script("return [...document.querySelectorAll('.cand-marker div')].map(e => e.dataset.id)")
        check(cands2 == [c["id"] for c in farloc["candidates"]], f"candidates with the far caller: {cands2}")
        nbox.clear()
        box.send_keys(Keys.ENTER)
        wait(d, "the search without a caller position", lambda: d.execute_script(
            "const l = window.lugeoPage.located(); return l && !l.request.near && l.body;"))
        wait(d, "the candidate marker", lambda: d.find_elements(By.CSS_SELECTOR, f".cand-marker div[data-id='{plate}']"))

        # One click makes it the incident.
        wait_still(d)
        d.find_element(By.CSS_SELECTOR, f".cand-marker div[data-id='{plate}']").click()
        wait(d, "the incident panel", lambda: d.execute_script(
            "const b = window.lugeoPage.incident(); return document.querySelector('#incident').dataset.state === 'ready'"
            " && b && b.plate && b.plate.id === arguments[0];", plate))
        incident = server.get("incident", plate=plate)
        want = [(u["id"], minutes_text(u["time_s"])) for u in incident["by_road"]["units"]]
        got = [tuple(x) for x in page_units_by_road(d)]
        check(got == want, f"units by road on the page = /incident's ({len(want)} units: {want[:3]}…)"
              + ("" if got == want else f"; the page shows {got}"))
        panel = d.find_element(By.ID, "incident").text
        if incident.get("zone"):
            check(incident["zone"]["name"] in panel, f"zone {incident['zone']['name']} shown")
        if incident.get("grid"):
            check(incident["grid"]["name"] in panel, f"grid {incident['grid']['name']} shown")
        seeing = d.execute_script("return document.querySelectorAll('#incident ul.cameras li.sees').length")
        check(seeing == incident["cameras_seeing"], f"{seeing} cameras that see the spot listed")
        check(d.execute_script("return document.querySelectorAll('.incident-marker').length") == 1,
              "one incident marker")
        check("巡区" in panel and "按道路最近警力" in panel, "incident panel in Chinese")

        # Road names drawn at this zoom, in Chinese.
        wait(d, "road labels", lambda: d.find_elements(By.CSS_SELECTOR, ".road-label span"), 30)
        names = d.execute_script("return [...document.querySelectorAll('.road-label span')].map(s => s.textContent)")
        check(any(has_cjk(n) for n in names), f"{len(names)} road labels, e.g. {names[:3]}")

        # Move a unit next to the incident: the marker moves and the panel follows the server.
        unit = incident["by_road"]["units"][-1]["id"] if incident["by_road"]["units"] else \
            units_list(server.get("units"))[0]["id"]
        before = d.execute_script("return window.lugeoPage.unitLatLng(arguments[0])", unit)
        lon, lat = incident["lon"] + 0.0004, incident["lat"] + 0.0003
        server.request("PUT", f"units/{unit}", {"lon": lon, "lat": lat, "status": "available"})
        wait(d, f"unit {unit} to move on the map", lambda: (lambda p: p and abs(p[0] - lat) < 1e-6 and abs(p[1] - lon) < 1e-6)(
            d.execute_script("return window.lugeoPage.unitLatLng(arguments[0])", unit)), 30)
        check(True, f"unit {unit} moved on the map from {before} to {[lat, lon]}")
        moved = server.get("incident", plate=plate)
        want2 = [(u["id"], minutes_text(u["time_s"])) for u in moved["by_road"]["units"]]
        wait(d, "the incident panel to follow the moved unit",
             lambda: [tuple(x) for x in page_units_by_road(d)] == want2, 30)
        check(True, f"units by road after the move = /incident's ({want2[:3]}…)")
        ring100 = [u["id"] for r in moved["rings"] if r["radius_m"] == 100 for u in r["units"]]
        text100 = d.execute_script("return document.querySelector(\"#incident .ring[data-radius='100']\").textContent")
        check(all(u in text100 for u in ring100), f"100 m ring lists {ring100}")

        # A unit reported busy: greyed on the map, and the panel follows the server (which no
        # longer offers it).
        busy = next(u["id"] for u in moved["by_road"]["units"] if u["id"] != unit)
        bu = next(u for u in units_list(server.get("units")) if u["id"] == busy)
        server.request("PUT", f"units/{busy}", {"lon": bu["lon"], "lat": bu["lat"], "status": "busy"})
        wait(d, f"unit {busy} greyed as busy", lambda: d.find_elements(
            By.CSS_SELECTOR, f".unit-marker.status-busy span[data-unit-id='{busy}']"), 30)
        after = server.get("incident", plate=plate)
        want4 = [(u["id"], minutes_text(u["time_s"])) for u in after["by_road"]["units"]]
        wait(d, "the incident panel to follow the busy unit",
             lambda: [tuple(x) for x in page_units_by_road(d)] == want4, 30)
        check(busy not in [u for u, _ in want4], f"unit {busy} busy: greyed, and gone from the panel as from /incident")

        # The screenshot: the map area is drawn (pixel values vary), saved for the docs.
        shot = args.screenshot or os.path.join(work, "page.png")
        os.makedirs(os.path.dirname(os.path.abspath(shot)), exist_ok=True)
        ActionChains(d).move_to_element(d.find_element(By.CSS_SELECTOR, "#panel h1")).perform()  # no tooltip
        time.sleep(1.0)  # let the canvas redraw settle
        d.save_screenshot(shot)
        rect = d.execute_script("const r = document.getElementById('map').getBoundingClientRect();"
                                "return [r.left, r.top, r.right, r.bottom].map(Math.round);")
        ratio = d.execute_script("return window.devicePixelRatio") or 1
        var, ncol = region_stats(shot, *[int(v * ratio) for v in rect])
        check(var > 100 and ncol > 30, f"screenshot {shot}: map area grey variance {var:.0f}, {ncol} colours")

        # A click on the map makes that spot the incident.
        d.execute_script("window.lugeoPage.map.setView([arguments[0], arguments[1]], 16)", incident["lat"], incident["lon"])
        wait_still(d)
        m = d.find_element(By.ID, "map")
        ActionChains(d).move_to_element_with_offset(m, 120, -80).click().perform()
        wait(d, "the incident of a map click", lambda: d.execute_script(
            "const b = window.lugeoPage.incident(); return document.querySelector('#incident').dataset.state === 'ready'"
            " && b && !b.plate;"), 60)
        at = d.execute_script("const b = window.lugeoPage.incident(); return [b.lon, b.lat]")
        clicked = server.get("incident", at=f"{at[0]:.7f},{at[1]:.7f}")
        want3 = [(u["id"], minutes_text(u["time_s"])) for u in clicked["by_road"]["units"]]
        check([tuple(x) for x in page_units_by_road(d)] == want3, f"map click at {at}: units = /incident?at='s")

        # English on request.
        centre_js = "const m = window.lugeoPage.map, c = m.getCenter(); return [c.lat, c.lng, m.getZoom()]"
        centre = wait_still(d)              # the panning to the clicked spot may still be under way
        d.find_element(By.ID, "lang-toggle").click()
        time.sleep(0.5)
        check(d.execute_script(centre_js) == centre,
              "switching the language leaves the map where it is")
        check(d.find_element(By.CSS_SELECTOR, "h1").text == "lugeo dispatch", "English after the toggle")
        check("Nearest units by road" in d.find_element(By.ID, "incident").text, "incident panel in English")
        check("lang=en" in d.current_url, "the language is kept in the address (?lang=en)")

        log = server.tail()
        check("GET" in log and "/locate" in open(server.log_path, errors="replace").read(),
              "the server logged the page's requests")
        print(f"LOAD_MS {load_ms}")
    finally:
        if d is not None:
            d.quit()
        server.stop()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("lugeo")
    ap.add_argument("source")
    ap.add_argument("work")
    ap.add_argument("--screenshot", help="where to write the screenshot (default: the work folder)")
    ap.add_argument("--seed", type=int, default=int(os.environ.get("LUGEO_TEST_SEED", "20261202")),
                    help="seed of the plate choice and its spoken form (LUGEO_TEST_SEED)")
    ap.add_argument("--plate", help="this demo plate instead of a random one (for the docs' screenshot)")
    ap.add_argument("--keep", action="store_true", help="keep the work folder (server log, token)")
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)
    try:
        run(args)
    except Failure as e:
        print(f"FAIL (seed {args.seed}): {e}")
        return 1
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
