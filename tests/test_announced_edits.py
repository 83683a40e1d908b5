"""Edits a portal announces become versions on the next crawl (#17): its sitemap's <lastmod> or a feed
entry dates an archived article after its last fetch, and the page's Last-Modified and ETag changed.
No re-check is due (the crawls are on one day), so only the announcement can bring the edit in."""

from __future__ import annotations

from datetime import datetime, timedelta

import time

import pytest

from scraper.demo.server import ReplicaServer
from scraper.demo.sites import NukeVietSite, load_articles, synthetic_articles
from scraper.vietnamese import VIETNAM_TZ
from tests.conftest import crawl, rows

EDITED = ["Bài viết đã được biên tập lại sau khi đăng, với số liệu mới nhất của huyện năm 2025."] * 3


def edit_time(db) -> datetime:
    """Return the time now, once it is a whole second past every fetch the archive holds.

    The archive stores fetch times to the second and RSS gives times to the second: an edit made
    in the second of the last fetch would not read as after it.
    """
    last = rows(db, "SELECT max(max(first_seen_at, coalesce(last_checked_at, first_seen_at))) AS at FROM articles")[0]["at"]
    while datetime.now(VIETNAM_TZ) < datetime.fromisoformat(last) + timedelta(seconds=1):
        time.sleep(0.05)
    return datetime.now(VIETNAM_TZ)


def article_fetches(site, first: int) -> list[str]:
    """Return the article pages a replica served since request number `first`."""
    return [line for line in site.requests[first:] if line.startswith("GET ") and line.endswith(".html")]


def run(folder, site: NukeVietSite, change) -> dict:
    """Crawl a portal, change it with `change(site)`, crawl again, then once more with nothing changed."""
    db = folder / "archive.db"
    with ReplicaServer([site]) as server:
        registry = server.write_registry(folder / "portals.toml")
        first = crawl(registry, db)
        before = len(site.requests)
        edited = change(site, edit_time(db))
        second = crawl(registry, db)
        after_second = len(site.requests)
        third = crawl(registry, db)
    return {"site": site, "db": db, "runs": [first, second, third], "edited": edited,
            "second_fetches": article_fetches(site, before)[: after_second - before], "third_fetches": article_fetches(site, after_second)}


def portal(portal_id: str, sitemaps_off: bool = False) -> NukeVietSite:
    site = NukeVietSite(portal_id, "Cổng thử (bản sao)", "Cần Thơ", "Huyện Thử",
                        synthetic_articles(load_articles("articles_nukeviet"), 14, first_id=30_000))
    site.sitemaps_off = sitemaps_off
    return site


def edit_one(site: NukeVietSite, at: datetime, republish: bool = False):
    article = site.articles[6]
    site.edit(article.id, EDITED, at=at, republish=republish)
    return article


@pytest.fixture(scope="module")
def by_sitemap(tmp_path_factory):
    return run(tmp_path_factory.mktemp("by-sitemap"), portal("test.announced-sitemap"), edit_one)


@pytest.fixture(scope="module")
def by_feed(tmp_path_factory):
    """No sitemap; the editor re-publishes the article, so the RSS entry's pubDate moves."""
    return run(tmp_path_factory.mktemp("by-feed"), portal("test.announced-feed", sitemaps_off=True),
               lambda site, at: edit_one(site, at, republish=True))


@pytest.fixture(scope="module")
def untrusted(tmp_path_factory):
    """A sitemap that writes the time it was generated as every URL's lastmod."""
    def every_lastmod_now(site, at):
        for article in list(site.articles):
            site.edit(article.id, list(article.paragraphs), at=at)
        return None
    return run(tmp_path_factory.mktemp("untrusted"), portal("test.announced-untrusted"), every_lastmod_now)


def stored(result, article) -> dict:
    return dict(rows(result["db"], "SELECT * FROM articles WHERE url = ?", [result["site"].article_url(article)])[0])


def versions(result, article) -> list[str]:
    return [row["text"] for row in rows(result["db"], "SELECT text FROM article_versions WHERE article_id = ?",
                                        [stored(result, article)["id"]])]


@pytest.mark.parametrize("announced", ["by_sitemap", "by_feed"])
def test_the_crawls_exit_0(announced, request):
    assert [run.returncode for run in request.getfixturevalue(announced)["runs"]] == [0, 0, 0]


@pytest.mark.parametrize("announced", ["by_sitemap", "by_feed"])
def test_the_next_crawl_stores_the_announced_edit(announced, request):
    result = request.getfixturevalue(announced)
    text = stored(result, result["edited"])["text"]
    assert (EDITED[0] in text, result["edited"].paragraphs[0] in text) == (True, False)


@pytest.mark.parametrize("announced", ["by_sitemap", "by_feed"])
def test_the_earlier_text_is_kept_as_a_version(announced, request):
    result = request.getfixturevalue(announced)
    earlier = versions(result, result["edited"])
    assert (len(earlier), result["edited"].paragraphs[0] in earlier[0], EDITED[0] in earlier[0]) == (1, True, False)


@pytest.mark.parametrize("announced", ["by_sitemap", "by_feed"])
def test_only_the_announced_article_is_fetched_again(announced, request):
    result = request.getfixturevalue(announced)
    path = result["site"].article_url(result["edited"]).split("/", 3)[3]
    assert result["second_fetches"] == [f"GET /{path}"]


@pytest.mark.parametrize("announced", ["by_sitemap", "by_feed"])
def test_an_announcement_already_taken_in_fetches_nothing(announced, request):
    assert request.getfixturevalue(announced)["third_fetches"] == []


def test_the_log_names_the_announcement(by_sitemap):
    assert "sitemap-vi.news.xml announces 1 edited articles" in by_sitemap["runs"][1].stderr


def test_a_sitemap_dating_every_article_now_is_not_believed(untrusted):
    assert "dates 14 of its 14 archived articles after their last fetch; not believed" in untrusted["runs"][1].stderr


def test_a_sitemap_not_believed_fetches_no_article(untrusted):
    assert untrusted["second_fetches"] == []
