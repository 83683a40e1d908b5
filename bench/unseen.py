"""Portals never seen: every family's platform under themes no code was written against (#17).

Builds 8 themed replicas per family (56 in all) from seeds at or above FIRST_UNSEEN_SEED (the
development seeds are below it), registers them with family = "auto" and their base URL alone,
crawls them with `govnews crawl`, and prints per family: detection, recall, non-article rows,
trap rows, title, date (day), author, furniture leaks, requests per archived article, failed runs.
Then the same crawl by the code of an older commit (default b77b5aa, before #17) through a
`git worktree`, in the same run, on the same seeds.

    .venv/bin/python bench/unseen.py [--per-family 8] [--first-seed 1000] [--baseline b77b5aa] [--no-baseline] [--show-misses]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scraper.demo.server import ReplicaServer  # noqa: E402
from scraper.demo.themes import FAMILY_SITES, FIRST_UNSEEN_SEED, themed_portals  # noqa: E402
from scraper.demo.unseen import crawl_sites, figures, score_sites  # noqa: E402

HEADINGS = ("portals", "detect", "recall", "non-article", "traps", "title", "date", "author", "leaks", "req/article", "failed runs")


def measure(seeds: range, code_root: Path, show_misses: bool) -> dict[str, object]:
    """Crawl fresh themed replicas with the code at code_root; return figures per family and in total."""
    sites = themed_portals(seeds)
    with tempfile.TemporaryDirectory() as tmp, ReplicaServer(sites):
        result = crawl_sites(sites, Path(tmp), code_root)
        scores = score_sites(sites, Path(tmp) / "archive.db")
    if show_misses:
        for score in scores:
            for miss in score.misses[:12]:
                print(f"  {score.portal_id}: {miss}")
    by_family = {family: figures([s for s in scores if s.family == family]) for family in FAMILY_SITES}
    by_family["total"] = figures(scores)
    by_family["exit"] = result.returncode
    return by_family


def row(name: str, f) -> str:
    per_article = f"{f.requests_per_article:.2f}" if f.recall else "none found"  # no article: no ratio
    values = (f.portals, f"{f.detection:.0%}", f"{f.recall:.1%}", f"{f.extra_share:.1%}", f.traps, f"{f.title:.1%}",
              f"{f.date:.1%}", f"{f.author:.1%}", f.leaks, per_article, f.failed_runs)
    return f"{name:<24}" + "".join(f"{str(v):>13}" for v in values)


def worktree(commit: str) -> Path:
    """Return a git worktree of commit (made once, under the system's temporary folder)."""
    path = Path(tempfile.gettempdir()) / f"govnews-{commit}"
    if not path.exists():
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(path), commit], check=True,
                       capture_output=True)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-family", type=int, default=8)
    parser.add_argument("--first-seed", type=int, default=FIRST_UNSEEN_SEED)
    parser.add_argument("--baseline", default="b77b5aa")
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--show-misses", action="store_true")
    args = parser.parse_args()
    seeds = range(args.first_seed, args.first_seed + args.per_family)
    runs = {"now": measure(seeds, ROOT, args.show_misses)}
    if not args.no_baseline:
        runs[args.baseline] = measure(seeds, worktree(args.baseline), False)
    print(f"seeds {seeds.start}..{seeds.stop - 1}, {args.per_family} portals per family, family = auto, base URL only")
    print(" " * 24 + "".join(f"{h:>13}" for h in HEADINGS))
    for family in [*FAMILY_SITES, "total"]:
        for label, figures_by_family in runs.items():
            print(row(f"{family} {label}"[:24], figures_by_family[family]))
    print("crawl exit: " + ", ".join(f"{label} {figs['exit']}" for label, figs in runs.items()))


if __name__ == "__main__":
    main()
