"""Column facets summed from a published snapshot's precomputed counts (scraper/facet_counts.py).

`news` lists its facets as `{"counted": column}`. When the database is immutable, holds the
counts table, and every filter of the page is on a facet column (or a `published_at` range that
no row of counts straddles), a facet is one `sum()` over the counts. Otherwise (a search, a text
filter, a page past the first, a working archive that cron still writes) it is counted live from
the articles, exactly as Datasette's own column facet does, unless the page's own count ran out
of time: then the facets are named as timed out without making the page wait for them too.
A search whose other filters are all on facet columns is grouped from the one grouping of its
matches in the snapshot's SEARCH_TABLE that also gave the page its count (hits.py), instead of
reading each matching article's row seven times.
Either way the results look like a column facet's, and they are the same numbers:
tests/test_facet_counts.py compares them.
"""

from __future__ import annotations

import asyncio
import weakref
from urllib.parse import parse_qsl

from datasette.database import QueryInterrupted
from datasette.facets import ColumnFacet
from datasette.filters import FilterArguments, Filters
from datasette.utils import escape_sqlite, path_with_added_args, path_with_removed_args

from scraper.datasette.plugin.hits import remember_searched_page, searched_page
from scraper.facet_counts import (CELL, COUNT_COLUMN, DATE_COLUMN, DIMENSIONS, FIRST_DATE, FIRST_KEY, KEY, LAST_DATE, LAST_KEY,
                                  SEARCH_TABLE, TABLE, VIEW)

# Query-string arguments that change how a page looks, not which rows it counts.
_PRESENTATION = {"_size", "_sort", "_sort_desc", "_col", "_nocol", "_labels", "_nolabels", "_shape", "_json",
                 "_timelimit", "_nocount", "_nofacet", "_nosuggest", "_trace", "_stream", "_dl", "_header"}
# One-sided comparisons: a row of counts whose first and last dates agree agrees for every date between.
_RANGE_LOOKUPS = {"gt", "gte", "lt", "lte"}
_KNOWN_LOOKUPS = {lookup for lookup, _, _ in Filters([]).lookups()}
# Facets read as a calendar: newest first, and enough values for 20 years of months (Datasette's
# 30 most frequent cut a decade's months at random).
DATE_ORDERED = {"year", "month"}
DATE_FACET_SIZE = 240


