"""Validate OGC API - Features responses against the Part 1 (1.0.1) schemas in
tests/ogc_schemas/ (see its README: the OpenAPI 3.0 Schema Objects made JSON Schema)."""

from __future__ import annotations

import functools
from pathlib import Path

import jsonschema_rs
import yaml

SCHEMAS = Path(__file__).resolve().parent / "ogc_schemas"
BASE = "https://schemas.example.invalid/ogcapi-features-1.0.1/"

#: The response documents of Part 1 that tests validate, by schema file.
DOCUMENTS = (
    "landingPage",
    "confClasses",
    "collections",
    "collection",
    "featureCollectionGeoJSON",
    "featureGeoJSON",
    "exception",
)


def _json_schema(node):
    """Return an OpenAPI 3.0 Schema Object as JSON Schema: ``nullable`` folded into ``type``,
    a ``$ref`` to ``name.yaml`` made absolute."""
    if isinstance(node, list):
        return [_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _json_schema(value) for key, value in node.items() if key != "nullable"}
    if "$ref" in out:
        return {"$ref": BASE + str(out["$ref"])}
    if node.get("nullable") is True:
        kind = out.get("type")
        if isinstance(kind, str):
            out["type"] = [kind, "null"]
        elif "type" not in out:
            out = {"anyOf": [out, {"type": "null"}]}
    out.pop("example", None)
    return out


@functools.cache
def _registry() -> tuple[jsonschema_rs.Registry, dict[str, dict]]:
    schemas = {}
    for path in sorted(SCHEMAS.glob("*.yaml")):
        schema = _json_schema(yaml.safe_load(path.read_text("utf-8")))
        if path.name == "featureGeoJSON.yaml":
            # RFC 7946 3.2: an unlocated feature's geometry is null (see the README).
            schema["properties"]["geometry"] = {
                "anyOf": [schema["properties"]["geometry"], {"type": "null"}]
            }
        schemas[path.stem] = schema
    resources = [(BASE + f"{name}.yaml", schema) for name, schema in schemas.items()]
    return jsonschema_rs.Registry(resources, draft=jsonschema_rs.Draft202012), schemas


@functools.cache
def validator(document: str):
    """Return a validator of one response document (a name of ``DOCUMENTS``)."""
    registry, schemas = _registry()
    return jsonschema_rs.validator_for(
        {"$ref": BASE + f"{document}.yaml"}, registry=registry, validate_formats=True
    )


def problems(document: str, instance: object) -> list[str]:
    """Return what makes ``instance`` break the schema of ``document`` (empty if nothing)."""
    return [f"{e.instance_path}: {e.message}" for e in validator(document).iter_errors(instance)]
