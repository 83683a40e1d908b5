"""Re-canonicalize an archive after canonical_url() changed: one row per article again, nothing lost.

canonical_url() learns new variant forms over time (IIS path case, session and portlet state...).
Rows stored before a change keep the old form, so a re-crawl could store the same article a
second time under the new one. An archive records the CANONICAL_VERSION its rows were written
with; when the code's version is newer, opening the archive for writing rewrites every row's
canonical_url. Two rows that now share one are merged into one (the id of the row that holds
the new form already, or was renamed to it first):

- the text seen last is the current one; the other, when it differs, becomes an `article_versions` row;
- raw pages, attachments, versions of both stay with the kept row;
- first_seen_at is the earlier of the two, last_seen_at the later;
- every old form is kept in `url_aliases` (old canonical URL → new one, and the row it lives in).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlite_utils import Database

from scraper.urls import CANONICAL_VERSION, canonical_url

logger = logging.getLogger(__name__)


@dataclass
class Recanonicalized:
    """What a re-canonicalization did."""

    checked: int = 0
    renamed: int = 0
    merged: int = 0
    versions_added: int = 0


def stored_version(db: Database) -> int:
    """Return the CANONICAL_VERSION the archive's rows were written with (0: before versions were kept)."""
    row = db.execute("SELECT value FROM archive_meta WHERE key = 'canonical_version'").fetchone()
    return int(row[0]) if row else 0


def set_version(db: Database, version: int = CANONICAL_VERSION) -> None:
    """Record the CANONICAL_VERSION the archive's rows now follow."""
    db.execute("INSERT OR REPLACE INTO archive_meta (key, value) VALUES ('canonical_version', ?)", [str(version)])


def recanonicalize(db: Database, now: str) -> Recanonicalized:
    """Rewrite every article's canonical_url with today's canonical_url(), merging rows that meet (one transaction)."""
    done = Recanonicalized()
    with db.atomic():
        rows = db.execute("SELECT id, url, canonical_url FROM articles ORDER BY first_seen_at, id").fetchall()
        for article_id, url, old in rows:
            done.checked += 1
            new = canonical_url(old or url)
            if new == old:
                continue
            keeper = db.execute("SELECT id FROM articles WHERE canonical_url = ?", [new]).fetchone()
            db.execute("INSERT OR IGNORE INTO url_aliases (alias_url, canonical_url, article_id, recorded_at)"
                       " VALUES (?, ?, ?, ?)", [old, new, keeper[0] if keeper else article_id, now])
            if keeper is None:
                db.execute("UPDATE articles SET canonical_url = ? WHERE id = ?", [new, article_id])
                done.renamed += 1
            else:
                done.versions_added += _merge(db, keeper[0], article_id, now)
                done.merged += 1
        set_version(db)
    if done.renamed or done.merged:
        logger.info("re-canonicalized %d articles: %d renamed, %d merged into the first seen (%d versions kept)",
                    done.checked, done.renamed, done.merged, done.versions_added)
    return done


# What a page's text brings with it: taken from the row seen last when two rows merge.
_PAGE_COLUMNS = ("url", "title", "published_at", "published_raw", "date_precision", "date_source", "author", "text",
                 "summary", "captions", "legacy_encoding", "encoding_note", "credit", "content_hash", "extractor_version")


def _row(db: Database, article_id: int) -> dict:
    cursor = db.execute("SELECT * FROM articles WHERE id = ?", [article_id])
    return dict(zip([d[0] for d in cursor.description], cursor.fetchone()))


def _merge(db: Database, keeper: int, other: int, now: str) -> int:
    """Move everything of row `other` to row `keeper` and delete `other`; return versions added (0 or 1)."""
    mine, theirs = _row(db, keeper), _row(db, other)
    older, newer = (theirs, mine) if (mine["last_seen_at"] or "") >= (theirs["last_seen_at"] or "") else (mine, theirs)
    added = 0
    if theirs["content_hash"] != mine["content_hash"]:
        db.execute("INSERT INTO article_versions (article_id, title, text, content_hash, first_seen_at, replaced_at)"
                   " VALUES (?, ?, ?, ?, ?, ?)",
                   [keeper, older["title"], older["text"], older["content_hash"], older["first_seen_at"], now])
        added = 1
    if newer is theirs:
        db.execute(f"UPDATE articles SET {', '.join(f'{c} = ?' for c in _PAGE_COLUMNS)} WHERE id = ?",
                   [*(theirs[c] for c in _PAGE_COLUMNS), keeper])
    for table in ("raw_pages", "attachments"):  # unique per article: a copy the keeper has already is dropped
        db.execute(f"UPDATE OR IGNORE {table} SET article_id = ? WHERE article_id = ?", [keeper, other])
        db.execute(f"DELETE FROM {table} WHERE article_id = ?", [other])
    db.execute("UPDATE article_versions SET article_id = ? WHERE article_id = ?", [keeper, other])
    db.execute("DELETE FROM minhashes WHERE article_id = ?", [other])
    db.execute("UPDATE articles SET duplicate_of = ? WHERE duplicate_of = ?", [keeper, other])
    db.execute("UPDATE url_aliases SET article_id = ? WHERE article_id = ?", [keeper, other])
    db.execute("UPDATE articles SET first_seen_at = min(first_seen_at, ?), last_seen_at = max(last_seen_at, ?)"
               " WHERE id = ?", [theirs["first_seen_at"], theirs["last_seen_at"], keeper])
    db.execute("DELETE FROM articles WHERE id = ?", [other])
    return added
