"""Canned queries and dashboards (datasette-dashboards, vega-lite) that researchers open in Datasette.

Every query here is plain SQL over the archive, so a researcher can open it, read it and change
it. Charts that would need more rows than Datasette returns (max_returned_rows) get one row per
series with its months packed as "YYYY-MM:n,..."; the vega-lite spec unpacks them (split and
flatten), so a coverage grid of 1,000 portals is still 1,000 rows.
"""

from __future__ import annotations

# Both read the reader's query language (scraper/search.py) on the folded index. `search` lists
# the newest first straight from the index, whose rowid is articles.search_key (date, then id): it
# reads only the first 100 matches, however many there are. `search_ranked` also finds a term's
# syllables apart, and lists every match of the terms together first, then by bm25 (the title
# weighing 5 times the text), which scores every match: slower for very common words.
_SEARCH_COLUMNS = """SELECT a.id, a.published_at, a.title, a.portal_id, p.province, a.author, a.source, a.url"""
SEARCH = _SEARCH_COLUMNS + """
FROM (SELECT rowid FROM articles_fts WHERE articles_fts MATCH govnews_match(:q) ORDER BY rowid DESC LIMIT 100) f
JOIN articles a ON a.search_key = f.rowid
JOIN portals p ON p.id = a.portal_id
ORDER BY a.search_key DESC"""

SEARCH_RANKED = _SEARCH_COLUMNS + """, f.together, f.relevance
FROM (SELECT rowid, rowid IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH govnews_match(:q)) AS together,
             bm25(articles_fts, 5.0, 1.0) AS relevance
      FROM articles_fts WHERE articles_fts MATCH govnews_apart(:q) ORDER BY together DESC, relevance LIMIT 100) f
JOIN articles a ON a.search_key = f.rowid
JOIN portals p ON p.id = a.portal_id
ORDER BY f.together DESC, f.relevance"""

LATEST_PER_PORTAL = """SELECT p.id AS portal_id, p.name, p.province, p.level,
       (SELECT count(*) FROM articles c WHERE c.portal_id = p.id AND c.duplicate_of IS NULL) AS articles,
       a.published_at AS latest_published_at, a.title AS latest_title, a.url AS latest_url
FROM portals p
LEFT JOIN articles a ON a.id = (SELECT b.id FROM articles b WHERE b.portal_id = p.id
                               ORDER BY b.published_at DESC LIMIT 1)
ORDER BY a.published_at DESC"""

CHANGED_THIS_WEEK = """SELECT v.replaced_at, a.portal_id, a.id AS article_id, a.title AS title_now,
       v.title AS title_before, length(a.text) - length(v.text) AS characters_added, a.url
FROM article_versions v JOIN articles a ON a.id = v.article_id
WHERE v.replaced_at >= strftime('%Y-%m-%dT%H:%M:%S', 'now', '-7 days')
ORDER BY v.replaced_at DESC"""

SYNDICATION_CLUSTERS = """SELECT cluster_id, count(*) AS articles, count(DISTINCT portal_id) AS portals,
       min(published_at) AS first_published_at, max(published_at) AS last_published_at,
       group_concat(DISTINCT portal_id) AS portal_ids, min(title) AS a_title
FROM articles
WHERE cluster_id IS NOT NULL
GROUP BY cluster_id
ORDER BY portals DESC, articles DESC"""

# A portal is quiet when its newest article is older than :days (60 when left empty).
QUIET_PORTALS = """SELECT p.id AS portal_id, p.name, p.province, p.level, p.checked_status,
       max(a.published_at) AS newest_article,
       CAST(julianday('now') - julianday(substr(max(a.published_at), 1, 10)) AS INTEGER) AS days_quiet,
       (SELECT r.status || ' ' || r.started_at FROM crawl_runs r WHERE r.portal_id = p.id
        ORDER BY r.started_at DESC LIMIT 1) AS last_crawl
FROM portals p LEFT JOIN articles a ON a.portal_id = p.id
GROUP BY p.id
HAVING newest_article IS NULL
    OR julianday('now') - julianday(substr(newest_article, 1, 10)) > coalesce(nullif(:days, ''), 60)
ORDER BY newest_article"""

