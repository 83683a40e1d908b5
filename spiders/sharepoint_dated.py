"""SharePoint publishing portals of the /portal/Pages/<Y>-<M>-<D>/<slug>.aspx flavour."""

from __future__ import annotations

import re
from collections.abc import Iterable

import scrapy
from scrapy.http import FormRequest, Response

from scraper.registry import Hints
from spiders.listing import ListingSpider

_POSTBACK = re.compile(r"__doPostBack\(\s*(?:'|&#39;)([^'&]+)(?:'|&#39;)\s*,\s*(?:'|&#39;)Page\$(\d+)(?:'|&#39;)\s*\)")


def postback_pages(html: str) -> dict[int, str]:
    """Return {page number: event target} of a GridView pager's __doPostBack links."""
    return {int(page): target for target, page in _POSTBACK.findall(html)}


class SharePointDatedSpider(ListingSpider):
    """Categories from the menu; pages 2+ by replaying the pager's __doPostBack with the form's state."""

    name = "sharepoint_dated"
    family_hints = Hints(
        article_url_pattern=r"/Pages/\d{4}-\d{1,2}-\d{1,2}/[^/]+\.aspx$",
        listing_link_css="ul.menu li.cat a::attr(href)",
        article_link_css=".news-list .news-item a.title::attr(href)",
        article_css="#art-content",
        title_css="#art-content .art-title",
        date_css="#art-content .art-date",
        drop_css=(".art-date", ".font-size"),
    )

    def parse_listing(self, response: Response, page: int = 1) -> Iterable[scrapy.Request]:
        """Request the page's unarchived articles, then post back for the next page while useful."""
        requests, go_on = self.listing_articles(response)
        yield from requests
        target = postback_pages(response.text).get(page + 1)
        if go_on and target:
            yield FormRequest.from_response(
                response, formid="aspnetForm", dont_click=True,
                formdata={"__EVENTTARGET": target, "__EVENTARGUMENT": f"Page${page + 1}"},
                callback=self.parse_listing, errback=self.on_error, cb_kwargs={"page": page + 1},
            )
