"""One object knows every path of a data directory, and ``--data-dir D`` means D for every file.

- ``DataDir`` names every file the app reads or writes in a data directory.
- ``mapapp ingest`` and ``mapapp build`` read D's own actors.yaml and country_points.csv, not the
  bundled ones (no process-wide gazetteer or actor list).
- In the package, only mapapp/store/datadir.py says where the bundled data is, and no cached
  function in mapapp/geoparse reads files (checked on the source with ``ast``).
"""

from __future__ import annotations

import ast
import csv
import re
import sys
from pathlib import Path

import pytest

from mapapp.cli import main
from mapapp.core.errors import NotFound
from mapapp.core.model import LAYER_IDS
from mapapp.geoparse import Lexicons, parse_article
from mapapp.sources.articles import parse_article as read_text
from mapapp.store import DataDir, Store, bundled_data_dir
from mapapp.store.layers import SHARED_LAYERS

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "mapapp"

ARTICLE_ID = "2021-01-05-envoy-mongolia"
ARTICLE = f"""---
id: {ARTICLE_ID}
title: Đặc phái viên tới Mông Cổ
published: 2021-01-05
---
Ngày 4/1, đặc phái viên Quux Zebedee đã tới Mông Cổ để hội đàm về hợp tác kinh tế.
"""
#: The actor the copy's actors.yaml adds, and where its country_points.csv moves Mongolia.
ENVOY = "Zebedee Quux (test envoy)"
MOVED_TO = [20.5, 10.25]  # lon, lat


# -- DataDir ---------------------------------------------------------------------------------
def test_a_data_dir_knows_every_path(tmp_path: Path) -> None:
    d = DataDir(tmp_path)
    reference = tmp_path / "reference"
    assert d.root == tmp_path
    assert d.articles == tmp_path / "articles"
    assert d.article("2020-11-25-putin-erdogan-call") == (
        tmp_path / "articles" / "2020-11-25-putin-erdogan-call.md"
    )
    assert d.curation == tmp_path / "curation.yaml"
    assert d.gazetteer == tmp_path / "gazetteer.yaml"
    assert d.actors == tmp_path / "actors.yaml"
    assert d.country_points == tmp_path / "country_points.csv"
    assert d.reference == reference
    assert d.lachin_route == reference / "lachin_route_2020.geojson"
    assert d.outlines_10m == reference / "ne10m_ARM_AZE.geojson"
    assert d.outlines_110m == reference / "ne110m_ARM_AZE_RUS_TUR.geojson"
    # Every layer id names a file, but only the layers no article owns have one.
    assert d.layers() == {lid: tmp_path / f"{lid}.geojson" for lid in LAYER_IDS}
    assert d.layer("routes") == tmp_path / "routes.geojson"
    assert d.features == tmp_path / "features"
    assert d.partition("2020-11-25-putin-erdogan-call") == (
        tmp_path / "features" / "2020-11-25-putin-erdogan-call.geojson"
    )
    # A directory that can be written keeps its own index and lock.
    assert d.state == tmp_path
    assert d.index_file == tmp_path / ".index" / "mapapp.sqlite"
    assert d.lock == tmp_path / ".lock"
    assert d.lock_holder == tmp_path / ".lock.holder"
    assert d.write_dirs == (tmp_path, tmp_path / "articles", tmp_path / "features")


def test_a_read_only_data_dir_keeps_its_index_and_lock_in_the_users_cache(
    tmp_path: Path, monkeypatch
) -> None:
    root, cache = tmp_path / "data", tmp_path / "cache"
    root.mkdir()
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    monkeypatch.setattr("mapapp.store.datadir.os.access", lambda path, mode: False)
    d, other = DataDir(root), DataDir(tmp_path)
    assert d.state.parent == cache / "mapapp"
    assert re.fullmatch(r"[0-9a-f]{16}", d.state.name)
    assert other.state.parent == cache / "mapapp" and other.state != d.state
    assert d.state == DataDir(root).state, "the same directory, the same cache"
    assert d.index_file == d.state / ".index" / "mapapp.sqlite"
    assert (d.lock, d.lock_holder) == (d.state / ".lock", d.state / ".lock.holder")
    # What people edit and what is generated stay in the data directory itself.
    assert (d.features, d.articles) == (root / "features", root / "articles")
    assert d.write_dirs == (root, root / "articles", root / "features")


