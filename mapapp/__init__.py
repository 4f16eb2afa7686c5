"""mapapp: news articles become an explorable, sourced map."""

__all__ = ["create_app"]


def create_app(config=None):
    """Build the Flask application (imported lazily so that only mapapp.web imports flask)."""
    from mapapp.web import create_app as _create_app

    return _create_app(config)
