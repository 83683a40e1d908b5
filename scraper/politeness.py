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
from scrapy.http import Response
from scrapy.utils.defer import deferred_to_future

logger = logging.getLogger(__name__)

THROTTLE_CODES = (429, 503)


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
