"""Cross-origin reads of the public API (CORS): a web map on another site may GET the OGC API,
the JSON API and the downloads. Only reading methods are allowed, and no credentials.

``CORS_ORIGINS`` (environment ``MAPAPP_CORS_ORIGINS``) is ``*`` (any site, the default), a
space-separated list of origins (``https://news.example https://maps.example``), or empty
(no cross-origin reads)."""

from __future__ import annotations

import re

from flask import Flask, request

__all__ = ["register", "check_config", "PREFIXES"]

#: The paths whose answers other sites may read.
PREFIXES = ("/ogc/", "/api/", "/download/")
_ORIGIN = re.compile(r"^https?://[A-Za-z0-9.-]+(:\d{1,5})?$")
#: What a cross-origin script may read of an answer besides the CORS-safelisted headers.
_EXPOSED = "ETag, Link, Content-Disposition, Content-Crs"
_REQUEST_HEADERS = "Accept, Accept-Language, If-None-Match, If-Modified-Since"
_PREFLIGHT_SECONDS = 86400


def _origins(value: object) -> tuple[str, ...]:
    return tuple(str(value or "").split())


def check_config(config) -> None:
    """Refuse a CORS_ORIGINS that is not ``*``, empty, or origins (ValueError names it)."""
    origins = _origins(config.get("CORS_ORIGINS", "*"))
    if origins == ("*",):
        return
    bad = [o for o in origins if not _ORIGIN.match(o)]
    if bad:
        raise ValueError(
            "CORS_ORIGINS must be '*' or origins separated by spaces, such as "
            f"'https://news.example': {' '.join(bad)!r}"
        )


def register(app: Flask) -> None:
    """Add the CORS headers to the public API's answers and answer its preflights."""
    app.config.setdefault("CORS_ORIGINS", "*")
    check_config(app.config)

    @app.after_request
    def cors(response):
        if not request.path.startswith(PREFIXES):
            return response
        allowed = _origins(app.config["CORS_ORIGINS"])
        origin = request.headers.get("Origin")
        if allowed == ("*",):
            response.headers["Access-Control-Allow-Origin"] = "*"
        elif origin and origin in allowed:
            response.headers["Access-Control-Allow-Origin"] = origin
            response.vary.add("Origin")
        else:
            if allowed:
                response.vary.add("Origin")
            return response
        response.headers["Access-Control-Expose-Headers"] = _EXPOSED
        if request.method == "OPTIONS":
            response.headers["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
            response.headers["Access-Control-Allow-Headers"] = _REQUEST_HEADERS
            response.headers["Access-Control-Max-Age"] = str(_PREFLIGHT_SECONDS)
        return response
