"""Two dissolved district portals rescued from captures held by a real pywb index and a Wayback stand-in (#18).

The portals exist only as captures: a SharePoint portal (registered `auto`: nothing detected,
so no URL shape helps) and a WebSphere portal (articles and listings share one URL shape; its
pages carry portlet state in their paths). The captures are spread over the host's forms
(`www.` or bare, http or https, `:80`), over two Common Crawl crawls and over Wayback captures,
and hold what real archives hold beside articles: home pages, listings and their pages, menu
pages, a soft 404. Some articles were corrected between their captures: the portal is gone, so
its last word (the latest capture) is the current text.

Common Crawl's index is real pywb (.venv-pywb) over ZipNum indexes of the WARC files written
here; its data server (byte ranges of those files) and the Wayback Machine are stand-ins
following the services' documented semantics (docs/web-archives.md).
"""

from __future__ import annotations

import json
import urllib.request
from collections import Counter
from datetime import datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from warcio.archiveiterator import ArchiveIterator

from scraper.demo.pywb import PywbServer, missing_pywb
from scraper.demo.server import ReplicaServer
from scraper.demo.sites import SharePointSite, WebSphereSite, load_articles, synthetic_articles
from scraper.demo.webarchive import CommonCrawlData, CommonCrawlIndex, StoredCapture, WaybackService, common_crawl
from scraper.urls import canonical_url
from tests.conftest import rows, run_govnews, loopback_flags

SHAREPOINT_HOST, WEBSPHERE_HOST = "dinhquan.dongnai.gov.vn", "tanphu.dongnai.gov.vn"
FORMS = ("http://{}", "http://www.{}", "https://{}", "https://www.{}", "http://{}:80")
CORRECTED = ["Số liệu đã được đính chính: tổng vốn đầu tư năm 2021 là 12,4 tỷ đồng, không phải 21,4 tỷ đồng như đã đưa tin.",
             "Ủy ban nhân dân huyện đã bổ sung danh sách các xã hoàn thành tiêu chí trong tháng."]
OLD_CRAWL, NEW_CRAWL = "CC-MAIN-2019-35", "CC-MAIN-2021-10"


def page(site, url: str) -> bytes:
    """Return the replica's answer to a URL (the replica serves it as if it were still online)."""
    parts = urlsplit(url)
    path = parts.path.split("/!ut/p/")[0] + "/" if "/!ut/p/" in parts.path else parts.path
    reply = site.handle("GET", path or "/", parse_qs(parts.query))
    assert reply.status == 200, url
    return reply.body


def in_form(url: str, form: str, host: str) -> str:
    """Return a URL of the portal under one of its host's forms."""
    return form.format(host) + url.split(host, 1)[1]


def with_portlet_state(url: str, n: int) -> str:
    """Return a WebSphere article URL as a portlet view writes it: state in the path."""
    return url.replace("/wps/portal/", f"/wps/portal/!ut/p/z1/Z1_{n:012X}/dz/d5/L2dBISEvZ0FBIS9nQSEh/")


def story():
    """Return the two portals' sites and their captures: {crawl: [captures]} and the Wayback's list."""
    sharepoint = SharePointSite("test.sp", "Huyện Định Quán (đã giải thể)", "Đồng Nai", "Huyện Định Quán",
                                synthetic_articles(load_articles("articles_sharepoint"), 10, first_id=71_000))
    websphere = WebSphereSite("test.ws", "Huyện Tân Phú (đã giải thể)", "Đồng Nai", "Huyện Tân Phú",
                              synthetic_articles(load_articles("articles_nukeviet"), 8, first_id=72_000))
    sharepoint.base_url, websphere.base_url = f"http://{SHAREPOINT_HOST}", f"http://{WEBSPHERE_HOST}"
    crawls = {OLD_CRAWL: [], NEW_CRAWL: []}
    wayback = []
    for site, host in ((sharepoint, SHAREPOINT_HOST), (websphere, WEBSPHERE_HOST)):
        urls = [site.article_url(a) for a in site.articles]
        for i, url in enumerate(urls[:6]):  # the old crawl: the first six articles, under every form of the host
            crawls[OLD_CRAWL].append(StoredCapture(in_form(url, FORMS[i % 5], host), f"201908{i + 10:02d}101010", page(site, url)))
        for i, url in enumerate(urls[:3]):  # the Wayback Machine: the first three, earlier still
            wayback.append(StoredCapture(in_form(url, FORMS[(i + 1) % 5], host), f"201903{i + 10:02d}084512", page(site, url)))
        for article in site.articles[3:5]:  # corrected before the new crawl
            site.edit(article.id, [*article.paragraphs[:1], *CORRECTED])
        for i, url in enumerate(urls[3:], start=3):  # the new crawl: articles 3 on, other forms, state paths
            captured = with_portlet_state(url, i) if "/wps/" in url and i % 2 else url
            crawls[NEW_CRAWL].append(StoredCapture(in_form(captured, FORMS[(i + 2) % 5], host), f"202102{i + 10:02d}121212",
                                                   page(site, url)))
        for i, url in enumerate(urls[3:5], start=3):  # the Wayback Machine again, after the correction
            wayback.append(StoredCapture(in_form(url, FORMS[i % 5], host), f"202103{i + 10:02d}084512", page(site, url)))
    for crawl, stamp in ((OLD_CRAWL, "20190801000000"), (NEW_CRAWL, "20210201000000")):
        crawls[crawl] += non_articles(sharepoint, websphere, stamp)
    wayback += non_articles(sharepoint, websphere, "20190301000000")
    return sharepoint, websphere, crawls, wayback


