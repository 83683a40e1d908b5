"""What a crawl needs when nobody watches it: one crawl per archive at a time, a log file that rotates.

The lock is an advisory lock (flock, through the filelock library) on `<archive>.crawl.lock`:
the kernel drops it when its process ends, however it ends, so a crash or a kill never leaves a
stale lock behind. The holder writes its pid and start time into the file, so the start that
finds it held can say who holds it.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from filelock import FileLock, Timeout

LOG_MAX_BYTES = 10 * 1024 * 1024  # one log file
LOG_BACKUPS = 5  # rotated files kept beside it (.1 … .5)
LOG_FORMAT = "%(asctime)s [%(name)s] %(levelname)s: %(message)s"


class CrawlRunning(RuntimeError):
    """Another crawl holds the archive's lock."""


def lock_path(db_path: str | Path) -> Path:
    """Return the lock file of an archive: beside it, so every crawl of that archive finds it."""
    db = Path(db_path).resolve()
    return db.with_name(db.name + ".crawl.lock")


@contextmanager
def crawl_lock(db_path: str | Path):
    """Hold the archive's crawl lock for the block, or raise CrawlRunning at once (no waiting)."""
    path = lock_path(db_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(path, timeout=0)
    try:
        lock.acquire()
    except Timeout:
        raise CrawlRunning(f"another crawl of {Path(db_path)} is running ({_holder(path)}); this one exits") from None
    try:
        started = datetime.now(timezone.utc).replace(microsecond=0).isoformat()
        path.write_text(f"pid {os.getpid()}, started {started}\n", encoding="utf-8")
        yield path
    finally:
        lock.release()


def _holder(path: Path) -> str:
    """Return what the lock's holder wrote about itself."""
    try:
        return path.read_text(encoding="utf-8").strip() or "holder unknown"
    except OSError:
        return "holder unknown"


def log_to_file(path: str | Path, level: str = "INFO") -> logging.Handler:
    """Send the root logger (Scrapy's log included) to a file that rotates at LOG_MAX_BYTES; return the handler."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.handlers.RotatingFileHandler(path, maxBytes=LOG_MAX_BYTES, backupCount=LOG_BACKUPS,
                                                   encoding="utf-8")
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    handler.setLevel(level)
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(min(root.level or logging.WARNING, handler.level))
    return handler
