"""What a researcher does in a browser: Debian's Chromium, driven by Playwright, on the demo archive published and served.

No browser is downloaded: `make test` installs Debian's chromium, and the tests drive /usr/bin/chromium.
`pytest --update-screenshots` writes each test's screenshot into docs/screenshots/.
"""

from __future__ import annotations

import csv
import io

import pytest
from playwright.sync_api import Page

from tests.conftest import run_govnews, served


@pytest.fixture(scope="module")
def datasette(archive, tmp_path_factory):
    """The demo archive as researchers get it: a published snapshot served immutable (facets from its counts)."""
    snapshot = tmp_path_factory.mktemp("browser") / "archive.db"
    published = run_govnews("publish", "--db", str(archive["db"]), "--to", str(snapshot), cwd=snapshot.parent)
    assert published.returncode == 0, published.stderr
    with served(snapshot, "--immutable") as base:
        yield base


def rows_heading(page: Page) -> str:
    """Return Datasette's "N rows ..." heading of a table page."""
    return page.locator("h3").first.inner_text()


def titles(page: Page) -> list[str]:
    """Return the titles shown in the table of a news page."""
    return page.locator("td.col-title").all_inner_texts()


def test_search_box_finds_dinh_quan_typed_without_diacritics(page, datasette):
    page.goto(datasette + "/archive/news")
    page.fill("input#_search", "dinh quan")
    page.locator("input#_search").press("Enter")
    page.wait_for_url("**_search=dinh+quan**")
    page.locator("table.rows-and-columns").scroll_into_view_if_needed()
    assert "Lễ hội văn hóa các dân tộc thiểu số huyện Định Quán lần thứ V" in titles(page)


def test_search_box_shows_the_query_as_typed(page, datasette):
    page.goto(datasette + "/archive/news?_search=" + "Định Quán")
    assert (page.input_value("input#_search"), rows_heading(page).split(" ")[0]) == ("Định Quán", "6")  # together (#19)


def test_a_lone_quote_in_the_search_box_lists_nothing_without_an_error(page, datasette):
    page.goto(datasette + "/archive/news")
    page.fill("input#_search", '"')
    page.locator("input#_search").press("Enter")
    page.wait_for_url("**_search=%22**")
    assert (rows_heading(page).split(" ")[0], page.locator(".zero-results").inner_text(),
            page.get_by_text("Invalid SQL").count(), page.input_value("input#_search")) == ("0", "0 records", 0, '"')


def test_the_news_list_reads_one_short_row_per_article(page, datasette):
    page.goto(datasette + "/archive/news")
    rows = page.locator("table.govnews-reading-list tbody tr")
    heights = [box["height"] for box in (rows.nth(i).bounding_box() for i in range(rows.count()))]
    rows.first.scroll_into_view_if_needed()
    # 34 articles, five columns, none taller than five lines of text (it was 500-900 px a row)
    assert (len(heights), page.locator("table.govnews-reading-list thead th").count(), max(heights) < 130) == (34, 5, True)


def test_the_news_list_links_each_title_to_its_article_page(page, datasette):
    page.goto(datasette + "/archive/news?_search=" + "Lễ hội văn hóa")
    page.locator("td.col-title a", has_text="Lễ hội văn hóa các dân tộc thiểu số huyện Định Quán lần thứ V").click()
    page.wait_for_url("**/-/article/**")
    assert page.locator("h1").inner_text() == "Lễ hội văn hóa các dân tộc thiểu số huyện Định Quán lần thứ V"


def test_every_column_of_the_news_list_is_one_click_away(page, datasette):
    page.goto(datasette + "/archive/news?portal_id=demo.dinh-quan")
    page.click("text=Mọi cột / every column")
    page.wait_for_url("**_nocol=search_key**")
    assert (page.locator("td.col-url").count(), page.locator("td.col-text").count(),
            page.locator("table.govnews-reading-list").count()) == (16, 16, 0)


def test_facet_click_narrows_the_list(page, datasette):
    page.goto(datasette + "/archive/news")  # province is one of the default facets
    before = rows_heading(page).split(" ")[0]
    page.locator("#facet-province a", has_text="Đồng Nai").first.click()
    page.wait_for_url("**province=**")
    page.locator("#facet-province").scroll_into_view_if_needed()
    assert (before, rows_heading(page).split(" ")[0], set(page.locator("td.col-portal_id .province").all_inner_texts())) == (
        "34", "16", {"Đồng Nai"})


