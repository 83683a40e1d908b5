"""A save that fails loses nothing: the rest of the portal is stored, and the next crawl stores the failed page (#16).

The fault is SQLite's own: a trigger aborts the insert of one article's raw page, after its row,
signature and cluster were written in the same transaction, as a full disk aborts a write. The
transaction rolls back and the article id it took is free again; before #16 the in-memory
near-duplicate index kept that id, and every later new article of the process failed with
"The given key already exists".
"""

from __future__ import annotations

import sqlite3
import time

import pytest

from scraper.archive import Archive
from scraper.demo.server import ReplicaServer
from scraper.demo.sites import NukeVietSite, load_articles, synthetic_articles
from tests.conftest import crawl, rows
from tests.test_frontier import integrity

ARTICLES = 60
FAILING = 17  # the index, newest first, of the article whose save fails: on a later listing page


def fault_site() -> NukeVietSite:
    return NukeVietSite("test.save-fault", "Cổng lỗi ghi (bản sao)", "Cần Thơ", "Huyện Ghi",
                        synthetic_articles(load_articles("articles_nukeviet"), ARTICLES, first_id=70_000))


def fail_saves_of(db, url: str) -> None:
    """Make every save of one article fail inside its transaction, after its row and cluster were written."""
    Archive(db).close()  # the schema, as a first crawl would make it
    conn = sqlite3.connect(db)
    with conn:
        conn.execute(f"CREATE TRIGGER injected_fault BEFORE INSERT ON raw_pages WHEN NEW.url = '{url}'"
                     " BEGIN SELECT RAISE(ABORT, 'injected fault: database or disk is full'); END")
    conn.close()


def heal(db) -> None:
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("DROP TRIGGER injected_fault")
    conn.close()


def recorded_failures(db) -> list[str]:
    """Return the URLs the archive lists as failed saves (none where it keeps no such list)."""
    if not rows(db, "SELECT 1 FROM sqlite_master WHERE name = 'save_failures'"):
        return []
    return [r["url"] for r in rows(db, "SELECT url FROM save_failures")]


def crawl_with_one_failing_save(tmp_path_factory, name: str, **second_settings) -> dict:
    """Crawl a portal while one article's save fails, heal the fault, and crawl again."""
    site = fault_site()
    folder = tmp_path_factory.mktemp(name)
    db = folder / "archive.db"
    with ReplicaServer([site]) as server:
        registry = server.write_registry(folder / "portals.toml")
        failing_url = site.article_url(site.articles[FAILING])
        fail_saves_of(db, failing_url)
        first = crawl(registry, db)
        after_first = {
            "stored": rows(db, "SELECT count(*) AS n FROM articles")[0]["n"],
            "status": rows(db, "SELECT status FROM crawl_runs ORDER BY id DESC LIMIT 1")[0]["status"],
            "pending": [r["url"] for r in rows(db, "SELECT url FROM frontier WHERE state = 'pending'")],
            "failures": recorded_failures(db),
        }
        heal(db)
        second = crawl(registry, db, **second_settings)
    return {"site": site, "db": db, "failing_url": failing_url, "first": first, "second": second, **after_first}


@pytest.fixture(scope="module")
def one_failing_save(tmp_path_factory):
    return crawl_with_one_failing_save(tmp_path_factory, "save-fault")


@pytest.fixture(scope="module")
def one_failing_save_frontier_dropped(tmp_path_factory):
    """The same, with the next crawl starting afresh (its frontier too old to resume): only paging decides."""
    return crawl_with_one_failing_save(tmp_path_factory, "save-fault-fresh", ARCHIVE_FRONTIER_MAX_AGE_DAYS=0)


def test_every_other_article_is_stored_by_the_failing_run(one_failing_save):
    assert one_failing_save["stored"] == ARTICLES - 1


def test_the_failing_run_is_failed(one_failing_save):
    assert one_failing_save["status"] == "failed"


def test_the_failing_crawl_exits_non_zero(one_failing_save):
    assert one_failing_save["first"].returncode == 1


def test_the_failed_page_stays_pending_in_the_frontier(one_failing_save):
    assert one_failing_save["pending"] == [one_failing_save["failing_url"]]


def test_the_failed_save_is_recorded(one_failing_save):
    assert one_failing_save["failures"] == [one_failing_save["failing_url"]]


def test_the_next_crawl_stores_every_article(one_failing_save):
    stored = {r["url"] for r in rows(one_failing_save["db"], "SELECT url FROM articles")}
    assert stored == {one_failing_save["site"].article_url(a) for a in one_failing_save["site"].articles}


def test_the_next_crawl_is_ok(one_failing_save):
    assert one_failing_save["second"].returncode == 0, one_failing_save["second"].stderr[-2000:]


def test_no_article_is_stored_twice(one_failing_save):
    assert rows(one_failing_save["db"], "SELECT count(*) - count(DISTINCT canonical_url) AS n FROM articles")[0]["n"] == 0


def test_the_archive_passes_integrity_check(one_failing_save):
    assert integrity(one_failing_save["db"]) == "ok"


def test_the_recorded_failure_is_gone_once_stored(one_failing_save):
    assert recorded_failures(one_failing_save["db"]) == []


def test_a_fresh_crawl_fetches_the_failed_page_though_paging_stops_before_it(one_failing_save_frontier_dropped):
    stored = {r["url"] for r in rows(one_failing_save_frontier_dropped["db"], "SELECT url FROM articles")}
    assert one_failing_save_frontier_dropped["failing_url"] in stored


