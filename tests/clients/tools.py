"""Helpers for driving real clients: GDAL's ogrinfo and a waitress server in a subprocess."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

__all__ = ["ogrinfo", "feature_count", "feature_ids", "live_server"]

REPO = Path(__file__).resolve().parents[2]


def ogrinfo(*args: str, timeout: float = 60) -> str:
    """Run Debian's ogrinfo and return its stdout; fail (not skip) if it is missing or fails."""
    exe = shutil.which("ogrinfo")
    if exe is None:
        pytest.fail("ogrinfo is not installed: apt-get install gdal-bin (make system-deps)")
    result = subprocess.run(
        [exe, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "LC_ALL": "C.UTF-8"},
    )
    if result.returncode != 0 or "ERROR" in result.stderr:
        pytest.fail(f"ogrinfo {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def feature_count(output: str) -> list[int]:
    """Return every ``Feature Count: N`` of an ogrinfo listing."""
    return [int(n) for n in re.findall(r"^Feature Count: (\d+)$", output, re.M)]


def feature_ids(output: str, field: str = "id") -> list[str]:
    """Return the values of a string field across an ``ogrinfo -al`` listing, in order."""
    return re.findall(rf"^  {re.escape(field)} \(String\) = (.*)$", output, re.M)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def live_server(data_dir: Path, timeout: float = 20) -> Iterator[str]:
    """Serve ``data_dir`` with waitress on a free loopback port; yield its base URL.

    Fails with the server's stderr if it does not answer within ``timeout`` seconds.
    """
    port = _free_port()
    env = {**os.environ, "MAPAPP_DATA_DIR": str(data_dir)}
    cmd = [
        sys.executable,
        "-m",
        "waitress",
        f"--listen=127.0.0.1:{port}",
        "--call",
        "mapapp:create_app",
    ]
    proc = subprocess.Popen(
        cmd, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(f"{base}/ogc/conformance", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                _, stderr = proc.communicate(timeout=5)
                pytest.fail(f"the server did not come up on {base}:\n{stderr}")
            time.sleep(0.1)
        yield base
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.communicate(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.communicate()
