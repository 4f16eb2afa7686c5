"""Article files: parse the front matter and body, and number the sentences."""

from __future__ import annotations

import datetime as dt
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from mapapp.core.errors import InvalidArticle
from mapapp.core.links import http_url_problem
from mapapp.core.text import nfc
from mapapp.sources.segment import Sentence, segment

__all__ = [
    "Article",
    "parse_article",
    "read_article",
    "read_article_text",
    "read_bytes_bounded",
    "MAX_ARTICLE_BYTES",
    "MAX_FRONT_MATTER_BYTES",
    "MAX_SENTENCES",
    "MAX_SENTENCE_CHARS",
    "ARTICLE_ID_RE",
]

#: Articles larger than this are refused: a news report is a few KB, not megabytes.
MAX_ARTICLE_BYTES = 1_000_000
#: The front matter is a dozen short lines; more than this is not an article's metadata.
MAX_FRONT_MATTER_BYTES = 16_384
#: Sentences per article: a long report has a few hundred; this bounds the work per article.
MAX_SENTENCES = 5_000
#: Characters per sentence: news sentences run to a few hundred. Each place a sentence names
#: quotes it whole, so this bounds what one sentence can add to the data.
MAX_SENTENCE_CHARS = 3_000
#: Article ids appear in URLs and file names: keep them to a safe alphabet.
ARTICLE_ID_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,119}$")
_REQUIRED = ("title", "published")
#: Fields that are shown as text (and so must be text, not a list or a mapping).
_TEXT_FIELDS = ("id", "title", "source", "url", "language", "published_note", "title_note")
_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.DOTALL)
_ISO_DATE = re.compile(r"\A\d{4}-\d{2}-\d{2}\Z")
#: How deep lists and mappings may nest in the front matter (its fields are flat).
_MAX_NESTING = 8
_FILE_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


@dataclass(frozen=True)
class Article:
    """One article: metadata from the front matter, the verbatim body, its sentences.

    ``name`` is what error messages and warnings call it (usually its file name).
    """

    id: str
    title: str
    source: str
    published: dt.date
    language: str
    body: str
    url: str | None = None
    meta: dict = field(default_factory=dict, compare=False, repr=False)
    sentences: tuple[Sentence, ...] = field(default=(), compare=False, repr=False)
    name: str = field(default="", compare=False, repr=False)

    @property
    def label(self) -> str:
        """Return the name to use in messages: the file name, else the id."""
        return self.name or self.id

    def sentence(self, number: int) -> Sentence:
        """Return sentence ``number`` (from 1); IndexError if there is none."""
        if not 1 <= number <= len(self.sentences):
            raise IndexError(f"article {self.id!r} has no sentence {number}")
        return self.sentences[number - 1]


class _NotPlainData(yaml.YAMLError):
    """Front matter that uses more of YAML than plain data (tags, anchors, deep nesting)."""

    def __init__(self, problem: str, mark):
        super().__init__(problem)
        self.problem = problem
        self.problem_mark = mark


