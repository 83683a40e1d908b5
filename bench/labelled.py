"""The labelled page set (tests/labelled/): replica articles of every family plus hand-made hard cases.

Each page is <name>.html with <name>.gold.json beside it: url, family, title, published_at,
shows_time (whether the page shows a time of day), author, body (the paragraphs a reader calls
the article: lead and body, without captions, byline or furniture) and furniture (strings that
must not appear in the text).

    .venv/bin/python bench/labelled.py        # (re)write tests/labelled/ from the replicas and cases
"""

from __future__ import annotations

import json
import sys
import unicodedata
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scraper.demo.sites import FURNITURE, family_sites  # noqa: E402

FOLDER = ROOT / "tests" / "labelled"
PER_FAMILY = 9

BODY = [
    "Ủy ban nhân dân huyện tổ chức hội nghị tổng kết công tác năm 2024, đánh giá kết quả thực hiện các chỉ tiêu kinh tế - xã hội và triển khai nhiệm vụ năm 2025 với sự tham dự của lãnh đạo các xã, thị trấn.",
    "Năm 2024, tổng giá trị sản xuất trên địa bàn tăng 7,5% so với cùng kỳ; thu ngân sách đạt 112% dự toán; tỷ lệ hộ nghèo giảm còn 1,2%; 100% xã đạt chuẩn nông thôn mới.",
    "Phát biểu kết luận, Chủ tịch UBND huyện đề nghị các cơ quan, đơn vị tập trung tháo gỡ khó khăn, đẩy nhanh tiến độ giải ngân vốn đầu tư công và chuẩn bị tốt các điều kiện cho việc sắp xếp đơn vị hành chính.",
]


def _page(head: str, body: str) -> str:
    return f'<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">{head}</head><body>{body}</body></html>'


def _paras(paragraphs: list[str]) -> str:
    return "".join(f"<p>{p}</p>" for p in paragraphs)


