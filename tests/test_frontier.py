"""Crash-safe crawls: the frontier lives in the archive; a killed crawl resumes with nothing lost or stored twice (#5).

The kill test crawls three replica portals (GET paging, POST-only paging, __doPostBack paging)
through `govnews crawl`, and kills the whole process group with SIGKILL 20 times at random
moments chosen from the crawl's progress, never from the clock (#16: on a loaded machine a
moment in seconds came after the crawl had finished): a random number of requests after the
start, as the replica portals count them: some within the first 12 (robots.txt, feeds, first
listings), most later (mid-crawl, while pages are in flight and transactions commit).
After each kill the archive must pass `PRAGMA integrity_check`; each next start resumes.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import time
from urllib.parse import urlsplit

import pytest

from scraper.urls import canonical_url
from scrapy import Request
from scrapy.http import FormRequest

from scraper.demo.server import ReplicaServer
from scraper.demo.sites import NukeVietSite, SharePointDatedSite, VnptSite, load_articles, synthetic_articles
from scraper.frontier import is_stale, request_from_record, request_record
from tests.conftest import GOVNEWS, ROOT, article_count, crawl, loopback_flags, rows

KILLS = 20
SEED = 20251107  # printed in the failure message; change it to draw other moments


ARTICLES = 540


def kill_sites():
    """Three portals whose listings page by GET, by POST (VNPT) and by __doPostBack (SharePoint); no text twice."""
    nukeviet_made = synthetic_articles(load_articles("articles_nukeviet"), 420, first_id=60_000)
    return [
        NukeVietSite("test.kill-nukeviet", "Cổng A (bản sao)", "Cần Thơ", "Huyện A", nukeviet_made[:300]),
        VnptSite("test.kill-vnpt", "Cổng B (bản sao)", "Ninh Bình", "Thành phố B", nukeviet_made[300:]),
        SharePointDatedSite("test.kill-spd", "Cổng C (bản sao)", "Thanh Hóa", "Huyện C",
                            synthetic_articles(load_articles("articles_sharepoint"), 120, first_id=62_000)),
    ]


def integrity(db) -> str:
    """Return PRAGMA integrity_check's answer for the archive."""
    conn = sqlite3.connect(db)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


def replica_requests(sites) -> int:
    """Return how many requests the replica portals have answered so far."""
    return sum(len(site.requests) for site in sites)


