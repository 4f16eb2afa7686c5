"""The interface in Vietnamese and English: language negotiation and the translator."""

from __future__ import annotations

from dataclasses import dataclass

from mapapp.i18n import wording
from mapapp.i18n.messages import MESSAGES

__all__ = [
    "LANGUAGES",
    "DEFAULT_LANGUAGE",
    "MESSAGES",
    "Translator",
    "negotiate",
    "translator",
    "feature_name",
]

LANGUAGES = ("en", "vi")
DEFAULT_LANGUAGE = "en"


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


def feature_name(properties: dict, lang: str) -> str:
    """Return a feature's name in ``lang`` (``name_vi`` for Vietnamese, ``name`` otherwise)."""
    if lang == "vi":
        return properties.get("name_vi") or properties.get("name") or ""
    return properties.get("name") or properties.get("name_vi") or ""


@dataclass(frozen=True)
class Translator:
    """Messages, names and dates in one language; calling it looks up a message.

    A missing key falls back to English, then to the key itself.
    """

    lang: str = DEFAULT_LANGUAGE

    def __call__(self, key: str, **values: object) -> str:
        text = self.get(key) or key
        return text.format(**values) if values else text

    def get(self, key: str) -> str | None:
        """Return the message for ``key``, or None if no catalogue has it."""
        table = MESSAGES.get(self.lang, MESSAGES[DEFAULT_LANGUAGE])
        return table.get(key) or MESSAGES[DEFAULT_LANGUAGE].get(key)

    def name(self, properties: dict) -> str:
        """Return a feature's name in this language."""
        return feature_name(properties, self.lang)

    def other_name(self, properties: dict) -> str | None:
        """Return a feature's name in the other language, if it differs."""
        other = feature_name(properties, "en" if self.lang == "vi" else "vi")
        return other if other and other != self.name(properties) else None

    def text(self, properties: dict, key: str) -> tuple[str | None, str]:
        """Return a free-text property in this language where the data has it (``<key>_vi``
        for Vietnamese), else in English, with the language it is in."""
        if self.lang == "vi" and properties.get(f"{key}_vi"):
            return str(properties[f"{key}_vi"]), "vi"
        value = properties.get(key)
        return (str(value) if value else None), DEFAULT_LANGUAGE

    def date(self, value: str, end: str | None = None, short: bool = False) -> str:
        """Return a date, or the span from ``value`` to ``end``, in words."""
        return wording.format_span(value, end, self.lang, short)

    def quantity(self, unit: str, value: object, qualifier: str | None = None) -> str:
        """Return a figure in words."""
        return wording.format_quantity(unit, value, qualifier, self.lang)

    def number(self, value: object) -> str:
        """Return a number grouped this language's way."""
        return wording.format_number(value, self.lang)


def translator(lang: str) -> Translator:
    """Return the translator for ``lang`` (English for an unsupported language)."""
    return Translator(lang if lang in LANGUAGES else DEFAULT_LANGUAGE)
