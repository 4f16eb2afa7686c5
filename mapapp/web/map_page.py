"""The map page: the folium map inside the site's page, with the explorer beside it."""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
from collections import OrderedDict
from urllib.parse import urlencode

from flask import Blueprint, current_app, g, jsonify, render_template, request, url_for
from jinja2.utils import htmlsafe_json_dumps

from mapapp import mapview
from mapapp.core.errors import BadParameter, NotFound
from mapapp.core.model import LAYERS, sentence_url
from mapapp.core.text import css_token
from mapapp.core.vocabulary import EVENT_TYPE_KEYS
from mapapp.i18n import translator
from mapapp.mapview import index as mapindex
from mapapp.mapview import layout as maplayout
from mapapp.query import layers as api
from mapapp.query import viewfilter
from mapapp.store import Filter
from mapapp.web.helpers import get_store

__all__ = ["bp", "RenderCache"]

bp = Blueprint("map", __name__)
_LAYER_BY_ID = {layer.id: layer for layer in LAYERS}


class RenderCache:
    """The rendered map and its counts per (language, focus), for one data version.

    Rendering the folium map is most of a page's cost, and it only changes with the data:
    a new data version (the store's, after any write) empties the cache.
    """

    def __init__(self, size: int = 64):
        self.size = size
        self._lock = threading.Lock()
        self._snapshot: str | None = None
        self._entries: OrderedDict[tuple, tuple] = OrderedDict()

    def get(self, snapshot: str, key: tuple, make):
        """Return the value for ``key`` at data version ``snapshot``, calling ``make()`` on a
        miss."""
        with self._lock:
            if snapshot != self._snapshot:
                self._snapshot, self._entries = snapshot, OrderedDict()
            if key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key]
        value = make()  # outside the lock: two first requests may both render, harmlessly
        with self._lock:
            if snapshot == self._snapshot:
                self._entries[key] = value
                while len(self._entries) > self.size:
                    self._entries.popitem(last=False)
        return value


def _render_cache() -> RenderCache:
    return current_app.extensions.setdefault("mapapp.map_cache", RenderCache())


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
        "url": sentence_url(article.id, sentence[1]),
    }


STATE_KEYS = viewfilter.STATE_PARAMS


def _forgiven(store, args, t) -> tuple:
    """Read the feature to focus and the explorer's state from a shared link, leaving out
    what is malformed or names nothing here (an unknown overlay, event type, article,
    sentence or feature): ``(focus, state, parameters kept, what was left out)``. A bad link
    still opens the map; the page says what it ignored."""
    ignored: list[viewfilter.Ignored] = []
    focus = args.get("focus")
    if focus is not None and not _exists(store.feature_layer, focus):
        ignored.append(viewfilter.Ignored("focus", focus, t("url.no_feature")))
        focus = None
    state, kept, dropped = viewfilter.forgiving_state(args)
    ignored += dropped
    overlays = store.overlays()
    if state.overlays is not None:
        known = {o for o in state.overlays if o in overlays}
        unknown = sorted(state.overlays - known)
        if unknown:
            ignored.append(viewfilter.Ignored("layers", ",".join(unknown), t("url.no_overlay")))
            if known or not kept["layers"].strip(","):
                kept["layers"] = ",".join(sorted(known))
            else:
                kept.pop("layers")  # nothing left of it: every overlay, as without it
    if state.event_type is not None and f"events-{css_token(state.event_type)}" not in overlays:
        ignored.append(viewfilter.Ignored("type", state.event_type, t("url.no_type")))
        kept.pop("type")
    if state.article is not None and not _exists(store.article_info, state.article):
        ignored.append(viewfilter.Ignored("article", state.article, t("url.no_article")))
        kept.pop("article")
    if state.sentence is not None and not _has_sentence(store, state.sentence):
        ignored.append(viewfilter.Ignored("sentence", kept.pop("sentence"), t("url.no_sentence")))
    return focus, viewfilter.parse_state(kept), kept, ignored


def _exists(read, key: str) -> bool:
    """True if ``read(key)`` (an index lookup) finds something."""
    try:
        read(key)
    except NotFound:
        return False
    return True


def _has_sentence(store, sentence: tuple[str, int]) -> bool:
    try:
        return 1 <= sentence[1] <= len(store.article(sentence[0]).sentences)
    except NotFound:
        return False


def _render(store, options: mapview.MapOptions, focus: str | None, t) -> tuple:
    """Return the map's parts, its set-up as JSON safe inside a script element, and the
    event types: what the store's counts say, never a feature but the one to focus."""
    counts = store.overlays()
    types = _odd_event_types(store, counts)
    feature = store.feature(focus, max_sources=0) if focus is not None else None
    rendered = mapview.render(options, counts, feature, t, types, home=_home(store))
    drawing = htmlsafe_json_dumps(rendered.drawing, ensure_ascii=False)
    return rendered, drawing, mapindex.event_types(counts, t, types), counts


#: The first view frames what the newest articles report.
NEWEST_FRAMED = 5
#: What frames them: the features placed more precisely than a whole region or country (a
#: country's point is a label somewhere inside it), of the layers that say where things are.
_PRECISE = (
    "{f}.geo_precision IN ('exact', 'approximate') AND coalesce({f}.kind, '') != 'country'",
    (),
)


