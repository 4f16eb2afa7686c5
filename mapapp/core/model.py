"""The data contract: layer ids, precision values, and helpers to build features and sources."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "GEOJSON_MEDIA_TYPE",
    "Layer",
    "LAYERS",
    "LAYER_IDS",
    "PRECISIONS",
    "UNPLACED",
    "DATE_PRECISIONS",
    "sentence_url",
    "make_source",
    "date_precision",
    "round_coords",
]


#: The media type of GeoJSON (RFC 7946, section 12).
GEOJSON_MEDIA_TYPE = "application/geo+json"


@dataclass(frozen=True)
class Layer:
    """One map layer: its id (used in file names and URLs) and display titles."""

    id: str
    title: str
    title_vi: str
    description: str


LAYERS: tuple[Layer, ...] = (
    Layer("places", "Places", "Địa danh", "Every place the articles name."),
    Layer(
        "peacekeeping-posts",
        "Peacekeeping posts",
        "Trạm gìn giữ hòa bình",
        "Russian observation posts, as zones or approximate positions: no post coordinates "
        "were ever published.",
    ),
    Layer(
        "routes",
        "Routes and links",
        "Tuyến đường và liên lạc",
        "The Lachin corridor road, the corridor area, the demined section, the delegation's "
        "journey and the phone calls between capitals.",
    ),
    Layer("events", "Events", "Sự kiện", "Every dated event the articles report."),
    Layer(
        "regions",
        "Countries (reference)",
        "Quốc gia (tham chiếu)",
        "Country outlines from Natural Earth, for reference.",
    ),
)
LAYER_IDS: tuple[str, ...] = tuple(layer.id for layer in LAYERS)

#: How well a feature's geometry places the thing it stands for.
PRECISIONS = ("exact", "approximate", "region")
#: The ``geo_precision`` of an event whose text does not say where it happened: it has no
#: geometry (``null``), and is listed and counted but drawn nowhere.
UNPLACED = "unplaced"
#: How precise an ISO 8601 date string is, by its length.
DATE_PRECISIONS = {10: "day", 7: "month", 4: "year"}


def sentence_url(article_id: str, sentence: int) -> str:
    """Return the link to one sentence of an article page."""
    return f"/articles/{article_id}#s{sentence}"


def make_source(article_id: str, sentence: int, quote: str, url: str | None = None) -> dict:
    """Return a ``sources`` entry; ``url`` defaults to the sentence's link in the app."""
    return {
        "article_id": article_id,
        "sentence": sentence,
        "quote": quote,
        "url": url or sentence_url(article_id, sentence),
    }


def date_precision(value: str) -> str:
    """Return ``day``, ``month`` or ``year`` for an ISO 8601 date string.

    >>> date_precision("2020-11")
    'month'
    """
    try:
        return DATE_PRECISIONS[len(value)]
    except (KeyError, TypeError):
        raise ValueError(
            f"not an ISO 8601 date of day, month or year precision: {value!r}"
        ) from None


def round_coords(coords, ndigits: int = 6):
    """Round nested coordinate lists to ``ndigits`` decimals (RFC 7946 advises no more)."""
    if isinstance(coords, (int, float)):
        return round(float(coords), ndigits)
    return [round_coords(c, ndigits) for c in coords]
