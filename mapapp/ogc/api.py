"""The OGC API – Features service object: the store, its query indexes, and one method per
operation, each taking an OgcRequest and returning an OgcResponse."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from mapapp.core.dayspan import feature_span
from mapapp.core.errors import NotFound
from mapapp.core.model import LAYERS, Layer
from mapapp.core.text import nfc
from mapapp.ogc import items, metadata, openapi
from mapapp.ogc.http import OgcRequest, OgcResponse
from mapapp.query.spatial import IndexCache, LayerIndex
from mapapp.store.layers import Store

__all__ = ["FeaturesApi", "FILTER_VALUES", "build_index"]


def _text(name: str):
    def values(properties: dict) -> Iterable[str]:
        value = properties.get(name)
        return (nfc(value),) if isinstance(value, str) else ()

    return values


def _article_ids(properties: dict) -> Iterable[str]:
    sources = properties.get("sources")
    if not isinstance(sources, list):
        return ()
    return tuple(
        nfc(s["article_id"])
        for s in sources
        if isinstance(s, dict) and isinstance(s.get("article_id"), str)
    )


#: How each property filter reads a feature's values.
FILTER_VALUES = {
    "kind": _text("kind"),
    "event_type": _text("event_type"),
    "article_id": _article_ids,
}


def build_index(features: Sequence[dict]) -> LayerIndex:
    """Return the query index of one layer's features."""
    return LayerIndex(features, feature_span, FILTER_VALUES)


class FeaturesApi:
    """OGC API – Features (Core, GeoJSON, HTML, OpenAPI 3.0) over one store.

    Indexes are built on a layer's first query after each reload of the data, under a lock;
    a server with several threads shares them.
    """

    title = "mapapp OGC API – Features"
    description = (
        "The places, peacekeeping posts, routes, events and reference regions drawn from the "
        "articles, every feature linked to the sentences it comes from."
    )

    def __init__(self, store: Store, *, default_limit: int = 10, max_limit: int = 10000):
        self.store = store
        self.default_limit = default_limit
        self.max_limit = max_limit
        self._indexes = IndexCache(build_index)

    def layer(self, collection_id: str) -> Layer:
        """Return a collection's layer (NotFound for an unknown id)."""
        for layer in LAYERS:
            if layer.id == collection_id:
                return layer
        raise NotFound(f"unknown collection {collection_id!r}")

    def index(self, collection_id: str) -> LayerIndex:
        """Return the query index of a collection in the store's current snapshot."""
        layer = self.layer(collection_id)
        snapshot = self.store.snapshot()
        return self._indexes.get(snapshot, layer.id, snapshot.layers[layer.id]["features"])

    def landing(self, req: OgcRequest) -> OgcResponse:
        """``GET /``"""
        return metadata.landing(self, req)

    def conformance(self, req: OgcRequest) -> OgcResponse:
        """``GET /conformance``"""
        return metadata.conformance(req)

    def collections(self, req: OgcRequest) -> OgcResponse:
        """``GET /collections``"""
        return metadata.collections(self, req)

    def collection(self, req: OgcRequest, collection_id: str) -> OgcResponse:
        """``GET /collections/{collectionId}``"""
        return metadata.collection(self, req, collection_id)

    def items(self, req: OgcRequest, collection_id: str) -> OgcResponse:
        """``GET /collections/{collectionId}/items``"""
        return items.items(self, req, collection_id)

    def item(self, req: OgcRequest, collection_id: str, feature_id: str) -> OgcResponse:
        """``GET /collections/{collectionId}/items/{featureId}``"""
        return items.item(self, req, collection_id, feature_id)

    def openapi(self, req: OgcRequest) -> OgcResponse:
        """``GET /openapi``"""
        return openapi.openapi(self, req)
