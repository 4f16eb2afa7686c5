"""What the geoparser reads text with: one data directory's gazetteer and actor list."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from mapapp.geoparse.actors import ActorLexicon
from mapapp.geoparse.compiled import ByteCache
from mapapp.geoparse.gazetteer import Gazetteer
from mapapp.geoparse.geonames import DEFAULT_MIN_POPULATION

__all__ = ["Lexicons", "LexiconFiles"]


class LexiconFiles(Protocol):
    """Where a data directory keeps the files the lexicons are built from (``DataDir`` has
    them; the geoparser does not import the store)."""

    @property
    def gazetteer(self) -> Path: ...

    @property
    def country_points(self) -> Path: ...

    @property
    def actors(self) -> Path: ...


@dataclass(frozen=True)
class Lexicons:
    """The gazetteer and the actor lexicon of one data directory, read-only once built.

    Build them with ``Lexicons.load(datadir)`` and hand them to ``parse_article`` and
    ``propose_events``. Nothing is cached per process: whoever needs them for a data directory
    builds them from it and keeps them as long as it likes.
    """

    gazetteer: Gazetteer
    actors: ActorLexicon

    @classmethod
    def load(
        cls,
        datadir: LexiconFiles,
        *,
        min_city_population: int | None = DEFAULT_MIN_POPULATION,
        gazetteer: Gazetteer | None = None,
        cache: ByteCache | None = None,
    ) -> Lexicons:
        """Build both from ``datadir``'s ``gazetteer.yaml``, ``country_points.csv`` and
        ``actors.yaml``.

        ``min_city_population`` is as for ``Gazetteer.load``. ``gazetteer`` is one already built
        from the same data directory (it takes about a second): then only the actors are read.
        ``cache`` keeps the built gazetteer between processes (``Gazetteer.load``).
        """
        if gazetteer is None:
            gazetteer = Gazetteer.load(
                datadir.gazetteer,
                min_city_population=min_city_population,
                country_points=datadir.country_points,
                cache=cache,
            )
        return cls(gazetteer, ActorLexicon.load(datadir.actors))
