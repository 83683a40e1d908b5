"""`govnews reextract`: every stored article re-derived from its raw page by the current extractor.

Archives crawled before an extractor change keep what the old extractor made of each page; the
raw page is stored beside every article, so the current extractor can read it again. Each row
is re-derived in the extraction pool (processes, a time limit per page), its changed fields
written, and `extractor_version` set; a changed title or text keeps the earlier one in
`article_versions`, as a re-crawl would. Rows already at the current version are passed over,
so a run stopped half-way resumes where it stopped; `force` re-derives them too.
"""

from __future__ import annotations

import gzip
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from scraper.archive import Archive, utc_now
from scraper.extract import EXTRACTOR_VERSION, NO_HINTS, NotAnArticle, extract_article
from scraper.fingerprint import content_hash
from scraper.pool import extraction_pool, shutdown_pool
from scraper.registry import Hints

FIELDS = ("title", "published_at", "published_raw", "date_precision", "date_source", "author", "text",
          "summary", "captions", "credit", "legacy_encoding", "encoding_note")
BATCH = 100


@dataclass
class Outcome:
    """What one reextract run did."""

    rows: int = 0
    changed_rows: int = 0
    changed: Counter = field(default_factory=Counter)
    versions: int = 0
    not_article: int = 0
    failed: int = 0
    no_raw_page: int = 0
    current: int = 0

    def summary(self) -> str:
        """Return the run as lines: the totals, then how many rows each column changed in."""
        lines = [f"reextract: {self.rows} rows re-derived by {EXTRACTOR_VERSION}, {self.changed_rows} changed "
                 f"({self.versions} texts kept as versions); {self.current} already current; "
                 f"{self.not_article} no article to this extractor, {self.failed} failed, {self.no_raw_page} without raw page (left as they were)"]
        lines += [f"  {name}: {self.changed[name]} changed" for name in FIELDS]
        return "\n".join(lines)


def reextract(db_path: str | Path, portal_ids: Iterable[str] = (), hints_of: Callable[[str], Hints] = lambda _: NO_HINTS,
              workers: int = 2, timeout: float = 20, force: bool = False) -> Outcome:
    """Re-derive the selected portals' articles (all portals when none given); return what changed."""
    outcome = Outcome()
    archive = Archive(db_path)
    pool = extraction_pool(workers)
    try:
        versions = _versions(archive, list(portal_ids))
        due = [article_id for article_id, version in versions if force or version != EXTRACTOR_VERSION]
        outcome.current = len(versions) - len(due)
        for start in range(0, len(due), BATCH):  # a batch of rows in memory at a time, all its pages in the pool at once
            rows = _rows(archive, due[start:start + BATCH])
            pending = [_schedule(pool, row, hints_of(row["portal_id"]), timeout) for row in rows]
            results = [_attempt(task) for task in pending]
            with archive.db.atomic():
                for row, result in zip(rows, results):
                    _record(archive, row, result, outcome)
    finally:
        archive.close()
        shutdown_pool()
    return outcome


def _versions(archive: Archive, portal_ids: list[str]) -> list[tuple[int, str]]:
    """Return (id, extractor_version) of the portals' articles (all when none), in id order."""
    where = f"WHERE portal_id IN ({','.join('?' * len(portal_ids))})" if portal_ids else ""
    return archive.db.execute(f"SELECT id, extractor_version FROM articles {where} ORDER BY id", portal_ids).fetchall()


def _rows(archive: Archive, ids: list[int]) -> list[dict]:
    """Return the articles with these ids, each with its latest raw page's body and URL (None without one)."""
    cursor = archive.db.execute(
        f"""SELECT a.*, r.html_gz AS raw_gz, r.url AS raw_url FROM articles a
            LEFT JOIN raw_pages r ON r.id = (SELECT max(id) FROM raw_pages WHERE article_id = a.id)
            WHERE a.id IN ({','.join('?' * len(ids))}) ORDER BY a.id""", ids)
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, values)) for values in cursor]


def _schedule(pool, row: dict, hints: Hints, timeout: float):
    """Start extracting a row's raw page: a future in the pool, a call to make inline, or None without a page."""
    if row["raw_gz"] is None:
        return None
    args = (gzip.decompress(row["raw_gz"]), row["raw_url"], hints, True)
    if pool is None:
        return lambda: extract_article(*args)
    return pool.schedule(extract_article, args=args, timeout=timeout).result


def _attempt(task):
    """Return a task's extraction, or the exception that stopped it (reported; the others go on)."""
    if task is None:
        return None
    try:
        return task()
    except Exception as exc:  # NotAnArticle, the pool's timeout, a page the extractor chokes on
        return exc


def _record(archive: Archive, row: dict, result, outcome: Outcome) -> None:
    """Write one re-derived row: its changed fields, a version when its text changed, its extractor version."""
    if result is None:
        outcome.no_raw_page += 1
        return
    if isinstance(result, NotAnArticle):
        outcome.not_article += 1
        return
    if isinstance(result, BaseException):
        outcome.failed += 1
        return
    outcome.rows += 1
    values = {name: getattr(result, name) for name in FIELDS}
    changed = [name for name in FIELDS if (row[name] or "") != (values[name] or "")]
    new_hash = content_hash(values["title"] + "\n" + values["text"])
    if new_hash != row["content_hash"]:
        archive.keep_version(row, utc_now())
        outcome.versions += 1
    archive.db.execute(
        f"UPDATE articles SET {', '.join(f'{name} = ?' for name in FIELDS)}, content_hash = ?, extractor_version = ? WHERE id = ?",
        [*values.values(), new_hash, EXTRACTOR_VERSION, row["id"]])
    if changed:
        outcome.changed_rows += 1
        outcome.changed.update(changed)
