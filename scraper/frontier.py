"""The crawl frontier, kept in the archive: what each portal's crawl has still to fetch, crash-safe.

Scrapy's JOBDIR writes its seen-set at once but its queue only on a clean shutdown: after
`kill -9` a resumed crawl silently skips every request that was queued (measured: 78 of 400
pages lost). Here a request is written as `pending` before Scrapy schedules it, and turned `done`
in the same SQLite transaction that keeps what its response produced: the article row (Archive.save)
or the pending rows of the links it led to (FrontierMiddleware). Whatever the moment of a crash,
every page is either done with its results stored, or still pending; the next `govnews crawl` of
the portal fetches the pending ones, and skips the done ones, before anything else.

A crawl that ends by itself (`finished`) with every article stored clears its portal's frontier,
so the next crawl starts from the portal's home page and listings again. Any other end (killed,
stopped, out of page budget, an article that could not be stored) leaves it, and the next crawl
resumes it, unless it is older than ARCHIVE_FRONTIER_MAX_AGE_DAYS.
"""

from __future__ import annotations

import base64
import json
import logging
from collections.abc import AsyncIterator, Iterable
from datetime import datetime, timedelta, timezone
from typing import Any

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.utils.request import fingerprint as scrapy_fingerprint
from scrapy.utils.request import request_from_dict
from sqlite_utils import Database

from scraper.archive import Archive, mark_frontier_done, utc_now
from scraper.items import StoreFailed
from scraper.urls import canonical_url

logger = logging.getLogger(__name__)

FINGERPRINT_KEY = "frontier_fp"  # request meta: the frontier row a response answers (kept across redirects)
REFETCH_KEY = "refetch_archived"  # request meta: fetch even when the URL's article is archived (re-checks)


# --- requests as rows ------------------------------------------------------------------------

def request_record(request: Request, spider) -> str:
    """Return a request as JSON text that request_from_record() turns back into the same request."""
    return dumps_request_dict(request.to_dict(spider=spider))


def request_from_record(record: str, spider) -> Request:
    """Return the request a frontier row holds, with its callbacks bound to the spider."""
    return request_from_dict(loads_request_dict(record), spider=spider)


def dumps_request_dict(record: dict) -> str:
    """Return Request.to_dict()'s dict as JSON text: headers as latin-1 text, body in base64, JSON meta only."""
    record = dict(record)
    record["headers"] = {_text(name): [_text(v) for v in values] for name, values in record["headers"].items()}
    record["body"] = base64.b64encode(record["body"]).decode("ascii")
    record["meta"] = {key: value for key, value in record["meta"].items() if _is_json(value)}
    return json.dumps(record, ensure_ascii=False, sort_keys=True)


def loads_request_dict(record: str | bytes) -> dict:
    """Return the dict dumps_request_dict() wrote, ready for request_from_dict()."""
    data = json.loads(record)
    data["body"] = base64.b64decode(data["body"])
    return data


def _text(value: bytes | str) -> str:
    return value.decode("latin-1") if isinstance(value, bytes) else value


def _is_json(value: Any) -> bool:
    try:
        json.dumps(value)
    except (TypeError, ValueError):
        return False
    return True


# --- the table ---------------------------------------------------------------------------------

