"""Serve the app with several processes (gunicorn, POSIX only): ``mapapp serve --workers N``."""

from __future__ import annotations

from typing import Any

__all__ = ["serve_prefork"]


def serve_prefork(app: Any, host: str, port: int, workers: int, threads: int) -> None:
    """Run ``app`` under gunicorn with ``workers`` processes of ``threads`` threads each.

    The app is built once and the workers are forked from it; each opens its own index
    connection on first use (SQLite connections are never shared across a fork).
    """
    from gunicorn.app.base import BaseApplication

    class _Server(BaseApplication):
        def load_config(self) -> None:
            settings = {
                "bind": f"{host}:{port}",
                "workers": workers,
                "threads": threads,
                "worker_class": "gthread",
                "accesslog": None,
                "errorlog": "-",
                "loglevel": "warning",
                "timeout": 60,
            }
            for key, value in settings.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            return app

    _Server().run()
