"""A damaged, empty, foreign or newer archive is refused at once, in one line, exit 2, by every command (#16).

Before #16, flipped bytes in one table page left `govnews crawl` idle in its reactor for ever,
holding the crawl lock (every later cron start then said "another crawl is running" and exited
0), and empty, truncated and non-database files gave Python tracebacks.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess

import pytest

from tests.conftest import loopback_flags, run_govnews

COMMANDS = {
    "crawl": ["crawl", "--all"],  # of the replicas' registry (command_args): nothing leaves loopback
    "export": ["export", "--format", "csv"],
    "report": ["report"],
    "serve": ["serve", "--port", "1"],
}


def damaged_copy(source, target) -> None:
    """Copy an archive and flip the bytes of the articles table's root page, as a failing disk would."""
    shutil.copy(source, target)
    conn = sqlite3.connect(target)
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'articles'").fetchone()[0]
    conn.close()
    with open(target, "r+b") as f:
        f.seek((root - 1) * page_size)
        f.write(bytes(range(256)) * (page_size // 256))


def command_args(name: str, archive) -> list[str]:
    """Return a command's arguments; a crawl crawls the replica portals on loopback."""
    if name == "crawl":
        return [*COMMANDS[name], "--registry", str(archive["registry"]), *loopback_flags()]
    return COMMANDS[name]


def run(args, db, tmp_path, timeout=60):
    try:
        return run_govnews(*args, "--db", str(db), cwd=tmp_path, timeout=timeout)
    except subprocess.TimeoutExpired:
        pytest.fail(f"govnews {args[0]} was still running after {timeout} s on {db.name}")


@pytest.fixture
def damaged(archive, tmp_path):
    db = tmp_path / "archive.db"
    damaged_copy(archive["db"], db)
    return db


def test_a_damaged_archive_is_refused_by_crawl_in_one_line(archive, damaged, tmp_path):
    result = run(command_args("crawl", archive), damaged, tmp_path)
    assert (result.returncode, result.stderr.count("\n"), result.stderr.startswith(f"Error: {damaged}: damaged")) == (2, 1, True), result.stderr[-1500:]


def test_the_next_crawl_start_is_not_blocked(archive, damaged, tmp_path):
    run(command_args("crawl", archive), damaged, tmp_path)
    again = run(command_args("crawl", archive), damaged, tmp_path)
    assert (again.returncode, "another crawl" in again.stderr) == (2, False)


FILES = {
    "empty": b"",
    "text": "Bài viết, không phải cơ sở dữ liệu\n".encode(),
    "truncated": None,  # the first 3 pages of a real archive
    "foreign": "sqlite",  # a SQLite database of something else
}


def make_bad_file(kind: str, source, path) -> None:
    if kind == "truncated":
        path.write_bytes(source.read_bytes()[:3 * 4096])
    elif kind == "foreign":
        conn = sqlite3.connect(path)
        conn.execute("CREATE TABLE orders (id INTEGER PRIMARY KEY, total REAL)")
        conn.commit()
        conn.close()
    else:
        path.write_bytes(FILES[kind])


@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize("kind", sorted(FILES))
def test_a_file_that_is_no_archive_is_refused_in_one_line(archive, tmp_path, kind, command):
    db = tmp_path / "archive.db"
    make_bad_file(kind, archive["db"], db)
    before = db.read_bytes()
    result = run(command_args(command, archive), db, tmp_path)
    assert (result.returncode, result.stderr.count("\n"), result.stderr.startswith(f"Error: {db}: "),
            "Traceback" in result.stderr, db.read_bytes() == before) == (2, 1, True, False, True), result.stderr[-1500:]


def test_an_archive_of_a_newer_govnews_is_refused(archive, tmp_path):
    db = tmp_path / "archive.db"
    shutil.copy(archive["db"], db)
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES ('govnews', 'm999_future', '')")
    conn.close()
    result = run(COMMANDS["export"], db, tmp_path)
    assert (result.returncode, result.stderr.strip()) == (2, f"Error: {db}: written by a newer govnews (migration m999_future); upgrade first")
