"""The Datasette plugin govnews installs (entry point `datasette: govnews`).

- Search in the reader's language (scraper/search.py): Datasette's search box and `?_search=`
  call the SQL function escape_fts(); ours replaces Datasette's own (trylast, so it is
  registered after it) with one that reads words typed together as a phrase, quotes, -term, OR
  and prefix*, folds them the way articles_fts is indexed, and never hands FTS5 raw syntax.
  Canned queries call govnews_match() (the same) and govnews_apart() (syllables apart).
- A bounded, read-only connection for every archive database: an authorizer that refuses any
  write and blanks the raw HTML and headers, a cap on the size of any one value, a cap on the
  memory SQLite may take in the whole process, and a cap on the data one query hands to
  Datasette (which holds a whole response in memory: 40 rows of 15 MB blobs took 18 GB).
- `/-/stream/<database>/<table or view>.jsonl|csv?<filters>`: the whole filtered result as
  JSON Lines or CSV, streamed page by page through Datasette's own JSON (same filters, search
  and limits), so memory holds one page; views with a search_key are paged by it, not by OFFSET.
- Facets of `news` summed from a published snapshot's precomputed counts, and a date-range page
  of `news` bounded to its stretch of the newest-first index (facets.py); a searched page's
  count and facets from one grouping of its matches (hits.py).
"""

from __future__ import annotations

import asyncio
import gc
import logging
import io
import re
import sqlite3
import weakref
from urllib.parse import parse_qsl, urlencode, urlsplit

from datasette import hookimpl
from datasette.utils.asgi import AsgiStream, Response

from markupsafe import Markup, escape

from scraper.datasette.plugin.article import article_page
from scraper.datasette.plugin.csp import csp_wrapper
from scraper.datasette.plugin.dashboards import portal_first
from scraper.datasette.plugin.facets import CountedFacet, note_searched_page, search_key_bounds
from scraper.datasette.plugin.hits import count_from_hits
from scraper.export import write_csv, write_jsonl
from scraper.migrations import NEWS_WITH_DUPLICATES
from scraper.search import fold_apart, fold_match

logger = logging.getLogger(__name__)

# One value (a string built by group_concat, a blob) may not exceed this: such a query fails
# at once with "string or blob too big" instead of growing without end.
MAX_VALUE_BYTES = 16 * 1024 * 1024
# What SQLite may allocate in the whole Datasette process, all connections together; a query
# that needs more fails with "out of memory" and the server goes on.
HEAP_LIMIT_BYTES = 256 * 1024 * 1024

# What one query may hand to Datasette, all its rows' text and blobs together.
MAX_RESULT_BYTES = 64 * 1024 * 1024

# Readable but blanked (NULL): the archive of record stays out of the public face.
BLANKED_COLUMNS = {("raw_pages", "html_gz"), ("raw_pages", "headers"), ("frontier", "request")}
_WRITES = {
    sqlite3.SQLITE_INSERT, sqlite3.SQLITE_UPDATE, sqlite3.SQLITE_DELETE, sqlite3.SQLITE_ATTACH,
    sqlite3.SQLITE_DETACH, sqlite3.SQLITE_ALTER_TABLE, sqlite3.SQLITE_REINDEX, sqlite3.SQLITE_ANALYZE,
    sqlite3.SQLITE_CREATE_INDEX, sqlite3.SQLITE_CREATE_TABLE, sqlite3.SQLITE_CREATE_TRIGGER,
    sqlite3.SQLITE_CREATE_VIEW, sqlite3.SQLITE_CREATE_VTABLE, sqlite3.SQLITE_DROP_INDEX,
    sqlite3.SQLITE_DROP_TABLE, sqlite3.SQLITE_DROP_TRIGGER, sqlite3.SQLITE_DROP_VIEW,
    sqlite3.SQLITE_DROP_VTABLE,
}


def authorize(action: int, arg1, arg2, database_name, trigger_or_view) -> int:
    """SQLite authorizer: refuse every write, blank the raw pages, allow the rest.

    SQLite itself asks to update sqlite_master when it connects an FTS5 table; that is allowed
    (the connection is read-only at the file level anyway).
    """
    if action in _WRITES and arg1 != "sqlite_master":
        return sqlite3.SQLITE_DENY
    if action == sqlite3.SQLITE_READ and (arg1, arg2) in BLANKED_COLUMNS:
        return sqlite3.SQLITE_IGNORE
    return sqlite3.SQLITE_OK


