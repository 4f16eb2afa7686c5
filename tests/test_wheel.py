"""The wheel: built from the checkout, installed in a fresh venv outside it, it serves the map.

The checkout keeps templates/ at the top and Leaflet in node_modules/; an installed wheel must
carry both in the package. The test builds the wheel with the project's build backend (no build
isolation, so no network: hatchling comes with the test extras), installs it without its
dependencies into a new venv that borrows them from this interpreter's site-packages through a
.pth file, and serves a copy of geodata/ from a directory outside the checkout over real HTTP.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import urllib.error
import urllib.request
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from liveserver import LiveServer

from mapapp.web.vendor import VENDOR_FILES

pytestmark = pytest.mark.wheel

REPO = Path(__file__).resolve().parents[1]
NODE_MODULES = REPO / "node_modules"
_START_TIMEOUT_S = 30


def _run(*command: str | Path, cwd: Path, env: dict | None = None) -> str:
    """Run a command; fail the test with its output if it fails. Return its stdout."""
    done = subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if done.returncode:
        pytest.fail(f"{' '.join(map(str, command))} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def _outside_env() -> dict[str, str]:
    """This environment less what could point the child at the checkout or mask the defaults."""
    drop = ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "PYTHONSAFEPATH")
    env = {k: v for k, v in os.environ.items() if k not in drop and not k.startswith("MAPAPP_")}
    return env | {"PYTHONDONTWRITEBYTECODE": "1"}


@dataclass
class Installed:
    wheel: Path
    venv: Path
    python: Path
    workdir: Path  # a directory outside the checkout, the cwd of everything run from the venv


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Installed:
    """Build the wheel and install it alone into a new venv outside the checkout."""
    if not (NODE_MODULES / "leaflet" / "dist" / "leaflet.js").is_file():
        pytest.fail(f"{NODE_MODULES / 'leaflet'} is missing: run `npm ci` (or `make setup`)")
    if importlib.util.find_spec("hatchling") is None:
        pytest.fail("the build backend hatchling is missing: pip install -e '.[test]'")
    root = tmp_path_factory.mktemp("wheel")
    assert not root.resolve().is_relative_to(REPO)
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check"]
    _run(*pip, "wheel", "--quiet", "--no-deps", "--no-build-isolation", "-w", root, REPO, cwd=root)
    (wheel,) = root.glob("mapapp-*.whl")

    venv = root / "venv"
    _run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=root)
    python = venv / "bin" / "python"
    code = "import sysconfig; print(sysconfig.get_path('purelib'))"
    site_packages = Path(_run(python, "-I", "-c", code, cwd=root).strip())
    # The dependencies (flask, geopandas, ...) come from this interpreter's site-packages: a
    # plain path in a .pth, so the .pth files there (this checkout's editable install) stay
    # unread, and the venv's own site-packages, holding the wheel, comes first on sys.path.
    ours = [p for p in sys.path if Path(p).name in ("site-packages", "dist-packages")]
    (site_packages / "_mapapp_test_dependencies.pth").write_text("\n".join(ours) + "\n")
    _run(*pip, "--python", python, "install", "--quiet", "--no-deps", "--no-index", wheel, cwd=root)
    workdir = root / "work"
    workdir.mkdir()
    return Installed(wheel, venv, python, workdir)


def test_wheel_ships_the_templates_and_exactly_the_served_vendor_files(installed) -> None:
    names = [n for n in zipfile.ZipFile(installed.wheel).namelist() if not n.endswith("/")]
    tops = {n.split("/")[0] for n in names}
    assert {t for t in tops if not t.endswith(".dist-info")} == {"mapapp"}, tops
    templates = {p.relative_to(REPO).as_posix() for p in REPO.glob("templates/**/*") if p.is_file()}
    shipped = {n.removeprefix("mapapp/web/") for n in names if "/web/templates/" in n}
    assert shipped == templates
    static = {p.relative_to(REPO).as_posix() for p in REPO.glob("mapapp/web/static/**/*")}
    assert {s for s in static if (REPO / s).is_file()} <= set(names)
    npm = {n.removeprefix("mapapp/web/npm/") for n in names if n.startswith("mapapp/web/npm/")}
    missing = VENDOR_FILES - npm
    assert not missing, f"the wheel lacks {sorted(missing)}: was `npm ci` run before building?"
    # Only what /vendor/ serves, and Leaflet's licence: no source maps, no axe-core (a test tool).
    assert npm == VENDOR_FILES | {"leaflet/LICENSE"}


@pytest.fixture(scope="module")
def served(installed, tmp_path_factory) -> Iterator[str]:
    """Run ``python -m mapapp serve`` from the venv, cwd outside the checkout; yield its URL."""
    data_dir = tmp_path_factory.mktemp("data") / "geodata"
    shutil.copytree(REPO / "geodata", data_dir, ignore=shutil.ignore_patterns(".lock*", "*.tmp"))
    with LiveServer(
        data_dir,
        "--threads",
        "4",
        python=installed.python,
        cwd=installed.workdir,
        env=_outside_env(),
        inherit_env=False,
        timeout=_START_TIMEOUT_S,
        log_dir=installed.workdir,
    ) as server:
        yield server.url


def _get(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.headers.get_content_type(), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get_content_type(), error.read()


def test_the_venv_imports_mapapp_from_the_wheel_not_the_checkout(installed) -> None:
    code = (
        "import json, mapapp, mapapp.web; "
        "print(json.dumps([mapapp.__file__, *map(str, mapapp.web.bundled_dirs())]))"
    )
    out = _run(installed.python, "-c", code, cwd=installed.workdir, env=_outside_env())
    paths = [Path(p) for p in json.loads(out)]
    print("mapapp.__file__ in the venv:", paths[0])
    for path in paths:
        assert path.is_relative_to(installed.venv.resolve()), path
        assert not path.is_relative_to(REPO), path
    help_text = _run(installed.venv / "bin" / "mapapp", "--help", cwd=installed.workdir)
    assert "serve" in help_text


def test_the_installed_app_serves_the_map_its_assets_and_pages(served) -> None:
    status, content_type, body = _get(served + "/")
    assert (status, content_type) == (200, "text/html"), body[:500]
    soup = BeautifulSoup(body, "html.parser")
    assert soup.select_one("script#map-drawing[type='application/json']"), "no map on the page"
    assets = [t["src"] for t in soup.find_all("script", src=True)]
    assets += [t["href"] for t in soup.find_all("link", href=True, rel="stylesheet")]
    assert "/vendor/leaflet/dist/leaflet.js" in assets
    assert "/static/mapdraw.js" in assets
    for asset in assets:  # every local file the page loads is there
        if asset.startswith("/"):
            assert _get(served + asset)[0] == 200, asset

    for name in sorted(VENDOR_FILES):
        status, _, body = _get(f"{served}/vendor/{name}")
        assert status == 200, name
        assert body == (NODE_MODULES / name).read_bytes(), name
    status, _, body = _get(served + "/static/mapdraw.js")
    assert status == 200
    assert body == (REPO / "mapapp" / "web" / "static" / "mapdraw.js").read_bytes()

    status, content_type, body = _get(served + "/articles")
    assert (status, content_type) == (200, "text/html"), body[:500]
    assert BeautifulSoup(body, "html.parser").select("a[href^='/articles/']")
    status, _, body = _get(served + "/ogc/")
    assert status == 200, body[:500]


@pytest.mark.wheel
def test_a_wheel_without_the_npm_files_is_refused(tmp_path: Path) -> None:
    """Building from a checkout where `npm ci` has not run fails, naming what is missing."""
    tree = tmp_path / "checkout"
    tracked = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    for name in tracked:
        if (REPO / name).is_file():
            (tree / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, tree / name)
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "wheel", "--no-deps"]
    done = subprocess.run(
        [*pip, "--no-build-isolation", "-w", tmp_path / "dist", tree],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode != 0
    assert (
        "node_modules/leaflet/dist/leaflet.js is missing: run `npm ci`" in done.stdout + done.stderr
    )
