"""SharePoint 2010 publishing portals, Đồng Nai flavour (/Pages/newsdetail.aspx?CatId=&NewsId=)."""

from scraper.registry import Hints
from spiders.listing import ListingSpider


class SharePointSpider(ListingSpider):
    """Categories (news.aspx?CatId=) from the top menu, GET pages (&Page=N), newsdetail.aspx articles."""

    name = "sharepoint"
    family_hints = Hints(
        article_url_pattern=r"newsdetail\.aspx\?",
        listing_link_css="ul.topmenu a[href*='news.aspx']::attr(href)",
        article_link_css=".news-list a.news-title::attr(href)",
        next_page_css=".pager a.next::attr(href)",
        article_css=".news-detail",
        title_css=".news-detail h1.NewsTitle",
        date_css=".news-detail .NewsDate",
        drop_css=(".NewsDate", ".tool-bar", ".other-news"),
    )
