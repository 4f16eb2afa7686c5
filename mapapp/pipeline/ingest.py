"""Ingest article files: store them, rebuild their partitions, report what changed.

One ingest reads and geoparses only the articles it is given (and, when the curation file
changed, the few articles it cites), and rewrites only their partition files and index rows:
its cost does not grow with the archive.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from mapapp.core.errors import InvalidArticle
from mapapp.core.text import vietnamese_share
from mapapp.geoparse import Gazetteer, Lexicons
from mapapp.geoparse import parse_article as geoparse
from mapapp.pipeline.build import ArticleReader, Builder
from mapapp.pipeline.curation import Curation
from mapapp.pipeline.geometry import ReferenceGeometry
from mapapp.pipeline.review import ReviewRow, review_rows
from mapapp.sources.articles import Article, parse_article, read_article_text
from mapapp.sources.plaintext import TextMeta, text_article
from mapapp.sources.webpage import html_article
from mapapp.store.cache import FileCache
from mapapp.store.datadir import DataDir
from mapapp.store.layers import SHARED_LAYERS, Store

__all__ = [
    "Change",
    "ingest",
    "article_files",
    "diff_parts",
    "lexicons_for",
    "proposals_of",
    "Parsed",
    "warnings_of",
    "curation_digest",
    "inputs_of",
    "shared_changes",
]

#: Warnings listed per article; the rest are counted in one line.
MAX_WARNINGS_PER_ARTICLE = 20


@dataclass
class Change:
    """What an ingest or build changes, by feature id (and partition name)."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    articles: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    parts: list[str] = field(default_factory=list)
    #: The ingested articles' features added, updated or removed, for an editor to review.
    review: list[ReviewRow] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        """True when anything would be written."""
        return bool(self.added or self.updated or self.removed or self.articles or self.parts)

    def summary(self) -> str:
        """Return a one-line count of the changes."""
        return (
            f"{len(self.added)} added, {len(self.updated)} updated, "
            f"{len(self.removed)} removed, {len(self.unchanged)} unchanged"
        )

    def merge(self, other: Change) -> None:
        """Add another change's lists to this one."""
        names = ("added", "updated", "removed", "unchanged", "articles", "warnings", "parts")
        for name in (*names, "review"):
            getattr(self, name).extend(getattr(other, name))


def _features(collection: dict | None) -> dict[str, dict]:
    return {str(f.get("id")): f for f in (collection or {}).get("features") or []}


def diff_parts(old: dict | None, new: dict | None, name: str) -> Change:
    """Compare two versions of one partition feature by feature (a place is counted once per
    article that names it)."""
    before, after = _features(old), _features(new)
    change = Change()
    for fid, feature in after.items():
        if fid not in before:
            change.added.append(fid)
        elif before[fid] != feature:
            change.updated.append(fid)
        else:
            change.unchanged.append(fid)
    change.removed = [fid for fid in before if fid not in after]
    if old != new:
        change.parts.append(name)
    return change


def _capped(label: str, lines: list[str]) -> list[str]:
    """Prefix an article's warnings with its name; list at most MAX_WARNINGS_PER_ARTICLE."""
    shown = [f"{label}: {line}" for line in lines[:MAX_WARNINGS_PER_ARTICLE]]
    if len(lines) > MAX_WARNINGS_PER_ARTICLE:
        shown.append(f"{label}: {len(lines) - MAX_WARNINGS_PER_ARTICLE:,} more warnings")
    return shown


def lexicons_for(datadir: DataDir | Path, given: Lexicons | Gazetteer | None = None) -> Lexicons:
    """Return the lexicons to geoparse ``datadir``'s articles with.

    ``given`` is what the caller built from that data directory already: its Lexicons (returned
    as they are), or its Gazetteer alone (the costly part; its actor list is read to go with
    it). With nothing given, both are built from the data directory's files.
    """
    if isinstance(given, Lexicons):
        return given
    folder = DataDir.of(datadir)
    return Lexicons.load(folder, gazetteer=given, cache=FileCache.beside_index(folder, "gazetteer"))


class Parsed(NamedTuple):
    """What the geoparser reads in one article, as a build uses it."""

    proposals: list[dict]  # event proposals (feature properties, with id, article, sentence)
    warnings: list[str]
    unsure: set[str]  # the places named only by a rule of context (Mention.unsure)


