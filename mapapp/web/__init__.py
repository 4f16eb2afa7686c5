"""The Flask application factory: explicit config in, a wired application out."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from mapapp.store.layers import Store

__all__ = ["create_app", "REPO_ROOT", "DEFAULTS"]

REPO_ROOT = Path(__file__).resolve().parents[2]

DEFAULTS = {
    "DATA_DIR": str(REPO_ROOT / "geodata"),
    "VENDOR_DIR": str(REPO_ROOT / "node_modules"),
    "TILE_URL": "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
    "TILE_ATTRIBUTION": '&copy; <a href="https://www.openstreetmap.org/copyright">'
    "OpenStreetMap</a> contributors",
    "TILE_MAX_ZOOM": 19,
    # Who may show the pages in a frame (CSP frame-ancestors): e.g. "'self' https://news.example".
    "FRAME_ANCESTORS": "'self'",
    "JSON_AS_ASCII": False,
}


def create_app(config: dict | None = None) -> Flask:
    """Build the app: defaults, then ``MAPAPP_*`` environment variables, then ``config``."""
    app = Flask(
        __name__,
        template_folder=str(REPO_ROOT / "templates"),
        static_folder=str(Path(__file__).parent / "static"),
        static_url_path="/static",
    )
    app.config.update(DEFAULTS)
    app.config.from_prefixed_env("MAPAPP")
    if config:
        app.config.update(config)
    app.json.ensure_ascii = False
    app.extensions["mapapp.store"] = Store(app.config["DATA_DIR"])

    from mapapp.web import (
        errors,
        language,
        map_page,
        pages,
        security,
        vendor,
        views_api,
        views_ogc,
    )

    security.check_config(app.config)
    errors.register(app)
    security.register(app)
    language.register(app)
    app.register_blueprint(map_page.bp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(views_api.bp)
    app.register_blueprint(vendor.bp)
    app.register_blueprint(views_ogc.bp)
    return app
