"""The map page on a generated archive of 100,000 events: the page carries no feature, the
first view is drawn from the tiles quickly, zooming redraws, a cluster zooms in on a click,
and a popup opens with its quote and source link."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from archive_gen import generate

pytestmark = pytest.mark.browser

EVENTS = 100_000
#: The page (HTML) may weigh this much at most: it carries no feature.
MAX_PAGE_BYTES = 300_000
#: Generous: from navigation to the first clusters or features drawn.
MAX_FIRST_DRAW_S = 5.0


@pytest.fixture(scope="module")
def big_server(make_server, tmp_path_factory):
    # MAPAPP_SCALE_DATA names an archive generated before (generating takes minutes).
    given = os.environ.get("MAPAPP_SCALE_DATA")
    data_dir = Path(given) if given else tmp_path_factory.mktemp("big") / "geodata"
    if not given:
        generate(data_dir, events=EVENTS, events_per_article=1000)
    server = make_server(data_dir)
    server.get("/api/map/tiles/0/0/0.json", timeout=600)  # the index is built by now
    return server


def test_a_big_archive_opens_small_and_fast(open_page, big_server) -> None:
    watched = open_page(big_server)
    page = watched.page
    start = time.perf_counter()
    response = watched.goto("/")
    assert response.status == 200
    body = response.body()
    assert len(body) < MAX_PAGE_BYTES, len(body)
    page.wait_for_function(
        "() => document.querySelector('.mapapp-cluster, .leaflet-marker-icon[data-feature-id]')"
    )
    first_draw = time.perf_counter() - start
    print(f"\n{EVENTS} events: page {len(body)} bytes, first drawn in {first_draw:.2f} s")
    assert first_draw < MAX_FIRST_DRAW_S
    page.wait_for_selector("body[data-explore=ready]")
    page.evaluate("() => mapappTiles.idle()")

    # Zooming two levels redraws (from other tiles): out, or in where the first view (the
    # newest articles, spread over the world) is already near the world's zoom.
    zoom = page.evaluate("() => mapappTiles.map.getZoom()")
    target = zoom - 2 if zoom >= 2 else zoom + 2
    page.evaluate(
        """async (zoom) => {
            mapappTiles.map.setZoom(zoom, { animate: false });
            await new Promise((resolve) => setTimeout(resolve, 0));
            await mapappTiles.idle();
        }""",
        target,
    )
    assert page.evaluate("() => mapappTiles.map.getZoom()") == target
    assert page.locator(".mapapp-cluster").count() > 0

    # Clicking clusters zooms in until features show; then a popup opens with its quote.
    for _ in range(10):
        if page.evaluate("() => mapappTiles.ids().some((id) => id.startsWith('ev'))"):
            break
        before = page.evaluate("() => mapappTiles.map.getZoom()")
        count = page.evaluate(
            """() => {
                const view = mapappTiles.map.getContainer().getBoundingClientRect();
                const inside = [...document.querySelectorAll(".mapapp-cluster")].filter((e) => {
                    const b = e.getBoundingClientRect();
                    const bottom = Math.min(view.bottom, innerHeight) - 20;
                    return b.left >= view.left + 60 && b.right <= view.right - 300
                        && b.top >= view.top + 20 && b.bottom <= bottom;
                });
                inside.sort((a, b) => b.dataset.clusterCount - a.dataset.clusterCount);
                return inside.length ? inside[0].dataset.clusterCount : null;
            }"""
        )
        assert count is not None, "a cluster in view"
        watched.wait_until_still()
        page.locator(f'.mapapp-cluster[data-cluster-count="{count}"]').first.click()
        page.wait_for_function(f"() => mapappTiles.map.getZoom() > {before}")
        watched.wait_until_still()
        page.evaluate("() => mapappTiles.idle()")
    event = page.evaluate(
        "() => mapappTiles.ids().find((id) => document.querySelector("
        '`.leaflet-marker-icon.mf-layer-events[data-feature-id="${id}"]`))'
    )
    assert event, "zoomed in: events drawn"
    page.evaluate("(id) => mapappTiles.open(id)", event)
    popup = page.locator(f'.leaflet-popup .fp[data-feature-id="{event}"]')
    popup.wait_for()
    assert popup.locator("blockquote").first.inner_text().strip()
    href = popup.locator("a.fp-source-link").first.get_attribute("href")
    assert href.startswith("/articles/")
