"""Security headers on every response: a Content-Security-Policy with a per-response nonce.

The policy is a second line of defence behind escaping: scripts run only from the app itself
or with the response's nonce (no ``unsafe-inline``, no ``unsafe-eval``), plugins never, images
only from the app, ``data:`` and the tile server, and the page is framed only by the sites the
``FRAME_ANCESTORS`` setting names (``'self'`` by default).
"""

from __future__ import annotations

import re
import secrets
from urllib.parse import urlsplit

from flask import Flask, g

__all__ = ["register", "check_config", "tile_source", "policy"]

_X_FRAME_OPTIONS = {"'none'": "DENY", "'self'": "SAMEORIGIN"}
# A host-source may only use "*" as its leftmost label (CSP 3, section 2.3.1).
_HOST_SOURCE = re.compile(r"^(\*\.)?[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*(:(\d+|\*))?$")


def tile_source(tile_url: str) -> str:
    """Return the CSP source that admits the tile server of ``tile_url`` and no other host.

    A subdomain placeholder (``https://{s}.tile.example.org/...``) becomes a wildcard label;
    a URL whose host cannot be written as a source admits its scheme's hosts instead.
    """
    parts = urlsplit(tile_url)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        return "'self'"  # a relative tile URL: the app serves its own tiles
    host = re.sub(r"^\{[a-z]+\}\.", "*.", parts.netloc.rsplit("@", 1)[-1])
    if not _HOST_SOURCE.match(host):
        return f"{scheme}:"
    return f"{scheme}://{host}"


def policy(nonce: str, tile_url: str, frame_ancestors: str) -> str:
    """Return the Content-Security-Policy of a response whose inline scripts carry ``nonce``."""
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' 'nonce-{nonce}'",
            # Leaflet positions its layers with style attributes, and folium's head has <style>.
            "style-src 'self' 'unsafe-inline'",
            f"img-src 'self' data: {tile_source(tile_url)}",
            "connect-src 'self'",
            "font-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            f"frame-ancestors {frame_ancestors}",
        ]
    )


def check_config(config) -> None:
    """Refuse settings that would break the policy header (ValueError names the setting)."""
    value = str(config["FRAME_ANCESTORS"])
    if not value.strip() or any(c in value for c in ';,\r\n"<>'):
        raise ValueError(
            f"FRAME_ANCESTORS must be CSP sources separated by spaces, e.g. \"'self'\": {value!r}"
        )


def csp_nonce() -> str:
    """Return this response's script nonce (made on first use)."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(18)
    return g.csp_nonce


def register(app: Flask) -> None:
    """Give templates ``csp_nonce`` and every response the security headers."""

    @app.context_processor
    def nonce():
        return {"csp_nonce": csp_nonce()}

    @app.after_request
    def headers(response):
        config = app.config
        response.headers["Content-Security-Policy"] = policy(
            csp_nonce(), config["TILE_URL"], config["FRAME_ANCESTORS"]
        )
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        legacy = _X_FRAME_OPTIONS.get(config["FRAME_ANCESTORS"].strip())
        if legacy:  # for browsers that predate frame-ancestors
            response.headers.setdefault("X-Frame-Options", legacy)
        return response
