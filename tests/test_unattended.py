"""`govnews crawl` under cron: one crawl per archive, a summary line, a rotating log, a progress line."""

from __future__ import annotations

import getpass
import logging
import os
import re
import sqlite3
import subprocess
import time

import pytest

from scraper.unattended import LOG_BACKUPS, LOG_MAX_BYTES, log_to_file
from tests.conftest import GOVNEWS, ROOT, crawl, loopback_flags, rows

DEMO_ARTICLES = 34


def cron_start(registry, db, *extra: str) -> subprocess.Popen:
    """Start `govnews crawl --all` as cron does: no terminal, stdin closed, output captured."""
    env = {"PATH": os.environ["PATH"], "PYTHONPATH": str(ROOT), "HOME": str(db.parent)}
    return subprocess.Popen([*GOVNEWS, "crawl", "--all", "--registry", str(registry), "--db", str(db), *extra],
                            cwd=db.parent, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def stored(db) -> int:
    """Return how many articles db holds (0 before it exists)."""
    try:
        return rows(db, "SELECT count(*) FROM articles")[0][0] if db.exists() else 0
    except sqlite3.OperationalError:  # created, not yet migrated
        return 0


@pytest.fixture(scope="module")
def overlapping(replicas, tmp_path_factory):
    """Two cron starts of one archive, the second once the first has stored an article (slowed to 0.3 s a page)."""
    folder = tmp_path_factory.mktemp("overlap")
    registry = replicas.write_registry(folder / "portals.toml")
    db = folder / "archive.db"
    slow = loopback_flags(DOWNLOAD_DELAY=0.3, CONCURRENT_REQUESTS_PER_DOMAIN=1, DOWNLOAD_DELAY_JITTER=0)
    first = cron_start(registry, db, *slow, "--log-file", str(folder / "logs" / "crawl.log"))
    deadline = time.monotonic() + 60
    while not stored(db) and time.monotonic() < deadline:  # the first crawl is storing articles
        time.sleep(0.05)
    second = cron_start(registry, db, *slow)
    second_out, second_err = second.communicate(timeout=60)
    linked = folder / "linked.db"  # the same file under another name: the lock is the file's, not the name's
    os.link(db, linked)
    third = cron_start(registry, linked, *slow)
    third_out, third_err = third.communicate(timeout=60)
    second_ended_while_first_ran = first.poll() is None
    first_out, first_err = first.communicate(timeout=300)
    return {"db": db, "folder": folder, "first": (first.returncode, first_out, first_err),
            "second": (second.returncode, second_out, second_err), "overlapped": second_ended_while_first_ran,
            "through_link": (third.returncode, third_out, third_err)}


def test_second_start_exits_cleanly_while_the_first_runs(overlapping):
    code, out, err = overlapping["second"]
    assert (code, out, overlapping["overlapped"]) == (0, "", True)


def test_second_start_says_who_holds_the_archive(overlapping):
    err = overlapping["second"][2]
    assert re.fullmatch(r"another crawl of \S+archive\.db is running \(pid \d+, started \S+\); this one exits\n", err)


def test_a_start_through_a_hard_link_finds_the_lock_held(overlapping):
    code, out, err = overlapping["through_link"]
    assert (code, out, re.match(r"another crawl of \S+linked\.db is running", err) is not None) == (0, "", True), err[-1500:]


def test_first_start_completes(overlapping):
    assert overlapping["first"][0] == 0


def test_nothing_is_stored_twice(overlapping):
    counts = rows(overlapping["db"], "SELECT count(*), count(DISTINCT canonical_url) FROM articles")[0]
    assert tuple(counts) == (DEMO_ARTICLES, DEMO_ARTICLES)


def test_only_the_first_start_left_crawl_runs(overlapping):
    runs = rows(overlapping["db"], "SELECT count(*), count(DISTINCT run_id) FROM crawl_runs")[0]
    assert tuple(runs) == (2, 1)


def test_under_cron_stdout_is_the_summary_line_alone(overlapping):
    out = overlapping["first"][1]
    pages = rows(overlapping["db"], "SELECT sum(pages_fetched) FROM crawl_runs")[0][0]
    assert re.fullmatch(rf"crawl: 2 portals, 2 ok, 0 failed; {pages} pages, {DEMO_ARTICLES} new, 0 changed, 0 gone, "
                        r"0 errors; \d+ s\n", out)


def test_with_a_log_file_stderr_stays_empty(overlapping):
    assert overlapping["first"][2] == ""


def test_the_log_file_holds_the_crawl_log(overlapping):
    log = (overlapping["folder"] / "logs" / "crawl.log").read_text(encoding="utf-8")
    assert (log.count("[scrapy.core.engine] INFO: Spider closed (finished)") >= 2, log.count("[scraper.runs] INFO: ")) == (True, 2)


def test_a_failed_portal_is_named_in_the_summary_and_the_exit_status(replicas, tmp_path):
    registry = replicas.write_registry(tmp_path / "portals.toml")
    text = registry.read_text(encoding="utf-8")
    registry.write_text(text.replace(replicas.sites[0].base_url, "http://127.0.0.1:9", 1), encoding="utf-8")
    result = crawl(registry, tmp_path / "archive.db")
    failed = rows(tmp_path / "archive.db", "SELECT portal_id FROM crawl_runs WHERE status = 'failed'")
    assert (result.returncode, result.stdout.splitlines()[-1].endswith(f"[failed: {failed[0][0]}]"),
            result.stdout.count("\n")) == (1, True, 1)


def test_progress_line_ends_with_the_run_totals(replicas, tmp_path):
    registry = replicas.write_registry(tmp_path / "portals.toml")
    result = crawl(registry, tmp_path / "archive.db", ARCHIVE_PROGRESS=True)
    pages = rows(tmp_path / "archive.db", "SELECT sum(pages_fetched) FROM crawl_runs")[0][0]
    # the line is redrawn after a carriage return, which text mode reads as a line break
    last = [line for line in result.stderr.splitlines() if line.startswith("portals ")][-1]
    assert re.fullmatch(rf"portals 2/2 done · {pages} pages · {DEMO_ARTICLES} articles · 0 errors · [\d.]+ pages/s"
                        r"\x1b\[K", last)


def test_log_file_rotates(tmp_path):
    handler = log_to_file(tmp_path / "crawl.log")
    logger = logging.getLogger("govnews.test.rotation")
    try:
        line = "x" * 1000
        for _ in range(LOG_MAX_BYTES // 1000 + 100):
            logger.info(line)
    finally:
        logging.getLogger().removeHandler(handler)
        handler.close()
    sizes = sorted(p.name for p in tmp_path.iterdir())
    assert (sizes, (tmp_path / "crawl.log").stat().st_size < LOG_MAX_BYTES, LOG_BACKUPS) == (
        ["crawl.log", "crawl.log.1"], True, 5)


def documented_block(after: str) -> str:
    """Return the code block that follows a line of docs/operations.md."""
    text = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    return text.split(after, 1)[1].split("```\n", 2)[1]


@pytest.fixture(scope="module")
def systemd_units(tmp_path_factory):
    """The documented service and timer, with /srv/govnews moved to a test folder and the test's user."""
    folder = tmp_path_factory.mktemp("systemd")
    (folder / ".venv" / "bin").mkdir(parents=True)
    (folder / ".venv" / "bin" / "govnews").symlink_to(GOVNEWS[0])
    units = {}
    for name in ("govnews-crawl.service", "govnews-crawl.timer"):
        text = documented_block(f"`/etc/systemd/system/{name}`:").replace("/srv/govnews", str(folder))
        (folder / name).write_text(text.replace("User=govnews", f"User={getpass.getuser()}"), encoding="utf-8")
        units[name] = folder / name
    return units


def test_systemd_accepts_the_documented_service_and_timer(systemd_units):
    done = subprocess.run(["systemd-analyze", "verify", "--man=no", *map(str, systemd_units.values())],
                          capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout + done.stderr) == (0, "")


def test_the_documented_service_runs_the_documented_cron_command(systemd_units):
    service = systemd_units["govnews-crawl.service"].read_text(encoding="utf-8")
    exec_start = re.search(r"^ExecStart=(.*)$", service, re.M).group(1)
    cron = documented_block("## Cron\n").splitlines()[-1].split("&& ", 1)[1].replace(".venv/bin", "/srv/govnews/.venv/bin")
    assert exec_start.replace(str(systemd_units["govnews-crawl.service"].parent), "/srv/govnews") == cron


def test_the_documented_timer_fires_nightly_at_0215(systemd_units):
    timer = systemd_units["govnews-crawl.timer"].read_text(encoding="utf-8")
    calendar = re.search(r"^OnCalendar=(.*)$", timer, re.M).group(1)
    done = subprocess.run(["systemd-analyze", "calendar", calendar], capture_output=True, text=True, timeout=60)
    assert re.search(r"Next elapse: \w+ \S+ 02:15:00", done.stdout), done.stdout + done.stderr
