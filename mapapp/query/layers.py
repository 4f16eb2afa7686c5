"""Framework-neutral API: layer listings, layer bodies and downloads, as plain data."""

from __future__ import annotations

import re
from collections.abc import Mapping

from mapapp.core.errors import BadParameter, NotFound
from mapapp.core.model import GEOJSON_MEDIA_TYPE, LAYER_IDS
from mapapp.query import exports, viewfilter
from mapapp.store.layers import Store, dump_geojson

__all__ = ["GEOJSON_TYPE", "VIEW_FORMATS", "list_layers", "layer_body", "download", "download_view"]

GEOJSON_TYPE = GEOJSON_MEDIA_TYPE
#: The formats "download what is shown" offers, as ``exports`` writes them.
VIEW_FORMATS = exports.FORMATS
_DOWNLOAD_NAME = re.compile(r"^([a-z0-9-]+)\.geojson$")


def list_layers(store: Store) -> list[dict]:
    """Return one entry per layer: id, title, feature count, API and download URLs."""
    return [
        {
            "id": layer.id,
            "title": layer.title,
            "title_vi": layer.title_vi,
            "description": layer.description,
            "feature_count": len(collection["features"]),
            "url": f"/api/layers/{layer.id}",
            "download_url": f"/download/{layer.id}.geojson",
        }
        for layer, collection in store.layer_info()
    ]


def layer_body(store: Store, layer_id: str) -> bytes:
    """Return a layer as GeoJSON bytes (NotFound for an unknown layer id)."""
    return dump_geojson(store.layer(layer_id))


def download(store: Store, filename: str) -> tuple[str, bytes]:
    """Return ``(filename, body)`` for an allow-listed download name.

    Only ``<layer id>.geojson`` and ``all.geojson`` exist; anything else is NotFound.
    """
    match = _DOWNLOAD_NAME.match(filename)
    if not match or (match.group(1) not in LAYER_IDS and match.group(1) != "all"):
        raise NotFound(f"no download named {filename!r}")
    name = match.group(1)
    collection = store.all_features() if name == "all" else store.layer(name)
    return f"mapapp-{name}.geojson", dump_geojson(collection)


def download_view(store: Store, fmt: str, args: Mapping[str, str]) -> tuple[str, str, bytes]:
    """Return ``(file name, media type, body)`` of the features the map shows in state ``args``.

    ``args`` are the map page's state parameters (``viewfilter.STATE_PARAMS``); any other
    parameter is a BadParameter, as is an overlay id that no feature is drawn in. NotFound for
    an unknown format.
    """
    if fmt not in VIEW_FORMATS:
        raise NotFound(f"no download named 'view.{fmt}'")
    unknown = sorted(set(args) - set(viewfilter.STATE_PARAMS))
    if unknown:
        raise BadParameter(unknown[0], "not a parameter of the view download")
    state = viewfilter.parse_state(args)
    layers = [(layer.id, collection) for layer, collection in store.layer_info()]
    if state.overlays is not None:
        known = {layer_id for layer_id, _ in layers} | {
            viewfilter.overlay_id(layer_id, feature.get("properties") or {})
            for layer_id, collection in layers
            for feature in collection.get("features", [])
        }
        missing = sorted(state.overlays - known)
        if missing:
            raise BadParameter("layers", f"no overlay {missing[0]!r}")
    features = viewfilter.select(layers, state)
    spec = VIEW_FORMATS[fmt]
    return f"mapapp-view.{spec.extension}", spec.media_type, exports.export(features, fmt, "view")
