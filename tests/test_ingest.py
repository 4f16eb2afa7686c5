"""`mapapp ingest`: new articles reach the map; bad input and concurrency lose nothing."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from mapapp.core.errors import InvalidArticle
from mapapp.pipeline import ingest as ingest_module
from mapapp.pipeline.ingest import ingest
from mapapp.store.layers import Store

REPO = Path(__file__).resolve().parents[1]
WINTER = REPO / "tests" / "articles" / "2021-01-03-lachin-corridor-winter.md"
TRUCE = REPO / "tests" / "articles" / "2020-10-11-moscow-humanitarian-truce.md"


def fingerprint(directory: Path) -> dict[str, str]:
    return {
        str(p.relative_to(directory)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(directory.rglob("*"))
        # The index is derived data (its write-ahead files change on every read).
        if p.is_file() and p.name != ".lock" and ".index" not in p.parts
    }


def features(data_dir: Path, layer: str) -> dict[str, dict]:
    return {f["id"]: f for f in Store(data_dir).iter_layer(layer)}


def test_ingest_adds_places_and_events_with_sources(data_dir: Path, gazetteer) -> None:
    change = ingest([WINTER], data_dir, gazetteer)
    assert change.articles == ["2021-01-03-lachin-corridor-winter"]
    assert (data_dir / "articles" / WINTER.name).read_bytes() == WINTER.read_bytes()
    events = [
        f
        for f in features(data_dir, "events").values()
        if f["properties"]["sources"][0]["article_id"] == "2021-01-03-lachin-corridor-winter"
    ]
    dates = sorted(f["properties"]["date"] for f in events)
    assert "2020-12-28" in dates  # "ngày 28/12" in an article of 2021-01-03: the year rolls back
    assert "2021-01-02" in dates
    places = features(data_dir, "places")
    goris = places["place-goris"]["properties"]
    assert goris["sources"][0]["article_id"] == "2021-01-03-lachin-corridor-winter"
    # Stepanakert now lists the new article's sentences too ("Xankandi" is its other name).
    stepanakert_articles = {
        s["article_id"] for s in places["place-stepanakert"]["properties"]["sources"]
    }
    assert "2021-01-03-lachin-corridor-winter" in stepanakert_articles
    from mapapp.pipeline.validate import validate

    assert validate(Store(data_dir)) == []


def test_reingest_changes_nothing(data_dir: Path, gazetteer) -> None:
    ingest([WINTER], data_dir, gazetteer)
    before = fingerprint(data_dir)
    change = ingest([WINTER], data_dir, gazetteer)
    assert not change.changed
    assert (change.added, change.updated, change.removed) == ([], [], [])
    assert fingerprint(data_dir) == before


def test_edited_article_updates_instead_of_duplicating(data_dir: Path, gazetteer, tmp_path) -> None:
    ingest([WINTER], data_dir, gazetteer)
    count = len(features(data_dir, "events"))
    edited = tmp_path / WINTER.name
    edited.write_text(WINTER.read_text("utf-8").replace("40 xe tải", "45 xe tải"), "utf-8")
    change = ingest([edited], data_dir, gazetteer)
    assert change.articles == ["2021-01-03-lachin-corridor-winter"]
    assert change.updated and not change.added
    assert len(features(data_dir, "events")) == count
    assert "45 xe tải" in (data_dir / "articles" / WINTER.name).read_text("utf-8")


def test_curation_survives_reingest(data_dir: Path, gazetteer) -> None:
    # The curated seed event keeps the editor's name and date_end after re-ingesting its article.
    seed = data_dir / "articles" / "2020-11-25-putin-erdogan-call.md"
    ingest([seed], data_dir, gazetteer)
    props = features(data_dir, "events")["ev-2020-11-23-call-putin-pashinyan"]["properties"]
    assert props["name"] == "Putin–Pashinyan phone call"
    assert props["date_end"] == "2020-11-24"


def test_ingest_reads_and_rewrites_only_its_own_article(
    data_dir: Path, gazetteer, monkeypatch
) -> None:
    parsed: list[str] = []
    real = ingest_module.proposals_of

    def counting(article, lexicons):
        parsed.append(article.id)
        return real(article, lexicons)

    ingest([WINTER], data_dir, gazetteer)  # the first write also records the curation inputs
    monkeypatch.setattr(ingest_module, "proposals_of", counting)
    partitions = data_dir / "features"
    before = {p.name: p.stat().st_mtime_ns for p in partitions.iterdir()}
    edited = data_dir.parent / WINTER.name
    edited.write_text(WINTER.read_text("utf-8").replace("40 xe tải", "45 xe tải"), "utf-8")
    ingest([edited], data_dir, gazetteer)
    assert parsed == ["2021-01-03-lachin-corridor-winter"]
    after = {p.name: p.stat().st_mtime_ns for p in partitions.iterdir()}
    changed = sorted(name for name in after if after[name] != before.get(name))
    assert changed == ["2021-01-03-lachin-corridor-winter.geojson"]


@pytest.mark.parametrize("how", ["mapapp index", "a new index schema"])
def test_a_rebuilt_index_keeps_what_the_last_write_recorded_of_its_inputs(
    data_dir: Path, gazetteer, monkeypatch, how: str
) -> None:
    """After the index is rebuilt from the partitions, the next ingest still parses only its
    own article: the record of the curation inputs survives, so the articles the curation
    file cites and the shared layers are not rebuilt to find out whether they changed."""
    ingest([TRUCE], data_dir, gazetteer)
    store = Store(data_dir)
    recorded = store.meta("inputs")
    assert recorded and json.loads(recorded)["cited"]
    if how == "mapapp index":
        store.rebuild_index()
    else:
        with store.lock():
            store.db().execute("UPDATE meta SET value = 'old' WHERE key = 'schema'")
            store.db().commit()
        assert Store(data_dir).refresh() is True  # rebuilt for the schema
    assert Store(data_dir).meta("inputs") == recorded
    parsed: list[str] = []
    real = ingest_module.proposals_of

    def counting(article, lexicons):
        parsed.append(article.id)
        return real(article, lexicons)

    monkeypatch.setattr(ingest_module, "proposals_of", counting)
    ingest([WINTER], data_dir, gazetteer)
    assert parsed == ["2021-01-03-lachin-corridor-winter"]


def test_a_folder_ingests_every_article_in_it(data_dir: Path, gazetteer, tmp_path) -> None:
    folder = tmp_path / "incoming"
    folder.mkdir()
    for path in (WINTER, TRUCE):
        (folder / path.name).write_bytes(path.read_bytes())
    change = ingest([folder], data_dir, gazetteer)
    assert sorted(change.articles) == sorted(p.stem for p in (WINTER, TRUCE))
    assert Store(data_dir).article_count() == 4


def test_a_missing_or_stale_index_is_rebuilt_from_the_geojson(data_dir: Path, gazetteer) -> None:
    ingest([WINTER], data_dir, gazetteer)
    store = Store(data_dir)
    counts = store.layer_counts()
    for path in (data_dir / ".index").iterdir():
        path.unlink()
    assert Store(data_dir).layer_counts() == counts
    # A partition replaced behind the index's back (a crash after the files were written,
    # a checkout) is noticed by the next reader and indexed again.
    part = data_dir / "features" / "2021-01-03-lachin-corridor-winter.geojson"
    body = json.loads(part.read_text("utf-8"))
    body["features"] = [f for f in body["features"] if f["properties"]["layer"] != "events"]
    replacement = part.with_suffix(".new")
    replacement.write_text(json.dumps(body), "utf-8")
    os.replace(replacement, part)
    fresh = Store(data_dir).layer_counts()
    assert fresh["events"] < counts["events"] and fresh["places"] <= counts["places"]
    assert store.layer_counts() == fresh  # the long-lived reader sees it too


def test_dry_run_writes_nothing_and_reports(data_dir: Path, run_cli) -> None:
    before = fingerprint(data_dir)
    result = run_cli("ingest", str(WINTER), "--data-dir", str(data_dir), "--dry-run")
    assert result.returncode == 0, result.stderr
    assert any(
        line.startswith("added") and " Goris " in line for line in result.stdout.splitlines()
    )
    assert result.stdout.strip().splitlines()[-1].startswith("dry run, nothing written: 1 article")
    assert fingerprint(data_dir) == before


BAD_INPUTS = {
    "latin1.md": (
        b"---\ntitle: Tin\xe9\npublished: 2021-01-01\n---\nB\xe0i.\n",
        "latin1.md: not UTF-8 text",
    ),
    "nofront.md": ("Ngày 24/11, Nga điện đàm.\n".encode(), "nofront.md: no front matter"),
    "broken.md": (
        b"---\ntitle: [x\npublished: 2021-01-01\n---\nBody.\n",
        "broken.md: broken front matter",
    ),
    "nodate.md": (b"---\ntitle: T\n---\nBody.\n", "nodate.md: front matter lacks 'published'"),
    "baddate.md": (
        b"---\ntitle: T\npublished: 2021-13-01\n---\nBody.\n",
        "baddate.md: 'published' is not an ISO date",
    ),
    "empty.md": (
        b"---\ntitle: T\npublished: 2021-01-01\n---\n\n",
        "empty.md: the article body is empty",
    ),
    "huge.md": (
        b"---\ntitle: T\npublished: 2021-01-01\n---\n" + b"a" * 1_100_000,
        "huge.md: file is 1,100,039 bytes, larger than the 1,000,000 byte limit",
    ),
}


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_bad_input_is_one_clear_line_and_touches_nothing(
    data_dir: Path, tmp_path, name, run_cli
) -> None:
    content, message = BAD_INPUTS[name]
    bad = tmp_path / name
    bad.write_bytes(content)
    before = fingerprint(data_dir)
    # A good file given first must not be written either: all files are checked first.
    result = run_cli("ingest", str(WINTER), str(bad), "--data-dir", str(data_dir))
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"Error: {message}"), result.stderr
    assert fingerprint(data_dir) == before


def test_missing_file_is_a_clear_error(data_dir: Path, run_cli) -> None:
    result = run_cli("ingest", "/nonexistent/a.md", "--data-dir", str(data_dir))
    assert result.returncode != 0
    assert result.stderr.strip() == "Error: a.md: cannot read file (No such file or directory)"


def test_failed_write_leaves_previous_data_intact(data_dir: Path, gazetteer, monkeypatch) -> None:
    before = fingerprint(data_dir)
    calls = {"n": 0}
    real_fsync = os.fsync

    def crash_on_second(fd):
        # The ingest stages two files (the partition and the article): the disk fills up
        # while the second is written, after the first was staged.
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError(28, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", crash_on_second)
    with pytest.raises(OSError):
        ingest([WINTER], data_dir, gazetteer)
    assert fingerprint(data_dir) == before
    assert not list(data_dir.rglob("*.tmp"))


def test_concurrent_ingests_keep_both_articles(data_dir: Path) -> None:
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "mapapp", "ingest", str(path), "--data-dir", str(data_dir)],
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for path in (WINTER, TRUCE)
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
    cited = {
        s["article_id"]
        for f in features(data_dir, "places").values()
        for s in f["properties"]["sources"]
    }
    assert {"2021-01-03-lachin-corridor-winter", "2020-10-11-moscow-humanitarian-truce"} <= cited


def test_running_app_sees_ingested_data_without_restart(app, client, data_dir, gazetteer) -> None:
    before = {f["id"] for f in client.get("/api/layers/places").get_json()["features"]}
    assert "place-goris" not in before
    ingest([WINTER], data_dir, gazetteer)
    after = {f["id"] for f in client.get("/api/layers/places").get_json()["features"]}
    assert "place-goris" in after
    page = client.get("/articles/2021-01-03-lachin-corridor-winter")
    assert page.status_code == 200


def test_two_files_with_one_id_are_refused(data_dir: Path, gazetteer, tmp_path) -> None:
    copy = tmp_path / "other.md"
    copy.write_text(WINTER.read_text("utf-8"), "utf-8")
    with pytest.raises(InvalidArticle, match="given twice"):
        ingest([WINTER, copy], data_dir, gazetteer)


def test_points_are_written_as_shapely_writes_them_without_loading_it() -> None:
    import subprocess
    import sys

    from shapely.geometry import MultiPoint, Point

    from mapapp.pipeline.geometry import point_geometry, to_geojson_geometry

    one = [(46.7516789123, 39.81512345678)]
    many = [(46.7516789123, 39.81512345678), (-0.1234564999, 51.5), (180.0, -90)]
    assert point_geometry(one) == to_geojson_geometry(Point(one[0]))
    assert point_geometry(many) == to_geojson_geometry(MultiPoint(many))
    # An ingest command makes only points: shapely (and numpy) stay unloaded.
    code = (
        "import sys, mapapp.cli, mapapp.pipeline.ingest; "
        "print(sorted(m for m in ('shapely', 'numpy', 'pyproj') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_each_happening_of_a_sentence_is_a_feature_of_its_own(data_dir: Path, gazetteer) -> None:
    path = Path(__file__).parent / "articles" / "2024-06-10-two-happenings.md"
    ingest([path], data_dir, gazetteer)
    part = json.loads((data_dir / "features" / f"{path.stem}.geojson").read_text("utf-8"))
    events = {f["id"]: f for f in part["features"] if f["properties"]["layer"] == "events"}
    attack = events[f"event-{path.stem}-s1"]
    truce = events[f"event-{path.stem}-s1-2"]
    assert (attack["properties"]["event_type"], attack["properties"]["date"]) == (
        "combat",
        "2024-06-03",
    )
    assert (truce["properties"]["event_type"], truce["properties"]["date"]) == (
        "ceasefire",
        "2024-06-05",
    )
    assert attack["geometry"] != truce["geometry"]  # Shusha, Moscow
    assert attack["properties"]["sources"] == truce["properties"]["sources"]  # one sentence
