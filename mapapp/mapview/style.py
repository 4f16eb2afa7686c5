"""Map symbology: colours, pictograms, line and area styles per layer, kind and event type."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from mapapp.core.text import css_token
from mapapp.i18n import Translator

__all__ = [
    "Symbol",
    "EVENT_SYMBOLS",
    "LAYER_COLOURS",
    "css_token",
    "kind_label",
    "event_label",
    "event_symbol",
    "point_symbol",
    "path_style",
    "region_radius_m",
    "line_sample",
    "area_sample",
    "badge",
    "layer_sample",
    "date_chip",
    "legend",
]

_ENGLISH = Translator("en")

_ICON = (
    '<svg class="mk-glyph" viewBox="0 0 24 24" aria-hidden="true" fill="none" '
    'stroke="currentColor" stroke-width="2.2" stroke-linecap="round" stroke-linejoin="round">'
    "{}</svg>"
)
# Pictograms drawn for this project: simple strokes that stay legible at 14 px.
_GLYPHS = {
    "phone": '<path d="M6 3h3l1.6 4.4-2.2 1.5a11 11 0 0 0 6.7 6.7l1.5-2.2L21 15v3a2 2 0 0 1-2 2'
    'A16 16 0 0 1 4 5a2 2 0 0 1 2-2z"/>',
    "speech": '<path d="M4 5h16v11h-9l-5 4v-4H4z"/>',
    "people": '<circle cx="8" cy="8" r="3"/><circle cx="16.5" cy="8" r="3"/>'
    '<path d="M2.5 20c0-4 2.4-6 5.5-6s5.5 2 5.5 6M13 14.4c.9-.3 2-.4 3.5-.4 3 0 5 2 5 6"/>',
    "arrow": '<path d="M3 12h16M13 6l6 6-6 6"/>',
    "document": '<path d="M6 3h8.5L18 6.5V21H6z"/><path d="M9 11h6M9 15h6"/>',
    "shield": '<path d="M12 3l7.5 3v5.5c0 4.6-3.1 8-7.5 9.5-4.4-1.5-7.5-4.9-7.5-9.5V6z"/>',
    "plane": '<path d="M12 2.5c1 0 1.6 1 1.6 2.4V10l7.4 4v2.2l-7.4-2.2v4.3l2.2 1.7v1.7L12 '
    '20.8l-3.8 1.1v-1.7l2.2-1.7V14L3 16.2V14l7.4-4V4.9c0-1.4.6-2.4 1.6-2.4z" '
    'fill="currentColor" stroke-width="1"/>',
    "warning": '<path d="M12 3.5L2.5 20h19z"/><path d="M12 10v4.5M12 17.2v.1"/>',
    "flag": '<path d="M5.5 21V3.5M5.5 4h12l-2.5 4.5 2.5 4.5h-12"/>',
    "cross": '<path d="M9.5 4h5v5.5H20v5h-5.5V20h-5v-5.5H4v-5h5.5z"/>',
    "home": '<path d="M3 11.5l9-7.5 9 7.5M6 9.5V20h12V9.5"/><path d="M10 20v-5h4v5"/>',
    "swords": '<path d="M4 4l16 16M20 4L4 20M14 20l6-6M4 14l6 6"/>',
    "dagger": '<path d="M12 3v18M6.5 8.5h11"/>',
    "globe": '<circle cx="12" cy="12" r="8.5"/><path d="M3.5 12h17M12 3.5c2.4 2.6 3.6 5.4 3.6 8.5'
    's-1.2 5.9-3.6 8.5M12 3.5C9.6 6.1 8.4 8.9 8.4 12s1.2 5.9 3.6 8.5"/>',
    "chart": '<path d="M4 4v16h16M7.5 15l4-4.5 3 3L20 7"/>',
    "storm": '<path d="M7 15.5a4 4 0 1 1 .9-7.9A5.5 5.5 0 0 1 18.4 8.6a3.5 3.5 0 0 1-.4 6.9z"/>'
    '<path d="M8.5 18.5l-1 2.5M12.5 18.5l-1 2.5M16.5 18.5l-1 2.5"/>',
    "eye": '<path d="M2 12s3.6-6.5 10-6.5S22 12 22 12s-3.6 6.5-10 6.5S2 12 2 12z"/>'
    '<circle cx="12" cy="12" r="2.8"/>',
    "dot": '<circle cx="12" cy="12" r="4" fill="currentColor"/>',
}


@dataclass(frozen=True)
class Symbol:
    """How one kind of point is drawn: its label's message key, colour and pictogram name."""

    key: str
    colour: str
    glyph: str = "dot"

    @property
    def icon(self) -> Markup:
        """Return the pictogram as inline SVG (trusted markup: it never contains data)."""
        return Markup(_ICON.format(_GLYPHS[self.glyph]))


