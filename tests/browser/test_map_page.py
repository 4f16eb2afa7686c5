"""The map page in a real browser: clean load, overlays, popups, article links, downloads, focus."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

HIGHLIGHT = "rgb(255, 229, 138)"  # pages.css: .sentence:target
REPO = Path(__file__).resolve().parents[2]
SCREENSHOT = REPO / "test-artifacts" / "map.png"
DOCS_SCREENSHOT = REPO / "docs" / "screenshot-map.png"


@pytest.mark.parametrize("which", ["server", "repo_server"])
def test_page_loads_every_feature_with_no_error_and_no_foreign_request(
    open_page, request, which: str
) -> None:
    watched = open_page(request.getfixturevalue(which))
    watched.open_map()
    watched.page.wait_for_selector(".leaflet-tile-loaded")
    # The layer list and the legend start folded, a click away.
    assert watched.page.locator(".leaflet-control-layers-toggle").is_visible()
    assert watched.page.locator("#map-legend summary").is_visible()
    watched.open_layers()
    watched.open_legend()
    assert watched.page.locator(".leaflet-control-layers-expanded").is_visible()
    assert watched.page.locator("#map-legend .legend-sections").is_visible()
    assert not watched.problems()


def test_each_overlay_switches_its_features_off_and_on(open_page, server) -> None:
    watched = open_page(server)
    watched.open_map()
    page = watched.page
    members = server.overlay_members()
    everything = set().union(*members.values())
    watched.open_layers()
    labels = page.locator(".leaflet-control-layers-overlays .ov").evaluate_all(
        "els => els.map(e => e.dataset.overlay)"
    )
    assert sorted(labels) == sorted(members)
    for overlay_id, ids in members.items():
        box = page.locator(
            f'.leaflet-control-layers-overlays label:has(.ov[data-overlay="{overlay_id}"]) input'
        )
        box.uncheck()
        watched.wait_for_drawn(f".mf-ov-{overlay_id}", set())
        assert watched.drawn_ids() == everything - ids
        box.check()
        watched.wait_for_drawn(f".mf-ov-{overlay_id}", ids)
        assert watched.drawn_ids() == everything


def test_event_popup_links_to_its_sentence_highlighted(open_page, server) -> None:
    watched = open_page(server)
    watched.open_map()
    page = watched.page
    feature_id = "event-deployment-complete"
    watched.click_marker(feature_id)
    popup = page.locator(f'.leaflet-popup .fp[data-feature-id="{feature_id}"]')
    popup.wait_for()
    assert popup.locator(".fp-name").inner_text() == "Peacekeeping deployment completed"
    assert "1,960 people" in popup.locator(".fp-figures").inner_text()
    link = popup.locator("a.fp-source-link").first
    href = link.get_attribute("href")
    quote = popup.locator("blockquote").first.inner_text()
    assert href == "/articles/2020-11-25-putin-erdogan-call#s14"
    # The link names the article by its title, not its id.
    assert link.inner_text().startswith(
        "“Tổng thống Nga V.Putin điện đàm với Tổng thống Thổ Nhĩ Kỳ T.Erdogan về Nagorno-Karabakh”"
    )
    watched.click_in_popup(link)
    page.wait_for_url(server.url + href)
    target = page.locator(":target")
    assert target.get_attribute("id") == "s14"
    assert quote in target.inner_text()
    assert target.evaluate("el => getComputedStyle(el).backgroundColor") == HIGHLIGHT


def test_download_control_yields_each_layer_as_the_api_serves_it(open_page, server) -> None:
    watched = open_page(server)
    watched.open_map()
    page = watched.page
    expected = server.layers()
    expected["all"] = {
        "type": "FeatureCollection",
        "features": [f for collection in expected.values() for f in collection["features"]],
    }
    page.locator("#map-downloads summary").click()  # whole layers are folded until asked for
    links = page.locator("#map-downloads a[data-layer]")
    assert sorted(links.evaluate_all("els => els.map(e => e.dataset.layer)")) == sorted(expected)
    for index in range(links.count()):
        link = links.nth(index)
        layer_id = link.get_attribute("data-layer")
        with page.expect_download() as info:
            link.click()
        download = info.value
        assert download.suggested_filename == f"mapapp-{layer_id}.geojson"
        assert json.loads(Path(download.path()).read_text("utf-8")) == expected[layer_id]


def test_focus_opens_the_feature_popup_in_view(open_page, server) -> None:
    watched = open_page(server)
    watched.open_map("/?focus=place-moscow")
    page = watched.page
    popup = page.locator('.leaflet-popup .fp[data-feature-id="place-moscow"]')
    popup.wait_for()
    assert popup.locator(".fp-name").inner_text() == "Moscow"
    in_view = page.evaluate(
        """() => {
            const map = Object.values(window).find(v => v instanceof L.Map);
            return map.getBounds().contains([55.75204, 37.61781]);
        }"""
    )
    assert in_view


def test_focus_on_an_unknown_feature_opens_the_map_naming_it(open_page, server) -> None:
    watched = open_page(server)
    watched.open_map("/?focus=no-such-feature")
    assert "focus=no-such-feature" in watched.page.locator("#url-notice").inner_text()
    assert "focus=" not in watched.page.url
    assert watched.drawn_ids()  # the map is drawn


def test_screenshot_of_the_bundled_map(open_page, request) -> None:
    """Save the map at 1280x800 to test-artifacts/ (and docs/ with MAPAPP_UPDATE_SCREENSHOTS=1).

    It shows the bundled geodata/, or the test fixture while geodata/ is not built.
    """
    bundled = any((REPO / "geodata" / "features").glob("*.geojson"))
    watched = open_page(request.getfixturevalue("repo_server" if bundled else "server"))
    watched.open_map()
    page = watched.page
    page.wait_for_selector(".leaflet-tile-loaded")
    page.evaluate("() => document.fonts.ready")
    SCREENSHOT.parent.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOT)
    assert SCREENSHOT.stat().st_size > 10_000
    if os.environ.get("MAPAPP_UPDATE_SCREENSHOTS") == "1":
        assert bundled, "docs/ shows the bundled data: build geodata/ first"
        DOCS_SCREENSHOT.parent.mkdir(exist_ok=True)
        shutil.copyfile(SCREENSHOT, DOCS_SCREENSHOT)


def test_a_thin_line_opens_from_a_click_beside_it(open_page, server) -> None:
    """A phone call's line is 2 px wide: a click 6 px beside it still opens its popup."""
    watched = open_page(server)
    watched.open_map()
    page = watched.page
    target = "route-call-moscow-ankara"
    point = page.evaluate(
        """(id) => {
            const map = mapappRegistry.map, group = mapappTiles.feature(id);
            let line = null;
            group.eachLayer((l) => {
                if (!line && l.getLatLngs && l.options.opacity !== 0) line = l;
            });
            const ll = line.getLatLngs(), last = ll.length - 1;
            const a = map.latLngToContainerPoint(ll[0]);
            const b = map.latLngToContainerPoint(ll[last]);
            const mid = a.add(b).divideBy(2), d = b.subtract(a), n = Math.hypot(d.x, d.y);
            const off = L.point((-d.y / n) * 6, (d.x / n) * 6);  // 6 px across the line
            const box = map.getContainer().getBoundingClientRect();
            return [box.left + mid.x + off.x, box.top + mid.y + off.y];
        }""",
        target,
    )
    page.mouse.click(*point)
    page.locator(f'.leaflet-popup .fp[data-feature-id="{target}"]').wait_for()
