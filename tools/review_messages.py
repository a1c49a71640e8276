#!/usr/bin/env python3
"""The review of lugeo's messages on bad input (issue 18, "Messages").

Runs every command over every case of tests/fixtures/bad/ plus the issue's own examples (made
here in a temporary folder from tests/fixtures/bad/base: a wrong CRS override on a pole layer,
a Shapefile without its .dbf, a corrupt GeoPackage, a source far from every road, a message
with a 1e300 coordinate), collects every distinct message on stderr (errors, warnings, notes)
and every JSON error object under --json, and flags each message that

  - names no file, where the case is about a file (the broken file, or the scene for a scene case),
  - names no layer (`layer 'X'` or the scene key `[layers.X…]`),
  - names no feature, or not the field, where the case is about one,
  - blames the wrong thing (per case: what the message must say, or must not),
  - is cut short (unbalanced brackets or quotes, a fixed-size buffer's length),
  - under --json: an error object without the file, layer, feature or field its text names.

Usage: tools/review_messages.py LUGEO [SRC] [--cases a,b] [--commands x,y] [--list] [--jobs N]
Exit 1 when anything is flagged. --list prints every distinct message with its runs.
tests/cli/messages.sh runs it over a few commands per case (the CI test); the full review runs
all of them.
"""
import argparse, collections, concurrent.futures as cf, json, os, re, shutil, subprocess, sys
import tempfile

COMMANDS = {
    "network-info": ["network", "info"],
    "network-export": ["network", "export", "-o", "{out}/edges.gpkg"],
    "isochrones": ["isochrones", "--minutes", "1,5", "-o", "{out}/iso.gpkg"],
    "coverage": ["coverage", "-o", "{out}/cov.gpkg"],
    "coverage-plan": ["coverage", "plan", "--add", "3", "-o", "{out}/plan.gpkg"],
    "locate": ["locate", "G109-0001"],
    "nearest": ["nearest", "104.085,30.672"],
    "poles-check": ["poles", "check"],
    "incident": ["incident", "104.085,30.672"],
    "zones": ["zones", "-o", "{out}/zones.gpkg"],
    "report": ["report", "-o", "{out}/report"],
    "scene-check": ["scene", "check"],
    "site": ["site", "--add", "1", "-o", "{out}/site.gpkg"],
    "seal": ["seal", "104.085,30.672"],
}


class Spec:
    """What a case is about: the file and layer at fault, whether a feature is, which field."""

    def __init__(self, file, layer=None, feature=False, field=None, must=(), must_not=()):
        # file: a regular expression for the file's name as the message must give it
        self.file, self.layer, self.feature, self.field = file, layer, feature, field
        self.must, self.must_not = list(must), list(must_not)


def L(layer, file=None, **kw):  # a case about a layer's file (file: its name in the case)
    return Spec(file or re.escape(layer + ".geojson"), layer, **kw)


def F(layer, field=None, **kw):  # a case about a feature (and a field) of a layer
    return L(layer, feature=True, field=field, **kw)


def S(key, **kw):  # a case about a setting of the scene file
    return Spec(r"scene\.toml", None, field=None, must=[re.escape(key)] + list(kw.pop("must", [])), **kw)


