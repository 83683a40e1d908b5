"""PortalSpider: what every portal spider does; family spiders add data and discovery."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Iterable
from dataclasses import asdict
from datetime import datetime
from urllib.parse import urljoin, urlsplit

import scrapy
from scrapy import signals
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from scraper.archive import Archive, utc_now
from scraper.distributed import SharedRun
from scraper.extract import EXTRACTOR_VERSION, NotAnArticle
from scraper.frontier import REFETCH_KEY, Frontier
from scraper.items import Article, Recheck
from scraper.pool import ExtractionTimeout, extract_in_pool
from scraper.registry import Hints, Portal, load_registry, select_portals
from scraper.urls import canonical_url, same_host
from scraper.vietnamese import VIETNAM_TZ, VnDate, parse_announced_time

logger = logging.getLogger(__name__)


def announced_after(announced: VnDate, fetched_at: str) -> bool:
    """Tell whether a sitemap or feed time is after an article's last fetch (a date alone: a later day)."""
    fetched = datetime.fromisoformat(fetched_at).astimezone(VIETNAM_TZ)
    if announced.precision == "day":
        return announced.value.date() > fetched.date()
    return announced.value > fetched


def conditional_headers(stored: str | None) -> dict[str, str]:
    """Return If-None-Match / If-Modified-Since from the headers stored with the last fetch."""
    headers = {name.lower(): value for name, value in json.loads(stored or "{}").items()}
    conditional = {}
    if headers.get("etag"):
        conditional["If-None-Match"] = headers["etag"]
    if headers.get("last-modified"):
        conditional["If-Modified-Since"] = headers["last-modified"]
    return conditional


