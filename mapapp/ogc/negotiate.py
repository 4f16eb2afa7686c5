"""Choose a response format from the ``f`` parameter, else from the ``Accept`` header."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from mapapp.core.errors import BadParameter
from mapapp.core.model import GEOJSON_MEDIA_TYPE

__all__ = ["parse_accept", "choose_format", "wants_html"]


def parse_accept(header: str | None) -> list[tuple[str, float]]:
    """Return the media ranges of an ``Accept`` header with their quality, in header order.

    Parameters other than ``q`` are dropped; a malformed ``q`` counts as 1; ``q=0`` entries are
    kept (they refuse a type).
    """
    ranges = []
    for item in (header or "").split(","):
        media, *params = (part.strip() for part in item.split(";"))
        if not media:
            continue
        quality = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    quality = 1.0
        ranges.append((media.lower(), quality))
    return ranges


def _quality(media_types: Sequence[str], ranges: list[tuple[str, float]]) -> float:
    """Return the best quality given to any of ``media_types`` (the most specific range wins)."""
    best = -1.0
    for media in media_types:
        kind = media.split("/")[0] + "/*"
        exact = [q for r, q in ranges if r == media]
        partial = [q for r, q in ranges if r == kind]
        anything = [q for r, q in ranges if r == "*/*"]
        for found in (exact, partial, anything):
            if found:
                best = max(best, max(found))
                break
    return best


def choose_format(
    f: str | None,
    accept: str | None,
    offered: Mapping[str, Sequence[str]],
    negotiable: Sequence[str] = ("json", "html"),
) -> str:
    """Return the format to answer with.

    ``offered`` maps every format name valid for ``f`` to its media types. Without ``f``, only
    the ``negotiable`` formats compete on the ``Accept`` header (downloads are chosen with ``f``
    alone); ties and an absent or unsatisfiable header go to the first of them.
    """
    if f is not None:
        if f not in offered:
            raise BadParameter("f", f"must be one of {', '.join(offered)}")
        return f
    ranges = parse_accept(accept)
    if not ranges:
        return negotiable[0]
    scored = [(_quality(offered[name], ranges), -i, name) for i, name in enumerate(negotiable)]
    quality, _, name = max(scored)
    return name if quality > 0 else negotiable[0]


def wants_html(f: str | None, accept: str | None) -> bool:
    """Return whether a request asks for HTML (``f=html``, or no ``f`` and HTML preferred)."""
    if f is not None:
        return f == "html"
    offered = {"json": ("application/json", GEOJSON_MEDIA_TYPE), "html": ("text/html",)}
    return choose_format(None, accept, offered) == "html"