CORRUPT = [r"from every road", r"outside the CRS", r"no usable road"]
SPECS = {
    "base": None,
    "boundary-empty": L("boundary"),
    "boundary-point": F("boundary"),
    "cameras-heading-720": F("cameras", "heading"),
    "cameras-heading-neg": F("cameras", "heading"),
    "cameras-heading-nan": F("cameras", "heading"),
    "cameras-hfov-0": F("cameras", "hfov"),
    "cameras-hfov-400": F("cameras", "hfov"),
    "cameras-range-neg": F("cameras", "range"),
    "cameras-range-huge": F("cameras", "range"),
    "poles-duplicate-ids": F("poles", "id"),
    "poles-null-geometry": F("poles"),
    "poles-nan-position": F("poles"),
    "poles-unknown-status": F("poles", "status"),
    "poles-control-chars": F("poles", "id"),
    "profiles-speed-nan": S("primary"),
    "profiles-speed-neg": S("residential"),
    "roads-disconnected": L("roads"),
    "roads-empty-layer": L("roads", must=[r"empty|no features"], must_not=[r"fields are: \(none\)"]),
    "roads-gpkg-truncated": L("roads", r"roads\.gpkg", must_not=CORRUPT),
    "roads-huge-coords": F("roads"),
    "roads-infinity": F("roads"),
    "roads-nan-coords": F("roads"),
    "roads-maxspeed-absurd": F("roads", "maxspeed"),
    "roads-null-geometry": F("roads"),
    # GeoJSON "Point"s whose coordinates are a list of pairs: GDAL refuses them while it parses
    # the file, before any feature has a number; its message quotes the coordinates
    "roads-wrong-type": L("roads", must=[r"coordinate"]),
    "roads-osm-truncated": L("roads", r"roads\.osm", must_not=CORRUPT),
    "roads-pbf-truncated": L("roads", r"roads\.osm\.pbf", must_not=CORRUPT),
    "roads-shp-no-dbf": L("roads", r"roads\.(shp|dbf)", must=[r"\.dbf"], must_not=[r"fields are: \(none\)"]),
    "roads-shp-no-prj": L("roads", r"roads\.shp", must=[r"\.prj|CRS|crs"]),
    "roads-shp-no-shx": L("roads", r"roads\.(shp|shx)", must=[r"\.shx|SHAPE_RESTORE_SHX"]),
    "roads-shp-truncated": L("roads", r"roads\.shp", must_not=CORRUPT),
    "roads-single-edge": L("roads"),
    "roads-swapped-lonlat": L("roads"),
    "roads-truncated": L("roads", must_not=CORRUPT),
    "scene-cjk-punct": Spec(r"scene\.toml", must=[r"line \d+"]),
    "scene-nul": Spec(r"scene\.toml", must=[r"line \d+"]),
    "scene-misspelt-field": L("cameras", field="headng"),
    "units-wrong-type": F("units"),
    "scene-missing-kind": L("units", field="type_of_unit"),
    # the issue's own examples (made by make_extra_cases)
    "x-poles-crs-override": L("poles", must=[r"crs"], must_not=[r"^[^']*cannot transform"]),
    "x-poles-shp-no-dbf": L("poles", r"poles\.(shp|dbf)", must=[r"\.dbf"], must_not=[r"fields are: \(none\)"]),
    "x-poles-gpkg-corrupt": L("poles", r"poles\.gpkg", must_not=CORRUPT),
    "x-units-far": L("units", field="id", must=[r"'FAR-1'", r"from every road|from a road"]),
    "x-poles-huge-coords": F("poles"),
}
# F() cases where only some commands read the feature's layer: the spec applies to errors;
# notes and warnings must name the file and the layer when they speak of features.