class PortalSpider(scrapy.Spider):
    """Crawl one registry portal: skip archived articles, extract the rest off the reactor thread."""

    family_hints = Hints()
    # `scrapy crawl FAMILY` without them is a usage error (scraper/commands/crawl.py)
    required_arguments = ("portal",)

    @classmethod
    def from_crawler(cls, crawler, *args, portal: Portal | str, **kwargs):
        if isinstance(portal, str):  # `scrapy crawl nukeviet -a portal=<id>`
            portal = select_portals(load_registry(crawler.settings["ARCHIVE_REGISTRY"]), [portal])[0]
        spider = super().from_crawler(crawler, *args, portal=portal, **kwargs)
        spider.setup(portal)
        crawler.signals.connect(spider.record_archived_before, signal=signals.spider_opened)
        return spider

    def record_archived_before(self) -> None:
        """Put in the run's stats how many articles the portal had archived when the run began.

        The run row tells a portal that never gave an article from one whose news merely stopped.
        """
        self.crawler.stats.set_value("archive/archived_before", len(self.archived))

    def setup(self, portal: Portal) -> None:
        """Bind the spider to its portal and read what the archive already holds."""
        self.portal = portal
        self.hints = self.family_hints.merged(portal.hints)
        self.allowed_domains = [portal.host, *self.hints.other_hosts]
        # a scale-out worker reads what the archive holds from Redis (the writer publishes it)
        self.shared = SharedRun.from_settings(self.settings, portal.id) if self.settings.get("ARCHIVE_REDIS_URL") else None
        if self.shared:
            self.archived = self.known = self.shared.known_urls()
        else:
            self.archived, self.known = self.archive_state(portal)
        # What the interrupted run stored was requested in this run: a resumed crawl does not fetch it again.
        self.requested: set[str] = self.archived - self.known
        self.workers = self.settings.getint("ARCHIVE_EXTRACT_WORKERS")
        self.extract_enabled = self.settings.getbool("ARCHIVE_EXTRACT_ENABLED")
        self.extract_timeout = self.settings.getfloat("ARCHIVE_EXTRACT_TIMEOUT")
        logger.info("%s: %s spider, %d articles already archived", portal.id, self.name, len(self.archived))

    def archive_state(self, portal: Portal) -> tuple[set[str], set[str]]:
        """Return the portal's archived canonical URLs, and those archived before this crawl began."""
        archive = Archive(self.settings["ARCHIVE_DB_PATH"])
        try:
            archived = archive.known_urls(portal.id)  # never fetched again as new articles
            # Paging stops on listing pages holding only articles archived before this crawl began.
            # A resumed crawl began before its interruption: what it stored since does not stop it.
            started = Frontier(archive.db, portal.id).resumable_since(
                self.settings.getfloat("ARCHIVE_FRONTIER_MAX_AGE_DAYS"))
            return archived, (archive.known_urls(portal.id, before=started) if started else archived)
        finally:
            archive.close()

    def absolute(self, url: str) -> str:
        """Return a registry or hint URL made absolute against the portal's base URL."""
        return urljoin(self.portal.base_url, url)

    # --- articles ----------------------------------------------------------------------------

    def is_known(self, url: str) -> bool:
        """Tell whether an article URL was archived before this run."""
        return canonical_url(url) in self.known

    def article_requests(self, urls: Iterable[str]) -> Iterable[scrapy.Request]:
        """Yield requests for the article URLs not archived yet and not requested yet in this run."""
        for url in urls:
            canonical = canonical_url(url)
            if canonical in self.archived:
                self.crawler.stats.inc_value("archive/skipped/known")
                continue
            # the same article behind other links: desktop and mobile cards, session ids, share links
            if not self.claim(canonical):
                continue
            yield scrapy.Request(self.fetch_url(url), callback=self.parse_article, errback=self.on_error)

    def claim(self, canonical: str) -> bool:
        """Claim an article for this run; False when it was requested already (by any worker of the run)."""
        if canonical in self.requested:
            return False
        self.requested.add(canonical)
        return self.shared.claim(canonical) if self.shared else True

    def fetch_url(self, url: str) -> str:
        """Return the form of a link to fetch; families whose links carry view state strip it."""
        return url

    async def parse_article(self, response: Response) -> AsyncIterator[Article]:
        """Extract one article page into an Article item, or log why it was skipped."""
        if not self.acceptable(response):
            return
        if not self.extract_enabled:
            return
        try:
            # requested as an article: a feed or sitemap item, or a link of the family's article pattern
            extracted = await self.extract(response, known_article=True)
        except NotAnArticle as exc:
            self.skip(response.url, "not_article", str(exc))
            return
        if extracted:
            yield self.article_item(response, extracted)

    async def extract(self, response: Response, known_article: bool):
        """Extract a page in the pool: (Extracted, near-duplicate signature), or None (with a logged
        skip) when it ran over its time limit.

        NotAnArticle reaches the caller, which knows what a non-article means there.
        """
        return await self.extract_body(response.body, response.url, known_article)

    async def extract_body(self, body: bytes, url: str, known_article: bool):
        """extract() for a page's bytes and URL (a web-archive capture is not the response that carried it)."""
        try:
            return await extract_in_pool(body, url, self.hints, self.workers, known_article, self.extract_timeout)
        except ExtractionTimeout as exc:
            self.skip(url, "extract_timeout", str(exc))
            return None

    def acceptable(self, response: Response) -> bool:
        """Tell whether a response is an HTML page of this portal; log a skip otherwise."""
        if not isinstance(response, TextResponse) or b"html" not in response.headers.get("Content-Type", b"html"):
            kind = response.headers.get("Content-Type", b"unknown").decode("latin-1")
            self.skip(response.url, "not_html", f"content type {kind}")
            return False
        if not same_host(response.url, self.portal.host):
            self.skip(response.url, "offsite_redirect", f"redirected off {self.portal.host}")
            return False
        return True

    def article_item(self, response: Response, page: tuple) -> Article:
        """Build the Article item from a response and its extraction (every extracted field carries over)."""
        extracted, signature = page
        fields = asdict(extracted)
        attachments = fields.pop("attachments")
        return Article(
            portal_id=self.portal.id,
            url=response.url,
            **fields,
            attachments=[{"url": url, "title": title} for url, title in attachments],
            fetched_at=utc_now(),
            extractor_version=EXTRACTOR_VERSION,
            raw_html=response.body,
            raw_headers={k.decode("latin-1"): b", ".join(v).decode("latin-1") for k, v in response.headers.items()},
            http_status=response.status,
            signature=signature,
        )

    # --- what the archive asks for: failed saves, re-checks ----------------------------------

    def archive_requests(self) -> Iterable[scrapy.Request]:
        """Yield the articles whose save failed in an earlier run, then the re-checks that are due."""
        yield from self.retry_requests()
        yield from self.recheck_requests()

    def retry_requests(self) -> Iterable[scrapy.Request]:
        """Yield the articles whose save failed in an earlier run, wherever the listings' paging stops now."""
        if self.shared:
            urls = self.shared.retry_urls()
        else:
            archive = Archive(self.settings["ARCHIVE_DB_PATH"])
            try:
                urls = archive.save_failures(self.portal.id)
            finally:
                archive.close()
        if urls:
            logger.info("%s: fetching again %d articles whose save failed before", self.portal.id, len(urls))
        yield from self.article_requests(urls)

    def recheck_requests(self) -> Iterable[scrapy.Request]:
        """Yield conditional GETs for the archived articles due for a re-check (lowest priority).

        Not on a scale-out worker: what is due is in the archive, which only the writer reads.
        """
        if self.shared:
            return
        archive = Archive(self.settings["ARCHIVE_DB_PATH"])
        try:
            due = archive.due_for_recheck(self.portal.id, self.settings.get("ARCHIVE_RECHECK_AT") or utc_now(),
                                          self.settings.getint("ARCHIVE_RECHECK_LIMIT"))
        finally:
            archive.close()
        if due:
            logger.info("%s: re-checking %d archived articles", self.portal.id, len(due))
        for row in due:
            self.requested.add(row["canonical_url"])  # a listing link to it needs no second fetch
            yield self.recheck_request(row["url"], row["canonical_url"], row["headers"], priority=-10)

    def refetch_requests(self, articles: list[tuple[str, str]], priority: int, stat: str) -> Iterable[scrapy.Request]:
        """Yield conditional re-fetches of archived articles given as (URL, canonical URL)."""
        if not articles:
            return
        archive = Archive(self.settings["ARCHIVE_DB_PATH"])
        try:
            headers = archive.last_headers([canonical for _, canonical in articles])
        finally:
            archive.close()
        for url, canonical in articles:
            self.requested.add(canonical)
            self.crawler.stats.inc_value(stat)
            yield self.recheck_request(url, canonical, headers.get(canonical), priority)

    def recheck_request(self, url: str, canonical: str, stored_headers: str | None, priority: int) -> scrapy.Request:
        """Return a conditional GET of an archived article, read by parse_recheck."""
        return scrapy.Request(
            url, callback=self.parse_recheck, errback=self.on_error, priority=priority,
            headers=conditional_headers(stored_headers), cb_kwargs={"canonical": canonical},
            meta={"handle_httpstatus_list": [304, 404, 410], REFETCH_KEY: True},
        )

    async def parse_recheck(self, response: Response, canonical: str) -> AsyncIterator:
        """Record what a re-check found: not modified, gone, or the page's text (unchanged or changed)."""
        if response.status == 304:
            yield Recheck(self.portal.id, canonical, "not_modified")
            return
        if response.status in (404, 410) or urlsplit(response.url).path in ("", "/"):
            reason = f"HTTP {response.status}" if response.status != 200 else "redirected to the home page"
            logger.info("%s: gone %s: %s", self.portal.id, canonical, reason)
            yield Recheck(self.portal.id, canonical, "gone", reason)
            return
        if not self.acceptable(response):
            return
        try:
            extracted = await self.extract(response, known_article=True)
        except NotAnArticle as exc:
            logger.info("%s: gone %s: soft 404 (%s)", self.portal.id, canonical, exc)
            yield Recheck(self.portal.id, canonical, "gone", f"soft 404: {exc}")
            return
        if extracted:
            yield self.article_item(response, extracted)

    # --- feeds -------------------------------------------------------------------------------

    def parse_feed(self, response: Response) -> Iterable[scrapy.Request]:
        """Read article links from an RSS or Atom feed; re-fetch archived ones it dates after their last fetch."""
        selector = scrapy.Selector(text=response.text, type="xml")
        selector.remove_namespaces()
        entries = []
        for item in selector.xpath("//item | //entry"):
            link = item.xpath("link[not(@rel) or @rel='alternate']/@href | link/text()").get()
            if link:  # Atom's <updated>, RSS's dc:date, else the entry's own publication time
                stamp = item.xpath("updated/text() | date/text()").get() or item.xpath("pubDate/text() | published/text()").get()
                entries.append((response.urljoin(link.strip()), stamp or ""))
        logger.info("%s: feed %s lists %d articles", self.portal.id, response.url, len(entries))
        yield from self.article_requests(url for url, _ in entries)
        yield from self.announced_changes(entries, response.url)

    # --- edits a portal announces ------------------------------------------------------------

    def announced_changes(self, entries: Iterable[tuple[str, str]], where: str) -> Iterable[scrapy.Request]:
        """Yield conditional re-fetches of the archived articles a sitemap or feed dates after their last fetch.

        An edit the portal announces (sitemap <lastmod>, a feed entry's time) becomes a version on
        this crawl, not at the next scheduled re-check. A list that dates most of its archived
        articles after their fetch (a sitemap writing the time it was generated) is not believed.
        """
        if self.shared:  # the last fetches are in the archive, which only the writer reads
            return
        fetched = self.last_fetched()
        listed, changed = 0, []
        for url, stamp in entries:
            canonical = canonical_url(url)
            if canonical not in fetched or canonical in self.requested:
                continue
            listed += 1
            announced = parse_announced_time(stamp)
            if announced and announced_after(announced, fetched[canonical][1]):
                changed.append(canonical)
        if listed >= 4 and 2 * len(changed) > listed:
            self.crawler.stats.inc_value("archive/announced_untrusted")
            logger.warning("%s: %s dates %d of its %d archived articles after their last fetch; not believed",
                           self.portal.id, where, len(changed), listed)
            return
        if changed:
            logger.info("%s: %s announces %d edited articles", self.portal.id, where, len(changed))
        yield from self.refetch_requests([(fetched[c][0], c) for c in changed], priority=5, stat="archive/announced_changes")

    def last_fetched(self) -> dict[str, tuple[str, str]]:
        """Return (URL, last fetch) of the portal's archived articles, read once per run."""
        if getattr(self, "_last_fetched", None) is None:
            archive = Archive(self.settings["ARCHIVE_DB_PATH"])
            try:
                self._last_fetched = archive.last_fetches(self.portal.id)
            finally:
                archive.close()
        return self._last_fetched

    # --- errors and skips --------------------------------------------------------------------

    def skip(self, url: str, reason: str, detail: str) -> None:
        """Log a page that is not archived, with the reason, and count it."""
        self.crawler.stats.inc_value(f"archive/skipped/{reason}")
        logger.info("%s: skipped %s: %s", self.portal.id, url, detail)

    def on_error(self, failure: Failure) -> None:
        """Log a request that failed (HTTP error, refused, timeout, too large), and count it."""
        request = failure.request
        if failure.check(HttpError):
            kind, detail = f"http_{failure.value.response.status}", f"HTTP {failure.value.response.status}"
        elif failure.check(IgnoreRequest):  # robots.txt, offsite: a decision, not an error
            self.skip(request.url, "ignored", str(failure.value) or "ignored")
            return
        else:
            kind, detail = failure.type.__name__, str(failure.value) or failure.type.__name__
        self.crawler.stats.inc_value(f"archive/errors/{kind}")
        logger.warning("%s: failed %s: %s", self.portal.id, request.url, detail)
