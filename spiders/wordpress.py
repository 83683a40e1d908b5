"""WordPress sites (communes and wards): feed, sitemap, then /page/N/ listings."""

import scrapy

from scraper.registry import Hints
from spiders.listing import ListingSpider


class WordPressSpider(ListingSpider):
    """WordPress: /feed/ and wp-sitemap.xml first, then the blog's /page/N/ listings."""

    name = "wordpress"
    family_hints = Hints(
        article_url_pattern=r"^/\d{4}/\d{2}/[\w%-]+/?$",
        feed_urls=("/feed/",),
        listing_urls=("/",),
        article_link_css="article .entry-title a::attr(href)",
        next_page_css=".nav-previous a::attr(href)",
        article_css="article.post",
        title_css="h1.entry-title",
        date_css=".entry-meta time.published",
        summary_css=".entry-content p.lead",
        drop_css=(".sharedaddy", "#jp-relatedposts", ".entry-meta"),
    )
    sitemap_filter = "-posts-"  # wp-sitemap.xml also lists pages, categories and users

    async def start(self):
        yield scrapy.Request(self.absolute("/wp-sitemap.xml"), callback=self.parse_sitemap, errback=self.on_error, priority=10)
        async for request in super().start():
            yield request
