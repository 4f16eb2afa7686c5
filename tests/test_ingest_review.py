"""`mapapp ingest --dry-run` and `--report`: a table of what an ingest adds or changes, with
what an editor should check."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from bs4 import BeautifulSoup

from mapapp.pipeline.ingest import ingest
from mapapp.pipeline.review import far_year, review_rows, table

REPO = Path(__file__).resolve().parents[1]
WINTER = REPO / "tests" / "articles" / "2021-01-03-lachin-corridor-winter.md"


def _rows_by_id(change):
    return {row.feature_id: row for row in change.review}


def test_a_dry_run_reviews_every_feature_the_article_adds(data_dir: Path, gazetteer) -> None:
    change = ingest([WINTER], data_dir, gazetteer, dry_run=True)
    rows = _rows_by_id(change)
    # Every feature added in the article's partition has its row, and nothing else does.
    assert set(rows) == set(change.added) and rows
    goris = rows["place-goris"]
    assert (goris.change, goris.layer, goris.kind) == ("added", "places", "town")
    assert goris.place == "Goris (exact)" and goris.sentence.startswith("#")
    events = [r for r in change.review if r.layer == "events"]
    assert events and all(r.date.endswith(("(day)", "(month)", "(year)")) for r in events)
    # "ngày 28/12" in an article of 2021-01-03: the year is the text's reader's, worth a look.
    december = [r for r in events if r.date.startswith("2020-12-28")]
    assert december and all("year-inferred" in r.flags for r in december)
    # A date days from publication, year-less too, is not flagged.
    assert all("year-inferred" not in r.flags for r in events if r.date.startswith("2021-01-02"))


def test_a_year_is_worth_checking_only_far_from_publication() -> None:
    published = dt.date(2024, 9, 10)
    assert not far_year("2024-09-07", published)
    assert not far_year("2024-08", published)
    assert far_year("2024-05-02", published)
    assert far_year("2023-12-28", dt.date(2024, 1, 3))  # rolled back into the year before


def _part(*features: dict) -> dict:
    return {"type": "FeatureCollection", "features": list(features)}


def _event(fid: str, **props) -> dict:
    base = {"layer": "events", "name": "Meeting", "event_type": "meeting", "date": "2024-03-02"}
    base |= {"date_precision": "day", "geo_precision": "exact", "places": ["place-hanoi"]}
    base["sources"] = [{"article_id": "a", "sentence": 3, "quote": "Ngày 2/3, hai bên hội đàm."}]
    geometry = props.pop("geometry", {"type": "Point", "coordinates": [105.85, 21.03]})
    return {"type": "Feature", "id": fid, "geometry": geometry, "properties": base | props}


def test_rows_say_what_changed_and_what_to_check() -> None:
    hanoi = {
        "type": "Feature",
        "id": "place-hanoi",
        "geometry": {"type": "Point", "coordinates": [105.85, 21.03]},
        "properties": {"layer": "places", "name": "Hanoi", "name_vi": "Hà Nội", "kind": "capital"},
    }
    kept = _event("event-a-s1")
    old = _part(hanoi, kept, _event("event-a-s2"), _event("event-a-s4"))
    new = _part(
        hanoi,
        kept,
        _event("event-a-s2", date="2023-03-02", year_inferred=True),
        _event(
            "event-a-s5", event_type="visit", geometry=None, places=[], geo_precision="unplaced"
        ),
        _event("event-a-s6", places=["place-goris"]),
    )
    proposals = [
        {"id": "event-a-s2", "date_basis": "text", "location": "hanoi", "places": ["hanoi"]},
        {"id": "event-a-s5", "date_basis": "inherited", "location": None, "places": []},
        {"id": "event-a-s6", "location": "hanoi", "places": [], "place_basis": "context"},
    ]
    rows = review_rows(old, new, proposals, {"hanoi"}, dt.date(2024, 3, 5))
    got = {r.feature_id: (r.change, r.flags) for r in rows}
    assert got == {
        "event-a-s2": ("updated", ("unsure-place", "year-inferred")),
        "event-a-s5": ("added", ("date-from-context", "unplaced")),
        "event-a-s4": ("removed", ()),
        "event-a-s6": ("added", ("place-from-context",)),
    }
    by_id = {r.feature_id: r for r in rows}
    assert by_id["event-a-s2"].place == "Hà Nội (exact)"
    assert by_id["event-a-s5"].place == "(not on the map)"
    assert by_id["event-a-s2"].date == "2023-03-02 (day)"
    text = table(rows)
    assert "updated" in text and "year-inferred: the text gives no year" in text
    assert "event-a-s5: #3 Ngày 2/3, hai bên hội đàm." in text


def test_the_dry_run_prints_the_table(data_dir: Path, run_cli) -> None:
    result = run_cli("ingest", str(WINTER), "--data-dir", str(data_dir), "--dry-run")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split()[:3] == ["change", "name", "type"]
    goris = [line for line in lines if line.startswith("added") and " Goris " in line]
    assert goris and "town" in goris[0] and "Goris (exact)" in goris[0]
    assert any(line.strip().startswith("place-goris: #") for line in lines)
    assert "year-inferred: the text gives no year" in result.stdout


def test_the_report_is_a_page_with_every_row_and_article_text_as_text(
    data_dir: Path, run_cli, tmp_path: Path
) -> None:
    hostile = tmp_path / "2021-02-01-hostile.md"
    hostile.write_text(
        "---\nid: 2021-02-01-hostile\ntitle: Tin\npublished: 2021-02-01\n---\n"
        "Ngày 30/1, đoàn cứu trợ tới Stepanakert <script>alert(1)</script> {{ 7*7 }} "
        "{% raw %}x.\n",
        "utf-8",
    )
    report = tmp_path / "out" / "review.html"
    report.parent.mkdir()
    args = ["ingest", str(WINTER), str(hostile), "--data-dir", str(data_dir)]
    result = run_cli(*args, "--dry-run", "--report", str(report))
    assert result.returncode == 0, result.stderr
    page = BeautifulSoup(report.read_text("utf-8"), "html.parser")
    assert page.find("script") is None
    rows = page.select("tbody tr")
    ids = [row["data-feature-id"] for row in rows]
    assert "place-goris" in ids and any(i.startswith("event-2021-02-01-hostile") for i in ids)
    hostile_row = next(r for r in rows if r["data-feature-id"].startswith("event-2021-02-01"))
    sentence = hostile_row.select_one("td.sentence").get_text()
    assert "<script>alert(1)</script> {{ 7*7 }} {% raw %}" in sentence  # as text, once
    assert "Dry run: nothing was written." in page.get_text()
    flagged = page.select("tr.flagged .flag")
    assert any(flag.get_text() == "year-inferred" for flag in flagged)


def test_a_report_that_cannot_be_written_is_a_clear_error(data_dir: Path, run_cli, tmp_path):
    target = tmp_path / "missing" / "review.html"
    args = ["ingest", str(WINTER), "--data-dir", str(data_dir), "--dry-run"]
    result = run_cli(*args, "--report", str(target))
    assert result.returncode != 0
    assert "cannot write the report" in result.stderr and "Traceback" not in result.stderr


def test_an_event_placed_by_the_sentence_before_says_so(data_dir: Path, gazetteer, tmp_path):
    article = tmp_path / "2021-01-05-goris-talks.md"
    article.write_text(
        "---\nid: 2021-01-05-goris-talks\ntitle: Tin\npublished: 2021-01-05\n---\n"
        "Đoàn công tác đã làm việc tại Goris. Ngày 4/1, hai bên ký thỏa thuận hợp tác.\n",
        "utf-8",
    )
    change = ingest([article], data_dir, gazetteer)
    (row,) = [r for r in change.review if r.layer == "events"]
    assert "place-from-context" in row.flags and row.place.startswith("Goris")
    from mapapp.store.layers import Store

    event = Store(data_dir).feature(row.feature_id)
    assert event["properties"]["place_basis"] == "context"
    assert "sentence before it" in event["properties"]["geo_note"]
