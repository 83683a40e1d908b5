"""WARC out and back in: `export --format warc` read by `import-warc` into a fresh archive gives the same articles (#6)."""

from __future__ import annotations

import pytest

from scraper.webarchive import warc_pages
from tests.conftest import rows, run_govnews

SAME = "canonical_url, title, text, published_at, author, summary, captions, credit, portal_id"


@pytest.fixture(scope="module")
def round_trip(archive, tmp_path_factory):
    """Export the demo archive's raw pages as WARC, import them into a fresh archive, twice."""
    folder = tmp_path_factory.mktemp("warc")
    warc = folder / "govnews.warc.gz"
    exported = run_govnews("export", "--format", "warc", "--db", str(archive["db"]), "-o", str(warc), cwd=folder)
    fresh = folder / "fresh.db"
    imported = run_govnews("import-warc", str(warc), "--registry", str(archive["registry"]), "--db", str(fresh), cwd=folder)
    again = run_govnews("import-warc", str(warc), "--registry", str(archive["registry"]), "--db", str(fresh), cwd=folder)
    return {"warc": warc, "fresh": fresh, "exported": exported, "imported": imported, "again": again,
            "source_db": archive["db"]}


def test_export_and_import_exit_zero(round_trip):
    assert [round_trip[k].returncode for k in ("exported", "imported", "again")] == [0, 0, 0], \
        round_trip["imported"].stderr[-2000:]


def test_every_raw_page_is_a_response_record(round_trip):
    with open(round_trip["warc"], "rb") as stream:
        records = list(warc_pages(stream))
    assert len(records) == rows(round_trip["source_db"], "SELECT count(*) AS n FROM raw_pages")[0]["n"]


def test_records_name_their_portal(round_trip):
    with open(round_trip["warc"], "rb") as stream:
        portals = {page.portal_id for page in warc_pages(stream)}
    assert portals == {r["portal_id"] for r in rows(round_trip["source_db"], "SELECT DISTINCT portal_id FROM articles")}


def test_the_fresh_archive_has_the_same_articles(round_trip):
    original = {tuple(r) for r in rows(round_trip["source_db"], f"SELECT {SAME} FROM articles")}
    imported = {tuple(r) for r in rows(round_trip["fresh"], f"SELECT {SAME} FROM articles")}
    assert imported == original and len(imported) == 34


def test_imported_rows_carry_their_warc_provenance(round_trip):
    provenance = rows(round_trip["fresh"], "SELECT source, capture_url, captured_at FROM articles")
    assert all(r["source"] == "warc" and r["capture_url"].startswith("govnews.warc.gz#") and r["captured_at"]
               for r in provenance)


def test_a_second_import_adds_nothing(round_trip):
    assert "new" not in {line.split(":")[0] for line in round_trip["again"].stdout.splitlines()} and \
        rows(round_trip["fresh"], "SELECT count(*) AS n FROM articles")[0]["n"] == 34
