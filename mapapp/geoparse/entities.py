"""Gazetteer records: places (entities), the names that point at them, and mentions in text."""

from __future__ import annotations

from dataclasses import dataclass, field

from mapapp.core.text import slugify  # re-exported: ids of entities are slugs

__all__ = [
    "Entity",
    "NameForm",
    "Mention",
    "KINDS",
    "SPECIFICITY",
    "WEAK_POPULATION",
    "slugify",
]

#: Kinds of place, most specific first: an event is placed at its most specific mention.
KINDS = (
    "landmark",
    "capital",
    "city",
    "town",
    "village",
    "corridor",
    "district",
    "region",
    "sea",
    "country",
)
#: Rank of each kind: lower is more specific.
SPECIFICITY = {kind: rank for rank, kind in enumerate(KINDS)}

#: GeoNames places with fewer people than this have ``weak`` names.
WEAK_POPULATION = 100_000
# How a name was obtained, best first; on a clash of keys the better source wins.
RANK_CURATED, RANK_COUNTRY, RANK_NATIVE, RANK_CAPITAL, RANK_CITY = range(5)


@dataclass(frozen=True, slots=True)
class Entity:
    """One place: id, names, kind, WGS 84 point and where the point comes from."""

    id: str
    name: str
    kind: str
    lat: float
    lon: float
    precision: str
    source: str
    name_vi: str | None = None
    country: str | None = None
    geonames_id: int | None = None
    population: int | None = None
    names: tuple[str, ...] = field(default=(), compare=False)
    source_vi: str | None = None  # ``source`` in Vietnamese, where it explains more than cites
    #: The ids of the places it lies in that a text may name to tell it from a namesake (a
    #: commune's district and province).
    parents: tuple[str, ...] = field(default=(), compare=False)

    @property
    def coordinates(self) -> tuple[float, float]:
        """Return ``(lon, lat)``, GeoJSON order."""
        return (self.lon, self.lat)


@dataclass(frozen=True, slots=True)
class NameForm:
    """One way of writing a place's name, with the rules for accepting it in running text.

    ``case`` is ``"first"`` (the first capital letter of the form must be a capital in the text)
    or ``"each"`` (every capitalised word of the form must be capitalised in the text).
    ``ambiguous`` names are also common words or personal names: a neighbouring capitalised word
    (part of a person's name) makes them not a place. ``reject_prev`` / ``reject_next`` list
    folded words or phrases that, right before or after the name, mean it is not this place.
    ``weak`` names (GeoNames towns under ``WEAK_POPULATION`` people) need a locative word before
    them ("tại", "thành phố", ...) or a place right after ("Alice, Texas"): the many small towns
    named like people ("Anna", "Adam") or things would otherwise flood the text.
    ``pronoun`` names are also a pronoun ("Anh": he, you): opening a sentence in a text that
    uses the pronoun in lower case elsewhere, they are the pronoun.
    """

    form: str
    entity_id: str
    rank: int
    case: str = "first"
    ambiguous: bool = False
    reject_prev: tuple[str, ...] = ()
    reject_next: tuple[str, ...] = ()
    population: int = 0
    weak: bool = False
    pronoun: bool = False
    #: Other places written the same way (communes of one name): the text decides.
    alternatives: tuple[str, ...] = ()

    @property
    def priority(self) -> tuple[int, int]:
        """Sort key: lower wins when two places share a name."""
        return (self.rank, -self.population)


@dataclass(frozen=True, slots=True)
class Mention:
    """A place named in a text: ``text[start:end] == surface``, and the entity it names.

    ``unsure``: the name was taken for this place by a rule of context, not on its own (a
    small town's name after a locative word, a name that is also a pronoun, a foreign city
    read in Vietnamese in a text naming its country): one an editor should check.
    """

    start: int
    end: int
    surface: str
    entity_id: str
    unsure: bool = False
