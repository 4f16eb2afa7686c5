"""Vietnamese date expressions ("ngày 24/11", "tháng 2/1988", "năm 1994") as ISO 8601 dates."""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_left, insort
from dataclasses import dataclass

from mapapp.geoparse.text import TooMany

__all__ = ["DateMention", "DateProblem", "find_dates", "scan_dates"]


@dataclass(frozen=True)
class DateMention:
    """A date or a range of dates in a text; ``text[start:end] == surface``.

    ``date``/``date_end`` are ISO 8601 (``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``), ``precision``
    says which. ``date_end`` is None for a single date. ``year_inferred``: the text gives no
    year (nor one relative to publication, "năm ngoái"): it was taken from the publication date.
    """

    start: int
    end: int
    surface: str
    date: str
    date_end: str | None
    precision: str
    year_inferred: bool = False


@dataclass(frozen=True)
class DateProblem:
    """A date expression naming no real day ("ngày 31/02"): not used, but worth a warning."""

    start: int
    end: int
    surface: str

    @property
    def message(self) -> str:
        """Return the warning, e.g. "impossible date 'ngày 31/02' ignored"."""
        return f"impossible date {self.surface!r} ignored"


@dataclass(frozen=True)
class _Raw:
    """A date before its year is resolved: ``year`` is None when the text gives none."""

    start: int
    end: int
    day: int | None
    month: int | None
    year: int | None
    future: bool = False  # "ngày 30/11 tới": the coming one, never rolled back a year
    ends_range: bool = False  # the second date of a range written as one expression
    years_on: int | None = None  # "tháng 12 năm ngoái": the year relative to publication


# The surface of a date starts at a date word ("ngày", "hôm", "mùng", "tháng", "năm") when there
# is one, else at the first digit. A day and month without a year need a cue before them, so that
# ratios and scores ("2/3 số phiếu", "thắng 3/1") are not dates; a full D/M/YYYY needs none.
_DAY_WORD = r"(?P<w>(?:ngày|hôm|mùng|mồng)\s+)"
_CUE = r"(?:sáng|trưa|chiều|tối|đêm|khuya|rạng sáng|từ|đến|tới|vào|trước|sau|qua|lúc|\()"
_D = r"(?P<d>3[01]|[12]\d|0?[1-9])"
_D1 = r"(?P<d1>3[01]|[12]\d|0?[1-9])"
_M = r"(?P<m>1[0-2]|0?[1-9])"
_Y = r"(?P<y>1[5-9]\d\d|20\d\d|2100)"
_Y1 = r"(?P<y1>1[5-9]\d\d|20\d\d|2100)"
_JOIN = r"\s*(?P<join>và|-|–|đến|tới)\s*"
_END = r"(?![\d/]|[.,]\d)"
_START = r"(?<![\w/.,-])"
_I = re.IGNORECASE
_DIGITS = re.compile(r"\d+")
_DATE_SEPARATORS = frozenset("/.-–")
_DATE_WORD_BEFORE = re.compile(r"(?:ngày|hôm|mùng|mồng|tháng|năm|quý|và|đến|tới)\s+$", _I)
# A time of day before a day and month: "chiều 8-9" is 8 September like "chiều 8/9".
_DAYTIME = r"(?:sáng|trưa|chiều|tối|đêm|khuya|rạng sáng)"
# After a dash, a unit makes "2-3" a count ("2-3 ngày"), not a date.
_NOT_A_DAY_AFTER = r"(?!\s*(?:giờ|tiếng|phút|ngày|tuần|tháng|năm|lần|người|km|%)(?!\w))"
# "năm ngoái" (last year), "năm nay" (this year), "năm tới" (next year) after a month.
_YEARS_ON = {"ngoái": -1, "trước": -1, "nay": 0, "tới": 1, "sau": 1}
_ROMAN_QUARTERS = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}

