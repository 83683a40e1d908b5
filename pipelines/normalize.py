"""Normalize: NFC text, canonical URL and content hash on every article."""

from scrapy.exceptions import DropItem

from scraper.fingerprint import content_hash
from scraper.items import Article, Recheck
from scraper.urls import canonical_url
from scraper.vietnamese import nfc

TEXT_FIELDS = ("title", "published_raw", "author", "text", "summary", "captions", "credit", "category")


class NormalizePipeline:
    """Put every text field in NFC and fill canonical_url and content_hash."""

    def process_item(self, item: Article | Recheck) -> Article | Recheck:
        if isinstance(item, Recheck):
            return item
        for name in TEXT_FIELDS:
            setattr(item, name, nfc(getattr(item, name) or "").strip())
        if not item.title:
            raise DropItem(f"{item.portal_id}: no title at {item.url}")
        item.canonical_url = canonical_url(item.url)
        item.content_hash = content_hash(item.title + "\n" + item.text)
        return item
