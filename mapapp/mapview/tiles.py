"""One map tile as data for ``static/tiles.js``: the features drawn as ``mapdraw.js`` draws them.

The store cuts the map into Web Mercator tiles (``Store.tile``): a tile holds its features when
they are few, else clusters of points (count, mean position, bounds), plus the lines and areas
crossing it. ``tile_payload`` turns such a tile into what the browser draws: each feature as the
same parts, tooltip and badge data that ``mapdraw.drawing`` gives the whole map (built by the
same code, ``mapdraw._Builder``), tagged with its overlay; each cluster with a label.

Text in the result is escaped once where it is HTML (tooltips, icons: by ``popups``) and plain
where it is not (cluster labels, ``list_record``): the browser sets plain text with
``textContent``. Nothing here passes through folium or branca.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mapapp.core.model import LAYERS
from mapapp.i18n import Translator
from mapapp.mapview import layout as maplayout
from mapapp.mapview import mapdraw
from mapapp.mapview.popups import date_precision_of
from mapapp.mapview.style import event_label, kind_label, point_symbol
from mapapp.query import viewfilter
from mapapp.query.viewfilter import overlay_id

__all__ = ["tile_payload", "list_record", "cluster_label", "representative_point"]

_LAYER_BY_ID = {layer.id: layer for layer in LAYERS}
_SUMMARY_CHARS = 240


def _get(tile: Any, key: str) -> Any:
    """Read ``key`` of a tile given as a mapping or as an object (``queries.Tile``)."""
    if isinstance(tile, Mapping):
        return tile.get(key)
    return getattr(tile, key, None)


def cluster_label(count: int, t: Translator) -> str:
    """Return what a cluster of ``count`` features says in words (plain text, not HTML)."""
    key = "map.cluster" if t.get("map.cluster") else "downloads.count"
    return t(key, n=t.number(count))


def tile_payload(tile: Any, t: Translator | None = None) -> dict:
    """Return a tile (``features``, ``clusters``, ``total``; a mapping or a ``queries.Tile``)
    as data for ``tiles.js``.

    ``features``: one drawing spec per feature, as in ``mapdraw.drawing()``'s overlays (``id``,
    ``parts``, ``tooltip``) plus ``overlay`` and ``layer``, in the map's drawing order
    (regions last, as in the layer control); features of a layer the map does not know are
    left out. ``badges``: ``[feature id, index of the part, position key, precision]`` of each
    badge, as in ``drawing()``. ``clusters``: ``count``, ``lon``, ``lat``, ``bbox`` (west,
    south, east, north) and ``label`` (plain text). ``total``: the tile's point features.
    """
    t = t or Translator("en")
    by_layer: dict[str, list[dict]] = {}
    for feature in _get(tile, "features") or ():
        layer_id = (feature.get("properties") or {}).get("layer")
        if layer_id in _LAYER_BY_ID:
            by_layer.setdefault(layer_id, []).append(feature)
    layers = [(layer, {"features": by_layer[layer.id]}) for layer in LAYERS if layer.id in by_layer]
    entries = maplayout.overlays(layers, t)
    builder = mapdraw._Builder([(o, f) for o in entries for f in o.features], t)
    specs = []
    for overlay in entries:
        for feature in overlay.features:
            spec = builder.feature(overlay, feature)
            spec["overlay"] = overlay.id
            spec["layer"] = overlay.layer.id
            specs.append(spec)
    clusters = [
        {
            "count": int(c["count"]),
            "lon": c["lon"],
            "lat": c["lat"],
            "bbox": list(c["bbox"]),
            "label": cluster_label(int(c["count"]), t),
        }
        for c in _get(tile, "clusters") or ()
    ]
    return {
        "total": int(_get(tile, "total") or 0),
        "features": specs,
        "badges": builder.badges,
        "clusters": clusters,
    }


def representative_point(feature: dict) -> tuple[float, float] | None:
    """Return (lon, lat) standing for a feature in a list: a point itself, else the centre of
    its bounds (None without coordinates)."""
    geometry = feature.get("geometry") or {}
    if geometry.get("type") == "Point":
        coords = geometry.get("coordinates") or []
        return (float(coords[0]), float(coords[1])) if len(coords) >= 2 else None
    positions = [p for p in maplayout.points(geometry) if len(p) >= 2]
    if not positions:
        return None
    lons = [float(p[0]) for p in positions]
    lats = [float(p[1]) for p in positions]
    return (min(lons) + max(lons)) / 2, (min(lats) + max(lats)) / 2


def list_record(feature: dict, t: Translator | None = None) -> dict:
    """Return a feature as one row of the map's list or search results (plain text):
    ``id``, ``layer``, ``overlay``, ``name`` (in the language of ``t``), ``date`` (ISO, as the
    data has it, or None), ``kind`` (an event's type, else the feature's kind), ``lon``,
    ``lat`` (see ``representative_point``); and what a row shows: ``alt`` (the name in the
    other language), ``label`` (the kind in words), ``colour`` (its symbol's), ``when`` (the
    date in words, short), ``dp`` (the date's precision), ``start`` and ``end`` (the span's
    days, ISO), ``summary`` (an event's, short) and ``bounds`` (to frame it: [[s, w], [n, e]])."""
    t = t or Translator("en")
    props = feature.get("properties") or {}
    layer_id = str(props.get("layer") or "")
    at = representative_point(feature)
    date = props.get("date")
    kind = props.get("event_type") if layer_id == "events" else props.get("kind")
    kind = kind if isinstance(kind, str) else ("other" if layer_id == "events" else None)
    span = viewfilter.feature_span(props)
    end = props.get("date_end")
    when = None
    if span and isinstance(date, str):
        when = t.date(date, str(end) if end else None, short=True)
    return {
        "id": str(feature.get("id")),
        "layer": layer_id,
        "overlay": overlay_id(layer_id, props),
        "name": t.name(props) or str(feature.get("id")),
        "date": date if isinstance(date, str) else None,
        "kind": kind,
        "lon": None if at is None else round(at[0], 6),
        "lat": None if at is None else round(at[1], 6),
        "alt": t.other_name(props) or "",
        "label": event_label(kind, t) if layer_id == "events" else kind_label(kind, t),
        "colour": point_symbol(layer_id, props).colour,
        "when": when,
        "dp": date_precision_of(props) if span else None,
        "start": span[0].isoformat() if span else None,
        "end": span[1].isoformat() if span else None,
        "summary": _summary(props, t) if layer_id == "events" else "",
        "bounds": maplayout.focus_bounds(feature),
        # How precisely it is placed: a view framing many leaves out countries and regions,
        # whose point is only a label (Russia's lies in Siberia), unless they are all it has.
        "precise": props.get("geo_precision", "exact") in ("exact", "approximate")
        and kind != "country",
    }


def _summary(props: dict, t: Translator) -> str:
    """Return one line about an event: its summary in the page's language; without one, the
    article's own first sentence about it (as the popup quotes it)."""
    text, lang = t.text(props, "summary")
    if lang != t.lang or not text:
        quotes = [s.get("quote") for s in props.get("sources") or [] if isinstance(s, dict)]
        text = next((q for q in quotes if q), text)
    return str(text or "")[:_SUMMARY_CHARS]
