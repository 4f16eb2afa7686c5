"""The items of a collection (filtered, paged, or downloaded as a file) and single features."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote

from mapapp.core.errors import BadParameter, NotFound
from mapapp.core.links import absolute_sources
from mapapp.ogc.collections import Collection, served, served_geometry
from mapapp.ogc.crs import CRS84, check_crs, movers_to_crs84, reproject
from mapapp.ogc.crs import header as crs_header
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
from mapapp.query.cqlfilter import parse_filter
from mapapp.query.layers import stream_collection
from mapapp.store import Filter
from mapapp.store.rows import FAMILIES, overlay_of

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


#: The most features a download in a format written whole (CSV, KML, GeoPackage) holds;
#: GeoJSON streams any number.
MAX_WHOLE_DOWNLOAD = 100_000


def filter_of(found_in: Collection, query: ItemsQuery) -> Filter:
    """Return the index filter of an items query (a bbox is tested against the shapes, and
    matches the features without geometry too, /req/core/fc-bbox-response C)."""
    values = dict(query.filters)
    boxes, where, days, overlays = query.boxes, None, query.span, None
    if query.cql is not None:
        text, lang, crs = query.cql
        movers = movers_to_crs84(check_crs("filter-crs", crs))
        condition = parse_filter(
            text, lang, found_in.layer_id, boxes is not None, movers, days is not None
        )
        boxes = condition.boxes if boxes is None else boxes
        where = (condition.sql, condition.args) if condition.sql != "1" else None
        days = condition.days if days is None else days
        if condition.event_types is not None:
            overlays = tuple(overlay_of("events", {"event_type": t}) for t in condition.event_types)
    return Filter(
        layers=(found_in.layer_id,),
        overlays=overlays,
        families=found_in.families,
        boxes=boxes,
        nowhere=query.boxes is not None,
        where=where,
        days=days,
        # A feature with no date has no temporal geometry: every datetime matches it
        # (/req/core/fc-time-response C); a filter's T_INTERSECTS is NULL for it.
        undated=query.span is not None or days is None,
        equals=tuple((k, values[k]) for k in ("kind", "event_type") if k in values),
        article=values.get("article_id"),
        text=query.text,
    )


def _pages(api: Service, flt: Filter, window: tuple[int, int] | None, site: str) -> Iterator[dict]:
    """Yield the matching features (only those in ``window``, (limit, offset), if given),
    their sources' links absolute below ``site``."""
    limit, offset = window if window else (None, 0)
    batch = 500
    while limit is None or limit > 0:
        size = batch if limit is None else min(batch, limit)
        page = api.store.select(flt, size, offset)
        yield from (absolute_sources(f, site) for f in page)
        if len(page) < size:
            return
        offset += size
        if limit is not None:
            limit -= size


def _download(
    api: Service,
    flt: Filter,
    fmt: str,
    found_in: Collection,
    window: tuple[int, int] | None,
    site: str,
    crs: str,
    links: list[dict],
) -> OgcResponse:
    spec = exports.FORMATS[fmt]
    headers = {
        "Content-Type": spec.media_type,
        "Content-Disposition": f'attachment; filename="{found_in.id}.{spec.extension}"',
        "Vary": "Accept",
        # The page's links, for a file that cannot hold them (/req/core/fc-links A).
        "Link": _link_header(links),
    }
    if crs != CRS84 and fmt != "geojson":
        raise BadParameter("crs", f"{spec.title} files are written in WGS 84 longitude, latitude")
    features = (
        served(reproject(f, crs), found_in) if fmt == "geojson" else
        {**f, "geometry": served_geometry(f.get("geometry"), found_in.geometry_type)}
        for f in _pages(api, flt, window, site)
    )  # fmt: skip
    if fmt == "geojson":
        stream = stream_collection(features, links)
        return OgcResponse({**headers, **crs_header(crs)}, 200, stream)
    matched = api.store.count(flt) if window is None else window[0]
    if matched > MAX_WHOLE_DOWNLOAD:
        raise BadParameter(
            "f",
            f"more than {MAX_WHOLE_DOWNLOAD:,} features match, too many for {spec.title}: "
            "narrow the query (bbox, datetime, limit), or download GeoJSON",
        )
    return OgcResponse(headers, 200, exports.export(list(features), fmt, found_in.id))


