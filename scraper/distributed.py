"""Scale-out on scrapy-redis: crawler workers share each portal's request queue and duplicate
filter in Redis; what they extract goes through Redis to one writer that owns archive.db.

    govnews ingest --redis URL --db archive.db      # the writer: one process, next to the archive
    govnews crawl --redis URL --all                  # workers: any number, on any machine

The writer publishes what the archive holds (the canonical URLs archived per portal, the
families detected), then stores what the workers send, in the order they sent it. Workers read
no archive: they can run on machines that do not have it.

Keys, all under the prefix `govnews:` in one Redis database:

    ready                        the writer is up and has published the archive's state
    known:<portal>               set: canonical URLs archived for the portal (the writer adds each new one)
    families                     hash: portal -> detected family, from the archive
    items                        list: messages from workers to the writer (JSON), first in first out
    worker:<id>                  a live worker; expires WORKER_TTL s after its last heartbeat
    run:<run>:<portal>:requests  scrapy-redis priority queue of the portal's requests in this run
    run:<run>:<portal>:seen      scrapy-redis duplicate filter of the run (request fingerprints)
    run:<run>:<portal>:claimed   set: canonical article URLs requested in the run, by any worker
    run:<run>:<portal>:workers   set: workers crawling the portal; `...:idle` those with nothing to do
    run:<run>:<portal>:family    the family one worker detected for an `auto` portal in this run
    run:<run>:<portal>:detect    lock: the worker that detects the portal's family

Run keys expire RUN_TTL after their last use, so a late worker of the same run finds the
duplicate filter and fetches nothing twice, and yesterday's run leaves nothing behind.
"""

from __future__ import annotations

import base64
import functools
import json
import logging
import os
import signal
import socket
import time
import uuid
from dataclasses import asdict, dataclass
from datetime import datetime, timezone

import redis
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider, NotConfigured
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.scheduler import Scheduler

from scraper.archive import Archive, utc_now
from scraper.frontier import dumps_request_dict, loads_request_dict
from scraper.items import Article, Recheck
from scraper.registry import Portal
from scraper.runs import run_row, stored_stats

logger = logging.getLogger(__name__)

PREFIX = "govnews:"
READY = PREFIX + "ready"
FAMILIES = PREFIX + "families"
ITEMS = PREFIX + "items"
REFUSED = PREFIX + "refused"  # messages the writer could not store, kept for a look and a replay
WORKER_TTL = 30  # seconds a worker counts as alive after its last heartbeat
HEARTBEAT = 10  # seconds between a worker's heartbeats
RUN_TTL = 2 * 24 * 3600  # seconds a run's keys outlive their last use
WAKE_INTERVAL = 0.5  # seconds between an idle worker's looks at a portal's queue
HANDOFF = "govnews_handoff"  # request meta: popped from the run's queue for this worker, not to be queued again
RUN_KEYS = ("requests", "seen", "claimed", "workers", "idle")  # a portal's keys in a run that workers keep alive
DETECT_WAIT = 120  # seconds a worker waits for another worker's detection of a portal


class RedisUnavailable(RuntimeError):
    """Redis cannot be reached, or no writer has published the archive yet."""


@functools.cache
def connect(url: str) -> redis.Redis:
    """Return the process's client for a Redis URL, or raise RedisUnavailable with a one-line reason.

    One client (one connection pool) per URL and process: every portal's crawler, its scheduler,
    pipeline, gate and robots.txt share it, so a worker of 700 portals holds a handful of connections.
    """
    try:
        server = redis.Redis.from_url(url, socket_connect_timeout=10, socket_timeout=60, decode_responses=False)
        server.ping()
    except (redis.RedisError, ValueError) as exc:
        raise RedisUnavailable(f"cannot reach Redis at {url}: {exc}") from None
    return server


def default_run_id() -> str:
    """Return the run id workers agree on without being told: today's UTC date (a daily crawl)."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%d")


def known_key(portal_id: str) -> str:
    return f"{PREFIX}known:{portal_id}"


def retry_key(portal_id: str) -> str:
    """Return the Redis set of a portal's article URLs whose save failed (the writer publishes it)."""
    return f"{PREFIX}retry:{portal_id}"


def worker_key(worker_id: str) -> str:
    return f"{PREFIX}worker:{worker_id}"


def new_worker_id() -> str:
    """Return an id that names this worker process in logs and keys: host, pid, a random part."""
    return f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"


