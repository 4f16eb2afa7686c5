"""The map page: the folium map inside the site's page, with the explorer beside it."""

from __future__ import annotations

from flask import Blueprint, current_app, g, render_template, request, url_for

from mapapp import api, mapindex, maplayout, mapview, viewfilter
from mapapp.errors import BadParameter
from mapapp.i18n import translator
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


def _sentence(store, sentence: tuple[str, int] | None) -> dict | None:
    """Return what the page says about a sentence filter: the article's title and the quote."""
    if sentence is None:
        return None
    article = store.article(sentence[0])  # NotFound (404) names the article
    try:
        quote = article.sentence(sentence[1]).text
    except IndexError:
        raise BadParameter(
            "sentence", f"article {article.id!r} has no sentence {sentence[1]}"
        ) from None
    return {
        "key": f"{article.id}:{sentence[1]}",
        "n": sentence[1],
        "title": article.title,
        "quote": quote,
        "url": f"/articles/{article.id}#s{sentence[1]}",
    }


@bp.get("/")
def index():
    """Show the map; ``?focus=<feature id>`` frames that feature with its popup open.

    The explorer's state (``layers``, ``from``, ``to``, ``type``, ``article``, ``sentence``) is
    checked here, so a malformed shared link is a 400 naming the parameter.
    """
    store = get_store()
    focus = request.args.get("focus")
    if focus is not None:
        if not focus:
            raise BadParameter("focus", "expected a feature id")
        store.feature(focus)  # NotFound (404) names the id
    state = viewfilter.parse_state(request.args)
    t = translator(g.lang)
    layers = store.layer_info()
    explore = {
        "lang": t.lang,
        "features": mapindex.build(layers, t),
        "messages": {
            key: t(f"control.{key}") for key in ("layers", "zoom_in", "zoom_out", "close")
        },
        "home": maplayout.HOME_BOUNDS,
    }
    return render_template(
        "map.html",
        map=mapview.render(layers, _map_options(), focus, t),
        legend=mapview.legend(t),
        downloads=api.list_layers(store),
        layer_title=lambda layer: layer["title_vi"] if t.lang == "vi" else layer["title"],
        focus=focus,
        explore=explore,
        view_formats=[(f.name, f.title.split(" (")[0], f.title) for f in api.VIEW_FORMATS.values()],
        event_types=mapindex.event_types(layers, t),
        articles=mapindex.articles(store.articles()),
        sentence=_sentence(store, state.sentence),
    )
