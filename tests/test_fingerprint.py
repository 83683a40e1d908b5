"""Content hashes: one hash for the Unicode variants of one text (issue #5's exact duplicates)."""

import unicodedata

import pytest

from scraper.fingerprint import content_hash
from scraper.vietnamese import new_style_tones

SENTENCE = "Ủy ban nhân dân huyện Hòa Vang hỗ trợ thủy lợi, khỏe mạnh và hòa thuận."


@pytest.mark.parametrize("variant", [
    unicodedata.normalize("NFD", SENTENCE),
    SENTENCE.replace("Hòa", "Hoà").replace("thủy", "thuỷ").replace("khỏe", "khoẻ").replace("hòa", "hoà"),
    SENTENCE.replace("huyện", "huy\u200bện").replace(" ", "\u00a0", 2),
    "  " + SENTENCE.replace(" và ", "\n và  ") + "\n",
], ids=["nfd", "old-tone-placement", "zero-width-and-nbsp", "whitespace"])
def test_variants_hash_alike(variant):
    assert content_hash(variant) == content_hash(SENTENCE)


@pytest.mark.parametrize(("old", "new"), [
    ("hoà", "hòa"), ("Hoá", "Hóa"), ("thuỷ", "thủy"), ("khoẻ", "khỏe"), ("Thuý", "Thúy"), ("loạ", "lọa"),
    ("hoàng", "hoàng"), ("khuyết", "khuyết"), ("quý", "quý"), ("hòa", "hòa"), ("ngoài", "ngoài"),
], ids=["oa", "oa-capital", "uy", "oe", "uy-capital", "dot-below", "closed-syllable", "closed-uye",
        "qu-is-a-consonant", "already-new", "triphthong"])
def test_new_style_tones(old, new):
    assert new_style_tones(old) == new


def test_different_texts_hash_differently():
    assert content_hash("học bổng") != content_hash("học bóng")


def test_archive_from_before_the_change_gets_its_hashes_recomputed(tmp_path):
    import hashlib
    import sqlite3

    from sqlite_utils import Database

    from scraper.archive import Archive
    from scraper.migrations import migrations

    path = tmp_path / "old.db"
    db = Database(sqlite3.connect(path))
    for migration in migrations._migrations[:5]:  # the archive as it was before m006
        migration.fn(db)
        db["_sqlite_migrations"].insert({"migration_set": "govnews", "name": migration.name, "applied_at": "x"})
    db["portals"].insert({"id": "a.b", "name": "n", "province": "p", "unit": "u", "level": "district", "base_url": "http://x/"})
    old_hash = hashlib.sha256("Hoà Vang\nthuỷ lợi".encode()).hexdigest()
    db["articles"].insert({"portal_id": "a.b", "url": "http://x/1", "canonical_url": "http://x/1",
                           "title": "Hoà Vang", "text": "thuỷ lợi", "content_hash": old_hash})
    db.conn.commit()
    db.close()
    archive = Archive(path)  # applies m006
    stored = archive.db.execute("SELECT content_hash FROM articles").fetchone()[0]
    archive.close()
    assert stored == content_hash("Hòa Vang\nthủy lợi")


def test_unicode_variants_of_one_article_are_linked_as_duplicates(tmp_path):
    from pipelines.normalize import NormalizePipeline
    from scraper.archive import Archive
    from scraper.items import Article

    archive = Archive(tmp_path / "a.db")
    archive.db["portals"].insert({"id": "a.b", "name": "n", "province": "p", "unit": "u", "level": "district",
                                  "base_url": "http://x/"})
    variants = [SENTENCE, unicodedata.normalize("NFD", SENTENCE),
                SENTENCE.replace("Hòa", "Hoà").replace("thủy", "thuỷ").replace("hòa", "hoà")]
    normalize = NormalizePipeline()
    for n, text in enumerate(variants):
        archive.save(normalize.process_item(Article(portal_id="a.b", url=f"http://x/{n}", title="Tin", text=text)))
    linked = [row[0] for row in archive.db.execute("SELECT duplicate_of FROM articles ORDER BY id")]
    archive.close()
    assert linked == [None, 1, 1]
