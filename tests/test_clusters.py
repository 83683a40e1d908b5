"""Near-duplicate clusters: one release republished by three portals shares a cluster_id (#5, part).

Three replica portals on three platforms, crawled in one run, republish five provincial releases
with small edits and carry five articles of their own on the same days: 30 articles, 435 pairs,
labelled by construction (same release or not). Precision and recall over every pair.
"""

from __future__ import annotations

from itertools import combinations

import pytest

from scraper.demo.server import ReplicaServer
from scraper.demo.sites import RELEASE_IDS, syndication_sites
from tests.conftest import crawl, rows


@pytest.fixture(scope="module")
def clustered(tmp_path_factory):
    """Crawl the three syndicating portals into one archive; return (article id -> cluster) and the sites."""
    sites = syndication_sites()
    folder = tmp_path_factory.mktemp("clusters")
    with ReplicaServer(sites) as server:
        registry = folder / "portals.toml"
        registry.write_text(server.registry_toml(auto=True), encoding="utf-8")
        result = crawl(registry, folder / "archive.db")
        url_to_id = {site.article_url(a): a.id for site in sites for a in site.articles}
    clusters = {url_to_id[r["url"]]: r["cluster_id"] for r in rows(folder / "archive.db", "SELECT url, cluster_id FROM articles")}
    return {"result": result, "clusters": clusters, "db": folder / "archive.db"}


def release_of(article_id: int) -> int | None:
    """Return the release an article copies, or None for a portal's own article."""
    return (article_id - RELEASE_IDS) // 10 if article_id < RELEASE_IDS + 1000 else None


def pair_counts(clusters: dict[int, str | None]) -> tuple[int, int, int, int]:
    """Return (pairs, true positives, predicted pairs, gold pairs) over every pair of articles."""
    tp = predicted = gold = pairs = 0
    for a, b in combinations(sorted(clusters), 2):
        pairs += 1
        same_gold = release_of(a) is not None and release_of(a) == release_of(b)
        same_pred = clusters[a] is not None and clusters[a] == clusters[b]
        tp += same_gold and same_pred
        predicted += same_pred
        gold += same_gold
    return pairs, tp, predicted, gold


def test_crawl_stores_all_30_articles(clustered):
    assert (clustered["result"].returncode, len(clustered["clusters"])) == (0, 30)


def test_at_least_50_labelled_pairs(clustered):
    assert pair_counts(clustered["clusters"])[0] >= 50


def test_precision_is_1(clustered):
    _, tp, predicted, _ = pair_counts(clustered["clusters"])
    assert tp == predicted


def test_recall_is_1(clustered):
    _, tp, _, gold = pair_counts(clustered["clusters"])
    assert tp == gold


def test_each_release_has_one_cluster_on_three_portals(clustered):
    by_release = {}
    for article_id, cluster in clustered["clusters"].items():
        if release_of(article_id) is not None:
            by_release.setdefault(release_of(article_id), set()).add(cluster)
    assert sorted(len(c) for c in by_release.values()) == [1] * 5 and None not in set().union(*by_release.values())


def test_own_articles_on_the_same_day_are_in_no_cluster(clustered):
    assert [a for a, c in clustered["clusters"].items() if release_of(a) is None and c is not None] == []


def test_clusters_form_across_runs_from_stored_signatures(tmp_path):
    sites = syndication_sites()
    with ReplicaServer(sites) as server:
        registry = tmp_path / "portals.toml"
        registry.write_text(server.registry_toml(auto=True), encoding="utf-8")
        first = crawl(registry, tmp_path / "archive.db", "test.syn-a")
        later = crawl(registry, tmp_path / "archive.db", "test.syn-b", "test.syn-c")
        url_to_id = {site.article_url(a): a.id for site in sites for a in site.articles}
    clusters = {url_to_id[r["url"]]: r["cluster_id"]
                for r in rows(tmp_path / "archive.db", "SELECT url, cluster_id FROM articles")}
    _, tp, predicted, gold = pair_counts(clusters)
    assert (first.returncode, later.returncode, len(clusters), tp, predicted, gold) == (0, 0, 30, 15, 15, 15)
