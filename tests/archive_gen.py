"""Generate a large, deterministic archive: Vietnamese articles and their partitions, fast.

Usage: ``.venv/bin/python tests/archive_gen.py DATADIR --events N [--seed S]``

The data directory starts as a copy of the bundled ``geodata/`` (shared layers, curation file,
gazetteer, reference geometry and the two real articles the curation file cites; not the
index), then receives ``N / events_per_article`` generated articles. Each article is a handful
of one-sentence paragraphs built from templates: an opening sentence naming the place it is
about, one sentence per event (a real date, a real place from the gazetteer, sometimes an actor
from ``actors.yaml``), and a closing sentence. Its partition is written directly, not by the
geoparser (far too slow for a million events): the events (Point, or MultiPoint for the
templates that name two places) and one place feature per place named, every source quoting
its sentence verbatim. Sentence n of an article is its n-th paragraph.

Places are the gazetteer's entities (same ids, names, kinds and sources as ``mapapp build``
gives): every curated one, the largest GeoNames cities and every city of the Caucasus, picked
with weights that follow population; a share of the articles is about the Caucasus, so that the
map and the benchmarks' bbox queries there have dense data. Partitions are written through
``Store.write``, ``write_batch`` articles at a time, so memory holds one batch.
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import itertools
import json
import math
import random
import shutil
import string
import sys
import time
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from mapapp.core.vocabulary import EVENT_TYPE_KEYS, EVENT_TYPES
from mapapp.sources.segment import segment
from mapapp.store import DataDir, Store, bundled_data_dir

__all__ = ["generate", "Place", "load_places", "main"]

#: Publication dates of the generated articles (inclusive).
FIRST_DAY, LAST_DAY = dt.date(2015, 1, 1), dt.date(2026, 11, 30)
#: The box that a share of the articles is about: the Caucasus (west, south, east, north).
CAUCASUS = (38.0, 38.0, 50.0, 44.0)
CAUCASUS_SHARE = 0.3
#: How many of the largest GeoNames cities join the curated places.
CITIES = 3000
#: Articles per ``Store.write`` call (one transaction, one batch of files in memory).
WRITE_BATCH = 2000
OUTLETS = ("TTXVN", "VnExpress", "Tuổi Trẻ", "Thanh Niên", "VOV", "Nhân Dân", "Tiền Phong")
#: Subjects of a sentence that are not actors of the event.
SUBJECTS = (
    "giới chức địa phương",
    "chính quyền sở tại",
    "đại diện các bộ ngành",
    "các quan chức cấp cao",
    "một phát ngôn viên",
)
#: One sentence per event type. Slots: {when} (opens the sentence), {who}, {p1}, {p2} (places;
#: an event named with {p2} is a MultiPoint of both), {n} (a figure, with its unit key).
TEMPLATES: dict[str, tuple[str, str | None]] = {
    "phone_call": (
        "{when}, {who} đã điện đàm với lãnh đạo {p2} về hợp tác song phương và tình hình tại {p1}.",
        None,
    ),
    "statement": ("{when}, {who} ra tuyên bố về tình hình an ninh tại {p1}.", None),
    "meeting": ("{when}, {who} đã có cuộc gặp với đại diện các bên tại {p1}.", None),
    "diplomacy": (
        "{when}, {who} tiếp đại sứ {p2} tại {p1}, hai bên nhất trí thúc đẩy quan hệ ngoại giao.",
        None,
    ),
    "economy": (
        "{when}, các doanh nghiệp tại {p1} ký thỏa thuận thương mại với đối tác {p2}, "
        "nâng kim ngạch thêm {n}%.",
        "percent",
    ),
    "visit": ("{when}, {who} đã tới thăm và kiểm tra tình hình tại {p1}.", None),
    "delegation": (
        "{when}, một phái đoàn do {who} dẫn đầu đã tới {p1} và {p2} để thảo luận về hợp tác.",
        None,
    ),
    "decree": ("{when}, {who} ký sắc lệnh về việc tăng cường an ninh tại {p1}.", None),
    "ceasefire": (
        "{when}, các bên xung đột tại {p1} đạt được thỏa thuận ngừng bắn có hiệu lực ngay.",
        None,
    ),
    "deployment": (
        "{when}, {n} binh sĩ đã được triển khai tới {p1} theo quyết định của {who}.",
        "soldiers",
    ),
    "airlift": ("{when}, {n} chuyến bay chở hàng viện trợ đã hạ cánh xuống {p1}.", "flights"),
    "demining": (
        "{when}, các đơn vị công binh đã rà phá bom mìn trên {n} km đường tại {p1}.",
        "km",
    ),
    "humanitarian": (
        "{when}, {n} tấn hàng cứu trợ nhân đạo đã được chuyển tới người dân tại {p1}.",
        "tonnes",
    ),
    "refugees": (
        "{when}, khoảng {n} người tị nạn đã trở về {p1} với sự hỗ trợ của các tổ chức quốc tế.",
        "refugees",
    ),
    "disaster": (
        "{when}, mưa lớn kéo dài gây lũ lụt nghiêm trọng tại {p1}, hàng nghìn hộ dân bị ảnh hưởng.",
        None,
    ),
    "relief": (
        "{when}, {n} chiến sĩ đã được điều động tới {p1} để tìm kiếm cứu nạn.",
        "soldiers",
    ),
    "combat": (
        "{when}, giao tranh ác liệt đã nổ ra gần {p1}, nhiều công trình dân sự bị hư hại.",
        None,
    ),
    "casualties": (
        "{when}, ít nhất {n} người thiệt mạng trong một vụ tấn công tại {p1}.",
        "killed",
    ),
    "other": (
        "{when}, người dân {p1} tổ chức nhiều hoạt động kỷ niệm với sự tham gia của {who}.",
        None,
    ),
}
OPENING = "Theo {who}, tình hình tại {p1} đang thu hút sự quan tâm của dư luận quốc tế."
CLOSING = "Các bên sẽ tiếp tục theo dõi sát diễn biến tại {p1} trong thời gian tới."
#: Characters a place's or actor's written name may not contain: they could end a sentence.
_UNSAFE = frozenset('.!?…"\n')


@dataclass(frozen=True)
class Place:
    """A place articles can name: its feature id, how the text writes it, its feature facts."""

    id: str
    text: str
    name: str
    source: str
    source_vi: str
    geometry: dict
    props: dict
    weight: float


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _one_sentence(words: str) -> bool:
    """Tell whether ``words`` inside a sentence leave it one sentence (no boundary in them)."""
    probe = f"Ngày 1/1, {words} có tin mới."
    return [s.text for s in segment(probe)] == [probe]


def _outlines(source: DataDir) -> dict:
    """Return the country outlines ``validate`` checks places against, by ISO alpha-2 code."""
    from shapely.geometry import shape

    from mapapp.pipeline.validate import COUNTRY_ISO3

    iso2 = {iso3: iso for iso, iso3 in COUNTRY_ISO3.items()}
    regions = json.loads(source.layer("regions").read_text("utf-8"))
    return {
        iso2[f["properties"]["iso_a3"]]: shape(f["geometry"])
        for f in regions["features"]
        if f["properties"].get("iso_a3") in iso2
    }


@lru_cache(maxsize=4)
def load_places(source: Path, cities: int = CITIES) -> tuple[Place, ...]:
    """Return the places of ``source``'s gazetteer that generated articles name (cached).

    Every curated place with a point, the ``cities`` largest GeoNames cities and every city in
    the Caucasus box. Left out: names that could end a sentence ("St. Albert") and the places
    ``validate`` would put outside their country (it checks AM/AZ/RU/TR against generalised
    outlines, which miss some coastal and border cities).
    """
    from shapely.geometry import Point

    from mapapp.geoparse import Gazetteer
    from mapapp.pipeline.curation import Curation
    from mapapp.pipeline.validate import BORDER_TOLERANCE_DEG as tolerance

    datadir = DataDir(source)
    gazetteer = Gazetteer.load(datadir.gazetteer, country_points=datadir.country_points)
    curation = Curation.load(datadir.curation).places
    outlines = _outlines(datadir)
    west, south, east, north = CAUCASUS
    entities = sorted(gazetteer, key=lambda e: e.id)
    geonames = sorted(
        (e for e in entities if e.id.startswith("gn-")), key=lambda e: -(e.population or 0)
    )
    largest = {e.id for e in geonames[:cities]}
    places = []
    for e in entities:
        caucasus = west <= e.lon <= east and south <= e.lat <= north
        if e.id.startswith("gn-") and e.id not in largest and not caucasus:
            continue
        facts = curation.get(e.id) if isinstance(curation.get(e.id), dict) else {}
        text = _nfc(facts.get("name_vi") or e.name_vi or e.name)
        if _UNSAFE & set(text) or not text.strip() or not _one_sentence(text):
            continue
        outline = outlines.get(e.country or "")
        point = Point(e.lon, e.lat)
        if outline is not None and e.kind != "country" and outline.distance(point) > tolerance:
            continue
        name = facts.get("name") or e.name
        props = {
            "layer": "places",
            "name": name,
            "name_vi": text,
            "kind": e.kind,
            "geo_precision": e.precision,
            "geometry_source": e.source,
            "geometry_source_vi": e.source_vi,
            "country": e.country,
            "geonames_id": e.geonames_id,
            "mention": "named",
            "geo_note": facts.get("note"),
            "geo_note_vi": facts.get("note_vi"),
        }
        places.append(
            Place(
                id=f"place-{e.id}",
                text=text,
                name=name,
                source=e.source,
                source_vi=e.source_vi or e.source,
                geometry={"type": "Point", "coordinates": [round(e.lon, 6), round(e.lat, 6)]},
                props={k: v for k, v in props.items() if v not in (None, "")},
                weight=math.sqrt(e.population or 1_000_000),
            )
        )
    return tuple(places)


@lru_cache(maxsize=4)
def _actors(source: Path) -> tuple[tuple[str, str], ...]:
    """Return (canonical name, written form) of the actors in ``source``'s ``actors.yaml``."""
    data = yaml.safe_load(DataDir(source).actors.read_text("utf-8")) or {}
    found = []
    for actor in data.get("actors") or []:
        names = [_nfc(str(n)) for n in actor.get("names") or []]
        # "V.Putin" is safe (no space after its dot), "V. Putin" would end a sentence.
        safe = [n for n in names if not set('!?…"\n') & set(n) and ". " not in n]
        if actor.get("name") and safe and _one_sentence(safe[0]):
            found.append((str(actor["name"]), safe[0]))
    return tuple(found)


