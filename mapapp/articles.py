"""Article files: parse the front matter and body, and number the sentences."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from mapapp.errors import InvalidArticle
from mapapp.model import nfc
from mapapp.segment import Sentence, segment

__all__ = ["Article", "parse_article", "read_article", "MAX_ARTICLE_BYTES", "ARTICLE_ID_RE"]

#: Articles larger than this are refused: a news report is a few KB, not megabytes.
MAX_ARTICLE_BYTES = 1_000_000
#: Article ids appear in URLs and file names: keep them to a safe alphabet.
ARTICLE_ID_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,119}$")
_REQUIRED = ("title", "published")
_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.DOTALL)


@dataclass(frozen=True)
class Article:
    """One article: metadata from the front matter, the verbatim body, its sentences."""

    id: str
    title: str
    source: str
    published: dt.date
    language: str
    body: str
    url: str | None = None
    meta: dict = field(default_factory=dict, compare=False, repr=False)
    sentences: tuple[Sentence, ...] = field(default=(), compare=False, repr=False)

    def sentence(self, number: int) -> Sentence:
        """Return sentence ``number`` (from 1); IndexError if there is none."""
        if not 1 <= number <= len(self.sentences):
            raise IndexError(f"article {self.id!r} has no sentence {number}")
        return self.sentences[number - 1]


def _parse_date(value, name: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise InvalidArticle(
            f"{name}: 'published' is not an ISO date (YYYY-MM-DD): {value!r}"
        ) from None


def parse_article(text: str, name: str, default_id: str | None = None) -> Article:
    """Parse article ``text``; ``name`` (usually the file name) is used in error messages.

    Raises InvalidArticle naming the problem: no or broken front matter, a missing field,
    a bad date or id, an empty body.
    """
    text = nfc(text.lstrip("\ufeff"))
    match = _FRONT_MATTER.match(text)
    if not match:
        raise InvalidArticle(f"{name}: no front matter (the file must start with a '---' block)")
    try:
        # BaseLoader keeps every value a string: no YAML guessing at dates or booleans.
        meta = yaml.load(match.group(1), Loader=yaml.BaseLoader) or {}
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        line = f" at line {where.line + 2}" if where else ""
        raise InvalidArticle(f"{name}: broken front matter{line}") from None
    if not isinstance(meta, dict):
        raise InvalidArticle(f"{name}: broken front matter (expected 'key: value' lines)")
    for key in _REQUIRED:
        if meta.get(key) in (None, ""):
            raise InvalidArticle(f"{name}: front matter lacks '{key}'")
    article_id = str(meta.get("id") or default_id or "").strip()
    if not ARTICLE_ID_RE.match(article_id):
        raise InvalidArticle(
            f"{name}: article id {article_id!r} must be lower-case letters, digits, '.', '_', '-'"
        )
    body = text[match.end() :].strip("\r\n")
    body = body.replace("\r\n", "\n")
    if not body.strip():
        raise InvalidArticle(f"{name}: the article body is empty")
    return Article(
        id=article_id,
        title=str(meta["title"]).strip(),
        source=str(meta.get("source") or "unknown").strip(),
        published=_parse_date(meta["published"], name),
        language=str(meta.get("language") or "vi").strip(),
        url=(str(meta["url"]).strip() if meta.get("url") else None),
        body=body,
        meta=meta,
        sentences=tuple(segment(body)),
    )


def read_article(path: Path) -> Article:
    """Read and parse one article file; InvalidArticle names the file and the problem."""
    path = Path(path)
    name = path.name
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InvalidArticle(f"{name}: cannot read file ({exc.strerror})") from None
    if size > MAX_ARTICLE_BYTES:
        raise InvalidArticle(
            f"{name}: file is {size:,} bytes, larger than the {MAX_ARTICLE_BYTES:,} byte limit"
        )
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidArticle(
            f"{name}: not UTF-8 text (invalid byte at offset {exc.start})"
        ) from None
    return parse_article(text, name, default_id=path.stem)
