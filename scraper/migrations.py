"""Schema migrations of the archive. Add a new function to change the schema; never edit an applied one."""

from __future__ import annotations

from sqlite_utils import Database, Migrations

migrations = Migrations("govnews")


@migrations()
def m001_initial(db: Database) -> None:
    """Create portals, articles (with FTS), article_versions, raw_pages and crawl_runs."""
    db["portals"].create(
        {
            "id": str, "name": str, "province": str, "unit": str, "level": str, "base_url": str,
            "family": str, "status": str, "successor": str, "updated_at": str,
        },
        pk="id",
    )
    db["articles"].create(
        {
            "id": int, "portal_id": str, "url": str, "canonical_url": str, "title": str,
            "published_at": str, "published_raw": str, "date_precision": str, "date_source": str,
            "author": str, "text": str, "summary": str, "category": str, "language": str,
            "content_hash": str, "duplicate_of": int, "cluster_id": str, "source": str,
            "capture_url": str, "captured_at": str, "first_seen_at": str, "last_seen_at": str,
            "gone_at": str, "extractor_version": str,
        },
        pk="id",
        foreign_keys=[("portal_id", "portals", "id"), ("duplicate_of", "articles", "id")],
        not_null={"portal_id", "url", "canonical_url"},
    )
    db["articles"].create_index(["canonical_url"], unique=True)
    db["articles"].create_index(["portal_id", "published_at"])
    db["articles"].create_index(["content_hash"])
    db["articles"].enable_fts(["title", "text"], fts_version="FTS5", create_triggers=True,
                              tokenize="unicode61 remove_diacritics 2")
    db["article_versions"].create(
        {"id": int, "article_id": int, "title": str, "text": str, "content_hash": str,
         "first_seen_at": str, "replaced_at": str},
        pk="id",
        foreign_keys=[("article_id", "articles", "id")],
    )
    db["raw_pages"].create(
        {"id": int, "article_id": int, "url": str, "fetched_at": str, "http_status": int,
         "headers": str, "sha256": str, "html_gz": bytes},
        pk="id",
        foreign_keys=[("article_id", "articles", "id")],
    )
    db["raw_pages"].create_index(["article_id", "sha256"], unique=True)
    db["crawl_runs"].create(
        {
            "id": int, "run_id": str, "portal_id": str, "spider": str, "started_at": str,
            "finished_at": str, "status": str, "finish_reason": str, "pages_fetched": int,
            "articles_new": int, "articles_unchanged": int, "articles_changed": int,
            "skipped": int, "errors": int, "error_summary": str, "stats": str,
        },
        pk="id",
    )
    db["crawl_runs"].create_index(["portal_id", "started_at"])
    # What researchers browse: articles with their portal's province and level, and a month to facet on.
    db.create_view(
        "news",
        """SELECT a.id, a.portal_id, p.province, p.level, substr(a.published_at, 1, 7) AS month,
                  a.published_at, a.title, a.author, a.summary, a.text, a.url, a.source,
                  a.duplicate_of, a.first_seen_at
           FROM articles a JOIN portals p ON p.id = a.portal_id""",
    )


@migrations()
def m002_portal_detection(db: Database) -> None:
    """Remember the family detected for `auto` portals, with when and why."""
    db["portals"].add_column("detected_family", str)
    db["portals"].add_column("detected_at", str)
    db["portals"].add_column("detection_evidence", str)


@migrations()
def m003_captions_and_credit(db: Database) -> None:
    """Keep photo captions and the credited source in columns of their own, out of the text."""
    db["articles"].add_column("captions", str)
    db["articles"].add_column("credit", str)


@migrations()
def m004_legacy_encoding(db: Database) -> None:
    """Record the legacy font encoding a text was converted from, or suspected of."""
    db["articles"].add_column("legacy_encoding", str)


@migrations()
def m005_attachments(db: Database) -> None:
    """List the documents (PDF, DOC, XLS) each article links to."""
    db["attachments"].create(
        {"id": int, "article_id": int, "url": str, "title": str, "first_seen_at": str, "sha256": str},
        pk="id",
        foreign_keys=[("article_id", "articles", "id")],
    )
    db["attachments"].create_index(["article_id", "url"], unique=True)