class CountedFacet(ColumnFacet):
    """A column facet read from the snapshot's counts when the page's filters allow it, else counted live."""

    type = "counted"
    _configs: list | None = None

    def get_configs(self):
        return self._configs if self._configs is not None else super().get_configs()

    async def facet_results(self):
        counts_filter = await self.counts_filter()
        searched = await self.searched_rows() if counts_filter is None else None
        configs = super().get_configs()
        summed = [c for c in configs if (counts_filter or searched) is not None and _column(c) in DIMENSIONS]
        live = [c for c in configs if c not in summed]
        results, timed_out = [], []
        if live and self.row_count is None and not self.request.args.get("_nocount"):
            # The page's count ran out of time (a search matching most of the archive): a facet
            # over the same rows would too, after making the page wait for it. Named as timed out.
            timed_out = [_column(c) for c in live]
        elif live:
            # Counted live by Datasette's column facet, which would count them one after another,
            # each for up to facet_time_limit_ms; here they run side by side.
            for facet_results, facet_timed_out in await asyncio.gather(*(self.live_facet(c) for c in live)):
                results += facet_results
                timed_out += facet_timed_out
        for result in results:  # Datasette's column facet names its own type and request argument
            result["type"] = "column"
            result["toggle_url"] = self.facet_toggle_url(result["name"])
            if result["name"] in DATE_ORDERED:
                result["results"].sort(key=lambda value: str(value["value"]), reverse=True)
        if summed:
            try:
                if searched is not None:
                    results += await self.grouped_facets(summed, *searched)
                else:
                    results += await self.summed_facets(summed, *counts_filter)
            except QueryInterrupted:
                timed_out += [_column(c) for c in summed]
        return results, timed_out

    def get_facet_size(self):
        """The size of a facet counted live (one config): size_of its column; else Datasette's."""
        configs = self._configs or []
        return self.size_of(_column(configs[0])) if len(configs) == 1 else super().get_facet_size()

    def size_of(self, column: str) -> int:
        """The number of values a facet of column shows: Datasette's, or DATE_FACET_SIZE for a DATE_ORDERED one."""
        size = super().get_facet_size()
        return max(size, DATE_FACET_SIZE) if column in DATE_ORDERED else size

    def facet_toggle_url(self, column: str) -> str:
        """The page without this facet (shown only for a facet the request asked for, `_facet_counted=`)."""
        return self.ds.urls.path(path_with_removed_args(self.request, {f"_facet_{self.type}": column}))

    async def live_facet(self, source_and_config: dict) -> tuple[list, list]:
        """Count one facet live, as Datasette's column facet does."""
        facet = CountedFacet(self.ds, self.request, self.database, sql=self.sql, table=self.table, params=self.params,
                             metadata=self.metadata, row_count=self.row_count)
        facet._configs = [source_and_config]
        return await ColumnFacet.facet_results(facet)

    async def counts_filter(self) -> tuple[str, dict] | None:
        """Return the WHERE clause (and its parameters) choosing the rows of counts behind this page's articles,
        or None when the page's rows cannot be told from the counts."""
        if not await _has_counts(self.ds, self.database, self.table):
            return None
        db = self.ds.get_database(self.database)
        filters = _page_filters(self.request.query_string)
        if filters is None or filters[0]:
            return None  # a search: rows the counts cannot tell
        _, dimension_pairs, date_pairs = filters
        dimensions, firsts, lasts, params = _counts_clauses(dimension_pairs, date_pairs)
        if not date_pairs:
            return " AND ".join(dimensions) or "1", params
        # NULL (no date) counts as false, as it does for the articles themselves.
        inside = " AND ".join(f"coalesce(({first}), 0) AND coalesce(({last}), 0)" for first, last in zip(firsts, lasts))
        straddling = await db.execute(
            f"SELECT count(*) FROM {TABLE} WHERE "
            + " AND ".join([*dimensions, f"NOT ({inside})", f"NOT ({_ruled_out(firsts, lasts)})"]),
            params, custom_time_limit=self.ds.setting("facet_time_limit_ms"))
        if straddling.rows[0][0]:
            return None  # the range cuts through a month of some portal: count the articles themselves
        # The same rows as `inside`, written so that the index on the first date can find them.
        return " AND ".join([*dimensions, *firsts, *lasts]), params

    async def summed_facets(self, configs: list, where: str, params: dict) -> list[dict]:
        """Return the facets' results, as Datasette's column facet gives them, summed from the counts."""
        if where != "1":
            # A filtered page: its rows of counts are chosen once, then grouped by each facet. One
            # query per facet made SQLite walk the facet column's index and look up every row's
            # filter column: 0.3-0.5 s for a filter keeping half of the counts, against 35-170 ms.
            chosen = ", ".join([*DIMENSIONS, COUNT_COLUMN])
            return await self.grouped_facets(configs, f"SELECT {chosen} FROM {TABLE} WHERE {where}", params)
        # The whole archive: each facet reads its own index (column, count), side by side.
        sizes = [self.size_of(_column(c)) for c in configs]
        queries = [self.ds.execute(self.database, _sum_sql(_column(c), TABLE, where, size), params, truncate=False,
                                   custom_time_limit=self.ds.setting("facet_time_limit_ms"))
                   for c, size in zip(configs, sizes)]
        grouped = [result.rows for result in await asyncio.gather(*queries)]
        return [self.facet_result(c, facet_rows, size) for c, facet_rows, size in zip(configs, grouped, sizes)]

    async def grouped_facets(self, configs: list, chosen_sql: str, params: dict) -> list[dict]:
        """Return the facets' results grouped from one chosen set of rows (DIMENSIONS and COUNT_COLUMN)."""
        sizes = [self.size_of(_column(c)) for c in configs]
        parts = " UNION ALL ".join(f"SELECT * FROM ({_sum_sql(_column(c), 'chosen', '1', size, facet=i)})"
                                   for i, (c, size) in enumerate(zip(configs, sizes)))
        rows = (await self.ds.execute(
            self.database, f"WITH chosen AS MATERIALIZED ({chosen_sql}) {parts}",
            params, truncate=False, custom_time_limit=self.ds.setting("facet_time_limit_ms"))).rows
        grouped = [[row for row in rows if row["facet"] == i] for i in range(len(configs))]
        return [self.facet_result(c, facet_rows, size) for c, facet_rows, size in zip(configs, grouped, sizes)]

    async def searched_rows(self) -> tuple[str, dict] | None:
        """Return the SQL (and parameters) choosing a searched page's rows of counts, each with the number of its
        articles the search matched (DIMENSIONS and COUNT_COLUMN), or None when the page is not a search that
        SEARCH_TABLE can tell (hits.py: found once for the page's count and its facets)."""
        page = searched_page(self.request, self.database)
        if page is None:
            return None
        _, hits = await page.hits(self.ds.get_database(self.database).execute)
        chosen = ", ".join(f"c.{column}" for column in DIMENSIONS)
        return (f"SELECT {chosen}, hit.value ->> 1 AS {COUNT_COLUMN} FROM json_each(:govnews_hits) AS hit "
                f"JOIN {TABLE} AS c ON c.rowid = hit.value ->> 0", {"govnews_hits": hits})

    def facet_result(self, source_and_config: dict, rows: list, size: int) -> dict:
        """One facet's results from its (value, count) rows, in the shape of Datasette's column facet."""
        column = _column(source_and_config)
        pairs = self.get_querystring_pairs()
        values = []
        for row in rows[:size]:
            value = str(row["value"])
            if (column, value) in pairs:
                toggle = path_with_removed_args(self.request, {column: value})
            else:
                toggle = path_with_added_args(self.request, {column: row["value"]})
            values.append({"value": row["value"], "label": row["value"], "count": row["count"],
                           "toggle_url": self.ds.absolute_url(self.request, self.ds.urls.path(toggle)),
                           "selected": (column, value) in pairs})
        # Typed "column": the same facet to readers of the page and of the JSON, counted or summed.
        return {"name": column, "type": "column", "hideable": source_and_config["source"] != "metadata",
                "toggle_url": self.facet_toggle_url(column), "results": values, "truncated": len(rows) > size}


