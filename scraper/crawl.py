"""Run a crawl: one Scrapy process, one spider per portal, one crawl_runs row per portal."""

from __future__ import annotations

import functools
import logging
import os
import sys
import uuid
from pathlib import Path

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings
from scrapy.spiderloader import SpiderLoader
from scrapy.utils.project import get_project_settings

from scraper.archive import Archive
from scraper.pool import shutdown_pool
from scraper.registry import Hints, Portal, spider_for_family

logger = logging.getLogger(__name__)


def project_root() -> Path:
    """Return the checkout that holds scrapy.cfg, spiders/ and pipelines/."""
    here = Path(__file__).resolve().parent.parent
    if (here / "scrapy.cfg").exists():
        return here
    for folder in (Path.cwd(), *Path.cwd().parents):
        if (folder / "scrapy.cfg").exists():
            return folder
    raise RuntimeError("cannot find the govnews checkout (scrapy.cfg); run govnews from inside it")


def default_registry() -> Path:
    """Return the registry file of the checkout."""
    return project_root() / "spiders" / "portals.toml"


@functools.cache
def family_spider(family: str) -> type:
    """Return the spider class of a family, loaded by name (scraper/ never imports spiders/).

    A family without a spider of its own gets generic's.
    """
    root = str(project_root())
    if root not in sys.path:
        sys.path.insert(0, root)
    loader = SpiderLoader.from_settings(Settings({"SPIDER_MODULES": ["spiders"]}))
    return loader.load(spider_for_family(family))


def family_hints(family: str) -> Hints:
    """Return the hints of a family's spider (generic's, none, for a family without a spider)."""
    return family_spider(family).family_hints


def family_platform(family: str):
    """Return the platform knowledge of a family's spider (its URL shapes, page-type markers)."""
    return family_spider(family).platform


def crawl_settings(db_path: str | Path, registry: str | Path, overrides: dict) -> Settings:
    """Return the project's Scrapy settings with the archive, registry and overrides applied."""
    root = project_root()
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))  # spiders/ and pipelines/ are project packages
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "scraper.settings")
    settings = get_project_settings()
    settings.set("ARCHIVE_DB_PATH", str(db_path), priority="cmdline")
    settings.set("ARCHIVE_REGISTRY", str(registry), priority="cmdline")
    settings.set("ARCHIVE_RUN_ID", uuid.uuid4().hex[:12], priority="cmdline")
    settings.setdict(overrides, priority="cmdline")
    if "ARCHIVE_MAX_PAGE_BYTES" in overrides:
        settings.set("DOWNLOAD_MAXSIZE", int(overrides["ARCHIVE_MAX_PAGE_BYTES"]), priority="cmdline")
    if "ARCHIVE_CONTACT_URL" in overrides and "USER_AGENT" not in overrides:
        settings.set("USER_AGENT", settings["USER_AGENT_TEMPLATE"].format(contact=overrides["ARCHIVE_CONTACT_URL"]),
                     priority="cmdline")
    if "ARCHIVE_MAX_PAGES" in overrides:
        settings.set("CLOSESPIDER_PAGECOUNT", int(overrides["ARCHIVE_MAX_PAGES"]), priority="cmdline")
    return settings


def install_scrapy_reactor(settings: Settings) -> None:
    """Install the reactor Scrapy's settings ask for, before anything imports twisted's default one.

    Scrapy installs it when the first crawl starts; a chain that waits or detects first would
    otherwise import the default (epoll) reactor and every crawl after it would refuse to start.
    """
    from scrapy.utils.reactor import install_reactor, is_reactor_installed

    if not is_reactor_installed():
        install_reactor(settings["TWISTED_REACTOR"], settings["ASYNCIO_EVENT_LOOP"])


