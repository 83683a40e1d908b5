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
        sitemap_filter="-posts-post-",  # wp-sitemap.xml also lists pages (-posts-page-), categories and users
        # body_class(), which every theme calls, names the kind of page WordPress rendered
        other_page="//body[" + " or ".join(
            f"contains(concat(' ', normalize-space(@class), ' '), ' {kind} ')"
            for kind in ("page", "attachment", "archive", "search", "error404", "blog")) + "]",
    )
    # the byline as WordPress core's post-author blocks print it, in every block theme
    family_hints = Hints(article_url_pattern=ARTICLE_URL,
                         author_css=".wp-block-post-author__name, .wp-block-post-author-name")
