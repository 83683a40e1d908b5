"""The generic spider: finds a portal's articles from its base URL alone, knowing no platform."""

from spiders.discovery import DiscoverySpider


class GenericSpider(DiscoverySpider):
    """Feeds and sitemaps when the portal has them, and every listing reachable from the home page.

    A page is an article when extraction finds one; any other page is read as a listing and its
    links are followed (up to ARCHIVE_GENERIC_MAX_HOPS from the home page; pagination does not
    count). Links shaped like the URLs of pages found to be articles are article links.
    """

    name = "generic"
