"""Template-injection payloads and a data directory whose every source of text carries them.

The payloads are what template engines evaluate: Jinja (``{{ }}``, ``{% %}``, and
``lipsum.__globals__``, the usual way from a Jinja sandbox to ``os``), JavaScript template
literals (``${}``) and Ruby/Pug interpolation (``#{}``). Each is wrapped in markers (``«1`` …
``1»``) so that its evaluated form (``«1 42 1»``) can be told from any "42" elsewhere.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

PAYLOADS = {
    "«1 {{ 6*7 }} 1»": "«1 42 1»",
    "«2 {% for x in range(3) %}x{% endfor %} 2»": "«2 xxx 2»",
    "«3 {{ lipsum.__globals__ }} 3»": "__builtins__",
    "«4 ${7*7} 4»": "«4 49 4»",
    "«5 #{7*7} 5»": "«5 49 5»",
}
#: Every payload in one string.
ALL = " ".join(PAYLOADS)
#: What would show if any payload had been evaluated by some engine.
EVALUATED = tuple(PAYLOADS.values())
ARTICLE_ID = "hostile-templates"
PLACE_ID = "place-hostile-village"
VILLAGE = "Làng Thử Nghiệm"


def article_text() -> str:
    """Return an article whose title, source, front matter and body all carry the payloads."""
    meta = {
        "id": ARTICLE_ID,
        "title": f"Tiêu đề {ALL}",
        "source": f"Báo {ALL}",
        "url": "https://news.example/a?q={{7*7}}",
        "published": "2020-11-21",
        "language": "vi",
        "note": ALL,
    }
    body = (
        f"Ngày 20/11, Nga điều 3 máy bay tới {VILLAGE} để chở hàng cứu trợ {ALL}.\n\n"
        f"Tại Stepanakert, ngày 19/11, hơn 200 người đã hồi hương {ALL}.\n\n"
        f"Câu cuối {ALL}."
    )
    return f"---\n{yaml.safe_dump(meta, allow_unicode=True)}---\n{body}\n"


def make_hostile_data(geodata: Path, target: Path) -> Path:
    """Copy ``geodata`` to ``target`` and poison its gazetteer and curation with the payloads.

    Returns the path of the article file to ingest (not yet ingested).
    """
    shutil.copytree(geodata, target, ignore=shutil.ignore_patterns(".lock", "*.tmp", ".index"))
    gazetteer_path = target / "gazetteer.yaml"
    gazetteer = yaml.safe_load(gazetteer_path.read_text("utf-8"))
    gazetteer["entities"].append(
        {
            "id": PLACE_ID.removeprefix("place-"),
            "name": f"Test village {ALL}",
            "name_vi": VILLAGE,
            "kind": "village",
            "country": "AZ",
            "lat": 40.6,
            "lon": 45.6,
            "source": f"made up for a test {ALL}",
            "names": [VILLAGE],
        }
    )
    gazetteer_path.write_text(yaml.safe_dump(gazetteer, allow_unicode=True), "utf-8")
    curation_path = target / "curation.yaml"
    curation = yaml.safe_load(curation_path.read_text("utf-8"))
    curation["events"].append(
        {
            "id": "ev-hostile-airlift",
            "at": {"article": ARTICLE_ID, "contains": "Nga điều 3 máy bay"},
            "name": f"Airlift {ALL}",
            "name_vi": f"Không vận {ALL}",
            "event_type": "airlift",
            "date": "2020-11-20",
            "actors": [f"Actor {ALL}"],
            "places": [PLACE_ID.removeprefix("place-")],
            "geo_precision": "exact",
            "summary": f"Summary {ALL}",
            "summary_vi": f"Tóm tắt {ALL}",
            "geo_note": f"Note {ALL}",
        }
    )
    curation_path.write_text(yaml.safe_dump(curation, allow_unicode=True), "utf-8")
    article = target.parent / f"{ARTICLE_ID}.md"
    article.write_text(article_text(), "utf-8")
    return article
