"""NukeViet 4 (the news module, any theme): /<module>/<cat>/<alias>-<id>.html, RSS, sitemap, /page-N."""

from scraper.registry import Hints
from spiders.discovery import DiscoverySpider, Platform

ARTICLE_URL = r"^/[\w-]+/[\w-]+/[\w-]+-\d+\.html$|[?&]op=[\w-]+/[\w-]+-\d+(?:&|$)"


class NukeVietSpider(DiscoverySpider):
    """NukeViet: the module's RSS (newest 30 only) and sitemap, then its category listings page by page."""

    name = "nukeviet"
    platform = Platform(
        article_url=ARTICLE_URL,  # rewrite on, or index.php?nv=news&op=<cat>/<alias>-<id>
        listing_url=r"^/[\w-]+/(?:[\w-]+/)?(?:page-\d+/?)?$|[?&]nv=[\w-]+(?:&op=[\w-]+)?(?:&|$)",
        paging_url=r"/page-\d+/?$",
        feed_urls=("/news/rss/",),
        listings_in_article_module=True,
        # NukeViet's core prints the module function that rendered the page (nv_func_name): a news
        # article is "detail"; the home page, listings, static pages (about, siteterms) are not
        other_page=r"//script[re:test(., 'nv_func_name\s*=\s*[\x22\x27](?!detail[\x22\x27])')]",
    )
    family_hints = Hints(article_url_pattern=ARTICLE_URL)
