"""The one sentence segmenter: splits an article body into numbered sentences with spans."""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Sentence", "segment"]

# A sentence ends at . ! ? or … (optionally followed by closing quotes/brackets) when white space
# and then the start of a new sentence follow. "V.Putin", "1.960" and "9/11" never match because
# no white space follows their dot.
_BOUNDARY = re.compile(r"""[.!?…]+["'”’»)\]]*(?=\s+["'“‘«(\[]?[^\W\d_a-zđ])""", re.UNICODE)
# Vietnamese news marks the end of an article with "/." (sometimes "./."): not a sentence.
_CLOSING_MARK = re.compile(r"\s*\.?/\.\s*$")
# Words that end with a dot but do not end a sentence.
_ABBREVIATIONS = frozenset(
    [
        "tp",
        "tp.",
        "st",
        "mr",
        "mrs",
        "ms",
        "dr",
        "ts",
        "pgs",
        "gs",
        "ths",
        "ông",
        "bà",
        "th",
        "tt",
        "no",
        "vs",
        "etc",
        "v.v",
    ]
)


@dataclass(frozen=True)
class Sentence:
    """One sentence: its number (from 1), its verbatim text, and its span in the body."""

    number: int
    text: str
    start: int
    end: int
    paragraph: int


def _paragraph_spans(body: str):
    """Yield (start, end) of each non-blank paragraph; paragraphs are separated by blank lines."""
    for match in re.finditer(r"(?:[^\n]|\n(?!\s*\n))+", body):
        start, end = match.span()
        text = match.group()
        stripped = text.strip()
        if not stripped:
            continue
        start += len(text) - len(text.lstrip())
        end = start + len(stripped)
        yield start, end


def _is_abbreviation(text: str, dot: int) -> bool:
    """Tell whether the dot at ``dot`` closes an abbreviation or an initial ("V. Putin")."""
    word_start = dot
    while word_start > 0 and not text[word_start - 1].isspace():
        word_start -= 1
    word = text[word_start:dot].lower()
    if word.strip("(\"'“") in _ABBREVIATIONS:
        return True
    # A single capital letter before the dot is an initial.
    return len(word) == 1 and text[word_start].isupper()


def segment(body: str) -> list[Sentence]:
    """Split ``body`` into sentences, numbered from 1 in reading order.

    Paragraph breaks always end a sentence. Spans index into ``body`` so that
    ``body[s.start:s.end] == s.text``; the same text always gives the same numbers.

    >>> [s.text for s in segment("Ngày 9/11, V.Putin ký. Có 1.960 người./.")]
    ['Ngày 9/11, V.Putin ký.', 'Có 1.960 người.']
    """
    sentences: list[Sentence] = []
    for paragraph, (p_start, p_end) in enumerate(_paragraph_spans(body), start=1):
        text = body[p_start:p_end]
        closing = _CLOSING_MARK.search(text)
        if closing:
            # Keep the sentence's own full stop when the mark was "./.".
            keep = 1 if closing.group().lstrip().startswith("./") else 0
            text = text[: closing.start() + keep]
        cut = 0
        for match in _BOUNDARY.finditer(text):
            if _is_abbreviation(text, match.start()):
                continue
            _append(sentences, body, p_start + cut, p_start + match.end(), paragraph)
            cut = match.end()
        _append(sentences, body, p_start + cut, p_start + len(text), paragraph)
    return sentences


def _append(sentences: list[Sentence], body: str, start: int, end: int, paragraph: int) -> None:
    chunk = body[start:end]
    lead = len(chunk) - len(chunk.lstrip())
    start += lead
    end = start + len(chunk.strip())
    if end > start:
        sentences.append(Sentence(len(sentences) + 1, body[start:end], start, end, paragraph))