def _compile(template: str) -> list[tuple[str, str | None]]:
    return [(literal, slot) for literal, slot, _, _ in string.Formatter().parse(template)]


_COMPILED = {key: _compile(text) for key, (text, _) in TEMPLATES.items()}
_OPENING, _CLOSING = _compile(OPENING), _compile(CLOSING)


def _render(parts: list[tuple[str, str | None]], values: dict) -> tuple[str, dict[str, list]]:
    """Fill a compiled template; return the text and the spans of the places in it."""
    out: list[str] = []
    length = 0
    spans: dict[str, list] = {}
    for literal, slot in parts:
        out.append(literal)
        length += len(literal)
        if slot is None:
            continue
        value = values[slot]
        if isinstance(value, Place):
            spans.setdefault(value.id, []).append([length, length + len(value.text)])
            value = value.text
        out.append(value)
        length += len(value)
    return "".join(out), spans


class _Picker:
    """Seeded, weighted choices of places (anywhere, near the Caucasus, in one country)."""

    def __init__(self, places: tuple[Place, ...], rng: random.Random):
        self.rng = rng
        self.places = places
        self.cum = list(itertools.accumulate(p.weight for p in places))
        west, south, east, north = CAUCASUS
        self.caucasus = [
            p
            for p in places
            if west <= p.geometry["coordinates"][0] <= east
            and south <= p.geometry["coordinates"][1] <= north
        ]
        self.by_country: dict[str, list[Place]] = {}
        for p in places:
            self.by_country.setdefault(p.props.get("country", ""), []).append(p)

    def anywhere(self) -> Place:
        x = self.rng.random() * self.cum[-1]
        return self.places[bisect.bisect_right(self.cum, x)]

    def main(self) -> Place:
        if self.rng.random() < CAUCASUS_SHARE:
            return self.rng.choice(self.caucasus)
        return self.anywhere()

    def near(self, main: Place) -> Place:
        """Return the main place, one of its country's, or (less often) any other."""
        roll = self.rng.random()
        if roll < 0.35:
            return main
        if roll < 0.75:
            return self.rng.choice(self.by_country[main.props.get("country", "")])
        return self.anywhere()


