"""What the request handlers need of the service: its description, limits, layers and indexes.

The handlers (``metadata``, ``items``, ``openapi``) take a ``Service``; ``api.FeaturesApi`` is
the one implementation and the only module that imports the handlers, so there is no cycle.
"""

from __future__ import annotations

from typing import Protocol

from mapapp.ogc.collections import Collection
from mapapp.store import Store

__all__ = ["Service"]


class Service(Protocol):
    """An OGC API – Features service over one store."""

    title: str
    description: str
    store: Store
    default_limit: int
    max_limit: int
    #: Matches beyond this many are not counted: a page then has no ``numberMatched``.
    count_limit: int

    def layer(self, collection_id: str) -> Collection:
        """Return a collection (NotFound for an unknown id)."""
        ...

    def extent(self, collection_id: str):
        """Return a collection's extent: ``bounds`` and day ``span`` (None where unknown)."""
        ...
