"""The live-server helper (tests/liveserver.py) fails with the server's output, and tidies up."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from liveserver import LiveServer, ServerDidNotStart


def test_a_server_that_does_not_come_up_fails_with_its_output(tmp_path: Path, monkeypatch) -> None:
    logs = tmp_path / "tmp"
    logs.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(logs))
    missing = tmp_path / "nope"
    with pytest.raises(ServerDidNotStart) as info, LiveServer(missing, timeout=20):
        pass
    message = str(info.value)
    assert message.startswith("mapapp serve did not come up on http://127.0.0.1:")
    assert f"Error: data directory '{missing}' does not exist" in message
    assert not list(logs.iterdir())  # the temporary log is removed


def test_a_kept_log_names_the_port(tmp_path: Path) -> None:
    server = LiveServer(tmp_path / "nope", log_dir=tmp_path)
    with pytest.raises(ServerDidNotStart):
        server.start()
    assert (tmp_path / f"server-{server.port}.log").read_text().startswith("Error: data dir")
