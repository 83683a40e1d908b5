"""Send: on a scale-out worker, each item goes to the writer through Redis instead of into an archive."""

from scrapy.crawler import Crawler

from scraper.distributed import article_message, connect, send
from scraper.items import Article, Recheck


class RedisQueuePipeline:
    """Push each normalised item onto the writer's list (`govnews ingest` stores it in archive.db)."""

    def __init__(self, crawler: Crawler) -> None:
        self.server = connect(crawler.settings["ARCHIVE_REDIS_URL"])
        self.run_id = crawler.settings["ARCHIVE_RUN_ID"]
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "RedisQueuePipeline":
        return cls(crawler)

    def process_item(self, item: Article | Recheck) -> Article | Recheck:
        send(self.server, article_message(item, self.run_id))
        self.stats.inc_value("archive/sent")
        return item
