"""The explorer as a reader sees it: in Vietnamese, on a phone, with the time control in use.

The screenshots go to test-artifacts/, and with MAPAPP_UPDATE_SCREENSHOTS=1 to docs/ (they show
the bundled geodata/).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
PHONE = {"width": 375, "height": 667}


def save(page, name: str, docs_name: str, full_page: bool = False) -> None:
    """Screenshot the page to test-artifacts/, and to docs/ when asked to."""
    page.evaluate("() => document.fonts.ready")
    # Popups fade in: wait until an open one is fully there.
    page.wait_for_function(
        """() => [...document.querySelectorAll('.leaflet-popup')]
            .every(p => getComputedStyle(p).opacity === '1')"""
    )
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    page.screenshot(path=path, full_page=full_page)
    assert path.stat().st_size > 10_000
    if os.environ.get("MAPAPP_UPDATE_SCREENSHOTS") == "1":
        (REPO / "docs").mkdir(exist_ok=True)
        shutil.copyfile(path, REPO / "docs" / docs_name)


def open_explorer(watched, path: str) -> None:
    response = watched.goto(path)
    assert response.status == 200
    watched.page.wait_for_selector("body[data-explore=ready]")
    watched.page.wait_for_selector(".leaflet-tile-loaded")


def test_vietnamese_interface(open_page, server) -> None:
    watched = open_page(server)
    open_explorer(watched, "/?lang=vi")
    page = watched.page
    assert page.locator("html").get_attribute("lang") == "vi"
    watched.open_layers()
    watched.open_legend()
    overlays = page.locator(".leaflet-control-layers-overlays .ov-title").all_inner_texts()
    assert overlays[:4] == [
        "Địa danh",
        "Trạm gìn giữ hòa bình",
        "Tuyến đường và liên lạc",
        "Sự kiện: Điện đàm",
    ]
    assert page.locator("#map-legend summary").inner_text() == "CHÚ GIẢI"  # shown in capitals
    legend = page.locator("#map-legend").inner_text()
    assert "Chính xác" in legend and "chỉ biết tháng" in legend and "11/2020" in legend
    assert page.locator("#list-title").inner_text().lower() == "sự kiện đang hiển thị"
    assert page.locator("#list-count").inner_text() == "6 trên 6 sự kiện"
    assert page.locator("#time-play").inner_text().strip() == "Phát"
    assert page.locator("label[for=search-input]").inner_text() == "Tìm địa danh và sự kiện"
    rows = page.locator("#event-list .row-name").all_inner_texts()
    assert "triển khai lực lượng gìn giữ hòa bình" in rows, "names in name_vi"
    watched.show_everything()  # the map draws what is in view: Moscow too
    moscow = page.locator('.leaflet-marker-icon[data-feature-id="place-moscow"] .mk-label')
    assert moscow.inner_text() == "Mát-xcơ-va"
    page.locator('#event-list [data-feature-id="event-casualties"]').click()
    popup = page.locator('.leaflet-popup .fp[data-feature-id="event-casualties"]')
    popup.wait_for()
    assert popup.locator(".fp-name").inner_text() == "thiệt mạng"
    assert popup.locator(".fp-name-other").inner_text() == "Casualties of the war"
    assert [d.strip() for d in popup.locator("dt").all_inner_texts()][:2] == [
        "Thời gian",
        "Số liệu",
    ]
    assert "hơn 4.000 người thiệt mạng" in popup.locator(".fp-figures").inner_text()
    # The language switch keeps what is on screen.
    assert "sel=event-casualties" in page.locator(".lang-switch a[hreflang=en]").get_attribute(
        "href"
    )


def test_screenshot_in_vietnamese(open_page, repo_server) -> None:
    watched = open_page(repo_server)
    open_explorer(watched, "/?lang=vi&from=2020-11-01&to=2020-11-30")
    page = watched.page
    page.locator('#event-list [data-feature-id="ev-2020-11-21-deployment-complete"]').click()
    page.locator(
        '.leaflet-popup .fp[data-feature-id="ev-2020-11-21-deployment-complete"]'
    ).wait_for()
    save(page, "explore-vi.png", "screenshot-vi.png")


def test_screenshot_of_the_time_control_in_use(open_page, repo_server) -> None:
    watched = open_page(repo_server)
    open_explorer(watched, "/?map=7/40.1/46.2&from=2020-11-21&to=2020-11-24")
    page = watched.page
    page.locator("#time-from-slider").focus()
    assert page.locator("#time-window").inner_text() == "21 Nov 2020 – 24 Nov 2020"
    save(page, "explore-time.png", "screenshot-time.png")


def test_time_sliders_announce_days(open_page, repo_server) -> None:
    """The sliders speak dates (aria-valuetext), in the page's language, as they move."""
    watched = open_page(repo_server)
    open_explorer(watched, "/?from=2020-11-21&to=2020-11-24")
    page = watched.page
    start, end = page.locator("#time-from-slider"), page.locator("#time-to-slider")
    assert start.get_attribute("aria-valuetext") == "21 Nov 2020"
    assert end.get_attribute("aria-valuetext") == "24 Nov 2020"
    start.focus()
    page.keyboard.press("ArrowRight")  # a day on
    page.wait_for_function(
        "() => document.querySelector('#time-from-slider')"
        ".getAttribute('aria-valuetext') === '22 Nov 2020'"
    )
    assert page.locator("#time-window").inner_text() == "22 Nov 2020 – 24 Nov 2020"
    open_explorer(watched, "/?lang=vi&from=2020-11-21&to=2020-11-24")
    assert page.locator("#time-from-slider").get_attribute("aria-valuetext") == "21/11/2020"


