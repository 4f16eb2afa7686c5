"""OGC API – Features – Part 1: Core 1.0.1, requirements class "HTML"
(http://www.opengis.net/spec/ogcapi-features-1/1.0/req/html), checked requirement by
requirement through real requests to /ogc/ (the ``client`` fixture: the app over a copy of the
bundled data).

/req/html/content asks that an HTML page hold all the information of the resource's schema
and all its links as ``<a>`` elements in ``<body>``. Each page is compared with the JSON
representation of the same resource: every value of the JSON document (but its GeoJSON
``type`` markers) must show in the body, as text or as an attribute's whole value, and every
link must be the ``href`` of an ``<a>`` there (a link to another resource may lead to that
resource's HTML representation, ``f=html``; ``self`` and ``alternate`` must be exact).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import pytest
from bs4 import BeautifulSoup

from tests.ogcreq import HOST, api_definition, deref, get_json, media

#: The resources of Part 1 whose pages are compared with their JSON (``{feature}``: the first
#: event).
RESOURCES = {
    "landing": "/ogc/",
    "conformance": "/ogc/conformance",
    "collections": "/ogc/collections",
    "collection-events": "/ogc/collections/events",
    "collection-regions": "/ogc/collections/regions",
    "items": "/ogc/collections/events/items?limit=3&offset=3",
    "item": "/ogc/collections/events/items/{feature}",
}


def with_query(url: str, **params: str) -> str:
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in params]
    return urlunsplit(parts._replace(query=urlencode([*query, *params.items()], safe="/:,")))


def resolve(client, url: str) -> str:
    if "{feature}" in url:
        first = get_json(client, "/ogc/collections/events/items?limit=1")["features"][0]["id"]
        url = url.replace("{feature}", first)
    return url


def both(client, url: str) -> tuple[dict, BeautifulSoup]:
    """The JSON document of a resource and its HTML page (a 200 ``text/html``)."""
    doc = get_json(client, with_query(url, f="json"))
    response = client.get(with_query(url, f="html"))
    assert response.status_code == 200, url
    assert media(response.headers["Content-Type"]) == "text/html", url
    return doc, BeautifulSoup(response.data, "html.parser")


def leaves(node: object, path: str = "$"):
    """Every scalar of a JSON document with its path, but links and GeoJSON ``type`` markers."""
    if isinstance(node, dict):
        geojson_object = "features" in node or "properties" in node
        for key, value in node.items():
            if key == "links" or (key == "type" and geojson_object):
                continue
            yield from leaves(value, f"{path}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from leaves(value, f"{path}[{i}]")
    elif isinstance(node, str) and node[:1] in "[{" and _json_text(node) is not None:
        # A nested value served as JSON text (for GIS clients): its information is its parts.
        yield from leaves(_json_text(node), path)
    elif node is not None and node != "":
        yield path, node


def _json_text(text: str) -> object:
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, (dict, list)) else None


def _spelled(value: object) -> list[str]:
    if isinstance(value, bool):
        return ["true", "True"]
    return [" ".join(str(value).split())]


def missing_information(doc: dict, soup: BeautifulSoup) -> list[str]:
    """The paths (indices as ``[*]``) of the document's values that the page's body lacks."""
    body = soup.body
    assert body is not None
    text = " ".join(" ".join(s.split()) for s in body.find_all(string=True))
    attributes = {
        " ".join(str(v).split())
        for element in body.find_all(True)
        for v in element.attrs.values()
        if isinstance(v, str)
    }
    # A link's address counts whether the page writes it relative or absolute.
    attributes |= {urljoin(HOST + "/ogc/", str(a["href"])) for a in body.find_all("a", href=True)}
    missing = []
    for path, value in leaves(doc):
        if path == "$.numberReturned":  # the count of the features, each checked itself
            continue
        if path == "$.timeStamp":  # another instant: any RFC 3339 time stamp will do
            found = re.search(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", text) is not None
        else:
            found = any(s in text or s in attributes for s in _spelled(value))
        if not found:
            missing.append(re.sub(r"\[\d+\]", "[*]", path))
    return sorted(set(missing))


def links_of(doc: dict) -> list[tuple[bool, dict]]:
    """Every link of a document, each with whether it is the document's own (top level)."""
    found = [(True, x) for x in doc.get("links", [])]
    for key in ("collections", "features"):
        for entry in doc.get(key, []):
            found += [(False, x) for x in entry.get("links", [])]
    return found


