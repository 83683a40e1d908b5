"""Facets of `news` summed from a published snapshot's precomputed counts: the same numbers as counting live.

A synthetic archive (real schema and triggers, rows written in SQL as bench/publish.py writes
them) is published with `govnews publish` and served with `govnews serve --immutable`. Each page
asks for every facet twice: the default `counted` facets (hideable false) and Datasette's own
live column facets through `_facet=` (hideable true).

To see which path a page took, a second copy of the snapshot has its counts multiplied by
1,000: a facet summed from the counts shows 1,000 times the live count; a facet counted live
shows the live count. A third copy names the source of every row of counts MARKED and leaves the
articles of one portal (UNSEARCHED) out of the search facets table: a searched page whose count
and facets are read from that table counts fewer rows, lacks that portal and shows MARKED.
"""

from __future__ import annotations

import random
import shutil
import sqlite3
import urllib.request
from urllib.parse import quote, urlencode

import pytest

from scraper.archive import Archive
from scraper.facet_counts import DIMENSIONS, SEARCH_TABLE, TABLE
from tests.conftest import get_json, rows, run_govnews, served

PORTALS = [("dn.dinh-quan", "Đồng Nai", "district"), ("dn.tinh", "Đồng Nai", "province"),
           ("ct.vinh-thanh", "Cần Thơ", "district"), ("ct.thanh-pho", "Cần Thơ", "province"),
           ("hn.xa-dong-anh", "Hà Nội", "commune"), ("hn.thanh-pho", "Hà Nội", "province")]
ARTICLES = 480
# Dates that sit on a month's edges, so that a range on month boundaries is tested where it cuts.
EDGE_DATES = ["2024-03-01T00:00:00+07:00", "2024-02-29T23:59:00+07:00", "2025-01-01T00:00:00+07:00",
              "2024-12-31T23:59:59+07:00"]


def write_synthetic_archive(db) -> None:
    """Write ARTICLES articles over PORTALS, dated 2023-2025 (some undated, some on month edges), three sources,
    with and without bylines."""
    rng = random.Random(2025)
    archive = Archive(db)
    conn = archive.db.conn
    conn.executemany("INSERT INTO portals (id, name, province, unit, level, base_url, family, status) "
                     "VALUES (?, ?, ?, ?, ?, ?, 'nukeviet', 'active')",
                     [(pid, pid, province, pid, level, f"http://{pid}.example/") for pid, province, level in PORTALS])
    articles = []
    for n in range(ARTICLES):
        pid = PORTALS[min(int(rng.expovariate(0.6)), len(PORTALS) - 1)][0]
        if n < len(EDGE_DATES):
            published = EDGE_DATES[n]
        elif n % 37 == 0:
            published = None
        else:
            published = (f"{rng.choice([2023, 2024, 2025])}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
                         f"T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:00+07:00")
        source = rng.choices(["live", "wayback", "commoncrawl"], [7, 2, 1])[0]
        author = rng.choice(["Minh Anh", "Thu Hà", "", None])
        url = f"http://{pid}.example/news/{n}.html"
        articles.append((pid, url, url, f"Tin {n}", published, author, f"Nội dung {n}", source))
    with conn:
        conn.executemany("INSERT INTO articles (portal_id, url, canonical_url, title, published_at, author, text, source, "
                         "first_seen_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, '2026-11-22T00:00:00+00:00')", articles)
    archive.close()


@pytest.fixture(scope="module")
def snapshots(tmp_path_factory):
    """The published snapshot, and a copy of it whose counts are multiplied by 1,000."""
    folder = tmp_path_factory.mktemp("facet-counts")
    write_synthetic_archive(folder / "work.db")
    published = run_govnews("publish", "--db", str(folder / "work.db"), "--to", str(folder / "archive.db"), cwd=folder)
    assert published.returncode == 0, published.stderr
    shutil.copy(folder / "archive.db", folder / "inflated.db")
    conn = sqlite3.connect(folder / "inflated.db")
    with conn:
        conn.execute(f"UPDATE {TABLE} SET articles = articles * 1000")
    conn.close()
    shutil.copy(folder / "archive.db", folder / "marked.db")
    conn = sqlite3.connect(folder / "marked.db")
    with conn:
        conn.execute(f"UPDATE {TABLE} SET source = '{MARKED}'")
        conn.execute(f"DELETE FROM {SEARCH_TABLE} WHERE cell IN (SELECT rowid FROM {TABLE} WHERE portal_id = '{UNSEARCHED}')")
    conn.close()
    return {"work": folder / "work.db", "published": folder / "archive.db", "inflated": folder / "inflated.db",
            "marked": folder / "marked.db"}


