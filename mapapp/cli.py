"""The ``mapapp`` command: serve, build, ingest and validate a data directory."""

from __future__ import annotations

import os
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
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Processes: 1 serves with waitress (portable); more serve with gunicorn (POSIX), "
    "each process with --threads threads.",
)
@click.option("--debug", is_flag=True, help="Flask's debugging server (never in production).")
def serve(host: str, port: int, datadir: DataDir, threads: int, workers: int, debug: bool) -> None:
    """Serve the map, the articles, the API and the downloads."""
    from mapapp.store.layers import Store
    from mapapp.web import create_app

    if not datadir.root.is_dir():
        raise click.ClickException(f"data directory {str(datadir.root)!r} does not exist")
    # Bring the index up to date before the first request (fast unless it is missing or stale).
    Store(datadir).refresh()
    app = create_app({"DATA_DIR": str(datadir.root)})
    click.echo(f"mapapp: serving {datadir.root} on http://{host}:{port}/", err=True)
    if debug:
        app.run(host=host, port=port, debug=True)
        return
    if workers > 1:
        from mapapp.prefork import serve_prefork

        serve_prefork(app, host, port, workers, threads)
        return
    import waitress

    waitress.serve(app, host=host, port=port, threads=threads, ident="mapapp")


@cli.command()
@_data_dir_option
def validate(datadir: DataDir) -> None:
    """Check every layer against the data contract; exit 1 listing the problems."""
    from mapapp.pipeline.validate import validate as check
    from mapapp.store.layers import Store

    store = Store(datadir)
    store.refresh(full=True)  # see partitions edited in place, too
    problems = check(store)
    for problem in problems:
        click.echo(problem)
    if problems:
        raise click.ClickException(f"{len(problems)} problem(s) in {datadir.root}")
    total = sum(store.layer_counts().values())
    layers = len(store.layer_counts())
    click.echo(f"OK: {total} features in {layers} layers, {store.article_count()} articles")


def _lexicons(datadir: DataDir):
    """Return the gazetteer and actor list built from ``datadir``'s own files (the built
    gazetteer is kept beside the index, so the next command reads it back instead)."""
    from mapapp.geoparse import Lexicons
    from mapapp.store.cache import FileCache

    return Lexicons.load(datadir, cache=FileCache.beside_index(datadir, "gazetteer"))


def _print_warnings(lines: list[str]) -> None:
    """Print each warning to stderr as "warning: <file>: <problem>"."""
    for line in lines:
        click.echo(f"warning: {line}", err=True)


#: Past this many features the change is counted, not listed (unless --verbose).
_LISTED = 200


def _print_change(change, verbose: bool) -> None:
    listed = 0
    for label, ids in (
        ("added", change.added),
        ("updated", change.updated),
        ("removed", change.removed),
    ):
        for fid in ids:
            if listed < _LISTED or verbose:
                click.echo(f"  {label:9} {fid}")
            listed += 1
    if listed > _LISTED and not verbose:
        click.echo(f"  ... and {listed - _LISTED:,} more (--verbose lists them all)")
    if verbose:
        for fid in change.unchanged:
            click.echo(f"  unchanged {fid}")


def _print_review(change, verbose: bool) -> None:
    """Print the table of the ingested articles' changes (``mapapp.pipeline.review``), then
    the ids of the other features that change (shared layers, articles the curation cites)."""
    from mapapp.pipeline.ingest import Change
    from mapapp.pipeline.review import table

    try:
        width = os.get_terminal_size().columns
    except OSError:  # not a terminal
        width = 160
    click.echo(table(change.review, width))
    shown = {row.feature_id for row in change.review}
    rest = Change(
        added=[f for f in change.added if f not in shown],
        updated=[f for f in change.updated if f not in shown],
        removed=[f for f in change.removed if f not in shown],
        unchanged=change.unchanged,
    )
    if rest.added or rest.updated or rest.removed:
        click.echo("other features that change:")
    _print_change(rest, verbose)


