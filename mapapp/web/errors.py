"""Translate errors into responses once: JSON under /api, /download and (unless HTML is asked
for) /ogc, HTML elsewhere."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import BadHost, HTTPException

from mapapp.core.errors import MapappError
from mapapp.ogc.negotiate import wants_html
from mapapp.web.helpers import valid_host

__all__ = ["register"]

_JSON_PREFIXES = ("/api/", "/download/", "/map/popups/")
_BAD_HOST = "bad Host header: not a valid host name"


def _wants_json() -> bool:
    if request.path.startswith("/ogc/"):
        return not wants_html(request.args.get("f"), request.headers.get("Accept"))
    return request.path.startswith(_JSON_PREFIXES)


def _stylesheet() -> str:
    """The pages' stylesheet, addressed without the URL adapter: a request with a bad Host
    header has none, and its error page must still render."""
    return f"{request.script_root}/static/pages.css"


#: The ``code`` of an OGC API exception (Part 1, openapi/schemas/exception.yaml) by status.
_OGC_CODES = {
    400: "InvalidParameterValue",
    404: "NotFound",
    405: "MethodNotAllowed",
    406: "NotAcceptable",
    413: "PayloadTooLarge",
    503: "ServiceUnavailable",
}


def _respond(status: int, message: str):
    if _wants_json():
        if request.path.startswith("/ogc/"):
            # The OGC exception schema: a required "code", and a "description".
            code = _OGC_CODES.get(status, "ServerError" if status >= 500 else "BadRequest")
            return jsonify(code=code, description=message), status
        return jsonify(error=message), status
    page = render_template("error.html", status=status, message=message, stylesheet=_stylesheet())
    return page, status


def _check_host() -> None:
    """Answer 400 to a request whose Host header is not a host name (links are built on it)."""
    if not valid_host(request.host):
        raise BadHost()


def register(app: Flask) -> None:
    """Install the error handlers on ``app``, and the check that refuses a bad Host header."""

    app.before_request(_check_host)

    @app.errorhandler(MapappError)
    def domain_error(exc: MapappError):
        if exc.status >= 500:
            app.logger.error("data error: %s", exc.message)
            return _respond(exc.status, "the server's data is broken; see the server log")
        return _respond(exc.status, exc.message)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        message = _BAD_HOST if isinstance(exc, BadHost) else exc.description or exc.name
        body, status = _respond(exc.code or 500, message)
        allowed = getattr(exc, "valid_methods", None)  # RFC 9110: a 405 names what is allowed
        return body, status, {"Allow": ", ".join(allowed)} if allowed else {}

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        app.logger.exception("unhandled error")
        return _respond(500, "internal server error")