@pytest.fixture(scope="module")
def published(snapshots):
    with served(snapshots["published"], "--immutable") as base:
        yield base + "/archive"


@pytest.fixture(scope="module")
def inflated(snapshots):
    with served(snapshots["inflated"], "--immutable") as base:
        yield base + "/inflated"


@pytest.fixture(scope="module")
def marked(snapshots):
    with served(snapshots["marked"], "--immutable") as base:
        yield base + "/marked"


def both_facets(base: str, filters: str) -> tuple[dict, dict]:
    """Return ({facet: {value: count}} summed or counted by the counted facets, the same counted live by Datasette)."""
    counted, live, _ = facets_and_count(base, filters)
    return counted, live


def facets_and_count(base: str, filters: str) -> tuple[dict, dict, int]:
    """Return both_facets and the page's row count.

    Every value of each facet: the counted month facet shows up to 240 months, Datasette's the 30 most frequent.
    """
    live = urlencode([*(("_facet", column) for column in DIMENSIONS), ("_facet_size", "max")])
    data = get_json(f"{base}/news.json?_size=0&{live}" + (f"&{filters}" if filters else ""))
    counted, counted_live = {}, {}
    for facet in data["facet_results"].values():
        (counted_live if facet["hideable"] else counted)[facet["name"]] = {r["value"]: r["count"] for r in facet["results"]}
    return counted, counted_live, data["filtered_table_rows_count"]


def times(factor: int, facets: dict) -> dict:
    return {name: {value: count * factor for value, count in values.items()} for name, values in facets.items()}


PAGES = [
    "",
    "province=" + quote("Đồng Nai"),
    "portal_id=ct.vinh-thanh",
    "level=province&source=wayback",
    "year=2024",
    "year__gt=2023",  # Datasette passes 2023 as a number: compared as text on the view and on the counts
    "month=2024-03&has_author=no",
    "province__in=" + quote("Cần Thơ,Hà Nội"),
    "province__not=" + quote("Hà Nội") + "&year__lt=2025",
    "published_at__gte=2024-01-01&published_at__lt=2025-01-01",
    "published_at__gte=2024-03-01&published_at__lte=2024-12-31T23:59:59%2B07:00",
    "published_at__gt=2024-02-29T23:59:00%2B07:00",
    "published_at__gte=2024-03-15",  # cuts through March: counted live
    "published_at__isnull=1",  # not a range: counted live
    "month__isnull=1",
    "_search=tin",
    "title__contains=" + quote("Tin 1"),
]


@pytest.mark.parametrize("filters", PAGES)
def test_counted_facets_are_the_live_counts(published, filters):
    counted, live = both_facets(published, filters)
    assert counted == live


def test_the_unfiltered_page_counts_every_article_once(published):
    counted, _ = both_facets(published, "")
    assert sum(counted["source"].values()) == ARTICLES


def test_the_unfiltered_page_shows_the_seven_facets(published):
    counted, _ = both_facets(published, "")
    assert sorted(counted) == sorted(DIMENSIONS)


@pytest.mark.parametrize("filters", [
    "",
    "province=" + quote("Đồng Nai"),
    "year__gt=2023&source=live",
    "published_at__gte=2024-01-01&published_at__lt=2025-01-01",
    "published_at__gte=2024-03-01&_sort=published_at&_size=5",
])
def test_pages_filtered_by_facet_columns_and_month_ranges_sum_the_counts(inflated, filters):
    counted, live = both_facets(inflated, filters)
    assert counted == times(1000, live)


