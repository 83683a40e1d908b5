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

    def parse_listing(self, response: Response) -> Iterable[scrapy.Request]:
        """Request the listing's unarchived articles and, unless all were archived, the next page."""
        links = [response.urljoin(href) for href in response.css(self.hints.article_link_css).getall()]
        if not links:
            logger.warning("%s: listing page %s had no article links", self.portal.id, response.url)
            return
        fresh = [url for url in links if not self.is_known(url)]
        yield from self.article_requests(links)
        if not fresh:
            logger.info("%s: listing page %s holds only archived articles; paging stops", self.portal.id, response.url)
            return
        next_page = response.css(self.hints.next_page_css).get()
        if next_page:
            yield response.follow(next_page, callback=self.parse_listing, errback=self.on_error)
