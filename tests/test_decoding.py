"""Bytes as text (#20): a page whose bytes do not match its label, damaged UTF-8, a label that cannot be right.

Every reading that replaced bytes (U+FFFD) is noted in `encoding_note`, and a page is read clean
when any candidate encoding reads it clean. The pages are an article of the demo's NukeViet
replica in Vietnamese, encoded as real portals serve them.
"""

from __future__ import annotations

import unicodedata

import pytest

from scraper.archive import Archive
from scraper.extract import decode_page, extract_article
from scraper.items import Article

TITLE = "Huyện Định Quán tổ chức hội nghị tổng kết công tác năm 2024"
PARAGRAPHS = ["Sáng 20/12, UBND huyện Định Quán tổ chức hội nghị tổng kết công tác năm 2024, triển khai nhiệm vụ năm 2025.",
              "Năm qua, huyện đạt 15/17 chỉ tiêu; thu ngân sách vượt 12% dự toán, xây dựng thêm 3 xã nông thôn mới nâng cao.",
              "Đồng chí Chủ tịch UBND huyện yêu cầu các phòng, ban đẩy mạnh chuyển đổi số, cải cách thủ tục hành chính."]
SHAPES = {"\u0302", "\u0306", "\u031b"}  # circumflex, breve, horn: windows-1258 composes them with the letter


def page(charset_label: str) -> str:
    meta = f'<meta charset="{charset_label}">' if charset_label else ""
    body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return (f"<!DOCTYPE html><html><head>{meta}<title>{TITLE}</title></head><body><div class='news-content'>"
            f"<h1>{TITLE}</h1><span class='date'>20/12/2024 09:15</span>{body}</div></body></html>")


def windows_1258(text: str) -> bytes:
    """Encode as windows-1258 does: letters with their shape precomposed, tones as combining marks."""
    out = b""
    for char in text:
        try:
            out += char.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        base, *marks = unicodedata.normalize("NFD", char)
        shaped = unicodedata.normalize("NFC", base + "".join(m for m in marks if m in SHAPES))
        out += (shaped + "".join(m for m in marks if m not in SHAPES)).encode("cp1258")
    return out


def damaged_utf8(text: str, bad: int) -> bytes:
    """UTF-8 with `bad` stray 0xFF bytes put between words of the first paragraph."""
    body = text.encode("utf-8")
    first = body.index(PARAGRAPHS[0].split()[1].encode())
    for n in range(bad):
        at = body.index(b" ", first + 1 + n * 3)
        body = body[:at] + b"\xff" + body[at:]
    return body


def extracted(body: bytes):
    return extract_article(body, "http://dinhquan.dongnai.gov.vn/tin-tuc/hoi-nghi-tong-ket-2024.html", known_article=True)


def test_windows_1258_under_a_utf8_label_is_read_clean():
    assert extracted(windows_1258(page("utf-8"))).text == "\n\n".join(PARAGRAPHS)


def test_windows_1258_under_a_utf8_label_is_noted():
    assert extracted(windows_1258(page("utf-8"))).encoding_note.startswith(
        "labelled utf-8; read as cp1258 (")


def test_windows_1258_unlabelled_is_read_clean_without_a_note():
    result = extracted(windows_1258(page("")))
    assert (result.title, result.encoding_note) == (TITLE, "")


def test_a_utf16_label_on_a_single_byte_page_keeps_the_article():
    result = extracted(windows_1258(page("utf-16")))
    assert (result.title, result.encoding_note) == (TITLE, "labelled utf-16; read as cp1258 (1 characters replaced, its markup lost)")


def test_damaged_utf8_stays_utf8_with_its_damage_noted():
    result = extracted(damaged_utf8(page("utf-8"), 9))
    assert (result.text.count("\ufffd"), result.encoding_note, result.title) == (
        9, "utf-8 with 9 characters replaced (U+FFFD)", TITLE)


def test_clean_utf8_has_no_note():
    assert extracted(page("utf-8").encode("utf-8")).encoding_note == ""


@pytest.mark.parametrize("label", ["utf-8", "windows-1258", "cp1252", "iso-8859-1", "utf-16", "no-such-charset", ""])
@pytest.mark.parametrize("encode", ["windows-1258", "utf-8 with 3 bad bytes", "utf-8 with 40 bad bytes", "cp1252 bytes"])
def test_no_reading_holds_a_replacement_character_without_a_note(label, encode):
    text = page(label)
    body = {"windows-1258": lambda: windows_1258(text), "utf-8 with 3 bad bytes": lambda: damaged_utf8(text, 3),
            "utf-8 with 40 bad bytes": lambda: damaged_utf8(text, 40),
            "cp1252 bytes": lambda: text.encode("cp1252", errors="replace") + bytes(range(0x80, 0xA0))}[encode]()
    decoded = decode_page(body)
    assert ("\ufffd" in decoded.text) <= bool(decoded.note)


def test_the_note_is_stored_with_the_article(tmp_path):
    result = extracted(damaged_utf8(page("utf-8"), 9))
    archive = Archive(tmp_path / "archive.db")
    archive.db.execute("INSERT INTO portals (id, name, base_url, family) VALUES ('dn.dq', 'x', 'http://x/', 'nukeviet')")
    url = "http://dinhquan.dongnai.gov.vn/tin-tuc/hoi-nghi-tong-ket-2024.html"
    archive.save(Article(portal_id="dn.dq", url=url, canonical_url=url, title=result.title, text=result.text,
                         encoding_note=result.encoding_note))
    stored = archive.db.execute("SELECT encoding_note FROM articles").fetchone()[0]
    archive.close()
    assert stored == "utf-8 with 9 characters replaced (U+FFFD)"


def test_heavily_damaged_utf8_is_read_as_utf8_not_as_clean_mojibake():
    decoded = decode_page(damaged_utf8(page("utf-8"), 40))
    assert (decoded.encoding, decoded.note, "Huyện Định Quán" in decoded.text) == (
        "utf-8", "utf-8 with 40 characters replaced (U+FFFD)", True)
