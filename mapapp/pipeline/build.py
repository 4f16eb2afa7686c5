"""Build the GeoJSON layers from articles, the gazetteer, the curation file and references."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from mapapp.core.errors import CurationError, NotFound
from mapapp.core.model import PRECISIONS, UNPLACED, date_precision, make_source
from mapapp.pipeline.curation import Curation, SentenceRef, resolve_ref
from mapapp.pipeline.geometry import (
    ReferenceGeometry,
    geodesic_length_km,
    point_geometry,
    to_geojson_geometry,
)
from mapapp.pipeline.review import far_year
from mapapp.sources.articles import Article
from mapapp.store.datadir import DataDir
from mapapp.store.layers import Store

__all__ = ["ArticleReader", "Builder", "article_meta"]

#: The most other spellings a place feature lists (``alt_names``).
MAX_ALT_NAMES = 12

# Free text is written in English, with an optional Vietnamese version under ``<key>_vi``.
_EVENT_KEYS = (
    "name", "name_vi", "event_type", "date", "date_end", "date_note", "date_note_vi", "actors",
    "quantities", "quantity_qualifiers", "summary", "summary_vi", "geo_note", "geo_note_vi",
    "geo_precision", "year_inferred", "place_basis",
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


def _ref_article(ref: object) -> str | None:
    """Return the article id a curation sentence reference names (None if it names none)."""
    return str(ref["article"]) if isinstance(ref, dict) and "article" in ref else None


def _ref_list(entry: dict, key: str) -> list:
    value = entry.get(key)
    return value if isinstance(value, list) else ([value] if value else [])


class Builder:
    """Turn a data directory's inputs into partitions: one FeatureCollection per article, and
    the layers no article owns. Nothing is written here.

    ``articles`` maps article id to Article; it may read articles lazily (``ArticleReader``),
    since building one article reads only that article and the ones the curation file cites
    beside it.
    """

    def __init__(
        self,
        articles: Mapping[str, Article],
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
        """Return a builder reading ``datadir`` (``articles`` may override its files)."""
        datadir = DataDir.of(datadir)
        return cls(
            ArticleReader(Store(datadir), articles or {}),
            gazetteer,
            Curation.load(datadir.curation),
            ReferenceGeometry(datadir),
        )

    # -- what the curation file touches ------------------------------------------------
    def curated_articles(self) -> set[str]:
        """Return every article id the curation file cites (its entries change their parts)."""
        cited: set[str] = set()
        for entry in self.curation.events:
            for key in ("at", "also"):
                cited.update(a for a in map(_ref_article, _ref_list(entry, key)) if a)
        for facts in self.curation.places.values():
            if isinstance(facts, dict):
                cited.update(a for a in map(_ref_article, _ref_list(facts, "implied_by")) if a)
        return cited

    def _events_at(self, article_id: str) -> list[dict]:
        """Return the curation file's event entries reported first in article ``article_id``."""
        found = []
        for entry in self.curation.events:
            at = _ref_list(entry, "at")
            if at and _ref_article(at[0]) == article_id:
                found.append(entry)
        return found

    def check_curation(self) -> None:
        """Resolve every sentence the curation file cites (CurationError names a bad one)."""
        for entry in self.curation.events:
            where = f"curation event {entry['id']!r}"
            if not self._refs(entry, ("at",), where):
                raise CurationError(f"{where}: needs 'at' (the sentence it is reported in)")
            self._refs(entry, ("also",), where)
        for place_id, facts in self.curation.places.items():
            if isinstance(facts, dict):
                self._refs(facts, ("implied_by",), f"curation place {place_id!r}")

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
            for item in _ref_list(entry, key):
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
    def mentions(self, article_id: str) -> dict[str, dict[SentenceRef, list]]:
        """Map entity id to the sentences of one article that mention it, with spans."""
        found: dict[str, dict[SentenceRef, list]] = defaultdict(lambda: defaultdict(list))
        for sentence in self.articles[article_id].sentences:
            for m in self.gazetteer.find(sentence.text):
                ref = SentenceRef(article_id, sentence.number)
                found[m.entity_id][ref].append((m.start, m.end, m.surface))
        return found

    def places(self, article_id: str, mentions: dict | None = None) -> list[dict]:
        """Return one feature per place an article names (or implies, per the curation file),
        with that article's sources only: the index adds up a place over all articles."""
        features = []
        mentions = self.mentions(article_id) if mentions is None else mentions
        implied: dict[str, list[SentenceRef]] = {}
        for pid, facts in self.curation.places.items():
            if not isinstance(facts, dict) or pid in mentions:
                continue
            items = [r for r in _ref_list(facts, "implied_by") if _ref_article(r) == article_id]
            if items:
                where = f"curation place {pid!r}"
                refs = [resolve_ref(item, self.articles, where) for item in items]
                implied[pid] = sorted(set(refs))
        for entity_id in sorted(set(mentions) | set(implied)):
            entity = self._entity(entity_id, f"curation place {entity_id!r}")
            by_ref = mentions.get(entity_id, {})
            if by_ref:
                sources = [
                    self.source(ref, [(s, e) for s, e, _ in by_ref[ref]]) for ref in sorted(by_ref)
                ]
            else:
                sources = [self.source(ref) for ref in implied[entity_id]]
            facts = self.curation.places.get(entity_id) or {}
            surfaces = [surface for refs in by_ref.values() for _, _, surface in refs]
            name_vi = facts.get("name_vi") or _written_name(entity.name_vi, surfaces)
            name = facts.get("name") or entity.name
            props = {
                "name": name,
                "name_vi": name_vi,
                # Other spellings the gazetteer knows, so a search finds it under any of them.
                "alt_names": [n for n in entity.names if n not in (name, name_vi)][:MAX_ALT_NAMES],
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
            geometry = point_geometry([(entity.lon, entity.lat)])
            features.append(_feature(f"place-{entity_id}", "places", geometry, props))
        return features

    # -- events --------------------------------------------------------------------------
    def _place_geometry(self, place_ids: list[str], where: str) -> tuple[dict, str]:
        entities = [self._entity(pid, where) for pid in place_ids]
        if not entities:
            raise CurationError(f"{where}: an event needs at least one place")
        points = [(e.lon, e.lat) for e in entities]
        return point_geometry(points), _worst_precision(e.precision for e in entities)

    def events(self, article_id: str, proposals: list[dict]) -> list[dict]:
        """Merge one article's geoparser proposals with the curation file's entries for it."""
        # A sentence may report several happenings: its proposals, in order.
        by_ref: dict[SentenceRef, list[dict]] = {}
        for proposal in proposals:
            ref = SentenceRef(proposal["article_id"], proposal["sentence"])
            by_ref.setdefault(ref, []).append(proposal)
        entries: list[tuple[dict, list[SentenceRef], dict]] = []
        consumed: set[SentenceRef] = set()
        for entry in self._events_at(article_id):
            where = f"curation event {entry['id']!r}"
            at = self._refs(entry, ("at",), where)
            also = [r for r in self._refs(entry, ("also",), where) if r != at[0]]
            # The proposals from a sentence the editor cited are covered by this entry (it
            # builds on the sentence's first).
            consumed.update([at[0], *also])
            if entry.get("drop"):
                continue
            base = dict(by_ref.get(at[0], [{}])[0])
            entries.append((entry, at + also, base))
        for ref, found in sorted(by_ref.items()):
            if ref not in consumed:
                entries.extend(({"id": proposal["id"]}, [ref], proposal) for proposal in found)
        return sorted(
            (self._event(*e) for e in entries),
            key=lambda f: (f["properties"]["date"], f["id"]),
        )

    def _event(self, entry: dict, refs: list[SentenceRef], base: dict) -> dict:
        where = f"event {entry['id']!r}"
        props: dict[str, Any] = {k: base.get(k) for k in _EVENT_KEYS}
        props.update({k: entry[k] for k in _EVENT_KEYS if k in entry})
        if "date" in entry:
            props.pop("year_inferred", None)  # the editor's date
        elif props.get("year_inferred") and not props.get("date_note"):
            published = self.articles[refs[0].article_id].published
            if far_year(str(props.get("date")), published):
                day = published.isoformat()
                props["date_note"] = f"the text gives no year: read as of publication ({day})"
                props["date_note_vi"] = f"bài không nêu năm: hiểu theo ngày đăng ({day})"
        located = [base["location"]] if base.get("location") else base.get("places", [])
        if "places" in entry:
            props.pop("place_basis", None)  # the editor's places
        elif props.get("place_basis") == "context" and not props.get("geo_note"):
            props["geo_note"] = (
                "the sentence names no place: shown at the one the sentence before it names"
            )
            props["geo_note_vi"] = "câu văn không nêu địa danh: hiển thị tại nơi câu trước đó nêu"
        place_ids = entry.get("places") or located
        geometry: dict | None = None
        if place_ids:
            geometry, precision = self._place_geometry(list(place_ids), where)
            props["geo_precision"] = entry.get("geo_precision") or precision
        else:
            # Neither the sentence nor those around it say where: listed, dated and typed,
            # but drawn nowhere rather than at a place the text does not give.
            props["geo_precision"] = UNPLACED
            if not props.get("geo_note"):
                props["geo_note"] = "the article does not say where this happened"
                props["geo_note_vi"] = "bài báo không nêu nơi xảy ra"
            self.warnings[refs[0].article_id].append(
                f"sentence {refs[0].sentence}: an event, but the text does not say where: "
                "listed without a place on the map"
            )
        if not props.get("date") or not props.get("event_type"):
            raise CurationError(f"{where}: an event needs a date and an event_type")
        props["date_precision"] = date_precision(str(props["date"]))
        props["kind"] = props["event_type"]
        props["name"] = props.get("name") or props["event_type"].replace("_", " ").capitalize()
        props["name_vi"] = props.get("name_vi") or props["name"]
        mentioned = list(dict.fromkeys([*place_ids, *base.get("places", [])]))
        props["places"] = [f"place-{pid}" for pid in mentioned]
        entities = [self._entity(pid, where) for pid in place_ids]
        if entities:
            props["geometry_source"] = "the event's place(s): " + ", ".join(
                f"{e.name} ({e.source})" for e in entities
            )
            props["geometry_source_vi"] = "theo địa danh của sự kiện: " + ", ".join(
                f"{e.name_vi or e.name} ({e.source_vi or e.source})" for e in entities
            )
        else:
            props["geometry_source"] = "none: the article does not say where"
            props["geometry_source_vi"] = "không có: bài báo không nêu nơi xảy ra"
        props["sources"] = [self.source(ref) for ref in refs]
        return _feature(entry["id"], "events", geometry, props)

    # -- one article ---------------------------------------------------------------------
    def article_part(self, article_id: str, proposals: list[dict]) -> dict:
        """Return an article's partition: its metadata, the events it reports (with the
        curation file's entries for it) and the places it names."""
        article = self.articles[article_id]
        mentions = self.mentions(article_id)
        features = [
            *self.events(article_id, proposals),
            *self.places(article_id, mentions),
        ]
        return {"type": "FeatureCollection", "article": article_meta(article), "features": features}

    # -- hand-made features --------------------------------------------------------------
    def _hand_geometry(self, entry: dict, where: str):
        from shapely.geometry import LineString, MultiLineString, Point

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

    def shared(self) -> dict[str, list[dict]]:
        """Return the layers no article owns: hand-made posts and routes, reference regions."""
        hand = self.hand_features()
        return {
            "peacekeeping-posts": hand.get("peacekeeping-posts", []),
            "routes": hand.get("routes", []),
            "regions": self.regions(),
        }


def article_meta(article: Article) -> dict:
    """Return what a partition records of its article (its foreign member ``article``)."""
    meta = {
        "id": article.id,
        "title": article.title,
        "published": article.published.isoformat(),
        "source": article.source,
        "url": article.url,
        "language": article.language,
        "published_note": article.meta.get("published_note"),
        "sentences": len(article.sentences),
    }
    return {k: v for k, v in meta.items() if v is not None}


class ArticleReader(Mapping[str, Article]):
    """Articles by id, read from the store's files on first use (``given`` ones override)."""

    def __init__(self, store: Store, given: Mapping[str, Article] | None = None):
        self._store = store
        self._cache: dict[str, Article] = dict(given or {})
        self._missing: set[str] = set()

    def __getitem__(self, article_id: str) -> Article:
        found = self.get(article_id)
        if found is None:
            raise KeyError(article_id)
        return found

    def get(self, article_id: str, default=None):
        """Return the article (read from its file the first time), else ``default``."""
        if article_id in self._cache:
            return self._cache[article_id]
        if article_id in self._missing:
            return default
        try:
            article = self._store.article(article_id)
        except NotFound:
            self._missing.add(article_id)
            return default
        self._cache[article_id] = article
        return article

    def __iter__(self) -> Iterator[str]:
        return iter(self._cache)

    def __len__(self) -> int:
        return len(self._cache)