def _home(store) -> list[list[float]] | None:
    """The map's first view, [[south, west], [north, east]]: what the newest articles'
    events, posts and routes cover (else their places); None if they place nothing."""
    boxes = []
    for info in store.articles(NEWEST_FRAMED):
        for layers in (("events", "peacekeeping-posts", "routes"), ("places",)):
            flt = Filter(layers=layers, article=info.id, where=_PRECISE)
            found = store.bounds(flt)
            if found is not None:
                boxes.append(found)
                break
    if not boxes:
        return None
    west, south = min(b[0] for b in boxes), min(b[1] for b in boxes)
    east, north = max(b[2] for b in boxes), max(b[3] for b in boxes)
    return [[south, west], [north, east]]


def _odd_event_types(store, counts: dict[str, int]) -> dict[str, str]:
    """Return the event type of each events overlay whose id is not a known type's: read from
    one of its features (an overlay id is a CSS token of the type, which may differ)."""
    known = {f"events-{css_token(key)}" for key in [*EVENT_TYPE_KEYS, "other"]}
    types = {}
    for overlay in counts:
        if overlay.startswith("events-") and overlay not in known:
            flt = api.state_filter(store, viewfilter.parse_state({"layers": overlay}))
            for feature in store.select(flt, 1, max_sources=0):
                types[overlay] = str((feature.get("properties") or {}).get("event_type"))
    return types


def _days(store) -> dict | None:
    """Return the first and last day of the events (ISO), for the time control."""
    span = store.day_range("events")
    if span is None:
        return None
    first, last = (dt.date.fromordinal(day).isoformat() for day in span)
    return {"min": first, "max": last}


def _selected(store, feature_id: str | None) -> dict | None:
    """Return where the feature a link selects is (to frame it), or None (none, or unknown)."""
    if not feature_id:
        return None
    try:
        feature = store.feature(feature_id, max_sources=0)
    except NotFound:
        return None
    return {"id": feature_id, "bounds": maplayout.focus_bounds(feature)}


@bp.get("/map/popups/<path:feature_id>")
def popup(feature_id: str):
    """Return one feature's popup as JSON ``{"id", "html"}``, in the page's language."""
    store = get_store()
    feature = store.feature(feature_id)  # NotFound (404) names the id
    layer = _LAYER_BY_ID[store.feature_layer(feature_id)]
    cited = [
        str(s.get("article_id"))
        for s in (feature.get("properties") or {}).get("sources") or []
        if isinstance(s, dict)
    ]
    titles = store.article_titles(cited)
    return jsonify(id=feature_id, html=mapview.popup(feature, layer, translator(g.lang), titles))


#: How many articles the map's article filter lists (the newest); the list of articles pages
#: through all of them, each with a link to its features on the map.
ARTICLE_CHOICES = 100


def _article_choices(store, selected: str | None) -> list[tuple[str, str]]:
    """Return ``(id, title)`` of the newest ``ARTICLE_CHOICES`` articles for the article
    filter, and of the article the link selects if it is older (unknown ids are left out)."""
    infos = store.articles(ARTICLE_CHOICES)
    if selected and all(info.id != selected for info in infos):
        with contextlib.suppress(NotFound):  # an unknown article selects nothing
            infos.append(store.article_info(selected))
    return mapindex.articles(infos)


@bp.get("/")
def index():
    """Show the map; ``?focus=<feature id>`` frames that feature with its popup open.

    The explorer's state (``layers``, ``from``, ``to``, ``type``, ``article``, ``sentence``) is
    checked here: what is malformed or names nothing is left out, and the page says so.
    """
    store = get_store()
    t = translator(g.lang)
    focus, state, kept, ignored = _forgiven(store, request.args, t)
    options = _map_options()
    rendered, drawing, event_types, counts = _render_cache().get(
        store.version(), (t.lang, focus, options), lambda: _render(store, options, focus, t)
    )
    explore = {
        "lang": t.lang,
        "counts": counts,
        "events": sum(n for o, n in counts.items() if o.startswith("events-")),
        # The events' first and last days read the time index: once per data version.
        "days": _render_cache().get(store.version(), ("days",), lambda: _days(store)),
        "search_limit": 8,
        "messages": {
            key: t(f"control.{key}")
            for key in (
                "layers",
                "zoom_in",
                "zoom_out",
                "close",
                "fold",
                "more",
                "failed",
                "unplaced",
            )
        },
        "home": _render_cache().get(store.version(), ("home",), lambda: _home(store))
        or maplayout.HOME_BOUNDS,
    }
    explore["sel"] = _selected(store, request.args.get("sel") or focus)
    clean = None
    if ignored:
        # The page writes its URL back without what it ignored (history.replaceState) before
        # the map asks for anything.
        others = [(k, v) for k, v in request.args.items() if k not in (*STATE_KEYS, "focus")]
        if focus:
            others.append(("focus", focus))
        clean = "?" + urlencode([*others, *kept.items()]) if others or kept else ""
    return render_template(
        "map.html",
        map=rendered,
        drawing=drawing,
        legend=mapview.legend(t),
        downloads=api.list_layers(store),
        layer_title=lambda layer: layer["title_vi"] if t.lang == "vi" else layer["title"],
        focus=focus,
        explore=explore,
        view_formats=[(f.name, f.title.split(" (")[0], f.title) for f in api.VIEW_FORMATS.values()],
        event_types=event_types,
        articles=_article_choices(store, state.article),
        # Counting the articles reads their index: once per data version, not per request.
        article_count=_render_cache().get(store.version(), ("articles",), store.article_count),
        article_newest=ARTICLE_CHOICES,
        sentence=_sentence(store, state.sentence),
        ignored=ignored,
        clean=clean,
    )
