"""Framework-neutral API: layer listings, layer bodies and downloads, as plain data."""

from __future__ import annotations

import re

from mapapp.errors import NotFound
from mapapp.model import LAYER_IDS
from mapapp.store import Store, dump_geojson

__all__ = ["GEOJSON_TYPE", "list_layers", "layer_body", "download"]

GEOJSON_TYPE = "application/geo+json"
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
