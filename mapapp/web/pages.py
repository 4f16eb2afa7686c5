"""Article pages: the list, and one article with every sentence addressable as #s<N>."""

from __future__ import annotations

from flask import Blueprint, render_template
from markupsafe import Markup, escape

from mapapp.articles import Article
from mapapp.web.helpers import get_store

__all__ = ["bp", "render_sentence"]

bp = Blueprint("pages", __name__)


@bp.get("/articles")
def articles():
    """List the articles, newest first, with their feature counts."""
    store = get_store()
    counts: dict[str, int] = {}
    for feature in store.all_features()["features"]:
        for article_id in {s["article_id"] for s in feature["properties"].get("sources", [])}:
            counts[article_id] = counts.get(article_id, 0) + 1
    return render_template("articles.html", articles=store.articles(), counts=counts)


def _mention_links(store, article: Article) -> dict[int, list[tuple[int, int, str, str]]]:
    """Map sentence number to (start, end, feature id, name) of each place mention in it."""
    links: dict[int, list[tuple[int, int, str, str]]] = {}
    for feature in store.layer("places")["features"]:
        props = feature["properties"]
        for source in props.get("sources", []):
            if source["article_id"] != article.id:
                continue
            for start, end in source.get("spans", []):
                links.setdefault(source["sentence"], []).append(
                    (start, end, feature["id"], props.get("name", ""))
                )
    return links


def render_sentence(text: str, mentions: list[tuple[int, int, str, str]]) -> Markup:
    """Escape ``text`` and turn each mention span into a link to the map focused on it."""
    out, cursor = [], 0
    for start, end, feature_id, name in sorted(mentions):
        if start < cursor or end > len(text):
            continue  # overlapping or stale span: leave the text plain
        out.append(escape(text[cursor:start]))
        out.append(
            Markup('<a class="place-link" href="/?focus={}" title="{}">{}</a>').format(
                feature_id, name, text[start:end]
            )
        )
        cursor = end
    out.append(escape(text[cursor:]))
    return Markup("").join(out)


@bp.get("/articles/<article_id>")
def article(article_id: str):
    """Show one article, paragraph by paragraph, each sentence an element ``id="s<N>"``."""
    store = get_store()
    art = store.article(article_id)
    links = _mention_links(store, art)
    paragraphs: list[list[tuple[int, Markup]]] = []
    for sentence in art.sentences:
        if len(paragraphs) < sentence.paragraph:
            paragraphs.append([])
        html = render_sentence(sentence.text, links.get(sentence.number, []))
        paragraphs[-1].append((sentence.number, html))
    features = [
        f
        for f in store.all_features()["features"]
        if any(s["article_id"] == art.id for s in f["properties"].get("sources", []))
    ]
    return render_template("article.html", article=art, paragraphs=paragraphs, features=features)