def missing_links(doc: dict, soup: BeautifulSoup) -> list[tuple[str, str]]:
    body = soup.body
    assert body is not None
    anchors = {a["href"] for a in body.find_all("a", href=True)}
    missing = []
    for top, link in links_of(doc):
        href = link["href"]
        if top and link["rel"] in ("self", "alternate"):
            # The page's own links: JSON's self is the page's alternate and vice versa.
            present = href in anchors
        else:
            present = href in anchors or with_query(href, f="html") in anchors
        if not present:
            missing.append((link["rel"], href))
    return missing


# --- /req/html/definition --------------------------------------------------------------------


def test_req_html_definition(client) -> None:
    """/req/html/definition A: every 200-response of every operation of the server (each path
    of the API definition) supports ``text/html``: asked for with ``Accept: text/html``, and
    with ``f=html`` where the operation has an ``f`` parameter."""
    api = api_definition(client)
    feature = get_json(client, "/ogc/collections/events/items?limit=1")["features"][0]["id"]
    refused = []
    for path, item in api["paths"].items():
        url = "/ogc" + path.replace("{collectionId}", "events").replace("{featureId}", feature)
        asked = [(url, {"Accept": "text/html"})]
        for parameter in (deref(api, p) for p in item["get"].get("parameters", [])):
            if parameter["name"] == "f":
                asked.append((with_query(url, f="html"), {}))
        for target, headers in asked:
            response = client.get(target, headers=headers)
            if (
                response.status_code != 200
                or media(response.headers["Content-Type"]) != "text/html"
            ):
                how = headers.get("Accept", "f=html")
                refused.append((path, how, response.status_code, response.headers["Content-Type"]))
    assert len(api["paths"]) >= 6
    assert not refused, f"operations without a text/html 200-response: {refused}"


# --- /req/html/content ------------------------------------------------------------------------


def html5_problems(response) -> list[str]:
    text = response.data.decode("utf-8")
    found = []
    if not re.match(r"\s*<!doctype html>", text, re.IGNORECASE):
        found.append("no <!DOCTYPE html>")
    soup = BeautifulSoup(text, "html.parser")
    html = soup.find("html")
    head = html.find("head") if html is not None else None
    if html is None or head is None or html.find("body") is None:
        return [*found, "no html/head/body"]
    title = head.find("title")
    if title is None or not title.get_text(strip=True):
        found.append("no <title> in <head>")
    declared = head.find("meta", charset=True)
    charset = response.mimetype_params.get("charset") or (declared and str(declared["charset"]))
    if not charset or charset.lower() != "utf-8":
        found.append("no UTF-8 encoding declared")
    ids = Counter(e["id"] for e in soup.find_all(id=True))
    found += [f"id {i!r} used {n} times" for i, n in ids.items() if n > 1]
    return found


@pytest.mark.parametrize("resource", [*RESOURCES, "api-definition"])
def test_req_html_content_html5(client, resource: str) -> None:
    """/req/html/content A: every 200-response with ``text/html`` is an HTML 5 document
    (the HTML doctype, ``html``/``head``/``body``, a title, UTF-8, unique ids)."""
    url = "/ogc/openapi" if resource == "api-definition" else resolve(client, RESOURCES[resource])
    response = client.get(with_query(url, f="html"))
    assert response.status_code == 200
    assert media(response.headers["Content-Type"]) == "text/html"
    assert not html5_problems(response)


@pytest.mark.parametrize("resource", RESOURCES)
def test_req_html_content_information(client, resource: str) -> None:
    """/req/html/content A, first point: the HTML body holds all the information of the
    resource's schema (each value of its JSON representation)."""
    doc, soup = both(client, resolve(client, RESOURCES[resource]))
    assert len(list(leaves(doc))) >= 2
    missing = missing_information(doc, soup)
    assert not missing, f"information of the JSON document not in the HTML body: {missing}"


@pytest.mark.parametrize("resource", RESOURCES)
def test_req_html_content_links(client, resource: str) -> None:
    """/req/html/content A, second point: every link of the resource is an ``<a>`` element in
    the HTML body."""
    doc, soup = both(client, resolve(client, RESOURCES[resource]))
    assert links_of(doc)
    missing = missing_links(doc, soup)
    assert not missing, f"links not in an <a> of the HTML body (rel, href): {missing}"
