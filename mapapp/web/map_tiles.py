"""The map by the tile: what one Web Mercator tile shows, and a page of the features listed.

``GET /api/map/tiles/<z>/<x>/<y>.json?<state>&lang=`` answers what ``static/tiles.js`` draws
in tile z/x/y for the map's state (``viewfilter.STATE_PARAMS``): the features as drawing specs
when few, else clusters of points (see ``mapview.tiles.tile_payload``).

``GET /api/map/shapes/<z>/<x>/<y>.json?<state>&lang=`` answers the lines and areas (routes,
regions) of a square of ``SHAPE_TILE`` pixels: the point tiles leave them out, so that a line
crossing twenty tiles of a view is sent once, not twenty times.

``GET /api/map/features?<state>&bbox=w,s,e,n&q=&limit=&offset=&lang=`` answers a page of the
features the state shows (in a box, matching a search), as compact records for a list.

Both cost what they return, not the archive (the store's index answers them). HTTP caching
is ``web.caching``'s, as for every answer under /api/: an ``ETag`` of the data version, URL
and language, a 304 when ``If-None-Match`` names it (before this module runs), and
``Cache-Control: public, max-age=60``. Besides, the app keeps the most recent bodies
(``Answers``: by data version, language and URL), so the next reader asking for the same tile
costs a dictionary lookup.
"""

from __future__ import annotations

import dataclasses
import hashlib
import math
import threading
from collections import OrderedDict
from collections.abc import Callable

import orjson
from flask import Blueprint, Response, current_app, g, request

from mapapp.core.errors import BadParameter
from mapapp.i18n import LANGUAGES, translator
from mapapp.mapview import tiles as maptiles
from mapapp.query import layers as api
from mapapp.query import viewfilter
from mapapp.web.helpers import get_store

__all__ = ["bp", "Answers", "MAX_ZOOM", "MAX_LIMIT", "MAX_OFFSET", "MAX_QUERY", "SHAPE_TILE"]

bp = Blueprint("map_tiles", __name__)

#: The deepest zoom a tile may be asked for (Leaflet's maps stop well before).
MAX_ZOOM = 22
#: The most features one page of ``/api/map/features`` holds, and the default.
MAX_LIMIT, DEFAULT_LIMIT = 200, 50
#: The furthest a list may be paged (an offset costs the rows it skips): narrow the view instead.
MAX_OFFSET = 10_000
#: The longest search text.
MAX_QUERY = 200

#: Lines and areas are answered for squares of ``SHAPE_TILE`` pixels, 2**SHAPE_SHIFT tiles a
#: side: a view asks for a few of them, each line or area once in each.
SHAPE_SHIFT = 3
SHAPE_TILE = 256 << SHAPE_SHIFT

#: How many bytes of answers the app keeps.
CACHE_BYTES = 32 * 1024 * 1024

_TILE_PARAMS = frozenset(viewfilter.STATE_PARAMS) | {"lang"}
_LIST_PARAMS = _TILE_PARAMS | {"bbox", "q", "limit", "offset"}


class Answers:
    """The most recently used JSON bodies by key, at most ``max_bytes`` of them in all.

    A key names the data version, so a body never goes stale: after a write, requests have
    new keys and the old bodies age out.
    """

    def __init__(self, max_bytes: int = CACHE_BYTES):
        self.max_bytes = max_bytes
        self.size = 0
        self._lock = threading.Lock()
        self._bodies: OrderedDict[str, bytes] = OrderedDict()

    def get(self, key: str, make: Callable[[], bytes]) -> bytes:
        """Return the body for ``key``, calling ``make()`` (outside the lock) on a miss."""
        with self._lock:
            body = self._bodies.get(key)
            if body is not None:
                self._bodies.move_to_end(key)
                return body
        body = make()
        if len(body) <= self.max_bytes:
            with self._lock:
                if key not in self._bodies:
                    self._bodies[key] = body
                    self.size += len(body)
                while self.size > self.max_bytes:
                    self.size -= len(self._bodies.popitem(last=False)[1])
        return body


def _answers() -> Answers:
    return current_app.extensions.setdefault("mapapp.map_answers", Answers())


def _json(value: object) -> bytes:
    return orjson.dumps(value)


def _check_known(allowed: frozenset[str]) -> None:
    unknown = sorted(set(request.args) - allowed)
    if unknown:
        raise BadParameter(unknown[0], "not a parameter of this request")


def _lang() -> str:
    """Return the language of the answer: ``lang`` if given (it must be one we speak), else
    the request's (cookie, Accept-Language)."""
    lang = request.args.get("lang")
    if lang is not None and lang not in LANGUAGES:
        raise BadParameter("lang", f"expected one of {', '.join(LANGUAGES)}")
    return lang or g.lang


def _int(name: str, default: int, low: int, high: int) -> int:
    value = request.args.get(name)
    if value is None or value == "":
        return default
    if not value.isascii() or not value.lstrip("-").isdigit() or len(value) > 12:
        raise BadParameter(name, "expected an integer")
    number = int(value)
    if not low <= number <= high:
        raise BadParameter(name, f"expected an integer from {low} to {high}")
    return number


