#!/usr/bin/env python3
"""lugeo serve, end to end (standard library only). Called by tests/cli/serve.sh:
    serve_test.py LUGEO SOURCE_DIR OUT_DIR
Starts its own servers on free ports (--port 0) and stops them."""
import http.client
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse

LUGEO, SRC, OUT = (os.path.abspath(a) for a in sys.argv[1:4])
DEMO = os.path.join(SRC, "data", "demo")
FAILS = []
random.seed(int(os.environ.get("LUGEO_TEST_SEED", "16")))


def check(cond, what):
    if not cond:
        FAILS.append(what)
        print("FAIL:", what, file=sys.stderr)
    return cond


def scene_copy(dirname):
    """The demo scene with absolute layer paths, in a folder of its own (to break and mend)."""
    os.makedirs(dirname, exist_ok=True)
    text = open(os.path.join(DEMO, "scene.toml"), encoding="utf-8").read()
    text = re.sub(r'source = "([^"]+)"',
                  lambda m: 'source = "%s"' % os.path.normpath(os.path.join(DEMO, m.group(1))),
                  text)
    path = os.path.join(dirname, "scene.toml")
    open(path, "w", encoding="utf-8").write(text)
    return path


class Server:
    def __init__(self, name, *args):
        self.log = open(os.path.join(OUT, name + ".log"), "w+")
        self.proc = subprocess.Popen([LUGEO, "serve", "--port", "0", *args],
                                     stdout=subprocess.DEVNULL, stderr=self.log)
        self.port = None
        deadline = time.time() + 120
        while time.time() < deadline and self.port is None:
            if self.proc.poll() is not None:
                raise SystemExit("lugeo serve exited: " + self.text())
            m = re.search(r"listening on http://[^:]+:(\d+)/", self.text())
            if m:
                self.port = int(m.group(1))
            time.sleep(0.1)
        if self.port is None:
            raise SystemExit("lugeo serve did not start: " + self.text())

    def text(self):
        self.log.flush()
        with open(self.log.name) as f:
            return f.read()

    def request(self, method, path, body=None, headers=None, timeout=60):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        c.request(method, path, body=body, headers=headers or {})
        r = c.getresponse()
        data = r.read()
        c.close()
        return r.status, r.getheader("Content-Type") or "", data

    def json(self, path, method="GET", body=None, headers=None):
        status, ctype, data = self.request(method, path, body, headers)
        try:
            return status, json.loads(data)
        except ValueError:
            return status, {"_raw": data[:200]}

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            check(False, "the server did not stop on SIGTERM")


def cli(*args):
    r = subprocess.run([LUGEO, *args], capture_output=True, text=True)
    check(r.returncode in (0, 1), "lugeo %s exited %d: %s" % (" ".join(args), r.returncode,
                                                            r.stderr[-500:]))
    return json.loads(r.stdout)


ENVELOPE = {"lugeo_version", "schema", "command"}
TIMINGS = {"seconds", "timings_s"}


def body(doc):
    """The answer without the envelope and the timings; one result unwrapped."""
    if isinstance(doc, dict):
        d = {k: body(v) for k, v in doc.items() if k not in TIMINGS}
        for k in ENVELOPE:
            d.pop(k, None)
        if set(d) == {"results"} and isinstance(d["results"], list) and len(d["results"]) == 1:
            return d["results"][0]
        return d
    if isinstance(doc, list):
        return [body(v) for v in doc]
    return doc


def q(**params):
    return urllib.parse.urlencode(params, quote_via=urllib.parse.quote)


def error_of(status, doc, want_status, what, parameter=None):
    ok = check(status == want_status, "%s: HTTP %s, expected %s (%s)" % (what, status,
                                                                          want_status, doc))
    e = doc.get("error") if isinstance(doc, dict) else None
    ok = check(isinstance(e, dict) and e.get("code") and e.get("message"),
               "%s: no JSON error body: %s" % (what, doc)) and ok
    ok = check(isinstance(doc, dict) and doc.get("schema") == 1 and "command" in doc,
               "%s: the error has no envelope: %s" % (what, doc)) and ok
    if parameter is not None and e:
        check(e.get("parameter") == parameter,
              "%s: the error names parameter %r, expected %r" % (what, e.get("parameter"),
                                                                 parameter))
    return ok


def alive(s, what):
    status, doc = s.json("/health")
    check(status == 200 and doc.get("status") == "ok", "after %s the server does not answer "
          "/health: %s %s" % (what, status, doc))


