"""The one diacritic fold, in Python and in the browser's copy, and CSS tokens."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from mapapp.core.text import css_token, fold, strip_diacritics
from mapapp.geoparse.text import strip_accents

STATE_JS = (
    Path(__file__).resolve().parents[1] / "mapapp" / "web" / "static" / "explore" / "state.js"
)
SAMPLES = [
    "Hành lang Lachin",
    "Đà Nẵng",
    "  Mátxcơva\t\nvà  ĐIỆN KREMLIN ",
    "Nagorno-Karabakh",
    "Ţūlkarm, Côte d'Ivoire, São Tomé, Łódź, Ørsted",
    "Thổ Nhĩ Kỳ",
    "ẤN ĐỘ — 1.960 quân nhân",
    "e\u0301 (decomposed)",
    "",
]


@pytest.mark.parametrize(
    ("text", "folded"),
    [("Hành lang Lachin", "hanh lang lachin"), ("Đà  Nẵng", "da nang"), ("Ţūlkarm", "tulkarm")],
)
def test_fold(text: str, folded: str) -> None:
    assert fold(text) == folded


def test_the_browsers_fold_is_the_same_as_the_servers() -> None:
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is needed (it installs the front-end packages too)")
    script = (
        f"import {{ fold }} from {json.dumps(STATE_JS.as_uri())};"
        f"console.log(JSON.stringify({json.dumps(SAMPLES)}.map(fold)));"
    )
    result = subprocess.run(
        [node, "--input-type=module", "-e", script], capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [fold(s) for s in SAMPLES]


def test_the_geoparsers_fast_accent_strip_agrees_with_the_fold() -> None:
    words = [
        "Hà",
        "Nội",
        "Đà",
        "Nẵng",
        "Thừa",
        "Thiên",
        "Huế",
        "Quảng",
        "Ngãi",
        "Bắc",
        "Giang",
        "Kỳ",
        "Anh",
        "Mỹ",
        "Tho",
        "ẤN",
        "ĐỘ",
    ]
    for words_ in words:
        for word in words_.split():
            assert strip_accents(word) == fold(word), word
    assert strip_diacritics("Đà Nẵng") == "Da Nang"


def test_css_token() -> None:
    assert css_token('x" onmouseover="y') == "x-onmouseover-y"
    assert css_token("") == "none"
