"""Portals never seen (#17): one themed replica per family, from seeds no code was developed on
(CI_SEEDS, disjoint from the development seeds and from bench/unseen.py's), crawled from their
base URL alone with family = "auto"; every article archived once and read right, nothing else stored."""

from __future__ import annotations

import pytest

from scraper.demo.server import ReplicaServer
from scraper.demo.themes import CI_SEEDS, FAMILY_SITES, FIRST_UNSEEN_SEED, themed_portals
from scraper.demo.unseen import crawl_sites, score_sites

SEEDS = range(CI_SEEDS.start, CI_SEEDS.start + 1)


@pytest.fixture(scope="module")
def scores(tmp_path_factory):
    folder = tmp_path_factory.mktemp("unseen")
    sites = themed_portals(SEEDS)
    with ReplicaServer(sites):
        result = crawl_sites(sites, folder, timeout=900)
        by_family = {score.family: score for score in score_sites(sites, folder / "archive.db")}
    return {"result": result, "by_family": by_family}


FAMILIES = list(FAMILY_SITES)


def test_the_ci_seeds_are_not_development_seeds():
    assert min(CI_SEEDS) >= FIRST_UNSEEN_SEED + 1000


def test_the_crawl_exits_zero(scores):
    assert scores["result"].returncode == 0, scores["result"].stdout + scores["result"].stderr[-3000:]


@pytest.mark.parametrize("family", FAMILIES)
def test_the_family_is_detected(scores, family):
    assert scores["by_family"][family].detected


@pytest.mark.parametrize("family", FAMILIES)
def test_every_article_is_archived(scores, family):
    score = scores["by_family"][family]
    assert (score.found, score.misses) == (score.gold, [m for m in score.misses if not m.startswith("missing")])


@pytest.mark.parametrize("family", FAMILIES)
def test_nothing_but_articles_is_stored(scores, family):
    assert scores["by_family"][family].extra == 0, scores["by_family"][family].misses


@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize("field", ["title", "date", "author"])
def test_every_field_is_right(scores, family, field):
    score = scores["by_family"][family]
    assert getattr(score, field) == score.gold, score.misses


@pytest.mark.parametrize("family", FAMILIES)
def test_no_furniture_leaks(scores, family):
    assert scores["by_family"][family].leaks == 0, scores["by_family"][family].misses


@pytest.mark.parametrize("family", FAMILIES)
def test_at_most_two_requests_per_article(scores, family):
    score = scores["by_family"][family]
    assert score.requests <= 2 * score.found, (score.requests, score.found)
