"""QGIS's OGC API – Features client (the OAPIF provider of Debian's python3-qgis), live.

PyQGIS exists only for Debian's ``/usr/bin/python3`` (``apt-get install python3-qgis
qgis-providers``, see ``make system-deps``), not in the project's venv, so each site is read by
one run of ``qgis_probe.py`` under that interpreter, offscreen; the tests compare what QGIS read
with what the API serves to any HTTP client. Without PyQGIS they skip.

Two sites: the sample data every client test uses (``server``, tests/clients/samples.py) and the
bundled geodata/, whose collections are the ones people open in QGIS. For every collection the
service lists, QGIS must open it, count and read every feature the API serves, with its
attributes and geometry type, filter by extent as the API's ``bbox`` does, and save it as a
GeoPackage that reopens with every feature.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from liveserver import LiveServer

from clients.samples import SAMPLE_COLLECTIONS
from clients.tools import feature_count, ogrinfo
from mapapp.ogc.collections import COLLECTIONS

SYSTEM_PYTHON = "/usr/bin/python3"
PROBE = Path(__file__).with_name("qgis_probe.py")
REPO = Path(__file__).resolve().parents[2]
#: A small box around Stepanakert (lon 46.75, lat 39.82): minx, miny, maxx, maxy.
STEPANAKERT = (46.7, 39.77, 46.8, 39.87)
SITES = ("sample", "bundled")
#: The collections each site lists: one a geometry family of each layer that has it (the
#: samples' posts have zones, the bundled routes an area).
LISTED = {
    "sample": SAMPLE_COLLECTIONS,
    "bundled": ["places", "peacekeeping-posts", "routes", "route-areas", "events", "regions"],
}
COLLECTION_IDS = [c.id for c in COLLECTIONS]
#: What a copy of geodata/ leaves out (as tests/conftest.py's ``data_dir`` does).
NOT_DATA = (".lock", "*.tmp", ".index")


def qgis_missing() -> str | None:
    """Return why PyQGIS cannot be used here, or None if ``import qgis.core`` works."""
    if not Path(SYSTEM_PYTHON).exists():
        return f"{SYSTEM_PYTHON} does not exist"
    result = subprocess.run(
        [SYSTEM_PYTHON, "-c", "import qgis.core"],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    if result.returncode != 0:
        last = (result.stderr.strip().splitlines() or ["no output"])[-1]
        return f"{SYSTEM_PYTHON} -c 'import qgis.core' failed ({last})"
    return None


@dataclass(repr=False)
class Site:
    """A live server and what QGIS read from it (``qgis``: collection id -> the probe's report)."""

    name: str
    url: str
    collections: list[str]
    qgis: dict[str, dict]

    def __repr__(self) -> str:  # pytest prints it with every failure: keep it short
        return f"Site({self.name!r}, {self.url!r})"

    def get(self, path: str, **params: object) -> dict:
        query = f"?{urllib.parse.urlencode(params)}" if params else ""
        with urllib.request.urlopen(f"{self.url}{path}{query}", timeout=30) as response:
            return json.load(response)

    def items(self, collection: str, **params: object) -> list[dict]:
        """Return every feature ``/items`` serves with ``params``, following its next links."""
        page = self.get(f"/ogc/collections/{collection}/items", f="json", limit=100, **params)
        features = list(page["features"])
        while nexts := [link["href"] for link in page["links"] if link["rel"] == "next"]:
            with urllib.request.urlopen(nexts[0], timeout=30) as response:
                page = json.load(response)
            features += page["features"]
        return features

    def read(self, collection: str) -> dict:
        """Return what QGIS read of ``collection``; skip one this site has no features of
        (not listed, as ``test_lists_every_collection`` checks)."""
        if collection not in LISTED[self.name]:
            pytest.skip(f"the {self.name} data has no {collection}")
        assert collection in self.qgis, f"the service does not list {collection}"
        return self.qgis[collection]


def run_probe(url: str, collections: list[str], work: Path) -> dict:
    """Run qgis_probe.py on ``collections`` of ``url`` and return its report (GPKGs in work/)."""
    home = work / "home"
    for sub in ("home", "tmp", "runtime", "gpkg"):
        (work / sub).mkdir(mode=0o700)
    # QGIS writes a profile, settings, caches and lock files: keep them all under work/.
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "HOME": str(home),
        "TMPDIR": str(work / "tmp"),
        "XDG_RUNTIME_DIR": str(work / "runtime"),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "LC_ALL": "C.UTF-8",
    }
    box = ",".join(str(v) for v in STEPANAKERT)
    command = [SYSTEM_PYTHON, str(PROBE), url, str(work / "gpkg"), box, *collections]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120, env=env)
    if result.returncode != 0 or not result.stdout.strip():
        pytest.fail(f"qgis_probe.py exited {result.returncode}:\n{result.stdout}\n{result.stderr}")
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def qgis() -> None:
    """Skip unless Debian's PyQGIS is installed (``make system-deps`` installs it)."""
    reason = qgis_missing()
    if reason:
        pytest.skip(f"QGIS is not installed: {reason}; apt-get install python3-qgis qgis-providers")


