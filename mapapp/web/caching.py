"""HTTP caching of data responses: an ETag made of the data version, and revalidation.

Every JSON and GeoJSON answer under ``CACHED_PREFIXES`` depends only on the data, the URL, the
negotiated format and the language; so its ETag is a digest of those, computed before the view
runs, and a request whose ``If-None-Match`` names it gets a 304 without any query. A browser or
a CDN may keep such an answer ``MAX_AGE`` seconds, then must revalidate. HTML pages are not
cached: each carries its own CSP nonce.
"""

from __future__ import annotations

import hashlib

from flask import Flask, Response, g, request

from mapapp.web.helpers import get_store

__all__ = ["register", "CACHED_PREFIXES", "MAX_AGE"]

CACHED_PREFIXES = ("/api/", "/download/", "/ogc/", "/map/popups/")
#: Seconds a cache may serve a data answer before it revalidates (an ingest shows within it).
MAX_AGE = 60


def _etag() -> str:
    parts = (
        get_store().version(),
        request.full_path,
        request.headers.get("Accept", ""),
        getattr(g, "lang", ""),
    )
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()[:32]


def _cacheable(response: Response, etag: str) -> Response:
    """Give a data answer (a 200, or the 304 that stands for it) its validator and caching
    headers; it varies with the Accept header, which the ETag digests (the other hooks add
    the Vary of the language and, where it applies, of the Origin)."""
    response.set_etag(etag)
    response.cache_control.public = True
    response.cache_control.max_age = MAX_AGE
    response.vary.add("Accept")
    return response


def register(app: Flask) -> None:
    """Give data answers an ETag and Cache-Control, and answer a matching revalidation 304."""

    @app.before_request
    def revalidate():
        if request.method not in ("GET", "HEAD") or not request.path.startswith(CACHED_PREFIXES):
            return None
        g.etag = _etag()
        # A compressed answer's ETag carries the coding ("<tag>:gzip"); a proxy that
        # recompresses sends it back weak (W/"<tag>:gzip"): either names this answer.
        given = request.if_none_match.as_set(include_weak=True)
        matched = next((t for t in given if t == g.etag or t.startswith(g.etag + ":")), None)
        if matched is not None:
            # RFC 9110 15.4.5: a 304 carries the ETag, Cache-Control and Vary the 200 would.
            return _cacheable(app.response_class(status=304), matched)
        return None

    @app.after_request
    def tag(response):
        etag = getattr(g, "etag", None)
        mimetype = response.mimetype or ""
        if etag and response.status_code == 200 and not mimetype.startswith("text/html"):
            _cacheable(response, etag)
        return response