def hard_cases() -> list[tuple[str, bytes, dict]]:
    """Return hand-made pages for the traps vn-portals.md and reliability.md describe."""
    cases = []

    def case(name, html, title, published_at, shows_time, author, body, furniture=(), encoding="utf-8"):
        gold = {"url": f"http://hard.example/{name}", "family": "hard", "title": title, "published_at": published_at,
                "shows_time": shows_time, "author": author, "body": body, "furniture": list(furniture)}
        cases.append((name, html.encode(encoding) if isinstance(html, str) else html, gold))

    header = '<div class="top">Thứ sáu, ngày 4/3/2022</div><ul class="menu"><li><a href="/">Trang chủ</a></li><li><a href="/gt">Giới thiệu</a></li></ul>'
    footer = '<div class="footer"><p>Bản quyền © 2019 Ủy ban nhân dân huyện. Chịu trách nhiệm: Chánh Văn phòng.</p></div>'
    title = "Hội nghị tổng kết công tác năm 2024 của Ủy ban nhân dân huyện"
    case("header-date-no-own-date", _page("<title>Tổng kết</title>", f"{header}<div class='main'><h1>{title}</h1>{_paras(BODY)}</div>{footer}"),
         title, None, False, "", BODY, ["Thứ sáu, ngày 4/3/2022", "Trang chủ", "Bản quyền"])
    case("dang-ngay", _page("", f"{header}<div class='main'><h1>{title}</h1><div>Đăng ngày 21 - 03 - 2023</div>{_paras(BODY)}</div>{footer}"),
         title, "2023-03-21T00:00:00+07:00", False, "", BODY, ["Đăng ngày", "Bản quyền"])
    case("worded-date", _page("", f"{header}<div class='main'><h1>{title}</h1><p class='date'>Cập nhật ngày 12 tháng 3 năm 2024</p>{_paras(BODY)}</div>{footer}"),
         title, "2024-03-12T00:00:00+07:00", False, "", BODY, ["Cập nhật ngày", "Bản quyền"])
    case("sa-ch-time", _page("", f"{header}<div class='main'><h1>{title}</h1><span>(07/06/2023 4:27 CH)</span>{_paras(BODY)}</div>{footer}"),
         title, "2023-06-07T16:27:00+07:00", True, "", BODY, ["Bản quyền"])
    case("liferay-time", _page("", f"<div class='main'><h1>{title}</h1><div class='meta'>15:55 | 10/07/2026</div>{_paras(BODY)}</div>"),
         title, "2026-07-10T15:55:00+07:00", True, "", BODY)
    case("url-date-conflict", _page('<meta property="article:published_time" content="2024-03-05T08:00:00+07:00">',
                                    f"<div class='main'><h1>{title}</h1><div class='ngay'>05/03/2024 08:00</div>{_paras(BODY)}</div>"),
         title, "2024-03-05T08:00:00+07:00", True, "", BODY)
    byline = '<p style="text-align:right"><strong>Nguyễn Văn An</strong></p>'
    case("byline", _page("", f"<div class='main'><h1>{title}</h1><div>Thứ Ba, 05/03/2024</div>{_paras(BODY)}{byline}</div>"),
         title, "2024-03-05T00:00:00+07:00", False, "Nguyễn Văn An", BODY)
    case("byline-with-unit", _page("", f"<div class='main'><h1>{title}</h1><div>05/03/2024</div>{_paras(BODY)}<p style='text-align:right'>{'&nbsp;' * 60}Đoàn Lưu- BTGHU Như Xuân</p></div>"),
         title, "2024-03-05T00:00:00+07:00", False, "Đoàn Lưu- BTGHU Như Xuân", BODY)
    nfd_title = unicodedata.normalize("NFD", title)
    case("nfd-text", _page("", f"<div class='main'><h1>{nfd_title}</h1><div>05/03/2024</div>{_paras([unicodedata.normalize('NFD', p) for p in BODY])}</div>"),
         title, "2024-03-05T00:00:00+07:00", False, "", BODY)
    zw_body = [BODY[0].replace("huyện", "huy\u200bện"), BODY[1].replace("ngân", "ng\u00adân"), BODY[2]]
    case("zero-width", _page("", f"<div class='main'><h1>{title}</h1><div>05/03/2024</div>{_paras(zw_body)}</div>"),
         title, "2024-03-05T00:00:00+07:00", False, "", BODY)
    win1258 = _page("", f"<div class='main'><h1>{title}</h1><div>05/03/2024</div>{_paras(BODY)}</div>").replace('charset="utf-8"', 'charset="windows-1258"')
    case("windows-1258", _encode_1258(win1258), title, "2024-03-05T00:00:00+07:00", False, "", BODY)
    unlabelled = win1258.replace('<meta charset="windows-1258">', "")
    case("windows-1258-no-charset", _encode_1258(unlabelled), title, "2024-03-05T00:00:00+07:00", False, "", BODY)
    escaped = [BODY[0].replace("nhân", "nh&amp;#226;n"), BODY[1], BODY[2]]
    escaped_title = title.replace("nhân", "nh&amp;#226;n").replace("Hội", "H&amp;#7897;i")
    case("double-escaped-entities", _page("", f"<div class='main'><h1>{escaped_title}</h1><div>05/03/2024</div>{_paras(escaped)}</div>"),
         title, "2024-03-05T00:00:00+07:00", False, "", BODY)
    table = f"<table><tr><td class='left'><ul><li><a href='/a'>Tin mới nhất một</a></li><li><a href='/b'>Tin mới nhất hai</a></li></ul></td><td><h1>{title}</h1><div>05/03/2024 09:15</div>{_paras(BODY)}</td></tr></table>"
    case("table-layout", _page("", table + footer), title, "2024-03-05T09:15:00+07:00", True, "", BODY, ["Tin mới nhất", "Bản quyền"])
    return cases


TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"  # grave, acute, tilde, hook above, dot below


def _encode_1258(text: str) -> bytes:
    """Encode Vietnamese text as Word's windows-1258 does: letters with their vowel marks, tone marks combining."""
    out = bytearray()
    for char in unicodedata.normalize("NFC", text):
        try:
            out += char.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        parts = unicodedata.normalize("NFD", char)
        letter = unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONE_MARKS))
        out += (letter + "".join(c for c in parts if c in TONE_MARKS)).encode("cp1258")
    return bytes(out)


