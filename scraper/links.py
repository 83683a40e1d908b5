"""What links on a portal page are: article-shaped, pagination, or something else."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlsplit

_PAGE_PARAMS = {"page", "p", "trang", "pageindex", "pagenumber", "start", "offset", "cur"}
_PAGE_PATH = re.compile(r"/(?:page|trang)[-/]?\d+/?$", re.IGNORECASE)
_PAGE_WORDS = {"»", "«", "›", "‹", ">", "<", ">>", "<<", "sau", "trang sau", "tiếp", "tiếp theo",
               "trước", "trang trước", "next", "prev", "previous", "cuối", "đầu"}


def url_shape(url: str) -> str:
    """Return the shape of a URL: digits as #, slugs as *, query values as # or *.

    Article URLs of one portal share a shape (/news/<cat>/<slug>-<id>.html,
    newsdetail.aspx?CatId=#&NewsId=#), which is how the generic spider tells article links
    from menus once it has archived a few articles.
    """
    parts = urlsplit(url)
    segments = []
    for segment in parts.path.lower().split("/"):
        segment = re.sub(r"\d+", "#", segment)
        if "-" in segment:
            tail = re.search(r"(-#)?(\.[a-z]+)?$", segment)
            segment = "*" + (tail.group(0) if tail else "")
        segments.append(segment)
    query = sorted((key.lower(), _value_shape(value)) for key, value in parse_qsl(parts.query, keep_blank_values=True))
    return "/".join(segments) + ("?" + "&".join(f"{k}={v}" for k, v in query) if query else "")


def _value_shape(value: str) -> str:
    """Return a query value's shape: numbers #, paths and long values *, short words themselves.

    A short word names a view (`page=trangchitiet` is an article, `page=danhmuc` a listing on
    one WebSphere portal); an id or a content path names one item among many.
    """
    if value.isdigit():
        return "#"
    if len(value) > 24 or re.search(r"[/%:.\d]", value):
        return "*"
    return value.lower()


# Query keys of calendars and date archives: every value leads to another, without end.
_CALENDAR_KEYS = {"tuan", "nam", "week", "year", "month", "thang", "ngay", "date", "day", "calendar"}
MAX_URL_CHARS = 400
MAX_QUERY_PARAMS = 8


def is_trap(url: str) -> str:
    """Return why a link leads into an endless URL space (calendar, growing query, looping path), or ''."""
    if len(url) > MAX_URL_CHARS:
        return "long_url"
    parts = urlsplit(url)
    keys = [key.lower() for key, _ in parse_qsl(parts.query, keep_blank_values=True)]
    if len(keys) > MAX_QUERY_PARAMS or len(keys) != len(set(keys)):
        return "growing_query"
    if _CALENDAR_KEYS & set(keys):
        return "calendar"
    if any("redirect" in key or key in ("returnurl", "return_url") for key in keys):
        return "redirect_state"  # a switch (theme, language, login) that sends back here with state
    segments = [segment for segment in parts.path.lower().split("/") if segment]
    if any(segments.count(segment) >= 3 for segment in segments):
        return "looping_path"
    return ""


def is_pagination(url: str, text: str = "", rel: str = "") -> bool:
    """Tell whether a link goes to another page of the same listing."""
    if rel.lower() in ("next", "prev"):
        return True
    label = text.strip().lower()
    if label.isdigit() or label in _PAGE_WORDS:
        return True
    parts = urlsplit(url)
    if _PAGE_PATH.search(parts.path):
        return True
    return any(key.lower() in _PAGE_PARAMS and value.isdigit() for key, value in parse_qsl(parts.query))
