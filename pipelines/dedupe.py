"""Dedupe: one item per canonical URL in a run (exact text duplicates are linked by the archive)."""

from scrapy.exceptions import DropItem

from scraper.items import Article, Recheck


class DedupePipeline:
    """Drop a second item for a canonical URL already seen in this run."""

    def __init__(self) -> None:
        self.seen: set[str] = set()

    def process_item(self, item: Article | Recheck) -> Article | Recheck:
        if isinstance(item, Recheck):
            return item
        if item.canonical_url in self.seen:
            raise DropItem(f"{item.portal_id}: already stored in this run at {item.url}")
        self.seen.add(item.canonical_url)
        return item
