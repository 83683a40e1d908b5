"""Crawl themed replicas from their base URLs alone and score the archive against their gold (#17).

Used by `bench/unseen.py` (every family, many seeds, beside an older commit's crawl) and by
`tests/test_unseen.py` (a small disjoint sample in CI). Scores per portal:

- detected: the family detection found is the platform's;
- found: gold articles stored (matched by canonical URL);
- extra: stored rows that are no gold article (listings, section fronts, menus); traps among them;
- title, date (day), author: stored gold articles whose field equals the gold's;
- leaks: stored gold articles whose text holds a furniture string;
- requests: every request the portal's server answered (robots.txt, feeds, listings, articles).
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from scraper.demo.fleet import ROOT, loopback_flags
from scraper.demo.server import ReplicaServer
from scraper.demo.sites import FURNITURE, ReplicaSite
from scraper.demo.themes import THEME_FURNITURE
from scraper.urls import canonical_url

TRAPS = ("lich-cong-tac", "!ut/p/", "jsessionid", "/tag/", "/page/", "page-")


@dataclass
class PortalScore:
    """What one themed portal's crawl archived, against its gold."""

    portal_id: str
    family: str
    detected: bool = False
    gold: int = 0
    found: int = 0
    extra: int = 0
    traps: int = 0
    title: int = 0
    date: int = 0
    author: int = 0
    leaks: int = 0
    requests: int = 0
    run_status: str = ""
    misses: list[str] = field(default_factory=list)


def crawl_sites(sites: list[ReplicaSite], folder: Path, code_root: Path = ROOT, timeout: int = 1800) -> subprocess.CompletedProcess:
    """Crawl every site (registry rows with family = "auto") into folder/archive.db with the code at code_root."""
    registry = folder / "portals.toml"
    db = folder / "archive.db"
    registry.write_text(ReplicaServer(sites).registry_toml(auto=True), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(code_root)}
    command = [sys.executable, "-m", "scraper.cli", "crawl", "--all", "--registry", str(registry), "--db", str(db),
               *loopback_flags()]
    return subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True, timeout=timeout)


def score_sites(sites: list[ReplicaSite], db: Path, requests_before: dict[str, int] | None = None) -> list[PortalScore]:
    """Score each site's archived rows against its gold."""
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        return [_score(site, conn, (requests_before or {}).get(site.portal_id, 0)) for site in sites]
    finally:
        conn.close()


def _score(site: ReplicaSite, conn: sqlite3.Connection, requests_before: int) -> PortalScore:
    score = PortalScore(site.portal_id, site.family, requests=len(site.requests) - requests_before)
    portal = conn.execute("SELECT detected_family FROM portals WHERE id = ?", [site.portal_id]).fetchone()
    score.detected = bool(portal) and portal["detected_family"] == site.family
    run = conn.execute("SELECT status FROM crawl_runs WHERE portal_id = ? AND spider != 'detect' ORDER BY id DESC LIMIT 1",
                       [site.portal_id]).fetchone()
    score.run_status = run["status"] if run else ""
    stored = {row["canonical_url"]: row for row in conn.execute("SELECT * FROM articles WHERE portal_id = ?", [site.portal_id])}
    gold = {canonical_url(item["url"]): item for item in site.expected()}
    score.gold = len(gold)
    furniture = FURNITURE + THEME_FURNITURE
    for url, item in gold.items():
        row = stored.get(url)
        if row is None:
            score.misses.append(f"missing {url}")
            continue
        score.found += 1
        checks = {"title": row["title"] == item["title"],
                  "date": (row["published_at"] or "")[:10] == item["published_at"][:10],
                  "author": row["author"] == item["author"]}
        for name, ok in checks.items():
            setattr(score, name, getattr(score, name) + ok)
            if not ok:
                score.misses.append(f"{name} {url}: {row[name if name != 'date' else 'published_at']!r} != "
                                    f"{item[name if name != 'date' else 'published_at']!r}")
        leaked = [s for s in furniture if s in (row["text"] or "")]
        if leaked:
            score.leaks += 1
            score.misses.append(f"leak {url}: {leaked[:3]}")
    for url in stored:
        if url not in gold:
            score.extra += 1
            score.traps += any(trap in url for trap in TRAPS)
            score.misses.append(f"extra {url}")
    return score


@dataclass
class FamilyFigures:
    """One family's (or the total's) figures over its portals."""

    portals: int
    detection: float
    recall: float
    extra_share: float
    traps: int
    title: float
    date: float
    author: float
    leaks: int
    requests_per_article: float
    failed_runs: int


def figures(scores: list[PortalScore]) -> FamilyFigures:
    """Return the summed figures of a group of portal scores."""
    found = sum(s.found for s in scores)
    rows = found + sum(s.extra for s in scores)
    return FamilyFigures(
        portals=len(scores),
        detection=sum(s.detected for s in scores) / max(1, len(scores)),
        recall=found / max(1, sum(s.gold for s in scores)),
        extra_share=sum(s.extra for s in scores) / max(1, rows),
        traps=sum(s.traps for s in scores),
        title=sum(s.title for s in scores) / max(1, found),
        date=sum(s.date for s in scores) / max(1, found),
        author=sum(s.author for s in scores) / max(1, found),
        leaks=sum(s.leaks for s in scores),
        requests_per_article=sum(s.requests for s in scores) / max(1, found),
        failed_runs=sum(s.run_status != "ok" for s in scores),
    )
