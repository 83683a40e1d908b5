"""The news view's facet counts, precomputed in a published snapshot.

A snapshot never changes once published, so the articles of each combination of the facet
columns (portal, province, level, year, month, source, has_author) are counted once, when
`govnews publish` writes it. A faceted page then sums a few thousand of these rows instead of
grouping up to a million articles per facet (docs/decisions.md, "Facet counts").

Each row also keeps the first and last `published_at` of its articles. A date-range filter
(`published_at__gte=2024-01-01`) is answered from the counts when every row falls wholly
inside or wholly outside the range, which is the case for ranges on month boundaries. And it
keeps their lowest and highest `search_key`, so that a date-range page can tell SQLite which
stretch of the newest-first index holds its articles (plugin: search_key_bounds).

`inspect_data` gives Datasette the row counts of a snapshot's tables and of the news view, taken
once when `govnews serve --immutable` starts, for the unfiltered pages.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

TABLE = "news_facet_counts"
# Each news article's CELL, the rowid of its row of TABLE (which holds its facet columns), keyed by
# search_key (the search index's rowid). A searched page counts its rows and facets from here
# instead of reading each matching article's row (plugin: hits.py, facets.py).
SEARCH_TABLE = "news_search_facets"
CELL = "cell"
VIEW = "news"
# Every article in one row of TABLE has the same value in each of these columns of VIEW.
DIMENSIONS = ("portal_id", "province", "level", "year", "month", "source", "has_author")
DATE_COLUMN = "published_at"
FIRST_DATE, LAST_DATE = "first_published_at", "last_published_at"
COUNT_COLUMN = "articles"
# news' newest-first order; each row of TABLE keeps the lowest and highest of its articles.
KEY, FIRST_KEY, LAST_KEY = "search_key", "first_search_key", "last_search_key"


def write_facet_counts(conn: sqlite3.Connection) -> None:
    """(Re)write TABLE from VIEW in an archive about to be published."""
    dimensions = ", ".join(DIMENSIONS)
    conn.execute(f"DROP TABLE IF EXISTS {TABLE}")
    # Created from the view itself, so each column has the type affinity of the view's column
    # and a filter compares the same way on both (`year__gt=2019` compares text with a number).
    conn.execute(f"CREATE TABLE {TABLE} AS SELECT {dimensions}, 0 AS {COUNT_COLUMN}, {DATE_COLUMN} AS {FIRST_DATE}, "
                 f"{DATE_COLUMN} AS {LAST_DATE}, {KEY} AS {FIRST_KEY}, {KEY} AS {LAST_KEY} FROM {VIEW} LIMIT 0")
    conn.execute(f"INSERT INTO {TABLE} SELECT {dimensions}, count(*), min({DATE_COLUMN}), max({DATE_COLUMN}), "
                 f"min({KEY}), max({KEY}) FROM {VIEW} GROUP BY {dimensions}")
    # A page filtered by a facet column or a date range reads only its own rows.
    for column in DIMENSIONS:
        # With the count: a facet groups by reading its own index alone.
        conn.execute(f"CREATE INDEX idx_{TABLE}_{column} ON {TABLE}({column}, {COUNT_COLUMN})")
    conn.execute(f"CREATE INDEX idx_{TABLE}_{FIRST_DATE} ON {TABLE}({FIRST_DATE}, {LAST_DATE})")


def write_search_facets(conn: sqlite3.Connection) -> None:
    """(Re)write SEARCH_TABLE from VIEW and TABLE (written first) in an archive about to be published."""
    conn.execute(f"DROP TABLE IF EXISTS {SEARCH_TABLE}")
    conn.execute(f"CREATE TABLE {SEARCH_TABLE} ({KEY} INTEGER PRIMARY KEY, {CELL} INTEGER NOT NULL)")
    # Each article's row of TABLE, looked up by all its facet columns at once; NULL is a value here.
    dimensions = ", ".join(DIMENSIONS)
    conn.execute(f"CREATE TEMP TABLE cells AS SELECT rowid AS {CELL}, {dimensions} FROM {TABLE}")
    conn.execute(f"CREATE INDEX temp.idx_cells ON cells({dimensions})")
    same = " AND ".join(f"c.{column} IS a.{column}" for column in DIMENSIONS)
    conn.execute(f"INSERT INTO {SEARCH_TABLE} SELECT a.{KEY}, (SELECT c.{CELL} FROM cells c WHERE {same}) "
                 f"FROM {VIEW} a ORDER BY a.{KEY}")
    conn.execute("DROP TABLE temp.cells")


def inspect_data(path: Path) -> dict:
    """Return Datasette's inspect data for an immutable snapshot: the rows of each table and of VIEW, counted once.

    Datasette reads an unfiltered page's row count from it instead of counting a million rows
    on every request. FTS5 tables are left out (Datasette hides them; counting them reads the
    whole index). No hash is given: Datasette would read the whole file to make one, for an
    ETag on a download that govnews does not allow.
    """
    conn = sqlite3.connect(f"file:{path}?immutable=1", uri=True)
    try:
        schema = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'").fetchall()
        virtual = [name for name, sql in schema if (sql or "").upper().startswith("CREATE VIRTUAL TABLE")]
        tables = [name for name, _ in schema if not any(name == v or name.startswith(f"{v}_") for v in virtual)]
        counts = {name: conn.execute(f"SELECT count(*) FROM [{name}]").fetchone()[0] for name in [*tables, VIEW]}
    finally:
        conn.close()
    return {path.stem: {"hash": None, "size": path.stat().st_size, "file": str(path),
                        "tables": {name: {"count": count} for name, count in counts.items()}}}
