"""Framework-neutral request and response values, media types and link helpers."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import quote, urlencode

import orjson

from mapapp.core.model import GEOJSON_MEDIA_TYPE

__all__ = [
    "OgcRequest",
    "OgcResponse",
    "HtmlPage",
    "JSON",
    "GEOJSON",
    "HTML",
    "OPENAPI_JSON",
    "SCHEMA_JSON",
    "json_response",
    "html_response",
    "href",
    "link",
    "now_rfc3339",
]

JSON = "application/json"
GEOJSON = GEOJSON_MEDIA_TYPE
HTML = "text/html"
OPENAPI_JSON = "application/vnd.oai.openapi+json;version=3.0"
SCHEMA_JSON = "application/schema+json"


@dataclass(frozen=True)
class OgcRequest:
    """What the API layer needs from an HTTP request.

    ``base_url`` is the absolute URL of the landing page without its trailing slash (e.g.
    ``http://host/ogc``); ``params`` the query string as ``(name, value)`` pairs, repeats kept.
    """

    base_url: str
    params: tuple[tuple[str, str], ...] = ()
    accept: str | None = None
    #: The site's root URL without its trailing slash (``http://host``): the sources' links
    #: to their sentences are made absolute below it.
    site_url: str = ""

    def param(self, name: str) -> str | None:
        """Return the first value of a query parameter, or None."""
        return next((value for key, value in self.params if key == name), None)


@dataclass(frozen=True)
class HtmlPage:
    """An HTML body still to be rendered: a template name under templates/ and its context."""

    template: str
    context: dict = field(default_factory=dict)


@dataclass(frozen=True)
class OgcResponse:
    """A response as plain data: headers, status and content (bytes, chunks streamed, or a
    page to render)."""

    headers: dict[str, str]
    status: int
    content: bytes | Iterable[bytes] | HtmlPage


def json_response(document: object, media_type: str = JSON, status: int = 200) -> OgcResponse:
    """Return ``document`` serialised as UTF-8 JSON with the given media type."""
    body = orjson.dumps(document)
    return OgcResponse({"Content-Type": media_type, "Vary": "Accept"}, status, body)


def html_response(req: OgcRequest, template: str, context: dict) -> OgcResponse:
    """Return a page to be rendered from ``templates/<template>`` (``base_url`` is added)."""
    headers = {"Content-Type": "text/html; charset=utf-8", "Vary": "Accept"}
    return OgcResponse(headers, 200, HtmlPage(template, {"base_url": req.base_url, **context}))


def href(base_url: str, path: str = "", params: list[tuple[str, str]] | None = None) -> str:
    """Return an absolute URL below the landing page, with an encoded query string.

    ``/``, ``:`` and ``,`` stay readable (``bbox=1,2,3,4``, ``datetime=a/b``), as clients such
    as GDAL compare the query parameters they were given with the ones in our links.
    """
    url = f"{base_url}{path}"
    if params:
        url += "?" + urlencode(params, quote_via=quote, safe="/:,")
    return url


def link(url: str, rel: str, media_type: str, title: str) -> dict:
    """Return one OGC link object."""
    return {"href": url, "rel": rel, "type": media_type, "title": title}


def now_rfc3339() -> str:
    """Return the current UTC time as an RFC 3339 string with second precision."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
