"""The check spider: one request to a portal's home page, to tell active, redirected or offline."""

from __future__ import annotations

from scrapy.http import Response

from scraper.lifecycle import Reachability
from scraper.registry import Portal
from spiders.homepage import TRAIL, HomePageSpider


class CheckSpider(HomePageSpider):
    """Fetch base_url, following redirects on the portal's hosts; remember where it ended and how (read by
    scraper.crawl.run_checks). A redirect to another host is recorded with its target, which is never fetched."""

    name = "check"
    # redirects are followed; an error status is an answer to record, not a failure
    home_meta = {"handle_httpstatus_list": list(range(400, 600))}

    def __init__(self, portal: Portal, *args, **kwargs):
        super().__init__(portal, *args, **kwargs)
        self.reachability = Reachability(ok=False, detail="no answer")

    def parse(self, response: Response):
        redirects = response.meta.get(TRAIL, [])
        self.reachability = Reachability(ok=response.status < 400, status=response.status, final_url=response.url,
                                         redirected=bool(redirects), detail=f"HTTP {response.status}")
        return []

    def left_hosts(self, response: Response, target: str):
        self.reachability = Reachability(ok=True, status=response.status, final_url=target, redirected=True,
                                         detail=f"HTTP {response.status} to {target} (another host: not fetched)")
        return []

    def failed(self, failure) -> None:
        self.reachability = Reachability(ok=False, detail=f"{failure.type.__name__}: {failure.value}")
