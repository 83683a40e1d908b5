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
    query = sorted(
        (key.lower(), "#" if value.isdigit() else "*") for key, value in parse_qsl(parts.query, keep_blank_values=True)
    )
    return "/".join(segments) + ("?" + "&".join(f"{k}={v}" for k, v in query) if query else "")


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