def _page_filters(query_string: str) -> tuple[list, list, list] | None:
    """Return a news page's searches (`_search` values), its filters on facet columns (as (key, value)) and its
    `published_at` ranges (as (lookup, value)), or None when it has any other filter (_where, _searchmode,
    _next, a text filter, ...), whose rows neither the counts nor SEARCH_TABLE can tell."""
    searches, dimension_pairs, date_pairs = [], [], []
    for key, value in parse_qsl(query_string, keep_blank_values=True):
        if key == "_search":
            searches.append(value)
            continue
        if key.startswith("_") and "__" not in key:
            if key in _PRESENTATION or key.startswith("_facet"):
                continue
            return None
        column, lookup = key.rsplit("__", 1) if "__" in key else (key, "exact")
        if lookup not in _KNOWN_LOOKUPS:
            return None
        if column in DIMENSIONS:
            dimension_pairs.append((key, value))
        elif column == DATE_COLUMN and lookup in _RANGE_LOOKUPS:
            date_pairs.append((lookup, value))
        else:
            return None
    return searches, dimension_pairs, date_pairs


def _sum_sql(column: str, source: str, where: str, size: int, facet: int = 0) -> str:
    """SQL: the size + 1 most frequent values of column in source (the counts), as Datasette orders a facet;
    for a DATE_ORDERED column, the newest."""
    order = "value DESC" if column in DATE_ORDERED else "count DESC, value"
    column = escape_sqlite(column)
    return (f"SELECT {facet} AS facet, {column} AS value, sum({COUNT_COLUMN}) AS count FROM {source} "
            f"WHERE {where} AND {column} IS NOT NULL GROUP BY {column} ORDER BY {order} LIMIT {size + 1}")