def _write_report(path: Path, change, dry_run: bool) -> None:
    """Write the review table as an HTML page (atomically: a failed write leaves no part)."""
    from mapapp.pipeline.review import report_page
    from mapapp.store.fileio import atomic_write
    from mapapp.web import bundled_dirs

    title = "mapapp ingest"
    if change.articles:
        title += ": " + ", ".join(change.articles[:5])
    if len(change.articles) > 5:
        title += f" and {len(change.articles) - 5} more"
    html = report_page(change.review, bundled_dirs()[0], title, dry_run)
    try:
        atomic_write(path, html.encode("utf-8"))
    except OSError as exc:
        raise click.ClickException(f"cannot write the report {path}: {exc.strerror}") from None
    click.echo(f"report written to {path}")


def _progress(what: str):
    """Return a wrapper that shows a progress bar on stderr (only on a terminal: elsewhere the
    items pass through, and tqdm is not even loaded)."""
    if not sys.stderr.isatty():
        return lambda items, total=None: items
    from tqdm import tqdm

    def wrap(items, total=None):
        return tqdm(items, total=total, desc=what, unit="article", leave=False)

    return wrap


#: The plain-text flags that describe one text, not a batch.
_ONE_TEXT = ("title", "article_id", "url", "title_note", "published_note")


def _flag(option: str) -> str:
    """The command-line spelling of an ``ingest`` text option ("article_id" -> "--id")."""
    return "--" + ("id" if option == "article_id" else option.replace("_", "-"))


@cli.command()
@click.argument("files", nargs=-1, required=True)
@_data_dir_option
@click.option(
    "--dry-run",
    is_flag=True,
    help="Print a table of what would change, and what to check; write nothing.",
)
@click.option(
    "--report",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Also write that table as an HTML page to this file.",
)
@click.option("-v", "--verbose", is_flag=True, help="Also list unchanged features.")
@_lock_timeout_option
@click.option(
    "--title", help="Text or page: the title [default: the page's, or the first sentence]."
)
@click.option(
    "--published",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Text or page: the publication date, YYYY-MM-DD [default: the page's, or the dateline's].",
)
@click.option("--source", help="Text or page: the outlet [default: the page's name, or unknown].")
@click.option(
    "--url", help="Text or page: the article's address [default: the page's canonical one]."
)
@click.option("--id", "article_id", help="Text or page: the article id [default: date-title].")
@click.option("--title-note", help="Text or page: where the title comes from.")
@click.option("--published-note", help="Text or page: where the publication date comes from.")
def ingest(
    files: tuple[str, ...],
    datadir: DataDir,
    dry_run: bool,
    report: Path | None,
    verbose: bool,
    lock_timeout: float,
    published,
    **text: str | None,
) -> None:
    """Add or update article FILES (or every .md, .txt and .html file in a folder) and map them.

    A Markdown file carries its metadata in its front matter; for plain text (.txt) the options
    give it, and for a saved page (.html) they correct what the page says. An RSS or Atom feed
    (a .xml, .rss or .atom file, or an http(s) address) brings the page of each entry not
    stored yet."""
    from mapapp.pipeline.feeds import feed_articles
    from mapapp.pipeline.ingest import TEXT_SUFFIXES, article_files
    from mapapp.pipeline.ingest import ingest as run_ingest
    from mapapp.sources.feeds import FEED_SUFFIXES, is_url
    from mapapp.sources.plaintext import TextMeta
    from mapapp.store.layers import Store

    feeds = [f for f in files if is_url(f) or f.lower().endswith(FEED_SUFFIXES)]
    paths = [Path(f) for f in files if f not in feeds]
    texts = [p for p in article_files(paths) if p.suffix.lower() in TEXT_SUFFIXES]
    given = [k for k, v in text.items() if v is not None] + (["published"] if published else [])
    if given and not texts and not feeds:
        flag = _flag(given[0])
        raise click.UsageError(f"{flag} describes a plain-text or HTML article; none is given")
    single = [k for k in given if k in _ONE_TEXT or (feeds and k == "published")]
    if single and (len(texts) > 1 or feeds):
        flag = _flag(single[0])
        raise click.UsageError(f"{flag} describes one text: give one .txt or .html file with it")
    meta = TextMeta(
        title=text["title"],
        published=published.date() if published else None,
        source=text["source"],
        url=text["url"],
        article_id=text["article_id"],
        title_note=text["title_note"],
        published_note=text["published_note"],
    )
    lexicons = _lexicons(datadir)
    fetched: list[tuple[str, str]] = []
    for feed in feeds:
        found, problems = feed_articles(feed, Store(datadir), meta)
        fetched += found
        _print_warnings(problems)
    if not paths and not fetched:
        click.echo("nothing new: every entry of the feed(s) is stored already, or unread")
        return
    change = run_ingest(
        paths,
        datadir,
        lexicons,
        dry_run=dry_run,
        lock_timeout=lock_timeout,
        progress=_progress("geoparsing"),
        text_meta=meta,
        texts=fetched,
    )
    _print_warnings(change.warnings)
    if dry_run:
        _print_review(change, verbose)
    else:
        _print_change(change, verbose)
    if report is not None:
        _write_report(report, change, dry_run)
    prefix = "dry run, nothing written: " if dry_run else ""
    articles = f"{len(change.articles)} article file(s) new or changed; "
    click.echo(f"{prefix}{articles}{change.summary()}")