class Frontier:
    """One portal's rows of the `frontier` table, on an archive connection."""

    def __init__(self, db: Database, portal_id: str):
        self.db = db
        self.portal_id = portal_id

    def started_at(self) -> str | None:
        """Return when the crawl this frontier belongs to began, or None when there is none."""
        row = self.db.execute("SELECT min(added_at) FROM frontier WHERE portal_id = ?", [self.portal_id]).fetchone()
        return row[0]

    def resumable_since(self, max_age_days: float) -> str | None:
        """Return when the interrupted crawl to resume began; None when there is none to resume.

        A frontier older than max_age_days is not resumed, nor one with nothing left pending (the
        crawl was killed after its last page, before it could say it finished). The spider (for its
        paging) and the middleware (for its requests) both decide through this.
        """
        started = self.started_at()
        if started is None or is_stale(started, max_age_days):
            return None
        self.settle()
        left = self.db.execute("SELECT count(*) FROM frontier WHERE portal_id = ? AND state = 'pending'",
                               [self.portal_id]).fetchone()[0]
        return started if left else None

    def fingerprints(self) -> tuple[set[str], set[str], set[str]]:
        """Return the fingerprints of the pending and of the done requests, and the canonical URLs of both."""
        pending, done, canonicals = set(), set(), set()
        for fingerprint, state, canonical in self.db.execute(
                "SELECT fingerprint, state, canonical_url FROM frontier WHERE portal_id = ?", [self.portal_id]):
            (done if state == "done" else pending).add(fingerprint)
            if canonical:
                canonicals.add(canonical)
        return pending, done, canonicals

    def settle(self) -> None:
        """Turn done every pending GET of a page whose article is archived by now (found through
        another link to it): the article needs no second fetch. Re-checks stay pending."""
        with self.db.atomic():
            self.db.execute(
                """UPDATE frontier SET state = 'done', done_at = added_at
                   WHERE portal_id = :portal AND state = 'pending' AND request NOT LIKE :refetch
                     AND canonical_url IN (SELECT canonical_url FROM articles WHERE portal_id = :portal)""",
                {"portal": self.portal_id, "refetch": f'%"{REFETCH_KEY}": true%'})

    def pending(self) -> list[tuple[str, str]]:
        """Return (fingerprint, request record) of the pending requests, in the order they were found."""
        return self.db.execute(
            "SELECT fingerprint, request FROM frontier WHERE portal_id = ? AND state = 'pending' ORDER BY rowid",
            [self.portal_id]).fetchall()

    def add(self, requests: Iterable[tuple[str, Request]], spider, now: str, done: str | None = None) -> None:
        """In one transaction: record new requests as pending and, when given, one request as done."""
        with self.db.atomic():
            self.db.conn.executemany(
                "INSERT OR IGNORE INTO frontier (portal_id, fingerprint, url, canonical_url, method, request, state,"
                " added_at) VALUES (?, ?, ?, ?, ?, ?, 'pending', ?)",
                [(self.portal_id, fp, r.url, page_key(r), r.method, request_record(r, spider), now)
                 for fp, r in requests],
            )
            if done:
                mark_frontier_done(self.db, self.portal_id, done, now)

    def clear(self) -> int:
        """Delete the portal's frontier (its crawl finished); return how many rows it had."""
        with self.db.atomic():
            return self.db.execute("DELETE FROM frontier WHERE portal_id = ?", [self.portal_id]).rowcount


def page_key(request: Request) -> str | None:
    """Return the canonical URL of a GET request (one fetch per page); None for POSTs, whose body is the
    page, and for Range requests, whose range is (a Common Crawl record in a WARC file)."""
    if request.method != "GET" or b"Range" in request.headers:
        return None
    return canonical_url(request.url)


class RangeAwareFingerprinter:
    """Scrapy's request fingerprint, with the Range header in it: two records of one WARC file are two requests.

    Requests without a Range header keep Scrapy's own fingerprint.
    """

    @classmethod
    def from_crawler(cls, crawler):
        return cls()

    def fingerprint(self, request: Request) -> bytes:
        return scrapy_fingerprint(request, include_headers=("Range",))


def is_stale(started_at: str, max_age_days: float, now: datetime | None = None) -> bool:
    """Tell whether an interrupted crawl began too long ago to be resumed."""
    began = datetime.fromisoformat(started_at)
    return (now or datetime.now(timezone.utc)) - began > timedelta(days=max_age_days)


# --- the spider middleware -------------------------------------------------------------------

