"""Datasette metadata for the archive: titles in Vietnamese and English, column descriptions, facets."""

from __future__ import annotations

from scraper.datasette.queries import CANNED_QUERIES, dashboards
from scraper.facet_counts import DIMENSIONS, SEARCH_TABLE, TABLE as FACET_COUNTS
from scraper.items import column_descriptions
from scraper.migrations import NEWS_WITH_DUPLICATES

TITLE = "govnews: tin tức của chính quyền địa phương Việt Nam / Vietnamese local-government news"
DESCRIPTION = (
    "Lưu trữ tin bài do các cổng thông tin điện tử cấp tỉnh, huyện và xã đăng tải, kể cả các cổng "
    "cấp huyện đã ngừng hoạt động từ ngày 01/7/2025. Mỗi bài có ngày đăng, tác giả và nguồn gốc. "
    "— An archive of the news published on Vietnamese provincial, district and commune government "
    "portals, including the district portals closed on 1 July 2025; each article with its date, "
    "author and provenance."
)
SOURCE = "Cổng thông tin điện tử của chính quyền địa phương / local-government web portals"
LICENSE = "Article texts remain their portals'; archived for research and citation. Code: MIT."

TABLE_ONLY_COLUMNS = {
    "id": "Row id of the article in this archive.",
    "duplicate_of": "Id of the first article with exactly the same text (a republication), or NULL.",
    "cluster_id": "Id shared by near-duplicate articles across portals (syndicated releases), or NULL.",
    "first_seen_at": "When the crawler first stored the article (ISO 8601, UTC).",
    "last_seen_at": "When the crawler last saw the article unchanged or changed (ISO 8601, UTC).",
    "gone_at": "When a re-check found the article gone (404, 410, soft 404, redirect to the home page), or NULL; the row stays.",
    "last_checked_at": "When a crawl last fetched or re-checked the article (ISO 8601, UTC).",
    "province": "In a published snapshot only: the portal's province, copied from portals when it was published.",
    "level": "In a published snapshot only: the portal's level, copied from portals when it was published.",
    "search_key": "The article's key in the search index (generated): its publication minute since 1970 times 2^30, plus its id; "
                  "search results come newest first by it without sorting.",
}
NEWS_ONLY_COLUMNS = {
    "province": "Province of the portal.",
    "level": "Level of the portal: province, district or commune.",
    "year": "Publication year (YYYY), NULL when the page shows no date.",
    "month": "Publication month (YYYY-MM), NULL when the page shows no date.",
    "has_author": "yes when the article has a byline (`author`), else no.",
}
NEWS_PAGE_SIZE = 50
NEWS_COLUMNS = ("id", "portal_id", "published_at", "date_precision", "title", "author", "summary", "text", "category",
                "source", "url", "canonical_url", "capture_url", "captured_at", "last_captured_at", "first_seen_at", "last_seen_at",
                "gone_at", "duplicate_of", "cluster_id", "search_key")
