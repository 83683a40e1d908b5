"""Vietnamese search on a known archive, through a real Datasette: diacritics, đ/d, NFC/NFD, case, phrases, ranking.

The archive holds 16 short articles written to tell apart words that fold to the same letters
(Định / Dinh / Đình, hội / hỏi / hồ, Đông / Đồng / Dòng), the old and new tone placement
(thuỷ / thủy), and document numbers (Covid-19, 35-NQ/TW). Words typed together are one term (#19):
`dinh quan` is Định Quán, not Dinh Độc Lập's "tham quan". Each query's expected set was worked out
by hand from the folded words; docs/search.md has the same table.
"""

from __future__ import annotations

import unicodedata
from urllib.parse import urlencode

import pytest

from scraper.archive import Archive
from scraper.fingerprint import content_hash
from scraper.items import Article
from scraper.registry import Portal
from tests.conftest import get_json, run_govnews, served

CORPUS = {
    "dinh-quan": ("Định Quán đẩy mạnh tiêu thụ trái cây",
                  "Nông dân huyện Định Quán, tỉnh Đồng Nai bán được nhiều sầu riêng."),
    "dinh-doc-lap": ("Dinh Độc Lập đón khách tham quan", "Khách quốc tế đến thăm dinh thự lịch sử ở trung tâm thành phố."),
    "dinh-lang": ("Đình làng Phú Hội được công nhận di tích", "Ngôi đình có tuổi đời hơn 200 năm."),
    "hoi-nghi": ("Hội nghị Ban Chấp hành Đảng bộ huyện Vĩnh Thạnh", "Hội nghị bàn về phát triển kinh tế nông thôn."),
    "hoi-dap": ("Hỏi đáp về thủ tục đất đai", "Người dân hỏi, cán bộ trả lời về cấp giấy chứng nhận."),
    "ho-dau-tieng": ("Hồ Dầu Tiếng tích nước mùa mưa", "Mực nước hồ tăng nhanh sau những trận mưa lớn."),
    "dong-hoa": ("Đông Hòa tổ chức lễ hội đua thuyền", "Lễ hội thu hút hàng nghìn người dân."),
    "dong-bao": ("Đồng bào Chơ Ro đón Tết", "Đồng bào dân tộc thiểu số vui xuân."),
    "dong-song": ("Dòng sông quê hương", "Con sông chảy qua ba xã của huyện."),
    "thuy-loi": ("Nạo vét kênh thuỷ lợi nội đồng", "Công trình thủy lợi giúp tưới tiêu cho lúa."),
    "duong": ("ĐƯỜNG GIAO THÔNG NÔNG THÔN VỀ ĐÍCH", "Tuyến đường mới dài 5 km."),
    "vac-xin": ("Tiêm vắc-xin cho đàn gia súc", "Chiến dịch tiêm phòng lở mồm long móng."),
    "quan-doi": ("Lễ giao nhận quân năm 2024", "Thanh niên huyện Định Quán lên đường nhập ngũ."),
    "tan-phu": ("Tân Phú khánh thành cầu mới", "Cầu Đồng Nai nối hai bờ sông."),
    "covid": ("Tiêm vắc-xin Covid-19 mũi nhắc lại", "Trạm y tế xã tiêm cho người cao tuổi."),
    "nghi-quyet": ("Quán triệt Nghị quyết 35-NQ/TW", "Bảo vệ nền tảng tư tưởng của Đảng."),
}
# Published on consecutive days in this order, so a date sort has one right answer.
PUBLISHED = {key: f"2024-01-{day:02d}T08:00:00+07:00" for day, key in enumerate(CORPUS, start=1)}


def nfd(text: str) -> str:
    """Return text decomposed (NFD), as some keyboards and PDF copies type it."""
    return unicodedata.normalize("NFD", text)


