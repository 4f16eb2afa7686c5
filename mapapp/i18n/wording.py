"""Dates, date spans, numbers and figures in words, in English or Vietnamese."""

from __future__ import annotations

import datetime as dt

from mapapp.core.model import date_precision
from mapapp.core.vocabulary import MAGNITUDES, QUALIFIERS, UNITS

__all__ = ["format_date", "format_span", "format_number", "format_quantity"]

_MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def _parse(value: str) -> tuple[str, dt.date] | None:
    try:
        precision = date_precision(value)
        day = value if precision == "day" else (value[:7] + "-01" if precision == "month" else "")
        return precision, dt.date.fromisoformat(day or value + "-01-01")
    except ValueError:
        return None


def format_date(value: str, lang: str = "en", short: bool = False) -> str:
    """Return an ISO date of day, month or year precision in words.

    ``2020-11-24`` is "24 November 2020" ("24 Nov 2020" when ``short``; Vietnamese
    "ngày 24 tháng 11 năm 2020", short "24/11/2020"); ``2020-11`` "November 2020"; ``2020``
    "2020". Anything else comes back unchanged.
    """
    parsed = _parse(str(value))
    if parsed is None:
        return str(value)
    precision, day = parsed
    if lang == "vi":
        if short:
            return {
                "day": f"{day.day}/{day.month}/{day.year}",
                "month": f"{day.month}/{day.year}",
            }.get(precision, str(day.year))
        return {
            "day": f"ngày {day.day} tháng {day.month} năm {day.year}",
            "month": f"tháng {day.month} năm {day.year}",
        }.get(precision, f"năm {day.year}")
    month = _MONTHS_EN[day.month - 1][: 3 if short else None]
    return {"day": f"{day.day} {month} {day.year}", "month": f"{month} {day.year}"}.get(
        precision, str(day.year)
    )


def format_span(start: str, end: str | None, lang: str = "en", short: bool = False) -> str:
    """Return a date or a span of dates in words; a span within one month is compacted
    ("23–24 Nov 2020", "23–24/11/2020")."""
    if not end or end == start:
        return format_date(start, lang, short)
    first, last = _parse(str(start)), _parse(str(end))
    if (
        first is not None
        and last is not None
        and first[0] == last[0] == "day"
        and first[1].replace(day=1) == last[1].replace(day=1)  # the same month
        and (short or lang != "vi")
    ):
        return f"{first[1].day}–{format_date(str(end), lang, short)}"
    return f"{format_date(str(start), lang, short)} – {format_date(str(end), lang, short)}"


def format_number(value: object, lang: str = "en") -> str:
    """Return a number grouped the language's way: 1,960.5 in English, 1.960,5 in Vietnamese."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    text = f"{value:,}" if isinstance(value, int) else f"{value:,g}"
    if lang == "vi":
        text = text.translate(str.maketrans(",.", ".,"))
    return text


def format_quantity(
    unit: str, value: object, qualifier: str | None = None, lang: str = "en"
) -> str:
    """Return a figure as words: ``("killed", 4000, "more_than")`` → "more than 4,000 killed".

    A vague magnitude stays vague (``("refugees", 1000, "thousands")`` → "thousands of
    refugees"), and a unit's detail is bracketed ("aircraft:An-124" → "aircraft (An-124)").
    In Vietnamese: "hơn 4.000 người thiệt mạng", "hàng nghìn người tị nạn".
    """
    key, _, detail = str(unit).partition(":")
    index = 1 if lang == "vi" else 0
    words = UNITS[key][index] if key in UNITS else key.replace("_", " ")
    words = f"{words} ({detail})" if detail else words
    qualifier = qualifier or ""
    if qualifier in MAGNITUDES or qualifier.split("_")[-1] in MAGNITUDES:
        said = MAGNITUDES[qualifier][index] if qualifier in MAGNITUDES else qualifier
        if lang == "vi":
            return f"{said} {words}"
        return f"{said.replace('_', ' ')} of {words}"
    said = QUALIFIERS[qualifier][index] if qualifier in QUALIFIERS else qualifier
    return " ".join(w for w in (said.replace("_", " "), format_number(value, lang), words) if w)
