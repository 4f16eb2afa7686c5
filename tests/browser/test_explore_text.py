"""Between the map and the text, and out of the page: sentence links, the article's small map,
downloading what is shown, and the browser and the server agreeing on what shows."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from wholelayers import layer

from mapapp.core.text import fold
from mapapp.store.layers import Store

pytestmark = pytest.mark.browser

MAPPED = ".mf[data-feature-id]"  # what the map draws (not list rows or popups)
OLD = "2020-11-17-russia-humanitarian-centre"
NEW = "2020-11-25-putin-erdogan-call"


def set_window(page, start: str, end: str) -> None:
    page.fill("#time-from", start)
    page.fill("#time-to", end)
    page.locator("#time-to").dispatch_event("change")


def test_sentence_link_shows_exactly_its_features(open_page, explore_server) -> None:
    watched = open_page(explore_server)
    page = watched.page
    watched.goto(f"/articles/{NEW}")
    link = page.locator("#s10 + a.sentence-map")
    assert link.inner_text().strip() == "2"
    link.click()
    page.wait_for_selector("body[data-explore=ready]")
    want = explore_server.shown(sentence=f"{NEW}:10")
    assert want == {"event-calls-pashinyan-aliev", "place-armenia"}
    watched.wait_for_drawn(MAPPED, want)
    assert page.locator("#sentence-filter").is_visible()
    assert (
        page.locator("#sentence-filter blockquote")
        .inner_text()
        .startswith("Cũng theo Điện Kremlin")
    )
    page.click("#sentence-clear")
    page.wait_for_function("() => !location.search.includes('sentence=')")


def test_article_small_map_shows_its_places(open_page, explore_server) -> None:
    watched = open_page(explore_server)
    page = watched.page
    watched.goto(f"/articles/{NEW}")
    page.wait_for_selector("#article-map[data-ready]")
    places = layer(Store(explore_server.data_dir), "places")["features"]
    cited = {
        f["id"] for f in places if any(s["article_id"] == NEW for s in f["properties"]["sources"])
    }
    watched.wait_for_drawn("#article-map [data-feature-id]", cited)
    page.evaluate(
        "() => document.querySelector('#article-map [data-feature-id=\"place-stepanakert\"]')"
        ".dispatchEvent(new MouseEvent('click', {bubbles: true}))"
    )
    popup = page.locator("#article-map .leaflet-popup")
    popup.wait_for()
    assert "Stepanakert" in popup.inner_text()
    assert popup.locator("a[href='#s16']").count() == 1
    assert page.locator("#s16.mentioned").count() == 1, "its sentences are marked in the text"


def test_download_what_is_shown_is_exactly_what_is_drawn(open_page, explore_server) -> None:
    watched = open_page(explore_server)
    watched.open_explorer()
    page = watched.page
    set_window(page, "2020-11-01", "2020-11-30")
    watched.open_layers()
    page.locator(
        '.leaflet-control-layers-overlays label:has(.ov[data-overlay="regions"]) input'
    ).uncheck()
    page.select_option("#filter-article", NEW)
    page.wait_for_function("() => location.search.includes('article=')")
    watched.show_everything()  # the map draws what is in view: frame all of it
    drawn = watched.drawn_ids(MAPPED)
    assert drawn and "event-airlift-1611" not in drawn
    assert page.locator("#view-count").inner_text() == f"{len(drawn)} features"
    with page.expect_download() as info:
        page.locator("a[data-view-format=geojson]").click()
    body = json.loads(Path(info.value.path()).read_text("utf-8"))
    assert {f["id"] for f in body["features"]} == drawn
    assert info.value.suggested_filename == "mapapp-view.geojson"
    with page.expect_download() as info:
        page.locator("a[data-view-format=csv]").click()
    lines = Path(info.value.path()).read_text("utf-8-sig").splitlines()
    assert {line.split(",")[0] for line in lines[1:]} == drawn


def test_browser_and_server_agree_on_the_seed_data(open_page, repo_server) -> None:
    """The page's script and viewfilter keep the same features for many states."""
    watched = open_page(repo_server)
    watched.open_explorer()
    page = watched.page
    events = [o for o in repo_server.overlay_members() if o.startswith("events-")]
    queries = [
        "",
        "from=2020-11-21&to=2020-11-21",
        "from=1990&to=1993",
        "from=1994-06-01&to=1994-06-01",
        "from=2020-10-01",
        "to=1994-05-31",
        "type=phone_call",
        "type=deployment&from=2020-11-21&to=2020-11-30",
        f"article={OLD}",
        f"sentence={NEW}:10",
        f"layers=places,{events[0]}&from=2020-11",
        "layers=",
    ]
    for query in queries:
        browser = set(page.evaluate("q => mapappExplore.shownFor(q)", query))
        server = json.loads(repo_server.get(f"/download/view.geojson?{query}"))
        assert browser == {f["id"] for f in server["features"]}, query
    words = ["hành lang Lachin", "Đoạn đường", "Mátxcơva", "THỔ NHĨ KỲ", "Erdoğan  call"]
    assert page.evaluate("ws => ws.map(mapappExplore.fold)", words) == [fold(w) for w in words]