def run_crawl(portals: list[Portal], settings: Settings) -> list[dict]:
    """Crawl the portals in one Scrapy process and return their crawl_runs rows (failed if missing)."""
    archive = Archive(settings["ARCHIVE_DB_PATH"])
    archive.upsert_portals(portals)
    detected = archive.detected_families(settings.getint("ARCHIVE_DETECT_MAX_AGE_DAYS"))
    archive.close()
    process = CrawlerProcess(settings)
    install_scrapy_reactor(settings)
    chains = [crawl_portal(process, portal, detected.get(portal.id)) for portal in portals]
    # Chained crawls (detect, then the family's spider) start after start() is called, so the
    # reactor is stopped by us once every portal's chain has ended, not by Scrapy.
    stop_when_done(chains)
    try:
        process.start(stop_after_crawl=False)
    finally:
        shutdown_pool()
    return runs_of(settings["ARCHIVE_DB_PATH"], settings["ARCHIVE_RUN_ID"], portals)


def stop_when_done(chains: list) -> None:
    """Stop the reactor once every portal's chain has ended.

    Through callLater: a chain that fails before the reactor runs (spider setup raising) would
    otherwise call stop() too early, and the reactor would then run idle for ever, holding the
    crawl lock.
    """
    from twisted.internet import defer, reactor

    def stop() -> None:
        if reactor.running:
            reactor.stop()

    defer.DeferredList(chains).addBoth(lambda _: reactor.callLater(0, stop))


ANY_AGE = 100 * 365  # days: a dead portal's last detection is still its family


def family_of(portal: Portal, detected: dict[str, str]) -> str:
    """Return the family whose hints read a portal's pages: the registry's, else the detected one, else generic.

    For pages already fetched (captures, WARC records); a live crawl re-detects an old detection.
    """
    return portal.family if portal.family != "auto" else detected.get(portal.id, "generic")


def recover_settings(settings: Settings) -> Settings:
    """Return crawl settings for `govnews recover`: each archive service is one slot at ARCHIVE_SERVICE_RATE.

    The services' own robots.txt files speak to crawlers of their replay pages; their CDX APIs and
    data are meant for programs at a modest rate, which the slots hold (no AutoThrottle, no jitter).
    """
    from urllib.parse import urlsplit

    settings = settings.copy()
    delay = 1 / settings.getfloat("ARCHIVE_SERVICE_RATE")
    hosts = {urlsplit(settings[name]).hostname for name in ("ARCHIVE_WAYBACK_URL", "ARCHIVE_CC_INDEX_URL", "ARCHIVE_CC_DATA_URL")}
    slots = {**settings.getdict("DOWNLOAD_SLOTS"), **{host: {"concurrency": 1, "delay": delay, "jitter": 0} for host in hosts}}
    settings.set("DOWNLOAD_SLOTS", slots, priority="cmdline")
    settings.set("AUTOTHROTTLE_ENABLED", False, priority="cmdline")
    settings.set("ROBOTSTXT_OBEY", False, priority="cmdline")
    return settings


def run_recover(portals: list[Portal], settings: Settings, source: str, year_from: str, year_to: str) -> list[dict]:
    """Recover the portals' articles from a web archive in one Scrapy process; return their crawl_runs rows."""
    settings = recover_settings(settings)
    archive = Archive(settings["ARCHIVE_DB_PATH"])
    archive.upsert_portals(portals)
    detected = archive.detected_families(ANY_AGE)
    archive.close()
    process = CrawlerProcess(settings)
    for portal in portals:
        process.crawl("recover", portal=portal, source=source, family=family_of(portal, detected),
                      year_from=year_from, year_to=year_to)
    try:
        process.start()
    finally:
        shutdown_pool()
    return runs_of(settings["ARCHIVE_DB_PATH"], settings["ARCHIVE_RUN_ID"], portals)


def run_checks(portals: list[Portal], settings: Settings) -> dict:
    """Fetch each portal's home page once (spiders/check.py); return {portal id: Reachability}."""
    process = CrawlerProcess(settings)
    crawlers = {}
    for portal in portals:
        crawlers[portal.id] = process.create_crawler("check")
        process.crawl(crawlers[portal.id], portal=portal)
    process.start()
    return {pid: crawler.spider.reachability for pid, crawler in crawlers.items()}


