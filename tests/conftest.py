"""Shared fixtures: a copy of the bundled data in tmp_path, the app, its client."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from mapapp import create_app

REPO = Path(__file__).resolve().parents[1]
GEODATA = REPO / "geodata"


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """Return a private copy of the bundled geodata/ (tests may write to it)."""
    target = tmp_path / "geodata"
    shutil.copytree(GEODATA, target, ignore=shutil.ignore_patterns(".lock", "*.tmp", ".index"))
    return target


@pytest.fixture
def app(data_dir: Path):
    return create_app({"DATA_DIR": str(data_dir), "TESTING": True})


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture(scope="session")
def lexicons():
    """The gazetteer and actor list of the bundled data (built once: it takes about a second)."""
    from mapapp.geoparse import Lexicons
    from mapapp.store import DataDir

    return Lexicons.load(DataDir(GEODATA))


@pytest.fixture(scope="session")
def gazetteer(lexicons):
    """The gazetteer of the bundled data."""
    return lexicons.gazetteer


@pytest.fixture
def run_cli():
    """Return a function running ``python -m mapapp ARGS...`` and returning the result."""

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "mapapp", *args], capture_output=True,
                              text=True, cwd=REPO, timeout=120)  # fmt: skip

    return run