@dataclass(frozen=True)
class RunKeys:
    """The keys of one portal in one run."""

    run_id: str
    portal_id: str

    def key(self, name: str) -> str:
        return f"{PREFIX}run:{self.run_id}:{self.portal_id}:{name}"

    @property
    def queue_template(self) -> str:
        """The queue key as scrapy-redis wants it: it %-formats the key with the spider's name."""
        return self.key("requests").replace("%", "%%")


# --- what a worker sees of the archive ----------------------------------------------------------

class SharedRun:
    """One portal's run as the workers share it: the archive's known URLs and the articles claimed."""

    def __init__(self, server: redis.Redis, keys: RunKeys):
        self.server = server
        self.keys = keys

    @classmethod
    def from_settings(cls, settings, portal_id: str) -> "SharedRun":
        return cls(connect(settings["ARCHIVE_REDIS_URL"]), RunKeys(settings["ARCHIVE_RUN_ID"], portal_id))

    def known_urls(self) -> set[str]:
        """Return the canonical URLs the writer says the archive holds for the portal."""
        return {url.decode("utf-8") for url in self.server.smembers(known_key(self.keys.portal_id))}

    def retry_urls(self) -> list[str]:
        """Return the URLs of the portal's articles whose save failed, as the writer published them."""
        return sorted(url.decode("utf-8") for url in self.server.smembers(retry_key(self.keys.portal_id)))

    def claim(self, canonical_url: str) -> bool:
        """Claim an article for this worker; False when another worker (or this one) requested it in the run."""
        key = self.keys.key("claimed")
        added, _ = self.server.pipeline(transaction=False).sadd(key, canonical_url).expire(key, RUN_TTL).execute()
        return added == 1


# --- the scheduler --------------------------------------------------------------------------------

class JsonRequests:
    """scrapy-redis serializer: requests as JSON, not pickle (unpickling what a network service hands
    over runs whatever code it holds)."""

    @staticmethod
    def dumps(record: dict) -> str:
        return dumps_request_dict(record)

    @staticmethod
    def loads(text: bytes | str) -> dict:
        return loads_request_dict(text)


class PortalScheduler(Scheduler):
    """scrapy-redis's scheduler, its queue and duplicate filter keyed by run and portal.

    A worker whose queue runs dry stays open while another live worker of the portal is busy:
    that worker's next listing page can queue more requests for everyone.
    """

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "PortalScheduler":
        # the run's queue and filter are never flushed when one worker closes: persist
        scheduler = cls(server=connect(crawler.settings["ARCHIVE_REDIS_URL"]), persist=True, serializer=JsonRequests)
        scheduler.stats = crawler.stats
        scheduler.crawler = crawler
        crawler.signals.connect(scheduler.spider_idle, signal=signals.spider_idle)
        return scheduler

    def open(self, spider) -> None:
        settings = self.crawler.settings
        self.keys = RunKeys(settings["ARCHIVE_RUN_ID"], spider.portal.id)
        self.worker_id = settings["ARCHIVE_WORKER_ID"]
        self.queue_key = self.keys.queue_template
        self.df = RFPDupeFilter(self.server, key=self.keys.key("seen"), debug=settings.getbool("DUPEFILTER_DEBUG"))
        super().open(spider)
        self.idle = False
        self.handoff: list = []  # requests wake() took from the run's queue for this worker
        self.watcher = None
        self.server.sadd(self.keys.key("workers"), self.worker_id)
        self.server.srem(self.keys.key("idle"), self.worker_id)
        self.keep_run_keys()

    def keep_run_keys(self) -> None:
        """Let the run's keys live RUN_TTL from now (on open and close, not on every request)."""
        pipe = self.server.pipeline(transaction=False)
        for name in RUN_KEYS:
            pipe.expire(self.keys.key(name), RUN_TTL)
        pipe.execute()

    def enqueue_request(self, request) -> bool:
        if request.meta.pop(HANDOFF, False):  # taken from the run's queue by wake(): this worker's now
            self.handoff.append(request)
            return True
        return super().enqueue_request(request)

    def next_request(self):
        request = self.handoff.pop(0) if self.handoff else super().next_request()
        if request is not None and self.idle:
            self.idle = False
            self.server.srem(self.keys.key("idle"), self.worker_id)
        return request

    def __len__(self) -> int:
        return len(self.handoff) + super().__len__()

    def spider_idle(self, spider) -> None:
        """Keep the spider open while another live worker of the portal may still queue requests."""
        if not self.idle:
            self.idle = True
            self.server.sadd(self.keys.key("idle"), self.worker_id)
        if self.others_busy():
            self.watch()
            raise DontCloseSpider

    def watch(self) -> None:
        """Look at the run's queue every WAKE_INTERVAL s while idle (Scrapy itself looks every 5 s)."""
        if self.watcher is None or not self.watcher.running:
            from twisted.internet import task

            self.watcher = task.LoopingCall(self.wake)
            self.watcher.start(WAKE_INTERVAL, now=False)

    def wake(self) -> None:
        """Take a request another worker queued and hand it to the engine; close once every worker is idle."""
        engine = self.crawler.engine
        if not self.idle or engine.spider is None:
            self.watcher.stop()
            return
        request = super().next_request()
        if request is not None:
            request.meta[HANDOFF] = True
            engine.crawl(request)  # through enqueue_request() above, back to next_request()
        elif not self.others_busy() and engine.spider_is_idle():
            from scrapy.utils.defer import deferred_from_coro

            self.watcher.stop()
            deferred_from_coro(engine.close_spider_async(reason="finished"))

    def others_busy(self) -> bool:
        """Tell whether a live worker of the portal is not idle (a dead one is forgotten)."""
        idle = self.server.smembers(self.keys.key("idle"))
        for member in self.server.smembers(self.keys.key("workers")):
            if member in idle:
                continue
            if not self.server.exists(worker_key(member.decode("utf-8"))):
                logger.warning("%s: worker %s stopped without leaving; forgotten", self.keys.portal_id, member.decode())
                self.server.srem(self.keys.key("workers"), member)
                continue
            return True
        return False

    def close(self, reason: str) -> None:
        if self.watcher is not None and self.watcher.running:
            self.watcher.stop()
        self.server.srem(self.keys.key("workers"), self.worker_id)
        self.server.srem(self.keys.key("idle"), self.worker_id)
        self.keep_run_keys()
        super().close(reason)