def non_articles(sharepoint, websphere, stamp: str) -> list[StoredCapture]:
    """Return captures of the pages an archive holds beside articles: home, listings, menu pages, a soft 404."""
    sp, ws = f"http://{SHAREPOINT_HOST}", f"https://www.{WEBSPHERE_HOST}"
    library = "camau/ngochien/trangchu/tintuc"
    urls = [(sharepoint, f"{sp}/Pages/home.aspx"), (sharepoint, f"{sp}/Pages/news.aspx?CatId=1"),
            (sharepoint, f"{sp}/Pages/news.aspx?CatId=1&Page=2"), (sharepoint, f"{sp}/pages/gioi-thieu.aspx"),
            (websphere, f"{ws}/wps/portal/"),
            (websphere, f"{ws}/wps/portal/?1dmy&page=danhmuc&urile=wcm%3apath%3a%2F{library}%2Fhoat-dong"),
            (websphere, f"{ws}/wps/portal/?1dmy&page=trangchitiet&urile=wcm%3apath%3a%2F{library}%2Fhoat-dong%2Fda-go-bo")]
    return [StoredCapture(url, stamp, page(site, url)) for site, url in urls]


REGISTRY = f'''[[portal]]
id = "test.sp"
name = "Huyện Định Quán (đã giải thể)"
province = "Đồng Nai"
unit = "Huyện Định Quán"
level = "district"
base_url = "http://{SHAREPOINT_HOST}/"
family = "auto"
status = "offline"

[[portal]]
id = "test.ws"
name = "Huyện Tân Phú (đã giải thể)"
province = "Đồng Nai"
unit = "Huyện Tân Phú"
level = "district"
base_url = "http://{WEBSPHERE_HOST}/"
family = "websphere"
status = "offline"
'''


def recover(folder: Path, db: Path, source: str, settings: dict):
    return run_govnews("recover", "--all", "--source", source, "--registry", str(folder / "portals.toml"), "--db", str(db),
                       *loopback_flags(**settings), cwd=folder)


@pytest.fixture(scope="module")
def rescue(tmp_path_factory):
    """Recover both portals from Common Crawl (real pywb) into one archive, from the Wayback Machine into another,
    then both into a third; export the first as WARC."""
    assert not missing_pywb(), missing_pywb()
    folder = tmp_path_factory.mktemp("rescue-real-index")
    (folder / "portals.toml").write_text(REGISTRY, encoding="utf-8")
    sharepoint, websphere, crawls, wayback_captures = story()
    _, files = common_crawl(crawls)
    for name, data in files.items():
        (folder / "data" / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / "data" / name).write_bytes(data)
    data = CommonCrawlData(files)
    wayback = WaybackService(wayback_captures)
    runs = {}
    with PywbServer(folder / "pywb", folder / "data", {c: folder / "data" / "crawl-data" / c for c in crawls}) as pywb:
        collinfo = CommonCrawlIndex({c: [] for c in crawls}, index_server=pywb.base_url)
        with ReplicaServer([collinfo, data, wayback]):
            settings = {"ARCHIVE_WAYBACK_URL": wayback.base_url, "ARCHIVE_CC_INDEX_URL": collinfo.base_url,
                        "ARCHIVE_CC_DATA_URL": data.base_url, "ARCHIVE_SERVICE_RATE": 20}
            runs["cc"] = recover(folder, folder / "cc.db", "commoncrawl", settings)
            cc_ranges = list(data.ranges)
            runs["wayback"] = recover(folder, folder / "wayback.db", "wayback", settings)
            runs["both_cc"] = recover(folder, folder / "both.db", "commoncrawl", settings)
            runs["both_wayback"] = recover(folder, folder / "both.db", "wayback", settings)
        pywb_log = pywb.log()
    return {"folder": folder, "runs": runs, "sites": (sharepoint, websphere), "crawls": crawls,
            "wayback_captures": wayback_captures, "pywb_log": pywb_log, "cc_ranges": cc_ranges}