class FrontierMiddleware:
    """Write every request of a portal spider to the frontier before Scrapy schedules it.

    Active for spiders with a `portal` (the portal spiders); the detect spider turns it off.
    """

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.frontier: Frontier | None = None
        self.pending: set[str] = set()
        self.done: set[str] = set()
        self.canonicals: set[str] = set()
        self.resumed: list[tuple[str, str]] = []
        self.opened = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FrontierMiddleware:
        middleware = cls(crawler)
        crawler.signals.connect(middleware.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(middleware.item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    def spider_opened(self, spider) -> None:
        self.open(spider)

    def open(self, spider) -> None:
        """Read the portal's frontier once: resume it, or drop it when it is too old or complete."""
        if self.opened:
            return
        self.opened = True
        portal = getattr(spider, "portal", None)
        if portal is None or not self.crawler.settings.getbool("ARCHIVE_FRONTIER_ENABLED", True):
            return
        self.archive = Archive(self.crawler.settings["ARCHIVE_DB_PATH"])
        self.frontier = Frontier(self.archive.db, portal.id)
        max_age = self.crawler.settings.getfloat("ARCHIVE_FRONTIER_MAX_AGE_DAYS")
        began = self.frontier.started_at()
        started = self.frontier.resumable_since(max_age)
        if began and not started:
            why = "too old to resume" if is_stale(began, max_age) else "complete"
            dropped = self.frontier.clear()
            logger.warning("%s: the crawl interrupted after %s is %s; %d frontier rows dropped, starting afresh",
                           portal.id, began, why, dropped)
        if started:
            self.resumed = self.frontier.pending()
            self.pending, self.done, self.canonicals = self.frontier.fingerprints()
            logger.info("%s: resuming the crawl interrupted after %s: %d requests pending, %d done",
                        portal.id, started, len(self.pending), len(self.done))
        self.crawler.stats.set_value("archive/frontier/resumed", len(self.resumed))

    def fingerprint(self, request: Request) -> str:
        return self.crawler.request_fingerprinter.fingerprint(request).hex()

    async def process_start(self, start: AsyncIterator[Any]) -> AsyncIterator[Any]:
        self.open(self.crawler.spider)
        if self.frontier is None:
            async for entry in start:
                yield entry
            return
        spider = self.crawler.spider
        for fingerprint, record in self.resumed:  # what the interrupted crawl had left to do, first
            request = request_from_record(record, spider)
            request.meta[FINGERPRINT_KEY] = fingerprint
            yield request
        self.resumed = []
        async for entry in start:
            if isinstance(entry, Request):
                new = self.record([entry])
                if not new:
                    continue  # pending (yielded above) or done in the interrupted crawl
            yield entry

    async def process_spider_output(self, response, result: AsyncIterator[Any]) -> AsyncIterator[Any]:
        if self.frontier is None:
            async for entry in result:
                yield entry
            return
        requests, items = [], []
        async for entry in result:
            (requests if isinstance(entry, Request) else items).append(entry)
        parent = response.meta.get(FINGERPRINT_KEY) if response is not None else None
        # With items, the store pipeline turns the parent done when it saves them (Archive.save).
        new = self.record(requests, done=None if items else parent)
        for item in items:
            if parent and hasattr(item, "frontier_fp"):
                item.frontier_fp = parent
        for request in new:
            yield request
        for item in items:
            yield item

    def record(self, requests: list[Request], done: str | None = None) -> list[Request]:
        """Write the requests not seen before as pending (and `done` as done); return those requests."""
        new, rows = [], []
        for request in requests:
            fingerprint, page = self.fingerprint(request), page_key(request)
            if fingerprint in self.pending or fingerprint in self.done or (page and page in self.canonicals):
                continue  # this page is done, or pending under this or another link to it
            self.pending.add(fingerprint)
            if page:
                self.canonicals.add(page)
            request.meta[FINGERPRINT_KEY] = fingerprint
            new.append(request)
            rows.append((fingerprint, request))
        if rows or done:
            self.frontier.add(rows, self.crawler.spider, utc_now(), done)
        if done:
            self.done.add(done)
        return new

    def item_dropped(self, item, response, exception) -> None:
        """A dropped item (a second copy in this run, no title) leaves nothing to store: its page is done."""
        fingerprint = getattr(item, "frontier_fp", "")
        if isinstance(exception, StoreFailed):
            return  # not stored: its request stays pending, for the next crawl
        if self.frontier is not None and fingerprint:
            self.frontier.add([], self.crawler.spider, utc_now(), fingerprint)

    def spider_closed(self, spider, reason: str) -> None:
        if self.frontier is None:
            return
        if reason == "finished" and not self.crawler.stats.get_value("archive/errors/store"):
            self.frontier.clear()
        else:
            pending = self.archive.db.execute(
                "SELECT count(*) FROM frontier WHERE portal_id = ? AND state = 'pending'",
                [self.frontier.portal_id]).fetchone()[0]
            logger.info("%s: crawl ended (%s) with %d requests pending; the next crawl resumes them",
                        self.frontier.portal_id, reason, pending)
        self.archive.close()


def schedule_outside_callback(crawler: Crawler, requests: Iterable[Request]) -> int:
    """Schedule requests a spider makes outside a callback (in a spider_idle handler) through the
    frontier, as a callback's requests go: written as pending first, so that a killed run resumes
    them. Return how many were scheduled (those pending or done already are not)."""
    requests = list(requests)
    middleware = next((m for m in crawler.engine.scraper.spidermw.middlewares if isinstance(m, FrontierMiddleware)), None)
    if middleware is not None and middleware.frontier is not None:
        requests = middleware.record(requests)
    for request in requests:
        crawler.engine.crawl(request)
    return len(requests)