@migrations()
def m006_content_hash_with_tone_placement(db: Database) -> None:
    """Recompute content hashes: the normalisation now folds old-style tone placement (hoà = hòa).

    Without this, a stored article whose text uses the old style would hash differently from
    the same text fetched again, and be recorded as changed.
    """
    from scraper.fingerprint import content_hash

    for row in list(db.query("SELECT id, title, text FROM articles")):
        db.execute("UPDATE articles SET content_hash = ? WHERE id = ?",
                   [content_hash((row["title"] or "") + "\n" + (row["text"] or "")), row["id"]])


@migrations()
def m007_rechecks(db: Database) -> None:
    """Remember when each article was last re-checked, and count gone articles per run."""
    db["articles"].add_column("last_checked_at", str)
    db["crawl_runs"].add_column("articles_gone", int)


@migrations()
def m008_minhashes(db: Database) -> None:
    """Store each article's MinHash signature, for near-duplicate clusters across portals."""
    db["minhashes"].create({"article_id": int, "signature": bytes}, pk="article_id",
                           foreign_keys=[("article_id", "articles", "id")])
    db["articles"].create_index(["cluster_id"])


@migrations()
def m009_frontier(db: Database) -> None:
    """Keep each portal crawl's pending and done requests, so a killed crawl resumes (scraper/frontier.py)."""
    db["frontier"].create(
        {"portal_id": str, "fingerprint": str, "url": str, "canonical_url": str, "method": str, "request": str,
         "state": str, "added_at": str, "done_at": str},
        pk=("portal_id", "fingerprint"),
    )
    db["crawl_runs"].add_column("resumed_requests", int)


@migrations()
def m010_canonical_versions(db: Database) -> None:
    """Remember which canonical_url() the rows follow, and keep earlier canonical forms as aliases."""
    db["archive_meta"].create({"key": str, "value": str}, pk="key")
    db["url_aliases"].create({"alias_url": str, "canonical_url": str, "article_id": int, "recorded_at": str},
                             pk="alias_url", foreign_keys=[("article_id", "articles", "id")])


@migrations()
def m011_portal_lifecycle(db: Database) -> None:
    """Record each portal's status as `govnews portals check` finds it, with its history."""
    db["portals"].add_column("checked_status", str)
    db["portals"].add_column("checked_at", str)
    db["portals"].add_column("redirect_target", str)
    db["portal_status_history"].create(
        {"id": int, "portal_id": str, "status": str, "detail": str, "target": str, "since": str},
        pk="id", foreign_keys=[("portal_id", "portals", "id")])
    db["portal_status_history"].create_index(["portal_id", "since"])


# đ is a letter with no Unicode decomposition, so FTS5's remove_diacritics never folds it; the
# index gets d in its place, and the query is folded the same way (scraper/search.py).
_FOLD_D = "replace(replace({0}, 'đ', 'd'), 'Đ', 'D')"
# The search index's rowid for an article: its publication minute (since 1970, UTC; 0 when
# undated) in the high bits, its id (< 2^30) in the low ones. FTS5 hands out matches in rowid
# order without sorting them, so "newest first" stops after the first page, however many match.
SEARCH_KEY = ("((max(0, coalesce(CAST((julianday({0}published_at) - 2440587.5) * 1440 AS INTEGER), 0)) << 30)"
              " | {0}id)")


@migrations()
def m012_folded_search(db: Database) -> None:
    """Rebuild articles_fts folded for Vietnamese (đ = d, no diacritics, any case), keyed by date; widen the news view.

    The index is contentless (it stores only tokens), written by triggers in plain SQL, so any
    writer keeps it right; only changes to title, text or published_at touch it. Its rowid is
    articles.search_key, a generated column (SEARCH_KEY).
    """
    db["articles"].disable_fts()
    db.execute(f"ALTER TABLE articles ADD COLUMN search_key INTEGER GENERATED ALWAYS AS ({SEARCH_KEY.format('')}) VIRTUAL")
    db.execute("CREATE UNIQUE INDEX idx_articles_search_key ON articles(search_key)")
    db.execute("CREATE VIRTUAL TABLE articles_fts USING fts5("
               "title, text, content='', tokenize='unicode61 remove_diacritics 2')")
    title, text = _FOLD_D.format("new.title"), _FOLD_D.format("new.text")
    old_title, old_text = _FOLD_D.format("old.title"), _FOLD_D.format("old.text")
    insert = f"INSERT INTO articles_fts (rowid, title, text) VALUES ({SEARCH_KEY.format('new.')}, {title}, {text});"
    delete = (f"INSERT INTO articles_fts (articles_fts, rowid, title, text) "
              f"VALUES ('delete', {SEARCH_KEY.format('old.')}, {old_title}, {old_text});")
    db.executescript(f"""
        CREATE TRIGGER articles_fts_ai AFTER INSERT ON articles BEGIN {insert} END;
        CREATE TRIGGER articles_fts_ad AFTER DELETE ON articles BEGIN {delete} END;
        CREATE TRIGGER articles_fts_au AFTER UPDATE OF title, text, published_at ON articles BEGIN {delete} {insert} END;
    """)
    db.execute("INSERT INTO articles_fts (rowid, title, text) SELECT search_key, "
               f"{_FOLD_D.format('title')}, {_FOLD_D.format('text')} FROM articles")
    db.execute("DROP VIEW IF EXISTS news")
    db.create_view("news", NEWS_VIEW)
    # The news view and exports sort by date; the articles table facets by source.
    db["articles"].create_index(["published_at"], if_not_exists=True)
    db["articles"].create_index(["source"], if_not_exists=True)


