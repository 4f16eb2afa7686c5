"""Saved web pages (``.html``): the article's main text and metadata, extracted with
trafilatura, made into the stored form (front matter and body) as plain text is.

From the page: the main text (menus, footers and comments left out; a first line that repeats
the title dropped), the title, the publication date found in the page's metadata (never guessed
from its text or its address), the canonical address and the outlet's name. What the editor
gives (``TextMeta``, the ``mapapp ingest`` options) wins over what the page says; a page
without a publication date in its metadata is dated as plain text is (its dateline, marked
inferred, else ``--published`` is needed).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any
from urllib.parse import urlsplit

from mapapp.core.errors import InvalidArticle
from mapapp.core.text import nfc
from mapapp.sources.plaintext import TextMeta, text_article

__all__ = ["html_article", "MIN_TEXT_CHARS"]

#: A page whose main text is shorter than this holds no article (a menu, a cookie notice).
MIN_TEXT_CHARS = 40


def _date(value: object) -> dt.date | None:
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def html_article(raw: str, name: str, meta: TextMeta) -> str:
    """Return the stored form of the saved page ``raw`` (file ``name``).

    Raises InvalidArticle naming the problem: no main text found, or no publication date in
    the page's metadata, none given (``--published``) and none sure in the text's dateline.
    """
    import trafilatura  # loaded when a page is read: a second of imports the rest never needs

    found = trafilatura.bare_extraction(
        raw,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        favor_precision=True,
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    page: dict[str, Any] = {}
    if isinstance(found, dict):
        page = found
    elif found is not None:
        page = found.as_dict()
    text = nfc(page.get("text") or "")
    title = nfc(page.get("title") or "").strip() or None
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if lines and title and lines[0] == (meta.title or title):
        lines = lines[1:]
    if sum(len(line) for line in lines) < MIN_TEXT_CHARS:
        raise InvalidArticle(
            f"{name}: no article text found in the page (its main text has "
            f"{sum(len(line) for line in lines)} characters)"
        )
    url = page.get("url") if isinstance(page.get("url"), str) else None
    if url and urlsplit(url).scheme not in ("http", "https"):
        url = None
    outlet = page.get("sitename") or (urlsplit(url).hostname if url else None)
    from_page = TextMeta(
        title=title,
        published=_date(page.get("date")),
        source=nfc(outlet).strip() if isinstance(outlet, str) and outlet.strip() else None,
        url=url,
    )
    # The editor's options win; a date neither gives is looked for in the text's dateline.
    given: dict[str, Any] = {
        k: v for k, v in dataclasses.asdict(meta).items() if v is not None and k != "language"
    }
    merged = dataclasses.replace(from_page, language=meta.language, **given)
    return text_article("\n".join(lines), name, merged)