def test_a_fresh_crawl_stores_every_article(one_failing_save_frontier_dropped):
    assert rows(one_failing_save_frontier_dropped["db"], "SELECT count(*) AS n FROM articles")[0]["n"] == ARTICLES


# --- the same through `govnews ingest`, the writer of a scale-out crawl --------------------------

@pytest.fixture(scope="module")
def one_failing_save_ingested(tmp_path_factory):
    """A worker crawls while one save fails in the writer; after healing, a second fleet run (a new Redis
    database: nothing of the first run's claims) must store the failed article too."""
    from scraper.demo.fleet import RedisServer, loopback_flags, run_fleet

    site = fault_site()
    folder = tmp_path_factory.mktemp("save-fault-ingest")
    db = folder / "archive.db"
    with RedisServer() as redis_server, ReplicaServer([site]) as server:
        registry = server.write_registry(folder / "portals.toml")
        failing_url = site.article_url(site.articles[FAILING])
        fail_saves_of(db, failing_url)
        first = run_fleet(registry, db, redis_server.url(2), 1, loopback_flags())
        after_first = rows(db, "SELECT count(*) AS n FROM articles")[0]["n"]
        failures = recorded_failures(db)
        heal(db)
        second = run_fleet(registry, db, redis_server.url(3), 1, loopback_flags())
    return {"site": site, "db": db, "failing_url": failing_url, "first": first, "second": second,
            "stored_first": after_first, "failures": failures}


def test_the_writer_stores_every_other_article(one_failing_save_ingested):
    assert one_failing_save_ingested["stored_first"] == ARTICLES - 1


def test_the_writer_records_the_failed_save(one_failing_save_ingested):
    assert one_failing_save_ingested["failures"] == [one_failing_save_ingested["failing_url"]]


def test_the_next_scale_out_crawl_stores_every_article(one_failing_save_ingested):
    stored = {r["url"] for r in rows(one_failing_save_ingested["db"], "SELECT url FROM articles")}
    assert stored == {one_failing_save_ingested["site"].article_url(a) for a in one_failing_save_ingested["site"].articles}


# --- a real full disk, for a moment -------------------------------------------------------------

DISK_FULL_ARTICLES = 400


@pytest.fixture(scope="module")
def disk_full_for_a_moment(tmp_path_factory):
    """Crawl a 400-article portal; once 50 are stored, the crawl's files may not grow (RLIMIT_FSIZE, as a full
    disk: every write that extends a file fails) until SQLite has refused a write; then crawl again."""
    import os
    import resource
    import signal
    import subprocess
    import threading

    from tests.conftest import GOVNEWS, ROOT, article_count, loopback_flags

    site = NukeVietSite("test.disk-full", "Cổng đĩa đầy (bản sao)", "Cần Thơ", "Huyện Đầy",
                        synthetic_articles(load_articles("articles_nukeviet"), DISK_FULL_ARTICLES, first_id=80_000))
    folder = tmp_path_factory.mktemp("disk-full")
    db = folder / "archive.db"
    with ReplicaServer([site]) as server:
        registry = server.write_registry(folder / "portals.toml")
        # SIGXFSZ ignored: a write past the limit fails with EFBIG, as on a full disk, instead of killing
        first = subprocess.Popen([*GOVNEWS, "crawl", "--all", "--registry", str(registry), "--db", str(db),
                                  *loopback_flags()], cwd=folder, env={**os.environ, "PYTHONPATH": str(ROOT)},
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                 preexec_fn=lambda: signal.signal(signal.SIGXFSZ, signal.SIG_IGN))
        log: list[str] = []
        threading.Thread(target=lambda: log.extend(first.stderr), daemon=True).start()
        while first.poll() is None and article_count(db) < 50:
            time.sleep(0.01)
        full = first.poll() is None
        if full:
            resource.prlimit(first.pid, resource.RLIMIT_FSIZE, (1, resource.RLIM_INFINITY))
        while first.poll() is None and not any("disk I/O error" in line or "disk is full" in line for line in log):
            time.sleep(0.01)
        if first.poll() is None:  # the disk has room again
            resource.prlimit(first.pid, resource.RLIMIT_FSIZE, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
        first.communicate(timeout=240)
        runs_first = [tuple(r) for r in rows(db, "SELECT status, error_summary FROM crawl_runs")]
        second = crawl(registry, db)
    return {"site": site, "db": db, "full": full, "first": first, "runs_first": runs_first, "second": second}


def test_the_disk_filled_while_the_crawl_ran(disk_full_for_a_moment):
    assert disk_full_for_a_moment["full"] is True


def test_the_run_during_the_full_disk_is_failed_with_its_store_errors(disk_full_for_a_moment):
    # the first write refused is an article's (store) or, as often on a loaded machine, the frontier's
    # (the links of a listing page): either way the run says which
    status, errors = disk_full_for_a_moment["runs_first"][0]
    assert (status, errors.startswith(("store: ", "exception_OperationalError: "))) == ("failed", True), \
        disk_full_for_a_moment["runs_first"]


def test_after_the_next_crawl_every_article_is_stored_once(disk_full_for_a_moment):
    counts = rows(disk_full_for_a_moment["db"], "SELECT count(*) AS n, count(DISTINCT canonical_url) AS urls FROM articles")[0]
    assert (counts["n"], counts["urls"]) == (DISK_FULL_ARTICLES, DISK_FULL_ARTICLES)


def test_after_the_full_disk_the_archive_passes_integrity_check(disk_full_for_a_moment):
    assert integrity(disk_full_for_a_moment["db"]) == "ok"
