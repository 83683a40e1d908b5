"""The detect spider: fetches a portal's home page and names its CMS family."""

from __future__ import annotations

import logging

import scrapy
from scrapy.http import Response, TextResponse

from scraper.detect import Detection, detect_family
from scraper.registry import Portal

logger = logging.getLogger(__name__)


class DetectSpider(scrapy.Spider):
    """Fetch base_url (following redirects) and detect the family; the crawl then uses its spider."""

    name = "detect"
    custom_settings = {"EXTENSIONS": {"scraper.runs.CrawlRunRecorder": None}, "ITEM_PIPELINES": {},
                       "SPIDER_MIDDLEWARES": {"scraper.frontier.FrontierMiddleware": None}}

    def __init__(self, portal: Portal, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.portal = portal
        self.allowed_domains = [portal.host]
        self.detection = Detection("generic", 0, ())

    async def start(self):
        yield scrapy.Request(self.portal.base_url, callback=self.parse, errback=self.failed)

    def parse(self, response: Response):
        if isinstance(response, TextResponse):
            self.detection = detect_family(response.text)
        logger.info("%s: family %s (score %d: %s)", self.portal.id, self.detection.family,
                    self.detection.score, "; ".join(self.detection.evidence) or "no signature")
        return []

    def failed(self, failure) -> None:
        logger.warning("%s: home page not fetched for detection (%s); crawling with generic",
                       self.portal.id, failure.value)
