"""Liferay Portal 7.x sites: asset publisher listings (_cur=N) and /-/<url-title> assets."""

from scraper.registry import Hints
from spiders.listing import ListingSpider


class LiferaySpider(ListingSpider):
    """Listings from the navigation, pages by the asset publisher's _cur parameter."""

    name = "liferay"
    family_hints = Hints(
        article_url_pattern=r"/-/[\w%-]+",
        listing_link_css="#navigation li.cat a::attr(href)",
        article_link_css=".asset-abstract .asset-title a::attr(href)",
        next_page_css=".pagination a.next::attr(href)",
        article_css=".asset-full-content",
        title_css=".asset-full-content .header-title",
        date_css=".asset-full-content .metadata-publish-date",
        summary_css=".journal-content-article p.sapo",
        drop_css=(".asset-metadata", ".asset-ratings", ".asset-links"),
    )
