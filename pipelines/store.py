"""Store: save each article in the archive (new, unchanged, or changed with the old text kept)."""

from scrapy.crawler import Crawler
from scrapy.statscollectors import StatsCollector

from scraper.archive import Archive
from scraper.items import Article, Recheck, StoreFailed
from scraper.runs import stored_stats


class StorePipeline:
    """Save articles through Archive.save() and count the outcomes.

    The archive is opened for a portal spider only (`scrapy fetch` and `scrapy shell` run Scrapy's
    default spider: they write nothing), and the portal's registry row is written first, so a
    plain `scrapy crawl FAMILY -a portal=ID` stores its articles as `govnews crawl` does.
    The near-duplicate signature arrives with the item: the extraction pool computed it with the
    text, off the reactor thread (scraper.pool.extract_and_sign).
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats: StatsCollector = crawler.stats
        self.archive: Archive | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "StorePipeline":
        return cls(crawler)

    def open_spider(self) -> None:
        portal = getattr(self.crawler.spider, "portal", None)
        if portal is not None:
            self.archive = Archive(self.crawler.settings["ARCHIVE_DB_PATH"])
            self.archive.upsert_portals([portal])

    def process_item(self, item: Article | Recheck) -> Article | Recheck:
        if self.archive is None:
            return item  # not a portal spider: nothing to store
        if isinstance(item, Recheck):
            self.archive.record_recheck(item.canonical_url, item.outcome, item.portal_id, item.frontier_fp)
            self.stats.inc_value("archive/articles_gone" if item.outcome == "gone" else "archive/rechecked_not_modified")
            return item
        try:
            result = self.archive.save(item)
        except Exception as exc:
            # the transaction rolled back: nothing half-stored, but the run must not pass as ok
            # (the archive lists the page in save_failures: the next crawl fetches it again)
            self.stats.inc_value("archive/errors/store")
            raise StoreFailed(f"not stored: {type(exc).__name__}: {exc}") from None
        for name in stored_stats(item, result):
            self.stats.inc_value(name)
        return item

    def close_spider(self) -> None:
        if self.archive is not None:
            self.archive.close()
