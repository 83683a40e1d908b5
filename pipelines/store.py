"""Store: save each article in the archive (new, unchanged, or changed with the old text kept)."""

from scrapy.crawler import Crawler
from scrapy.statscollectors import StatsCollector

from scraper.archive import Archive
from scraper.clusters import signature_bytes
from scraper.items import Article, Recheck
from scraper.pool import run_in_pool


class StorePipeline:
    """Save articles through Archive.save() and count the outcomes."""

    def __init__(self, archive: Archive, stats: StatsCollector, workers: int = 0, timeout: float = 20) -> None:
        self.archive = archive
        self.stats = stats
        self.workers = workers
        self.timeout = timeout

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "StorePipeline":
        settings = crawler.settings
        return cls(Archive(settings["ARCHIVE_DB_PATH"]), crawler.stats,
                   settings.getint("ARCHIVE_EXTRACT_WORKERS"), settings.getfloat("ARCHIVE_EXTRACT_TIMEOUT"))

    async def process_item(self, item: Article | Recheck) -> Article | Recheck:
        if isinstance(item, Recheck):
            self.archive.record_recheck(item.canonical_url, item.outcome, item.portal_id, item.frontier_fp)
            self.stats.inc_value("archive/articles_gone" if item.outcome == "gone" else "archive/rechecked_not_modified")
            return item
        try:
            signature = item.signature
            if not signature:  # the spiders' pool computes it with the extraction; other sources may not
                signature = await run_in_pool(signature_bytes, item.title + "\n" + item.text, workers=self.workers,
                                              timeout=self.timeout)
            result = self.archive.save(item, signature)
        except Exception:
            # the transaction rolled back: nothing half-stored, but the run must not pass as ok
            self.stats.inc_value("archive/errors/store")
            raise
        self.stats.inc_value(f"archive/articles_{result}")
        return item

    def close_spider(self) -> None:
        self.archive.close()