#: How each event type of the vocabulary is drawn; unknown types fall back to ``_OTHER_EVENT``.
EVENT_SYMBOLS: dict[str, Symbol] = {
    "phone_call": Symbol("type.phone_call", "#1565c0", "phone"),
    "statement": Symbol("type.statement", "#3f51b5", "speech"),
    "meeting": Symbol("type.meeting", "#0277bd", "people"),
    "diplomacy": Symbol("type.diplomacy", "#a1620b", "globe"),
    "economy": Symbol("type.economy", "#689f38", "chart"),
    "visit": Symbol("type.visit", "#4527a0", "flag"),
    "delegation": Symbol("type.delegation", "#7b3fa0", "arrow"),
    "decree": Symbol("type.decree", "#6d4c41", "document"),
    "ceasefire": Symbol("type.ceasefire", "#00897b", "flag"),
    "deployment": Symbol("type.deployment", "#2e7d32", "shield"),
    "airlift": Symbol("type.airlift", "#00838f", "plane"),
    "demining": Symbol("type.demining", "#e65100", "warning"),
    "humanitarian": Symbol("type.humanitarian", "#c2185b", "cross"),
    "refugees": Symbol("type.refugees", "#8e24aa", "home"),
    "disaster": Symbol("type.disaster", "#827717", "storm"),
    "relief": Symbol("type.relief", "#bf360c", "cross"),
    "combat": Symbol("type.combat", "#c62828", "swords"),
    "casualties": Symbol("type.casualties", "#424242", "dagger"),
}
_OTHER_EVENT = Symbol("type.other", "#546e7a", "dot")

LAYER_COLOURS = {
    "places": "#1f3b57",
    "peacekeeping-posts": "#00796b",
    "routes": "#a0522d",
    "events": "#546e7a",
    "regions": "#6b7280",
}

_PLACE_SYMBOLS = {
    "capital": Symbol("Capital", LAYER_COLOURS["places"], "dot"),
    "city": Symbol("City, town or village", LAYER_COLOURS["places"], "dot"),
    "landmark": Symbol("type.landmark", "#5d4037", "dot"),
}
_POST_SYMBOL = Symbol("kind.observation_post", LAYER_COLOURS["peacekeeping-posts"], "eye")

#: Line and area styles of the routes layer, by kind (labelled by the message ``kind.<kind>``).
_ROUTE_KINDS: dict[str, dict] = {
    "road": {"color": "#a0522d", "weight": 4},
    "corridor_area": {"color": "#e08a2c", "weight": 1, "fillColor": "#f4a261", "fillOpacity": 0.25},
    "demined_section": {"color": "#2e9e44", "weight": 7, "opacity": 0.75},
    "delegation_route": {"color": "#7b3fa0", "weight": 3, "dashArray": "8 6"},
    "call_link": {"color": "#1565c0", "weight": 2, "dashArray": "1 6"},
}
_DEFAULT_LINE = {"color": LAYER_COLOURS["routes"], "weight": 3}
#: Radius in metres of the shaded circle drawn for a point known only as a region.
#: A country gets no circle: the countries layer draws its outline, a label names it.
_REGION_RADIUS_M = {"country": 0, "region": 30_000, "corridor": 6_000}
_DEFAULT_REGION_RADIUS_M = 30_000


