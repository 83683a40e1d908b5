"""The SQLite archive: migrations, WAL, saving articles without ever losing a stored text, queries."""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import fields
from datetime import datetime, timezone
from pathlib import Path

from sqlite_utils import Database

from scraper.clusters import index_for, signature_bytes
from scraper.items import RAW_FIELDS, Article
from scraper.migrations import migrations
from scraper.recanonical import recanonicalize, stored_version
from scraper.registry import Portal
from scraper.search import fold_match
from scraper.urls import CANONICAL_VERSION

logger = logging.getLogger(__name__)

ARTICLE_COLUMNS = [f.name for f in fields(Article) if f.name not in RAW_FIELDS]
# The portal's columns an export row carries after the article's.
PORTAL_EXPORT_COLUMNS = ("province", "level", "successor")
# Columns of articles that a re-crawl may not overwrite: a change becomes an article_versions row.
VERSIONED = ("title", "text", "content_hash")


SQLITE_HEADER = b"SQLite format 3\x00"


class ArchiveError(RuntimeError):
    """The file is not an archive this govnews can use: empty, damaged, foreign or from a newer version."""


def check_archive(path: str | Path) -> None:
    """Refuse, in one line, a file that is not a usable archive; a missing file passes (a crawl creates it).

    Cheap: the SQLite header, a readable schema, govnews' migrations table, and no migration this
    version does not know. Every command's --db runs it before anything opens the file.
    """
    path = Path(path)
    if check_header(path):
        with _checking(path) as conn:
            check_schema(path, conn)


def check_pages(path: str | Path) -> None:
    """Refuse an archive with a damaged page (PRAGMA quick_check reads every page: seconds on gigabytes).

    A crawl and the ingest writer run it first: a flipped byte in a table page used to hang the
    crawl in its reactor, holding the lock.
    """
    path = Path(path)
    if not path.exists():
        return
    with _checking(path) as conn:
        try:
            problems = [line.strip() for row in conn.execute("PRAGMA quick_check(3)") for line in row[0].splitlines()
                        if line.strip() and line.strip() != "*** in database main ***"]
        except sqlite3.DatabaseError as exc:
            raise ArchiveError(f"{path}: damaged ({exc}); restore it from a backup or a published snapshot") from None
    if problems != ["ok"]:
        raise ArchiveError(f"{path}: damaged ({'; '.join(problems)}); restore it from a backup or a published snapshot")


@contextmanager
def _checking(path: Path) -> Iterator[sqlite3.Connection]:
    """Open a connection to check a file, and close it (no other connection of this process is open yet)."""
    writable = os.access(path, os.W_OK)
    try:
        # read-write when allowed: a read-only connection to a WAL file being written can fail with an I/O error
        conn = sqlite3.connect(path if writable else f"file:{path}?mode=ro", uri=not writable, timeout=30)
    except sqlite3.Error as exc:
        raise ArchiveError(f"{path}: cannot be opened ({exc})") from None
    try:
        yield conn
    finally:
        conn.close()


def check_header(path: Path) -> bool:
    """Refuse a file that is empty, a directory or not SQLite; return whether the file exists."""
    if not path.exists():
        return False
    if path.is_dir():
        raise ArchiveError(f"{path}: is a directory, not an archive")
    with open(path, "rb") as f:
        header = f.read(len(SQLITE_HEADER))
    if not header:
        raise ArchiveError(f"{path}: empty file, not a govnews archive")
    if header != SQLITE_HEADER:
        raise ArchiveError(f"{path}: not a SQLite database, so not a govnews archive")
    return True


def check_schema(path: Path, conn: sqlite3.Connection, empty_ok: bool = True) -> None:
    """Refuse a SQLite file that is not a govnews archive, or one a newer govnews wrote (a new file passes
    where empty_ok: a crawl makes it an archive)."""
    try:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        applied = {m.name for m in migrations.applied(Database(conn))}
    except sqlite3.DatabaseError as exc:
        raise ArchiveError(f"{path}: damaged or not an archive ({exc})") from None
    if not tables and empty_ok:
        return
    if not tables:
        raise ArchiveError(f"{path}: empty, not a govnews archive")
    if migrations.migrations_table not in tables:
        raise ArchiveError(f"{path}: a SQLite database, but not a govnews archive (no {migrations.migrations_table})")
    # sqlite-utils keeps the registered migrations in _migrations and offers no public list of them
    unknown = sorted(applied - {m.name for m in migrations._migrations})
    if unknown:
        raise ArchiveError(f"{path}: written by a newer govnews (migration {unknown[-1]}); upgrade first")


