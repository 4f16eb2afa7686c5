"""What the geoparser reads in one article, as plain data: the ``mapapp parse`` interface.

``to_json(article, result, gazetteer)`` returns a document of the shape
``mapapp/geoparse/parse.schema.json`` pins (``SCHEMA`` names its version). Every span is a
``[start, end)`` pair of character offsets into ``body``, the article's text as it is stored
(Unicode NFC): ``body[start:end] == text``. Nothing here writes or reads a data directory.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from mapapp.geoparse.events import ParseResult
from mapapp.geoparse.gazetteer import Gazetteer
from mapapp.sources.articles import Article

__all__ = ["SCHEMA", "to_json"]

#: The document's schema and version: a change that breaks a reader changes the number.
SCHEMA = "mapapp-parse/1"


def _place(mention, gazetteer: Gazetteer) -> dict[str, Any]:
    entity = gazetteer.entity(mention.entity_id)
    return {
        "start": mention.start,
        "end": mention.end,
        "text": mention.surface,
        "id": entity.id,
        "name": entity.name,
        "name_vi": entity.name_vi,
        "lon": entity.lon,
        "lat": entity.lat,
        "kind": entity.kind,
        "country": entity.country,
        "precision": entity.precision,
    }


def to_json(article: Article, result: ParseResult, gazetteer: Gazetteer) -> dict[str, Any]:
    """Return what ``result`` (``parse_article(article, ...)``) found, as plain data."""
    return {
        "schema": SCHEMA,
        "article": {
            "id": article.id,
            "title": article.title,
            "published": article.published.isoformat(),
            "language": article.language,
        },
        "body": article.body,
        "sentences": [
            {"number": s.number, "start": s.start, "end": s.end} for s in result.sentences
        ],
        "places": [_place(m, gazetteer) for m in result.mentions],
        "dates": [
            {
                "start": d.start,
                "end": d.end,
                "text": d.surface,
                "date": d.date,
                "date_end": d.date_end,
                "precision": d.precision,
            }
            for d in result.dates
        ],
        "quantities": [
            {
                "start": q.start,
                "end": q.end,
                "text": q.surface,
                "value": q.value,
                "unit": q.unit,
                "qualifier": q.qualifier,
            }
            for q in result.quantities
        ],
        "actors": [
            {"start": a.start, "end": a.end, "text": a.surface, "name": a.name, "id": a.actor_id}
            for a in result.actors
        ],
        "events": [
            {
                "id": e.id,
                "sentence": e.sentence,
                "date": e.date,
                "date_end": e.date_end,
                "date_precision": e.date_precision,
                "date_basis": e.date_basis,
                "event_type": e.event_type,
                "places": list(e.places),
                "location": e.location,
                "lon": None if e.coordinates is None else e.coordinates[0],
                "lat": None if e.coordinates is None else e.coordinates[1],
                "geo_precision": e.geo_precision,
                "actors": list(e.actors),
                "quantities": [
                    {"unit": unit, "value": value, "qualifier": e.qualifiers.get(unit)}
                    for unit, value in e.quantities.items()
                ],
            }
            for e in result.events
        ],
        "warnings": list(result.warnings),
    }


def with_published(article: Article, published) -> Article:
    """Return ``article`` dated ``published`` (a ``datetime.date``) instead."""
    return dataclasses.replace(article, published=published)