# --- messages from workers to the writer -------------------------------------------------------

def article_message(item: Article | Recheck, run_id: str) -> str:
    """Return an item as a JSON message for the writer (bytes fields in base64)."""
    if isinstance(item, Recheck):
        return json.dumps({"kind": "recheck", "run_id": run_id, "item": asdict(item)}, ensure_ascii=False)
    fields = asdict(item)
    for name in ("raw_html", "signature"):
        fields[name] = base64.b64encode(fields[name]).decode("ascii")
    return json.dumps({"kind": "article", "run_id": run_id, "item": fields}, ensure_ascii=False)


def item_from_message(message: dict) -> Article | Recheck:
    """Return the item an article or recheck message carries."""
    fields = dict(message["item"])
    if message["kind"] == "recheck":
        return Recheck(**fields)
    for name in ("raw_html", "signature"):
        fields[name] = base64.b64decode(fields[name])
    return Article(**fields)


def portal_message(portal) -> str:
    """Return the registry row of a portal a worker crawls, for the writer's portals table."""
    row = {name: getattr(portal, name) for name in
           ("id", "name", "province", "unit", "level", "base_url", "family", "status", "successor")}
    return json.dumps({"kind": "portal", "portal": row}, ensure_ascii=False)


def send(server: redis.Redis, message: str) -> None:
    server.rpush(ITEMS, message.encode("utf-8"))


