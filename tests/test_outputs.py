"""What leaves the archive is whole and safe: exports and snapshots replace files only when complete,
CSV cells never run as spreadsheet formulas, and an abandoned stream stops (#16)."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import socket
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from tests.conftest import GOVNEWS, ROOT, run_govnews, served

COPIES = 3000
FORMULA = '=HYPERLINK("http://127.0.0.1/x","bấm vào đây")'


@pytest.fixture(scope="module")
def big_archive(archive, tmp_path_factory):
    """The demo archive with 3,000 more articles (copies under other URLs) and one title that is a formula."""
    db = tmp_path_factory.mktemp("outputs") / "archive.db"
    source = sqlite3.connect(archive["db"])
    target = sqlite3.connect(db)
    source.backup(target)
    source.close()
    columns = "portal_id, title, published_at, published_raw, date_precision, author, text, summary, source, content_hash"
    target.execute(
        f"""INSERT INTO articles (url, canonical_url, {columns})
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {COPIES})
            SELECT url || '?copy=' || i, canonical_url || '?copy=' || i, {columns}
            FROM n JOIN (SELECT * FROM articles WHERE id = (SELECT min(id) FROM articles))""")
    target.execute("UPDATE articles SET title = ? WHERE id = (SELECT min(id) FROM articles)", [FORMULA])
    target.commit()
    target.close()
    return db


def exported_titles(path: Path) -> list[str]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return [row["title"] for row in csv.DictReader(f)]


def test_csv_export_neutralises_a_formula(big_archive, tmp_path):
    out = tmp_path / "safe.csv"
    run_govnews("export", "--db", str(big_archive), "--format", "csv", "-o", str(out), cwd=tmp_path)
    assert "'" + FORMULA in exported_titles(out)


def test_csv_export_raw_keeps_the_formula_exact(big_archive, tmp_path):
    out = tmp_path / "raw.csv"
    run_govnews("export", "--db", str(big_archive), "--format", "csv", "--raw", "-o", str(out), cwd=tmp_path)
    assert FORMULA in exported_titles(out)


def test_json_lines_export_keeps_the_title_exact(big_archive, tmp_path):
    done = run_govnews("export", "--db", str(big_archive), "--format", "jsonl", cwd=tmp_path)
    titles = [json.loads(line)["title"] for line in done.stdout.splitlines()]
    assert FORMULA in titles


def test_stream_csv_neutralises_a_formula(big_archive):
    import urllib.request
    with served(big_archive) as base:
        with urllib.request.urlopen(base + "/-/stream/archive/articles.csv?_size=1000&title__startswith=%3DHYPER") as r:
            text = r.read().decode("utf-8-sig")
    assert [row["title"] for row in csv.DictReader(io.StringIO(text))] == ["'" + FORMULA]


def wait_for(predicate, process, limit: float = 120) -> bool:
    """Wait until predicate() holds or the process ends; the limit only bounds a failing run."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if predicate():
            return True
        if process.poll() is not None:
            return predicate()
        time.sleep(0.02)
    return False


def test_a_killed_export_leaves_the_earlier_file_whole(big_archive, tmp_path):
    out = tmp_path / "export.csv"
    run_govnews("export", "--db", str(big_archive), "--format", "csv", "--until", "2000-01-01", "-o", str(out),
                cwd=tmp_path)
    earlier = out.read_bytes()
    process = subprocess.Popen([*GOVNEWS, "export", "--db", str(big_archive), "--format", "csv", "-o", str(out)],
                               cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    partials = lambda: [p for p in tmp_path.glob(".export.csv.partial-*") if p.stat().st_size > 0]  # noqa: E731
    assert wait_for(partials, process), "the export never wrote beside the file"
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert out.read_bytes() == earlier


def test_the_next_export_removes_what_a_killed_one_left(big_archive, tmp_path):
    out = tmp_path / "export.csv"
    leftover = tmp_path / ".export.csv.partial-999999999"  # a pid no process has
    leftover.write_text("half an export", encoding="utf-8")
    run_govnews("export", "--db", str(big_archive), "--format", "csv", "-o", str(out), cwd=tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["export.csv"]


def test_a_killed_publish_leaves_nothing_after_the_next(big_archive, tmp_path):
    target = tmp_path / "public" / "archive.db"
    command = [*GOVNEWS, "publish", "--db", str(big_archive), "--to", str(target)]
    kills = 0
    for _ in range(3):
        process = subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        started = lambda: any(target.parent.glob(".archive.db.partial-*"))  # noqa: E731
        if wait_for(started, process) and process.poll() is None:
            process.send_signal(signal.SIGKILL)
            kills += 1
        process.wait()
    done = run_govnews("publish", "--db", str(big_archive), "--to", str(target), cwd=tmp_path)
    assert (kills, done.returncode, sorted(p.name for p in target.parent.iterdir())) == (3, 0, ["archive.db"])


def test_an_abandoned_stream_is_cancelled(big_archive, tmp_path):
    from tests.conftest import free_port
    port = free_port()
    log = tmp_path / "serve.log"
    with open(log, "wb") as out:
        server = subprocess.Popen([*GOVNEWS, "serve", "--db", str(big_archive), "--port", str(port)],
                                  cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        assert wait_for(lambda: _answers(port), server, 60), log.read_text()
        client = socket.create_connection(("127.0.0.1", port))
        client.sendall(b"GET /-/stream/archive/news.csv?_size=1 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        assert client.recv(4096).startswith(b"HTTP/1.1 200")
        client.close()  # a researcher closes the tab a moment into a download of every row, a row a page
        cancelled = wait_for(lambda: b"stream of archive/news.csv cancelled" in log.read_bytes(), server)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    assert cancelled, log.read_text()[-2000:]


def _answers(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True
    except OSError:
        return False

