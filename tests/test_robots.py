"""robots.txt per RFC 9309, from the first request to a host (#16).

Three replica portals crawled together: one whose robots.txt disallows everything, one whose
robots.txt answers 503 (unreachable: complete disallow, RFC 9309 §2.3.1.4) and one whose
robots.txt is missing (404: allow, §2.3.1.3). Scrapy 2.19's own middleware handed the parser
to the first waiting request only; every other first request got None and was let through
(scrapy/scrapy#6802), so the start URLs of a portal that forbids crawling were fetched.
"""

from __future__ import annotations

import pytest

from scraper.demo.server import ReplicaServer
from scraper.demo.sites import NukeVietSite, Reply, load_articles
from tests.conftest import crawl, rows


class RobotsSite(NukeVietSite):
    """A NukeViet replica whose robots.txt answers with a given status and body."""

    def __init__(self, *args, robots_status: int, robots_body: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.robots_status = robots_status
        self.robots_body = robots_body

    def handle(self, method, path, query):
        if path == "/robots.txt":
            return Reply(self.robots_status, self.robots_body.encode(), "text/plain; charset=utf-8")
        return super().handle(method, path, query)


def robots_sites() -> dict[str, RobotsSite]:
    articles = load_articles("articles_nukeviet")[:6]
    return {
        "disallow": RobotsSite("test.robots-disallow", "Cổng cấm", "Cần Thơ", "Huyện A", articles,
                               robots_status=200, robots_body="User-agent: *\nDisallow: /\n"),
        "server-error": RobotsSite("test.robots-503", "Cổng lỗi", "Cần Thơ", "Huyện B", articles,
                                   robots_status=503, robots_body="Service Unavailable"),
        "missing": RobotsSite("test.robots-404", "Cổng không có robots", "Cần Thơ", "Huyện C", articles,
                              robots_status=404, robots_body="Not Found"),
    }


@pytest.fixture(scope="module")
def robots_crawl(tmp_path_factory):
    folder = tmp_path_factory.mktemp("robots")
    sites = robots_sites()
    with ReplicaServer(list(sites.values())) as server:
        registry = server.write_registry(folder / "portals.toml")
        db = folder / "archive.db"
        done = crawl(registry, db)
    stored = {kind: rows(db, "SELECT count(*) AS n FROM articles WHERE portal_id = ?", [site.portal_id])[0]["n"]
              for kind, site in sites.items()}
    runs = {kind: rows(db, "SELECT status, error_summary FROM crawl_runs WHERE portal_id = ?", [site.portal_id])[0]
            for kind, site in sites.items()}
    return {"sites": sites, "done": done, "stored": stored, "runs": runs}


def test_a_host_that_disallows_everything_gets_only_its_robots_txt_requested(robots_crawl):
    assert robots_crawl["sites"]["disallow"].requests == ["GET /robots.txt"]


def test_a_host_that_disallows_everything_has_nothing_stored(robots_crawl):
    assert robots_crawl["stored"]["disallow"] == 0


def test_a_robots_txt_answering_503_means_complete_disallow(robots_crawl):
    assert robots_crawl["sites"]["server-error"].requests == ["GET /robots.txt"]


def test_a_robots_txt_answering_503_fails_the_run_and_says_why(robots_crawl):
    assert tuple(robots_crawl["runs"]["server-error"]) == ("failed", "robots_http_503: 1")


def test_a_missing_robots_txt_allows_everything(robots_crawl):
    assert robots_crawl["stored"]["missing"] == 6



def test_a_run_that_robots_txt_forbids_entirely_is_failed_and_says_why(robots_crawl):
    assert tuple(robots_crawl["runs"]["disallow"]) == ("failed", "robots_forbidden: 3")  # the sitemap, the feed and the home page
