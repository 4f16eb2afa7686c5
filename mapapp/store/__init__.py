"""The store: the only code that reads and writes the files of a data directory.

Imports mapapp.core and mapapp.sources.
"""

from mapapp.store.datadir import DataDir, bundled_data_dir
from mapapp.store.layers import ArticleInfo, Store, dump_geojson
from mapapp.store.queries import Filter

__all__ = ["ArticleInfo", "DataDir", "Filter", "Store", "bundled_data_dir", "dump_geojson"]
