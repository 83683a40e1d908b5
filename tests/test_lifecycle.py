"""Portal lifecycle: `govnews portals check` tells active, frozen, redirected (with the target) and offline (#6)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from scraper.demo.server import ReplicaServer
from scraper.demo.sites import NukeVietSite, Reply, ReplicaSite, load_articles
from scraper.vietnamese import VIETNAM_TZ
from tests.conftest import crawl, free_port, rows, run_govnews


class MovedSite(ReplicaSite):
    """A dissolved district's portal that now redirects every page to its successor's."""

    family = "nukeviet"

    def __init__(self, portal_id: str, target: str):
        super().__init__(portal_id, "Huyện đã sáp nhập (bản sao)", "Đồng Nai", "Huyện cũ", [])
        self.target = target

    def handle(self, method: str, path: str, query: dict) -> Reply:
        return Reply(301, b"", headers=(("Location", self.target),))


@pytest.fixture(scope="module")
def checked(tmp_path_factory):
    """Crawl an active and a frozen portal, then check four portals twice."""
    folder = tmp_path_factory.mktemp("lifecycle")
    db = folder / "archive.db"
    articles = load_articles("articles_nukeviet")
    fresh = [replace(articles[0], published=datetime.now(VIETNAM_TZ) - timedelta(hours=2)), *articles[1:]]
    active = NukeVietSite("test.active", "Xã mới (bản sao)", "Đồng Nai", "Xã mới", fresh)
    frozen = NukeVietSite("test.frozen", "Huyện cũ (bản sao)", "Đồng Nai", "Huyện cũ", articles)
    moved = MovedSite("test.moved", "")
    with ReplicaServer([active, frozen, moved]) as server:
        moved.target = active.base_url + "/"
        registry = folder / "portals.toml"
        registry.write_text(server.registry_toml() + f"""
[[portal]]
id = "test.offline"
name = "Huyện đã tắt (bản sao)"
province = "Đồng Nai"
unit = "Huyện tắt"
level = "district"
base_url = "http://127.0.0.1:{free_port()}/"
family = "nukeviet"
status = "active"
""", encoding="utf-8")
        crawled = crawl(registry, db, "test.active", "test.frozen")
        first = run_govnews("portals", "check", "--all", "--registry", str(registry), "--db", str(db), cwd=folder)
        second = run_govnews("portals", "check", "--all", "--registry", str(registry), "--db", str(db), cwd=folder)
    return {"db": db, "crawled": crawled, "first": first, "second": second, "active": active}


def status_of(checked, portal_id: str) -> str:
    return rows(checked["db"], "SELECT checked_status FROM portals WHERE id = ?", [portal_id])[0]["checked_status"]


def test_checks_exit_zero(checked):
    assert [checked["crawled"].returncode, checked["first"].returncode, checked["second"].returncode] == [0, 0, 0], \
        checked["first"].stderr[-2000:]


@pytest.mark.parametrize("portal_id, status", [("test.active", "active"), ("test.frozen", "frozen"),
                                               ("test.moved", "redirected"), ("test.offline", "offline")])
def test_each_portal_gets_its_status(checked, portal_id, status):
    assert status_of(checked, portal_id) == status


def test_a_redirected_portal_records_its_target(checked):
    target = rows(checked["db"], "SELECT redirect_target FROM portals WHERE id = 'test.moved'")[0]["redirect_target"]
    assert target == checked["active"].base_url + "/"


def test_history_has_one_row_per_status_change(checked):
    history = rows(checked["db"], "SELECT portal_id, status FROM portal_status_history ORDER BY portal_id")
    assert [(r["portal_id"], r["status"]) for r in history] == [
        ("test.active", "active"), ("test.frozen", "frozen"), ("test.moved", "redirected"), ("test.offline", "offline")]


def test_the_second_check_says_nothing_changed(checked):
    assert checked["second"].stdout.count("[unchanged]") == 4


def test_a_frozen_portal_says_since_when_it_published_nothing(checked):
    detail = rows(checked["db"], "SELECT detail FROM portal_status_history WHERE portal_id = 'test.frozen'")[0]["detail"]
    assert detail.startswith("newest article 20") and detail.endswith("days ago")