OTHER_TABLES = {
    "portals": {
        "description": "The registry of portals as of the last crawl (spiders/portals.toml).",
        "columns": {
            "id": "Registry id: <province>.<unit> in ASCII.",
            "name": "The portal's name as it shows it.",
            "province": "Province (or centrally-run city) of the unit.",
            "unit": "The government unit that runs the portal.",
            "level": "province, district or commune.",
            "base_url": "Home page of the portal.",
            "family": "The CMS family (spider) that crawls it, or auto.",
            "status": "unchecked, active, frozen, redirected or offline.",
            "successor": "For units dissolved in 2025, the portal id of the unit that took over.",
            "updated_at": "When this row was last written from the registry.",
            "detected_family": "For family = auto: the CMS family detected from the home page.",
            "detected_at": "When the family was detected (ISO 8601, UTC); detection is redone after 30 days.",
            "detection_evidence": "The signatures found on the home page that decided the family.",
            "checked_status": "What `govnews portals check` last found: active, frozen (no new article in N days), redirected or offline.",
            "checked_at": "When the portal was last checked (ISO 8601, UTC).",
            "redirect_target": "For a redirected portal, where its home page now leads.",
        },
    },
    "crawl_runs": {
        "description": "One row per portal per crawl: what was fetched, stored and what failed.",
        "columns": {
            "id": "Row id of the run.",
            "run_id": "Id shared by all portals crawled by one `govnews crawl`.",
            "portal_id": "The portal crawled.",
            "spider": "The spider that crawled it (its CMS family, or generic).",
            "started_at": "When the portal's crawl started (ISO 8601, UTC).",
            "finished_at": "When it ended (ISO 8601, UTC).",
            "status": "ok, or failed (unreachable, no page answered, stopped early, or a bug).",
            "finish_reason": "Scrapy's reason for closing the spider (finished, closespider_*, shutdown).",
            "pages_fetched": "Responses received (any status).",
            "articles_new": "Articles stored for the first time.",
            "articles_unchanged": "Articles fetched again with the same text.",
            "articles_changed": "Articles whose text changed (the old text went to article_versions).",
            "articles_gone": "Archived articles a re-check found gone (404, 410, soft 404, redirect to the home page).",
            "skipped": "Pages not stored, each with a logged reason (known, not HTML, not an article, ...).",
            "errors": "Requests that failed (HTTP errors, refused, timeouts, over the size limit).",
            "error_summary": "Errors by kind.",
            "stats": "All Scrapy stats of the run, as JSON.",
            "resumed_requests": "Requests taken over from an earlier crawl of the portal that was killed or stopped (0: a fresh crawl).",
            "articles_found": "Articles the run found on the portal, stored or already archived (0 where there used to be some: an empty listing).",
            "extract_failures": "Pages that should have been articles and could not be read as one (not an article, extraction over its time limit).",
            "articles_without_date": "Articles stored by the run (new or changed) with no publication date.",
            "articles_without_author": "Articles stored by the run (new or changed) with no byline.",
        },
    },
    "portal_health": {
        "description": "Each portal's health from its crawls, as `govnews report` prints it: a non-empty alert means it broke, "
                       "emptied or went quiet. The baseline is the portal's own ok runs in the 28 days before its last run.",
        "columns": {
            "portal_id": "The portal (portals.id).",
            "name": "The portal's name.",
            "province": "Its province.",
            "level": "province, district or commune.",
            "registry_status": "Its status in the registry (offline portals are not crawled and never alerted).",
            "last_ok_at": "When its last ok crawl ended (ISO 8601, UTC).",
            "last_run_at": "When its last crawl ended, ok or not.",
            "last_run_status": "ok or failed.",
            "last_run_pages": "Pages the last crawl fetched.",
            "last_run_new": "Articles the last crawl stored for the first time.",
            "last_run_found": "Articles the last crawl found, new or already archived.",
            "baseline_new_per_run": "New articles per ok run in the 28 days before the last run.",
            "baseline_found_per_run": "Articles found per ok run in the 28 days before the last run.",
            "baseline_runs": "How many ok runs the baseline averages.",
            "new_28d": "New articles stored in the last 28 days.",
            "new_prev_28d": "New articles stored in the 28 days before those.",
            "error_rate": "The last run's errors over its pages.",
            "extract_failure_rate": "The last run's pages that could not be read as articles, over its pages.",
            "no_date_share_28d": "Share of the articles stored in the last 28 days without a publication date.",
            "no_author_share_28d": "Share of the articles stored in the last 28 days without a byline.",
            "last_run_errors": "The last run's errors by kind.",
            "last_run_finish_reason": "Why the last run ended (finished, closespider_*, shutdown).",
            "last_run_stored": "Articles the last run stored, new or changed.",
            "last_run_no_date_share": "Share of the last run's stored articles without a publication date.",
            "last_run_no_author_share": "Share of the last run's stored articles without a byline.",
            "baseline_no_date_share": "Share of the baseline runs' stored articles without a publication date.",
            "baseline_no_author_share": "Share of the baseline runs' stored articles without a byline.",
            "alert": "Empty when healthy; else the first of: never crawled, empty, broken, dates missing, bylines missing, errors, extraction failing, quiet, stale.",
        },
    },
    "portal_status_history": {
        "description": "Each portal's lifecycle: a row whenever `govnews portals check` finds a status different from the last.",
        "columns": {
            "id": "Row id.",
            "portal_id": "The portal (portals.id).",
            "status": "active, frozen, redirected or offline.",
            "detail": "Why: the HTTP answer or error, the newest article's date, or where the home page leads.",
            "target": "For redirected: where the home page leads (often the successor unit's portal).",
            "since": "When a check first found this status (ISO 8601, UTC).",
        },
    },
    "url_aliases": {
        "description": "Earlier canonical forms of article URLs, kept when the canonical form changed (a URL cited in older work still finds its article).",
        "columns": {
            "alias_url": "The canonical URL as an earlier version of govnews wrote it.",
            "canonical_url": "Its canonical form now (articles.canonical_url).",
            "article_id": "The article (articles.id) it belongs to.",
            "recorded_at": "When the form changed (ISO 8601, UTC).",
        },
    },
    "attachments": {
        "description": "Documents (PDF, DOC, XLS, ...) that articles link to; the files themselves are not fetched yet.",
        "columns": {
            "id": "Row id of the attachment.",
            "article_id": "The article (articles.id) that links to the document.",
            "url": "The document's absolute URL.",
            "title": "The link's text (or the file name).",
            "first_seen_at": "When the link was first seen (ISO 8601, UTC).",
            "sha256": "SHA-256 of the file once fetched; NULL until then.",
        },
    },
    "article_versions": {
        "description": "Earlier texts of articles that the portal edited, with when they were replaced.",
        "columns": {
            "id": "Row id of the version.",
            "article_id": "The article (articles.id) whose earlier text this is.",
            "title": "The title as it was.",
            "text": "The text as it was.",
            "content_hash": "SHA-256 of the normalised title and text as they were.",
            "first_seen_at": "When this text was first stored (ISO 8601, UTC).",
            "replaced_at": "When a crawl found it replaced by a newer text (ISO 8601, UTC).",
        },
    },
}