def articles(db: Path) -> list[dict]:
    return [dict(r) for r in rows(db, "SELECT * FROM articles ORDER BY canonical_url")]


def expected_urls(rescue, captures) -> list[str]:
    """Return the canonical URLs, on the registry's host form, of the articles among captures."""
    found = set()
    for site in rescue["sites"]:
        for article in site.articles:
            url = canonical_url(site.article_url(article))
            key = url.split("://", 1)[1].split("/", 1)[1]
            if any(canonical_url(c.url).endswith(key) for c in captures):
                found.add(url)
    return sorted(found)


def test_every_recovery_exits_zero(rescue):
    assert {name: run.returncode for name, run in rescue["runs"].items()} == dict.fromkeys(rescue["runs"], 0), \
        "\n".join(run.stderr[-2500:] for run in rescue["runs"].values())


def test_common_crawl_recovers_every_captured_article_once(rescue):
    captures = [c for crawl in rescue["crawls"].values() for c in crawl]
    assert [a["canonical_url"] for a in articles(rescue["folder"] / "cc.db")] == expected_urls(rescue, captures)


def test_common_crawl_recovers_all_eighteen_articles(rescue):
    assert len(articles(rescue["folder"] / "cc.db")) == 18


def test_the_wayback_machine_recovers_every_captured_article_once(rescue):
    assert [a["canonical_url"] for a in articles(rescue["folder"] / "wayback.db")] == \
        expected_urls(rescue, rescue["wayback_captures"])


def test_both_sources_in_one_archive_give_one_row_per_article(rescue):
    assert len(articles(rescue["folder"] / "both.db")) == 18


def test_no_row_is_a_home_listing_menu_or_missing_page(rescue):
    titles = {a["title"] for name in ("cc", "wayback", "both") for a in articles(rescue["folder"] / f"{name}.db")}
    articles_titles = {a.title for site in rescue["sites"] for a in site.articles}
    assert titles - articles_titles == set()


def test_every_row_is_on_the_registry_s_host_form(rescue):
    hosts = {urlsplit(a["url"]).netloc for a in articles(rescue["folder"] / "both.db")}
    assert hosts == {SHAREPOINT_HOST, WEBSPHERE_HOST}


def test_the_corrected_articles_hold_the_correction(rescue):
    corrected = [a for a in articles(rescue["folder"] / "cc.db") if CORRECTED[0] in a["text"]]
    assert len(corrected) == 4  # articles 3 and 4 of each portal


def test_the_text_before_the_correction_is_a_version(rescue):
    versions = rows(rescue["folder"] / "cc.db",
                    "SELECT count(*) AS n, sum(instr(text, ?) > 0) AS corrected FROM article_versions", [CORRECTED[0]])
    assert (versions[0]["n"], versions[0]["corrected"]) == (4, 0)


def test_the_latest_text_is_current_from_the_wayback_machine_too(rescue):
    corrected = [a for a in articles(rescue["folder"] / "wayback.db") if CORRECTED[0] in a["text"]]
    assert len(corrected) == 4


def test_captured_at_is_the_earliest_capture_and_last_captured_at_the_latest(rescue):
    sharepoint = rescue["sites"][0]
    url = canonical_url(sharepoint.article_url(sharepoint.articles[3]))
    row = next(a for a in articles(rescue["folder"] / "both.db") if a["canonical_url"] == url)
    assert (row["captured_at"], row["last_captured_at"]) == ("2019-08-13T10:10:10+00:00", "2021-03-13T08:45:12+00:00")


