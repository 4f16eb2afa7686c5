"""Vietnam's districts and communes, for the places below the city lists.

The units come from the ``vietnamadminunits`` package (MIT licence): the General Statistics
Office's list of administrative units as it stood before the 2025 reform (63 provinces, their
districts, towns and cities, and their communes, wards and townships: what news before July
2025 names), each with a position the package geocoded (Google Geocoding API). A position is
a point inside or near the unit, not its outline: ``approximate`` precision, the source said.

A unit is named in text with its kind before it ("huyện Hải Lăng", "xã Hải Chánh", "thị trấn
Diên Sanh"): the bare name of a commune is too often a common phrase or another place. Since
units change kind (a district becomes a town, a commune a ward), every district-level word
names every district, and every commune-level word every commune. Many communes share a name
(about one in ten): such a name carries the other units of that name as ``alternatives``, and
the text decides (``pick``) by the province or district it also names.

The package is read in place (its SQLite file, opened read-only); it is not imported.
"""

from __future__ import annotations

import functools
import importlib.util
import sqlite3
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path

from mapapp.core.text import slugify
from mapapp.geoparse.entities import RANK_CITY, Entity, NameForm
from mapapp.geoparse.matcher import phrase_key

__all__ = ["PACKAGE", "PREFIX", "version", "load_units", "strip_kind", "pick", "KIND_WORDS"]

PACKAGE = "vietnamadminunits"
#: The ids of its units: ``vn-`` and the unit's GSO code.
PREFIX = "vn-"
#: The words that name a district-level and a commune-level unit, as written before its name.
DISTRICT_WORDS = ("huyện", "quận", "thị xã", "thành phố")
COMMUNE_WORDS = ("xã", "phường", "thị trấn")
#: The words that also name a city or town the gazetteer may have under its bare name.
_CITY_WORDS = ("thị xã", "thành phố")
#: All of them, longest first, folded as the matcher folds ("thi xa", "xa", ...).
KIND_WORDS = tuple(sorted({phrase_key(w) for w in (*DISTRICT_WORDS, *COMMUNE_WORDS)}, key=len,
                          reverse=True))  # fmt: skip
#: What each unit of the list is, as a kind of place (most specific first in SPECIFICITY).
_KIND = {
    "Quận": "district",
    "Huyện": "district",
    "Thị xã": "town",
    "Thành phố": "city",
    "Phường": "town",
    "Thị trấn": "town",
    "Xã": "village",
}
_ENGLISH = {
    "Quận": "Urban District",
    "Huyện": "District",
    "Thị xã": "Town",
    "Thành phố": "City",
    "Phường": "Ward",
    "Thị trấn": "Township",
    "Xã": "Commune",
}
#: Commune names that are also everyday words or titles, never taken as places on their own.
_MIN_NAME = 3  # characters: "Xã 1" is no name


@functools.cache
def version() -> str:
    """The installed package's version ("?" if it is missing)."""
    try:
        return metadata.version(PACKAGE)
    except metadata.PackageNotFoundError:
        return "?"


def _database() -> Path | None:
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "data" / "dataset.db"
    return path if path.is_file() else None


@functools.cache
def _province_ids(province: str, short: str) -> tuple[str, ...]:
    """The gazetteer's ids a province may have: "quang-tri-province", or the city's "hanoi"."""
    slug = slugify(short)
    ids = [f"{slug}-province", slug]
    if province.startswith("Thành phố"):
        ids.append(slug.replace("-", ""))  # "ha-noi" is the curated "hanoi"
    return tuple(dict.fromkeys(ids))


def _rows(path: Path) -> Iterable[tuple]:
    uri = f"file:{path}?mode=ro&immutable=1"
    with sqlite3.connect(uri, uri=True) as db:
        yield from db.execute(
            "SELECT province, provinceShort, districtCode, district, districtShort, "
            "districtType, districtLat, districtLon, wardCode, ward, wardShort, wardType, "
            "wardLat, wardLon FROM admin_units_legacy ORDER BY districtCode, wardCode"
        )


