"""Wall time of a scale-out crawl: 1 worker against N workers on one Redis, same replicas, same run.

    .venv/bin/python bench/scaleout.py [--workers 1,3] [--repeat 3] [--latency 0.4]

The seven family replicas answer each page after --latency seconds (a slow real portal); every
worker crawls one request at a time per portal, 0.1 s apart (the server gate holds the spacing
across workers). Each repetition crawls afresh (new archive, empty Redis database) with each
worker count in turn, so the counts share the machine's state; the medians and their ratio
against one worker are printed, and every run's article count is checked (119, each once).
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import sys
import tempfile
from pathlib import Path

import redis

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scraper.demo.fleet import RedisServer, loopback_flags, run_fleet  # noqa: E402
from scraper.demo.server import ReplicaServer  # noqa: E402
from scraper.demo.sites import family_sites  # noqa: E402

EXPECTED_ARTICLES = 119


def one_run(server: ReplicaServer, redis_url: str, workers: int, folder: Path) -> float:
    """Crawl the replicas afresh with `workers` workers; return their wall time (s)."""
    redis.Redis.from_url(redis_url).flushdb()
    for site in server.sites:
        site.requests.clear()
    registry = server.write_registry(folder / "portals.toml")
    run = run_fleet(registry, folder / "archive.db", redis_url, workers, loopback_flags(CONCURRENT_REQUESTS_PER_DOMAIN=1, DOWNLOAD_DELAY=0.1))
    failed = [r.stderr[-800:] for r in (run.writer, *run.workers) if r.returncode]
    conn = sqlite3.connect(folder / "archive.db")
    stored = conn.execute("SELECT count(*), count(DISTINCT canonical_url) FROM articles").fetchone()
    conn.close()
    if failed or stored != (EXPECTED_ARTICLES, EXPECTED_ARTICLES):
        raise SystemExit(f"{workers} workers: stored {stored}, failures: {failed}")
    return run.seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", default="1,3", help="worker counts, comma-separated; the first is the baseline")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--latency", type=float, default=0.4, help="seconds each replica page takes")
    args = parser.parse_args()
    counts = [int(n) for n in args.workers.split(",")]
    sites = family_sites()
    for site in sites:
        site.latency = args.latency
    times: dict[int, list[float]] = {n: [] for n in counts}
    with RedisServer() as redis_server, ReplicaServer(sites) as server:
        for repeat in range(args.repeat):
            for n in counts:
                with tempfile.TemporaryDirectory() as folder:
                    times[n].append(one_run(server, redis_server.url(), n, Path(folder)))
                print(f"run {repeat + 1}: {n} worker(s) {times[n][-1]:.1f} s", flush=True)
    base = statistics.median(times[counts[0]])
    print(f"\n| workers | median wall time (s) | runs | ratio to {counts[0]} |\n| ---: | ---: | --- | ---: |")
    for n in counts:
        median = statistics.median(times[n])
        print(f"| {n} | {median:.1f} | {', '.join(f'{t:.1f}' for t in times[n])} | {median / base:.2f} |")


if __name__ == "__main__":
    main()
