"""What the map shows: date spans with their precision, the state's parameters, the filters."""

from __future__ import annotations

import datetime as dt

import pytest

from mapapp.core.errors import BadParameter
from mapapp.core.text import fold
from mapapp.query.viewfilter import (
    ViewState,
    date_span,
    feature_span,
    matches,
    overlay_id,
    parse_state,
    select,
)

D = dt.date


def event(fid: str, date=None, date_end=None, event_type="meeting", sources=()) -> dict:
    props = {"event_type": event_type, "sources": [dict(s) for s in sources]}
    if date:
        props["date"] = date
    if date_end:
        props["date_end"] = date_end
    return {"type": "Feature", "id": fid, "geometry": None, "properties": props}


@pytest.mark.parametrize(
    ("value", "span"),
    [
        ("2020-11-24", (D(2020, 11, 24), D(2020, 11, 24))),
        ("2020-11", (D(2020, 11, 1), D(2020, 11, 30))),
        ("2020-02", (D(2020, 2, 1), D(2020, 2, 29))),
        ("1994", (D(1994, 1, 1), D(1994, 12, 31))),
    ],
)
def test_a_date_covers_its_day_month_or_year(value: str, span) -> None:
    assert date_span(value) == span


@pytest.mark.parametrize("value", ["2020-13", "2021-02-30", "20201124", "soon", "", None, 1994])
def test_date_span_refuses_what_is_not_a_date(value) -> None:
    with pytest.raises(ValueError):
        date_span(value)


def test_feature_span_runs_from_the_start_of_date_to_the_end_of_date_end() -> None:
    war = event("war", "1988-02", "1994-05")["properties"]
    assert feature_span(war) == (D(1988, 2, 1), D(1994, 5, 31))
    assert feature_span({"date": "2020-11", "date_end": "not a date"}) == (
        D(2020, 11, 1),
        D(2020, 11, 30),
    )
    assert feature_span({}) is None
    assert feature_span({"date": "someday"}) is None


WAR = event("war", "1988-02", "1994-05", "combat")
CEASEFIRE = event("ceasefire-1994", "1994", None, "ceasefire")
DECREE = event("decree", "2020-11", None, "decree")
CALL = event("call", "2020-11-24", None, "phone_call")
UNDATED = event("undated", None, None, "statement")


def shown(state: ViewState, features=(WAR, CEASEFIRE, DECREE, CALL, UNDATED)) -> list[str]:
    return [f["id"] for f in select([("events", {"features": list(features)})], state)]


@pytest.mark.parametrize(
    ("start", "end", "ids"),
    [
        # A span shows while any part of it lies in the window.
        ("1990-01-01", "1990-12-31", ["war", "undated"]),
        ("1994-05-31", "1994-06-01", ["war", "ceasefire-1994", "undated"]),
        ("1994-06-01", "1994-06-01", ["ceasefire-1994", "undated"]),
        # "2020-11" covers the whole month, "1994" the whole year.
        ("2020-11-30", "2020-12-31", ["decree", "undated"]),
        ("2020-10-01", "2020-11-01", ["decree", "undated"]),
        ("2020-11-24", "2020-11-24", ["decree", "call", "undated"]),
        ("2020-11-25", None, ["decree", "undated"]),
        (None, "1988-01-31", ["undated"]),
        ("1995-01-01", "2020-10-31", ["undated"]),
    ],
)
def test_the_time_window_keeps_overlapping_spans(start, end, ids) -> None:
    state = ViewState(
        start=D.fromisoformat(start) if start else None, end=D.fromisoformat(end) if end else None
    )
    assert shown(state) == ids


def test_type_filter_keeps_that_type_and_leaves_other_layers_alone() -> None:
    place = {"type": "Feature", "id": "p", "geometry": None, "properties": {"kind": "city"}}
    state = ViewState(event_type="phone_call")
    assert matches("events", CALL, state) and not matches("events", WAR, state)
    assert matches("places", place, state)
    untyped = event("untyped", event_type=None)
    assert matches("events", untyped, ViewState(event_type="other"))


def test_overlays_are_layers_and_event_types() -> None:
    assert overlay_id("places", {"kind": "city"}) == "places"
    assert overlay_id("events", {"event_type": "phone_call"}) == "events-phone_call"
    assert overlay_id("events", {}) == "events-other"
    assert shown(ViewState(overlays=frozenset({"events-combat", "events-decree"}))) == [
        "war",
        "decree",
    ]
    assert shown(ViewState(overlays=frozenset())) == []


def test_article_and_sentence_filters_keep_what_cites_them() -> None:
    a = {"article_id": "a", "sentence": 3, "quote": "q"}
    b = {"article_id": "b", "sentence": 3, "quote": "q"}
    both = event("both", sources=[a, b])
    only_b = event("only-b", sources=[b])
    none = event("none")
    features = (both, only_b, none)
    assert shown(ViewState(article="a"), features) == ["both"]
    assert shown(ViewState(sentence=("b", 3)), features) == ["both", "only-b"]
    assert shown(ViewState(sentence=("b", 4)), features) == []


def test_parse_state_reads_every_parameter() -> None:
    state = parse_state(
        {
            "layers": "places,events-phone_call",
            "from": "2020-11",
            "to": "2020",
            "type": "phone_call",
            "article": "2020-11-25-putin-erdogan-call",
            "sentence": "2020-11-25-putin-erdogan-call:10",
        }
    )
    assert state == ViewState(
        overlays=frozenset({"places", "events-phone_call"}),
        start=D(2020, 11, 1),
        end=D(2020, 12, 31),
        event_type="phone_call",
        article="2020-11-25-putin-erdogan-call",
        sentence=("2020-11-25-putin-erdogan-call", 10),
    )
    assert parse_state({}) == ViewState()
    assert parse_state({"layers": ""}).overlays == frozenset()


@pytest.mark.parametrize(
    ("args", "parameter"),
    [
        ({"from": "yesterday"}, "from"),
        ({"to": "2020-02-30"}, "to"),
        ({"from": "2020-12", "to": "2020-11"}, "to"),
        ({"layers": "places,<b>"}, "layers"),
        ({"article": "../etc"}, "article"),
        ({"sentence": "2020-11-25-putin-erdogan-call"}, "sentence"),
        ({"sentence": "2020-11-25-putin-erdogan-call:0"}, "sentence"),
        ({"sentence": ":3"}, "sentence"),
        ({"type": "x" * 121}, "type"),
    ],
)
def test_parse_state_names_a_bad_parameter(args, parameter: str) -> None:
    with pytest.raises(BadParameter) as info:
        parse_state(args)
    assert info.value.parameter == parameter
    assert repr(parameter) in info.value.message


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("hành lang Lachin", "hanh lang lachin"),
        ("Đoạn đường đến Stepanakert", "doan duong den stepanakert"),
        ("Mátxcơva", "matxcova"),
        ("Thổ Nhĩ Kỳ", "tho nhi ky"),
        ("Putin–Erdoğan  phone\tcall", "putin–erdogan phone call"),
        ("Nga", "nga"),
    ],
)
def test_fold_drops_diacritics_case_and_extra_spaces(text: str, folded: str) -> None:
    assert fold(text) == folded
    assert fold(folded) == folded
