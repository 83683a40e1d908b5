"""`govnews serve`: a real Datasette on the archive, with metadata, facets, search and hidden raw pages."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest

from tests.conftest import get_json, served


@pytest.fixture(scope="module")
def datasette(archive):
    """Run `govnews serve` on the crawled archive and return its base URL."""
    with served(archive["db"]) as base:
        yield base


def test_datasette_answers_with_our_title(datasette):
    assert get_json(datasette + "/-/metadata.json")["title"].startswith("govnews: tin tức của chính quyền địa phương")


@pytest.mark.parametrize("table", ["articles", "news", "portals", "crawl_runs", "article_versions", "portal_health"])
def test_every_column_has_a_description(datasette, table):
    meta = get_json(datasette + "/-/metadata.json")["databases"]["archive"]["tables"][table]["columns"]
    columns = get_json(datasette + f"/archive/{table}.json?_shape=objects&_size=1")["columns"]
    assert [c for c in columns if not meta.get(c)] == []


def test_every_visible_table_is_described(datasette):
    meta = get_json(datasette + "/-/metadata.json")["databases"]["archive"]["tables"]
    database = get_json(datasette + "/archive.json")
    visible = [t["name"] for t in database["tables"] if not t["hidden"]] + [v["name"] for v in database["views"]]
    assert [name for name in visible if not meta.get(name, {}).get("description")] == []


def test_search_finds_a_vietnamese_phrase(datasette):
    data = get_json(datasette + "/archive/articles.json?_shape=objects&_search=" + quote('"học bổng"'))
    assert [row["title"] for row in data["rows"]] == ["Hơn 2.000 học sinh được nhận học bổng tiếp sức đến trường"]


@pytest.mark.parametrize(("facet", "expected"), [
    ("portal_id", {"demo.vinh-thanh": 18, "demo.dinh-quan": 16}),
    ("province", {"Cần Thơ": 18, "Đồng Nai": 16}),
])
def test_news_facets(datasette, facet, expected):
    data = get_json(datasette + f"/archive/news.json?_facet={facet}&_size=0")
    results = data["facet_results"]
    results = results.get("results", results)  # 0.65 and 1.0 shapes
    assert {r["value"]: r["count"] for r in results[facet]["results"]} == expected


def test_news_facets_by_month(datasette):
    data = get_json(datasette + "/archive/news.json?_facet=month&_size=0&month=2024-04")
    assert data["filtered_table_rows_count"] == 2


def test_raw_pages_are_hidden(datasette):
    tables = {t["name"]: t["hidden"] for t in get_json(datasette + "/archive.json")["tables"]}
    assert tables["raw_pages"] is True


def test_sql_cannot_write(datasette):
    url = datasette + "/archive.json?sql=" + quote("DELETE FROM articles")
    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(url, timeout=10)
    assert error.value.code == 400


@pytest.mark.parametrize(("facet", "expected"), [
    ("level", {"district": 34}),
    ("year", {"2023": 12, "2024": 14, "2025": 8}),
    ("source", {"live": 34}),
    ("has_author", {"yes": 34}),
])
def test_news_facets_by_level_year_source_and_byline(datasette, facet, expected):
    data = get_json(datasette + f"/archive/news.json?_facet={facet}&_size=0")
    assert {r["value"]: r["count"] for r in data["facet_results"][facet]["results"]} == expected


def test_date_range_filter(datasette):
    data = get_json(datasette + "/archive/news.json?_size=0&published_at__gte=2024-01-01&published_at__lt=2025-01-01")
    assert data["filtered_table_rows_count"] == 14


@pytest.mark.parametrize(("filters", "rows"), [("year__gt=2023", 22), ("year__gte=2024", 22), ("year__lt=2024", 12),
                                              ("month__gte=2024-04", 19)])
def test_year_and_month_compare_as_dates_do(datasette, filters, rows):
    data = get_json(datasette + f"/archive/news.json?_size=0&{filters}")
    assert data["filtered_table_rows_count"] == rows


def test_facet_and_search_together(datasette):
    # `dinh quan` is Định Quán (#19): before, 4 Cần Thơ articles with định and quân apart came too,
    # and a Định Quán article naming neither together
    data = get_json(datasette + "/archive/news.json?_size=0&_facet=portal_id&_search=" + quote("dinh quan"))
    assert {r["value"]: r["count"] for r in data["facet_results"]["portal_id"]["results"]} == {"demo.dinh-quan": 6}


@pytest.mark.parametrize(("query", "params", "rows"), [
    ("search", "q=" + quote("Định Quán"), 6),  # together (#19)
    ("search_ranked", "q=" + quote("Định Quán"), 11),  # together first, then the 5 with định and quán apart
    ("latest_per_portal", "", 2),
    ("changed_this_week", "", 0),
    ("syndication_clusters", "", 0),
    ("quiet_portals", "days=", 2),
    ("quiet_portals", "days=100000", 0),
])
def test_canned_queries_answer(datasette, query, params, rows):
    assert len(get_json(datasette + f"/archive/{query}.json?_shape=objects&{params}")["rows"]) == rows


def test_latest_per_portal_names_the_newest_article(datasette):
    rows = get_json(datasette + "/archive/latest_per_portal.json?_shape=objects")["rows"]
    assert {r["portal_id"]: r["latest_published_at"][:10] for r in rows} == {
        "demo.dinh-quan": "2025-06-27", "demo.vinh-thanh": "2025-06-24"}


def dashboard_queries(datasette: str, slug: str, options: dict) -> dict[str, list]:
    """Run every chart query of a dashboard as the dashboard's page does; return the rows per chart."""
    from datasette_dashboards import replace_opts_in_query

    from scraper.datasette.queries import dashboards

    results = {}
    for name, chart in dashboards("archive")[slug]["charts"].items():
        sql = replace_opts_in_query(chart["query"], options)
        results[name] = get_json(datasette + "/archive.json?" + urlencode({"sql": sql, "_shape": "objects", **options}))["rows"]
    return results


