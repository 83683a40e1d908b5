"""Family detection from a home page: `detect_family` and `govnews portals detect`."""

from __future__ import annotations

import pytest

from scraper.demo.server import ReplicaServer
from scraper.demo.sites import family_sites
from scraper.detect import detect_family
from tests.conftest import run_govnews


@pytest.fixture(scope="module")
def family_replicas():
    """One replica per family, served for this module."""
    with ReplicaServer(family_sites()) as server:
        yield server


@pytest.mark.parametrize("family", [s.family for s in family_sites()])
def test_cli_names_every_replicas_family(family_replicas, family, tmp_path):
    site = next(s for s in family_replicas.sites if s.family == family)
    result = run_govnews("portals", "detect", site.base_url + "/", cwd=tmp_path)
    assert (result.returncode, result.stdout.split("\t")[0]) == (0, family)


def test_cli_shows_the_evidence(replicas, tmp_path):
    nukeviet = next(s for s in replicas.sites if s.family == "nukeviet")
    result = run_govnews("portals", "detect", nukeviet.base_url + "/", cwd=tmp_path)
    assert "  - generator meta NukeViet" in result.stdout.splitlines()


def test_cli_unreachable_url_is_a_one_line_error(tmp_path):
    from tests.conftest import free_port

    result = run_govnews("portals", "detect", f"http://127.0.0.19:{free_port()}/", cwd=tmp_path)
    assert (result.returncode, result.stderr.startswith("Error: http://127.0.0.19:"), len(result.stderr.splitlines())) == (1, True, 1)


@pytest.mark.parametrize(
    ("html", "family"),
    [
        ('<meta name="generator" content="WordPress 6.5"><link href="/wp-content/themes/x.css">', "wordpress"),
        ('<a href="/portal/Pages/2023-3-21/Ban-Chi-dao-35-huyenabc12.aspx">x</a><meta name="GENERATOR" content="Microsoft SharePoint">', "sharepoint_dated"),
        ('<script src="/DesktopModule/UIArticleInMenu/js/a.js"></script><div class="UIArticleInMenu_Default">', "vnpt"),
        ('<a href="/wps/portal/!ut/p/z1/04_Sj9/">Trang chủ</a>', "websphere"),
        ('<script>Liferay.ThemeDisplay.getLayoutId()</script><section class="portlet-boundary">', "liferay"),
        ("<html><body><h1>Trang chủ</h1></body></html>", "generic"),
        ('<a href="/_layouts/Authenticate.aspx">Đăng nhập</a>', "generic"),
    ],
    ids=["wordpress", "sharepoint-dated", "vnpt", "websphere", "liferay", "nothing", "too-little"],
)
def test_detect_family(html, family):
    assert detect_family(html).family == family


def test_auto_portal_is_crawled_by_its_detected_familys_spider(archive):
    line = next(line for line in archive["first"].stderr.splitlines() if "demo.dinh-quan: family" in line)
    assert "demo.dinh-quan: family sharepoint (score 8:" in line
