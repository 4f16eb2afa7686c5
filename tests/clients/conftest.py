"""One real server (waitress in a subprocess) over the sample data, shared by the client tests."""

from __future__ import annotations

import pytest
from liveserver import LiveServer

from clients.samples import write_data_dir


@pytest.fixture(scope="session")
def server(tmp_path_factory) -> str:
    """Return the base URL (``http://127.0.0.1:PORT``) of a server over the sample data."""
    data = write_data_dir(tmp_path_factory.mktemp("ogc-data"))
    with LiveServer(data, factory=True, timeout=20) as live:
        yield live.url
