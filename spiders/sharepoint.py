"""SharePoint 2010 publishing portals, Đồng Nai flavour (/Pages/newsdetail.aspx?CatId=&NewsId=)."""

from scraper.registry import Hints
from spiders.discovery import DiscoverySpider, Platform

ARTICLE_URL = r"/pages/(?:newsdetail|chi-tiet-tin)\.aspx\?"


class SharePointSpider(DiscoverySpider):
    """Category pages (/Pages/<name>.aspx?CatId=), GET pages (&Page=N) or the ASP.NET pager's postbacks."""

    name = "sharepoint"
    platform = Platform(
        article_url=ARTICLE_URL,
        listing_url=r"/pages/[\w-]+\.aspx(?:\?|$)",
        paging_url=r"[?&]page=\d+",
        sitemap_urls=(),  # SharePoint publishing sites serve none (vn-portals.md §2)
    )
    family_hints = Hints(article_url_pattern=ARTICLE_URL)
