"""Layouts that fit: at phone and laptop sizes the panels on the map start compact, remember
what the reader chose, and never cover an open popup, which lies inside the viewport with its
close control."""

from __future__ import annotations

import pytest
from test_explore_views import open_explorer, save

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 768}

# Share of the map's area the controls on it cover (each clipped to the map).
_COVERED_JS = """
() => {
  const map = document.querySelector(".leaflet-container").getBoundingClientRect();
  let covered = 0;
  const parts = [];
  for (const control of document.querySelectorAll(".leaflet-control-container .leaflet-control")) {
    const r = control.getBoundingClientRect();
    const w = Math.max(0, Math.min(r.right, map.right) - Math.max(r.left, map.left));
    const h = Math.max(0, Math.min(r.bottom, map.bottom) - Math.max(r.top, map.top));
    if (getComputedStyle(control).visibility === "hidden") continue;
    covered += w * h;
    parts.push([control.className.split(" ")[0], Math.round(w), Math.round(h)]);
  }
  return { share: covered / (map.width * map.height), parts };
}
"""

# The open popup and its close control: inside the viewport, and the element at the close
# control's centre is the close control (no panel over it); no visible control meets the popup.
_POPUP_JS = """
() => {
  const popup = document.querySelector(".leaflet-popup");
  const close = popup.querySelector(".leaflet-popup-close-button");
  const inside = (r) =>
    r.left >= 0 && r.top >= 0 && r.right <= innerWidth && r.bottom <= innerHeight;
  const p = popup.getBoundingClientRect(), c = close.getBoundingClientRect();
  const hit = document.elementFromPoint(c.x + c.width / 2, c.y + c.height / 2);
  const over = [];
  for (const control of document.querySelectorAll(".leaflet-control-container .leaflet-control")) {
    if (getComputedStyle(control).visibility === "hidden") continue;
    const r = control.getBoundingClientRect();
    if (r.width && r.left < p.right && p.left < r.right && r.top < p.bottom && p.top < r.bottom
        && !control.classList.contains("leaflet-control-attribution")
        && !control.classList.contains("leaflet-control-scale")) {
      over.push(control.className.split(" ")[0]);
    }
  }
  return {
    popupInside: inside(p), closeInside: inside(c),
    closeOnTop: hit === close || close.contains(hit),
    over, width: p.width,
  };
}
"""


def _open_from_list(page, nth: int) -> str:
    row = page.locator("#event-list [role=option]").nth(nth)
    feature_id = row.get_attribute("data-feature-id")
    row.scroll_into_view_if_needed()
    row.click()
    page.locator(f'.leaflet-popup .fp[data-feature-id="{feature_id}"]').wait_for()
    # Popups fade in, and may pan the map into place.
    page.wait_for_function(
        "() => getComputedStyle(document.querySelector('.leaflet-popup')).opacity === '1'"
    )
    page.wait_for_timeout(400)
    if page.evaluate("() => window.scrollY") > 0:  # a phone: back up to the map
        page.locator(".map-frame").scroll_into_view_if_needed()
    return feature_id


@pytest.mark.parametrize("size", [PHONE, LAPTOP], ids=["phone", "laptop"])
def test_panels_start_compact_and_details_fit_the_viewport(open_page, explore_server, size):
    watched = open_page(explore_server)
    page = watched.page
    page.set_viewport_size(size)
    open_explorer(watched, "/")
    covered = page.evaluate(_COVERED_JS)
    assert covered["share"] <= 0.15, covered
    assert not page.locator(".leaflet-control-layers-expanded").count()
    assert not page.locator("#map-legend[open]").count()
    # Open the layer list, then a feature's details: the details come first.
    page.locator(".leaflet-control-layers-toggle").click()
    assert page.locator(".leaflet-control-layers-expanded").count() == 1
    for nth in (1, 3, 6):
        _open_from_list(page, nth)
        fit = page.evaluate(_POPUP_JS)
        assert fit["popupInside"] and fit["closeInside"] and fit["closeOnTop"], fit
        assert fit["over"] == [], f"a panel covers the popup: {fit}"
        assert fit["width"] <= size["width"]
        if size is PHONE:
            assert not page.locator(".leaflet-control-layers-expanded").count()
    if size is PHONE:
        save(page, "layout-phone.png", "screenshot-phone-details.png")
    page.locator(".leaflet-popup-close-button").click()
    assert not page.locator(".under-popup").count(), "panels come back when the popup closes"
    assert not page.locator("#map-legend[open]").count(), "a popup closing opens nothing"


def test_a_laptop_remembers_the_panels_the_reader_opened(open_page, explore_server):
    watched = open_page(explore_server)
    page = watched.page
    page.set_viewport_size(LAPTOP)
    open_explorer(watched, "/")
    page.locator(".leaflet-control-layers-toggle").click()
    page.locator("#map-legend summary").click()
    assert page.locator("#map-legend[open]").count() == 1
    open_explorer(watched, "/")  # the next visit: as the reader left them
    assert page.locator(".leaflet-control-layers-expanded").count() == 1
    assert page.locator("#map-legend[open]").count() == 1
    covered = page.evaluate(_COVERED_JS)
    assert covered["share"] > 0.15, "both open: more of the map is covered (as chosen)"
    # A popup that would be under them folds what it meets, and nothing covers it.
    _open_from_list(page, 1)
    fit = page.evaluate(_POPUP_JS)
    assert fit["over"] == [] and fit["closeOnTop"], fit
    save(page, "layout-laptop.png", "screenshot-laptop-details.png")
    # Folded with their own controls: remembered too.
    page.locator(".leaflet-popup-close-button").click()
    if not page.locator(".leaflet-control-layers-expanded").count():
        page.locator(".leaflet-control-layers-toggle").click()
    page.locator(".layers-fold").click()
    assert not page.locator(".leaflet-control-layers-expanded").count()
    if not page.locator("#map-legend[open]").count():
        page.locator("#map-legend summary").click()
    page.locator("#map-legend summary").click()
    open_explorer(watched, "/")
    assert not page.locator(".leaflet-control-layers-expanded").count()
    assert not page.locator("#map-legend[open]").count()
    # The skip link to the layers opens the list.
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert page.locator(".leaflet-control-layers-expanded").count() == 1
