"""Whole layers for tests: write them into the partitioned store, read them back whole.

The app never holds a whole layer; tests on small data directories compare whole layers, so
these helpers live here, not in the store.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from types import SimpleNamespace

from mapapp.core.errors import NotFound
from mapapp.core.model import LAYER_IDS, LAYERS, Layer
from mapapp.pipeline.build import article_meta
from mapapp.store.layers import SHARED_LAYERS, Store

#: The partition of features whose sources cite no article.
UNSOURCED = "unsourced"


def _article_meta(store: Store, article_id: str) -> dict | None:
    try:
        return article_meta(store.article(article_id))
    except NotFound:
        return None


def _articles_of(feature: dict) -> list[str]:
    sources = (feature.get("properties") or {}).get("sources") or []
    found = [s.get("article_id") for s in sources if isinstance(s, dict)]
    return list(dict.fromkeys(a for a in found if isinstance(a, str))) or [UNSOURCED]


def write_layers(target: Path, layers: dict[str, list[dict]]) -> Path:
    """Write whole layers into data directory ``target`` as the store partitions them: events
    into the partition of the article they cite first, each place into every article that
    names it (with that article's sources), the other layers into their own files."""
    target = Path(target)
    target.mkdir(parents=True, exist_ok=True)
    store = Store(target)
    parts: dict[str, list[dict]] = defaultdict(list)
    shared: dict[str, dict] = {}
    for layer_id, features in layers.items():
        if layer_id in SHARED_LAYERS:
            shared[store.shared_part(layer_id)] = {
                "type": "FeatureCollection",
                "features": features,
            }
            continue
        for feature in features:
            articles = _articles_of(feature)
            if layer_id != "places":
                parts[articles[0]].append(feature)
                continue
            for article_id in articles:
                props = dict(feature.get("properties") or {})
                props["sources"] = [
                    s
                    for s in props.get("sources") or []
                    if isinstance(s, dict) and s.get("article_id") == article_id
                ]
                parts[article_id].append({**feature, "properties": props})
    collections: dict[str, dict | None] = dict(shared)
    for name, features in parts.items():
        collection: dict = {"type": "FeatureCollection", "features": features}
        meta = _article_meta(store, name)
        if meta:
            collection = {"type": "FeatureCollection", "article": meta, "features": features}
        collections[name] = collection
    with store.lock():
        store.write(collections, {})
    return target


def layer(store: Store, layer_id: str) -> dict:
    """Return one layer as a FeatureCollection, read whole."""
    return {"type": "FeatureCollection", "features": list(store.iter_layer(layer_id))}


def layer_info(store: Store) -> list[tuple[Layer, dict]]:
    """Return every layer with its FeatureCollection, in display order."""
    return [(lyr, layer(store, lyr.id)) for lyr in LAYERS]


def all_features(store: Store) -> list[dict]:
    """Return every feature of every layer."""
    return [f for lid in LAYER_IDS for f in store.iter_layer(lid)]


def snapshot(store: Store) -> SimpleNamespace:
    """Return the data directory read whole: ``layers``, ``features``, ``feature_layer``,
    ``articles`` (every article file, by id)."""
    layers = {lid: layer(store, lid) for lid in LAYER_IDS}
    features = {f["id"]: f for c in layers.values() for f in c["features"]}
    feature_layer = {f["id"]: lid for lid, c in layers.items() for f in c["features"]}
    return SimpleNamespace(
        layers=layers,
        features=features,
        feature_layer=feature_layer,
        articles=store.read_articles(),
    )
