"""CQL2 filters on the OGC items (Part 3 and the CQL2 classes the conformance page claims).

Every filter's answer is compared with the same predicate evaluated here in Python on the
collection's features as the API serves them (shapely for space, day spans for time), so the
SQL translation is checked against an independent reading of the standard's definitions.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Callable
from pathlib import Path

import orjson
import pytest
from shapely.geometry import box, shape

from mapapp.core import dayspan
from mapapp.pipeline.ingest import ingest
from tests.ogcschema import problems

REPO = Path(__file__).resolve().parents[1]
UNPLACED_ARTICLE = REPO / "tests" / "articles" / "2024-03-05-ceasefire-unplaced.md"
UNPLACED = "event-2024-03-05-ceasefire-unplaced-s1"

PART3 = "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/"
CQL2 = "http://www.opengis.net/spec/cql2/1.0/conf/"
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
KARABAKH = box(46.0, 39.0, 47.5, 40.5)


def _all(client, collection: str) -> list[dict]:
    doc = client.get(f"/ogc/collections/{collection}/items?limit=1000").get_json()
    assert doc["numberReturned"] == doc["numberMatched"]
    for feature in doc["features"]:  # served as JSON text, for GIS clients
        if isinstance(feature["properties"].get("sources"), str):
            feature["properties"]["sources"] = orjson.loads(feature["properties"]["sources"])
    return doc["features"]


def _ids(client, collection: str, expr: str, **params: str) -> set[str]:
    query = {"filter": expr, "limit": "1000", **params}
    response = client.get(f"/ogc/collections/{collection}/items", query_string=query)
    assert response.status_code == 200, response.get_json()
    doc = response.get_json()
    assert doc["numberMatched"] == doc["numberReturned"]
    return {f["id"] for f in doc["features"]}


def _span(feature: dict) -> tuple[int, int] | None:
    return dayspan.feature_span(feature["properties"])


def _day(text: str) -> int:
    return dt.date.fromisoformat(text).toordinal()


def _bare(text: str) -> str:
    text = text.replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


def _expect(features: list[dict], test: Callable[[dict], bool | None]) -> set[str]:
    """The ids for which ``test`` is TRUE (None stands for CQL2's NULL: left out)."""
    return {f["id"] for f in features if test(f) is True}


def _prop(name: str) -> Callable[[dict], object]:
    return lambda f: f["properties"].get(name)


# -- scalar comparisons ---------------------------------------------------------------------
SCALAR_CASES: list[tuple[str, str, Callable[[dict], bool | None]]] = [
    ("places", "kind = 'city'", lambda f: f["properties"].get("kind") == "city"),
    ("places", "kind <> 'city'",
     lambda f: None if f["properties"].get("kind") is None else f["properties"]["kind"] != "city"),
    ("places", "name >= 'M'",
     lambda f: None if not f["properties"].get("name") else f["properties"]["name"] >= "M"),
    ("places", "name LIKE 'S%' OR name LIKE '_aku'",
     lambda f: (f["properties"].get("name") or "").startswith("S")
     or len(f["properties"].get("name") or "") == 4 and f["properties"]["name"].endswith("aku")),
    ("places", "NOT (name LIKE 's%')",  # LIKE is case-sensitive
     lambda f: None if not f["properties"].get("name") else True),
    ("places", "CASEI(name) LIKE casei('s%')",
     lambda f: (f["properties"].get("name") or "").casefold().startswith("s")),
    ("places", "ACCENTI(name_vi) = ACCENTI('Matxcova')",
     lambda f: _bare(f["properties"].get("name_vi") or "") == "Matxcova"),
    ("places", "ACCENTI(CASEI(name_vi)) LIKE ACCENTI(CASEI('%THO NHI KY%'))",
     lambda f: "tho nhi ky" in _bare((f["properties"].get("name_vi") or "").casefold())),
    ("places", "kind IN ('city', 'country')",
     lambda f: f["properties"].get("kind") in ("city", "country")),
    ("places", "id BETWEEN 'place-a' AND 'place-b'", lambda f: "place-a" <= f["id"] <= "place-b"),
    ("places", "geo_precision IS NULL", lambda f: False),
    ("events", "event_type = 'phone_call' AND NOT geo_precision = 'exact'",
     lambda f: f["properties"]["event_type"] == "phone_call"
     and (f["properties"].get("geo_precision") or "exact") != "exact"),
    ("events", "article_id = '2020-11-25-putin-erdogan-call'",
     lambda f: any(s["article_id"] == "2020-11-25-putin-erdogan-call"
                   for s in f["properties"]["sources"])),
    ("events", "article_id LIKE '%humanitarian%' OR event_type IN ('phone_call')",
     lambda f: any("humanitarian" in s["article_id"] for s in f["properties"]["sources"])
     or f["properties"]["event_type"] == "phone_call"),
]  # fmt: skip


@pytest.mark.parametrize(("collection", "expr", "oracle"), SCALAR_CASES)
def test_comparisons_match_the_same_predicate_in_python(client, collection, expr, oracle):
    features = _all(client, collection)
    expected = _expect(features, oracle)
    assert _ids(client, collection, expr) == expected


def test_the_cases_are_not_trivial(client):
    """Each case above selects some features and leaves out others, so a filter ignored, or
    one that drops everything, fails them."""
    selective = 0
    for collection, _expr, oracle in SCALAR_CASES:
        features = _all(client, collection)
        chosen = _expect(features, oracle)
        selective += 0 < len(chosen) < len(features)
    assert selective >= len(SCALAR_CASES) - 2  # "IS NULL" and "NOT LIKE 's%'" pick none/all


# -- time -----------------------------------------------------------------------------------
def _interval(a: tuple[int, int], b: tuple[int, int], relation: str) -> bool:
    (a0, a1), (b0, b1) = a, b
    return {
        "t_intersects": a0 <= b1 and a1 >= b0,
        "t_disjoint": a0 > b1 or a1 < b0,
        "t_before": a1 < b0,
        "t_after": a0 > b1,
        "t_during": a0 > b0 and a1 < b1,
        "t_contains": a0 < b0 and a1 > b1,
        "t_equals": a0 == b0 and a1 == b1,
        "t_starts": a0 == b0 and a1 < b1,
        "t_startedby": a0 == b0 and a1 > b1,
        "t_finishes": a0 > b0 and a1 == b1,
        "t_finishedby": a0 < b0 and a1 == b1,
        "t_meets": a1 == b0,
        "t_metby": a0 == b1,
        "t_overlaps": a0 < b0 and b0 < a1 < b1,
        "t_overlappedby": b0 < a0 < b1 and a1 > b1,
    }[relation]


TEMPORAL = ["t_intersects", "t_disjoint", "t_before", "t_after", "t_during", "t_contains",
            "t_equals", "t_starts", "t_startedby", "t_finishes", "t_finishedby", "t_meets",
            "t_metby", "t_overlaps", "t_overlappedby"]  # fmt: skip


def _windows(features: list[dict]) -> list[tuple[int, int]]:
    """Windows whose ends fall on the events' own first and last days (where the relations
    that test equality, such as meets and starts, decide), and one open-ended."""
    spans = sorted({_span(f) for f in features if _span(f) is not None})
    picked = [spans[0], spans[len(spans) // 2], spans[-1]]
    windows = [(_day("1990-01-01"), _day("2020-11-10"))]
    for first, last in picked:
        windows += [(first, last), (first, first), (last, last), (last, last + 5)]
        windows += [(first - 5, first), (first, 10**9)]
    return windows


@pytest.mark.parametrize("relation", TEMPORAL)
def test_every_temporal_function_follows_the_standards_table(client, relation):
    features = _all(client, "events")
    for window in _windows(features):
        ends = [dt.date.fromordinal(day).isoformat() if day < 10**9 else ".." for day in window]
        expr = f"{relation.upper()}(datetime, INTERVAL('{ends[0]}', '{ends[1]}'))"
        expected = _expect(
            features,
            lambda f, w=window: None if _span(f) is None else _interval(_span(f), w, relation),
        )
        assert _ids(client, "events", expr) == expected, expr


def test_the_windows_meet_every_relation(client):
    """Each temporal function holds for some event in some window above (no vacuous case)."""
    features = _all(client, "events")
    for relation in TEMPORAL:
        held = any(
            _span(f) is not None and _interval(_span(f), window, relation)
            for window in _windows(features)
            for f in features
        )
        assert held, relation


def test_temporal_functions_take_dates_timestamps_and_property_intervals(client):
    features = _all(client, "events")
    day = _day("2020-11-23")
    on_day = _expect(features, lambda f: _span(f) is not None and _span(f)[0] <= day <= _span(f)[1])
    assert on_day
    assert _ids(client, "events", "T_INTERSECTS(datetime, DATE('2020-11-23'))") == on_day
    # A timestamp is read as its day in UTC: 02:00 in Baku (UTC+4) is the day before.
    assert (
        _ids(client, "events", "T_INTERSECTS(datetime, TIMESTAMP('2020-11-24T02:00:00+04:00'))")
        == on_day
    )
    assert _ids(client, "events", "T_INTERSECTS(INTERVAL(date, date_end), DATE('2020-11-23'))") \
        == on_day  # fmt: skip
    starts = _expect(features, lambda f: _span(f) is not None and _span(f)[0] >= day)
    assert _ids(client, "events", "date >= DATE('2020-11-23')") == starts


def test_undated_features_are_null_in_time_and_never_match(client):
    routes = _all(client, "routes")
    undated = {f["id"] for f in routes if _span(f) is None}
    assert undated  # the road and the corridor's area
    during = _ids(client, "routes", "T_INTERSECTS(datetime, INTERVAL('..', '..'))")
    outside = _ids(client, "routes", "NOT T_INTERSECTS(datetime, INTERVAL('..', '..'))")
    assert not during & undated and not outside & undated
    assert _ids(client, "routes", "datetime IS NULL") == undated
    # The datetime parameter still matches them (Part 1: no temporal geometry matches).
    params = {"datetime": "2020-11-21", "filter": "kind IS NOT NULL"}
    doc = client.get("/ogc/collections/routes/items", query_string=params).get_json()
    assert undated <= {f["id"] for f in doc["features"]}


# -- space ----------------------------------------------------------------------------------
SPATIAL = ["intersects", "disjoint", "within", "contains", "touches", "crosses", "overlaps",
           "equals"]  # fmt: skip
LITERALS = [
    ("BBOX(46, 39, 47.5, 40.5)", KARABAKH),
    ("POLYGON((44 38, 50 38, 50 42, 44 38))", shape({"type": "Polygon", "coordinates": [
        [[44, 38], [50, 38], [50, 42], [44, 38]]]})),
    ("LINESTRING(44 39.5, 50 39.5)", shape({"type": "LineString", "coordinates": [
        [44, 39.5], [50, 39.5]]})),
    ("POINT(46.7519 39.8177)", shape({"type": "Point", "coordinates": [46.7519, 39.8177]})),
    # Every other geometry type (basic-spatial-functions-plus).
    ("MULTIPOINT((37.61781 55.75204), (46.75194 39.81528))", shape({
        "type": "MultiPoint", "coordinates": [[37.61781, 55.75204], [46.75194, 39.81528]]})),
    ("MULTILINESTRING((30 40, 50 40), (37 50, 38 60))", shape({"type": "MultiLineString",
        "coordinates": [[[30, 40], [50, 40]], [[37, 50], [38, 60]]]})),
    ("MULTIPOLYGON(((44 38, 50 38, 50 42, 44 38)), ((30 35, 36 35, 36 41, 30 41, 30 35)))",
     shape({"type": "MultiPolygon", "coordinates": [[[[44, 38], [50, 38], [50, 42], [44, 38]]],
            [[[30, 35], [36, 35], [36, 41], [30, 41], [30, 35]]]]})),
    ("GEOMETRYCOLLECTION(POINT(32.85427 39.91987), LINESTRING(44 40.5, 48 40.5))", shape({
        "type": "GeometryCollection", "geometries": [
            {"type": "Point", "coordinates": [32.85427, 39.91987]},
            {"type": "LineString", "coordinates": [[44, 40.5], [48, 40.5]]}]})),
]  # fmt: skip


@pytest.mark.parametrize("collection", ["places", "routes", "regions", "events"])
@pytest.mark.parametrize("name", SPATIAL)
def test_every_spatial_function_follows_simple_features(client, collection, name):
    features = _all(client, collection)
    for text, geometry in LITERALS:
        expected = _expect(
            features,
            lambda f, g=geometry: None if f["geometry"] is None
            else getattr(shape(f["geometry"]), name)(g),
        )  # fmt: skip
        expr = f"S_{name.upper()}(geometry, {text})"
        assert _ids(client, collection, expr) == expected, expr
        # The operands the other way round: within and contains swap, the rest are symmetric.
        converse = {"within": "contains", "contains": "within"}.get(name, name)
        assert _ids(client, collection, f"S_{converse.upper()}({text}, geometry)") == expected


def test_spatial_cases_select_some_features(client):
    """The literals above cut through the data: lines, areas and points both in and out."""
    for collection in ("places", "routes", "regions"):
        features = _all(client, collection)
        inside = _expect(features, lambda f: shape(f["geometry"]).intersects(KARABAKH))
        assert 0 < len(inside) < len(features), collection


def test_a_bbox_in_the_filter_crosses_the_antimeridian_and_combines_with_or(client):
    places = _all(client, "places")
    east = box(170, -90, 180, 90).union(box(-180, -90, 40, 90))
    expected = _expect(places, lambda f: shape(f["geometry"]).intersects(east))
    assert 0 < len(expected) < len(places)
    assert _ids(client, "places", "S_INTERSECTS(geometry, BBOX(170, -90, 40, 90))") == expected
    either = "S_INTERSECTS(geometry, BBOX(170, -90, 40, 90)) OR kind = 'city'"
    cities = _expect(places, lambda f: f["properties"].get("kind") == "city")
    assert _ids(client, "places", either) == expected | cities


def test_events_without_a_place_are_null_in_space(client, data_dir, gazetteer):
    """An unplaced event has no geometry: neither a spatial function nor its NOT holds."""
    ingest([UNPLACED_ARTICLE], data_dir, gazetteer)
    unplaced = {f["id"] for f in _all(client, "events") if f["geometry"] is None}
    assert unplaced == {UNPLACED}
    seen = _ids(client, "events", "S_INTERSECTS(geometry, BBOX(-180,-90,180,90))")
    unseen = _ids(client, "events", "NOT S_INTERSECTS(geometry, BBOX(-180,-90,180,90))")
    assert UNPLACED not in seen | unseen and seen
    assert _ids(client, "events", "geometry IS NULL") == unplaced
    assert UNPLACED in _ids(client, "events", "NOT (geometry IS NULL) OR event_type = 'ceasefire'")


# -- the two encodings, mixing, paging --------------------------------------------------------
def test_json_and_text_encodings_agree(client):
    text = "event_type = 'phone_call' AND S_INTERSECTS(geometry, BBOX(30, 35, 50, 60))"
    json_form = {
        "op": "and",
        "args": [
            {"op": "=", "args": [{"property": "event_type"}, "phone_call"]},
            {"op": "s_intersects", "args": [{"property": "geometry"}, {"bbox": [30, 35, 50, 60]}]},
        ],
    }
    from_text = _ids(client, "events", text)
    from_json = _ids(
        client, "events", orjson.dumps(json_form).decode(), **{"filter-lang": "cql2-json"}
    )
    assert from_text and from_text == from_json


def test_the_filter_is_anded_with_bbox_datetime_and_property_parameters(client):
    """/req/filter/mixing-expressions A."""
    events = _all(client, "events")
    window = (_day("2020-11-20"), _day("2020-11-30"))
    expected = _expect(
        events,
        lambda f: (
            f["properties"]["event_type"] == "phone_call"
            and f["geometry"] is not None
            and shape(f["geometry"]).intersects(box(30, 35, 50, 60))
            and (_span(f) is None or _interval(_span(f), window, "t_intersects"))
        ),
    )
    assert expected
    ids = _ids(
        client, "events", "event_type = 'phone_call'",
        bbox="30,35,50,60", datetime="2020-11-20/2020-11-30",
    )  # fmt: skip
    assert ids == expected
    both = _ids(client, "events", "S_INTERSECTS(geometry, BBOX(44, 38, 50, 42))",
                bbox="30,35,50,60")  # fmt: skip
    inside = _expect(events, lambda f: f["geometry"] is not None
                     and shape(f["geometry"]).intersects(box(44, 38, 50, 42)))  # fmt: skip
    assert both == inside


def test_paging_links_carry_the_filter(client):
    params = {"filter": "event_type <> 'phone_call'", "limit": "2"}
    doc = client.get("/ogc/collections/events/items", query_string=params).get_json()
    assert doc["numberReturned"] == 2 and doc["numberMatched"] > 2
    following = next(x["href"] for x in doc["links"] if x["rel"] == "next")
    assert "filter=event_type" in following
    seen = {f["id"] for f in doc["features"]}
    while following:
        page = client.get(following.replace("http://localhost", "")).get_json()
        seen |= {f["id"] for f in page["features"]}
        following = next((x["href"] for x in page["links"] if x["rel"] == "next"), None)
    assert seen == _ids(client, "events", "event_type <> 'phone_call'")


def test_downloads_and_hits_apply_the_filter(client):
    expr = {"filter": "kind = 'city'"}
    hits = client.get(
        "/ogc/collections/places/items", query_string={**expr, "resulttype": "hits"}
    ).get_json()
    assert hits["numberMatched"] == len(_ids(client, "places", "kind = 'city'")) >= 1
    csv = client.get("/ogc/collections/places/items", query_string={**expr, "f": "csv"})
    assert csv.status_code == 200
    assert len(csv.get_data(as_text=True).strip().splitlines()) == 1 + hits["numberMatched"]


# -- errors ---------------------------------------------------------------------------------
BAD = [
    ({"filter": "kind = "}, "filter", "not valid CQL2-TEXT"),
    ({"filter": "population > 5"}, "filter", "not a queryable"),
    ({"filter": "event_type = 'x'"}, "filter", "not a queryable of places"),
    ({"filter": "kind = 5"}, "filter", "mixes number and string"),
    ({"filter": "kind"}, "filter", "join predicates"),
    ({"filter": "S_INTERSECTS(geometry, POINT(200 10))"}, "filter", "within ±180"),
    ({"filter": "S_INTERSECTS(geometry, geometry)"}, "filter", "literal geometry"),
    ({"filter": "S_CROSSES(geometry, POLYGON((0 0, 1 1, 1 0, 0 1, 0 0)))"}, "filter",
     "not a valid geometry: Self-intersection"),
    ({"filter": "T_INTERSECTS(datetime, DATE('2020-02-30'))"}, "filter", "not an RFC 3339"),
    ({"filter": "T_BEFORE(kind, DATE('2020-02-03'))"}, "filter", "two times"),
    ({"filter": "UPPER(kind) = 'X'"}, "filter", "not an operator or function"),
    ({"filter": "kind = 'a'", "filter-lang": "ecql"}, "filter-lang", "cql2-text, cql2-json"),
    ({"filter": "{", "filter-lang": "cql2-json"}, "filter", "not valid CQL2-JSON"),
    ({"filter": '{"op": "=", "args": [{"property": "kind"}]}', "filter-lang": "cql2-json"},
     "filter", "takes 2 arguments"),
    ({"filter": "kind = 'a'", "filter-crs": "http://www.opengis.net/def/crs/EPSG/0/32638"},
     "filter-crs", "not a supported CRS"),
    ({"filter-lang": "cql2-text"}, "filter-lang", "without a filter"),
    ({"filter": "(" * 30 + "kind = 'a'" + ")" * 30}, "filter", "nested more than"),
    ({"filter": "kind = '" + "a" * 5000 + "'"}, "filter", "longer than"),
    ({"filter": " OR ".join(["id='a'"] * 300)}, "filter", "more than 400 terms"),
    ({"filter": "   "}, "filter", "must not be empty"),
]  # fmt: skip


@pytest.mark.parametrize(("params", "name", "message"), BAD)
def test_a_bad_filter_is_a_400_that_names_the_problem(client, params, name, message):
    """/req/features-filter/response E; the body is an OGC exception."""
    response = client.get("/ogc/collections/places/items", query_string=params)
    assert response.status_code == 400
    body = response.get_json()
    assert problems("exception", body) == []
    assert repr(name) in body["description"] and message in body["description"], body


def test_deep_nesting_never_reaches_the_parser(client):
    """The parser recurses: thousands of brackets would crash the process, so nesting is
    refused before parsing (the server answers, and answers again)."""
    for depth in (200, 2000):
        expr = "(" * depth + "kind = 'a'" + ")" * depth
        response = client.get("/ogc/collections/places/items", query_string={"filter": expr})
        assert response.status_code == 400
    assert client.get("/ogc/collections/places/items").status_code == 200


# -- declarations ---------------------------------------------------------------------------
def test_conformance_declares_part3_and_the_cql2_classes_tested_here(client):
    classes = set(client.get("/ogc/conformance?f=json").get_json()["conformsTo"])
    for name in ("queryables", "filter", "features-filter"):
        assert PART3 + name in classes
    for name in ("cql2-text", "cql2-json", "basic-cql2", "advanced-comparison-operators",
                 "case-insensitive-comparison", "accent-insensitive-comparison",
                 "basic-spatial-functions", "basic-spatial-functions-plus",
                 "spatial-functions", "temporal-functions"):  # fmt: skip
        assert CQL2 + name in classes
    # Not built, so not claimed: arithmetic, arrays, functions, property-property, and
    # queryables as query parameters.
    for name in ("arithmetic", "array-functions", "functions", "property-property"):
        assert CQL2 + name not in classes
    assert PART3 + "queryables-query-parameters" not in classes


def test_queryables_list_exactly_what_a_filter_may_name(client):
    """/req/queryables/get-queryables-response B-G: additionalProperties false, so anything
    else is a 400 (tested above); each queryable can be used in a filter."""
    for collection in ("places", "events", "routes", "regions", "peacekeeping-posts"):
        doc = client.get(f"/ogc/collections/{collection}/queryables").get_json()
        assert doc["additionalProperties"] is False
        assert doc["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        for name, schema in doc["properties"].items():
            if name == "geometry":
                assert "type" not in schema and schema["format"].startswith("geometry-")
                expr = "geometry IS NOT NULL"
            else:
                assert schema["type"] == "string"
                expr = f"{name} IS NULL OR {name} IS NOT NULL"
            if name == "datetime":
                expr = "datetime IS NULL OR T_INTERSECTS(datetime, INTERVAL('..', '..'))"
            response = client.get(
                f"/ogc/collections/{collection}/items", query_string={"filter": expr}
            )
            assert response.status_code == 200, (collection, name, response.get_json())


def test_openapi_declares_the_filter_parameters(client):
    """/req/filter/filter-param A, filter-lang-param A-C, filter-crs-param A."""
    doc = client.get("/ogc/openapi?f=json").get_json()
    params = doc["paths"]["/collections/{collectionId}/items"]["get"]["parameters"]
    names = {p["$ref"].rsplit("/", 1)[-1] for p in params}
    assert {"filter", "filter-lang", "filter-crs"} <= names
    lang = doc["components"]["parameters"]["filter-lang"]["schema"]
    assert lang["enum"] == ["cql2-text", "cql2-json"] and lang["default"] == "cql2-text"
    crs = doc["components"]["parameters"]["filter-crs"]["schema"]
    assert crs["default"] == CRS84


def test_filter_crs_crs84_is_accepted(client):
    expr = "S_INTERSECTS(geometry, BBOX(46, 39, 47.5, 40.5))"
    assert _ids(client, "places", expr, **{"filter-crs": CRS84}) == _ids(client, "places", expr)
