"""Actors: the people and institutions a sentence names, from a curated list and title patterns."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from mapapp.core.errors import InvalidData
from mapapp.core.text import nfc
from mapapp.geoparse.curated import YAML_LOADER
from mapapp.geoparse.entities import Mention
from mapapp.geoparse.matcher import PhraseMatcher
from mapapp.geoparse.text import fold, is_capitalized

__all__ = ["Actor", "ActorMention", "ActorLexicon"]

# "Tổng thống", "Bộ trưởng Quốc phòng", ... right before a country: the name after the country is
# the office holder ("Thủ tướng Armenia N.Pashinyan", "Ngoại trưởng Mỹ Mike Pompeo").
_TITLE_BEFORE = re.compile(
    r"(?:phó )?(?:tổng thống|thủ tướng|bộ trưởng|ngoại trưởng|chủ tịch|người phát ngôn|"
    r"phát ngôn viên|đại sứ|tổng thư ký|tư lệnh|tổng tư lệnh|thủ lĩnh|lãnh đạo)"
    r"(?: (?:bộ )?(?:quốc phòng|ngoại giao|nội vụ|tài chính|kinh tế|tình trạng khẩn cấp))? $"
)
_WORD = r"[A-ZĐ][^\W\d_]+"
# A Vietnamese office right before a person's full name ("Thủ tướng Phạm Minh Chính", "Phó Thủ
# tướng Trần Lưu Quang", "Tổng Bí thư Nguyễn Phú Trọng", "Bộ trưởng Ngoại giao Bùi Thanh Sơn"):
# a name of three or four capitalised syllables, the first a Vietnamese family name.
_VN_TITLE = (
    r"(?:Phó )?(?:Thủ tướng|Chủ tịch nước|Chủ tịch Quốc hội|Chủ tịch|Tổng Bí thư"
    r"|Thường trực Ban Bí thư"
    r"|Bộ trưởng(?: (?:Bộ )?(?:Ngoại giao|Quốc phòng|Công an|Tài chính|Công Thương|Y tế"
    r"|Giao thông vận tải|Xây dựng|Nội vụ|Tư pháp|Kế hoạch và Đầu tư|Nông nghiệp và Môi trường"
    r"|Nông nghiệp và Phát triển nông thôn|Tài nguyên và Môi trường|Giáo dục và Đào tạo))?"
    r"|Thứ trưởng|Đại sứ|Bí thư Tỉnh ủy|Bí thư Thành ủy"
    r"|Chủ tịch UBND (?:tỉnh|thành phố) [A-ZĐ]\w*(?: [A-ZĐ]\w*)*)"
)
_FAMILY = (
    "Nguyễn|Trần|Lê|Phạm|Hoàng|Huỳnh|Phan|Vũ|Võ|Đặng|Bùi|Đỗ|Hồ|Ngô|Dương|Lý|Đinh|Đoàn|Lương"
    "|Trương|Mai|Tô|Hà|Lâm|Trịnh|Đào|Cao|Chu|Tạ|Vương|Thái|Tống|Lưu|Quách|Kiều|Văn|Nông"
)
_VN_TITLED = re.compile(rf"(?<!\w){_VN_TITLE} (?P<name>(?:{_FAMILY})(?: {_WORD}){{2,3}})(?![\w.])")
# An initial and a surname ("V.Putin", "N. Pashinyan"), or one to three capitalised words.
_PERSON_AFTER = re.compile(
    rf" (?P<name>(?:[A-ZĐ]\.){{1,2}} ?{_WORD}(?:-{_WORD})?|{_WORD}(?: {_WORD}){{0,2}})(?![\w.])"
)


@dataclass(frozen=True)
class Actor:
    """A curated actor: ``name`` is how events list it."""

    id: str
    name: str
    kind: str
    role: str | None = None
    country: str | None = None


@dataclass(frozen=True)
class ActorMention:
    """An actor named in a text: ``actor_id`` is None for a person found only by pattern."""

    start: int
    end: int
    surface: str
    name: str
    actor_id: str | None = None


class ActorLexicon:
    """Curated actors, found with a whole-word automaton, plus title-country-name patterns."""

    def __init__(self, actors: list[Actor], names: list[tuple[str, str]]):
        """Index ``actors``; ``names`` pairs each spelling with its actor id."""
        self._actors = {a.id: a for a in actors}
        self._matcher = PhraseMatcher((form, (form, actor_id)) for form, actor_id in names)

    @classmethod
    def load(cls, path: Path) -> ActorLexicon:
        """Read a data directory's actors YAML (``DataDir.actors``); InvalidData if it is
        broken. A data directory without one has no curated actors (title patterns still find
        people)."""
        path = Path(path)
        if not path.exists():
            return cls([], [])
        try:
            data = yaml.load(path.read_text(encoding="utf-8"), Loader=YAML_LOADER) or {}
        except (OSError, yaml.YAMLError):
            raise InvalidData(f"{path.name}: cannot read the actors list") from None
        actors: list[Actor] = []
        names: list[tuple[str, str]] = []
        for i, raw in enumerate(data.get("actors") or []):
            if not isinstance(raw, dict) or not raw.get("id") or not raw.get("name"):
                raise InvalidData(f"{path.name}: actor {i + 1} needs 'id' and 'name'")
            actor = Actor(
                raw["id"],
                nfc(raw["name"]),
                raw.get("kind", "person"),
                raw.get("role"),
                raw.get("country"),
            )
            actors.append(actor)
            names.extend((nfc(n), actor.id) for n in [raw["name"], *(raw.get("names") or [])])
        return cls(actors, names)

    def actor(self, actor_id: str) -> Actor:
        """Return the curated actor ``actor_id``; KeyError if unknown."""
        return self._actors[actor_id]

    def find(
        self, text: str, places: list[Mention] | None = None, folded: str | None = None
    ) -> list[ActorMention]:
        """Return the actors named in ``text`` (NFC), in order, without overlaps.

        ``places`` (the country mentions in the same text) let the title pattern find people
        the list lacks: "Tổng thống Azerbaijan I.Aliev" gives "I.Aliev" even if not curated.
        ``folded`` is ``fold(text)`` if the caller has it already.
        """
        folded = fold(text) if folded is None else folded
        found: list[ActorMention] = []
        for hit in self._matcher.find(text, folded):
            form, actor_id = hit.payload
            surface = text[hit.start : hit.end]
            if not is_capitalized(surface) and is_capitalized(form):
                continue
            name = self._actors[actor_id].name
            found.append(ActorMention(hit.start, hit.end, surface, name, actor_id))
        taken = [(a.start, a.end) for a in found]
        for place in places or ():
            if not _TITLE_BEFORE.search(folded[max(0, place.start - 45) : place.start]):
                continue
            match = _PERSON_AFTER.match(text, place.end)
            if match is None:
                continue
            start, end = match.span("name")
            if any(start < b and a < end for a, b in taken):
                continue
            found.append(ActorMention(start, end, match.group("name"), match.group("name")))
            taken.append((start, end))
        for match in _VN_TITLED.finditer(text):
            start, end = match.span("name")
            if any(start < b and a < end for a, b in taken):
                continue
            found.append(ActorMention(start, end, match.group("name"), match.group("name")))
            taken.append((start, end))
        found.sort(key=lambda a: a.start)
        return found
