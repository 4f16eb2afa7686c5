"""Vietnamese keyword cues: what kind of event a sentence reports, and whether it goes on one."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from mapapp.geoparse.matcher import PhraseMatcher

__all__ = [
    "PRIORITY",
    "Cue",
    "find_cues",
    "pick_event_type",
    "is_continuation",
    "is_break",
    "reports_speech",
    "attribution_spans",
    "quantity_role",
]

#: Event types (of the vocabulary), most specific first: when a sentence holds several cues,
#: the first type wins.
PRIORITY = (
    "phone_call",
    "demining",
    "airlift",
    "decree",
    "ceasefire",
    "casualties",
    "visit",
    "relief",
    "refugees",
    "disaster",
    "deployment",
    "humanitarian",
    "combat",
    "meeting",
    "diplomacy",
    "economy",
    "statement",
    "other",
)
_PRIORITY = {event_type: rank for rank, event_type in enumerate(PRIORITY)}

_CUE_WORDS = {
    "phone_call": "điện đàm|cuộc gọi|gọi điện|điện thoại",
    "demining": "rà phá|gỡ mìn|phá mìn|rà mìn|tháo gỡ bom mìn|bom mìn|vật nổ|chưa nổ",
    "airlift": "máy bay vận tải|cầu hàng không|không vận|vận tải hàng không",
    "decree": "sắc lệnh|nghị định|sắc luật|ký lệnh|ký quyết định",
    "ceasefire": "ngừng bắn|đình chiến|ngừng chiến|hưu chiến|ngừng giao tranh",
    "casualties": "thiệt mạng|bị thương|thương vong|tử vong|tử nạn|thiệt hại về người|bị giết"
    "|hy sinh|mất tích|chết",
    "refugees": "tị nạn|tỵ nạn|sơ tán|di tản|hồi hương|trở về quê hương|di dời",
    # Phrases, not "lũ" alone (also "a bunch of": "lũ trẻ") nor "bão" alone ("bão giá").
    "disaster": "thiên tai|cơn bão|siêu bão|bão số|bão nhiệt đới|áp thấp nhiệt đới|đổ bộ vào"
    "|lũ lụt|lũ quét|lũ lớn|mưa lũ|nước lũ|đỉnh lũ|mức lũ|ngập lụt|ngập sâu|ngập úng|mưa lớn"
    "|sạt lở|lở đất|động đất|sóng thần|hạn hán|xâm nhập mặn|cháy rừng|núi lửa|lốc xoáy|giông lốc"
    "|triều cường",
    "deployment": "triển khai|điều động|đồn trú|điều quân|đưa quân|vận chuyển|tăng viện"
    "|tiếp quản|bàn giao|rút quân",
    "humanitarian": "nhân đạo|cứu trợ|viện trợ",
    # Rescuers and troops sent to a disaster, not the disaster itself.
    "relief": "cứu hộ|cứu nạn|tìm kiếm cứu nạn|ứng cứu|khắc phục hậu quả|giúp người dân",
    # A leader's or a delegation's visit or inspection trip.
    "visit": "chuyến thăm|thăm chính thức|thăm cấp nhà nước|đến thăm|tới thăm|thăm và làm việc"
    "|kiểm tra|thị sát|chuyến công tác|đến sân bay|tới sân bay",
    "combat": "giao tranh|giao chiến|chiến sự|chiến tranh|cuộc chiến|xung đột|tấn công|không kích"
    "|pháo kích|đụng độ|nã pháo|bắn phá|chiến dịch quân sự|nổ ra|bùng phát|oanh tạc"
    "|phóng tên lửa|bắn hạ|đánh chìm|tập kích|tấn công bằng",
    "meeting": "hội đàm|gặp gỡ|cuộc gặp|hội nghị|hội kiến|cuộc họp|thượng đỉnh|làm việc với"
    "|tiếp đoàn|đón tiếp|tiếp đón"
    "|tiếp thủ tướng|tiếp tổng thống|đã tiếp",
    "diplomacy": "đàm phán|thỏa thuận|thoả thuận|hiệp định|chuyến đi"
    "|ngoại giao|phái đoàn|hòa giải|ký kết|hòa đàm|thảo luận|nâng quan hệ|đối tác chiến lược"
    "|quan hệ song phương",
    "economy": "kinh tế|thương mại|kim ngạch|xuất khẩu|nhập khẩu|đầu tư|fdi|tăng trưởng|gdp"
    "|doanh nghiệp|thị trường|hàng hóa|nông sản",
    "statement": "tuyên bố|cho biết|cho hay|thông báo|khẳng định|phát biểu|nhấn mạnh|công bố",
}
_CUE_TYPE = {w: t for t, words in _CUE_WORDS.items() for w in words.split("|")}
# Reporting verbs, lower case (a capitalised "Tuyên bố" is a document): what follows them in the
# same paragraph is still the report.
_REPORTING = re.compile(
    r"(?<!\w)(?:cho biết|cho hay|nói|thông báo|tuyên bố|khẳng định|nhấn mạnh|phát biểu|báo cáo)"
    r"(?!\w)"
)
# Openings that carry on the previous sentence's event ("Theo Bộ trưởng, ...", "Ngoài ra, ...").
_CONTINUATION = re.compile(
    r"(?:theo (?:bộ trưởng|ông|bà|người phát ngôn|phát ngôn viên|đó|thông báo|quan chức này)"
    r"|ngoài ra|đồng thời|bên cạnh đó|cùng ngày|cũng trong|hai bên|hai nhà lãnh đạo"
    r"|trong cuộc (?:điện đàm|gặp|hội đàm|họp)|tại cuộc (?:gặp|họp|hội đàm))(?!\w)",
    re.IGNORECASE,
)
# Openings that move to another time: the previous date no longer holds.
_BREAK = re.compile(
    r"(?:trước đó|sau đó|hiện nay|hiện tại|trong khi đó|năm ngoái|năm trước|tuần trước"
    r"|tháng trước|hôm qua|hôm nay|trước khi|từ đầu|trong lịch sử)(?!\w)",
    re.IGNORECASE,
)
# "Theo thông tin từ Điện Kremlin," / "Cũng theo Điện Kremlin,": a source, not where it happened.
_ATTRIBUTION = re.compile(r"(?:^|,\s*)(?:cũng\s+)?theo\s[^,.;:]*,", re.IGNORECASE)
# What a count of people turns out to be, from the words after it.
_ROLES = (
    ("killed", re.compile(r"thiệt mạng|tử vong|tử nạn|chết|hy sinh|bị giết", re.I)),
    ("injured", re.compile(r"bị thương", re.I)),
    ("refugees", re.compile(r"tị nạn|tỵ nạn", re.I)),
    ("evacuated", re.compile(r"sơ tán|di tản", re.I)),
    ("missing", re.compile(r"mất tích", re.I)),
    ("detained", re.compile(r"bị bắt", re.I)),
)


@dataclass(frozen=True)
class Cue:
    """A keyword found in a text; ``capitalized`` tells "Tuyên bố" (a document) from a verb."""

    start: int
    end: int
    event_type: str
    capitalized: bool = False

    def shifted(self, offset: int) -> Cue:
        """Return the same cue with its span moved by ``-offset`` (body to sentence)."""
        return Cue(self.start - offset, self.end - offset, self.event_type, self.capitalized)

    @property
    def strong(self) -> bool:
        """Statements are weak cues (a report of another event), except a capitalised
        "Tuyên bố" inside a sentence (spans relative to it), which is a named declaration."""
        return self.event_type != "statement" or (self.capitalized and self.start > 0)


@lru_cache(maxsize=1)
def _cue_matcher() -> PhraseMatcher:
    return PhraseMatcher(_CUE_TYPE.items())


# "thăm" with a name after it ("Thủ tướng thăm Đà Nẵng", "thăm Nga"): a visit. Alone it is
# also a survey ("thăm dò"), an examination ("thăm khám") or asking after ("thăm hỏi").
_VISIT_NAMED = re.compile(r"(?<!\w)thăm(?=\s+\w)", re.IGNORECASE)


def find_cues(text: str, folded: str | None = None) -> list[Cue]:
    """Return the event cues in ``text`` (NFC), in order; ``folded`` is ``fold(text)`` if known.

    Spans index ``text``: to judge a cue's strength, shift it to its sentence first.
    """
    cues = [
        Cue(hit.start, hit.end, hit.payload, text[hit.start].isupper())
        for hit in _cue_matcher().find(text, folded)
    ]
    named = [
        Cue(m.start(), m.end(), "visit", text[m.start()].isupper())
        for m in _VISIT_NAMED.finditer(text)
        if text[m.end() :].lstrip()[:1].isupper()
        and not any(c.start < m.end() and m.start() < c.end for c in cues)
    ]
    return sorted(cues + named, key=lambda c: c.start) if named else cues


def _best(cues: list[Cue]) -> str:
    """Return the most specific event type of ``cues`` (not empty)."""
    return min((c.event_type for c in cues), key=_PRIORITY.__getitem__)


def pick_event_type(
    text: str, date_span: tuple[int, int] | None, cues: list[Cue] | None = None
) -> str:
    """Choose the event type of a sentence from its cues and where its date stands.

    A date at the head of the sentence ("Ngày 16/11, Nga điều động ...") dates the whole clause
    after it: the most specific cue there wins. A date inside the sentence ("thỏa thuận ngừng bắn
    đạt được năm 1994") dates the phrase just before it: the nearest cue before it wins. Reporting
    verbs count only when nothing else does. ``cues`` are the sentence's own if the caller has
    them already (spans relative to ``text``).
    """
    cues = find_cues(text) if cues is None else cues
    strong = [c for c in cues if c.strong]
    if date_span is None:
        return _best(strong or cues) if cues else "other"
    start, end = date_span
    fronted = text[end:].lstrip().startswith(",") or not text[:start].strip(" ,")
    before = [c for c in strong if c.end <= start]
    after = [c for c in strong if c.start >= end]
    if fronted and after:
        return _best(after)
    if before:
        return before[-1].event_type
    if after:
        return after[0].event_type
    return _best(cues) if cues else "other"


def is_continuation(text: str) -> bool:
    """Tell whether a sentence opens by carrying on the previous one."""
    return _CONTINUATION.match(text) is not None


def is_break(text: str) -> bool:
    """Tell whether a sentence opens by moving to another time."""
    return _BREAK.match(text) is not None


def reports_speech(text: str) -> bool:
    """Tell whether a sentence reports what someone said."""
    return _REPORTING.search(text) is not None


def attribution_spans(text: str) -> list[tuple[int, int]]:
    """Return the spans of source attributions ("Theo thông tin từ Điện Kremlin,")."""
    return [m.span() for m in _ATTRIBUTION.finditer(text)]


def quantity_role(after: str) -> str | None:
    """Return what a count of people is ("killed", "injured", ...) from the words after it."""
    clause = re.split(r"[,;.:]", after[:40], maxsplit=1)[0]
    for role, pattern in _ROLES:
        if pattern.search(clause):
            return role
    return None
