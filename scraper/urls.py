"""Canonical article URLs: one form per article, whatever link led to it."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from w3lib.url import canonicalize_url, url_query_cleaner

# Parameters that tell who shared a link, never which article it is.
TRACKING_PARAMS = ("fbclid", "gclid", "zarsrc", "utm_source", "utm_medium", "utm_campaign",
                   "utm_term", "utm_content")


def canonical_url(url: str) -> str:
    """Return the canonical form of an article URL.

    Drops the fragment and tracking parameters, sorts the query, lower-cases scheme and host,
    drops the default port. Path case is kept: only IIS portals ignore it (see issue 5).
    """
    cleaned = url_query_cleaner(url, TRACKING_PARAMS, remove=True, keep_fragments=False)
    canonical = canonicalize_url(cleaned, keep_fragments=False)
    parts = urlsplit(canonical)
    netloc = parts.hostname or ""
    if parts.port and not ((parts.scheme, parts.port) in (("http", 80), ("https", 443))):
        netloc = f"{netloc}:{parts.port}"
    return urlunsplit((parts.scheme.lower(), netloc, parts.path or "/", parts.query, ""))


def same_host(url: str, host: str) -> bool:
    """Tell whether url is on host (or a subdomain of it)."""
    other = urlsplit(url).hostname or ""
    return other == host or other.endswith("." + host)
