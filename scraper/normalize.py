"""What every stored article is: text fields in NFC, its canonical URL and content hash filled."""

from __future__ import annotations

from scraper.fingerprint import content_hash
from scraper.items import Article
from scraper.urls import canonical_url
from scraper.vietnamese import nfc

TEXT_FIELDS = ("title", "published_raw", "author", "text", "summary", "captions", "credit", "category")


class Untitled(ValueError):
    """An article without a title is not stored."""


def normalize_article(item: Article) -> Article:
    """Put every text field in NFC and fill canonical_url and content_hash; raise Untitled without a title."""
    for name in TEXT_FIELDS:
        setattr(item, name, nfc(getattr(item, name) or "").strip())
    if not item.title:
        raise Untitled(f"{item.portal_id}: no title at {item.url}")
    item.canonical_url = canonical_url(item.url)
    item.content_hash = content_hash(item.title + "\n" + item.text)
    return item