def main():
    scene = scene_copy(os.path.join(OUT, "scene"))
    s = Server("serve", "--scene", scene, "--threads", "4", "--read-timeout", "2")
    try:
        run_all(s, scene)
    finally:
        s.stop()
    check(re.search(r"GET /health 200 [0-9.]+ ms", s.text()), "no request log line on stderr")
    token_test(scene)
    if FAILS:
        print("%d failure(s)" % len(FAILS), file=sys.stderr)
        sys.exit(1)
    print("serve: all checks passed")


def run_all(s, scene):
    status, h = s.json("/health")
    check(status == 200 and h["status"] == "ok" and h["plates"] > 0 and h["units"] > 0,
          "health: %s" % h)
    check(h.get("schema") == 1 and h.get("command") == "health", "health has no envelope")
    plates = s.json("/layers/plates.geojson")[1]["features"]
    check(len(plates) == h["plates"], "plates layer: %d features for %d plates" %
          (len(plates), h["plates"]))
    picks = random.sample(plates, 3)
    one_contract(s, scene, picks)
    bad_requests(s)
    live_units(s, picks)
    layers(s)
    reload_test(s, scene)


# ---- one contract -----------------------------------------------------------------------------

def same(what, server_doc, cli_doc):
    a, b = body(server_doc), body(cli_doc)
    if not check(a == b, "%s: the server's JSON differs from the CLI's --json" % what):
        for k in sorted(set(a) | set(b)) if isinstance(a, dict) and isinstance(b, dict) else []:
            if a.get(k) != b.get(k):
                print("  %s: server %s / cli %s" % (k, json.dumps(a.get(k))[:300],
                                                    json.dumps(b.get(k))[:300]), file=sys.stderr)


def one_contract(s, scene, picks):
    sc = ["--scene", scene, "-q"]
    for f in picks:
        pid = f["properties"]["id"]
        lon, lat = f["geometry"]["coordinates"]
        # locate: exact, misheard (one digit changed), with a caller position, with k
        misheard = pid[:-1] + str((int(pid[-1]) + 3) % 10) if pid[-1].isdigit() else pid
        near = "%.6f,%.6f,300" % (lon + 0.003, lat - 0.002)
        st, doc = s.json("/locate?" + q(q=pid))
        check(st == 200, "locate %s: HTTP %d" % (pid, st))
        same("locate " + pid, doc, cli("locate", *sc, pid, "--json"))
        st, doc = s.json("/locate?" + q(q=misheard, near=near, k=5))
        same("locate %s near %s" % (misheard, near), doc,
             cli("locate", *sc, misheard, "--near", near, "--candidates", "5", "--json"))
        # the cross street the caller names: the service measures as the CLI does
        road = f["properties"].get("road") or "没有这条路"
        st, doc = s.json("/locate?" + q(q=misheard, cross=road))
        same("locate %s cross %s" % (misheard, road), doc,
             cli("locate", *sc, misheard, "--cross", road, "--json"))
        # incident at the plate and at a position given in GCJ-02
        st, doc = s.json("/incident?" + q(plate=pid))
        check(st == 200, "incident %s: HTTP %d %s" % (pid, st, doc))
        same("incident " + pid, doc, cli("incident", *sc, pid, "--json"))
    f = picks[0]
    lon, lat = f["geometry"]["coordinates"]
    at = "%.6f,%.6f" % (lon + 0.001, lat + 0.001)
    st, doc = s.json("/incident?" + q(at=at, near_crs="gcj02", profile="ebike"))
    same("incident at " + at + " gcj02", doc,
         cli("incident", *sc, at, "--near-crs", "gcj02", "--profile", "ebike", "--json"))
    st, doc = s.json("/nearest?" + q(at=at, k=7))
    same("nearest " + at, doc, cli("nearest", *sc, at, "-k", "7", "--json"))
    st, doc = s.json("/isochrone?" + q(**{"from": at, "minutes": "1,5", "profile": "car"}))
    check(st == 200 and doc.get("type") == "FeatureCollection" and len(doc["features"]) == 2,
          "isochrone: %s %s" % (st, str(doc)[:300]))
    same("isochrone from " + at, doc,
         cli("isochrones", "--scene", scene, "-q", "--from", at, "--minutes", "1,5",
             "--profile", "car", "--no-per-source", "--geojson"))
    for feat in doc.get("features", []):
        check(feat["properties"]["area_m2"] > 0 and feat["geometry"]["coordinates"],
              "isochrone feature without area or geometry")
    pid = picks[1]["properties"]["id"]
    st, doc = s.json("/seal?" + q(plate=pid, head_start=2))
    check(st == 200, "seal %s: HTTP %d %s" % (pid, st, str(doc)[:300]))
    same("seal " + pid, doc, cli("seal", *sc, pid, "--head-start", "2", "--json"))