def _when(rng: random.Random, published: dt.date) -> tuple[str, str, str | None, str]:
    """Return (opening words, date, date_end, date precision) of an event before publication."""
    day = published - dt.timedelta(days=rng.randrange(45))
    roll = rng.random()
    year = "" if day.year == published.year else f"/{day.year}"
    if roll < 0.75:
        return f"Ngày {day.day}/{day.month}{year}", day.isoformat(), None, "day"
    if roll < 0.80 and day.day < 27:
        end = day + dt.timedelta(days=rng.randrange(1, 3))
        words = f"Từ ngày {day.day} đến {end.day}/{day.month}{year}"
        return words, day.isoformat(), end.isoformat(), "day"
    if roll < 0.92:
        return f"Trong tháng {day.month}/{day.year}", day.isoformat()[:7], None, "month"
    return f"Trong năm {day.year}", str(day.year), None, "year"


def _figure(rng: random.Random, unit: str) -> tuple[str, int]:
    value = rng.choice((3, 5, 12, 20, 45, 120, 250, 300, 1500, 1960, 12000))
    if unit == "percent":
        value = rng.randrange(2, 40)
    return f"{value:,}".replace(",", "."), value


def _source(aid: str, number: int, quote: str) -> dict:
    return {
        "article_id": aid,
        "sentence": number,
        "quote": quote,
        "url": f"/articles/{aid}#s{number}",
    }