def to_legacy(text: str, encoding: str) -> str:
    """Return Unicode text as a legacy font table writes it (viparse's table, reversed)."""
    from viparse.normalize.encodings import CHARMAPS

    pairs = sorted(((uni, legacy) for legacy, uni in CHARMAPS[encoding].pairs), key=lambda p: -len(p[0]))
    out, i, text = [], 0, unicodedata.normalize("NFC", text)
    while i < len(text):
        for uni, legacy in pairs:
            if uni and text.startswith(uni, i):
                out.append(legacy)
                i += len(uni)
                break
        else:
            # TCVN3 capitals lived in separate fonts (.VnTimeH) over the lowercase codes
            lower = text[i].lower()
            out.append(next((legacy for uni, legacy in pairs if uni == lower), text[i]))
            i += 1
    return "".join(out)


def legacy_cases() -> list[tuple[str, bytes, dict]]:
    """Return legacy-font pages: (name, bytes, gold) where gold has the Unicode truth and the expected flag."""
    # TCVN3 has codes for the capitals Ă Â Ê Ô Ơ Ư Đ only; other accented capitals lived in
    # separate fonts (.VnTimeH), which we do not convert yet: these texts avoid them.
    title = "Hội nghị tổng kết công tác năm 2024 của UBND huyện"
    body = [p.replace("Ủy ban nhân dân huyện", "UBND huyện") for p in BODY]
    cases = []
    for name, encoding, font, paragraphs, expected in (
        ("tcvn3-font", "tcvn3", '<font face=".VnTime">', body, "tcvn3"),
        ("tcvn3-content", "tcvn3", "", body, "tcvn3"),
        ("tcvn3-fragment", "tcvn3", "", ["Bảo Thắng, Mường Khương"] * 1, "?"),
    ):
        legacy_body = "".join(f"<p>{font}{to_legacy(p, encoding)}{'</font>' if font else ''}</p>" for p in paragraphs * (1 if expected != "?" else 12))
        html = (f'<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1252"></head>'
                f"<body><div class='main'><h1>{font}{to_legacy(title, encoding)}{'</font>' if font else ''}</h1><div>05/03/2024</div>{legacy_body}</div></body></html>")
        gold = {"url": f"http://hard.example/{name}", "family": "hard", "title": title, "published_at": "2024-03-05T00:00:00+07:00",
                "shows_time": False, "author": "", "body": list(paragraphs), "furniture": [], "legacy_encoding": expected}
        cases.append((name, html.encode("cp1252"), gold))
    return cases


def replica_pages() -> list[tuple[str, bytes, dict]]:
    """Return PER_FAMILY article pages of every family replica with their gold values."""
    pages = []
    for number, site in enumerate(family_sites()):
        site.base_url = f"http://127.0.0.{11 + number}:8701"
        for expected, article in list(zip(site.expected(), site.articles))[:PER_FAMILY]:
            parts = urlsplit(expected["url"])
            body = site.handle("GET", parts.path, parse_qs(parts.query)).body
            gold = {
                "url": expected["url"], "family": site.family, "title": expected["title"],
                "published_at": expected["published_at"], "shows_time": site.shows_time,
                "author": expected["author"],
                "body": ([expected["summary"]] if expected["summary"] and site.family not in ("sharepoint", "sharepoint_dated") else []) + expected["paragraphs"],
                "furniture": list(FURNITURE),
            }
            pages.append((f"{site.family}-{article.id}", body, gold))
    return pages


def load() -> list[tuple[str, bytes, dict]]:
    """Return every labelled page: (name, raw bytes, gold)."""
    return [
        (path.stem, path.read_bytes(), json.loads(path.with_suffix(".gold.json").read_text(encoding="utf-8")))
        for path in sorted(FOLDER.glob("*.html"))
    ]


def main() -> None:
    FOLDER.mkdir(parents=True, exist_ok=True)
    converted = [case for case in legacy_cases() if case[2]["legacy_encoding"] != "?"]
    for name, body, gold in replica_pages() + [(f"hard-{n}", b, g) for n, b, g in hard_cases() + converted]:
        (FOLDER / f"{name}.html").write_bytes(body)
        (FOLDER / f"{name}.gold.json").write_text(json.dumps(gold, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{len(list(FOLDER.glob('*.html')))} pages in {FOLDER}")


if __name__ == "__main__":
    main()
