"""What a crawl needs when nobody watches it: one crawl per archive at a time, a log file that rotates.

The lock is an advisory lock (flock) on the archive file itself, so it is keyed by the file's
identity (device and inode), not by its path: two crawls through a hard link, a symlink or
another spelling of the path meet the same lock (keyed by path, two crawls on a hard-linked path
both ran, with two -wal files, and the archive became malformed). flock and SQLite's own fcntl
locks do not interact on Linux. The kernel drops the lock when its process ends, however it
ends, so a crash or a kill never leaves a stale lock behind. The holder writes its pid and start
time into `<archive>.crawl.lock`, so the start that finds the lock held can say who holds it, and
the start that finds a holder gone says it takes over.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import logging.handlers
import os
import sys
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path


logger = logging.getLogger(__name__)

LOG_MAX_BYTES = 10 * 1024 * 1024  # one log file
LOG_BACKUPS = 5  # rotated files kept beside it (.1 … .5)
LOG_FORMAT = "%(asctime)s [%(name)s] %(levelname)s: %(message)s"


class CrawlRunning(RuntimeError):
    """Another crawl holds the archive's lock."""


def lock_path(db_path: str | Path) -> Path:
    """Return the note beside an archive in which the crawl holding its lock names itself (pid, start time)."""
    db = Path(db_path).resolve()
    return db.with_name(db.name + ".crawl.lock")


@contextmanager
def crawl_lock(db_path: str | Path):
    """Hold the archive's crawl lock for the block, or raise CrawlRunning at once (no waiting)."""
    from scraper.archive import Archive

    db = Path(db_path)
    if not db.exists():
        Archive(db).close()  # the lock lives on the archive file: make it (the crawl would)
    info = lock_path(db_path)
    fd = _flocked(db)
    if fd is None:
        raise CrawlRunning(f"another crawl of {db} is running ({_holder(info)}); this one exits")
    try:
        _warn_if_taken_over(info)
        started = datetime.now(timezone.utc).replace(microsecond=0).isoformat()
        info.write_text(f"pid {os.getpid()}, started {started}\n", encoding="utf-8")
        yield info
    finally:
        with contextlib.suppress(OSError):
            info.unlink()
        os.close(fd)  # releases the flock


def being_written(db_path: str | Path) -> str:
    """Why an archive is being written now (a crawl holds its lock, or its WAL holds pages not yet in the
    file), or "" when it is not."""
    db = Path(db_path)
    wal = db.with_name(db.name + "-wal")
    if wal.exists() and wal.stat().st_size > 0:
        return f"its write-ahead log {wal.name} holds {wal.stat().st_size:,} bytes not yet in the file"
    fd = _flocked(db)
    if fd is None:
        return f"a crawl is writing it ({_holder(lock_path(db))})"
    os.close(fd)  # released at once: only asked whether it was free
    return ""


def _flocked(db: Path) -> int | None:
    """Take the archive file's lock without waiting: the open descriptor holding it, or None when another
    process holds it. Closing the descriptor releases it."""
    fd = os.open(db, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    return fd


def _warn_if_taken_over(info: Path) -> None:
    """Log that the lock's last holder is gone without releasing it (killed), when its note says so."""
    holder = _holder(info)
    if not holder.startswith("pid "):
        return
    pid = int(holder.split()[1].rstrip(","))
    try:
        os.kill(pid, 0)
        alive = pid != os.getpid()
    except ProcessLookupError:
        alive = False
    except PermissionError:
        alive = True
    if not alive:
        logger.warning("the crawl lock's last holder (%s) is gone without releasing it; this crawl takes over", holder)


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
    logging.captureWarnings(True)
    sys.unraisablehook = log_unraisable
    return handler


def log_unraisable(unraisable) -> None:
    """Log an exception Python could not raise (in a finaliser, at exit) instead of printing it to stderr."""
    logging.getLogger("govnews").warning("exception ignored in %r", unraisable.object,
                                         exc_info=(unraisable.exc_type, unraisable.exc_value, unraisable.exc_traceback))