def make_article(
    rng: random.Random,
    aid: str,
    events: int,
    picker: _Picker,
    actors: tuple[tuple[str, str], ...],
    note: str,
) -> tuple[str, dict]:
    """Return one article's file text and its partition, with ``events`` events."""
    published = FIRST_DAY + dt.timedelta(days=rng.randrange((LAST_DAY - FIRST_DAY).days + 1))
    outlet = rng.choice(OUTLETS)
    main = picker.main()
    sentences: list[str] = []
    mentions: dict[str, tuple[Place, list]] = {}

    def add(parts: list, values: dict) -> tuple[int, str]:
        text, spans = _render(parts, values)
        sentences.append(text)
        number = len(sentences)
        for value in values.values():
            if isinstance(value, Place) and value.id in spans:
                mentions.setdefault(value.id, (value, []))[1].append((number, spans[value.id]))
        return number, text

    add(_OPENING, {"who": outlet, "p1": main})
    features = []
    for k in range(events):
        etype = EVENT_TYPE_KEYS[rng.randrange(len(EVENT_TYPE_KEYS))]
        template, unit = TEMPLATES[etype]
        words, date, date_end, precision = _when(rng, published)
        p1 = picker.near(main)
        values: dict = {"when": words, "p1": p1}
        where = [p1]
        if "{p2}" in template:
            p2 = picker.anywhere()
            while p2.id == p1.id:
                p2 = picker.anywhere()
            values["p2"] = p2
            where.append(p2)
        actor = None
        if "{who}" in template:
            if actors and rng.random() < 0.4:
                actor = actors[rng.randrange(len(actors))]
                values["who"] = actor[1]
            else:
                values["who"] = SUBJECTS[rng.randrange(len(SUBJECTS))]
        quantities = None
        if unit is not None:
            values["n"], number = _figure(rng, unit)
            quantities = {unit: number}
        sentence, text = add(_COMPILED[etype], values)
        kind = EVENT_TYPES[etype]
        coords = [p.geometry["coordinates"] for p in where]
        props = {
            "layer": "events",
            "name": f"{kind.name} – {p1.name}",
            "name_vi": f"{kind.name_vi} – {p1.text}",
            "event_type": etype,
            "date": date,
            "date_end": date_end,
            "actors": [actor[0]] if actor else None,
            "quantities": quantities,
            "geo_precision": max(
                (p.props["geo_precision"] for p in where),
                key=("exact", "approximate", "region").index,
            ),
            "date_precision": precision,
            "kind": etype,
            "places": [p.id for p in where],
            "geometry_source": "the event's place(s): "
            + ", ".join(f"{p.name} ({p.source})" for p in where),
            "geometry_source_vi": "theo địa danh của sự kiện: "
            + ", ".join(f"{p.text} ({p.source_vi})" for p in where),
            "sources": [_source(aid, sentence, text)],
        }
        geometry = (
            {"type": "Point", "coordinates": coords[0]}
            if len(coords) == 1
            else {"type": "MultiPoint", "coordinates": coords}
        )
        features.append(
            {
                "type": "Feature",
                "id": f"ev-{aid}-{k + 1:02d}",
                "geometry": geometry,
                "properties": {k: v for k, v in props.items() if v is not None},
            }
        )
    add(_CLOSING, {"p1": main})
    features.sort(key=lambda f: (f["properties"]["date"], f["id"]))
    for pid in sorted(mentions):
        place, refs = mentions[pid]
        sources = [{**_source(aid, n, sentences[n - 1]), "spans": spans} for n, spans in refs]
        features.append(
            {
                "type": "Feature",
                "id": place.id,
                "geometry": place.geometry,
                "properties": {**place.props, "sources": sources},
            }
        )
    title = f"Tin tổng hợp về {main.text} ngày {published.day}/{published.month}/{published.year}"
    # Vietnamese news closes an article with "/." (not part of the last sentence).
    sentences[-1] += "/."
    head = (
        f"---\nid: {aid}\ntitle: {json.dumps(title, ensure_ascii=False)}\nsource: {outlet}\n"
        f"published: {published.isoformat()}\nlanguage: vi\n"
        f"title_note: {json.dumps(note, ensure_ascii=False)}\n---\n"
    )
    text = head + "\n\n".join(sentences) + "\n"
    meta = {
        "id": aid,
        "title": title,
        "published": published.isoformat(),
        "source": outlet,
        "url": None,
        "language": "vi",
    }
    return text, {"type": "FeatureCollection", "article": meta, "features": features}


