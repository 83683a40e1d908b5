"""Saved pages for fixture tests: tests/fixtures/<portal-id>/<name>.html with <name>.meta.json beside it."""

from __future__ import annotations

import json
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from scraper.archive import utc_now
from scraper.extract import NO_HINTS, extract_article
from scraper.registry import Hints
from scraper.settings import USER_AGENT

KINDS = ("article", "listing")


@dataclass(frozen=True)
class SavedPage:
    """One saved page and what we know of it."""

    html: Path
    url: str
    family: str
    kind: str

    @property
    def portal_id(self) -> str:
        """Return the portal the page belongs to (its folder's name)."""
        return self.html.parent.name

    @property
    def golden(self) -> Path:
        """Return the expected-output file beside the page."""
        return self.html.with_suffix(".json")


def save_fixture(url: str, portal_id: str, family: str, kind: str, folder: Path, name: str = "",
                 hints: Hints = NO_HINTS) -> Path:
    """Fetch url once and save it under folder/<portal_id>/ with its metadata; return the page's path."""
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    with urllib.request.urlopen(request, timeout=30) as response:
        body, final_url = response.read(), response.geturl()
    if not name:
        name = "listing-1" if kind == "listing" else _article_name(body, final_url, hints)
    target = folder / portal_id / f"{name}.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(body)
    meta = {"url": final_url, "family": family, "kind": kind, "fetched_at": utc_now()}
    target.with_suffix(".meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return target


def _article_name(body: bytes, url: str, hints: Hints) -> str:
    """Name an article page by its publication date, as CONVENTIONS asks (article-2025-02-03)."""
    published = extract_article(body, url, hints).published_at
    return f"article-{published[:10]}" if published else "article"


def saved_pages(folder: Path) -> list[SavedPage]:
    """Return every saved page under folder, sorted."""
    pages = []
    for html in sorted(folder.glob("*/*.html")):
        meta = json.loads(html.with_suffix(".meta.json").read_text(encoding="utf-8"))
        pages.append(SavedPage(html, meta["url"], meta["family"], meta["kind"]))
    return pages
