"""Retries that honour Retry-After: a host that says "429, come back in 30 s" gets 30 s of quiet.

Scrapy's RetryMiddleware retries 429 and 503 at once, which a rate-limited service (the Wayback
Machine, Common Crawl's index, a portal behind a WAF) answers with more 429s. This one waits
first: the `Retry-After` the response gives (seconds or an HTTP date), else an exponential
back-off (ARCHIVE_BACKOFF_BASE × 2^attempt), capped at ARCHIVE_RETRY_AFTER_MAX. The whole
downloader slot (the host) pauses, not just the one request.
"""

from __future__ import annotations

import logging
import time
from email.utils import parsedate_to_datetime

from scrapy import Request
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.utils.defer import deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.misc import build_from_crawler
from twisted.internet.defer import Deferred

logger = logging.getLogger(__name__)

THROTTLE_CODES = (429, 503)
ROBOTS_WAIT = 30  # seconds a scale-out worker waits for another worker's copy of a robots.txt


def retry_after_seconds(value: bytes | str | None, now: float | None = None) -> float | None:
    """Return the wait a Retry-After header asks for (delta-seconds or HTTP date), or None when absent or unreadable."""
    if not value:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


class RetryAfterMiddleware(RetryMiddleware):
    """RetryMiddleware that waits as the host asks (429, 503) before retrying, pausing the host's slot."""

    def __init__(self, settings):
        super().__init__(settings)
        self.max_wait = settings.getfloat("ARCHIVE_RETRY_AFTER_MAX", 120)
        self.backoff_base = settings.getfloat("ARCHIVE_BACKOFF_BASE", 2)

    @classmethod
    def from_crawler(cls, crawler):
        middleware = cls(crawler.settings)
        middleware.crawler = crawler
        return middleware

    async def process_response(self, request: Request, response: Response) -> Request | Response:
        if request.meta.get("dont_retry", False) or response.status not in THROTTLE_CODES:
            return super().process_response(request, response)
        attempt = request.meta.get("retry_times", 0)
        asked = retry_after_seconds(response.headers.get("Retry-After"))
        wait = min(self.max_wait, asked if asked is not None else self.backoff_base * 2 ** attempt)
        logger.info("HTTP %d from %s: waiting %.1f s (%s) before retrying", response.status, request.url, wait,
                    "Retry-After" if asked is not None else "back-off")
        self.crawler.stats.inc_value(f"archive/throttled/{response.status}")
        self._pause_slot(request, wait)
        from twisted.internet import reactor, task

        await deferred_to_future(task.deferLater(reactor, wait))
        return super().process_response(request, response)

    def _pause_slot(self, request: Request, wait: float) -> None:
        """Hold back the other requests to the same host for `wait` seconds too."""
        downloader = self.crawler.engine.downloader
        key = request.meta.get("download_slot") or downloader.get_slot_key(request)
        slot = downloader.slots.get(key)
        if slot is not None and slot.delay:
            # Scrapy waits `delay - (monotonic() - lastseen)` before the slot's next request
            slot.lastseen = max(slot.lastseen, time.monotonic() + wait - slot.delay)


class ServerGate:
    """Requests to one server start at least DOWNLOAD_DELAY apart, whichever crawler sends them.

    Scrapy keeps its delay per downloader slot, and every portal has a crawler (and slots) of its
    own: portals that share a server (many communes of a province on one VNPT host) would each get
    the full rate. This downloader middleware holds a gate per server that every crawler of the
    process shares, and on scale-out workers every worker (the gate is a Redis key that expires
    after the delay: SET NX PX). The server is the IP address with ARCHIVE_GATE_BY_IP (the
    default), else host and port. Off with ARCHIVE_SERVER_GATE = False or no delay.
    """

    gates: dict[str, float] = {}  # server -> monotonic time its next request may start (this process)

    def __init__(self, crawler):
        from scrapy.exceptions import NotConfigured

        settings = crawler.settings
        self.interval = settings.getfloat("DOWNLOAD_DELAY")
        if not settings.getbool("ARCHIVE_SERVER_GATE") or self.interval <= 0:
            raise NotConfigured("no delay between requests to hold")
        self.per_ip = settings.getbool("ARCHIVE_GATE_BY_IP")
        self.redis = None
        if settings.get("ARCHIVE_REDIS_URL"):
            from scraper.distributed import PREFIX, connect

            self.redis = connect(settings["ARCHIVE_REDIS_URL"])
            self.key_prefix = f"{PREFIX}gate:"
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    async def process_request(self, request: Request) -> None:
        from twisted.internet import reactor, task

        server = await self.server_of(request)
        waited = 0.0
        while (wait := self.claim(server)) > 0:
            waited += wait
            await deferred_to_future(task.deferLater(reactor, wait))
        if waited:
            self.stats.inc_value("archive/server_gate/waits")

    async def server_of(self, request: Request) -> str:
        """Return the key of the server a request goes to: its IP address (per-IP politeness) or host:port."""
        parts = urlparse_cached(request)
        if not self.per_ip:
            return parts.netloc.lower()
        from twisted.internet import reactor

        try:  # Scrapy's resolver, with its DNS cache; the download resolves the same name
            return await deferred_to_future(reactor.resolve(parts.hostname or ""))
        except Exception:  # unresolvable: the download fails with its own error; gate by name meanwhile
            return (parts.hostname or "").lower()

    def claim(self, server: str) -> float:
        """Take the server's gate and return 0, or return the seconds until it opens."""
        if self.redis is not None:
            key = self.key_prefix + server
            if self.redis.set(key, b"1", nx=True, px=max(1, round(self.interval * 1000))):
                return 0.0
            return max(self.redis.pttl(key), 1) / 1000
        now = time.monotonic()
        opens = self.gates.get(server, 0.0)
        if now >= opens:
            self.gates[server] = now + self.interval
            return 0.0
        return opens - now


