"""NukeViet 4 news module (egov and default themes)."""

from scraper.registry import Hints
from spiders.listing import ListingSpider


class NukeVietSpider(ListingSpider):
    """NukeViet news module: RSS first, then the module's listing pages (/news/page-N)."""

    name = "nukeviet"
    family_hints = Hints(
        article_url_pattern=r"^/[\w-]+/[\w-]+/[\w-]+-\d+\.html$",
        feed_urls=("/news/rss/",),
        listing_urls=("/news/",),
        article_link_css=".news_column h3 a::attr(href)",
        next_page_css=".pagination a[rel=next]::attr(href)",
        article_css="div.newsdetail",
        title_css="h1.title",
        # The visible publication time; itemprop=datePublished holds the last-edit time.
        date_css=".newsdetailmetatop span.h5",
        summary_css="div.hometext",
        drop_css=(".newsdetailmetatop", "ul.list-inline", "[itemprop=datePublished]"),
    )
