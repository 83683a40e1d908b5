"""One crawl_runs row per portal run, written from the Scrapy stats when the spider closes."""

from __future__ import annotations

import json
import logging
from datetime import datetime

from scrapy import signals
from scrapy.crawler import Crawler

from scraper.archive import Archive, utc_now

logger = logging.getLogger(__name__)

# The articles a run found on the portal, whatever it did with them: an empty listing finds none.
FOUND = ("articles_new", "articles_unchanged", "articles_changed", "skipped/known", "skipped/captured_before")
# Pages that should have been articles and could not be read as one.
EXTRACT_FAILURES = ("not_article", "extract_timeout")


def run_status(stats: dict, reason: str) -> str:
    """Return 'ok' or 'failed' for a portal run.

    A run failed when it did not finish by itself, when no page of the portal answered at all
    (unreachable, refused, every page an error, robots.txt forbidding every page), when our own
    code raised, when an article could not be stored, or when a portal crawl found no article
    at all (not even one archived before: a theme the spider cannot read, a site "being upgraded").
    """
    if reason != "finished" or pages_answered(stats) == 0 or stats.get("spider_exceptions/count", 0):
        return "failed"
    if stats.get("archive/errors/store", 0):  # an article could not be stored
        return "failed"
    if found_nothing(stats):
        return "failed"
    return "ok"


def found_nothing(stats: dict) -> bool:
    """Tell whether a portal crawl's pages answered and gave no article, new or archived."""
    crawled_portal = "archive/archived_before" in stats  # detect and check runs read only home pages
    # a scale-out worker stores nothing itself: what it sent to the writer it found
    return crawled_portal and pages_answered(stats) > 0 and articles_found(stats) == 0 and not stats.get("archive/sent")


def articles_found(stats: dict) -> int:
    """Return how many articles a run found on the portal, whatever it did with them."""
    return sum(stats.get(f"archive/{key}", 0) for key in FOUND)


def pages_answered(stats: dict) -> int:
    """Return how many of the portal's pages answered 2xx; robots.txt is not a page of the portal."""
    answered = sum(v for k, v in stats.items() if k.startswith("downloader/response_status_count/2"))
    robots = sum(v for k, v in stats.items() if k.startswith("robotstxt/response_status_count/2"))
    return max(0, answered - robots)


def error_kinds(stats: dict) -> dict[str, int]:
    """Return the run's errors by kind; robots.txt forbidding every page is one (the run found nothing)."""
    kinds = {k.removeprefix("archive/errors/"): v for k, v in stats.items() if k.startswith("archive/errors/")}
    # our code raised (a callback, a spider middleware such as the frontier's writes): the run failed, say why
    kinds.update({f"exception_{k.removeprefix('spider_exceptions/')}": v for k, v in stats.items()
                  if k.startswith("spider_exceptions/") and k != "spider_exceptions/count"})
    unexplained = not any(kind.startswith("robots_") for kind in kinds)  # a 5xx robots.txt says it already
    if stats.get("robotstxt/forbidden") and pages_answered(stats) == 0 and unexplained:
        kinds["robots_forbidden"] = stats["robotstxt/forbidden"]
    if found_nothing(stats):
        # counted in pages: "no_articles: 3" is three pages read without a single article
        kinds["no_articles" if stats["archive/archived_before"] else "no_articles_ever"] = pages_answered(stats)
    return kinds


def error_summary(stats: dict) -> str:
    """Return the run's errors by kind, most frequent first, as one line."""
    kinds = error_kinds(stats)
    return ", ".join(f"{kind}: {n}" for kind, n in sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0])))


def stored_stats(article, result: str) -> list[str]:
    """Return the stats an article's storing adds to its run: the outcome, and what health counts
    of the new or changed ones (no date, no author)."""
    names = [f"archive/articles_{result}"]
    if result in ("new", "changed"):  # what this run's extraction produced, for the portal's health
        if not article.published_at:
            names.append("archive/stored_without_date")
        if not article.author:
            names.append("archive/stored_without_author")
    return names


def run_row(stats: dict, reason: str, run_id: str, portal_id: str, spider: str) -> dict:
    """Return the crawl_runs row of one portal's run from its Scrapy stats."""
    started = stats["start_time"]
    if isinstance(started, str):  # stats a scale-out worker sent as JSON
        started = datetime.fromisoformat(started)
    return {
        "run_id": run_id,
        "portal_id": portal_id,
        "spider": spider,
        "started_at": started.replace(microsecond=0).isoformat(),
        "finished_at": utc_now(),
        "status": run_status(stats, reason),
        "finish_reason": reason,
        "pages_fetched": stats.get("response_received_count", 0),
        "articles_new": stats.get("archive/articles_new", 0),
        "articles_unchanged": stats.get("archive/articles_unchanged", 0),
        "articles_changed": stats.get("archive/articles_changed", 0),
        "articles_gone": stats.get("archive/articles_gone", 0),
        "skipped": sum(v for k, v in stats.items() if k.startswith("archive/skipped/")),
        "errors": sum(error_kinds(stats).values()),
        "error_summary": error_summary(stats),
        "resumed_requests": stats.get("archive/frontier/resumed", 0),
        "articles_found": articles_found(stats),
        "extract_failures": sum(stats.get(f"archive/skipped/{why}", 0) for why in EXTRACT_FAILURES),
        "articles_without_date": stats.get("archive/stored_without_date", 0),
        "articles_without_author": stats.get("archive/stored_without_author", 0),
        "stats": json.dumps(stats, default=str, ensure_ascii=False, sort_keys=True),
    }


class CrawlRunRecorder:
    """Record each portal run in the archive's crawl_runs table."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.db_path = crawler.settings["ARCHIVE_DB_PATH"]
        self.run_id = crawler.settings.get("ARCHIVE_RUN_ID", "")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "CrawlRunRecorder":
        recorder = cls(crawler)
        crawler.signals.connect(recorder.spider_closed, signal=signals.spider_closed)
        return recorder

    def spider_closed(self, spider, reason: str) -> None:
        if getattr(spider, "portal", None) is None:
            return  # Scrapy's default spider (`scrapy fetch`, `scrapy shell`): no portal, no run
        stats = self.crawler.stats.get_stats()
        portal_id = spider.portal.id
        row = run_row(stats, reason, self.run_id, portal_id, spider.name)
        self.crawler.stats.set_value("archive/run_status", row["status"])  # plain `scrapy crawl` exits by it
        archive = Archive(self.db_path)
        try:
            archive.record_run(row)
        finally:
            archive.close()
        log = logger.info if row["status"] == "ok" else logger.error
        log("%s: run %s: %d pages, %d new, %d unchanged, %d changed, %d skipped, %d errors%s",
            portal_id, row["status"], row["pages_fetched"], row["articles_new"],
            row["articles_unchanged"], row["articles_changed"], row["skipped"], row["errors"],
            f" ({row['error_summary']})" if row["error_summary"] else "")
