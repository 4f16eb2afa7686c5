"""Draw the layers as a folium (Leaflet) map: the only module that imports folium.

The folium map carries no data. Its elements are our own constant JavaScript; the map's set-up
(overlays with their counts, the first view) travels beside it as JSON (``MapParts.drawing``),
and ``static/mapdraw.js`` builds the layer control from that JSON and draws the features with
``static/tiles.js``, tile by tile (``mapview.tiles``: the same ``_Builder`` describes them).
Folium and branca render macro output as a Jinja template a second time, so anything taken
from an article and placed in a folium element would run on the server: nothing is.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

import folium
from branca.element import Figure, MacroElement
from folium.template import Template
from markupsafe import Markup

from mapapp.core.model import LAYERS, Layer
from mapapp.core.text import css_token
from mapapp.core.vocabulary import EVENT_TYPE_KEYS
from mapapp.i18n import Translator
from mapapp.mapview import layout as maplayout
from mapapp.mapview import popups
from mapapp.mapview import style as mapstyle

__all__ = ["MapOptions", "MapParts", "build_map", "drawing", "popup", "render", "legend"]

_FOCUS_MAX_ZOOM = 12
_LEGEND_HEIGHT = 230  # px: the open legend, bottom left
_BADGE = 26  # px: the size of a point badge, and the step between badges at one place
_POPUP_OPTIONS = {"maxWidth": 380, "minWidth": 260, "maxHeight": 420, "className": "fp-popup"}
_TOOLTIP_OPTIONS = {"className": "mf-tooltip", "sticky": True}
#: The element of the page that holds the drawing as JSON (see templates/map.html).
DRAWING_ELEMENT_ID = "map-drawing"
# folium's viewport tag forbids zooming, and its inline script sets Leaflet globals only after
# Leaflet has read them (so it does nothing, and an inline script needs a CSP nonce).
_FOLIUM_HEADER_NOISE = re.compile(
    r'\s*<meta name="viewport"[^>]*>|\s*<script>\s*L_NO_TOUCH[^<]*</script>', re.DOTALL
)


@dataclass(frozen=True)
class MapOptions:
    """What the map needs from the app: tiles and where Leaflet is served from."""

    tile_url: str
    tile_attribution: str
    leaflet_js: str
    leaflet_css: str
    max_zoom: int = 19


@dataclass(frozen=True)
class MapParts:
    """A rendered map, cut for a page template: head markup, body markup, inline script (all
    free of data), and the drawing: the map's set-up (overlays, first view) for ``mapdraw.js``."""

    header: Markup
    html: Markup
    script: Markup
    drawing: dict


class _Draw(MacroElement):
    """Hand the map and its layer control to ``mapdraw.js``, which draws the page's JSON."""

    _template = Template(
        """{% macro script(this, kwargs) %}
window.mapappDraw({{ this._parent.get_name() }}, {{ this.control.get_name() }},
    {{ this.element_id|tojson }});
{% endmacro %}"""
    )

    def __init__(self, control: folium.LayerControl, element_id: str):
        super().__init__()
        self._name = "Draw"
        self.control, self.element_id = control, element_id


class _DomControl(MacroElement):
    """Turn an element of the page (the legend) into a Leaflet control."""

    _template = Template(
        """{% macro script(this, kwargs) %}
var {{ this.get_name() }} = L.control({{ this.options|tojson }});
{{ this.get_name() }}.onAdd = function () {
    var el = document.getElementById({{ this.element_id|tojson }});
    L.DomEvent.disableClickPropagation(el);
    L.DomEvent.disableScrollPropagation(el);
    return el;
};
{{ this.get_name() }}.addTo({{ this._parent.get_name() }});
{% endmacro %}"""
    )

    def __init__(self, element_id: str, position: str):
        super().__init__()
        self._name = "DomControl"
        self.element_id = element_id
        self.options = {"position": position}


