"""Hostile article text in a real browser: it shows literally and never runs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from mapapp.articles import read_article
from mapapp.model import make_source

pytestmark = pytest.mark.browser

HOSTILE = (
    '<script>window.__pwned=1</script> <img src=x onerror="window.__pwned=1"> '
    "` ${window.__pwned=1} </script> back\\slash"
)
ARTICLE_ID = "hostile-article"
EVENT_ID = "event-hostile"
PLACE_ID = "place-hostile"


def write_hostile_data(data_dir: Path) -> None:
    """Add an article, an event and a place whose every text is an attack."""
    meta = {"id": ARTICLE_ID, "title": HOSTILE, "source": HOSTILE, "published": "2020-11-20"}
    body = f"Tại Stepanakert có {HOSTILE} hôm nay.\n\nCâu thứ hai {HOSTILE}."
    path = data_dir / "articles" / f"{ARTICLE_ID}.md"
    path.write_text(f"---\n{yaml.safe_dump(meta, allow_unicode=True)}---\n{body}\n", "utf-8")
    sentence = read_article(path).sentence(1).text
    common = {
        "name": HOSTILE,
        "name_vi": HOSTILE,
        "geo_precision": "exact",
        "geometry_source": HOSTILE,
        "geo_note": HOSTILE,
        "sources": [make_source(ARTICLE_ID, 1, sentence)],
    }
    event = {
        "type": "Feature",
        "id": EVENT_ID,
        "geometry": {"type": "Point", "coordinates": [47.1, 39.5]},
        "properties": {
            **common,
            "layer": "events",
            "kind": HOSTILE,
            "event_type": HOSTILE,
            "date": "2020-11-20",
            "date_precision": "day",
            "actors": [HOSTILE],
            "quantities": {HOSTILE: 1},
            "summary": HOSTILE,
        },
    }
    place = {
        "type": "Feature",
        "id": PLACE_ID,
        "geometry": {"type": "Point", "coordinates": [46.2, 40.05]},
        "properties": {**common, "layer": "places", "kind": "city"},
    }
    for layer, feature in (("events", event), ("places", place)):
        path = data_dir / f"{layer}.geojson"
        collection = json.loads(path.read_text("utf-8"))
        collection["features"].append(feature)
        path.write_text(json.dumps(collection, ensure_ascii=False), "utf-8")


@pytest.fixture(scope="module")
def hostile_server(make_server, fixture_data):
    data_dir = fixture_data()
    write_hostile_data(data_dir)
    return make_server(data_dir)


def assert_not_pwned(page) -> None:
    assert page.evaluate("() => typeof window.__pwned") == "undefined"
    assert page.locator("img[src='x']").count() == 0


def test_hostile_feature_text_shows_literally_on_the_map(open_page, hostile_server) -> None:
    watched = open_page(hostile_server)
    page = watched.page
    watched.goto("/")
    marker = page.locator(f'.leaflet-marker-icon[data-feature-id="{EVENT_ID}"]')
    place = page.locator(f'.leaflet-marker-icon[data-feature-id="{PLACE_ID}"]')
    assert place.locator(".mk-label").inner_text() == HOSTILE
    label = page.locator('.leaflet-control-layers-overlays .ov[data-overlay^="events-script"]')
    assert HOSTILE in label.inner_text()
    marker.hover()
    assert HOSTILE in page.locator(".leaflet-tooltip").inner_text()
    watched.click_marker(EVENT_ID)
    popup = page.locator(f'.leaflet-popup .fp[data-feature-id="{EVENT_ID}"]')
    popup.wait_for()
    assert popup.locator(".fp-name").inner_text() == HOSTILE
    assert popup.locator(".fp-summary").inner_text() == HOSTILE
    assert HOSTILE in popup.locator("blockquote").inner_text()
    assert HOSTILE in popup.locator(".fp-actors").inner_text()
    assert_not_pwned(page)
    watched.click_in_popup(popup.locator("a.fp-source-link"))
    page.wait_for_url(f"{hostile_server.url}/articles/{ARTICLE_ID}#s1")
    assert page.locator("h1").inner_text() == HOSTILE
    assert HOSTILE in page.locator(":target").inner_text()
    assert_not_pwned(page)
    assert not watched.problems()


def test_hostile_feature_in_focus_and_hostile_focus_id(open_page, hostile_server) -> None:
    watched = open_page(hostile_server)
    page = watched.page
    watched.goto(f"/?focus={PLACE_ID}")
    page.locator(f'.leaflet-popup .fp[data-feature-id="{PLACE_ID}"]').wait_for()
    assert_not_pwned(page)
    response = page.goto(hostile_server.url + "/?focus=" + HOSTILE.replace("$", "%24"))
    assert response.status == 404
    assert HOSTILE.split(" ")[0] in page.locator(".error-message").inner_text()
    assert_not_pwned(page)
    watched.console_errors[:] = [e for e in watched.console_errors if "404" not in e]


def test_hostile_text_in_the_explorer_stays_text(open_page, hostile_server) -> None:
    watched = open_page(hostile_server)
    page = watched.page
    watched.goto("/")
    page.wait_for_selector("body[data-explore=ready]")
    row = page.locator(f'#event-list [data-feature-id="{EVENT_ID}"]')
    assert row.locator(".row-name").inner_text() == HOSTILE
    assert HOSTILE in row.locator(".row-type").inner_text()
    page.fill("#search-input", "script pwned")
    result = page.locator(f'#search-results [data-feature-id="{EVENT_ID}"]')
    assert result.locator(".result-name").inner_text() == HOSTILE
    page.keyboard.press("Enter")
    page.locator(".leaflet-popup .fp-name").wait_for()
    option = page.locator("#filter-type option", has_text="window.__pwned").first
    page.select_option("#filter-type", option.get_attribute("value"))
    page.wait_for_function("() => location.search.includes('type=')")
    page.reload()
    page.wait_for_selector("body[data-explore=ready]")
    assert page.locator("#event-list [role=option]").count() == 1
    assert_not_pwned(page)