def kill_at_random_moment(command, env, db, sites, rng) -> tuple[bool, str]:
    """Start a crawl and SIGKILL its process group at a moment drawn from its progress; return (killed, moment).

    Moments are counted in requests the replica portals answered, never in seconds, so that a
    loaded machine draws the same moments: a few requests after the start (robots.txt, feeds,
    first listings), or more (article pages in flight, transactions committing). The replicas
    count in memory; a count of stored articles read from the archive lags behind its commits.
    """
    asked = replica_requests(sites)
    process = subprocess.Popen(command, env=env, cwd=db.parent, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    requests = rng.randint(1, 12) if rng.random() < 0.25 else rng.randint(5, 40)
    moment = f"{requests} requests after the start"
    while process.poll() is None and replica_requests(sites) < asked + requests:
        time.sleep(0.002)
    killed = process.poll() is None
    if killed:
        os.killpg(process.pid, signal.SIGKILL)  # the crawl and its extraction workers, as a crash takes them
    process.wait()
    return killed, moment


def paths(site, urls) -> set[str]:
    """Return the request targets (path and query) of URLs, as the replica logs them."""
    return {urlsplit(url).path + (f"?{urlsplit(url).query}" if urlsplit(url).query else "") for url in urls}


@pytest.fixture(scope="module")
def killed(tmp_path_factory):
    """Kill a replica crawl 20 times, each time starting it again; then let the last start finish."""
    sites = kill_sites()
    folder = tmp_path_factory.mktemp("killed")
    db = folder / "archive.db"
    rng = random.Random(SEED)
    log = []
    with ReplicaServer(sites) as server:
        registry = server.write_registry(folder / "portals.toml")
        command = [*GOVNEWS, "crawl", "--all", "--registry", str(registry), "--db", str(db), *loopback_flags()]
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        refetched = 0
        for _ in range(KILLS):
            stored_before = {r["url"] for r in rows(db, "SELECT url FROM articles")} if db.exists() else set()
            marks = {site.portal_id: len(site.requests) for site in sites}
            was_killed, moment = kill_at_random_moment(command, env, db, sites, rng)
            requested = {site.portal_id: set(site.requests[marks[site.portal_id]:]) for site in sites}
            refetched += sum(
                f"GET {target}" in requested[site.portal_id]
                for site in sites for target in paths(site, stored_before & {site.article_url(a) for a in site.articles})
            )
            log.append({"killed": was_killed, "moment": moment, "integrity": integrity(db),
                        "stored": article_count(db)})
        stored_before_last = article_count(db)
        last = crawl(registry, db)
    return {"sites": sites, "db": db, "log": log, "last": last, "refetched": refetched,
            "stored_before_last": stored_before_last}


def test_every_kill_hit_a_running_crawl(killed):
    assert [entry["killed"] for entry in killed["log"]] == [True] * KILLS, killed["log"]


def test_the_crawl_was_unfinished_when_the_last_start_came(killed):
    assert killed["stored_before_last"] < ARTICLES, killed["log"]


def test_integrity_check_is_ok_after_every_kill(killed):
    assert [entry["integrity"] for entry in killed["log"]] == ["ok"] * KILLS


def test_the_last_start_completes_the_crawl(killed):
    assert killed["last"].returncode == 0, killed["last"].stderr[-3000:]


@pytest.mark.parametrize("index", [0, 1, 2])
def test_no_article_is_lost(killed, index):
    site = killed["sites"][index]
    # by canonical URL: an IIS portal's sidebar links some articles by their lower-cased path
    stored = {r["canonical_url"] for r in rows(killed["db"], "SELECT canonical_url FROM articles WHERE portal_id = ?", [site.portal_id])}
    assert stored == {canonical_url(site.article_url(a)) for a in site.articles}


def test_no_article_is_stored_twice(killed):
    counts = rows(killed["db"], "SELECT count(*) AS n, count(DISTINCT canonical_url) AS distinct_urls,"
                                " count(duplicate_of) AS duplicates FROM articles")[0]
    assert (counts["n"], counts["distinct_urls"], counts["duplicates"]) == (ARTICLES, ARTICLES, 0)


def test_a_stored_article_is_never_fetched_again_by_a_resumed_crawl(killed):
    assert killed["refetched"] == 0


def test_the_last_start_says_it_resumed(killed):
    # the largest portal is still unfinished at the last start; the others may have finished earlier
    resumed = rows(killed["db"], "SELECT resumed_requests FROM crawl_runs WHERE portal_id = 'test.kill-nukeviet'")
    assert len(resumed) == 1 and resumed[0]["resumed_requests"] > 0


def test_a_finished_crawl_leaves_no_frontier(killed):
    assert rows(killed["db"], "SELECT count(*) AS n FROM frontier")[0]["n"] == 0


# --- a crawl stopped by its page budget resumes where it stopped ------------------------------

@pytest.fixture(scope="module")
def budgeted(tmp_path_factory):
    """Crawl a 60-article portal with a 25-page budget, then again without one."""
    site = NukeVietSite("test.budget", "Cổng D (bản sao)", "Cần Thơ", "Huyện D",
                        synthetic_articles(load_articles("articles_nukeviet"), 60, first_id=63_000))
    folder = tmp_path_factory.mktemp("budget")
    db = folder / "archive.db"
    with ReplicaServer([site]) as server:
        registry = server.write_registry(folder / "portals.toml")
        first = crawl(registry, db, ARCHIVE_MAX_PAGES=25)
        pending_after_first = rows(db, "SELECT count(*) AS n FROM frontier WHERE state = 'pending'")[0]["n"]
        stored_after_first = rows(db, "SELECT count(*) AS n FROM articles")[0]["n"]
        second = crawl(registry, db)
        # killed after its last page, before it could say it finished: every row done, none pending
        conn = sqlite3.connect(db)
        with conn:
            conn.execute("INSERT INTO frontier (portal_id, fingerprint, url, method, request, state, added_at)"
                         " VALUES ('test.budget', 'f', 'http://x/', 'GET', '{}', 'done', '2026-01-01T00:00:00+00:00')")
        conn.close()
        after_complete = crawl(registry, db, ARCHIVE_FRONTIER_MAX_AGE_DAYS=100_000)
    return {"db": db, "first": first, "second": second, "pending_after_first": pending_after_first,
            "stored_after_first": stored_after_first, "after_complete": after_complete}


def test_a_budget_stop_leaves_pending_requests(budgeted):
    assert budgeted["stored_after_first"] < 60 and budgeted["pending_after_first"] > 0


def test_the_next_crawl_completes_the_portal(budgeted):
    assert rows(budgeted["db"], "SELECT count(*) AS n FROM articles")[0]["n"] == 60


def test_a_frontier_with_nothing_pending_starts_a_fresh_crawl(budgeted):
    assert (budgeted["after_complete"].returncode, "is complete; 1 frontier rows dropped, starting afresh" in
            budgeted["after_complete"].stderr) == (0, True)


def test_the_budget_stop_is_logged_with_its_pending_requests(budgeted):
    assert "requests pending; the next crawl resumes them" in budgeted["first"].stderr


# --- requests as frontier rows -----------------------------------------------------------------

class _Spider:
    """Stands in for a spider: request_record needs callbacks it can name and find."""

    def parse_listing(self, response):
        return []

    def on_error(self, failure):
        return None


def test_a_post_request_comes_back_with_its_body_headers_and_arguments():
    spider = _Spider()
    request = Request("http://127.0.0.11/DesktopModule/X.aspx/LoadArticle", method="POST", body='{"page": 2, "đ": "Định"}',
                      headers={"Content-Type": "application/json; charset=utf-8"}, callback=spider.parse_listing,
                      errback=spider.on_error, cb_kwargs={"page": 2, "config": {"site_id": "1"}}, priority=-10)
    back = request_from_record(request_record(request, spider), spider)
    assert (back.method, back.body, back.headers["Content-Type"], back.cb_kwargs, back.priority,
            back.callback.__name__, back.errback.__name__) == (
        "POST", '{"page": 2, "đ": "Định"}'.encode(), b"application/json; charset=utf-8",
        {"page": 2, "config": {"site_id": "1"}}, -10, "parse_listing", "on_error")


def test_a_form_postback_comes_back_as_a_form_request():
    spider = _Spider()
    request = FormRequest("http://127.0.0.11/portal/Pages/list.aspx", formdata={"__EVENTTARGET": "ctl00$g", "__EVENTARGUMENT": "Page$2"},
                          callback=spider.parse_listing)
    back = request_from_record(request_record(request, spider), spider)
    assert (type(back), back.body) == (FormRequest, request.body)


def test_an_interrupted_crawl_older_than_the_limit_is_not_resumed():
    from datetime import datetime, timezone

    now = datetime(2026, 11, 22, tzinfo=timezone.utc)
    assert (is_stale("2026-11-14T00:00:00+00:00", 7, now), is_stale("2026-11-16T00:00:00+00:00", 7, now)) == (True, False)


def test_an_article_whose_save_fails_halfway_leaves_nothing_and_its_page_pending(tmp_path):
    # the attachment lacks its URL: saving fails after the article row was written; the whole
    # save must roll back, so the page stays pending and is fetched again (sqlite-utils' insert
    # used to commit the article row on its own)
    from scraper.archive import Archive
    from scraper.fingerprint import content_hash
    from scraper.items import Article
    from scraper.registry import Portal

    archive = Archive(tmp_path / "archive.db")
    archive.upsert_portals([Portal("test.atomic", "Cổng thử", "Cần Thơ", "Huyện Thử", "district", "http://127.0.0.1:9/")])
    archive.db.execute("INSERT INTO frontier (portal_id, fingerprint, url, method, request, state, added_at) "
                       "VALUES ('test.atomic', 'fp1', 'http://127.0.0.1:9/a.html', 'GET', '{}', 'pending', '2026-01-01')")
    archive.db.conn.commit()
    url = "http://127.0.0.1:9/a.html"
    article = Article(portal_id="test.atomic", url=url, canonical_url=url, title="Tiêu đề", text="Nội dung.",
                      content_hash=content_hash("Tiêu đề\nNội dung."), attachments=[{"title": "no url"}], frontier_fp="fp1")
    with pytest.raises(KeyError):
        archive.save(article)
    state = (archive.count("articles"), archive.db.execute("SELECT state FROM frontier").fetchone()[0])
    archive.close()
    assert state == (0, "pending")
