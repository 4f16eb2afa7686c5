"""The bundled geodata: it keeps the contract, and it is exactly what `mapapp build` makes."""

import copy
import json
import shutil
import tempfile
from pathlib import Path

import pytest
from shapely.geometry import shape
from wholelayers import snapshot as read_whole
from wholelayers import write_layers

from mapapp.core.errors import InvalidData
from mapapp.pipeline.rebuild import build_all
from mapapp.pipeline.validate import validate
from mapapp.store.layers import SHARED_LAYERS, Store

GEODATA = Path(__file__).resolve().parents[1] / "geodata"


@pytest.fixture(scope="module")
def snapshot():
    return read_whole(Store(GEODATA))


def test_bundled_data_is_valid() -> None:
    assert validate(Store(GEODATA)) == []


def test_committed_partitions_are_exactly_what_the_build_makes(lexicons) -> None:
    change = build_all(GEODATA, lexicons, check=True)
    assert not change.changed, f"partitions are stale ({change.summary()}): run `make build`"
    assert change.unchanged


def _ids(snapshot, layer):
    return {f["id"]: f for f in snapshot.layers[layer]["features"]}


def test_places_cover_what_the_articles_name(snapshot) -> None:
    places = _ids(snapshot, "places")
    for name in (
        "russia",
        "turkey",
        "armenia",
        "azerbaijan",
        "nagorno-karabakh",
        "kremlin",
        "yerevan",
        "baku",
        "stepanakert",
        "lachin-corridor",
        "moscow",
        "ankara",
    ):
        assert f"place-{name}" in places
    names = {f["properties"]["name"].lower() for f in places.values()}
    assert not names & {"sina", "covid-19"}
    # Every sentence that names Stepanakert is a source of it.
    stepanakert = places["place-stepanakert"]["properties"]["sources"]
    assert [(s["article_id"], s["sentence"]) for s in stepanakert] == [
        ("2020-11-25-putin-erdogan-call", 16),
        ("2020-11-25-putin-erdogan-call", 17),
    ]
    assert places["place-moscow"]["properties"]["mention"] == "implied"


def test_posts_are_zones_and_approximate_positions_only(snapshot) -> None:
    posts = _ids(snapshot, "peacekeeping-posts")
    zones = [p for p in posts.values() if p["properties"]["kind"] == "post_zone"]
    assert sum(p["properties"]["post_count"] for p in zones) == 23
    assert {p["properties"]["geo_precision"] for p in zones} == {"region"}
    others = [p for p in posts.values() if p["properties"]["kind"] != "post_zone"]
    assert {p["properties"]["geo_precision"] for p in others} == {"approximate"}
    assert len(others) == 3


def test_routes(snapshot) -> None:
    routes = _ids(snapshot, "routes")
    from mapapp.pipeline.geometry import geodesic_length_km

    demined = routes["route-demined-28km"]
    assert geodesic_length_km(shape(demined["geometry"])) == pytest.approx(28, abs=0.05)
    assert demined["properties"]["geo_precision"] == "approximate"
    road = routes["route-lachin-road-2020"]["properties"]
    assert road["article_figures"][0]["value"] == 6  # the article's figure, attributed
    corridor = routes["route-lachin-corridor-area"]
    assert corridor["properties"]["width_km"] == 5
    assert corridor["geometry"]["type"] == "Polygon"
    calls = [r for r in routes.values() if r["properties"]["kind"] == "call_link"]
    assert len(calls) == 3
    assert all(c["geometry"]["type"] == "LineString" for c in calls)


@pytest.mark.parametrize(
    ("event_id", "date", "date_end", "event_type", "quantities"),
    [
        ("ev-2020-11-24-call-putin-erdogan", "2020-11-24", None, "phone_call", None),
        ("ev-2020-11-23-call-putin-pashinyan", "2020-11-23", "2020-11-24", "phone_call", None),
        ("ev-2020-11-23-call-putin-aliyev", "2020-11-23", "2020-11-24", "phone_call", None),
        ("ev-2020-11-21-delegation", "2020-11-21", None, "delegation", None),
        (
            "ev-2020-11-21-deployment-complete",
            "2020-11-21",
            None,
            "deployment",
            {"flights": 250, "people": 1960, "equipment": 552, "observation_posts": 23},
        ),
        (
            "ev-2020-11-16-airlift",
            "2020-11-16",
            None,
            "airlift",
            {"aircraft": 20, "aircraft:An-124": 2, "aircraft:IL-76": 18},
        ),
        ("ev-2020-11-09-statement", "2020-11-09", None, "ceasefire", {"years": 5}),
        ("ev-2020-09-27-outbreak", "2020-09-27", None, "combat", None),
        ("ev-1988-1994-war", "1988-02", "1994-05", "combat", {"years": 6}),
        ("ev-1994-ceasefire", "1994", None, "ceasefire", None),
        ("ev-2020-11-decree-humanitarian-centre", "2020-11", None, "decree", None),
    ],
)
def test_events(snapshot, event_id, date, date_end, event_type, quantities) -> None:
    props = _ids(snapshot, "events")[event_id]["properties"]
    assert (props["date"], props.get("date_end"), props["event_type"]) == (
        date,
        date_end,
        event_type,
    )
    if quantities:
        assert props["quantities"] == quantities


