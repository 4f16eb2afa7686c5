"""The items of a collection (filtered, paged, or downloaded as a file) and single features."""

from __future__ import annotations

from urllib.parse import quote

from mapapp.core.errors import NotFound
from mapapp.ogc.http import (
    GEOJSON,
    HTML,
    JSON,
    OgcRequest,
    OgcResponse,
    href,
    html_response,
    json_response,
    link,
    now_rfc3339,
)
from mapapp.ogc.metadata import self_links
from mapapp.ogc.negotiate import choose_format
from mapapp.ogc.params import ITEMS_PARAMS, ItemsQuery, check_names, parse_items_query
from mapapp.ogc.service import Service
from mapapp.query import exports

__all__ = ["ITEMS_FORMATS", "download_links", "items", "item"]

#: Formats of an items request: name -> media types. ``json`` and ``html`` are pages;
#: the others are downloads of every matching feature.
ITEMS_FORMATS: dict[str, tuple[str, ...]] = {
    "json": (GEOJSON, JSON),
    "html": (HTML,),
    **{name: (f.media_type.split(";")[0],) for name, f in exports.FORMATS.items()},
}
# GeoJSON shares its media type with the JSON page, so that download is chosen with f= only.
_NEGOTIABLE = ("json", "html", "csv", "kml", "gpkg")
_DOWNLOAD = "Download as"


def _download(features: list[dict], fmt: str, collection_id: str) -> OgcResponse:
    spec = exports.FORMATS[fmt]
    headers = {
        "Content-Type": spec.media_type,
        "Content-Disposition": f'attachment; filename="{collection_id}.{spec.extension}"',
        "Vary": "Accept",
    }
    return OgcResponse(headers, 200, exports.export(features, fmt, collection_id))


def download_links(base: str, path: str, params: list[tuple[str, str]]) -> list[dict]:
    """Return one ``alternate`` link per download format for the same query."""
    return [
        link(
            href(base, path, [*params, ("f", name)]),
            "alternate",
            f.media_type,
            f"{_DOWNLOAD} {f.title}",
        )
        for name, f in exports.FORMATS.items()
    ]


def _links(
    req: OgcRequest,
    collection_id: str,
    query: ItemsQuery,
    fmt: str,
    page: tuple[int, int, int],
) -> list[dict]:
    """Return self/alternate/download links (paging kept only if given), next/prev, collection.

    ``page`` is ``(limit, offset, numberMatched)``: there is a ``next`` while features remain.
    """
    base, path = req.base_url, f"/collections/{collection_id}/items"
    filters = list(query.passthrough)
    paging = []
    if query.limit is not None:
        paging.append(("limit", str(query.limit)))
    if query.offset is not None:
        paging.append(("offset", str(query.offset)))
    links = self_links(base, path, fmt, filters + paging, json_type=GEOJSON)
    links += download_links(base, path, filters + paging)
    limit, offset, matched = page
    page_type = GEOJSON if fmt == "json" else HTML
    if offset + limit < matched:
        params = [*filters, ("limit", str(limit)), ("offset", str(offset + limit)), ("f", fmt)]
        links.append(link(href(base, path, params), "next", page_type, "Next page"))
    if offset > 0:
        params = [*filters, ("limit", str(limit)), ("offset", str(max(0, offset - limit)))]
        links.append(
            link(href(base, path, [*params, ("f", fmt)]), "prev", page_type, "Previous page")
        )
    links.append(
        link(href(base, f"/collections/{collection_id}"), "collection", JSON, "The collection")
    )
    return links


def items(api: Service, req: OgcRequest, collection_id: str) -> OgcResponse:
    """Return a page of a collection's features matching the query, or all of them as a file.

    Pages default to ``api.default_limit`` features. Downloads (``f=geojson|csv|kml|gpkg``)
    hold every matching feature unless ``limit`` or ``offset`` is given.
    """
    values = check_names(req.params, ITEMS_PARAMS)
    fmt = choose_format(values.get("f"), req.accept, ITEMS_FORMATS, _NEGOTIABLE)
    layer = api.layer(collection_id)
    query = parse_items_query(values, api.max_limit)
    index = api.index(layer.id)
    found = index.query(query.boxes, query.span, query.filters)
    matched = len(found)
    limit, offset = query.limit or api.default_limit, query.offset or 0
    if fmt in exports.FORMATS:
        if query.limit is not None or query.offset is not None:
            found = found[offset : offset + limit]
        return _download([index.features[i] for i in found], fmt, layer.id)
    features = [index.features[i] for i in found[offset : offset + limit]]
    links = _links(req, layer.id, query, fmt, (limit, offset, matched))
    doc = {
        "type": "FeatureCollection",
        "features": features,
        "numberMatched": matched,
        "numberReturned": len(features),
        "timeStamp": now_rfc3339(),
        "links": links,
    }
    if fmt == "html":
        downloads = [x for x in links if x["title"].startswith(_DOWNLOAD)]
        context = {"doc": doc, "layer": layer, "offset": offset, "downloads": downloads}
        return html_response(req, "ogc/items.html", {**context, "page_title": layer.title})
    return json_response(doc, GEOJSON)


def item(api: Service, req: OgcRequest, collection_id: str, feature_id: str) -> OgcResponse:
    """Return one feature of a collection (NotFound if that collection has no such feature)."""
    values = check_names(req.params, ("f",))
    fmt = choose_format(values.get("f"), req.accept, {"json": (GEOJSON, JSON), "html": (HTML,)})
    layer = api.layer(collection_id)
    snapshot = api.store.snapshot()
    if snapshot.feature_layer.get(feature_id) != layer.id:
        raise NotFound(f"collection {layer.id!r} has no feature {feature_id!r}")
    feature = snapshot.features[feature_id]
    base = req.base_url
    path = f"/collections/{layer.id}/items/{quote(feature_id, safe='')}"
    doc = {
        **feature,
        "links": [
            *self_links(base, path, fmt, json_type=GEOJSON),
            link(href(base, f"/collections/{layer.id}"), "collection", JSON, layer.title),
        ],
    }
    if fmt == "html":
        context = {"doc": doc, "layer": layer, "page_title": feature_id}
        return html_response(req, "ogc/item.html", context)
    return json_response(doc, GEOJSON)