def test_csv_download_opens_with_vietnamese_intact(page, datasette, tmp_path):
    page.goto(datasette + "/archive/news?portal_id=demo.dinh-quan")
    page.check("input[name=_dl]")
    with page.expect_download() as download:
        page.click("input[value='Export CSV']")
    path = tmp_path / "news.csv"
    download.value.save_as(path)
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    assert (len(rows), "Lễ hội văn hóa các dân tộc thiểu số huyện Định Quán lần thứ V" in {r["title"] for r in rows}) == (
        16, True)


def test_coverage_chart_renders_with_its_gaps(page, datasette):
    page.goto(datasette + "/-/dashboards/overview")
    cells = page.locator("#chart-coverage path[aria-roledescription='rect mark']")
    cells.first.wait_for()
    # 2 portals x 28 months (2023-03 to 2025-06); each portal published in 16 of them
    gaps = page.locator("#chart-coverage path[aria-roledescription='rect mark'][fill='#d62728']")
    page.locator("#card-coverage").scroll_into_view_if_needed()
    assert (cells.count(), gaps.count()) == (56, 24)


def test_portal_page_shows_first_and_last_article(page, datasette):
    page.goto(datasette + "/-/dashboards/portal?portal=demo.dinh-quan")
    summary = page.locator("#chart-summary")
    summary.locator("td").first.wait_for()
    assert ("2023-05-11T07:30:00+07:00" in summary.inner_text(), "2025-06-27T14:30:00+07:00" in summary.inner_text()) == (
        True, True)


def test_the_portal_dashboard_asks_for_a_portal_before_it_draws(page, datasette):
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(datasette + "/-/dashboards/portal")
    asked = (page.locator("select#choose-portal option").count(), page.locator(".dashboard-card").count())
    page.select_option("select#choose-portal", "demo.dinh-quan")
    page.click("form.govnews-choose-portal input[type=submit]")
    page.wait_for_url("**portal=demo.dinh-quan**")
    page.locator("#chart-summary td").first.wait_for()
    assert (asked, "2025-06-27T14:30:00+07:00" in page.locator("#chart-summary").inner_text(), errors) == (
        (2, 0), True, [])


def test_the_news_page_switches_to_the_rows_with_republications_and_back(page, datasette):
    page.goto(datasette + "/archive/news?portal_id=demo.dinh-quan")
    page.click("p.govnews-duplicates a")
    page.wait_for_url("**/news_with_duplicates?portal_id=demo.dinh-quan")
    page.click("p.govnews-duplicates a")
    page.wait_for_url("**/news?portal_id=demo.dinh-quan")
    assert rows_heading(page).split(" ")[0] == "16"


def test_the_count_axis_of_a_chart_steps_by_whole_articles(page, datasette):
    page.goto(datasette + "/-/dashboards/portal?portal=demo.dinh-quan")
    axis = page.locator("#chart-per-month g[aria-roledescription='axis']").filter(has_text="Bài / articles")
    axis.first.wait_for()
    labels = axis.first.locator("text").all_text_contents()
    assert [label for label in labels if label.replace(".", "", 1).isdigit()] == ["0", "1"]


def bar_colours(page: Page, chart: str) -> dict[str, set[str]]:
    """The fill colours of a bar chart's bars, by the portal each bar's label names."""
    bars = page.locator(f"#chart-{chart} path[aria-roledescription='bar']")
    bars.first.wait_for(state="attached")  # a month without articles is a bar of height 0
    colours: dict[str, set[str]] = {}
    for i in range(bars.count()):
        portal = bars.nth(i).get_attribute("aria-label").rsplit("Cổng / portal: ", 1)[1]
        colours.setdefault(portal, set()).add(bars.nth(i).get_attribute("fill"))
    return colours


def test_a_portal_keeps_its_colour_from_one_chart_to_another(page, datasette):
    page.goto(datasette + "/-/dashboards/overview")
    overview = bar_colours(page, "per-portal")
    page.goto(datasette + "/-/dashboards/portal?portal=demo.vinh-thanh")
    alone = bar_colours(page, "per-month")
    assert (alone["demo.vinh-thanh"], len(overview["demo.dinh-quan"] | overview["demo.vinh-thanh"])) == (
        overview["demo.vinh-thanh"], 2)
