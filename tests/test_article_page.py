"""The reading room's article page (`/-/article/<id>`), served by a real Datasette from a known archive (#19).

The archive: an article of a district portal that was edited once (its earlier text is a
version), the same release republished by a commune portal (a near-duplicate cluster), another
article of the district that the first links to, and the district's stored page with a script,
an image and links to an archived and an unarchived article on the portal's host.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request

import pytest

from scraper.archive import Archive
from scraper.datasette.plugin.article import SIBLINGS_SQL, VERSIONS_SQL
from scraper.fingerprint import content_hash
from scraper.items import Article
from scraper.registry import Portal
from tests.conftest import served

HOST = "http://dinhquan.dongnai.gov.vn"
TITLE = "Định Quán khánh thành cầu Suối Đá"
BEFORE = ["Sáng 4/3, UBND huyện Định Quán khánh thành cầu Suối Đá nối hai xã Phú Tân và Phú Vinh.",
          "Cầu dài 42 m, rộng 7 m, tổng vốn đầu tư 21,4 tỷ đồng từ ngân sách huyện.",
          "Công trình giúp người dân đi lại thuận tiện trong mùa mưa."]
AFTER = [BEFORE[0], "Cầu dài 42 m, rộng 7 m, tổng vốn đầu tư 12,4 tỷ đồng từ ngân sách huyện.", BEFORE[2],
         "Huyện sẽ trồng cây xanh dọc hai đầu cầu trong tháng 4."]
PAGE = f"""<!DOCTYPE html><html><head><title>{TITLE}</title><script>fetch('{HOST}/dem-luot-xem')</script>
<link rel="stylesheet" href="{HOST}/themes/default/style.css"></head><body><h1>{TITLE}</h1>
<img src="{HOST}/uploads/cau-suoi-da.jpg"><p>{AFTER[0]}</p>
<a href="/tin/le-khoi-cong-2.html">Lễ khởi công</a> <a href="{HOST}/tin/khong-luu-3.html">Tin chưa lưu</a>
</body></html>""".encode()


def article(portal: str, url: str, title: str, paragraphs: list[str], **fields) -> Article:
    text = "\n\n".join(paragraphs)
    return Article(portal_id=portal, url=url, canonical_url=url, title=title, text=text,
                   content_hash=content_hash(title + "\n" + text), **fields)


@pytest.fixture(scope="module")
def known(tmp_path_factory):
    db = tmp_path_factory.mktemp("article-page") / "archive.db"
    archive = Archive(db)
    archive.upsert_portals([
        Portal("test.dinh-quan", "Cổng TTĐT huyện Định Quán", "Đồng Nai", "Huyện Định Quán", "district", HOST + "/",
               status="offline", successor="Xã Định Quán"),
        Portal("test.phu-vinh", "Cổng TTĐT xã Phú Vinh", "Đồng Nai", "Xã Phú Vinh", "commune", "http://phuvinh.test/")])
    common = {"published_at": "2025-03-04T09:15:00+07:00", "published_raw": "04/03/2025 09:15", "date_precision": "minute",
              "author": "Minh Trí"}
    archive.save(article("test.dinh-quan", f"{HOST}/tin/khanh-thanh-cau-1.html", TITLE, BEFORE, **common))
    archive.save(article("test.dinh-quan", f"{HOST}/tin/khanh-thanh-cau-1.html", TITLE, AFTER, **common,
                         raw_html=PAGE, raw_headers={"Content-Type": "text/html; charset=utf-8"}, http_status=200))
    archive.save(article("test.dinh-quan", f"{HOST}/tin/le-khoi-cong-2.html", "Lễ khởi công đường ĐT 763",
                         ["Huyện Định Quán khởi công nâng cấp đường ĐT 763 dài 12 km qua ba xã."] * 2,
                         published_at="2025-01-10T08:00:00+07:00"))
    archive.save(article("test.phu-vinh", "http://phuvinh.test/tin/cau-suoi-da.html", TITLE, AFTER, **common))
    ids = {row[0]: row[1] for row in archive.db.execute("SELECT url, id FROM articles")}
    archive.close()
    with served(db) as base:
        yield {"base": base, "ids": ids, "first": ids[f"{HOST}/tin/khanh-thanh-cau-1.html"],
               "linked": ids[f"{HOST}/tin/le-khoi-cong-2.html"], "sibling": ids["http://phuvinh.test/tin/cau-suoi-da.html"]}


def fetch(url: str) -> tuple[int, dict, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, {}, exc.read().decode("utf-8", "replace")


@pytest.fixture(scope="module")
def article_html(known) -> str:
    return fetch(f"{known['base']}/-/article/{known['first']}")[2]


def text_of(html: str, css_class: str) -> str:
    match = re.search(rf'class="{css_class}"[^>]*>(.*?)</', html, re.DOTALL)
    return re.sub(r"\s+", " ", match.group(1)).strip() if match else ""


def test_the_page_shows_the_title(article_html):
    assert text_of(article_html, "article-title") == TITLE


def test_the_page_shows_each_paragraph_of_the_current_text(article_html):
    body = article_html.split('class="article-text"')[1].split("</div>")[0]
    assert re.findall(r"<p>(.*?)</p>", body) == AFTER


def test_the_page_names_the_portal_its_province_level_and_successor(article_html):
    assert all(part in article_html for part in ("Cổng TTĐT huyện Định Quán", "Đồng Nai, district", "successor: Xã Định Quán"))


def test_the_page_shows_the_date_as_printed_and_as_stored(article_html):
    assert (text_of(article_html, "printed"), '<time datetime="2025-03-04T09:15:00+07:00">' in article_html) == ("04/03/2025 09:15", True)


def test_the_earlier_text_is_shown_with_what_changed(article_html):
    diff = article_html.split('class="diff"')[1].split("</div>")[0]
    assert (re.findall(r"<del>(.*?)</del>", diff), re.findall(r"<ins>(.*?)</ins>", diff)) == (
        [BEFORE[1]], [AFTER[1], AFTER[3]])


def test_the_same_release_on_another_portal_is_listed(article_html, known):
    siblings = article_html.split('class="siblings"')[1].split("</section>")[0]
    assert re.findall(r'href="/-/article/(\d+)"', siblings) == [str(known["sibling"])]


def test_the_apa_citation(article_html, known):
    assert text_of(article_html, "cite-apa") == (
        f"Minh Trí. (2025, March 4). {TITLE}. Cổng TTĐT huyện Định Quán. {HOST}/tin/khanh-thanh-cau-1.html. "
        f"Archived in govnews: {known['base']}/-/article/{known['first']}")


def test_the_chicago_citation(article_html, known):
    assert text_of(article_html, "cite-chicago") == (
        f"Minh Trí. “{TITLE}.” Cổng TTĐT huyện Định Quán, March 4, 2025. {HOST}/tin/khanh-thanh-cau-1.html. "
        f"Archived in govnews: {known['base']}/-/article/{known['first']}.")


def test_the_bibtex_download(known):
    status, headers, body = fetch(f"{known['base']}/-/article/{known['first']}.bib")
    assert (status, headers["content-disposition"], body) == (200, f'attachment; filename="govnews-{known["first"]}.bib"', (
        f"@online{{govnews{known['first']},\n  author = {{{{Minh Trí}}}},\n  title = {{{{{TITLE}}}}},\n"
        f"  organization = {{{{Cổng TTĐT huyện Định Quán}}}},\n  url = {{{HOST}/tin/khanh-thanh-cau-1.html}},\n"
        f"  note = {{Archived in govnews: {known['base']}/-/article/{known['first']}}},\n  language = {{vietnamese}},\n"
        f"  date = {{2025-03-04}}\n}}\n"))


def test_the_csl_json_download(known):
    status, headers, body = fetch(f"{known['base']}/-/article/{known['first']}.json")
    item = json.loads(body)[0]
    assert (status, item["title"], item["author"], item["issued"], item["container-title"], item["archive_location"]) == (
        200, TITLE, [{"literal": "Minh Trí"}], {"date-parts": [[2025, 3, 4]]}, "Cổng TTĐT huyện Định Quán",
        f"{known['base']}/-/article/{known['first']}")


@pytest.fixture(scope="module")
def archived(known):
    return fetch(f"{known['base']}/-/article/{known['first']}/archived")


def test_the_archived_page_may_run_and_load_nothing(archived):
    assert archived[1]["content-security-policy"] == (
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; "
        "frame-ancestors 'self'; sandbox allow-top-navigation-by-user-activation")


def test_the_archived_page_has_no_script(archived):
    assert ("<script" in archived[2], "dem-luot-xem" in archived[2]) == (False, False)


def test_a_link_to_an_archived_article_points_into_the_archive(archived, known):
    assert f'href="/-/article/{known["linked"]}"' in archived[2]


def test_a_link_to_an_unarchived_page_is_inert(archived):
    assert re.findall(r'<a[^>]*title="([^"]*khong-luu[^"]*)"[^>]*>', archived[2]) == [f"{HOST}/tin/khong-luu-3.html"] \
        and 'href="http' not in archived[2]


def test_the_news_list_links_each_title_to_its_article_page(known):
    html = fetch(f"{known['base']}/archive/news?_sort=id")[2]
    assert re.findall(r'class="article-link" href="/-/article/(\d+)">' + re.escape(TITLE), html)[:1] == [str(known["first"])]


def test_the_news_list_shows_a_snippet_not_the_whole_text(known):
    html = fetch(f"{known['base']}/archive/news?_sort=id")[2]
    assert (AFTER[3] in html.split("<tbody>")[1].split('title="')[0], 'class="snippet"' in html) == (False, True)


def test_an_articles_row_page_is_the_article_page(known):
    status, _, html = fetch(f"{known['base']}/archive/articles/{known['first']}")
    assert (status, text_of(html, "article-title")) == (200, TITLE)


def test_an_articles_row_keeps_its_json(known):
    status, _, body = fetch(f"{known['base']}/archive/articles/{known['first']}.json?_shape=objects")
    assert (status, json.loads(body)["rows"][0]["title"]) == (200, TITLE)


def test_an_unknown_article_is_not_found(known):
    assert fetch(f"{known['base']}/-/article/999999")[0] == 404


# --- in a browser (Debian's chromium, the fixtures of tests/conftest.py) -----------------------


def test_a_researcher_opens_an_article_from_the_news_list_and_cites_it(page, known):
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(f"{known['base']}/archive/news?portal_id=test.dinh-quan")
    page.locator("a.article-link", has_text=TITLE).first.click()
    page.wait_for_url(f"**/-/article/{known['first']}")
    framed = page.frame_locator("iframe.archived-page").locator("body").inner_text()
    deleted = page.locator("section.versions del").all_inner_texts()
    siblings = page.locator("section.siblings a").all_inner_texts()
    with page.expect_download() as bibtex:
        page.locator("a.download-bibtex").click()
    with page.expect_download() as csl:
        page.locator("a.download-csl").click()
    bib, csl_items = bibtex.value.path().read_text(encoding="utf-8"), json.loads(csl.value.path().read_text(encoding="utf-8"))
    off_archive = [url for url in requested if not url.startswith(known["base"])]
    framed_page = f"{known['base']}/-/article/{known['first']}/archived" in requested  # the listener saw the frame load
    assert (AFTER[0] in framed, deleted, siblings, bib.startswith(f"@online{{govnews{known['first']},"),
            csl_items[0]["title"], framed_page, off_archive) == (True, [BEFORE[1]], [TITLE], True, TITLE, True, [])


def test_bibtex_escapes_what_bibtex_reads_as_commands():
    from scraper.datasette.plugin.article import citation
    cited = citation({"id": 7, "title": "Giải ngân đạt 95% kế hoạch {quý I} & vốn_ODA", "portal_id": "p", "portal_name": "Cổng A",
                      "author": "", "url": "http://a.vn/tin_1.html", "published_at": None}, "http://h/-/article/7")
    assert cited["bibtex"].splitlines()[1:3] == [
        "  author = {{Cổng A}},", r"  title = {{Giải ngân đạt 95\% kế hoạch \{quý I\} \& vốn\_ODA}},"]


def query_plan(conn, sql: str, params: list) -> str:
    return " ".join(row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}", params).fetchall())


def test_an_articles_versions_are_read_from_an_index_not_the_whole_table(tmp_path):
    archive = Archive(tmp_path / "archive.db")
    plans = [query_plan(archive.db.conn, sql, params) for sql, params in (
        (VERSIONS_SQL, [1]),  # the article page's list, and a save asking whether a text is a version already
        ("SELECT 1 FROM article_versions WHERE article_id = ? AND content_hash = ?", [1, "h"]))]
    archive.close()
    assert ["INDEX idx_article_versions_article_id_content_hash" in plan for plan in plans] == [True, True]


def test_an_articles_siblings_are_read_from_the_cluster_index_when_most_articles_have_no_cluster(tmp_path):
    archive = Archive(tmp_path / "archive.db")
    conn = archive.db.conn
    conn.execute("INSERT INTO portals (id, name, base_url, family) VALUES ('p', 'p', 'http://p.example/', 'nukeviet')")
    conn.executemany("INSERT INTO articles (portal_id, url, canonical_url, title, published_at, cluster_id) "
                     "VALUES ('p', ?, ?, 't', ?, ?)",
                     [(f"http://p.example/{n}", f"http://p.example/{n}", f"2024-01-{1 + n % 28:02d}", 7 if n < 3 else None)
                      for n in range(2000)])
    conn.execute("ANALYZE")  # as `govnews publish` does
    plan = query_plan(conn, SIBLINGS_SQL, [7, 1])
    archive.close()
    assert "USING INDEX idx_articles_cluster_id" in plan
