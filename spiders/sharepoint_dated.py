"""SharePoint publishing portals of the /portal/Pages/<Y>-<M>-<D>/<slug>.aspx flavour."""

from scraper.registry import Hints
from spiders.discovery import DiscoverySpider, Platform

ARTICLE_URL = r"/Pages/\d{4}-\d{1,2}-\d{1,2}/[^/?]+\.aspx(?:\?|$)"


class SharePointDatedSpider(DiscoverySpider):
    """Category pages (/portal/Pages/<name>.aspx); pages 2+ by replaying the pager's __doPostBack."""

    name = "sharepoint_dated"
    platform = Platform(
        article_url=ARTICLE_URL,
        listing_url=r"/pages/[\w-]+\.aspx$",
        sitemap_urls=(),
    )
    family_hints = Hints(article_url_pattern=ARTICLE_URL)
