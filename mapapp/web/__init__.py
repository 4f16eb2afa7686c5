"""The Flask application factory: explicit config in, a wired application out."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from flask.json.provider import DefaultJSONProvider
from flask_compress import Compress

from mapapp.store.datadir import DataDir, bundled_data_dir
from mapapp.store.layers import Store

__all__ = ["create_app", "bundled_dirs", "REPO_ROOT", "DEFAULTS"]

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_ROOT = PACKAGE_DIR.parents[1]

DEFAULTS = {
    "DATA_DIR": str(bundled_data_dir()),
    "TILE_URL": "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
    "TILE_ATTRIBUTION": '&copy; <a href="https://www.openstreetmap.org/copyright">'
    "OpenStreetMap</a> contributors",
    "TILE_MAX_ZOOM": 19,
    # Who may show the pages in a frame (CSP frame-ancestors): e.g. "'self' https://news.example".
    "FRAME_ANCESTORS": "'self'",
    # How many reverse proxies in front of the app to believe about the client's address:
    # 0 ignores X-Forwarded-* headers; 1 takes the scheme, host and prefix the nearest proxy
    # sets (links and the sources' absolute URLs then name the public address).
    "TRUST_PROXY": 0,
    "JSON_AS_ASCII": False,
}


#: What is sent gzip-compressed to a client that accepts it.
COMPRESSED = [
    "text/html",
    "text/css",
    "text/javascript",
    "application/javascript",
    "application/json",
    "application/geo+json",
    "application/schema+json",
    "application/vnd.oai.openapi+json",
]


def bundled_dirs() -> tuple[Path, Path]:
    """Return where the templates and the npm packages (``VENDOR_DIR``'s default) are.

    An installed wheel carries them in the package (``templates/`` and ``npm/`` beside this
    file); running from the source checkout (an editable install), they are the checkout's
    top-level ``templates/`` and the ``node_modules/`` that ``npm ci`` fills.
    """
    if (PACKAGE_DIR / "templates").is_dir():
        return PACKAGE_DIR / "templates", PACKAGE_DIR / "npm"
    return REPO_ROOT / "templates", REPO_ROOT / "node_modules"


def create_app(config: dict | None = None) -> Flask:
    """Build the app: defaults, then ``MAPAPP_*`` environment variables, then ``config``."""
    templates, vendor_dir = bundled_dirs()
    app = Flask(
        __name__,
        template_folder=str(templates),
        static_folder=str(PACKAGE_DIR / "static"),
        static_url_path="/static",
    )
    app.config.update(DEFAULTS)
    app.config["VENDOR_DIR"] = str(vendor_dir)
    app.config.from_prefixed_env("MAPAPP")
    if config:
        app.config.update(config)
    assert isinstance(app.json, DefaultJSONProvider)  # Flask's default, which has ensure_ascii
    app.json.ensure_ascii = False
    app.extensions["mapapp.store"] = Store(DataDir(app.config["DATA_DIR"]))

    from mapapp.web import (
        caching,
        cors,
        errors,
        language,
        map_page,
        map_tiles,
        pages,
        security,
        vendor,
        views_api,
        views_ogc,
    )

    security.check_config(app.config)
    hops = app.config["TRUST_PROXY"]
    if not isinstance(hops, int) or isinstance(hops, bool) or not 0 <= hops <= 5:
        raise ValueError(f"TRUST_PROXY must be a number of proxies from 0 to 5: {hops!r}")
    if hops:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops, x_prefix=hops
        )
    errors.register(app)
    security.register(app)
    cors.register(app)
    language.register(app)
    # Compress pages and data answers whole (gzip); streamed downloads go as they are.
    # Registered before caching: after-request hooks run last-registered first, so the ETag
    # is set before compression adds the coding to it.
    app.config.setdefault("COMPRESS_MIMETYPES", COMPRESSED)
    app.config.setdefault("COMPRESS_ALGORITHM", ["gzip"])
    app.config.setdefault("COMPRESS_STREAMS", False)
    Compress(app)
    caching.register(app)  # after language: the language is part of the ETag
    app.register_blueprint(map_page.bp)
    app.register_blueprint(map_tiles.bp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(views_api.bp)
    app.register_blueprint(vendor.bp)
    app.register_blueprint(views_ogc.bp)
    return app
