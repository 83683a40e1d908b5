"""One discovery engine for every family: a platform's URL shapes, feeds and paging, no theme CSS.

A family is what every site of its platform shares (`Platform`): the URL shapes of its articles,
listings and listing pages, its feeds and sitemaps, and the paging mechanisms its listings use
(GET parameters here; ASP.NET `__doPostBack` pagers here too; POST endpoints in the family's
spider). The engine starts from robots.txt's sitemaps, the platform's sitemaps and feeds and the
home page; it classifies each link by URL shape (the platform's, and the shapes of the pages it
found to be articles) and each page by what it turns out to be; it pages through a listing while
the listing shows articles not archived yet; it steps around traps (calendars, growing query
strings, looping paths, session state). When the platform's rules find no article at all, it
follows every other link of the pages it read, as the generic spider does.
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.exceptions import DontCloseSpider
from scrapy.http import FormRequest, Response, TextResponse
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots

from scraper.extract import NotAnArticle
from scraper.frontier import schedule_outside_callback
from scraper.links import is_pagination, is_trap, url_shape
from scraper.politeness import SharedRobotsTxtMiddleware
from scraper.urls import canonical_url, same_host
from spiders.base import PortalSpider

logger = logging.getLogger(__name__)

_SKIP_EXTENSIONS = (".pdf", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".zip", ".rar", ".7z", ".jpg",
                    ".jpeg", ".png", ".gif", ".webp", ".mp3", ".mp4", ".css", ".js", ".xml", ".rss")
_FEED_SEGMENTS = {"rss", "feed", "feeds", "atom"}  # /rss/<cat>/ (NukeViet), /category/x/feed/ (WordPress)
_COMMENTS_FEED = re.compile(r"comment|bình\s*luận|phản\s*hồi", re.IGNORECASE)
_VIEWSTATE_FORM = "//form[.//input[@name='__VIEWSTATE']]"  # the ASP.NET form a postback replays
_POSTBACK = re.compile(r"__doPostBack\(\s*(?:'|&#39;)([^'&]+)(?:'|&#39;)\s*,\s*(?:'|&#39;)Page\$(\d+)(?:'|&#39;)\s*\)")


@dataclass(frozen=True)
class Platform:
    """What every site of a CMS platform shares, whatever its theme."""

    article_url: str = ""
    """Regular expression (searched in path and query, any case) of article URLs."""
    listing_url: str = ""
    """Regular expression of listing URLs (categories, the news module). With it, other links
    are followed only when the platform's rules found no article."""
    paging_url: str = ""
    """Regular expression of a listing's other pages (page=N, _cur=N, WCM_Page.x=N, /page-N)."""
    feed_urls: tuple[str, ...] = ()
    """Feed paths the platform serves (RSS, Atom), tried quietly."""
    sitemap_urls: tuple[str, ...] = ("/sitemap.xml",)
    """Sitemap paths the platform serves, tried quietly."""
    sitemap_filter: str = ""
    """Child sitemaps to follow: those whose URL contains this (WordPress: '-posts-')."""
    state_free: bool = False
    """Fetch every link without its session or portlet state (WebSphere's !ut/p/ paths)."""
    listings_in_article_module: bool = False
    """Listings live under the first path segment of the articles (NukeViet's /<module>/): once
    articles are seen, listing-shaped links of other modules (/about/, /contact/) are not listings."""

    other_page: str = ""
    """XPath true on the platform's pages that are not articles, by the page-type markers the
    platform itself prints (WordPress's body classes: page, attachment, archive, search)."""

    def url_kind(self, url: str) -> str:
        """Tell what a page is by its (canonical) URL alone, where the platform's shapes say it:
        `home`, `listing` (a listing or one of its pages), `not_article_url` (the platform has an
        article shape and this is not it), or '' when the URL may be an article's."""
        parts = urlsplit(url)
        if parts.path in ("", "/") and not parts.query:
            return "home"
        if self.matches(self.article_url, url):
            return ""
        if self.matches(self.listing_url, url) or self.matches(self.paging_url, url):
            return "listing"
        return "not_article_url" if self.article_url else ""

    def is_other_page(self, page) -> bool:
        """Tell whether a page (a Scrapy response or selector) carries the platform's non-article markers."""
        return bool(self.other_page and page.xpath(self.other_page))

    def matches(self, pattern: str, url: str) -> bool:
        """Tell whether a URL's path and query match one of the platform's patterns."""
        if not pattern:
            return False
        parts = urlsplit(url)
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        return bool(re.search(pattern, target, re.IGNORECASE))


