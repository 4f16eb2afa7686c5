"""Benchmark OGC API items queries (bbox + datetime + limit=100) on a million generated events.

Usage: ``.venv/bin/python benchmarks/bench_ogc.py [--features N] [--requests N]``

1. Writes ``events.geojson`` with N point events (default 1,000,000) spread over the Caucasus
   (lon 38–50, lat 38–44), dated 1988–2024 (80 % day, 15 % month, 5 % year precision), into a
   temporary data directory that is removed at the end.
2. Serves it with waitress on a free loopback port (``mapapp:create_app``) and sends a bounded,
   seeded sequence of items queries over one keep-alive connection: a 1°×1° bbox and a one-year
   datetime interval, ``limit=100``. Reports the cold first query (data load + index build),
   then the median/p95 latency and requests per second, and the server's peak RSS.
3. Runs the same queries through pygeoapi's GeoJSON provider (``GeoJSONProvider.query``) in a
   separate process, in-process (no HTTP, which favours pygeoapi), fewer of them because each
   one re-reads the file. That provider ignores ``datetime_``; it still filters the bbox.
4. Runs the same queries through ``FeaturesApi.items`` in-process too, for a like-for-like
   comparison without HTTP.
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import quote

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))  # the live-server helper the tests use

from liveserver import HOST, LiveServer, ServerDidNotStart  # noqa: E402

TYPES = ["phone_call", "deployment", "airlift", "demining", "casualties", "protest", "meeting"]
QUOTE = "Tổng thống Nga V.Putin đã có cuộc điện đàm với Tổng thống Thổ Nhĩ Kỳ T.Erdogan."
LON, LAT = (38.0, 50.0), (38.0, 44.0)
FIRST, LAST = date(1988, 1, 1), date(2024, 12, 31)

_PYGEOAPI = r"""
import json, sys, time
from pygeoapi.provider.geojson import GeoJSONProvider
path, queries, budget = sys.argv[1], json.loads(sys.argv[2]), float(sys.argv[3])
provider = GeoJSONProvider({"name": "GeoJSON", "type": "feature", "data": path, "id_field": "id"})
times, matched, start = [], [], time.perf_counter()
for bbox, interval in queries:
    t0 = time.perf_counter()
    result = provider.query(bbox=bbox, datetime_=interval, limit=100)
    times.append(time.perf_counter() - t0)
    matched.append(result["numberMatched"])
    if time.perf_counter() - start > budget:
        break
