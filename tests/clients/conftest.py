"""One real server (waitress in a subprocess) over the sample data, shared by the client tests."""

from __future__ import annotations

import pytest

from clients.samples import write_data_dir
from clients.tools import live_server


@pytest.fixture(scope="session")
def server(tmp_path_factory) -> str:
    """Return the base URL (``http://127.0.0.1:PORT``) of a server over the sample data."""
    data = write_data_dir(tmp_path_factory.mktemp("ogc-data"))
    with live_server(data) as base:
        yield base