_result_bytes: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def bounded_row(cursor: sqlite3.Cursor, row: tuple) -> sqlite3.Row:
    """Row factory: Datasette's sqlite3.Row, counting the bytes each query's rows carry; past
    MAX_RESULT_BYTES the query fails, before Datasette holds more of it in memory."""
    size = sum(len(value) for value in row if isinstance(value, (str, bytes)))
    total = _result_bytes.get(cursor, 0) + size
    _result_bytes[cursor] = total
    if total > MAX_RESULT_BYTES:
        raise sqlite3.OperationalError(
            f"result over {MAX_RESULT_BYTES // (1024 * 1024)} MB: ask for fewer rows (_size, LIMIT) or columns (_col)")
    return sqlite3.Row(cursor, row)


@hookimpl(trylast=True)
def prepare_connection(conn: sqlite3.Connection, database: str) -> None:
    """Register the folded search functions; bound and lock every connection to an archive."""
    conn.create_function("escape_fts", 1, fold_match, deterministic=True)
    conn.create_function("govnews_match", 1, fold_match, deterministic=True)
    conn.create_function("govnews_apart", 1, fold_apart, deterministic=True)
    if database.startswith("_"):  # Datasette's own _internal and _memory databases
        return
    conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_VALUE_BYTES)
    conn.execute(f"PRAGMA hard_heap_limit = {HEAP_LIMIT_BYTES}")
    conn.set_authorizer(authorize)
    conn.row_factory = bounded_row


# Parameters the stream sets itself: one page of objects, no count, no facets.
_STREAM_OWN = {"_shape", "_next", "_nocount", "_nofacet", "_facet", "_labels", "_stream", "_dl", "_raw"}
# A view has no primary key, so Datasette pages it by OFFSET, each page slower than the last (its
# own CSV "stream all rows" stopped at 322,000 of a million news rows, at the time limit). A view
# with this unique, indexed, date-major column is paged by it instead.
_VIEW_KEY = "search_key"


@hookimpl
def startup(datasette):
    """In each database that never changes: a searched news page counts its matches once, for its count and its
    facets, when its snapshot can tell them (hits.py)."""
    for db in list(datasette.databases.values()):
        if not db.is_mutable and not db.name.startswith("_"):
            count_from_hits(db)


@hookimpl
def register_facet_classes():
    """Add the `counted` facet: a column facet summed from precomputed counts where it can be."""
    return [CountedFacet]


@hookimpl
def filters_from_request(request, database, table, datasette):
    """On a published news page with a date range, bound search_key to the range (implied, for the planner);
    remember a searched one whose count and facets the snapshot's search table tells (hits.py)."""
    async def inner():
        await note_searched_page(request, database, table, datasette)
        return await search_key_bounds(request, database, table, datasette)
    return inner()


@hookimpl
def extra_template_vars(template, database, table, request, datasette):
    """On news and news_with_duplicates, the URL of the same page in the other view (templates/table.html)."""
    return {"govnews_duplicates_switch": duplicates_switch(datasette, database, table, request)}


def duplicates_switch(datasette, database: str, table: str | None, request) -> str | None:
    """Return the page's URL in the other of news and news_with_duplicates, with its arguments but _next."""
    other = {"news": NEWS_WITH_DUPLICATES, NEWS_WITH_DUPLICATES: "news"}.get(table or "")
    if other is None or request is None:
        return None
    kept = [(key, value) for key, value in parse_qsl(request.query_string, keep_blank_values=True) if key != "_next"]
    return datasette.urls.table(database, other) + (f"?{urlencode(kept)}" if kept else "")


@hookimpl
def register_routes():
    """Add the CSV and JSON Lines streams of any table or view, and the article page (article.py)."""
    return [(r"^/-/stream/(?P<database>[^/]+)/(?P<table>[^/]+)\.(?P<format>jsonl|csv)$", stream_rows),
            (r"^/-/article/(?P<id>\d+)(?P<part>\.bib|\.json|/archived)?$", article_page)]


