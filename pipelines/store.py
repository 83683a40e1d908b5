"""Store: save each article in the archive (new, unchanged, or changed with the old text kept)."""

from scrapy.crawler import Crawler
from scrapy.statscollectors import StatsCollector

from scraper.archive import Archive
from scraper.items import Article, Recheck
from scraper.runs import stored_stats


class StorePipeline:
    """Save articles through Archive.save() and count the outcomes.

    The near-duplicate signature arrives with the item: the extraction pool computed it with the
    text, off the reactor thread (scraper.pool.extract_and_sign).
    """

    def __init__(self, archive: Archive, stats: StatsCollector) -> None:
        self.archive = archive
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "StorePipeline":
        return cls(Archive(crawler.settings["ARCHIVE_DB_PATH"]), crawler.stats)

    def process_item(self, item: Article | Recheck) -> Article | Recheck:
        if isinstance(item, Recheck):
            self.archive.record_recheck(item.canonical_url, item.outcome, item.portal_id, item.frontier_fp)
            self.stats.inc_value("archive/articles_gone" if item.outcome == "gone" else "archive/rechecked_not_modified")
            return item
        try:
            result = self.archive.save(item)
        except Exception:
            # the transaction rolled back: nothing half-stored, but the run must not pass as ok
            # (the archive lists the page in save_failures: the next crawl fetches it again)
            self.stats.inc_value("archive/errors/store")
            raise
        for name in stored_stats(item, result):
            self.stats.inc_value(name)
        return item

    def close_spider(self) -> None:
        self.archive.close()
