"""Extraction off Scrapy's reactor thread, in a pool of processes shared by every spider of a run.

trafilatura has no time limit as a library (one 7 MB page took 190 s here), so each page gets a
wall-clock limit: pebble's process pool kills the worker of a page that runs over and starts a
new one; the page is skipped with the reason and the crawl goes on.
"""

from __future__ import annotations

import asyncio
import multiprocessing
from concurrent.futures import TimeoutError as FutureTimeout

from pebble import ProcessPool

from scraper.clusters import signature_bytes
from scraper.extract import Extracted, extract_article
from scraper.registry import Hints

_pool: ProcessPool | None = None


class ExtractionTimeout(Exception):
    """Extraction of one page ran over its time limit; the worker was stopped."""


def _warm_up() -> None:
    """Import trafilatura's models once per worker, before the first page."""
    import trafilatura  # noqa: F401


def extraction_pool(workers: int) -> ProcessPool | None:
    """Return the process pool (created on first use), or None to extract inline when workers is 0."""
    global _pool
    if workers <= 0:
        return None
    if _pool is None:
        # spawn, not fork: the crawl process runs threads (Twisted's pool, the replicas' servers).
        _pool = ProcessPool(max_workers=workers, context=multiprocessing.get_context("spawn"), initializer=_warm_up)
    return _pool


async def run_in_pool(function, *args, workers: int, timeout: float):
    """Run function(*args) in the pool within timeout seconds; inline (no limit) when workers is 0."""
    pool = extraction_pool(workers)
    if pool is None:
        return function(*args)
    future = pool.schedule(function, args=args, timeout=timeout)
    try:
        return await asyncio.wrap_future(future)
    except FutureTimeout:
        raise ExtractionTimeout(f"extraction took over {timeout:g} s") from None


def extract_and_sign(body: bytes, url: str, hints: Hints, known_article: bool) -> tuple[Extracted, bytes]:
    """Extract a page and compute its near-duplicate signature, in one task of the pool.

    One task, not two: a signature queued behind every page fetched meanwhile would hold the
    article back from the archive (and a crash would lose it) until the whole backlog was extracted.
    """
    extracted = extract_article(body, url, hints, known_article)
    return extracted, signature_bytes(extracted.title + "\n" + extracted.text)


async def extract_in_pool(body: bytes, url: str, hints: Hints, workers: int, known_article: bool,
                          timeout: float = 20) -> tuple[Extracted, bytes]:
    """Run extract_and_sign in the pool and await the result; NotAnArticle and ExtractionTimeout are raised here."""
    return await run_in_pool(extract_and_sign, body, url, hints, known_article, workers=workers, timeout=timeout)


def shutdown_pool() -> None:
    """Stop the worker processes."""
    global _pool
    if _pool is not None:
        _pool.stop()
        _pool.join(timeout=10)
        _pool = None
