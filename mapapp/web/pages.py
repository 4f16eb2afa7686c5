"""Article pages: the list, and one article with every sentence addressable as #s<N>."""

from __future__ import annotations

from flask import Blueprint, current_app, g, render_template, request, url_for
from markupsafe import Markup, escape

from mapapp.core.errors import BadParameter
from mapapp.core.links import is_http_url
from mapapp.core.model import LAYER_IDS
from mapapp.i18n import translator
from mapapp.mapview import layout as maplayout
from mapapp.mapview.style import event_label, kind_label
from mapapp.sources.articles import Article
from mapapp.store import Filter
from mapapp.web.helpers import get_store

__all__ = ["bp", "render_sentence"]

bp = Blueprint("pages", __name__)
# An article's original address becomes a link only if it is an http(s) address.
bp.add_app_template_filter(is_http_url, "http_url")


#: Articles listed per page of the article list.
ARTICLES_PER_PAGE = 50
#: The most features an article page lists (an article of the largest accepted size has fewer).
MAX_ARTICLE_FEATURES = 2000


@bp.get("/articles")
def articles():
    """List the articles, newest first, with their feature counts, a page at a time."""
    store = get_store()
    page = request.args.get("page", "1")
    if not page.isdigit() or not 1 <= int(page) <= 1_000_000:
        raise BadParameter("page", "must be a page number from 1")
    number = int(page)
    total = store.article_count()
    pages = max(1, -(-total // ARTICLES_PER_PAGE))
    listed = store.articles(ARTICLES_PER_PAGE, (number - 1) * ARTICLES_PER_PAGE)
    return render_template(
        "articles.html",
        articles=listed,
        counts={a.id: a.feature_count for a in listed},
        page=number,
        pages=pages,
        total=total,
    )


def _article_features(store, article_id: str) -> tuple[list[dict], list[dict]]:
    """Return the places an article names (with its own sources only) and the other features
    citing it."""
    part = store.read_part(article_id) or {"features": []}
    places = [f for f in part["features"] if f["properties"].get("layer") == "places"]
    others = store.select(
        Filter(layers=tuple(lid for lid in LAYER_IDS if lid != "places"), article=article_id),
        MAX_ARTICLE_FEATURES,
    )
    return places, others


def _mention_links(places: list[dict], article: Article) -> dict[int, list]:
    """Map sentence number to (start, end, feature id, name) of each place mention in it."""
    links: dict[int, list[tuple[int, int, str, str]]] = {}
    for feature in places:
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


def _small_map(features: list[dict], article: Article, t) -> dict:
    """Return what the article's small map draws: tiles, and each place the article names."""
    places = []
    for feature in features:
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
    places, others = _article_features(store, art.id)
    links = _mention_links(places, art)
    features = [f for f in [*places, *others] if _cited(f, art.id)]
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
        small_map=_small_map(places, art, t),
        leaflet_js=url_for("vendor.vendor", filename="leaflet/dist/leaflet.js"),
        leaflet_css=url_for("vendor.vendor", filename="leaflet/dist/leaflet.css"),
    )
