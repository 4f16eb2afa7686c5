"""Draw the layers as a folium (Leaflet) map: the only module that imports folium."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

import folium
from branca.element import MacroElement
from folium.template import Template
from markupsafe import Markup

from mapapp import maplayout, mapstyle, popups
from mapapp.i18n import Translator
from mapapp.model import Layer

__all__ = ["MapOptions", "MapParts", "build_map", "render", "legend"]

_FOCUS_MAX_ZOOM = 12
_LEGEND_HEIGHT = 230  # px: the open legend, bottom left
_BADGE = 26  # px: the size of a point badge, and the step between badges at one place
_FOLIUM_VIEWPORT = re.compile(r'\s*<meta name="viewport"[^>]*>')


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
    """A rendered map, cut for a page template: head markup, body markup, inline script."""

    header: Markup
    html: Markup
    script: Markup


class _Path(MacroElement):
    """A Leaflet vector (polyline, polygon, circle) with every option passed through."""

    _template = Template(
        """{% macro script(this, kwargs) %}
var {{ this.get_name() }} = L.{{ this.factory }}({{ this.where|tojson }}, {{ this.options|tojson }})
    .addTo({{ this._parent.get_name() }});
{% endmacro %}"""
    )

    def __init__(self, factory: str, where: list, options: dict):
        super().__init__()
        self._name = "Path"
        self.factory, self.where, self.options = factory, where, options


class _Popup(MacroElement):
    """A popup bound to its parent; unlike folium.Popup it needs no jQuery."""

    _template = Template(
        """{% macro script(this, kwargs) %}
{{ this._parent.get_name() }}.bindPopup({{ this.html|tojson }}, {{ this.options|tojson }});
{% endmacro %}"""
    )

    def __init__(self, html: str):
        super().__init__()
        self._name = "Popup"
        self.html = html
        self.options = {"maxWidth": 380, "minWidth": 260, "maxHeight": 420, "className": "fp-popup"}


class _Tag(MacroElement):
    """Put ``data-feature-id`` on the DOM elements of a feature whenever they are (re)drawn."""

    _template = Template(
        """{% macro script(this, kwargs) %}
{{ this._parent.get_name() }}.on("add", function (e) {
    e.target.eachLayer(function (part) {
        part.getElement().setAttribute("data-feature-id", {{ this.feature_id|tojson }});
    });
});
{% endmacro %}"""
    )

    def __init__(self, feature_id: str):
        super().__init__()
        self._name = "Tag"
        self.feature_id = feature_id


class _View(MacroElement):
    """Frame bounds at once (no animation, so a popup opened next pans into view correctly)."""

    _template = Template(
        """{% macro script(this, kwargs) %}
{{ this._parent.get_name() }}.fitBounds({{ this.bounds|tojson }}, {{ this.options|tojson }});
{% if this.target %}{{ this.target.get_name() }}.openPopup();{% endif %}
{% endmacro %}"""
    )

    def __init__(self, bounds: list, options: dict, target: MacroElement | None = None):
        super().__init__()
        self._name = "View"
        self.bounds, self.options, self.target = bounds, {"animate": False, **options}, target


class _Registry(MacroElement):
    """Hand the explorer script the Leaflet objects it drives, keyed by overlay and feature id."""

    _template = Template(
        """{% macro script(this, kwargs) %}