def crawl_portal(process: CrawlerProcess, portal: Portal, detected: str | None = None, server=None):
    """Crawl one portal; for `auto`, use the recent detection or detect the family first.

    With server (a scale-out worker's Redis), one worker of the run detects; the others wait for its word.
    """
    from twisted.internet import defer

    @defer.inlineCallbacks
    def chain():
        spider = portal.spider_name
        if portal.family == "auto" and server is not None:
            spider = yield shared_detection(process, portal, server)
        elif portal.family == "auto" and detected:
            spider = spider_for_family(detected)
            logger.info("%s: family %s (detected earlier)", portal.id, detected)
        elif portal.family == "auto":
            detection = yield detect(process, portal)
            spider = spider_for_family(detection.family)
            if detection.score:  # an unreachable home page is not a detection
                archive = Archive(process.settings["ARCHIVE_DB_PATH"])
                archive.record_detection(portal.id, detection.family, detection.evidence)
                archive.close()
        yield process.crawl(spider, portal=portal)

    return chain()


def detect(process: CrawlerProcess, portal: Portal):
    """Fetch the portal's home page and return (in a Deferred) its Detection, once the host's delay has passed.

    The family's crawler has downloader slots of its own: the delay holds across the two crawls.
    """
    from twisted.internet import defer, reactor, task

    @defer.inlineCallbacks
    def run():
        crawler = process.create_crawler("detect")
        yield process.crawl(crawler, portal=portal)
        yield task.deferLater(reactor, process.settings.getfloat("DOWNLOAD_DELAY"), lambda: None)
        return crawler.spider.detection

    return run()


def shared_detection(process: CrawlerProcess, portal: Portal, server):
    """Return (in a Deferred) the spider of an `auto` portal on a scale-out worker.

    The archive's recent detection (published by the writer) or this run's counts; else the first
    worker to claim the portal detects, and the others wait for what it found.
    """
    from twisted.internet import defer, reactor, task

    from scraper.distributed import DETECT_WAIT, RunKeys, claim_detection, share_detection, shared_family

    keys = RunKeys(process.settings["ARCHIVE_RUN_ID"], portal.id)

    @defer.inlineCallbacks
    def run():
        family = shared_family(server, keys)
        if family is None and claim_detection(server, keys, process.settings["ARCHIVE_WORKER_ID"]):
            detection = yield detect(process, portal)
            share_detection(server, keys, detection.family, detection.evidence, detection.score)
            family = detection.family
        deadline = reactor.seconds() + DETECT_WAIT
        while family is None and reactor.seconds() < deadline:
            yield task.deferLater(reactor, 0.5, lambda: None)
            family = shared_family(server, keys)
        if family is None:
            logger.warning("%s: no worker told the family in %d s; crawling with generic", portal.id, DETECT_WAIT)
            family = "generic"
        return spider_for_family(family)

    return run()


