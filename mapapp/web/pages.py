"""Article pages: the list, and one article with every sentence addressable as #s<N>."""

from __future__ import annotations

from flask import Blueprint, current_app, g, render_template, url_for
from markupsafe import Markup, escape

from mapapp.core.links import is_http_url
from mapapp.i18n import translator
from mapapp.mapview import layout as maplayout
from mapapp.mapview.style import event_label, kind_label
from mapapp.sources.articles import Article
from mapapp.web.helpers import get_store

__all__ = ["bp", "render_sentence"]

bp = Blueprint("pages", __name__)
# An article's original address becomes a link only if it is an http(s) address.
bp.add_app_template_filter(is_http_url, "http_url")


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


def _cited(feature: dict, article_id: str) -> list[int]:
    """Return the numbers of the sentences of ``article_id`` a feature cites."""
    sources = feature["properties"].get("sources", [])
    return sorted({s["sentence"] for s in sources if s.get("article_id") == article_id})


def _small_map(store, article: Article, t) -> dict:
    """Return what the article's small map draws: tiles, and each place the article names."""
    places = []
    for feature in store.layer("places")["features"]:
        sentences = _cited(feature, article.id)
        position = next(maplayout.points(feature.get("geometry") or {}), None)
        if not sentences or position is None:
            continue
        props = feature["properties"]
        places.append(
            {
                "id": feature["id"],
                "name": t.name(props),
                "kind": kind_label(props.get("kind"), t),
                "precision": props.get("geo_precision", "exact"),
                "label": props.get("kind") in ("city", "capital"),
                "country": props.get("kind") == "country",
                "lat": position[1],
                "lng": position[0],
                "sentences": sentences,
            }
        )
    config = current_app.config
    return {
        "tiles": {
            "url": config["TILE_URL"],
            "attribution": config["TILE_ATTRIBUTION"],
            "maxZoom": int(config["TILE_MAX_ZOOM"]),
        },
        "places": places,
        "messages": {
            "mentions": t("article.mentions"),
            "open_map": t("article.open_map"),
        },
    }


@bp.get("/articles/<article_id>")
def article(article_id: str):
    """Show one article, paragraph by paragraph, each sentence an element ``id="s<N>"``, with
    a link to the map features citing it and a small map of the places it names."""
    store = get_store()
    t = translator(g.lang)
    art = store.article(article_id)
    links = _mention_links(store, art)
    features = [f for f in store.all_features()["features"] if _cited(f, art.id)]
    citing: dict[int, int] = {}
    for feature in features:
        for number in _cited(feature, art.id):
            citing[number] = citing.get(number, 0) + 1
    paragraphs: list[list[tuple[int, Markup, int]]] = []
    for sentence in art.sentences:
        if len(paragraphs) < sentence.paragraph:
            paragraphs.append([])
        html = render_sentence(sentence.text, links.get(sentence.number, []))
        paragraphs[-1].append((sentence.number, html, citing.get(sentence.number, 0)))
    listed = [
        {
            "id": f["id"],
            "name": t.name(f["properties"]),
            "kind": event_label(f["properties"]["event_type"], t)
            if f["properties"].get("event_type")
            else kind_label(f["properties"].get("kind"), t),
            "date": t.date(f["properties"]["date"], f["properties"].get("date_end"), short=True)
            if f["properties"].get("date")
            else None,
        }
        for f in features
    ]
    return render_template(
        "article.html",
        article=art,
        paragraphs=paragraphs,
        features=listed,
        small_map=_small_map(store, art, t),
        leaflet_js=url_for("vendor.vendor", filename="leaflet/dist/leaflet.js"),
        leaflet_css=url_for("vendor.vendor", filename="leaflet/dist/leaflet.css"),
    )
