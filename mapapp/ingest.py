"""Ingest article files: store them, rebuild the layers, report what changed."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from mapapp.articles import Article, read_article
from mapapp.build import Builder, load_articles
from mapapp.errors import InvalidArticle
from mapapp.store import Store

__all__ = ["Change", "ingest", "build_layers", "diff_layers"]


@dataclass
class Change:
    """What an ingest or build changes, by feature id."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    articles: list[str] = field(default_factory=list)

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


def build_layers(data_dir: Path, gazetteer, articles: dict[str, Article] | None = None):
    """Return every layer built from a data directory (``articles`` may override its files)."""
    from mapapp.geoparse import propose_events

    builder = Builder.for_data_dir(data_dir, gazetteer, articles=articles)
    proposals = [
        {
            **proposal.to_properties(),
            "id": proposal.id,
            "article_id": proposal.article_id,
            "sentence": proposal.sentence,
        }
        for article in builder.articles.values()
        for proposal in propose_events(article, gazetteer)
    ]
    return builder.build(proposals)


def ingest(paths: list[Path], data_dir: Path, gazetteer, dry_run: bool = False) -> Change:
    """Add or update article files in ``data_dir`` and rebuild its layers.

    Every file is read and checked before anything is written, so one bad file leaves the
    data directory untouched (InvalidArticle names the file and the problem). The whole
    read-build-write runs under the data directory's lock: concurrent ingests serialise.
    """
    incoming: dict[str, tuple[Article, str]] = {}
    for path in paths:
        article = read_article(Path(path))
        if article.id in incoming:
            raise InvalidArticle(f"{Path(path).name}: article id {article.id!r} given twice")
        incoming[article.id] = (article, Path(path).read_text("utf-8"))
    store = Store(data_dir)
    with store.lock():
        articles = load_articles(store.articles_dir) if store.articles_dir.is_dir() else {}
        new_articles = [
            aid
            for aid, (article, _) in incoming.items()
            if aid not in articles
            or articles[aid].body != article.body
            or articles[aid].meta != article.meta
        ]
        articles.update({aid: article for aid, (article, _) in incoming.items()})
        old = store.read_layers_fresh()
        new = build_layers(Path(data_dir), gazetteer, articles=articles)
        change = diff_layers(old, new)
        change.articles = new_articles
        if dry_run or not change.changed:
            return change
        store.write(new, {aid: incoming[aid][1] for aid in new_articles})
    return change