@migrations()
def m013_news_newest_first_by_portal(db: Database) -> None:
    """Index each portal's articles by search_key: the news page lists newest first by it (with or without a search)."""
    # Sorted by published_at, a search matching most of the archive collected every match before
    # sorting and ran over the time limit; search_key order is the index's own. Per portal, this
    # index gives that order without sorting the portal's articles.
    db.execute("CREATE INDEX IF NOT EXISTS idx_articles_portal_id_search_key ON articles(portal_id, search_key)")


@migrations()
def m014_portal_health(db: Database) -> None:
    """Count per crawl what a portal's health needs (articles found, extraction failures, no date, no byline); add portal_health."""
    for column in ("articles_found", "extract_failures", "articles_without_date", "articles_without_author"):
        db["crawl_runs"].add_column(column, int)
    # Runs recorded before this version: what they found is in their stats.
    db.execute("""UPDATE crawl_runs SET
        articles_found = coalesce(articles_new, 0) + coalesce(articles_unchanged, 0) + coalesce(articles_changed, 0)
            + coalesce(json_extract(stats, '$."archive/skipped/known"'), 0),
        extract_failures = coalesce(json_extract(stats, '$."archive/skipped/not_article"'), 0)
            + coalesce(json_extract(stats, '$."archive/skipped/extract_timeout"'), 0)
        WHERE json_valid(stats)""")
    db["crawl_runs"].create_index(["portal_id", "finished_at"], if_not_exists=True)
    db.create_view("portal_health", PORTAL_HEALTH_VIEW)


@migrations()
def m015_news_facet_columns_indexed(db: Database) -> None:
    """Give news' year, month and has_author text affinity and indexes, so that a click on a facet value is fast.

    As bare expressions they had no affinity: Datasette passes `year__gt=2023` as the number
    2023, and SQLite ranks any text above any number, so every year matched, 2023 included.
    Each facet column of articles gets two indexes: with search_key, the page's rows come newest
    first without sorting; after portal_id, the page's count reads one index (news starts from
    the portals). On a million articles, `year=2020` took 2.2 s for its rows and 0.3 s to count;
    with them, 1 ms and 20 ms.
    """
    db.execute("DROP VIEW IF EXISTS news")
    db.create_view("news", news_view(last_captured=False))  # the column comes with m019
    for name, expression in NEWS_FACET_EXPRESSIONS.items():
        db.execute(f"CREATE INDEX IF NOT EXISTS idx_articles_{name}_search_key ON articles({expression}, search_key)")
        db.execute(f"CREATE INDEX IF NOT EXISTS idx_articles_portal_id_{name} ON articles(portal_id, {expression})")
    db.execute("DROP INDEX IF EXISTS idx_articles_source")  # idx_articles_source_search_key starts with it


@migrations()
def m016_save_failures(db: Database) -> None:
    """Remember articles whose save failed (a full disk, a failing write), so the next crawl fetches them again.

    Listing paging stops at the first page holding only archived articles, so without this list
    a page whose save failed behind that point would never be fetched again.
    """
    db["save_failures"].create(
        {"portal_id": str, "canonical_url": str, "url": str, "failed_at": str, "error": str},
        pk="canonical_url", not_null={"portal_id", "url"},
    )
    db["save_failures"].create_index(["portal_id"])


