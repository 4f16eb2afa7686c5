"""Precision, recall and F1 of the geoparser against hand-made gold annotations.

Run with ``pytest -s`` to see the numbers. The gold files (tests/gold/<article_id>.json) were made
by reading each article; tests/gold/README.md states what counts as a mention. The scoring is
``tests/goldscore.py`` (also a command, for a blind round before it joins the gold set).
"""

from pathlib import Path

import pytest
from goldscore import KINDS, score

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "tests" / "gold"
ARTICLE_DIRS = [ROOT / "geodata" / "articles", ROOT / "tests" / "articles"]


@pytest.fixture(scope="module")
def scores(lexicons):
    """Micro-averaged scores over every gold article, and what was missed or extra."""
    return score(GOLD, ARTICLE_DIRS, lexicons)


def test_gold_covers_the_seeds_and_at_least_three_more_articles():
    ids = {path.stem for path in GOLD.glob("*.json")}
    seeds = {path.stem for path in (ROOT / "geodata" / "articles").glob("*.md")}
    assert seeds <= ids
    assert len(ids - seeds) >= 3


def test_print_scores(scores):
    print("\nGeoparser quality (micro-averaged over", len(list(GOLD.glob("*.json"))), "articles)")
    for kind in (*KINDS, "events"):
        precision, recall, f1 = scores.prf(kind)
        tp, gold, predicted = scores.counts[kind]
        print(
            f"  {kind:<10} P={precision:.3f} R={recall:.3f} F1={f1:.3f} "
            f"(gold {gold}, predicted {predicted}, correct {tp})"
        )
    for error in sorted(scores.errors, key=str):
        print("  ", *error)
    assert scores.counts["places"][1] > 0


def test_place_mentions_f1_is_at_least_0_95(scores):
    precision, recall, f1 = scores.prf("places")
    assert f1 >= 0.95, (precision, recall)


@pytest.mark.parametrize("kind", ["dates", "quantities"])
def test_dates_and_quantities_are_all_right(scores, kind):
    precision, recall, _ = scores.prf(kind)
    assert (precision, recall) == (1.0, 1.0), [e for e in scores.errors if e[1] == kind]
