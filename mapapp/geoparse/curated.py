"""Read the curated gazetteer (YAML edited by people) and the country label points (CSV)."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from mapapp.core.errors import InvalidData
from mapapp.core.model import PRECISIONS
from mapapp.core.text import nfc
from mapapp.geoparse.entities import KINDS, RANK_CURATED, NameForm
from mapapp.geoparse.matcher import phrase_key

__all__ = ["CuratedPlace", "CuratedGazetteer", "YAML_LOADER", "read_curated", "read_country_points"]

# libyaml's loader when PyYAML has it: ten times faster than the pure-Python one.
#: libyaml's safe loader where PyYAML has it (several times faster), else PyYAML's own.
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_DEFAULT_PRECISION = {
    "country": "region",
    "region": "region",
    "district": "region",
    "sea": "region",
    "corridor": "approximate",
}
_NAME_KEYS = {"name", "ambiguous", "pronoun", "reject_prev", "reject_next", "case"}
_PLACE_KEYS = {
    "id",
    "name",
    "name_vi",
    "kind",
    "lat",
    "lon",
    "country",
    "geonames_id",
    "precision",
    "source",
    "source_vi",
    "names",
    "note",
}


@dataclass
class CuratedPlace:
    """One curated place; ``lat``/``lon`` may be missing and filled from GeoNames later."""

    id: str
    name: str
    kind: str
    names: list[NameForm]
    name_vi: str | None = None
    country: str | None = None
    geonames_id: int | None = None
    lat: float | None = None
    lon: float | None = None
    precision: str = "exact"
    source: str | None = None
    source_vi: str | None = None


@dataclass
class CuratedGazetteer:
    """The curated file: its places, and the names that must never be read as places."""

    places: list[CuratedPlace] = field(default_factory=list)
    not_places: frozenset[str] = frozenset()


def _words(value, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InvalidData(f"{where}: expected a word or a list of words")
    return tuple(phrase_key(nfc(v)) for v in value)


def _name_form(item, place_id: str, where: str) -> NameForm:
    if isinstance(item, str):
        item = {"name": item}
    if not isinstance(item, dict) or not isinstance(item.get("name"), str):
        raise InvalidData(f"{where}: a name is a string or a mapping with 'name'")
    unknown = set(item) - _NAME_KEYS
    if unknown:
        raise InvalidData(f"{where}: unknown keys {sorted(unknown)}")
    case = item.get("case", "first")
    if case not in ("first", "each"):
        raise InvalidData(f"{where}: case must be 'first' or 'each'")
    return NameForm(
        form=nfc(item["name"].strip()),
        entity_id=place_id,
        rank=RANK_CURATED,
        case=case,
        ambiguous=bool(item.get("ambiguous", False)),
        pronoun=bool(item.get("pronoun", False)),
        reject_prev=_words(item.get("reject_prev"), where),
        reject_next=_words(item.get("reject_next"), where),
    )


def _place(raw, index: int, name: str) -> CuratedPlace:
    where = f"{name}: entity {index + 1}"
    if not isinstance(raw, dict):
        raise InvalidData(f"{where}: expected a mapping")
    unknown = set(raw) - _PLACE_KEYS
    if unknown:
        raise InvalidData(f"{where}: unknown keys {sorted(unknown)}")
    for key in ("id", "name", "kind"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            raise InvalidData(f"{where}: '{key}' is required")
    place_id = raw["id"].strip()
    where = f"{name}: entity {place_id!r}"
    if raw["kind"] not in KINDS:
        raise InvalidData(f"{where}: kind {raw['kind']!r} is not one of {', '.join(KINDS)}")
    precision = raw.get("precision") or _DEFAULT_PRECISION.get(raw["kind"], "exact")
    if precision not in PRECISIONS:
        raise InvalidData(f"{where}: precision {precision!r} is not one of {PRECISIONS}")
    has_lat, has_lon = raw.get("lat") is not None, raw.get("lon") is not None
    if has_lat != has_lon:
        raise InvalidData(f"{where}: give both 'lat' and 'lon', or neither")
    if has_lat:
        if not (-90 <= float(raw["lat"]) <= 90 and -180 <= float(raw["lon"]) <= 180):
            raise InvalidData(f"{where}: lat/lon out of range")
        if not raw.get("source"):
            raise InvalidData(f"{where}: a coordinate needs its 'source'")
    names = [_name_form(item, place_id, f"{where}, name") for item in raw.get("names") or []]
    if not names:
        raise InvalidData(f"{where}: 'names' must list at least one name")
    return CuratedPlace(
        id=place_id,
        name=nfc(raw["name"].strip()),
        kind=raw["kind"],
        names=names,
        name_vi=nfc(raw["name_vi"]) if raw.get("name_vi") else None,
        country=(str(raw["country"]).upper() if raw.get("country") else None),
        geonames_id=int(raw["geonames_id"]) if raw.get("geonames_id") else None,
        lat=float(raw["lat"]) if has_lat else None,
        lon=float(raw["lon"]) if has_lon else None,
        precision=precision,
        source=raw.get("source"),
        source_vi=raw.get("source_vi"),
    )


def read_curated(path: Path) -> CuratedGazetteer:
    """Read the curated gazetteer at ``path``; InvalidData names the file and the entry."""
    path = Path(path)
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=YAML_LOADER) or {}
    except OSError as exc:
        raise InvalidData(f"{path.name}: cannot read ({exc.strerror})") from None
    except yaml.YAMLError:
        raise InvalidData(f"{path.name}: not valid YAML") from None
    if not isinstance(data, dict):
        raise InvalidData(f"{path.name}: expected a mapping with 'entities'")
    places = [_place(raw, i, path.name) for i, raw in enumerate(data.get("entities") or [])]
    seen: set[str] = set()
    for place in places:
        if place.id in seen:
            raise InvalidData(f"{path.name}: entity id {place.id!r} is used twice")
        seen.add(place.id)
    not_places = frozenset(phrase_key(nfc(n)) for n in data.get("not_places") or [])
    return CuratedGazetteer(places, not_places)


def read_country_points(path: Path) -> dict[str, tuple[float, float, str]]:
    """Read ``iso2,name,lat,lon,source`` rows into ``{iso2: (lat, lon, source)}``."""
    points = {}
    with Path(path).open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            points[row["iso2"]] = (float(row["lat"]), float(row["lon"]), row["source"])
    return points