def kind_label(kind: str | None, t: Translator = _ENGLISH) -> str:
    """Return a reader's name for a feature kind ("post_zone" → "Zone of observation posts")."""
    return t.get(f"kind.{kind}") or (kind or "").replace("_", " ").capitalize()


def event_label(event_type: str | None, t: Translator = _ENGLISH) -> str:
    """Return a reader's name for an event type; an unknown type is shown as it is written."""
    if event_type in EVENT_SYMBOLS:
        return t(EVENT_SYMBOLS[event_type].key)
    if not event_type or event_type == "other":
        return t("type.other")
    return str(event_type)


def event_symbol(event_type: str | None) -> Symbol:
    """Return the symbol of an event type (a neutral one for unknown types)."""
    return EVENT_SYMBOLS.get(event_type or "", _OTHER_EVENT)


def point_symbol(layer: str, props: dict) -> Symbol:
    """Return the symbol a point feature of ``layer`` is drawn with."""
    if layer == "events":
        return event_symbol(props.get("event_type"))
    if layer == "peacekeeping-posts":
        return _POST_SYMBOL
    if layer == "places":
        return _PLACE_SYMBOLS.get(props.get("kind") or "", _PLACE_SYMBOLS["city"])
    return Symbol(f"kind.{props.get('kind') or layer}", LAYER_COLOURS.get(layer, "#555"))


def region_radius_m(kind: str | None) -> int:
    """Return the radius of the shaded area drawn for a region-precision point."""
    return _REGION_RADIUS_M.get(kind or "", _DEFAULT_REGION_RADIUS_M)


def path_style(layer: str, props: dict, area: bool) -> dict:
    """Return Leaflet path options for a line (``area`` false) or an area of ``layer``.

    Imprecise geometry looks imprecise: approximate lines are dashed, region areas are
    translucent with a dashed outline.
    """
    precision = props.get("geo_precision")
    if layer == "regions":
        return {
            "color": LAYER_COLOURS["regions"],
            "weight": 1.2,
            "fill": True,
            "fillColor": "#9ca3af",
            "fillOpacity": 0.07,
        }
    if layer == "routes":
        style = dict(_ROUTE_KINDS.get(props.get("kind") or "", _DEFAULT_LINE))
    elif layer == "events":
        style = {"color": event_symbol(props.get("event_type")).colour, "weight": 3}
        if area and precision == "region":
            style["stroke"] = False  # many events share one region: their outlines would pile up
    else:
        style = {"color": LAYER_COLOURS.get(layer, "#555"), "weight": 3}
    if area:
        style.setdefault("fillColor", style["color"])
        style.setdefault("fillOpacity", 0.14 if precision == "region" else 0.25)
        style.update(fill=True, weight=min(style["weight"], 1.5), opacity=0.7)
        if precision != "exact":
            style.setdefault("dashArray", "5 5")
    elif precision == "approximate":
        style.setdefault("dashArray", "10 7")
    elif precision == "region":
        style.update(weight=12, opacity=0.3)
    return style


def line_sample(style: dict) -> Markup:
    """Return a small inline SVG showing a line drawn with ``style`` (for the legend)."""
    dash = style.get("dashArray", "")
    return Markup(
        '<svg class="lg-sample" viewBox="0 0 30 12" aria-hidden="true"><line x1="2" y1="6" '
        'x2="28" y2="6" stroke="{}" stroke-width="{}" stroke-opacity="{}" stroke-dasharray="{}" '
        'stroke-linecap="round"/></svg>'
    ).format(style["color"], min(style["weight"], 7), style.get("opacity", 1), dash)


