"""Score the geoparser against gold annotations (tests/gold/README.md): places, dates and
quantities by exact span and value, and events by sentence, date, place and type.

Run on any folder of gold files and articles (a blind round before it joins tests/gold):

    .venv/bin/python tests/goldscore.py --gold DIR --articles DIR [--errors]
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from mapapp.geoparse import parse_article  # noqa: E402
from mapapp.sources.articles import read_article  # noqa: E402

KINDS = ("places", "dates", "quantities")


def _space(text: str) -> str:
    return " ".join(text.split())


def mention_items(gold: dict, result) -> dict[str, tuple[set, set]]:
    """Return, per kind, the (gold, predicted) sets of comparable tuples."""
    return {
        "places": (
            {(p["start"], p["end"], p["entity"]) for p in gold["places"]},
            {(m.start, m.end, m.entity_id) for m in result.mentions},
        ),
        "dates": (
            {(d["start"], d["end"], d["date"], d["date_end"]) for d in gold["dates"]},
            {(d.start, d.end, d.date, d.date_end) for d in result.dates},
        ),
        "quantities": (
            {(q["start"], q["end"], q["value"], q["unit"]) for q in gold["quantities"]},
            {(q.start, q.end, q.value, q.unit) for q in result.quantities},
        ),
    }


def event_items(gold: dict, result) -> tuple[set, set]:
    """The (gold, predicted) events as (sentence text, date, date_end, place, type): an event
    is right when all five agree (place None: the text does not say where)."""
    expected = {
        (_space(e["sentence"]), e["date"], e.get("date_end"), e.get("place"), e["event_type"])
        for e in gold.get("events") or []
    }
    predicted = {
        (_space(e.quote), e.date, e.date_end, e.location, e.event_type) for e in result.events
    }
    return expected, predicted


@dataclass
class Scores:
    """Counts per kind: [right, gold, predicted]; and the errors."""

    counts: dict[str, list[int]] = field(
        default_factory=lambda: {k: [0, 0, 0] for k in (*KINDS, "events")}
    )
    errors: list[tuple] = field(default_factory=list)
    #: Of the gold events, how many a proposal has in the same sentence with the same date, and
    #: of those, how many have the right place, the right type.
    parts: dict[str, int] = field(default_factory=lambda: {"dated": 0, "place": 0, "type": 0})

    def add(self, article_id: str, kind: str, expected: set, predicted: set) -> None:
        self.counts[kind][0] += len(expected & predicted)
        self.counts[kind][1] += len(expected)
        self.counts[kind][2] += len(predicted)
        self.errors += [
            (article_id, kind, "missed", i) for i in sorted(expected - predicted, key=str)
        ]
        self.errors += [
            (article_id, kind, "extra", i) for i in sorted(predicted - expected, key=str)
        ]

    def prf(self, kind: str) -> tuple[float, float, float]:
        right, gold, predicted = self.counts[kind]
        precision = right / predicted if predicted else 1.0
        recall = right / gold if gold else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return precision, recall, f1


def score(gold_dir: Path, article_dirs: list[Path], lexicons, events_only_where_annotated=True):
    """Score every gold file of ``gold_dir`` whose article is in ``article_dirs``."""
    scores = Scores()
    for gold_path in sorted(gold_dir.glob("*.json")):
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        path = next(
            (
                d / f"{gold['article_id']}.md"
                for d in article_dirs
                if (d / f"{gold['article_id']}.md").exists()
            ),
            None,
        )
        if path is None:
            raise FileNotFoundError(gold["article_id"])
        article = read_article(path)
        for kind in KINDS:
            for item in gold[kind]:
                if article.body[item["start"] : item["end"]] != item["surface"]:
                    raise ValueError(f"{gold_path.name}: {item} is not the article's text")
        result = parse_article(article, lexicons)
        for kind, (expected, predicted) in mention_items(gold, result).items():
            scores.add(gold["article_id"], kind, expected, predicted)
        if "events" in gold or not events_only_where_annotated:
            expected, predicted = event_items(gold, result)
            scores.add(gold["article_id"], "events", expected, predicted)
            # Where the sentence and date agree: is the place right, the type?
            found = {(e[0], e[1], e[2]): e for e in predicted}
            for e in expected:
                match = found.get((e[0], e[1], e[2]))
                scores.parts["dated"] += match is not None
                scores.parts["place"] += match is not None and match[3] == e[3]
                scores.parts["type"] += match is not None and match[4] == e[4]
    return scores


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, default=ROOT / "tests" / "gold")
    parser.add_argument("--articles", type=Path, action="append")
    parser.add_argument("--errors", action="store_true", help="list what was missed or extra")
    args = parser.parse_args(argv)
    from mapapp.geoparse import Lexicons
    from mapapp.store import DataDir, bundled_data_dir

    lexicons = Lexicons.load(DataDir(bundled_data_dir()))
    dirs = args.articles or [ROOT / "geodata" / "articles", ROOT / "tests" / "articles"]
    scores = score(args.gold, dirs, lexicons)
    print("| kind | right / gold / found | precision | recall | F1 |")
    print("|---|---|---|---|---|")
    for kind in (*KINDS, "events"):
        right, gold, found = scores.counts[kind]
        p, r, f = scores.prf(kind)
        print(f"| {kind} | {right} / {gold} / {found} | {p:.2f} | {r:.2f} | {f:.2f} |")
    dated, gold = scores.parts["dated"], scores.counts["events"][1]
    print(
        f"\nevents found in their sentence with their date: {dated} / {gold}; of those, the "
        f"right place {scores.parts['place']}, the right type {scores.parts['type']}"
    )
    if args.errors:
        for error in scores.errors:
            print(*error, sep="\t")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