def worker_settings(settings: Settings, redis_url: str, run_id: str) -> Settings:
    """Return the settings of a scale-out worker: scrapy-redis's scheduler and duplicate filter, items
    sent to the writer, no archive read or written.

    Set at project priority: the home-page looks (detect) keep their own plain scheduler, and
    --set still overrides everything.
    """
    from scraper.distributed import new_worker_id

    settings = settings.copy()
    for name, value in {"ARCHIVE_REDIS_URL": redis_url, "ARCHIVE_RUN_ID": run_id,
                        "ARCHIVE_WORKER_ID": new_worker_id()}.items():
        settings.set(name, value, priority="cmdline")
    worker = {
        "SCHEDULER": "scraper.distributed.PortalScheduler",
        # items go to the writer instead of the archive
        "ITEM_PIPELINES": {**settings.getdict("ITEM_PIPELINES"), "pipelines.store.StorePipeline": None,
                           "pipelines.redis_queue.RedisQueuePipeline": 300},
        "EXTENSIONS": {**settings.getdict("EXTENSIONS"), "scraper.runs.CrawlRunRecorder": None,
                       "scraper.distributed.RunReporter": 500},
        # the run's queue in Redis outlives a killed worker; the archive's frontier is the writer's
        "SPIDER_MIDDLEWARES": {**settings.getdict("SPIDER_MIDDLEWARES"), "scraper.frontier.FrontierMiddleware": None},
    }
    for name, value in worker.items():
        settings.set(name, value, priority="project")
    # A worker takes from the run's queue only what it can download at once: Scrapy's engine pulls
    # requests while the downloader has room for CONCURRENT_REQUESTS, and a crawler is one portal,
    # so a larger number would hoard the portal's queue in one worker's downloader.
    settings.set("CONCURRENT_REQUESTS", max(1, settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN")), priority="cmdline")
    return settings


def run_worker(portals: list[Portal], settings: Settings) -> list[dict]:
    """Crawl the portals as one scale-out worker; return this worker's rows (pages, items sent, errors).

    Raises RedisUnavailable when Redis cannot be reached or no writer has published the archive.
    """
    from scraper.distributed import Heartbeat, RunReporter, connect, require_writer

    server = connect(settings["ARCHIVE_REDIS_URL"])
    require_writer(server, settings["ARCHIVE_REDIS_URL"])
    heartbeat = Heartbeat(server, settings["ARCHIVE_WORKER_ID"])
    RunReporter.worker_rows = []
    process = CrawlerProcess(settings)
    install_scrapy_reactor(settings)
    chains = [crawl_portal(process, portal, server=server) for portal in portals]
    from twisted.internet import reactor

    reactor.callWhenRunning(heartbeat.start)
    stop_when_done(chains)
    try:
        process.start(stop_after_crawl=False)
    finally:
        heartbeat.stop()
        shutdown_pool()
    return list(RunReporter.worker_rows)


def runs_of(db_path: str, run_id: str, portals: list[Portal]) -> list[dict]:
    """Return the crawl_runs rows of one run, with a failed row for any portal that left none."""
    archive = Archive(db_path)
    try:
        rows = {r["portal_id"]: r for r in archive.db.query("SELECT * FROM crawl_runs WHERE run_id = ?", [run_id])}
    finally:
        archive.close()
    return [
        rows.get(p.id, {"portal_id": p.id, "status": "failed", "finish_reason": "did not start",
                        "pages_fetched": 0, "articles_new": 0, "articles_unchanged": 0,
                        "articles_changed": 0, "skipped": 0, "errors": 1, "error_summary": "spider did not start"})
        for p in portals
    ]


def summary_line(row: dict) -> str:
    """Return one line about one portal's run."""
    line = (f"{row['portal_id']}: {row['status']} ({row['finish_reason']}): {row['pages_fetched']} pages, "
            f"{row['articles_new']} new, {row['articles_unchanged']} unchanged, {row['articles_changed']} changed, "
            f"{row['skipped']} skipped, {row['errors']} errors")
    return line + (f" [{row['error_summary']}]" if row.get("error_summary") else "")


def run_summary(rows: list[dict], seconds: float | None = None) -> str:
    """Return the one line a crawl ends with: portals ok and failed, pages, new, changed and gone articles, errors."""
    failed = [row["portal_id"] for row in rows if row["status"] != "ok"]
    total = {key: sum(row.get(key) or 0 for row in rows)
             for key in ("pages_fetched", "articles_new", "articles_changed", "articles_gone", "errors")}
    line = (f"crawl: {len(rows)} portals, {len(rows) - len(failed)} ok, {len(failed)} failed; "
            f"{total['pages_fetched']} pages, {total['articles_new']} new, {total['articles_changed']} changed, "
            f"{total['articles_gone']} gone, {total['errors']} errors")
    return line + (f"; {seconds:.0f} s" if seconds is not None else "") + (f" [failed: {', '.join(failed)}]" if failed else "")
