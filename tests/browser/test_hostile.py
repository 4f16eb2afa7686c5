"""Hostile article text in a real browser: it shows literally and never runs."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from mapapp.core.model import make_source
from mapapp.pipeline.build import article_meta
from mapapp.sources.articles import read_article
from mapapp.store.layers import Store

pytestmark = pytest.mark.browser

HOSTILE = (
    '<script>window.__pwned=1</script> <img src=x onerror="window.__pwned=1"> '
    "` ${window.__pwned=1} </script> back\\slash"
)
ARTICLE_ID = "hostile-article"
EVENT_ID = "event-hostile"
PLACE_ID = "place-hostile"


def write_hostile_data(data_dir: Path) -> None:
    """Add an article, and its partition with an event and a place whose every text is an
    attack (written through the store, which indexes them)."""
    meta = {"id": ARTICLE_ID, "title": HOSTILE, "source": HOSTILE, "published": "2020-11-20"}
    body = f"Tại Stepanakert có {HOSTILE} hôm nay.\n\nCâu thứ hai {HOSTILE}."
    path = data_dir / "articles" / f"{ARTICLE_ID}.md"
    path.write_text(f"---\n{yaml.safe_dump(meta, allow_unicode=True)}---\n{body}\n", "utf-8")
    article = read_article(path)
    sentence = article.sentence(1).text
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
    part = {
        "type": "FeatureCollection",
        "article": article_meta(article),
        "features": [event, place],
    }
    store = Store(data_dir)
    with store.lock():
        store.write({ARTICLE_ID: part}, {})


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
    assert response.status == 200  # an unknown feature: the map opens, a notice names it
    page.wait_for_selector("body[data-explore=ready]")
    assert HOSTILE.split(" ")[0] in page.locator("#url-notice").inner_text()
    assert_not_pwned(page)


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


# -- template-injection payloads, ingested through the real pipeline ---------------------------


@pytest.fixture(scope="module")
def template_server(make_server, tmp_path_factory):
    from hostile import make_hostile_data

    from mapapp.pipeline.ingest import ingest

    data_dir = tmp_path_factory.mktemp("templates") / "geodata"
    article = make_hostile_data(Path(__file__).resolve().parents[2] / "geodata", data_dir)
    ingest([article], data_dir)
    return make_server(data_dir)


def assert_payloads_literal(text: str, where: str) -> None:
    from hostile import EVALUATED, PAYLOADS

    for payload in PAYLOADS:
        assert payload in text, f"{where}: {payload!r} not shown literally"
    for evaluated in EVALUATED:
        assert evaluated not in text, f"{where}: {evaluated!r} evaluated"


def test_template_payloads_show_literally_in_every_sink(open_page, template_server) -> None:
    from hostile import ARTICLE_ID, PLACE_ID

    event_id = "ev-hostile-airlift"
    watched = open_page(template_server)
    page = watched.page
    watched.open_explorer(f"/?article={ARTICLE_ID}")
    page_text = page.locator("body").inner_text()
    assert_payloads_literal(page_text, "map page")
    row = page.locator(f'#event-list [data-feature-id="{event_id}"]')
    assert_payloads_literal(row.inner_text(), "list row")
    marker = page.locator(f'.leaflet-marker-icon[data-feature-id="{event_id}"]')
    watched.wait_until_still()
    marker.dispatch_event("mouseover")  # another badge of the article may sit in front of it
    assert_payloads_literal(page.locator(".leaflet-tooltip").inner_text(), "tooltip")
    watched.click_marker(event_id)
    popup = page.locator(f'.leaflet-popup .fp[data-feature-id="{event_id}"]')
    popup.wait_for()
    for part in (".fp-name", ".fp-summary", ".fp-actors", "blockquote"):
        assert_payloads_literal(popup.locator(part).first.inner_text(), f"popup {part}")
    page.fill("#search-input", "Test village")
    result = page.locator(f'#search-results [data-feature-id="{PLACE_ID}"]')
    assert_payloads_literal(result.inner_text(), "search result")
    for path in (f"/articles/{ARTICLE_ID}", f"/ogc/collections/events/items/{event_id}?f=html"):
        assert watched.goto(path).status == 200
        assert_payloads_literal(page.locator("body").inner_text(), path)
    watched.goto("/articles")
    assert "Tiêu đề «1 {{ 6*7 }} 1»" in page.locator("body").inner_text()
    assert_not_pwned(page)


# -- the Content-Security-Policy as a second line of defence ----------------------------------

INJECT = """() => {
    const script = document.createElement("script");
    script.textContent = "window.__injected = 1";
    document.body.append(script);
    const box = document.createElement("div");
    box.innerHTML = '<img src="/static/none.png" onerror="window.__handler = 1">';
    document.body.append(box);
}"""


@pytest.mark.parametrize(
    "path", ["/", "/articles/2020-11-25-putin-erdogan-call", "/ogc/collections?f=html"]
)
def test_an_injected_inline_script_is_blocked(open_page, server, path: str) -> None:
    watched = open_page(server)
    page = watched.page
    assert watched.goto(path).status == 200
    page.evaluate(INJECT)
    page.wait_for_function("() => document.querySelector('img[src=\"/static/none.png\"]').complete")
    page.wait_for_timeout(100)  # the error event would have fired by now
    assert page.evaluate("() => [typeof window.__injected, typeof window.__handler]") == [
        "undefined",
        "undefined",
    ]
    blocked = [e for e in watched.console_errors if "CSP violation: script-src" in e]
    assert len(blocked) >= 2, watched.console_errors  # the script and the handler
    # Expected: the blocked script and handler, and the 404 of the image that does not exist.
    watched.console_errors[:] = [
        e
        for e in watched.console_errors
        if "Content Security Policy" not in e and "CSP violation" not in e and "404" not in e
    ]
