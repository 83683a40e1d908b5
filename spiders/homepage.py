"""One request to a portal's home page, for the code that started the crawl to read (detect, check)."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from twisted.python.failure import Failure

from scraper.registry import Portal
from scraper.urls import same_host

logger = logging.getLogger(__name__)

REDIRECTS = (301, 302, 303, 307, 308)
MAX_REDIRECTS = 5
# the redirects followed so far; not Scrapy's own redirect_urls, which its MetaCopyDetectionMiddleware warns about
TRAIL = "home_trail"


class HomePageSpider(scrapy.Spider):
    """Fetch a portal's base_url once; subclasses keep what they learn in an attribute.

    No items, no frontier, no crawl_runs row: these are looks at a portal, not crawls of it.
    """

    # A look is this process's own, even on a scale-out worker: Scrapy's scheduler, not the run's queue.
    custom_settings = {"EXTENSIONS": {"scraper.runs.CrawlRunRecorder": None}, "ITEM_PIPELINES": {},
                       "SPIDER_MIDDLEWARES": {"scraper.frontier.FrontierMiddleware": None},
                       "SCHEDULER": "scrapy.core.scheduler.Scheduler"}
    home_meta: dict = {}  # request meta of the home-page request

    def __init__(self, portal: Portal, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.portal = portal
        # robots.txt and anything else Scrapy fetches for a look stay on the portal's hosts too
        self.allowed_domains = list(self.allowed_hosts())

    async def start(self):
        yield self.home_request(self.portal.base_url, [])

    def home_request(self, url: str, trail: list[str]) -> scrapy.Request:
        """Request a URL of the home page's redirect chain; redirects are answers, followed here, not by Scrapy."""
        statuses = sorted({*self.home_meta.get("handle_httpstatus_list", []), *REDIRECTS})
        meta = {**self.home_meta, "handle_httpstatus_list": statuses, "dont_redirect": True}
        if trail:
            meta[TRAIL] = trail
        return scrapy.Request(url, callback=self.answered, errback=self.failed, dont_filter=True, meta=meta)

    def allowed_hosts(self) -> tuple[str, ...]:
        """Return the hosts a look may reach: the portal's, and those its registry row names."""
        return (self.portal.host, *self.portal.hints.other_hosts)

    def answered(self, response: Response):
        """Follow a redirect that stays on the portal's hosts; stop at one that leaves them (never fetched)."""
        location = response.headers.get("Location") if response.status in REDIRECTS else None
        if location is None:
            return self.parse(response)
        target = response.urljoin(location.decode("latin-1"))
        trail = [*response.meta.get(TRAIL, []), response.url]
        on_hosts = any(same_host(target, host) for host in self.allowed_hosts())
        if urlsplit(target).scheme not in ("http", "https") or not on_hosts:
            logger.warning("%s: %s redirects to %s, off the portal's hosts; not followed", self.portal.id, response.url, target)
            return self.left_hosts(response, target)
        if len(trail) > MAX_REDIRECTS:  # a loop: no answer, as Scrapy's own redirect limit would say
            self.failed(Failure(IgnoreRequest(f"more than {MAX_REDIRECTS} redirects from {trail[0]}")))
            return []
        return [self.home_request(target, trail)]

    def left_hosts(self, response: Response, target: str):
        """Note a redirect off the portal's hosts, which is not followed."""
        return []

    def parse(self, response: Response):
        raise NotImplementedError

    def failed(self, failure) -> None:
        raise NotImplementedError
