"""The map as folium draws it: the only importer of folium (render, style, layout, popups).

Imports core, i18n, sources and query.
"""

from mapapp.mapview.mapdraw import (
    MapOptions,
    MapParts,
    build_map,
    drawing,
    legend,
    popup,
    render,
)

__all__ = [
    "MapOptions",
    "MapParts",
    "build_map",
    "drawing",
    "popup",
    "render",
    "legend",
]
