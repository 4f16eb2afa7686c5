"""Where the map's symbols go, without drawing them: overlays, geometry parts, crowding, focus."""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

from mapapp.core.model import Layer
from mapapp.core.vocabulary import EVENT_TYPE_KEYS
from mapapp.i18n import Translator
from mapapp.mapview import style as mapstyle
from mapapp.query.viewfilter import overlay_id

__all__ = [
    "HOME_BOUNDS",
    "BADGED_LAYERS",
    "Overlay",
    "layer_title",
    "overlays",
    "parts",
    "points",
    "focus_bounds",
    "at",
    "point_keys",
    "grid_offset",
]

#: The first view, as [[south, west], [north, east]]: Nagorno-Karabakh and the Lachin corridor.
HOME_BOUNDS = [[39.3, 45.9], [40.3, 47.6]]
#: Layers whose points are badges with a pictogram; other points are dots with a name.
BADGED_LAYERS = ("events", "peacekeeping-posts")
GRID_COLUMNS = 5


@dataclass
class Overlay:
    """One entry of the layer control: a layer, or one event type of the events layer."""

    id: str
    title: str
    layer: Layer
    sample: Markup
    features: list[dict] = field(default_factory=list)


def layer_title(layer: Layer, t: Translator) -> str:
    """Return a layer's title in the translator's language."""
    return layer.title_vi if t.lang == "vi" else layer.title


def overlays(layers: list[tuple[Layer, dict]], t: Translator | None = None) -> list[Overlay]:
    """Return the layer control's entries: each layer, with events split by event type."""
    t = t or Translator("en")
    out: list[Overlay] = []
    for layer, collection in layers:
        features = collection.get("features", [])
        if layer.id != "events":
            sample = mapstyle.layer_sample(layer.id)
            out.append(Overlay(layer.id, layer_title(layer, t), layer, sample, list(features)))
            continue
        by_type: dict[str, Overlay] = {}
        for feature in features:
            props = feature.get("properties", {})
            event_type = str(props.get("event_type") or "other")
            if event_type not in by_type:
                title = t("overlay.events", type=mapstyle.event_label(event_type, t))
                sample = mapstyle.layer_sample("events", event_type)
                by_type[event_type] = Overlay(overlay_id("events", props), title, layer, sample)
            by_type[event_type].features.append(feature)
        order = list(EVENT_TYPE_KEYS)
        out += sorted(by_type.values(), key=lambda o: (_rank(o, order), o.id))
    # Reference layers go last in the control; they are drawn beneath everything anyway.
    return sorted(out, key=lambda o: o.layer.id == "regions")


def _rank(overlay: Overlay, order: list[str]) -> int:
    event_type = overlay.features[0]["properties"].get("event_type")
    return order.index(event_type) if event_type in order else len(order)


def points(geometry: dict) -> Iterator[list[float]]:
    """Yield every position of a geometry, as [lon, lat]."""
    if geometry.get("type") == "GeometryCollection":
        for part in geometry.get("geometries", []):
            yield from points(part)
        return
    stack = [geometry.get("coordinates") or []]
    while stack:
        coords = stack.pop()
        if coords and isinstance(coords[0], (int, float)):
            yield coords
        else:
            stack.extend(coords)


def parts(geometry: dict) -> Iterator[tuple[str, list]]:
    """Yield (point|line|area, coordinates) for each drawable part of a geometry."""
    kind = geometry.get("type")
    coords: Any = geometry.get("coordinates")  # nested lists, as deep as the type says
    if kind == "Point":
        yield "point", coords
    elif kind == "MultiPoint":
        yield from (("point", c) for c in coords)
    elif kind in ("LineString", "MultiLineString"):
        yield "line", coords
    elif kind in ("Polygon", "MultiPolygon"):
        yield "area", coords
    elif kind == "GeometryCollection":
        for part in geometry.get("geometries", []):
            yield from parts(part)


def focus_bounds(feature: dict) -> list[list[float]] | None:
    """Return the bounds to frame a feature: its extent, padded by what is drawn around it
    (None if it has no geometry: an event its text does not place)."""
    props = feature.get("properties", {})
    positions = [p[:2] for p in points(feature.get("geometry") or {})]
    if not positions:
        return None
    lons, lats = zip(*positions, strict=True)
    pad_km = {"exact": 2.0, "approximate": 5.0}.get(props.get("geo_precision"), 0.0)
    # A region-precision point is drawn as a circle (or, for a country, only named): frame it.
    pad_km = pad_km or mapstyle.region_radius_m(props.get("kind")) / 1000 or 150.0
    dlat = pad_km / 111.0
    dlon = dlat / max(math.cos(math.radians(sum(lats) / len(lats))), 0.1)
    return [[min(lats) - dlat, min(lons) - dlon], [max(lats) + dlat, max(lons) + dlon]]


def at(coords: list) -> tuple[float, float]:
    """Return a position rounded to ~100 m: symbols closer than that share a place."""
    return round(float(coords[0]), 3), round(float(coords[1]), 3)


def point_keys(layer_id: str, feature: dict) -> Iterator[tuple]:
    """Yield what each point of a feature occupies: a shaded circle, a badge slot."""
    props = feature.get("properties", {})
    radius = mapstyle.region_radius_m(props.get("kind"))
    for kind, coords in parts(feature.get("geometry") or {}):
        if kind == "point":
            if props.get("geo_precision") == "region" and radius:
                yield "shade", at(coords), radius
            if layer_id in BADGED_LAYERS:
                yield "badge", at(coords)
            elif props.get("geo_precision") != "region":
                yield "label", at(coords)


def grid_offset(index: int, count: int, step: int) -> tuple[int, int]:
    """Return (right, up) in px of the ``index``-th of ``count`` symbols sharing a position.

    They stand in rows of at most ``GRID_COLUMNS``, each row centred, the first row lowest.
    """
    columns = min(count, GRID_COLUMNS)
    row, column = divmod(index, columns)
    in_row = min(columns, count - row * columns)
    return round((column - (in_row - 1) / 2) * step), row * step
