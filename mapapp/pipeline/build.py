"""Build the GeoJSON layers from articles, the gazetteer, the curation file and references."""

from __future__ import annotations

from collections import defaultdict
from functools import cached_property
from pathlib import Path
from typing import Any

from shapely.geometry import LineString, MultiLineString, MultiPoint, Point

from mapapp.core.errors import CurationError
from mapapp.core.model import PRECISIONS, date_precision, make_source
from mapapp.pipeline.curation import Curation, SentenceRef, resolve_ref
from mapapp.pipeline.geometry import ReferenceGeometry, geodesic_length_km, to_geojson_geometry
from mapapp.sources.articles import Article
from mapapp.store.datadir import DataDir
from mapapp.store.layers import Store

__all__ = ["Builder"]

# Free text is written in English, with an optional Vietnamese version under ``<key>_vi``.
_EVENT_KEYS = (
    "name", "name_vi", "event_type", "date", "date_end", "date_note", "date_note_vi", "actors",
    "quantities", "quantity_qualifiers", "summary", "summary_vi", "geo_note", "geo_note_vi",
    "geo_precision",
)  # fmt: skip
_FEATURE_KEYS = (
    "name", "name_vi", "kind", "geo_precision", "geometry_source", "geometry_source_vi",
    "geo_note", "geo_note_vi", "post_count", "width_km", "length_km", "date", "date_end",
    "external_sources",
)  # fmt: skip


def _worst_precision(precisions) -> str:
    return max(precisions, key=PRECISIONS.index, default="region")


def _written_name(canonical: str | None, surfaces: list[str]) -> str | None:
    """Return the name as the articles write it: the canonical form if they use it, else
    their most frequent form."""
    if not surfaces:
        return canonical
    if canonical and canonical.casefold() in {s.casefold() for s in surfaces}:
        return canonical
    return max(sorted(set(surfaces)), key=surfaces.count)


def _feature(fid: str, layer: str, geometry: dict | None, properties: dict) -> dict:
    props = {"layer": layer}
    props.update({k: v for k, v in properties.items() if v not in (None, [], {}, "")})
    return {"type": "Feature", "id": fid, "geometry": geometry, "properties": props}


