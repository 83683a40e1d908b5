"""Re-checks of archived articles: edits become versions, deletions set gone_at, the rest answer 304 (#5, part)."""

from __future__ import annotations

import json

import pytest

from scraper.demo.server import ReplicaServer
from scraper.demo.sites import NukeVietSite, load_articles, synthetic_articles
from tests.conftest import crawl, rows

LATER = "2099-01-01T00:00:00+00:00"  # every archived article is due


@pytest.fixture(scope="module")
def rechecked(tmp_path_factory):
    """Crawl a portal, edit one article and delete another, then crawl again with every article due."""
    site = NukeVietSite("test.recheck", "Cổng thử (bản sao)", "Cần Thơ", "Huyện Thử",
                        synthetic_articles(load_articles("articles_nukeviet"), 12, first_id=20_000))
    edited, deleted = site.articles[3], site.articles[5]
    folder = tmp_path_factory.mktemp("recheck")
    db = folder / "archive.db"
    with ReplicaServer([site]) as server:
        registry = server.write_registry(folder / "portals.toml")
        first = crawl(registry, db)
        same_day = crawl(registry, db)
        requests_same_day = len(site.requests)
        site.edit(edited.id, ["Bài viết đã được biên tập lại sau khi đăng, với số liệu mới nhất của huyện năm 2025."] * 3)
        site.delete(deleted.id)
        later = crawl(registry, db, ARCHIVE_RECHECK_AT=LATER)
        later_requests = site.requests[requests_same_day:]
    return {"site": site, "db": db, "first": first, "same_day": same_day, "later": later,
            "edited": edited, "deleted": deleted, "later_requests": later_requests}


def row_of(rechecked, article) -> dict:
    """Return the stored row of a replica article."""
    return dict(rows(rechecked["db"], "SELECT * FROM articles WHERE url = ?", [rechecked["site"].article_url(article)])[0])


def test_crawls_exit_zero(rechecked):
    assert [rechecked[k].returncode for k in ("first", "same_day", "later")] == [0, 0, 0]


def test_nothing_is_rechecked_on_the_same_day(rechecked):
    assert "re-checking" not in rechecked["same_day"].stderr


def test_an_edited_article_keeps_its_earlier_text_as_one_version(rechecked):
    row = row_of(rechecked, rechecked["edited"])
    versions = rows(rechecked["db"], "SELECT text FROM article_versions WHERE article_id = ?", [row["id"]])
    assert (len(versions), rechecked["edited"].paragraphs[0] in versions[0]["text"]) == (1, True)


def test_an_edited_article_shows_its_new_text(rechecked):
    text = row_of(rechecked, rechecked["edited"])["text"]
    assert ("Bài viết đã được biên tập lại" in text, rechecked["edited"].paragraphs[0] in text) == (True, False)


def test_a_deleted_article_is_marked_gone_not_removed(rechecked):
    row = row_of(rechecked, rechecked["deleted"])
    assert (row["gone_at"] is not None, row["text"] != "") == (True, True)


def test_only_the_deleted_article_is_gone(rechecked):
    assert rows(rechecked["db"], "SELECT count(*) AS n FROM articles WHERE gone_at IS NOT NULL")[0]["n"] == 1


def test_unchanged_articles_add_nothing(rechecked):
    # 304 where the page is byte-identical; 200 with the same text where only a neighbour's
    # sidebar changed (the deleted article left the "latest news" list): both add no version.
    stats = json.loads(rows(rechecked["db"], "SELECT stats FROM crawl_runs ORDER BY id DESC LIMIT 1")[0]["stats"])
    versions = rows(rechecked["db"], "SELECT count(*) AS n FROM article_versions")[0]["n"]
    seen = stats.get("archive/rechecked_not_modified", 0) + stats.get("archive/articles_unchanged", 0)
    assert (seen, versions) == (10, 1)


def test_byte_identical_pages_answer_304(rechecked):
    stats = json.loads(rows(rechecked["db"], "SELECT stats FROM crawl_runs ORDER BY id DESC LIMIT 1")[0]["stats"])
    assert stats.get("archive/rechecked_not_modified", 0) >= 1


def test_gone_articles_are_counted_in_crawl_runs(rechecked):
    assert rows(rechecked["db"], "SELECT articles_gone FROM crawl_runs ORDER BY id DESC LIMIT 1")[0]["articles_gone"] == 1


def test_each_archived_article_is_requested_once_in_the_later_crawl(rechecked):
    article_requests = [r for r in rechecked["later_requests"] if r.endswith(".html")]
    assert len(article_requests) == len(set(article_requests)) == 12


@pytest.fixture(scope="module")
def large_portals(tmp_path_factory):
    """Crawl portals sized like real ones, then again the next day; return requests per crawl per portal."""
    from datetime import datetime, timedelta, timezone

    from scraper.demo.sites import SharePointSite

    sites = [
        NukeVietSite("test.large-nukeviet", "Cổng lớn A (bản sao)", "Cần Thơ", "Huyện A",
                     synthetic_articles(load_articles("articles_nukeviet"), 400, first_id=40_000)),
        SharePointSite("test.large-sharepoint", "Cổng lớn B (bản sao)", "Đồng Nai", "Huyện B",
                       synthetic_articles(load_articles("articles_sharepoint"), 300, first_id=50_000)),
    ]
    folder = tmp_path_factory.mktemp("large")
    tomorrow = (datetime.now(timezone.utc) + timedelta(days=1)).isoformat(timespec="seconds")
    with ReplicaServer(sites) as server:
        registry = folder / "portals.toml"
        registry.write_text(server.registry_toml(auto=True), encoding="utf-8")
        first = crawl(registry, folder / "archive.db")
        counts_first = {s.portal_id: len(s.requests) for s in sites}
        next_day = crawl(registry, folder / "archive.db", ARCHIVE_RECHECK_AT=tomorrow)
        counts_next = {s.portal_id: len(s.requests) - counts_first[s.portal_id] for s in sites}
    stored = rows(folder / "archive.db", "SELECT portal_id, count(*) AS n FROM articles GROUP BY portal_id")
    return {"first": first, "next_day": next_day, "requests_first": counts_first, "requests_next": counts_next,
            "stored": {r["portal_id"]: r["n"] for r in stored}}


def test_large_portals_are_archived_whole(large_portals):
    assert large_portals["stored"] == {"test.large-nukeviet": 400, "test.large-sharepoint": 300}


@pytest.mark.parametrize("portal_id", ["test.large-nukeviet", "test.large-sharepoint"])
def test_next_day_recrawl_costs_at_most_5_percent_of_the_first(large_portals, portal_id):
    first, later = large_portals["requests_first"][portal_id], large_portals["requests_next"][portal_id]
    assert later <= 0.05 * first, (first, later)
