"""The landing page, conformance declaration and collection descriptions."""

from __future__ import annotations

from mapapp.core.vocabulary import EVENT_TYPE_KEYS
from mapapp.ogc.collections import COLLECTIONS, Collection
from mapapp.ogc.crs import CRS84, check_crs, movers_to_crs84
from mapapp.ogc.crs import SUPPORTED as SUPPORTED_CRS
from mapapp.ogc.http import (
    GEOJSON,
    HTML,
    JSON,
    OPENAPI_JSON,
    SCHEMA_JSON,
    OgcRequest,
    OgcResponse,
    href,
    html_response,
    json_response,
    link,
)
from mapapp.ogc.negotiate import choose_format
from mapapp.ogc.params import FILTER_PARAMS, check_names, parse_items_query
from mapapp.ogc.service import Service
from mapapp.ogc.temporal import interval_strings
from mapapp.query.cqlfilter import CONFORMANCE as CQL_CONFORMANCE
from mapapp.query.cqlfilter import parse_filter
from mapapp.query.cqlfilter import queryables as cql_queryables
from mapapp.query.exports import FORMATS

__all__ = [
    "CONFORMANCE",
    "CRS84",
    "PAGE_FORMATS",
    "self_links",
    "landing",
    "conformance",
    "collections",
    "collection",
    "collection_document",
]

CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    # Part 2: responses and bbox in EPSG:4326 and EPSG:3857 besides CRS84.
    "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
    # Part 3: queryables, and CQL2 filters on the items.
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter",
    *CQL_CONFORMANCE,
]
GREGORIAN = "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian"
#: The formats of every resource other than items: name -> media types (first is ours).
PAGE_FORMATS = {"json": (JSON,), "html": (HTML,)}
_NAMES = {"json": "JSON", "html": "HTML"}


def self_links(
    base: str, path: str, fmt: str, params: list[tuple[str, str]] | None = None, json_type=JSON
) -> list[dict]:
    """Return ``self`` (in ``fmt``) and ``alternate`` (the other of JSON and HTML) links."""
    types = {"json": json_type, "html": HTML}
    return [
        link(
            href(base, path, [*(params or []), ("f", name)]),
            "self" if name == fmt else "alternate",
            types[name],
            f"This document as {_NAMES[name]}",
        )
        for name in (fmt, *(n for n in types if n != fmt))
    ]


def _page_format(req: OgcRequest, allowed: tuple[str, ...] = ("f",)) -> tuple[str, dict]:
    values = check_names(req.params, allowed)
    return choose_format(values.get("f"), req.accept, PAGE_FORMATS), values


def _respond(req: OgcRequest, fmt: str, doc: dict, template: str, **context) -> OgcResponse:
    if fmt == "html":
        return html_response(req, template, {"doc": doc, **context})
    return json_response(doc)


def landing(api: Service, req: OgcRequest) -> OgcResponse:
    """Return the landing page: what this service is and where everything else is."""
    fmt, _ = _page_format(req)
    base = req.base_url
    doc = {
        "title": api.title,
        "description": api.description,
        "links": [
            *self_links(base, "/", fmt),
            link(
                href(base, "/openapi", [("f", "json")]),
                "service-desc",
                OPENAPI_JSON,
                "The API definition (OpenAPI 3.0, JSON)",
            ),
            link(
                href(base, "/openapi", [("f", "html")]),
                "service-doc",
                HTML,
                "The API documentation (HTML)",
            ),
            link(href(base, "/conformance"), "conformance", JSON, "Conformance classes"),
            link(href(base, "/collections"), "data", JSON, "The feature collections"),
        ],
    }
    return _respond(req, fmt, doc, "ogc/landing.html", page_title=api.title)


def conformance(req: OgcRequest) -> OgcResponse:
    """Return the conformance classes this API implements."""
    fmt, _ = _page_format(req)
    doc = {
        "conformsTo": CONFORMANCE,
        "links": self_links(req.base_url, "/conformance", fmt),
    }
    return _respond(req, fmt, doc, "ogc/conformance.html", page_title="Conformance")


def _extent(api: Service, layer_id: str) -> dict:
    found = api.extent(layer_id)
    extent: dict = {}
    if found.bounds is not None:
        extent["spatial"] = {"bbox": [[round(v, 6) for v in found.bounds]], "crs": CRS84}
    if found.span is not None:
        extent["temporal"] = {"interval": [interval_strings(found.span)], "trs": GREGORIAN}
    return extent