CANNED_QUERIES = {
    "search": {
        "title": "Tìm kiếm, mới nhất trước / Search, newest first",
        "description": "Full-text search with or without diacritics (đ = d), the newest 100 matches first. "
                       "Words typed together are one term (a phrase); a comma or AND separates terms; "
                       "\"quotes\", -term, OR and prefix* work.",
        "sql": SEARCH,
    },
    "search_ranked": {
        "title": "Tìm kiếm theo mức liên quan / Search by relevance",
        "description": "The same search, also finding a term's syllables apart: every match of the terms together first "
                       "(together = 1), then by relevance (bm25, title 5 × text); slower for very common words.",
        "sql": SEARCH_RANKED,
    },
    "latest_per_portal": {
        "title": "Bài mới nhất của mỗi cổng / Latest article per portal",
        "description": "Each portal's newest article and its article count, newest first.",
        "sql": LATEST_PER_PORTAL,
    },
    "changed_this_week": {
        "title": "Bài bị sửa trong tuần / Articles edited this week",
        "description": "Articles whose text changed in the last 7 days, with the title before and after.",
        "sql": CHANGED_THIS_WEEK,
    },
    "syndication_clusters": {
        "title": "Bài đăng lại giữa các cổng / Syndication clusters",
        "description": "Near-duplicate articles across portals (one release republished), largest first.",
        "sql": SYNDICATION_CLUSTERS,
    },
    "quiet_portals": {
        "title": "Cổng không còn đăng bài / Portals that went quiet",
        "description": "Portals whose newest article is older than :days days (60 when empty), with their last crawl.",
        "sql": QUIET_PORTALS,
    },
}

# Each filtered dashboard query starts from this; [[ ]] parts apply only when the filter is set.
# Like news, the charts and counts leave republications (duplicate_of) out.
_FILTERED = """FROM articles a JOIN portals p ON p.id = a.portal_id
WHERE a.published_at IS NOT NULL AND a.duplicate_of IS NULL [[ AND p.province = :province ]] [[ AND a.portal_id = :portal ]]
  [[ AND a.published_at >= :date_start ]] [[ AND a.published_at < date(:date_end, '+1 day') ]]"""

# One row per series: its months, every month from the first to the last in range, zeros included.
_PACKED_MONTHS = """WITH counts AS (SELECT {series} AS series, substr(a.published_at, 1, 7) AS month, count(*) AS n
  {filtered} GROUP BY 1, 2),
bounds AS (SELECT min(month) AS first, max(month) AS last FROM counts),
months(month) AS (SELECT first FROM bounds WHERE first IS NOT NULL
  UNION ALL SELECT strftime('%Y-%m', month || '-01', '+1 month') FROM months, bounds WHERE month < last),
serieses AS (SELECT DISTINCT series FROM counts)
SELECT s.series, {colour} AS colour, group_concat(m.month || ':' || coalesce(c.n, 0)) AS cells
FROM serieses s CROSS JOIN months m LEFT JOIN counts c ON c.series = s.series AND c.month = m.month
GROUP BY s.series ORDER BY s.series"""

_UNPACK = [
    {"calculate": "split(datum.cells, ',')", "as": "cell"},
    {"flatten": ["cell"]},
    {"calculate": "split(datum.cell, ':')[0]", "as": "month"},
    {"calculate": "toNumber(split(datum.cell, ':')[1])", "as": "articles"},
]


# A count axis ticks whole articles only: at most one tick per article of the highest bar (vega's
# tickMinStep alone still drew 0, 0.5, 1 for bars of one article), labels without decimals.
WHOLE_NUMBER_AXIS = {"tickMinStep": 1, "format": "d", "tickCount": {"expr": "min(ceil(height / 40), domain('y')[1])"}}


