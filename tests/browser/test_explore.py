"""Exploring the map in a real browser: time window, filters, search, shareable URLs, the list."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

MAPPED = ".mf[data-feature-id]"  # what the map draws (not list rows or popups)
EVENTS = ".mf-layer-events[data-feature-id]"
OLD = "2020-11-17-russia-humanitarian-centre"
PLACES = {
    "place-stepanakert",
    "place-moscow",
    "place-ankara",
    "place-shusha",
    "place-nagorno-karabakh",
    "place-armenia",
    "place-lachin-corridor",
}


def all_events(server) -> set[str]:
    return {i for o, ids in server.overlay_members().items() if o.startswith("events") for i in ids}


def set_window(page, start: str, end: str) -> None:
    page.fill("#time-from", start)
    page.fill("#time-to", end)
    page.locator("#time-to").dispatch_event("change")


def test_time_window_hides_and_shows_events_by_their_span(open_page, explore_server) -> None:
    watched = open_page(explore_server)
    watched.open_explorer()
    watched.show_everything()
    page = watched.page
    # A window inside the 1988–1994 war shows it, and nothing dated after.
    set_window(page, "1990-01-01", "1990-12-31")
    watched.wait_for_drawn(EVENTS, {"event-war"})
    assert watched.drawn_ids(MAPPED) >= PLACES, "undated places always show"
    assert "route-call-moscow-ankara" not in watched.drawn_ids(MAPPED), "a dated route follows"
    # "1994" covers the whole year; May 1994 is the war's last month.
    set_window(page, "1994-05-31", "1994-06-01")
    watched.wait_for_drawn(EVENTS, {"event-war", "event-ceasefire-1994"})
    set_window(page, "1994-06-01", "1994-12-31")
    watched.wait_for_drawn(EVENTS, {"event-ceasefire-1994"})
    # "2020-11" (the airlift) covers the 21st; "2020" (the casualties) too.
    set_window(page, "2020-11-21", "2020-11-21")
    day = {"event-deployment-complete", "event-demining", "event-airlift-1611", "event-casualties"}
    watched.wait_for_drawn(EVENTS, day)
    assert watched.drawn_ids(MAPPED) == explore_server.shown(
        **{"from": "2020-11-21", "to": "2020-11-21"}
    )
    assert page.locator("#time-window").inner_text() == "21 Nov 2020 – 21 Nov 2020"
    page.wait_for_function(
        """(day) => {
            const rows = [...document.querySelectorAll("#event-list [role=option]")];
            const ids = rows.map((e) => e.dataset.featureId).sort();
            return JSON.stringify(ids) === JSON.stringify(day);
        }""",
        arg=sorted(day),
    )  # the list follows the window (asked of the server)
    page.click("#time-all")
    watched.wait_for_drawn(EVENTS, all_events(explore_server))


def test_slider_and_play_step_the_window(open_page, explore_server) -> None:
    watched = open_page(explore_server)
    watched.open_explorer()
    watched.show_everything()
    page = watched.page
    page.locator("#time-to-slider").focus()
    page.keyboard.press("Home")  # the first date: the war's first day
    page.wait_for_function("() => mapappExplore.state().to === '1988-02-01'")
    watched.wait_for_drawn(EVENTS, {"event-war"})
    page.click("#time-all")
    page.select_option("#time-step", "year")
    page.click("#time-play")
    page.wait_for_function("() => mapappExplore.state().from === '1988-01-01'")
    assert page.locator("#time-play").get_attribute("aria-pressed") == "true"
    # Play skips the years where nothing changes: 1988 (war) → 1994 (ceasefire too) → 1995 ...
    page.wait_for_function("() => mapappExplore.state().from === '1994-01-01'", timeout=5000)
    watched.wait_for_drawn(EVENTS, {"event-war", "event-ceasefire-1994"})
    page.click("#time-play")
    assert page.locator("#time-play").get_attribute("aria-pressed") == "false"
    state = page.evaluate("mapappExplore.state()")
    assert state["from"] == "1994-01-01" and state["to"] == "1994-12-31"
    assert "from=1994-01-01&to=1994-12-31" in page.url


def test_type_filter(open_page, explore_server) -> None:
    watched = open_page(explore_server)
    watched.open_explorer()
    watched.show_everything()
    page = watched.page
    page.select_option("#filter-type", "phone_call")
    watched.wait_for_drawn(EVENTS, {"event-putin-erdogan-call", "event-calls-pashinyan-aliev"})
    assert watched.drawn_ids(MAPPED) == explore_server.shown(type="phone_call")
    assert "type=phone_call" in page.url
    # The list is fetched on its own, after or before the tiles: its count is awaited.
    expect(page.locator("#list-count")).to_have_text("2 of 8 events")


def test_article_filter(open_page, explore_server) -> None:
    watched = open_page(explore_server)
    watched.open_explorer()
    watched.show_everything()
    page = watched.page
    page.select_option("#filter-article", OLD)
    want = explore_server.shown(article=OLD)
    watched.wait_for_drawn(MAPPED, want)
    assert {"event-war", "event-airlift-1611"} <= want and "place-moscow" not in want


@pytest.mark.parametrize(
    ("query", "feature_id", "lat_lng"),
    [
        ("hanh lang lachin", "place-lachin-corridor", (39.6, 46.5)),
        ("stepanakert", "place-stepanakert", (39.8153, 46.7519)),
        ("mat-xco-va", "place-moscow", (55.752, 37.618)),
    ],
)
def test_search_without_diacritics_jumps_to_the_result(
    open_page, explore_server, query, feature_id, lat_lng
) -> None:
    watched = open_page(explore_server)
    watched.open_explorer("/?from=1990&to=1990")  # hidden features are brought back
    page = watched.page
    page.fill("#search-input", query)
    first = page.locator("#search-results [role=option]").first
    assert first.get_attribute("data-feature-id") == feature_id
    page.keyboard.press("Enter")
    page.locator(f'.leaflet-popup .fp[data-feature-id="{feature_id}"]').wait_for()
    assert page.evaluate(
        "([lat, lng]) => mapappRegistry.map.getBounds().contains([lat, lng])", list(lat_lng)
    )
    assert f"sel={feature_id}" in page.url


def test_url_state_survives_reload_and_history(open_page, explore_server) -> None:
    watched = open_page(explore_server)
    watched.open_explorer()
    watched.show_everything()
    page = watched.page
    page.select_option("#filter-type", "deployment")
    set_window(page, "2020-11-01", "2020-11-30")
    watched.open_layers()
    page.locator(
        '.leaflet-control-layers-overlays label:has(.ov[data-overlay="places"]) input'
    ).uncheck()
    watched.click_marker("event-deployment-complete")
    page.locator('.leaflet-popup .fp[data-feature-id="event-deployment-complete"]').wait_for()
    page.evaluate("() => mapappRegistry.map.setView([39.7, 46.6], 10)")
    page.wait_for_url("**map=10/39.**")
    page.evaluate("() => mapappTiles.idle()")  # the tiles of the new view are drawn
    url, drawn = page.url, watched.drawn_ids(MAPPED)
    zoom, lat, lng = (float(v) for v in url.split("map=")[1].split("&")[0].split("/"))
    assert "place-stepanakert" not in drawn and "event-deployment-complete" in drawn
    for part in (
        "type=deployment",
        "from=2020-11-01",
        "to=2020-11-30",
        "sel=event-deployment-complete",
    ):
        assert part in url
    page.goto(url)
    page.wait_for_selector("body[data-explore=ready]")
    watched.wait_for_drawn(MAPPED, drawn)
    page.locator('.leaflet-popup .fp[data-feature-id="event-deployment-complete"]').wait_for()
    view = page.evaluate("() => [mapappRegistry.map.getZoom(), mapappRegistry.map.getCenter()]")
    assert view[0] == zoom and abs(view[1]["lat"] - lat) < 1e-3 and abs(view[1]["lng"] - lng) < 1e-3
    assert page.url == url
    # Back undoes one change at a time; forward redoes it.
    page.evaluate("() => mapappRegistry.map.closePopup()")  # the view puts it off screen
    page.select_option("#filter-type", "")
    november = explore_server.shown(**{"from": "2020-11-01", "to": "2020-11-30"})
    watched.show_everything()  # the map draws what is in view: the calls are far away
    watched.wait_for_drawn(EVENTS, november & all_events(explore_server))
    page.go_back()
    watched.wait_for_drawn(MAPPED, drawn)
    page.wait_for_function("() => mapappExplore.state().type === 'deployment'")
    assert page.locator("#filter-type").input_value() == "deployment"
    page.go_forward()
    page.wait_for_function("() => mapappExplore.state().type === null")
    assert page.locator("#filter-type").input_value() == ""


def test_focus_link_still_frames_the_feature(open_page, explore_server) -> None:
    watched = open_page(explore_server)
    watched.open_explorer("/?focus=place-moscow")
    page = watched.page
    page.locator('.leaflet-popup .fp[data-feature-id="place-moscow"]').wait_for()
    page.wait_for_function("() => location.search.includes('sel=place-moscow')")
    assert "focus=" not in page.url


def test_list_is_sortable_and_driven_by_the_keyboard(open_page, explore_server) -> None:
    watched = open_page(explore_server)
    watched.open_explorer()
    watched.show_everything()
    page = watched.page
    rows = page.locator("#event-list [role=option]")

    def order() -> list[str]:
        return rows.evaluate_all("els => els.map(e => e.dataset.featureId)")

    assert order()[:2] == ["event-war", "event-ceasefire-1994"], "by date first"
    page.click("[data-sort=type]")
    types = rows.locator(".row-type").all_inner_texts()
    assert types == sorted(types)
    page.click("[data-sort=date]")
    page.locator("[data-sort=type]").focus()
    page.keyboard.press("Tab")  # into the list, at its current row
    assert page.evaluate("document.activeElement.dataset.featureId") == "event-war"
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    third = order()[2]
    assert page.evaluate("document.activeElement.dataset.featureId") == third
    page.keyboard.press("Enter")
    page.locator(f'.leaflet-popup .fp[data-feature-id="{third}"]').wait_for()
    assert rows.nth(2).get_attribute("aria-selected") == "true"
    page.keyboard.press("End")
    last = order()[-1]
    page.keyboard.press(" ")
    page.locator(f'.leaflet-popup .fp[data-feature-id="{last}"]').wait_for()
    # A marker clicked on the map highlights its row and brings it into view.
    page.evaluate("() => mapappRegistry.map.closePopup()")
    page.locator("[data-sort=date]").click()  # newest last ...
    page.locator("[data-sort=date]").click()  # ... then first: the war goes to the bottom
    # The last popup framed the Moscow call: the reader pans back to the war and clicks it.
    watched.click_marker("event-war")
    page.locator('.leaflet-popup .fp[data-feature-id="event-war"]').wait_for()
    row = page.locator('#event-list [data-feature-id="event-war"]')
    page.wait_for_function(
        """() => {
            const row = document.querySelector('#event-list [data-feature-id="event-war"]');
            const list = document.getElementById("event-list").getBoundingClientRect();
            const box = row.getBoundingClientRect();
            return row.getAttribute("aria-selected") === "true"
                && box.top >= list.top - 1 && box.bottom <= list.bottom + 1;
        }"""
    )
    assert row.get_attribute("aria-selected") == "true"


def test_a_bad_link_still_opens_the_map_and_says_what_it_left_out(
    open_page, explore_server
) -> None:
    watched = open_page(explore_server)
    watched.open_explorer("/?from=garbage&type=bogus&map=99/999.5/-540")
    page = watched.page
    notice = page.locator("#url-notice")
    assert notice.is_visible()
    assert "from=garbage" in notice.inner_text() and "type=bogus" in notice.inner_text()
    # The map is drawn, within the world and the map's zooms, and the address lost the parts.
    map_state = page.evaluate(
        """() => { const m = mapappRegistry.map, c = m.getCenter();
                   return [m.getZoom(), m.getMaxZoom(), c.lat, c.lng]; }"""
    )
    assert map_state[0] == map_state[1] and -85 <= map_state[2] <= 85
    assert abs(map_state[3]) == 180  # -540 wrapped
    assert "from=" not in page.url and "type=" not in page.url
    assert page.evaluate("() => document.body.dataset.shown") != "0"
    page.locator("#url-notice-close").click()
    assert page.locator("#url-notice").count() == 0


def test_switching_layers_adds_no_history_entry(open_page, explore_server) -> None:
    watched = open_page(explore_server)
    watched.open_explorer()
    page = watched.page
    before = page.evaluate("() => history.length")
    watched.open_layers()
    box = page.locator(
        '.leaflet-control-layers-overlays label:has(.ov[data-overlay="places"]) input'
    )
    box.uncheck()
    page.wait_for_function("() => location.search.includes('layers=')")
    box.check()
    page.wait_for_function("() => !location.search.includes('layers=')")
    assert page.evaluate("() => history.length") == before
