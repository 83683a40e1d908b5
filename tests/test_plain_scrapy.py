"""Plain Scrapy as a first-class way in (#20): `scrapy crawl FAMILY -a portal=ID` on the replicas, run as a Scrapy
user would, from a folder of their own with the project's settings module.

It registers the portal, writes the archive, feeds `-o` the articles without their raw bytes,
says what is missing in one line, fails a run whose articles could not be stored, and `scrapy
fetch` writes no archive.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from scraper.archive import Archive
from scraper.items import FEED_FIELDS
from scraper.settings import LOOPBACK_SETTINGS
from scraper.unattended import crawl_lock
from tests.conftest import ROOT, rows

SCRAPY = str(Path(sys.executable).parent / "scrapy")
PORTAL = "demo.vinh-thanh"  # the NukeViet replica


def scrapy(folder: Path, registry: Path, *args: str) -> subprocess.CompletedProcess:
    """Run the scrapy command in folder with the project's settings, the replicas' registry and an archive there."""
    settings = [arg for name, value in {**LOOPBACK_SETTINGS, "ARCHIVE_DB_PATH": str(folder / "archive.db"),
                                        "ARCHIVE_REGISTRY": str(registry)}.items() for arg in ("-s", f"{name}={value}")]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SCRAPY_SETTINGS_MODULE": "scraper.settings"}
    return subprocess.run([SCRAPY, *args, *settings], cwd=folder, env=env, capture_output=True, text=True, timeout=240)


def site(replicas, portal_id: str):
    return next(s for s in replicas.sites if s.portal_id == portal_id)


@pytest.fixture(scope="module")
def fed(replicas, tmp_path_factory):
    """A fresh folder crawled once with `-o items.jsonl`: (the run, the feed's rows, the folder)."""
    folder = tmp_path_factory.mktemp("plain-scrapy")
    registry = replicas.write_registry(folder / "portals.toml")
    done = scrapy(folder, registry, "crawl", "nukeviet", "-a", f"portal={PORTAL}", "-o", str(folder / "items.jsonl"))
    feed = [json.loads(line) for line in (folder / "items.jsonl").read_text(encoding="utf-8").splitlines()]
    return done, feed, folder


def test_a_plain_crawl_exits_0(fed):
    done, _, _ = fed
    assert done.returncode == 0, done.stderr[-2000:]


def test_a_plain_crawl_feeds_every_replica_article(fed, replicas):
    _, feed, _ = fed
    assert sorted(row["title"] for row in feed) == sorted(a.title for a in site(replicas, PORTAL).articles)


def test_a_plain_crawl_stores_every_replica_article(fed, replicas):
    _, _, folder = fed
    stored = [row["title"] for row in rows(folder / "archive.db", "SELECT title FROM articles WHERE portal_id = ?", [PORTAL])]
    assert sorted(stored) == sorted(a.title for a in site(replicas, PORTAL).articles)


def test_a_plain_crawl_registers_its_portal(fed, replicas):
    _, _, folder = fed
    assert [tuple(r) for r in rows(folder / "archive.db", "SELECT id, family FROM portals")] == [(PORTAL, "nukeviet")]


def test_a_plain_crawl_leaves_its_run_row(fed):
    _, _, folder = fed
    assert [tuple(r) for r in rows(folder / "archive.db", "SELECT portal_id, spider, status FROM crawl_runs")] == [
        (PORTAL, "nukeviet", "ok")]


def test_the_feed_carries_the_article_without_its_raw_bytes(fed):
    _, feed, _ = fed
    assert {tuple(sorted(row)) for row in feed} == {tuple(sorted(FEED_FIELDS))}


def test_a_crawl_without_a_portal_is_a_usage_error(replicas, tmp_path):
    done = scrapy(tmp_path, replicas.write_registry(tmp_path / "portals.toml"), "crawl", "nukeviet")
    assert (done.returncode, done.stderr.strip().splitlines()[-1], "Traceback" in done.stderr) == (
        2, "scrapy: error: scrapy crawl nukeviet needs -a portal=… (a portal's registry id: govnews portals list)", False)


def test_a_crawl_of_an_unknown_portal_is_a_usage_error(replicas, tmp_path):
    done = scrapy(tmp_path, replicas.write_registry(tmp_path / "portals.toml"), "crawl", "nukeviet", "-a",
                  "portal=demo.vinh-thang")
    assert (done.returncode, done.stderr.strip().splitlines()[-1], (tmp_path / "archive.db").exists()) == (
        2, "scrapy: error: unknown portal 'demo.vinh-thang'; did you mean 'demo.vinh-thanh'?", False)


def test_scrapy_fetch_writes_no_archive(replicas, tmp_path):
    done = scrapy(tmp_path, replicas.write_registry(tmp_path / "portals.toml"), "fetch", "--nolog",
                  site(replicas, PORTAL).base_url + "/")
    assert (done.returncode, "Vĩnh Thạnh" in done.stdout, (tmp_path / "archive.db").exists()) == (0, True, False)


@pytest.fixture(scope="module")
def refused(replicas, tmp_path_factory):
    """A plain crawl into an archive that refuses the replica's first article (a trigger raising on its insert):
    (the run, the folder, the refused article)."""
    folder = tmp_path_factory.mktemp("plain-scrapy-refused")
    refused_article = site(replicas, PORTAL).articles[0]
    archive = Archive(folder / "archive.db")
    archive.db.execute(f"CREATE TRIGGER refuse BEFORE INSERT ON articles WHEN new.url LIKE '%{refused_article.slug}%' "
                       "BEGIN SELECT RAISE(ABORT, 'disk says no'); END")
    archive.close()
    done = scrapy(folder, replicas.write_registry(folder / "portals.toml"), "crawl", "nukeviet", "-a", f"portal={PORTAL}",
                  "-o", str(folder / "items.jsonl"))
    return done, folder, refused_article


def test_a_crawl_whose_articles_were_not_stored_exits_1(refused):
    done, _, _ = refused
    assert done.returncode == 1


def test_an_article_not_stored_is_one_log_line_without_its_text(refused):
    done, _, article = refused
    lines = [line for line in done.stderr.splitlines() if "not stored" in line]
    assert (len(lines), "IntegrityError: disk says no" in lines[0], article.slug in lines[0],
            any(paragraph in done.stderr for paragraph in article.paragraphs)) == (1, True, True, False)


def test_an_article_not_stored_is_not_in_the_feed(refused, replicas):
    _, folder, article = refused
    feed = [json.loads(line) for line in (folder / "items.jsonl").read_text(encoding="utf-8").splitlines()]
    assert sorted(row["title"] for row in feed) == sorted(a.title for a in site(replicas, PORTAL).articles if a != article)


def test_an_article_not_stored_is_listed_for_the_next_crawl(refused):
    _, folder, article = refused
    conn = sqlite3.connect(folder / "archive.db")
    failures = [row[0] for row in conn.execute("SELECT url FROM save_failures")]
    conn.close()
    assert [article.slug in url for url in failures] == [True]


def test_a_plain_crawl_does_not_start_while_another_crawl_holds_the_archive(replicas, tmp_path):
    with crawl_lock(tmp_path / "archive.db"):
        done = scrapy(tmp_path, replicas.write_registry(tmp_path / "portals.toml"), "crawl", "nukeviet", "-a",
                      f"portal={PORTAL}")
    assert (done.returncode, done.stderr.strip().splitlines()[-1].startswith("scrapy: another crawl of"),
            rows(tmp_path / "archive.db", "SELECT count(*) FROM articles")[0][0]) == (1, True, 0)
