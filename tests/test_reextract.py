"""`govnews reextract` on an archive written by govnews before #17 (tests/archives/README.md):
every row re-derived, the changes counted per column as they are in the file, changed texts kept
as versions, and a second run changes nothing."""

from __future__ import annotations

import re
import shutil
import sqlite3
from pathlib import Path

import pytest

from scraper.demo.sites import demo_sites
from scraper.extract import EXTRACTOR_VERSION
from scraper.reextract import FIELDS
from scraper.urls import canonical_url
from tests.conftest import run_govnews

OLD = Path(__file__).parent / "archives" / "b77b5aa-demo.db"


def articles(db: Path) -> dict[int, dict]:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        return {row["id"]: dict(row) for row in conn.execute("SELECT * FROM articles")}
    finally:
        conn.close()


def count(db: Path, sql: str) -> int:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchone()[0]
    finally:
        conn.close()


def counted(output: str) -> dict[str, int]:
    """Return the per-column counts a reextract run printed."""
    return {name: int(n) for name, n in re.findall(r"^  (\w+): (\d+) changed$", output, re.MULTILINE)}


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    db = tmp_path_factory.mktemp("reextract") / "archive.db"
    shutil.copy(OLD, db)
    before = articles(db)
    first = run_govnews("reextract", "--db", str(db), cwd=db.parent)
    after = articles(db)
    versions = count(db, "SELECT count(*) FROM article_versions")
    second = run_govnews("reextract", "--db", str(db), cwd=db.parent)
    forced = run_govnews("reextract", "--db", str(db), "--force", cwd=db.parent)
    return {"db": db, "before": before, "after": after, "versions": versions, "first": first,
            "second": second, "forced": forced, "after_forced": articles(db)}


def test_the_old_archive_was_written_by_the_old_extractor(runs):
    assert {row["extractor_version"] for row in runs["before"].values()} == {"govnews-extract/1 trafilatura/2.3.1"}


def test_the_first_run_exits_zero(runs):
    assert runs["first"].returncode == 0, runs["first"].stderr[-2000:]


def test_every_row_is_re_derived(runs):
    assert runs["first"].stdout.startswith(f"reextract: 34 rows re-derived by {EXTRACTOR_VERSION}, ")


def test_every_row_carries_the_current_extractor_version(runs):
    assert {row["extractor_version"] for row in runs["after"].values()} == {EXTRACTOR_VERSION}


def test_the_counts_per_column_are_the_rows_that_changed_in_the_file(runs):
    # .get: a column newer than the old archive (encoding_note) is absent before the run migrates it
    changed = {name: sum(1 for i, row in runs["before"].items() if (row.get(name) or "") != (runs["after"][i][name] or ""))
               for name in FIELDS}
    assert counted(runs["first"].stdout) == changed


def test_a_changed_text_keeps_the_earlier_one_as_a_version(runs):
    rewritten = sum(1 for i, row in runs["before"].items() if row["content_hash"] != runs["after"][i]["content_hash"])
    assert runs["versions"] == rewritten


def test_the_second_run_changes_nothing(runs):
    assert runs["second"].stdout.splitlines()[0].startswith("reextract: 0 rows re-derived") and \
        "34 already current" in runs["second"].stdout


def test_a_forced_run_re_derives_every_row_and_changes_none(runs):
    assert (runs["forced"].stdout.split(", ")[1], runs["after_forced"] == runs["after"]) == ("0 changed (0 texts kept as versions); 0 already current; 0 no article to this extractor", True)


@pytest.mark.parametrize("field", ["title", "published_at", "author"])
def test_the_re_derived_fields_are_the_replicas_own(runs, field):
    sites = demo_sites()
    gold = {}
    for number, site in enumerate(sites):
        site.base_url = f"http://127.0.0.{11 + number}:8701"
        gold.update({canonical_url(e["url"]): e for e in site.expected()})
    wrong = [row["url"] for row in runs["after"].values() if row[field] != gold[row["canonical_url"]][field]]
    assert wrong == []


def test_an_archive_without_articles_is_an_error(tmp_path):
    db = tmp_path / "archive.db"
    shutil.copy(OLD, db)
    result = run_govnews("reextract", "--db", str(db), "--portal", "demo.khong-co", cwd=tmp_path)
    assert (result.returncode, result.stderr.strip()) == (1, f"Error: {db}: no stored article of demo.khong-co")
