"""What an ingest adds or changes, feature by feature, for an editor to review.

One row per feature of the ingested articles that is added, updated or removed: its name, type,
date and precision, place and precision, and the sentence it comes from; and what the editor
should look at: a place name read by a rule of context (a small town, a foreign city read in
Vietnamese),
a year the text does not give, an event whose sentence names no place. ``table`` prints the
rows for a terminal; ``report_page`` renders them as an HTML page (``templates/ingest_report.html``,
every text escaped once by Jinja's autoescape).
"""

from __future__ import annotations

import datetime as dt
import textwrap
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["ReviewRow", "review_rows", "table", "report_page", "FLAGS"]

#: A date without a year is worth checking when the year read for it puts it this many days
#: or more from publication (or in another year).
FAR_DAYS = 60

#: What a flag means, as the table's legend says it.
FLAGS = {
    "unsure-place": "a place name read by a rule of context (a small town's name after a "
    "locative word, a name that is also a pronoun, a foreign city read in Vietnamese): check "
    "it is this place",
    "year-inferred": "the text gives no year, and the date read as of publication is more "
    f"than {FAR_DAYS} days from it or in another year: check the year",
    "date-from-context": "the sentence gives no date: it was taken from the sentence before "
    "(or is the publication day)",
    "unplaced": "neither the sentence nor the one before it names a place: the event is "
    "listed but not drawn on the map",
    "place-from-context": "the sentence names no place: the event is shown at the one the "
    "sentence before it names",
}


@dataclass(frozen=True)
class ReviewRow:
    """One feature an ingest adds, updates or removes."""

    change: str  # added, updated, removed
    feature_id: str
    layer: str
    name: str
    kind: str
    date: str  # "2024-09-07 (day)", "" if none
    place: str  # "Quảng Ninh (region)": the feature's place(s) and precision
    sentence: str  # "#4 Ngày 8/9, Thủ tướng ..."
    flags: tuple[str, ...] = field(default=())


def _place_names(props: dict, names: dict[str, str]) -> str:
    if props.get("layer") == "places":
        return ""
    ids = props.get("places") or []
    shown = [names.get(pid, pid.removeprefix("place-")) for pid in ids[:3]]
    more = f" +{len(ids) - 3}" if len(ids) > 3 else ""
    return ", ".join(shown) + more


def _sentence(props: dict) -> str:
    sources = props.get("sources") or []
    if not sources:
        return ""
    first = sources[0]
    quote = " ".join(str(first.get("quote") or "").split())
    return f"#{first.get('sentence')} {quote}"


def _row(change: str, feature: dict, names: dict[str, str], flags: Iterable[str]) -> ReviewRow:
    props = feature.get("properties") or {}
    layer = str(props.get("layer") or "")
    date = str(props.get("date") or "")
    if date and props.get("date_end"):
        date = f"{date}/{props['date_end']}"
    if date and props.get("date_precision"):
        date = f"{date} ({props['date_precision']})"
    place = _place_names(props, names)
    precision = props.get("geo_precision")
    if feature.get("geometry") is None:
        place = f"{place} (not on the map)".strip()
    elif precision:
        place = f"{place or props.get('name_vi') or props.get('name')} ({precision})"
    return ReviewRow(
        change=change,
        feature_id=str(feature.get("id")),
        layer=layer,
        name=str(props.get("name_vi") or props.get("name") or ""),
        kind=str(props.get("event_type") or props.get("kind") or ""),
        date=date,
        place=place,
        sentence=_sentence(props),
        flags=tuple(flags),
    )


def far_year(date: str, published: dt.date) -> bool:
    """True if a date whose year was inferred is worth checking: in another year than
    ``published`` or ``FAR_DAYS`` or more from it (a month: from its first day)."""
    try:
        day = dt.date.fromisoformat(date if len(date) == 10 else f"{date[:7]}-01")
    except ValueError:
        return False
    return day.year != published.year or abs((day - published).days) >= FAR_DAYS


