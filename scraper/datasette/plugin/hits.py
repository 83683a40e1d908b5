"""A searched `news` page of a published snapshot: its matches found once, for its row count and its facets.

Datasette evaluates a searched page's FTS5 match once per query: for the rows, for the row
count, and again for the facets. In a snapshot, the row count and the facets are read from one
grouping of the matches instead: the search, run on SEARCH_TABLE (each news row's CELL, its row
of the facet counts, keyed by search_key), grouped by cell and kept to the cells the page's
filters on facet columns choose. The count is the sum of the groups; the facets are those groups
joined to the counts' facet columns (a few thousand rows, not every match).

Only a page whose filters are all the search and facet columns qualifies, as the request says
(facets.py `_page_filters`), and its filters are rebuilt on the counts with Datasette's
`Filters`. Datasette's own WHERE is not reused: SQLite reads a double-quoted name that is no
column as a string, so a filter on a column the table lacks would match silently instead of
failing.

Datasette has no hook for a page's count, so `count_from_hits` wraps one database's `execute`
and answers the count query of the page `remember_searched_page` noted for this request (a
context variable: one request's, never another's); anything else goes to Datasette unchanged.
(docs/decisions.md, "One match for a searched page's count and facets")
"""

from __future__ import annotations

import contextvars
from dataclasses import dataclass

from datasette.database import Results

from scraper.facet_counts import CELL, KEY, SEARCH_TABLE, TABLE, VIEW

_COUNT_PREFIX = f"select count(*) from {VIEW} where "


@dataclass
class SearchedPage:
    """A searched news page of one request whose count and facets SEARCH_TABLE can tell."""

    request: object
    database: str
    search: str
    cells_where: list  # the page's filters on facet columns, as clauses on the counts (TABLE)
    params: dict
    found: tuple[int, str] | None = None

    async def hits(self, execute) -> tuple[int, str]:
        """Return (the page's row count, [[cell, articles], ...] as JSON), found on the first call."""
        if self.found is None:
            where = f"{KEY} IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH govnews_match(:govnews_search))"
            if self.cells_where:
                where += f" AND {CELL} IN (SELECT rowid FROM {TABLE} WHERE {' AND '.join(self.cells_where)})"
            # The count it stands for has Datasette's time limit: so has this (a timeout is the count's).
            rows = (await execute(
                f"SELECT coalesce(sum(articles), 0), json_group_array(json_array({CELL}, articles)) FROM "
                f"(SELECT {CELL}, count(*) AS articles FROM {SEARCH_TABLE} WHERE {where} GROUP BY {CELL})",
                {**self.params, "govnews_search": self.search})).rows
            self.found = tuple(rows[0])
        return self.found


_PAGE: contextvars.ContextVar[SearchedPage | None] = contextvars.ContextVar("govnews_searched_page", default=None)


def remember_searched_page(request, database: str, search: str, cells_where: list, params: dict) -> None:
    """Note this request's page as a searched page whose count and facets SEARCH_TABLE tells."""
    _PAGE.set(SearchedPage(request, database, search, cells_where, params))


def searched_page(request, database: str) -> SearchedPage | None:
    """The page remember_searched_page noted for this request, if any."""
    page = _PAGE.get()
    return page if page is not None and page.request is request and page.database == database else None


def count_from_hits(db) -> None:
    """Make db (a database that never changes) answer the count of a searched page remembered for it from its hits;
    a database no page is remembered for (no SEARCH_TABLE with CELL: facets.note_searched_page) is unchanged."""
    execute = db.execute

    async def execute_counting_hits(sql, params=None, *args, **kwargs):
        page = _PAGE.get()
        if (page is not None and page.database == db.name and not args and sql.startswith(_COUNT_PREFIX)
                and isinstance(params, dict) and params.get("search") == page.search):
            return Results([((await page.hits(execute))[0],)], False, [("count(*)",)])
        return await execute(sql, params, *args, **kwargs)

    db.execute = execute_counting_hits
