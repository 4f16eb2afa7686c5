"""The OpenAPI 3.0 definition of the API, built for the server it is requested from."""

from __future__ import annotations

from mapapp.ogc.crs import CRS84
from mapapp.ogc.crs import SUPPORTED as SUPPORTED_CRS
from mapapp.ogc.http import (
    GEOJSON,
    HTML,
    JSON,
    OPENAPI_JSON,
    SCHEMA_JSON,
    OgcRequest,
    OgcResponse,
    html_response,
    json_response,
)
from mapapp.ogc.metadata import listed, self_links
from mapapp.ogc.negotiate import choose_format
from mapapp.ogc.params import CQL_PARAMS, MAX_QUERY, SHAPE_PARAMS, SORTS, check_names
from mapapp.ogc.schemas import ref, schemas
from mapapp.ogc.service import Service
from mapapp.ogc.temporal import DATETIME_PATTERN
from mapapp.query.cqlfilter import FILTER_LANGS, MAX_FILTER
from mapapp.query.exports import FORMATS

__all__ = ["openapi_document", "openapi"]

_OPENAPI_TYPES = (
    OPENAPI_JSON,
    "application/vnd.oai.openapi+json",
    "application/openapi+json",
    JSON,
)


def _string(description: str, **schema) -> dict:
    return {"type": "string", "minLength": 1, "description": description, **schema}


def _query(name: str, description: str, schema: dict, **extra) -> dict:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema,
        **extra,
    }


def _crs_query(name: str, description: str) -> dict:
    """A parameter naming one of the supported CRSs by URI (Part 2's fragment)."""
    schema = {"type": "string", "format": "uri", "enum": list(SUPPORTED_CRS), "default": CRS84}
    return _query(name, description, schema, style="form", explode=False)


