"""Shared fixtures: replica portals on loopback, and real crawls of them through the govnews CLI."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sqlite3
import subprocess
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from scraper.demo.fleet import GOVNEWS, ROOT, free_port, loopback_flags  # noqa: F401 (shared with the tests)
from scraper.demo.server import ReplicaServer
from scraper.demo.sites import FaultyNukeVietSite, demo_sites, load_articles



@dataclass
class CrawlResult:
    """What one `govnews crawl` printed and returned."""

    returncode: int
    stdout: str
    stderr: str


def run_govnews(*args: str, cwd: Path, timeout: int = 240) -> CrawlResult:
    """Run the govnews CLI in a subprocess, as cron or a researcher would."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([*GOVNEWS, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    return CrawlResult(done.returncode, done.stdout, done.stderr)


def crawl(registry: Path, db: Path, *portal_ids: str, **settings) -> CrawlResult:
    """Crawl replica portals into db through `govnews crawl`."""
    ids = [arg for pid in portal_ids for arg in ("--portal", pid)] or ["--all"]
    return run_govnews("crawl", *ids, "--registry", str(registry), "--db", str(db),
                       *loopback_flags(**settings), cwd=db.parent)


def rows(db: Path, sql: str, params=()) -> list[sqlite3.Row]:
    """Return the rows of a query on an archive file."""
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def article_count(db) -> int:
    """Return the number of stored articles, read as Datasette would while the crawl writes."""
    if not db.exists():
        return 0
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
    try:
        return conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    except sqlite3.OperationalError:  # the first run has not created the table yet
        return 0
    finally:
        conn.close()


@contextlib.contextmanager
def served(db: Path, *flags: str):
    """Run `govnews serve` on an archive file; yield its base URL; stop it afterwards."""
    port = free_port()
    process = subprocess.Popen([*GOVNEWS, "serve", "--db", str(db), "--port", str(port), *flags],
                               cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(base + "/-/versions.json", timeout=2)
            break
        except OSError:
            if process.poll() is not None:
                break
            time.sleep(0.3)
    else:
        process.kill()
    if process.poll() is not None:
        pytest.fail("Datasette did not start: " + process.stdout.read().decode(errors="replace"))
    try:
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


def get_json(url: str) -> dict:
    """GET a Datasette JSON URL."""
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.load(response)


@pytest.fixture(scope="session")
def replicas():
    """The demo's replica portals, served on loopback for the whole session."""
    with ReplicaServer(demo_sites()) as server:
        yield server


@pytest.fixture(scope="session")
def archive(replicas, tmp_path_factory):
    """An archive made by crawling the replicas twice: results of both runs and the request counts."""
    folder = tmp_path_factory.mktemp("archive")
    registry = replicas.write_registry(folder / "portals.toml")
    db = folder / "archive.db"
    before = {site.portal_id: len(site.requests) for site in replicas.sites}
    first = crawl(registry, db)
    after_first = {site.portal_id: len(site.requests) for site in replicas.sites}
    rows_after_first = rows(db, "SELECT count(*) AS n FROM articles")[0]["n"]
    second = crawl(registry, db)
    after_second = {site.portal_id: len(site.requests) for site in replicas.sites}
    return {
        "db": db,
        "registry": registry,
        "first": first,
        "second": second,
        "rows_after_first": rows_after_first,
        "requests_first": {k: after_first[k] - before[k] for k in before},
        "requests_second": {k: after_second[k] - after_first[k] for k in before},
    }


@pytest.fixture(scope="session")
def faulty_site():
    """A NukeViet replica whose articles 102-105 answer with a PDF, a 3 MB page, a 500 and 60,000 elements."""
    return FaultyNukeVietSite(
        "test.faulty", "Cổng bị lỗi (bản sao)", "Cần Thơ", "Huyện Thử", load_articles("articles_nukeviet"),
        faults={102: "pdf", 103: "huge", 104: "error", 105: "elements"},
    )


# --- the browser: Debian's chromium driven by Playwright (test_browser.py, test_article_page.py) ----

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Flags for a closed network and a root user (see the env notes): no sandbox, no background traffic.
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]
SCREENSHOTS = ROOT / "docs" / "screenshots"


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium package")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, request, tmp_path):
    """A fresh page; its screenshot goes to docs/screenshots/<test>.png with --update-screenshots."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True, locale="vi-VN")
    page = context.new_page()
    yield page
    if request.config.getoption("--update-screenshots"):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SCREENSHOTS / f"{request.node.name.removeprefix('test_')}.png")
    context.close()



def pytest_addoption(parser):
    """--update-golden rewrites the fixtures' expected JSON from the current output."""
    parser.addoption("--update-golden", action="store_true", help="rewrite fixture JSON from current output")
    parser.addoption("--update-screenshots", action="store_true", help="write the browser tests' screenshots to docs/screenshots/")


def report(db: Path, *flags: str) -> tuple[int, dict[str, dict]]:
    """Run `govnews report --format json`; return its exit status and its rows by portal."""
    result = run_govnews("report", "--db", str(db), "--format", "json", *flags, cwd=db.parent)
    return result.returncode, {row["portal_id"]: row for row in json.loads(result.stdout or "[]")}