# ---- bad requests -----------------------------------------------------------------------------

def raw(s, data, read=True, timeout=10):
    c = socket.create_connection(("127.0.0.1", s.port), timeout=timeout)
    c.sendall(data)
    out = b""
    if read:
        try:
            while True:
                chunk = c.recv(65536)
                if not chunk:
                    break
                out += chunk
        except socket.timeout:
            pass
    c.close()
    return out


def status_of(response):
    m = re.match(rb"HTTP/1\.[01] (\d{3})", response)
    return int(m.group(1)) if m else None


def bad_requests(s):
    cases = [
        ("/locate", 400, "q"),
        ("/locate?q=", 400, "q"),
        ("/locate?" + q(q="L104-0001", k="abc"), 400, "k"),
        ("/locate?" + q(q="L104-0001", k="0"), 400, "k"),
        ("/locate?" + q(q="L104-0001", near="104.1"), 400, "near"),
        ("/locate?" + q(q="L104-0001", near_crs="mars"), 400, "near_crs"),
        ("/locate?" + q(q="L104-0001", colour="red"), 400, "colour"),
        ("/locate?q=L104-0001&q=L104-0002", 400, "q"),
        ("/locate?q=%FF%FE%FD", 400, "q"),
        ("/incident", 400, "plate"),
        ("/incident?" + q(at="NaN,NaN"), 400, "at"),
        ("/incident?" + q(at="nan,30.6"), 400, "at"),
        ("/incident?" + q(at="104.06,inf"), 400, "at"),
        ("/incident?" + q(at="0,0"), 400, "at"),
        ("/incident?" + q(at="104.06,30.65", plate="L104-0001"), 400, "at"),
        ("/incident?" + q(at="104.06,30.65", profile="horse"), 400, "profile"),
        ("/incident?" + q(plate="???"), 400, "plate"),
        ("/nearest?" + q(at="104.06,30.65", k="-1"), 400, "k"),
        ("/isochrone?" + q(**{"from": "104.06,30.65", "minutes": "5,1"}), 400, "minutes"),
        ("/isochrone?" + q(**{"from": "104.06,30.65", "minutes": "NaN"}), 400, "minutes"),
        ("/seal?" + q(at="104.06,30.65", suspect="rocket"), 400, "suspect"),
        ("/layers/roads.geojson?" + q(bbox="1,2,3"), 400, "bbox"),
        ("/layers/roads.geojson?" + q(classes=",".join(["primary"] * 65)), 400, "classes"),
        ("/layers/nothing.geojson", 404, None),
        ("/no/such/endpoint", 404, None),
    ]
    for path, want, parameter in cases:
        st, doc = s.json(path)
        error_of(st, doc, want, "GET " + path[:80], parameter)
    # a plate that does not exist: 404 naming what the caller may have meant
    st, doc = s.json("/incident?" + q(plate="L104-9999"))
    error_of(st, doc, 404, "incident of a plate not in the registry", "plate")
    # 1 MB query string: refused with 414, the server goes on
    st, _, data = s.request("GET", "/locate?q=" + "A" * (1 << 20))
    check(st in (414, 400), "1 MB query string: HTTP %d" % st)
    alive(s, "a 1 MB query string")
    # `..` in paths never leaves the page's folders
    for path in ("/static/../../../../../../etc/passwd", "/static/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
                 "/static/leaflet/../../../../etc/passwd", "/../../etc/passwd",
                 "/static/..%2f..%2f..%2fetc%2fpasswd"):
        resp = raw(s, ("GET %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n" % path).encode())
        check(status_of(resp) in (400, 403, 404) and b"root:" not in resp,
              "path %s: %s" % (path, resp[:80]))
    # a 100 MB body: refused from its Content-Length (413) without reading it
    c = socket.create_connection(("127.0.0.1", s.port), timeout=20)
    c.sendall(b"PUT /units/X1 HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
              b"Content-Length: 104857600\r\n\r\n" + b"{" * 65536)
    resp = b""
    try:
        resp = c.recv(4096)
    except (socket.timeout, ConnectionResetError):
        pass
    c.close()
    check(status_of(resp) == 413, "100 MB body: %s" % resp[:80])
    alive(s, "a 100 MB body")
    # PUT bodies that are not what a unit report is
    for b, what in ((b"not json", "not JSON"), (b'{"lon":"NaN","lat":30.6}', "NaN as text"),
                    (b'{"lon":104.06}', "no lat"), (b'[1,2]', "an array"),
                    (b'{"lon":104.06,"lat":30.65,"status":"asleep"}', "a bad status"),
                    (b'{"lon":104.06,"lat":30.65,"speed":3}', "an unknown member"),
                    (b'{"lon":1e999,"lat":30.65}', "an infinite number")):
        st, doc = s.json("/units/X1", "PUT", b, {"Content-Type": "application/json"})
        error_of(st, doc, 400, "PUT /units with " + what)
    # a member with an empty name (found by fuzz_request): refused, naming the body
    st, doc = s.json("/units/X1", "PUT", b'{"lon":104.06,"lat":30.65,"":1}',
                     {"Content-Type": "application/json"})
    error_of(st, doc, 400, "PUT /units with an empty member name", "body")
    # slow clients that never finish their headers: the read timeout (2 s) frees the threads
    # (the server has 4), and other clients are served meanwhile and after
    slow = []
    for _ in range(6):
        c = socket.create_connection(("127.0.0.1", s.port), timeout=15)
        c.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        slow.append(c)
    t0 = time.time()
    alive(s, "six slow clients (first)")
    check(time.time() - t0 < 12, "/health waited %.1f s behind slow clients" % (time.time() - t0))
    for c in slow:
        try:
            got = c.recv(4096)
        except (socket.timeout, ConnectionResetError):
            got = None
        check(got is not None and (got == b"" or status_of(got) in (400, 408)),
              "a slow client was not cut off: %r" % (got[:60] if got else got))
        c.close()
    alive(s, "six slow clients")
    # clients that hang up mid-response (a large layer), twenty times
    for _ in range(20):
        c = socket.create_connection(("127.0.0.1", s.port), timeout=20)
        c.sendall(b"GET /layers/roads.geojson HTTP/1.1\r\nHost: x\r\n\r\n")
        c.recv(100)
        c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        c.close()
    alive(s, "twenty clients hanging up mid-response")
    check(s.proc.poll() is None, "the server died")


