"""A verified snapshot of the archive to publish: VACUUM INTO a new file, check it, then swap it in.

Datasette serves the snapshot, never the file cron writes: a crawl in progress, a crash or a
corrupt page in the working archive never reaches the public, and the public file can be
opened immutable (no locks, counts cached).
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from scraper.atomic import replaced_whole
from scraper.facet_counts import write_facet_counts, write_search_facets
from scraper.migrations import NEWS_WITH_DUPLICATES, NOT_DUPLICATE, news_view


class SnapshotError(RuntimeError):
    """The snapshot failed its checks; the published file was left as it was."""


@dataclass
class Snapshot:
    path: Path
    articles: int
    size_bytes: int
    seconds: float


def publish_snapshot(source: str | Path, target: str | Path) -> Snapshot:
    """Write a consistent copy of source to target, replacing target only once the copy checks out."""
    source, target = Path(source), Path(target)
    if not source.exists():
        raise FileNotFoundError(f"{source}: no archive here (run `govnews crawl` first)")
    if source.resolve() == target.resolve():
        raise SnapshotError(f"{target}: the snapshot must be another file than the archive")
    started = time.monotonic()
    with replaced_whole(target) as partial:
        # VACUUM INTO reads in one transaction: a consistent snapshot even while a crawl writes.
        conn = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            conn.execute("VACUUM INTO ?", [str(partial)])
        except sqlite3.DatabaseError as exc:
            raise SnapshotError(f"{source}: cannot be copied ({exc}); the published snapshot is unchanged") from None
        finally:
            conn.close()
        articles = _prepare(partial)
    return Snapshot(target, articles, target.stat().st_size, time.monotonic() - started)


def news_without_join(conn: sqlite3.Connection) -> None:
    """Copy each portal's province and level onto its articles, index them, and define news over articles alone.

    Joined to portals, a page filtered by a province or a level that holds much of the archive
    had to sort all of it (level=province: 3.4 s on a million articles, over the time limit):
    the planner cannot tell a large province from a small one. From articles, each has an index
    in newest-first order, and its count reads one index. Only a snapshot gets this: nothing
    writes it, so the copies cannot go stale.
    """
    conn.execute("ALTER TABLE articles ADD COLUMN province TEXT")
    conn.execute("ALTER TABLE articles ADD COLUMN level TEXT")
    conn.execute("UPDATE articles SET (province, level) = (SELECT province, level FROM portals WHERE id = articles.portal_id)")
    for column in ("province", "level"):
        conn.execute(f"CREATE INDEX idx_articles_{column}_search_key ON articles({column}, search_key, duplicate_of) "
                     f"{NOT_DUPLICATE}")
    conn.execute("DROP VIEW news")
    conn.execute(f"CREATE VIEW news AS {news_view(published=True, without_duplicates=True)}")
    conn.execute(f"DROP VIEW {NEWS_WITH_DUPLICATES}")
    conn.execute(f"CREATE VIEW {NEWS_WITH_DUPLICATES} AS {news_view(published=True)}")
    # A date-range page is bounded to a stretch of search_key (the plugin's search_key_bounds);
    # with the date in the index, its count reads the index alone. The full index on search_key
    # stays for the searches' joins and news_with_duplicates.
    conn.execute(f"CREATE UNIQUE INDEX idx_articles_search_key_published_at ON articles(search_key, published_at, "
                 f"duplicate_of) {NOT_DUPLICATE}")


def _prepare(path: Path) -> int:
    """Bring a snapshot to this version's schema, tune it for reading, check its pages and its search index.

    Returns its article count. The archive cron writes is left on the schema its crawler wrote.
    The snapshot's news view reads everything from articles (news_without_join), and the
    snapshot gets the facet counts of that view (scraper/facet_counts.py).
    """
    from scraper.archive import Archive

    try:
        Archive(path).close()  # migrations (indexes the served pages need) apply to the copy
    except (sqlite3.DatabaseError, RuntimeError) as exc:  # RuntimeError: written by a newer govnews
        raise SnapshotError(f"schema upgrade: {exc}; the published snapshot is unchanged") from None
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        # Nothing writes the snapshot again: merge the search index into one segment (about a
        # third faster to query) and give the planner fresh statistics for facets and joins.
        conn.execute("INSERT INTO articles_fts (articles_fts) VALUES ('optimize')")
        news_without_join(conn)
        # Facet counts a faceted page sums instead of grouping the articles (facet_counts.py).
        write_facet_counts(conn)
        write_search_facets(conn)
        conn.execute("ANALYZE")
        conn.commit()
        problems = [row[0] for row in conn.execute("PRAGMA integrity_check")]
        if problems != ["ok"]:
            raise SnapshotError(f"integrity_check: {'; '.join(problems[:3])}; the published snapshot is unchanged")
        try:
            conn.execute("INSERT INTO articles_fts (articles_fts) VALUES ('integrity-check')")
        except sqlite3.DatabaseError as exc:
            raise SnapshotError(f"search index: {exc}; the published snapshot is unchanged") from None
        count = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        conn.commit()
        return count
    finally:
        conn.close()