def proposals_of(article: Article, lexicons: Lexicons) -> Parsed:
    """Return the geoparser's event proposals for one article, its warnings, and the places
    it names that an editor should check."""
    result = geoparse(article, lexicons)
    proposals = [
        {
            **proposal.to_properties(),
            "id": proposal.id,
            "article_id": proposal.article_id,
            "sentence": proposal.sentence,
        }
        for proposal in result.events
    ]
    sure = {m.entity_id for m in result.mentions if not m.unsure}
    unsure = {m.entity_id for m in result.mentions if m.unsure} - sure
    return Parsed(proposals, list(result.warnings), unsure)


#: Below this share of words written with letters only Vietnamese has, a text is not taken
#: for Vietnamese (Vietnamese news: about half; other languages: none).
VIETNAMESE_SHARE = 0.15


def language_warnings(article: Article) -> list[str]:
    """Warn that an article not in Vietnamese is stored, but mapped little or not at all."""
    if article.language != "vi":
        return [
            f"language {article.language!r}: stored, but the geoparser reads Vietnamese only, "
            "so few or none of its places and events are mapped"
        ]
    share = vietnamese_share(article.body)
    if len(article.body.split()) >= 20 and share < VIETNAMESE_SHARE:
        return [
            f"the text does not look Vietnamese ({share:.0%} of its words have letters only "
            "Vietnamese writes): stored, but the geoparser reads Vietnamese only"
        ]
    return []


def warnings_of(article: Article, parse_lines: list[str], builder: Builder) -> list[str]:
    """Return an article's warnings, its language's, the geoparser's and the builder's,
    labelled and capped."""
    return _capped(article.label, language_warnings(article) + parse_lines) + _capped(
        article.label, builder.warnings.pop(article.id, [])
    )


def curation_digest(datadir: DataDir) -> str:
    """Return a digest of the inputs every partition depends on besides its article: the
    curation file, the reference geometry, and the lexicons (gazetteer and actors)."""
    digest = hashlib.sha256()
    for path in (datadir.curation, datadir.gazetteer, datadir.actors, datadir.country_points):
        digest.update(path.read_bytes() if path.exists() else b"-")
        digest.update(b"\0")
    return digest.hexdigest()


#: The forms an article file may take, by suffix: Markdown with front matter, plain text, or a
#: saved web page.
ARTICLE_SUFFIXES = (".md", ".txt", ".html", ".htm")
#: The forms whose metadata the ``ingest`` options give (``TextMeta``).
TEXT_SUFFIXES = (".txt", ".html", ".htm")


def article_files(paths: Iterable[Path]) -> list[Path]:
    """Return the article files among ``paths``: a folder stands for its files of the forms
    ``ARTICLE_SUFFIXES`` names."""
    found: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            found.extend(sorted(p for p in path.iterdir() if p.suffix.lower() in ARTICLE_SUFFIXES))
        else:
            found.append(path)
    return found


def article_text(path: Path, text_meta: TextMeta | None = None) -> str:
    """Return the stored form of article file ``path``: a Markdown file as it is, plain text
    (``.txt``) or a saved page (``.html``) made into one with ``text_meta`` (see
    ``mapapp.sources.plaintext`` and ``mapapp.sources.webpage``)."""
    text = read_article_text(path)
    suffix = path.suffix.lower()
    if suffix == ".txt":
        return text_article(text, path.name, text_meta or TextMeta())
    if suffix in (".html", ".htm"):
        return html_article(text, path.name, text_meta or TextMeta())
    return text