# Cells of the article lists (news, articles) that link to the article page, and the long ones shown short.
_LINKED_CELLS = {"title", "id"}
_SHORT_CELLS = {"text": 240, "summary": 160}


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    """In news and articles: the title and id link to the article page; text and summary show as a snippet."""
    if table not in ("news", "articles") or not isinstance(value, (str, int)) or value == "":
        return None
    keys = row.keys() if hasattr(row, "keys") else []
    if column in _LINKED_CELLS and "id" in keys:
        return Markup(f'<a class="article-link" href="/-/article/{int(row["id"])}">{escape(str(value))}</a>')
    if column in _SHORT_CELLS and isinstance(value, str) and len(value) > _SHORT_CELLS[column]:
        cut = value[:_SHORT_CELLS[column]].rsplit(" ", 1)[0]
        return Markup(f'<span class="snippet" title="{escape(value[:1000])}">{escape(cut)} …</span>')
    return None


async def client_gone(receive) -> None:
    """Return once the client has closed the connection (ASGI's http.disconnect)."""
    while (await receive())["type"] != "http.disconnect":
        pass


async def stream_rows(request, datasette):
    """Stream every row of a filtered table or view as JSON Lines or CSV, one Datasette page at a time."""
    database, table, fmt = request.url_vars["database"], request.url_vars["table"], request.url_vars["format"]
    try:
        db = datasette.get_database(database)
    except KeyError:
        return Response.text("no such database\n", status=404)
    args = [(k, v) for k, v in parse_qsl(request.query_string, keep_blank_values=True) if k not in _STREAM_OWN]
    # the page's own order is kept; only the view's newest-first order is paged by its key
    sorted_otherwise = any((k, v) not in (("_sort_desc", _VIEW_KEY),) for k, v in args if k in ("_sort", "_sort_desc"))
    key = _VIEW_KEY if (table in await db.view_names() and _VIEW_KEY in await db.table_columns(table)
                        and not sorted_otherwise) else None
    args = [(k, v) for k, v in args if not (key and k in ("_sort", "_sort_desc"))]
    if not any(k == "_size" for k, _ in args):
        args.append(("_size", "max"))

    def page_path(after=None) -> str:
        keyset = []
        if key:
            keyset.append(("_sort_desc", key))
            if after is not None:
                keyset.append((f"{key}__lt", str(after)))
        return datasette.urls.table(database, table, format="json") + "?" + urlencode(
            [*args, *keyset, ("_shape", "objects"), ("_nocount", "1"), ("_nofacet", "1")])

    first = await datasette.client.get(page_path())
    if first.status_code != 200:
        return Response.text(first.json().get("error", "no such table or view") + "\n", status=first.status_code)

    raw = request.args.get("_raw") == "1"  # CSV cells exactly as stored, formula starts included

    async def write_pages(writer) -> None:
        gone = asyncio.ensure_future(client_gone(request.receive))
        try:
            await write_until_gone(writer, gone)
        finally:
            gone.cancel()

    async def write_until_gone(writer, gone) -> None:
        page, columns, pages = first, None, 0
        while True:
            if gone.done():
                # uvicorn drops what is sent to a closed connection without a word: without this
                # check an abandoned download of a million rows kept a core busy to the end
                logger.warning("stream of %s/%s.%s cancelled: the client went away after %d pages", database, table, fmt, pages)
                return
            pages += 1
            if pages % 10 == 0:
                # Each internal request leaves reference cycles (ASGI scopes, responses) that the
                # cyclic collector reaches only now and then: 600 MB of them over a million rows.
                gc.collect()
            data = page.json()
            rows = data["rows"]
            text = io.StringIO()
            if fmt == "jsonl":
                write_jsonl(rows, text)
            else:
                if columns is None:
                    columns = list(rows[0]) if rows else list(data.get("columns", []))
                    text.write("\ufeff")  # the BOM: spreadsheets read UTF-8, as in govnews export
                write_csv(rows, text, columns, header=pages == 1, raw=raw)
            await writer.write(text.getvalue())
            if not data.get("next_url") or not rows:
                return
            if key:
                page = await datasette.client.get(page_path(rows[-1][key]))
            else:
                next_url = urlsplit(data["next_url"])
                page = await datasette.client.get(next_url.path + "?" + next_url.query)

    content_type = "application/x-ndjson; charset=utf-8" if fmt == "jsonl" else "text/csv; charset=utf-8"
    return AsgiStream(write_pages, content_type=content_type,
                      headers={"content-disposition": f'attachment; filename="{table}.{fmt}"'})



async def redirect(send, location: str) -> None:
    """Answer an ASGI request with a 302 to location."""
    await send({"type": "http.response.start", "status": 302,
                "headers": [(b"location", location.encode("latin-1")), (b"content-length", b"0")]})
    await send({"type": "http.response.body", "body": b""})


_TABLE_CSV = re.compile(r"^/(?P<database>[^/]+)/(?P<table>[^/]+)\.csv$")


