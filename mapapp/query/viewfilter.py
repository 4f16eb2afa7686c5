"""What the map shows: the view's state (overlays, time window, filters) and the features it keeps.

The map page's script applies the same rules in the browser, on the fields ``mapindex`` computes
with these functions (overlay, day span, event type, sources); downloading "what is shown" applies
them here. Both sides treat a feature without a valid ``date`` as timeless: it always shows.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from mapapp.core import dayspan
from mapapp.core.errors import BadParameter
from mapapp.core.text import css_token
from mapapp.sources.articles import ARTICLE_ID_RE

__all__ = [
    "ViewState",
    "STATE_PARAMS",
    "parse_state",
    "forgiving_state",
    "Ignored",
    "date_span",
    "feature_span",
    "overlay_id",
    "event_type_of",
    "matches",
    "select",
]

#: The query parameters that make up the state, on the map page and the view download alike.
STATE_PARAMS = ("layers", "from", "to", "type", "article", "sentence")

_OVERLAY = re.compile(r"^[a-z0-9_-]{1,120}$")
_SENTENCE = re.compile(r"^(?P<article>[^:]+):(?P<n>[1-9][0-9]{0,5})$")


@dataclass(frozen=True)
class ViewState:
    """The overlays on (None: all), the time window (inclusive days, open ends), the filters."""

    overlays: frozenset[str] | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    event_type: str | None = None
    article: str | None = None
    sentence: tuple[str, int] | None = None


def date_span(value: str) -> tuple[dt.date, dt.date]:
    """Return the first and last day an ISO date of day, month or year precision covers.

    ``2020-11`` is the whole of November 2020, ``1994`` the whole year. ValueError otherwise.

    >>> date_span("2020-02")
    (datetime.date(2020, 2, 1), datetime.date(2020, 2, 29))
    """
    if not isinstance(value, str):
        raise ValueError(f"not an ISO 8601 date (YYYY, YYYY-MM or YYYY-MM-DD): {value!r}")
    first, last = dayspan.date_span(value)
    return dt.date.fromordinal(first), dt.date.fromordinal(last)


def feature_span(props: dict) -> tuple[dt.date, dt.date] | None:
    """Return the first and last day of a feature (see ``dayspan.feature_span``), as dates."""
    span = dayspan.feature_span(props)
    return None if span is None else (dt.date.fromordinal(span[0]), dt.date.fromordinal(span[1]))


def overlay_id(layer_id: str, props: dict) -> str:
    """Return the id of the overlay a feature is drawn in (events: one per event type)."""
    if layer_id != "events":
        return layer_id
    return f"events-{css_token(event_type_of(layer_id, props))}"


def event_type_of(layer_id: str, props: dict) -> str | None:
    """Return an event's type (``other`` when it has none); None for other layers."""
    if layer_id != "events":
        return None
    return str(props.get("event_type") or "other")


def _window_end(name: str, value: str, last: bool) -> dt.date:
    try:
        span = date_span(value)
    except ValueError as exc:
        raise BadParameter(name, str(exc)) from None
    return span[1] if last else span[0]


def parse_state(args: Mapping[str, str]) -> ViewState:
    """Read the state from query parameters (see ``STATE_PARAMS``); BadParameter names a bad one.

    ``layers`` lists the overlay ids switched on (absent: all; empty: none); ``from`` and ``to``
    may be of day, month or year precision, ``from`` meaning its first day and ``to`` its last;
    ``sentence`` is ``<article id>:<sentence number>``.
    """
    overlays = None
    if "layers" in args:
        overlays = frozenset(part for part in args["layers"].split(",") if part)
        bad = sorted(o for o in overlays if not _OVERLAY.match(o))
        if bad:
            raise BadParameter("layers", f"not an overlay id: {bad[0]!r}")
    start = _window_end("from", args["from"], last=False) if args.get("from") else None
    end = _window_end("to", args["to"], last=True) if args.get("to") else None
    if start and end and start > end:
        raise BadParameter("to", "the window ends before it starts")
    event_type = args.get("type") or None
    if event_type is not None and len(event_type) > 120:
        raise BadParameter("type", "too long")
    article = args.get("article") or None
    if article is not None and not ARTICLE_ID_RE.match(article):
        raise BadParameter("article", f"not an article id: {article!r}")
    sentence = None
    if args.get("sentence"):
        match = _SENTENCE.match(args["sentence"])
        if not match or not ARTICLE_ID_RE.match(match["article"]):
            raise BadParameter("sentence", "expected <article id>:<sentence number>")
        sentence = (match["article"], int(match["n"]))
    return ViewState(overlays, start, end, event_type, article, sentence)


@dataclass(frozen=True)
class Ignored:
    """A part of a shared link left out: the parameter, its value, and why."""

    param: str
    value: str
    why: str


def forgiving_state(args: Mapping[str, str]) -> tuple[ViewState, dict[str, str], list[Ignored]]:
    """Read the state as ``parse_state`` does, but leave out each malformed parameter instead
    of refusing the whole: return the state, the parameters kept (to write the URL back),
    and what was left out. (The map page forgives a bad link; the API refuses one.)"""
    kept: dict[str, str] = {}
    ignored: list[Ignored] = []
    for name in STATE_PARAMS:
        value = args.get(name)
        if value is None:
            continue
        try:
            parse_state({name: value})
        except BadParameter as exc:
            ignored.append(Ignored(name, value, _why(exc)))
            continue
        kept[name] = value
    try:
        state = parse_state(kept)
    except BadParameter as exc:  # the window ends before it starts: its end is left out
        ignored.append(Ignored(exc.parameter, kept.pop(exc.parameter), _why(exc)))
        state = parse_state(kept)
    return state, kept, ignored


def _why(exc: BadParameter) -> str:
    return str(exc).split(": ", 1)[-1]


def matches(layer_id: str, feature: dict, state: ViewState) -> bool:
    """Return whether a feature of ``layer_id`` shows in ``state``.

    It must be in an overlay that is on; if dated, its span must overlap the window; an event
    must be of the chosen type (other layers ignore the type); and with an article or sentence
    filter, one of its sources must cite that article or sentence.
    """
    props = feature.get("properties") or {}
    if state.overlays is not None and overlay_id(layer_id, props) not in state.overlays:
        return False
    if state.start or state.end:
        span = feature_span(props)
        if span and (
            (state.end and span[0] > state.end) or (state.start and span[1] < state.start)
        ):
            return False
    of_type = event_type_of(layer_id, props)
    if state.event_type and of_type is not None and of_type != state.event_type:
        return False
    if state.article or state.sentence:
        cited = [
            (s.get("article_id"), s.get("sentence"))
            for s in props.get("sources") or []
            if isinstance(s, dict)
        ]
        if state.article and all(article != state.article for article, _ in cited):
            return False
        if state.sentence and state.sentence not in cited:
            return False
    return True


def select(layers: Iterable[tuple[str, dict]], state: ViewState) -> list[dict]:
    """Return the features of ``(layer id, FeatureCollection)`` pairs that show, in order."""
    return [
        feature
        for layer_id, collection in layers
        for feature in collection.get("features", [])
        if matches(layer_id, feature, state)
    ]