def _parameters(api: Service) -> dict:
    formats = ["json", "html"]
    return {
        "f": _query(
            "f",
            "The response format (else chosen from the Accept header).",
            {"type": "string", "enum": formats},
        ),
        "fItems": _query(
            "f",
            "json/html: a page of features; geojson/csv/kml/gpkg: a download (an attachment "
            "named after the collection) of every matching feature, or of one page when "
            "limit or offset is given.",
            {"type": "string", "enum": [*formats, *FORMATS]},
        ),
        "collectionId": {
            "name": "collectionId",
            "in": "path",
            "required": True,
            # The collections listed (one a geometry family of each layer that has it).
            "schema": {"type": "string", "enum": [c.id for c in listed(api)]},
        },
        "featureId": {
            "name": "featureId",
            "in": "path",
            "required": True,
            "schema": {"type": "string", "minLength": 1},
        },
        "bbox": _query(
            "bbox",
            "minlon,minlat,maxlon,maxlat in WGS 84 (CRS84), or minlon,minlat,minheight,"
            "maxlon,maxlat,maxheight (CRS84h; the features have no height, so any height "
            "range holds them); features whose geometry intersects the box. minlon > maxlon "
            "crosses the antimeridian.",
            {
                "type": "array",
                "oneOf": [{"minItems": 4, "maxItems": 4}, {"minItems": 6, "maxItems": 6}],
                "items": {"type": "number"},
            },
            style="form",
            explode=False,
        ),
        "datetime": _query(
            "datetime",
            "An instant (YYYY, YYYY-MM, YYYY-MM-DD or an RFC 3339 date-time) or an interval "
            "start/end, either end may be '..'. Matches features whose date (at its own "
            "precision: 2020-11 is the whole month) through date_end overlaps it, at day "
            "resolution. Features without a date (no temporal geometry) always match.",
            _string("Instant or interval", pattern=DATETIME_PATTERN),
            style="form",
            explode=False,
        ),
        "limit": _query(
            "limit",
            "Features per page; a value above the maximum is taken as the maximum.",
            {
                "type": "integer",
                "minimum": 1,
                "maximum": api.max_limit,
                "default": api.default_limit,
            },
            style="form",
            explode=False,
        ),
        "offset": _query(
            "offset",
            "Features to skip.",
            {"type": "integer", "minimum": 0, "maximum": 999999999, "default": 0},
        ),
        "event_type": _query(
            "event_type",
            "Only features with this event_type.",
            _string("An event type, e.g. phone_call"),
        ),
        "article_id": _query(
            "article_id", "Only features with a source in this article.", _string("An article id")
        ),
        "kind": _query("kind", "Only features of this kind.", _string("e.g. city, road")),
        "crs": _crs_query(
            "crs",
            "The CRS of the geometries returned (Part 2): CRS84 (the default), EPSG:4326 "
            "(latitude first) or EPSG:3857 (metres); the Content-Crs header names it. JSON "
            "and GeoJSON only: CSV, KML and GeoPackage files are in CRS84.",
        ),
        "bbox-crs": _crs_query(
            "bbox-crs",
            "The CRS of bbox (Part 2), in its own axis order: CRS84 (the default), EPSG:4326 "
            "(minlat,minlon,maxlat,maxlon) or EPSG:3857 (metres).",
        ),
        "filter": _query(
            "filter",
            "A CQL2 expression (Part 3) on the collection's queryables "
            "(/collections/{collectionId}/queryables), joined to the other filters by AND: "
            "comparisons, LIKE, BETWEEN, IN, IS NULL, CASEI, ACCENTI, the spatial functions "
            "(S_INTERSECTS ...) and the temporal functions (T_INTERSECTS ...; time has the "
            "resolution of a day).",
            _string("A CQL2 expression", maxLength=MAX_FILTER),
        ),
        "filter-lang": _query(
            "filter-lang",
            "The encoding of filter.",
            {"type": "string", "enum": list(FILTER_LANGS), "default": FILTER_LANGS[0]},
        ),
        "filter-crs": _query(
            "filter-crs",
            "The CRS of the geometries in filter, in its own axis order: CRS84 (the default), "
            "EPSG:4326 (latitude first) or EPSG:3857.",
            {"type": "string", "format": "uri", "enum": list(SUPPORTED_CRS), "default": CRS84},
        ),
        "q": _query(
            "q",
            "Only features whose names, actors or quotes hold these words (any case, with or "
            "without diacritics), best match first unless sortby is given.",
            _string("Words", maxLength=MAX_QUERY),
        ),
        "sortby": _query(
            "sortby",
            "The order of the features: by date (undated last) or by id, ascending (+, the "
            "default) or descending (-).",
            {"type": "string", "enum": list(SORTS)},
        ),
        "properties": _query(
            "properties",
            "Only these properties in each feature (comma-separated names).",
            {"type": "array", "items": {"type": "string", "pattern": "^[A-Za-z_][A-Za-z0-9_]*$"}},
            style="form",
            explode=False,
        ),
        "skipGeometry": _query(
            "skipGeometry",
            "true: every feature's geometry is null (a lighter page for tables).",
            {"type": "boolean", "default": False},
        ),
        "resulttype": _query(
            "resulttype",
            "hits: no features, only numberMatched (the count, up to the count limit).",
            {"type": "string", "enum": ["results", "hits"], "default": "results"},
        ),
    }


def _html() -> dict:
    return {HTML: {"schema": {"type": "string"}}}


def _responses(schema: str, *types: str, errors: tuple[int, ...] = (400,), files=False) -> dict:
    content = {t: {"schema": ref("schemas", schema)} for t in types}
    if files:
        content.update(
            {
                f.media_type.split(";")[0]: {"schema": {"type": "string", "format": "binary"}}
                for name, f in FORMATS.items()
                if name != "geojson"
            }
        )
    responses = {"200": {"description": "Success", "content": {**content, **_html()}}}
    for status in errors:
        responses[str(status)] = ref("responses", str(status))
    return responses


def _with_link(responses: dict) -> dict:
    """Link a page of features to each feature's own URL (used by clients and fuzzers)."""
    responses["200"]["links"] = {
        "getFirstFeature": {
            "operationId": "getFeature",
            "parameters": {
                "collectionId": "$request.path.collectionId",
                "featureId": "$response.body#/features/0/id",
            },
        }
    }
    return responses


#: The answers every operation may give besides its own: the 304 of a revalidation (every
#: answer carries an ETag, mapapp/web/caching.py), and the server's failures (data it cannot
#: read: 500; its data lock held by a writer: 503), as mapapp/web/errors.py makes them.
_EVERY_OPERATION = ("304", "500", "503")


def _get(summary: str, operation_id: str, params: list[str], responses: dict) -> dict:
    every = {status: ref("responses", status) for status in _EVERY_OPERATION}
    return {
        "get": {
            "summary": summary,
            "operationId": operation_id,
            "tags": ["Features"],
            "parameters": [ref("parameters", p) for p in params],
            "responses": dict(sorted({**responses, **every}.items())),
        }
    }