def _module(url: str) -> str:
    """Return the first segment of a URL's path."""
    return urlsplit(url).path.strip("/").split("/")[0].lower()


def postback_pages(html: str) -> dict[int, str]:
    """Return {page number: event target} of an ASP.NET pager's __doPostBack links."""
    return {int(page): target for target, page in _POSTBACK.findall(html)}


class DiscoverySpider(PortalSpider):
    """Feeds, sitemaps and the home page; links classified by URL shape and by what pages turn out to be."""

    name = ""  # the engine itself is no spider: `generic` and the families are
    platform = Platform()

    def setup(self, portal) -> None:
        super().setup(portal)
        self.article_shapes = {url_shape(url) for url in self.archived}
        self.max_hops = self.settings.getint("ARCHIVE_GENERIC_MAX_HOPS")
        self.feeds_seen: set[str] = set()
        self.sitemaps_seen: set[str] = {self.absolute(url) for url in self.platform.sitemap_urls}
        self.article_modules: set[str] = set()  # first path segments of article URLs (NukeViet's modules)
        self.in_sitemaps: set[str] = set()  # canonical URLs of the articles the portal's sitemaps list
        self.fallback: list[scrapy.Request] = []  # off-platform links, for when the platform's rules find nothing
        self.articles_seen = 0
        for unused in ("listing_link_css", "article_link_css", "next_page_css"):
            if getattr(portal.hints, unused):
                logger.warning("%s: hints.%s is not used since #17: discovery follows the platform's URL shapes",
                               portal.id, unused)

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.on_idle, signal=signals.spider_idle)
        return spider

    async def start(self):
        if not self.settings.getbool("ROBOTSTXT_OBEY"):  # else the robots.txt middleware has read it: see robots_sitemaps
            yield scrapy.Request(self.absolute("/robots.txt"), callback=self.parse_robots, errback=self.quiet, priority=20)
        for url in self.platform.sitemap_urls:
            yield scrapy.Request(self.absolute(url), callback=self.parse_sitemap, errback=self.quiet, priority=20)
        for url in self.portal.feed_urls or self.hints.feed_urls:
            yield scrapy.Request(self.absolute(url), callback=self.parse_feed, errback=self.on_error, priority=10)
        for url in self.platform.feed_urls:
            self.feeds_seen.add(self.absolute(url))
            yield scrapy.Request(self.absolute(url), callback=self.parse_feed, errback=self.quiet, priority=10)
        for url in self.portal.start_urls or self.hints.listing_urls or (self.portal.base_url,):
            yield self.page_request(self.absolute(url), hops=0)
        for request in self.archive_requests():
            yield request

    def quiet(self, failure) -> None:
        """Pass over a missing robots.txt, sitemap or feed: most portals lack some of them."""
        logger.debug("%s: no %s", self.portal.id, failure.request.url)

    def parse_robots(self, response: Response):
        """Follow the sitemaps robots.txt names."""
        for url in sitemap_urls_from_robots(response.body, base_url=response.url):
            yield scrapy.Request(url, callback=self.parse_sitemap, errback=self.quiet)

    def robots_sitemaps(self, response: Response) -> Iterable[scrapy.Request]:
        """Yield the sitemaps the portal's robots.txt names, as the robots.txt middleware read it
        (once per host and crawl: the spider does not fetch robots.txt a second time)."""
        parser = SharedRobotsTxtMiddleware.parsers.get(urlsplit(response.url).netloc)
        for url in getattr(getattr(parser, "rp", None), "sitemaps", ()) or ():
            if url not in self.sitemaps_seen:
                self.sitemaps_seen.add(url)
                yield scrapy.Request(response.urljoin(url), callback=self.parse_sitemap, errback=self.quiet, priority=20)

    def parse_sitemap(self, response: Response) -> Iterable[scrapy.Request]:
        """Read a sitemap or sitemap index: article-shaped URLs are articles, other pages are read for what they are."""
        try:
            sitemap = Sitemap(response.body)
        except Exception:  # lxml raises several kinds on HTML error pages served as sitemaps
            logger.debug("%s: %s is not a sitemap", self.portal.id, response.url)
            return
        entries = [entry for entry in sitemap if "loc" in entry and same_host(entry["loc"], self.portal.host)]
        locs = [entry["loc"] for entry in entries]
        if sitemap.type == "sitemapindex":
            for loc in locs:
                if self.platform.sitemap_filter in loc:
                    yield scrapy.Request(loc, callback=self.parse_sitemap, errback=self.on_error)
            return
        logger.info("%s: sitemap %s lists %d URLs", self.portal.id, response.url, len(locs))
        articles = [loc for loc in locs if not self.platform.article_url or self.is_article_url(loc)]
        self.articles_seen += len(articles)
        if not self.shared:  # one worker's sitemaps are not the others': scale-out workers page on as before
            self.in_sitemaps.update(canonical_url(loc) for loc in articles)
        yield from self.article_requests(articles)
        yield from self.announced_changes(((entry["loc"], entry.get("lastmod", "")) for entry in entries), response.url)
        for loc in locs:
            if loc not in articles and not is_trap(loc):
                yield self.page_request(loc, hops=self.max_hops)

    # --- what a link is ----------------------------------------------------------------------

    def is_article_url(self, url: str) -> bool:
        """Tell whether a link is an article's: the platform's article shape, or a shape found to be one."""
        # shapes of canonical forms: links carrying session or portlet state are the same articles
        return self.platform.matches(self.platform.article_url, url) or url_shape(canonical_url(url)) in self.article_shapes

    def is_listing_url(self, url: str) -> bool:
        """Tell whether a link is one of the platform's listings (of the articles' module, where it has modules)."""
        if not self.platform.matches(self.platform.listing_url, url):
            return False
        modules = self.article_modules
        return not (self.platform.listings_in_article_module and modules) or _module(url) in modules

    def fetch_url(self, url: str) -> str:
        # a platform whose links carry view state (WebSphere) serves the same page without it
        return canonical_url(url) if self.platform.state_free else url

    def page_request(self, url: str, hops: int, **kwargs) -> scrapy.Request:
        """Return a request for a page whose kind is not known yet (listing or article)."""
        return scrapy.Request(self.fetch_url(url), callback=self.parse_page, errback=self.on_error,
                              cb_kwargs={"hops": hops}, **kwargs)

    # --- pages -------------------------------------------------------------------------------

    def parse_article(self, response: Response):
        """Read a page linked as an article (feed, sitemap, article-shaped link): no listing check."""
        return self.parse_page(response, hops=self.max_hops, known_article=True)

    async def parse_page(self, response: Response, hops: int, known_article: bool = False) -> AsyncIterator:
        """Store the page if it is an article; otherwise read it as a listing."""
        if not self.acceptable(response):
            return
        for request in self.robots_sitemaps(response):
            yield request
        platform_article = known_article or self.platform.matches(self.platform.article_url, response.url)
        listing = not platform_article and self.platform.matches(self.platform.listing_url, response.url)
        if self.platform.is_other_page(response):
            self.crawler.stats.inc_value("archive/skipped/platform_other_page")
            listing = True  # the platform says what this page is: read it for links only
        if self.extract_enabled and not listing:
            known = platform_article
            try:
                extracted = await self.extract(response, known)
            except NotAnArticle as exc:
                if known:  # an article URL that holds no article: a soft 404, an empty page
                    self.skip(response.url, "not_article", str(exc))
                    return
            else:
                if extracted:
                    self.articles_seen += 1
                    self.article_shapes.add(url_shape(canonical_url(response.url)))
                    if canonical_url(response.url) not in self.archived:
                        yield self.article_item(response, extracted)
                    else:  # found again, through a link not yet known to be an article's
                        self.crawler.stats.inc_value("archive/skipped/known")
                return
        if hops == 0:  # the site's feed; a category's or an article's repeats it or carries comments
            for request in self.feed_requests(response):
                yield request
        for request in self.listing_requests(response, hops):
            yield request

    def feed_requests(self, response: TextResponse) -> Iterable[scrapy.Request]:
        """Yield a request for the first news feed a page announces (<link rel=alternate>), once."""
        for link in response.css('link[rel=alternate][type*="rss"], link[rel=alternate][type*="atom"]'):
            if _COMMENTS_FEED.search(link.attrib.get("href", "") + " " + link.attrib.get("title", "")):
                continue  # readers' comments, not news
            feed = response.urljoin(link.attrib.get("href", ""))
            if feed not in self.feeds_seen:
                self.feeds_seen.add(feed)
                yield scrapy.Request(feed, callback=self.parse_feed, errback=self.on_error, priority=10)
            return  # the others are its categories' (NukeViet announces one per category)

    def listing_requests(self, response: TextResponse, hops: int, page: int = 1) -> Iterable[scrapy.Request]:
        """Yield a listing's article links, its next pages (while it shows unarchived articles), other links."""
        links = self.page_links(response)
        article_links, follow_pages = self.listing_articles(links)
        yield from self.article_requests(article_links)
        articles = set(article_links)
        for url, pagination in links:
            if url in articles:
                continue
            trap = is_trap(url)
            if trap:
                self.crawler.stats.inc_value(f"archive/skipped/trap_{trap}")
                continue
            if pagination or self.platform.matches(self.platform.paging_url, url):
                if follow_pages:
                    yield self.page_request(url, hops)
            elif hops >= self.max_hops:
                continue
            elif not self.platform.listing_url or self.is_listing_url(url):
                yield self.page_request(url, hops + 1)
            else:
                self.fallback.append(self.page_request(url, hops + 1))
        if follow_pages:
            yield from self.more_pages(response, hops, page)

    def listing_articles(self, links: list[tuple[str, bool]]) -> tuple[list[str], bool]:
        """Return a listing page's article links, and whether the listing leads on to its next page.

        It leads on while it shows articles neither archived nor listed by a sitemap (a sitemap
        lists them all; a feed only the newest, so feed items do not count here), or, on a first
        crawl, while it shows no article link it can tell yet.
        """
        article_links = [url for url, _ in links if self.is_article_url(url)]
        self.articles_seen += len(article_links)
        self.article_modules.update(_module(url) for url in article_links)
        fresh = [url for url in article_links if not self.is_known(url) and canonical_url(url) not in self.in_sitemaps]
        return article_links, bool(fresh) or not (self.known or article_links)

    def more_pages(self, response: TextResponse, hops: int, page: int) -> Iterable[scrapy.Request]:
        """Yield the listing's next page where only a form post reaches it (an ASP.NET pager)."""
        target = postback_pages(response.text).get(page + 1)
        if target and response.xpath(_VIEWSTATE_FORM):
            yield FormRequest.from_response(
                response, formxpath=_VIEWSTATE_FORM, dont_click=True,
                formdata={"__EVENTTARGET": target, "__EVENTARGUMENT": f"Page${page + 1}"},
                callback=self.parse_posted_page, errback=self.on_error, cb_kwargs={"hops": hops, "page": page + 1},
            )

    def parse_posted_page(self, response: TextResponse, hops: int, page: int):
        """Read a listing page reached by a form post."""
        if self.acceptable(response):
            yield from self.listing_requests(response, hops, page)

    def page_links(self, response: TextResponse) -> list[tuple[str, bool]]:
        """Return (URL, is pagination) for every same-portal link of a page, once each."""
        seen, links = set(), []
        for anchor in response.css("a[href]"):
            href = anchor.attrib["href"].strip()
            if href.startswith(("javascript:", "mailto:", "tel:", "#")):
                continue
            url = response.urljoin(href)
            key = canonical_url(url)
            if key in seen or not same_host(url, self.portal.host) or url.lower().split("?")[0].endswith(_SKIP_EXTENSIONS):
                continue
            if _FEED_SEGMENTS & set(urlsplit(url).path.lower().split("/")):
                continue  # a feed or the feeds' index: the site's feed is read from <link rel=alternate>
            seen.add(key)
            text = " ".join(anchor.css("::text").getall())
            links.append((url, is_pagination(url, text, anchor.attrib.get("rel", ""))))
        return links

    # --- when the platform's rules find nothing ----------------------------------------------

    def on_idle(self, spider) -> None:
        """Follow the off-platform links kept aside when the platform's rules found no article."""
        if spider is not self or not self.fallback or self.articles_seen:
            return
        requests, self.fallback = self.fallback, []
        logger.warning("%s: the %s platform's URL shapes found no article; following %d other links",
                       self.portal.id, self.name, len(requests))
        self.crawler.stats.inc_value("archive/discovery/fallback", len(requests))
        schedule_outside_callback(self.crawler, requests)  # a killed crawl resumes them too
        raise DontCloseSpider