# (query, expected article keys); ids name what each line checks.
QUERIES = [
    ("dinh quan", {"dinh-quan", "quan-doi"}),
    ("Định Quán", {"dinh-quan", "quan-doi"}),
    ("ĐỊNH QUÁN", {"dinh-quan", "quan-doi"}),
    (nfd("Định Quán"), {"dinh-quan", "quan-doi"}),
    ('"dinh quan"', {"dinh-quan", "quan-doi"}),
    ('"Định Quán"', {"dinh-quan", "quan-doi"}),
    ("đình", {"dinh-quan", "dinh-doc-lap", "dinh-lang", "quan-doi"}),
    ("dinh", {"dinh-quan", "dinh-doc-lap", "dinh-lang", "quan-doi"}),
    ("huyen", {"dinh-quan", "hoi-nghi", "dong-song", "quan-doi"}),
    ("huyện", {"dinh-quan", "hoi-nghi", "dong-song", "quan-doi"}),
    ("hoi", {"dinh-lang", "hoi-nghi", "hoi-dap", "dong-hoa"}),
    ("hội", {"dinh-lang", "hoi-nghi", "hoi-dap", "dong-hoa"}),
    (nfd("hỏi"), {"dinh-lang", "hoi-nghi", "hoi-dap", "dong-hoa"}),
    ('"hội nghị"', {"hoi-nghi"}),
    ("dong", {"dinh-quan", "dong-hoa", "dong-bao", "dong-song", "thuy-loi", "tan-phu"}),
    ("Đồng Nai", {"dinh-quan", "tan-phu"}),
    ('"dong nai"', {"dinh-quan", "tan-phu"}),
    ("thuỷ lợi", {"thuy-loi"}),
    ("thủy lợi", {"thuy-loi"}),
    ("thuy loi", {"thuy-loi"}),
    ("đường", {"duong", "quan-doi"}),
    ("ĐƯỜNG GIAO THÔNG", {"duong"}),
    ('"vắc xin"', {"vac-xin", "covid"}),
    ("vắc-xin", {"vac-xin", "covid"}),
    ("dat dai", {"hoi-dap"}),
    ("Dầu Tiếng", {"ho-dau-tieng"}),
    ("sông", {"dong-song", "tan-phu"}),
    ('"nông thôn"', {"hoi-nghi", "duong"}),
    ("Hà Nội", set()),
    ("Covid-19", {"covid"}),
    ("35-NQ/TW", {"nghi-quyet"}),
    ("35-nq/tw", {"nghi-quyet"}),
    ('"', set()),
    ("Định Quán -ngũ", {"dinh-quan"}),
    ("Định Quán NOT ngũ", {"dinh-quan"}),
    ("sầu riêng, Định Quán", {"dinh-quan"}),
    ("Nông dân AND sầu riêng", {"dinh-quan"}),
    ("Dầu Tiếng OR sông", {"ho-dau-tieng", "dong-song", "tan-phu"}),
    ("thuy*", {"thuy-loi", "dong-hoa"}),
    ("-dinh", set()),
    ('NEAR(dinh quan) col:x ^a (', set()),
]
QUERY_IDS = [
    "ascii", "diacritics", "upper-case", "nfd", "phrase-ascii", "phrase-diacritics", "dj-letter", "d-for-dj",
    "huyen-ascii", "huyen", "hoi-ascii", "hoi-heavy", "hoi-hook-nfd", "phrase-hoi-nghi", "dong-ascii",
    "dong-nai-words", "dong-nai-phrase", "old-style-tone", "new-style-tone", "tone-ascii", "duong-lower",
    "upper-three-words", "hyphen-as-space", "hyphenated", "dat-dai-ascii", "place-name", "song", "phrase-nong-thon",
    "no-match", "covid-19", "document-number", "document-number-lower", "lone-quote", "minus-term", "not-term",
    "comma-terms", "and-terms", "or-terms", "prefix", "only-excluded", "fts5-syntax-as-text",
]


@pytest.fixture(scope="module")
def known_archive(tmp_path_factory):
    """A real archive file holding the 14 articles, written through Archive.save."""
    db = tmp_path_factory.mktemp("search") / "archive.db"
    archive = Archive(db)
    archive.upsert_portals([Portal("test.search", "Cổng thử tìm kiếm", "Đồng Nai", "Huyện Thử", "district",
                                   "http://127.0.0.1:9/")])
    for key, (title, text) in CORPUS.items():
        url = f"http://127.0.0.1:9/news/{key}.html"
        archive.save(Article(portal_id="test.search", url=url, canonical_url=url, title=title, text=text,
                             published_at=PUBLISHED[key], date_precision="minute",
                             content_hash=content_hash(title + "\n" + text)))
    archive.close()
    return db


