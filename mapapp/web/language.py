"""Choose the interface language per request and remember a choice made with ``?lang=``."""

from __future__ import annotations

from flask import Flask, g, request

from mapapp.i18n import LANGUAGES, feature_name, negotiate, translator

__all__ = ["register", "COOKIE"]

COOKIE = "mapapp_lang"


def register(app: Flask) -> None:
    """Install the language hooks and template helpers on ``app``."""

    @app.before_request
    def choose_language() -> None:
        g.lang = negotiate(
            request.args.get("lang"),
            request.cookies.get(COOKIE),
            request.headers.get("Accept-Language"),
        )

    @app.after_request
    def remember_language(response):
        chosen = request.args.get("lang")
        # Data answers may be cached publicly: they set no cookie (the language is in the URL).
        if chosen in LANGUAGES and not request.path.startswith(("/api/", "/map/popups/")):
            response.set_cookie(COOKIE, chosen, max_age=365 * 86400, samesite="Lax")
        response.vary.add("Accept-Language")
        response.vary.add("Cookie")
        return response

    @app.context_processor
    def language_helpers() -> dict:
        lang = getattr(g, "lang", "en")
        return {
            "lang": lang,
            "t": translator(lang),
            "fname": lambda props: feature_name(props, lang),
            "languages": LANGUAGES,
        }
