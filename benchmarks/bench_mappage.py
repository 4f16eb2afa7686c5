"""Benchmark the map page: latency of GET / through the production server on loopback.

Run ``.venv/bin/python benchmarks/bench_mappage.py [--data-dir D] [--requests N]``. It starts
``mapapp serve`` (waitress) on a free port and times, from one sequential client:

- a *miss*: a view the server has not rendered yet (each request focuses another feature, so the
  folium map is built and rendered every time);
- a *hit*: the same view again (the rendered map is reused until the data changes).

Prints a Markdown report.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the live-server helper the tests use

from liveserver import LiveServer, ServerDidNotStart  # noqa: E402


def _get(url: str) -> tuple[float, int]:
    start = time.perf_counter()
    with urllib.request.urlopen(url, timeout=60) as response:
        size = len(response.read())
    return (time.perf_counter() - start) * 1000, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=str(ROOT / "geodata"))
    parser.add_argument("--requests", type=int, default=40)
    args = parser.parse_args()
    try:
        with LiveServer(args.data_dir) as server:
            url = server.url
            layers = json.loads(server.get("/api/layers", timeout=60))
            ids = [
                f["id"]
                for layer in layers
                for f in json.loads(server.get(layer["url"], timeout=60))["features"]
            ]
            first, size = _get(url + "/?lang=en")
            misses = [_get(f"{url}/?lang=en&focus={fid}")[0] for fid in ids[: args.requests]]
            hits = [_get(url + "/?lang=en")[0] for _ in range(args.requests)]
    except ServerDidNotStart as exc:
        sys.exit(str(exc))
    print(f"Map page, {len(ids)} features, page {size / 1024:.0f} KiB, waitress on loopback")
    print(f"({platform.python_implementation()} {platform.python_version()}, {platform.machine()})")
    print()
    print("| request | n | median ms | p95 ms |")
    print("|---|---|---|---|")
    print(f"| first request after start | 1 | {first:.1f} | |")
    for name, times in (("miss (a view not rendered yet)", misses), ("hit (same view)", hits)):
        p95 = statistics.quantiles(times, n=20)[-1] if len(times) > 1 else times[0]
        print(f"| {name} | {len(times)} | {statistics.median(times):.1f} | {p95:.1f} |")


if __name__ == "__main__":
    main()
