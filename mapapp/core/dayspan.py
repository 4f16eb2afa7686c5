"""Dates with their precision as inclusive spans of days (proleptic Gregorian ordinals)."""

from __future__ import annotations

import calendar
import contextlib
import re
from datetime import date
from functools import lru_cache

__all__ = ["DaySpan", "date_span", "feature_span"]

#: An inclusive ``(first day, last day)`` pair of date ordinals.
DaySpan = tuple[int, int]

_DATE = re.compile(r"^([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?$")


@lru_cache(maxsize=65536)
def date_span(value: str) -> DaySpan:
    """Return the days an ISO 8601 date of day, month or year precision covers.

    Raises ValueError for anything else (including impossible dates such as ``2021-02-30``).

    >>> date_span("2020-02") == (date(2020, 2, 1).toordinal(), date(2020, 2, 29).toordinal())
    True
    """
    match = _DATE.match(value)
    if not match:
        raise ValueError(f"not an ISO 8601 date (YYYY, YYYY-MM or YYYY-MM-DD): {value!r}")
    year = int(match[1])
    month, day = (int(part) if part else None for part in match.groups()[1:])
    if month is None:
        return date(year, 1, 1).toordinal(), date(year, 12, 31).toordinal()
    if day is None:
        last = calendar.monthrange(year, month)[1] if 1 <= month <= 12 else 0
        return date(year, month, 1).toordinal(), date(year, month, last).toordinal()
    one = date(year, month, day).toordinal()
    return one, one


def feature_span(properties: dict) -> DaySpan | None:
    """Return the days a feature covers: from the start of ``date`` to the end of ``date_end``
    (or of ``date``). None when it has no valid ``date``; an invalid ``date_end`` is ignored.

    The one rule for every consumer: the map's time window, view downloads, the OGC API.
    """
    start_text = properties.get("date")
    if not isinstance(start_text, str):
        return None
    try:
        start, end = date_span(start_text)
    except ValueError:
        return None
    end_text = properties.get("date_end")
    if isinstance(end_text, str) and end_text:
        with contextlib.suppress(ValueError):
            end = max(end, date_span(end_text)[1])
    return start, end