def build_metadata(database: str) -> dict:
    """Return Datasette metadata for an archive file whose name (without .db) is `database`."""
    article_columns = {**column_descriptions(), **TABLE_ONLY_COLUMNS}
    searchable = {"fts_table": "articles_fts", "fts_pk": "search_key"}
    tables = {
        "articles": {
            "description": "One row per article, with provenance. Search looks in title and text, with or without "
                           "diacritics (đ = d).",
            "columns": article_columns,
            "facets": ["portal_id", "source"],
            "sort_desc": "published_at",
            **searchable,
        },
        "news": {
            "description": "Articles with their portal's province and level, to browse, facet and export: search with or "
                           "without diacritics (đ = d); facet by portal, province, level, year, month, source and "
                           "byline; filter a date range with published_at ≥ / <. Republications (rows whose "
                           "duplicate_of names an earlier article with the same text) are left out; "
                           f"{NEWS_WITH_DUPLICATES} keeps them.",
            "columns": {**{k: v for k, v in article_columns.items() if k in NEWS_COLUMNS}, **NEWS_ONLY_COLUMNS},
            # All seven shown: summed from a snapshot's precomputed counts where the page's filters
            # allow, else counted live (scraper/datasette/plugin/facets.py).
            "facets": [{"counted": column} for column in DIMENSIONS],
            # Newest first by search_key (the date, then the id), the order of the search index:
            # a search matching most of the archive lists its newest 50 without sorting them all.
            "sort_desc": "search_key",
            # 50 articles a page, read as a list (templates/govnews_reading_list.html); `_size` up to
            # 1,000, and the CSV and JSON Lines streams hold every row.
            "size": NEWS_PAGE_SIZE,
            **searchable,
        },
        NEWS_WITH_DUPLICATES: {
            "description": "news with the republications kept: every article row, duplicate_of set or not.",
            "columns": {**{k: v for k, v in article_columns.items() if k in NEWS_COLUMNS}, **NEWS_ONLY_COLUMNS},
            "facets": ["portal_id", "source"],
            "sort_desc": "search_key",
            "size": NEWS_PAGE_SIZE,
            **searchable,
        },
        "raw_pages": {"hidden": True},
        "articles_fts": {"hidden": True},
        "_sqlite_migrations": {"hidden": True},
        "minhashes": {"hidden": True},
        "frontier": {"hidden": True},
        "save_failures": {"hidden": True},
        "archive_meta": {"hidden": True},
        FACET_COUNTS: {"hidden": True},
        SEARCH_TABLE: {"hidden": True},
        **OTHER_TABLES,
    }
    return {
        "title": TITLE,
        "description": DESCRIPTION,
        "source": SOURCE,
        "license": LICENSE,
        "extra_css_urls": ["/-/static-plugins/govnews/govnews.css"],
        "databases": {database: {"tables": tables, "queries": CANNED_QUERIES}},
        "plugins": {"datasette-dashboards": dashboards(database)},
    }


