"""Real platform software (#17): Debian's WordPress and NukeViet 4.5.05 on Apache, PHP and MariaDB,
each installed in Vietnamese by its own installer and filled through its own API or admin, then
crawled from its base URL alone with family = "auto". Their pages, feeds, sitemaps and archive
pages are theirs, not ours. Each is crawled twice: with its first theme and everything on, then
with a second theme and its sitemaps and feeds switched off, so that every article must be found
through the listings (NukeViet's RSS lists only the newest 30 of its 47)."""

from __future__ import annotations

import shutil

import pytest

from scraper.demo.platforms import MariaDB, NukeViet, WordPress, fill_nukeviet, fill_wordpress, make_folder, missing_software
from scraper.demo.sites import load_articles
from tests.conftest import crawl, rows

SETUPS = {  # (platform, theme, feeds and sitemaps switched off)
    "wordpress, twentytwentythree": ("wordpress", "twentytwentythree", False),
    "wordpress, twentytwentyone, no sitemap or feeds": ("wordpress", "twentytwentyone", True),
    "nukeviet, default": ("nukeviet", "default", False),
    "nukeviet, mobile_default, no sitemap or RSS": ("nukeviet", "mobile_default", True),
}
FURNITURE = ("Gửi phản hồi", "Leave a Reply", "Ý kiến bạn đọc", "Những tin mới hơn", "Thống kê", "Đang truy cập",
             "Bạn đã không sử dụng Site", "Nguồn:", "Nguồn tin:", "Tác giả:")


def registry(folder, portal_id: str, base_url: str):
    path = folder / f"{portal_id}.toml"  # one portal row, as an operator adds it
    path.write_text(f'[[portal]]\nid = "{portal_id}"\nname = "{portal_id}"\nprovince = "Cần Thơ"\nunit = "{portal_id}"\n'
                    f'level = "district"\nbase_url = "{base_url}/"\nfamily = "auto"\nstatus = "active"\n', encoding="utf-8")
    return path


def crawl_setups(site, platform: str, articles, folder) -> dict:
    """Crawl the site once per setup of its platform, each into a new archive."""
    made = {}
    for setup, (name, theme, switched_off) in SETUPS.items():
        if name != platform:
            continue
        site.use_theme(theme)
        if switched_off:
            site.switch_off_feeds_and_sitemaps()
        db = folder / f"{theme}.db"
        first = len(site.apache.requests())
        result = crawl(registry(folder, f"can-tho.{theme.replace('_', '-')}", site.base_url), db)
        made[setup] = {"result": result, "db": db, "requests": site.apache.requests()[first:],
                       "articles": {article.link: article for article in articles}}
    return made


@pytest.fixture(scope="module")
def crawls():
    missing = missing_software()
    assert not missing, f"`make test` installs the platform packages; missing: {missing}"
    folder = make_folder("govnews-platforms-")
    texts = load_articles("articles_nukeviet") + load_articles("articles_sharepoint")
    made = {}
    with MariaDB(folder / "mariadb") as database:
        with WordPress(folder / "wordpress", database, "xathachson", "Cổng thông tin điện tử xã Thạch Sơn") as site:
            made.update(crawl_setups(site, "wordpress", fill_wordpress(site, texts), folder))
        with NukeViet(folder / "nukeviet", database, "nukeviet", "Cổng thông tin điện tử huyện Vĩnh Thạnh") as site:
            made.update(crawl_setups(site, "nukeviet", fill_nukeviet(site, texts), folder))
    yield made
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(params=list(SETUPS), scope="module")
def setup(request, crawls):
    return crawls[request.param]


def stored(setup) -> dict[str, dict]:
    return {row["url"]: dict(row) for row in rows(setup["db"], "SELECT * FROM articles")}


def test_each_platform_holds_its_articles(crawls):
    counts = {name: len(made["articles"]) for name, made in crawls.items()}
    assert counts == {"wordpress, twentytwentythree": 34, "wordpress, twentytwentyone, no sitemap or feeds": 34,
                      "nukeviet, default": 47, "nukeviet, mobile_default, no sitemap or RSS": 47}


def test_the_crawl_exits_0(setup):
    assert setup["result"].returncode == 0, setup["result"].stderr[-2000:]


def test_the_platform_is_detected(setup, request):
    platform = request.node.callspec.params["setup"].split(",")[0]
    assert [r["detected_family"] for r in rows(setup["db"], "SELECT detected_family FROM portals")] == [platform]


def test_every_article_is_stored_once_and_nothing_else(setup):
    """No home, category, tag, author, date-archive, static, attachment or module page among them."""
    assert sorted(stored(setup)) == sorted(setup["articles"])


def test_titles(setup):
    assert {url: row["title"] for url, row in stored(setup).items()} == \
        {url: article.title for url, article in setup["articles"].items()}


def test_dates(setup):
    assert {url: row["published_at"] for url, row in stored(setup).items()} == \
        {url: f"{article.published}+07:00" for url, article in setup["articles"].items()}


def test_authors(setup):
    assert {url: row["author"] for url, row in stored(setup).items()} == \
        {url: article.author for url, article in setup["articles"].items()}


def test_source_credits(setup):
    assert {url: row["credit"] for url, row in stored(setup).items()} == \
        {url: article.credit for url, article in setup["articles"].items()}


def test_linked_files_are_recorded(setup):
    found = rows(setup["db"], "SELECT a.url AS article, f.url AS file FROM attachments f JOIN articles a ON a.id = f.article_id")
    assert sorted((row["article"], row["file"]) for row in found) == \
        sorted((url, file) for url, article in setup["articles"].items() for file in article.attachments)


def test_no_text_carries_furniture(setup):
    leaks = sorted({phrase for row in stored(setup).values() for phrase in FURNITURE if phrase in row["text"]})
    assert leaks == []


def test_the_crawl_costs_under_two_requests_per_article(setup):
    paths = {article.link.split("/", 3)[3] for article in setup["articles"].values()}
    others = [line for line in setup["requests"] if line.split()[1].lstrip("/") not in paths]
    assert len(setup["requests"]) < 2 * len(setup["articles"]), "\n".join(others)