def ingest(
    paths: list[Path],
    datadir: DataDir | Path,
    lexicons: Lexicons | Gazetteer | None = None,
    dry_run: bool = False,
    lock_timeout: float | None = None,
    progress: Callable[[Iterable], Iterable] | None = None,
    text_meta: TextMeta | None = None,
    texts: Sequence[tuple[str, str]] = (),
) -> Change:
    """Add or update article files in ``datadir`` and rebuild their partitions.

    Plain-text files (``.txt``) are made into articles with ``text_meta`` (the editor's title,
    date, source, ...: ``mapapp.sources.plaintext``); ``texts`` are more articles, already in
    their stored form, as ``(name, text)`` (a feed's pages: ``mapapp.pipeline.feeds``).

    Every file is read and checked before anything is written, so one bad file leaves the
    data directory untouched (InvalidArticle names the file and the problem). The whole
    read-build-write runs under the data directory's lock: concurrent ingests serialise, and
    one that waits longer than ``lock_timeout`` seconds gives up (DataBusy). The warnings of
    the ingested articles (impossible dates, ...) come back in ``Change.warnings``.
    ``lexicons`` are the data directory's (see ``lexicons_for``; built from it if not given).
    ``progress`` wraps the loop over articles (a progress bar).

    When the curation file, the gazetteer or the actor list changed since the last write, the
    articles the curation file cites and the shared layers are rebuilt too; a changed gazetteer
    may change any article, which only ``mapapp build`` redoes (a warning says so).
    """
    incoming: dict[str, tuple[Article, str]] = {}
    # Each file is read once: what is checked is what is stored.
    items: list[tuple[str, str | None, str]] = [
        (p.name, p.stem, article_text(p, text_meta)) for p in article_files(paths)
    ]
    items += [(name, None, text) for name, text in texts]
    for name, default_id, text in items:
        article = parse_article(text, name, default_id=default_id)
        if article.id in incoming:
            raise InvalidArticle(f"{name}: article id {article.id!r} given twice")
        incoming[article.id] = (article, text)
    datadir = DataDir.of(datadir)
    lexicons = lexicons_for(datadir, lexicons)
    store = Store(datadir)
    with store.lock(timeout=lock_timeout):
        store.refresh_for_write()
        reader = ArticleReader(store)
        new_articles = []
        for aid, (article, _) in incoming.items():
            stored = reader.get(aid)
            if stored is None or stored.body != article.body or stored.meta != article.meta:
                new_articles.append(aid)
        reader = ArticleReader(store, {aid: article for aid, (article, _) in incoming.items()})
        builder = Builder(
            reader, lexicons.gazetteer, Curation.load(datadir.curation), ReferenceGeometry(datadir)
        )
        digest = curation_digest(datadir)
        recorded = store.meta("inputs")
        previous = json.loads(recorded) if recorded else {}
        cited = builder.curated_articles()
        targets = list(incoming)
        change = Change(articles=new_articles)
        shared = bool(cited & set(incoming))
        if previous.get("digest") != digest:
            builder.check_curation()
            shared = True
            for aid in sorted(cited | set(previous.get("cited", []))):
                if aid not in incoming and reader.get(aid) is not None:
                    targets.append(aid)
            if previous and previous.get("lexicons") != _lexicon_digest(datadir):
                change.warnings.append(
                    "the gazetteer or the actor list changed since the last build: run "
                    "`mapapp build` to apply it to every article"
                )
        parts: dict[str, dict | None] = {}
        loop = progress(targets) if progress else targets
        for aid in loop:
            article = reader[aid]
            proposals, lines, unsure = proposals_of(article, lexicons)
            part = builder.article_part(aid, proposals)
            old = store.read_part(aid)
            if aid in incoming:
                change.warnings.extend(warnings_of(article, lines, builder))
                change.review.extend(review_rows(old, part, proposals, unsure, article.published))
            diff = diff_parts(old, part, aid)
            change.merge(diff)
            if diff.parts:
                parts[aid] = part
        if shared:
            parts.update(shared_changes(store, builder, change))
        inputs = inputs_of(datadir, builder)
        if dry_run or (not change.changed and inputs == previous):
            return change
        store.write(parts, {aid: incoming[aid][1] for aid in new_articles}, meta={"inputs": inputs})
    return change


def shared_changes(store: Store, builder: Builder, change: Change) -> dict[str, dict]:
    """Build the layers no article owns; return those that differ from the stored ones (by
    partition name), adding their differences to ``change``."""
    parts = {}
    for layer_id, features in builder.shared().items():
        name = store.shared_part(layer_id)
        new = {"type": "FeatureCollection", "features": features}
        diff = diff_parts(store.read_part(name), new, name)
        change.merge(diff)
        if diff.parts:
            parts[name] = new
    return parts


def inputs_of(datadir: DataDir, builder: Builder) -> dict:
    """Return what a write records of the inputs every partition depends on (compared by the
    next ingest to find what the curation file or the lexicons changed)."""
    return {
        "digest": curation_digest(datadir),
        "cited": sorted(builder.curated_articles()),
        "lexicons": _lexicon_digest(datadir),
    }


def _lexicon_digest(datadir: DataDir) -> str:
    digest = hashlib.sha256()
    for path in (datadir.gazetteer, datadir.actors, datadir.country_points):
        digest.update(path.read_bytes() if path.exists() else b"-")
    return digest.hexdigest()


def shared_layer_ids() -> tuple[str, ...]:
    """Return the ids of the layers no article owns."""
    return SHARED_LAYERS
