"""Files written whole or not at all: a temporary file beside the target, renamed over it once complete.

A killed `govnews export -o` or `govnews publish` used to leave a truncated file in place of the
earlier one, or hidden partial files that piled up (3 kills: 0.77 to 3.7 GB). Here the target is
replaced only by a complete file (rename is atomic on one filesystem), and each start removes the
partial files that earlier, dead runs left beside the target.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

logger = logging.getLogger(__name__)

SIDECARS = ("", "-wal", "-shm", "-journal")  # a partial SQLite file may have these beside it


def partial_path(target: Path) -> Path:
    """Return the temporary file this process writes before it becomes target."""
    return target.with_name(f".{target.name}.partial-{os.getpid()}")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def clean_partials(target: Path) -> int:
    """Remove the partial files of target that processes no longer running left; return how many."""
    removed = 0
    for leftover in target.parent.glob(f".{target.name}.partial-*"):
        digits = leftover.name[len(f".{target.name}.partial-") :].split("-", 1)[0]
        if not digits.isdigit() or (int(digits) != os.getpid() and _alive(int(digits))):
            continue
        leftover.unlink(missing_ok=True)
        removed += 1
    if removed:
        logger.warning("%s: removed %d partial files an interrupted run left", target, removed)
    return removed


def remove_partial(partial: Path) -> None:
    """Remove a partial file and its SQLite sidecars."""
    for suffix in SIDECARS:
        partial.with_name(partial.name + suffix).unlink(missing_ok=True)


@contextmanager
def replaced_whole(target: str | Path) -> Iterator[Path]:
    """Yield a temporary path to write; on success it replaces target, on failure it is removed."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    clean_partials(target)
    partial = partial_path(target)
    remove_partial(partial)
    try:
        yield partial
        with open(partial, "rb+") as done:
            os.fsync(done.fileno())
        os.replace(partial, target)
    finally:
        remove_partial(partial)
