"""The web-archive formats as the services send them (scraper/webarchive.py; examples in docs/web-archives.md)."""

from __future__ import annotations

import json

import pytest

from scraper.demo.webarchive import pywb_filter
from scraper.webarchive import (CC_HTML_FILTER, Capture, FormatError, cc_index_apis, cc_range, parse_cc_index, parse_cc_pages,
                                parse_wayback_cdx, replay_timestamp)

JSON_PAGE = json.dumps([
    ["urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length"],
    ["vn,gov,dongnai,dinhquan)/news/tin-1.html", "20190314084512", "http://dinhquan.dongnai.gov.vn/news/tin-1.html",
     "text/html", "200", "AB3VQ5VQ4ZC2K5B7RZ6T4WLQ2K5CD3XY", "10732"],
    [], ["vn,gov,dongnai,dinhquan)/news/tin-2.html 20190401000000"],
]).encode()
TEXT_PAGE = (b"vn,gov,dongnai,dinhquan)/news/tin-1.html 20190314084512 http://dinhquan.dongnai.gov.vn/news/tin-1.html "
             b"text/html 200 AB3VQ5VQ4ZC2K5B7RZ6T4WLQ2K5CD3XY 10732\n\nvn%2Cgov%2Cdongnai+20190401000000\n")


def test_json_cdx_page_gives_its_captures_and_resume_key():
    captures, resume = parse_wayback_cdx(JSON_PAGE)
    assert ([(c.original, c.captured_at) for c in captures], resume) == (
        [("http://dinhquan.dongnai.gov.vn/news/tin-1.html", "2019-03-14T08:45:12+00:00")],
        "vn,gov,dongnai,dinhquan)/news/tin-2.html 20190401000000")


def test_text_cdx_page_gives_its_captures_and_resume_key():
    captures, resume = parse_wayback_cdx(TEXT_PAGE)
    assert ([c.digest for c in captures], resume) == (["AB3VQ5VQ4ZC2K5B7RZ6T4WLQ2K5CD3XY"], "vn%2Cgov%2Cdongnai+20190401000000")


def test_last_cdx_page_has_no_resume_key():
    assert parse_wayback_cdx(JSON_PAGE.replace(b', [], ["vn,gov,dongnai,dinhquan)/news/tin-2.html 20190401000000"]', b""))[1] == ""


def test_a_broken_cdx_line_is_a_format_error():
    with pytest.raises(FormatError, match="CDX line has 3 fields"):
        parse_wayback_cdx(b"a b c\n")


def test_a_revisit_is_not_an_html_page():
    assert Capture("http://x/", "20190101000000", mimetype="warc/revisit", status="-").is_html_page() is False


def test_the_nearest_capture_redirect_gives_the_capture_time():
    assert replay_timestamp("https://web.archive.org/web/20190314084515id_/http://dinhquan.dongnai.gov.vn/news/tin-1.html") \
        == "20190314084515"


def test_collinfo_crawls_are_chosen_by_year():
    collinfo = json.dumps([{"id": f"CC-MAIN-{y}-10", "cdx-api": f"https://index.commoncrawl.org/CC-MAIN-{y}-10-index"}
                           for y in (2024, 2020, 2017)]).encode()
    assert cc_index_apis(collinfo, "2018", "2022") == ["https://index.commoncrawl.org/CC-MAIN-2020-10-index"]


def test_common_crawl_index_lines_give_the_record_range():
    line = {"urlkey": "vn,gov,dongnai,dinhquan)/news/tin-1.html", "timestamp": "20200214120000",
            "url": "http://dinhquan.dongnai.gov.vn/news/tin-1.html", "mime": "text/html", "status": "200",
            "digest": "X", "length": "5120", "offset": "104857600",
            "filename": "crawl-data/CC-MAIN-2020-10/segments/1581875143373.18/warc/CC-MAIN-20200217-00000.warc.gz"}
    capture = parse_cc_index(json.dumps(line).encode() + b"\n")[0]
    assert cc_range(capture) == "bytes=104857600-104862719"


def test_the_page_count_answer_is_read():
    assert parse_cc_pages(b'{"pageSize": 5, "blocks": 12, "pages": 3}') == 3


