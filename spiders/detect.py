"""The detect spider: fetches a portal's home page and names its CMS family."""

from __future__ import annotations

import logging

from scrapy.http import Response, TextResponse

from scraper.detect import Detection, detect_family
from scraper.registry import Portal
from spiders.homepage import HomePageSpider

logger = logging.getLogger(__name__)


class DetectSpider(HomePageSpider):
    """Fetch base_url (following redirects on the portal's hosts only) and detect the family; the crawl then uses its spider."""

    name = "detect"

    def __init__(self, portal: Portal, *args, **kwargs):
        super().__init__(portal, *args, **kwargs)
        self.detection = Detection("generic", 0, ())

    def parse(self, response: Response):
        if isinstance(response, TextResponse):
            self.detection = detect_family(response.text)
        logger.info("%s: family %s (score %d: %s)", self.portal.id, self.detection.family,
                    self.detection.score, "; ".join(self.detection.evidence) or "no signature")
        return []

    def left_hosts(self, response: Response, target: str):
        logger.warning("%s: home page leads off the portal to %s; crawling with generic", self.portal.id, target)
        return []

    def failed(self, failure) -> None:
        logger.warning("%s: home page not fetched for detection (%s); crawling with generic",
                       self.portal.id, failure.value)