# ---- live units -------------------------------------------------------------------------------

def unit_ids(incident):
    ids = {u["id"] for u in incident["by_road"]["units"]}
    for ring in incident["rings"]:
        ids |= {u["id"] for u in ring["units"]}
    return ids


def live_units(s, picks):
    st, units = s.json("/units")
    check(st == 200 and units["units"], "GET /units: %s" % st)
    check(all(u["source"] == "scene" and u["status"] == "available" for u in units["units"]),
          "units before any report are not the scene's")
    pid = picks[2]["properties"]["id"]
    lon, lat = picks[2]["geometry"]["coordinates"]
    _, before = s.json("/incident?" + q(plate=pid))
    first = before["by_road"]["units"][0]["id"] if before["by_road"]["units"] else None
    if check(first, "incident %s has no unit by road to take off" % pid):
        st, doc = s.json("/units/" + urllib.parse.quote(first), "PUT",
                         json.dumps({"lon": lon + 0.01, "lat": lat, "status": "busy"}))
        check(st == 200 and doc["unit"]["status"] == "busy" and doc["unit"]["last_seen"],
              "PUT busy: %s %s" % (st, doc))
        _, after = s.json("/incident?" + q(plate=pid))
        check(first not in unit_ids(after), "a busy unit is still offered by incident")
        _, sealed = s.json("/seal?" + q(plate=pid))
        check(all(b.get("unit") != first for b in sealed.get("blocks", [])),
              "a busy unit is still offered by seal")
    # a new unit reported right at the plate: within 100 m, first by road
    st, doc = s.json("/units/TEST-CAR-1", "PUT",
                     json.dumps({"lon": lon, "lat": lat, "status": "available", "name": "test"}))
    check(st == 200 and doc["unit"]["source"] == "live" and not doc["unit"]["in_scene"],
          "PUT a new unit: %s %s" % (st, doc))
    _, after = s.json("/incident?" + q(plate=pid))
    ring100 = [u for u in after["rings"][0]["units"] if u["id"] == "TEST-CAR-1"]
    check(ring100 and ring100[0]["distance_m"] < 1.0,
          "a unit reported at the plate is not in its 100 m ring: %s" % after["rings"][0])
    check(after["by_road"]["units"] and after["by_road"]["units"][0]["id"] == "TEST-CAR-1",
          "a unit reported at the plate is not the first by road")
    st, doc = s.json("/units/TEST-CAR-1", "PUT",
                     json.dumps({"lon": lon, "lat": lat, "status": "off_duty"}))
    _, after = s.json("/incident?" + q(plate=pid))
    check("TEST-CAR-1" not in unit_ids(after), "an off-duty unit is still offered")
    st, units = s.json("/units")
    mine = [u for u in units["units"] if u["id"] == "TEST-CAR-1"]
    check(mine and mine[0]["status"] == "off_duty" and mine[0]["source"] == "live",
          "GET /units does not show the report: %s" % mine)