def _latlng(position: list) -> list[float]:
    """Swap GeoJSON's [lon, lat] into Leaflet's [lat, lon]: the one place this happens."""
    return [float(position[1]), float(position[0])]


def _swap(coords: list) -> list:
    if coords and isinstance(coords[0], (int, float)):
        return _latlng(coords)
    return [_swap(c) for c in coords]


class _Builder:
    """Describe features as Leaflet layers, arranging the symbols that share one position.

    Badges at one place (a dozen events "in Nagorno-Karabakh") stand in a compact grid above
    it; the shaded circles of one region share its shade, so together they stay translucent.
    """

    def __init__(self, items: list[tuple[maplayout.Overlay, dict]], t: Translator):
        self.crowd = Counter(k for o, f in items for k in maplayout.point_keys(o.layer.id, f))
        self.placed: Counter = Counter()
        self.t = t
        #: [feature id, index of the marker among the feature's parts, position key,
        #: precision] of every badge, in drawing order.
        self.badges: list[list] = []

    def feature(self, overlay: maplayout.Overlay, feature: dict) -> dict:
        """Return one feature as parts (markers, paths), tooltip and popup HTML."""
        props = feature.get("properties", {})
        layer_id, fid = overlay.layer.id, str(feature.get("id"))
        precision = str(props.get("geo_precision") or "exact")
        classes = (
            f"mf mf-layer-{layer_id} mf-ov-{overlay.id} mf-prec-{mapstyle.css_token(precision)}"
        )
        symbol = mapstyle.point_symbol(layer_id, props)
        parts: list[dict] = []
        for kind, coords in maplayout.parts(feature.get("geometry") or {}):
            if kind == "point":
                self._point(parts, layer_id, props, symbol, precision, coords, classes)
                if layer_id in maplayout.BADGED_LAYERS:
                    at = ",".join(map(str, maplayout.at(coords)))
                    self.badges.append([fid, len(parts) - 1, at, precision])
            else:
                style = mapstyle.path_style(layer_id, props, area=kind == "area")
                style.update(className=classes, pane=_pane(layer_id, kind))
                factory = "polygon" if kind == "area" else "polyline"
                parts.append({"path": factory, "where": _swap(coords), "options": style})
        return {"id": fid, "parts": parts, "tooltip": popups.tooltip_html(feature, self.t)}

    def _point(self, parts, layer_id, props, symbol, precision, coords, classes) -> None:
        location, at = _latlng(coords), maplayout.at(coords)
        name = self.t.name(props)
        radius = mapstyle.region_radius_m(props.get("kind"))
        if precision == "region" and radius:
            style = mapstyle.path_style(layer_id, props, area=True)
            # n circles of opacity a look like one of 1-(1-a)^n: give each its share.
            sharing = self.crowd["shade", at, radius]
            style["fillOpacity"] = round(1 - (1 - style["fillOpacity"]) ** (1 / sharing), 4)
            style.update(radius=radius, className=classes, pane="mapapp-areas")
            parts.append({"path": "circle", "where": location, "options": style})
        if layer_id in maplayout.BADGED_LAYERS:
            html = popups.marker_html(symbol, "badge", precision, name)
            size, anchor = (_BADGE, _BADGE), self._badge_anchor(at, precision)
        elif precision == "region":
            html, size, anchor = popups.area_label_html(name), (140, 16), (70, -12)
        else:
            shape = "capital" if props.get("kind") == "capital" else "dot"
            row = self.placed["label", at]  # places at one position list their names downwards
            self.placed["label", at] += 1
            html = popups.marker_html(symbol, shape, precision, name, label_row=row)
            size, anchor = (14, 14), (7, 7)
        icon = {
            "html": html,
            "iconSize": list(size),
            "iconAnchor": list(anchor),
            "popupAnchor": [size[0] // 2 - anchor[0], -anchor[1]],
            "className": f"mf-icon {classes}",
        }
        # Names of places stay readable above the badges and rings around them.
        lift = 500 if layer_id == "places" else 0
        parts.append({"marker": location, "icon": icon, "zIndexOffset": lift})

    def _badge_anchor(self, at: tuple[float, float], precision: str) -> tuple[int, int]:
        """Return the icon anchor of the next badge at ``at``: a grid, centred, above it.

        Above, so that a place's dot and name at the same position stay visible; a lone
        approximate badge is a dashed ring around its position instead.
        """
        index, count = self.placed["badge", at], self.crowd["badge", at]
        self.placed["badge", at] += 1
        if count == 1 and precision == "approximate":
            return _BADGE // 2, _BADGE // 2
        dx, dy = maplayout.grid_offset(index, count, _BADGE + 2)
        return _BADGE // 2 - dx, _BADGE + 8 + dy


def _pane(layer_id: str, kind: str) -> str:
    if layer_id == "regions":
        return "mapapp-regions"
    return "mapapp-areas" if kind == "area" else "overlayPane"


def popup(
    feature: dict,
    layer: Layer,
    t: Translator | None = None,
    titles: Mapping[str, str] | None = None,
) -> str:
    """Return a feature's popup (HTML, escaped once): what the map shows when it is opened;
    ``titles``: the cited articles' titles by id."""
    t = t or Translator("en")
    props = feature.get("properties") or {}
    symbol = mapstyle.point_symbol(layer.id, props)
    return popups.popup_html(feature, maplayout.layer_title(layer, t), symbol, t, titles)


def event_type_of(overlay_id: str, types: Mapping[str, str] | None = None) -> str:
    """Return the event type an ``events-<token>`` overlay holds: ``types[overlay_id]`` if
    given (a type whose token differs from it), else the known type with that token, else the
    token itself."""
    if types and overlay_id in types:
        return types[overlay_id]
    token = overlay_id.removeprefix("events-")
    known = {css_token(key): key for key in [*EVENT_TYPE_KEYS, "other"]}
    return known.get(token, token)


def overlay_entries(
    counts: Mapping[str, int],
    t: Translator | None = None,
    types: Mapping[str, str] | None = None,
) -> list[tuple]:
    """Return the layer control's entries for the overlays that have features: ``(overlay id,
    title, count, sample)`` of each layer, with events split by event type (in the legend's
    order), reference layers last. ``counts`` is ``Store.overlays()``: {overlay id: count};
    ``types`` names the event type of overlays whose id does not (see ``event_type_of``)."""
    t = t or Translator("en")
    order = list(EVENT_TYPE_KEYS)
    out: list[tuple] = []
    for layer in LAYERS:
        if layer.id != "events":
            if counts.get(layer.id):
                title = maplayout.layer_title(layer, t)
                out.append((layer.id, title, counts[layer.id], mapstyle.layer_sample(layer.id)))
            continue
        events = []
        for overlay_id, count in counts.items():
            if not overlay_id.startswith("events-") or not count:
                continue
            event_type = event_type_of(overlay_id, types)
            rank = order.index(event_type) if event_type in order else len(order)
            title = t("overlay.events", type=mapstyle.event_label(event_type, t))
            sample = mapstyle.layer_sample("events", event_type)
            events.append((rank, overlay_id, (overlay_id, title, count, sample)))
        out += [entry for _, _, entry in sorted(events)]
    return sorted(out, key=lambda entry: entry[0] == "regions")


def drawing(
    counts: Mapping[str, int],
    focus: dict | None = None,
    t: Translator | None = None,
    popup_url: str = "/map/popups/",
    types: Mapping[str, str] | None = None,
    home: list[list[float]] | None = None,
) -> dict:
    """Return what ``mapdraw.js`` needs to set up the map: overlays, first view (``home``,
    [[south, west], [north, east]], else the region of the bundled articles), options.

    It carries no feature: ``tiles.js`` fetches what is visible, tile by tile. ``counts`` is
    ``Store.overlays()`` ({overlay id: count}): one entry of the layer control each (``types``:
    see ``overlay_entries``).
    ``focus`` is a feature (whole) to frame with its popup open. Popups are fetched from
    ``popup_url`` + feature id when they open. Text in the result is HTML escaped once, by
    ``popups``; the result is meant to be embedded as JSON.
    """
    t = t or Translator("en")
    view: dict = {
        "bounds": home or maplayout.HOME_BOUNDS,
        # Keep the region clear of the open legend along the bottom.
        "options": {
            "animate": False,
            "paddingBottomRight": [0, _LEGEND_HEIGHT],
            "maxZoom": _FOCUS_MAX_ZOOM,
        },
        "open": None,
    }
    if focus is not None:
        view = {
            "bounds": maplayout.focus_bounds(focus) or home or maplayout.HOME_BOUNDS,
            "options": {"animate": False, "maxZoom": _FOCUS_MAX_ZOOM},
            "open": str(focus.get("id")),
        }
    overlays = [
        {"id": oid, "label": popups.overlay_label_html(oid, title, count, sample), "count": count}
        for oid, title, count, sample in overlay_entries(counts, t, types)
    ]
    return {
        "overlays": overlays,
        "badge": {"size": _BADGE, "step": _BADGE + 2, "columns": maplayout.GRID_COLUMNS},
        "view": view,
        "popup": {
            **_POPUP_OPTIONS,
            "url": popup_url,
            "lang": t.lang,
            "loading": t("popup.loading"),
            "failed": t("popup.failed"),
            "more": t("popup.more"),
            "here": t("popup.here"),
        },
        "tooltip": _TOOLTIP_OPTIONS,
    }


def build_map(options: MapOptions) -> folium.Map:
    """Return the map without data: tiles, panes, an empty layer control, the legend's place,
    and the call that draws the page's JSON into it."""
    fmap = folium.Map(location=[39.8, 46.75], zoom_start=9, tiles=None, control_scale=True)
    # Replace folium's CDN assets (Leaflet, jQuery, Bootstrap, Font Awesome) by our own copy.
    fmap.default_js = [("leaflet", options.leaflet_js)]
    fmap.default_css = [("leaflet_css", options.leaflet_css)]
    folium.TileLayer(
        options.tile_url,
        attr=options.tile_attribution,
        max_zoom=options.max_zoom,
        name="tiles",
        control=False,
    ).add_to(fmap)
    folium.map.CustomPane("mapapp-regions", z_index=250, pointer_events=True).add_to(fmap)
    folium.map.CustomPane("mapapp-areas", z_index=380, pointer_events=True).add_to(fmap)
    control = folium.LayerControl(position="topright", collapsed=False)
    control.add_to(fmap)
    fmap.add_child(_DomControl("map-legend", "bottomleft"))
    fmap.add_child(_Draw(control, DRAWING_ELEMENT_ID))
    return fmap


def render(
    options: MapOptions,
    counts: Mapping[str, int],
    focus: dict | None = None,
    t: Translator | None = None,
    types: Mapping[str, str] | None = None,
    home: list[list[float]] | None = None,
) -> MapParts:
    """Render the map into the parts a page template places: head, body, script, and the
    set-up of the map (``drawing``: no feature, see there; ``home``: the first view)."""
    figure = build_map(options).get_root()
    assert isinstance(figure, Figure)  # a folium.Map always sits in a Figure
    figure.render()
    # The page template has its own viewport tag, which lets a reader on a phone zoom.
    header = _FOLIUM_HEADER_NOISE.sub("", figure.header.render())
    return MapParts(
        header=Markup(header),
        html=Markup(figure.html.render()),
        script=Markup(figure.script.render()),
        drawing=drawing(counts, focus, t, types=types, home=home),
    )


def legend(t: Translator | None = None) -> list[tuple[str, str, list[tuple[Markup, str]]]]:
    """Return the legend's sections (event types are in the layer control, with their symbols)."""
    return mapstyle.legend(t or Translator("en"))