def test_the_non_articles_are_counted_in_the_run(rescue):
    stats = [json.loads(r["stats"]) for r in rows(rescue["folder"] / "cc.db", "SELECT stats FROM crawl_runs")]
    set_aside = sum(v for s in stats for k, v in s.items() if k.startswith("archive/skipped/"))
    assert set_aside >= 14  # 7 non-article captures in each crawl


def test_pywb_logged_the_index_queries(rescue):
    queries = [line for line in rescue["pywb_log"] if "-index?" in line]
    hosts = {parse_qs(urlsplit(line.split(" ")[1]).query)["url"][0] for line in queries}
    assert hosts == {f"{SHAREPOINT_HOST}/*", f"{WEBSPHERE_HOST}/*"}


def test_each_capture_fetched_is_one_warc_range(rescue):
    fetched = rows(rescue["folder"] / "cc.db", "SELECT count(*) AS n FROM raw_pages")[0]["n"]
    ranged = [(name, r) for name, r in rescue["cc_ranges"] if r.startswith("bytes=")]
    assert (len(ranged) >= fetched, len(ranged) == len(rescue["cc_ranges"])) == (True, True)


# --- the export replays in pywb at each capture's own time -------------------------------------

@pytest.fixture(scope="module")
def replayed(rescue, tmp_path_factory):
    """Export the Common Crawl archive as WARC, index it with pywb, and replay each record at its WARC-Date."""
    folder = tmp_path_factory.mktemp("replay")
    (folder / "export").mkdir()
    warc = folder / "export" / "govnews.warc.gz"
    result = run_govnews("export", "--format", "warc", "--db", str(rescue["folder"] / "cc.db"), "-o", str(warc), cwd=folder)
    assert result.returncode == 0, result.stderr[-2000:]
    with warc.open("rb") as stream:
        records = [(record.rec_headers.get_header("WARC-Target-URI"), record.rec_headers.get_header("WARC-Date"),
                    record.content_stream().read()) for record in ArchiveIterator(stream) if record.rec_type == "response"]
    replays = []
    with PywbServer(folder / "pywb", folder / "export", {"govnews": folder / "export"}, blocks_per_page=100) as pywb:
        for uri, date, payload in records:
            stamp = date.replace("-", "").replace("T", "").replace(":", "").removesuffix("Z")
            with urllib.request.urlopen(f"{pywb.base_url}/govnews/{stamp}id_/{uri}") as answer:
                replays.append((date, answer.headers["Memento-Datetime"], answer.read() == payload))
    return {"records": records, "replays": replays, "captured": rows(rescue["folder"] / "cc.db",
            "SELECT captured_at FROM raw_pages ORDER BY captured_at")}


def test_every_exported_record_is_dated_by_its_capture(replayed):
    dates = sorted(date for _, date, _ in replayed["records"])
    assert dates == [r["captured_at"].replace("+00:00", "Z") for r in replayed["captured"]]


def test_pywb_replays_each_record_at_its_capture_time(replayed):
    def memento(date: str) -> str:
        return datetime.strptime(date, "%Y-%m-%dT%H:%M:%SZ").strftime("%a, %d %b %Y %H:%M:%S GMT")
    assert [(memento(date), same) for date, _, same in replayed["replays"]] == \
        [(shown, True) for _, shown, _ in replayed["replays"]]


def test_the_corrected_articles_replay_both_captures(replayed, rescue):
    corrected = {canonical_url(rescue_site.article_url(a)) for rescue_site in rescue["sites"] for a in rescue_site.articles[3:5]}
    records = Counter(canonical_url(uri) for uri, _, _ in replayed["records"])
    assert {url: records[url] for url in corrected} == dict.fromkeys(corrected, 2)


def test_the_auto_portal_is_detected_from_its_home_page_capture(rescue):
    families = {r["id"]: r["detected_family"] for r in rows(rescue["folder"] / "cc.db", "SELECT id, detected_family FROM portals")}
    assert families == {"test.sp": "sharepoint", "test.ws": None}


def test_the_auto_portal_s_listings_are_set_aside_by_url_unfetched(rescue):
    stats = [json.loads(r["stats"]) for r in rows(rescue["folder"] / "cc.db", "SELECT stats FROM crawl_runs WHERE portal_id = 'test.sp'")]
    assert [s.get("archive/skipped/capture_listing", 0) for s in stats] == [8]  # home, 2 listing pages, menu page, in 2 crawls
