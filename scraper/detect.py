"""Which CMS family a portal runs, from its home page: generator, asset paths, URL shapes, DOM.

Each family has signatures drawn from research/vn-portals.md; each signature found is evidence
worth its weight. The family with the highest score wins when it reaches MIN_SCORE; otherwise
the portal is `generic`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MIN_SCORE = 3


@dataclass(frozen=True)
class Signature:
    """A pattern whose presence in the home page's HTML is evidence for a family."""

    family: str
    pattern: re.Pattern
    weight: int
    what: str


def _sig(family: str, pattern: str, weight: int, what: str) -> Signature:
    return Signature(family, re.compile(pattern, re.IGNORECASE), weight, what)


SIGNATURES = (
    _sig("nukeviet", r'<meta[^>]+name="generator"[^>]+content="NukeViet', 5, "generator meta NukeViet"),
    _sig("nukeviet", r"Powered by NukeViet", 3, "footer 'Powered by NukeViet'"),
    _sig("nukeviet", r'id="timeoutsess"', 2, "NukeViet session-timeout notice div#timeoutsess"),
    _sig("nukeviet", r'href="[^"]*/news/rss/?"', 1, "news module RSS at /news/rss/"),
    _sig("nukeviet", r'src="/themes/[\w-]+/', 1, "theme assets under /themes/"),
    _sig("sharepoint", r'<meta[^>]+name="GENERATOR"[^>]+content="Microsoft SharePoint', 3, "generator meta Microsoft SharePoint"),
    _sig("sharepoint", r"/Style Library/", 1, "assets under /Style Library/"),
    _sig("sharepoint", r'id="s4-workspace"', 1, "SharePoint 2010 div#s4-workspace"),
    _sig("sharepoint", r"/_layouts/", 1, "links to /_layouts/"),
    _sig("sharepoint", r"newsdetail\.aspx\?", 2, "article links newsdetail.aspx?"),
    _sig("sharepoint_dated", r"/portal/Pages/\d{4}-\d{1,2}-\d{1,2}/", 5, "article links /portal/Pages/<Y>-<M>-<D>/"),
    _sig("vnpt", r"DesktopModule/UIArticleInMenu", 5, "DesktopModule/UIArticleInMenu"),
    _sig("vnpt", r"UIArticleInMenu_Default|ArticleInMenuPagination", 3, "UIArticleInMenu list markup"),
    # the platform's upload store, whatever the theme: /upload/<site_id>/<YYYYMMDD>/ and /upload/<site_id>/fck/files/
    _sig("vnpt", r"/upload/\d+/(?:\d{8}|fck/files)/", 3, "uploads under /upload/<site_id>/<YYYYMMDD>/ or fck/files"),
    _sig("vnpt", r'href="/[a-z0-9-]+/[a-z0-9-]+-\d+"', 1, "article links /<category>/<slug>-<id>"),
    _sig("websphere", r"/wps/portal", 3, "paths under /wps/portal"),
    _sig("websphere", r"!ut/p/", 3, "WebSphere portlet state URLs !ut/p/"),
    _sig("websphere", r"/wps/contenthandler|wcm:path", 2, "WCM content handler or wcm:path"),
    _sig("liferay", r"Liferay\.(?:ThemeDisplay|Portlet|on)", 4, "Liferay JavaScript API"),
    _sig("liferay", r"portlet-boundary|p_p_id", 2, "Liferay portlet markup (portlet-boundary, p_p_id)"),
    _sig("liferay", r'href="[^"]*/web/[\w-]+/-/', 2, "asset links /web/<site>/-/<slug>"),
    _sig("wordpress", r'<meta[^>]+name="generator"[^>]+content="WordPress', 5, "generator meta WordPress"),
    _sig("wordpress", r"/wp-content/|/wp-includes/", 3, "assets under /wp-content/ or /wp-includes/"),
    _sig("wordpress", r"/wp-json/", 1, "REST API link /wp-json/"),
)


@dataclass(frozen=True)
class Detection:
    """The family found for a home page, its score and the evidence for it."""

    family: str
    score: int
    evidence: tuple[str, ...]


def detect_family(html: str) -> Detection:
    """Return the CMS family of a home page (or `generic`) with the evidence that decided it."""
    scores: dict[str, int] = {}
    evidence: dict[str, list[str]] = {}
    for signature in SIGNATURES:
        if signature.pattern.search(html):
            scores[signature.family] = scores.get(signature.family, 0) + signature.weight
            evidence.setdefault(signature.family, []).append(signature.what)
    # the dated flavour is SharePoint too: its own signature outranks the shared ones
    if "sharepoint_dated" in scores and "sharepoint" in scores:
        scores["sharepoint_dated"] += scores.pop("sharepoint")
        evidence["sharepoint_dated"] += evidence.pop("sharepoint")
    if not scores:
        return Detection("generic", 0, ())
    family = max(scores, key=lambda name: (scores[name], name))
    if scores[family] < MIN_SCORE:
        return Detection("generic", scores[family], tuple(evidence[family]))
    return Detection(family, scores[family], tuple(evidence[family]))