window.mapappRegistry = {
    map: {{ this._parent.get_name() }},
    control: {{ this.control.get_name() }},
    overlays: { {% for key, group in this.overlays %}{{ key|tojson }}: {{ group.get_name() }},
    {% endfor %}},
    features: { {% for key, group in this.features %}{{ key|tojson }}: {{ group.get_name() }},
    {% endfor %}},
    badges: [ {% for fid, marker, at, precision in this.badges %}
        [{{ fid|tojson }}, {{ marker.get_name() }}, {{ at|tojson }}, {{ precision|tojson }}],
    {% endfor %}],
    badge: {{ this.badge|tojson }}
};
{% endmacro %}"""
    )

    def __init__(self, control, overlays: list, features: list, badges: list, badge: dict):
        super().__init__()
        self._name = "Registry"
        self.control, self.overlays, self.features = control, overlays, features
        self.badges, self.badge = badges, badge


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
    """Draw features into overlay groups, arranging the symbols that share one position.

    Badges at one place (a dozen events "in Nagorno-Karabakh") stand in a compact grid above
    it; the shaded circles of one region share its shade, so together they stay translucent.
    """

    def __init__(self, items: list[tuple[maplayout.Overlay, dict]], t: Translator):
        self.crowd = Counter(k for o, f in items for k in maplayout.point_keys(o.layer.id, f))
        self.placed: Counter = Counter()
        self.t = t
        #: (feature id, marker, position key, precision) of every badge, in drawing order.
        self.badges: list[tuple[str, folium.Marker, str, str]] = []

    def feature(self, overlay: maplayout.Overlay, feature: dict) -> folium.FeatureGroup:
        """Return one feature as a group of Leaflet layers with tooltip, popup and DOM tag."""
        props = feature.get("properties", {})
        layer_id = overlay.layer.id
        precision = str(props.get("geo_precision") or "exact")
        classes = (
            f"mf mf-layer-{layer_id} mf-ov-{overlay.id} mf-prec-{mapstyle.css_token(precision)}"
        )
        symbol = mapstyle.point_symbol(layer_id, props)
        group = folium.FeatureGroup(name=str(feature.get("id")), control=False)
        for kind, coords in maplayout.parts(feature.get("geometry") or {}):
            if kind == "point":
                marker = self._point(group, layer_id, props, symbol, precision, coords, classes)
                if layer_id in maplayout.BADGED_LAYERS:
                    at = ",".join(map(str, maplayout.at(coords)))
                    self.badges.append((str(feature.get("id")), marker, at, precision))
            else:
                style = mapstyle.path_style(layer_id, props, area=kind == "area")
                style.update(className=classes, pane=_pane(layer_id, kind))
                factory = "polygon" if kind == "area" else "polyline"
                group.add_child(_Path(factory, _swap(coords), style))
        t = self.t
        group.add_child(folium.Tooltip(popups.tooltip_html(feature, t), class_name="mf-tooltip"))
        title = maplayout.layer_title(overlay.layer, t)
        group.add_child(_Popup(popups.popup_html(feature, title, symbol, t)))
        group.add_child(_Tag(str(feature.get("id"))))
        return group

    def _point(self, group, layer_id, props, symbol, precision, coords, classes) -> folium.Marker:
        location, at = _latlng(coords), maplayout.at(coords)
        name = self.t.name(props)
        radius = mapstyle.region_radius_m(props.get("kind"))
        if precision == "region" and radius:
            style = mapstyle.path_style(layer_id, props, area=True)
            # n circles of opacity a look like one of 1-(1-a)^n: give each its share.
            sharing = self.crowd["shade", at, radius]
            style["fillOpacity"] = round(1 - (1 - style["fillOpacity"]) ** (1 / sharing), 4)
            style.update(radius=radius, className=classes, pane="mapapp-areas")
            group.add_child(_Path("circle", location, style))
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
        icon = folium.DivIcon(
            html=html,
            icon_size=size,
            icon_anchor=anchor,
            popup_anchor=(size[0] // 2 - anchor[0], -anchor[1]),
            class_name=f"mf-icon {classes}",
        )
        # Names of places stay readable above the badges and rings around them.
        lift = 500 if layer_id == "places" else 0
        marker = folium.Marker(location, icon=icon, rise_on_hover=True, z_index_offset=lift)
        group.add_child(marker)
        return marker

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


def build_map(
    layers: list[tuple[Layer, dict]],
    options: MapOptions,
    focus: str | None = None,
    t: Translator | None = None,
) -> folium.Map:
    """Return the map: tiles, an overlay per ``maplayout.overlays()`` entry, layer control, panels.

    ``focus`` is the id of a feature to frame with its popup open; it must exist in ``layers``.
    Names and labels are in the language of ``t`` (English by default).
    """
    t = t or Translator("en")
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
    entries = maplayout.overlays(layers, t)
    builder = _Builder([(o, f) for o in entries for f in o.features], t)
    target, bounds = None, maplayout.HOME_BOUNDS
    groups, drawn_features = [], []
    for overlay in entries:
        label = popups.overlay_label_html(
            overlay.id, overlay.title, len(overlay.features), overlay.sample
        )
        group = folium.FeatureGroup(name=label, overlay=True, control=True, show=True)
        for feature in overlay.features:
            drawn = builder.feature(overlay, feature).add_to(group)
            drawn_features.append((str(feature.get("id")), drawn))
            if focus is not None and feature.get("id") == focus:
                target, bounds = drawn, maplayout.focus_bounds(feature)
        group.add_to(fmap)
        groups.append((overlay.id, group))
    control = folium.LayerControl(position="topright", collapsed=False).add_to(fmap)
    fmap.add_child(_DomControl("map-legend", "bottomleft"))
    if target is None:
        # Keep the region clear of the open legend along the bottom.
        fmap.add_child(_View(bounds, {"paddingBottomRight": [0, _LEGEND_HEIGHT]}))
    else:
        fmap.add_child(_View(bounds, {"maxZoom": _FOCUS_MAX_ZOOM}, target))
    grid = {"size": _BADGE, "step": _BADGE + 2, "columns": maplayout.GRID_COLUMNS}
    fmap.add_child(_Registry(control, groups, drawn_features, builder.badges, grid))
    return fmap


def render(
    layers: list[tuple[Layer, dict]],
    options: MapOptions,
    focus: str | None = None,
    t: Translator | None = None,
) -> MapParts:
    """Render the map into the three parts a page template places: head, body, script."""
    figure = build_map(layers, options, focus, t).get_root()
    figure.render()
    # folium's own viewport tag forbids zooming (maximum-scale=1, user-scalable=no): a reader
    # on a phone must be able to enlarge the page. The page template has its own viewport tag.
    header = _FOLIUM_VIEWPORT.sub("", figure.header.render())
    return MapParts(
        header=Markup(header),
        html=Markup(figure.html.render()),
        script=Markup(figure.script.render()),
    )


def legend(t: Translator | None = None) -> list[tuple[str, str, list[tuple[Markup, str]]]]:
    """Return the legend's sections (event types are in the layer control, with their symbols)."""
    return mapstyle.legend(t or Translator("en"))
