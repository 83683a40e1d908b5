"""The extraction pool: a real pebble process pool, a page over its time limit, a page too large."""

from __future__ import annotations

import asyncio
import time

import pytest

from scraper.extract import NotAnArticle, extract_article
from scraper.pool import ExtractionTimeout, run_in_pool, shutdown_pool


def slow(seconds: float) -> str:
    """Stand in for a page trafilatura would work on for minutes."""
    time.sleep(seconds)
    return "done"


def test_a_task_over_its_limit_is_stopped_and_the_pool_goes_on():
    async def scenario():
        started = time.monotonic()
        with pytest.raises(ExtractionTimeout, match="over 1 s"):
            await run_in_pool(slow, 30, workers=1, timeout=1)
        stopped_after = time.monotonic() - started
        after = await run_in_pool(slow, 0, workers=1, timeout=10)  # a new worker took over
        return stopped_after, after

    try:
        stopped_after, after = asyncio.run(scenario())
    finally:
        shutdown_pool()
    assert (stopped_after < 10, after) == (True, "done")


def test_a_page_with_too_many_elements_is_not_extracted():
    html = "<html><body><h1>Tiêu đề</h1>" + "<p>x</p>" * 60_000 + "</body></html>"
    with pytest.raises(NotAnArticle, match="page too large to extract"):
        extract_article(html, "http://x/a")
