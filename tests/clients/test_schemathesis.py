"""schemathesis fuzzes every operation of the OpenAPI document against the running server."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest


def test_no_server_error_and_no_response_breaking_the_schema(server: str, tmp_path) -> None:
    """All checks but two. ``positive_data_acceptance`` expects every schema-valid request to
    succeed, and OpenAPI 3.0 cannot say that a bbox latitude lies in [-90, 90], that
    ``2021-02-30`` is no date, or that an interval ends after it starts; those are a 400.
    ``negative_data_rejection`` expects a ``limit`` above the declared maximum to be refused,
    where Part 1 says it SHALL NOT be an error (/req/core/fc-limit-response-1 C) while its
    own fragment declares the maximum (/req/core/fc-limit-definition); the requests that
    must be refused are tested one by one in test_ogc_errors.py."""
    exe = shutil.which("schemathesis", path=str(Path(sys.executable).parent))
    if exe is None:
        pytest.fail("schemathesis is not installed: pip install -e '.[test]'")
    command = [
        exe,
        "run",
        f"{server}/ogc/openapi?f=json",
        "--checks",
        "all",
        "--exclude-checks",
        "positive_data_acceptance,negative_data_rejection",
        "--max-examples",
        "20",
        "--seed",
        "1",
        "--request-timeout",
        "20",
        "--phases",
        "coverage,fuzzing,stateful",
    ]
    result = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert "No issues found" in result.stdout
