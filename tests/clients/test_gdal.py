"""GDAL's OGC API – Features client (the OAPIF driver of Debian's ogrinfo) against the server."""

from __future__ import annotations

import re

import pytest

from clients.samples import EVENTS_IN_ORDER, SAMPLE_COLLECTIONS, held
from clients.tools import feature_count, feature_ids, ogrinfo
from mapapp.ogc.collections import collection

#: The order the server lists a layer in, where it is not the sample's: events by date as
#: written (undated first, a year before its months, a month before its days), then id;
#: places by id. The other layers keep the order of their file.
IN_LAYER_ORDER = {
    "events": EVENTS_IN_ORDER,
    "places": ["pl-ankara", "pl-moscow", "pl-stepanakert"],
}


def ogrinfo_logging_requests(*args: str) -> str:
    """Run ``ogrinfo -ro -al`` with GDAL's debug log on stdout, which lists every URL fetched."""
    return ogrinfo("-ro", "-al", *args, "--debug", "on", "--config", "CPL_LOG", "/dev/stdout")


def test_lists_the_collections(server: str) -> None:
    listing = ogrinfo("-ro", "-so", f"OAPIF:{server}/ogc/")
    assert re.findall(r"^\d+: (\S+) \(title: ", listing, re.M) == SAMPLE_COLLECTIONS


@pytest.mark.parametrize("collection_id", SAMPLE_COLLECTIONS)
def test_reads_every_feature_across_pages(server: str, collection_id: str) -> None:
    listing = ogrinfo(
        "-ro", "-al", "-oo", "PAGE_SIZE=3", f"OAPIF:{server}/ogc/collections/{collection_id}"
    )
    ids = held(collection_id)
    expected = [i for i in IN_LAYER_ORDER.get(collection(collection_id).layer_id, ids) if i in ids]
    assert ids and sorted(expected) == sorted(ids)
    assert feature_count(listing) == [len(expected)]
    assert feature_ids(listing) == expected


def test_spatial_filter_is_sent_to_the_server(server: str) -> None:
    listing = ogrinfo_logging_requests(
        "-spat", "46.4", "39.6", "46.8", "39.95", f"OAPIF:{server}/ogc/collections/events"
    )
    # GDAL prints the box with 18 significant digits: 46.3999999999999986,...
    sent = re.findall(r"Fetch\(\S+/items\?\S*bbox=([^&)]+)", listing)
    assert {tuple(round(float(v), 9) for v in box.split(",")) for box in sent} == {
        (46.4, 39.6, 46.8, 39.95)
    }
    assert feature_ids(listing) == ["ev-year", "ev-month", "ev-day"]


@pytest.mark.parametrize(
    ("datetime", "expected"),
    [
        # An undated feature matches every datetime (/req/core/fc-time-response C).
        ("2020-11-21", ["ev-undated", "ev-year", "ev-month", "ev-day"]),
        ("2020-11-22/2020-11-23", ["ev-undated", "ev-year", "ev-month", "ev-range"]),
        ("../1999", ["ev-undated", "ev-old"]),
        ("2020-12/..", ["ev-undated", "ev-year", "ev-hostile"]),
    ],
)
def test_time_filter_in_the_collection_url(server: str, datetime: str, expected) -> None:
    listing = ogrinfo("-ro", "-al", f"OAPIF:{server}/ogc/collections/events?datetime={datetime}")
    assert feature_count(listing) == [len(expected)]
    assert feature_ids(listing) == expected


def test_attribute_filter_becomes_a_query_parameter(server: str) -> None:
    listing = ogrinfo_logging_requests(
        "-where", "event_type = 'phone_call'", f"OAPIF:{server}/ogc/collections/events"
    )
    assert re.search(r"Fetch\(\S+/items\?\S*event_type=phone_call", listing)
    assert feature_ids(listing) == ["ev-range", "ev-multi"]


def test_vietnamese_text_arrives_intact(server: str) -> None:
    listing = ogrinfo(
        "-ro", "-al", "-where", "id = 'ev-multi'", f"OAPIF:{server}/ogc/collections/events"
    )
    assert "  name_vi (String) = cuộc điện đàm" in listing.splitlines()
