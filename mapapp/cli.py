"""The ``mapapp`` command: serve, build, ingest and validate a data directory."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from mapapp.core.errors import MapappError
from mapapp.store.datadir import DataDir, bundled_data_dir

__all__ = ["main", "cli"]


def _to_datadir(ctx, param, value: Path) -> DataDir:
    return DataDir(value)


_data_dir_option = click.option(
    "--data-dir",
    "datadir",
    type=click.Path(file_okay=False, path_type=Path),
    default=bundled_data_dir,
    callback=_to_datadir,
    show_default="the bundled data directory",
    help="Data directory: every file is read from it and written to it (layers, articles/, "
    "curation.yaml, gazetteer.yaml, actors.yaml, country_points.csv, reference/).",
)
_lock_timeout_option = click.option(
    "--lock-timeout",
    type=click.FloatRange(min=0),
    default=60,
    show_default=True,
    metavar="SECONDS",
    help="How long to wait for another ingest or build to finish with the data directory.",
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
def serve(host: str, port: int, datadir: DataDir, threads: int, debug: bool) -> None:
    """Serve the map, the articles, the API and the downloads (waitress WSGI server)."""
    from mapapp.web import create_app

    if not datadir.root.is_dir():
        raise click.ClickException(f"data directory {str(datadir.root)!r} does not exist")
    app = create_app({"DATA_DIR": str(datadir.root)})
    app.extensions["mapapp.store"].snapshot()  # fail now, not on the first request
    click.echo(f"mapapp: serving {datadir.root} on http://{host}:{port}/", err=True)
    if debug:
        app.run(host=host, port=port, debug=True)
        return
    import waitress

    waitress.serve(app, host=host, port=port, threads=threads, ident="mapapp")


@cli.command()
@_data_dir_option
def validate(datadir: DataDir) -> None:
    """Check every layer against the data contract; exit 1 listing the problems."""
    from mapapp.pipeline.validate import validate as check
    from mapapp.store.layers import Store

    snap = Store(datadir).snapshot()
    problems = check(snap)
    for problem in problems:
        click.echo(problem)
    if problems:
        raise click.ClickException(f"{len(problems)} problem(s) in {datadir.root}")
    total = sum(len(c["features"]) for c in snap.layers.values())
    click.echo(f"OK: {total} features in {len(snap.layers)} layers, {len(snap.articles)} articles")


def _lexicons(datadir: DataDir):
    """Return the gazetteer and actor list built from ``datadir``'s own files."""
    from mapapp.geoparse import Lexicons

    return Lexicons.load(datadir)


def _print_warnings(lines: list[str]) -> None:
    """Print each warning to stderr as "warning: <file>: <problem>"."""
    for line in lines:
        click.echo(f"warning: {line}", err=True)


def _print_change(change, verbose: bool) -> None:
    for label, ids in (
        ("added", change.added),
        ("updated", change.updated),
        ("removed", change.removed),
    ):
        for fid in ids:
            click.echo(f"  {label:9} {fid}")
    if verbose:
        for fid in change.unchanged:
            click.echo(f"  unchanged {fid}")


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@_data_dir_option
@click.option("--dry-run", is_flag=True, help="Print what would change; write nothing.")
@click.option("-v", "--verbose", is_flag=True, help="Also list unchanged features.")
@_lock_timeout_option
def ingest(
    files: tuple[Path, ...], datadir: DataDir, dry_run: bool, verbose: bool, lock_timeout: float
) -> None:
    """Add or update article FILES and put their places and events on the map."""
    from mapapp.pipeline.ingest import ingest as run_ingest

    lexicons = _lexicons(datadir)
    change = run_ingest(list(files), datadir, lexicons, dry_run=dry_run, lock_timeout=lock_timeout)
    _print_warnings(change.warnings)
    _print_change(change, verbose)
    prefix = "dry run, nothing written: " if dry_run else ""
    articles = f"{len(change.articles)} article file(s) new or changed; "
    click.echo(f"{prefix}{articles}{change.summary()}")


@cli.command()
@_data_dir_option
@click.option("--check", is_flag=True, help="Exit 1 if the layers on disk differ; write nothing.")
@_lock_timeout_option
def build(datadir: DataDir, check: bool, lock_timeout: float) -> None:
    """Regenerate every layer from the articles, the gazetteer and the curation file."""
    from mapapp.pipeline.ingest import build_with_warnings, diff_layers
    from mapapp.store.layers import Store

    store = Store(datadir)
    lexicons = _lexicons(datadir)
    with store.lock(timeout=lock_timeout):
        new, warnings = build_with_warnings(datadir, lexicons)
        _print_warnings([line for lines in warnings.values() for line in lines])
        change = diff_layers(store.read_layers_fresh(), new)
        _print_change(change, verbose=False)
        if check:
            if change.changed:
                raise click.ClickException(f"layers are not current: {change.summary()}")
            click.echo(f"layers are current: {change.summary()}")
            return
        store.write_layers(new)
    click.echo(f"built {datadir.root}: {change.summary()}")


def main(args: list[str] | None = None) -> None:
    """Run the command line (``args``, default ``sys.argv[1:]``), turning domain errors into
    one-line messages."""
    try:
        cli.main(args=args, prog_name="mapapp", standalone_mode=False)
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
        click.echo(f"Error: {_os_error(exc)}", err=True)
        sys.exit(1)


def _os_error(exc: OSError) -> str:
    """Return an operating-system error as one line naming the file, if it has one."""
    problem = exc.strerror or str(exc) or type(exc).__name__
    return f"{exc.filename}: {problem}" if exc.filename else problem
