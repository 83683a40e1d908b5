"""An archive written under an older canonical_url() is re-canonicalized when opened: one row per article, nothing lost (#5)."""

from __future__ import annotations

import pytest

from scraper.archive import Archive
from scraper.fingerprint import content_hash
from scraper.items import Article
from scraper.recanonical import set_version, stored_version
from scraper.urls import CANONICAL_VERSION
from tests.conftest import rows

HOST = "http://127.0.0.11:8701"
OLD_FORM = f"{HOST}/Pages/NewsDetail.aspx?ID=5"  # version 1 kept IIS path case
NEW_FORM = f"{HOST}/pages/newsdetail.aspx?ID=5"
SESSION_FORM = f"{HOST}/web/huyen/-/tin-7;jsessionid=0A1B2C"  # version 1 kept the session id
SESSION_FREE = f"{HOST}/web/huyen/-/tin-7"


def article(canonical: str, text: str, html: bytes) -> Article:
    """Return an article as an older crawl stored it, under the canonical form it had then."""
    title = "Huyện Định Quán họp về chuyển đổi số"
    return Article(portal_id="test.old", url=canonical, canonical_url=canonical, title=title, text=text,
                   content_hash=content_hash(title + "\n" + text), raw_html=html, fetched_at="2025-01-01T00:00:00+00:00",
                   attachments=[{"url": f"{HOST}/files/ke-hoach.pdf", "title": "Kế hoạch"}])


@pytest.fixture
def old_archive(tmp_path):
    """An archive at canonical version 1: one article under two forms (two texts), one under a session form."""
    db = tmp_path / "archive.db"
    archive = Archive(db)
    archive.db["portals"].insert({"id": "test.old", "name": "Cổng cũ"})
    archive.save(article(OLD_FORM, "Bản tin đầu tiên của huyện.", b"<html>v1</html>"))
    archive.save(article(NEW_FORM, "Bản tin đã sửa của huyện.", b"<html>v2</html>"))
    archive.save(article(SESSION_FORM, "Một bài khác.", b"<html>other</html>"))
    with archive.db.conn:
        archive.db.execute("UPDATE articles SET first_seen_at = '2025-01-01T00:00:00+00:00',"
                           " last_seen_at = '2025-01-02T00:00:00+00:00' WHERE canonical_url = ?", [OLD_FORM])
        archive.db.execute("UPDATE articles SET first_seen_at = '2025-06-01T00:00:00+00:00',"
                           " last_seen_at = '2025-06-02T00:00:00+00:00' WHERE canonical_url = ?", [NEW_FORM])
        set_version(archive.db, 1)
    archive.close()
    Archive(db).close()  # the next writer: a crawl, cron's or anybody's
    return db


def test_the_two_forms_of_one_article_become_one_row(old_archive):
    assert [r["canonical_url"] for r in rows(old_archive, "SELECT canonical_url FROM articles ORDER BY id")] == [
        NEW_FORM, SESSION_FREE]


def test_the_merged_row_shows_the_text_seen_last(old_archive):
    assert rows(old_archive, "SELECT text FROM articles WHERE canonical_url = ?", [NEW_FORM])[0]["text"] == \
        "Bản tin đã sửa của huyện."


def test_the_earlier_text_is_kept_as_a_version(old_archive):
    assert [r["text"] for r in rows(old_archive, "SELECT text FROM article_versions")] == ["Bản tin đầu tiên của huyện."]


def test_the_merged_row_keeps_the_earliest_first_seen(old_archive):
    assert rows(old_archive, "SELECT first_seen_at FROM articles WHERE canonical_url = ?", [NEW_FORM])[0][
        "first_seen_at"] == "2025-01-01T00:00:00+00:00"


def test_both_raw_pages_stay_with_the_merged_row(old_archive):
    assert rows(old_archive, "SELECT count(DISTINCT article_id) AS a, count(*) AS n FROM raw_pages"
                             " WHERE url IN (?, ?)", [OLD_FORM, NEW_FORM])[0][:] == (1, 2)


def test_old_forms_are_kept_as_aliases(old_archive):
    assert [(r["alias_url"], r["canonical_url"]) for r in rows(old_archive, "SELECT * FROM url_aliases ORDER BY alias_url")] \
        == [(OLD_FORM, NEW_FORM), (SESSION_FORM, SESSION_FREE)]


def test_the_archive_now_follows_the_current_version(old_archive):
    archive = Archive(old_archive)
    try:
        assert stored_version(archive.db) == CANONICAL_VERSION
    finally:
        archive.close()


def test_the_integrity_check_passes_after_the_merge(old_archive):
    assert rows(old_archive, "PRAGMA integrity_check")[0][0] == "ok"


def test_an_archive_from_a_newer_govnews_is_refused(tmp_path):
    archive = Archive(tmp_path / "archive.db")
    with archive.db.conn:
        set_version(archive.db, CANONICAL_VERSION + 1)
    archive.close()
    with pytest.raises(RuntimeError, match="written by a newer govnews"):
        Archive(tmp_path / "archive.db")