# Each portal and each province keeps its colour in every chart: the colour is chosen in SQL from
# its rank among all portals (or provinces) of the archive, not from its place among the series a
# chart happens to show (vega's default, which gave one portal two colours side by side).
_PALETTE = ("#4c78a8#f58518#e45756#72b7b2#54a24b#eeca3b#b279a2#ff9da6#9d755d#bab0ac"
            "#1f77b4#ff7f0e#2ca02c#d62728#9467bd#8c564b#e377c2#7f7f7f#bcbd22#17becf")
_RANKS = {
    "a.portal_id": "(SELECT count(*) FROM portals q WHERE q.id < s.series)",
    "p.province": "(SELECT count(DISTINCT q.province) FROM portals q WHERE q.province < s.series)",
}


def _colour(series: str) -> str:
    """SQL: the fixed colour of a series (a portal id or a province) from _PALETTE."""
    return f"substr('{_PALETTE}', ({_RANKS[series]} % {len(_PALETTE) // 7}) * 7 + 1, 7)"


def _packed_months(series: str) -> str:
    """SQL: one row per series with its fixed colour and its months packed."""
    return _PACKED_MONTHS.format(series=series, filtered=_FILTERED, colour=_colour(series))


def _per_month_chart(title: str, series: str, label: str) -> dict:
    """A stacked bar chart of articles per month, one fixed colour per series (portal or province)."""
    return {
        "title": title,
        "library": "vega-lite",
        "query": _packed_months(series),
        "display": {
            "transform": _UNPACK,
            "mark": {"type": "bar", "tooltip": True},
            "encoding": {
                "x": {"field": "month", "type": "ordinal", "title": "Tháng / month"},
                "y": {"field": "articles", "type": "quantitative", "title": "Bài / articles", "stack": True,
                      "axis": WHOLE_NUMBER_AXIS},
                "color": {"field": "series", "type": "nominal", "title": label, "scale": {"range": {"field": "colour"}}},
            },
        },
    }


COVERAGE_GRID = {
    "title": "Độ phủ: cổng × tháng (ô đỏ: tháng không có bài) / Coverage: portal × month (red: a month with no article)",
    "library": "vega-lite",
    "query": _packed_months("a.portal_id"),
    "display": {
        "transform": _UNPACK,
        "mark": {"type": "rect", "tooltip": True},
        "encoding": {
            "x": {"field": "month", "type": "ordinal", "title": "Tháng / month"},
            "y": {"field": "series", "type": "nominal", "title": "Cổng / portal"},
            "color": {"condition": {"test": "datum.articles === 0", "value": "#d62728"},
                      "field": "articles", "type": "quantitative", "title": "Bài / articles",
                      "scale": {"scheme": "blues"}, "legend": {"format": "d", "tickMinStep": 1}},
        },
    },
}

def html_text(expression: str) -> str:
    """Return SQL that escapes a text column for HTML.

    datasette-dashboards' table charts put each cell in with innerHTML: a crawled title such as
    `<img src=x onerror=...>` would run in the researcher's browser.
    """
    for char, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;"), ("'", "&#39;")):
        expression = f"replace({expression}, '{char.replace(chr(39), chr(39) * 2)}', '{entity}')"
    return expression


_PORTAL_SUMMARY = f"""SELECT {html_text("p.name")} AS portal, {html_text("p.province")} AS province, p.level,
       {html_text("coalesce(p.checked_status, p.status)")} AS status,
       count(a.id) AS articles, min(a.published_at) AS first_article, max(a.published_at) AS last_article,
       round(100.0 * count(a.published_at) / max(count(a.id), 1), 1) || ' %' AS with_date,
       round(100.0 * sum(coalesce(a.author, '') != '') / max(count(a.id), 1), 1) || ' %' AS with_author,
       (SELECT r.started_at FROM crawl_runs r WHERE r.portal_id = p.id ORDER BY r.started_at DESC LIMIT 1) AS last_crawl,
       (SELECT {html_text("r.status || ' (' || coalesce(r.finish_reason, '') || ')'")} FROM crawl_runs r WHERE r.portal_id = p.id
        ORDER BY r.started_at DESC LIMIT 1) AS last_crawl_status
FROM portals p LEFT JOIN articles a ON a.portal_id = p.id AND a.duplicate_of IS NULL
WHERE p.id = :portal GROUP BY p.id"""

