"""OGC API – Features under /ogc/: thin Flask adapters over mapapp.ogc."""

from __future__ import annotations

from collections.abc import Iterable

from flask import Blueprint, Response, current_app, render_template, request

from mapapp.core.links import safe_href
from mapapp.i18n import translator
from mapapp.ogc import FeaturesApi, HtmlPage, OgcRequest, OgcResponse
from mapapp.ogc.api import COUNT_LIMIT

__all__ = ["bp", "PREFIX"]

PREFIX = "/ogc"
bp = Blueprint("ogc", __name__, url_prefix=PREFIX)
# A source's address from the data becomes a link only if it is an http(s) address or a path here.
bp.add_app_template_filter(safe_href, "safe_href")


@bp.record_once
def _attach_api(state) -> None:
    """Give the app its FeaturesApi (and so its index cache) once, over the app's store."""
    app = state.app
    app.extensions["mapapp.ogc"] = FeaturesApi(
        app.extensions["mapapp.store"],
        default_limit=int(app.config.get("OGC_DEFAULT_LIMIT", 10)),
        max_limit=int(app.config.get("OGC_MAX_LIMIT", 10000)),
        count_limit=int(app.config.get("OGC_COUNT_LIMIT", COUNT_LIMIT)),
    )


def _api() -> FeaturesApi:
    return current_app.extensions["mapapp.ogc"]


def _request() -> OgcRequest:
    return OgcRequest(
        base_url=request.url_root.rstrip("/") + PREFIX,
        params=tuple(request.args.items(multi=True)),
        accept=request.headers.get("Accept"),
        site_url=request.url_root.rstrip("/"),
    )


def _response(result: OgcResponse) -> Response:
    content = result.content
    body: bytes | str | Iterable[bytes]
    if isinstance(content, HtmlPage):
        # The API's documents (titles, descriptions, link titles) are in English, so are its
        # pages, whatever language the site is read in; they offer no language switch.
        english = {"lang": "en", "t": translator("en"), "languages": ()}
        body = render_template(content.template, **content.context, **english)
    else:
        body = content
    streamed = not isinstance(body, (bytes, str))
    return Response(body, status=result.status, headers=result.headers, direct_passthrough=streamed)


@bp.get("/")
def landing():
    """Show the landing page."""
    return _response(_api().landing(_request()))


@bp.get("/conformance")
def conformance():
    """List the conformance classes."""
    return _response(_api().conformance(_request()))


@bp.get("/openapi")
def openapi():
    """Return the OpenAPI definition."""
    return _response(_api().openapi(_request()))


@bp.get("/collections")
def collections():
    """List the collections."""
    return _response(_api().collections(_request()))


@bp.get("/collections/<collection_id>")
def collection(collection_id: str):
    """Describe one collection."""
    return _response(_api().collection(_request(), collection_id))


@bp.get("/collections/<collection_id>/queryables")
def queryables(collection_id: str):
    """Describe what a collection's items can be filtered by."""
    return _response(_api().queryables(_request(), collection_id))


@bp.get("/collections/<collection_id>/items")
def items(collection_id: str):
    """Return a page of features, or a download."""
    return _response(_api().items(_request(), collection_id))


@bp.get("/collections/<collection_id>/items/<path:feature_id>")
def item(collection_id: str, feature_id: str):
    """Return one feature."""
    return _response(_api().item(_request(), collection_id, feature_id))