@pytest.fixture(scope="module", params=SITES)
def site(request, qgis, tmp_path_factory) -> Iterator[Site]:
    """Yield a site (a server over the sample or the bundled data) read once by QGIS."""

    def probed(url: str) -> Site:
        with urllib.request.urlopen(f"{url}/ogc/collections?f=json", timeout=30) as response:
            collections = [c["id"] for c in json.load(response)["collections"]]
        work = tmp_path_factory.mktemp(f"qgis-{request.param}")
        report = run_probe(url, collections, work)
        return Site(request.param, url, collections, report["collections"])

    if request.param == "sample":
        yield probed(request.getfixturevalue("server"))
        return
    data = tmp_path_factory.mktemp("bundled") / "geodata"
    shutil.copytree(REPO / "geodata", data, ignore=shutil.ignore_patterns(*NOT_DATA))
    with LiveServer(data, factory=True, timeout=20) as live:
        yield probed(live.url)


def test_lists_every_collection(site: Site) -> None:
    assert site.collections == LISTED[site.name]


@pytest.mark.parametrize("layer_id", COLLECTION_IDS)
def test_opens_the_collection(site: Site, layer_id: str) -> None:
    read = site.read(layer_id)
    assert read["valid"], f"QGIS could not open {layer_id}: {read['log']}"


@pytest.mark.parametrize("layer_id", COLLECTION_IDS)
def test_draws_the_collection(site: Site, layer_id: str) -> None:
    # A layer typed from its first features drew the others (the corridor's area among the
    # route lines) with no pixel at all.
    read = site.read(layer_id)
    assert read.get("drawn_pixels", 0) > 0, f"QGIS drew nothing of {layer_id}"


@pytest.mark.parametrize("layer_id", COLLECTION_IDS)
def test_counts_the_features_the_api_serves(site: Site, layer_id: str) -> None:
    read = site.read(layer_id)
    served = site.items(layer_id)
    assert read.get("feature_count") == len(served), f"QGIS fetched {read['fetched']}"


@pytest.mark.parametrize("layer_id", COLLECTION_IDS)
def test_reads_every_feature_with_its_attributes(site: Site, layer_id: str) -> None:
    read = site.read(layer_id)
    served = {
        f["id"]: {"name": f["properties"].get("name"), "kind": f["properties"].get("kind")}
        for f in site.items(layer_id)
    }
    got = {f["id"]: {"name": f["name"], "kind": f["kind"]} for f in read.get("features", [])}
    assert got == served


@pytest.mark.parametrize("layer_id", COLLECTION_IDS)
def test_reads_every_geometry_type_as_served(site: Site, layer_id: str) -> None:
    read = site.read(layer_id)
    served = {f["id"]: f["geometry"]["type"] for f in site.items(layer_id)}
    assert {f["id"]: f["geometry"] for f in read.get("features", [])} == served


@pytest.mark.parametrize("layer_id", COLLECTION_IDS)
def test_layer_geometry_type_fits_every_feature(site: Site, layer_id: str) -> None:
    # QGIS gives a layer one geometry type, guessed from the first features it reads, and so
    # does a GeoPackage table: a collection mixing types is saved as a non-conformant table.
    read = site.read(layer_id)
    types = {f["geometry"] for f in read.get("features", [])}
    assert types <= {read.get("wkb_type")}, f"{layer_id} is a {read.get('wkb_type')} layer"


@pytest.mark.parametrize("layer_id", COLLECTION_IDS)
def test_extent_filter_matches_the_bbox_parameter(site: Site, layer_id: str) -> None:
    read = site.read(layer_id)
    served = [f["id"] for f in site.items(layer_id, bbox=",".join(map(str, STEPANAKERT)))]
    assert sorted(read.get("in_box", [])) == sorted(served)


@pytest.mark.parametrize("layer_id", COLLECTION_IDS)
def test_saves_as_a_geopackage_that_reopens(site: Site, layer_id: str) -> None:
    read = site.read(layer_id)
    saved = read.get("gpkg", {})
    assert saved.get("error") == "NoError", f"{saved.get('error')}: {saved.get('message')}"
    listing = ogrinfo("-ro", "-so", "-al", saved["path"])
    assert feature_count(listing) == [len(site.items(layer_id))]