def collection_document(
    api: Service, req: OgcRequest, layer: Collection, passthrough: list[tuple[str, str]]
) -> dict:
    """Return one collection's description with its extent and its items in every
    encoding (/req/core/fc-md-items-links A: pages and downloads alike)."""
    base, items = req.base_url, f"/collections/{layer.id}/items"
    links = [
        link(href(base, items, passthrough), "items", GEOJSON, "The features (GeoJSON)"),
        link(
            href(base, items, [*passthrough, ("f", "html")]), "items", HTML, "The features (HTML)"
        ),
    ]
    links.append(
        link(
            href(base, f"/collections/{layer.id}/queryables"),
            QUERYABLES_REL,
            SCHEMA_JSON,
            "The properties the features can be filtered by",
        )
    )
    if layer.id in LICENSES:
        links.append(link(*LICENSES[layer.id]))
    links += [
        link(
            href(base, items, [*passthrough, ("f", name)]),
            # The GeoJSON download is the items' first encoding again, as one file: a client
            # paging through the items must not take it for them.
            "enclosure" if name == "geojson" else "items",
            f.media_type,
            f"Download every feature as {f.title}",
        )
        for name, f in FORMATS.items()
    ]
    return {
        "id": layer.id,
        "title": layer.title,
        "description": layer.description,
        "itemType": "feature",
        # What every feature's geometry is served as (one type a collection, for GIS clients).
        "geometryType": layer.geometry_type,
        "crs": list(SUPPORTED_CRS),
        "storageCrs": CRS84,
        "extent": _extent(api, layer.id),
        "links": links,
    }


def listed(api: Service) -> list[Collection]:
    """The collections the service lists: each layer's first, and another of its geometry
    families only if it holds a feature (the extent, kept per data version, tells)."""
    return [c for c in COLLECTIONS if c.unplaced or api.extent(c.id).bounds is not None]


def collections(api: Service, req: OgcRequest) -> OgcResponse:
    """Return every collection with its extent and links."""
    fmt, _ = _page_format(req)
    docs = []
    for layer in listed(api):
        doc = collection_document(api, req, layer, [])
        # The collection's own ``self`` link, so its page holds every link listed here
        # (/req/core/sfc-md-success B).
        own = href(req.base_url, f"/collections/{layer.id}", [("f", "json")])
        doc["links"].insert(0, link(own, "self", JSON, layer.title))
        docs.append(doc)
    doc = {"links": self_links(req.base_url, "/collections", fmt), "collections": docs}
    return _respond(req, fmt, doc, "ogc/collections.html", page_title="Collections")


def collection(api: Service, req: OgcRequest, collection_id: str) -> OgcResponse:
    """Return one collection; filter parameters given here are carried into its item links."""
    fmt, values = _page_format(req, ("f", *FILTER_PARAMS))
    layer = api.layer(collection_id)
    query = parse_items_query(values, api.max_limit)
    if query.cql is not None:  # checked here too: a bad filter is a 400 wherever it is given
        text, lang, crs = query.cql
        parse_filter(
            text, lang, layer.layer_id, movers=movers_to_crs84(check_crs("filter-crs", crs))
        )
    passthrough = list(query.passthrough)
    doc = collection_document(api, req, layer, passthrough)
    doc["links"][:0] = self_links(req.base_url, f"/collections/{layer.id}", fmt, passthrough)
    return _respond(req, fmt, doc, "ogc/collection.html", page_title=layer.title)


#: The licence of a collection whose geometry is another's data, as a ``license`` link
#: (an IANA link relation, RFC 8288): the country outlines are
#: Natural Earth's, in the public domain (geodata/reference/README.md).
LICENSES = {
    "regions": (
        "https://www.naturalearthdata.com/about/terms-of-use/",
        "license",
        "text/html",
        "Natural Earth outlines: public domain",
    )
}

#: The link relation of a collection's queryables (OGC API – Features – Part 3).
QUERYABLES_REL = "http://www.opengis.net/def/rel/ogc/1.0/queryables"


def queryables(api: Service, req: OgcRequest, collection_id: str) -> OgcResponse:
    """Return the properties a collection's items can be filtered by, as a JSON Schema: the
    geometry (``bbox``), the date span (``datetime``), and the property filters."""
    values = check_names(req.params, ("f",))
    formats = {"json": (SCHEMA_JSON, JSON), "html": (HTML,)}
    fmt = choose_format(values.get("f"), req.accept, formats)
    layer = api.layer(collection_id)
    geometry = f"geometry-{layer.geometry_type.lower()}"
    properties = {q.name: q.schema(geometry) for q in cql_queryables(layer.layer_id).values()}
    if "event_type" in properties:
        properties["event_type"]["enum"] = list(EVENT_TYPE_KEYS)
    doc = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": href(req.base_url, f"/collections/{layer.id}/queryables"),
        "type": "object",
        "title": layer.title,
        "properties": properties,
        # A filter naming anything else is refused (/req/queryables/get-queryables-response G).
        "additionalProperties": False,
    }
    if fmt == "html":
        path = f"/collections/{layer.id}/queryables"
        context = {
            "doc": doc,
            "layer": layer,
            "links": [
                link(href(req.base_url, path, [("f", "json")]), "alternate", SCHEMA_JSON,
                     "This document as JSON Schema"),
                link(href(req.base_url, f"/collections/{layer.id}"), "collection", JSON,
                     layer.title),
            ],
            "page_title": f"{layer.title}: queryables",
        }  # fmt: skip
        return html_response(req, "ogc/queryables.html", context)
    return json_response(doc, SCHEMA_JSON)