@pytest.fixture(scope="module")
def datasette(known_archive):
    with served(known_archive) as base:
        yield base


KEY_OF_TITLE = {title: key for key, (title, _) in CORPUS.items()}


def searched(datasette: str, query: str) -> set[str]:
    """Return the article keys Datasette's table search (?_search=, as the search box sends it) finds."""
    data = get_json(f"{datasette}/archive/news.json?" + urlencode({"_search": query, "_col": "title", "_size": 100,
                                                                  "_shape": "objects"}))
    return {KEY_OF_TITLE[row["title"]] for row in data["rows"]}


@pytest.mark.parametrize(("query", "expected"), QUERIES, ids=QUERY_IDS)
def test_table_search_finds_exactly_the_expected_articles(datasette, query, expected):
    assert searched(datasette, query) == expected


def canned(datasette: str, name: str, query: str) -> list[str]:
    """Return the article keys a search canned query (search, search_ranked) finds, in its order."""
    data = get_json(f"{datasette}/archive/{name}.json?" + urlencode({"q": query, "_shape": "objects"}))
    return [KEY_OF_TITLE[row["title"]] for row in data["rows"]]


@pytest.mark.parametrize(("query", "expected"), QUERIES, ids=QUERY_IDS)
def test_search_query_finds_the_same_articles_newest_first(datasette, query, expected):
    found = canned(datasette, "search", query)
    assert found == sorted(expected, key=PUBLISHED.get, reverse=True)


@pytest.mark.parametrize(("query", "expected"), QUERIES, ids=QUERY_IDS)
def test_ranked_search_lists_the_terms_together_first(datasette, query, expected):
    assert set(canned(datasette, "search_ranked", query)[:len(expected)]) == expected


def test_ranked_search_then_finds_the_syllables_apart(datasette):
    found = canned(datasette, "search_ranked", "dinh quan")
    assert (found[0], set(found[:2]), found[2:]) == ("dinh-quan", {"dinh-quan", "quan-doi"}, ["dinh-doc-lap"])


def test_an_empty_canned_search_lists_nothing_without_an_error(datasette):
    assert (canned(datasette, "search", ""), canned(datasette, "search_ranked", "")) == ([], [])


def test_an_empty_search_box_lists_every_article(datasette):
    assert len(searched(datasette, "")) == len(CORPUS)


def test_search_key_follows_a_changed_date(known_archive, tmp_path):
    copy = tmp_path / "archive.db"
    copy.write_bytes(known_archive.read_bytes())
    archive = Archive(copy)
    archive.db.execute("UPDATE articles SET published_at = '2030-01-01T08:00:00+07:00' WHERE title LIKE 'Dinh Độc Lập%'")
    archive.db.conn.commit()
    newest = archive.db.execute("SELECT a.title FROM articles_fts f JOIN articles a ON a.search_key = f.rowid "
                                "WHERE articles_fts MATCH 'dinh' ORDER BY f.rowid DESC LIMIT 1").fetchone()[0]
    archive.close()
    assert newest == "Dinh Độc Lập đón khách tham quan"


@pytest.mark.parametrize(("query", "expected"), [("Định Quán", 2), ("Covid-19", 1), ("35-NQ/TW", 1), ("vắc-xin", 2), ('"', 0)],
                         ids=["place", "covid-19", "document-number", "hyphenated", "lone-quote"])
def test_export_search_reads_queries_the_same_way(known_archive, tmp_path, query, expected):
    out = tmp_path / "found.jsonl"
    result = run_govnews("export", "--db", str(known_archive), "--format", "jsonl", "--search", query,
                         "-o", str(out), cwd=tmp_path)
    assert (result.returncode, len(out.read_text(encoding="utf-8").splitlines())) == (0, expected), result.stderr