def test_casualties_keep_their_qualifiers(snapshot) -> None:
    props = _ids(snapshot, "events")["ev-2020-casualties"]["properties"]
    assert props["quantities"]["killed"] == 4000
    assert props["quantity_qualifiers"]["killed"] == "more_than"
    assert props["quantities"]["injured"] == 8000


def _broken(snapshot, mutate):
    layers = copy.deepcopy(snapshot.layers)
    mutate(layers)
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "data"
        shutil.copytree(GEODATA / "articles", target / "articles")
        write_layers(target, {lid: c["features"] for lid, c in layers.items()})
        return validate(Store(target))


def test_a_feature_id_in_two_partitions_is_refused(snapshot) -> None:
    with pytest.raises(InvalidData, match="feature id 'place-ankara' is in both"):
        _broken(snapshot, lambda ls: _first(ls, "routes").update(id=_first(ls)["id"]))


def _first(layers, layer="places"):
    return layers[layer]["features"][0]


@pytest.mark.parametrize(
    ("mutate", "problem"),
    [
        (
            lambda ls: _first(ls)["properties"]["sources"][0].update(quote="sai"),
            "quote is not verbatim",
        ),
        (
            lambda ls: _first(ls)["properties"]["sources"][0].update(url="/articles/x#s1"),
            "does not link sentence",
        ),
        (
            lambda ls: _first(ls)["properties"]["sources"][0].update(sentence=99),
            "has no sentence 99",
        ),
        (lambda ls: _first(ls)["properties"].update(sources=[]), "has no sources"),
        (
            lambda ls: _first(ls)["properties"].pop("geometry_source"),
            "lacks property 'geometry_source'",
        ),
        (
            lambda ls: _first(ls)["geometry"].update(coordinates=[46.1234567, 39.1]),
            "more than 6 decimals",
        ),
        (lambda ls: _first(ls)["geometry"].update(coordinates=[200, 39.1]), "outside WGS 84"),
        (
            lambda ls: _first(ls)["properties"].update(geo_precision="pinpoint"),
            "geo_precision 'pinpoint' invalid",
        ),
        (
            lambda ls: _first(ls, "events")["properties"].update(date="24/11/2020"),
            "is not ISO 8601",
        ),
        (lambda ls: _first(ls, "routes")["geometry"].update(crs={}), "'crs' member"),
        (
            lambda ls: ls["routes"]["features"][1]["geometry"].update(
                coordinates=[
                    list(reversed(ls["routes"]["features"][1]["geometry"]["coordinates"][0]))
                ]
            ),
            "not counter-clockwise",
        ),
    ],
)
def test_validation_finds_each_kind_of_problem(snapshot, mutate, problem) -> None:
    problems = _broken(snapshot, mutate)
    assert any(problem in p for p in problems), problems


def test_validation_finds_a_place_outside_its_country(snapshot) -> None:
    def move_yerevan(layers):
        for f in layers["places"]["features"]:
            if f["id"] == "place-yerevan":
                f["geometry"]["coordinates"] = [49.89201, 40.37767]  # Baku

    assert "place-yerevan: lies outside ARM, the country it belongs to" in _broken(
        snapshot, move_yerevan
    )


def test_stored_geojson_has_no_crs_and_parses(snapshot) -> None:
    paths = [GEODATA / f"{lid}.geojson" for lid in SHARED_LAYERS]
    paths += sorted((GEODATA / "features").glob("*.geojson"))
    assert len(paths) == len(SHARED_LAYERS) + 2
    for path in paths:
        body = json.loads(path.read_text("utf-8"))
        assert "crs" not in body
