"""The store: the only code that reads and writes the files of a data directory.

Imports mapapp.core and mapapp.sources.
"""

from mapapp.store.layers import (
    Snapshot,
    Store,
    dump_geojson,
)

__all__ = [
    "Store",
    "Snapshot",
    "dump_geojson",
]
