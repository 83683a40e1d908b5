"""Liferay Portal 6.2/7.x sites: asset publisher listings (_cur=N) and /-/<url-title> assets."""

from scraper.registry import Hints
from spiders.discovery import DiscoverySpider, Platform

ARTICLE_URL = r"/-/[\w%-]+|/asset_publisher/\w+/content/[\w%-]+"


class LiferaySpider(DiscoverySpider):
    """Site pages (/web/<site>/<page>), the asset publisher's pages (…_cur=N), assets (/-/<url-title>)."""

    name = "liferay"
    platform = Platform(
        article_url=ARTICLE_URL,
        listing_url=r"^/web/[\w-]+/[\w-]+/?$|^/[\w-]+/?$",
        paging_url=r"_cur=\d+",
    )
    family_hints = Hints(article_url_pattern=ARTICLE_URL)
