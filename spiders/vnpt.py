"""VNPT-style ASP.NET portals (DesktopModule/UIArticleInMenu): pages 2+ of a listing only by POST."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable

import scrapy
from scrapy.http import Response

from scraper.registry import Hints
from spiders.listing import ListingSpider

logger = logging.getLogger(__name__)

PAGINATION_PATH = "/DesktopModule/UIArticleInMenu/ArticleInMenuPagination.aspx/LoadArticle"
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


class VnptSpider(ListingSpider):
    """Categories from the home menu; page 1 by GET, pages 2+ replayed as the page's script posts them."""

    name = "vnpt"
    family_hints = Hints(
        listing_link_css="ul.MainMenu a::attr(href)",
        # li.row items: inside ul.ArticleList on page 1, bare in the POSTed fragments of pages 2+
        article_link_css="li.row h2.Title a::attr(href)",
        article_css="div.ArticleDetailControl",
        title_css=".ArticleHeader",
        date_css=".PostDate",
        summary_css=".ArticleSummary",
        drop_css=(".ViewCount", ".rating", ".tool", ".UISocialShare", ".relatedArticles"),
    )

    def parse_listing(self, response: Response) -> Iterable[scrapy.Request]:
        """Request page 1's articles, then page 2 by POST when page 1 had unarchived ones."""
        requests, go_on = self.listing_articles(response)
        yield from requests
        found = pagination_config(response.text)
        if go_on and found and found[1] > 1:
            config, max_page = found
            yield self.page_request(response, config, 2, max_page)

    def page_request(self, response: Response, config: dict, page: int, max_page: int) -> scrapy.Request:
        """Return the POST for one listing page, with the fields the portal's script sends."""
        body = {**config, "page": page, "keyword": "", "date_begin": "", "date_end": ""}
        return scrapy.Request(
            response.urljoin(PAGINATION_PATH), method="POST", body=json.dumps(body),
            headers={"Content-Type": "application/json; charset=utf-8", "X-Requested-With": "XMLHttpRequest"},
            callback=self.parse_page_fragment, errback=self.on_error,
            cb_kwargs={"config": config, "page": page, "max_page": max_page, "listing": response.url},
        )

    def parse_page_fragment(self, response: Response, config: dict, page: int, max_page: int, listing: str):
        """Read one POSTed page (an HTML fragment of li.row items); go on to the next while useful."""
        requests, go_on = self.listing_articles(response.replace(url=listing))
        yield from requests
        if go_on and page < max_page:
            yield self.page_request(response.replace(url=listing), config, page + 1, max_page)
