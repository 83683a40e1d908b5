"""`govnews publish`: a verified snapshot, swapped in only when it checks out; served immutable and read-only."""

from __future__ import annotations

import shutil
import sqlite3
import urllib.error
import urllib.request
from urllib.parse import quote

import pytest

from tests.conftest import get_json, rows, run_govnews, served


@pytest.fixture(scope="module")
def snapshot(archive, tmp_path_factory):
    """A snapshot of the crawled archive published to public/archive.db."""
    target = tmp_path_factory.mktemp("public") / "archive.db"
    result = run_govnews("publish", "--db", str(archive["db"]), "--to", str(target), cwd=target.parent)
    return {"path": target, "result": result}


def test_publish_reports_what_it_published(snapshot):
    assert snapshot["result"].stdout.startswith("published 34 articles to ")


def test_snapshot_passes_integrity_check(snapshot):
    assert rows(snapshot["path"], "PRAGMA integrity_check")[0][0] == "ok"


def test_snapshot_is_one_file_in_rollback_journal_mode(snapshot):
    assert rows(snapshot["path"], "PRAGMA journal_mode")[0][0] == "delete"


def test_snapshot_search_finds_what_the_archive_finds(snapshot, archive):
    sql = "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH 'dinh quan'"
    assert rows(snapshot["path"], sql)[0][0] == rows(archive["db"], sql)[0][0] == 11


def test_a_corrupt_archive_leaves_the_published_snapshot_as_it_was(snapshot, tmp_path):
    broken = tmp_path / "broken.db"
    shutil.copy(snapshot["path"], broken)
    conn = sqlite3.connect(broken)
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'articles'").fetchone()[0]
    conn.close()
    with open(broken, "r+b") as f:  # scribble over the articles table's root page
        f.seek((root - 1) * page_size + 8)
        f.write(b"\xff" * 64)
    target = tmp_path / "public.db"
    shutil.copy(snapshot["path"], target)
    before = target.read_bytes()
    result = run_govnews("publish", "--db", str(broken), "--to", str(target), cwd=tmp_path)
    assert (result.returncode, result.stderr.startswith("Error: "), target.read_bytes() == before,
            sorted(p.name for p in tmp_path.iterdir())) == (1, True, True, ["broken.db", "public.db"])


def test_publishing_onto_the_archive_itself_is_refused(archive, tmp_path):
    result = run_govnews("publish", "--db", str(archive["db"]), "--to", str(archive["db"]), cwd=tmp_path)
    assert (result.returncode, result.stderr.strip()) == (
        1, f"Error: {archive['db']}: the snapshot must be another file than the archive")


@pytest.fixture(scope="module")
def public(snapshot):
    with served(snapshot["path"], "--immutable") as base:
        yield base


def test_immutable_snapshot_is_served_with_search(public):
    data = get_json(public + "/archive/news.json?_size=0&_search=" + quote("dinh quan"))
    assert data["filtered_table_rows_count"] == 6  # Định Quán, its syllables together (#19)


@pytest.mark.parametrize("sql", [
    "DELETE FROM articles",
    "UPDATE articles SET title = 'x'",
    "ATTACH DATABASE '/tmp/x.db' AS x",
    "PRAGMA writable_schema = 1",
])
def test_no_sql_writes_to_the_snapshot(public, sql):
    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(public + "/archive.json?sql=" + quote(sql), timeout=10)
    assert error.value.code == 400


def test_the_snapshot_file_cannot_be_downloaded(public):
    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(public + "/archive.db", timeout=10)
    assert error.value.code == 403


def test_a_snapshot_of_an_older_archive_gets_this_versions_schema(archive, tmp_path):
    older = tmp_path / "older.db"
    shutil.copy(archive["db"], older)
    conn = sqlite3.connect(older)
    with conn:  # as govnews wrote it before migration m013
        conn.execute("DROP INDEX idx_articles_portal_id_search_key")
        conn.execute("DELETE FROM _sqlite_migrations WHERE name = 'm013_news_newest_first_by_portal'")
    conn.close()
    target = tmp_path / "public.db"
    run_govnews("publish", "--db", str(older), "--to", str(target), cwd=tmp_path)
    index = "SELECT count(*) FROM sqlite_master WHERE name = 'idx_articles_portal_id_search_key'"
    assert (rows(target, index)[0][0], rows(older, index)[0][0]) == (1, 0)


def test_an_archive_from_a_newer_govnews_is_refused_in_one_line(archive, tmp_path):
    newer = tmp_path / "newer.db"
    shutil.copy(archive["db"], newer)
    conn = sqlite3.connect(newer)
    with conn:
        conn.execute("UPDATE archive_meta SET value = '999' WHERE key = 'canonical_version'")
    conn.close()
    result = run_govnews("publish", "--db", str(newer), "--to", str(tmp_path / "public.db"), cwd=tmp_path)
    assert (result.returncode, result.stderr.count("\n"), "written by a newer govnews" in result.stderr,
            [p.name for p in tmp_path.iterdir() if "public" in p.name]) == (1, 1, True, [])


def test_serving_a_file_that_is_no_archive_immutable_fails_in_one_line(tmp_path):
    bad = tmp_path / "archive.db"
    bad.write_text("not a database")
    result = run_govnews("serve", "--db", str(bad), "--immutable", "--port", "1", cwd=tmp_path)
    assert (result.returncode, result.stderr.strip()) == (2, f"Error: {bad}: not a SQLite database, so not a govnews archive")
