"""Ingest article files: store them, rebuild the layers, report what changed."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from mapapp.core.errors import InvalidArticle
from mapapp.geoparse import Gazetteer, Lexicons
from mapapp.geoparse import parse_article as geoparse
from mapapp.pipeline.build import Builder
from mapapp.sources.articles import Article, parse_article, read_article_text
from mapapp.store.datadir import DataDir
from mapapp.store.layers import Store

__all__ = [
    "Change",
    "ingest",
    "build_layers",
    "build_with_warnings",
    "diff_layers",
    "lexicons_for",
]

#: Warnings listed per article; the rest are counted in one line.
MAX_WARNINGS_PER_ARTICLE = 20


@dataclass
class Change:
    """What an ingest or build changes, by feature id."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    articles: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        """True when anything would be written."""
        return bool(self.added or self.updated or self.removed or self.articles)

    def summary(self) -> str:
        """Return a one-line count of the changes."""
        return (
            f"{len(self.added)} added, {len(self.updated)} updated, "
            f"{len(self.removed)} removed, {len(self.unchanged)} unchanged"
        )


def diff_layers(old: dict[str, list[dict]], new: dict[str, list[dict]]) -> Change:
    """Compare two sets of layers feature by feature."""
    before = {f["id"]: f for feats in old.values() for f in feats}
    after = {f["id"]: f for feats in new.values() for f in feats}
    change = Change()
    for fid, feature in after.items():
        if fid not in before:
            change.added.append(fid)
        elif before[fid] != feature:
            change.updated.append(fid)
        else:
            change.unchanged.append(fid)
    change.removed = [fid for fid in before if fid not in after]
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
    return Lexicons.load(DataDir.of(datadir), gazetteer=given)


def _proposals(
    articles: dict[str, Article], lexicons: Lexicons
) -> tuple[list[dict], dict[str, list]]:
    """Return the geoparser's event proposals and each article's warnings (by article id)."""
    proposals: list[dict] = []
    warnings: dict[str, list[str]] = {}
    for article in articles.values():
        result = geoparse(article, lexicons)
        proposals.extend(
            {
                **proposal.to_properties(),
                "id": proposal.id,
                "article_id": proposal.article_id,
                "sentence": proposal.sentence,
            }
            for proposal in result.events
        )
        if result.warnings:
            warnings[article.id] = _capped(article.label, result.warnings)
    return proposals, warnings


def build_with_warnings(
    datadir: DataDir | Path,
    lexicons: Lexicons | Gazetteer | None = None,
    articles: dict[str, Article] | None = None,
) -> tuple[dict[str, list[dict]], dict[str, list[str]]]:
    """Return every layer built from a data directory, and the warnings of each article.

    ``lexicons`` are the data directory's (see ``lexicons_for``); ``articles`` may override
    its article files.
    """
    datadir = DataDir.of(datadir)
    lexicons = lexicons_for(datadir, lexicons)
    builder = Builder.for_data_dir(datadir, lexicons.gazetteer, articles=articles)
    proposals, warnings = _proposals(builder.articles, lexicons)
    layers = builder.build(proposals)
    for article_id, lines in builder.warnings.items():
        label = builder.articles[article_id].label
        warnings[article_id] = warnings.get(article_id, []) + _capped(label, lines)
    return layers, warnings


def build_layers(
    datadir: DataDir | Path,
    lexicons: Lexicons | Gazetteer | None = None,
    articles: dict[str, Article] | None = None,
):
    """Return every layer built from a data directory (``articles`` may override its files)."""
    return build_with_warnings(datadir, lexicons, articles)[0]


def ingest(
    paths: list[Path],
    datadir: DataDir | Path,
    lexicons: Lexicons | Gazetteer | None = None,
    dry_run: bool = False,
    lock_timeout: float | None = None,
) -> Change:
    """Add or update article files in ``datadir`` and rebuild its layers.

    Every file is read and checked before anything is written, so one bad file leaves the
    data directory untouched (InvalidArticle names the file and the problem). The whole
    read-build-write runs under the data directory's lock: concurrent ingests serialise, and
    one that waits longer than ``lock_timeout`` seconds gives up (DataBusy). The warnings of
    the ingested articles (impossible dates, ...) come back in ``Change.warnings``.
    ``lexicons`` are the data directory's (see ``lexicons_for``; built from it if not given).
    """
    incoming: dict[str, tuple[Article, str]] = {}
    for path in paths:
        path = Path(path)
        text = read_article_text(path)  # read once: what is checked is what is stored
        article = parse_article(text, path.name, default_id=path.stem)
        if article.id in incoming:
            raise InvalidArticle(f"{path.name}: article id {article.id!r} given twice")
        incoming[article.id] = (article, text)
    datadir = DataDir.of(datadir)
    lexicons = lexicons_for(datadir, lexicons)
    store = Store(datadir)
    with store.lock(timeout=lock_timeout):
        articles = store.read_articles()
        new_articles = [
            aid
            for aid, (article, _) in incoming.items()
            if aid not in articles
            or articles[aid].body != article.body
            or articles[aid].meta != article.meta
        ]
        articles.update({aid: article for aid, (article, _) in incoming.items()})
        old = store.read_layers_fresh()
        new, warnings = build_with_warnings(datadir, lexicons, articles=articles)
        change = diff_layers(old, new)
        change.articles = new_articles
        change.warnings = [line for aid in incoming for line in warnings.get(aid, [])]
        if dry_run or not change.changed:
            return change
        store.write(new, {aid: incoming[aid][1] for aid in new_articles})
    return change
