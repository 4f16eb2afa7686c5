"""Text at the boundary: Unicode NFC, the one diacritic fold, and safe CSS class tokens."""

from __future__ import annotations

import re
import unicodedata

__all__ = ["nfc", "strip_diacritics", "fold", "slugify", "css_token", "vietnamese_share"]


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


def slugify(name: str) -> str:
    """Return a stable lower-case ASCII id for ``name`` ("Côte d'Ivoire" -> "cote-d-ivoire")."""
    return re.sub(r"[^a-z0-9]+", "-", strip_diacritics(name).lower()).strip("-")


def css_token(value: object) -> str:
    """Return ``value`` reduced to a safe CSS class token (lower-case letters, digits, -, _)."""
    token = re.sub(r"[^a-z0-9_-]+", "-", str(value).lower()).strip("-")
    return token or "none"


#: Letters only Vietnamese writes among the languages news comes in: đ, ă, ơ, ư and the vowels
#: with a dot below, a hook above or (i, u, y) a tilde. Shared ones (á, à, ã, â, é, ...) are not.
_VIETNAMESE_ONLY = frozenset("đăơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịĩọỏốồổỗộớờởỡợụủũứừửữựỳỵỷỹ")


def vietnamese_share(text: str) -> float:
    """Return the share of ``text``'s words written with a letter only Vietnamese has: about
    half in Vietnamese news, none in English, French or Portuguese."""
    words = re.findall(r"[^\W\d_]+", text.lower())
    if not words:
        return 0.0
    return sum(1 for w in words if not _VIETNAMESE_ONLY.isdisjoint(w)) / len(words)
