"""An article ingested with `mapapp ingest` shows up on the map with working sentence links."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
ARTICLE = REPO / "tests" / "articles" / "2021-01-03-lachin-corridor-winter.md"
ARTICLE_ID = "2021-01-03-lachin-corridor-winter"
TYPHOON = REPO / "tests" / "articles" / "2024-09-10-typhoon-yagi-north.md"
TYPHOON_ID = "2024-09-10-typhoon-yagi-north"
UNPLACED_ARTICLE = REPO / "tests" / "articles" / "2024-03-05-ceasefire-unplaced.md"
UNPLACED_ID = "2024-03-05-ceasefire-unplaced"
UNPLACED = f"event-{UNPLACED_ID}-s1"  # "two sides signed a ceasefire": the text says not where
HIGHLIGHT = "rgb(255, 229, 138)"  # pages.css: .sentence:target


@pytest.fixture(scope="module")
def ingested_server(make_server, tmp_path_factory):
    data = tmp_path_factory.mktemp("ingested") / "geodata"
    shutil.copytree(
        REPO / "geodata", data, ignore=shutil.ignore_patterns(".lock", "*.tmp", ".index")
    )
    result = subprocess.run(
        [sys.executable, "-m", "mapapp", "ingest", str(ARTICLE), str(TYPHOON),
         str(UNPLACED_ARTICLE), "--data-dir", str(data)],
        capture_output=True, text=True, cwd=REPO, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return make_server(data)


def test_ingested_article_is_on_the_map_with_its_sentence_links(open_page, ingested_server):
    layers = ingested_server.layers()
    new_events = {
        f["id"]: f
        for f in layers["events"]["features"]
        if f["properties"]["sources"][0]["article_id"] == ARTICLE_ID
    }
    by_date = {f["properties"]["date"]: fid for fid, f in new_events.items()}
    assert "2020-12-28" in by_date  # "ngày 28/12" in an article published 2021-01-03
    watched = open_page(ingested_server)
    watched.open_map()
    page = watched.page
    assert "place-goris" in watched.drawn_ids()  # a place only the new article names
    feature_id = by_date["2020-12-28"]
    watched.click_marker(feature_id)
    popup = page.locator(f'.leaflet-popup .fp[data-feature-id="{feature_id}"]')
    popup.wait_for()
    link = popup.locator("a.fp-source-link").first
    href = link.get_attribute("href")
    sentence = new_events[feature_id]["properties"]["sources"][0]["sentence"]
    assert href == f"/articles/{ARTICLE_ID}#s{sentence}"
    watched.click_in_popup(link)
    page.wait_for_url(ingested_server.url + href)
    target = page.locator(":target")
    assert target.get_attribute("id") == f"s{sentence}"
    assert "28/12" in target.inner_text()
    assert target.evaluate("el => getComputedStyle(el).backgroundColor") == HIGHLIGHT
    assert not watched.problems()


def test_a_link_to_one_article_frames_its_features_with_their_types(open_page, ingested_server):
    """The typhoon article is far from the seeds (northern Vietnam): ``?article=`` frames it,
    and its events have their own types in the layer control, in Vietnamese."""
    watched = open_page(ingested_server)
    page = watched.page
    assert watched.goto(f"/?article={TYPHOON_ID}&lang=vi").status == 200
    page.wait_for_selector("body[data-explore=ready]")
    titles = page.locator(".leaflet-control-layers-overlays .ov").all_inner_texts()
    assert any(t.startswith("Sự kiện: Thiên tai") for t in titles), titles
    assert not any("other" in t for t in titles), titles
    # Tiles arrive one by one after the list is ready: wait for the one holding the events.
    disaster = page.locator(".leaflet-marker-icon.mf-ov-events-disaster").first
    disaster.wait_for(state="visible", timeout=10_000)
    assert page.evaluate("() => mapappTiles.ids().length") > 0
    outside = page.evaluate(
        """() => {
            const map = mapappRegistry.map, view = map.getBounds(), out = [];
            for (const id of mapappTiles.ids()) {
                const box = mapappTiles.feature(id).getBounds();
                if (box.isValid() && !view.contains(box.getCenter())) out.push(id);
            }
            return out;
        }"""
    )
    # The legend stays folded, as for a sentence's features, so that it hides none of them.
    assert page.evaluate("() => document.getElementById('map-legend').open") is False
    shown = page.evaluate("() => Number(document.body.dataset.shown)")
    assert shown > 10 and outside == [], outside
    assert not watched.problems()


def test_an_event_without_a_place_is_listed_and_opens_beside_the_list(open_page, ingested_server):
    watched = open_page(ingested_server)
    page = watched.page
    watched.open_explorer(f"/?article={UNPLACED_ID}")
    row = page.locator(f'#event-list [data-feature-id="{UNPLACED}"]')
    row.wait_for()
    assert row.get_attribute("data-unplaced") == "true"
    assert "not on the map" in row.locator(".row-unplaced").inner_text()
    # Never drawn: no marker, no cluster member, at any zoom the tiles give.
    assert UNPLACED not in watched.drawn_ids()
    row.click()
    details = page.locator("#unplaced-details")
    details.wait_for(state="visible")
    body = details.locator(f'.fp[data-feature-id="{UNPLACED}"]')
    body.wait_for()
    assert "ký thỏa thuận ngừng bắn" in body.locator("blockquote").inner_text()
    assert "does not say where" in body.inner_text()
    assert page.evaluate("() => document.activeElement.id") == "unplaced-title"
    assert page.locator(".leaflet-popup").count() == 0
    page.wait_for_function(f"() => location.search.includes('sel={UNPLACED}')")
    # A shared link to it opens the same details.
    shared = page.url
    watched.open_explorer(shared.removeprefix(ingested_server.url))
    details.wait_for(state="visible")
    details.locator(f'.fp[data-feature-id="{UNPLACED}"]').wait_for()
    page.locator("#unplaced-close").click()
    assert details.is_hidden()
    page.wait_for_function("() => !location.search.includes('sel=')")
    assert not watched.problems()


def test_the_first_view_frames_the_newest_articles(open_page, ingested_server):
    """The newest article is about northern Vietnam: the map opens on it (and on the other
    newest articles), not on the region of the bundled ones alone."""
    watched = open_page(ingested_server)
    watched.open_explorer()
    page = watched.page
    contains = "([lat, lng]) => mapappRegistry.map.getBounds().contains([lat, lng])"
    assert page.evaluate(contains, [21.03, 105.85])  # Hà Nội
    assert page.evaluate(contains, [39.82, 46.75])  # Stepanakert: the 2021 article's
