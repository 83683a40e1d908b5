"""Bad input: unknown portal, malformed registry, unreachable portal, non-HTML and oversized pages."""

from __future__ import annotations

import pytest

from scraper.demo.server import ReplicaServer
from scraper.demo.sites import demo_sites
from tests.conftest import crawl, free_port, rows, run_govnews

UNREACHABLE = """
[[portal]]
id = "test.unreachable"
name = "Cổng đã tắt"
province = "Cần Thơ"
unit = "Huyện Không"
level = "district"
base_url = "http://127.0.0.19:{port}/"
family = "nukeviet"
"""


@pytest.fixture(scope="module")
def faulty_crawl(faulty_site, tmp_path_factory):
    """Crawl a portal with broken pages, a healthy portal and an unreachable one, in one run."""
    folder = tmp_path_factory.mktemp("faults")
    healthy = demo_sites()[1]
    with ReplicaServer([faulty_site, healthy]) as server:
        registry = folder / "portals.toml"
        registry.write_text(server.registry_toml() + UNREACHABLE.format(port=free_port()), encoding="utf-8")
        result = crawl(registry, folder / "archive.db", ARCHIVE_MAX_PAGE_BYTES=1_000_000)
    return {"result": result, "db": folder / "archive.db", "faulty": faulty_site, "healthy": healthy}


def run_status(faulty_crawl, portal_id: str) -> str:
    """Return the crawl_runs status of a portal."""
    return rows(faulty_crawl["db"], "SELECT status FROM crawl_runs WHERE portal_id = ?", [portal_id])[0]["status"]


def log_lines(faulty_crawl, needle: str) -> list[str]:
    """Return the crawl's log lines that contain needle."""
    return [line for line in faulty_crawl["result"].stderr.splitlines() if needle in line]


def test_exit_status_is_non_zero_when_a_portal_failed(faulty_crawl):
    assert faulty_crawl["result"].returncode == 1


def test_unreachable_portal_run_is_failed(faulty_crawl):
    assert run_status(faulty_crawl, "test.unreachable") == "failed"


def test_unreachable_portal_is_named_in_the_summary(faulty_crawl):
    assert "failed: test.unreachable" in faulty_crawl["result"].stderr


def test_healthy_portal_still_completes(faulty_crawl):
    stored = rows(faulty_crawl["db"], "SELECT count(*) AS n FROM articles WHERE portal_id = 'demo.dinh-quan'")
    assert (run_status(faulty_crawl, "demo.dinh-quan"), stored[0]["n"]) == ("ok", len(faulty_crawl["healthy"].articles))


def test_faulty_portal_stores_every_good_article(faulty_crawl):
    urls = {r["url"] for r in rows(faulty_crawl["db"], "SELECT url FROM articles WHERE portal_id = 'test.faulty'")}
    assert urls == {e["url"] for e in faulty_crawl["faulty"].expected()}


def test_non_html_response_is_a_logged_skip_with_the_content_type(faulty_crawl):
    lines = [line for line in log_lines(faulty_crawl, "test.faulty: skipped") if "content type" in line]
    assert len(lines) == 1 and lines[0].endswith("content type application/pdf")


def test_page_too_large_to_extract_is_a_logged_skip(faulty_crawl):
    lines = log_lines(faulty_crawl, "page too large to extract (60")
    assert len(lines) == 1 and "test.faulty: skipped" in lines[0]


def test_oversized_page_is_logged_with_its_size(faulty_crawl):
    lines = log_lines(faulty_crawl, "larger than download max size (1000000)")
    assert len([line for line in lines if "test.faulty: failed" in line]) == 1


def test_server_error_is_logged(faulty_crawl):
    lines = [line for line in log_lines(faulty_crawl, "test.faulty: failed") if line.endswith("HTTP 500")]
    assert len(lines) == 1


def test_errors_are_counted_in_crawl_runs(faulty_crawl):
    run = rows(faulty_crawl["db"], "SELECT errors, skipped, error_summary FROM crawl_runs WHERE portal_id = 'test.faulty'")[0]
    assert (run["errors"], run["skipped"], run["error_summary"]) == (2, 2, "DownloadCancelledError: 1, http_500: 1")


def test_unknown_portal_id_is_a_one_line_error(tmp_path):
    result = run_govnews("crawl", "--portal", "can-tho.vinhthanh", "--db", str(tmp_path / "a.db"), cwd=tmp_path)
    assert (result.returncode, result.stderr.strip()) == (
        1, "Error: unknown portal 'can-tho.vinhthanh'; did you mean 'can-tho.vinh-thanh'?")


def test_malformed_registry_row_is_a_one_line_error(tmp_path):
    registry = tmp_path / "portals.toml"
    registry.write_text(UNREACHABLE.format(port=1).replace('level = "district"\n', ""), encoding="utf-8")
    result = run_govnews("crawl", "--all", "--registry", str(registry), "--db", str(tmp_path / "a.db"), cwd=tmp_path)
    assert (result.returncode, result.stderr.strip()) == (
        1, f"Error: {registry}: portal #1 (test.unreachable): field 'level' is missing")


def test_crawl_without_portals_is_a_usage_error(tmp_path):
    result = run_govnews("crawl", "--db", str(tmp_path / "a.db"), cwd=tmp_path)
    assert (result.returncode, result.stderr.strip().splitlines()[-1]) == (
        2, "Error: name portals with --portal ID, or use --all")
