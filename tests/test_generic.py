"""The generic spider alone (family = "generic"): feeds, sitemaps and listings from base_url."""

from __future__ import annotations

import pytest

from scraper.demo.server import ReplicaServer
from scraper.demo.sites import FURNITURE, SharePointSite, WordPressSite, load_articles, synthetic_articles
from scraper.urls import canonical_url
from tests.conftest import crawl, rows

SITES = [
    SharePointSite("test.generic-sharepoint", "UBND huyện Định Quán (bản sao)", "Đồng Nai", "Huyện Định Quán",
                   load_articles("articles_sharepoint")),
    WordPressSite("test.generic-wordpress", "Xã Hòa Ninh (bản sao)", "Đà Nẵng", "Xã Hòa Ninh",
                  synthetic_articles(load_articles("articles_nukeviet"), 13, first_id=8000)),
]


@pytest.fixture(scope="module", params=SITES, ids=[s.family for s in SITES])
def generic_crawl(request, tmp_path_factory):
    """Crawl a replica twice with the generic spider."""
    site = request.param
    folder = tmp_path_factory.mktemp("generic")
    with ReplicaServer([site]) as server:
        registry = folder / "portals.toml"
        registry.write_text(server.registry_toml().replace('family = "auto"', 'family = "generic"'), encoding="utf-8")
        first = crawl(registry, folder / "archive.db")
        requests_first = len(site.requests)
        second = crawl(registry, folder / "archive.db")
    return {"site": site, "db": folder / "archive.db", "first": first, "second": second,
            "requests_first": requests_first, "requests_second": len(site.requests) - requests_first,
            "log": list(site.requests)}


def test_generic_stores_every_article_once(generic_crawl):
    stored = sorted(r["canonical_url"] for r in rows(generic_crawl["db"], "SELECT canonical_url FROM articles"))
    assert stored == sorted(canonical_url(e["url"]) for e in generic_crawl["site"].expected())


def test_generic_dates_are_the_articles_own(generic_crawl):
    by_url = {r["canonical_url"]: r["published_at"] for r in rows(generic_crawl["db"], "SELECT * FROM articles")}
    site = generic_crawl["site"]
    # WordPress shows the day only in its text; generic reads the text (the family spider reads <time datetime>)
    wanted = {canonical_url(e["url"]): e["published_at"][:10] if site.family == "wordpress" else e["published_at"]
              for e in site.expected()}
    got = {url: (value[:10] if site.family == "wordpress" else value) for url, value in by_url.items()}
    assert got == wanted


def test_generic_leaves_no_furniture(generic_crawl):
    texts = [r["text"] for r in rows(generic_crawl["db"], "SELECT text FROM articles")]
    assert [f for t in texts for f in FURNITURE if f in t] == []


def test_generic_second_crawl_fetches_far_less(generic_crawl):
    assert generic_crawl["requests_second"] * 2 < generic_crawl["requests_first"]


def test_robots_txt_is_obeyed(generic_crawl):
    # Both replicas link to paths their robots.txt disallows: SharePoint's "Đăng nhập" (/_layouts/),
    # WordPress's "Quản trị" (/wp-admin/).
    assert [r for r in generic_crawl["log"] if "/_layouts/" in r or "/wp-admin/" in r] == []


def test_robots_refusal_is_a_logged_skip_not_an_error(generic_crawl):
    lines = [line for line in generic_crawl["first"].stderr.splitlines()
             if "skipped" in line and ("/_layouts/" in line or "/wp-admin/" in line)]
    assert len(lines) == 1 and lines[0].endswith("Forbidden by robots.txt")
