"""JSON/GeoJSON API and downloads: thin adapters over mapapp.api."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from mapapp.query import layers as api
from mapapp.web.helpers import get_store

__all__ = ["bp"]

bp = Blueprint("api", __name__)


def _site() -> str:
    """The site's root URL (behind a trusted proxy, as the client addressed it): a view
    download's sources link their sentences below it, to be opened from a GIS. (The layers
    and their downloads keep the data's site paths, ``/articles/<id>#s<N>``.)"""
    return request.url_root.rstrip("/")


@bp.get("/api/layers")
def layers():
    """List the layers with their feature counts and URLs."""
    return jsonify(api.list_layers(get_store()))


@bp.get("/api/layers/<layer_id>")
def layer(layer_id: str):
    """Return one layer as GeoJSON."""
    body = api.layer_body(get_store(), layer_id)
    return Response(body, mimetype=api.GEOJSON_TYPE, direct_passthrough=True)


@bp.get("/download/<filename>")
def download(filename: str):
    """Return a layer, or everything, as a GeoJSON attachment."""
    name, body = api.download(get_store(), filename)
    response = Response(body, mimetype=api.GEOJSON_TYPE, direct_passthrough=True)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@bp.get("/download/view.<fmt>")
def download_view(fmt: str):
    """Return what the map shows in the state given as query parameters, as an attachment."""
    name, media_type, body = api.download_view(get_store(), fmt, request.args, _site())
    response = Response(body, mimetype=media_type.split(";")[0], direct_passthrough=True)
    response.headers["Content-Type"] = media_type
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
