"""extract_article on every replica page (one assertion per field) and on hand-made hard cases."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from scraper.demo.sites import demo_sites
from scraper.extract import NotAnArticle, extract_article

SITES = demo_sites()
for number, site in enumerate(SITES):
    site.base_url = f"http://127.0.0.{11 + number}:8701"  # pages are rendered without a server here


def page(site, url: str) -> bytes:
    """Render one replica page directly."""
    parts = urlsplit(url)
    return site.handle("GET", parts.path, parse_qs(parts.query)).body


CASES = [(site, expected) for site in SITES for expected in site.expected()]
IDS = [f"{site.portal_id}-{e['url'].rsplit('/', 1)[-1].split('NewsId=')[-1]}" for site, e in CASES]


def extracted(site, expected):
    """Extract a replica article as generic would (no hints)."""
    return extract_article(page(site, expected["url"]), expected["url"])


@pytest.mark.parametrize(("site", "expected"), CASES, ids=IDS)
@pytest.mark.parametrize("field", ["title", "published_at", "author"])
def test_field_without_hints(site, expected, field):
    assert getattr(extracted(site, expected), field) == expected[field]


@pytest.mark.parametrize(("site", "expected"), [c for c in CASES if c[0].family == "nukeviet"],
                         ids=[i for i, c in zip(IDS, CASES) if c[0].family == "nukeviet"])
def test_nukeviet_summary_is_the_hometext(site, expected):
    assert extracted(site, expected).summary == expected["summary"]


@pytest.mark.parametrize("path", ["/news/", "/news/page-2", "/news/xay-dung-dang/"])
def test_nukeviet_listing_is_not_an_article(path):
    with pytest.raises(NotAnArticle):
        extract_article(page(SITES[0], SITES[0].base_url + path), SITES[0].base_url + path)


@pytest.mark.parametrize("path", ["/Pages/home.aspx", "/Pages/news.aspx?CatId=1&Page=2",
                                  "/Pages/newsdetail.aspx?CatId=1&NewsId=999"],
                         ids=["home", "listing", "soft-404"])
def test_sharepoint_non_articles_are_not_articles(path):
    with pytest.raises(NotAnArticle):
        extract_article(page(SITES[1], SITES[1].base_url + path), SITES[1].base_url + path)


BODY = "<p>" + "Ủy ban nhân dân huyện tổ chức hội nghị tổng kết công tác năm với nhiều nội dung quan trọng. " * 4 + "</p>"


def test_header_date_is_not_taken_when_the_article_shows_none():
    html = f"""<html><body><div class="top">Thứ sáu, ngày 4/3/2022</div>
    <div class="main"><h1>Tổng kết công tác năm</h1>{BODY}{BODY}</div></body></html>"""
    assert extract_article(html, "http://x/a").published_at is None


def test_date_inside_a_body_paragraph_is_not_the_publication_date():
    html = f"""<html><body><div class="main"><h1>Tổng kết công tác năm</h1>
    <p>Sáng ngày 01/8/2023, Ban Thường vụ Huyện ủy tổ chức hội nghị tổng kết với nhiều nội dung quan trọng và thiết thực cho địa phương.</p>
    {BODY}</div></body></html>"""
    assert extract_article(html, "http://x/a").published_at is None


def test_decomposed_page_text_is_stored_nfc():
    import unicodedata

    html = unicodedata.normalize("NFD", f"<html><body><div><h1>Định Quán tổng kết</h1>{BODY}{BODY}</div></body></html>")
    result = extract_article(html, "http://x/a")
    assert (result.title, unicodedata.is_normalized("NFC", result.text)) == ("Định Quán tổng kết", True)


def test_short_page_is_not_an_article():
    with pytest.raises(NotAnArticle, match="text too short"):
        extract_article("<html><body><h1>Thông báo</h1><p>Nghỉ lễ.</p></body></html>", "http://x/a")


def test_page_without_title_is_not_an_article():
    with pytest.raises(NotAnArticle, match="no title"):
        extract_article(f"<html><body>{BODY}</body></html>", "http://x/a")


def test_long_last_sentence_is_not_a_byline():
    html = f"<html><body><div><h1>Tổng kết công tác năm</h1>{BODY}<p>Hội nghị kết thúc lúc 11 giờ cùng ngày.</p></div></body></html>"
    assert extract_article(html, "http://x/a").author == ""


def test_layout_table_keeps_paragraphs_and_byline():
    html = f"""<html><body><table><tr><td><h1>Tổng kết công tác năm</h1>{BODY}{BODY}
    <p style="text-align:right">{"&nbsp;" * 80}Đoàn Lưu- BTGHU Như Xuân</p></td></tr></table></body></html>"""
    result = extract_article(html, "http://x/a")
    assert (result.author, "|" in result.text, result.text.count("\n\n")) == ("Đoàn Lưu- BTGHU Như Xuân", False, 1)


def test_credited_source_goes_to_credit_not_text():
    html = f"<html><body><div><h1>Tổng kết công tác năm</h1>{BODY}{BODY}<p>Nguồn: Báo Cần Thơ</p></div></body></html>"
    result = extract_article(html, "http://x/a")
    assert (result.credit, "Nguồn" in result.text) == ("Báo Cần Thơ", False)


def test_italic_paragraph_after_an_image_is_a_caption():
    html = f"""<html><body><div><h1>Tổng kết công tác năm</h1>{BODY}<p><img src="a.jpg"></p>
    <p><em>Quang cảnh hội nghị</em></p>{BODY}</div></body></html>"""
    result = extract_article(html, "http://x/a")
    assert (result.captions, "Quang cảnh" in result.text) == ("Quang cảnh hội nghị", False)


def test_italic_paragraph_without_an_image_stays_in_the_text():
    html = f"<html><body><div><h1>Tổng kết công tác năm</h1>{BODY}<p><em>Ghi chú của tòa soạn về hội nghị.</em></p>{BODY}</div></body></html>"
    assert extract_article(html, "http://x/a").captions == ""


@pytest.mark.parametrize(("head", "title"), [
    ("Tổng kết năm học 2023 - 2024: tỷ lệ tốt nghiệp THCS đạt 99,6% - Cổng thông tin điện tử huyện Định Quán",
     "Tổng kết năm học 2023 - 2024: tỷ lệ tốt nghiệp THCS đạt 99,6%"),
    ("Hội nghị sơ kết NQ số 35 - NQ/TW ngày 22 - 10 - 2018 | UBND huyện Vĩnh Thạnh",
     "Hội nghị sơ kết NQ số 35 - NQ/TW ngày 22 - 10 - 2018"),
    ("Cổng TTĐT huyện Vĩnh Thạnh | Đại hội Chi bộ - nhiệm kỳ 2025 - 2030", "Đại hội Chi bộ - nhiệm kỳ 2025 - 2030"),
    ("Đón nhận Huân chương Lao động - dinhquan.dongnai.gov.vn", "Đón nhận Huân chương Lao động"),
    ("Giao lưu văn nghệ - thể thao mừng Xuân", "Giao lưu văn nghệ - thể thao mừng Xuân"),
])
def test_head_title_loses_only_the_site_name(head, title):
    html = f'<html><head><title>{head}</title><meta property="og:type" content="article"></head><body><div>{BODY}{BODY}</div></body></html>'
    assert extract_article(html, "http://x/a").title == title


def test_site_name_from_og_site_name_is_removed():
    html = f"""<html><head><meta property="og:title" content="Tết ấm cho người nghèo - Huyện Vĩnh Thạnh">
    <meta property="og:site_name" content="Huyện Vĩnh Thạnh"><meta property="og:type" content="article"></head>
    <body><div>{BODY}{BODY}</div></body></html>"""
    assert extract_article(html, "http://x/a").title == "Tết ấm cho người nghèo"


def test_title_set_in_a_div_is_found_and_its_date_read():
    html = f"""<html><head><title>Tổng kết năm học 2023-2024 - Cổng TTĐT huyện</title></head><body>
    <div class="today">Thứ sáu, 04/12/2026</div><ul class="crumb"><li><a href="/">Tổng kết năm học 2023-2024</a></li></ul>
    <div class="main"><div class="tt-bai"><span>Tổng kết năm học 2023-2024</span></div><div class="ngay">Cập nhật: 30/05/2024</div>{BODY}{BODY}</div></body></html>"""
    result = extract_article(html, "http://x/a")
    assert (result.title, result.published_at) == ("Tổng kết năm học 2023-2024", "2024-05-30T00:00:00+07:00")


def test_comments_beside_the_title_are_passed_over():
    html = f"""<html><body><div><!-- banner -->Tin tức<div class="tt">Tổng kết công tác năm của huyện</div><!-- meta -->
    <div>Ngày 12/03/2024</div>{BODY}</div></body></html>"""
    result = extract_article(html, "http://x/a", known_article=True)
    assert (result.title, result.published_at) == ("Tổng kết công tác năm của huyện", "2024-03-12T00:00:00+07:00")