def _link_header(links: list[dict]) -> str:
    """The ``self`` and ``alternate`` links as an HTTP ``Link`` header (RFC 8288)."""
    return ", ".join(
        f'<{x["href"]}>; rel="{x["rel"]}"; type="{x["type"]}"'
        for x in links
        if x["rel"] in ("self", "alternate")
    )


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
    page: tuple[int, int, bool],
) -> list[dict]:
    """Return self/alternate/download links (paging kept only if given), next/prev, collection.

    ``page`` is ``(limit, offset, more)``: there is a ``next`` if features remain.
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
    limit, offset, more = page
    page_type = GEOJSON if fmt == "json" else HTML
    if more:
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


def _file_links(req: OgcRequest, found_in: Collection, query: ItemsQuery, fmt: str) -> list:
    """The links of a download: itself, the same query as a page in JSON and HTML, and the
    collection."""
    base, path = req.base_url, f"/collections/{found_in.id}/items"
    params = list(query.passthrough)
    params += [(k, str(v)) for k, v in (("limit", query.limit), ("offset", query.offset)) if v]
    spec = exports.FORMATS[fmt]
    return [
        link(href(base, path, [*params, ("f", fmt)]), "self", spec.media_type.split(";")[0],
             f"This file ({spec.title})"),
        link(href(base, path, [*params, ("f", "json")]), "alternate", GEOJSON,
             "These features as a GeoJSON page"),
        link(href(base, path, [*params, ("f", "html")]), "alternate", HTML,
             "These features as an HTML page"),
        link(href(base, f"/collections/{found_in.id}"), "collection", JSON, "The collection"),
    ]  # fmt: skip


def items(api: Service, req: OgcRequest, collection_id: str) -> OgcResponse:
    """Return a page of a collection's features matching the query, or all of them as a file.

    Pages default to ``api.default_limit`` features. Downloads (``f=geojson|csv|kml|gpkg``)
    hold every matching feature unless ``limit`` or ``offset`` is given. In GeoJSON, each
    feature is served as its collection serves it (``collections.served``).
    """
    values = check_names(req.params, ITEMS_PARAMS)
    fmt = choose_format(values.get("f"), req.accept, ITEMS_FORMATS, _NEGOTIABLE)
    found_in = api.layer(collection_id)
    query = parse_items_query(values, api.max_limit)
    flt = filter_of(found_in, query)
    limit, offset = query.limit or api.default_limit, query.offset or 0
    if fmt in exports.FORMATS:
        paged = query.limit is not None or query.offset is not None
        window = (limit, offset) if paged else None
        links = _file_links(req, found_in, query, fmt)
        return _download(api, flt, fmt, found_in, window, req.site_url, query.crs, links)
    order = query.order or ("rank" if query.text else "layer")
    features: list = []
    if not query.hits:
        features = api.store.select(flt, limit, offset, order=order)
    # A GIS opens the sources' links (absolute), reads one geometry type and flat
    # properties; the HTML page shows the same, its nested values as lists.
    site = req.site_url
    features = [reproject(absolute_sources(f, site), query.crs) for f in features]
    if fmt == "json":
        features = [served(f, found_in) for f in features]
    else:
        features = [served_html(f, found_in) for f in features]
    if query.properties is not None or query.skip_geometry:
        features = [_shaped(f, query.properties, query.skip_geometry) for f in features]
    # Counting every match costs as many as there are: past ``count_limit`` the page says
    # nothing of their number (/req/core/fc-numberMatched B), and has a next page if full.
    matched = api.store.count_upto(flt, api.count_limit)
    more = offset + limit < matched if matched is not None else len(features) == limit
    more = more and not query.hits
    links = _links(req, found_in.id, query, fmt, (limit, offset, more))
    doc: dict = {
        "type": "FeatureCollection",
        "features": features,
        **({"numberMatched": matched} if matched is not None else {}),
        "numberReturned": len(features),
        "timeStamp": now_rfc3339(),
        "links": links,
    }
    if fmt == "html":
        downloads = [x for x in links if x["title"].startswith(_DOWNLOAD)]
        context = {
            "doc": doc,
            "layer": found_in,
            "offset": offset,
            "downloads": downloads,
            "count_limit": api.count_limit,
        }
        return html_response(req, "ogc/items.html", {**context, "page_title": found_in.title})
    return _with_crs(json_response(doc, GEOJSON), query.crs)


def _with_crs(response: OgcResponse, crs: str) -> OgcResponse:
    """The response with its ``Content-Crs`` header (/req/crs/ogc-crs-header)."""
    response.headers.update(crs_header(crs))
    return response


def served_html(feature: dict, found_in: Collection) -> dict:
    """A feature as an HTML page shows it: its geometry as served, properties as stored."""
    return {**feature, "geometry": served_geometry(feature.get("geometry"), found_in.geometry_type)}


def _holds(found_in: Collection, feature: dict) -> bool:
    """True if the collection holds the feature (its layer, and its geometry's family)."""
    if (feature.get("properties") or {}).get("layer") != found_in.layer_id:
        return False
    geometry = feature.get("geometry")
    family = FAMILIES.get(str(geometry.get("type"))) if isinstance(geometry, dict) else None
    return found_in.families is None or family in found_in.families


def _shaped(feature: dict, properties: tuple[str, ...] | None, skip_geometry: bool) -> dict:
    """A feature with only the properties asked for, and no geometry if asked so."""
    out = dict(feature)
    if properties is not None:
        props = feature.get("properties") or {}
        out["properties"] = {k: props[k] for k in properties if k in props}
    if skip_geometry:
        out["geometry"] = None
    return out


def item(api: Service, req: OgcRequest, collection_id: str, feature_id: str) -> OgcResponse:
    """Return one feature of a collection (NotFound if that collection has no such feature)."""
    values = check_names(req.params, ("f", "crs"))
    fmt = choose_format(values.get("f"), req.accept, {"json": (GEOJSON, JSON), "html": (HTML,)})
    crs = check_crs("crs", values.get("crs"))
    layer = api.layer(collection_id)
    try:
        feature = api.store.feature(feature_id)
    except NotFound:
        feature = None
    if feature is None or not _holds(layer, feature):
        raise NotFound(f"collection {layer.id!r} has no feature {feature_id!r}")
    feature = reproject(absolute_sources(feature, req.site_url), crs)
    feature = served(feature, layer) if fmt == "json" else served_html(feature, layer)
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
    return _with_crs(json_response(doc, GEOJSON), crs)
