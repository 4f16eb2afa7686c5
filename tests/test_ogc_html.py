"""The f=html pages: parsed, their links followed, article text escaped."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from clients.samples import HOSTILE, LAYERS, QUOTE, write_data_dir

from mapapp import create_app


@pytest.fixture
def ogc(tmp_path):
    app = create_app({"DATA_DIR": str(write_data_dir(tmp_path / "data")), "TESTING": True})
    return app.test_client()


def page(ogc, url: str) -> BeautifulSoup:
    response = ogc.get(url)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    return BeautifulSoup(response.data, "html.parser")


@pytest.mark.parametrize(
    ("url", "heading"),
    [
        ("/ogc/?f=html", "mapapp OGC API – Features"),
        ("/ogc/conformance?f=html", "Conformance classes"),
        ("/ogc/collections?f=html", "Collections"),
        ("/ogc/collections/routes?f=html", "Routes: lines"),
        ("/ogc/collections/events/items?f=html", "Events"),
        ("/ogc/collections/places/items/pl-moscow?f=html", "Moscow"),
        ("/ogc/openapi?f=html", "mapapp OGC API – Features"),
    ],
)
def test_pages_render_with_a_json_alternate(ogc, url: str, heading: str) -> None:
    soup = page(ogc, url)
    assert soup.h1.get_text(strip=True) == heading
    alternate = soup.select_one('head link[rel="alternate"]')
    assert alternate["type"] in (
        "application/json",
        "application/geo+json",
        "application/vnd.oai.openapi+json;version=3.0",
    )
    target = ogc.get(alternate["href"].replace("http://localhost", ""))
    assert target.status_code == 200
    assert target.headers["Content-Type"] == alternate["type"]


def test_collections_page_lists_every_layer_with_downloads(ogc) -> None:
    soup = page(ogc, "/ogc/collections?f=html")
    listed = [c["id"] for c in ogc.get("/ogc/collections").get_json()["collections"]]
    assert [s["id"] for s in soup.select("section.collection")] == listed
    downloads = soup.select("#events .downloads a")
    assert [a["href"].rsplit("f=", 1)[1] for a in downloads] == ["geojson", "csv", "kml", "gpkg"]
    assert all(a.has_attr("download") for a in downloads)


def test_collection_page_shows_the_extent(ogc) -> None:
    soup = page(ogc, "/ogc/collections/routes?f=html")
    assert soup.select_one(".bbox").get_text() == "44.0, 39.0, 48.0, 39.8"
    assert soup.select_one(".interval").get_text() == "2020-11-10T00:00:00Z – 2020-12-31T23:59:59Z"


def test_items_page_table_and_paging(ogc) -> None:
    soup = page(ogc, "/ogc/collections/events/items?f=html&limit=4&offset=4")
    ids = [a.get_text() for a in soup.select("table.items a.feature")]
    # Events are listed in layer order: by date (undated first), then id.
    assert ids == ["ev-year", "ev-month", "ev-day", "ev-range"]
    assert soup.select_one(".counts").get_text(" ", strip=True) == ("Features 5–8 of 10 matching.")
    paging = {a["rel"][0]: a["href"] for a in soup.select(".paging a")}
    assert paging == {
        "next": "http://localhost/ogc/collections/events/items?limit=4&offset=8&f=html",
        "prev": "http://localhost/ogc/collections/events/items?limit=4&offset=0&f=html",
    }
    next_page = page(ogc, paging["next"].replace("http://localhost", ""))
    assert [a.get_text() for a in next_page.select("table.items a.feature")] == [
        "ev-multi",
        "ev-hostile",
    ]
    formats = [a.get_text() for a in soup.select("p.ogc-formats:not(.downloads) a")]
    assert formats == ["This document as HTML", "This document as JSON"]
    downloads = [a["href"] for a in soup.select(".downloads a")]
    assert downloads[1] == ("http://localhost/ogc/collections/events/items?limit=4&offset=4&f=csv")


def test_article_text_is_escaped(ogc) -> None:
    items = page(ogc, "/ogc/collections/events/items?f=html&kind=protest&datetime=2021")
    item = page(ogc, "/ogc/collections/events/items/ev-hostile?f=html")
    for soup in (items, item):
        main = soup.select_one("main")
        assert main.find("script") is None and main.find("b") is None
        assert HOSTILE in main.get_text()
    assert item.h1.get_text() == HOSTILE
    summary = [
        td
        for th, td in zip(item.select("th"), item.select("th + td"), strict=False)
        if th.get_text() == "summary"
    ]
    assert summary[0].get_text() == HOSTILE


def test_item_page_shows_sources_and_nested_values(ogc) -> None:
    soup = page(ogc, "/ogc/collections/events/items/ev-multi?f=html")
    quotes = [q.get_text() for q in soup.select("ol.sources blockquote")]
    assert quotes == [s["quote"] for s in LAYERS["events"][4]["properties"]["sources"]]
    assert quotes[0] == QUOTE
    links = [a["href"] for a in soup.select("ol.sources a")]
    assert links == [  # absolute, as in the JSON
        "http://localhost/articles/2020-11-25-putin-erdogan-call#s1",
        "http://localhost/articles/2020-11-17-russia-humanitarian-centre#s3",
    ]
    day = page(ogc, "/ogc/collections/events/items/ev-day?f=html")
    cells = {th.get_text(): th.find_next_sibling("td") for th in day.select("table.properties th")}
    # Nested values as term lists and lists, readable and in the body's text.
    quantities = cells["quantities"]
    terms = [
        (t.get_text(), d.get_text())
        for t, d in zip(quantities.select("dt"), quantities.select("dd"), strict=True)
    ]
    assert terms == [("flights", "250"), ("people", "1960")]
    assert [li.get_text() for li in cells["actors"].select("li")] == ["Sergei Shoigu"]


def test_openapi_page_lists_operations_and_parameters(ogc) -> None:
    soup = page(ogc, "/ogc/openapi?f=html")
    assert [h.get_text() for h in soup.select("section.operation h2")] == [
        "GET /",
        "GET /conformance",
        "GET /openapi",
        "GET /collections",
        "GET /collections/{collectionId}",
        "GET /collections/{collectionId}/items",
        "GET /collections/{collectionId}/queryables",
        "GET /collections/{collectionId}/items/{featureId}",
    ]
    items = soup.select("section.operation")[5]
    assert [c.get_text() for c in items.select("td code")] == [
        "collectionId",
        "f",
        "bbox",
        "bbox-crs",
        "datetime",
        "event_type",
        "article_id",
        "kind",
        "filter",
        "filter-lang",
        "filter-crs",
        "q",
        "sortby",
        "properties",
        "skipGeometry",
        "resulttype",
        "crs",
        "limit",
        "offset",
    ]


def test_pages_are_english_without_a_language_switch_even_for_a_vietnamese_reader(ogc) -> None:
    """The API's documents are English; a language link there would be an unknown parameter."""
    ogc.get("/?lang=vi")  # the site is now read in Vietnamese (a cookie)
    soup = page(ogc, "/ogc/collections?f=html")
    assert soup.html["lang"] == "en"
    assert soup.select(".lang-switch") == []
    assert soup.select_one("header nav a[href='/articles']").get_text() == "Articles"
    for link in soup.select("a[href]"):
        assert "lang=" not in link["href"], link["href"]
    assert page(ogc, "/articles").html["lang"] == "vi", "the rest of the site stays Vietnamese"