# RFC 9309 §2.3.1.4: what an unreachable robots.txt (5xx, no answer) means: complete disallow.
DISALLOW_ALL = b"User-agent: *\nDisallow: /\n"


class SharedRobotsTxtMiddleware(RobotsTxtMiddleware):
    """Scrapy's robots.txt middleware, its parsers shared: robots.txt is read once per host and crawl.

    Every portal's crawl and its detection are Scrapy crawlers of their own, each of which would
    read robots.txt again; here every crawler of the process shares one parser per host. On
    scale-out workers the body is kept in Redis for the run: one worker reads it, the others wait
    for its copy (at most ROBOTS_WAIT s, then read it themselves).
    """

    parsers: dict = {}  # netloc -> RobotParser, or the Deferred of one being read, for every crawler

    def __init__(self, crawler):
        super().__init__(crawler)
        self._parsers = SharedRobotsTxtMiddleware.parsers
        self.redis = None
        if crawler.settings.get("ARCHIVE_REDIS_URL"):
            from scraper.distributed import connect

            self.redis = connect(crawler.settings["ARCHIVE_REDIS_URL"])
        self.run_id = crawler.settings.get("ARCHIVE_RUN_ID", "")

    def robots_key(self, netloc: str) -> str:
        from scraper.distributed import PREFIX

        return f"{PREFIX}run:{self.run_id}:robots:{netloc}"

    async def robot_parser(self, request: Request):
        netloc = urlparse_cached(request).netloc
        if self.redis is not None and netloc not in self._parsers:
            body = await self.body_from_another_worker(netloc)
            if body is not None and netloc not in self._parsers:
                self._parsers[netloc] = build_from_crawler(self._parserimpl, self.crawler, body)
        pending = self._parsers.get(netloc)
        if isinstance(pending, Deferred):
            # Scrapy 2.19 awaits the shared Deferred through asFuture(), whose callback returns None:
            # the first waiter got the parser, every later one None, and None means "allow all", so
            # the first requests to a host ignored its robots.txt (scrapy/scrapy#6802). Each waiter
            # here gets a Deferred of its own, fed by a callback that passes the parser on.
            return await deferred_to_future(self._waiter(pending))
        return await super().robot_parser(request)

    @staticmethod
    def _waiter(shared: Deferred) -> Deferred:
        """Return a Deferred that fires with the shared one's result, leaving that result for the others."""
        own: Deferred = Deferred()

        def relay(result):
            own.callback(result)
            return result

        shared.addBoth(relay)
        return own

    async def body_from_another_worker(self, netloc: str) -> bytes | None:
        """Return the robots.txt another worker of the run read; None when this worker is to read it."""
        from twisted.internet import reactor, task

        from scraper.distributed import RUN_TTL

        key = self.robots_key(netloc)
        body = self.redis.get(key)
        if body is not None or self.redis.set(key + ":reader", b"1", nx=True, ex=RUN_TTL):
            return body
        deadline = time.monotonic() + ROBOTS_WAIT
        while time.monotonic() < deadline:
            await deferred_to_future(task.deferLater(reactor, 0.2))
            body = self.redis.get(key)
            if body is not None:
                return body
        return None

    def _robots_error(self, exc: Exception, netloc: str) -> None:
        if isinstance(exc, IgnoreRequest):  # not fetched on purpose (a redirect off the host): unavailable, allow
            super()._robots_error(exc, netloc)
            return
        # no answer (refused, timed out, reset): unreachable, so complete disallow for this run (RFC 9309 §2.3.1.4)
        logger.warning("%s: robots.txt unreachable (%s); nothing of the host is fetched this run (RFC 9309)",
                       netloc, type(exc).__name__)
        self._stats.inc_value(f"robotstxt/exception_count/{type(exc)}")
        self._stats.inc_value(f"archive/errors/robots_{type(exc).__name__}")  # the run says why it fetched nothing
        shared = self._parsers[netloc]
        parser = build_from_crawler(self._parserimpl, self.crawler, DISALLOW_ALL)
        self._parsers[netloc] = parser
        if isinstance(shared, Deferred):
            shared.callback(parser)

    async def _parse_robots(self, response: Response, netloc: str, request: Request) -> None:
        if response.status >= 500:
            # RFC 9309 §2.3.1.4: an unreachable robots.txt (a server error) means complete disallow
            logger.warning("%s: robots.txt answered HTTP %d; nothing of the host is fetched this run (RFC 9309)",
                           netloc, response.status)
            self._stats.inc_value(f"archive/errors/robots_http_{response.status}")
            response = response.replace(status=200, body=DISALLOW_ALL)
        if self.redis is not None:
            from scraper.distributed import RUN_TTL

            self.redis.set(self.robots_key(netloc), response.body, ex=RUN_TTL)
        await super()._parse_robots(response, netloc, request)
