"""The map page's feature index: what its script needs to filter, list, search and frame features.

One record per feature, in one language. The fields the script filters on (overlay, day span,
event type, articles and sentences cited) come from ``viewfilter``, so the browser and the
"download what is shown" endpoint keep the same features.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from mapapp.core.model import Layer
from mapapp.core.text import fold
from mapapp.core.vocabulary import EVENT_TYPE_KEYS
from mapapp.i18n import Translator
from mapapp.mapview import layout as maplayout
from mapapp.mapview import mapdraw
from mapapp.mapview.popups import date_precision_of
from mapapp.mapview.style import event_label, kind_label, point_symbol
from mapapp.query import viewfilter

__all__ = ["feature_record", "build", "event_types", "articles"]

_SUMMARY_CHARS = 240


def _place_label(feature: dict, places: dict[str, dict], by_position: dict, t: Translator) -> str:
    """Name where an event happened: its named places (towns before countries), else a place
    drawn at the same position."""
    props = feature.get("properties") or {}
    named = [places[p] for p in props.get("places") or [] if p in places]
    named.sort(key=lambda p: p.get("kind") == "country")
    if not named:
        for coords in maplayout.points(feature.get("geometry") or {}):
            if maplayout.at(coords) in by_position:
                named = [by_position[maplayout.at(coords)]]
                break
    names = list(dict.fromkeys(t.name(p) for p in named[:2]))
    return ", ".join(n for n in names if n)


def _summary(props: dict, t: Translator) -> str:
    """Return one line about an event: its summary in the page's language; without one (an
    ingested event, or no Vietnamese summary yet), the article's own first sentence about it."""
    text, lang = t.text(props, "summary")
    if lang != t.lang or not text:
        quotes = [s.get("quote") for s in props.get("sources") or [] if isinstance(s, dict)]
        text = next((q for q in quotes if q), text)
    return str(text or "")[:_SUMMARY_CHARS]


def feature_record(layer_id: str, feature: dict, t: Translator, place: str = "") -> dict:
    """Return the index record of one feature (see the module docstring)."""
    props = feature.get("properties") or {}
    span = viewfilter.feature_span(props)
    sources = [s for s in props.get("sources") or [] if isinstance(s, dict)]
    event_type = viewfilter.event_type_of(layer_id, props)
    names = " ".join(str(props.get(k) or "") for k in ("name", "name_vi"))
    end = props.get("date_end")
    return {
        "id": str(feature.get("id")),
        "layer": layer_id,
        "overlay": viewfilter.overlay_id(layer_id, props),
        "name": t.name(props) or str(feature.get("id")),
        "alt": t.other_name(props) or "",
        "search": fold(names),
        "start": span[0].isoformat() if span else None,
        "end": span[1].isoformat() if span else None,
        "date": t.date(str(props["date"]), str(end) if end else None, short=True) if span else None,
        "dp": date_precision_of(props) if span else None,
        "type": event_type,
        "kind": event_label(event_type, t) if event_type else kind_label(props.get("kind"), t),
        "colour": point_symbol(layer_id, props).colour,
        "articles": list(dict.fromkeys(str(s.get("article_id")) for s in sources)),
        "sentences": list(
            dict.fromkeys(f"{s.get('article_id')}:{s.get('sentence')}" for s in sources)
        ),
        "place": place,
        "summary": _summary(props, t) if layer_id == "events" else "",
        "bounds": maplayout.focus_bounds(feature),
    }


def build(layers: list[tuple[Layer, dict]], t: Translator) -> list[dict]:
    """Return the record of every feature of ``layers``, in drawing order."""
    places = {
        str(f.get("id")): f.get("properties") or {}
        for layer, collection in layers
        if layer.id == "places"
        for f in collection.get("features", [])
    }
    by_position: dict[tuple[float, float], dict] = {}
    for layer, collection in layers:
        for f in collection.get("features", []) if layer.id == "places" else []:
            for coords in maplayout.points(f.get("geometry") or {}):
                by_position.setdefault(maplayout.at(coords), f.get("properties") or {})
    return [
        feature_record(
            layer.id,
            feature,
            t,
            _place_label(feature, places, by_position, t) if layer.id == "events" else "",
        )
        for layer, collection in layers
        for feature in collection.get("features", [])
    ]


def event_types(
    counts: Mapping[str, int], t: Translator, types: Mapping[str, str] | None = None
) -> list[tuple[str, str, int]]:
    """Return ``(event type, label, count)`` for the types present, in the legend's order;
    ``counts`` is ``Store.overlays()`` ({overlay id: count}: events by ``events-<type>``),
    ``types`` names the type of overlays whose id does not (``mapdraw.event_type_of``)."""
    found: dict[str, int] = {}
    for overlay, count in counts.items():
        if overlay.startswith("events-") and count:
            found[mapdraw.event_type_of(overlay, types)] = int(count)
    order = list(EVENT_TYPE_KEYS)
    keyed = sorted(found, key=lambda e: (order.index(e) if e in order else len(order), e))
    return [(e, event_label(e, t), found[e]) for e in keyed]


def articles(items: Iterable) -> list[tuple[str, str]]:
    """Return ``(id, title)`` of each article, for the article filter."""
    return [(a.id, a.title) for a in items]
