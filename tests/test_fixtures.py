"""Fixture tests: saved pages of every family with expected JSON beside them, one assertion per field.

Regenerate the expected JSON with `pytest tests/test_fixtures.py --update-golden` (or `-k <portal>`),
then read the diff before committing.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from urllib.parse import urljoin

import pytest
from scrapy.selector import Selector

from scraper.crawl import family_hints as hints
from scraper.extract import extract_article
from scraper.fixtures import saved_pages
from scraper.links import url_shape
from scraper.registry import FAMILIES

FIXTURES = Path(__file__).resolve().parent / "fixtures"
PAGES = saved_pages(FIXTURES)
ARTICLES = [p for p in PAGES if p.kind == "article"]
LISTINGS = [p for p in PAGES if p.kind == "listing"]
FIELDS = ["title", "published_at", "published_raw", "date_precision", "author", "summary", "text"]


def page_id(page) -> str:
    return f"{page.portal_id}/{page.html.stem}"


def golden(page, actual: dict, update: bool) -> dict:
    """Return the expected output of a page, writing it first with --update-golden."""
    if update or not page.golden.exists():
        if not update:
            pytest.fail(f"{page.golden} is missing: run pytest --update-golden and read it")
        page.golden.write_text(json.dumps(actual, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return json.loads(page.golden.read_text(encoding="utf-8"))


@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize("page", ARTICLES, ids=page_id)
def test_article_field(page, field, request):
    actual = asdict(extract_article(page.html.read_bytes(), page.url, hints(page.family)))
    assert actual[field] == golden(page, actual, request.config.getoption("--update-golden"))[field]


def article_link(page, href: str) -> bool:
    """Tell whether a listing's link is an article's as the family's spider tells it: the platform's
    article URL shape, or the shape of an article page it has read (the family's article fixture)."""
    from scrapy.spiderloader import SpiderLoader
    from scrapy.settings import Settings

    spider = SpiderLoader.from_settings(Settings({"SPIDER_MODULES": ["spiders"]})).load(page.family)
    url = urljoin(page.url, href)
    read = {url_shape(p.url) for p in ARTICLES if p.portal_id == page.portal_id}
    return spider.platform.matches(spider.platform.article_url, url) or url_shape(url) in read


@pytest.mark.parametrize("page", LISTINGS, ids=page_id)
def test_listing_article_links(page, request):
    selector = Selector(text=page.html.read_text(encoding="utf-8"))
    links = [href for href in selector.css("a::attr(href)").getall() if article_link(page, href)]
    actual = {"article_links": links}
    assert actual == golden(page, actual, request.config.getoption("--update-golden"))


@pytest.mark.parametrize("family", [f for f in FAMILIES if f not in ("auto", "generic")])
def test_every_family_has_an_article_and_a_listing_fixture(family):
    assert sorted({p.kind for p in PAGES if p.family == family}) == ["article", "listing"]