class _PlainDataLoader(yaml.BaseLoader):
    """A YAML loader for plain data: every scalar a string; no tags, anchors or aliases.

    Anchors and aliases are refused while composing, before anything is built from them, so a
    "billion laughs" document costs no more than its own length.
    """

    def __init__(self, stream):
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent, index):
        """Compose one node after refusing aliases, anchors, explicit tags and deep nesting."""
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise _NotPlainData("may not use YAML anchors or aliases", event.start_mark)
        if getattr(event, "tag", None) is not None:
            raise _NotPlainData(f"may not use YAML tags ({event.tag[:60]!r})", event.start_mark)
        self._depth += 1
        try:
            if self._depth > _MAX_NESTING:
                raise _NotPlainData("nests lists or mappings too deeply", event.start_mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _load_front_matter(source: str, name: str) -> dict:
    """Load the front matter as plain data; InvalidArticle if it is broken or not plain."""
    size = len(source.encode("utf-8"))
    if size > MAX_FRONT_MATTER_BYTES:
        raise InvalidArticle(
            f"{name}: front matter is {size:,} bytes, larger than the "
            f"{MAX_FRONT_MATTER_BYTES:,} byte limit"
        )
    loader = _PlainDataLoader(source)
    try:
        meta = loader.get_single_data() or {}
    except _NotPlainData as exc:
        line = exc.problem_mark.line + 2
        raise InvalidArticle(f"{name}: front matter {exc.problem} (line {line})") from None
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        line = f" at line {where.line + 2}" if where else ""
        raise InvalidArticle(f"{name}: broken front matter{line}") from None
    finally:
        loader.dispose()
    if not isinstance(meta, dict):
        raise InvalidArticle(f"{name}: broken front matter (expected 'key: value' lines)")
    return meta


def _shape(value) -> str:
    """Name what YAML gave instead of text: "a list" or "a mapping"."""
    return "a list" if isinstance(value, list) else "a mapping"


def _check_text_fields(meta: dict, name: str) -> None:
    """Refuse a list or mapping where the front matter must give text."""
    for key in _TEXT_FIELDS:
        if key in meta and not isinstance(meta[key], str):
            raise InvalidArticle(
                f"{name}: front matter '{key}' must be text, not {_shape(meta[key])}"
            )
    if not isinstance(meta.get("published", ""), str):
        raise InvalidArticle(
            f"{name}: front matter 'published' must be a date (YYYY-MM-DD), "
            f"not {_shape(meta['published'])}"
        )


def _parse_date(value: str, name: str) -> dt.date:
    """Return the ``YYYY-MM-DD`` date ``value``; InvalidArticle if it is anything else."""
    text = value.strip()
    try:
        if _ISO_DATE.match(text):
            return dt.date.fromisoformat(text)
    except ValueError:
        pass
    raise InvalidArticle(f"{name}: 'published' is not an ISO date (YYYY-MM-DD): {value!r}")


def _parse_url(value: str, name: str) -> str | None:
    """Return the article's original address: an absolute http(s) URL, or None if not given."""
    if value == "":
        return None
    if http_url_problem(value) is not None:
        raise InvalidArticle(f"{name}: front matter 'url' must be an http(s) address: {value!r}")
    return value


def _bounded_sentences(body: str, name: str) -> tuple[Sentence, ...]:
    """Segment ``body``; InvalidArticle if it has too many sentences or one too long."""
    sentences = tuple(segment(body))
    if len(sentences) > MAX_SENTENCES:
        raise InvalidArticle(
            f"{name}: {len(sentences):,} sentences, more than the {MAX_SENTENCES:,} sentence limit"
        )
    for sentence in sentences:
        if len(sentence.text) > MAX_SENTENCE_CHARS:
            raise InvalidArticle(
                f"{name}: sentence {sentence.number} is {len(sentence.text):,} characters long, "
                f"more than the {MAX_SENTENCE_CHARS:,} character limit"
            )
    return sentences


def parse_article(text: str, name: str, default_id: str | None = None) -> Article:
    """Parse article ``text``; ``name`` (usually the file name) is used in error messages.

    Raises InvalidArticle naming the problem: no, broken or oversized front matter, one that is
    more than plain data, a missing or mistyped field, a bad date, url or id, an empty body,
    too many sentences or one too long.
    """
    text = nfc(text.lstrip("\ufeff"))
    match = _FRONT_MATTER.match(text)
    if not match:
        raise InvalidArticle(f"{name}: no front matter (the file must start with a '---' block)")
    meta = _load_front_matter(match.group(1), name)
    _check_text_fields(meta, name)
    for key in _REQUIRED:
        if meta.get(key) in (None, ""):
            raise InvalidArticle(f"{name}: front matter lacks '{key}'")
    article_id = (meta.get("id") or default_id or "").strip()
    if not ARTICLE_ID_RE.match(article_id):
        raise InvalidArticle(
            f"{name}: article id {article_id!r} must be lower-case letters, digits, '.', '_', '-'"
        )
    url = _parse_url(meta.get("url", ""), name)
    body = text[match.end() :].strip("\r\n")
    body = body.replace("\r\n", "\n")
    if not body.strip():
        raise InvalidArticle(f"{name}: the article body is empty")
    sentences = _bounded_sentences(body, name)
    return Article(
        id=article_id,
        title=meta["title"].strip(),
        source=(meta.get("source") or "unknown").strip(),
        published=_parse_date(meta["published"], name),
        language=(meta.get("language") or "vi").strip(),
        url=url,
        body=body,
        meta=meta,
        sentences=sentences,
        name=name,
    )


def _file_kind(mode: int) -> str:
    """Name the kind of a file that is not a regular one ("a FIFO", "a directory", ...)."""
    return next((kind for test, kind in _FILE_KINDS if test(mode)), "not a regular file")


def _read_at_most(fd: int, limit: int) -> bytes:
    """Read up to ``limit`` bytes from ``fd``: the read is bounded whatever the file claims."""
    chunks: list[bytes] = []
    left = limit
    while left > 0:
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def read_bytes_bounded(path: Path, name: str) -> bytes:
    """Return the bytes of a regular file of at most MAX_ARTICLE_BYTES; refuse anything else.

    The file is opened non-blocking (a FIFO does not hang the open), checked to be a regular
    file on the open descriptor (a symlink to a device or FIFO is refused too), and read up to
    one byte past the limit.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        raise InvalidArticle(f"{name}: cannot read file ({exc.strerror})") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            kind = _file_kind(st.st_mode)
            raise InvalidArticle(f"{name}: not a regular file ({kind}); only files are read")
        if st.st_size > MAX_ARTICLE_BYTES:
            raise InvalidArticle(
                f"{name}: file is {st.st_size:,} bytes, larger than the "
                f"{MAX_ARTICLE_BYTES:,} byte limit"
            )
        raw = _read_at_most(fd, MAX_ARTICLE_BYTES + 1)
    except OSError as exc:
        raise InvalidArticle(f"{name}: cannot read file ({exc.strerror})") from None
    finally:
        os.close(fd)
    if len(raw) > MAX_ARTICLE_BYTES:
        raise InvalidArticle(f"{name}: file is larger than the {MAX_ARTICLE_BYTES:,} byte limit")
    return raw


def read_article_text(path: Path) -> str:
    """Return the text of an article file (a regular UTF-8 file within the size limit)."""
    path = Path(path)
    raw = read_bytes_bounded(path, path.name)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidArticle(
            f"{path.name}: not UTF-8 text (invalid byte at offset {exc.start})"
        ) from None


def read_article(path: Path) -> Article:
    """Read and parse one article file; InvalidArticle names the file and the problem."""
    path = Path(path)
    return parse_article(read_article_text(path), path.name, default_id=path.stem)
