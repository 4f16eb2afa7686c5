"""The interface in Vietnamese and English: message catalogues and language negotiation."""

from __future__ import annotations

__all__ = ["LANGUAGES", "DEFAULT_LANGUAGE", "MESSAGES", "negotiate", "translator", "feature_name"]

LANGUAGES = ("en", "vi")
DEFAULT_LANGUAGE = "en"

MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        "nav.map": "Map",
        "nav.articles": "Articles",
        "nav.api": "API",
        "nav.ogc": "OGC API",
        "nav.language": "Language",
        "articles.title": "Articles",
        "articles.none": "No articles yet.",
        "articles.sentences": "sentences",
        "articles.features": "map features",
        "article.original": "original",
        "article.published": "published",
        "article.title_note": "title",
        "article.on_map": "On the map",
        "article.sentence": "sentence",
        "article.show_on_map": "Show on the map",
        "error.back": "Back to the map",
    },
    "vi": {
        "nav.map": "Bản đồ",
        "nav.articles": "Bài báo",
        "nav.api": "API",
        "nav.ogc": "OGC API",
        "nav.language": "Ngôn ngữ",
        "articles.title": "Bài báo",
        "articles.none": "Chưa có bài báo nào.",
        "articles.sentences": "câu",
        "articles.features": "đối tượng trên bản đồ",
        "article.original": "bản gốc",
        "article.published": "đăng ngày",
        "article.title_note": "tiêu đề",
        "article.on_map": "Trên bản đồ",
        "article.sentence": "câu",
        "article.show_on_map": "Xem trên bản đồ",
        "error.back": "Quay lại bản đồ",
    },
}


def _from_accept_language(header: str | None) -> str | None:
    """Return the supported language the browser prefers most, if any."""
    best, best_q = None, 0.0
    for part in (header or "").split(","):
        pieces = part.strip().split(";")
        tag = pieces[0].strip().lower()
        q = 1.0
        for param in pieces[1:]:
            key, _, value = param.strip().partition("=")
            if key == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        base = tag.split("-")[0]
        if base in LANGUAGES and q > best_q:
            best, best_q = base, q
    return best


def negotiate(arg: str | None, cookie: str | None, accept_language: str | None) -> str:
    """Pick the interface language: ``?lang=`` first, then the remembered cookie, then the
    browser's Accept-Language, then English."""
    for candidate in (arg, cookie):
        if candidate in LANGUAGES:
            return candidate
    return _from_accept_language(accept_language) or DEFAULT_LANGUAGE


def translator(lang: str):
    """Return ``t(key)`` for ``lang``; a missing key falls back to English, then the key."""
    table = MESSAGES.get(lang, MESSAGES[DEFAULT_LANGUAGE])

    def t(key: str) -> str:
        return table.get(key) or MESSAGES[DEFAULT_LANGUAGE].get(key) or key

    return t


def feature_name(properties: dict, lang: str) -> str:
    """Return a feature's name in ``lang`` (``name_vi`` for Vietnamese, ``name`` otherwise)."""
    if lang == "vi":
        return properties.get("name_vi") or properties.get("name") or ""
    return properties.get("name") or properties.get("name_vi") or ""