def test_a_data_dir_refuses_names_that_are_no_file_of_it(tmp_path: Path) -> None:
    d = DataDir(tmp_path)
    with pytest.raises(NotFound, match="unknown layer"):
        d.layer("../secrets")
    with pytest.raises(NotFound, match="bad article id"):
        d.article("../../etc/passwd")
    with pytest.raises(NotFound, match="bad article id"):
        d.partition("../routes")


def test_a_data_dir_is_built_from_a_path(tmp_path: Path) -> None:
    d = DataDir(str(tmp_path))
    assert d == DataDir(tmp_path) and isinstance(d.root, Path)
    assert DataDir.of(d) is d and DataDir.of(tmp_path) == d
    assert Store(tmp_path).datadir == d and Store(d).datadir is d
    assert d.article_files() == []  # no articles/ yet
    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / "b.md").write_text("x", "utf-8")
    (tmp_path / "articles" / "a.md").write_text("x", "utf-8")
    (tmp_path / "articles" / "notes.txt").write_text("x", "utf-8")
    assert d.article_files() == [tmp_path / "articles" / "a.md", tmp_path / "articles" / "b.md"]
    assert list(d.partition_entries()) == []  # no features/ yet
    d.features.mkdir()
    for name in ("a.geojson", "b.geojson", "notes.txt", "Bad Name.geojson", "b.geojson.tmp"):
        (d.features / name).write_text("{}", "utf-8")
    entries = sorted(d.partition_entries(), key=lambda e: e.name)
    assert [Path(e.path) for e in entries] == [d.partition("a"), d.partition("b")]


def test_every_file_of_the_bundled_data_is_one_the_data_dir_names() -> None:
    d = DataDir(bundled_data_dir())
    articles = d.article_files()
    assert articles
    named = {
        d.curation, d.gazetteer, d.actors, d.country_points, d.lachin_route, d.outlines_10m,
        d.outlines_110m, *(d.layer(lid) for lid in SHARED_LAYERS), *articles,
        *(d.partition(a.stem) for a in articles),  # every article has its partition
    }  # fmt: skip
    # Documentation and the sources the reference files were made from: read by people only.
    for_people = {d.reference / "README.md", d.reference / "places.csv"}
    bookkeeping = {d.lock, d.lock_holder}
    derived = d.index_file.parent  # the index, rebuilt from the GeoJSON whenever needed
    present = {
        p for p in d.root.rglob("*") if p.is_file() and derived not in p.parents
    } - bookkeeping
    assert present == named | for_people
    assert all(p.is_file() for p in named)


def test_the_bundled_data_dir_is_the_default_everywhere() -> None:
    from mapapp.web import DEFAULTS

    assert bundled_data_dir() == REPO / "geodata"
    assert DEFAULTS["DATA_DIR"] == str(bundled_data_dir())


# -- --data-dir D means D for every file -----------------------------------------------------
def _own_data(data_dir: Path) -> Path:
    """Give the copy ``data_dir`` an actor and a Mongolia of its own; return the article file."""
    with (data_dir / "actors.yaml").open("a", encoding="utf-8") as handle:
        handle.write(
            f"  - id: test-envoy\n    name: {ENVOY}\n    kind: person\n    names: [Quux Zebedee]\n"
        )
    path = data_dir / "country_points.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        if row["iso2"] == "MN":
            row["lon"], row["lat"] = map(str, MOVED_TO)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    article = data_dir.parent / f"{ARTICLE_ID}.md"
    article.write_text(ARTICLE, "utf-8")
    return article


def _run(args: list[str], capsys) -> str:
    """Run ``mapapp ARGS`` in this process; fail on a non-zero exit; return stdout."""
    with pytest.raises(SystemExit) as info:
        main(args)
        sys.exit(0)
    out, err = capsys.readouterr()
    assert info.value.code == 0, err
    return out


def _features(data_dir: Path, layer: str) -> dict[str, dict]:
    return {f["id"]: f for f in Store(data_dir).iter_layer(layer)}


@pytest.mark.parametrize("command", ["ingest", "build"])
def test_the_data_dirs_own_actors_and_country_points_are_used(
    data_dir: Path, capsys, command: str
) -> None:
    article = _own_data(data_dir)
    if command == "ingest":
        _run(["ingest", str(article), "--data-dir", str(data_dir)], capsys)
    else:
        (data_dir / "articles" / article.name).write_text(ARTICLE, "utf-8")
        _run(["build", "--data-dir", str(data_dir)], capsys)
    events = [
        f
        for f in _features(data_dir, "events").values()
        if f["properties"]["sources"][0]["article_id"] == ARTICLE_ID
    ]
    assert [e["properties"]["actors"] for e in events] == [[ENVOY]]
    assert events[0]["properties"]["places"] == ["place-mongolia"]
    assert events[0]["geometry"]["coordinates"] == MOVED_TO
    mongolia = _features(data_dir, "places")["place-mongolia"]
    assert mongolia["geometry"]["coordinates"] == MOVED_TO


