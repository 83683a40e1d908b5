"""Every family replica, crawled from its base URL alone with family = "auto" (issue #3)."""

from __future__ import annotations

import pytest

from scraper.demo.server import ReplicaServer
from scraper.demo.sites import FURNITURE, family_sites
from scraper.urls import canonical_url
from tests.conftest import crawl, rows

SITES = family_sites()
IDS = [site.family for site in SITES]


@pytest.fixture(scope="module", params=SITES, ids=IDS)
def family_crawl(request, tmp_path_factory):
    """Crawl one family replica twice from base_url alone; return the archive and request logs."""
    site = request.param
    folder = tmp_path_factory.mktemp(site.family)
    with ReplicaServer([site]) as server:
        registry = folder / "portals.toml"
        registry.write_text(server.registry_toml(auto=True), encoding="utf-8")
        first = crawl(registry, folder / "archive.db")
        requests_first = list(site.requests)
        second = crawl(registry, folder / "archive.db")
        requests_second = site.requests[len(requests_first):]
    return {"site": site, "db": folder / "archive.db", "first": first, "second": second,
            "requests_first": requests_first, "requests_second": requests_second}


def stored(family_crawl) -> dict[str, dict]:
    """Return the stored rows by canonical URL (the URL fetched may carry session ids and state)."""
    return {r["canonical_url"]: dict(r) for r in rows(family_crawl["db"], "SELECT * FROM articles")}


def expected(family_crawl) -> list[dict]:
    """Return the replica's articles, each with its canonical URL."""
    return [{**e, "canonical_url": canonical_url(e["url"])} for e in family_crawl["site"].expected()]


def test_crawl_exits_zero(family_crawl):
    assert family_crawl["first"].returncode == 0, family_crawl["first"].stderr[-2000:]


def test_family_is_detected(family_crawl):
    site = family_crawl["site"]
    assert f"{site.portal_id}: family {site.family} " in family_crawl["first"].stderr


def test_every_article_and_nothing_else_is_stored(family_crawl):
    assert sorted(stored(family_crawl)) == sorted(e["canonical_url"] for e in expected(family_crawl))


@pytest.mark.parametrize("field", ["title", "published_at", "author"])
def test_fields_are_exact(family_crawl, field):
    rows_by_url = stored(family_crawl)
    wrong = [(e["url"], rows_by_url.get(e["canonical_url"], {}).get(field), e[field])
             for e in expected(family_crawl) if rows_by_url.get(e["canonical_url"], {}).get(field) != e[field]]
    assert wrong == []


def test_no_furniture_in_any_text(family_crawl):
    leaks = [(url, f) for url, row in stored(family_crawl).items() for f in FURNITURE if f in row["text"]]
    assert leaks == []


def test_crawl_ends_within_a_bounded_number_of_requests(family_crawl):
    # articles + listings + a few fixed pages (robots.txt, home); no trap can take it further
    site = family_crawl["site"]
    assert len(family_crawl["requests_first"]) <= 2 * len(site.articles) + 10


def test_second_crawl_adds_nothing_and_fetches_far_less(family_crawl):
    count = rows(family_crawl["db"], "SELECT count(*) AS n FROM articles")[0]["n"]
    assert (family_crawl["second"].returncode, count) == (0, len(family_crawl["site"].articles))
    assert len(family_crawl["requests_second"]) * 3 < len(family_crawl["requests_first"])


def test_post_is_used_only_where_the_family_paginates_by_post(family_crawl):
    posts = sorted(r for r in family_crawl["requests_first"] if r.startswith("POST "))
    # VNPT: 17 articles over 3 categories (6, 6, 5) at 5 a page, so two categories have a page 2.
    # SharePoint (dated): 23 articles over 3 categories (8, 8, 7): each has a page 2, posted back.
    expected = {
        "vnpt": ["POST /DesktopModule/UIArticleInMenu/ArticleInMenuPagination.aspx/LoadArticle"] * 2,
        "sharepoint_dated": sorted(f"POST /portal/Pages/{cat}.aspx" for cat in ("chinh-tri", "kinh-te-xa-hoi", "tin-tuc-su-kien")),
    }
    assert posts == expected.get(family_crawl["site"].family, [])


def test_crawl_never_enters_the_unbounded_calendar(family_crawl):
    assert [r for r in family_crawl["requests_first"] if "lich-cong-tac" in r.lower()] == []


def test_detection_is_recorded_for_the_portal(family_crawl):
    site = family_crawl["site"]
    row = rows(family_crawl["db"], "SELECT detected_family FROM portals WHERE id = ?", [site.portal_id])[0]
    assert row["detected_family"] == site.family


def test_second_crawl_reuses_the_detection(family_crawl):
    site = family_crawl["site"]
    assert f"{site.portal_id}: family {site.family} (detected earlier)" in family_crawl["second"].stderr


def test_no_request_carries_portlet_state(family_crawl):
    assert [r for r in family_crawl["requests_first"] if "!ut/p/" in r] == []
