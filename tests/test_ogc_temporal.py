"""The date-precision interval logic behind ``datetime``, tested directly."""

import re
from datetime import date

import pytest

from mapapp.core.dayspan import feature_span
from mapapp.core.errors import BadParameter
from mapapp.ogc.temporal import (
    DATETIME_PATTERN,
    date_span,
    interval_strings,
    overlaps,
    parse_datetime,
)


def d(text: str) -> int:
    return date.fromisoformat(text).toordinal()


@pytest.mark.parametrize(
    ("value", "first", "last"),
    [
        ("2020-11-21", "2020-11-21", "2020-11-21"),
        ("2020-11", "2020-11-01", "2020-11-30"),
        ("2020-02", "2020-02-01", "2020-02-29"),
        ("2021-02", "2021-02-01", "2021-02-28"),
        ("2020", "2020-01-01", "2020-12-31"),
    ],
)
def test_date_span_covers_the_whole_precision(value: str, first: str, last: str) -> None:
    assert date_span(value) == (d(first), d(last))


@pytest.mark.parametrize("value", ["2021-02-30", "2020-13", "2020-00", "0000", "20-11", "2020/11"])
def test_date_span_rejects_impossible_dates(value: str) -> None:
    with pytest.raises(ValueError):
        date_span(value)


@pytest.mark.parametrize(
    ("properties", "expected"),
    [
        ({"date": "2020-11-21"}, ("2020-11-21", "2020-11-21")),
        ({"date": "2020-11"}, ("2020-11-01", "2020-11-30")),
        ({"date": "2020-11-23", "date_end": "2020-11-24"}, ("2020-11-23", "2020-11-24")),
        ({"date": "2020-11-10", "date_end": "2020-12"}, ("2020-11-10", "2020-12-31")),
        ({"date": "2020-11", "date_end": "2020-11-05"}, ("2020-11-01", "2020-11-30")),
    ],
)
def test_feature_span(properties: dict, expected: tuple[str, str]) -> None:
    assert feature_span(properties) == (d(expected[0]), d(expected[1]))


@pytest.mark.parametrize("properties", [{}, {"date": None}, {"date": "soon"}, {"date": 2020}])
def test_feature_without_a_valid_date_has_no_span(properties: dict) -> None:
    assert feature_span(properties) is None


def test_an_invalid_end_is_ignored_by_every_consumer() -> None:
    from mapapp.query.viewfilter import feature_span as view_span

    props = {"date": "2020-11-21", "date_end": "2020-13"}
    assert feature_span(props) == (d("2020-11-21"), d("2020-11-21"))
    assert view_span(props) == (date(2020, 11, 21), date(2020, 11, 21))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2020-11-21", ("2020-11-21", "2020-11-21")),
        ("2020-11", ("2020-11-01", "2020-11-30")),
        ("2020", ("2020-01-01", "2020-12-31")),
        ("2020-11-21T10:30:00Z", ("2020-11-21", "2020-11-21")),
        ("2020-11-21T23:30:00-02:00", ("2020-11-22", "2020-11-22")),
        ("2020-11-21t01:00:00.123456+07:00", ("2020-11-20", "2020-11-20")),
        ("2020-11-20/2020-11-22", ("2020-11-20", "2020-11-22")),
        ("2020-11/2021", ("2020-11-01", "2021-12-31")),
        ("2020-11-20T12:00:00Z/2020-11-21T06:00:00Z", ("2020-11-20", "2020-11-21")),
        ("../2020-11-22", (None, "2020-11-22")),
        ("/2020-11", (None, "2020-11-30")),
        ("2020-11-22/..", ("2020-11-22", None)),
        ("2020-11/", ("2020-11-01", None)),
        ("../..", (None, None)),
    ],
)
def test_parse_datetime(value: str, expected: tuple) -> None:
    assert parse_datetime(value) == tuple(None if e is None else d(e) for e in expected)


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("", "cannot be open"),
        ("..", "cannot be open"),
        ("yesterday", "expected a date"),
        ("2020-11-31", "expected a date"),
        ("2020-11-21T25:00:00Z", "expected a date"),
        ("2020-11-21T10:00:00", "expected a date"),
        ("2020-11-21 10:00:00Z", "expected a date"),
        ("2020-11-22/2020-11-20", "ends before it starts"),
        ("2020/2021/2022", "exactly one '/'"),
        ("9999-12-31T23:00:00-05:00", "expected a date"),
    ],
)
def test_parse_datetime_rejects_malformed_values(value: str, problem: str) -> None:
    with pytest.raises(BadParameter) as info:
        parse_datetime(value)
    assert info.value.parameter == "datetime"
    assert problem in info.value.message


@pytest.mark.parametrize(
    ("properties", "query", "expected"),
    [
        # A month-precision date overlaps any day of that month, and vice versa.
        ({"date": "2020-11"}, "2020-11-21", True),
        ({"date": "2020-11-21"}, "2020-11", True),
        ({"date": "2020-11"}, "2020-12-01", False),
        ({"date": "2020-11"}, "2020-10-31", False),
        ({"date": "2020"}, "2020-06-15", True),
        ({"date": "2020"}, "2021-01-01", False),
        # date_end extends the span; the query touches either end.
        ({"date": "2020-11-23", "date_end": "2020-11-24"}, "2020-11-24", True),
        ({"date": "2020-11-23", "date_end": "2020-11-24"}, "2020-11-25/..", False),
        ({"date": "2020-11-23", "date_end": "2020-11-24"}, "../2020-11-23", True),
        ({"date": "2020-11-23", "date_end": "2020-11-24"}, "../2020-11-22", False),
        ({"date": "2020-11-21"}, "2020-11-21/2020-11-21", True),
        ({"date": "2020-11-21"}, "../..", True),
        # Undated features never match, not even an interval open at both ends.
        ({}, "../..", True),  # no temporal geometry: every datetime matches it
        ({}, "2020", True),
    ],
)
def test_overlaps_respects_precision(properties: dict, query: str, expected: bool) -> None:
    assert overlaps(feature_span(properties), parse_datetime(query)) is expected


def test_interval_strings_span_whole_days() -> None:
    assert interval_strings((d("2020-11-01"), d("2020-11-30"))) == [
        "2020-11-01T00:00:00Z",
        "2020-11-30T23:59:59Z",
    ]


@pytest.mark.parametrize(
    "value",
    [
        "2020",
        "2020-11",
        "2020-11-21T10:30:00Z",
        "2020-11-21t01:00:00.5+07:00",
        "../2020",
        "2020-11/",
        "/",
        "2020/2021-02",
        "2020-11-20T12:00:00Z/..",
    ],
)
def test_accepted_values_match_the_declared_pattern(value: str) -> None:
    parse_datetime(value)
    assert re.fullmatch(DATETIME_PATTERN, value)


@pytest.mark.parametrize(
    "value", ["", "..", "2020-1", "٢٠٢٠", "2020/2021/2022", "2020-11-21T10:00:00", "x2020"]
)
def test_values_outside_the_pattern_are_refused(value: str) -> None:
    assert not re.fullmatch(DATETIME_PATTERN, value)
    with pytest.raises(BadParameter):
        parse_datetime(value)
