"""Text at the boundary: Unicode NFC, the one diacritic fold, and safe CSS class tokens."""

from __future__ import annotations

import re
import unicodedata

__all__ = ["nfc", "strip_diacritics", "fold", "css_token"]


def nfc(text: str) -> str:
    """Return ``text`` in Unicode NFC, the one form all matching is done in."""
    return unicodedata.normalize("NFC", text)


def strip_diacritics(text: str) -> str:
    """Return ``text`` without diacritics, case kept: "Đà Nẵng" → "Da Nang", "Ţūlkarm" →
    "Tulkarm". Vietnamese đ becomes d (Unicode gives it no decomposition)."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    bare = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    return unicodedata.normalize("NFC", bare)


def fold(text: str) -> str:
    """Return ``text`` for matching regardless of diacritics and case: "Hành lang" → "hanh lang".

    Whitespace runs become one space. The browser's copy (``static/explore/state.js``) is
    tested against this one.
    """
    return " ".join(strip_diacritics(text).lower().split())


def css_token(value: object) -> str:
    """Return ``value`` reduced to a safe CSS class token (lower-case letters, digits, -, _)."""
    token = re.sub(r"[^a-z0-9_-]+", "-", str(value).lower()).strip("-")
    return token or "none"
