"""Event proposals: each sentence that reports something dated, with its place, actors, figures."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field, replace
from itertools import islice
from typing import Any

from mapapp.core.errors import InvalidArticle
from mapapp.core.model import make_source, round_coords
from mapapp.core.vocabulary import EVENT_TYPES
from mapapp.geoparse.actors import ActorMention
from mapapp.geoparse.cues import (
    Cue,
    attribution_spans,
    find_cues,
    is_break,
    is_continuation,
    pick_event_type,
    quantity_role,
    reports_speech,
)
from mapapp.geoparse.dates import DateMention, DateProblem, scan_dates
from mapapp.geoparse.entities import SPECIFICITY, Mention
from mapapp.geoparse.gazetteer import Gazetteer
from mapapp.geoparse.lexicons import Lexicons
from mapapp.geoparse.quantities import Quantity, find_quantities
from mapapp.geoparse.text import TooMany, normalize
from mapapp.sources.articles import Article
from mapapp.sources.segment import Sentence

__all__ = [
    "EventProposal",
    "ParseResult",
    "parse_article",
    "propose_events",
    "MAX_EVENTS",
    "MAX_PLACE_MENTIONS",
    "MAX_DATES",
    "MAX_FIGURES",
]

# Bounds on what one article may hold, so that the work and the data one article adds stay
# bounded whatever its text. A long report has dozens of each; beyond these the article is
# refused (InvalidArticle) rather than flooding the map.
#: Events proposed (one per sentence at most).
MAX_EVENTS = 500
#: Place names found (each becomes a source of its place, quoting its sentence).
MAX_PLACE_MENTIONS = 2_000
#: Date expressions found (impossible ones included).
MAX_DATES = 2_000
#: Figures with a unit found.
MAX_FIGURES = 2_000

# Counts of people that the words after them can name more exactly ("killed", "injured").
_PEOPLE_UNITS = {"people", "personnel", "civilians"}
# quantity_role reads at most this many characters after a count.
_ROLE_WINDOW = 40
# A date a sentence measures against is not when its event happened: "vượt mức lũ lịch sử năm
# 1968", "cao nhất kể từ năm 1994", "so với cùng kỳ năm 2023".
_REFERENCE_BEFORE = re.compile(
    r"(?<!\w)(?:lịch sử|kỷ lục|kỉ lục|so với|cùng kỳ|cùng kì|(?:nhất|đầu tiên)\s+kể từ)"
    r"\s+(?:\w+\s+){0,2}$",
    re.IGNORECASE,
)


# "hôm nay", "sáng nay", "tối nay": the day of publication, said in words (not "hiện nay",
# "năm nay", "từ nay").
_TODAY = re.compile(r"(?<!\w)(?:hôm nay|(?:rạng sáng|sáng|trưa|chiều|tối|đêm) nay)(?!\w)", re.I)


def _today(article: Article, sentence: Sentence) -> DateMention | None:
    """The publication day as a sentence says it ("Sáng nay, ..."), or None."""
    found = _TODAY.search(sentence.text)
    if found is None:
        return None
    start, end = sentence.start + found.start(), sentence.start + found.end()
    return DateMention(start, end, found.group(), article.published.isoformat(), None, "day")


def _own_dates(text: str, sentence: Sentence, dates: list[DateMention]) -> list[DateMention]:
    """The dates of a sentence that can date its event (not the ones it compares with)."""
    return [
        d
        for d in dates
        if not _REFERENCE_BEFORE.search(
            text, max(0, d.start - sentence.start - 40), d.start - sentence.start
        )
    ]


@dataclass(frozen=True)
class EventProposal:
    """A dated event proposed from one sentence, ready to become a GeoJSON feature.

    ``date_basis`` says where the date comes from: ``text`` (the sentence itself), ``inherited``
    (an earlier sentence of the same paragraph that this one carries on, ``inherited_from``), or
    ``published`` (a casualty toll with no date of its own is dated by its report).
    ``location`` is the most specific place the sentence names (sources such as "Theo ... Điện
    Kremlin," left out) and ``coordinates`` its ``(lon, lat)``.
    """

    article_id: str
    sentence: int
    quote: str
    date: str
    date_end: str | None
    date_precision: str
    event_type: str
    actors: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    quantities: dict[str, float | int] = field(default_factory=dict)
    qualifiers: dict[str, str] = field(default_factory=dict)
    location: str | None = None
    geo_precision: str | None = None
    coordinates: tuple[float, float] | None = None
    date_basis: str = "text"
    inherited_from: int | None = None
    other_dates: tuple[str, ...] = ()
    location_names: tuple[str, str] | None = None  # the location's (English, Vietnamese) names
    year_inferred: bool = False  # the text gives no year: the publication date's context did
    place_basis: str = "text"  # "context": the place of a sentence before it in its paragraph
    part: int = 1  # the happening's number in its sentence (a sentence may report several)

    @property
    def id(self) -> str:
        """A feature id unique across the dataset: ``event-<article>-s<sentence>``, and
        ``-<part>`` after it for a sentence's second happening onwards."""
        base = f"event-{self.article_id}-s{self.sentence}"
        return base if self.part == 1 else f"{base}-{self.part}"

    def to_properties(self) -> dict:
        """Return the feature properties of the data contract (see DESIGN.md)."""
        kind = EVENT_TYPES[self.event_type]
        title, title_vi = kind.name, kind.name_vi
        if self.location_names:  # "Natural disaster – Quảng Ninh"; the date is shown beside it
            name, name_vi = (
                f"{title} – {self.location_names[0]}",
                f"{title_vi} – {self.location_names[1]}",
            )
        else:
            when = self.date if self.date_end is None else f"{self.date}/{self.date_end}"
            name, name_vi = f"{title}, {when}", f"{title_vi}, {when}"
        properties: dict[str, Any] = {
            "layer": "events",
            "name": name,
            "name_vi": name_vi,
            "kind": self.event_type,
            "event_type": self.event_type,
            "date": self.date,
            "date_precision": self.date_precision,
            "date_basis": self.date_basis,
            "geo_precision": self.geo_precision or "region",
            "location": self.location,
            "places": list(self.places),
            "sources": [make_source(self.article_id, self.sentence, self.quote)],
        }
        if self.date_end:
            properties["date_end"] = self.date_end
        if self.actors:
            properties["actors"] = list(self.actors)
        if self.quantities:
            properties["quantities"] = dict(self.quantities)
        if self.qualifiers:
            properties["quantity_qualifiers"] = dict(self.qualifiers)
        if self.inherited_from is not None:
            properties["inherited_from"] = self.inherited_from
        if self.year_inferred:
            properties["year_inferred"] = True
        if self.place_basis != "text":
            properties["place_basis"] = self.place_basis
        return properties

    def to_feature(self) -> dict:
        """Return a GeoJSON Feature; its geometry is None when no place is known."""
        geometry = None
        if self.coordinates is not None:
            geometry = {"type": "Point", "coordinates": round_coords(list(self.coordinates))}
        return {
            "type": "Feature",
            "id": self.id,
            "geometry": geometry,
            "properties": self.to_properties(),
        }


@dataclass(frozen=True)
class ParseResult:
    """Everything read from one article; every span indexes ``article.body``."""

    article_id: str
    sentences: tuple[Sentence, ...]
    mentions: tuple[Mention, ...]
    dates: tuple[DateMention, ...]
    quantities: tuple[Quantity, ...]
    actors: tuple[ActorMention, ...]
    events: tuple[EventProposal, ...]
    date_problems: tuple[DateProblem, ...] = ()

    @property
    def warnings(self) -> list[str]:
        """What was read but not used, one line each: "sentence 4: impossible date ..."."""
        starts = [s.start for s in self.sentences]
        lines = []
        for problem in self.date_problems:
            index = bisect_right(starts, problem.start) - 1
            where = f"sentence {self.sentences[index].number}: " if index >= 0 else ""
            lines.append(f"{where}{problem.message}")
        return lines

    @property
    def mentions_by_sentence(self) -> dict[int, list[Mention]]:
        """Place mentions grouped by sentence number (sentences without any are left out)."""
        grouped: dict[int, list[Mention]] = {}
        for mention in self.mentions:
            number = _sentence_of(self.sentences, mention.start)
            if number is not None:
                grouped.setdefault(number, []).append(mention)
        return grouped


def _sentence_of(sentences: tuple[Sentence, ...], position: int) -> int | None:
    index = bisect_right([s.start for s in sentences], position) - 1
    if index >= 0 and position < sentences[index].end:
        return sentences[index].number
    return None


@dataclass
class _Parts:
    """What was found in one sentence; cue spans are relative to the sentence."""

    mentions: list[Mention] = field(default_factory=list)
    dates: list[DateMention] = field(default_factory=list)
    quantities: list[Quantity] = field(default_factory=list)
    actors: list[ActorMention] = field(default_factory=list)
    cues: list[Cue] = field(default_factory=list)


def _split(sentences: tuple[Sentence, ...], **found) -> dict[int, _Parts]:
    """Put every found item (with a body span) into the sentence that holds it."""
    parts = {s.number: _Parts() for s in sentences}
    starts = [s.start for s in sentences]
    for kind, items in found.items():
        for item in items:
            index = bisect_right(starts, item.start) - 1
            if index >= 0 and item.end <= sentences[index].end:
                sentence = sentences[index]
                if kind == "cues":
                    item = item.shifted(sentence.start)
                getattr(parts[sentence.number], kind).append(item)
    return parts


def parse_article(article: Article, lexicons: Lexicons) -> ParseResult:
    """Read places, dates, figures and actors from ``article`` and propose its events.

    ``lexicons`` are the gazetteer and actor list of the data directory the article belongs to
    (``Lexicons.load(datadir)``). An article with more place names, dates, figures or events
    than MAX_PLACE_MENTIONS, MAX_DATES, MAX_FIGURES or MAX_EVENTS is refused (InvalidArticle
    naming it and the limit).
    """
    gazetteer, actors = lexicons.gazetteer, lexicons.actors
    body = article.body
    normalized = normalize(body)  # the body is NFC already: offsets are the identity
    mentions = gazetteer.find_normalized(normalized, body)
    try:
        if len(mentions) > MAX_PLACE_MENTIONS:
            raise TooMany("place names", MAX_PLACE_MENTIONS)
        dates, date_problems = scan_dates(body, article.published, MAX_DATES)
        spans = [(m.start, m.end) for m in mentions]
        quantities = find_quantities(body, normalized.folded, spans, MAX_FIGURES)
    except TooMany as exc:
        raise _too_many(article, f"has more than the {exc.limit:,} {exc.what}") from None
    countries = [m for m in mentions if gazetteer.entity(m.entity_id).kind == "country"]
    result = ParseResult(
        article.id,
        tuple(article.sentences),
        tuple(mentions),
        tuple(dates),
        tuple(quantities),
        tuple(actors.find(body, countries, normalized.folded)),
        (),
        tuple(date_problems),
    )
    parts = _split(
        result.sentences,
        mentions=result.mentions,
        dates=result.dates,
        quantities=result.quantities,
        actors=result.actors,
        cues=find_cues(body, normalized.folded),
    )
    events = tuple(islice(_propose(article, gazetteer, parts), MAX_EVENTS + 1))
    if len(events) > MAX_EVENTS:
        raise _too_many(article, f"proposes more than the {MAX_EVENTS:,} events")
    return replace(result, events=events)


def _too_many(article: Article, what: str) -> InvalidArticle:
    """The error refusing an article over one of the limits: "x.md: has more than the ..."."""
    return InvalidArticle(f"{article.label}: {what} allowed in one article")


def propose_events(article: Article, lexicons: Lexicons) -> list[EventProposal]:
    """Return the event proposals of ``article``, in sentence order."""
    return list(parse_article(article, lexicons).events)


# Moving people out of harm's way: a refugee movement in a war, part of a disaster in a flood.
_EVACUATION = re.compile(r"sơ tán|di dời|di tản", re.IGNORECASE)


def _context_type(parts: dict[int, _Parts]) -> str | None:
    """What the article is mostly about, when its cues say: "disaster" or "combat"."""
    counts = {"disaster": 0, "combat": 0}
    for found in parts.values():
        for cue in found.cues:
            if cue.event_type in counts:
                counts[cue.event_type] += 1
    if counts["disaster"] > counts["combat"]:
        return "disaster"
    return "combat" if counts["combat"] > counts["disaster"] else None


def _propose(article: Article, gazetteer: Gazetteer, parts: dict[int, _Parts]):
    """Yield one proposal per sentence that has a date of its own, inherits one, or reports a
    casualty toll (dated by publication).

    Each is placed where its sentence says (``_location``); a sentence naming no place takes
    the place of the nearest sentence before it in its paragraph that names one
    (``place_basis`` "context"), else it has none.
    """
    context = _context_type(parts)
    anchor: tuple[Sentence, DateMention] | None = None
    last_place: str | None = None
    paragraph = None
    for sentence in article.sentences:
        found = parts[sentence.number]
        text = sentence.text
        if anchor is not None and anchor[0].paragraph != sentence.paragraph:
            anchor = None
        if sentence.paragraph != paragraph:
            paragraph, last_place = sentence.paragraph, None
        own_place = _location(gazetteer, sentence, found.mentions)
        if found.mentions:
            where = (own_place, "text")
        else:
            where = (last_place, "context" if last_place else "text")
        last_place = own_place or last_place
        own = _own_dates(text, sentence, found.dates)
        today = None if own else _today(article, sentence)
        if today is not None and found.cues:
            own = [today]
        clauses = _clauses(sentence, found, own) if len(own) > 1 else []
        if clauses:
            # Several dated happenings: one event each, placed by its own clause (else by the
            # clause before it) and done by its own actors (else by the sentence's subject).
            place = where
            for part, (clause, in_clause, date) in enumerate(clauses, start=1):
                own_place = _location(gazetteer, clause, in_clause.mentions)
                if own_place:
                    place = (own_place, "text")
                if not in_clause.actors:
                    in_clause.actors = [a for a in found.actors if a.start < clause.start]
                proposal = _proposal(
                    article, gazetteer, context, place, clause, in_clause, date, "text"
                )
                yield replace(proposal, quote=text, part=part)
                last_place = place[0] or last_place
            anchor = (sentence, clauses[-1][2])
            continue
        if own:
            anchor = (sentence, own[0])
            yield _proposal(article, gazetteer, context, where, sentence, found, own[0], "text")
            continue
        if (
            anchor is not None
            and (is_continuation(text) or reports_speech(anchor[0].text))
            and not is_break(text)
        ):
            if found.cues or found.quantities:
                proposal = _proposal(
                    article, gazetteer, context, where, sentence, found, anchor[1], "inherited"
                )
                yield replace(proposal, inherited_from=anchor[0].number)
            continue
        anchor = None
        if pick_event_type(text, None, found.cues) == "casualties" and any(
            q.unit in _PEOPLE_UNITS for q in found.quantities
        ):
            published = article.published.isoformat()
            date = DateMention(sentence.start, sentence.start, "", published, None, "day")
            yield _proposal(article, gazetteer, context, where, sentence, found, date, "published")


# What joins a sentence's happenings: a comma, a semicolon or a conjunction between the end of
# one dated clause and the date of the next ("..., và ngày 5/6, hai bên ký ...", "...; chiều
# 4/6, ...", "... và dự kiến ngày 9/6 sẽ ..."). Only a few words may stand between it and the
# date (no figures: "ngày 3 và 5/6" is one list of days, read by the date scanner).
_CLAUSE_JOIN = re.compile(
    r"(?:[;,]\s*(?:và|còn|rồi|sau đó|trong khi|nhưng)?|\s(?:và|rồi|sau đó|còn|nhưng))"
    r"(?P<lead>[^\d;,.]{0,30})$",
    re.IGNORECASE,
)


def _clauses(
    sentence: Sentence, found: _Parts, dates: list[DateMention]
) -> list[tuple[Sentence, _Parts, DateMention]]:
    """Split a sentence at each of its own dates that opens a clause of its own, when every
    clause has an event cue: ``(clause, what it holds, its date)`` each, spans as in the
    sentence. Empty when the sentence reports one happening."""
    text = sentence.text
    cuts = [0]
    starts = [dates[0]]
    for previous, date in zip(dates, dates[1:], strict=False):
        lo, hi = previous.end - sentence.start, date.start - sentence.start
        join = _CLAUSE_JOIN.search(text[lo:hi])
        if join is None:
            continue
        cuts.append(lo + join.start())
        starts.append(date)
    if len(cuts) < 2:
        return []
    bounds = list(zip(cuts, [*cuts[1:], len(text)], strict=True))
    out = []
    for (a, b), date in zip(bounds, starts, strict=True):
        lo, hi = sentence.start + a, sentence.start + b
        clause = Sentence(sentence.number, text[a:b], lo, hi, sentence.paragraph)
        held = _Parts(
            mentions=[m for m in found.mentions if lo <= m.start < hi],
            dates=[d for d in found.dates if lo <= d.start < hi],
            quantities=[q for q in found.quantities if lo <= q.start < hi],
            actors=[x for x in found.actors if lo <= x.start < hi],
            cues=[c.shifted(a) for c in found.cues if a <= c.start < b],
        )
        if not held.cues:
            return []  # a clause that reports nothing: one happening, dated twice
        out.append((clause, held, date))
    return out


def _proposal(
    article: Article,
    gazetteer: Gazetteer,
    context: str | None,
    where: tuple[str | None, str],
    sentence: Sentence,
    found: _Parts,
    date: DateMention,
    basis: str,
) -> EventProposal:
    text = sentence.text
    span = (date.start - sentence.start, date.end - sentence.start) if basis == "text" else None
    event_type = pick_event_type(text, span, found.cues)
    if (
        event_type == "refugees"
        and context == "disaster"
        and any(
            c.event_type == "refugees" and _EVACUATION.fullmatch(text[c.start : c.end])
            for c in found.cues
        )
    ):
        event_type = "disaster"  # an evacuation from a flood or a storm
    quantities, qualifiers = _quantities(text, sentence, found.quantities)
    location, place_basis = where
    entity = gazetteer.entity(location) if location else None
    return EventProposal(
        article_id=article.id,
        sentence=sentence.number,
        quote=text,
        date=date.date,
        date_end=date.date_end,
        date_precision=date.precision,
        event_type=event_type,
        actors=tuple(dict.fromkeys(a.name for a in found.actors)),
        places=tuple(dict.fromkeys(m.entity_id for m in found.mentions)),
        quantities=quantities,
        qualifiers=qualifiers,
        location=location,
        geo_precision=entity.precision if entity else None,
        coordinates=entity.coordinates if entity else None,
        location_names=(entity.name, entity.name_vi or entity.name) if entity else None,
        date_basis=basis,
        year_inferred=date.year_inferred,
        place_basis=place_basis,
        other_dates=tuple(d.date for d in found.dates if d is not date) if basis == "text" else (),
    )


def _quantities(text: str, sentence: Sentence, quantities: list[Quantity]):
    values: dict[str, float | int] = {}
    qualifiers: dict[str, str] = {}
    next_suffix: dict[str, int] = {}  # "people", "people_2", ...: where to go on counting
    for quantity in quantities:
        key = quantity.unit
        if quantity.detail:
            key = f"{quantity.unit}:{quantity.detail}"
        elif quantity.unit in _PEOPLE_UNITS:
            offset = quantity.end - sentence.start  # the role is in the words right after it
            key = quantity_role(text[offset : offset + _ROLE_WINDOW]) or key
        base, n = key, next_suffix.get(key, 2)
        while key in values:
            key, n = f"{base}_{n}", n + 1
        next_suffix[base] = n
        values[key] = quantity.value
        if quantity.qualifier:
            qualifiers[key] = quantity.qualifier
    return values, qualifiers


# Words right before a place that make it a time zone ("lúc 21 giờ (giờ Hà Nội)"), not where
# anything happened.
_TIME_ZONE = re.compile(r"(?<!\w)giờ\s*$", re.IGNORECASE)
# Who a place name qualifies when it follows these words ("quân đội Israel", "pháo binh Nga",
# "Bộ Y tế Gaza", "Tổng thống Ai Cập", "lực lượng gìn giữ hòa bình Nga"): the actor's side,
# not where the event happened.
_ACTOR_HEAD = re.compile(
    r"(?<!\w)(?:quân đội|quân|pháo binh|không quân|hải quân|lục quân|binh sĩ|binh lính"
    r"|lực lượng(?: vũ trang| gìn giữ hòa bình| gìn giữ hoà bình| an ninh| đặc nhiệm)?"
    r"|bộ (?:y tế|quốc phòng|ngoại giao|nội vụ|tài chính|công an)|chính phủ|chính quyền"
    r"|(?:phó )?(?:tổng thống|thủ tướng|chủ tịch|ngoại trưởng|bộ trưởng|tổng bí thư)"
    r"|người phát ngôn|đại sứ|đại sứ quán|phái đoàn|phía|nhà chức trách|giới chức|quan chức"
    r"|hãng thông tấn|truyền thông|phe|tay súng|phiến quân)\s+$",
    re.IGNORECASE,
)
# A preposition of place before a name ("tại", "ở", "tới", "trên bầu trời"), up to three words
# before it: where the event happened, rather than a place merely named.
_LOCATIVE = re.compile(
    r"(?<!\w)(?:tại|ở|tới|đến|sang|vào|khỏi|trên bầu trời|trên|gần|ngoài khơi|khu vực)"
    r"(?:\s+[^\s,.;:()]+){0,3}\s+$",
    re.IGNORECASE,
)


def _is_actor_side(before: str) -> bool:
    """True if a place after ``before`` names whose side an actor is on, not a location."""
    return _ACTOR_HEAD.search(before[-40:]) is not None


def _location(gazetteer: Gazetteer, sentence: Sentence, mentions: list[Mention]) -> str | None:
    """Where a sentence's event happened: of the places it names outside source attributions,
    time zones and actors' sides, one after a preposition of place first, then the most
    specific; the first one on a tie."""
    text = sentence.text
    sources = [(sentence.start + a, sentence.start + b) for a, b in attribution_spans(text)]
    candidates = []
    for m in mentions:
        if any(a <= m.start and m.end <= b for a, b in sources):
            continue
        before = text[: m.start - sentence.start]
        if _TIME_ZONE.search(before[-12:]) or _is_actor_side(before):
            continue
        candidates.append((m, _LOCATIVE.search(before[-40:]) is None))
    if not candidates:
        return None
    best = min(
        enumerate(candidates),
        key=lambda item: (
            item[1][1],
            SPECIFICITY[gazetteer.entity(item[1][0].entity_id).kind],
            item[0],
        ),
    )
    return best[1][0].entity_id
