"""Geoparsing of Vietnamese news: places, dates, figures, actors and proposed events."""

from mapapp.geoparse.actors import ActorLexicon, ActorMention
from mapapp.geoparse.dates import DateMention, DateProblem, find_dates, scan_dates
from mapapp.geoparse.entities import Entity, Mention
from mapapp.geoparse.events import (
    MAX_EVENTS,
    EventProposal,
    ParseResult,
    parse_article,
    propose_events,
)
from mapapp.geoparse.gazetteer import Gazetteer
from mapapp.geoparse.lexicons import LexiconFiles, Lexicons
from mapapp.geoparse.quantities import Quantity, find_quantities

__all__ = [
    "ActorLexicon",
    "ActorMention",
    "DateMention",
    "DateProblem",
    "Entity",
    "EventProposal",
    "Gazetteer",
    "LexiconFiles",
    "Lexicons",
    "MAX_EVENTS",
    "Mention",
    "ParseResult",
    "Quantity",
    "find_dates",
    "find_quantities",
    "parse_article",
    "propose_events",
    "scan_dates",
]
