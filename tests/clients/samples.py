"""Canonical sample features for the OGC API tests: small, hand-made, every value known."""

from __future__ import annotations

from pathlib import Path

__all__ = ["ARTICLE_A", "ARTICLE_B", "QUOTE", "HOSTILE", "LAYERS", "EVENT_IDS", "write_data_dir"]

ARTICLE_A = "2020-11-25-putin-erdogan-call"
ARTICLE_B = "2020-11-17-russia-humanitarian-centre"
QUOTE = "Tổng thống Nga V.Putin đã có cuộc điện đàm với Tổng thống Thổ Nhĩ Kỳ T.Erdogan."
#: Text that must reach HTML only escaped.
HOSTILE = "<script>alert('x')</script> & <b>bold</b>"


def _source(article: str, sentence: int, quote: str) -> dict:
    return {
        "article_id": article,
        "sentence": sentence,
        "quote": quote,
        "url": f"/articles/{article}#s{sentence}",
    }


def _feature(fid: str, layer: str, geometry: dict, kind: str, sources=(), **props) -> dict:
    properties = {
        "layer": layer,
        "name": props.pop("name", fid),
        "name_vi": props.pop("name_vi", fid),
        "kind": kind,
        "geo_precision": "exact",
        "geometry_source": "test",
        "sources": list(sources),
        **props,
    }
    return {"type": "Feature", "id": fid, "geometry": geometry, "properties": properties}


def _point(lon: float, lat: float) -> dict:
    return {"type": "Point", "coordinates": [lon, lat]}


def _event(fid, geometry, event_type, date, sources, **props) -> dict:
    if date is not None:
        props["date"] = date
        props["date_precision"] = {10: "day", 7: "month", 4: "year"}[len(date)]
    return _feature(fid, "events", geometry, event_type, sources, event_type=event_type, **props)


_A1 = _source(ARTICLE_A, 1, QUOTE)
_A15 = _source(ARTICLE_A, 15, "Theo Bộ trưởng, 250 chuyến bay đã được thực hiện.")
_B3 = _source(ARTICLE_B, 3, "Nga điều động 20 máy bay vận tải.")

EVENTS = [
    _event(
        "ev-day",
        _point(46.75, 39.81),
        "deployment",
        "2020-11-21",
        [_A15],
        actors=["Sergei Shoigu"],
        quantities={"flights": 250, "people": 1960},
    ),
    _event(
        "ev-range",
        _point(37.62, 55.75),
        "phone_call",
        "2020-11-23",
        [_A1],
        date_end="2020-11-24",
        actors=["Vladimir Putin", "Nikol Pashinyan"],
    ),
    _event(
        "ev-month", _point(46.6, 39.7), "airlift", "2020-11", [_B3], quantities={"aircraft": 20}
    ),
    _event("ev-year", _point(46.5, 39.9), "casualties", "2020", [_B3]),
    _event(
        "ev-multi",
        {"type": "MultiPoint", "coordinates": [[37.62, 55.75], [32.85, 39.92]]},
        "phone_call",
        "2020-11-24",
        [_A1, _B3],
        name="Putin–Erdogan call",
        name_vi="cuộc điện đàm",
    ),
    _event("ev-old", _point(44.51, 40.18), "protest", "1988-02-20", [_B3]),
    _event("ev-undated", _point(45.0, 40.0), "deployment", None, [_A15]),
    _event("ev-east", _point(179.5, 10.0), "airlift", "2019-06", [_B3]),
    _event("ev-west", _point(-179.5, 10.0), "airlift", "2019-06-30", [_B3]),
    _event(
        "ev-hostile",
        _point(46.0, 40.5),
        "protest",
        "2021-01-01",
        [_A1],
        name=HOSTILE,
        name_vi=HOSTILE,
        summary=HOSTILE,
    ),
]
EVENT_IDS = [f["id"] for f in EVENTS]