async def whole_csv_of(datasette, scope) -> str | None:
    """Return the stream URL that replaces a table or view's CSV (all rows, the page's filters and order), or None."""
    match = _TABLE_CSV.match(scope.get("path", ""))
    if not match:
        return None
    try:
        db = datasette.get_database(match.group("database"))
    except KeyError:
        return None
    table = match.group("table")
    if table not in await db.table_names() and table not in await db.view_names():
        return None  # a canned query's CSV (at most a page): served as it is, with the BOM (csv_downloads)
    query = scope.get("query_string", b"").decode("latin-1")
    return f"/-/stream/{match.group('database')}/{table}.csv" + (f"?{query}" if query else "")


def csv_downloads(datasette):
    """Wrap Datasette's ASGI app: every CSV a user can click is whole, with the BOM, as a download.

    Datasette's own CSV of a table page had no byte-order mark (spreadsheets read Vietnamese as
    mojibake), came as text/plain and stopped at 1,000 rows. A table or view's CSV is redirected
    to the stream (`/-/stream/…csv`: every row, the page's filters, search and sort, the BOM); any
    other CSV (a canned query's) gets the BOM and comes as a download.
    """
    def wrap(app):
        async def wrapped(scope, receive, send):
            path = scope.get("path", "") if scope["type"] == "http" else ""
            if not path.endswith(".csv") or path.startswith("/-/"):  # the stream writes its own mark
                await app(scope, receive, send)
                return
            target = await whole_csv_of(datasette, scope)
            if target:
                await redirect(send, target)
                return
            name = scope["path"].rsplit("/", 1)[-1]
            first, ok = True, False

            async def with_bom(message):
                nonlocal first, ok
                if message["type"] == "http.response.start" and message.get("status") == 200:
                    ok = True
                    headers = [(k, v) for k, v in message.get("headers", [])
                               if k.lower() not in (b"content-length", b"content-type", b"content-disposition")]
                    headers += [(b"content-type", b"text/csv; charset=utf-8"),
                                (b"content-disposition", f'attachment; filename="{name}"'.encode("latin-1"))]
                    message = {**message, "headers": headers}
                elif message["type"] == "http.response.body" and first and ok:
                    first = False
                    body = message.get("body", b"")
                    if not body.startswith(b"\xef\xbb\xbf"):
                        message = {**message, "body": b"\xef\xbb\xbf" + body}
                await send(message)
            await app(scope, receive, with_bom)
        return wrapped
    return wrap


_ARTICLE_ROW = re.compile(r"^/(?P<database>[^/-][^/]*)/articles/(?P<id>\d+)$")


def article_rows_to_article_pages(app):
    """Wrap Datasette's ASGI app: the HTML page of an articles row is the article page.

    Datasette's row page put the whole text in one very wide table row; `/-/article/<id>` is made
    to be read. The row's JSON (`/archive/articles/<id>.json`) is Datasette's as before.
    """
    async def wrapped(scope, receive, send):
        match = _ARTICLE_ROW.match(scope.get("path", "")) if scope["type"] == "http" else None
        if match:
            await redirect(send, f"/-/article/{match.group('id')}")
            return
        await app(scope, receive, send)
    return wrapped


def without_blank_search(app):
    """Wrap Datasette's ASGI app: a blank `_search=` (the search box submitted empty) is no search.

    Datasette keeps blank parameters and would match the empty query, listing nothing.
    """
    async def wrapped(scope, receive, send):
        if scope["type"] == "http" and b"_search=" in scope.get("query_string", b""):
            pairs = parse_qsl(scope["query_string"].decode("latin-1"), keep_blank_values=True)
            kept = [(k, v) for k, v in pairs if not (k == "_search" and not v.strip())]
            scope = {**scope, "query_string": urlencode(kept).encode("latin-1")}
        await app(scope, receive, send)
    return wrapped


@hookimpl
def asgi_wrapper(datasette):
    """Serve every HTML page with a Content-Security-Policy that lets only its own scripts run (csp.py);
    serve every CSV whole, with the BOM, as a download; show an articles row as its article page;
    read a blank search as none; ask for a portal before the portal dashboard draws (dashboards.py)."""
    whole_csv = csv_downloads(datasette)
    first_a_portal = portal_first(datasette)
    return lambda app: csp_wrapper(whole_csv(article_rows_to_article_pages(without_blank_search(first_a_portal(app)))))
