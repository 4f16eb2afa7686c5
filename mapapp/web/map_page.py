"""The map page."""

from __future__ import annotations

from flask import Blueprint

__all__ = ["bp"]

bp = Blueprint("map", __name__)


@bp.get("/")
def index():
    """Show the map (placeholder until the folium view lands)."""
    return "<!doctype html><title>mapapp</title><p>map</p>"
