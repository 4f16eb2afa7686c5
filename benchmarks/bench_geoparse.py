"""Benchmark the geoparser: gazetteer start-up time and memory, parse throughput on one core.

Run ``.venv/bin/python benchmarks/bench_geoparse.py [--articles N] [--runs R]``. Start-up is
measured in fresh interpreters (import + ``Lexicons.load()``), so nothing is cached between
runs; throughput runs ``parse_article`` over generated Vietnamese articles of about 4 KB in this
single process (one core). Prints a Markdown report.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from mapapp.geoparse import Lexicons, parse_article  # noqa: E402
from mapapp.sources.articles import parse_article as read_text  # noqa: E402
from mapapp.store import DataDir, bundled_data_dir  # noqa: E402

_STARTUP = """
import json, resource, sys, time, tracemalloc
sys.path.insert(0, {root!r})
tracemalloc.start()
t0 = time.perf_counter()
from mapapp.geoparse import Lexicons
from mapapp.store import DataDir, bundled_data_dir
gaz = Lexicons.load(DataDir(bundled_data_dir())).gazetteer
elapsed = time.perf_counter() - t0
current, peak = tracemalloc.get_traced_memory()
tracemalloc.stop()
t1 = time.perf_counter()
Lexicons.load(DataDir(bundled_data_dir()))
untraced = time.perf_counter() - t1
print(json.dumps({{"seconds_traced": elapsed, "seconds": untraced, "peak_mb": peak / 1e6,
                  "kept_mb": current / 1e6,
                  "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "entities": len(gaz), "names": gaz.name_count}}))
"""
_COLD = """
import sys, time
sys.path.insert(0, {root!r})
t0, c0 = time.perf_counter(), time.process_time()
from mapapp.geoparse import Lexicons
from mapapp.store import DataDir, bundled_data_dir
Lexicons.load(DataDir(bundled_data_dir()))
print(time.perf_counter() - t0, time.process_time() - c0)
"""

# What a command pays (``mapapp ingest``, ``mapapp parse``): the gazetteer read back from the
# cache beside the index, built by an earlier command.
_CACHED = """
import sys, time
sys.path.insert(0, {root!r})
t0, c0 = time.perf_counter(), time.process_time()
from pathlib import Path
from mapapp.geoparse import Lexicons
from mapapp.store import DataDir, bundled_data_dir
from mapapp.store.cache import FileCache
Lexicons.load(DataDir(bundled_data_dir()), cache=FileCache(Path({folder!r}), "gazetteer"))
print(time.perf_counter() - t0, time.process_time() - c0)
"""

_SENTENCES = (
    "Ngày {day}/{month}, Tổng thống {country} đã có cuộc điện đàm với Thủ tướng {country2} "
    "về tình hình tại {region}.",
    "Theo Bộ Quốc phòng {country}, {num} binh sĩ và {num2} xe bọc thép đã được triển khai "
    "tới {city} trong {small} ngày qua.",
    "Trong các ngày {day} và {day_next}/{month}, phái đoàn {country} đã tới {city} và {city2} "
    "để thảo luận về viện trợ nhân đạo.",
    "Hơn {big} người đã phải sơ tán khỏi khu vực quanh {city}, trong khi gần {num} người "
    "bị thương trong các cuộc pháo kích.",
    "Lực lượng gìn giữ hòa bình đã rà phá {small} km đường nối {city} với {city2}.",
    "Từ tháng {month}/{year} tới tháng {month2}/{year2}, giao tranh giữa {country} và "
    "{country2} khiến hàng nghìn người thiệt mạng.",
    "Ông {person} cho biết, {num} chuyến bay chở hàng cứu trợ sẽ được thực hiện từ {city} "
    "tới {region}.",
    "Bất chấp thỏa thuận ngừng bắn đạt được năm {year}, xung đột vẫn xảy ra ở {region}.",
    "Người phát ngôn Điện Kremlin cho biết {country} và {country2} sẽ tiếp tục hợp tác "
    "trong cuộc chiến chống đại dịch Covid-19.",
    "Chị {vn_name} ở {vn_city} cho biết gia đình chị đã theo dõi tin tức về {region} suốt "
    "{small} tuần qua.",
    "Hãng thông tấn {country} dẫn lời một quan chức cho biết {num} tấn hàng đã được chuyển "
    "tới {city} bằng {small} máy bay vận tải An-124.",
    "Các nhà lãnh đạo nhất trí tổ chức cuộc gặp tiếp theo tại {city} trước ngày {day}/{month}.",
)
_PEOPLE = ("Sergei Lavrov", "Dmitry Peskov", "Rustam Muradov", "Mevlut Cavusoglu")
_VN_NAMES = ("Nguyễn Thúy Nga", "Trần Minh Đức", "Lê Thu Hà", "Phạm Anh Tuấn")


def _article(index: int, rng: random.Random, names: dict[str, list[str]]) -> str:
    """Return the text of one generated article of about 4 KB."""
    published = dt.date(2020, 1, 1) + dt.timedelta(days=rng.randrange(700))
    paragraphs, sentences, size = [], [], 0
    while size < 4000:
        template = rng.choice(_SENTENCES)
        day = rng.randrange(1, 28)
        sentence = template.format(
            day=day,
            day_next=day + 1,
            month=rng.randrange(1, 13),
            month2=rng.randrange(1, 13),
            year=rng.randrange(1988, 2020),
            year2=rng.randrange(1990, 2021),
            num=f"{rng.randrange(20, 999)}",
            num2=rng.randrange(5, 99),
            big=f"{rng.randrange(1, 99)}.{rng.randrange(100, 999)}",
            small=rng.randrange(2, 12),
            country=rng.choice(names["country"]),
            country2=rng.choice(names["country"]),
            city=rng.choice(names["city"]),
            city2=rng.choice(names["city"]),
            region=rng.choice(names["region"]),
            person=rng.choice(_PEOPLE),
            vn_name=rng.choice(_VN_NAMES),
            vn_city=rng.choice(names["vn_city"]),
        )
        sentences.append(sentence)
        size += len(sentence.encode("utf-8")) + 1
        if len(sentences) == 3:
            paragraphs.append(" ".join(sentences))
            sentences = []
    paragraphs.append(" ".join(sentences) or "Hết./.")
    body = "\n\n".join(paragraphs)
    return (
        f"---\nid: bench-{index:04d}\ntitle: Bài thử {index}\nsource: benchmark\n"
        f"published: {published.isoformat()}\nlanguage: vi\n---\n{body}\n"
    )


def _names(gaz) -> dict[str, list[str]]:
    """Place names to fill the templates with: curated Vietnamese forms and GeoNames cities."""
    names: dict[str, list[str]] = {"country": [], "city": [], "region": [], "vn_city": []}
    for entity in gaz:
        label = entity.name_vi or entity.name
        if entity.kind == "country" and entity.name_vi:
            names["country"].append(label)
        elif entity.kind in ("capital", "city") and (entity.population or 0) > 500_000:
            (names["vn_city"] if entity.country == "VN" else names["city"]).append(label)
        elif entity.kind in ("region", "corridor", "district"):
            names["region"].append(label)
    return {kind: sorted(values) for kind, values in names.items()}


def startup(runs: int) -> dict:
    """Measure start-up in fresh interpreters; return medians and the last run's details."""
    script = _STARTUP.format(root=str(ROOT))
    details = [
        json.loads(subprocess.check_output([sys.executable, "-c", script], text=True))
        for _ in range(runs)
    ]
    cold = [
        [
            float(x)
            for x in subprocess.check_output(
                [sys.executable, "-c", _COLD.format(root=str(ROOT))]
            ).split()
        ]
        for _ in range(runs)
    ]
    with tempfile.TemporaryDirectory() as folder:
        script = _CACHED.format(root=str(ROOT), folder=folder)
        subprocess.check_output([sys.executable, "-c", script])  # builds the cache
        cached = [
            [float(x) for x in subprocess.check_output([sys.executable, "-c", script]).split()]
            for _ in range(runs)
        ]
    result = dict(details[-1])
    result["cached_seconds"] = statistics.median(wall for wall, _ in cached)
    result["cached_seconds_max"] = max(wall for wall, _ in cached)
    result["cold_seconds"] = statistics.median(wall for wall, _ in cold)
    result["cold_seconds_max"] = max(wall for wall, _ in cold)
    result["cold_cpu_seconds"] = statistics.median(cpu for _, cpu in cold)
    result["seconds"] = statistics.median(d["seconds"] for d in details)
    result["peak_mb"] = statistics.median(d["peak_mb"] for d in details)
    result["max_rss_mb"] = statistics.median(d["max_rss_mb"] for d in details)
    return result


def throughput(count: int) -> dict:
    """Parse ``count`` generated articles in this process; return the rate and sizes."""
    lexicons = Lexicons.load(DataDir(bundled_data_dir()))
    gaz = lexicons.gazetteer
    rng = random.Random(20201125)
    names = _names(gaz)
    articles = [read_text(_article(i, rng, names), f"bench-{i}.md") for i in range(count)]
    for article in articles[:20]:  # warm the caches (actor list, syllable cache)
        parse_article(article, lexicons)
    started, cpu_started = time.perf_counter(), time.process_time()
    mentions = events = 0
    for article in articles:
        result = parse_article(article, lexicons)
        mentions += len(result.mentions)
        events += len(result.events)
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    size = sum(len(a.body.encode("utf-8")) for a in articles)
    return {
        "articles": count,
        "seconds": elapsed,
        "per_second": count / elapsed,
        "per_cpu_second": count / cpu,
        "mean_kb": size / count / 1024,
        "kb_per_second": size / 1024 / elapsed,
        "mentions": mentions,
        "events": events,
    }


def main(argv: list[str] | None = None) -> int:
    """Run both benchmarks and print a Markdown report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=600, help="articles to parse (600)")
    parser.add_argument("--runs", type=int, default=3, help="fresh start-ups to time (3)")
    args = parser.parse_args(argv)
    start = startup(args.runs)
    speed = throughput(args.articles)
    cpus = os.cpu_count()
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"Machine: {platform.machine()}, {cpus} cores, Python {platform.python_version()}")
    print(f"Load average when done (1, 5, 15 min): {load}")
    print()
    print("| measure | value | target |")
    print("|---|---|---|")
    print(
        f"| start-up, import + `Lexicons.load()` building the gazetteer, fresh process (median of "
        f"{args.runs}) "
        f"| {start['cold_seconds']:.2f} s wall (max {start['cold_seconds_max']:.2f} s), "
        f"{start['cold_cpu_seconds']:.2f} s CPU | < 2 s |"
    )
    print(
        f"| start-up of a command, import + `Lexicons.load()` from the built gazetteer's cache, "
        f"fresh process (median of {args.runs}) | {start['cached_seconds']:.2f} s wall (max "
        f"{start['cached_seconds_max']:.2f} s) | < 2 s |"
    )
    print(f"| `Lexicons.load()` again in a warm process | {start['seconds']:.2f} s | |")
    print(f"| peak traced memory during load (tracemalloc) | {start['peak_mb']:.0f} MB | |")
    print(f"| memory kept by the gazetteer (tracemalloc) | {start['kept_mb']:.0f} MB | |")
    print(f"| peak RSS of the process | {start['max_rss_mb']:.0f} MB | |")
    print(f"| entities / distinct names | {start['entities']} / {start['names']} | |")
    print(
        f"| parse throughput, {speed['articles']} articles of {speed['mean_kb']:.1f} KB, one core "
        f"| {speed['per_second']:.0f} articles/s wall ({speed['kb_per_second']:.0f} KB/s), "
        f"{speed['per_cpu_second']:.0f} articles per CPU second | ≥ 200 articles/s |"
    )
    print(f"| found while parsing | {speed['mentions']} places, {speed['events']} events | |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
