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
HIGHLIGHT = "rgb(255, 229, 138)"  # pages.css: .sentence:target


@pytest.fixture(scope="module")
def ingested_server(make_server, tmp_path_factory):
    data = tmp_path_factory.mktemp("ingested") / "geodata"
    shutil.copytree(
        REPO / "geodata", data, ignore=shutil.ignore_patterns(".lock", "*.tmp", ".index")
    )
    result = subprocess.run(
        [sys.executable, "-m", "mapapp", "ingest", str(ARTICLE), str(TYPHOON), "--data-dir",
         str(data)],
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
