"""Front matter is plain data: no YAML tags, anchors or aliases; typed fields; bounded size."""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

import pytest

from mapapp.core.errors import InvalidArticle
from mapapp.pipeline.ingest import ingest
from mapapp.sources.articles import MAX_FRONT_MATTER_BYTES, parse_article

REPO = Path(__file__).resolve().parents[1]
GOOD = REPO / "tests" / "articles" / "2021-01-03-lachin-corridor-winter.md"
BODY = "Ngày 24/11, Nga điện đàm.\n"

BILLION_LAUGHS = """title: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
published: 2020-11-25"""


def article(front_matter: str, body: str = BODY) -> str:
    return f"---\n{front_matter}\n---\n{body}"


def fingerprint(directory: Path) -> dict[str, str]:
    """Hash every file of a data directory but the lock and the index (derived from the
    files, so rebuilt, not changed, when a reader finds it missing)."""
    return {
        str(rel): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(directory.rglob("*"))
        if p.is_file()
        and p.name != ".lock"
        and (rel := p.relative_to(directory)).parts[0] != ".index"
    }


P = "published: 2020-11-25"
TAGS = "front matter may not use YAML tags"
ALIASES = "front matter may not use YAML anchors or aliases"
NOT_ISO = "'published' is not an ISO date (YYYY-MM-DD)"


@pytest.mark.parametrize(
    ("front_matter", "message"),
    [
        (
            f"title: !!python/object/apply:os.system ['touch pwned']\n{P}",
            f"{TAGS} ('tag:yaml.org,2002:python/object/apply:os.system') (line 2)",
        ),
        (f"title: !!python/name:os.system\n{P}", TAGS),
        (f"title: !!str T\n{P}", TAGS),
        (f"title: !foo T\n{P}", TAGS),
        (f"title: ! T\n{P}", TAGS),
        ("published: !!timestamp 2020-11-25\ntitle: T", TAGS),
        (f"x: &a T\ntitle: *a\n{P}", f"{ALIASES} (line 2)"),
        (f"title: T\n{P}\nnote: *nowhere", f"{ALIASES} (line 4)"),
        (BILLION_LAUGHS, f"{ALIASES} (line 2)"),
        (f"title: [a, b]\n{P}", "front matter 'title' must be text, not a list"),
        (f"title: {{a: b}}\n{P}", "front matter 'title' must be text, not a mapping"),
        (f"title: T\nsource: [a]\n{P}", "front matter 'source' must be text, not a list"),
        (f"title: T\nurl: [https://a.example]\n{P}", "front matter 'url' must be text, not a list"),
        (
            f"title: T\nlanguage: {{vi: 1}}\n{P}",
            "front matter 'language' must be text, not a mapping",
        ),
        (f"title: T\nid: [a]\n{P}", "front matter 'id' must be text, not a list"),
        (
            "title: T\npublished: [2020-11-25]",
            "front matter 'published' must be a date (YYYY-MM-DD), not a list",
        ),
        ("title: T\npublished: 20201125", f"{NOT_ISO}: '20201125'"),
        ("title: T\npublished: 2020-W48-3", NOT_ISO),
        (
            f"title: T\n{P}\nx: " + "[" * 50 + "]" * 50,
            "front matter nests lists or mappings too deep",
        ),
        ("- title\n- published", "broken front matter (expected 'key: value' lines)"),
    ],
)
def test_front_matter_that_is_not_plain_data_is_refused(front_matter: str, message: str) -> None:
    with pytest.raises(InvalidArticle) as info:
        parse_article(article(front_matter), "x.md", "x")
    assert info.value.message.startswith(f"x.md: {message}"), info.value.message
    assert "\n" not in info.value.message


def test_plain_front_matter_still_reads_as_strings() -> None:
    parsed = parse_article(
        article("title: 2020\npublished: 2020-11-25\nsource: yes\nlanguage: vi\nnote: [a, b]"),
        "x.md",
        "x",
    )
    assert parsed.title == "2020" and parsed.source == "yes"  # no YAML guessing of types
    assert parsed.meta["note"] == ["a", "b"]  # other fields may hold plain lists


def test_deep_nesting_is_refused_without_recursion_error() -> None:
    deep = "title: T\npublished: 2020-11-25\nx: " + "[" * 5000 + "]" * 5000
    with pytest.raises(InvalidArticle, match=r"^x.md: front matter"):
        parse_article(article(deep[: MAX_FRONT_MATTER_BYTES - 10]), "x.md", "x")


def test_oversized_front_matter_is_refused() -> None:
    padding = "note: '" + "a" * MAX_FRONT_MATTER_BYTES + "'"
    with pytest.raises(InvalidArticle) as info:
        parse_article(article(f"title: T\npublished: 2020-11-25\n{padding}"), "x.md", "x")
    assert info.value.message.startswith("x.md: front matter is 16,4")
    assert info.value.message.endswith("bytes, larger than the 16,384 byte limit")


def test_alias_bomb_is_refused_fast_writes_nothing_and_a_good_ingest_follows(
    data_dir: Path, gazetteer, tmp_path: Path
) -> None:
    bomb = tmp_path / "bomb.md"
    bomb.write_text(article(BILLION_LAUGHS), "utf-8")
    before = fingerprint(data_dir)
    started = time.perf_counter()
    with pytest.raises(InvalidArticle, match=r"^bomb.md: front matter may not use YAML anchors"):
        ingest([bomb], data_dir, gazetteer)
    assert time.perf_counter() - started < 1.0
    assert fingerprint(data_dir) == before
    change = ingest([GOOD], data_dir, gazetteer)
    assert change.articles == ["2021-01-03-lachin-corridor-winter"]
    assert (data_dir / "articles" / GOOD.name).read_bytes() == GOOD.read_bytes()
    assert (data_dir / "features" / f"{GOOD.stem}.geojson").is_file()


def test_python_tag_is_never_executed(data_dir: Path, gazetteer, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    bad = tmp_path / "tag.md"
    bad.write_text(
        article(f"title: !!python/object/apply:os.system ['touch {marker}']\n{P}"),
        "utf-8",
    )
    before = fingerprint(data_dir)
    with pytest.raises(InvalidArticle, match=r"^tag.md: front matter may not use YAML tags"):
        ingest([bad], data_dir, gazetteer)
    assert not marker.exists()
    assert fingerprint(data_dir) == before


@pytest.mark.parametrize("title", ["[a, b]", "{a: 1}", "\n  - a\n  - b"])
def test_a_list_or_mapping_title_writes_nothing(
    data_dir: Path, gazetteer, tmp_path: Path, title: str
) -> None:
    bad = tmp_path / "list.md"
    bad.write_text(article(f"title: {title}\npublished: 2020-11-25"), "utf-8")
    before = fingerprint(data_dir)
    with pytest.raises(InvalidArticle, match=r"^list.md: front matter 'title' must be text, not a"):
        ingest([bad], data_dir, gazetteer)
    assert fingerprint(data_dir) == before