def data_dictionary_markdown() -> str:
    """Return docs/data-dictionary.md: every table and column researchers see, from the same sources as Datasette."""
    lines = [
        "# Data dictionary",
        "",
        "Generated from `scraper/items.py` docstrings and `scraper/datasette/metadata.py` (the same text",
        "Datasette shows); `tests/test_docs.py` fails when this file is out of date. Regenerate with",
        "`.venv/bin/python -m scraper.datasette.metadata > docs/data-dictionary.md`.",
        "",
        "Dates: `published_at` is ISO 8601 in Vietnam time (`+07:00`); crawl times (`*_seen_at`,",
        "`started_at`, `finished_at`) are UTC. Text is Unicode NFC.",
        "",
    ]
    tables = build_metadata("archive")["databases"]["archive"]["tables"]
    for name in ("articles", "news", NEWS_WITH_DUPLICATES, "portals", "crawl_runs", "portal_health", "article_versions", "attachments", "url_aliases",
                 "portal_status_history"):
        table = tables[name]
        lines += [f"## {name}", "", table["description"], ""]
        columns = table.get("columns", {})
        if columns:
            lines += ["| column | meaning |", "| --- | --- |"]
            lines += [f"| `{column}` | {text.replace('|', '/')} |" for column, text in columns.items()]
            lines.append("")
    lines += ["## raw_pages (hidden in Datasette)", "",
              "The gzip'd HTML (`html_gz`) and HTTP headers of every fetched article page, once per distinct",
              "body (`sha256`), with `article_id`, `url`, `fetched_at` and `http_status`: the archive of record,",
              "so a better extractor can re-read every page later. A page recovered from a web archive also has",
              "`capture_url` (the replay or WARC record it came from) and `captured_at` (the capture's own time,",
              "ISO 8601 UTC), which `export --format warc` writes as `WARC-Source-URI` and `WARC-Date`; both are",
              "NULL for pages govnews fetched live (m018).", "",
              "## news_facet_counts (hidden in Datasette; published snapshots only)", "",
              "Written by `govnews publish` into the snapshot: one row per combination of the news facet",
              "columns (`portal_id`, `province`, `level`, `year`, `month`, `source`, `has_author`) with the",
              "number of `articles`, their `first_published_at` and `last_published_at`, and their",
              "`first_search_key` and `last_search_key`. The news facets sum it, and a date range on news is",
              "bounded by its search keys (docs/publishing.md).", "",
              "## news_search_facets (hidden in Datasette; published snapshots only)", "",
              "Written by `govnews publish`: each news article's `search_key` (the search index's rowid) with",
              "its `cell`, the rowid of its row of `news_facet_counts` (which holds its facet columns). A",
              "searched news page counts its rows and its facets from it (docs/publishing.md).", "",
              "## frontier (hidden in Datasette)", "",
              "Each portal crawl's requests, `pending` or `done`, so a killed crawl resumes: `portal_id`,",
              "`fingerprint` (Scrapy's request fingerprint), `url`, `canonical_url` (GET only), `method`, `request`",
              "(the request as JSON), `state`, `added_at`, `done_at`. Empty for a portal whose last crawl finished",
              "with every article stored.", "",
              "## save_failures (hidden in Datasette)", "",
              "Articles whose save failed (a full disk, a failing write): `portal_id`, `canonical_url`, `url`,",
              "`failed_at`, `error`. The portal's next crawl fetches them first, wherever its listings stop",
              "paging; a row goes when its article is stored.", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    print(data_dictionary_markdown(), end="")
