"""The archive end to end: replica portals -> Scrapy crawl -> trafilatura -> SQLite (issue #2)."""

from __future__ import annotations

import pytest

from scraper.demo.sites import FURNITURE, demo_sites
from tests.conftest import rows

SITES = demo_sites()
CASES = [(site.portal_id, expected) for site in SITES for expected in site.expected()]
IDS = [f"{pid}-{e['url'].rsplit('/', 1)[-1].split('NewsId=')[-1]}" for pid, e in CASES]


def stored(archive, title: str):
    """Return the stored row of the article with this title."""
    found = rows(archive["db"], "SELECT * FROM articles WHERE title = ?", [title])
    assert len(found) == 1, f"{len(found)} rows titled {title!r}"
    return found[0]


def test_first_crawl_exits_zero(archive):
    assert archive["first"].returncode == 0, archive["first"].stderr[-3000:]


@pytest.mark.parametrize("site", SITES, ids=lambda s: s.portal_id)
def test_every_replica_article_is_stored_exactly_once(archive, replicas, site):
    live = next(s for s in replicas.sites if s.portal_id == site.portal_id)
    urls = [r["url"] for r in rows(archive["db"], "SELECT url FROM articles WHERE portal_id = ?", [site.portal_id])]
    assert sorted(urls) == sorted(e["url"] for e in live.expected())


def test_no_other_rows(archive):
    assert rows(archive["db"], "SELECT count(*) AS n FROM articles")[0]["n"] == sum(len(s.articles) for s in SITES)


@pytest.mark.parametrize(("portal_id", "expected"), CASES, ids=IDS)
def test_published_at_is_the_articles_own_date(archive, portal_id, expected):
    assert stored(archive, expected["title"])["published_at"] == expected["published_at"]


@pytest.mark.parametrize(("portal_id", "expected"), CASES, ids=IDS)
def test_author_is_the_byline(archive, portal_id, expected):
    assert stored(archive, expected["title"])["author"] == expected["author"]


@pytest.mark.parametrize(("portal_id", "expected"), CASES, ids=IDS)
def test_text_holds_every_paragraph(archive, portal_id, expected):
    text = stored(archive, expected["title"])["text"]
    assert [p for p in expected["paragraphs"] if p not in text] == []


@pytest.mark.parametrize(("portal_id", "expected"), CASES, ids=IDS)
def test_no_furniture_in_text(archive, portal_id, expected):
    text = stored(archive, expected["title"])["text"]
    assert [f for f in FURNITURE if f in text] == []


@pytest.mark.parametrize(("portal_id", "expected"), CASES, ids=IDS)
def test_no_other_article_title_in_text(archive, portal_id, expected):
    text = stored(archive, expected["title"])["text"]
    others = [e["title"] for pid, e in CASES if e["title"] != expected["title"]]
    assert [t for t in others if t in text] == []


@pytest.mark.parametrize(("portal_id", "expected"), CASES, ids=IDS)
def test_byline_is_not_left_in_text(archive, portal_id, expected):
    assert not stored(archive, expected["title"])["text"].endswith(expected["author"])


def test_header_today_date_is_never_taken(archive):
    # The SharePoint replica's header says "Thứ sáu, ngày 4/3/2022"; NukeViet's says today.
    dates = {r["published_at"][:10] for r in rows(archive["db"], "SELECT published_at FROM articles")}
    assert "2022-03-04" not in dates


def test_raw_page_kept_for_every_article(archive):
    missing = rows(archive["db"], "SELECT count(*) AS n FROM articles a WHERE NOT EXISTS "
                                  "(SELECT 1 FROM raw_pages r WHERE r.article_id = a.id)")
    assert missing[0]["n"] == 0


def test_one_crawl_run_row_per_portal_and_run(archive):
    runs = rows(archive["db"], "SELECT portal_id, status FROM crawl_runs ORDER BY portal_id, id")
    assert [(r["portal_id"], r["status"]) for r in runs] == [
        ("demo.dinh-quan", "ok"), ("demo.dinh-quan", "ok"), ("demo.vinh-thanh", "ok"), ("demo.vinh-thanh", "ok")
    ]


def test_second_crawl_adds_no_rows(archive):
    after = rows(archive["db"], "SELECT count(*) AS n FROM articles")[0]["n"]
    assert (archive["second"].returncode, after) == (0, archive["rows_after_first"])


def test_second_crawl_of_nukeviet_reads_robots_sitemaps_feed_and_first_listing_pages_only(archive):
    # robots.txt, /sitemap.xml, /sitemap-vi.news.xml, /news/rss/ (all known), the home page, and page 1
    # of /news/ and of its three categories (all known: paging stops)
    assert archive["requests_second"]["demo.vinh-thanh"] == 9


def test_second_crawl_fetches_far_fewer_pages(archive):
    first, second = archive["requests_first"], archive["requests_second"]
    assert all(second[p] * 2 < first[p] for p in first), (first, second)


def test_user_agent_names_govnews_and_a_contact_url(archive, replicas):
    agents = set().union(*(site.user_agents for site in replicas.sites))
    assert agents == {"govnews/0.1 (research archive of Vietnamese local-government news; "
                      "+https://github.com/govnews/govnews)"}


def test_contact_url_setting_changes_the_user_agent(replicas, tmp_path):
    from tests.conftest import crawl

    registry = replicas.write_registry(tmp_path / "portals.toml")
    site = replicas.sites[0]
    site.user_agents.clear()
    result = crawl(registry, tmp_path / "a.db", site.portal_id, ARCHIVE_CONTACT_URL="mailto:archive@example.org")
    assert (result.returncode, site.user_agents) == (0, {
        "govnews/0.1 (research archive of Vietnamese local-government news; +mailto:archive@example.org)"})


@pytest.mark.parametrize(("portal_id", "expected"), CASES, ids=IDS)
def test_caption_is_in_its_own_column_not_in_text(archive, portal_id, expected):
    row = stored(archive, expected["title"])
    site = next(s for s in SITES if s.portal_id == portal_id)
    caption = next(a.caption for a in site.articles if a.title == expected["title"])
    assert (caption in row["captions"].splitlines(), caption in row["text"]) == (True, False)


def test_attachments_are_listed_for_every_article_that_links_documents(archive, replicas):
    nukeviet = next(s for s in replicas.sites if s.family == "nukeviet")
    listed = {(r["url"], r["title"]) for r in rows(archive["db"], "SELECT url, title FROM attachments")}
    assert listed == {pair for article in nukeviet.articles for pair in nukeviet.attachments(article)}


def test_attachment_rows_point_at_their_article(archive):
    orphans = rows(archive["db"], "SELECT count(*) AS n FROM attachments t JOIN articles a ON a.id = t.article_id "
                                  "WHERE instr(t.url, substr(a.url, 1, instr(substr(a.url, 8), '/') + 7)) != 1")
    assert orphans[0]["n"] == 0


@pytest.mark.parametrize("column", ["title", "text", "summary", "author", "captions", "published_raw"])
def test_every_stored_text_is_nfc(archive, column):
    import unicodedata

    values = [r[column] or "" for r in rows(archive["db"], f"SELECT {column} FROM articles")]
    assert [v[:40] for v in values if not unicodedata.is_normalized("NFC", v)] == []
