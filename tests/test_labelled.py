"""The labelled page set (tests/labelled/): every field right on every page, no furniture (issue #4).

bench/extraction.py gives the figures (body F1, and stock trafilatura beside them); this test
keeps them from slipping. Regenerate the set with `.venv/bin/python bench/labelled.py`.
"""

from __future__ import annotations

import pytest

from bench.labelled import load
from scraper.crawl import family_hints
from scraper.extract import extract_article

PAGES = load()


def extracted(body: bytes, gold: dict):
    """Extract a labelled page as the crawler would (family hints, known article URL)."""
    return extract_article(body, gold["url"], family_hints(gold["family"]), known_article=True)


def test_the_set_has_at_least_60_pages_from_every_family():
    families = {gold["family"] for _, _, gold in PAGES}
    assert (len(PAGES) >= 60, families >= {"nukeviet", "sharepoint", "sharepoint_dated", "vnpt", "websphere",
                                           "liferay", "wordpress", "hard"}) == (True, True)


@pytest.mark.parametrize(("name", "body", "gold"), PAGES, ids=[name for name, _, _ in PAGES])
@pytest.mark.parametrize("field", ["title", "published_at", "author"])
def test_field(name, body, gold, field):
    assert getattr(extracted(body, gold), field) == gold[field]


@pytest.mark.parametrize(("name", "body", "gold"), PAGES, ids=[name for name, _, _ in PAGES])
def test_body_is_exactly_the_gold_paragraphs(name, body, gold):
    assert extracted(body, gold).text.split("\n\n") == gold["body"]


@pytest.mark.parametrize(("name", "body", "gold"), PAGES, ids=[name for name, _, _ in PAGES])
def test_no_furniture(name, body, gold):
    text = extracted(body, gold).text
    assert [f for f in gold["furniture"] if f in text] == []
