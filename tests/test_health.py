"""`govnews report` and the portal_health view: a portal that broke, emptied or went quiet is flagged; a healthy one is not."""

from __future__ import annotations

import shutil
import sqlite3

import pytest

from scraper.demo.server import ReplicaServer
from scraper.demo.sites import demo_sites
from tests.conftest import crawl, get_json, report, run_govnews, served

BROKEN, HEALTHY = "demo.vinh-thanh", "demo.dinh-quan"



@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Three crawls of two replicas: both healthy; one answering 500 to everything; the same one with an empty listing."""
    folder = tmp_path_factory.mktemp("health")
    sites = demo_sites()
    with ReplicaServer(sites) as server:
        registry = server.write_registry(folder / "portals.toml")
        db = folder / "archive.db"
        broken = next(site for site in sites if site.portal_id == BROKEN)
        outcome = {"healthy": (crawl(registry, db).returncode, report(db))}
        broken.failing = 500
        outcome["500s"] = (crawl(registry, db).returncode, report(db), report(db, "--fail-on-alert")[0])
        broken.failing = 0
        broken.articles = []  # the news module answers, and lists nothing
        outcome["empty"] = (crawl(registry, db).returncode, report(db), report(db, "--fail-on-alert")[0])
    outcome["db"] = db
    return outcome


def test_healthy_portals_have_no_alert(runs):
    code, (report_code, rows) = runs["healthy"]
    assert (code, report_code, {pid: row["alert"] for pid, row in rows.items()}) == (0, 0, {BROKEN: "", HEALTHY: ""})


def test_a_portal_answering_500_is_flagged_broken(runs):
    _, (_, rows), _ = runs["500s"]
    assert rows[BROKEN]["alert"].startswith("broken: ")


def test_the_healthy_portal_is_not_flagged_beside_a_broken_one(runs):
    _, (_, rows), _ = runs["500s"]
    assert rows[HEALTHY]["alert"] == ""


def test_the_crawl_and_fail_on_alert_exit_1_when_a_portal_broke(runs):
    crawl_code, (report_code, _), fail_code = runs["500s"]
    assert (crawl_code, report_code, fail_code) == (1, 0, 1)


def test_an_empty_listing_is_flagged_against_the_portals_baseline(runs):
    _, (_, rows), _ = runs["empty"]
    assert rows[BROKEN]["alert"] == "empty: no article found (no_articles: 10; earlier runs found 18.0 a run)"


def test_an_empty_listing_fails_the_run(runs):
    _, (_, rows), _ = runs["empty"]
    assert (rows[BROKEN]["last_run_status"], rows[BROKEN]["last_run_errors"]) == ("failed", "no_articles: 10")


def test_the_empty_listing_baseline_is_the_first_runs_articles(runs):
    _, (_, rows), _ = runs["empty"]
    assert (rows[BROKEN]["baseline_found_per_run"], rows[BROKEN]["baseline_runs"], rows[BROKEN]["last_run_found"]) == (18.0, 1, 0)


def test_an_empty_listing_still_leaves_the_healthy_portal_alone(runs):
    code, (_, rows), fail_code = runs["empty"]
    assert (code, rows[HEALTHY]["alert"], fail_code) == (1, "", 1)


def test_a_portal_with_no_new_article_in_28_days_is_quiet(runs, tmp_path):
    db = tmp_path / "archive.db"
    shutil.copy(runs["db"], db)
    conn = sqlite3.connect(db)
    with conn:  # the healthy portal's earlier runs, 35 days back: nothing new since
        conn.execute("UPDATE crawl_runs SET finished_at = strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now', '-35 days') "
                     "WHERE portal_id = ? AND id < (SELECT max(id) FROM crawl_runs WHERE portal_id = ?)", [HEALTHY, HEALTHY])
    conn.close()
    _, rows = report(db)
    assert rows[HEALTHY]["alert"] == "quiet: no new article in 28 days (16 the 28 before)"


def test_text_report_lists_the_alert_first_and_counts_them(runs):
    result = run_govnews("report", "--db", str(runs["db"]), cwd=runs["db"].parent)
    lines = result.stdout.splitlines()
    assert (lines[1].split()[0], lines[1].endswith("a run)"), lines[-1]) == (BROKEN, True, "report: 2 portals, 1 alerts")


def test_datasette_serves_the_same_health(runs):
    with served(runs["db"]) as base:
        data = get_json(base + "/archive/portal_health.json?_shape=objects")
    assert {row["portal_id"]: row["alert"] for row in data["rows"]} == {
        pid: row["alert"] for pid, row in runs["empty"][1][1].items()}
