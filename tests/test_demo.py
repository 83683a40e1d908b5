"""`govnews demo`: replicas -> crawl -> archive.db -> Datasette, as the README's first command runs it."""

from __future__ import annotations

import json
import subprocess
import time
import urllib.request

import pytest

from scraper.demo.sites import demo_sites
from tests.conftest import GOVNEWS, free_port, rows, run_govnews

EXPECTED = sum(len(site.articles) for site in demo_sites())


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory):
    """Run `govnews demo` in an empty folder until Datasette answers; return what it served."""
    folder = tmp_path_factory.mktemp("demo")
    port = free_port()
    process = subprocess.Popen([*GOVNEWS, "demo", "--port", str(port)], cwd=folder,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    url = f"http://127.0.0.1:{port}/archive/articles.json?_size=0"
    deadline = time.monotonic() + 180
    served = None
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                served = json.load(response)
            break
        except OSError:
            time.sleep(0.5)
    process.terminate()
    output, _ = process.communicate(timeout=20)
    return {"folder": folder, "served": served, "output": output}


def test_demo_prints_the_datasette_url(demo_run):
    assert "Datasette: http://127.0.0.1:" in demo_run["output"]


def test_demo_datasette_answers_with_every_replica_article(demo_run):
    assert demo_run["served"]["filtered_table_rows_count"] == EXPECTED


def test_demo_archive_is_archive_db_in_the_working_folder(demo_run):
    assert rows(demo_run["folder"] / "archive.db", "SELECT count(*) AS n FROM articles")[0]["n"] == EXPECTED


def test_second_demo_adds_no_rows(demo_run):
    result = run_govnews("demo", "--no-serve", cwd=demo_run["folder"])
    count = rows(demo_run["folder"] / "archive.db", "SELECT count(*) AS n FROM articles")[0]["n"]
    portal_lines = [line for line in result.stdout.splitlines() if line.startswith("demo.")]
    assert (result.returncode, count, sum(" 0 new," in line for line in portal_lines)) == (0, EXPECTED, 2)


def test_a_demo_prints_a_short_summary_and_logs_to_a_file(demo_run):
    result = run_govnews("demo", "--no-serve", cwd=demo_run["folder"])
    log = (demo_run["folder"] / "logs" / "demo.log").read_text(encoding="utf-8")
    shown = (len(result.stdout.splitlines()), result.stderr, "Spider opened" in log, "internal meta keys" in log)
    assert shown == (6, "", True, False), f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
