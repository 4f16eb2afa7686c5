"""Languages: message catalogues, the translator, and how dates and figures are worded.

Imports mapapp.core only.
"""

from mapapp.i18n.translate import (
    DEFAULT_LANGUAGE,
    LANGUAGES,
    MESSAGES,
    Translator,
    feature_name,
    negotiate,
    translator,
)

__all__ = [
    "LANGUAGES",
    "DEFAULT_LANGUAGE",
    "MESSAGES",
    "Translator",
    "negotiate",
    "translator",
    "feature_name",
]
