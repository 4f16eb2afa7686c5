"""Dates with their precision as day spans, and the OGC ``datetime`` query parameter.

Every date is turned into an inclusive span of days (proleptic Gregorian ordinals): ``2020-11-21``
covers one day, ``2020-11`` the whole of November 2020, ``2020`` the whole year. A feature covers
the span from the start of ``date`` to the end of ``date_end`` (or of ``date`` when it has no end),
and matches a query when the two spans overlap. Features carry no time of day, so a query's
date-times are reduced to their UTC day: the resolution is one day.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from mapapp.core.dayspan import DaySpan, date_span
from mapapp.core.errors import BadParameter

__all__ = [
    "DaySpan",
    "Query",
    "date_span",
    "parse_datetime",
    "overlaps",
    "interval_strings",
    "DATETIME_PATTERN",
]

#: A query span: ``None`` at either end means the interval is open on that side.
Query = tuple[int | None, int | None]

_DATE_TEXT = r"[0-9]{4}(?:-[0-9]{2}(?:-[0-9]{2})?)?"
_DATETIME_TEXT = (
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{1,9})?"
    r"(?:[Zz]|[+-][0-9]{2}:[0-9]{2})"
)
_DATE = re.compile(r"^([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?$")
_DATETIME = re.compile(f"^{_DATETIME_TEXT}$")
_END = f"(?:{_DATE_TEXT}|{_DATETIME_TEXT})"
#: Every value parse_datetime accepts matches this (ECMA 262 and Python alike); not every
#: match is accepted: impossible dates and intervals ending before they start are refused.
DATETIME_PATTERN = f"^(?:{_END}|(?:{_END}|\\.\\.)?/(?:{_END}|\\.\\.)?)$"
_OPEN = ("", "..")


def _instant(text: str) -> DaySpan:
    """Return the days one end of a ``datetime`` value covers; ValueError if malformed."""
    if _DATE.match(text):
        return date_span(text)
    if _DATETIME.match(text):
        moment = datetime.fromisoformat(text.upper())
        day = moment.astimezone(UTC).date().toordinal()
        return day, day
    raise ValueError(text)


def parse_datetime(value: str) -> Query:
    """Parse the ``datetime`` parameter into an inclusive day span; BadParameter if malformed.

    Accepted: an instant (``2020-11-21``, ``2020-11``, ``2020``, or an RFC 3339 date-time), a
    closed interval ``a/b``, and half-open ones ``../b``, ``a/..`` (an empty side counts as
    ``..``); ``../..`` matches every dated feature.
    """
    parts = value.split("/")
    if len(parts) > 2:
        raise BadParameter("datetime", "an interval has exactly one '/'")
    try:
        if len(parts) == 1:
            if value in _OPEN:
                raise BadParameter("datetime", "an instant cannot be open ('..')")
            return _instant(value)
        first, last = parts
        start = None if first in _OPEN else _instant(first)[0]
        end = None if last in _OPEN else _instant(last)[1]
    except (ValueError, OverflowError):
        raise BadParameter(
            "datetime",
            "expected a date (YYYY, YYYY-MM, YYYY-MM-DD), an RFC 3339 date-time, "
            "or an interval start/end where either end may be '..'",
        ) from None
    if start is not None and end is not None and start > end:
        raise BadParameter("datetime", "the interval ends before it starts")
    return start, end


def overlaps(span: DaySpan | None, query: Query) -> bool:
    """Return whether a feature matches a query span: its span overlaps it, or it has none
    (a feature without a temporal geometry matches every ``datetime``,
    /req/core/fc-time-response C)."""
    if span is None:
        return True
    start, end = query
    return (end is None or span[0] <= end) and (start is None or span[1] >= start)


def interval_strings(span: DaySpan) -> list[str]:
    """Return a day span as an OGC temporal extent: RFC 3339 start and end instants in UTC."""
    first = date.fromordinal(span[0]).isoformat()
    last = date.fromordinal(span[1]).isoformat()
    return [f"{first}T00:00:00Z", f"{last}T23:59:59Z"]
