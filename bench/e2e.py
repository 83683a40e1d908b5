"""Throughput of the whole pipeline against the fetch ceiling, on replica portals over loopback.

Three modes, interleaved in each round so that machine noise hits them alike, each crawling the
same replicas into a fresh archive through `govnews crawl`:
  fetch ceiling   extraction and storage switched off (Scrapy fetching and parsing listings only)
  inline          the whole pipeline, extraction on the reactor thread
  pool            the whole pipeline, extraction in a pool of ARCHIVE_EXTRACT_WORKERS processes
  pool, no frontier   the same without the crash-safe frontier, to show what it costs
Pages per second = article and listing pages fetched / the crawl's elapsed time (Scrapy's stat;
both portals crawl concurrently, so the longer one counts). Prints medians and ratios to the
fetch ceiling of the same run.

    .venv/bin/python bench/e2e.py [--articles 300] [--rounds 3] [--workers 2]
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scraper.demo.server import ReplicaServer  # noqa: E402
from scraper.demo.sites import NukeVietSite, load_articles, synthetic_articles  # noqa: E402
from scraper.settings import LOOPBACK_SETTINGS  # noqa: E402


def replicas(count: int) -> list[NukeVietSite]:
    """Return two NukeViet replicas with count articles each."""
    base = load_articles("articles_nukeviet")
    return [
        NukeVietSite(f"bench.portal-{n}", f"Cổng thử {n}", "Cần Thơ", f"Huyện Thử {n}",
                     synthetic_articles(base, count, first_id=10_000 * n))
        for n in (1, 2)
    ]


def crawl_once(registry: Path, settings: dict) -> dict:
    """Crawl into a fresh archive; return pages, elapsed seconds and articles stored."""
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        flags = []
        for name, value in {**LOOPBACK_SETTINGS, "LOG_LEVEL": "WARNING", **settings}.items():
            flags += ["--set", f"{name}={json.dumps(value) if not isinstance(value, str) else value}"]
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "scraper.cli", "crawl", "--all", "--registry", str(registry),
                        "--db", str(db), *flags], cwd=ROOT, check=True, capture_output=True)
        wall = time.perf_counter() - started
        conn = sqlite3.connect(db)
        stats = [json.loads(row[0]) for row in conn.execute("SELECT stats FROM crawl_runs")]
        stored = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        conn.close()
    pages = sum(s.get("response_received_count", 0) for s in stats)
    elapsed = max(s["elapsed_time_seconds"] for s in stats)
    return {"pages": pages, "elapsed": elapsed, "pages_per_s": pages / elapsed, "stored": stored, "wall": wall}


def extraction_cost(sites: list[NukeVietSite]) -> dict[str, float]:
    """Return the median ms per article page of our extraction and of stock trafilatura, same pages."""
    from urllib.parse import parse_qs, urlsplit

    from trafilatura import bare_extraction

    from scraper.extract import extract_article

    pages = []
    for site in sites:
        for expected in site.expected()[:100]:
            parts = urlsplit(expected["url"])
            pages.append((site.handle("GET", parts.path, parse_qs(parts.query)).body, expected["url"]))
    extractors = {
        "govnews extract_article": lambda body, url: extract_article(body, url),
        "stock trafilatura": lambda body, url: bare_extraction(body, url=url, with_metadata=True),
    }
    timings: dict[str, list[float]] = {name: [] for name in extractors}
    for body, url in pages:  # interleaved, page by page
        for name, extract in extractors.items():
            started = time.perf_counter()
            extract(body, url)
            timings[name].append((time.perf_counter() - started) * 1000)
    return {name: statistics.median(values) for name, values in timings.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=300, help="articles per replica portal")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    modes = {
        "fetch ceiling": {"ARCHIVE_EXTRACT_ENABLED": False, "ITEM_PIPELINES": {}},
        "inline": {"ARCHIVE_EXTRACT_WORKERS": 0},
        f"pool of {args.workers}": {"ARCHIVE_EXTRACT_WORKERS": args.workers},
        # what the crash-safe frontier (a transaction per page) costs the pool
        "pool, no frontier": {"ARCHIVE_EXTRACT_WORKERS": args.workers, "ARCHIVE_FRONTIER_ENABLED": False},
    }
    results: dict[str, list[dict]] = {mode: [] for mode in modes}
    sites = replicas(args.articles)
    with ReplicaServer(sites) as server, tempfile.TemporaryDirectory() as tmp:
        registry = server.write_registry(Path(tmp) / "portals.toml")
        for round_number in range(args.rounds):
            for mode, settings in modes.items():
                result = crawl_once(registry, settings)
                results[mode].append(result)
                print(f"round {round_number + 1} {mode:>18}: {result['pages']} pages in {result['elapsed']:.2f} s "
                      f"= {result['pages_per_s']:.1f} pages/s, {result['stored']} stored", flush=True)
    ceiling = statistics.median(r["pages_per_s"] for r in results["fetch ceiling"])
    print(f"\n{2 * args.articles} articles on 2 NukeViet replicas, {args.rounds} rounds, medians:")
    print(f"{'mode':>18} {'pages/s':>9} {'ratio to fetch ceiling':>24}")
    for mode in modes:
        rate = statistics.median(r["pages_per_s"] for r in results[mode])
        print(f"{mode:>18} {rate:>9.1f} {rate / ceiling:>24.3f}")
    costs = extraction_cost(sites)
    print("\nextraction per article page (median ms, same pages, same run):")
    for name, ms in costs.items():
        print(f"{name:>24} {ms:6.1f}")
    print(f"{'ratio':>24} {costs['govnews extract_article'] / costs['stock trafilatura']:6.2f}")


if __name__ == "__main__":
    main()