class RunReporter:
    """Worker extension: announce each portal to the writer, and send its run's stats when it closes.

    The writer merges the stats of every worker of a portal into one crawl_runs row. The worker
    keeps its own rows too, for its summary line (`worker_rows`).
    """

    worker_rows: list[dict] = []

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.server = connect(crawler.settings["ARCHIVE_REDIS_URL"])
        self.run_id = crawler.settings["ARCHIVE_RUN_ID"]

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "RunReporter":
        if not crawler.settings.get("ARCHIVE_REDIS_URL"):
            raise NotConfigured("not a scale-out worker")
        reporter = cls(crawler)
        crawler.signals.connect(reporter.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(reporter.spider_closed, signal=signals.spider_closed)
        return reporter

    def spider_opened(self, spider) -> None:
        send(self.server, portal_message(spider.portal))

    def spider_closed(self, spider, reason: str) -> None:
        stats = self.crawler.stats.get_stats()
        send(self.server, json.dumps({"kind": "run", "run_id": self.run_id, "portal_id": spider.portal.id,
                                      "spider": spider.name, "reason": reason,
                                      "worker": self.crawler.settings["ARCHIVE_WORKER_ID"], "stats": stats},
                                     default=str, ensure_ascii=False))
        row = run_row(stats, reason, self.run_id, spider.portal.id, spider.name)
        # a worker that found the portal's queue emptied by the others answered nothing, and is fine
        row["status"] = "ok" if reason == "finished" and not stats.get("spider_exceptions/count") else "failed"
        row["sent"] = stats.get("archive/sent", 0)
        RunReporter.worker_rows.append(row)


def worker_summary(rows: list[dict], worker_id: str, seconds: float) -> str:
    """Return a worker's one summary line."""
    failed = [row["portal_id"] for row in rows if row["status"] != "ok"]
    line = (f"crawl worker {worker_id}: {len(rows)} portals, {len(rows) - len(failed)} ok, {len(failed)} failed; "
            f"{sum(r['pages_fetched'] for r in rows)} pages, {sum(r['sent'] for r in rows)} items sent to the writer, "
            f"{sum(r['errors'] for r in rows)} errors; {seconds:.0f} s")
    return line + (f" [failed: {', '.join(failed)}]" if failed else "")


class Heartbeat:
    """Keeps worker:<id> alive while the worker runs (a reactor LoopingCall)."""

    def __init__(self, server: redis.Redis, worker_id: str):
        self.server = server
        self.key = worker_key(worker_id)
        self.loop = None

    def beat(self) -> None:
        self.server.set(self.key, utc_now(), ex=WORKER_TTL)

    def start(self) -> None:
        from twisted.internet import task

        self.beat()
        self.loop = task.LoopingCall(self.beat)
        self.loop.start(HEARTBEAT, now=False)

    def stop(self) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        self.server.delete(self.key)


def require_writer(server: redis.Redis, url: str) -> None:
    """Raise RedisUnavailable unless a writer has published the archive's state."""
    if not server.exists(READY):
        raise RedisUnavailable(f"no writer on {url}: start `govnews ingest --redis {url}` first "
                               "(it publishes what the archive holds)")


# --- detection of `auto` portals, once per run ------------------------------------------------

def claim_detection(server: redis.Redis, keys: RunKeys, worker_id: str) -> bool:
    """Tell whether this worker is the one to detect the portal's family in this run."""
    return bool(server.set(keys.key("detect"), worker_id, nx=True, ex=DETECT_WAIT))


def share_detection(server: redis.Redis, keys: RunKeys, family: str, evidence: tuple[str, ...], score: int) -> None:
    """Tell the other workers the family, and the writer the detection (when there was one)."""
    server.set(keys.key("family"), family, ex=RUN_TTL)
    if score:
        send(server, json.dumps({"kind": "detection", "portal_id": keys.portal_id, "family": family,
                                 "evidence": list(evidence)}, ensure_ascii=False))


def shared_family(server: redis.Redis, keys: RunKeys) -> str | None:
    """Return the family the archive or another worker of this run detected, if any."""
    family = server.get(keys.key("family")) or server.hget(FAMILIES, keys.portal_id)
    return family.decode("utf-8") if family else None


# --- the writer -----------------------------------------------------------------------------------

class RunMerge:
    """The stats of every worker of one portal's run, summed, with the writer's store outcomes."""

    def __init__(self, run_id: str, portal_id: str):
        self.run_id = run_id
        self.portal_id = portal_id
        self.stats: dict = {}
        self.reasons: list[str] = []
        self.spider = ""
        self.dirty = False

    def add_worker(self, message: dict) -> None:
        self.spider = message["spider"]
        self.reasons.append(message["reason"])
        for name, value in message["stats"].items():
            if name in ("start_time", "finish_time"):
                earlier = self.stats.get(name)
                pick = min if name == "start_time" else max
                self.stats[name] = value if earlier is None else pick(earlier, value)
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                self.stats[name] = self.stats.get(name, 0) + value
        self.dirty = True

    def count(self, name: str) -> None:
        self.stats[name] = self.stats.get(name, 0) + 1
        self.dirty = True

    def row(self) -> dict | None:
        """Return the merged crawl_runs row, or None before any worker reported."""
        if not self.reasons:
            return None
        reason = next((r for r in self.reasons if r != "finished"), "finished")
        stats = {**self.stats, "workers": len(self.reasons)}
        return run_row(stats, reason, self.run_id, self.portal_id, self.spider)


class Writer:
    """`govnews ingest`: the one process that writes archive.db for the workers."""

    def __init__(self, server: redis.Redis, archive: Archive):
        self.server = server
        self.archive = archive
        self.runs: dict[tuple[str, str], RunMerge] = {}
        self.portals_seen: set[str] = set()
        self.totals = {"items": 0, "new": 0, "unchanged": 0, "changed": 0, "gone": 0, "refused": 0}
        self.stopping = False

    def publish(self, detect_max_age_days: int) -> None:
        """Publish what the archive holds (known URLs per portal, detected families), then `ready`."""
        for (portal_id,) in self.archive.db.execute("SELECT id FROM portals"):
            urls = list(self.archive.known_urls(portal_id))
            key = known_key(portal_id)
            pipe = self.server.pipeline(transaction=True)
            pipe.delete(key)
            for start in range(0, len(urls), 10_000):
                pipe.sadd(key, *urls[start:start + 10_000])
            failed = self.archive.save_failures(portal_id)
            pipe.delete(retry_key(portal_id))
            if failed:
                pipe.sadd(retry_key(portal_id), *failed)
            pipe.execute()
        families = self.archive.detected_families(detect_max_age_days)
        self.server.delete(FAMILIES)
        if families:
            self.server.hset(FAMILIES, mapping=families)
        self.server.set(READY, f"pid {os.getpid()}, since {utc_now()}")

    def run(self, until_idle: float | None = None) -> dict:
        """Store messages until stopped (SIGTERM, SIGINT) or, with until_idle, once no message came and
        no worker lived for that many seconds. Return the totals."""
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)
        quiet_since = time.monotonic()
        while not self.stopping:
            try:
                popped = self.server.blpop([ITEMS], timeout=1)
            except redis.ConnectionError as exc:
                self.flush_runs()
                raise RedisUnavailable(f"lost Redis: {exc}; {self.totals['items']} items stored before") from None
            if popped is None:
                self.flush_runs()
                if until_idle is not None and time.monotonic() - quiet_since >= until_idle and not self.live_workers():
                    break
                continue
            self.handle(popped[1])
            quiet_since = time.monotonic()
        self.flush_runs()
        return self.totals

    def stop(self, signum, frame) -> None:
        self.stopping = True

    def live_workers(self) -> int:
        return sum(1 for _ in self.server.scan_iter(match=worker_key("*"), count=100))

    def handle(self, raw: bytes) -> None:
        """Store one message; a message that cannot be read or stored is logged and skipped, never retried forever."""
        try:
            message = json.loads(raw)
            kind = message["kind"]
            if kind == "portal":
                self.portal(message["portal"])
            elif kind in ("article", "recheck"):
                self.item(message)
            elif kind == "run":
                self.merge(message["run_id"], message["portal_id"]).add_worker(message)
            elif kind == "detection":
                self.archive.record_detection(message["portal_id"], message["family"], tuple(message["evidence"]))
                self.server.hset(FAMILIES, message["portal_id"], message["family"])
            else:
                raise ValueError(f"unknown kind {kind!r}")
        except Exception as exc:  # one bad message never stops the writer
            self.totals["refused"] += 1
            self.server.rpush(REFUSED, raw)
            logger.error("ingest: message refused, kept in %s (%s: %s): %.200r", REFUSED, type(exc).__name__, exc, raw)

    def portal(self, row: dict) -> None:
        if row["id"] in self.portals_seen:
            return
        self.portals_seen.add(row["id"])
        self.archive.upsert_portals([Portal(**row)])

    def item(self, message: dict) -> None:
        item = item_from_message(message)
        merge = self.merge(message["run_id"], item.portal_id)
        if isinstance(item, Recheck):
            self.archive.record_recheck(item.canonical_url, item.outcome, item.portal_id)
            outcome = "gone" if item.outcome == "gone" else None
            merge.count("archive/articles_gone" if outcome else "archive/rechecked_not_modified")
        else:
            try:
                outcome = self.archive.save(item)
            except Exception:
                merge.count("archive/errors/store")
                raise
            for name in stored_stats(item, outcome):
                merge.count(name)
            if outcome == "new":
                self.server.sadd(known_key(item.portal_id), item.canonical_url)
        self.totals["items"] += 1
        if outcome:
            self.totals[outcome] += 1

    def merge(self, run_id: str, portal_id: str) -> RunMerge:
        key = (run_id, portal_id)
        if key not in self.runs:
            self.runs[key] = RunMerge(run_id, portal_id)
        return self.runs[key]

    def flush_runs(self) -> None:
        """Write the crawl_runs rows that changed since the last flush."""
        for merge in self.runs.values():
            row = merge.row() if merge.dirty else None
            if row is not None:
                self.archive.replace_run(row)
                merge.dirty = False


def ingest_summary(totals: dict, runs: int, seconds: float) -> str:
    """Return the writer's one summary line."""
    return (f"ingest: {totals['items']} items; {totals['new']} new, {totals['changed']} changed, "
            f"{totals['unchanged']} unchanged, {totals['gone']} gone; {runs} portal runs recorded; "
            f"{totals['refused']} messages refused; {seconds:.0f} s")
