"""The check spider: one request to a portal's home page, to tell active, redirected or offline."""

from __future__ import annotations

import logging

import scrapy
from scrapy.http import Response

from scraper.lifecycle import Reachability
from scraper.registry import Portal

logger = logging.getLogger(__name__)


class CheckSpider(scrapy.Spider):
    """Fetch base_url, following redirects; remember where it ended and how (read by scraper.crawl.run_checks)."""

    name = "check"
    custom_settings = {"EXTENSIONS": {"scraper.runs.CrawlRunRecorder": None}, "ITEM_PIPELINES": {},
                       "SPIDER_MIDDLEWARES": {"scraper.frontier.FrontierMiddleware": None}}

    def __init__(self, portal: Portal, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.portal = portal
        self.reachability = Reachability(ok=False, detail="no answer")

    async def start(self):
        # redirects are followed; an error status is an answer to record, not a failure
        yield scrapy.Request(self.portal.base_url, callback=self.parse, errback=self.failed, dont_filter=True,
                             meta={"handle_httpstatus_list": list(range(400, 600))})

    def parse(self, response: Response):
        redirects = response.meta.get("redirect_urls", [])
        self.reachability = Reachability(ok=response.status < 400, status=response.status, final_url=response.url,
                                         redirected=bool(redirects), detail=f"HTTP {response.status}")
        return []

    def failed(self, failure) -> None:
        self.reachability = Reachability(ok=False, detail=f"{failure.type.__name__}: {failure.value}")