def openapi_document(api: Service, base_url: str) -> dict:
    """Return the OpenAPI 3.0 document for a server whose landing page is ``base_url``."""
    filters = ["bbox", "bbox-crs", "datetime", "event_type", "article_id", "kind", *CQL_PARAMS]
    error = {
        "description": "{}",
        "content": {JSON: {"schema": ref("schemas", "exception")}, **_html()},
    }
    return {
        "openapi": "3.0.3",
        "info": {"title": api.title, "description": api.description, "version": "1.0.0"},
        "servers": [{"url": base_url}],
        "tags": [{"name": "Features"}],
        "paths": {
            "/": _get("Landing page", "getLandingPage", ["f"], _responses("landingPage", JSON)),
            "/conformance": _get(
                "Conformance classes", "getConformance", ["f"], _responses("confClasses", JSON)
            ),
            "/openapi": _get(
                "This API definition",
                "getOpenAPI",
                ["f"],
                {
                    "200": {
                        "description": "The OpenAPI document",
                        "content": {OPENAPI_JSON: {"schema": {"type": "object"}}, **_html()},
                    },
                    "400": ref("responses", "400"),
                },
            ),
            "/collections": _get(
                "The feature collections", "getCollections", ["f"], _responses("collections", JSON)
            ),
            "/collections/{collectionId}": _get(
                "One collection; filters given here are carried into its item links",
                "describeCollection",
                ["collectionId", "f", *filters],
                _responses("collection", JSON, errors=(400, 404)),
            ),
            "/collections/{collectionId}/items": _get(
                "The features of a collection",
                "getFeatures",
                ["collectionId", "fItems", *filters, *SHAPE_PARAMS, "limit", "offset"],
                _with_link(
                    _responses("featureCollectionGeoJSON", GEOJSON, errors=(400, 404), files=True)
                ),
            ),
            "/collections/{collectionId}/queryables": _get(
                "The properties a collection's items can be filtered by (JSON Schema)",
                "getQueryables",
                ["collectionId", "f"],
                {
                    "200": {
                        "description": "The queryables",
                        "content": {SCHEMA_JSON: {"schema": {"type": "object"}}, **_html()},
                    },
                    "400": ref("responses", "400"),
                    "404": ref("responses", "404"),
                },
            ),
            "/collections/{collectionId}/items/{featureId}": _get(
                "One feature",
                "getFeature",
                ["collectionId", "featureId", "f", "crs"],
                _responses("featureGeoJSON", GEOJSON, errors=(400, 404)),
            ),
        },
        "components": {
            "parameters": _parameters(api),
            "schemas": schemas(),
            "responses": {
                "304": {
                    "description": "Not Modified: the answer named by If-None-Match (its ETag) "
                    "is still current; no body",
                },
                "400": {**error, "description": "A malformed or unknown query parameter"},
                "404": {**error, "description": "No such collection or feature"},
                "500": {**error, "description": "A server error (e.g. a data file it cannot read)"},
                "503": {
                    **error,
                    "description": "The data is busy (a writer holds its lock); try again later",
                },
            },
        },
    }


def _operations(doc: dict) -> list[dict]:
    """Return every operation with its parameters resolved, for the HTML page."""
    parameters = doc["components"]["parameters"]
    return [
        {
            "path": path,
            "summary": item["get"]["summary"],
            "parameters": [
                parameters[ref["$ref"].rsplit("/", 1)[1]] for ref in item["get"]["parameters"]
            ],
        }
        for path, item in doc["paths"].items()
    ]


def openapi(api: Service, req: OgcRequest) -> OgcResponse:
    """Return the OpenAPI document as JSON, or as an HTML page listing the operations."""
    values = check_names(req.params, ("f",))
    fmt = choose_format(values.get("f"), req.accept, {"json": _OPENAPI_TYPES, "html": (HTML,)})
    doc = openapi_document(api, req.base_url)
    if fmt == "html":
        links = self_links(req.base_url, "/openapi", "html", json_type=OPENAPI_JSON)
        context = {"doc": doc, "links": links, "operations": _operations(doc)}
        context["page_title"] = "API definition"
        return html_response(req, "ogc/openapi.html", context)
    return json_response(doc, OPENAPI_JSON)