# Months between the portal's first and last article in which it published nothing.
_PORTAL_GAPS = """WITH counts AS (SELECT substr(published_at, 1, 7) AS month FROM articles
  WHERE portal_id = :portal AND published_at IS NOT NULL AND duplicate_of IS NULL GROUP BY 1),
months(month) AS (SELECT min(month) FROM counts
  UNION ALL SELECT strftime('%Y-%m', month || '-01', '+1 month') FROM months WHERE month < (SELECT max(month) FROM counts))
SELECT month AS month_without_articles FROM months WHERE month NOT IN (SELECT month FROM counts) ORDER BY month"""

_PORTAL_LATEST = f"""SELECT a.published_at, {html_text("a.title")} AS title,
       {html_text("a.author")} AS author, a.source, {html_text("a.url")} AS url FROM articles a
WHERE a.portal_id = :portal AND a.duplicate_of IS NULL ORDER BY a.published_at DESC LIMIT 20"""

_PORTAL_FILTERS = """SELECT id FROM portals ORDER BY id"""
_PROVINCE_FILTERS = """SELECT DISTINCT province FROM portals ORDER BY province"""


def dashboards(database: str) -> dict:
    """Return the datasette-dashboards configuration for an archive served as `database`."""
    def on(chart: dict) -> dict:
        """The chart, querying the served database."""
        return {**chart, "db": database}

    range_filters = {
        "date_start": {"name": "Từ ngày / from", "type": "date"},
        "date_end": {"name": "Đến ngày / to", "type": "date"},
    }
    return {
        "overview": {
            "title": "Tổng quan / Overview",
            "description": "Articles per month by province and by portal, and the coverage grid that shows gaps.",
            "layout": [["per-province", "per-province"], ["per-portal", "per-portal"], ["coverage", "coverage"]],
            "filters": {
                "province": {"name": "Tỉnh / province", "type": "select", "db": database, "query": _PROVINCE_FILTERS},
                **range_filters,
            },
            "charts": {
                "per-province": on(_per_month_chart("Bài theo tháng, theo tỉnh / Articles per month by province",
                                                    "p.province", "Tỉnh / province")),
                "per-portal": on(_per_month_chart("Bài theo tháng, theo cổng / Articles per month by portal",
                                                  "a.portal_id", "Cổng / portal")),
                "coverage": on(COVERAGE_GRID),
            },
        },
        "portal": {
            "title": "Một cổng / One portal",
            "description": "A portal's first and last article, its gaps, how many articles carry a date and an author, "
                           "and its last crawl.",
            "layout": [["summary", "summary"], ["per-month", "gaps"], ["latest", "latest"]],
            "filters": {
                "portal": {"name": "Cổng / portal", "type": "select", "db": database, "query": _PORTAL_FILTERS},
            },
            "charts": {
                "summary": on({"title": "Tóm tắt / Summary", "library": "table", "query": _PORTAL_SUMMARY}),
                "per-month": on(_per_month_chart("Bài theo tháng / Articles per month", "a.portal_id",
                                                 "Cổng / portal")),
                "gaps": on({"title": "Tháng không có bài / Months without articles", "library": "table",
                            "query": _PORTAL_GAPS}),
                "latest": on({"title": "Bài mới nhất / Latest articles", "library": "table", "query": _PORTAL_LATEST}),
            },
        },
    }
