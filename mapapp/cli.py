"""The ``mapapp`` command: serve, build, ingest and validate a data directory."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from mapapp.errors import MapappError

__all__ = ["main", "cli", "default_data_dir"]


def default_data_dir() -> Path:
    """Return the repository's bundled geodata/ directory."""
    return Path(__file__).resolve().parents[1] / "geodata"


_data_dir_option = click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=default_data_dir,
    show_default="the repository's geodata/",
    help="Data directory (layers, articles/, curation.yaml, reference/).",
)


@click.group()
def cli() -> None:
    """News articles become an explorable, sourced map."""


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
@_data_dir_option
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 64))
@click.option("--debug", is_flag=True, help="Flask's debugging server (never in production).")
def serve(host: str, port: int, data_dir: Path, threads: int, debug: bool) -> None:
    """Serve the map, the articles, the API and the downloads (waitress WSGI server)."""
    from mapapp.web import create_app

    if not data_dir.is_dir():
        raise click.ClickException(f"data directory {str(data_dir)!r} does not exist")
    app = create_app({"DATA_DIR": str(data_dir)})
    app.extensions["mapapp.store"].snapshot()  # fail now, not on the first request
    click.echo(f"mapapp: serving {data_dir} on http://{host}:{port}/", err=True)
    if debug:
        app.run(host=host, port=port, debug=True)
        return
    import waitress

    waitress.serve(app, host=host, port=port, threads=threads, ident="mapapp")


@cli.command()
@_data_dir_option
def validate(data_dir: Path) -> None:
    """Check every layer against the data contract; exit 1 listing the problems."""
    from mapapp.store import Store
    from mapapp.validate import validate as check

    snap = Store(data_dir).snapshot()
    problems = check(snap)
    for problem in problems:
        click.echo(problem)
    if problems:
        raise click.ClickException(f"{len(problems)} problem(s) in {data_dir}")
    total = sum(len(c["features"]) for c in snap.layers.values())
    click.echo(f"OK: {total} features in {len(snap.layers)} layers, {len(snap.articles)} articles")


def main() -> None:
    """Run the command line, turning domain errors into one-line messages."""
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(1)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except MapappError as exc:
        click.echo(f"Error: {exc.message}", err=True)
        sys.exit(1)
    except OSError as exc:
        click.echo(f"Error: {exc.filename or ''}: {exc.strerror}", err=True)
        sys.exit(1)
