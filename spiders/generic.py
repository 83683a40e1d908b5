"""The generic spider: finds a portal's articles from its base URL alone."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import scrapy
from scrapy.http import Response, TextResponse
from scrapy.utils.sitemap import sitemap_urls_from_robots

from scraper.extract import NotAnArticle
from scraper.links import is_pagination, url_shape
from scraper.urls import canonical_url, same_host
from spiders.base import PortalSpider

logger = logging.getLogger(__name__)

_SKIP_EXTENSIONS = (".pdf", ".doc", ".docx", ".xls", ".xlsx", ".zip", ".rar", ".jpg", ".jpeg",
                    ".png", ".gif", ".mp3", ".mp4", ".css", ".js")


class GenericSpider(PortalSpider):
    """Feeds and sitemaps when the portal has them, else every listing reachable from the home page.

    A page is an article when extraction finds one; any other page is treated as a listing and
    its links are followed (up to ARCHIVE_GENERIC_MAX_HOPS from the home page; pagination does not
    count). Links shaped like archived article URLs are article links: a listing page whose
    article links are all archived does not lead to its next page.
    """

    name = "generic"

    def setup(self, portal) -> None:
        super().setup(portal)
        self.article_shapes = {url_shape(url) for url in self.archived}
        self.max_hops = self.settings.getint("ARCHIVE_GENERIC_MAX_HOPS")
        self.feeds_seen: set[str] = set()

    async def start(self):
        base = self.portal.base_url
        yield scrapy.Request(self.absolute("/robots.txt"), callback=self.parse_robots, errback=self.quiet, priority=20)
        yield scrapy.Request(self.absolute("/sitemap.xml"), callback=self.parse_sitemap, errback=self.quiet, priority=20)
        for url in self.portal.feed_urls:
            yield scrapy.Request(self.absolute(url), callback=self.parse_feed, errback=self.on_error, priority=10)
        for url in self.portal.start_urls or (base,):
            yield scrapy.Request(self.absolute(url), callback=self.parse_page, errback=self.on_error, cb_kwargs={"hops": 0})
        for request in self.archive_requests():
            yield request

    def quiet(self, failure) -> None:
        """Ignore a missing robots.txt or sitemap: most portals have none."""
        logger.debug("%s: no %s", self.portal.id, failure.request.url)

    def parse_robots(self, response: Response):
        """Follow the sitemaps robots.txt names."""
        for url in sitemap_urls_from_robots(response.body, base_url=response.url):
            yield scrapy.Request(url, callback=self.parse_sitemap, errback=self.quiet)

    async def parse_page(self, response: Response, hops: int, known_article: bool = False) -> AsyncIterator:
        """Store the page if it is an article; otherwise follow its links as a listing."""
        if not self.acceptable(response):
            return
        for feed in response.css('link[rel=alternate][type*="rss"]::attr(href), link[rel=alternate][type*="atom"]::attr(href)').getall():
            feed = response.urljoin(feed)
            if feed not in self.feeds_seen:
                self.feeds_seen.add(feed)
                yield scrapy.Request(feed, callback=self.parse_feed, errback=self.on_error, priority=10)
        if self.extract_enabled:
            try:
                extracted = await self.extract(response, known_article)
            except NotAnArticle:
                pass  # a listing (or a page with no article): its links are followed below
            else:
                if extracted:
                    self.article_shapes.add(url_shape(response.url))
                    if canonical_url(response.url) not in self.archived:
                        yield self.article_item(response, extracted)
                return
        for request in self.listing_requests(response, hops):
            yield request

    def parse_article(self, response: Response):
        """Read a page linked as an article (feed, sitemap, article-shaped link): no listing check."""
        return self.parse_page(response, hops=self.max_hops, known_article=True)

    def listing_requests(self, response: TextResponse, hops: int):
        """Yield requests for a listing page's links: articles, pagination (if needed), other pages."""
        links = self.page_links(response)
        article_links = [url for url, _ in links if url_shape(url) in self.article_shapes]
        fresh = [url for url in article_links if not self.is_known(url)]
        yield from self.article_requests(article_links)
        follow_pages = bool(fresh) or not self.known
        for url, pagination in links:
            if url in article_links:
                continue
            if pagination:
                if follow_pages:
                    yield scrapy.Request(url, callback=self.parse_page, errback=self.on_error, cb_kwargs={"hops": hops})
            elif hops < self.max_hops:
                yield scrapy.Request(url, callback=self.parse_page, errback=self.on_error, cb_kwargs={"hops": hops + 1})

    def page_links(self, response: TextResponse) -> list[tuple[str, bool]]:
        """Return (URL, is pagination) for every same-portal link of a page, once each."""
        seen, links = set(), []
        for anchor in response.css("a[href]"):
            href = anchor.attrib["href"].strip()
            if href.startswith(("javascript:", "mailto:", "tel:", "#")):
                continue
            url = response.urljoin(href)
            key = canonical_url(url)
            if key in seen or not same_host(url, self.portal.host) or url.lower().split("?")[0].endswith(_SKIP_EXTENSIONS):
                continue
            seen.add(key)
            text = " ".join(anchor.css("::text").getall())
            links.append((url, is_pagination(url, text, anchor.attrib.get("rel", ""))))
        return links
