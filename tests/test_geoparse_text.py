"""Text helpers: NFC with offsets, folding, Vietnamese syllables, whole-word phrase matching."""

import unicodedata

import pytest

from mapapp.geoparse.matcher import Hit, PhraseMatcher, phrase_key, select_longest
from mapapp.geoparse.text import (
    accented_vietnamese_spellings,
    fold,
    has_vietnamese_letter,
    is_vietnamese_syllable,
    is_vietnamese_word,
    normalize,
    strip_accents,
)


def test_normalize_maps_nfd_spans_back_to_the_input():
    original = unicodedata.normalize("NFD", "Ở Thổ Nhĩ Kỳ")
    normalized = normalize(original)
    assert normalized.text == "Ở Thổ Nhĩ Kỳ"
    start = normalized.text.index("Thổ")
    a, b = normalized.original_span(start, start + len("Thổ Nhĩ Kỳ"))
    assert unicodedata.normalize("NFC", original[a:b]) == "Thổ Nhĩ Kỳ"
    assert b == len(original)
    assert normalize("Nga").offsets is None


def test_fold_keeps_the_length_and_blanks_punctuation():
    text = "Nga-Thổ Nhĩ kỳ, V.Putin (İstanbul)"
    folded = fold(text)
    assert len(folded) == len(text)
    assert folded.startswith("nga thổ nhĩ kỳ  v putin")
    assert phrase_key("Nagorno - Karabakh") == "nagorno karabakh"


@pytest.mark.parametrize(
    ("word", "expected"),
    [("Nga", True), ("nghiêng", True), ("Hòa", True), ("Putin", False), ("Lyon", False)],
)
def test_vietnamese_syllables(word, expected):
    assert is_vietnamese_syllable(word) is expected


def test_vietnamese_words_and_letters():
    assert strip_accents("Đà Nẵng") == "da nang"
    assert is_vietnamese_word("Tân An") and is_vietnamese_word("Tan-An")
    assert not is_vietnamese_word("Baku")
    assert has_vietnamese_letter("Mát-xcơ-va") and not has_vietnamese_letter("Châteaudun")
    names = ["Moskva", "Mát-xcơ-va", "Москва", "Hồng Kông", "Châteaudun", "São Paulo"]
    # the alphabet only: "São Paulo" qualifies here, GeoNames filtering then drops it
    assert accented_vietnamese_spellings(names) == [
        "Mát-xcơ-va",
        "Hồng Kông",
        "Châteaudun",
        "São Paulo",
    ]


def test_phrase_matcher_finds_whole_words_longest_first():
    matcher = PhraseMatcher([("Lachin", "town"), ("hành lang Lachin", "corridor"), ("Nga", "ru")])
    text = "Nga, Ngày, hành lang Lachin và Lachin"
    hits = [(text[h.start : h.end], h.payload) for h in matcher.find(text)]
    assert hits == [("Nga", "ru"), ("hành lang Lachin", "corridor"), ("Lachin", "town")]
    assert "HÀNH LANG LACHIN" in matcher and matcher.payload("nga") == "ru"


def test_select_longest_gives_a_vetoed_long_hit_s_inner_hits_their_chance():
    hits = [Hit(0, 13, "long"), Hit(0, 4, "a"), Hit(5, 13, "b")]
    kept = select_longest(hits, keep=lambda hit: hit.payload != "long")
    assert [h.payload for h in kept] == ["a", "b"]
