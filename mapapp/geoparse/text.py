"""Text helpers for matching Vietnamese: NFC with offsets, case folding, syllables, neighbours."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

__all__ = [
    "NormalizedText",
    "normalize",
    "fold",
    "strip_accents",
    "is_vietnamese_syllable",
    "is_vietnamese_word",
    "has_vietnamese_letter",
    "accented_vietnamese_spellings",
    "prev_word",
    "next_word",
    "is_capitalized",
    "TooMany",
]

# Everything that is not a letter or digit separates words; "_" too, unlike in \w.
_NON_WORD = re.compile(r"[\W_]")
# Letters that only Vietnamese (among Latin-script languages GeoNames lists) writes: horn, breve
# with a tone, dot below and hook above. "ă" alone is Romanian too, "â ê ô" are French/Portuguese.
_VIETNAMESE_ONLY = frozenset(
    "ơưđạảậẩẫấầặẳẵắằẹẻẽệểễếềịỉọỏộổỗốồợởỡớờụủựửữứừỵỷỹỳ"
    "ƠƯĐẠẢẬẨẪẤẦẶẲẴẮẰẸẺẼỆỂỄẾỀỊỈỌỎỘỔỖỐỒỢỞỠỚỜỤỦỰỬỮỨỪỴỶỸỲ"
)
# Every letter of the Vietnamese alphabet, upper and lower case, with each of the five tone marks.
_TONES = ("", "\u0301", "\u0300", "\u0309", "\u0303", "\u0323")
_LOWER_LETTERS = frozenset(
    unicodedata.normalize("NFC", base + tone) for base in "aăâeêioôơuưy" for tone in _TONES
) | frozenset("bcdđghklmnpqrstvxfjwz")
_VIETNAMESE_LETTERS = _LOWER_LETTERS | frozenset(c.upper() for c in _LOWER_LETTERS)
_LETTER_CLASS = re.escape("".join(sorted(_VIETNAMESE_LETTERS)))
_ACCENTED_CLASS = re.escape("".join(sorted(c for c in _VIETNAMESE_LETTERS if not c.isascii())))
# One name per line, written in the Vietnamese alphabet with at least one accented letter.
_ACCENTED_VIETNAMESE_LINE = re.compile(
    f"^[{_LETTER_CLASS} -]*[{_ACCENTED_CLASS}][{_LETTER_CLASS} -]*$", re.MULTILINE
)
_VIETNAMESE_ONLY_RE = re.compile("[" + "".join(sorted(_VIETNAMESE_ONLY)) + "]")
# A Vietnamese syllable written without its diacritics: onset, vowel nucleus, coda.
_SYLLABLE_RE = (
    r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|th|tr|qu|[bcdghklmnprstvx])?"
    r"(?:oai|oay|oao|oeo|ieu|uoi|uou|uya|uye|uyu|yeu|uay|"
    r"ai|ao|au|ay|eo|eu|ia|ie|iu|oa|oe|oi|oo|ua|ue|ui|uo|uu|uy|ya|ye|[aeiouy])"
    r"(?:ch|ng|nh|[cmnpt])?"
)
_SYLLABLE = re.compile(_SYLLABLE_RE)
_SYLLABLES = re.compile(rf"{_SYLLABLE_RE}(?:[ \-]+{_SYLLABLE_RE})*")
# Each accented Vietnamese letter to its base letter, for stripping accents in one C call.
_BASE_LETTERS = str.maketrans(
    {
        c: unicodedata.normalize("NFD", c)[0]
        for c in _VIETNAMESE_LETTERS
        if not c.isascii() and c not in "đĐ"
    }
    | {"đ": "d", "Đ": "D"}
)


@dataclass(frozen=True)
class NormalizedText:
    """Text in NFC, its folded form (same length), and a map back to the original positions."""

    text: str
    offsets: tuple[int, ...] | None  # None: the original was already NFC, offsets are equal
    folded: str = ""

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a span of the normalised text back to the original text."""
        if self.offsets is None:
            return start, end
        return self.offsets[start], self.offsets[end]


def normalize(text: str) -> NormalizedText:
    """Return ``text`` in NFC with a map back to the original positions.

    Each base character and its combining marks are normalised as one unit, so that a span that
    starts and ends on word boundaries maps back exactly (``text[a:b]`` is the same word).
    """
    if unicodedata.is_normalized("NFC", text):
        return NormalizedText(text, None, fold(text))
    parts: list[str] = []
    offsets: list[int] = []
    unit_start = 0
    for i in range(1, len(text) + 1):
        if i < len(text) and unicodedata.combining(text[i]):
            continue
        unit = unicodedata.normalize("NFC", text[unit_start:i])
        parts.append(unit)
        offsets.extend([unit_start] * len(unit))
        unit_start = i
    offsets.append(len(text))
    normalized = "".join(parts)
    return NormalizedText(normalized, tuple(offsets), fold(normalized))


def fold(text: str) -> str:
    """Lower-case ``text`` and turn every non-word character into a space, keeping its length."""
    lowered = text.lower()
    if len(lowered) != len(text):  # a few letters ("İ") lower-case to two characters
        lowered = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    return _NON_WORD.sub(" ", lowered)


def strip_accents(text: str) -> str:
    """Return ``text`` lower-cased without Vietnamese diacritics ("Đà Nẵng" -> "da nang")."""
    return text.translate(_BASE_LETTERS).lower()


def is_vietnamese_syllable(word: str) -> bool:
    """Tell whether ``word`` could be one Vietnamese syllable ("nga", "Hòa", "long")."""
    return _SYLLABLE.fullmatch(strip_accents(word)) is not None


def is_vietnamese_word(name: str) -> bool:
    """Tell whether every space- or hyphen-separated part of ``name`` is a Vietnamese syllable."""
    return _SYLLABLES.fullmatch(strip_accents(name.strip())) is not None


def has_vietnamese_letter(name: str) -> bool:
    """Tell whether ``name`` contains a letter only Vietnamese writes (ơ, ư, đ, ạ, ả, ...)."""
    return _VIETNAMESE_ONLY_RE.search(name) is not None


def accented_vietnamese_spellings(names: list[str]) -> list[str]:
    """Return the ``names`` written in the Vietnamese alphabet with at least one accented letter
    ("Mát-xcơ-va", "Hồng Kông"; not "Moskva", "Москва"), in one pass over all of them."""
    return _ACCENTED_VIETNAMESE_LINE.findall("\n".join(n for n in names if "\n" not in n))


def prev_word(text: str, start: int, separators: str = " ") -> tuple[int, int] | None:
    """Return the span of the word just before ``start``, if one separator character parts them."""
    if start < 2 or text[start - 1] not in separators or not text[start - 2].isalnum():
        return None
    i = start - 2
    while i > 0 and text[i - 1].isalnum():
        i -= 1
    return i, start - 1


def next_word(text: str, end: int, separators: str = " ") -> tuple[int, int] | None:
    """Return the span of the word just after ``end``, if one separator character parts them."""
    if end + 1 >= len(text) or text[end] not in separators or not text[end + 1].isalnum():
        return None
    j = end + 1
    while j < len(text) and text[j].isalnum():
        j += 1
    return end + 1, j


def is_capitalized(word: str) -> bool:
    """Tell whether ``word`` starts with an upper-case letter."""
    return bool(word) and word[0].isupper()


class TooMany(ValueError):
    """More items in one text than the caller allows: the search stops there."""

    def __init__(self, what: str, limit: int):
        super().__init__(f"more than {limit:,} {what}")
        self.what = what
        self.limit = limit
