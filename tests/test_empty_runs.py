"""A crawl that archives nothing is never "ok": an empty portal fails its run, `crawl` exits 1,
`report --fail-on-alert` exits 1; a run whose articles lost their dates is flagged; a healthy
portal beside them is not."""

from __future__ import annotations

import re

import pytest

from scraper.demo.server import ReplicaServer
from scraper.demo.sites import NukeVietSite, ReplicaSite, Reply, esc, load_articles, not_found
from tests.conftest import crawl, report, rows

UPGRADING, UNDATED, HEALTHY = "test.dang-nang-cap", "test.khong-ngay", "test.lanh-manh"


class UpgradingSite(ReplicaSite):
    """A portal "being upgraded": a home page and two short pages, no news at all."""

    PAGES = {"/": "Trang thông tin điện tử đang được nâng cấp. Xin quý vị vui lòng quay lại sau.",
             "/gioi-thieu": "Giới thiệu chung về xã.", "/lien-he": "Điện thoại: 0292.3640.123"}

    def handle(self, method: str, path: str, query: dict[str, list[str]]) -> Reply:
        if path not in self.PAGES:
            return not_found()
        menu = '<ul class="menu"><li><a href="/">Trang chủ</a></li><li><a href="/gioi-thieu">Giới thiệu</a></li><li><a href="/lien-he">Liên hệ</a></li></ul>'
        return Reply(200, f"""<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>{esc(self.name)}</title></head>
<body><div class="top">{self.today_line()}</div>{menu}<div class="main"><p>{esc(self.PAGES[path])}</p></div></body></html>""".encode())

    def article_url(self, article) -> str:
        return ""


class UndatedNukeVietSite(NukeVietSite):
    """A NukeViet portal whose theme prints no date on its article pages (and no OG time)."""

    def detail_body(self, a) -> str:
        return re.sub(r'<span class="h5">[^<]*</span>', "", super().detail_body(a), count=1)

    def page(self, title, main, article=None):
        reply = super().page(title, main, article)
        return Reply(reply.status, re.sub(rb'<meta property="article:published_time"[^>]*>', b"", reply.body))



@pytest.fixture(scope="module")
def outcome(tmp_path_factory):
    folder = tmp_path_factory.mktemp("empty")
    articles = load_articles("articles_nukeviet")
    sites = [UpgradingSite(UPGRADING, "UBND xã Đang Nâng Cấp", "Cần Thơ", "Xã Thạnh Lộc", []),
             UndatedNukeVietSite(UNDATED, "Huyện ủy Không Ngày", "Cần Thơ", "Huyện Cờ Đỏ", articles),
             NukeVietSite(HEALTHY, "Huyện ủy Lành Mạnh", "Cần Thơ", "Huyện Thới Lai", articles)]
    with ReplicaServer(sites) as server:
        registry = folder / "portals.toml"
        registry.write_text(server.registry_toml(auto=True), encoding="utf-8")
        db = folder / "archive.db"
        result = crawl(registry, db)
    code, health = report(db)
    fail_code, _ = report(db, "--fail-on-alert")
    runs = {row["portal_id"]: dict(row) for row in rows(db, "SELECT * FROM crawl_runs WHERE spider NOT IN ('detect')")}
    return {"crawl": result, "report_code": code, "health": health, "fail_code": fail_code, "runs": runs, "crawl_db": db}


def test_the_crawl_exits_1(outcome):
    assert outcome["crawl"].returncode == 1, outcome["crawl"].stdout + outcome["crawl"].stderr[-3000:]


def test_the_crawl_names_the_empty_portal_as_failed(outcome):
    assert f"failed: {UPGRADING}" in outcome["crawl"].stderr


def test_the_empty_portals_run_is_failed(outcome):
    assert outcome["runs"][UPGRADING]["status"] == "failed"


def test_the_empty_portals_run_gives_its_reason(outcome):
    assert outcome["runs"][UPGRADING]["error_summary"] == "no_articles_ever: 3"


def test_the_report_flags_the_empty_portal(outcome):
    assert outcome["health"][UPGRADING]["alert"] == "empty: no article found (no_articles_ever: 3; nothing archived yet)"


def test_fail_on_alert_exits_1(outcome):
    assert (outcome["report_code"], outcome["fail_code"]) == (0, 1)


def test_the_undated_portals_run_is_ok(outcome):
    assert (outcome["runs"][UNDATED]["status"], outcome["runs"][UNDATED]["articles_new"]) == ("ok", 18)


def test_the_report_flags_the_undated_portal(outcome):
    assert outcome["health"][UNDATED]["alert"] == "dates missing: 100 % of the last run's articles have no date"


def test_the_healthy_portal_is_not_flagged(outcome):
    assert (outcome["runs"][HEALTHY]["status"], outcome["health"][HEALTHY]["alert"]) == ("ok", "")


def test_a_jump_in_articles_without_author_is_flagged(outcome, tmp_path):
    import shutil
    import sqlite3

    db = tmp_path / "archive.db"
    shutil.copy(outcome["crawl_db"], db)
    conn = sqlite3.connect(db)
    with conn:  # the healthy portal's next run: 10 new articles, 8 of them without a byline
        conn.execute("""INSERT INTO crawl_runs (run_id, portal_id, spider, started_at, finished_at, status, finish_reason,
            pages_fetched, articles_new, articles_unchanged, articles_changed, articles_found, errors, error_summary,
            articles_without_date, articles_without_author)
            VALUES ('r2', ?, 'nukeviet', strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now'), strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now'),
            'ok', 'finished', 12, 10, 0, 0, 28, 0, '', 0, 8)""", [HEALTHY])
    conn.close()
    _, health = report(db)
    assert health[HEALTHY]["alert"] == "bylines missing: 80 % of the last run's articles have no author (0 % before)"