def _flags(
    feature: dict, proposal: dict | None, unsure: set[str], published: dt.date | None
) -> list[str]:
    props = feature.get("properties") or {}
    flags = []
    if props.get("layer") == "places":
        if str(feature.get("id")).removeprefix("place-") in unsure:
            flags.append("unsure-place")
        return flags
    if any(str(pid).removeprefix("place-") in unsure for pid in props.get("places") or []):
        flags.append("unsure-place")
    if props.get("year_inferred") and (
        published is None or far_year(str(props.get("date")), published)
    ):
        flags.append("year-inferred")
    if proposal is not None:
        if proposal.get("date_basis") in ("inherited", "published"):
            flags.append("date-from-context")
        if proposal.get("place_basis") == "context":
            flags.append("place-from-context")
    if props.get("layer") == "events" and feature.get("geometry") is None:
        flags.append("unplaced")
    return flags


def review_rows(
    old: dict | None,
    new: dict | None,
    proposals: Iterable[dict] = (),
    unsure: Iterable[str] = (),
    published: dt.date | None = None,
) -> list[ReviewRow]:
    """Return the rows of one article's partition going from ``old`` to ``new``: its features
    added, updated (the new version) and removed (the old one), places first, then events by
    date. ``proposals`` are the geoparser's event proposals for it (by feature id), ``unsure``
    the ids of the places it named by a rule of context, ``published`` its publication date."""
    before = {str(f.get("id")): f for f in (old or {}).get("features") or []}
    after = {str(f.get("id")): f for f in (new or {}).get("features") or []}
    by_id = {str(p.get("id")): p for p in proposals}
    doubt = set(unsure)
    names = {}
    for fid, feature in {**before, **after}.items():
        props = feature.get("properties") or {}
        names[fid] = str(props.get("name_vi") or props.get("name"))
    rows = []
    for fid, feature in after.items():
        if fid in before and before[fid] == feature:
            continue
        change = "updated" if fid in before else "added"
        rows.append(_row(change, feature, names, _flags(feature, by_id.get(fid), doubt, published)))
    rows += [_row("removed", f, names, ()) for fid, f in before.items() if fid not in after]
    order = {"places": 0, "events": 1}
    return sorted(rows, key=lambda r: (order.get(r.layer, 2), r.date, r.feature_id))


_COLUMNS = (
    ("change", 7),
    ("name", 28),
    ("type", 12),
    ("date (precision)", 28),
    ("place (precision)", 30),
    ("check", 0),  # as long as it is
)


def _cell(text: str, width: int) -> str:
    if width and len(text) > width:
        return textwrap.shorten(text, width, placeholder="…")
    return text


def table(rows: list[ReviewRow], width: int = 160) -> str:
    """Return the rows as a plain-text table, each row followed by its sentence (cut to the
    line), and a legend of the flags used."""
    if not rows:
        return "  nothing to add or change"
    head = "  ".join(title.ljust(w) for title, w in _COLUMNS)
    lines = [head.rstrip(), "  ".join("-" * (w or len(t)) for t, w in _COLUMNS)]
    for row in rows:
        cells = (row.change, row.name, row.kind, row.date, row.place, ", ".join(row.flags))
        padded = (_cell(c, w).ljust(w) for c, (_, w) in zip(cells, _COLUMNS, strict=True))
        lines.append("  ".join(padded).rstrip())
        if row.sentence:
            lines.append("    " + _cell(f"{row.feature_id}: {row.sentence}", width - 4))
    used = sorted({flag for row in rows for flag in row.flags})
    if used:
        lines.append("")
        lines += [f"  {flag}: {FLAGS[flag]}" for flag in used]
    return "\n".join(lines)


def report_page(rows: list[ReviewRow], templates: Path, title: str, dry_run: bool) -> str:
    """Return the rows as an HTML page rendered from ``ingest_report.html`` in ``templates``
    (Jinja, autoescaped: every text from the articles is data, escaped once)."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    env = Environment(
        loader=FileSystemLoader(str(templates)),
        autoescape=select_autoescape(default=True, default_for_string=True),
    )
    page = env.get_template("ingest_report.html")
    counts = {c: sum(1 for r in rows if r.change == c) for c in ("added", "updated", "removed")}
    return page.render(
        rows=rows,
        flags=FLAGS,
        used=sorted({flag for row in rows for flag in row.flags}),
        counts=counts,
        title=title,
        dry_run=dry_run,
        made=dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
    )