@cli.command()
@_data_dir_option
@click.option("--check", is_flag=True, help="Exit 1 if the layers on disk differ; write nothing.")
@click.option(
    "--workers",
    type=click.IntRange(1, 256),
    default=None,
    help="Processes that geoparse articles  [default: one per core]",
)
@_lock_timeout_option
def build(datadir: DataDir, check: bool, workers: int | None, lock_timeout: float) -> None:
    """Regenerate every partition from the articles, the gazetteer and the curation file."""
    from mapapp.pipeline.rebuild import build_all

    change = build_all(
        datadir,
        _lexicons(datadir),
        check=check,
        workers=workers,
        lock_timeout=lock_timeout,
        progress=_progress("building"),
    )
    _print_warnings(change.warnings)
    _print_change(change, verbose=False)
    if check:
        if change.changed:
            raise click.ClickException(f"layers are not current: {change.summary()}")
        click.echo(f"layers are current: {change.summary()}")
        return
    click.echo(f"built {datadir.root}: {change.summary()}")


@cli.command()
@click.argument("file", type=click.Path(path_type=Path))
@_data_dir_option
@click.option(
    "--published",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Read the article as published on this day (YYYY-MM-DD): year-less dates follow it.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "text"]),
    default="json",
    show_default=True,
    help="json: the document mapapp/geoparse/parse.schema.json describes; text: one line each.",
)
def parse(file: Path, datadir: DataDir, published, fmt: str) -> None:
    """Print what the geoparser reads in article FILE (.md, .txt or .html: places, dates,
    figures, actors and the events it proposes), with their offsets in the text; nothing is
    stored."""
    import json

    from mapapp.geoparse import parse_article as geoparse
    from mapapp.geoparse.report import to_json, with_published
    from mapapp.pipeline.ingest import article_text
    from mapapp.sources.articles import parse_article
    from mapapp.sources.plaintext import TextMeta

    day = published.date() if published is not None else None
    # Markdown, plain text or a saved page, read as `ingest` reads it.
    text = article_text(file, TextMeta(published=day))
    article = parse_article(text, file.name, default_id=file.stem)
    if day is not None:
        article = with_published(article, day)
    lexicons = _lexicons(datadir)
    doc = to_json(article, geoparse(article, lexicons), lexicons.gazetteer)
    if fmt == "json":
        click.echo(json.dumps(doc, ensure_ascii=False, indent=2))
        return
    for kind in ("places", "dates", "quantities", "actors"):
        for item in doc[kind]:
            what = item.get("id") or item.get("date") or item.get("unit") or item.get("name")
            span = f"{item['start']:>6}-{item['end']:<6}"
            click.echo(f"{kind[:-1]:9} {span} {item['text']!r} -> {what}")
    for event in doc["events"]:
        where = event["location"] or "unplaced"
        click.echo(
            f"event     sentence {event['sentence']}: {event['event_type']} "
            f"{event['date']}{'/' + event['date_end'] if event['date_end'] else ''} at {where}"
        )
    for line in doc["warnings"]:
        click.echo(f"warning   {line}")


@cli.command()
@_data_dir_option
@_lock_timeout_option
def index(datadir: DataDir, lock_timeout: float) -> None:
    """Rebuild the query index from the GeoJSON partitions (it is derived data)."""
    from mapapp.store.layers import Store

    store = Store(datadir)
    store.rebuild_index(timeout=lock_timeout)
    counts = store.layer_counts()
    click.echo(
        f"indexed {sum(counts.values()):,} features of {store.article_count():,} articles "
        f"into {store.index_path}"
    )


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
