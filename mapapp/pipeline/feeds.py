"""Articles from an RSS or Atom feed: each entry's page fetched (once: an address a stored
article has is not fetched again) and made into an article's stored form for ``ingest``."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from urllib.parse import urlsplit

from mapapp.core.errors import InvalidArticle
from mapapp.sources.articles import parse_article, read_bytes_bounded
from mapapp.sources.feeds import fetch, is_url, read_feed
from mapapp.sources.plaintext import TextMeta
from mapapp.sources.webpage import html_article
from mapapp.store.layers import Store

__all__ = ["feed_articles"]


def _read(source: str) -> tuple[bytes, str]:
    if is_url(source):
        return fetch(source), source
    path = Path(source)
    return read_bytes_bounded(path, path.name), path.name  # a regular file, within the limit


def _page_name(link: str) -> str:
    last = urlsplit(link).path.rstrip("/").rsplit("/", 1)[-1]
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", last).strip("-.")[:100] or "page"
    return name if name.endswith((".html", ".htm")) else f"{name}.html"


def feed_articles(
    source: str, store: Store, meta: TextMeta | None = None
) -> tuple[list[tuple[str, str]], list[str]]:
    """Read the feed at ``source`` (a file or an http(s) address); fetch the page of every
    entry whose link no stored article has, and make it an article in its stored form (the
    feed's title and day for the entry, then the page's, as ``html_article`` reads it;
    ``meta``'s source and language for all). Return ``(name, text)`` of each, for ``ingest``,
    and one warning for each entry that could not be read (the others go on)."""
    data, name = _read(source)
    entries = read_feed(data, name)
    stored = store.stored_urls([entry.link for entry in entries])
    given = meta or TextMeta()
    articles: list[tuple[str, str]] = []
    warnings: list[str] = []
    for entry in entries:
        if entry.link in stored:
            continue
        page_name = _page_name(entry.link)
        try:
            page = fetch(entry.link).decode("utf-8", errors="replace")
            entry_meta = dataclasses.replace(
                given, url=entry.link, title=entry.title, published=entry.published
            )
            text = html_article(page, page_name, entry_meta)
            parse_article(text, page_name)  # refused here, with a warning, not by the batch
        except InvalidArticle as exc:
            warnings.append(f"{name}: entry {entry.link}: {exc}")
            continue
        articles.append((page_name, text))
    return articles, warnings
