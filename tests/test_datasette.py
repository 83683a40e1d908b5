"""`govnews serve`: a real Datasette on the archive, with metadata, facets, search and hidden raw pages."""

from __future__ import annotations

import json
import subprocess
import time
import urllib.request
from urllib.parse import quote

import pytest

from tests.conftest import GOVNEWS, ROOT, free_port


@pytest.fixture(scope="module")
def datasette(archive):
    """Run `govnews serve` on the crawled archive and return its base URL."""
    port = free_port()
    process = subprocess.Popen([*GOVNEWS, "serve", "--db", str(archive["db"]), "--port", str(port)],
                               cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(base + "/-/versions.json", timeout=2)
            break
        except OSError:
            time.sleep(0.3)
    else:
        process.kill()
        pytest.fail("Datasette did not answer within 60 s: " + process.stdout.read().decode(errors="replace"))
    yield base
    process.terminate()
    process.wait(timeout=10)


def get_json(url: str) -> dict:
    """GET a Datasette JSON URL."""
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.load(response)


def test_datasette_answers_with_our_title(datasette):
    assert get_json(datasette + "/-/metadata.json")["title"].startswith("govnews: tin tức của chính quyền địa phương")


@pytest.mark.parametrize("table", ["articles", "news", "portals", "crawl_runs", "article_versions"])
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
