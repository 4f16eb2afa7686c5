"""RSS and Atom feeds, and fetching what they link to: bounded, identified, http(s) only.

``fetch(url)`` reads at most ``MAX_FETCH_BYTES`` from an ``http``/``https`` address within
``FETCH_TIMEOUT`` seconds a read, with mapapp's User-Agent; a redirect to any other scheme, a
larger answer, an HTTP error or a timeout is a ``FetchError`` naming the address and the
problem. ``read_feed(data, name)`` returns a feed's entries (feedparser: RSS 0.9x to 2.0, RSS
1.0, Atom): each one's link, title and publication day where the feed gives them.
"""

from __future__ import annotations

import datetime as dt
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlsplit

from mapapp.core.errors import InvalidArticle
from mapapp.core.text import nfc

__all__ = [
    "FeedEntry",
    "FetchError",
    "fetch",
    "read_feed",
    "is_url",
    "FEED_SUFFIXES",
    "MAX_FETCH_BYTES",
    "FETCH_TIMEOUT",
    "MAX_FEED_ENTRIES",
    "USER_AGENT",
]

#: A page or a feed larger than this is refused (an article's limit: news is a few KB).
MAX_FETCH_BYTES = 1_000_000
#: Seconds a connection or a read may take.
FETCH_TIMEOUT = 15.0
#: Entries read from one feed: a news feed carries tens.
MAX_FEED_ENTRIES = 500
#: Who is asking, for the sites' logs.
USER_AGENT = "mapapp/0.1 (news-to-map archive; +https://github.com/mapapp)"
#: File suffixes read as feeds.
FEED_SUFFIXES = (".xml", ".rss", ".atom")


class FetchError(InvalidArticle):
    """An address that could not be read: the message names it and the problem."""


@dataclass(frozen=True)
class FeedEntry:
    """One item of a feed: its link, and its title and day where the feed gives them."""

    link: str
    title: str | None
    published: dt.date | None


def is_url(value: str) -> bool:
    """True if ``value`` is an ``http`` or ``https`` address."""
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


class _HttpOnly(urllib.request.HTTPRedirectHandler):
    """Follow redirects to http(s) addresses only (never to file: or ftp:)."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if not is_url(newurl):
            raise FetchError(f"{req.full_url}: redirected to {newurl!r}, not an http(s) address")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


_OPENER = urllib.request.build_opener(_HttpOnly)


def fetch(url: str, timeout: float = FETCH_TIMEOUT, max_bytes: int = MAX_FETCH_BYTES) -> bytes:
    """Return the body at ``url`` (FetchError naming the address and the problem)."""
    if not is_url(url):
        raise FetchError(f"{url}: not an http(s) address")
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            data = response.read(max_bytes + 1)
    except urllib.error.HTTPError as exc:
        raise FetchError(f"{url}: HTTP {exc.code} {exc.reason}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise FetchError(f"{url}: could not be read ({reason})") from None
    if len(data) > max_bytes:
        raise FetchError(f"{url}: larger than the {max_bytes:,} byte limit")
    return data


def _day(entry) -> dt.date | None:
    for key in ("published_parsed", "updated_parsed"):
        value = entry.get(key)
        if value:
            try:
                return dt.date(value.tm_year, value.tm_mon, value.tm_mday)
            except ValueError:
                continue
    return None


def read_feed(data: bytes, name: str) -> list[FeedEntry]:
    """Return the entries of the feed ``data`` (from ``name``), those with an http(s) link;
    InvalidArticle if it is no feed at all."""
    import feedparser  # loaded when a feed is read

    parsed = feedparser.parse(data)
    if not parsed.entries and (parsed.bozo or not parsed.get("version")):
        problem = parsed.get("bozo_exception") or "no entries"
        raise InvalidArticle(f"{name}: not an RSS or Atom feed ({problem})")
    entries = []
    for entry in parsed.entries[:MAX_FEED_ENTRIES]:
        link = entry.get("link")
        if not isinstance(link, str) or not is_url(link):
            continue
        title = entry.get("title")
        title = nfc(title).strip() if isinstance(title, str) and title.strip() else None
        entries.append(FeedEntry(link=link, title=title, published=_day(entry)))
    return entries
