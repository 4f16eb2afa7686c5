"""The store: the only code that reads and writes the files of a data directory.

Imports mapapp.core and mapapp.sources.
"""

from mapapp.store.datadir import DataDir, bundled_data_dir
from mapapp.store.layers import (
    Snapshot,
    Store,
    dump_geojson,
)

__all__ = [
    "DataDir",
    "bundled_data_dir",
    "Store",
    "Snapshot",
    "dump_geojson",
]