def _entity(uid: str, kind_vi: str, short: str, lat: float, lon: float, parents, where: str):
    label = f"vietnamadminunits {version()} (MIT)"
    return Entity(
        id=uid,
        name=f"{short} {_ENGLISH[kind_vi]}",
        kind=_KIND[kind_vi],
        lat=round(float(lat), 6),
        lon=round(float(lon), 6),
        precision="approximate",
        source=(
            f"{label}: the General Statistics Office's list of units before 2025; a point the "
            f"package geocoded (Google Geocoding API) for {kind_vi.lower()} {short}, {where}"
        ),
        name_vi=f"{kind_vi.lower()} {short}",
        country="VN",
        parents=tuple(parents),
        source_vi=(
            f"{label}: danh mục đơn vị hành chính của Tổng cục Thống kê trước năm 2025; điểm do "
            f"gói này mã hóa địa lý (Google Geocoding API) cho {kind_vi.lower()} {short}, {where}"
        ),
    )


def load_units(taken: set[str]) -> tuple[dict[str, Entity], list[NameForm]]:
    """Return the districts and communes by id (``vn-<GSO code>``) and their name forms.

    ``taken`` holds the phrase keys of names the gazetteer already has for places in Vietnam
    ("đông hà"): "thành phố" or "thị xã" before one of them names that place already (the city
    Đông Hà, not a second point for "thành phố Đông Hà"). Empty without the package.
    """
    path = _database()
    if path is None:
        return {}, []
    entities: dict[str, Entity] = {}
    # key -> [(entity id, the words naming its level, its name as written)]
    names: dict[str, list[tuple[str, tuple[str, ...], str]]] = {}
    for row in _rows(path):
        (province, province_short, d_code, district, d_short, d_type, d_lat, d_lon,
         w_code, ward, w_short, w_type, w_lat, w_lon) = row  # fmt: skip
        provinces = _province_ids(province, province_short)
        district_id = f"{PREFIX}{d_code}"
        if district_id not in entities and d_type in _KIND and d_lat is not None:
            entities[district_id] = _entity(
                district_id, d_type, d_short, d_lat, d_lon, provinces, province
            )
            names.setdefault(phrase_key(d_short), []).append((district_id, DISTRICT_WORDS, d_short))
        if w_code and w_type in _KIND and w_lat is not None and w_short:
            ward_id = f"{PREFIX}{w_code}"
            entities[ward_id] = _entity(
                ward_id, w_type, w_short, w_lat, w_lon, (district_id, *provinces),
                f"{district}, {province}",
            )  # fmt: skip
            names.setdefault(phrase_key(w_short), []).append((ward_id, COMMUNE_WORDS, w_short))
    forms = []
    for bare, found in names.items():
        if len(bare) < _MIN_NAME and not bare.isdigit():
            continue
        for word in dict.fromkeys(w for _, words, _ in found for w in words):
            if bare in taken and word in _CITY_WORDS:
                continue  # "thành phố Đông Hà" is the city the gazetteer has
            units = [(uid, short) for uid, words, short in found if word in words]
            forms.append(
                NameForm(
                    form=f"{word} {units[0][1]}",
                    entity_id=units[0][0],
                    rank=RANK_CITY,
                    case="each",
                    alternatives=tuple(uid for uid, _ in units[1:]),
                )
            )
    return entities, forms


def strip_kind(folded: str, start: int, end: int) -> int:
    """Where the name proper begins in a unit's match ``folded[start:end]`` ("huyen hai
    lang"): after its kind word, as names are marked without it ("Hải Lăng")."""
    for word in KIND_WORDS:
        if folded.startswith(word + " ", start) and start + len(word) + 1 < end:
            return start + len(word) + 1
    return start


def pick(candidates: Iterable[Entity], named: set[str], within: frozenset[str] = frozenset()):
    """Of the units sharing a name, the one the text places: its province or district is
    among ``named`` (the ids of the places around), or it is the district of another unit
    the text names (``within``: the districts and provinces those lie in). None when none or
    several are."""
    fitting = [e for e in candidates if named.intersection(e.parents) or e.id in within]
    return fitting[0] if len(fitting) == 1 else None
