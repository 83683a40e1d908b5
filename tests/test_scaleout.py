"""Scale-out on scrapy-redis: workers share each portal's queue and duplicate filter in a real
redis-server; one `govnews ingest` writes the archive. Counts come from the replicas' own logs."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import time
from collections import Counter

import pytest
import redis

from scraper.demo.fleet import RedisServer, run_fleet
from scraper.demo.server import ReplicaServer
from scraper.demo.sites import NukeVietSite, family_sites, load_articles
from scraper.urls import canonical_url
from tests.conftest import GOVNEWS, ROOT, loopback_flags, rows, run_govnews
from tests.test_politeness import DELAY, peak_rate

LATENCY = 0.4  # seconds each replica page takes, as a slow real portal
# One request at a time per portal and worker, 0.1 s apart: the work a worker can share is the waiting.
FLAGS = loopback_flags(CONCURRENT_REQUESTS_PER_DOMAIN=1, DOWNLOAD_DELAY=0.1)
ROBOTS = "GET /robots.txt"


def request_counts(sites) -> dict[str, Counter]:
    """Return each replica's requests by method and canonical URL (session ids and view state dropped: one page)."""
    counts = {}
    for site in sites:
        keys = []
        for request in site.requests:
            method, target = request.split(" ", 1)
            keys.append(request if target == "/robots.txt" else f"{method} {canonical_url(site.base_url + target)}")
        counts[site.portal_id] = Counter(keys)
    return counts


@pytest.fixture(scope="module")
def redis_server():
    with RedisServer() as server:
        yield server


@pytest.fixture(scope="module")
def fleets(redis_server, tmp_path_factory):
    """The seven family replicas crawled by one worker, then afresh by three (Redis databases 0 and 1)."""
    sites = family_sites()
    for site in sites:
        site.latency = LATENCY
    runs = {}
    with ReplicaServer(sites) as server:
        for workers, database in ((1, 0), (3, 1)):
            folder = tmp_path_factory.mktemp(f"fleet{workers}")
            registry = server.write_registry(folder / "portals.toml")
            for site in sites:
                site.requests.clear()
            run = run_fleet(registry, folder / "archive.db", redis_server.url(database), workers, FLAGS)
            runs[workers] = {"run": run, "db": folder / "archive.db", "requests": request_counts(sites)}
    runs["expected"] = {site.portal_id: len(site.articles) for site in sites}
    return runs


def worker_pages(output: str) -> int:
    return int(re.search(r"; (\d+) pages,", output).group(1))


def test_every_process_exits_zero(fleets):
    codes = [r.returncode for n in (1, 3) for r in (fleets[n]["run"].writer, *fleets[n]["run"].workers)]
    assert codes == [0, 0, 0, 0, 0, 0], [r.stderr[-1500:] for n in (1, 3) for r in fleets[n]["run"].workers]


def test_three_workers_store_every_article_once(fleets):
    counts = rows(fleets[3]["db"], "SELECT count(*), count(DISTINCT canonical_url) FROM articles")[0]
    assert tuple(counts) == (119, 119)


def test_three_workers_store_each_portals_articles(fleets):
    stored = dict(rows(fleets[3]["db"], "SELECT portal_id, count(*) FROM articles GROUP BY portal_id"))
    assert stored == fleets["expected"]


def test_three_workers_store_the_same_articles_as_one(fleets):
    urls = [{r[0] for r in rows(fleets[n]["db"], "SELECT canonical_url FROM articles")} for n in (1, 3)]
    assert urls[0] == urls[1]


def test_no_article_page_is_fetched_twice(fleets):
    articles = {f"GET {r[0]}" for r in rows(fleets[3]["db"], "SELECT canonical_url FROM articles")}
    fetched = Counter({request: n for counts in fleets[3]["requests"].values() for request, n in counts.items()
                       if request in articles})
    assert (len(fetched), max(fetched.values())) == (119, 1)


def test_three_workers_fetch_no_page_more_often_than_one(fleets):
    """Every request is made as often as by one worker: once, or twice for the home page of an `auto`
    portal (detection, then the crawl's home page)."""
    more = {f"{pid}: {request} ×{n}" for pid, counts in fleets[3]["requests"].items() for request, n in counts.items()
            if n > fleets[1]["requests"][pid][request]}
    assert more == set()


def test_three_workers_fetch_as_many_pages_as_one(fleets):
    pages = {n: sum(c.total() for c in fleets[n]["requests"].values()) for n in (1, 3)}
    # 199 in the replicas' logs for one worker: the crawls (home pages, every category's first page,
    # sitemaps and feeds since #17), redirects, a robots.txt and a detection per portal
    assert (pages[3], pages[1]) == (199, 199)


def test_three_workers_read_each_portals_robots_txt_once(fleets):
    assert {pid: counts[ROBOTS] for pid, counts in fleets[3]["requests"].items()} == dict.fromkeys(fleets["expected"], 1)


def test_each_of_the_three_workers_shares_the_work(fleets):
    pages = [worker_pages(worker.stdout) for worker in fleets[3]["run"].workers]
    assert min(pages) >= 20, pages  # of 167: no worker idles while another crawls


def test_the_writer_merges_the_workers_into_one_run_row_per_portal(fleets):
    runs = rows(fleets[3]["db"], "SELECT portal_id, status, articles_new FROM crawl_runs ORDER BY portal_id")
    assert {r[0]: (r[1], r[2]) for r in runs} == {pid: ("ok", n) for pid, n in fleets["expected"].items()}