_PATTERNS = (
    # ngày 3 tháng 12 (năm 2020)
    re.compile(rf"{_START}{_DAY_WORD}{_D}\s+tháng\s+{_M}(?:\s+năm\s+{_Y})?{_END}", _I),
    # 3 tháng 12 năm 2020
    re.compile(rf"{_START}{_D}\s+tháng\s+{_M}\s+năm\s+{_Y}{_END}", _I),
    # ngày 23 và 24/11, các ngày 23-24/11(/2020): a day range within one month
    re.compile(rf"{_START}{_DAY_WORD}{_D1}{_JOIN}(?:ngày\s+)?{_D}/{_M}(?:/{_Y})?{_END}", _I),
    # ngày 7 và 8-6, ngày 7 và 8.6: the same, in the dash or dot style of other outlets
    re.compile(
        rf"{_START}{_DAY_WORD}{_D1}\s*(?P<join>và)\s*(?:ngày\s+)?{_D}[-.]{_M}"
        rf"(?![\d/-]|[.,]\d){_NOT_A_DAY_AFTER}",
        _I,
    ),
    # năm 1988-1994, năm 1988 đến năm 1994
    re.compile(rf"{_START}(?P<w>năm\s+){_Y1}{_JOIN}(?:năm\s+)?{_Y}{_END}", _I),
    # A wire dateline: "Mátxcơva, 2/3 (TTXVN) -", "Hà Nội, 14.8 (VNA) –" at a line's start
    re.compile(
        rf"^[^\W\d_][^\W\d_'’-]*(?:[ -][^\W\d_][^\W\d_'’-]*){{0,5}},\s*{_D}[/.-]{_M}"
        r"(?=\s*\([^()\n]{2,24}\)\s*[-–—])",
        _I | re.MULTILINE,
    ),
    # 24/11/2020, 24-11-2020, 24.11.2020: a full date needs no cue
    re.compile(rf"{_START}{_DAY_WORD}?{_D}(?P<sep>[/.-]){_M}(?P=sep){_Y}{_END}", _I),
    # ngày 24/11, hôm 27/9, sáng 9/11, (24/11): day and month after a cue
    re.compile(rf"(?:(?<!\w){_DAY_WORD}|(?<!\w){_CUE}\s*){_D}/{_M}{_END}", _I),
    # ngày 3.2, hôm 14.8: a dot only after a day word, and not before a scale word ("3.2 triệu")
    re.compile(
        rf"(?<!\w){_DAY_WORD}{_D}\.{_M}(?![\d/-]|[.,]\d){_NOT_A_DAY_AFTER}"
        r"(?!\s*(?:triệu|tỷ|tỉ|nghìn|ngàn|trăm)(?!\w))",
        _I,
    ),
    # ngày 20-9, hôm 20-9, chiều 8-9: a dash only after a day word or a time of day
    re.compile(
        rf"(?:(?<!\w){_DAY_WORD}|(?<!\w){_DAYTIME}\s+){_D}-{_M}(?![\d/-]|[.,]\d){_NOT_A_DAY_AFTER}",
        _I,
    ),
    # quý III/2024, quý 3 năm 2024: the quarter's three months
    re.compile(rf"{_START}(?P<w>quý\s+)(?P<q>IV|I{{1,3}}|[1-4])(?:/|\s+năm\s+){_Y}{_END}", _I),
    # tháng 2/1988, tháng 2 năm 1988, tháng 12 năm ngoái, tháng 11
    re.compile(
        rf"{_START}(?P<w>tháng\s+){_M}"
        rf"(?:(?:/|\s+năm\s+){_Y}|\s+năm\s+(?P<on>{'|'.join(_YEARS_ON)})(?!\w))?{_END}",
        _I,
    ),
    # giai đoạn 2021-2025, 1988–1994: two years joined by a dash, the later one second
    re.compile(rf"{_START}{_Y1}\s*(?P<join>[-–])\s*{_Y}{_END}", _I),
    # năm 1994
    re.compile(rf"{_START}(?P<w>năm\s+){_Y}{_END}", _I),
)
# "phải trao trả ... trước ngày 15/11": an obligation due by a date is a date to come; so is
# what is planned for a date ("sẽ họp vào ngày 20/1", "dự kiến từ ngày 5/1") and the end of a
# stretch counted from now ("từ nay đến ngày 6/1").
_DEADLINE = re.compile(
    r"(?:\b(?:phải|sẽ|cần|hạn chót)\b[^.;!?]*\btrước"
    r"|\b(?:sẽ|dự kiến|dự định|lên kế hoạch)\b[^.;!?]*\b(?:vào|trong|từ)"
    r"|\btừ\s+(?:nay|bây giờ|giờ|hôm nay|đây)\s+(?:đến|tới|cho đến|cho tới))\s+$",
    _I,
)
_RANGE_JOIN = re.compile(r"\s*(?:-|–|—|đến|tới|cho đến|đến hết|tới hết)\s*", _I)
# "ngày 30/11 tới," is the coming 30/11; "ngày 21/11 tới Yerevan" is a trip to Yerevan.
_FUTURE = re.compile(r"\s+(?:sắp\s+)?tới(?:\s+đây)?(?=\s*[,.;:!?)]|\s*$)", _I)


