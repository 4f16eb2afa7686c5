"""Plain-text articles: a ``.txt`` file (one paragraph a line, or paragraphs between blank
lines) and what the editor says of it, made into the stored form (front matter and body).

The text is kept verbatim: paragraphs are its non-blank lines (or blocks of lines), trimmed,
and stored separated by blank lines. Its metadata comes from the editor (``TextMeta``, the
``mapapp ingest`` flags); what is not given is taken from the text where that is sure, and
marked as such:

- the publication date: a full date (day, month and year) in the dateline, the first 200
  characters of the first paragraph, if there is exactly one; otherwise a clear error names
  ``--published``;
- the title: the first sentence, at most ``TITLE_CHARS`` characters, noted in ``title_note``;
- the id: the publication date and the title's words without diacritics.

The stored article records the file it came from (``seed_file``).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass

import yaml

from mapapp.core.errors import InvalidArticle
from mapapp.core.text import nfc, slugify

__all__ = ["TextMeta", "text_article", "TITLE_CHARS", "DATELINE_CHARS"]

#: A title taken from the text is its first sentence, cut at a word to at most this length.
TITLE_CHARS = 120
#: Where a dateline is looked for: the start of the first paragraph.
DATELINE_CHARS = 200
#: A full date: day, month and year ("25/11/2020", "25-11-2020", "25.11.2020").
_FULL_DATE = re.compile(r"(?<![\d/.-])(\d{1,2})([/.-])(\d{1,2})\2((?:19|20)\d{2})(?![\d/.-])")
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s")
_PLAIN = re.compile(r"^[A-Za-z0-9_.-]+$")


@dataclass(frozen=True)
class TextMeta:
    """What the editor gives for a plain-text article (None: not given)."""

    title: str | None = None
    published: dt.date | None = None
    source: str | None = None
    url: str | None = None
    article_id: str | None = None
    title_note: str | None = None
    published_note: str | None = None
    language: str = "vi"


def _paragraphs(text: str) -> list[str]:
    blocks = re.split(r"\n\s*\n", text) if re.search(r"\n\s*\n", text) else text.splitlines()
    return [" ".join(line.strip() for line in b.splitlines() if line.strip()) for b in blocks]


def _dateline(first: str) -> tuple[dt.date, str] | None:
    """The one full date at the start of ``first`` (and its text), or None."""
    found = {}
    for match in _FULL_DATE.finditer(first[:DATELINE_CHARS]):
        day, month, year = int(match[1]), int(match[3]), int(match[4])
        try:
            found[dt.date(year, month, day)] = match[0]
        except ValueError:
            continue
    if len(found) != 1:
        return None
    ((when, surface),) = found.items()
    return when, surface


def _title(paragraphs: list[str]) -> str:
    first = _SENTENCE_END.split(paragraphs[0], maxsplit=1)[0]
    if len(first) <= TITLE_CHARS:
        return first
    cut = first[:TITLE_CHARS].rsplit(" ", 1)[0]
    return f"{cut}…"


def _scalar(value: object) -> str:
    """A front-matter value: plain when YAML reads it back as itself (a date, a simple word),
    else a double-quoted string ("yes", "null" or "2020" plain would not stay text)."""
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    if _PLAIN.match(text) and yaml.safe_load(text) == text:
        return text
    return json.dumps(text, ensure_ascii=False)


def text_article(raw: str, name: str, meta: TextMeta) -> str:
    """Return the stored form (front matter and body) of plain text ``raw`` from file ``name``.

    Raises InvalidArticle naming the problem: an empty text, or no publication date given
    (``--published``) and none sure in the dateline.
    """
    text = nfc(raw.lstrip("\ufeff")).replace("\r\n", "\n").replace("\r", "\n")
    paragraphs = [p for p in _paragraphs(text) if p]
    if not paragraphs:
        raise InvalidArticle(f"{name}: the text is empty")
    published, published_note = meta.published, meta.published_note
    if published is None:
        found = _dateline(paragraphs[0])
        if found is None:
            raise InvalidArticle(
                f"{name}: no publication date: give it with --published YYYY-MM-DD (the text "
                "has no single full date at its start to take it from)"
            )
        published, surface = found
        published_note = published_note or f"inferred: the dateline's date ({surface})"
    title, title_note = meta.title, meta.title_note
    if not title:
        title = _title(paragraphs)
        title_note = title_note or "the text's first sentence; the text has no title"
    article_id = meta.article_id or f"{published.isoformat()}-{slugify(title)[:80].strip('-')}"
    fields: list[tuple[str, object]] = [
        ("id", article_id),
        ("title", title),
        ("source", meta.source or "unknown"),
        ("seed_file", name),
        ("published", published),
    ]
    if meta.url:
        fields.append(("url", meta.url))
    if title_note:
        fields.append(("title_note", title_note))
    if published_note:
        fields.append(("published_note", published_note))
    fields.append(("language", meta.language))
    head = "\n".join(f"{key}: {_scalar(value)}" for key, value in fields)
    return f"---\n{head}\n---\n" + "\n\n".join(paragraphs) + "\n"