MARKED = "from-the-search-table"
UNSEARCHED = "hn.thanh-pho"
# Searches the search facets table can answer: the search, and filters on facet columns.
TOLD_BY_THE_SEARCH_TABLE = ["_search=tin", "_search=tin&province=" + quote("Đồng Nai"), "_search=tin&year__gt=2023",
                            "_search=tin&portal_id__not=dn.tinh&_sort=id", "_search=" + quote("nội dung 1")]


def searched_elsewhere(live: dict) -> int:
    """The articles of a live-counted page outside UNSEARCHED."""
    return sum(live["portal_id"].values()) - live["portal_id"].get(UNSEARCHED, 0)


@pytest.mark.parametrize("filters", TOLD_BY_THE_SEARCH_TABLE)
def test_a_searched_page_counts_its_rows_from_the_search_table(marked, filters):
    _, live, count = facets_and_count(marked, filters)
    assert count == searched_elsewhere(live)


@pytest.mark.parametrize("filters", TOLD_BY_THE_SEARCH_TABLE)
def test_a_searched_page_groups_its_facets_from_the_search_table(marked, filters):
    counted, live, _ = facets_and_count(marked, filters)
    assert counted["source"] == {MARKED: searched_elsewhere(live)}


@pytest.mark.parametrize("filters", TOLD_BY_THE_SEARCH_TABLE)
def test_a_searched_page_facets_only_the_articles_of_the_search_table(marked, filters):
    counted, live, _ = facets_and_count(marked, filters)
    assert counted["portal_id"] == {portal: n for portal, n in live["portal_id"].items() if portal != UNSEARCHED}


@pytest.mark.parametrize("filters", ["_search=tin&title__contains=" + quote("Tin 1"), "_search=tin&_searchmode=raw",
                                     "_search=tin&published_at__gte=2024-03-15", "_search=tin&_where=" + quote("id > 100"),
                                     "_search=tin&_next=40"])
def test_a_search_with_other_filters_is_counted_live(marked, filters):
    counted, live, count = facets_and_count(marked, filters)
    assert (counted, count) == (live, sum(live["portal_id"].values()))


@pytest.mark.parametrize("filters", [
    "published_at__gte=2024-03-15",
    "published_at__isnull=1",
    "title__contains=" + quote("Tin 1"),
    "_where=" + quote("id > 100"),
])
def test_pages_the_counts_cannot_tell_are_counted_live(inflated, filters):
    counted, live = both_facets(inflated, filters)
    assert counted == live


def test_a_page_past_the_first_is_counted_live(inflated):
    first = get_json(inflated + "/news.json?_size=20")
    counted, live = both_facets(inflated, "_next=" + quote(first["next"]))
    assert counted == live


def test_a_snapshot_published_before_the_counts_is_counted_live(snapshots, tmp_path):
    older = tmp_path / "older.db"
    shutil.copy(snapshots["published"], older)
    conn = sqlite3.connect(older)
    conn.execute(f"DROP TABLE {TABLE}")
    conn.commit()
    conn.close()
    with served(older, "--immutable") as base:
        counted, live = both_facets(base + "/older", "published_at__gte=2024-01-01")
        sql = get_json(base + "/older/news.json?_size=1&published_at__gte=2024-01-01")["query"]["sql"]
    assert (counted, "search_key >=" in sql) == (live, False)


def test_a_database_that_can_change_is_counted_live(snapshots):
    with served(snapshots["inflated"]) as base:  # not --immutable: the counts may be out of date
        counted, live = both_facets(base + "/inflated", "")
    assert counted == live


@pytest.mark.parametrize("filters", ["", "_search=tin"])  # summed from the counts, and counted live
def test_the_month_facet_lists_every_month_newest_first(published, filters):
    data = get_json(f"{published}/news.json?_size=0" + (f"&{filters}" if filters else ""))
    months = [row["value"] for row in data["facet_results"]["month"]["results"]]
    assert (months[0], months[-1], len(months), months == sorted(months, reverse=True)) == ("2025-12", "2023-01", 36, True)


