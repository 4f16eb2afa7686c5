"""Context rules that tell a place name from a person's name or a common word in Vietnamese."""

from __future__ import annotations

import re
from collections.abc import Set
from functools import lru_cache

from mapapp.geoparse.entities import RANK_CURATED, NameForm
from mapapp.geoparse.text import (
    is_capitalized,
    is_vietnamese_syllable,
    next_word,
    prev_word,
)

__all__ = ["NameContext", "HONORIFICS", "NAME_PARTS"]


def _word_set(words: str) -> frozenset[str]:
    """Return the space-separated words of ``words`` as a set."""
    return frozenset(words.split())


#: Words put before a person's name ("ông Putin", "chị Nga"): what follows is a person.
HONORIFICS = _word_set(
    "ông bà anh chị em cô chú bác cụ ngài cậu dì thím mợ cháu thầy bé nàng chàng lão"
)
#: Common Vietnamese family and middle names: "Minh Đức", "Thúy Nga", "Nguyễn Thị Mỹ".
NAME_PARTS = _word_set(
    "nguyễn trần lê phạm hoàng huỳnh phan vũ võ đặng bùi đỗ hồ ngô dương lý đinh trịnh đoàn "
    "lương mai cao lâm tô tạ quách thái châu văn thị hữu đức công quang minh ngọc xuân thu "
    "hồng thúy thùy thanh kim bích diệu hải tuấn anh hùng dũng hương lan linh trang phương "
    "hằng nga thảo vân yến huyền khánh bảo gia đình duy trọng tiến"
)
# "tiếng Anh" is the English language, not England.
_NOT_A_PLACE_AFTER = HONORIFICS | {"tiếng"}
# Titles put before a person's name: a city right after one is a person ("Tổng thống Lincoln").
# A country right after one is the title's country ("Thủ tướng Armenia"), so countries are exempt.
_TITLE_BEFORE = re.compile(
    r"(?:tổng thống|thủ tướng|bộ trưởng|ngoại trưởng|chủ tịch|tướng|đô đốc|nghị sĩ|"
    r"người phát ngôn|phát ngôn viên|giáo sư|tiến sĩ|bác sĩ|nhà báo|phóng viên|ca sĩ|nhạc sĩ|"
    r"cầu thủ|tiền đạo|tiền vệ|hậu vệ|thủ môn|huấn luyện viên|diễn viên|đạo diễn|tỷ phú|tỉ phú|"
    r"doanh nhân|ứng viên|ứng cử viên|hoàng tử|công chúa|nữ hoàng|vua|giáo hoàng|đại sứ|"
    r"đại úy|thiếu tá|trung tá|đại tá|luật sư|thẩm phán|nghệ sĩ|tác giả|nhà văn|nhà thơ|"
    r"chuyên gia|vợ|chồng|con trai|con gái|giám đốc) $"
)
# Words that announce a place: what a weak (small-town) name needs before it.
# "TP Hạ Long", "TX Sông Cầu": a town's generic word, abbreviated in capitals, is not a name.
_ABBREVIATED_GENERICS = frozenset({"tp", "tx", "tt"})
_LOCATIVE_BEFORE = re.compile(
    r"(?:^| )(?:ở|tại|đến|tới|từ|về|gần|quanh|sang|qua|phía|khỏi|ngoài|thành phố|thị trấn|"
    r"thị xã|làng|xã|phường|khu vực|vùng|tỉnh|huyện|quận|ngoại ô|thủ phủ|thủ đô|cảng|"
    r"sân bay|hướng|tp) $"
)
# "Barda và Tartar", "Barda, Tartar": a name listed right after a town.
_LISTED_AFTER = re.compile(r"(?: và |  )$")
# What may stand before a sentence's first word: an end of sentence, a quote, a colon, a dash.
_OPENERS = frozenset(".!?…:;\"“”'‘’([\n-–—•")
# An initial glued to a name: the "V." of "V.Putin", the "N. " of "N. Pashinyan".
_INITIAL_BEFORE = re.compile(r"(?:^|[^\w])[A-ZĐ]\. ?$")
# The name of an institution that ends with a city: "Viện Kinh tế Thế giới Kiel", "Đại học Quốc
# gia Hà Nội". The head word (capitalised in the text) is followed by at most four words of its
# name and no word that would start a new phrase ("Đại học Harvard ở Boston" names Boston).
_INSTITUTION_BEFORE = re.compile(
    r"(?:^| )(?P<head>viện|học viện|đại học|trường đại học|quỹ|tập đoàn|công ty|câu lạc bộ|clb|"
    r"nhà hát|bảo tàng|dàn nhạc|tạp chí|nhật báo)((?: \w+){0,4}) $"
)
_PHRASE_BREAKERS = _word_set(
    "ở tại và với của cho trong từ về là đến tới sang ngoài gần cùng hay hoặc nói biết"
)


@lru_cache(maxsize=100_000)
def _capital_offsets(form: str, case: str, length: int) -> tuple[int, ...] | None:
    """Offsets of the capitals that must stay capitals: the first one (``case="first"``) or
    the first letter of every capitalised word (``"each"``); None if ``form`` is not
    ``length`` characters long (then offsets in the text would not line up)."""
    if len(form) != length:
        return None
    offsets = tuple(
        i for i, c in enumerate(form) if c.isupper() and (i == 0 or not form[i - 1].isalnum())
    )
    return offsets[:1] if case == "first" else offsets


