"""When a portal's run counts as failed (the exit status cron sees depends on it)."""

import pytest

from scraper.runs import run_status

ANSWERED = {"downloader/response_status_count/200": 12}


@pytest.mark.parametrize(("stats", "reason", "status"), [
    (ANSWERED, "finished", "ok"),
    ({**ANSWERED, "downloader/response_status_count/404": 2}, "finished", "ok"),
    ({}, "finished", "failed"),
    ({"downloader/response_status_count/500": 9}, "finished", "failed"),
    (ANSWERED, "closespider_errorcount", "failed"),
    ({**ANSWERED, "spider_exceptions/count": 1}, "finished", "failed"),
    ({**ANSWERED, "archive/errors/store": 1}, "finished", "failed"),
], ids=["ok", "some-404s", "nothing-answered", "all-errors", "stopped-early", "our-bug", "not-stored"])
def test_run_status(stats, reason, status):
    assert run_status(stats, reason) == status
