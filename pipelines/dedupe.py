"""Dedupe: one item per page in a run (exact text duplicates are linked by the archive).

A page is its canonical URL, and for a web-archive capture also its capture time: a recovery
brings an article's earliest and latest captures, and the archive merges both.
"""

from scrapy.exceptions import DropItem

from scraper.items import Article, Recheck


class DedupePipeline:
    """Drop a second item for a page already seen in this run."""

    def __init__(self) -> None:
        self.seen: set[str] = set()

    def process_item(self, item: Article | Recheck) -> Article | Recheck:
        if isinstance(item, Recheck):
            return item
        page = item.canonical_url if item.source == "live" else f"{item.canonical_url} {item.captured_at}"
        if page in self.seen:
            raise DropItem(f"{item.portal_id}: already stored in this run at {item.url}")
        self.seen.add(page)
        return item