def test_coverage_grid_has_a_cell_for_every_portal_and_month(datasette):
    grid = dashboard_queries(datasette, "overview", {})["coverage"]
    cells = {row["series"]: dict(cell.split(":") for cell in row["cells"].split(",")) for row in grid}
    assert (len(cells["demo.dinh-quan"]), cells["demo.dinh-quan"]["2023-06"], cells["demo.dinh-quan"]["2023-05"]) == (
        28, "0", "1")


def test_portal_page_summary(datasette):
    summary = dashboard_queries(datasette, "portal", {"portal": "demo.dinh-quan"})["summary"][0]
    assert {k: summary[k] for k in ("articles", "first_article", "last_article", "with_date", "with_author")} == {
        "articles": 16, "first_article": "2023-05-11T07:30:00+07:00", "last_article": "2025-06-27T14:30:00+07:00",
        "with_date": "100.0 %", "with_author": "100.0 %"}


def test_portal_page_lists_months_without_articles(datasette):
    gaps = dashboard_queries(datasette, "portal", {"portal": "demo.dinh-quan"})["gaps"]
    assert [row["month_without_articles"] for row in gaps][:3] == ["2023-06", "2024-01", "2024-02"]


@pytest.mark.parametrize("slug", ["overview", "portal"])
def test_dashboards_are_served(datasette, slug):
    with urllib.request.urlopen(datasette + f"/-/dashboards/{slug}", timeout=10) as response:
        assert response.status == 200


def test_raw_html_is_blank_even_to_sql(datasette):
    rows = get_json(datasette + "/archive.json?_shape=array&sql=" + quote("SELECT html_gz, headers FROM raw_pages"))
    assert (len(rows), {(r["html_gz"], r["headers"]) for r in rows}) == (34, {(None, None)})


def test_a_query_that_builds_a_huge_value_fails_at_once(datasette):
    sql = "WITH RECURSIVE r(i, s) AS (SELECT 1, 'x' UNION ALL SELECT i + 1, s || s FROM r WHERE i < 40) SELECT max(length(s)) FROM r"
    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(datasette + "/archive.json?sql=" + quote(sql), timeout=10)
    assert "string or blob too big" in error.value.read().decode()


def test_a_full_csv_streams_with_vietnamese_intact(datasette):
    with urllib.request.urlopen(datasette + "/archive/news.csv?_stream=on&_size=max", timeout=30) as response:
        text = response.read().decode("utf-8")
    assert (text.count("\r\n") > 34, "Lễ hội văn hóa các dân tộc thiểu số huyện Định Quán lần thứ V" in text) == (True, True)


def datasette_peak_rss_mb(base: str) -> float:
    """Return the peak RSS (VmHWM) of the Datasette process serving base, in MB."""
    port = base.rsplit(":", 1)[1]
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            args = cmdline.read_bytes().split(b"\0")
        except OSError:
            continue
        if b"datasette" in b" ".join(args) and port.encode() in args:
            status = (cmdline.parent / "status").read_text()
            return int(status.split("VmHWM:")[1].split()[0]) / 1024
    raise AssertionError(f"no Datasette process on port {port}")


def test_a_query_that_would_take_gigabytes_fails_and_the_server_goes_on(datasette):
    # 1,000 rows of 15 MB: without the cap, Datasette held 18 GB for 40 of them
    sql = ("WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r WHERE i < 1000) "
           "SELECT zeroblob(15000000) AS b FROM r")
    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(datasette + "/archive.json?sql=" + quote(sql), timeout=60)
    message = json.loads(error.value.read())["error"]
    assert (error.value.code, message.startswith("result over 64 MB"), datasette_peak_rss_mb(datasette) < 400,
            get_json(datasette + "/archive/news.json?_size=0")["filtered_table_rows_count"]) == (400, True, True, 34)


def stream(datasette: str, path: str) -> list[dict]:
    """Read a /-/stream JSON Lines export."""
    with urllib.request.urlopen(datasette + path, timeout=60) as response:
        return [json.loads(line) for line in response.read().decode("utf-8").splitlines()]


def test_json_lines_stream_of_the_whole_view_follows_every_page(datasette):
    rows = stream(datasette, "/-/stream/archive/news.jsonl?_size=5")
    assert (len(rows), len({r["id"] for r in rows})) == (34, 34)


