"""Addresses taken from data: only web addresses (http, https) and paths on this site are links."""

from __future__ import annotations

import unicodedata
from urllib.parse import urlsplit

__all__ = ["http_url_problem", "is_http_url", "safe_href", "absolute_sources"]

_WEB_SCHEMES = ("http", "https")


def _has_hidden_characters(value: str) -> bool:
    """True if ``value`` holds white space or control/format characters ("java\\tscript:")."""
    return any(ch.isspace() or unicodedata.category(ch).startswith("C") for ch in value)


def http_url_problem(value: str) -> str | None:
    """Return why ``value`` is not an absolute http(s) address with a host, or None if it is."""
    if not value:
        return "it is empty"
    if _has_hidden_characters(value) or "\\" in value:
        return "it holds white space, control characters or a backslash"
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        return "it is not a well-formed address"
    if parts.scheme.lower() not in _WEB_SCHEMES:
        return "only http: and https: addresses are allowed"
    if not parts.hostname:
        return "it names no host"
    if parts.username is not None or parts.password is not None:
        return "it carries a user name or password"
    return None


def is_http_url(value) -> bool:
    """True if ``value`` is an absolute http(s) address with a host and nothing hidden in it."""
    return isinstance(value, str) and http_url_problem(value) is None


def safe_href(value) -> str | None:
    """Return ``value`` if it may be a link (an http(s) address or a path on this site), else
    None: ``javascript:``, ``data:``, ``//host`` and the like never become links."""
    if not isinstance(value, str):
        return None
    if is_http_url(value):
        return value
    on_site = value.startswith("/") and not value.startswith(("//", "/\\"))
    return value if on_site and not _has_hidden_characters(value) else None


#: How a source's link to its sentence is stored: a path on this site ("/articles/x#s3").
_SENTENCE_PATH = "/articles/"


def absolute_sources(feature: dict, base: str) -> dict:
    """Return ``feature`` with its sources' links to their sentences made absolute below
    ``base`` (``https://maps.example``), so that a GIS or a spreadsheet can open them."""
    props = feature.get("properties")
    if not isinstance(props, dict) or not props.get("sources"):
        return feature
    sources = props["sources"]
    fixed = [
        {**s, "url": base + s["url"]}
        if isinstance(s, dict) and isinstance(s.get("url"), str)
        and s["url"].startswith(_SENTENCE_PATH)
        else s
        for s in sources
    ]  # fmt: skip
    return {**feature, "properties": {**props, "sources": fixed}}
