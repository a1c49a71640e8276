#!/usr/bin/env python3
"""The report is in one language (issue 13): every visible text of report.html — headings,
paragraphs, table cells, map legends, labels and captions — is Chinese in a `--lang zh`
report and has no Chinese in a `--lang en` one, apart from the data's own words.

usage: report_lang.py zh|en REPORT_DIR REPORT_JSON

Not prose, so allowed in either language:
  - the data's names: the scene's name and attribution (its scene.toml), road names, kiosk IDs
    and names, zone names (report.gpkg), the layers' source files and layer names (--json);
  - a token with a digit in it (IDs, numbers: KIOSK-1, L104-0001, 5.2);
  - text inside <code> (file names, command names);
  - runs of fewer than 4 Latin letters (units: m, km, min; N on the north arrow);
  - ALLOWED below: product and data-source names.
A zh report fails on any other run of 4+ Latin letters; an en report on any CJK character.
"""
import html.parser
import json
import os
import re
import sqlite3
import sys
import tomllib

ALLOWED = {"lugeo", "GeoPackage", "QGIS", "OpenStreetMap", "ODbL", "SYNTHETIC", "EPSG"}
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


class Visible(html.parser.HTMLParser):
    """Text nodes a reader sees (SVG text and titles included); not <style>, <code>."""

    HIDDEN = {"style", "script", "code"}

    def __init__(self):
        super().__init__()
        self.hidden = 0
        self.texts = []

    def handle_starttag(self, tag, attrs):
        self.hidden += tag in self.HIDDEN

    def handle_endtag(self, tag):
        self.hidden -= tag in self.HIDDEN

    def handle_data(self, data):
        if not self.hidden and data.strip():
            self.texts.append(data)


def data_words(out_dir, report_json):
    words = set()
    scene = json.load(open(report_json, encoding="utf-8"))["scene"]
    for layer in scene:
        words.add(os.path.basename(layer["source"]))
        words.add(layer.get("layer") or "")
        toml = os.path.join(os.path.dirname(layer["source"]), "scene.toml")
        if os.path.exists(toml):
            s = tomllib.load(open(toml, "rb")).get("scene", {})
            words.update([s.get("name", ""), s.get("attribution", "")])
    db = sqlite3.connect(os.path.join(out_dir, "report.gpkg"))
    tables = {t for (t,) in db.execute("SELECT table_name FROM gpkg_contents")}
    for sql in ("SELECT DISTINCT name FROM roads", "SELECT DISTINCT road FROM coverage_gaps",
                "SELECT id FROM kiosks", "SELECT name FROM kiosks", "SELECT kiosk FROM zones"):
        if sql.split()[-1] not in tables:  # a scene without cameras has no gaps, …
            continue
        for (w,) in db.execute(sql):
            if w:
                words.add(w)
                words.update(w.split(" - "))  # a bilingual road name's two halves
    return sorted((w for w in words if w), key=len, reverse=True)


def offending(text, lang, words):
    for w in words:  # whole words only: a layer named "lines" leaves "outlines" alone
        text = re.sub(r"(?<![A-Za-z])" + re.escape(w) + r"(?![A-Za-z])", " ", text)
    if lang == "en":
        return CJK.findall(text)
    bad = []
    for token in text.split():
        if re.search(r"\d", token):
            continue
        bad += [r for r in re.findall(r"[A-Za-z]{4,}", token) if r not in ALLOWED]
    return bad


def main():
    lang, out_dir, report_json = sys.argv[1:4]
    page = Visible()
    page.feed(open(os.path.join(out_dir, "report.html"), encoding="utf-8").read())
    words = data_words(out_dir, report_json)
    found = [(t.strip()[:90], bad) for t in page.texts if (bad := offending(t, lang, words))]
    for text, bad in found[:25]:
        print(f"  {lang} report, not {lang}: {bad} in {text!r}", file=sys.stderr)
    if found:
        sys.exit(f"FAIL: {len(found)} texts of the {lang} report are in the other language")
    print(f"{lang} report: {len(page.texts)} visible texts, all in {lang} (or data names)")


if __name__ == "__main__":
    main()