def mark_frontier_done(db: Database, portal_id: str, fingerprint: str, now: str) -> None:
    """Turn one frontier row done (scraper/frontier.py); the caller holds the transaction that stores its results."""
    db.execute("UPDATE frontier SET state = 'done', done_at = ? WHERE portal_id = ? AND fingerprint = ?",
               [now, portal_id, fingerprint])


def utc_now() -> str:
    """Return the current time in ISO 8601, UTC, to the second."""
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


class Archive:
    """The archive file: one writer (the crawl), many readers (Datasette, export)."""

    def __init__(self, path: str | Path, readonly: bool = False):
        self.path = Path(path)
        # No header check here: closing any descriptor of the file drops every SQLite lock this
        # process holds on it (POSIX fcntl semantics), and other connections of the crawl are open.
        # The commands check the file once, before they open anything (check_archive).
        if readonly:
            if not self.path.exists():
                raise FileNotFoundError(f"{self.path}: no archive here (run `govnews crawl` first)")
            conn = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
        else:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, timeout=30, check_same_thread=False)
        if readonly:  # a reader needs the tables; a writer makes them (migrations)
            try:
                check_schema(self.path, conn, empty_ok=False)
            except ArchiveError:
                conn.close()
                raise
        self.db = Database(conn)
        if not readonly:
            try:
                self.db.execute("PRAGMA journal_mode=WAL")
                self.db.execute("PRAGMA synchronous=NORMAL")
                self.db.execute("PRAGMA foreign_keys=ON")
                migrations.apply(self.db)
                self._follow_canonical_version()
            except BaseException:
                conn.close()  # a refused archive leaves no open handle (and no -wal beside a temporary copy)
                raise

    def _follow_canonical_version(self) -> None:
        """Re-canonicalize rows written under an older canonical_url() (see scraper/recanonical.py)."""
        version = stored_version(self.db)
        if version == CANONICAL_VERSION:
            return
        if version > CANONICAL_VERSION:
            raise RuntimeError(f"{self.path}: written by a newer govnews (canonical URLs v{version}); upgrade first")
        recanonicalize(self.db, utc_now())

    def close(self) -> None:
        """Close the connection."""
        self.db.close()

    # --- writing ---------------------------------------------------------------------------

    def upsert_portals(self, portals: list[Portal]) -> None:
        """Record the registry rows of the portals about to be crawled."""
        now = utc_now()
        rows = [
            {"id": p.id, "name": p.name, "province": p.province, "unit": p.unit, "level": p.level,
             "base_url": p.base_url, "family": p.family, "status": p.status,
             "successor": p.successor, "updated_at": now}
            for p in portals
        ]
        with self.db.atomic():
            self.db["portals"].upsert_all(rows, pk="id")

    def record_detection(self, portal_id: str, family: str, evidence: tuple[str, ...]) -> None:
        """Remember the family detected for a portal."""
        with self.db.atomic():
            self.db.execute(
                "UPDATE portals SET detected_family = ?, detected_at = ?, detection_evidence = ? WHERE id = ?",
                [family, utc_now(), "; ".join(evidence), portal_id],
            )

    def detected_families(self, max_age_days: int) -> dict[str, str]:
        """Return {portal id: family} of detections younger than max_age_days."""
        rows = self.db.execute(
            "SELECT id, detected_family FROM portals WHERE detected_family IS NOT NULL"
            " AND detected_at >= strftime('%Y-%m-%dT%H:%M:%S', 'now', ?)",
            [f"-{max_age_days} days"],
        )
        return dict(rows.fetchall())

    def save(self, article: Article) -> str:
        """Store an article; return 'new', 'unchanged' or 'changed' (the old text kept as a version).

        The article's MinHash (`article.signature`) comes from the extraction pool, off the reactor
        thread; it is computed here only when an article arrives without one.
        """
        try:
            return self._save(article)
        except Exception as exc:
            if article.source == "live":  # a live crawl can fetch the page again; a capture is recovered again
                self._record_save_failure(article, exc)
            raise

    def _save(self, article: Article) -> str:
        """Store an article in one transaction (save()); the in-memory index changes only once it commits."""
        now = utc_now()
        indexed = None
        with self.db.atomic():
            existing = self._row_by_canonical(article.canonical_url)
            if existing is None:
                article_id = self._insert(article, now)
                indexed = self._cluster(article, article_id, article.signature or signature_bytes(article.title + "\n" + article.text))
                result = "new"
            elif article.source != "live":  # a web-archive capture of an archived article
                article_id = existing["id"]
                result = self._merge_capture(existing, article, now)
            elif existing["content_hash"] == article.content_hash:
                article_id = existing["id"]
                self.db.execute("UPDATE articles SET last_seen_at = ?, last_checked_at = ? WHERE id = ?",
                                [now, now, article_id])
                result = "unchanged"
            else:
                article_id = existing["id"]
                self._add_version(existing, now)
                self._update_text(article, article_id, now)
                result = "changed"
            self._save_raw(article, article_id)
            self._save_attachments(article, article_id, now)
            if article.frontier_fp:  # the page is done in the transaction that keeps its article
                mark_frontier_done(self.db, article.portal_id, article.frontier_fp, now)
            self.db.execute("DELETE FROM save_failures WHERE canonical_url = ?", [article.canonical_url])
        if indexed:  # only now: a rolled-back save leaves the in-memory index as it was
            indexed()
        return result

    def _record_save_failure(self, article: Article, error: BaseException) -> None:
        """Remember an article whose save failed, so that the portal's next crawl fetches it again.

        Best effort: when the archive cannot take even this row (the disk is still full), the
        failure is logged and the page stays pending in the crawl's frontier.
        """
        try:
            with self.db.atomic():
                self.db.execute(
                    "INSERT OR REPLACE INTO save_failures (portal_id, canonical_url, url, failed_at, error)"
                    " VALUES (?, ?, ?, ?, ?)",
                    [article.portal_id, article.canonical_url, article.url, utc_now(),
                     f"{type(error).__name__}: {error}"[:500]])
        except sqlite3.Error as exc:
            logger.error("%s: could not record the failed save of %s either: %s", article.portal_id, article.url, exc)

    def save_failures(self, portal_id: str) -> list[str]:
        """Return the URLs of the portal's articles whose save failed and that are not stored since."""
        rows = self.db.execute("SELECT url FROM save_failures WHERE portal_id = ? ORDER BY failed_at", [portal_id])
        return [row[0] for row in rows]

    def _merge_capture(self, existing: dict, article: Article, now: str) -> str:
        """Merge a capture into the row of its article; return 'unchanged' or 'changed'.

        `captured_at` keeps the earliest capture, `last_captured_at` the latest. The capture's text
        becomes current when it is the newest text known of an article the portal no longer serves
        (capture_is_current); otherwise a different text becomes an article_versions row, once.
        """
        times = [t for t in (existing["captured_at"], existing["last_captured_at"], article.captured_at) if t]
        self.db.execute("UPDATE articles SET captured_at = ?, last_captured_at = ? WHERE id = ?",
                        [min(times), max(times), existing["id"]])
        if not existing["captured_at"] or article.captured_at < existing["captured_at"]:
            if existing["source"] == "live":  # a live row names its earliest capture
                self.db.execute("UPDATE articles SET capture_url = ? WHERE id = ?", [article.capture_url, existing["id"]])
        if existing["content_hash"] == article.content_hash:
            return "unchanged"
        if self.capture_is_current(existing, article):
            self._add_version(existing, now)
            row = {name: getattr(article, name) for name in ARTICLE_COLUMNS
                   if name not in ("portal_id", "captured_at", "last_captured_at")}
            self.db["articles"].update(existing["id"], row)
            return "changed"
        known = self.db.execute("SELECT 1 FROM article_versions WHERE article_id = ? AND content_hash = ?",
                                [existing["id"], article.content_hash]).fetchone()
        if not known:
            self.db["article_versions"].insert(
                {"article_id": existing["id"], "title": article.title, "text": article.text,
                 "content_hash": article.content_hash, "first_seen_at": article.captured_at, "replaced_at": now})
        return "changed"

    def capture_is_current(self, existing: dict, article: Article) -> bool:
        """Tell whether a capture's text replaces an article's current text: the capture is newer
        than that text (its capture time, or the last live fetch), and the portal no longer serves
        the article (the row never came from the portal live, or the portal is offline or redirected).
        A live portal's own text stays current: its next crawl reads it again."""
        if existing["source"] == "live":
            gone = self.db.execute(
                "SELECT 1 FROM portals WHERE id = ? AND (status IN ('offline', 'redirected')"
                " OR checked_status IN ('offline', 'redirected'))", [existing["portal_id"]]).fetchone()
            return bool(gone) and article.captured_at > (existing["last_seen_at"] or "")
        return article.captured_at > (existing["last_captured_at"] or existing["captured_at"] or "")

    def _row_by_canonical(self, canonical_url: str) -> dict | None:
        """Return the stored row of a canonical URL, or None."""
        rows = list(self.db.query("SELECT * FROM articles WHERE canonical_url = ?", [canonical_url]))
        return rows[0] if rows else None

    def _insert(self, article: Article, now: str) -> int:
        """Insert a new article row and return its id."""
        row = {name: getattr(article, name) for name in ARTICLE_COLUMNS}
        duplicate = self.db.execute(
            "SELECT id FROM articles WHERE content_hash = ? AND duplicate_of IS NULL ORDER BY id LIMIT 1",
            [article.content_hash],
        ).fetchone()
        row.update(first_seen_at=now, last_seen_at=now, duplicate_of=duplicate[0] if duplicate else None)
        if article.source != "live":
            row["last_captured_at"] = article.last_captured_at or article.captured_at
        return self.db["articles"].insert(row).last_pk

    def _cluster(self, article: Article, article_id: int, blob: bytes) -> Callable[[], None]:
        """Store the article's signature and join (or found) the cluster of its near-duplicates elsewhere.

        Return what indexes the signature in memory, for the caller to run once the row is committed.
        """
        index = index_for(str(self.path.resolve()), self.db.conn)
        matches, minhash = index.matches(article.portal_id, blob)
        self.db.execute("INSERT OR REPLACE INTO minhashes (article_id, signature) VALUES (?, ?)", [article_id, blob])
        self._join_cluster(article_id, matches)
        return lambda: index.add(article_id, article.portal_id, minhash)

    def _join_cluster(self, article_id: int, matches: list[int]) -> None:
        """Put an article and its near-duplicates in one cluster, merging the clusters they were in."""
        if not matches:
            return
        members = [article_id, *matches]
        placeholders = ", ".join("?" * len(members))
        existing = [row[0] for row in self.db.execute(
            f"SELECT DISTINCT cluster_id FROM articles WHERE id IN ({placeholders}) AND cluster_id IS NOT NULL", members)]
        cluster = min(existing) if existing else f"c{min(members)}"
        self.db.execute(f"UPDATE articles SET cluster_id = ? WHERE id IN ({placeholders})", [cluster, *members])
        for other in existing:
            if other != cluster:  # two clusters met through this article: merge them
                self.db.execute("UPDATE articles SET cluster_id = ? WHERE cluster_id = ?", [cluster, other])

    def keep_version(self, existing: dict, now: str) -> None:
        """Keep an article's current title and text as a version before they are replaced (reextract)."""
        self._add_version(existing, now)

    def _add_version(self, existing: dict, now: str) -> None:
        """Keep the stored text of an article as an article_versions row."""
        self.db["article_versions"].insert(
            {"article_id": existing["id"], "title": existing["title"], "text": existing["text"],
             "content_hash": existing["content_hash"], "first_seen_at": existing["first_seen_at"],
             "replaced_at": now}
        )

    def _update_text(self, article: Article, article_id: int, now: str) -> None:
        """Replace the current text of an article whose old text is already kept as a version."""
        row = {name: getattr(article, name) for name in ARTICLE_COLUMNS if name not in ("portal_id", "source")}
        row["last_seen_at"] = row["last_checked_at"] = now
        self.db["articles"].update(article_id, row)

    def _save_raw(self, article: Article, article_id: int) -> None:
        """Store the fetched page gzip'd, once per distinct body."""
        if not article.raw_html:
            return
        digest = hashlib.sha256(article.raw_html).hexdigest()
        self.db.execute(
            "INSERT OR IGNORE INTO raw_pages (article_id, url, fetched_at, http_status, headers, sha256, html_gz,"
            " capture_url, captured_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [article_id, article.url, article.fetched_at, article.http_status,
             json.dumps(article.raw_headers, ensure_ascii=False), digest,
             gzip.compress(article.raw_html, mtime=0),
             # a web-archive capture: which one, and when the archive took it from the portal
             article.capture_url or None if article.source != "live" else None,
             article.captured_at or None if article.source != "live" else None],
        )

    def _save_attachments(self, article: Article, article_id: int, now: str) -> None:
        """List the article's documents, once per URL."""
        for attachment in article.attachments:
            self.db.execute(
                "INSERT OR IGNORE INTO attachments (article_id, url, title, first_seen_at) VALUES (?, ?, ?, ?)",
                [article_id, attachment["url"], attachment["title"], now],
            )

    def due_for_recheck(self, portal_id: str, now: str, limit: int) -> list[dict]:
        """Return archived articles due for a re-check, oldest check first, with their last validators.

        An article is due every quarter of its age (at least daily, at most every 90 days): new
        articles, which portals still edit, are looked at often; old ones rarely.
        """
        rows = self.db.execute(
            """SELECT a.id, a.url, a.canonical_url,
                      (SELECT headers FROM raw_pages r WHERE r.article_id = a.id ORDER BY r.id DESC LIMIT 1) AS headers
               FROM articles a
               WHERE a.portal_id = :portal AND a.gone_at IS NULL
                 AND julianday(:now) - julianday(coalesce(a.last_checked_at, a.first_seen_at))
                     >= min(90, max(1, (julianday(:now) - julianday(coalesce(substr(a.published_at, 1, 19), a.first_seen_at))) / 4))
               ORDER BY coalesce(a.last_checked_at, a.first_seen_at) LIMIT :limit""",
            {"portal": portal_id, "now": now, "limit": limit},
        )
        return [dict(zip(("id", "url", "canonical_url", "headers"), row)) for row in rows]

    def last_fetches(self, portal_id: str) -> dict[str, tuple[str, str]]:
        """Return, for each of a portal's articles not gone, its URL and when its page was last had (UTC ISO)."""
        rows = self.db.execute(
            "SELECT canonical_url, url, max(first_seen_at, coalesce(last_checked_at, first_seen_at)) FROM articles"
            " WHERE portal_id = ? AND gone_at IS NULL", [portal_id])
        return {canonical: (url, seen) for canonical, url, seen in rows}

    def last_headers(self, canonical_urls: list[str]) -> dict[str, str]:
        """Return the response headers (JSON) stored with each article's latest raw page."""
        headers = {}
        for canonical in canonical_urls:
            row = self.db.execute(
                "SELECT r.headers FROM raw_pages r JOIN articles a ON a.id = r.article_id"
                " WHERE a.canonical_url = ? ORDER BY r.id DESC LIMIT 1", [canonical]).fetchone()
            headers[canonical] = row[0] if row else None
        return headers

    def record_recheck(self, canonical_url: str, outcome: str, portal_id: str = "", frontier_fp: str = "") -> None:
        """Record a re-check that found no new text: not modified (seen now) or gone (from now)."""
        now = utc_now()
        with self.db.atomic():
            if frontier_fp:
                mark_frontier_done(self.db, portal_id, frontier_fp, now)
            if outcome == "gone":
                self.db.execute("UPDATE articles SET gone_at = coalesce(gone_at, ?), last_checked_at = ? "
                                "WHERE canonical_url = ?", [now, now, canonical_url])
            else:
                self.db.execute("UPDATE articles SET last_seen_at = ?, last_checked_at = ? WHERE canonical_url = ?",
                                [now, now, canonical_url])

    def record_check(self, portal_id: str, status: str, detail: str, target: str = "") -> bool:
        """Record a lifecycle check; add a history row when the status changed. Return whether it changed."""
        now = utc_now()
        with self.db.atomic():
            last = self.db.execute("SELECT status, target FROM portal_status_history WHERE portal_id = ?"
                                   " ORDER BY since DESC, id DESC LIMIT 1", [portal_id]).fetchone()
            changed = last is None or tuple(last) != (status, target)
            if changed:
                self.db["portal_status_history"].insert(
                    {"portal_id": portal_id, "status": status, "detail": detail, "target": target, "since": now})
            self.db.execute("UPDATE portals SET checked_status = ?, checked_at = ?, redirect_target = ? WHERE id = ?",
                            [status, now, target or None, portal_id])
        return changed

    def newest_article(self, portal_id: str) -> str | None:
        """Return the publication time of the portal's newest archived article, or None."""
        return self.db.execute("SELECT max(published_at) FROM articles WHERE portal_id = ?", [portal_id]).fetchone()[0]

    def record_run(self, run: dict) -> None:
        """Write one crawl_runs row."""
        with self.db.atomic():
            self.db["crawl_runs"].insert(run)

    def replace_run(self, run: dict) -> None:
        """Write a portal's crawl_runs row of a run, in place of the one written before (scale-out merges)."""
        with self.db.atomic():
            self.db.execute("DELETE FROM crawl_runs WHERE run_id = ? AND portal_id = ?", [run["run_id"], run["portal_id"]])
            self.db["crawl_runs"].insert(run)

    # --- reading ---------------------------------------------------------------------------

    def known_urls(self, portal_id: str, before: str | None = None) -> set[str]:
        """Return the canonical URLs archived for a portal (first seen before a moment, when given)."""
        if before:
            rows = self.db.execute("SELECT canonical_url FROM articles WHERE portal_id = ? AND first_seen_at < ?",
                                   [portal_id, before])
        else:
            rows = self.db.execute("SELECT canonical_url FROM articles WHERE portal_id = ?", [portal_id])
        return {row[0] for row in rows}

    def count(self, table: str = "articles") -> int:
        """Return the number of rows in a table."""
        return self.db[table].count

    def article_columns(self) -> list[str]:
        """Return the columns of the articles table, in order (exports carry every one)."""
        return [name for name, _ in self.article_column_types()]

    def article_column_types(self) -> list[tuple[str, str]]:
        """Return (name, declared SQLite type) of each column of the articles table, in order."""
        return [(row[1], row[2]) for row in self.db.execute("PRAGMA table_info(articles)")]

    def export_column_types(self) -> list[tuple[str, str]]:
        """Return (name, declared type) of the export's columns: every articles column, then the portal's
        province, level and successor unit."""
        return [*self.article_column_types(), *((name, "TEXT") for name in PORTAL_EXPORT_COLUMNS)]

    def iter_articles(self, portals=(), since: str = "", until: str = "", search: str = "") -> Iterator[dict]:
        """Yield export rows (every articles column, then the portal's) one at a time, oldest first.

        since and until are days (YYYY-MM-DD), both included, compared with the day the article
        gives (its date in Vietnam time, as stored)."""
        where, params = [], []
        if portals:
            where.append(f"a.portal_id IN ({', '.join('?' * len(portals))})")
            params.extend(portals)
        if since:
            where.append("substr(a.published_at, 1, 10) >= ?")
            params.append(since)
        if until:
            where.append("substr(a.published_at, 1, 10) <= ?")
            params.append(until)
        join = ""
        if search:
            join = "JOIN articles_fts f ON f.rowid = a.search_key"
            where.append("articles_fts MATCH ?")
            params.append(fold_match(search))
        columns = ", ".join([*(f"a.{c}" for c in self.article_columns()), *(f"p.{c}" for c in PORTAL_EXPORT_COLUMNS)])
        sql = f"SELECT {columns} FROM articles a LEFT JOIN portals p ON p.id = a.portal_id {join}"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY a.published_at, a.id"
        cursor = self.db.conn.execute(sql, params)
        names = [d[0] for d in cursor.description]
        for row in cursor:
            yield dict(zip(names, row))