class NameContext:
    """The rules, applied to one text: ``accept(start, end, form)`` says if a hit is a place.

    ``text`` is the NFC text, ``folded`` its folded form (same length), ``starts``/``ends`` the
    boundaries of every candidate place found in it (a neighbour that is itself a place is fine),
    ``town_ends`` the ends of the candidates that are cities, towns or villages.
    """

    def __init__(
        self,
        text: str,
        folded: str,
        starts: Set[int],
        ends: Set[int],
        town_ends: Set[int] = frozenset(),
    ):
        self.text = text
        self.folded = folded
        self.starts = starts
        self.ends = ends
        self.town_ends = town_ends

    def accept(self, start: int, end: int, form: NameForm, kind: str) -> bool:
        """Tell whether the name ``form`` found at ``[start, end)`` names a place here."""
        if not self._case_fits(start, end, form):
            return False
        if _INITIAL_BEFORE.search(self.text[max(0, start - 3) : start]):
            return False
        if self._rejected_by_neighbours(start, end, form):
            return False
        if kind != "country" and self._ends_an_institution_name(start):
            return False
        before = self.folded[max(0, start - 40) : start]
        prev = prev_word(self.text, start)
        if prev and self.text[prev[0] : prev[1]].lower() in _NOT_A_PLACE_AFTER:
            return False
        person_like = form.ambiguous or form.rank != RANK_CURATED
        if person_like and kind != "country" and _TITLE_BEFORE.search(before):
            return False
        if form.pronoun and self._is_pronoun(start, end):
            return False
        if form.weak and not self._has_locative_evidence(start, end):
            return False
        if person_like:
            return self._not_part_of_a_name(start, end, strict=kind != "country")
        return True

    def _ends_an_institution_name(self, start: int) -> bool:
        """Tell whether the name closes an institution's name ("Viện ... Kiel"): not a place."""
        window = max(0, start - 60)
        match = _INSTITUTION_BEFORE.search(self.folded[window:start])
        if match is None or any(w in _PHRASE_BREAKERS for w in match.group(2).split()):
            return False
        return self.text[window + match.start("head")].isupper()

    def _is_pronoun(self, start: int, end: int) -> bool:
        """Tell whether "Anh đã ..." opening a sentence is the pronoun: the text says "anh"."""
        if not self._starts_sentence(start):
            return False
        word = self.text[start:end].lower()
        return re.search(rf"(?<!\w){re.escape(word)}(?!\w)", self.text) is not None

    def _has_locative_evidence(self, start: int, end: int) -> bool:
        """A locative word before ("tại Goris"), a town before ("Barda và Tartar") or a place
        after ("Alice, Texas")."""
        before = self.folded[max(0, start - 20) : start]
        if _LOCATIVE_BEFORE.search(before):
            return True
        listed = _LISTED_AFTER.search(before)
        if listed and start - len(listed.group()) in self.town_ends:
            return True
        after = self.text[end : end + 3]
        return after[:2] == ", " and end + 2 in self.starts

    def _case_fits(self, start: int, end: int, form: NameForm) -> bool:
        """Capitals of the name must be capitals in the text: "nga" is a word, "Nga" Russia."""
        offsets = _capital_offsets(form.form, form.case, end - start)
        if offsets is None:  # the name is written with other spacing: compare word by word
            words = re.findall(r"\w+", self.text[start:end])
            pairs = zip(words, re.findall(r"\w+", form.form), strict=False)
            required = [word for word, model in pairs if is_capitalized(model)]
            if form.case == "first":
                required = required[:1]
            return all(is_capitalized(word) for word in required)
        return all(self.text[start + i].isupper() for i in offsets)

    def _rejected_by_neighbours(self, start: int, end: int, form: NameForm) -> bool:
        if form.reject_prev:
            before = " " + self.folded[max(0, start - 40) : start]
            if any(before.endswith(f" {phrase} ") for phrase in form.reject_prev):
                return True
        if form.reject_next:
            after = self.folded[end : end + 40] + " "
            if any(after.startswith(f" {phrase} ") for phrase in form.reject_next):
                return True
        return False

    def _starts_sentence(self, position: int) -> bool:
        """Tell whether the word at ``position`` opens a sentence (so is capitalised anyway)."""
        j = position
        while j > 0 and self.text[j - 1] in " \t":
            j -= 1
        return j == 0 or self.text[j - 1] in _OPENERS

    def _not_part_of_a_name(self, start: int, end: int, strict: bool) -> bool:
        """Reject a name glued to capitalised words that are not places: "Minh Đức", "Bill
        Clinton", "Anh Tuấn", "Washington Post". ``strict`` (cities) rejects any capitalised word
        after the name; otherwise only a Vietnamese one ("Nga V.Putin", "Anh Boris Johnson" pass).
        """
        prev = prev_word(self.text, start)
        if prev and prev[1] not in self.ends:
            word = self.text[prev[0] : prev[1]]
            if is_capitalized(word) and word.rstrip(".").lower() not in _ABBREVIATED_GENERICS:
                if not self._starts_sentence(prev[0]):
                    return False
                if word.lower() in NAME_PARTS or not is_vietnamese_syllable(word):
                    return False
        after = next_word(self.text, end, " -" if strict else " ")
        if after and after[0] not in self.starts:
            word = self.text[after[0] : after[1]]
            is_initial = len(word) == 1 and self.text[after[1] : after[1] + 1] == "."
            if is_capitalized(word) and not is_initial and (strict or is_vietnamese_syllable(word)):
                return False
        return True
