"""Portal lifecycle: active, frozen (no new article in N days), redirected (with the target) or offline.

`govnews portals check` fetches each home page once (spiders/check.py) and decides from where
it ended and from the newest article archived. A status goes into `portal_status_history` when
it differs from the portal's last one, so the table says since when a portal has been frozen,
redirected or offline; `portals.checked_status` and `checked_at` hold the latest check.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from scraper.urls import same_host


@dataclass(frozen=True)
class Reachability:
    """What one request to a portal's home page found."""

    ok: bool
    status: int = 0
    final_url: str = ""
    redirected: bool = False
    detail: str = ""


@dataclass(frozen=True)
class Lifecycle:
    """A portal's status at one check."""

    status: str  # active, frozen, redirected, offline
    detail: str
    target: str = ""  # where a redirected portal now leads


def lifecycle(host: str, reach: Reachability, newest_article: str | None, frozen_days: int,
              now: datetime | None = None) -> Lifecycle:
    """Decide a portal's status from its home page's answer and its newest archived article's date."""
    if reach.final_url and not same_host(reach.final_url, host):
        return Lifecycle("redirected", f"home page leads to {reach.final_url}", reach.final_url)
    if not reach.ok:
        return Lifecycle("offline", reach.detail)
    if newest_article:
        newest = datetime.fromisoformat(newest_article)
        age = (now or datetime.now(timezone.utc)) - newest
        if age > timedelta(days=frozen_days):
            return Lifecycle("frozen", f"newest article {newest_article[:10]}, {age.days} days ago")
        return Lifecycle("active", f"newest article {newest_article[:10]}")
    return Lifecycle("active", "answers; no article archived yet")
