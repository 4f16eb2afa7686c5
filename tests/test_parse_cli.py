"""`mapapp parse`: what the geoparser reads in one article, printed, nothing stored."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema_rs

from mapapp.sources.articles import read_article

REPO = Path(__file__).resolve().parents[1]
SCHEMA = REPO / "mapapp" / "geoparse" / "parse.schema.json"
ARTICLE = REPO / "geodata" / "articles" / "2020-11-25-putin-erdogan-call.md"


def _validator():
    return jsonschema_rs.validator_for(json.loads(SCHEMA.read_text("utf-8")))


def test_the_json_follows_its_schema_and_every_span_is_its_text(run_cli, data_dir: Path) -> None:
    before = sorted(p.relative_to(data_dir) for p in data_dir.rglob("*") if ".index" not in p.parts)
    result = run_cli("parse", str(ARTICLE), "--data-dir", str(data_dir))
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    errors = [e.message for e in _validator().iter_errors(doc)]
    assert errors == []
    body = doc["body"]
    assert body == read_article(ARTICLE).body, "the body as stored"
    for kind in ("places", "dates", "quantities", "actors"):
        assert doc[kind], kind
        for item in doc[kind]:
            assert body[item["start"] : item["end"]] == item["text"], (kind, item)
    for s in doc["sentences"]:
        assert body[s["start"] : s["end"]].strip()
    places = {p["text"]: p for p in doc["places"]}
    assert places["Stepanakert"]["id"] == "stepanakert"
    assert abs(places["Stepanakert"]["lat"] - 39.8) < 0.2
    dates = {d["text"]: d for d in doc["dates"]}
    assert any(d["date"] == "2020-11-24" for d in dates.values())
    assert any(q["unit"] == "km" and q["value"] == 28 for q in doc["quantities"])
    call = next(e for e in doc["events"] if e["sentence"] == 1)
    assert call["event_type"] == "phone_call" and call["date"] == "2020-11-24"
    assert "Vladimir Putin" in call["actors"]
    after = sorted(p.relative_to(data_dir) for p in data_dir.rglob("*") if ".index" not in p.parts)
    assert after == before, "nothing stored"


def test_published_moves_the_year_of_year_less_dates(run_cli, data_dir: Path) -> None:
    args = ("parse", str(ARTICLE), "--data-dir", str(data_dir))
    result = run_cli(*args, "--published", "2031-12-01")
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["article"]["published"] == "2031-12-01"
    assert any(d["date"] == "2031-11-24" for d in doc["dates"])
    bad = run_cli(*args, "--published", "2031-13-01")
    assert bad.returncode == 2 and "--published" in bad.stderr and "Traceback" not in bad.stderr


def test_text_format_and_bad_input(run_cli, data_dir: Path, tmp_path: Path) -> None:
    text = run_cli("parse", str(ARTICLE), "--data-dir", str(data_dir), "--format", "text")
    assert text.returncode == 0, text.stderr
    assert "'Stepanakert' -> stepanakert" in text.stdout
    assert "event     sentence 1: phone_call 2020-11-24" in text.stdout
    broken = tmp_path / "broken.md"
    broken.write_text("no front matter here\n", encoding="utf-8")
    result = run_cli("parse", str(broken), "--data-dir", str(data_dir))
    assert result.returncode != 0 and "no front matter" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_schema_file_ships_beside_the_code() -> None:
    schema = json.loads(SCHEMA.read_text("utf-8"))
    assert schema["properties"]["schema"]["const"] == "mapapp-parse/1"
    from mapapp.geoparse.report import SCHEMA as VERSION

    assert VERSION == "mapapp-parse/1"


def test_plain_text_and_saved_pages_are_read_as_ingest_reads_them(run_cli, data_dir: Path) -> None:
    seed = REPO / "tests" / "seeds" / "000_817ee41d64e8e3a4.txt"
    result = run_cli("parse", str(seed), "--data-dir", str(data_dir), "--published", "2020-11-25")
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert [e.message for e in _validator().iter_errors(doc)] == []
    assert doc["body"] == read_article(ARTICLE).body, "the seed's text is the article's body"
    undated = run_cli("parse", str(seed), "--data-dir", str(data_dir))
    assert undated.returncode != 0 and "--published" in undated.stderr
