"""A portal cannot run script in a researcher's browser (#16).

A replica portal's titles, authors, captions, summaries, paragraphs and its own name carry
script payloads, escaped on the portal as a real page would show them as text. It is crawled,
and every page of the Datasette site that shows crawled text is opened in Debian's Chromium,
on the working archive (mutable) as `govnews serve` gives it. The payloads report through
console.log when they run; no page may log it, and no payload may exist as an element.
"""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import quote

import pytest
from playwright.sync_api import sync_playwright

from scraper.demo.server import ReplicaServer
from scraper.demo.sites import NukeVietSite, load_articles
from tests.conftest import CHROMIUM, CHROMIUM_FLAGS, crawl, get_json, rows, served

MARK = "xss-ran"
PAYLOADS = (
    f'<img src=x onerror="console.log(\'{MARK}\')">',
    f"<script>console.log('{MARK}')</script>",
    f'<svg onload="console.log(\'{MARK}\')"></svg>',
    f'"><iframe srcdoc="<script>parent.console.log(\'{MARK}\')</script>"></iframe>',
)
PORTAL_ID = "test.payloads"
# The elements a payload would make if some page put it in as markup.
PAYLOAD_ELEMENTS = "img[src='x'], svg[onload], iframe[srcdoc], [onerror]"


def payload_site() -> NukeVietSite:
    """A replica whose crawled text carries each payload in each field a page may show."""
    articles = []
    for n, article in enumerate(load_articles("articles_nukeviet")[:4]):
        payload = PAYLOADS[n % len(PAYLOADS)]
        articles.append(replace(
            article,
            title=f"{article.title} {payload}",
            author=f"{payload} {article.author}",
            caption=f"{article.caption} {payload}",
            summary=f"{article.summary} {payload}",
            paragraphs=(article.paragraphs[0] + " " + payload, *article.paragraphs[1:]),
        ))
    return NukeVietSite(PORTAL_ID, f"Cổng {PAYLOADS[0]} (bản sao)", "Cần Thơ", f"Huyện {PAYLOADS[1]}", articles)


@pytest.fixture(scope="module")
def payload_archive(tmp_path_factory):
    """The payload portal crawled into an archive."""
    folder = tmp_path_factory.mktemp("payloads")
    db = folder / "archive.db"
    with ReplicaServer([payload_site()]) as server:
        registry = server.write_registry(folder / "portals.toml")
        done = crawl(registry, db)
    assert done.returncode == 0, done.stderr[-2000:]
    return db


def site_pages(base: str, db) -> list[str]:
    """Return every page of the Datasette site that shows crawled text: indexes, each table and view,
    each article's row page, the canned queries, a search and the dashboards."""
    database = get_json(base + "/archive.json")
    pages = ["/", "/archive", "/-/dashboards", "/-/dashboards/overview",
             f"/-/dashboards/portal?portal={PORTAL_ID}", f"/archive/news?_search={quote('ubnd')}",
             f"/archive/portals/{quote(PORTAL_ID)}"]
    pages += [f"/archive/{quote(table['name'])}" for table in database["tables"] if not table.get("hidden")]
    pages += [f"/archive/{quote(view['name'])}" for view in database["views"]]
    pages += [f"/archive/{quote(query['name'])}" for query in database["queries"]]
    pages += [f"/archive/articles/{row['id']}" for row in rows(db, "SELECT id FROM articles")]
    pages += [f"/archive/news?_facet=author&_facet=title&portal_id={quote(PORTAL_ID)}"]
    return pages


@pytest.fixture(scope="module")
def visits(payload_archive):
    """Open every page; return, per page, the console lines that say a payload ran and the payload elements found."""
    seen = {}
    with served(payload_archive) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        context = browser.new_context()
        page = context.new_page()
        ran: list[str] = []
        page.on("console", lambda message: ran.append(message.text) if MARK in message.text else None)
        for path in site_pages(base, payload_archive):
            ran.clear()
            page.goto(base + path, wait_until="networkidle")
            if path.startswith("/-/dashboards/portal"):  # its tables are drawn by script after the page loads
                page.wait_for_selector("#chart-latest table td", timeout=30_000)
            seen[path] = {"ran": list(ran), "elements": page.locator(PAYLOAD_ELEMENTS).count(),
                          "latest": page.locator("#chart-latest table").inner_text() if "portal" in path and
                          path.startswith("/-/dashboards") else ""}
        browser.close()
    return seen


def test_the_crawl_stored_the_payloads_as_text(payload_archive):
    titles = [r["title"] for r in rows(payload_archive, "SELECT title FROM articles ORDER BY id")]
    assert [any(p in t for p in PAYLOADS) for t in titles] == [True] * 4


def test_every_page_was_opened(visits):
    assert len(visits) >= 20, sorted(visits)


def test_the_portal_dashboard_shows_the_payload_as_text(visits):
    assert PAYLOADS[0] in visits[f"/-/dashboards/portal?portal={PORTAL_ID}"]["latest"]


def test_no_payload_runs_on_any_page(visits):
    assert {path: v["ran"] for path, v in visits.items() if v["ran"]} == {}


def test_no_payload_element_exists_on_any_page(visits):
    assert {path: v["elements"] for path, v in visits.items() if v["elements"]} == {}


def test_html_pages_carry_a_policy_without_inline_script(payload_archive):
    import urllib.request
    with served(payload_archive) as base:
        with urllib.request.urlopen(base + f"/-/dashboards/portal?portal={PORTAL_ID}") as response:
            policy = response.headers["Content-Security-Policy"]
    script_src = next(part.strip() for part in policy.split(";") if part.strip().startswith("script-src"))
    assert ("'unsafe-inline'" in script_src, "'sha256-" in script_src) == (False, True)