def test_lexicons_are_built_from_the_data_dir_they_are_given(data_dir: Path, lexicons) -> None:
    _own_data(data_dir)
    article = read_text(ARTICLE, "x.md")
    own = parse_article(article, Lexicons.load(DataDir(data_dir)))
    bundled = parse_article(article, lexicons)  # built from the bundled data directory
    assert own.events[0].actors == (ENVOY,) and bundled.events[0].actors == ()
    assert own.events[0].coordinates == tuple(MOVED_TO)
    assert bundled.events[0].coordinates != tuple(MOVED_TO)


# -- the source: one place knows where geodata is; no cached loaders -------------------------
def _docstrings(tree: ast.AST) -> set[int]:
    """Return the ids of the docstring nodes of a module, its classes and functions."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def geodata_mentions(tree: ast.AST) -> list[int]:
    """Return the lines of string literals (docstrings aside) that mention ``geodata``."""
    docstrings = _docstrings(tree)
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and "geodata" in node.value
        and id(node) not in docstrings
    ]


_CACHES = {"lru_cache", "cache"}
_LOADERS = {"load", "open", "read_text", "read_bytes", "safe_load", "load_geonames"}


def _is_cache(decorator: ast.expr) -> bool:
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", None)
    return name in _CACHES


def cached_loaders(tree: ast.AST) -> list[str]:
    """Return the functions cached per process (``lru_cache``, ``cache``) that load files:
    whose body calls ``.load(``, ``open(``, ``.read_text(`` and the like."""
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        if not any(_is_cache(d) for d in node.decorator_list):
            continue
        for call in ast.walk(node):
            if isinstance(call, ast.Call):
                func = call.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
                if name in _LOADERS:
                    found.append(node.name)
                    break
    return found


def _modules(root: Path) -> list[Path]:
    return sorted(root.rglob("*.py"))


def test_only_the_data_dir_module_says_where_geodata_is() -> None:
    allowed = PACKAGE / "store" / "datadir.py"
    bad = []
    for path in _modules(PACKAGE):
        if path == allowed:
            continue
        tree = ast.parse(path.read_text("utf-8"), str(path))
        bad += [f"{path.relative_to(REPO)}:{line}" for line in geodata_mentions(tree)]
    assert not bad, "only mapapp/store/datadir.py names geodata:\n" + "\n".join(bad)
    assert geodata_mentions(ast.parse(allowed.read_text("utf-8")))  # the check sees it there


def test_no_cached_function_in_geoparse_reads_files() -> None:
    bad = []
    for path in _modules(PACKAGE / "geoparse"):
        tree = ast.parse(path.read_text("utf-8"), str(path))
        bad += [f"{path.relative_to(REPO)}: {name}" for name in cached_loaders(tree)]
    assert not bad, "a per-process cache of data files:\n" + "\n".join(bad)


@pytest.mark.parametrize(
    "source, expected",
    [
        ('x = Path(__file__).parents[2] / "geodata"', [1]),
        ('"""geodata/ is documented here."""\ndef f():\n    """Reads geodata/."""', []),
        ('show = f"{root}/geodata/gazetteer.yaml"', [1]),
        ('x = "data"', []),
    ],
)
def test_the_geodata_check_sees_paths(source: str, expected: list[int]) -> None:
    assert geodata_mentions(ast.parse(source)) == expected


@pytest.mark.parametrize(
    "source, expected",
    [
        ("@lru_cache(maxsize=1)\ndef g():\n    return Gazetteer.load()", ["g"]),
        ("@functools.lru_cache\ndef a():\n    return ActorLexicon.load(PATH)", ["a"]),
        ("@cache\ndef t():\n    return PATH.read_text()", ["t"]),
        ("@lru_cache\ndef f():\n    with open(PATH) as h:\n        return h.read()", ["f"]),
        ("@lru_cache(maxsize=1)\ndef m():\n    return PhraseMatcher(WORDS)", []),
        ("def g():\n    return Gazetteer.load(PATH)", []),
    ],
)
def test_the_cache_check_sees_cached_loaders(source: str, expected: list[str]) -> None:
    assert cached_loaders(ast.parse(source)) == expected