# pywb's filter language, which Common Crawl's index server runs (pywb docs/manual/cdxserver_api.rst;
# CDXFilter in pywb/warcserver/index/cdxops.py): the stand-in must read a filter as pywb does.
INDEX_ROW = {"urlkey": "vn,gov,dongnai,dinhquan)/pages/newsdetail.aspx?newsid=7", "timestamp": "20190312084512",
             "url": "http://dinhquan.dongnai.gov.vn/Pages/newsdetail.aspx?NewsId=7", "mime": "text/html",
             "status": "200", "digest": "AAAA", "length": "2048", "offset": "0", "filename": "crawl.warc.gz"}


@pytest.mark.parametrize("expression, kept", [
    ("=status:200", True),           # exact
    ("=status:20", False),
    ("~mime:html", False),           # a regex matched from the start: "html" is not where text/html starts
    ("~mime:text/", True),
    ("mime:html", True),             # no modifier: contains
    ("!=status:200", False),         # negation
    ("!~mime:image/", True),
    ("=statuscode:200", True),       # pywb's other names of a field
    ("~mimetype:text/html", True),
])
def test_the_index_stand_in_reads_filters_as_pywb(expression, kept):
    assert pywb_filter(expression)(INDEX_ROW) is kept


def test_the_html_filter_keeps_html_and_xhtml_pages_only():
    keep = pywb_filter(CC_HTML_FILTER)
    kinds = ["text/html", "application/xhtml+xml", "text/htmlx", "application/pdf", "warc/revisit"]
    assert [mime for mime in kinds if keep({**INDEX_ROW, "mime": mime})] == ["text/html", "application/xhtml+xml"]


# --- the Wayback stand-in against the examples of the CDX server's README -----------------------
# internetarchive/wayback, wayback-cdx-server/README.md: the key of http://www.archive.org:80/ and
# http://archive.org:80/ is `org,archive)/`; `url=archive.org/*` is a prefix query; `filter=[!]field:regex`
# (a Java regex matching the whole field); `collapse=digest` drops adjacent rows with the previous digest.

README_CAPTURES = [("http://www.archive.org:80/", "19970126045828", "Q4YU"), ("http://www.archive.org:80/", "19971011050034", "XAHD"),
                   ("http://www.archive.org:80/", "19971211122953", "XAHD"), ("http://archive.org:80/", "19980109140106", "XAHD"),
                   ("https://archive.org/about/", "20010101000000", "ABOU"), ("http://archive.org/about/x.gif", "20010101000000", "GIF0")]


def readme_cdx(**query) -> list[list[str]]:
    from scraper.demo.webarchive import StoredCapture, WaybackService
    captures = [StoredCapture(url, ts, digest.encode(), mimetype="image/gif" if url.endswith(".gif") else "text/html")
                for url, ts, digest in README_CAPTURES]
    service = WaybackService(captures)
    params = {key: value if isinstance(value, list) else [value] for key, value in query.items()}
    return json.loads(service.cdx({"output": ["json"], **params}).body)[1:]


@pytest.mark.parametrize("url, keys", [
    ("archive.org", ["org,archive)/"] * 4),  # exact: every form of the host's root, www. and :80 folded
    ("www.archive.org", ["org,archive)/"] * 4),
    ("archive.org/*", ["org,archive)/"] * 4 + ["org,archive)/about/", "org,archive)/about/x.gif"]),
    ("archive.org/about/*", ["org,archive)/about/", "org,archive)/about/x.gif"]),
])
def test_the_wayback_stand_in_matches_urls_by_surt_key(url, keys):
    assert [row[0] for row in readme_cdx(url=url)] == keys


@pytest.mark.parametrize("filters, originals", [
    (["mimetype:text/html"], ["http://www.archive.org:80/"] * 3 + ["http://archive.org:80/", "https://archive.org/about/"]),
    (["!mimetype:text/html"], ["http://archive.org/about/x.gif"]),
    (["mimetype:html"], []),  # a whole-field match, not "contains"
    (["original:.*about.*"], ["https://archive.org/about/", "http://archive.org/about/x.gif"]),
])
def test_the_wayback_stand_in_filters_as_the_readme_says(filters, originals):
    assert [row[2] for row in readme_cdx(url="archive.org/*", filter=filters)] == originals


def test_the_wayback_stand_in_collapses_adjacent_digests_only():
    assert [row[1] for row in readme_cdx(url="archive.org", collapse="digest")] == ["19970126045828", "19971011050034"]