def _windows(text: str) -> list[tuple[int, int]]:
    """Return the stretches of text worth running the patterns on: around numbers that look
    like part of a date (next to "/", ".", "-", or after a date word, or before "tháng")."""
    spans: list[tuple[int, int]] = []
    for match in _DIGITS.finditer(text):
        start, end = match.span()
        after = text[end : end + 7]
        if not (
            after[:1] in _DATE_SEPARATORS
            or text[start - 1 : start] == "/"  # "quý III/2024"
            or after.startswith(" tháng")
            or _DATE_WORD_BEFORE.search(text, max(0, start - 12), start)
        ):
            continue
        # a date word or cue is a few words before the first digit; a date ends with a digit
        start, end = max(0, start - 30), min(len(text), end + 40)
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], end))
        else:
            spans.append((start, end))
    return spans


def _int(value: str | None) -> int | None:
    return int(value) if value else None


def _from_match(text: str, match: re.Match) -> list[_Raw]:
    """Turn one match into one date, or two for a range written as one expression."""
    groups = match.groupdict()
    first_digit = "d" if groups.get("d") else "y1" if groups.get("y1") else "y"
    start = match.start("w") if groups.get("w") else match.start(first_digit)
    end = match.end()
    day, month, year = _int(groups.get("d")), _int(groups.get("m")), _int(groups.get("y"))
    future = (
        _FUTURE.match(text, end) is not None
        or _DEADLINE.search(text, max(0, start - 120), start) is not None
    )
    if groups.get("q"):
        last_month = 3 * _ROMAN_QUARTERS[groups["q"].lower()]
        return [
            _Raw(start, end, None, last_month - 2, year, future),
            _Raw(start, end, None, last_month, year, future, ends_range=True),
        ]
    if groups.get("on"):
        return [
            _Raw(start, end, None, month, None, future, years_on=_YEARS_ON[groups["on"].lower()])
        ]
    if groups.get("y1"):
        first_year, last_year = int(groups["y1"]), int(groups["y"])  # both patterns with y1 have y
        if groups["join"] in "-–" and not first_year < last_year <= first_year + 100:
            return []  # "2020-2016" is not a span of years
        if groups["join"].lower() == "và" and last_year - first_year != 1:
            # "các năm 2004 và 2016": two years, not the years between them
            return [
                _Raw(start, match.end("y1"), None, None, first_year, future),
                _Raw(match.start("y"), end, None, None, last_year, future),
            ]
        first = _Raw(start, end, None, None, first_year, future)
        return [first, _Raw(start, end, None, None, last_year, future, ends_range=True)]
    if not groups.get("d1"):
        return [_Raw(start, end, day, month, year, future)]
    first_day, last_day = int(groups["d1"]), int(groups["d"])  # the pattern with d1 has d
    if groups["join"].lower() == "và" and last_day - first_day != 1:
        # "ngày 3 và 10/11": two days, not the week between them
        return [
            _Raw(start, match.end("d1"), first_day, month, year, future),
            _Raw(match.start("d"), end, last_day, month, year, future),
        ]
    return [
        _Raw(start, end, first_day, month, year, future),
        _Raw(start, end, last_day, month, year, future, ends_range=True),
    ]


def _raw_dates(text: str, limit: int | None = None) -> list[_Raw]:
    """Return every date expression in text order; an earlier pattern wins over a later one.

    TooMany as soon as more than ``limit`` dates are found.
    """
    found: list[_Raw] = []
    taken: list[tuple[int, int]] = []  # disjoint spans, sorted
    spans = _windows(text)
    for pattern in _PATTERNS:
        for match in (m for a, b in spans for m in pattern.finditer(text, a, b)):
            raws = _from_match(text, match)
            if not raws:
                continue
            start, end = raws[0].start, raws[-1].end
            if _overlaps(taken, start, end):
                continue
            found.extend(raws)
            insort(taken, (start, end))
            if limit is not None and len(found) > limit:
                raise TooMany("dates", limit)
    found.sort(key=lambda r: (r.start, r.ends_range))
    return found


