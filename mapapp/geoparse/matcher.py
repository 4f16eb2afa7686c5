"""Whole-word phrase matching in one pass: an Aho-Corasick automaton over folded text."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import ahocorasick

from mapapp.geoparse.text import fold

__all__ = ["Hit", "PhraseMatcher", "phrase_key", "select_longest"]


@dataclass(frozen=True)
class Hit:
    """One phrase found in the folded text: its span and the payload stored for the phrase."""

    start: int
    end: int
    payload: Any


def phrase_key(phrase: str) -> str:
    """Return the key a phrase is stored under: folded, with runs of separators collapsed."""
    if phrase.isalpha():  # one plain word, the common case: folding is lower-casing
        return phrase.lower()
    return " ".join(fold(phrase).split())


class PhraseMatcher:
    """Find stored phrases in text, case-insensitively and only as whole words.

    Punctuation and hyphens count as word separators, so "Nga-Thổ Nhĩ kỳ" holds the phrases "Nga"
    and "Thổ Nhĩ Kỳ", and "Nagorno-Karabakh" matches "Nagorno Karabakh" too. Text must be NFC.
    Keys and text are padded with a space, so the automaton only reports matches that start and end
    on word boundaries: one pass over the text, whatever the number of phrases.
    """

    def __init__(self, phrases: Iterable[tuple[str, Any]], keyed: bool = False):
        """Build the automaton from ``(phrase, payload)`` pairs; a repeated key keeps its first.

        ``keyed`` says the phrases are already keys (the output of ``phrase_key``).
        """
        keys: list[str] = []
        payloads: list[Any] = []
        seen: set[str] = set()
        for phrase, payload in phrases:
            key = phrase if keyed else phrase_key(phrase)
            if key and key not in seen:
                seen.add(key)
                keys.append(key)
                payloads.append(payload)
        self._build(keys, payloads)

    @classmethod
    def from_keys(cls, keys: Sequence[str], payloads: Sequence[Any]) -> PhraseMatcher:
        """Build the automaton from distinct keys (``keys()`` of another matcher) and their
        payloads, which may be a lazy sequence: a payload is only read when its key is hit."""
        matcher = cls.__new__(cls)
        matcher._build(keys, payloads)
        return matcher

    def _build(self, keys: Sequence[str], payloads: Sequence[Any]) -> None:
        # The automaton stores each key's position; payloads stay in a plain sequence.
        self._automaton = ahocorasick.Automaton(ahocorasick.STORE_INTS)
        self._keys = keys
        self._payloads = payloads
        for position, key in enumerate(keys):
            self._automaton.add_word(f" {key} ", position)
        if keys:
            self._automaton.make_automaton()

    def __len__(self) -> int:
        return len(self._keys)

    def __contains__(self, phrase: str) -> bool:
        return f" {phrase_key(phrase)} " in self._automaton

    def keys(self) -> Sequence[str]:
        """The stored keys, in the order of ``payload_at``."""
        return self._keys

    def payloads(self) -> Sequence[Any]:
        """The payloads, in the order of ``keys()``."""
        return self._payloads

    def payload(self, phrase: str, default: Any = None) -> Any:
        """Return the payload stored for ``phrase``, or ``default``."""
        position = self._automaton.get(f" {phrase_key(phrase)} ", -1)
        return default if position < 0 else self._payloads[position]

    def iter_hits(self, folded: str) -> list[Hit]:
        """Return every stored phrase in ``folded`` (the output of ``fold``), overlaps included."""
        if not self._keys:
            return []
        hits = []
        keys, payloads = self._keys, self._payloads
        for last, position in self._automaton.iter(f" {folded} "):
            # In the padded text the key ends at ``last`` (its trailing pad); shift back by one.
            end = last - 1
            start = end - len(keys[position])
            hits.append(Hit(start, end, payloads[position]))
        return hits

    def find(self, text: str, folded: str | None = None) -> list[Hit]:
        """Return the longest non-overlapping hits in ``text``, in text order.

        ``folded`` is ``fold(text)`` when the caller has it already.
        """
        return select_longest(self.iter_hits(fold(text) if folded is None else folded))


def select_longest(hits: Iterable[Hit], keep: Callable[[Hit], bool] | None = None) -> list[Hit]:
    """Keep the longest hits that do not overlap (leftmost first among equals), in text order.

    ``keep`` can veto a hit before it takes its place, so that a shorter hit inside a vetoed
    longer one still gets its chance.
    """
    chosen: list[Hit] = []
    hits = sorted(hits, key=lambda h: (h.start - h.end, h.start))
    taken = bytearray(max((h.end for h in hits), default=0))
    for hit in hits:
        if 1 in taken[hit.start : hit.end]:
            continue
        if keep is not None and not keep(hit):
            continue
        chosen.append(hit)
        taken[hit.start : hit.end] = b"\x01" * (hit.end - hit.start)
    chosen.sort(key=lambda h: h.start)
    return chosen
