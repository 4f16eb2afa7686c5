"""Helpers of the requirement-by-requirement tests of OGC API – Features – Part 1
(tests/test_ogc_req_*.py): requests to /ogc/ through the test client, its links, its API
definition, and what the standard's schemas say of its documents (tests/ogcschema.py)."""

from __future__ import annotations

from urllib.parse import urlsplit

import orjson

from tests.ogcschema import problems

HOST = "http://localhost"
OPENAPI_JSON = "application/vnd.oai.openapi+json;version=3.0"


def local(href: str) -> str:
    """The path and query of an absolute link into this service (the test client's host)."""
    parts = urlsplit(href)
    assert f"{parts.scheme}://{parts.netloc}" == HOST, href
    return parts.path + (f"?{parts.query}" if parts.query else "")


def media(content_type: str | None) -> str:
    """The media type of a Content-Type or link type, without its parameters."""
    return (content_type or "").split(";")[0].strip().lower()


def get_json(client, url: str, status: int = 200, **kwargs) -> dict:
    """GET a path, or an absolute link into this service; check the status, parse the JSON."""
    response = client.get(local(url) if url.startswith("http") else url, **kwargs)
    assert response.status_code == status, (url, response.get_data(as_text=True)[:300])
    return orjson.loads(response.data)


def by_rel(doc: dict) -> dict[str, list[dict]]:
    """The links of a document by relation."""
    found: dict[str, list[dict]] = {}
    for link in doc.get("links", []):
        found.setdefault(link.get("rel"), []).append(link)
    return found


def landing_links(client) -> dict[str, list[dict]]:
    """The links of the landing page by relation."""
    return by_rel(get_json(client, "/ogc/"))


def valid(schema: str, doc: object) -> None:
    """Check ``doc`` against one of the standard's schemas (a name of ogcschema.DOCUMENTS)."""
    found = problems(schema, doc)
    assert not found, found[:5]


def api_definition(client) -> dict:
    """The API definition the landing page links to (relation ``service-desc``), asked for
    in the link's type."""
    (desc,) = landing_links(client)["service-desc"]
    return get_json(client, desc["href"], headers={"Accept": desc["type"]})


def deref(api: dict, node: dict) -> dict:
    """Follow local ``$ref``s (``#/components/...``) to the object they name."""
    while "$ref" in node:
        target: dict = api
        for key in node["$ref"].removeprefix("#/").split("/"):
            target = target[key]
        node = target
    return node


def collection_ids(client) -> list[str]:
    """The ids of the collections ``/collections`` lists."""
    return [c["id"] for c in get_json(client, "/ogc/collections")["collections"]]


def every_feature(client, collection_id: str, *, counted: bool = False) -> list[dict]:
    """Every feature of a collection (one page: the collections are small). ``numberMatched``
    may be left out (/req/core/fc-numberMatched B) unless ``counted``."""
    body = get_json(client, f"/ogc/collections/{collection_id}/items?limit=10000")
    features = body["features"]
    assert body["numberReturned"] == len(features)
    matched = body["numberMatched"] if counted else body.get("numberMatched", len(features))
    assert matched == len(features)
    return features