class Builder:
    """Turn a data directory's inputs into layer feature lists (nothing is written here)."""

    def __init__(
        self,
        articles: dict[str, Article],
        gazetteer,
        curation: Curation,
        reference: ReferenceGeometry,
    ):
        self.articles = articles
        self.gazetteer = gazetteer
        self.curation = curation
        self.reference = reference
        #: What the build left out, by article id: one line each ("sentence 3: ...").
        self.warnings: dict[str, list[str]] = defaultdict(list)

    @classmethod
    def for_data_dir(cls, datadir: DataDir | Path, gazetteer, articles=None) -> Builder:
        """Return a builder reading ``datadir`` (articles may be given to override the files)."""
        datadir = DataDir.of(datadir)
        if articles is None:
            articles = Store(datadir).read_articles()
        return cls(
            articles,
            gazetteer,
            Curation.load(datadir.curation),
            ReferenceGeometry(datadir),
        )

    # -- sources -----------------------------------------------------------------------
    def source(self, ref: SentenceRef, spans=None) -> dict:
        """Return the ``sources`` entry of one sentence (with mention spans, if any)."""
        sentence = self.articles[ref.article_id].sentence(ref.sentence)
        entry = make_source(ref.article_id, ref.sentence, sentence.text)
        if spans:
            entry["spans"] = [list(s) for s in sorted(spans)]
        return entry

    def _refs(self, entry: dict, keys: tuple[str, ...], where: str) -> list[SentenceRef]:
        refs: list[SentenceRef] = []
        for key in keys:
            value = entry.get(key)
            items = value if isinstance(value, list) else ([value] if value else [])
            for item in items:
                ref = resolve_ref(item, self.articles, where)
                if ref not in refs:
                    refs.append(ref)
        return refs

    def _entity(self, entity_id: str, where: str):
        try:
            return self.gazetteer.entity(entity_id)
        except KeyError:
            raise CurationError(f"{where}: unknown place {entity_id!r}") from None

    # -- places --------------------------------------------------------------------------
    @cached_property
    def mentions(self) -> dict[str, dict[SentenceRef, list[tuple[int, int, str]]]]:
        """Map entity id to the sentences that mention it, with (start, end, surface)."""
        found: dict[str, dict[SentenceRef, list]] = defaultdict(lambda: defaultdict(list))
        for article in self.articles.values():
            for sentence in article.sentences:
                for m in self.gazetteer.find(sentence.text):
                    ref = SentenceRef(article.id, sentence.number)
                    found[m.entity_id][ref].append((m.start, m.end, m.surface))
        return found

    def places(self) -> list[dict]:
        """Return one feature per place mentioned (or implied, per the curation file)."""
        features = []
        mentions = self.mentions
        implied = {
            pid: facts for pid, facts in self.curation.places.items() if facts.get("implied_by")
        }
        for entity_id in sorted(set(mentions) | set(implied)):
            entity = self._entity(entity_id, f"curation place {entity_id!r}")
            by_ref = mentions.get(entity_id, {})
            sources = [
                self.source(ref, [(s, e) for s, e, _ in by_ref[ref]]) for ref in sorted(by_ref)
            ]
            facts = self.curation.places.get(entity_id, {})
            if not sources:
                refs = self._refs(facts, ("implied_by",), f"curation place {entity_id!r}")
                sources = [self.source(ref) for ref in sorted(refs)]
            surfaces = [surface for refs in by_ref.values() for _, _, surface in refs]
            name_vi = facts.get("name_vi") or _written_name(entity.name_vi, surfaces)
            props = {
                "name": facts.get("name") or entity.name,
                "name_vi": name_vi,
                "kind": entity.kind,
                "geo_precision": entity.precision,
                "geometry_source": entity.source,
                "geometry_source_vi": entity.source_vi,
                "country": entity.country,
                "geonames_id": entity.geonames_id,
                "mention": "implied" if not by_ref else "named",
                "geo_note": facts.get("note"),
                "geo_note_vi": facts.get("note_vi"),
                "sources": sources,
            }
            geometry = to_geojson_geometry(Point(entity.lon, entity.lat))
            features.append(_feature(f"place-{entity_id}", "places", geometry, props))
        return features

    @cached_property
    def main_places(self) -> dict[str, str]:
        """Map article id to the entity it mentions most (ties: the more specific place)."""
        counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for entity_id, by_ref in self.mentions.items():
            for ref, spans in by_ref.items():
                counts[ref.article_id][entity_id] += len(spans)
        return {aid: max(sorted(c), key=c.__getitem__) for aid, c in counts.items()}

    # -- events --------------------------------------------------------------------------
    def _place_geometry(self, place_ids: list[str], where: str) -> tuple[dict, str]:
        entities = [self._entity(pid, where) for pid in place_ids]
        if not entities:
            raise CurationError(f"{where}: an event needs at least one place")
        points = [(e.lon, e.lat) for e in entities]
        geom = Point(points[0]) if len(points) == 1 else MultiPoint(points)
        return to_geojson_geometry(geom), _worst_precision(e.precision for e in entities)

    def events(self, proposals: list[dict]) -> list[dict]:
        """Merge geoparser proposals with the curation file's event entries."""
        by_ref: dict[SentenceRef, dict] = {}
        for proposal in proposals:
            by_ref.setdefault(SentenceRef(proposal["article_id"], proposal["sentence"]), proposal)
        entries: list[tuple[dict, list[SentenceRef], dict]] = []
        consumed: set[SentenceRef] = set()
        for entry in self.curation.events:
            where = f"curation event {entry['id']!r}"
            at = self._refs(entry, ("at",), where)
            if not at:
                raise CurationError(f"{where}: needs 'at' (the sentence it is reported in)")
            also = [r for r in self._refs(entry, ("also",), where) if r != at[0]]
            # A proposal from a sentence the editor cited is covered by this entry.
            consumed.update([at[0], *also])
            if entry.get("drop"):
                continue
            base = dict(by_ref.get(at[0], {}))
            refs = at + also
            entries.append((entry, refs, base))
        for ref, proposal in sorted(by_ref.items()):
            if ref not in consumed and self._placeable(ref, proposal):
                entries.append(({"id": proposal["id"]}, [ref], proposal))
        return sorted(
            (self._event(*e) for e in entries), key=lambda f: (f["properties"]["date"], f["id"])
        )

    def _placeable(self, ref: SentenceRef, proposal: dict) -> bool:
        """True if a proposal can be put on the map: its sentence or its article names a place.
        A warning says why one cannot."""
        if proposal.get("location") or proposal.get("places") or ref.article_id in self.main_places:
            return True
        self.warnings[ref.article_id].append(
            f"sentence {ref.sentence}: an event, but neither the sentence nor the article names a "
            "place; left off the map"
        )
        return False

    def _event(self, entry: dict, refs: list[SentenceRef], base: dict) -> dict:
        where = f"event {entry['id']!r}"
        props: dict[str, Any] = {k: base.get(k) for k in _EVENT_KEYS}
        props.update({k: entry[k] for k in _EVENT_KEYS if k in entry})
        located = [base["location"]] if base.get("location") else base.get("places", [])
        place_ids = entry.get("places") or located
        fallback = not place_ids and refs[0].article_id in self.main_places
        if fallback:
            # The sentence names no place: fall back on the place its article is about.
            place_ids = [self.main_places[refs[0].article_id]]
            if not props.get("geo_note"):
                props["geo_note"] = (
                    "the sentence names no place; shown at the place the article is mostly about"
                )
                props["geo_note_vi"] = (
                    "câu văn không nêu địa danh nào; hiển thị tại nơi bài báo nói tới nhiều nhất"
                )
        geometry, precision = self._place_geometry(list(place_ids), where)
        props["geo_precision"] = entry.get("geo_precision") or ("region" if fallback else precision)
        if not props.get("date") or not props.get("event_type"):
            raise CurationError(f"{where}: an event needs a date and an event_type")
        props["date_precision"] = date_precision(str(props["date"]))
        props["kind"] = props["event_type"]
        props["name"] = props.get("name") or props["event_type"].replace("_", " ").capitalize()
        props["name_vi"] = props.get("name_vi") or props["name"]
        mentioned = list(dict.fromkeys([*place_ids, *base.get("places", [])]))
        props["places"] = [f"place-{pid}" for pid in mentioned]
        entities = [self._entity(pid, where) for pid in place_ids]
        props["geometry_source"] = "the event's place(s): " + ", ".join(
            f"{e.name} ({e.source})" for e in entities
        )
        props["geometry_source_vi"] = "theo địa danh của sự kiện: " + ", ".join(
            f"{e.name_vi or e.name} ({e.source_vi or e.source})" for e in entities
        )
        props["sources"] = [self.source(ref) for ref in refs]
        return _feature(entry["id"], "events", geometry, props)

    # -- hand-made features --------------------------------------------------------------
    def _hand_geometry(self, entry: dict, where: str):
        if "point" in entry:
            return Point(entry["point"]["lon"], entry["point"]["lat"])
        if "at_place" in entry:
            entity = self._entity(entry["at_place"], where)
            return Point(entity.lon, entity.lat)
        if "link" in entry:
            ends = [self._entity(pid, where) for pid in entry["link"]]
            legs = [LineString([(ends[0].lon, ends[0].lat), (e.lon, e.lat)]) for e in ends[1:]]
            return legs[0] if len(legs) == 1 else MultiLineString(legs)
        if "geometry" in entry:
            try:
                return self.reference.named(entry["geometry"])
            except KeyError as exc:
                raise CurationError(f"{where}: {exc.args[0]}") from None
        raise CurationError(f"{where}: needs one of point, at_place, link, geometry")

    def hand_features(self) -> dict[str, list[dict]]:
        """Return the curation file's own features, grouped by layer."""
        layers: dict[str, list[dict]] = defaultdict(list)
        for entry in self.curation.features:
            where = f"curation feature {entry['id']!r}"
            geom = self._hand_geometry(entry, where)
            props = {k: entry.get(k) for k in _FEATURE_KEYS}
            if entry.get("geometry") in ("lachin_road",):
                props["straight_length_km"] = round(geodesic_length_km(geom), 1)
            figures = []
            for figure in entry.get("article_figures", []):
                ref = resolve_ref(figure, self.articles, where)
                figures.append(
                    {
                        "value": figure["value"],
                        "unit": figure["unit"],
                        **{k: figure[k] for k in ("what", "what_vi") if figure.get(k)},
                        **self.source(ref),
                    }
                )
            props["article_figures"] = figures
            props["sources"] = [self.source(r) for r in self._refs(entry, ("sources",), where)]
            layers[entry["layer"]].append(
                _feature(entry["id"], entry["layer"], to_geojson_geometry(geom), props)
            )
        return layers

    def _country_name_vi(self, name: str) -> str:
        """Return the Vietnamese name of the gazetteer's country called ``name``, else ``name``."""
        entity = self.gazetteer.lookup(name)
        return (entity.name_vi or name) if entity and entity.kind == "country" else name

    def regions(self) -> list[dict]:
        """Return the reference country outlines (no sources: pure reference geometry)."""
        return [
            _feature(
                f"region-{code.lower()}",
                "regions",
                to_geojson_geometry(geom),
                {
                    "name": name,
                    "name_vi": self._country_name_vi(name),
                    "kind": "country_outline",
                    "iso_a3": code,
                    "geo_precision": "exact",
                    "geometry_source": source,
                },
            )
            for code, name, geom, source in sorted(
                self.reference.country_outlines(), key=lambda row: row[0]
            )
        ]

    def build(self, proposals: list[dict]) -> dict[str, list[dict]]:
        """Return every layer's features, deterministically ordered."""
        hand = self.hand_features()
        return {
            "places": self.places(),
            "peacekeeping-posts": hand.get("peacekeeping-posts", []),
            "routes": hand.get("routes", []),
            "events": self.events(proposals),
            "regions": self.regions(),
        }
