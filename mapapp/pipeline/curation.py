"""The curation file: an editor's corrections and additions, resolved against the articles."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from mapapp.core.errors import CurationError
from mapapp.core.text import nfc
from mapapp.geoparse.curated import YAML_LOADER
from mapapp.sources.articles import Article

__all__ = ["Curation", "SentenceRef", "resolve_ref"]


@dataclass(frozen=True, order=True)
class SentenceRef:
    """One sentence of one article."""

    article_id: str
    sentence: int


def resolve_ref(ref: dict, articles: Mapping[str, Article], where: str) -> SentenceRef:
    """Resolve ``{article, contains}`` or ``{article, sentence}`` to a SentenceRef.

    ``where`` names the curation entry in the error when the reference does not resolve.
    """
    if not isinstance(ref, dict) or "article" not in ref:
        raise CurationError(f"{where}: a sentence reference needs 'article' and 'contains'")
    article = articles.get(ref["article"])
    if article is None:
        raise CurationError(f"{where}: unknown article {ref['article']!r}")
    if "sentence" in ref:
        number = ref["sentence"]
        if not isinstance(number, int) or not 1 <= number <= len(article.sentences):
            raise CurationError(f"{where}: article {article.id!r} has no sentence {number!r}")
        return SentenceRef(article.id, number)
    words = nfc(str(ref.get("contains", "")))
    if not words:
        raise CurationError(f"{where}: a sentence reference needs 'contains' or 'sentence'")
    hits = [s.number for s in article.sentences if words in s.text]
    if len(hits) != 1:
        found = "no sentence" if not hits else f"{len(hits)} sentences ({hits})"
        raise CurationError(f"{where}: {words!r} matches {found} of article {article.id!r}")
    return SentenceRef(article.id, hits[0])


@dataclass
class Curation:
    """The parsed curation file: place facts, event entries and hand-made features."""

    places: dict[str, dict] = field(default_factory=dict)
    events: list[dict] = field(default_factory=list)
    features: list[dict] = field(default_factory=list)

    @classmethod
    def load(cls, path: Path) -> Curation:
        """Read a curation file; a missing file is an empty curation."""
        path = Path(path)
        if not path.exists():
            return cls()
        try:
            data = yaml.load(nfc(path.read_text("utf-8")), Loader=YAML_LOADER) or {}
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            raise CurationError(f"{path.name}: not valid YAML ({exc})") from None
        if not isinstance(data, dict):
            raise CurationError(f"{path.name}: expected the sections places, events, features")
        unknown = set(data) - {"places", "events", "features"}
        if unknown:
            raise CurationError(f"{path.name}: unknown section(s) {sorted(unknown)}")
        curation = cls(
            places=data.get("places") or {},
            events=data.get("events") or [],
            features=data.get("features") or [],
        )
        for i, entry in enumerate(curation.events + curation.features):
            if not isinstance(entry, dict) or not entry.get("id"):
                raise CurationError(f"{path.name}: entry {i + 1} has no 'id'")
        return curation
