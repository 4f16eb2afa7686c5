"""Serve the front-end packages installed from the npm registry (never from another host)."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, send_from_directory

__all__ = ["bp", "VENDOR_FILES"]

bp = Blueprint("vendor", __name__)

#: The only files served from ``VENDOR_DIR`` (the checkout's node_modules/, or the copy a wheel
#: carries in mapapp/web/npm/): an allow-list, not the whole tree. The wheel ships exactly these
#: (pyproject.toml, [tool.hatch.build.targets.wheel]; tests/test_wheel.py checks they agree).
VENDOR_FILES = frozenset(
    {
        "leaflet/dist/leaflet.js",
        "leaflet/dist/leaflet.css",
        "leaflet/dist/images/layers.png",
        "leaflet/dist/images/layers-2x.png",
        "leaflet/dist/images/marker-icon.png",
        "leaflet/dist/images/marker-icon-2x.png",
        "leaflet/dist/images/marker-shadow.png",
    }
)


@bp.get("/vendor/<path:filename>")
def vendor(filename: str):
    """Serve one allow-listed file from the npm packages."""
    if filename not in VENDOR_FILES:
        abort(404, description=f"no vendor file {filename!r}")
    response = send_from_directory(current_app.config["VENDOR_DIR"], filename, max_age=86400)
    return response