# ---- layers -----------------------------------------------------------------------------------

def layers(s):
    st, doc = s.json("/layers")
    names = {l["name"] for l in doc.get("layers", [])}
    check({"roads", "buildings", "zones", "grids", "cameras", "units"} <= names,
          "layers: %s" % names)
    _, roads = s.json("/layers/roads.geojson")
    allf = roads["features"]
    check(allf and all(-180 <= c[0] <= 180 and -90 <= c[1] <= 90
                       for f in allf[:50] for c in f["geometry"]["coordinates"]),
          "roads are not WGS84 lon/lat")
    check(any(f["properties"]["name"] for f in allf) and
          all("class" in f["properties"] for f in allf), "roads without name/class")
    # the bbox keeps exactly the roads with a vertex... or a box that meets it (a superset
    # of those with a vertex inside, a subset of all)
    xs = sorted(c[0] for f in allf for c in f["geometry"]["coordinates"])
    ys = sorted(c[1] for f in allf for c in f["geometry"]["coordinates"])
    box = (xs[len(xs) // 3], ys[len(ys) // 3], xs[len(xs) // 2], ys[len(ys) // 2])
    _, part = s.json("/layers/roads.geojson?" + q(bbox="%.6f,%.6f,%.6f,%.6f" % box))
    inside = {f["properties"]["edge"] for f in allf
              if any(box[0] <= c[0] <= box[2] and box[1] <= c[1] <= box[3]
                     for c in f["geometry"]["coordinates"])}
    got = {f["properties"]["edge"] for f in part["features"]}
    check(inside <= got and len(got) < len(allf), "bbox: %d kept, %d with a vertex inside, "
          "%d in all" % (len(got), len(inside), len(allf)))
    _, cams = s.json("/layers/cameras.geojson")
    p = cams["features"][0]["properties"]
    check({"heading", "hfov", "range", "id", "type"} <= set(p), "camera properties: %s" % p)


# ---- reload -----------------------------------------------------------------------------------

def reload_test(s, scene):
    _, h0 = s.json("/health")
    good = open(scene, encoding="utf-8").read()
    open(scene, "w").write("[scene\nname = broken")
    st, doc = s.json("/admin/reload", "POST")
    error_of(st, doc, 422, "reload of a broken scene")
    _, h1 = s.json("/health")
    check(h1["loaded_at"] == h0["loaded_at"] and h1["plates"] == h0["plates"],
          "a failed reload changed the scene")
    alive(s, "a failed reload")
    open(scene, "w").write(good)
    time.sleep(1.1)  # loaded_at has whole seconds
    st, doc = s.json("/admin/reload", "POST")
    check(st == 200 and doc.get("reloaded"), "reload: %s %s" % (st, doc))
    _, h2 = s.json("/health")
    check(h2["loaded_at"] != h0["loaded_at"], "reload did not load a new scene")
    _, units = s.json("/units")
    check(any(u["id"] == "TEST-CAR-1" and u["status"] == "off_duty" for u in units["units"]),
          "live unit reports did not survive the reload")
    time.sleep(1.1)
    s.proc.send_signal(signal.SIGHUP)
    deadline = time.time() + 60
    while time.time() < deadline:
        _, h3 = s.json("/health")
        if h3["loaded_at"] != h2["loaded_at"]:
            break
        time.sleep(0.2)
    check(h3["loaded_at"] != h2["loaded_at"], "SIGHUP did not reload the scene")


# ---- token ------------------------------------------------------------------------------------

def token_test(scene):
    tok = os.path.join(OUT, "token.txt")
    open(tok, "w").write("s3cret-token-for-the-test-0123456789\n")
    s = Server("serve-token", "--scene", scene, "--token-file", tok)
    try:
        st, doc = s.json("/health")
        error_of(st, doc, 401, "no token")
        st, doc = s.json("/health", headers={"Authorization": "Bearer wrong"})
        error_of(st, doc, 401, "a wrong token")
        st, doc = s.json("/locate?q=L104-0001",
                         headers={"Authorization": "Bearer s3cret-token-for-the-test-0123456789"})
        check(st == 200, "the right token: HTTP %d" % st)
        st, _, _ = s.request("GET", "/")
        check(st in (200, 404), "the page needs no token: HTTP %d" % st)
        check("s3cret" not in s.text(), "the token appears in the log")
    finally:
        s.stop()


if __name__ == "__main__":
    main()
