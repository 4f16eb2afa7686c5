"""Precision, recall and F1 of the geoparser against hand-made gold annotations.

Run with ``pytest -s`` to see the numbers. The gold files (tests/gold/<article_id>.json) were made
by reading each article; tests/gold/README.md states what counts as a mention.
"""

import json
from pathlib import Path

import pytest

from mapapp.geoparse import parse_article
from mapapp.sources.articles import read_article

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "tests" / "gold"
ARTICLE_DIRS = (ROOT / "geodata" / "articles", ROOT / "tests" / "articles")


def _article_path(article_id: str) -> Path:
    for folder in ARTICLE_DIRS:
        path = folder / f"{article_id}.md"
        if path.exists():
            return path
    raise FileNotFoundError(article_id)


def _items(gold: dict, result) -> dict[str, tuple[set, set]]:
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


def _score(true_positives: int, gold: int, predicted: int) -> tuple[float, float, float]:
    precision = true_positives / predicted if predicted else 1.0
    recall = true_positives / gold if gold else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


@pytest.fixture(scope="module")
def scores(lexicons):
    """Micro-averaged scores over every gold article, and what was missed or extra."""
    counts = {kind: [0, 0, 0] for kind in ("places", "dates", "quantities")}
    errors = []
    gaz = lexicons
    for gold_path in sorted(GOLD.glob("*.json")):
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        article = read_article(_article_path(gold["article_id"]))
        for kind, items in gold.items():
            if kind in counts:  # the gold surfaces are the article's own text
                assert all(article.body[i["start"] : i["end"]] == i["surface"] for i in items)
        result = parse_article(article, gaz)
        for kind, (expected, predicted) in _items(gold, result).items():
            counts[kind][0] += len(expected & predicted)
            counts[kind][1] += len(expected)
            counts[kind][2] += len(predicted)
            errors += [(gold["article_id"], kind, "missed", i) for i in expected - predicted]
            errors += [(gold["article_id"], kind, "extra", i) for i in predicted - expected]
    return {kind: _score(*c) for kind, c in counts.items()}, counts, errors


def test_gold_covers_the_seeds_and_at_least_three_more_articles():
    ids = {path.stem for path in GOLD.glob("*.json")}
    seeds = {path.stem for path in (ROOT / "geodata" / "articles").glob("*.md")}
    assert seeds <= ids
    assert len(ids - seeds) >= 3


def test_print_scores(scores):
    results, counts, errors = scores
    print("\nGeoparser quality (micro-averaged over", len(list(GOLD.glob("*.json"))), "articles)")
    for kind, (precision, recall, f1) in results.items():
        tp, gold, predicted = counts[kind]
        print(
            f"  {kind:<10} P={precision:.3f} R={recall:.3f} F1={f1:.3f} "
            f"(gold {gold}, predicted {predicted}, correct {tp})"
        )
    for error in sorted(errors):
        print("  ", *error)


def test_place_mentions_f1_is_at_least_0_95(scores):
    precision, recall, f1 = scores[0]["places"]
    assert f1 >= 0.95, (precision, recall)


@pytest.mark.parametrize("kind", ["dates", "quantities"])
def test_dates_and_quantities_are_all_right(scores, kind):
    precision, recall, _ = scores[0][kind]
    assert (precision, recall) == (1.0, 1.0), [e for e in scores[2] if e[1] == kind]
