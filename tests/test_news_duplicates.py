"""Republications (rows marked duplicate_of) are left out of news, its facets, counts, CSV and charts; a switch keeps them.

The archive is the crawled replicas, then one portal's articles stored again by Archive.save under
another form of its host, as a crawl of the same portal registered twice stores them: the same text,
so each new row is marked duplicate_of the first (the issue's 16 -> 32).
"""

from __future__ import annotations

import csv
import dataclasses
import html
import io
import re
import shutil
import urllib.request
from urllib.parse import urlencode

import pytest

from scraper.archive import Archive
from scraper.items import Article
from scraper.publish import publish_snapshot
from tests.conftest import get_json, rows, served

PORTAL = "demo.dinh-quan"
FIELDS = {field.name for field in dataclasses.fields(Article)}


def republish_under_another_host(db) -> int:
    """Store every article of PORTAL again under 127.0.0.99 (same text); return how many were stored."""
    archive = Archive(db)
    try:
        stored = [dict(row) for row in archive.db.query("SELECT * FROM articles WHERE portal_id = ?", [PORTAL])]
        for row in stored:
            values = {k: v for k, v in row.items() if k in FIELDS and v is not None}
            url = re.sub(r"//127\.0\.0\.\d+:", "//127.0.0.99:", row["url"])
            archive.save(Article(**{**values, "url": url, "canonical_url": url}))
    finally:
        archive.close()
    return len(stored)


@pytest.fixture(scope="module")
def doubled(archive, tmp_path_factory):
    """The crawled archive with PORTAL's articles stored twice, and its published snapshot."""
    folder = tmp_path_factory.mktemp("duplicates")
    db = folder / "archive.db"
    shutil.copy(archive["db"], db)
    count = republish_under_another_host(db)
    snapshot = folder / "public.db"
    publish_snapshot(db, snapshot)
    return {"db": db, "snapshot": snapshot, "portal_articles": count}


@pytest.fixture(scope="module", params=["archive", "snapshot"])
def site(doubled, request):
    """Datasette on the working archive and on its published (immutable) snapshot."""
    flags = ("--immutable",) if request.param == "snapshot" else ()
    path = doubled["db"] if request.param == "archive" else doubled["snapshot"]
    with served(path, *flags) as base:
        yield {"base": f"{base}/{path.stem}", "portal_articles": doubled["portal_articles"]}


def test_the_republications_are_marked_duplicates(doubled):
    marked = rows(doubled["db"], "SELECT count(*) AS n FROM articles WHERE portal_id = ? AND duplicate_of IS NOT NULL",
                  [PORTAL])[0]["n"]
    assert (doubled["portal_articles"], marked) == (16, 16)


def test_news_counts_the_portal_once(site):
    page = get_json(f"{site['base']}/news.json?portal_id={PORTAL}&_size=0")
    assert page["filtered_table_rows_count"] == 16


def test_news_facet_counts_the_portal_once(site):
    page = get_json(f"{site['base']}/news.json?_size=0")
    facet = {row["value"]: row["count"] for row in page["facet_results"]["portal_id"]["results"]}
    assert facet[PORTAL] == 16


def test_news_with_duplicates_counts_both_rows(site):
    page = get_json(f"{site['base']}/news_with_duplicates.json?portal_id={PORTAL}&_size=0")
    assert page["filtered_table_rows_count"] == 32


def test_a_clicked_news_csv_leaves_the_republications_out(site):
    with urllib.request.urlopen(f"{site['base']}/news.csv?portal_id={PORTAL}", timeout=60) as response:
        listed = list(csv.DictReader(io.StringIO(response.read().decode("utf-8-sig"))))
    assert (len(listed), sum(row["duplicate_of"] != "" for row in listed)) == (16, 0)


def switch_link(site, path: str) -> str:
    """The href of the page's switch between news and news_with_duplicates."""
    with urllib.request.urlopen(f"{site['base']}/{path}", timeout=60) as response:
        page = response.read().decode("utf-8")
    found = re.search(r'<p class="govnews-duplicates">.*?<a href="([^"]+)"', page, re.DOTALL)
    return html.unescape(found.group(1)) if found else ""


def test_the_news_page_links_to_the_same_page_with_republications(site):
    link = switch_link(site, f"news?portal_id={PORTAL}&_sort=published_at")
    assert link.endswith(f"/news_with_duplicates?portal_id={PORTAL}&_sort=published_at")


def test_the_page_with_republications_links_back(site):
    assert switch_link(site, "news_with_duplicates?_search=x").endswith("/news?_search=x")


def dashboard_rows(site, slug: str, chart: str, options: dict) -> list[dict]:
    """Run one chart's query as the dashboard page does; return its rows."""
    from datasette_dashboards import replace_opts_in_query

    from scraper.datasette.queries import dashboards

    sql = replace_opts_in_query(dashboards(site["base"].rsplit("/", 1)[1])[slug]["charts"][chart]["query"], options)
    return get_json(f"{site['base']}.json?" + urlencode({"sql": sql, "_shape": "objects", **options}))["rows"]


def test_the_per_portal_chart_counts_the_portal_once(site):
    packed = {row["series"]: row["cells"] for row in dashboard_rows(site, "overview", "per-portal", {})}
    assert sum(int(cell.split(":")[1]) for cell in packed[PORTAL].split(",")) == 16


def test_the_portal_summary_counts_the_portal_once(site):
    assert dashboard_rows(site, "portal", "summary", {"portal": PORTAL})[0]["articles"] == 16
