"""A pile: events at one position, more than a tile draws one by one. Zooming in cannot split
it, so its cluster lists them in a popup, and each opens its details there."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from wholelayers import write_layers

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
FIXTURE = REPO / "tests" / "mapfixture"
AT = (46.123456789, 40.654321987)  # more decimals than a cluster's rounded bounds keep
PILE = 230  # more than the 200 features of a small map: the tile clusters them
HOSTILE_NAME = '<img src=x onerror="alert(1)"> {{ 6*7 }}'


def _pile() -> list[dict]:
    return [
        {
            "type": "Feature",
            "id": f"event-pile-{i:03d}",
            "geometry": {"type": "Point", "coordinates": list(AT)},
            "properties": {
                "layer": "events",
                "name": HOSTILE_NAME if i == PILE - 1 else f"Pile event {i}",
                "event_type": "statement",
                "date": f"2021-01-{1 + i % 28:02d}",
                "geo_precision": "exact",
                "sources": [],
            },
        }
        for i in range(PILE)
    ]


@pytest.fixture(scope="module")
def pile_server(make_server, tmp_path_factory):
    data = tmp_path_factory.mktemp("pile") / "geodata"
    shutil.copytree(FIXTURE, data, ignore=shutil.ignore_patterns(".lock", ".index"))
    return make_server(write_layers(data, {"events": _pile()}))


def test_a_pile_lists_its_features_and_each_opens_its_details(open_page, pile_server) -> None:
    watched = open_page(pile_server)
    watched.open_explorer("/")
    page = watched.page
    page.evaluate(
        """async ([lat, lon]) => {
            mapappTiles.map.setView([lat, lon], 16, { animate: false });
            await new Promise((resolve) => setTimeout(resolve, 0));
            await mapappTiles.idle();
        }""",
        [AT[1], AT[0]],
    )
    cluster = page.locator(f'.mapapp-cluster[data-cluster-count="{PILE}"]')
    assert cluster.count() == 1, "more than a tile draws: a cluster, at every zoom"
    watched.wait_until_still()
    cluster.click()
    items = page.locator(".leaflet-popup .pile-list button[data-feature-id]")
    items.first.wait_for()
    assert page.evaluate("() => mapappTiles.map.getZoom()") == 16, "a pile is not zoomed into"
    head = page.locator(".leaflet-popup .pile-head").inner_text()
    assert f"{PILE} features at this one place" in head
    assert items.count() == 20
    page.locator(".leaflet-popup .pile-more").click()
    page.wait_for_function(
        "() => document.querySelectorAll('.leaflet-popup .pile-list button').length === 40"
    )
    ids = items.evaluate_all("els => els.map((e) => e.dataset.featureId)")
    assert len(set(ids)) == 40 and all(i.startswith("event-pile-") for i in ids)
    # Names are text, whatever they hold (one is markup and a template expression).
    names = items.all_inner_texts()
    assert all(name.startswith(("Pile event", HOSTILE_NAME)) for name in names)
    assert page.locator(".leaflet-popup img").count() == 0
    chosen = ids[0]
    items.first.click()
    details = page.locator(f'.leaflet-popup-content .fp[data-feature-id="{chosen}"]')
    details.wait_for()
    number = int(chosen.rsplit("-", 1)[1])
    expected = HOSTILE_NAME if number == PILE - 1 else f"Pile event {number}"
    assert details.locator(".fp-name").inner_text() == expected
    assert not watched.problems()
