"""Extraction off Scrapy's reactor thread, in a pool of processes shared by every spider of a run."""

from __future__ import annotations

import asyncio
import multiprocessing
from concurrent.futures import ProcessPoolExecutor

from scraper.extract import Extracted, extract_article
from scraper.registry import Hints

_pool: ProcessPoolExecutor | None = None


def _warm_up() -> None:
    """Import trafilatura's models once per worker, before the first page."""
    import trafilatura  # noqa: F401


def extraction_pool(workers: int) -> ProcessPoolExecutor | None:
    """Return the process pool (created on first use), or None to extract inline when workers is 0."""
    global _pool
    if workers <= 0:
        return None
    if _pool is None:
        # spawn, not fork: the crawl process runs threads (Twisted's pool, the replicas' servers).
        _pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"), initializer=_warm_up)
    return _pool


async def extract_in_pool(body: bytes, url: str, hints: Hints, workers: int, known_article: bool) -> Extracted:
    """Run extract_article in the pool and await the result; NotAnArticle is raised here."""
    pool = extraction_pool(workers)
    if pool is None:
        return extract_article(body, url, hints, known_article)
    return await asyncio.get_running_loop().run_in_executor(pool, extract_article, body, url, hints, known_article)


def shutdown_pool() -> None:
    """Stop the worker processes."""
    global _pool
    if _pool is not None:
        _pool.shutdown(cancel_futures=True)
        _pool = None