def test_the_year_facet_lists_the_newest_year_first(published):
    data = get_json(f"{published}/news.json?_size=0")
    assert [row["value"] for row in data["facet_results"]["year"]["results"]] == ["2025", "2024", "2023"]


def test_counted_facets_look_like_column_facets(published):
    data = get_json(published + "/news.json?_size=0")
    assert {facet["type"] for facet in data["facet_results"].values()} == {"column"}


def test_the_page_names_facets_without_their_kind(published):
    with urllib.request.urlopen(published + "/news", timeout=30) as response:
        html = response.read().decode()
    assert "(counted)" not in html


def test_a_facet_value_links_to_the_page_filtered_by_it(published, snapshots):
    data = get_json(published + "/news.json?_size=0")
    link = next(r["toggle_url"] for r in data["facet_results"]["province"]["results"] if r["value"] == "Cần Thơ")
    filtered = get_json(link.replace("/news?", "/news.json?"))
    expected = rows(snapshots["published"], "SELECT count(*) FROM news WHERE province = 'Cần Thơ'")[0][0]
    assert filtered["filtered_table_rows_count"] == expected


@pytest.mark.parametrize("table", ["articles", "news"])
def test_every_column_of_the_snapshot_has_a_description(published, table):
    meta = get_json(published.removesuffix("/archive") + "/-/metadata.json")["databases"]["archive"]["tables"][table]["columns"]
    columns = get_json(published + f"/{table}.json?_shape=objects&_size=1")["columns"]
    assert [c for c in columns if not meta.get(c)] == []


def test_a_province_filter_lists_the_provinces_articles_newest_first(published, snapshots):
    data = get_json(published + "/news.json?_shape=objects&_size=5&_col=id&province=" + quote("Cần Thơ"))
    expected = rows(snapshots["published"], "SELECT a.id FROM articles a JOIN portals p ON p.id = a.portal_id "
                    "WHERE p.province = 'Cần Thơ' ORDER BY a.search_key DESC LIMIT 5")
    assert [row["id"] for row in data["rows"]] == [row["id"] for row in expected]


@pytest.fixture(scope="module")
def working(snapshots):
    """The archive the snapshot was published from, served as cron's file is (no counts, no bounds)."""
    with served(snapshots["work"]) as base:
        yield base + "/work"


RANGES = ["published_at__gte=2024-01-01&published_at__lt=2025-01-01",
          "published_at__gte=2024-03-15",
          "published_at__lt=2024-03-01",
          "published_at__gt=2024-02-29T23:59:00%2B07:00&published_at__lte=2024-03-01T00:00:00%2B07:00",
          "published_at__gte=2024-01-01&province=" + quote("Cần Thơ") + "&_search=tin",
          "published_at__gte=2030-01-01"]


@pytest.mark.parametrize("filters", [*RANGES, *TOLD_BY_THE_SEARCH_TABLE, "_search=" + quote("-tin"), "_search=tin&_next=40"])
def test_a_page_lists_and_counts_what_the_working_archive_does(published, working, filters):
    pages = [get_json(f"{base}/news.json?_shape=objects&_size=20&_col=id&{filters}") for base in (published, working)]
    assert [([row["id"] for row in page["rows"]], page["filtered_table_rows_count"]) for page in pages] == [
        ([row["id"] for row in pages[1]["rows"]], pages[1]["filtered_table_rows_count"])] * 2


def test_a_date_range_page_of_the_snapshot_is_bounded_by_search_key(published):
    data = get_json(f"{published}/news.json?_size=1&{RANGES[0]}")
    assert "search_key >= :govnews_key_low AND search_key <= :govnews_key_high" in data["query"]["sql"]


def test_publish_writes_the_counts_of_every_article(snapshots):
    assert rows(snapshots["published"], f"SELECT sum(articles) FROM {TABLE}")[0][0] == ARTICLES


def test_the_working_archive_has_no_counts(snapshots):
    assert rows(snapshots["work"], "SELECT count(*) FROM sqlite_master WHERE name = ?", [TABLE])[0][0] == 0
