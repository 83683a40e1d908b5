"""WordPress sites (communes and wards): feed, wp-sitemap.xml, then /page/N/ listings."""

from scraper.registry import Hints
from spiders.discovery import DiscoverySpider, Platform

ARTICLE_URL = r"^/\d{4}/\d{2}/(?:\d{2}/)?[^/?]+/?$|^/\?p=\d+$"


class WordPressSpider(DiscoverySpider):
    """WordPress: /feed/ and wp-sitemap.xml's posts, then the blog's and categories' /page/N/ listings."""

    name = "wordpress"
    platform = Platform(
        article_url=ARTICLE_URL,  # the date permalinks, or the plain ?p=<id>
        listing_url=r"^/(?:page/\d+/?)?$|^/(?:category|chuyen-muc)/",
        paging_url=r"/page/\d+/?$",
        feed_urls=("/feed/",),
        sitemap_urls=("/wp-sitemap.xml",),
        sitemap_filter="-posts-",  # wp-sitemap.xml also lists pages, categories and users
    )
    family_hints = Hints(article_url_pattern=ARTICLE_URL)