rss = int(next(l.split()[1] for l in open("/proc/self/status") if l.startswith("VmHWM")))
print(json.dumps({"times": times, "matched": matched, "peak_rss_kb": rss}))
"""


def generate(path: Path, n: int, seed: int) -> None:
    """Write ``n`` random point events as a GeoJSON FeatureCollection, streaming."""
    rng = random.Random(seed)
    days = (LAST - FIRST).days
    with path.open("w", encoding="utf-8") as out:
        out.write('{"type": "FeatureCollection", "features": [\n')
        for i in range(n):
            day = FIRST + timedelta(days=rng.randrange(days + 1))
            roll = rng.random()
            text = day.isoformat() if roll < 0.8 else day.isoformat()[: 7 if roll < 0.95 else 4]
            article = f"article-{rng.randrange(500):03d}"
            sentence = rng.randrange(1, 40)
            kind = rng.choice(TYPES)
            feature = {
                "type": "Feature",
                "id": f"ev-{i:07d}",
                "geometry": {
                    "type": "Point",
                    "coordinates": [round(rng.uniform(*LON), 5), round(rng.uniform(*LAT), 5)],
                },
                "properties": {
                    "layer": "events",
                    "name": f"Event {i}",
                    "name_vi": f"Sự kiện {i}",
                    "kind": kind,
                    "event_type": kind,
                    "geo_precision": "approximate",
                    "geometry_source": "generated",
                    "date": text,
                    "date_precision": {10: "day", 7: "month", 4: "year"}[len(text)],
                    "sources": [
                        {
                            "article_id": article,
                            "sentence": sentence,
                            "quote": QUOTE,
                            "url": f"/articles/{article}#s{sentence}",
                        }
                    ],
                },
            }
            out.write(("" if i == 0 else ",\n") + json.dumps(feature, ensure_ascii=False))
        out.write("\n]}\n")


def make_queries(n: int, seed: int) -> list[tuple[list[float], str]]:
    """Return ``n`` seeded (bbox, datetime interval) pairs: 1°×1° boxes, one-year intervals."""
    rng = random.Random(seed + 1)
    queries = []
    for _ in range(n):
        x, y = rng.uniform(LON[0], LON[1] - 1), rng.uniform(LAT[0], LAT[1] - 1)
        start = FIRST + timedelta(days=rng.randrange((LAST - FIRST).days - 365))
        interval = f"{start.isoformat()}/{(start + timedelta(days=365)).isoformat()}"
        queries.append(([round(x, 3), round(y, 3), round(x + 1, 3), round(y + 1, 3)], interval))
    return queries


def url_for(bbox: list[float], interval: str) -> str:
    box = ",".join(str(v) for v in bbox)
    return f"/ogc/collections/events/items?bbox={box}&datetime={quote(interval)}&limit=100"


def peak_rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM"):
            return int(line.split()[1])
    return 0


def bench_server(data: Path, queries: list, timeout: float = 600) -> dict:
    """Serve ``data`` with waitress and time ``queries`` over one keep-alive connection.

    The app reads the data on the first query (``factory=True``), which is timed as the cold one.
    """
    try:
        with LiveServer(data, factory=True) as server:
            conn = http.client.HTTPConnection(HOST, server.port, timeout=timeout)

            def get(url: str) -> dict:
                conn.request("GET", url)
                response = conn.getresponse()
                body = response.read()
                if response.status != 200:
                    raise SystemExit(f"{url}: HTTP {response.status} {body[:300]!r}")
                return json.loads(body)

            t0 = time.perf_counter()
            get(url_for(*queries[0]))
            cold = time.perf_counter() - t0
            times, matched = [], []
            start = time.perf_counter()
            for bbox, interval in queries:
                t0 = time.perf_counter()
                body = get(url_for(bbox, interval))
                times.append(time.perf_counter() - t0)
                matched.append(body["numberMatched"])
            total = time.perf_counter() - start
            conn.close()
            return {
                "cold": cold,
                "times": times,
                "matched": matched,
                "rps": len(queries) / total,
                "peak_rss_kb": peak_rss_kb(server.process.pid),
            }
    except ServerDidNotStart as exc:
        raise SystemExit(str(exc)) from None


def bench_in_process(data: Path, queries: list) -> dict:
    """Time ``FeaturesApi.items`` directly (no HTTP, no Flask)."""
    sys.path.insert(0, str(REPO))
    from mapapp.ogc import FeaturesApi, OgcRequest
    from mapapp.store.layers import Store

    api = FeaturesApi(Store(data))
    t0 = time.perf_counter()
    api.index("events")
    build = time.perf_counter() - t0
    times = []
    for bbox, interval in queries:
        params = (("bbox", ",".join(map(str, bbox))), ("datetime", interval), ("limit", "100"))
        t0 = time.perf_counter()
        api.items(OgcRequest("http://127.0.0.1/ogc", params), "events")
        times.append(time.perf_counter() - t0)
    return {"load_and_index": build, "times": times}


def bench_pygeoapi(path: Path, queries: list, budget: float) -> dict:
    """Time pygeoapi's GeoJSONProvider.query on the same file, in its own process."""
    cmd = [sys.executable, "-c", _PYGEOAPI, str(path), json.dumps(queries), str(budget)]
    result = subprocess.run(cmd, capture_output=True, text=True)
    if result.returncode != 0:
        return {"error": result.stderr.strip().splitlines()[-1] if result.stderr else "failed"}
    return json.loads(result.stdout)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--features", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--pygeoapi-requests", type=int, default=5)
    parser.add_argument("--pygeoapi-budget", type=float, default=300, help="seconds")
    parser.add_argument("--seed", type=int, default=2020)
    parser.add_argument("--json", type=Path, help="also write the raw numbers here")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="mapapp-bench-"))
    try:
        data = tmp / "geodata"
        data.mkdir()
        t0 = time.perf_counter()
        generate(data / "events.geojson", args.features, args.seed)
        size = (data / "events.geojson").stat().st_size
        print(
            f"generated {args.features:,} events ({size / 1e6:.0f} MB) in "
            f"{time.perf_counter() - t0:.1f} s",
            flush=True,
        )
        queries = make_queries(args.requests, args.seed)

        ours = bench_server(data, queries)
        print(
            f"ours over HTTP: cold first query {ours['cold']:.1f} s; median "
            f"{ms(statistics.median(ours['times']))}, p95 "
            f"{ms(statistics.quantiles(ours['times'], n=20)[-1])}, "
            f"{ours['rps']:.0f} requests/s, mean numberMatched "
            f"{statistics.mean(ours['matched']):.0f}, server peak RSS "
            f"{ours['peak_rss_kb'] / 1e6:.2f} GB",
            flush=True,
        )

        inproc = bench_in_process(data, queries)
        print(
            f"ours in-process: load + index {inproc['load_and_index']:.1f} s; median "
            f"{ms(statistics.median(inproc['times']))}",
            flush=True,
        )

        theirs = bench_pygeoapi(
            data / "events.geojson", queries[: args.pygeoapi_requests], args.pygeoapi_budget
        )
        if "error" in theirs:
            print(f"pygeoapi: could not run: {theirs['error']}")
        else:
            median = statistics.median(theirs["times"])
            print(
                f"pygeoapi GeoJSONProvider in-process: {len(theirs['times'])} queries, "
                f"median {ms(median)}, peak RSS {theirs['peak_rss_kb'] / 1e6:.2f} GB; "
                f"ours over HTTP is {median / statistics.median(ours['times']):.0f}x faster, "
                f"in-process {median / statistics.median(inproc['times']):.0f}x"
            )
        if args.json:
            args.json.write_text(
                json.dumps(
                    {
                        "features": args.features,
                        "file_bytes": size,
                        "ours_http": ours,
                        "ours_in_process": inproc,
                        "pygeoapi": theirs,
                    },
                    indent=1,
                )
            )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
