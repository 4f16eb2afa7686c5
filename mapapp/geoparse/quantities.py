"""Vietnamese numbers with units ("hơn 4.000 người", "2,5 km", "hàng nghìn người")."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from mapapp.geoparse.matcher import PhraseMatcher
from mapapp.geoparse.text import TooMany, fold, is_vietnamese_syllable

__all__ = ["Quantity", "find_quantities", "UNITS", "MAGNITUDES"]


def _word_set(words: str) -> frozenset[str]:
    """Return the space-separated words of ``words`` as a set."""
    return frozenset(words.split())


@dataclass(frozen=True)
class Quantity:
    """A counted or measured figure; ``text[start:end] == surface``.

    ``unit`` is a normalised key ("people", "km", "aircraft", ...), ``qualifier`` one of
    ``more_than``, ``nearly``, ``about``, ``at_least``, ``at_most``, ``up_to``, ``less_than``, or
    a magnitude word for vague counts ("hàng nghìn người": value 1000, qualifier ``thousands``,
    i.e. the value is the order of magnitude and a lower bound). ``detail`` is a model
    designation written after the unit ("2 máy bay An-124": ``An-124``).
    """

    start: int
    end: int
    surface: str
    value: float | int
    unit: str
    qualifier: str | None = None
    detail: str | None = None


#: Vietnamese unit phrases and their normalised keys. Only figures with one of these units are
#: read: a bare number, a year or a count of discourse participants ("hai nhà lãnh đạo") is not.
UNITS: dict[str, str] = {
    "người": "people",
    "người dân": "people",
    "dân thường": "civilians",
    "thường dân": "civilians",
    "người tị nạn": "refugees",
    "người tỵ nạn": "refugees",
    "nạn nhân": "victims",
    "trẻ em": "children",
    "quân nhân": "personnel",
    "binh sĩ": "personnel",
    "binh lính": "personnel",
    "lính": "personnel",
    "chiến sĩ": "personnel",
    "cán bộ, chiến sĩ": "personnel",
    "cán bộ chiến sĩ": "personnel",
    "sĩ quan": "officers",
    "tay súng": "fighters",
    "chiến binh": "fighters",
    "phiến quân": "fighters",
    "nhân viên": "staff",
    "sinh viên": "students",
    "du học sinh": "students",
    "học sinh": "students",
    "chuyến bay": "flights",
    "chuyến": "trips",
    "chuyến đi": "trips",
    "máy bay": "aircraft",
    "phi cơ": "aircraft",
    "máy bay vận tải": "aircraft",
    "máy bay chiến đấu": "aircraft",
    "máy bay quân sự": "aircraft",
    "máy bay ném bom": "aircraft",
    "trực thăng": "helicopters",
    "máy bay trực thăng": "helicopters",
    "máy bay không người lái": "drones",
    "thiết bị": "equipment",
    "trang thiết bị": "equipment",
    "khí tài": "equipment",
    "trạm quan sát": "observation_posts",
    "chốt quan sát": "observation_posts",
    "điểm quan sát": "observation_posts",
    "trạm kiểm soát": "checkpoints",
    "chốt kiểm soát": "checkpoints",
    "trạm": "posts",
    "chốt": "posts",
    "đồn": "posts",
    "xe bọc thép": "armoured_vehicles",
    "xe thiết giáp": "armoured_vehicles",
    "xe tăng": "tanks",
    "xe tải": "trucks",
    "xe chiến đấu bộ binh": "armoured_vehicles",
    "xe bọc thép chở quân": "armoured_vehicles",
    "xe thiết giáp chở quân": "armoured_vehicles",
    "xe cơ giới": "vehicles",
    "xe quân sự": "vehicles",
    "xe": "vehicles",
    "phương tiện": "vehicles",
    "phương tiện cơ giới": "vehicles",
    "phương tiện quân sự": "vehicles",
    "ô tô": "vehicles",
    "tàu": "ships",
    "tàu chiến": "ships",
    "tàu hộ vệ": "ships",
    "tàu khu trục": "ships",
    "tàu ngầm": "submarines",
    "tàu cá": "fishing_boats",
    "xuồng": "boats",
    "xuồng cao tốc": "boats",
    "tàu thuyền": "boats",
    "xuồng cứu hộ": "boats",
    "xuồng máy": "boats",
    "ca nô": "boats",
    "thuyền": "boats",
    "thuyền cứu hộ": "boats",
    "tên lửa": "missiles",
    "quả tên lửa": "missiles",
    "tên lửa hành trình": "missiles",
    "tên lửa đạn đạo": "missiles",
    "tên lửa phòng không": "missiles",
    "tên lửa chống hạm": "missiles",
    "tên lửa hành trình chống hạm": "missiles",
    "tên lửa đạn đạo chống hạm": "missiles",
    "đạn dẫn đường": "munitions",
    "quả bom": "bombs",
    "bom": "bombs",
    "mục tiêu": "targets",
    "địa điểm": "sites",
    "vụ tấn công": "attacks",
    "cuộc tấn công": "attacks",
    "cuộc không kích": "airstrikes",
    "đợt không kích": "airstrikes",
    "văn kiện": "documents",
    "văn kiện hợp tác": "documents",
    "khách hàng": "customers",
    "hộ": "households",
    "hộ dân": "households",
    "hộ gia đình": "households",
    "quả đạn": "shells",
    "đạn pháo": "shells",
    "khẩu pháo": "guns",
    "khẩu súng cối": "guns",
    "cây xanh": "trees",
    "cây cối": "trees",
    "gốc cây": "trees",
    "cột điện": "power_poles",
    "trụ điện": "power_poles",
    "m3": "m3",
    "m³": "m3",
    "mét khối": "m3",
    "phiếu": "votes",
    "phiếu thuận": "votes",
    "phiếu chống": "votes",
    "phiếu trắng": "votes",
    "con tin": "hostages",
    "xe bồn": "tankers",
    "xe chở nhiên liệu": "tankers",
    "xe chở dầu": "tankers",
    "xe cứu thương": "ambulances",
    "xe lội nước": "vehicles",
    "đợt tấn công": "attacks",
    "đợt phản công": "attacks",
    "cuộc phản công": "attacks",
    "khu dân cư": "settlements",
    "dự án": "projects",
    "du khách": "visitors",
    "lượt khách": "visitors",
    "lượt du khách": "visitors",
    "khách du lịch": "visitors",
    "lượt khách du lịch": "visitors",
    "cư dân": "people",
    "uav": "drones",
    "ngôi nhà": "houses",
    "căn nhà": "houses",
    "ngôi làng": "villages",
    "làng": "villages",
    "liều": "doses",
    "ca": "cases",
    "ca nhiễm": "cases",
    "ca mắc": "cases",
    "km": "km",
    "ki-lô-mét": "km",
    "kilômét": "km",
    "kilomet": "km",
    "cây số": "km",
    "km2": "km2",
    "km²": "km2",
    "m": "m",
    "mét": "m",
    "cm": "cm",
    "xăng-ti-mét": "cm",
    "mm": "mm",
    "mi-li-mét": "mm",
    "milimét": "mm",
    "ha": "ha",
    "héc-ta": "ha",
    "hecta": "ha",
    "tấn": "tonnes",
    "năm": "years",
    "tháng": "months",
    "tuần": "weeks",
    "ngày": "days",
    "giờ": "hours",
    "tiếng": "hours",
    "phút": "minutes",
    "%": "percent",
    "phần trăm": "percent",
    "usd": "usd",
    "đô la": "usd",
    "đô la mỹ": "usd",
    "đôla": "usd",
    "euro": "eur",
    "eur": "eur",
    "rúp": "rub",
    "baht": "thb",
    "bạt": "thb",
    "nhân dân tệ": "cny",
    "yên": "jpy",
    "won": "krw",
    "bảng anh": "gbp",
    "ringgit": "myr",
    "rupee": "inr",
    "peso": "php",
    "đồng": "vnd",
    "vnd": "vnd",
    "vnđ": "vnd",
}
#: Vague magnitudes: "hàng nghìn" is thousands (value 1000, a lower bound).
MAGNITUDES: dict[str, tuple[int, str]] = {
    "chục": (10, "tens"),
    "trăm": (100, "hundreds"),
    "nghìn": (1000, "thousands"),
    "ngàn": (1000, "thousands"),
    "vạn": (10_000, "tens_of_thousands"),
    "chục nghìn": (10_000, "tens_of_thousands"),
    "chục ngàn": (10_000, "tens_of_thousands"),
    "trăm nghìn": (100_000, "hundreds_of_thousands"),
    "trăm ngàn": (100_000, "hundreds_of_thousands"),
    "triệu": (1_000_000, "millions"),
    "tỷ": (1_000_000_000, "billions"),
    "tỉ": (1_000_000_000, "billions"),
    "nghìn tỷ": (1_000_000_000_000, "trillions"),
    "ngàn tỷ": (1_000_000_000_000, "trillions"),
}
_MULTIPLIERS = {
    "nghìn": 1e3,
    "ngàn": 1e3,
    "vạn": 1e4,
    "triệu": 1e6,
    "tỷ": 1e9,
    "tỉ": 1e9,
    "nghìn tỷ": 1e12,
    "ngàn tỷ": 1e12,
}
_QUALIFIERS = {
    "hơn": "more_than",
    "trên": "more_than",
    "gần": "nearly",
    "gần như": "nearly",
    "khoảng": "about",
    "chừng": "about",
    "khoảng chừng": "about",
    "xấp xỉ": "about",
    "ước tính": "about",
    "ít nhất": "at_least",
    "tối thiểu": "at_least",
    "không dưới": "at_least",
    "tối đa": "at_most",
    "không quá": "at_most",
    "lên tới": "up_to",
    "lên đến": "up_to",
    "tới": "up_to",
    "dưới": "less_than",
    "chưa đầy": "less_than",
    "chưa tới": "less_than",
    "chưa đến": "less_than",
}
# "năm" (five) is left out: it is also "year"; "một" (one, a) counts only in "một tháng rưỡi".
_WORD_NUMBERS = {"hai": 2, "ba": 3, "bốn": 4, "sáu": 6, "bảy": 7, "bẩy": 7, "tám": 8, "chín": 9}
_WORD_NUMBERS |= {"mười": 10}
# Units a model designation may follow ("máy bay IL-76", "xe tăng T-72").
_MODEL_UNITS = {
    "guns",
    "aircraft",
    "helicopters",
    "drones",
    "tanks",
    "vehicles",
    "armoured_vehicles",
    "trucks",
    "ships",
    "submarines",
    "missiles",
}
# Words before a number that make it a date, an ordinal or an address, not a count.
_NOT_A_COUNT_AFTER = _word_set(
    "ngày tháng năm hôm mùng mồng số lúc điều khoản chương mục phần trang quận phường thứ hạng"
)


def _alternation(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


# A model designation after a unit: "An-124", "IL-76", "T-72", or a name in Latin letters with an
# optional mark number, "Leopard 2", "Challenger 2", "Bradley", "HIMARS", "Kalibr". Case-sensitive
# (the figure pattern is not). A name must not be a Vietnamese syllable ("2 tàu chiến Nga") nor
# a place the gazetteer found (see ``find_quantities``).
_MODEL = (
    r"(?-i:[A-Z][A-Za-z]{0,4}-\d{1,4}[A-Za-z0-9]{0,4}(?![\w-])"
    r"|(?P<model_name>[A-Z][A-Za-z]{2,14})(?:\s+\d{1,2}[A-Z]?\d?)?(?![\w-]))"
)


_QUANTITY = re.compile(
    rf"(?<![\w.,/])(?<![^\W\d_]-)(?:(?P<qual>{_alternation(_QUALIFIERS)})\s+)?"
    rf"(?:(?P<num>\d{{1,3}}(?:\.\d{{3}})+(?:,\d+)?|\d+(?:,\d+)?)(?![\d/]|[.,]\d)"
    rf"(?:\s+(?P<mult>{_alternation(_MULTIPLIERS)}))?\s*"
    rf"|(?P<word>{_alternation([*_WORD_NUMBERS, 'một'])})\s+"
    rf"|(?P<vague>hàng|vài|mấy)\s+(?P<mag>{_alternation(MAGNITUDES)})\s+)"
    rf"(?:(?:chiếc|cái|quả|con)\s+)?(?P<unit>{_alternation(UNITS)})(?!\w)"
    rf"(?:\s+(?P<half>rưỡi)(?!\w))?"
    rf"(?:\s+(?P<detail>{_MODEL}))?",
    re.IGNORECASE,
)


def _number(text: str) -> float | int:
    """Read "1.960" as 1960 and "2,5" as 2.5: "." groups thousands, "," marks decimals."""
    value = float(text.replace(".", "").replace(",", "."))
    return int(value) if value.is_integer() else value


def _tidy(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


# Where a figure can start: digits, or a number word or vague magnitude ("hàng nghìn"), found in
# the folded text by an automaton (a regex alternation tried at every character is slower).
_DIGITS = re.compile(r"\d+")


@lru_cache(maxsize=1)
def _word_anchors() -> PhraseMatcher:
    return PhraseMatcher((w, w) for w in [*_WORD_NUMBERS, "một", "hàng", "vài", "mấy"])


_QUALIFIER_BEFORE = re.compile(rf"(?<!\w)(?:{_alternation(_QUALIFIERS)})\s+$", re.IGNORECASE)
# "12 giờ trưa", "10 giờ 30": a time of day, not a duration.
_CLOCK_AFTER = re.compile(
    r"\s*(?:\d|sáng|trưa|chiều|tối|đêm|khuya|kém|(?:hôm|ngày|mùng|mồng)\s+\d)", re.IGNORECASE
)
# "lúc 0 giờ 15", "7 giờ 30": the figure after "giờ" is minutes of a time of day.
_CLOCK_BEFORE = re.compile(r"\d\s*giờ\s+$", re.IGNORECASE)
# "ngày 2-3", "ngày 14.8", "ngày 3/2": a date after "ngày", not days counted.
_DATE_AFTER = re.compile(r"\s+\d{1,2}\s*[-./]\s*\d{1,2}(?!\d)")
# "3 ca sĩ" are singers, "2 ca mổ" operations: "ca" counts cases only on its own.
_NOT_CASES_AFTER = re.compile(r"\s+(?:sĩ|khúc|mổ|trực|làm|kíp|kịch)(?!\w)", re.IGNORECASE)
# "2 hộ chiếu" are passports, "hộ tống" an escort: "hộ" counts households only on its own.
_NOT_HOUSEHOLDS_AFTER = re.compile(r"\s+(?:chiếu|khẩu|lý|tống|vệ|sinh|pháp)(?!\w)", re.IGNORECASE)
# "từ 100 tới 200 mm": "tới" between two figures joins them, it is not "up to".
_FIGURE_BEFORE = re.compile(r"\d\s+$")
# A figure whose unit comes with the next one: "lần lượt hơn 1,3 triệu và gần 580.000 ca".
_BARE_FIGURE = re.compile(
    rf"(?P<figure>(?<![\w.,/-])(?:(?P<qual>{_alternation(_QUALIFIERS)})\s+)?"
    rf"(?P<num>\d{{1,3}}(?:\.\d{{3}})+(?:,\d+)?|\d+(?:,\d+)?)"
    rf"(?:\s+(?P<mult>{_alternation(_MULTIPLIERS)}))?)"
    rf"(?:\s*,\s*|\s*[-–]\s*|\s+(?:và|hoặc|đến|tới)\s+)$",
    re.IGNORECASE,
)


_TWO_WORDS_BEFORE = re.compile(r"(?:(\w+)\s+)?(\w+)\s+$")
# "dân số 120.000 người" is a population and "tổng số 500 người" a total, not "số 5" (number 5).
_COUNT_AFTER_SO = _word_set("dân tổng con")


def _not_a_count(text: str, start: int) -> bool:
    """Whether the words before a figure make it a date, an ordinal or an address."""
    match = _TWO_WORDS_BEFORE.search(text, max(0, start - 30), start)
    if match is None or match.group(2).lower() not in _NOT_A_COUNT_AFTER:
        return False
    word = match.group(2)
    if word.lower() == "số" and (match.group(1) or "").lower() in _COUNT_AFTER_SO:
        return False
    # "Điều 5" is an article of a treaty; "Anh điều 4 máy bay" sends four aircraft.
    return word != "điều"


# "hai tên lửa hành trình và một tên lửa đạn đạo": "một" (one, a) counts after a listed figure.
_LIST_JOIN = re.compile(r"\s*(?:,|và|,\s*và)\s*")


def _figure(groups: dict) -> tuple[float | int, str | None]:
    """Return the value and qualifier of a matched figure."""
    qualifier = _QUALIFIERS[groups["qual"].lower()] if groups.get("qual") else None
    if groups.get("num"):
        value = _number(groups["num"])
        if groups.get("mult"):
            value = value * _MULTIPLIERS[groups["mult"].lower()]
    elif groups.get("word"):
        value = _WORD_NUMBERS.get(groups["word"].lower(), 1)
    else:
        value, qualifier = MAGNITUDES[groups["mag"].lower()]
    return value, qualifier


def _anchors(text: str, folded: str | None) -> list[int]:
    """Return where figures may start: runs of digits and number words, in text order."""
    folded = fold(text) if folded is None else folded
    starts = [m.start() for m in _DIGITS.finditer(text)]
    starts += [hit.start for hit in _word_anchors().iter_hits(folded)]
    return sorted(starts)


def _matches(text: str, folded: str | None):
    """Yield the figure matches, trying the pattern only where a number or number word starts
    (or at the qualifier right before it), instead of at every character."""
    done = 0
    for start in _anchors(text, folded):
        if start < done:
            continue
        qualifier = _QUALIFIER_BEFORE.search(text, max(0, start - 20), start)
        if qualifier and _FIGURE_BEFORE.search(
            text, max(0, qualifier.start() - 4), qualifier.start()
        ):
            qualifier = None
        for candidate in ((qualifier.start(),) if qualifier else ()) + (start,):
            match = _QUANTITY.match(text, candidate)
            if match:
                done = match.end()
                yield match
                break


def find_quantities(
    text: str,
    folded: str | None = None,
    places: Iterable[tuple[int, int]] = (),
    limit: int | None = None,
) -> list[Quantity]:
    """Return the figures with a unit in ``text`` (NFC), in order; spans index ``text``.

    Not read: dates ("24/11"), model numbers ("An-124"), "Covid-19", years, and numbers with no
    unit after them. Numbers written as words are read from "hai" to "mười", plus "một ... rưỡi".
    A figure listed just before another takes its unit ("5 và 7 người": 5 people, 7 people).
    ``folded`` is ``fold(text)`` if the caller has it already; ``places`` are the spans of the
    place names found in it, which are never read as a model designation ("2 tàu chiến Nga").
    More than ``limit`` figures raise TooMany (the search stops there).
    """
    place_starts = {start for start, _ in places}
    found: list[Quantity] = []
    for match in _matches(text, folded):
        groups = match.groupdict()
        if _not_a_count(text, match.start()):
            continue
        if (
            groups["word"]
            and groups["word"].lower() == "một"
            and not groups["half"]
            and not (found and _LIST_JOIN.fullmatch(text, found[-1].end, match.start()))
        ):
            continue
        unit = UNITS[groups["unit"].lower()]
        if unit == "hours" and _CLOCK_AFTER.match(text, match.end("unit")):
            continue
        if not groups["qual"] and _CLOCK_BEFORE.search(
            text, max(0, match.start() - 12), match.start()
        ):
            continue  # "0 giờ 15 ngày 2-3": the minutes of a time of day
        if unit == "days" and _DATE_AFTER.match(text, match.end("unit")):
            continue  # "15 ngày 2-3": "ngày" opens a date
        if groups["unit"].lower() == "ca" and _NOT_CASES_AFTER.match(text, match.end("unit")):
            continue
        if groups["unit"].lower() == "hộ" and _NOT_HOUSEHOLDS_AFTER.match(text, match.end("unit")):
            continue
        value, qualifier = _figure(groups)
        if groups["half"]:
            value += 0.5
        detail = groups["detail"] if unit in _MODEL_UNITS else None
        name = groups["model_name"]
        if (
            detail
            and name
            and (is_vietnamese_syllable(name) or match.start("detail") in place_starts)
        ):
            detail = None
        end = match.end() if detail or not groups["detail"] else match.start("detail")
        end = len(text[:end].rstrip())
        surface = text[match.start() : end]
        found.append(Quantity(match.start(), end, surface, _tidy(value), unit, qualifier, detail))
        if limit is not None and len(found) > limit:
            raise TooMany("figures", limit)
    return _with_listed_figures(text, found, limit)


def _with_listed_figures(
    text: str, found: list[Quantity], limit: int | None = None
) -> list[Quantity]:
    """Add the figures that share the unit of the quantity listed right after them (TooMany
    beyond ``limit`` figures in all)."""
    result = list(found)
    for quantity in reversed(found):
        target = quantity
        while True:  # "2, 3 và 4 người" chains back from the last one
            match = _BARE_FIGURE.search(text, max(0, target.start - 40), target.start)
            if match is None or _not_a_count(text, match.start()):
                break
            if any(q.start <= match.start() < q.end for q in result):
                break
            value, qualifier = _figure(match.groupdict())
            target = Quantity(
                match.start(),
                match.end("figure"),
                match.group("figure"),
                _tidy(value),
                target.unit,
                qualifier,
            )
            result.append(target)
            if limit is not None and len(result) > limit:
                raise TooMany("figures", limit)
    return sorted(result, key=lambda q: q.start)
