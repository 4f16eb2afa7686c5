"""Translate errors into responses once: JSON under /api, /download and (unless HTML is asked
for) /ogc, HTML elsewhere."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from mapapp.errors import MapappError
from mapapp.ogc.negotiate import wants_html

__all__ = ["register"]

_JSON_PREFIXES = ("/api/", "/download/")


def _wants_json() -> bool:
    if request.path.startswith("/ogc/"):
        return not wants_html(request.args.get("f"), request.headers.get("Accept"))
    return request.path.startswith(_JSON_PREFIXES)


def _respond(status: int, message: str):
    if _wants_json():
        return jsonify(error=message), status
    return render_template("error.html", status=status, message=message), status


def register(app: Flask) -> None:
    """Install the error handlers on ``app``."""

    @app.errorhandler(MapappError)
    def domain_error(exc: MapappError):
        if exc.status >= 500:
            app.logger.error("data error: %s", exc.message)
            return _respond(exc.status, "the server's data is broken; see the server log")
        return _respond(exc.status, exc.message)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        body, status = _respond(exc.code or 500, exc.description or exc.name)
        allowed = getattr(exc, "valid_methods", None)  # RFC 9110: a 405 names what is allowed
        return body, status, {"Allow": ", ".join(allowed)} if allowed else {}

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        app.logger.exception("unhandled error")
        return _respond(500, "internal server error")
