"""A save that fails loses nothing: the rest of the portal is stored, and the next crawl stores the failed page (#16).

The fault is SQLite's own: a trigger aborts the insert of one article's raw page, after its row,
signature and cluster were written in the same transaction, as a full disk aborts a write. The
transaction rolls back and the article id it took is free again; before #16 the in-memory
near-duplicate index kept that id, and every later new article of the process failed with
"The given key already exists".
"""

from __future__ import annotations

import sqlite3

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
