"""Normalize: NFC text, canonical URL and content hash on every article (scraper.normalize)."""

from scrapy.exceptions import DropItem

from scraper.items import Article, Recheck
from scraper.normalize import Untitled, normalize_article


class NormalizePipeline:
    """Put every text field in NFC and fill canonical_url and content_hash."""

    def process_item(self, item: Article | Recheck) -> Article | Recheck:
        if isinstance(item, Recheck):
            return item
        try:
            return normalize_article(item)
        except Untitled as exc:
            raise DropItem(str(exc)) from None