def _bbox(value: str | None) -> tuple[tuple[float, float, float, float], ...] | None:
    """Read ``w,s,e,n`` (degrees) into the boxes of a filter: two if it crosses the
    antimeridian (west > east)."""
    if value is None or value == "":
        return None
    parts = value.split(",")
    try:
        west, south, east, north = (float(p) for p in parts)
    except ValueError:
        raise BadParameter("bbox", "expected west,south,east,north in degrees") from None
    if not all(math.isfinite(v) for v in (west, south, east, north)):
        raise BadParameter("bbox", "expected finite numbers")
    if not (-180 <= west <= 180 and -180 <= east <= 180):
        raise BadParameter("bbox", "longitudes must lie from -180 to 180")
    if not (-90 <= south <= north <= 90):
        raise BadParameter("bbox", "latitudes must lie from -90 to 90, south before north")
    if west <= east:
        return ((west, south, east, north),)
    return ((west, south, 180.0, north), (-180.0, south, east, north))


def _key(version: str, lang: str) -> str:
    """Return what names an answer: the data version, the language, the path and query."""
    key = "\n".join((version, lang, request.full_path))
    return hashlib.blake2b(key.encode("utf-8"), digest_size=16).hexdigest()


def _check_tile(z: int, x: int, y: int, shift: int = 0) -> None:
    """Check tile x/y of ``256 << shift`` pixels at zoom z."""
    if not 0 <= z <= MAX_ZOOM:
        raise BadParameter("z", f"expected a zoom from 0 to {MAX_ZOOM}")
    last = (1 << max(z - shift, 0)) - 1
    what = f"at zoom {z}" if not shift else f"of {256 << shift}-pixel squares at zoom {z}"
    if not 0 <= x <= last:
        raise BadParameter("x", f"expected a column from 0 to {last} {what}")
    if not 0 <= y <= last:
        raise BadParameter("y", f"expected a row from 0 to {last} {what}")


@bp.get("/api/map/tiles/<int(signed=True):z>/<int(signed=True):x>/<int(signed=True):y>.json")
def tile(z: int, x: int, y: int):
    """Return the points of tile z/x/y of the map in the state the query gives: features or
    clusters (see the module docstring)."""
    _check_tile(z, x, y)
    return _tile_answer((z, x, y), (z, x, y), shapes=False)


def _tile_answer(asked: tuple[int, int, int], grid: tuple[int, int, int], **parts: bool):
    """Answer tile ``asked`` (z/x/y of the URL) with the store's tile ``grid`` (z/x/y of
    256-pixel tiles), its ``parts`` as ``Store.tile`` takes them."""
    _check_known(_TILE_PARAMS)
    store = get_store()
    flt = api.state_filter(store, viewfilter.parse_state(request.args))
    lang = _lang()
    key = _key(store.version(), lang)

    def make() -> bytes:
        found = store.tile(flt, *grid, **parts)
        payload = maptiles.tile_payload(found, translator(lang))
        return _json({"z": asked[0], "x": asked[1], "y": asked[2], **payload})

    return Response(_answers().get(key, make), mimetype="application/json")


@bp.get("/api/map/shapes/<int(signed=True):z>/<int(signed=True):x>/<int(signed=True):y>.json")
def shapes(z: int, x: int, y: int):
    """Return the lines and areas of the state crossing tile x/y of ``SHAPE_TILE`` pixels at
    map zoom z (the 256-pixel tile x/y of zoom z - 3; below zoom 3, the world): asked once
    for a view's 2048-pixel squares, not for each of its tiles."""
    _check_tile(z, x, y, SHAPE_SHIFT)
    return _tile_answer((z, x, y), (max(z - SHAPE_SHIFT, 0), x, y), points=False)


#: How many articles whose titles match a search the answer lists.
ARTICLE_MATCHES = 5


@bp.get("/api/map/features")
def features():
    """Return a page of the features the state shows: ``{"total", "limit", "offset",
    "features": [{id, layer, overlay, name, date, kind, lon, lat}]}``.

    ``bbox``: only features whose bounds meet it; ``q``: only those whose names, actors or
    quotes match the words (any case, any diacritics), best match first; otherwise newest
    first. ``limit`` at most ``MAX_LIMIT``, ``offset`` at most ``MAX_OFFSET``.
    """
    _check_known(_LIST_PARAMS)
    limit = _int("limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
    offset = _int("offset", 0, 0, MAX_OFFSET)
    boxes = _bbox(request.args.get("bbox"))
    text = request.args.get("q") or None
    if text is not None and len(text) > MAX_QUERY:
        raise BadParameter("q", f"longer than {MAX_QUERY} characters")
    store = get_store()
    flt = api.state_filter(store, viewfilter.parse_state(request.args))
    flt = dataclasses.replace(flt, boxes=boxes, text=text)
    lang = _lang()
    key = _key(store.version(), lang)

    def make() -> bytes:
        order = "rank" if text else "date"
        page = store.select(flt, limit, offset, order=order, max_sources=0)
        t = translator(lang)
        records = [maptiles.list_record(f, t) for f in page]
        answer = {"total": store.count(flt), "limit": limit, "offset": offset, "features": records}
        if text and offset == 0:
            # The articles whose titles match, to open the map on one (search box only).
            answer["articles"] = [
                {"id": aid, "title": title, "published": published, "label": t("search.article")}
                for aid, title, published in store.search_articles(text, ARTICLE_MATCHES)
            ]
        return _json(answer)

    return Response(_answers().get(key, make), mimetype="application/json")