@migrations()
def m017_portal_health_empty_and_missing_fields(db: Database) -> None:
    """portal_health names an empty run (no article on any page) and a jump in articles without date or author."""
    db.execute("DROP VIEW IF EXISTS portal_health")
    db.create_view("portal_health", PORTAL_HEALTH_VIEW)


@migrations()
def m018_raw_pages_captures(db: Database) -> None:
    """raw_pages of web-archive captures name the capture and its time (a WARC export dates them by it)."""
    db["raw_pages"].add_column("capture_url", str)
    db["raw_pages"].add_column("captured_at", str)


@migrations()
def m019_last_captured_at(db: Database) -> None:
    """articles.last_captured_at: the latest capture recovered, beside captured_at, the earliest (news shows both)."""
    db["articles"].add_column("last_captured_at", str)
    db.execute("UPDATE articles SET last_captured_at = captured_at WHERE captured_at > ''")
    db.execute("DROP VIEW IF EXISTS news")
    db.create_view("news", news_view())


@migrations()
def m020_news_without_duplicates(db: Database) -> None:
    """news leaves out republications (rows with duplicate_of); news_with_duplicates keeps every row.

    Its indexes become partial (WHERE duplicate_of IS NULL), so that a page, its count and its
    facets still read one index each: with the condition on a column outside the indexes, every
    count would look up each of its rows. The articles table and news_with_duplicates keep the
    full index on search_key and those from m001; their facets are counted from the rows.
    """
    db.execute("DROP VIEW IF EXISTS news")
    db.create_view("news", news_view(without_duplicates=True))
    db.execute(f"DROP VIEW IF EXISTS {NEWS_WITH_DUPLICATES}")
    db.create_view(NEWS_WITH_DUPLICATES, news_view())
    for name, expression in {"portal_id": "portal_id", **NEWS_FACET_EXPRESSIONS}.items():
        db.execute(f"DROP INDEX IF EXISTS idx_articles_{name}_search_key")
        db.execute(f"CREATE INDEX idx_articles_{name}_search_key ON articles({expression}, search_key, duplicate_of) "
                   f"{NOT_DUPLICATE}")
        if name != "portal_id":
            db.execute(f"DROP INDEX IF EXISTS idx_articles_portal_id_{name}")
            db.execute(f"CREATE INDEX idx_articles_portal_id_{name} ON articles(portal_id, {expression}, duplicate_of) "
                       f"{NOT_DUPLICATE}")


@migrations()
def m021_article_versions_by_article(db: Database) -> None:
    """An index on article_versions(article_id, content_hash).

    The article page lists an article's versions, and every save of a changed text or of another
    capture asks whether that text is already a version: without it, each read the whole table.
    """
    db.execute("CREATE INDEX IF NOT EXISTS idx_article_versions_article_id_content_hash "
               "ON article_versions(article_id, content_hash)")


@migrations()
def m022_encoding_note(db: Database) -> None:
    """articles.encoding_note: why a page's bytes deserve a look (a wrong label, damaged UTF-8, no clean reading)."""
    db["articles"].add_column("encoding_note", str)


# What researchers browse: each article with its portal's province and level, the facets derived
# from its date and byline, and its provenance.
# portal_id is read from portals, so that grouping by it starts from the (few) portals and counts
# each one's articles from the portal_id index, rather than joining every article to its portal.
NEWS_VIEW = """SELECT a.id, p.id AS portal_id, p.province, p.level, substr(a.published_at, 1, 4) AS year,
       substr(a.published_at, 1, 7) AS month, a.published_at, a.date_precision, a.title,
       a.author, CASE WHEN coalesce(a.author, '') = '' THEN 'no' ELSE 'yes' END AS has_author,
       a.summary, a.text, a.category, a.source, a.url, a.canonical_url, a.capture_url, a.captured_at,
       a.first_seen_at, a.last_seen_at, a.gone_at, a.duplicate_of, a.cluster_id, a.search_key
FROM articles a JOIN portals p ON p.id = a.portal_id"""

# news leaves out republications; this view of the same columns keeps them (m020)
NEWS_WITH_DUPLICATES = "news_with_duplicates"
# the condition of news' partial indexes, as news' WHERE writes it (SQLite must see it implied). The
# indexes also end with duplicate_of (always NULL in them): SQLite counts from an index alone only
# when it holds every column the query names, the condition's included.
NOT_DUPLICATE = "WHERE duplicate_of IS NULL"

