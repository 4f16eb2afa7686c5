"""Search: other spellings, hyphenated names both ways, and article titles kept current."""

from __future__ import annotations

from pathlib import Path

from mapapp.store import Filter
from mapapp.store.layers import Store
from mapapp.store.queries import fts_query


def _place(fid: str, name: str, name_vi: str, alt: list[str]) -> dict:
    return {
        "type": "Feature",
        "id": fid,
        "geometry": {"type": "Point", "coordinates": [37.6, 55.75]},
        "properties": {"layer": "places", "name": name, "name_vi": name_vi, "alt_names": alt},
    }


def _part(title: str, *features: dict) -> dict:
    meta = {"title": title, "published": "2020-11-25", "language": "vi", "sentences": 3}
    return {"type": "FeatureCollection", "article": meta, "features": list(features)}


def _found(store: Store, text: str) -> list[str]:
    return [f["id"] for f in store.select(Filter(text=text), 10, order="rank")]


def test_a_hyphenated_query_also_looks_for_the_word_joined_up() -> None:
    assert fts_query("Mát-xcơ-va") == '("mat" "xco" "va"*) OR ("matxcova"*)'
    assert fts_query("Moskva") == '"moskva"*'
    assert fts_query("-") is None


def test_places_are_found_under_their_other_spellings_written_any_way(tmp_path: Path) -> None:
    store = Store(tmp_path)
    moscow = _place("place-moscow", "Moscow", "Mátxcơva", ["Mát-xcơ-va", "Moskva"])
    with store.lock():
        store.write({"a-1": _part("Tin từ Mátxcơva", moscow)}, {})
    for text in ("Moskva", "Mát-xcơ-va", "mat xco va", "matxcova", "Mátxcơva", "mat-xcova"):
        assert _found(store, text) == ["place-moscow"], text
    assert _found(store, "Berlin") == []


def test_article_titles_are_searched_and_follow_rewrites_and_removals(tmp_path: Path) -> None:
    store = Store(tmp_path)
    with store.lock():
        store.write(
            {
                "a-1": _part("Tổng thống Nga điện đàm với Tổng thống Thổ Nhĩ Kỳ"),
                "b-1": _part("Lũ lụt ở miền Trung"),
            },
            {},
        )
    assert [a[0] for a in store.search_articles("dien dam")] == ["a-1"]
    assert [a[0] for a in store.search_articles("lu lut")] == ["b-1"]
    # The same article written again with a new title: the old title no longer finds it.
    with store.lock():
        store.write({"a-1": _part("Hội nghị thượng đỉnh ASEAN")}, {})
    assert store.search_articles("dien dam") == []
    assert [a[0] for a in store.search_articles("thuong dinh")] == ["a-1"]
    with store.lock():
        store.write({"b-1": None}, {})
    assert store.search_articles("lu lut") == []
    # Rebuilt from the files, the index finds the same.
    rebuilt = Store(tmp_path)
    rebuilt.rebuild_index()
    assert [a[0] for a in rebuilt.search_articles("thuong dinh")] == ["a-1"]


def test_the_map_search_answers_with_matching_articles(client) -> None:
    body = client.get("/api/map/features?q=dien+dam+Erdogan").get_json()
    assert [a["id"] for a in body["articles"]] == ["2020-11-25-putin-erdogan-call"]
    assert body["articles"][0]["title"].startswith("Tổng thống Nga V.Putin điện đàm")
    # Only the first page of a search lists them; a list page without a search does not.
    assert "articles" not in client.get("/api/map/features?q=Erdogan&offset=1").get_json()
    assert "articles" not in client.get("/api/map/features").get_json()
