"""The blind rounds (tests/blind/): the geoparser's scores on text it was not tuned on may not
fall below those recorded in benchmarks/README.md ("Blind rounds")."""

from pathlib import Path

import pytest
from goldscore import score

ROUNDS = Path(__file__).resolve().parent / "blind"

#: The scores recorded after the fixes of 2026-12-01 (round 4, districts and communes added):
#: F1 of places, dates and quantities; events all right, and events found in their sentence
#: with their date, of which with the right place and the right type.
FLOORS = {
    "round4": {
        "places": 0.92,
        "dates": 0.97,
        "quantities": 0.98,
        "events": 7,
        "dated": 32,
        "place": 16,
        "type": 18,
    }
}


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_a_blind_round_scores_no_lower_than_recorded(lexicons, name):
    folder = ROUNDS / name
    scores = score(folder / "gold", [folder / "articles"], lexicons)
    floors = FLOORS[name]
    got = {kind: round(scores.prf(kind)[2], 2) for kind in ("places", "dates", "quantities")}
    got |= {"events": scores.counts["events"][0], **scores.parts}
    assert all(got[k] >= floors[k] for k in floors), (got, floors)
    assert scores.counts["events"][1] == 39  # every annotated event was read
