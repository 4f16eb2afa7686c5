"""Drive QGIS's OGC API – Features client (the OAPIF provider) and print what it read as JSON.

Run by Debian's ``/usr/bin/python3`` (PyQGIS is a Debian package for the system Python, not
something the project's venv can install), never imported by the tests::

    QT_QPA_PLATFORM=offscreen /usr/bin/python3 qgis_probe.py BASE_URL OUT_DIR BBOX ID...

For each collection ID it opens ``BASE_URL/ogc`` as ``QgsVectorLayer(uri, ID, "OAPIF")`` and
records: whether the layer is valid, its geometry type and fields, featureCount(), every
feature it reads (id, name, kind, geometry type), the ids a ``setFilterRect`` over BBOX
(``minx,miny,maxx,maxy``, with ``ExactIntersect``, the meaning of the API's ``bbox``)
returns, how many pixels the layer covers drawn over its extent, and what
``QgsVectorFileWriter.writeAsVectorFormatV3`` says when it saves the layer as
``OUT_DIR/ID.gpkg``. It prints one JSON object, ``{"qgis": VERSION, "collections": {ID:
{...}}}``, on stdout; each collection also carries the URLs QGIS fetched for it and the
warnings QGIS logged, so that a failure says why. PyQGIS and the standard library only.
"""

import json
import os
import sys

from qgis.core import (
    Qgis,
    QgsApplication,
    QgsCoordinateTransformContext,
    QgsFeatureRequest,
    QgsMapRendererSequentialJob,
    QgsMapSettings,
    QgsNetworkAccessManager,
    QgsRectangle,
    QgsVectorFileWriter,
    QgsVectorLayer,
    QgsWkbTypes,
)
from qgis.PyQt.QtCore import QSize
from qgis.PyQt.QtGui import QColor

#: Features per request: small, so that reading a collection takes several pages.
PAGE_SIZE = 3
#: The side of the image a layer is drawn into, in pixels.
IMAGE = 160
#: The attributes reported for every feature (besides its geometry type).
ATTRIBUTES = ("id", "name", "kind")


def plain(value):
    """Return an attribute value as JSON can carry it (a NULL QVariant becomes None)."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if hasattr(value, "isNull") and value.isNull():
        return None
    return str(value)


def writer_error_name(error):
    """Return the name of a ``QgsVectorFileWriter.WriterError`` value (``NoError``...)."""
    for name in dir(QgsVectorFileWriter):
        member = getattr(QgsVectorFileWriter, name)
        if isinstance(member, QgsVectorFileWriter.WriterError) and member == error:
            return name
    return str(int(error))


def drawn_pixels(layer):
    """Draw the layer (its default style) over its extent into an image on white, and return
    how many pixels are not white."""
    extent = layer.extent()
    margin = max(extent.width(), extent.height(), 0.02) * 0.1
    settings = QgsMapSettings()
    settings.setLayers([layer])
    settings.setDestinationCrs(layer.crs())
    settings.setExtent(extent.buffered(margin))
    settings.setOutputSize(QSize(IMAGE, IMAGE))
    settings.setBackgroundColor(QColor(255, 255, 255))
    job = QgsMapRendererSequentialJob(settings)
    job.start()
    job.waitForFinished()
    image = job.renderedImage()
    white = QColor(255, 255, 255).rgb()
    return sum(image.pixel(x, y) != white for x in range(IMAGE) for y in range(IMAGE))


def probe(base_url, collection, out_dir, box):
    """Return what QGIS makes of one collection (see the module docstring)."""
    uri = f"url='{base_url}/ogc' typename='{collection}' pageSize='{PAGE_SIZE}'"
    layer = QgsVectorLayer(uri, collection, "OAPIF")
    result = {"valid": layer.isValid()}
    if not layer.isValid():
        return result
    result["wkb_type"] = QgsWkbTypes.displayString(layer.wkbType())
    result["fields"] = {field.name(): field.typeName() for field in layer.fields()}
    result["feature_count"] = layer.featureCount()
    names = layer.fields().names()
    result["features"] = [
        {
            **{key: plain(feature[key]) if key in names else None for key in ATTRIBUTES},
            "geometry": QgsWkbTypes.displayString(feature.geometry().wkbType()),
        }
        for feature in layer.getFeatures()
    ]
    request = QgsFeatureRequest().setFilterRect(QgsRectangle(*box))
    request.setFlags(QgsFeatureRequest.ExactIntersect)
    result["in_box"] = [plain(feature["id"]) for feature in layer.getFeatures(request)]
    result["drawn_pixels"] = drawn_pixels(layer)

    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName = "GPKG"
    options.layerName = collection
    target = os.path.join(out_dir, f"{collection}.gpkg")
    error, message, written, _ = QgsVectorFileWriter.writeAsVectorFormatV3(
        layer, target, QgsCoordinateTransformContext(), options
    )
    result["gpkg"] = {"error": writer_error_name(error), "message": message, "path": written}
    return result


def main():
    base_url, out_dir, bbox, *collections = sys.argv[1:]
    box = [float(v) for v in bbox.split(",")]
    app = QgsApplication([], False)
    app.initQgis()
    log, fetched = [], []

    def collect(message, tag, level):
        if level >= Qgis.Warning:
            log.append(f"{tag}: {message}")

    QgsApplication.messageLog().messageReceived.connect(collect)
    # Called for every request QGIS makes, from whichever thread makes it.
    QgsNetworkAccessManager.setRequestPreprocessor(lambda r: fetched.append(r.url().toString()))
    results = {}
    for collection in collections:
        del log[:], fetched[:]
        result = probe(base_url, collection, out_dir, box)
        results[collection] = {**result, "fetched": list(fetched), "log": list(log)}
    print(json.dumps({"qgis": Qgis.version(), "collections": results}, ensure_ascii=False))
    sys.stdout.flush()
    # Every layer is gone (QGIS 3.22 segfaults at exit if one outlives exitQgis()); exitQgis()
    # also removes the provider's cache and the System V semaphore and shared memory it holds.
    app.exitQgis()


if __name__ == "__main__":
    main()