def area_sample(style: dict) -> Markup:
    """Return a small inline SVG showing an area drawn with ``style`` (for the legend)."""
    return Markup(
        '<svg class="lg-sample" viewBox="0 0 30 16" aria-hidden="true"><rect x="2" y="2" '
        'width="26" height="12" rx="3" fill="{}" fill-opacity="{}" stroke="{}" '
        'stroke-width="1.2" stroke-dasharray="{}"/></svg>'
    ).format(
        style.get("fillColor", style["color"]),
        style.get("fillOpacity", 0.2),
        style["color"],
        style.get("dashArray", ""),
    )


def badge(symbol: Symbol, shape: str, precision: str, name: Markup | str = "") -> Markup:
    """Return a marker body: ``shape`` is ``badge`` (with a pictogram), ``dot`` or ``capital``.

    ``name`` becomes its accessible name; without one the body is decoration.
    """
    glyph = symbol.icon if shape == "badge" else Markup("")
    role = Markup(' role="img" aria-label="{}"').format(name) if name else Markup("")
    return Markup('<span class="mk mk-{} mk-prec-{}" style="--c:{}"{}>{}</span>').format(
        shape, css_token(precision), symbol.colour, role, glyph
    )


def layer_sample(layer_id: str, event_type: str | None = None) -> Markup:
    """Return the small symbol that stands for a layer (or one event type) in the layer control."""
    if layer_id == "events":
        return badge(event_symbol(event_type), "badge", "exact")
    if layer_id == "peacekeeping-posts":
        return badge(_POST_SYMBOL, "badge", "exact")
    if layer_id == "routes":
        return line_sample(_ROUTE_KINDS["road"])
    if layer_id == "regions":
        return area_sample(path_style("regions", {}, True))
    return badge(Symbol("", LAYER_COLOURS.get(layer_id, "#555")), "dot", "exact")


def date_chip(text: str, precision: str | None) -> Markup:
    """Return a date as a chip whose outline tells its precision: solid for a day, dashed
    for a month, dotted for a year (the list view draws the same chips)."""
    return Markup('<span class="date-chip date-{}">{}</span>').format(
        css_token(precision or "day"), text
    )


def legend(t: Translator = _ENGLISH) -> list[tuple[str, str, list[tuple[Markup, str]]]]:
    """Return the legend as (key, title, entries of (sample, label)).

    Event types are not repeated here: the layer control lists each with its symbol.
    """
    grey = Symbol("", "#455a64", "dot")
    region = {"color": "#455a64", "fillOpacity": 0.2, "dashArray": "5 5"}
    precision = [
        (badge(grey, "badge", "exact"), t("legend.exact")),
        (badge(grey, "badge", "approximate"), t("legend.approximate")),
        (area_sample(region), t("legend.region")),
    ]
    dates = [
        (date_chip(t.date(example, short=True), which), t(f"legend.date_{which}"))
        for example, which in (("2020-11-24", "day"), ("2020-11", "month"), ("1994", "year"))
    ]
    places = [
        (badge(_PLACE_SYMBOLS["capital"], "capital", "exact"), t("legend.capital")),
        (badge(_PLACE_SYMBOLS["city"], "dot", "exact"), t("legend.city")),
        (
            Markup('<span class="lg-area-label">{}</span>').format(t("legend.area_sample")),
            t("legend.area"),
        ),
        (area_sample(path_style("regions", {}, True)), t("legend.country_outline")),
    ]
    zone = path_style("peacekeeping-posts", {"geo_precision": "region"}, True)
    posts = [
        (area_sample(zone), t("legend.zone")),
        (badge(_POST_SYMBOL, "badge", "exact"), t(_POST_SYMBOL.key)),
    ]
    routes = [
        ((area_sample if kind.endswith("_area") else line_sample)(style), t(f"kind.{kind}"))
        for kind, style in _ROUTE_KINDS.items()
    ]
    return [
        ("precision", t("legend.position"), precision),
        ("dates", t("legend.date"), dates),
        ("places", t("legend.places"), places),
        ("posts", t("legend.posts"), posts),
        ("routes", t("legend.routes"), routes),
    ]
