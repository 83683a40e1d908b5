"""VNPT-style ASP.NET portals (DesktopModule/UIArticleInMenu): pages 2+ of a listing only by POST."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable
from urllib.parse import urljoin

import scrapy
from scrapy.http import Response

from scraper.registry import Hints
from spiders.discovery import DiscoverySpider, Platform

logger = logging.getLogger(__name__)

PAGINATION_PATH = "/DesktopModule/UIArticleInMenu/ArticleInMenuPagination.aspx/LoadArticle"
ARTICLE_URL = r"^/[\w-]+/[\w-]+-\d+/?$"
# What the listing page's own script posts (vn-portals.md §3, from a Hải Phòng collector's regexes).
_CONFIG_FIELDS = {
    "article_category_id": re.compile(r"article_category_id:\s*(\d+)"),
    "categoryIds": re.compile(r'categoryIds:\s*"([^"]*)"'),
    "site_id": re.compile(r"site_id:\s*(\d+)"),
    "page_size": re.compile(r"page_size:\s*(\d+)"),
}
_MAX_PAGE = re.compile(r"maxPage\s*=\s*parseInt\((\d+)\)")


def pagination_config(html: str) -> tuple[dict, int] | None:
    """Return the AJAX pagination fields and the last page number a listing's script declares."""
    found = {name: pattern.search(html) for name, pattern in _CONFIG_FIELDS.items()}
    max_page = _MAX_PAGE.search(html)
    if not max_page or not all(found.values()):
        return None
    config = {name: match.group(1) for name, match in found.items()}
    return config, int(max_page.group(1))


class VnptSpider(DiscoverySpider):
    """Category pages /<cat> (page 1 by GET), pages 2+ replayed as the page's script posts them."""

    name = "vnpt"
    platform = Platform(article_url=ARTICLE_URL, listing_url=r"^/[\w-]+/?$", sitemap_urls=())
    family_hints = Hints(article_url_pattern=ARTICLE_URL)

    def more_pages(self, response: Response, hops: int, page: int) -> Iterable[scrapy.Request]:
        """Request page 2 by POST when the listing's script declares more pages."""
        yield from super().more_pages(response, hops, page)
        found = pagination_config(response.text)
        if page == 1 and found and found[1] > 1:
            config, max_page = found
            yield self.post_page(response.url, config, 2, max_page, hops)

    def post_page(self, listing: str, config: dict, page: int, max_page: int, hops: int) -> scrapy.Request:
        """Return the POST for one listing page, with the fields the portal's script sends."""
        body = {**config, "page": page, "keyword": "", "date_begin": "", "date_end": ""}
        return scrapy.Request(
            urljoin(listing, PAGINATION_PATH),
            method="POST", body=json.dumps(body),
            headers={"Content-Type": "application/json; charset=utf-8", "X-Requested-With": "XMLHttpRequest"},
            callback=self.parse_page_fragment, errback=self.on_error,
            cb_kwargs={"config": config, "page": page, "max_page": max_page, "listing": listing, "hops": hops},
        )

    def parse_page_fragment(self, response: Response, config: dict, page: int, max_page: int, listing: str, hops: int):
        """Read one POSTed page (an HTML fragment of the listing's items); go on while it shows unarchived articles."""
        article_links, leads_on = self.listing_articles(self.page_links(response.replace(url=listing)))
        yield from self.article_requests(article_links)
        if article_links and leads_on and page < max_page:
            yield self.post_page(listing, config, page + 1, max_page, hops)

