"""OWSLib's OGC API – Features client against the server."""

from __future__ import annotations

from owslib.ogcapi.features import Features

from clients.samples import LAYERS
from mapapp.core.model import LAYER_IDS


def test_reads_landing_conformance_and_api(server: str) -> None:
    api = Features(f"{server}/ogc/")
    assert (
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson"
        in (api.conformance()["conformsTo"])
    )
    assert api.api()["openapi"] == "3.0.3"
    listed = ["places", "peacekeeping-posts", "peacekeeping-post-zones", "routes", "events"]
    assert api.feature_collections() == [*listed, "regions"]
    assert set(LAYER_IDS) <= set(api.feature_collections())


def test_reads_a_collection(server: str) -> None:
    events = Features(f"{server}/ogc/").collection("events")
    assert events["extent"]["spatial"]["bbox"] == [[-179.5, 10.0, 179.5, 55.75]]
    assert events["extent"]["temporal"]["interval"] == [
        ["1988-02-20T00:00:00Z", "2021-01-01T23:59:59Z"]
    ]


def test_reads_filtered_items_and_one_item(server: str) -> None:
    api = Features(f"{server}/ogc/")
    page = api.collection_items("events", bbox=[46, 39, 47, 40], datetime_="2020-11", limit=100)
    # Events come in date order (a year before its months, a month before its days).
    assert [f["id"] for f in page["features"]] == ["ev-year", "ev-month", "ev-day"]
    assert page["numberMatched"] == 3
    page = api.collection_items("places", limit=2, offset=1)
    # Places come in id order.
    by_id = sorted(f["id"] for f in LAYERS["places"])
    assert [f["id"] for f in page["features"]] == by_id[1:3]
    feature = api.collection_item("events", "ev-range")
    assert feature["properties"]["date_end"] == "2020-11-24"