def test_json_lines_stream_keeps_the_filters_and_vietnamese(datasette):
    rows = stream(datasette, "/-/stream/archive/news.jsonl?province=" + quote("Đồng Nai") + "&_search=" + quote("dinh quan"))
    assert (len(rows), {r["province"] for r in rows}, "Lễ hội văn hóa các dân tộc thiểu số huyện Định Quán lần thứ V" in {
        r["title"] for r in rows}) == (6, {"Đồng Nai"}, True)


def test_json_lines_stream_rows_carry_provenance(datasette):
    row = stream(datasette, "/-/stream/archive/news.jsonl?_size=1&portal_id=demo.dinh-quan")[0]
    assert [c for c in ("portal_id", "url", "canonical_url", "source", "capture_url", "captured_at", "first_seen_at") if c not in row] == []


def test_json_lines_stream_of_a_missing_table_is_a_404(datasette):
    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(datasette + "/-/stream/archive/nothing.jsonl", timeout=10)
    assert error.value.code == 404


def test_csv_stream_of_a_filtered_view_opens_with_vietnamese_intact(datasette):
    import csv
    import io

    with urllib.request.urlopen(datasette + "/-/stream/archive/news.csv?_size=4&province=" + quote("Đồng Nai"), timeout=60) as response:
        rows = list(csv.DictReader(io.StringIO(response.read().decode("utf-8-sig"))))
    assert (len(rows), len({r["id"] for r in rows}), "Lễ hội văn hóa các dân tộc thiểu số huyện Định Quán lần thứ V" in {
        r["title"] for r in rows}) == (16, 16, True)


def test_view_stream_is_newest_first(datasette):
    keys = [row["search_key"] for row in stream(datasette, "/-/stream/archive/news.jsonl?_size=3")]
    assert keys == sorted(keys, reverse=True)


def test_news_page_lists_newest_first_with_and_without_a_search(datasette):
    newest = get_json(datasette + "/archive/news.json?_shape=objects&_size=3")["rows"]
    searched = get_json(datasette + "/archive/news.json?_shape=objects&_size=3&_search=huyen")["rows"]
    dates = [row["published_at"] for row in newest + searched]
    assert dates == [*sorted(dates[:3], reverse=True), *sorted(dates[3:], reverse=True)]


def test_news_page_starts_with_the_newest_article(datasette):
    newest = get_json(datasette + "/archive/news.json?_shape=objects&_size=1")["rows"][0]["published_at"]
    latest = get_json(datasette + "/archive.json?sql=" + quote("SELECT max(published_at) AS m FROM articles") + "&_shape=objects")
    assert newest == latest["rows"][0]["m"]


# --- every CSV a user can click: whole, with the BOM, as a download, in the page's order (#19) ----

def clicked_csv(datasette: str, path: str) -> tuple[dict, bytes]:
    """Open a CSV link as a browser does (redirects followed); return (headers by lower-case name, body)."""
    with urllib.request.urlopen(datasette + path, timeout=60) as response:
        return {k.lower(): v for k, v in response.headers.items()}, response.read()


def csv_rows(body: bytes) -> list[dict]:
    import csv
    import io
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


def test_a_news_page_csv_is_the_whole_stream_with_the_bom(datasette):
    headers, body = clicked_csv(datasette, "/archive/news.csv?_size=5&province=" + quote("Đồng Nai"))
    assert (body[:3], headers["content-type"], headers["content-disposition"], len(csv_rows(body))) == (
        b"\xef\xbb\xbf", "text/csv; charset=utf-8", 'attachment; filename="news.csv"', 16)


def test_a_clicked_csv_carries_one_byte_order_mark(datasette):
    _, body = clicked_csv(datasette, "/archive/news.csv?_size=5")
    assert (body[:3], body[3:5]) == (b"\xef\xbb\xbf", b"id")


def test_a_news_page_csv_keeps_the_page_s_sort(datasette):
    _, body = clicked_csv(datasette, "/archive/news.csv?_sort=published_at&province=" + quote("Đồng Nai"))
    dates = [row["published_at"] for row in csv_rows(body)]
    assert (len(dates), dates == sorted(dates)) == (16, True)


def test_a_news_page_csv_keeps_the_search(datasette):
    _, body = clicked_csv(datasette, "/archive/news.csv?_search=" + quote("Định Quán"))
    assert {row["portal_id"] for row in csv_rows(body)} == {"demo.dinh-quan"} and len(csv_rows(body)) == 6


def test_a_canned_query_csv_has_the_bom_and_downloads(datasette):
    headers, body = clicked_csv(datasette, "/archive/search.csv?q=" + quote("Định Quán"))
    assert (body[:3], headers["content-disposition"], len(csv_rows(body))) == (
        b"\xef\xbb\xbf", 'attachment; filename="search.csv"', 6)


def test_the_vietnamese_of_a_clicked_csv_is_intact(datasette):
    _, body = clicked_csv(datasette, "/archive/news.csv?_search=" + quote("Định Quán"))
    assert any("Định Quán" in row["title"] for row in csv_rows(body))
