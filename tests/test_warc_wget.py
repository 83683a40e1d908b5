"""A researcher's own WARC: GNU Wget mirrors three replica portals with --warc-file, and `import-warc`
reads it into a fresh archive whose portals are all `auto` (#18).

Wget writes what it fetched: home pages (SharePoint's behind a redirect), listings and their
pages, menu pages, robots.txt, images, and the articles. Only the articles may become rows; each
portal's family is detected from its home page in the WARC.
"""

from __future__ import annotations

import shutil
import subprocess
from collections import Counter

import pytest
from warcio.archiveiterator import ArchiveIterator

from scraper.demo.server import ReplicaServer
from scraper.demo.sites import NukeVietSite, SharePointSite, WordPressSite, load_articles, synthetic_articles
from scraper.urls import canonical_url
from tests.conftest import rows, run_govnews


def sites():
    base = load_articles("articles_nukeviet")
    return [NukeVietSite("test.nv", "Xã Tân Hòa (bản sao)", "Đồng Nai", "Xã Tân Hòa", synthetic_articles(base, 14, first_id=91_000)),
            SharePointSite("test.sp", "Huyện Định Quán (bản sao)", "Đồng Nai", "Huyện Định Quán",
                           synthetic_articles(load_articles("articles_sharepoint"), 14, first_id=92_000)),
            WordPressSite("test.wp", "Xã Phú Lý (bản sao)", "Đồng Nai", "Xã Phú Lý", synthetic_articles(base, 12, first_id=93_000))]


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    """Mirror the replicas with wget into one WARC, then import it into a fresh archive, portals `auto`."""
    wget = shutil.which("wget")
    assert wget, "wget is missing: `make test` installs it"
    folder = tmp_path_factory.mktemp("wget-warc")
    replicas = sites()
    with ReplicaServer(replicas) as server:
        (folder / "portals.toml").write_text(server.registry_toml(auto=True), encoding="utf-8")
        mirrored = subprocess.run([wget, "--recursive", "--level=inf", "--no-verbose", "--delete-after",
                                   "--no-directories", "--warc-file=mirror", "--reject-regex", r"\.(jpg|png|gif)$",
                                   *(site.base_url + "/" for site in replicas)],
                                  cwd=folder, capture_output=True, text=True, timeout=600)
        expected = sorted(canonical_url(site.article_url(a)) for site in replicas for a in site.articles)
    warc = folder / "mirror.warc.gz"
    result = run_govnews("import-warc", str(warc), "--registry", str(folder / "portals.toml"),
                         "--db", str(folder / "archive.db"), cwd=folder)
    with warc.open("rb") as stream:
        records = Counter(r.rec_type for r in ArchiveIterator(stream))
    return {"db": folder / "archive.db", "wget": mirrored, "result": result, "expected": expected,
            "records": records, "replicas": replicas}


def test_wget_wrote_a_warc_of_the_mirror(imported):
    assert (imported["wget"].returncode in (0, 8), imported["records"]["response"] > 60) == (True, True), \
        imported["wget"].stderr[-2000:]


def test_the_import_exits_zero(imported):
    assert imported["result"].returncode == 0, imported["result"].stderr[-2000:]


def test_the_archive_holds_exactly_the_replica_articles(imported):
    stored = sorted(r["canonical_url"] for r in rows(imported["db"], "SELECT canonical_url FROM articles"))
    assert stored == imported["expected"]


def test_no_row_is_another_page(imported):
    titles = {r["title"] for r in rows(imported["db"], "SELECT title FROM articles")}
    assert titles - {a.title for site in imported["replicas"] for a in site.articles} == set()


def test_each_portal_s_family_is_detected_from_the_warc(imported):
    families = {r["id"]: r["detected_family"] for r in rows(imported["db"], "SELECT id, detected_family FROM portals")}
    assert families == {"test.nv": "nukeviet", "test.sp": "sharepoint", "test.wp": "wordpress"}


def test_the_pages_set_aside_are_counted(imported):
    lines = dict(line.rsplit(": ", 1) for line in imported["result"].stdout.splitlines() if ": " in line)
    set_aside = sum(int(n) for outcome, n in lines.items() if outcome.startswith("skipped"))
    assert (int(lines.get("new", 0)), set_aside > 10) == (len(imported["expected"]), True), imported["result"].stdout