def _inputs(datadir: DataDir) -> dict:
    """Return what ``mapapp build`` records of its inputs, so that an ingest into the generated
    archive does not take it for a changed curation file (and redo the curated articles)."""
    from mapapp.pipeline.build import Builder
    from mapapp.pipeline.ingest import _lexicon_digest, curation_digest

    builder = Builder.for_data_dir(datadir, gazetteer=None)
    return {
        "digest": curation_digest(datadir),
        "cited": sorted(builder.curated_articles()),
        "lexicons": _lexicon_digest(datadir),
    }


def generate(
    datadir: Path,
    events: int,
    seed: int = 0,
    events_per_article: int = 10,
    *,
    source: Path | None = None,
    write_batch: int = WRITE_BATCH,
) -> dict:
    """Create a data directory with ``events`` generated events; return counts and seconds."""
    start = time.perf_counter()
    source = Path(source or bundled_data_dir())
    datadir = Path(datadir)
    shutil.copytree(
        source,
        datadir,
        ignore=shutil.ignore_patterns(".index", ".lock", ".lock.holder", "*.tmp"),
        dirs_exist_ok=True,
    )
    places = load_places(source)
    actors = _actors(source)
    loaded = time.perf_counter()
    rng = random.Random(seed)
    picker = _Picker(places, rng)
    note = f"generated by tests/archive_gen.py (seed {seed})"
    n_articles = max(1, math.ceil(events / events_per_article)) if events > 0 else 0
    store = Store(datadir)
    named: set[str] = set()
    timings = {"build": 0.0, "write": 0.0}
    made = 0
    with store.lock():
        store.refresh_for_write()
        meta = {"inputs": _inputs(store.datadir)}
        for first in range(0, n_articles, write_batch):
            t0 = time.perf_counter()
            parts: dict[str, dict | None] = {}
            texts: dict[str, str] = {}
            for i in range(first, min(first + write_batch, n_articles)):
                count = min(events_per_article, events - made)
                made += count
                aid = f"g{seed}-{i:07d}"
                text, part = make_article(rng, aid, count, picker, actors, note)
                parts[aid] = part
                texts[aid] = text
                named.update(f["id"] for f in part["features"] if f["id"].startswith("place-"))
            t1 = time.perf_counter()
            last = first + write_batch >= n_articles
            store.write(parts, texts, meta=meta if last else None)
            t2 = time.perf_counter()
            timings["build"] += t1 - t0
            timings["write"] += t2 - t1
    return {
        "articles": n_articles,
        "events": made,
        "places": len(named),
        "seconds": round(time.perf_counter() - start, 3),
        "load_seconds": round(loaded - start, 3),
        "build_seconds": round(timings["build"], 3),
        "write_seconds": round(timings["write"], 3),
    }


def main(argv: list[str] | None = None) -> None:
    """Run the command line: generate an archive into DATADIR and print its counts."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("datadir", type=Path)
    parser.add_argument("--events", type=int, required=True)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--events-per-article", type=int, default=10)
    parser.add_argument("--write-batch", type=int, default=WRITE_BATCH)
    args = parser.parse_args(argv)
    result = generate(
        args.datadir,
        args.events,
        args.seed,
        args.events_per_article,
        write_batch=args.write_batch,
    )
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
