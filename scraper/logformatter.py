"""Scrapy's log formatter, with an item named by its portal and URL instead of printed whole (#20).

Scrapy's own writes the whole item into the log when a pipeline drops it or fails on it: an
article's text, and for a run with store errors, megabytes of stderr.
"""

from __future__ import annotations

import logging

from scrapy import logformatter


def item_name(item) -> str:
    """An item in a few words: its portal and URL when it has them."""
    portal = getattr(item, "portal_id", "") or ""
    url = getattr(item, "url", "") or getattr(item, "canonical_url", "") or ""
    return f"{portal} {url}".strip() or type(item).__name__


class OneLineLogFormatter(logformatter.LogFormatter):
    """Dropped and failed items as one line each (the scraped one is at DEBUG, as Scrapy's)."""

    def dropped(self, item, exception, response, spider):
        entry = super().dropped(item, exception, response, spider)
        return {**entry, "msg": "Dropped %(name)s: %(exception)s", "args": {"name": item_name(item), "exception": exception}}

    def item_error(self, item, exception, response, spider):
        return {"level": logging.ERROR, "msg": "Error processing %(name)s: %(exception)s",
                "args": {"name": item_name(item), "exception": exception}}
