"""No request leaves a portal's host: detection, checks and `portals detect` stop at a redirect to another host (#16).

An `auto` portal whose every URL redirects (301) to another loopback host's /latest/meta-data/,
as a hijacked or misconfigured portal could send it to a cloud metadata address. The other host
is a replica that logs every request it gets: it must get none.
"""

from __future__ import annotations

import pytest

from scraper.demo.server import ReplicaServer
from scraper.demo.sites import NukeVietSite, SharePointSite, load_articles
from tests.conftest import crawl, loopback_flags, rows, run_govnews


@pytest.fixture(scope="module")
def redirecting(tmp_path_factory):
    """Crawl and check the redirecting portal; return what the other host was asked, and the check's verdict."""
    folder = tmp_path_factory.mktemp("offsite")
    portal = SharePointSite("test.redirecting", "Cổng chuyển hướng (bản sao)", "Cần Thơ", "Huyện Chuyển",
                            load_articles("articles_sharepoint")[:3])
    elsewhere = NukeVietSite("test.elsewhere", "Máy khác", "Cần Thơ", "Huyện Khác", load_articles("articles_nukeviet")[:3])
    with ReplicaServer([portal, elsewhere]) as server:
        portal.moved_to = elsewhere.base_url + "/latest/meta-data"
        registry = folder / "portals.toml"
        registry.write_text(server.registry_toml(auto=True), encoding="utf-8")
        db = folder / "archive.db"
        crawled = crawl(registry, db, "test.redirecting")
        after_crawl = list(elsewhere.requests)
        checked = run_govnews("portals", "check", "--portal", "test.redirecting", "--registry", str(registry),
                              "--db", str(db), *loopback_flags(), cwd=folder)
        after_check = list(elsewhere.requests)
        detected = run_govnews("portals", "detect", portal.base_url + "/", cwd=folder)
        after_detect = list(elsewhere.requests)
    status = rows(db, "SELECT checked_status, redirect_target FROM portals WHERE id = 'test.redirecting'")
    return {"crawl": crawled, "after_crawl": after_crawl, "check": checked, "after_check": after_check,
            "detect": detected, "after_detect": after_detect, "status": tuple(status[0]) if status else None,
            "target": elsewhere.base_url + "/latest/meta-data/"}


def test_the_crawl_sends_nothing_to_the_other_host(redirecting):
    assert redirecting["after_crawl"] == []


def test_the_check_sends_nothing_to_the_other_host(redirecting):
    assert redirecting["after_check"] == []


def test_the_check_records_the_redirect_and_its_target(redirecting):
    assert redirecting["status"] == ("redirected", redirecting["target"])


def test_portals_detect_sends_nothing_to_the_other_host(redirecting):
    assert redirecting["after_detect"] == []


def test_portals_detect_says_why_in_one_line(redirecting):
    detected = redirecting["detect"]
    assert (detected.returncode, detected.stderr.count("\n"), f"redirects to {redirecting['target']}" in detected.stderr) == (1, 1, True), detected.stderr


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://127.0.0.1/x", "data:text/html,<p>x</p>"])
def test_portals_detect_refuses_other_schemes(url, tmp_path):
    done = run_govnews("portals", "detect", url, cwd=tmp_path)
    assert (done.returncode, done.stdout, done.stderr) == (1, "", f"Error: {url}: only http and https URLs are fetched\n")


def test_a_redirect_loop_on_the_portals_host_is_offline_after_five_hops(tmp_path):
    looping = NukeVietSite("test.looping", "Cổng vòng lặp (bản sao)", "Cần Thơ", "Huyện Vòng", load_articles("articles_nukeviet")[:1])
    with ReplicaServer([looping]) as server:
        looping.moved_to = looping.base_url  # every path redirects to itself
        registry = server.write_registry(tmp_path / "portals.toml")
        db = tmp_path / "archive.db"
        run_govnews("portals", "check", "--all", "--registry", str(registry), "--db", str(db), *loopback_flags(), cwd=tmp_path)
        home_requests = looping.requests.count("GET /")
    status = rows(db, "SELECT checked_status FROM portals WHERE id = 'test.looping'")[0]["checked_status"]
    assert (status, home_requests) == ("offline", 6)
