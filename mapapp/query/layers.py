"""Framework-neutral API: layer listings, layer bodies and downloads, as plain data."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping

from mapapp.core.errors import BadParameter, NotFound
from mapapp.core.links import absolute_sources
from mapapp.core.model import GEOJSON_MEDIA_TYPE, LAYER_IDS, LAYERS
from mapapp.query import exports, viewfilter
from mapapp.store import Filter, Store

__all__ = [
    "GEOJSON_TYPE",
    "VIEW_FORMATS",
    "list_layers",
    "layer_body",
    "download",
    "download_view",
    "iter_matching",
    "state_filter",
    "stream_collection",
]

GEOJSON_TYPE = GEOJSON_MEDIA_TYPE
#: The formats "download what is shown" offers, as ``exports`` writes them.
VIEW_FORMATS = exports.FORMATS
_DOWNLOAD_NAME = re.compile(r"^([a-z0-9-]+)\.geojson$")


def list_layers(store: Store) -> list[dict]:
    """Return one entry per layer: id, title, feature count, API and download URLs."""
    counts = store.layer_counts()
    return [
        {
            "id": layer.id,
            "title": layer.title,
            "title_vi": layer.title_vi,
            "description": layer.description,
            "feature_count": counts[layer.id],
            "url": f"/api/layers/{layer.id}",
            "download_url": f"/download/{layer.id}.geojson",
        }
        for layer in LAYERS
    ]


def stream_collection(features: Iterable[dict], links: list | None = None) -> Iterator[bytes]:
    """Yield a FeatureCollection as UTF-8 JSON, one feature per chunk (memory: one feature),
    with a ``links`` member first if given."""
    head = '{"type": "FeatureCollection", '
    if links is not None:
        head += f'"links": {json.dumps(links, ensure_ascii=False)}, '
    yield (head + '"features": [').encode("utf-8")
    first = True
    for feature in features:
        text = json.dumps(feature, ensure_ascii=False)
        yield (("\n" if first else ",\n") + text).encode("utf-8")
        first = False
    yield b"\n]}\n"


def layer_body(store: Store, layer_id: str) -> Iterator[bytes]:
    """Return a layer as streamed GeoJSON (NotFound for an unknown layer id, at once)."""
    features = store.iter_layer(layer_id)
    return stream_collection(features)


def _absolute(features: Iterable[dict], site: str) -> Iterator[dict]:
    for feature in features:
        yield absolute_sources(feature, site) if site else feature


def _all(store: Store) -> Iterator[dict]:
    for layer_id in LAYER_IDS:
        yield from store.iter_layer(layer_id)


def download(store: Store, filename: str) -> tuple[str, Iterator[bytes]]:
    """Return ``(filename, streamed body)`` for an allow-listed download name.

    Only ``<layer id>.geojson`` and ``all.geojson`` exist; anything else is NotFound.
    """
    match = _DOWNLOAD_NAME.match(filename)
    if not match or (match.group(1) not in LAYER_IDS and match.group(1) != "all"):
        raise NotFound(f"no download named {filename!r}")
    name = match.group(1)
    features = _all(store) if name == "all" else store.iter_layer(name)
    return f"mapapp-{name}.geojson", stream_collection(features)


#: The most features a view download in a format written whole (not GeoJSON or CSV) holds.
MAX_WHOLE_EXPORT = 100_000


def state_filter(store: Store, state: viewfilter.ViewState) -> Filter:
    """Return the index filter for the map's state; BadParameter for an overlay none has."""
    overlays = None
    if state.overlays is not None:
        overlays = tuple(sorted(state.overlays))
        missing = [o for o in overlays if not store.has_overlay(o)]
        if missing:
            raise BadParameter("layers", f"no overlay {missing[0]!r}")
    days = None
    if state.start or state.end:
        days = (
            state.start.toordinal() if state.start else None,
            state.end.toordinal() if state.end else None,
        )
    return Filter(
        overlays=overlays,
        days=days,
        event_type=state.event_type,
        article=state.article,
        sentence=state.sentence,
    )


def iter_matching(store: Store, flt: Filter, batch: int = 500) -> Iterator[dict]:
    """Yield every feature matching ``flt``, in layer order, ``batch`` at a time."""
    offset = 0
    while True:
        page = store.select(flt, batch, offset)
        yield from page
        if len(page) < batch:
            return
        offset += batch


def download_view(
    store: Store, fmt: str, args: Mapping[str, str], site: str = ""
) -> tuple[str, str, Iterable[bytes]]:
    """Return ``(file name, media type, body)`` of the features the map shows in state ``args``.

    ``args`` are the map page's state parameters (``viewfilter.STATE_PARAMS``); any other
    parameter is a BadParameter, as is an overlay id that no feature is drawn in. NotFound for
    an unknown format. GeoJSON streams; the other formats hold at most MAX_WHOLE_EXPORT
    features (BadParameter beyond: narrow the view, or take GeoJSON).
    """
    if fmt not in VIEW_FORMATS:
        raise NotFound(f"no download named 'view.{fmt}'")
    unknown = sorted(set(args) - set(viewfilter.STATE_PARAMS))
    if unknown:
        raise BadParameter(unknown[0], "not a parameter of the view download")
    flt = state_filter(store, viewfilter.parse_state(args))
    spec = VIEW_FORMATS[fmt]
    name = f"mapapp-view.{spec.extension}"
    if fmt == "geojson":
        body = stream_collection(_absolute(iter_matching(store, flt), site))
        return name, spec.media_type, body
    if store.count(flt) > MAX_WHOLE_EXPORT:
        raise BadParameter(
            "layers",
            f"the view holds more than {MAX_WHOLE_EXPORT:,} features, too many for "
            f"{spec.title}: narrow it, or download GeoJSON",
        )
    features = list(_absolute(iter_matching(store, flt), site))
    return name, spec.media_type, [exports.export(features, fmt, "view")]
