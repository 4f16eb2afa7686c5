"""OGC API – Features – Part 1: Core 1.0.1, requirements class "OpenAPI Specification 3.0"
(http://www.opengis.net/spec/ogcapi-features-1/1.0/req/oas30), checked requirement by
requirement through real requests to /ogc/ (the ``client`` fixture: the app over a copy of the
bundled data).

The API definition is read where the landing page links it (``service-desc``), and every
operation it declares is exercised: what it answers must be what it declares (status codes,
media types), and what it declares must work.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import jsonschema_rs

from mapapp import create_app
from tests.ogcreq import (
    HOST,
    OPENAPI_JSON,
    api_definition,
    deref,
    get_json,
    landing_links,
    local,
    media,
)


def operations(api: dict):
    """``(path, method, operation)`` for every operation of the definition."""
    methods = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
    for path, item in api["paths"].items():
        for method in methods:
            if method in item:
                yield path, method, item[method]


def parameters(api: dict, path: str, operation: dict) -> list[dict]:
    declared = [*api["paths"][path].get("parameters", []), *operation.get("parameters", [])]
    return [deref(api, p) for p in declared]


def declared_types(api: dict, operation: dict, status: int) -> set[str] | None:
    """The media types declared for a status of an operation (None: the status is not
    declared; ``default`` and ``4XX``-style ranges count)."""
    responses = operation["responses"]
    for key in (str(status), f"{str(status)[0]}XX", "default"):
        if key in responses:
            return {media(t) for t in deref(api, responses[key]).get("content", {})}
    return None


class Paths:
    """Example values of the path parameters: every collection, a feature of each."""

    def __init__(self, client, api: dict):
        self.prefix = urlsplit(api["servers"][0]["url"]).path.rstrip("/")
        self.collections = [c["id"] for c in get_json(client, "/ogc/collections")["collections"]]
        self.features = {
            cid: get_json(client, f"/ogc/collections/{cid}/items?limit=1")["features"][0]["id"]
            for cid in self.collections
        }

    def urls(self, path: str, everything: bool = False) -> list[str]:
        chosen = self.collections if everything else self.collections[:1]
        urls = []
        for cid in chosen if "{collectionId}" in path else [None]:
            url = path
            if cid is not None:
                url = url.replace("{collectionId}", cid).replace("{featureId}", self.features[cid])
            assert "{" not in url, url
            urls.append(self.prefix + url)
        return urls

    def missing(self, path: str) -> list[str]:
        """URLs of the path naming a collection or feature that does not exist."""
        if "{collectionId}" not in path:
            return []
        cid = self.collections[0]
        urls = [self.prefix + path.replace("{collectionId}", "no-such-collection")]
        if "{featureId}" in path:
            urls[0] = urls[0].replace("{featureId}", self.features[cid])
            urls.append(
                self.prefix
                + path.replace("{collectionId}", cid).replace("{featureId}", "no-such-feature")
            )
        return urls


# --- /req/oas30/oas-definition-1, -2 ---------------------------------------------------------


def test_req_oas30_oas_definition_1(client) -> None:
    """/req/oas30/oas-definition-1 A: the landing page links to the API definition with
    relation ``service-desc`` and type ``application/vnd.oai.openapi+json;version=3.0``, and
    with relation ``service-doc`` and type ``text/html`` (each answering in that type)."""
    links = landing_links(client)
    desc = [x for x in links.get("service-desc", []) if x.get("type") == OPENAPI_JSON]
    doc = [x for x in links.get("service-doc", []) if x.get("type") == "text/html"]
    assert desc and doc, links
    for link in (*desc, *doc):
        response = client.get(local(link["href"]), headers={"Accept": link["type"]})
        assert response.status_code == 200
        got = response.headers["Content-Type"].replace(" ", "").lower()
        assert got.split(";charset")[0] == link["type"].lower(), (link, got)


def _openapi30_validator():
    """The OpenAPI 3.0 schema (https://spec.openapis.org/oas/3.0/schema/2019-04-02), as
    shipped by schemathesis (a test dependency)."""
    from schemathesis.specs.openapi.definitions import OPENAPI_30

    return jsonschema_rs.Draft4Validator(OPENAPI_30)


def test_req_oas30_oas_definition_2(client) -> None:
    """/req/oas30/oas-definition-2 A: the JSON representation conforms to the OpenAPI
    Specification 3.0: valid against its JSON Schema, every ``$ref`` resolves, each path
    template's parameters are declared as required path parameters, operationIds are
    unique."""
    api = api_definition(client)
    assert re.fullmatch(r"3\.0\.\d+", api["openapi"])
    errors = [f"{e.instance_path}: {e.message}" for e in _openapi30_validator().iter_errors(api)]
    assert not errors, errors[:5]

    def refs(node):
        if isinstance(node, dict):
            if isinstance(node.get("$ref"), str):
                yield node["$ref"]
            for value in node.values():
                yield from refs(value)
        elif isinstance(node, list):
            for value in node:
                yield from refs(value)

    for ref in set(refs(api)):
        assert ref.startswith("#/"), ref
        deref(api, {"$ref": ref})  # a KeyError if it names nothing
    ids = [op["operationId"] for _, _, op in operations(api) if "operationId" in op]
    assert len(ids) == len(set(ids))
    for path, _, operation in operations(api):
        declared = {p["name"] for p in parameters(api, path, operation) if p["in"] == "path"}
        assert declared == set(re.findall(r"{([^}]+)}", path)), path
        for parameter in parameters(api, path, operation):
            if parameter["in"] == "path":
                assert parameter.get("required") is True, (path, parameter["name"])


# --- /req/oas30/completeness, exceptions-codes -----------------------------------------------


def _undeclared(api: dict, path: str, operation: dict, url: str, response) -> list:
    types = declared_types(api, operation, response.status_code)
    if types is None:
        return [(path, url, response.status_code, "status not declared")]
    if response.status_code in (204, 304) or not response.data:
        return []
    got = media(response.headers.get("Content-Type"))
    if got not in types:
        return [(path, url, response.status_code, f"{got} not declared")]
    return []


def test_req_oas30_completeness(client) -> None:
    """/req/oas30/completeness A, B: for each operation the API definition specifies every
    status code and response (its media types) the server answers with: success in every
    format (default, ``Accept: text/html``, each value of ``f``), the 304 of a revalidation
    (``If-None-Match``), a bad parameter (400), a collection or feature that does not exist
    (404)."""
    api = api_definition(client)
    paths = Paths(client, api)
    seen: set[int] = set()
    undeclared = []
    for path, method, operation in operations(api):
        assert method == "get", (path, method)
        for url in paths.urls(path):
            asked = [(url, {}), (url, {"Accept": "text/html"})]
            for parameter in parameters(api, path, operation):
                if parameter["name"] == "f":
                    enum = parameter["schema"].get("enum", [])
                    asked += [(f"{url}?{urlencode({'f': v})}", {}) for v in enum]
            asked.append((f"{url}?unknownparam=1", {}))
            asked += [(u, {}) for u in paths.missing(path)]
            first = client.get(url)
            if first.headers.get("ETag"):
                asked.append((url, {"If-None-Match": first.headers["ETag"]}))
            for target, headers in asked:
                response = client.get(target, headers=headers)
                seen.add(response.status_code)
                undeclared += _undeclared(api, path, operation, target, response)
    assert {200, 400, 404} <= seen
    assert not undeclared, f"responses the API definition does not specify: {undeclared}"


def test_req_oas30_exceptions_codes(client, data_dir: Path) -> None:
    """/req/oas30/exceptions-codes A: for the error situations that originate from the server,
    the API definition covers every applicable status code of each operation: a request the
    server refuses (400), a resource it does not have (404), and its own failure (data it
    cannot read: 500)."""
    api = api_definition(client)
    paths = Paths(client, api)
    broken_dir = data_dir.parent / "broken"
    shutil.copytree(data_dir, broken_dir, ignore=shutil.ignore_patterns(".index", ".lock", "*.tmp"))
    victim = sorted((broken_dir / "features").glob("*.geojson"))[0]
    victim.write_text("{not json", "utf-8")
    broken = create_app({"DATA_DIR": str(broken_dir), "TESTING": True}).test_client()
    seen: set[int] = set()
    undeclared = []
    for path, _, operation in operations(api):
        url = paths.urls(path)[0]
        cases = [(client, f"{url}?unknownparam=1"), (broken, url)]
        cases += [(client, u) for u in paths.missing(path)]
        for who, target in cases:
            response = who.get(target)
            assert response.status_code >= 400, target
            seen.add(response.status_code)
            undeclared += _undeclared(api, path, operation, target, response)
    assert {400, 404, 500} <= seen
    assert not undeclared, f"error status codes the API definition does not cover: {undeclared}"


# --- /req/oas30/oas-impl, security -----------------------------------------------------------


#: A value of a parameter that others depend on (``bbox-crs`` needs a ``bbox``,
#: ``filter-lang`` and ``filter-crs`` a ``filter``), by the value of the dependent one; the
#: box fits every CRS's axis order and units.
COMPANIONS: dict[str, dict[str | None, str]] = {
    "bbox": {None: "0,0,1,1"},
    "filter": {
        None: "kind <> 'no-such-kind'",
        "cql2-json": json.dumps({"op": "<>", "args": [{"property": "kind"}, "no-such-kind"]}),
    },
}


def _valid_values(parameter: dict, declared: set[str]) -> list[dict[str, str]]:
    """Query strings (as dicts) giving the parameter values its schema allows: every value of
    an enum, both booleans, an integer's default, a bbox, an RFC 3339 instant, an example. A
    parameter named ``<other>-...`` that qualifies another declared one goes with a value of
    that one."""
    name, schema = parameter["name"], parameter.get("schema", {})
    values: list[str] = []
    if "example" in parameter:
        values.append(str(parameter["example"]))
    if "enum" in schema:
        values += [str(v) for v in schema["enum"]]
    elif schema.get("type") == "boolean":
        values += ["true", "false"]
    elif schema.get("type") == "integer":
        values.append(str(schema.get("default", schema.get("minimum", 1))))
    elif name in COMPANIONS:
        values.append(COMPANIONS[name][None])
    elif name == "datetime":
        values.append("2020-11-21T12:00:00Z")
    elif name == "properties":
        values.append("name")
    base = name.split("-")[0]
    out = []
    for value in values:
        query = {name: value}
        if base != name and base in declared and base in COMPANIONS:
            query[base] = COMPANIONS[base].get(value, COMPANIONS[base][None])
        out.append(query)
    return out


def test_req_oas30_oas_impl(client) -> None:
    """/req/oas30/oas-impl A: the server implements everything the API definition specifies:
    each path under the server URL, for every enumerated path parameter value (every
    collection) and a feature of each, answers 200 in a declared media type, and so does each
    query parameter with each value its schema allows (every enum value...)."""
    api = api_definition(client)
    assert api["servers"][0]["url"] == f"{HOST}/ogc"
    paths = Paths(client, api)
    failures = []
    count = 0
    for path, _, operation in operations(api):
        enum = next(
            (
                p["schema"].get("enum")
                for p in parameters(api, path, operation)
                if p["name"] == "collectionId"
            ),
            None,
        )
        if enum is not None:
            assert sorted(enum) == sorted(paths.collections), path
        for url in paths.urls(path, everything=True):
            queries: list[dict[str, str]] = [{}]
            declared = {p["name"] for p in parameters(api, path, operation)}
            for parameter in parameters(api, path, operation):
                if parameter["in"] == "query":
                    queries += _valid_values(parameter, declared)
            for query in queries:
                target = f"{url}?{urlencode(query)}" if query else url
                response = client.get(target)
                count += 1
                types = declared_types(api, operation, 200) or set()
                if response.status_code != 200:
                    failures.append((target, response.status_code, response.data[:120]))
                elif media(response.headers["Content-Type"]) not in types:
                    failures.append((target, response.headers["Content-Type"], "undeclared"))
    assert count > 100
    assert not failures, failures


def test_req_oas30_security(client) -> None:
    """/req/oas30/security A: where operations are access-controlled, the security schemes are
    in the API definition. None is: every operation answers without credentials (no 401/403,
    no challenge), and the definition accordingly declares no security."""
    api = api_definition(client)
    paths = Paths(client, api)
    for path, _, operation in operations(api):
        for url in paths.urls(path):
            response = client.get(url)
            assert response.status_code == 200, url
            assert "WWW-Authenticate" not in response.headers, url
        assert "security" not in operation, path
    assert "security" not in api
    assert "securitySchemes" not in api.get("components", {})
