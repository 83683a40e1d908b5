"""When a portal's run counts as failed (the exit status cron sees depends on it)."""

import pytest

from scraper.runs import error_summary, run_status

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


@pytest.mark.parametrize("stats, summary", [
    ({"archive/errors/store": 2, "downloader/response_status_count/200": 5}, "store: 2"),
    # a spider middleware raised (the frontier could not write): the failed run names the exception
    ({"spider_exceptions/count": 3, "spider_exceptions/OperationalError": 3, "downloader/response_status_count/200": 5},
     "exception_OperationalError: 3"),
])
def test_a_failed_run_names_its_errors(stats, summary):
    assert (run_status(stats, "finished"), error_summary(stats)) == ("failed", summary)
