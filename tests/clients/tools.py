"""Helpers for driving real clients: GDAL's ogrinfo (the server is tests/liveserver.py)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest

__all__ = ["ogrinfo", "feature_count", "feature_ids"]


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
