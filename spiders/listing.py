"""Listing pages with GET pagination, shared by the family spiders."""

from __future__ import annotations

import logging
from collections.abc import Iterable

import scrapy
from scrapy.http import Response

from spiders.base import PortalSpider

logger = logging.getLogger(__name__)


class ListingSpider(PortalSpider):
    """Feeds first, then listing pages followed page by page until a page holds only archived articles."""

    async def start(self):
        for url in self.portal.feed_urls or self.hints.feed_urls:
            yield scrapy.Request(self.absolute(url), callback=self.parse_feed, errback=self.on_error, priority=10)
        for url in self.portal.start_urls or self.hints.listing_urls:
            yield scrapy.Request(self.absolute(url), callback=self.parse_listing, errback=self.on_error)
        if self.hints.listing_link_css and not self.portal.start_urls:
            yield scrapy.Request(self.portal.base_url, callback=self.parse_home, errback=self.on_error)
        for request in self.archive_requests():
            yield request

    def parse_home(self, response: Response) -> Iterable[scrapy.Request]:
        """Follow the home page's links to listing pages (the categories of the menu)."""
        for href in response.css(self.hints.listing_link_css).getall():
            url = response.urljoin(href)
            if url.rstrip("/") != response.url.rstrip("/"):
                yield scrapy.Request(self.fetch_url(url), callback=self.parse_listing, errback=self.on_error)

    def parse_listing(self, response: Response) -> Iterable[scrapy.Request]:
        """Request the listing's unarchived articles and, unless all were archived, the next page."""
        requests, go_on = self.listing_articles(response)
        yield from requests
        next_page = response.css(self.hints.next_page_css).get() if go_on and self.hints.next_page_css else None
        if next_page:
            yield scrapy.Request(self.fetch_url(response.urljoin(next_page)), callback=self.parse_listing, errback=self.on_error)

    def listing_articles(self, response: Response) -> tuple[list[scrapy.Request], bool]:
        """Return requests for a listing page's unarchived articles, and whether paging goes on."""
        links = [response.urljoin(href) for href in response.css(self.hints.article_link_css).getall()]
        if not links:
            logger.warning("%s: listing page %s had no article links", self.portal.id, response.url)
            return [], False
        requests = list(self.article_requests(links))
        if all(self.is_known(url) for url in links):
            logger.info("%s: listing page %s holds only archived articles; paging stops", self.portal.id, response.url)
            return requests, False
        return requests, True