# The tables each immutable database holds, of TABLE and SEARCH_TABLE: looked up once, since they never change.
_WITH_TABLES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


async def _has_counts(datasette, database: str, table: str) -> bool:
    """Whether table is news in a database that never changes and holds the counts (a published snapshot)."""
    return await _has_table(datasette, database, table, TABLE)


async def _has_table(datasette, database: str, table: str, name: str) -> bool:
    """Whether table is news in a database that never changes and holds the table name (a published snapshot);
    name may be "table.column", a column of that table."""
    if table != VIEW:
        return False
    db = datasette.get_database(database)
    if db.is_mutable:
        return False
    known = _WITH_TABLES.setdefault(db, {})
    if name not in known:
        held, _, column = name.partition(".")
        known[name] = (column in await db.table_columns(held)) if column else await db.table_exists(held)
    return known[name]


async def note_searched_page(request, database: str, table: str, datasette) -> None:
    """Remember a published news page whose filters are one search and filters on facet columns (hits.py)."""
    if not await _has_table(datasette, database, table, f"{SEARCH_TABLE}.{CELL}"):
        return
    filters = _page_filters(request.query_string)
    if filters is None or len(filters[0]) != 1 or filters[2]:
        return  # no search, two of them, or a date range (a cell of the counts may straddle it)
    (search,), dimension_pairs, _ = filters
    cells_where, _, _, params = _counts_clauses(dimension_pairs, [])
    remember_searched_page(request, database, search, cells_where, params)


def _counts_clauses(dimension_pairs: list, date_pairs: list) -> tuple[list, list, list, dict]:
    """Return Datasette's own filter SQL for the counts table: the clauses of the dimension filters, each date
    range's clause on the rows' first dates and on their last dates, and the parameters of them all."""
    pairs = [*dimension_pairs, *((f"{FIRST_DATE}__{lookup}", value) for lookup, value in date_pairs),
             *((f"{LAST_DATE}__{lookup}", value) for lookup, value in date_pairs)]
    clauses, params = Filters(pairs).build_where_clauses(TABLE)
    dimensions, dates = clauses[:len(dimension_pairs)], clauses[len(dimension_pairs):]
    return dimensions, dates[:len(date_pairs)], dates[len(date_pairs):], params


def _ruled_out(firsts: list, lasts: list) -> str:
    """SQL: true for a row of counts whose articles all fail some date clause (NULL dates fail every one)."""
    return " OR ".join(f"(NOT coalesce(({first}), 0) AND NOT coalesce(({last}), 0))" for first, last in zip(firsts, lasts))


def _column(source_and_config: dict) -> str:
    config = source_and_config["config"]
    return config.get("column") or config["simple"]


async def search_key_bounds(request, database: str, table: str, datasette) -> FilterArguments | None:
    """For a news page with a `published_at` range, add the stretch of search_key that holds every article in it.

    The clause is implied by the range, so the page lists and counts the same articles; it lets
    SQLite walk the newest-first index from the range's newest article instead of sorting every
    article of the range (1.2 s for a year of a million-article archive). The bounds are the
    lowest and highest search_key of the rows of counts that the range does not rule out.
    """
    if not await _has_counts(datasette, database, table):
        return None
    db = datasette.get_database(database)
    ranges = []
    for key, value in parse_qsl(request.query_string, keep_blank_values=True):
        column, _, lookup = key.rpartition("__")
        if column == DATE_COLUMN and lookup in _RANGE_LOOKUPS:
            ranges.append((lookup, value))
    if not ranges:
        return None
    _, firsts, lasts, params = _counts_clauses([], ranges)
    low, high = (await db.execute(f"SELECT min({FIRST_KEY}), max({LAST_KEY}) FROM {TABLE} "
                                  f"WHERE NOT ({_ruled_out(firsts, lasts)})", params)).rows[0]
    if low is None:
        return None
    return FilterArguments([f"{KEY} >= :govnews_key_low AND {KEY} <= :govnews_key_high"],
                           params={"govnews_key_low": low, "govnews_key_high": high})
