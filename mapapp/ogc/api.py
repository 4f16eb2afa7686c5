"""The OGC API – Features service object: the store, its query indexes, and one method per
operation, each taking an OgcRequest and returning an OgcResponse."""

from __future__ import annotations

import threading

from mapapp.ogc import items, metadata, openapi
from mapapp.ogc.collections import Collection, collection
from mapapp.ogc.http import OgcRequest, OgcResponse
from mapapp.store import Filter, Store

#: How many matches an items page counts at most for its ``numberMatched``: counting costs
#: about 3 microseconds a match in the R*Trees, so 1,000 cost some 3 ms of a page's time.
COUNT_LIMIT = 1000

__all__ = ["FeaturesApi", "Extent"]

Box = tuple[float, float, float, float]


class Extent:
    """A collection's spatial and temporal extent (None where it has no geometry or date)."""

    def __init__(self, bounds: Box | None, span: tuple[int, int] | None):
        self.bounds, self.span = bounds, span


class FeaturesApi:
    """OGC API – Features (Core, GeoJSON, HTML, OpenAPI 3.0) over one store.

    Queries go to the store's index; a collection's extent is computed once per data version.
    """

    title = "mapapp OGC API – Features"
    description = (
        "The places, peacekeeping posts, routes, events and reference regions drawn from the "
        "articles, every feature linked to the sentences it comes from."
    )

    def __init__(
        self,
        store: Store,
        *,
        default_limit: int = 10,
        max_limit: int = 10000,
        count_limit: int = COUNT_LIMIT,
    ):
        self.store = store
        self.default_limit = default_limit
        self.max_limit = max_limit
        self.count_limit = count_limit
        self._extents: dict[tuple[str, str], Extent] = {}
        self._lock = threading.Lock()

    def layer(self, collection_id: str) -> Collection:
        """Return a collection (NotFound for an unknown id)."""
        return collection(collection_id)

    def extent(self, collection_id: str) -> Extent:
        """Return a collection's extent (computed once per data version)."""
        layer = self.layer(collection_id)
        key = (self.store.version(), layer.id)
        with self._lock:
            found = self._extents.get(key)
        if found is None:
            flt = Filter(layers=(layer.layer_id,), families=layer.families)
            span = self.store.day_range(layer.layer_id, layer.families)
            found = Extent(self.store.bounds(flt), span)
            with self._lock:
                self._extents = {k: v for k, v in self._extents.items() if k[0] == key[0]}
                self._extents[key] = found
        return found

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

    def queryables(self, req: OgcRequest, collection_id: str) -> OgcResponse:
        """``GET /collections/{collectionId}/queryables``"""
        return metadata.queryables(self, req, collection_id)

    def items(self, req: OgcRequest, collection_id: str) -> OgcResponse:
        """``GET /collections/{collectionId}/items``"""
        return items.items(self, req, collection_id)

    def item(self, req: OgcRequest, collection_id: str, feature_id: str) -> OgcResponse:
        """``GET /collections/{collectionId}/items/{featureId}``"""
        return items.item(self, req, collection_id, feature_id)

    def openapi(self, req: OgcRequest) -> OgcResponse:
        """``GET /openapi``"""
        return openapi.openapi(self, req)