def test_the_run_row_counts_the_pages_of_every_worker(fleets):
    fetched = rows(fleets[3]["db"], "SELECT sum(pages_fetched) FROM crawl_runs")[0][0]
    assert fetched == sum(worker_pages(worker.stdout) for worker in fleets[3]["run"].workers)


def test_the_writer_prints_one_summary_line(fleets):
    assert fleets[3]["run"].writer.stdout.splitlines() == [
        re.search(r"ingest: 119 items; 119 new, 0 changed, 0 unchanged, 0 gone; 7 portal runs recorded; "
                  r"0 messages refused; \d+ s", fleets[3]["run"].writer.stdout).group(0)]


def test_a_worker_prints_a_summary_line(fleets):
    last = fleets[3]["run"].workers[0].stdout.splitlines()[-1]
    assert re.fullmatch(r"crawl worker \S+: 7 portals, 7 ok, 0 failed; \d+ pages, \d+ items sent to the writer, "
                        r"0 errors; \d+ s", last), last


def test_a_worker_without_a_writer_says_so_and_exits_2(redis_server, tmp_path):
    url = redis_server.url(5)
    registry = tmp_path / "portals.toml"
    registry.write_text('[[portal]]\nid = "x.y"\nname = "X"\nprovince = "P"\nunit = "U"\nlevel = "district"\n'
                        'base_url = "http://127.0.0.9:9/"\nfamily = "nukeviet"\n', encoding="utf-8")
    result = run_govnews("crawl", "--all", "--redis", url, "--registry", str(registry), cwd=tmp_path)
    assert (result.returncode, result.stderr.strip().splitlines()[-1]) == (
        2, f"Error: no writer on {url}: start `govnews ingest --redis {url}` first (it publishes what the archive holds)")


def test_a_worker_that_cannot_reach_redis_says_so_and_exits_2(tmp_path):
    result = run_govnews("crawl", "--all", "--redis", "redis://127.0.0.1:9/0", cwd=tmp_path)
    assert (result.returncode, result.stderr.strip().splitlines()[-1].startswith(
        "Error: cannot reach Redis at redis://127.0.0.1:9/0: ")) == (2, True)


def test_the_writer_keeps_a_message_it_cannot_store_and_goes_on(redis_server, tmp_path):
    url = redis_server.url(6)
    server = redis.Redis.from_url(url)
    server.rpush("govnews:items", b"{not json", json.dumps({"kind": "portal", "portal": {
        "id": "x.y", "name": "Xã Ý", "province": "P", "unit": "U", "level": "commune", "base_url": "http://x.invalid/",
        "family": "auto", "status": "active", "successor": ""}}))
    result = run_govnews("ingest", "--redis", url, "--db", str(tmp_path / "archive.db"), "--until-idle", "1",
                         cwd=tmp_path)
    kept = server.lrange("govnews:refused", 0, -1)
    portals = [r[0] for r in rows(tmp_path / "archive.db", "SELECT name FROM portals")]
    assert (result.returncode, kept, portals) == (0, [b"{not json"], ["Xã Ý"])


@pytest.fixture(scope="module")
def polite_fleet(redis_server, tmp_path_factory):
    """Three workers on one fast NukeViet replica with a 0.25 s delay: only the server gate spaces them."""
    folder = tmp_path_factory.mktemp("polite-fleet")
    site = NukeVietSite("test.polite", "Huyện (bản sao)", "Cần Thơ", "Huyện Thử", load_articles("articles_nukeviet"))
    with ReplicaServer([site]) as server:
        registry = server.write_registry(folder / "portals.toml")
        run = run_fleet(registry, folder / "archive.db", redis_server.url(2), 3,
                        loopback_flags(CONCURRENT_REQUESTS_PER_DOMAIN=1, DOWNLOAD_DELAY=DELAY))
    return {"run": run, "site": site, "db": folder / "archive.db"}


def test_three_workers_hold_one_servers_rate_together(polite_fleet):
    site = polite_fleet["site"]
    pages = [worker_pages(worker.stdout) for worker in polite_fleet["run"].workers]
    # 10 %: arrival times at the server jitter around the workers' send times (tests/test_politeness.py)
    assert (len(site.request_times) > 20, min(pages) > 0, peak_rate(site.request_times) <= 1 / DELAY * 1.1) == (
        True, True, True), (pages, peak_rate(site.request_times))


def test_three_workers_store_the_polite_portals_articles_once(polite_fleet):
    assert tuple(rows(polite_fleet["db"], "SELECT count(*), count(DISTINCT canonical_url) FROM articles")[0]) == (18, 18)


def test_the_writer_stops_on_sigterm_with_its_summary(redis_server, tmp_path):
    url = redis_server.url(7)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    writer = subprocess.Popen([*GOVNEWS, "ingest", "--redis", url, "--db", str(tmp_path / "archive.db")], cwd=tmp_path,
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    server = redis.Redis.from_url(url)
    deadline = time.monotonic() + 60
    while not server.exists("govnews:ready") and time.monotonic() < deadline:
        time.sleep(0.05)
    writer.send_signal(signal.SIGTERM)
    out, err = writer.communicate(timeout=30)
    assert (writer.returncode, re.fullmatch(r"ingest: 0 items; 0 new, 0 changed, 0 unchanged, 0 gone; 0 portal runs "
                                            r"recorded; 0 messages refused; \d+ s\n", out) is not None) == (0, True), err
