"""The recover spider: a portal's articles from web-archive captures (Wayback Machine, Common Crawl).

It never contacts the portal itself (a dissolved district's host may not even resolve): it lists
the captures through the services' CDX indexes, keeps the HTML captures whose URLs look like
the family's article URLs, fetches each article's earliest capture raw, and sends it through the
same extraction and pipelines as a live page, with `source`, `capture_url` and `captured_at`.
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator, Iterable
from urllib.parse import urlsplit

import scrapy
from scrapy.http import Response

from scraper.archive import Archive
from scraper.crawl import family_hints
from scraper.extract import NotAnArticle
from scraper.items import Article
from scraper.urls import canonical_url, same_host
from scraper.webarchive import (Capture, FormatError, capture_time, cc_data_url, cc_index_apis, cc_index_url, cc_range,
                                parse_cc_index, parse_cc_pages, parse_wayback_cdx, replay_timestamp,
                                warc_member_page, wayback_cdx_url, wayback_replay_url)
from spiders.base import PortalSpider

logger = logging.getLogger(__name__)

SOURCES = ("wayback", "commoncrawl")


ORIGINAL_PREFIX = "x-archive-orig-"  # the Wayback Machine's name for the portal's own response headers


def portal_headers(response: Response) -> dict[str, str]:
    """Return the portal's own response headers of an `id_` replay: its `X-Archive-Orig-*` ones
    unprefixed, and the Content-Type (which the replay passes on as archived). The service's own
    headers (Server, Memento-Datetime, Link, …) are not the portal's."""
    headers = {}
    for name, values in response.headers.items():
        name, value = name.decode("latin-1"), b", ".join(values).decode("latin-1")
        if name.lower().startswith(ORIGINAL_PREFIX):
            headers[name[len(ORIGINAL_PREFIX):]] = value
        elif name.lower() == "content-type":
            headers[name] = value
    return headers


