"""One request to a portal's home page, for the code that started the crawl to read (detect, check)."""

from __future__ import annotations

import scrapy

from scraper.registry import Portal


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

    async def start(self):
        yield scrapy.Request(self.portal.base_url, callback=self.parse, errback=self.failed, dont_filter=True,
                             meta=dict(self.home_meta))

    def failed(self, failure) -> None:
        raise NotImplementedError
