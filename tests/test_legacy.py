"""Legacy font encodings (TCVN3, VNI): converted when sure, flagged when not, never stored as unflagged garbage."""

from __future__ import annotations

import pytest

from bench.labelled import legacy_cases, to_legacy
from scraper.extract import extract_article
from scraper.legacy import legacy_verdict, to_unicode

CASES = legacy_cases()


@pytest.mark.parametrize(("name", "body", "gold"), CASES, ids=[c[0] for c in CASES])
def test_legacy_page_is_converted_or_flagged(name, body, gold):
    result = extract_article(body, gold["url"], known_article=True)
    expected = gold["legacy_encoding"]
    assert result.legacy_encoding == expected if expected != "?" else result.legacy_encoding.endswith("?")


@pytest.mark.parametrize(("name", "body", "gold"), [c for c in CASES if c[2]["legacy_encoding"] != "?"],
                         ids=[c[0] for c in CASES if c[2]["legacy_encoding"] != "?"])
def test_converted_text_is_the_unicode_truth(name, body, gold):
    result = extract_article(body, gold["url"], known_article=True)
    assert (result.title, result.text.split("\n\n")) == (gold["title"], gold["body"])


@pytest.mark.parametrize(("legacy", "font", "unicode"), [
    ("B¶o Th¾ng", 'face=".VnTime"', "Bảo Thắng"),
    ("Xin chaøo caùc baïn", 'face="VNI-Times"', "Xin chào các bạn"),
], ids=["tcvn3-font", "vni-font"])
def test_font_signal_converts_even_a_fragment(legacy, font, unicode):
    verdict = legacy_verdict(legacy, font)
    assert (verdict.converted, to_unicode(legacy, verdict)) == (True, unicode)


def test_unicode_text_is_left_alone():
    assert legacy_verdict("Ủy ban nhân dân huyện Định Quán, Đồng Nai").encoding == ""


def test_round_trip_of_the_fixture_builder():
    assert to_legacy("Bảo Thắng", "tcvn3") == "B¶o Th¾ng"