class RecoverSpider(PortalSpider):
    """List a portal's captures, keep its article URLs, fetch the earliest capture of each, extract it."""

    name = "recover"

    def __init__(self, *args, source: str = "wayback", family: str = "generic", year_from: str = "",
                 year_to: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if source not in SOURCES:
            raise ValueError(f"unknown source {source!r}: one of {', '.join(SOURCES)}")
        self.source, self.family, self.year_from, self.year_to = source, family, str(year_from or ""), str(year_to or "")

    def setup(self, portal) -> None:
        self.family_hints = family_hints(getattr(self, "family", "generic"))
        super().setup(portal)
        settings = self.settings
        self.wayback = settings["ARCHIVE_WAYBACK_URL"].rstrip("/")
        self.cc_index = settings["ARCHIVE_CC_INDEX_URL"].rstrip("/")
        self.cc_data = settings["ARCHIVE_CC_DATA_URL"].rstrip("/")
        # the services are the only hosts this spider talks to
        self.allowed_domains = sorted({urlsplit(u).hostname for u in (self.wayback, self.cc_index, self.cc_data)})
        self.site = urlsplit(portal.base_url).netloc  # what the indexes are asked for: host[:port]
        pattern = self.hints.article_url_pattern
        self.article_pattern = re.compile(pattern, re.IGNORECASE) if pattern else None
        archive = Archive(settings["ARCHIVE_DB_PATH"])
        try:
            # articles recovered before, with their earliest capture: a later capture adds nothing
            self.captured = dict(archive.db.execute(
                "SELECT canonical_url, captured_at FROM articles WHERE portal_id = ? AND captured_at > ''",
                [portal.id]).fetchall())
        finally:
            archive.close()

    async def start(self):
        if self.source == "wayback":
            yield self.service_request(wayback_cdx_url(self.wayback, self.site, self.year_from, self.year_to),
                                       self.parse_wayback_index)
        else:
            yield self.service_request(f"{self.cc_index}/collinfo.json", self.parse_collinfo)

    def service_request(self, url: str, callback, **kwargs) -> scrapy.Request:
        """Return a request to an archive service (its host's slot holds the rate limit)."""
        return scrapy.Request(url, callback=callback, errback=self.on_error, **kwargs)

    # --- choosing captures -------------------------------------------------------------------

    def wanted(self, captures: Iterable[Capture]) -> list[Capture]:
        """Return the captures to fetch: HTML 200s of the portal's article URLs, the earliest of each article."""
        articles = [(canonical_url(c.original), c) for c in captures if self.is_article_capture(c)]
        chosen = []
        for canonical, capture in sorted(articles, key=lambda pair: (pair[0], pair[1].timestamp)):
            if canonical in self.requested:
                continue
            earlier = self.captured.get(canonical)
            if earlier and earlier <= capture.captured_at:
                self.crawler.stats.inc_value("archive/skipped/captured_before")
                continue
            self.requested.add(canonical)
            chosen.append(capture)
        return chosen

    def is_article_capture(self, capture: Capture) -> bool:
        """Tell whether a capture is a 200 HTML page of the portal whose URL looks like one of its articles."""
        if not capture.is_html_page() or not same_host(capture.original, self.portal.host):
            return False
        parts = urlsplit(capture.original)
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        return not self.article_pattern or bool(self.article_pattern.search(target))

    # --- Wayback -------------------------------------------------------------------------------

    def parse_wayback_index(self, response: Response) -> Iterable[scrapy.Request]:
        """Read one CDX page: request the wanted captures raw (`id_`), then the next page by its resume key."""
        try:
            captures, resume_key = parse_wayback_cdx(response.body)
        except FormatError as exc:
            self.crawler.stats.inc_value("archive/errors/cdx_format")
            logger.error("%s: %s: %s", self.portal.id, response.url, exc)
            return
        wanted = self.wanted(captures)
        logger.info("%s: Wayback CDX page: %d captures, %d articles to fetch", self.portal.id, len(captures), len(wanted))
        for capture in wanted:
            yield self.service_request(wayback_replay_url(self.wayback, capture), self.parse_capture,
                                       cb_kwargs={"original": capture.original, "timestamp": capture.timestamp})
        if resume_key:
            yield self.service_request(
                wayback_cdx_url(self.wayback, self.site, self.year_from, self.year_to, resume_key),
                self.parse_wayback_index)

    # --- Common Crawl --------------------------------------------------------------------------

    def parse_collinfo(self, response: Response) -> Iterable[scrapy.Request]:
        """Read the list of crawls; ask each crawl in the years wanted how many index pages the host has."""
        apis = cc_index_apis(response.body, self.year_from, self.year_to)
        logger.info("%s: Common Crawl: %d crawls to search", self.portal.id, len(apis))
        for api in apis:
            yield self.service_request(cc_index_url(api, self.site), self.parse_cc_page_count,
                                       cb_kwargs={"api": api}, meta={"handle_httpstatus_list": [404]})

    def parse_cc_page_count(self, response: Response, api: str) -> Iterable[scrapy.Request]:
        if response.status == 404:  # "No Captures found" in this crawl
            return
        for page in range(parse_cc_pages(response.body)):
            yield self.service_request(cc_index_url(api, self.site, page), self.parse_cc_index,
                                       meta={"handle_httpstatus_list": [404]})

    def parse_cc_index(self, response: Response) -> Iterable[scrapy.Request]:
        """Read one index page: fetch each wanted capture's gzip member from the crawl's WARC file."""
        if response.status == 404:
            return
        captures = parse_cc_index(response.body)
        wanted = self.wanted(captures)
        logger.info("%s: Common Crawl index page: %d captures, %d articles to fetch", self.portal.id,
                    len(captures), len(wanted))
        for capture in wanted:
            yield self.service_request(cc_data_url(self.cc_data, capture), self.parse_capture,
                                       headers={"Range": cc_range(capture)},
                                       cb_kwargs={"original": capture.original, "timestamp": capture.timestamp})

    # --- captures ------------------------------------------------------------------------------

    async def parse_capture(self, response: Response, original: str, timestamp: str) -> AsyncIterator[Article]:
        """Extract a fetched capture as an article of the portal, with its provenance."""
        if self.source == "wayback":
            body, headers = response.body, portal_headers(response)
            timestamp = replay_timestamp(response.url) or timestamp  # a nearest-capture redirect moved it
            capture_url = response.url
        else:
            page = warc_member_page(response.body)
            if page is None or page.status != 200:
                self.skip(original, "not_a_capture", f"no 200 response record at {response.url}")
                return
            body, headers = page.body, page.headers
            capture_url = f"{response.url}#{response.request.headers.get('Range', b'').decode('latin-1')}"
        try:
            extracted = await self.extract_body(body, original, known_article=True)
        except NotAnArticle as exc:
            self.skip(original, "not_article", str(exc))
            return
        if not extracted:
            return
        item = self.article_item(response, extracted)
        item.url, item.source, item.capture_url = original, self.source, capture_url
        item.captured_at = capture_time(timestamp)
        item.raw_html, item.raw_headers, item.http_status = body, headers, 200
        yield item
