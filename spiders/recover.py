"""The recover spider: a portal's articles from web-archive captures (Wayback Machine, Common Crawl).

It never contacts the portal itself (a dissolved district's host may not even resolve): it lists
the captures through the services' CDX indexes (every form of the host: the services' SURT keys
fold `www.`, the scheme and the default port), sets aside what the family's URL shapes call a
home page, listing or other non-article page (counted), and, once every index page is read,
fetches the earliest and the latest capture of each article raw. Each goes through the same
extraction as a live page, without the article presumption where the URL shape does not make
one, and the family's page-type markers; a listing or soft 404 is counted, never stored. Items
carry `source`, `capture_url` and `captured_at`; the archive decides which text is current.
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator, Iterable
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.exceptions import DontCloseSpider
from scrapy.http import HtmlResponse, Response

from scraper.archive import Archive
from scraper.crawl import ANY_AGE, family_hints, family_platform
from scraper.detect import detect_family
from scraper.extract import NotAnArticle, decode_html
from scraper.frontier import schedule_outside_callback
from scraper.items import Article
from scraper.urls import canonical_url, host_form, in_portal_form, same_host
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
    """List a portal's captures, keep its articles', fetch the earliest and latest of each, extract them."""

    name = "recover"

    def __init__(self, *args, source: str = "wayback", family: str = "generic", year_from: str = "",
                 year_to: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if source not in SOURCES:
            raise ValueError(f"unknown source {source!r}: one of {', '.join(SOURCES)}")
        self.source, self.family, self.year_from, self.year_to = source, family, str(year_from or ""), str(year_to or "")

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.on_idle, signal=signals.spider_idle)
        return spider

    def setup(self, portal) -> None:
        self.family_hints = family_hints(getattr(self, "family", "generic"))
        super().setup(portal)
        self.use_family(getattr(self, "family", "generic"))
        settings = self.settings
        self.wayback = settings["ARCHIVE_WAYBACK_URL"].rstrip("/")
        self.cc_index = settings["ARCHIVE_CC_INDEX_URL"].rstrip("/")
        self.cc_data = settings["ARCHIVE_CC_DATA_URL"].rstrip("/")
        # the services are the only hosts this spider talks to
        self.allowed_domains = sorted({urlsplit(u).hostname for u in (self.wayback, self.cc_index, self.cc_data)})
        # what the indexes are asked for: host[:port] without www. (their keys fold the host's forms)
        netloc = urlsplit(portal.base_url).netloc.lower()
        self.site = host_form(netloc)
        self.listed: list[Capture] = []  # every capture the indexes list, sorted out once they are all read
        self.candidates: dict[str, list[Capture]] = {}  # article key -> [earliest capture, latest capture]
        self.phase = "listing"  # then "detecting" (a portal still `auto`), then "fetching"
        archive = Archive(settings["ARCHIVE_DB_PATH"])
        try:
            # a portal still `auto` and never detected is detected from a capture of its home page
            self.undetected = portal.family == "auto" and portal.id not in archive.detected_families(ANY_AGE)
            # captures recovered before: one inside their span adds nothing
            self.captured = {url: (first, last or first) for url, first, last in archive.db.execute(
                "SELECT canonical_url, captured_at, last_captured_at FROM articles WHERE portal_id = ?"
                " AND captured_at > ''", [portal.id]).fetchall()}
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

    def collect(self, captures: Iterable[Capture]) -> int:
        """Keep the earliest and latest capture of each article among the captures listed;
        count the others by what they are. Return how many captures may be articles."""
        kept = 0
        for capture in captures:
            kind = self.capture_kind(capture)
            if kind:
                self.crawler.stats.inc_value(f"archive/skipped/capture_{kind}")
                continue
            kept += 1
            key = canonical_url(in_portal_form(capture.original, self.portal.base_url))
            span = self.candidates.setdefault(key, [capture, capture])
            span[0] = min(span[0], capture, key=lambda c: c.timestamp)
            span[1] = max(span[1], capture, key=lambda c: c.timestamp)
        return kept

    def capture_kind(self, capture: Capture) -> str:
        """Return why a capture is no article ('' when it may be one): not an HTML 200, another
        host, or a home page, listing or other page by the platform's URL shapes."""
        if not capture.is_html_page():
            return "not_html"
        url = in_portal_form(capture.original, self.portal.base_url)
        if not same_host(url, self.portal.host):
            return "offsite"
        kind = self.platform.url_kind(canonical_url(url))
        if kind:
            return kind
        parts = urlsplit(url)
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        if self.article_pattern and not self.article_pattern.search(target):
            return "not_article_url"
        return ""

    def on_idle(self, spider) -> None:
        """Once every index page is read: detect a portal still `auto` from its home page's capture,
        then fetch the captures chosen (the span of each article is known only when all are listed)."""
        if spider is not self or self.phase == "fetching":
            return
        if self.phase == "listing":
            self.phase = "detecting"
            home = self.home_capture() if self.undetected else None
            if home and schedule_outside_callback(self.crawler, [self.capture_request(home, self.parse_home)]):
                raise DontCloseSpider
        self.phase = "fetching"
        kept = self.collect(self.listed)
        scheduled = schedule_outside_callback(self.crawler, self.capture_requests())
        logger.info("%s: %s: %d captures listed, %d of articles, %d articles, %d captures to fetch", self.portal.id,
                    self.source, len(self.listed), kept, len(self.candidates), scheduled)
        if scheduled:
            raise DontCloseSpider

    def home_capture(self) -> Capture | None:
        """Return the latest HTML capture of the portal's home page: its root, else its shortest URL."""
        pages = [c for c in self.listed if c.is_html_page()
                 and same_host(in_portal_form(c.original, self.portal.base_url), self.portal.host)]
        if not pages:
            return None

        def remoteness(capture: Capture) -> tuple[bool, int]:
            parts = urlsplit(canonical_url(in_portal_form(capture.original, self.portal.base_url)))
            return parts.path not in ("", "/") or bool(parts.query), len(parts.path) + len(parts.query)
        nearest = min(remoteness(c) for c in pages)
        return max((c for c in pages if remoteness(c) == nearest), key=lambda c: c.timestamp)

    async def parse_home(self, response: Response, original: str, timestamp: str) -> None:
        """Detect the portal's family from a capture of its home page, record it, and read its
        captures with that family's knowledge from here on."""
        body, _, _ = self.capture_body(response)
        if body is None:
            return
        detection = detect_family(decode_html(body))
        archive = Archive(self.settings["ARCHIVE_DB_PATH"])
        try:
            archive.record_detection(self.portal.id, detection.family, detection.evidence)
        finally:
            archive.close()
        logger.info("%s: family %s, detected from the capture of %s at %s (%s)", self.portal.id, detection.family,
                    original, timestamp, "; ".join(detection.evidence) or "no evidence")
        self.use_family(detection.family)

    def use_family(self, family: str) -> None:
        """Read captures with what a family knows: its URL shapes, page-type markers and hints."""
        self.family = family
        self.hints = family_hints(family).merged(self.portal.hints)
        self.platform = family_platform(family)
        pattern = self.hints.article_url_pattern
        self.article_pattern = re.compile(pattern, re.IGNORECASE) if pattern else None

    def capture_requests(self) -> Iterable[scrapy.Request]:
        """Yield the earliest and the latest capture of each article, unless a recovery read them before."""
        for key, (earliest, latest) in sorted(self.candidates.items()):
            first, last = self.captured.get(key, ("", ""))
            for capture in {earliest.timestamp: earliest, latest.timestamp: latest}.values():  # one when they are one
                if first and first <= capture.captured_at <= last:
                    self.crawler.stats.inc_value("archive/skipped/captured_before")
                    continue
                yield self.capture_request(capture)

    def capture_request(self, capture: Capture, callback=None) -> scrapy.Request:
        """Return the request that fetches a capture raw: a Wayback `id_` replay or a Common Crawl WARC range."""
        kwargs = {"original": capture.original, "timestamp": capture.timestamp}
        callback = callback or self.parse_capture
        if self.source == "wayback":
            return self.service_request(wayback_replay_url(self.wayback, capture), callback, cb_kwargs=kwargs)
        return self.service_request(cc_data_url(self.cc_data, capture), callback,
                                    headers={"Range": cc_range(capture)}, cb_kwargs=kwargs)

    # --- Wayback -------------------------------------------------------------------------------

    def parse_wayback_index(self, response: Response) -> Iterable[scrapy.Request]:
        """Read one CDX page, then ask for the next by its resume key."""
        try:
            captures, resume_key = parse_wayback_cdx(response.body)
        except FormatError as exc:
            self.crawler.stats.inc_value("archive/errors/cdx_format")
            logger.error("%s: %s: %s", self.portal.id, response.url, exc)
            return
        self.listed += captures
        logger.info("%s: Wayback CDX page: %d captures", self.portal.id, len(captures))
        if resume_key:
            yield self.service_request(
                wayback_cdx_url(self.wayback, self.site, self.year_from, self.year_to, resume_key),
                self.parse_wayback_index)

    # --- Common Crawl --------------------------------------------------------------------------

    def parse_collinfo(self, response: Response) -> Iterable[scrapy.Request]:
        """Read the list of crawls; ask each crawl in the years wanted how many index pages the host has."""
        apis = cc_index_apis(response.body, self.year_from, self.year_to)
        logger.info("%s: Common Crawl: %d crawls to search", self.portal.id, len(apis))
        for api in apis:  # the index servers collinfo.json names may be other hosts than its own
            yield self.service_request(cc_index_url(api, self.site), self.parse_cc_page_count, cb_kwargs={"api": api},
                                       meta={"handle_httpstatus_list": [404], "allow_offsite": True})

    def parse_cc_page_count(self, response: Response, api: str) -> Iterable[scrapy.Request]:
        if response.status == 404:  # "No Captures found" in this crawl
            return
        for page in range(parse_cc_pages(response.body)):
            yield self.service_request(cc_index_url(api, self.site, page), self.parse_cc_index,
                                       meta={"handle_httpstatus_list": [404], "allow_offsite": True})

    def parse_cc_index(self, response: Response) -> None:
        """Read one index page of a crawl."""
        if response.status == 404:  # pywb: no capture on this page passed the filters
            return
        captures = parse_cc_index(response.body)
        self.listed += captures
        logger.info("%s: Common Crawl index page: %d captures", self.portal.id, len(captures))

    # --- captures ------------------------------------------------------------------------------

    def capture_body(self, response: Response) -> tuple[bytes | None, dict, str]:
        """Return a fetched capture's page: (body, the portal's headers, the capture's URL); body None
        (a logged skip) when a Common Crawl range holds no 200 response."""
        if self.source == "wayback":
            return response.body, portal_headers(response), response.url
        page = warc_member_page(response.body)
        if page is None or page.status != 200:
            self.skip(response.url, "not_a_capture", f"no 200 response record at {response.url}")
            return None, {}, ""
        return page.body, page.headers, f"{response.url}#{response.request.headers.get('Range', b'').decode('latin-1')}"

    async def parse_capture(self, response: Response, original: str, timestamp: str) -> AsyncIterator[Article]:
        """Extract a fetched capture as an article of the portal, with its provenance; skip (and
        count) a capture that turns out to be no article."""
        body, headers, capture_url = self.capture_body(response)
        if body is None:
            return
        if self.source == "wayback":
            timestamp = replay_timestamp(response.url) or timestamp  # a nearest-capture redirect moved it
        url = in_portal_form(original, self.portal.base_url)
        if self.platform.is_other_page(HtmlResponse(url, body=body, headers=headers)):
            self.skip(original, "platform_other_page", "the platform marks the page as no article")
            return
        known = self.platform.matches(self.platform.article_url, url) or bool(self.article_pattern)
        try:
            extracted = await self.extract_body(body, url, known_article=known)
        except NotAnArticle as exc:
            self.skip(original, "not_article", str(exc))
            return
        if not extracted:
            return
        item = self.article_item(response, extracted)
        item.url, item.source, item.capture_url = url, self.source, capture_url
        item.captured_at = capture_time(timestamp)
        item.raw_html, item.raw_headers, item.http_status = body, headers, 200
        yield item
