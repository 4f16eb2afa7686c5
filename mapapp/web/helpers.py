"""Small helpers shared by the views."""

from __future__ import annotations

from flask import current_app

from mapapp.store import Store

__all__ = ["get_store"]


def get_store() -> Store:
    """Return the app's store."""
    return current_app.extensions["mapapp.store"]