def _overlaps(taken: list[tuple[int, int]], start: int, end: int) -> bool:
    """True if ``start:end`` overlaps a span of ``taken`` (disjoint, sorted): only the last
    span starting before ``end`` can, so one bisection decides."""
    index = bisect_left(taken, (end,))
    return index > 0 and taken[index - 1][1] > start


def _iso(year: int, month: int | None, day: int | None) -> str | None:
    if month is None:  # a day always comes with its month
        return f"{year:04d}"
    if day is None:
        return f"{year:04d}-{month:02d}"
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def _year_for(raw: _Raw, published: dt.date) -> int:
    """The year that puts a day or month without one at or before publication, unless the
    text says it is to come ("ngày 30/11 tới", "ngày 22-1 tới" in December: next January)."""
    year = published.year
    if raw.years_on is not None:
        return year + raw.years_on
    assert raw.month is not None  # only a year-only date has no month, and it has its year
    try:
        first_day = dt.date(year, raw.month, raw.day or 1)
    except ValueError:
        return year
    if raw.future:  # the first such day (or month) from publication on
        if raw.day is None:
            return year if raw.month >= published.month else year + 1
        return year if first_day >= published else year + 1
    return year if first_day <= published else year - 1


def find_dates(text: str, published: dt.date) -> list[DateMention]:
    """Return the dates in ``text`` (NFC), in order; spans index ``text`` (see scan_dates)."""
    return scan_dates(text, published)[0]


def scan_dates(
    text: str, published: dt.date, limit: int | None = None
) -> tuple[list[DateMention], list[DateProblem]]:
    """Return the dates in ``text`` (NFC), in order, and the impossible ones ("31/02") left out;
    spans index ``text``. More than ``limit`` date expressions raise TooMany.

    A day and month with no year take the year of ``published``, or the year before when that
    would put them after publication (published 2021-01-03: "ngày 28/12" is 2020-12-28), unless
    the text says the date is to come ("ngày 30/11 tới"). Two dates joined by "đến", "tới"
    or a dash become one range; a range's first date takes the year of its last one. Relative
    dates ("hôm qua") and lunar months are not read.
    """
    raws = _raw_dates(text, limit)
    mentions: list[DateMention] = []
    problems: list[DateProblem] = []
    i = 0
    while i < len(raws):
        first = last = raws[i]
        if i + 1 < len(raws) and (raws[i + 1].ends_range or _joins(text, first, raws[i + 1])):
            last = raws[i + 1]
            i += 1
        i += 1
        mention = _resolve(text, first, last, published)
        if mention is not None:
            mentions.append(mention)
        else:
            problems.append(DateProblem(first.start, last.end, text[first.start : last.end]))
    return mentions, problems


def _joins(text: str, first: _Raw, second: _Raw) -> bool:
    """Two dates of the same precision with only "đến"/"tới"/a dash between them form a range."""
    same_kind = (first.day is None) == (second.day is None) and (first.month is None) == (
        second.month is None
    )
    between = text[first.end : second.start]
    return same_kind and len(between) <= 16 and _RANGE_JOIN.fullmatch(between) is not None


def _resolve(text: str, first: _Raw, last: _Raw, published: dt.date) -> DateMention | None:
    crosses = (first.month or 0, first.day or 0) > (last.month or 0, last.day or 0)
    if last.year is not None:
        end_year = last.year
    elif first is not last and first.year is None:
        # A range is placed by its first date: "từ ngày 8 đến 11/10" in an article of 10/10 is
        # under way, not a year old; "ngày 30/12 đến 2/1" crosses the new year.
        end_year = _year_for(first, published) + crosses
    else:
        end_year = _year_for(last, published)
    if first is last:
        start_year = end_year
    elif first.year is not None:
        start_year = first.year
    else:
        start_year = end_year - crosses
    begin = _iso(start_year, first.month, first.day)
    finish = _iso(end_year, last.month, last.day)
    if begin is None or finish is None:
        return None
    precision = "day" if first.day is not None else "month" if first.month is not None else "year"
    start, end = first.start, last.end
    inferred = last.year is None and last.years_on is None and first.years_on is None
    return DateMention(
        start, end, text[start:end], begin, None if first is last else finish, precision, inferred
    )
