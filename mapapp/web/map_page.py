"""The map page: the folium map inside the site's page, with legend and downloads."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request, url_for

from mapapp import api, mapview
from mapapp.errors import BadParameter
from mapapp.web.helpers import get_store

__all__ = ["bp"]

bp = Blueprint("map", __name__)


def _map_options() -> mapview.MapOptions:
    config = current_app.config
    return mapview.MapOptions(
        tile_url=config["TILE_URL"],
        tile_attribution=config["TILE_ATTRIBUTION"],
        max_zoom=int(config["TILE_MAX_ZOOM"]),
        leaflet_js=url_for("vendor.vendor", filename="leaflet/dist/leaflet.js"),
        leaflet_css=url_for("vendor.vendor", filename="leaflet/dist/leaflet.css"),
    )


@bp.get("/")
def index():
    """Show the map; ``?focus=<feature id>`` frames that feature with its popup open."""
    store = get_store()
    focus = request.args.get("focus")
    if focus is not None:
        if not focus:
            raise BadParameter("focus", "expected a feature id")
        store.feature(focus)  # NotFound (404) names the id
    layers = store.layer_info()
    return render_template(
        "map.html",
        map=mapview.render(layers, _map_options(), focus),
        legend=mapview.legend(layers),
        downloads=api.list_layers(store),
        focus=focus,
    )