# news' facet columns computed from articles, as the view (m015) writes them and as their indexes
# are made: SQLite uses an index on an expression only for that very expression.
NEWS_FACET_EXPRESSIONS = {
    "year": "CAST(substr(published_at, 1, 4) AS TEXT)",
    "month": "CAST(substr(published_at, 1, 7) AS TEXT)",
    "has_author": "CAST(CASE WHEN coalesce(author, '') = '' THEN 'no' ELSE 'yes' END AS TEXT)",
    "source": "source",
}


def news_view(published: bool = False, last_captured: bool = True, without_duplicates: bool = False) -> str:
    """The news view as m015 defines it: NEWS_VIEW with the derived columns cast to text (compared with a
    number, they convert it). published: a snapshot's, reading portal id, province and level from articles,
    where publish.news_without_join copies them, instead of joining portals. last_captured: with
    last_captured_at (m019 on). without_duplicates: leaving out the rows marked duplicate_of (news, m020 on);
    without it, every row (NEWS_WITH_DUPLICATES, and news before m020)."""
    portal = "a.portal_id, a.province, a.level" if published else "p.id AS portal_id, p.province, p.level"
    source = "articles a" if published else "articles a JOIN portals p ON p.id = a.portal_id"
    return f"""SELECT a.id, {portal}, {NEWS_FACET_EXPRESSIONS["year"]} AS year,
       {NEWS_FACET_EXPRESSIONS["month"]} AS month, a.published_at, a.date_precision, a.title,
       a.author, {NEWS_FACET_EXPRESSIONS["has_author"]} AS has_author,
       a.summary, a.text, a.category, a.source, a.url, a.canonical_url, a.capture_url, a.captured_at,
       {"a.last_captured_at, " if last_captured else ""}a.first_seen_at, a.last_seen_at, a.gone_at, a.duplicate_of,
       a.cluster_id, a.search_key
FROM {source}{f" {NOT_DUPLICATE}" if without_duplicates else ""}"""


