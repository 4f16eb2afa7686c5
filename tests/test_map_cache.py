"""The rendered map is kept per language and focus until the data changes."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from mapapp import mapview
from mapapp.web.map_page import RenderCache


def test_map_is_rendered_once_per_view_until_the_data_changes(
    client, data_dir: Path, monkeypatch
) -> None:
    calls = []
    real_render = mapview.render

    def counting_render(options, counts, focus=None, t=None, types=None, **kw):
        calls.append((t.lang, focus and focus["id"]))
        return real_render(options, counts, focus, t, types, **kw)

    monkeypatch.setattr(mapview, "render", counting_render)
    first = client.get("/").get_data(as_text=True)
    second = client.get("/").get_data(as_text=True)
    nonce = re.compile(r'nonce="[^"]+"')  # the CSP nonce is new in every response
    assert nonce.sub("", first) == nonce.sub("", second)
    assert calls == [("en", None)]
    client.get("/?lang=vi")
    client.get("/?focus=place-moscow")  # the language chosen is remembered
    client.get("/?lang=en")
    assert calls == [("en", None), ("vi", None), ("vi", "place-moscow")]

    # An edit on disk by another process (a partition replaced by rename, as `mapapp ingest`
    # writes; this process's index is not told) shows on the next request.
    renamed = 0
    for path in sorted((data_dir / "features").glob("*.geojson")):
        part = json.loads(path.read_text("utf-8"))
        for feature in part["features"]:
            if feature["id"] == "place-moscow":  # every article naming Moscow has a copy
                feature["properties"]["name"] = "Moskva (renamed)"
                renamed += 1
        staged = path.with_name(path.name + ".edit")
        staged.write_text(json.dumps(part, ensure_ascii=False), "utf-8")
        os.replace(staged, path)
    assert renamed
    third = client.get("/").get_data(as_text=True)
    assert len(calls) == 4
    # The page carries no feature: the new version is what the map's tiles and popups say.
    assert "Moskva (renamed)" not in third
    assert "Moskva (renamed)" in client.get("/map/popups/place-moscow").get_data(as_text=True)
    client.get("/")
    assert len(calls) == 4, "the new version is rendered once too"


def test_cache_keeps_the_most_recent_views_only() -> None:
    cache = RenderCache(size=2)
    snapshot, made = "1.1", []  # a data version, as Store.version() gives it

    def make(key):
        return lambda: made.append(key) or key

    for key in ("a", "b", "a", "c", "b"):
        assert cache.get(snapshot, key, make(key)) == key
    # "a" was used again before "c" came, so "b" was the one dropped.
    assert made == ["a", "b", "c", "b"]
    assert cache.get("1.2", "a", make("a")) == "a", "a new data version starts afresh"
    assert made[-1] == "a"
