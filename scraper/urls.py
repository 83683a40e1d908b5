"""Canonical article URLs: one form per article, whatever link led to it."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

import re

from w3lib.url import canonicalize_url, url_query_cleaner

_IIS_PATH = re.compile(r"\.(?:aspx|asp|ashx)$", re.IGNORECASE)

# Parameters that tell who shared a link or where the reader came from, never which article it is:
# share trackers, and Liferay's portlet state and back-links.
TRACKING_PARAMS = ("fbclid", "gclid", "zarsrc", "utm_source", "utm_medium", "utm_campaign",
                   "utm_term", "utm_content", "redirect", "p_p_id", "p_p_lifecycle", "p_p_state",
                   "p_p_mode", "p_p_col_id", "p_p_col_pos", "p_p_col_count", "p_l_back_url")
_SESSION_ID = re.compile(r";jsessionid=[^/?#]*", re.IGNORECASE)
# WebSphere Portal encodes portlet navigation state in the path; every view writes a new one.
_PORTLET_STATE = re.compile(r"/!ut/p/[^?#]*")
# Print and save views of one article: NukeViet's /<module>/print/... and /<module>/savefile/...
_VIEW_SEGMENT = re.compile(r"^/([\w-]+)/(?:print|savefile)/")
VIEW_PARAMS = ("print", "printable", "printview")
# Default documents: /news/index.php is /news/
# Bump whenever canonical_url() gives a different answer for any URL: archives written with an
# older version are re-canonicalized when next opened for writing (scraper/recanonical.py).
# 1: #2's form; 2: IIS path case, jsessionid, Liferay and WebSphere state, print views, default documents.
CANONICAL_VERSION = 2

_DEFAULT_DOCUMENT = re.compile(r"/(?:index\.(?:php|html?|asp|aspx)|default\.aspx?)$", re.IGNORECASE)


def canonical_url(url: str) -> str:
    """Return the canonical form of an article URL.

    Drops the fragment, session ids (;jsessionid=), WebSphere portlet state (/!ut/p/...), tracking and portlet-state parameters,
    print and save views (/news/print/..., ?print=1) and default documents (/index.php, /Default.aspx), sorts the query, lower-cases scheme and host,
    drops the default port. ASP.NET paths (.aspx, .asp, .ashx) are lower-cased too: IIS serves
    /Pages/NewsDetail.aspx and /pages/newsdetail.aspx as one page. Other paths keep their case.
    """
    # servlet containers (Liferay, WebSphere) put the session in the path when cookies are off
    stateless = _PORTLET_STATE.sub("/", _SESSION_ID.sub("", url))
    cleaned = url_query_cleaner(stateless, TRACKING_PARAMS + VIEW_PARAMS, remove=True, keep_fragments=False)
    canonical = canonicalize_url(cleaned, keep_fragments=False)
    parts = urlsplit(canonical)
    netloc = parts.hostname or ""
    if parts.port and not ((parts.scheme, parts.port) in (("http", 80), ("https", 443))):
        netloc = f"{netloc}:{parts.port}"
    iis = bool(_IIS_PATH.search(parts.path))  # decided before /Default.aspx becomes /
    path = _DEFAULT_DOCUMENT.sub("/", _VIEW_SEGMENT.sub(r"/\1/", parts.path or "/"))
    if iis:
        path = path.lower()
    return urlunsplit((parts.scheme.lower(), netloc, path, parts.query, ""))


def host_form(host: str) -> str:
    """Return the form of a host name that its www. and bare forms share (lower case, no `www.`)."""
    host = host.lower().rstrip(".")
    return host[4:] if host.startswith("www.") else host


def in_portal_form(url: str, base_url: str) -> str:
    """Return url on the portal's own scheme, host and port when it is on one of the forms of the
    portal's host (with or without `www.`, http or https, the scheme's default port written or not);
    any other URL unchanged.

    Web archives hold a portal's pages under all of these forms (their SURT keys fold them into one);
    the archive keeps one row per article, under the form the registry names.
    """
    parts, base = urlsplit(url), urlsplit(base_url)
    if not parts.hostname or host_form(parts.hostname) != host_form(base.hostname or ""):
        return url
    if _own_port(parts.port) != _own_port(base.port):
        return url  # another port is another server
    return urlunsplit((base.scheme, base.netloc, parts.path or "/", parts.query, parts.fragment))


def _own_port(port: int | None) -> int | None:
    """Return a URL's port unless it is a web default (80, 443), which the host's forms share."""
    return None if port in (None, 80, 443) else port


def same_host(url: str, host: str) -> bool:
    """Tell whether url is on host (or a subdomain of it)."""
    other = urlsplit(url).hostname or ""
    return other == host or other.endswith("." + host)