# Each portal's health from its crawl runs (live crawls only), as `govnews report` prints it.
# The baseline is the portal's own: its ok runs in the 28 days before its last run. Alerts, first
# that applies: never crawled; broken (the last run failed: unreachable, every page an error, our
# code raised); empty (the last run found no article where its baseline found some: a listing that
# went blank or changed shape); errors (over half the last run's pages); extraction failing (over
# half the last run's pages could not be read as articles); quiet (no new article in 28 days after
# some in the 28 before); stale (no ok run in 7 days). Offline portals are not crawled and not alerted.
PORTAL_HEALTH_VIEW = """WITH since AS (
    SELECT strftime('%Y-%m-%dT%H:%M:%S', 'now', '-7 days') AS d7,
           strftime('%Y-%m-%dT%H:%M:%S', 'now', '-28 days') AS d28,
           strftime('%Y-%m-%dT%H:%M:%S', 'now', '-56 days') AS d56
), runs AS (
    SELECT * FROM crawl_runs WHERE spider NOT IN ('detect', 'check', 'recover')
), last AS (
    SELECT r.* FROM runs r WHERE r.id = (SELECT max(id) FROM runs WHERE portal_id = r.portal_id)
), baseline AS (
    SELECT r.portal_id, count(*) AS runs, avg(r.articles_new) AS new_per_run, avg(r.articles_found) AS found_per_run,
           1.0 * sum(r.articles_without_date) / nullif(sum(coalesce(r.articles_new, 0) + coalesce(r.articles_changed, 0)), 0) AS no_date_share,
           1.0 * sum(r.articles_without_author) / nullif(sum(coalesce(r.articles_new, 0) + coalesce(r.articles_changed, 0)), 0) AS no_author_share
    FROM runs r JOIN last l ON l.portal_id = r.portal_id
    WHERE r.id < l.id AND r.status = 'ok' AND r.finished_at >= strftime('%Y-%m-%dT%H:%M:%S', l.finished_at, '-28 days')
    GROUP BY r.portal_id
), windows AS (
    SELECT portal_id, max(CASE WHEN status = 'ok' THEN finished_at END) AS last_ok_at,
           sum(CASE WHEN recent THEN articles_new ELSE 0 END) AS new_28d,
           sum(CASE WHEN NOT recent AND finished_at >= d56 THEN articles_new ELSE 0 END) AS new_prev_28d,
           sum(CASE WHEN recent THEN coalesce(articles_new, 0) + coalesce(articles_changed, 0) ELSE 0 END) AS stored_28d,
           sum(CASE WHEN recent THEN articles_without_date END) AS no_date_28d,
           sum(CASE WHEN recent THEN articles_without_author END) AS no_author_28d
    FROM (SELECT runs.*, finished_at >= d28 AS recent, d56 FROM runs, since) GROUP BY portal_id
), health AS (
    SELECT p.id AS portal_id, p.name, p.province, p.level, p.status AS registry_status,
           w.last_ok_at, l.finished_at AS last_run_at, l.status AS last_run_status,
           l.pages_fetched AS last_run_pages, l.articles_new AS last_run_new, l.articles_found AS last_run_found,
           round(b.new_per_run, 1) AS baseline_new_per_run, round(b.found_per_run, 1) AS baseline_found_per_run,
           coalesce(b.runs, 0) AS baseline_runs, w.new_28d, w.new_prev_28d,
           round(1.0 * l.errors / max(l.pages_fetched, 1), 3) AS error_rate,
           round(1.0 * l.extract_failures / max(l.pages_fetched, 1), 3) AS extract_failure_rate,
           round(1.0 * w.no_date_28d / nullif(w.stored_28d, 0), 3) AS no_date_share_28d,
           round(1.0 * w.no_author_28d / nullif(w.stored_28d, 0), 3) AS no_author_share_28d,
           l.error_summary AS last_run_errors, l.finish_reason AS last_run_finish_reason,
           coalesce(l.articles_new, 0) + coalesce(l.articles_changed, 0) AS last_run_stored,
           round(1.0 * l.articles_without_date / nullif(coalesce(l.articles_new, 0) + coalesce(l.articles_changed, 0), 0), 3) AS last_run_no_date_share,
           round(1.0 * l.articles_without_author / nullif(coalesce(l.articles_new, 0) + coalesce(l.articles_changed, 0), 0), 3) AS last_run_no_author_share,
           round(b.no_date_share, 3) AS baseline_no_date_share, round(b.no_author_share, 3) AS baseline_no_author_share
    FROM portals p LEFT JOIN last l ON l.portal_id = p.id LEFT JOIN baseline b ON b.portal_id = p.id
         LEFT JOIN windows w ON w.portal_id = p.id
)
SELECT health.*, CASE
    WHEN registry_status = 'offline' THEN ''
    WHEN last_run_at IS NULL THEN 'never crawled'
    WHEN last_run_found = 0 AND last_run_pages > 0 AND last_run_errors LIKE 'no_articles%'
        THEN 'empty: no article found (' || last_run_errors || '; ' || CASE WHEN baseline_found_per_run > 0
            THEN 'earlier runs found ' || baseline_found_per_run || ' a run)' ELSE 'nothing archived yet)' END
    WHEN last_run_status != 'ok' THEN 'broken: ' || coalesce(nullif(last_run_errors, ''), last_run_finish_reason)
    WHEN last_run_found = 0 AND baseline_found_per_run > 0
        THEN 'empty: no article found (earlier runs found ' || baseline_found_per_run || ' a run)'
    WHEN last_run_stored >= 3 AND last_run_no_date_share > 0.5
         AND (baseline_no_date_share IS NULL OR last_run_no_date_share - baseline_no_date_share >= 0.25)
        THEN 'dates missing: ' || cast(round(last_run_no_date_share * 100) AS int) || ' % of the last run''s articles have no date'
             || coalesce(' (' || cast(round(baseline_no_date_share * 100) AS int) || ' % before)', '')
    WHEN last_run_stored >= 3 AND last_run_no_author_share - baseline_no_author_share >= 0.25
        THEN 'bylines missing: ' || cast(round(last_run_no_author_share * 100) AS int) || ' % of the last run''s articles have no author ('
             || cast(round(baseline_no_author_share * 100) AS int) || ' % before)'
    WHEN error_rate > 0.5 THEN 'errors: ' || last_run_errors
    WHEN extract_failure_rate > 0.5 THEN 'extraction failing: ' || (extract_failure_rate * 100) || ' % of pages'
    WHEN new_28d = 0 AND new_prev_28d > 0 THEN 'quiet: no new article in 28 days (' || new_prev_28d || ' the 28 before)'
    WHEN last_ok_at < d7 THEN 'stale: no ok crawl since ' || last_ok_at
    ELSE '' END AS alert
FROM health, since"""
