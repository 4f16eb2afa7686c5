"""SQL functions the index's queries call (registered on every connection): CQL2's CASEI,
ACCENTI and LIKE, and its spatial comparisons with shapely."""

from __future__ import annotations

import re
import sqlite3
from functools import lru_cache

import orjson

from mapapp.core.text import strip_diacritics

__all__ = ["register"]

#: The spatial predicates ``cql_spatial`` evaluates (shapely's names, as Simple Features'
#: clause 6.1.15 defines them).
PREDICATES = frozenset(
    {"intersects", "equals", "disjoint", "touches", "within", "overlaps", "crosses", "contains"}
)

#: The predicate that holds with the operands swapped (the others are symmetric).
_CONVERSE = {"within": "contains", "contains": "within"}


def _casei(value: object) -> str | None:
    return value.casefold() if isinstance(value, str) else None


def _accenti(value: object) -> str | None:
    return strip_diacritics(value) if isinstance(value, str) else None


@lru_cache(maxsize=256)
def _like_pattern(pattern: str) -> re.Pattern[str]:
    """CQL2 LIKE: ``%`` any run of characters, ``_`` one character, ``\\`` escapes either."""
    out = []
    chars = iter(pattern)
    for char in chars:
        if char == "\\":
            out.append(re.escape(next(chars, "\\")))
        elif char == "%":
            out.append(".*")
        elif char == "_":
            out.append(".")
        else:
            out.append(re.escape(char))
    return re.compile("".join(out), re.DOTALL)


def _like(value: object, pattern: object) -> int | None:
    if not isinstance(value, str) or not isinstance(pattern, str):
        return None
    return int(_like_pattern(pattern).fullmatch(value) is not None)


@lru_cache(maxsize=64)
def _literal(text: str):
    from shapely import prepare  # noqa: PLC0415 - loaded by the first spatial filter
    from shapely.geometry import shape  # noqa: PLC0415

    geometry = shape(orjson.loads(text))
    prepare(geometry)
    return geometry


def _spatial(
    name: str, literal: str, west: float | None, south: float | None,
    east: float | None, north: float | None, body: str,
) -> int | None:  # fmt: skip
    """Whether a feature's geometry (its bounds if they are one point, else its stored
    GeoJSON) stands in relation ``name`` to the literal; None if it has no geometry."""
    from shapely.geometry import Point, shape  # noqa: PLC0415
    from shapely.geometry.base import BaseGeometry  # noqa: PLC0415

    if name not in PREDICATES or west is None or south is None:
        return None
    geometry: BaseGeometry
    if west == east and south == north:
        geometry = Point(west, south)
    else:
        found = orjson.loads(body).get("geometry")
        if not found:
            return None
        geometry = shape(found)
    # Asked of the literal (prepared once, so each feature's test is quick): the converse.
    try:
        return int(getattr(_literal(literal), _CONVERSE.get(name, name))(geometry))
    except Exception:  # GEOS gives up on a stored shape it cannot compare: unknown, NULL
        return None


def register(db: sqlite3.Connection) -> None:
    """Make the functions callable from ``db``'s SQL."""
    db.create_function("cql_casei", 1, _casei, deterministic=True)
    db.create_function("cql_accenti", 1, _accenti, deterministic=True)
    db.create_function("cql_like", 2, _like, deterministic=True)
    db.create_function("cql_spatial", 7, _spatial, deterministic=True)
