"""Merge the curated places, GeoNames countries and GeoNames cities into one set of entities."""

from __future__ import annotations

from mapapp.core.errors import InvalidData
from mapapp.core.text import nfc
from mapapp.geoparse.curated import CuratedGazetteer, CuratedPlace
from mapapp.geoparse.entities import (
    RANK_CAPITAL,
    RANK_CITY,
    RANK_COUNTRY,
    RANK_NATIVE,
    WEAK_POPULATION,
    Entity,
    NameForm,
    slugify,
)
from mapapp.geoparse.geonames import MIN_NAME_LENGTH, city_names
from mapapp.geoparse.matcher import phrase_key

__all__ = ["assemble"]

Point = tuple[float, float, str]


def _country_forms(country: dict, entity_id: str, not_places: frozenset[str]) -> list[NameForm]:
    name = nfc(country["name"])
    if len(name) < MIN_NAME_LENGTH or phrase_key(name) in not_places:
        return []
    # An English country name can be a person's name too ("Jordan", "Chad").
    return [NameForm(name, entity_id, RANK_COUNTRY, "first", ambiguous=True)]


def _city_forms(city: dict, entity_id: str, rank: int, names: list[str]) -> list[NameForm]:
    population = int(city.get("population") or 0)
    weak = population < WEAK_POPULATION
    return [
        NameForm(n, entity_id, rank, "each", True, population=population, weak=weak) for n in names
    ]


def _entity(place: CuratedPlace, names: list[NameForm], population: int | None) -> Entity:
    # Only a place with a point becomes an entity; its lat, lon and source come together (the
    # curated file's own are checked by curated._place, assemble sets the three at once).
    assert place.lat is not None and place.lon is not None and place.source is not None
    return Entity(
        id=place.id,
        name=place.name,
        kind=place.kind,
        lat=place.lat,
        lon=place.lon,
        precision=place.precision,
        source=place.source,
        source_vi=place.source_vi,
        name_vi=place.name_vi,
        country=place.country,
        geonames_id=place.geonames_id,
        population=population,
        names=tuple(dict.fromkeys(f.form for f in names)),
    )


def assemble(
    curated: CuratedGazetteer,
    countries: dict,
    cities: dict,
    country_points: dict[str, Point],
    source_label: str,
) -> tuple[dict[str, Entity], list[NameForm]]:
    """Return every entity by id, and every name form (unsorted, duplicates of keys included).

    Curated places come first and keep their ids; a GeoNames country or city they point at (by
    ISO code or ``geonames_id``) lends them its coordinates, English name and Vietnamese names
    instead of becoming a second entity.
    """
    not_places = curated.not_places
    places = {p.id: p for p in curated.places}
    by_id = dict(places)
    forms: dict[str, list[NameForm]] = {p.id: list(p.names) for p in curated.places}
    population: dict[str, int] = {}
    entities: dict[str, Entity] = {}
    by_iso = {p.country: p for p in curated.places if p.kind == "country" and p.country}
    by_gid = {p.geonames_id: p for p in curated.places if p.geonames_id}
    capitals = {(iso, nfc(c.get("capital") or "")): iso for iso, c in countries.items()}
    capital_points: dict[str, Point] = {}

    for gid_text, city in cities.items():
        gid, iso = int(gid_text), city.get("countrycode")
        is_capital = (iso, nfc(city["name"])) in capitals
        point = (float(city["latitude"]), float(city["longitude"]), f"GeoNames {gid}{source_label}")
        if is_capital:
            capital_points[iso] = point
        rank = RANK_NATIVE if iso == "VN" else RANK_CAPITAL if is_capital else RANK_CITY
        names, name_vi = city_names(city, not_places)
        place = by_gid.get(gid)
        if place is not None:
            if place.lat is None:
                place.lat, place.lon, place.source = point
            forms[place.id].extend(_city_forms(city, place.id, rank, names))
            population[place.id] = int(city.get("population") or 0)
            continue
        if not names:
            continue  # nothing safe to look for: the place could never be found
        entity_id = f"gn-{gid}"
        forms[entity_id] = _city_forms(city, entity_id, rank, names)
        entities[entity_id] = Entity(
            id=entity_id,
            name=nfc(city["name"]),
            kind="capital" if is_capital else "city",
            lat=point[0],
            lon=point[1],
            precision="exact",
            source=point[2],
            name_vi=name_vi,
            country=iso,
            geonames_id=gid,
            population=int(city.get("population") or 0),
            names=tuple(names),
        )

    for iso, country in countries.items():
        place = by_iso.get(iso)
        if place is None:
            entity_id = slugify(country["name"])
            if entity_id in places or entity_id in entities:
                entity_id = f"country-{iso.lower()}"
            place = CuratedPlace(
                entity_id, nfc(country["name"]), "country", [], country=iso, precision="region"
            )
            places[entity_id] = place
            forms[entity_id] = []
        place.geonames_id = place.geonames_id or int(country["geonameid"])
        population[place.id] = int(country.get("population") or 0)
        forms[place.id].extend(_country_forms(country, place.id, not_places))
        if place.lat is None and iso in country_points:
            place.lat, place.lon, place.source = country_points[iso]
        elif place.lat is None and iso in capital_points:
            lat, lon, source = capital_points[iso]
            place.lat, place.lon, place.source = lat, lon, f"label point = capital, {source}"

    for place in places.values():
        if place.lat is None:
            if place.id not in by_id:  # a GeoNames country with no point at all: leave it out
                continue
            raise InvalidData(
                f"gazetteer: {place.id!r} has no coordinate: give lat/lon or a geonames_id "
                "of a city that GeoNames lists"
            )
        entities[place.id] = _entity(place, forms[place.id], population.get(place.id))
    all_forms = [f for entity_id in entities for f in forms.get(entity_id, ())]
    return entities, all_forms
