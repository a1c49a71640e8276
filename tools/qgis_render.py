#!/usr/bin/python3
"""Render layers of lugeo GeoPackages to a PNG with QGIS itself (PyQGIS, headless), each
layer drawn with the default style QGIS finds in the GeoPackage's `layer_styles` table: the
check "once by hand in QGIS" of issue 13, and the pictures in docs/img/qgis-*.png.

usage: tools/qgis_render.py OUT.png GPKG:LAYER [GPKG:LAYER ...]
           [--size 1000x800] [--title TEXT] [--extent-of N]
  Layers are listed bottom first (the last one is drawn on top). The extent is that of the
  N-th layer given (1 = the first; default: all layers together).
  Debian: apt-get install qgis python3-qgis; the system Python (/usr/bin/python3, where
  python3-qgis lives) runs it headless (QT_QPA_PLATFORM=offscreen).

The styles are not touched here: a layer without a default style in layer_styles is an
error (QGIS would draw it in a random colour), so the picture shows what a planner sees when
they open the file in QGIS.
"""
import argparse
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.append("/usr/share/qgis/python")

from qgis.core import (  # noqa: E402
    QgsApplication,
    QgsMapRendererParallelJob,
    QgsMapSettings,
    QgsRectangle,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QSize, Qt  # noqa: E402
from qgis.PyQt.QtGui import QColor, QFont, QImage, QPainter  # noqa: E402

ATTRIBUTION = "Roads © OpenStreetMap contributors; kiosks, cameras SYNTHETIC"


def open_layer(spec):
    path, _, name = spec.rpartition(":")
    if not path or not os.path.exists(path):
        sys.exit(f"qgis_render: {spec}: expected GPKG:LAYER with an existing GeoPackage")
    layer = QgsVectorLayer(f"{path}|layername={name}", name, "ogr")  # loads the default style
    if not layer.isValid():
        sys.exit(f"qgis_render: QGIS cannot open layer {name} of {path}")
    # the style QGIS applied came from layer_styles: the provider lists it as the default
    count, ids, names, descriptions, err = layer.listStylesInDatabase()
    if count < 1:
        sys.exit(f"qgis_render: {spec} has no style in layer_styles ({err or 'none listed'})")
    return layer


def render(layers, size, extent):
    settings = QgsMapSettings()
    settings.setLayers(list(reversed(layers)))  # QGIS draws the first of the list on top
    settings.setBackgroundColor(QColor(255, 255, 255))
    settings.setOutputSize(size)
    settings.setDestinationCrs(layers[0].crs())
    settings.setExtent(extent)
    settings.setFlag(QgsMapSettings.Antialiasing, True)
    settings.setFlag(QgsMapSettings.DrawLabeling, True)
    job = QgsMapRendererParallelJob(settings)
    job.start()
    job.waitForFinished()
    return job.renderedImage()


def caption(image, title):
    out = QImage(image.width(), image.height() + 28, QImage.Format_ARGB32)
    out.fill(QColor(255, 255, 255))
    p = QPainter(out)
    p.drawImage(0, 0, image)
    p.setPen(QColor(60, 60, 60))
    p.drawRect(0, 0, image.width() - 1, image.height() - 1)
    p.setPen(QColor(20, 20, 20))
    f = QFont("DejaVu Sans", 9)
    p.setFont(f)
    p.drawText(8, image.height() + 4, image.width() - 16, 22, Qt.AlignLeft | Qt.AlignVCenter,
               title)
    p.drawText(8, image.height() + 4, image.width() - 16, 22, Qt.AlignRight | Qt.AlignVCenter,
               ATTRIBUTION)
    p.end()
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out")
    ap.add_argument("layers", nargs="+")
    ap.add_argument("--size", default="1000x800")
    ap.add_argument("--title", default="")
    ap.add_argument("--extent-of", type=int, default=0)
    a = ap.parse_args()
    w, h = (int(v) for v in a.size.split("x"))
    app = QgsApplication([], False)
    app.initQgis()
    layers = [open_layer(s) for s in a.layers]
    for layer in layers:
        r = layer.renderer()
        print(f"{layer.name()}: {layer.featureCount()} features, renderer "
              f"{r.type() if r else None}, labels {layer.labelsEnabled()}")
    if a.extent_of:
        extent = QgsRectangle(layers[a.extent_of - 1].extent())
    else:
        extent = QgsRectangle(layers[0].extent())
        for layer in layers[1:]:
            extent.combineExtentWith(layer.extent())
    extent.scale(1.04)
    image = render(layers, QSize(w, h), extent)
    if not caption(image, a.title).save(a.out, "PNG"):
        sys.exit(f"qgis_render: cannot write {a.out}")
    print(a.out)
    # QGIS 3.22's exitQgis() (and the interpreter's own exit) crash headless after a render:
    # the PNG is written, so leave without tearing Qt down
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
