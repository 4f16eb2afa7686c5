"""An event whose text does not say where it happened is stored, listed and served without
a geometry (``geo_precision: unplaced``), never pinned at a place the text does not give."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from mapapp.pipeline.ingest import ingest
from mapapp.pipeline.validate import validate
from mapapp.store import DataDir, Store

REPO = Path(__file__).resolve().parents[1]
ARTICLE = REPO / "tests" / "articles" / "2024-03-05-ceasefire-unplaced.md"
UNPLACED = "event-2024-03-05-ceasefire-unplaced-s1"
PLACED = "event-2024-03-05-ceasefire-unplaced-s2"


def _events(data_dir: Path) -> dict[str, dict]:
    part = json.loads((data_dir / "features" / f"{ARTICLE.stem}.geojson").read_text("utf-8"))
    return {f["id"]: f for f in part["features"] if f["properties"]["layer"] == "events"}


def test_an_event_no_sentence_places_has_no_geometry(data_dir: Path, gazetteer) -> None:
    change = ingest([ARTICLE], data_dir, gazetteer)
    events = _events(data_dir)
    unplaced = events[UNPLACED]
    assert unplaced["geometry"] is None
    props = unplaced["properties"]
    assert props["geo_precision"] == "unplaced"
    assert props["event_type"] == "ceasefire" and props["date"] == "2024-03-02"
    assert "does not say where" in props["geo_note"]
    assert "places" not in props  # not at Russia, not at Yerevan: the text does not say
    # The next paragraph's event has its own place.
    assert events[PLACED]["geometry"]["type"] == "Point"
    assert "place-yerevan" in events[PLACED]["properties"]["places"]
    assert any("does not say where" in w for w in change.warnings)
    assert any("unplaced" in row.flags for row in change.review if row.feature_id == UNPLACED)
    assert validate(Store(DataDir(data_dir))) == []


def test_validation_ties_unplaced_to_a_missing_geometry(data_dir: Path, gazetteer) -> None:
    ingest([ARTICLE], data_dir, gazetteer)
    path = data_dir / "features" / f"{ARTICLE.stem}.geojson"
    part = json.loads(path.read_text("utf-8"))
    for feature in part["features"]:
        if feature["id"] == UNPLACED:
            feature["properties"]["geo_precision"] = "exact"
        if feature["id"] == PLACED:
            feature["properties"]["geo_precision"] = "unplaced"
    path.write_text(json.dumps(part, ensure_ascii=False), "utf-8")
    store = Store(DataDir(data_dir))
    store.rebuild_index()  # the file was edited by hand
    problems = validate(store)
    assert f"{UNPLACED}: has no geometry but is not an unplaced event" in problems
    assert f"{PLACED}: an unplaced event has a geometry" in problems


def test_the_api_lists_and_serves_it_but_no_tile_draws_it(data_dir: Path, gazetteer, client):
    ingest([ARTICLE], data_dir, gazetteer)
    listed = client.get("/api/map/features?layers=events-ceasefire&limit=200").get_json()
    record = next(r for r in listed["features"] if r["id"] == UNPLACED)
    assert record["bounds"] is None and record["lon"] is None and record["lat"] is None
    # No box holds it: a bbox over the whole world leaves it out, the tiles never draw it.
    boxed = client.get("/api/map/features?bbox=-180,-90,180,90&limit=200").get_json()
    assert UNPLACED not in {r["id"] for r in boxed["features"]}
    for z, x, y in ((0, 0, 0), (2, 2, 1)):
        tile = client.get(f"/api/map/tiles/{z}/{x}/{y}.json").get_data(as_text=True)
        assert UNPLACED not in tile
    # OGC: an item with a null geometry (RFC 7946 3.2), which every bbox matches, as the
    # standard says of a feature without a spatial geometry (/req/core/fc-bbox-response C).
    item = client.get(f"/ogc/collections/events/items/{UNPLACED}?f=json").get_json()
    assert item["geometry"] is None and item["properties"]["geo_precision"] == "unplaced"
    for box in ("-180,-90,180,90", "0,0,1,1"):
        url = f"/ogc/collections/events/items?bbox={box}&limit=1000"
        assert UNPLACED in {f["id"] for f in client.get(url).get_json()["features"]}
    # The popup says where it is not.
    html = client.get(f"/map/popups/{UNPLACED}?lang=en").get_json()["html"]
    assert "not on the map: the article does not say where" in html


def test_downloads_carry_it_with_an_empty_position(data_dir: Path, gazetteer, client) -> None:
    ingest([ARTICLE], data_dir, gazetteer)
    whole = json.loads(client.get("/download/events.geojson").get_data())
    assert next(f for f in whole["features"] if f["id"] == UNPLACED)["geometry"] is None
    text = client.get("/download/view.csv?layers=events-ceasefire").get_data().decode("utf-8-sig")
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(text))}
    assert rows[UNPLACED]["wkt"] == rows[UNPLACED]["lon"] == ""
    assert rows[UNPLACED]["geo_precision"] == "unplaced"
    kml = client.get("/download/view.kml?layers=events-ceasefire")
    assert kml.status_code == 200 and UNPLACED.encode() in kml.get_data()
