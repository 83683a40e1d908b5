"""IBM WebSphere Portal with WCM (Cà Mau): state-free fetching, WCM paging, articles told by content."""

from scraper.registry import Hints
from spiders.discovery import DiscoverySpider, Platform


class WebSphereSpider(DiscoverySpider):
    """Every link fetched without its !ut/p/ portlet state; WCM_Page.<id>=N pages.

    WCM addresses listings and articles alike (?urile=wcm:path:/<library>/<area>/<item>): which is
    which is told by what the page turns out to be, then by the shape of the URLs found to be articles.
    """

    name = "websphere"
    platform = Platform(paging_url=r"WCM_Page\.\w+=\d+", state_free=True, sitemap_urls=())
    family_hints = Hints()