def make_extra_cases(bad, dst):
    """The issue's examples, each a folder beside tests/fixtures/bad's cases (absolute paths)."""
    base = os.path.join(bad, "base")
    scene = open(os.path.join(base, "scene.toml")).read()
    scene = re.sub(r'source = "([^"]+)"', lambda m: 'source = "%s"' % os.path.join(base, m.group(1)), scene)

    def case(name, layer=None, target=None, extra=""):
        d = os.path.join(dst, name)
        os.makedirs(d)
        s = scene
        if layer and target:
            s = s.replace('source = "%s"' % os.path.join(base, layer + ".geojson"), 'source = "%s"' % target)
        if extra:
            s = s.replace("[layers.%s]\n" % layer, "[layers.%s]\n%s\n" % (layer, extra))
        open(os.path.join(d, "scene.toml"), "w").write(s)
        return d

    poles = os.path.join(base, "poles.geojson")
    # poles in lon/lat declared to be in the scene's metric CRS: they land near (0, 0) in UTM 48N
    case("x-poles-crs-override", "poles", extra='crs = "EPSG:32648"')
    d = case("x-poles-shp-no-dbf", "poles", "poles.shp")
    ogr(["-f", "ESRI Shapefile", "-lco", "ENCODING=UTF-8", os.path.join(d, "poles.shp"), poles])
    for ext in (".dbf", ".cpg"):
        if os.path.exists(os.path.join(d, "poles" + ext)): os.remove(os.path.join(d, "poles" + ext))
    d = case("x-poles-gpkg-corrupt", "poles", "poles.gpkg")
    g = os.path.join(d, "poles.gpkg")
    ogr(["-f", "GPKG", g, poles, "-nln", "poles"])
    data = bytearray(open(g, "rb").read())
    for i in range(len(data) // 2, len(data) * 9 // 10, 997): data[i] ^= 0x5A  # noise in the pages
    open(g, "wb").write(bytes(data))
    units = json.load(open(os.path.join(base, "units.geojson")))
    far = json.loads(json.dumps(units["features"][0]))  # a second kiosk 700 m east of the roads
    far["properties"]["id"], far["geometry"]["coordinates"] = "FAR-1", [104.100, 30.672]
    units["features"].append(far)
    d = case("x-units-far", "units", "units.geojson")
    json.dump(units, open(os.path.join(d, "units.geojson"), "w"))
    p = json.load(open(poles))
    p["features"][0]["geometry"]["coordinates"] = [1e300, 1e300]
    d = case("x-poles-huge-coords", "poles", "poles.geojson")
    json.dump(p, open(os.path.join(d, "poles.geojson"), "w"))


def ogr(args):
    subprocess.run(["ogr2ogr", "-q"] + args, check=True)


def run(lugeo, scene, name, tmp, json_mode):
    out = tempfile.mkdtemp(dir=tmp)
    argv = [a.replace("{out}", out) for a in COMMANDS[name]]
    limits = ["--cpu=60"] + ([] if os.environ.get("ASAN_OPTIONS") else ["--as=3000000000"])
    cmd = ["prlimit"] + limits + ["--", lugeo] + argv + ["--scene", scene] + (["--json"] if json_mode else [])
    try:
        p = subprocess.run(cmd, capture_output=True, timeout=90, stdin=subprocess.DEVNULL)
        rc, err, out_text = p.returncode, p.stderr.decode("utf-8", "replace"), p.stdout.decode("utf-8", "replace")
    except subprocess.TimeoutExpired:
        rc, err, out_text = "timeout", "", ""
    shutil.rmtree(out, ignore_errors=True)
    return rc, err, out_text


MSG = re.compile(r"^lugeo: (error|warning|note): (.*)$")


def messages(err):
    """(kind, text) of each lugeo message on stderr; a message's continuation lines are kept."""
    out = []
    for line in err.splitlines():
        m = MSG.match(line)
        if m: out.append([m.group(1), m.group(2)])
        elif out and line.startswith("  "): out[-1][1] += "\n" + line
    return [tuple(m) for m in out]


def json_error(text):
    try:
        return json.loads(text).get("error")
    except (ValueError, AttributeError):
        return None


def cut_short(text):
    body = text.split("\n")[0]
    if re.search(r"\d{25}", body): return True  # a number cut by its buffer (or unreadable)
    body = re.sub(r"\(value '.*?'\)", "", body)  # values from the input may hold any bracket
    body = re.sub(r"'[^' ]*'", "''", body)  # so may quoted IDs
    pairs = [("(", ")"), ("[", "]"), ("{", "}")]
    if any(body.count(a) != body.count(b) for a, b in pairs): return True
    # a quote opens a name (after a space or bracket) and closes it: count the openers only
    if len(re.findall(r"(?:^|[\s(\[=,:])'", body)) > len(re.findall(r"'(?:$|[\s)\],.:;!?])", body)): return True
    return False


def layer_named(text, layer):
    return re.search(r"layer '%s'|\[layers\.%s[\].]" % (re.escape(layer), re.escape(layer)), text)


def flags(spec, kind, text, err_obj):
    """What is wrong with one message of a case (a list of reasons, empty when fine)."""
    f = []
    if cut_short(text): f.append("cut short")
    if spec is None: return f
    about_features = kind != "error" and re.search(r"\bfeatures?\b|\brows?\b|\bunit\b|\bkiosk\b", text)
    if kind != "error" and not about_features: return f
    if spec.file and not re.search(spec.file, text): f.append("names no file (%s)" % spec.file)
    if spec.layer and not layer_named(text, spec.layer): f.append("names no layer (%s)" % spec.layer)
    if kind == "error":
        if spec.feature and not re.search(r"feature -?\d+", text): f.append("names no feature")
        if spec.field and not re.search(r"'%s'" % re.escape(spec.field), text):
            f.append("names no field (%s)" % spec.field)
        for rx in spec.must:
            if not re.search(rx, text): f.append("wrong cause: says nothing of /%s/" % rx)
    for rx in spec.must_not:
        if re.search(rx, text): f.append("wrong cause: /%s/" % rx)
    if err_obj is not None:
        if spec.file and (not err_obj.get("file") or err_obj["file"] not in text): f.append("JSON: no file")
        if spec.layer and not err_obj.get("layer") and "[layers.%s" % spec.layer not in err_obj.get("message", ""):
            f.append("JSON: no layer")
        if spec.feature and "feature" not in err_obj: f.append("JSON: no feature")
    return f


def normalise(text, roots):
    for r in roots: text = text.replace(r, "")
    return re.sub(r"(tests/fixtures/bad/|/)[a-z0-9-]+/(scene\.toml|[a-z_]+\.[a-z.]+)", r"<case>/\2", text)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("lugeo")
    ap.add_argument("src", nargs="?", default=os.path.join(os.path.dirname(__file__), ".."))
    ap.add_argument("--cases", default="")
    ap.add_argument("--commands", default="")
    ap.add_argument("--list", action="store_true")
    ap.add_argument("--jobs", type=int, default=2)
    a = ap.parse_args()
    src = os.path.abspath(a.src)
    bad = os.path.join(src, "tests", "fixtures", "bad")
    tmp = tempfile.mkdtemp(prefix="lugeo-messages-")
    try:
        make_extra_cases(bad, tmp)
        dirs = {c: os.path.join(bad, c) for c in os.listdir(bad) if os.path.isdir(os.path.join(bad, c))}
        dirs.update({c: os.path.join(tmp, c) for c in os.listdir(tmp)})
        cases = sorted(c for c in dirs if not a.cases or c in a.cases.split(","))
        names = [n for n in COMMANDS if not a.commands or n in a.commands.split(",")]
        unknown = [c for c in cases if c not in SPECS]
        if unknown: sys.exit("no spec for the cases %s: add them to SPECS" % unknown)
        jobs = [(c, n) for c in cases for n in names]

        def one(job):
            c, n = job
            scene = os.path.join(dirs[c], "scene.toml")
            rc, err, _ = run(os.path.abspath(a.lugeo), scene, n, tmp, False)
            obj = None
            if rc not in (0, 1, "timeout"): obj = json_error(run(os.path.abspath(a.lugeo), scene, n, tmp, True)[2])
            return c, n, rc, err, obj

        with cf.ThreadPoolExecutor(max_workers=a.jobs) as ex:
            results = list(ex.map(one, jobs))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    distinct = collections.OrderedDict()  # normalised text -> [kind, runs, flags]
    nflagged_runs = 0
    for c, n, rc, err, obj in results:
        ms = messages(err)
        if rc not in (0, 1) and not any(k == "error" for k, _ in ms):
            ms.append(("error", "(exit %s with no lugeo error message) %s" % (rc, err.strip()[-200:])))
        for kind, text in ms:
            fl = flags(SPECS[c], kind, text, obj if kind == "error" else None)
            if rc == "timeout" or (isinstance(rc, int) and (rc < 0 or rc >= 4)):
                fl.append("exit %s" % rc)
            key = normalise(text, [src + "/", tmp + "/"])
            e = distinct.setdefault(key, [kind, [], set()])
            e[1].append("%s/%s" % (c, n))
            e[2].update(fl)
            nflagged_runs += bool(fl)
    flagged = [(k, v) for k, v in distinct.items() if v[2]]
    for k, (kind, runs, fl) in distinct.items():
        if a.list or fl:
            print("%s %s: %s\n    runs (%d): %s%s" % ("FLAG" if fl else "ok  ", kind, k, len(runs),
                  ", ".join(runs[:6]) + (" …" if len(runs) > 6 else ""),
                  "".join("\n    - " + x for x in sorted(fl))))
    print("%d runs (%d cases x %d commands): %d distinct messages, %d flagged (%d runs)" % (
        len(results), len(cases), len(names), len(distinct), len(flagged), nflagged_runs))
    return 1 if flagged else 0


if __name__ == "__main__":
    sys.exit(main())
