"""The `mapapp` command: serve over real HTTP, validate, build --check."""

from __future__ import annotations

import io
import json
import os
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from liveserver import LiveServer


@pytest.fixture
def server(data_dir: Path):
    with LiveServer(data_dir) as live:
        yield live.url


def test_serve_uses_a_production_server(server: str) -> None:
    with urllib.request.urlopen(server + "/api/layers/events") as response:
        assert response.headers["Server"] == "mapapp"  # waitress, not Werkzeug's dev server
        assert response.headers["Content-Type"] == "application/geo+json"
        assert json.load(response)["type"] == "FeatureCollection"


def test_serve_errors_are_json_without_traceback(server: str) -> None:
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(server + "/download/../../etc/passwd")
    assert info.value.code == 404
    body = info.value.read().decode()
    assert "Traceback" not in body and "Werkzeug Debugger" not in body


def test_serve_refuses_a_missing_data_dir(tmp_path: Path, run_cli) -> None:
    result = run_cli("serve", "--data-dir", str(tmp_path / "nope"))
    assert result.returncode == 1
    assert result.stderr.strip() == f"Error: data directory '{tmp_path / 'nope'}' does not exist"


def _falsify_a_quote(data_dir: Path, in_place: bool) -> None:
    """Change the quote of the first event of the first article partition on disk: written
    to a temporary file and renamed over the partition (as the store and most tools write),
    or rewritten in place (as some editors do)."""
    partition = min((data_dir / "features").glob("*.geojson"))
    body = json.loads(partition.read_text("utf-8"))
    event = next(f for f in body["features"] if f["properties"]["layer"] == "events")
    event["properties"]["sources"][0]["quote"] = "bịa đặt"
    text = json.dumps(body, ensure_ascii=False)
    if in_place:
        partition.write_text(text, "utf-8")
    else:
        staged = partition.with_name(partition.name + ".edit")
        staged.write_text(text, "utf-8")
        os.replace(staged, partition)


def test_validate_ok_and_broken(data_dir: Path, run_cli) -> None:
    ok = run_cli("validate", "--data-dir", str(data_dir))
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert ok.stdout.startswith("OK: ")
    _falsify_a_quote(data_dir, in_place=False)
    broken = run_cli("validate", "--data-dir", str(data_dir))
    assert broken.returncode == 1
    assert "quote is not verbatim sentence" in broken.stdout
    assert "1 problem(s)" in broken.stderr


def test_validate_sees_a_partition_edited_in_place(data_dir: Path, run_cli) -> None:
    ok = run_cli("validate", "--data-dir", str(data_dir))
    assert ok.returncode == 0, ok.stdout + ok.stderr
    _falsify_a_quote(data_dir, in_place=True)
    broken = run_cli("validate", "--data-dir", str(data_dir))
    assert broken.returncode == 1
    assert "quote is not verbatim sentence" in broken.stdout


def test_build_check(data_dir: Path, run_cli) -> None:
    current = run_cli("build", "--check", "--data-dir", str(data_dir))
    assert current.returncode == 0, current.stderr
    (data_dir / "routes.geojson").write_text(
        '{"type": "FeatureCollection", "features": []}', "utf-8"
    )
    stale = run_cli("build", "--check", "--data-dir", str(data_dir))
    assert stale.returncode == 1
    assert "layers are not current" in stale.stderr


def test_broken_curation_is_a_clear_error(data_dir: Path, run_cli) -> None:
    path = data_dir / "curation.yaml"
    path.write_text(
        path.read_text("utf-8").replace(
            'contains: "Mới đây nhất, ngày 16/11"', 'contains: "không có câu này"'
        ),
        "utf-8",
    )
    result = run_cli("build", "--data-dir", str(data_dir))
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "Error: curation event 'ev-2020-11-16-airlift': 'không có câu này' matches no sentence "
        "of article '2020-11-17-russia-humanitarian-centre'"
    )


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_batches_show_a_progress_bar_on_a_terminal_only(monkeypatch) -> None:
    from mapapp import cli

    items = ["a.md", "b.md", "c.md"]
    off = cli._progress("Ingesting")
    assert off(items, total=3) is items, "not a terminal: the items as they are"
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert list(cli._progress("Ingesting")(items, total=3)) == items
    shown = terminal.getvalue()
    assert "Ingesting" in shown and "/3 " in shown and "article/s" in shown
