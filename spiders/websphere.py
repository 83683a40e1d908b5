"""IBM WebSphere Portal with WCM (Cà Mau): state-free fetching of WCM menus, lists and articles."""

from scraper.registry import Hints
from scraper.urls import canonical_url
from spiders.listing import ListingSpider


class WebSphereSpider(ListingSpider):
    """Menu categories, WCM paging; every link fetched without its !ut/p/ portlet state."""

    name = "websphere"
    family_hints = Hints(
        listing_link_css="ul.wcm-menu a::attr(href)",
        article_link_css=".danhsach .tin a.tieude-tin::attr(href)",
        next_page_css=".phantrang a.next::attr(href)",
        article_css=".wcm-content",
        title_css=".wcm-content .tieude",
        date_css=".wcm-content .ngaydang",
        summary_css=".wcm-content .tomtat",
        drop_css=(".chiase",),
    )

    def fetch_url(self, url: str) -> str:
        # links resolve against a <base href> holding a new portlet state on every view: an
        # unbounded URL space. The state-free form serves the same page.
        return canonical_url(url)