LAYERS = {
    "events": EVENTS,
    "places": [
        _feature(
            "pl-stepanakert",
            "places",
            _point(46.75194, 39.81528),
            "city",
            [_A15],
            name_vi="Stepanakert",
        ),
        _feature(
            "pl-moscow",
            "places",
            _point(37.61781, 55.75204),
            "capital",
            [_A1],
            name="Moscow",
            name_vi="Mát-xcơ-va",
        ),
        _feature("pl-ankara", "places", _point(32.85427, 39.91987), "capital", [_A1]),
    ],
    "routes": [
        # No vertex inside bbox 45.9,38.9,46.1,39.1, yet the line crosses it.
        _feature(
            "rt-line",
            "routes",
            {"type": "LineString", "coordinates": [[44.0, 39.0], [48.0, 39.0]]},
            "road",
            [_B3],
            date="2020-11-10",
            date_end="2020-12",
        ),
        _feature(
            "rt-multi",
            "routes",
            {
                "type": "MultiLineString",
                "coordinates": [[[46.3, 39.5], [46.5, 39.6]], [[46.6, 39.7], [46.75, 39.8]]],
            },
            "road",
            [_A15],
        ),
    ],
    "peacekeeping-posts": [
        _feature(
            "pp-zone",
            "peacekeeping-posts",
            {
                "type": "Polygon",
                "coordinates": [
                    [[46.55, 39.95], [46.95, 39.95], [46.95, 40.2], [46.55, 40.2], [46.55, 39.95]]
                ],
            },
            "post_zone",
            [_A15],
            post_count=11,
        ),
        _feature(
            "pp-zabukh",
            "peacekeeping-posts",
            _point(46.54333, 39.58972),
            "observation_post",
            [_A15],
        ),
    ],
    "regions": [
        # Its envelope covers bbox 48,46,49,47 but the triangle itself does not reach it.
        _feature(
            "rg-triangle",
            "regions",
            {
                "type": "Polygon",
                "coordinates": [[[40.0, 38.0], [50.0, 38.0], [40.0, 48.0], [40.0, 38.0]]],
            },
            "country",
        ),
        _feature(
            "rg-multi",
            "regions",
            {
                "type": "MultiPolygon",
                "coordinates": [
                    [[[44.8, 39.7], [45.9, 38.9], [46.1, 39.2], [44.8, 39.7]]],
                    [[[47.0, 41.0], [48.0, 41.0], [48.0, 42.0], [47.0, 41.0]]],
                ],
            },
            "country",
        ),
    ],
}


def write_data_dir(target: Path) -> Path:
    """Write every sample layer into the data directory ``target`` and return it."""
    from wholelayers import write_layers  # tests/ is on sys.path (rootdir conftest)

    return write_layers(target, {lid: list(features) for lid, features in LAYERS.items()})


#: The order the server lists the sample events in: by date as written (undated first, a year
#: before its months, a month before its days), then by id.
EVENTS_IN_ORDER = [
    "ev-undated",
    "ev-old",
    "ev-east",
    "ev-west",
    "ev-year",
    "ev-month",
    "ev-day",
    "ev-range",
    "ev-multi",
    "ev-hostile",
]


#: The collections the samples are served as: the posts' zones apart from their points (one
#: geometry type a collection); the sample routes are all lines, so there is no route-areas.
SAMPLE_COLLECTIONS = [
    "places", "peacekeeping-posts", "peacekeeping-post-zones", "routes", "events", "regions",
]  # fmt: skip


def held(collection_id: str) -> list[str]:
    """The ids of the sample features a collection holds, in the samples' order."""
    from mapapp.ogc.collections import collection
    from mapapp.store.rows import FAMILIES

    found_in = collection(collection_id)
    return [
        f["id"]
        for f in LAYERS[found_in.layer_id]
        if found_in.families is None
        or FAMILIES.get((f["geometry"] or {}).get("type")) in found_in.families
    ]