def test_screenshot_on_a_phone_map_and_list_stack(open_page, repo_server) -> None:
    watched = open_page(repo_server)
    watched.page.set_viewport_size(PHONE)
    open_explorer(watched, "/")
    page = watched.page
    frame = page.locator(".map-frame").bounding_box()
    panel = page.locator(".explore-panel").bounding_box()
    assert frame["width"] == pytest.approx(375, abs=1) and panel["width"] == pytest.approx(
        375, abs=1
    )
    assert panel["y"] >= frame["y"] + frame["height"] - 1, "the explorer comes under the map"
    assert frame["height"] >= 300
    assert page.evaluate("document.documentElement.scrollWidth") <= 375, "no sideways scrolling"
    assert not page.locator(".leaflet-control-layers-expanded").count(), "the layer list is folded"
    save(page, "explore-phone.png", "screenshot-phone.png", full_page=True)
    # Still usable: choosing an event in the list shows it on the map, back in sight.
    row = page.locator("#event-list [role=option]").nth(3)
    feature_id = row.get_attribute("data-feature-id")
    row.scroll_into_view_if_needed()
    row.click()
    page.locator(f'.leaflet-popup .fp[data-feature-id="{feature_id}"]').wait_for()
    assert page.evaluate("window.scrollY") <= frame["y"] + 1, "the page scrolled back to the map"
    page.locator(".leaflet-control-layers-toggle").click()
    assert page.locator(".leaflet-control-layers-expanded").count() == 1


def test_layout_follows_the_viewport_as_it_changes(open_page, explore_server) -> None:
    """Turning a phone or resizing a window gives the layout a fresh load at that size has."""
    watched = open_page(explore_server)
    watched.open_explorer("/")
    page = watched.page
    expanded = ".leaflet-control-layers-expanded"
    assert page.locator(expanded).count() == 0, "the panels start folded: the map first"
    assert not page.locator("#map-legend").evaluate("legend => legend.open")
    # The reader opens the layer list: wide, it stays as the reader left it.
    page.locator(".leaflet-control-layers-toggle").click()
    assert page.locator(expanded).count() == 1
    # Panels folded (or open), and Leaflet sizes the map to its container as the layout has it.
    laid_out = """([layers, width]) => {
        const map = window.mapappRegistry.map;
        const frame = map.getContainer().clientWidth;
        return Boolean(document.querySelector('.leaflet-control-layers-expanded')) === layers
            && document.querySelector('#map-legend').open === false
            && (width === null || frame === width) && map.getSize().x === frame;
    }"""
    empty = {"x": 300, "y": 300}  # a spot of the map with no feature, at either size
    page.set_viewport_size({"width": 375, "height": 740})
    page.wait_for_function(laid_out, arg=[False, 375])
    # Narrow: a tap opens the layer list, a tap on the map folds it again.
    page.locator(".leaflet-control-layers-toggle").click()
    assert page.locator(expanded).count() == 1
    page.locator(".leaflet-container").click(position=empty)
    assert page.locator(expanded).count() == 0
    assert not page.locator(".leaflet-popup").count(), "the tap hit no feature"
    page.set_viewport_size({"width": 1280, "height": 800})
    # Wide again: the layer list the reader opened is open again, the legend still folded.
    page.wait_for_function(laid_out, arg=[True, None])
    # And it stays open whatever is clicked.
    page.locator(".leaflet-container").click(position=empty)
    assert page.locator(expanded).count() == 1
    assert not page.locator(".leaflet-popup").count(), "the click hit no feature"
