"""Web-archive formats: Wayback CDX and replay URLs, Common Crawl indexes, WARC records.

Pure functions over what the services send (docs/web-archives.md shows real responses):

- Wayback's CDX server (`/cdx/search/cdx`) answers JSON (`output=json`: a header row, then one
  list per capture; with `showResumeKey=true` an empty list and `[resume key]` close a page) or
  text (space-separated fields per line; a blank line and the resume key close a page).
- Wayback replay `/web/<14-digit timestamp>id_/<original URL>` is the capture as archived, without
  the toolbar and link rewriting; an inexact timestamp redirects to the nearest capture.
- Common Crawl's `collinfo.json` lists the crawls with their `cdx-api` URL; each index answers
  NDJSON (one capture per line, with `filename`, `offset` and `length` in the crawl's data), and
  `showNumPages=true` gives the number of pages. A capture is one gzip member of a WARC file,
  fetched with a Range request from the data server.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from urllib.parse import urlencode

from warcio.archiveiterator import ArchiveIterator

WAYBACK_FIELDS = ("urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length")
_REPLAY = re.compile(r"/web/(\d{14})(?:id_)?/(.+)$")
_CRAWL_YEAR = re.compile(r"CC-MAIN-(\d{4})-")


class FormatError(ValueError):
    """A service answered something that is not the format it documents."""


@dataclass(frozen=True)
class Capture:
    """One archived capture of a URL."""

    original: str
    timestamp: str  # 14 digits, UTC
    mimetype: str = ""
    status: str = ""
    digest: str = ""
    length: int = 0
    offset: int = 0
    filename: str = ""  # Common Crawl: the WARC file in the crawl's data

    @property
    def captured_at(self) -> str:
        """Return the capture time in ISO 8601, UTC."""
        return capture_time(self.timestamp)

    def is_html_page(self) -> bool:
        """Tell whether the capture is a 200 HTML page (not a revisit, redirect or other type)."""
        return self.status == "200" and self.mimetype.split(";")[0].strip().lower() in ("text/html", "application/xhtml+xml")


def capture_time(timestamp: str) -> str:
    """Return a 14-digit archive timestamp (YYYYMMDDhhmmss, UTC) as ISO 8601."""
    return datetime.strptime(timestamp[:14].ljust(14, "0"), "%Y%m%d%H%M%S").replace(tzinfo=timezone.utc).isoformat()


# --- Wayback -----------------------------------------------------------------------------------

def wayback_cdx_url(base: str, host: str, year_from: str = "", year_to: str = "", resume_key: str = "",
                    limit: int = 1000) -> str:
    """Return the CDX query for every 200 HTML capture under a host, collapsed by digest, one page."""
    params = [("url", f"{host}/*"), ("output", "json"), ("filter", "statuscode:200"), ("filter", "mimetype:text/html"),
              ("collapse", "digest"), ("showResumeKey", "true"), ("limit", str(limit))]
    if year_from:
        params.append(("from", year_from))
    if year_to:
        params.append(("to", year_to))
    if resume_key:
        params.append(("resumeKey", resume_key))
    return f"{base.rstrip('/')}/cdx/search/cdx?{urlencode(params)}"


def parse_wayback_cdx(body: bytes) -> tuple[list[Capture], str]:
    """Return the captures of one CDX page (JSON or text output) and its resume key ('' on the last page)."""
    text = body.decode("utf-8", "replace").strip()
    if not text:
        return [], ""
    if text.startswith("["):
        try:
            rows = json.loads(text)
        except json.JSONDecodeError as exc:
            raise FormatError(f"CDX JSON does not parse: {exc}") from None
        header, rows = (rows[0], rows[1:]) if rows and rows[0] and rows[0][0] == "urlkey" else (list(WAYBACK_FIELDS), rows)
        resume = ""
        if len(rows) >= 2 and rows[-2] == [] and len(rows[-1]) == 1:
            resume, rows = rows[-1][0], rows[:-2]
        return [_wayback_capture(dict(zip(header, row))) for row in rows if row], resume
    lines = text.splitlines()
    resume = ""
    if len(lines) >= 2 and lines[-2].strip() == "" and len(lines[-1].split()) == 1:
        resume, lines = lines[-1].strip(), lines[:-2]
    captures = []
    for line in lines:
        fields = line.split(" ")
        if len(fields) < len(WAYBACK_FIELDS):
            raise FormatError(f"CDX line has {len(fields)} fields, not {len(WAYBACK_FIELDS)}: {line[:80]!r}")
        captures.append(_wayback_capture(dict(zip(WAYBACK_FIELDS, fields))))
    return captures, resume


def _wayback_capture(row: dict) -> Capture:
    length = row.get("length", "0")
    return Capture(original=row["original"], timestamp=row["timestamp"], mimetype=row.get("mimetype", ""),
                   status=row.get("statuscode", ""), digest=row.get("digest", ""),
                   length=int(length) if str(length).isdigit() else 0)


def wayback_replay_url(base: str, capture: Capture) -> str:
    """Return the raw (`id_`) replay URL of a capture: the page as archived, no toolbar, links not rewritten."""
    return f"{base.rstrip('/')}/web/{capture.timestamp}id_/{capture.original}"


def replay_timestamp(url: str) -> str:
    """Return the timestamp of a replay URL (after a nearest-capture redirect, the capture's own)."""
    match = _REPLAY.search(url)
    return match.group(1) if match else ""


# --- Common Crawl ------------------------------------------------------------------------------

def cc_index_apis(body: bytes, year_from: str = "", year_to: str = "") -> list[str]:
    """Return the `cdx-api` URLs of the crawls in collinfo.json whose year lies in [year_from, year_to]."""
    try:
        crawls = json.loads(body)
    except json.JSONDecodeError as exc:
        raise FormatError(f"collinfo.json does not parse: {exc}") from None
    apis = []
    for crawl in crawls:
        match = _CRAWL_YEAR.match(crawl.get("id", ""))
        year = match.group(1) if match else ""
        if (year_from and year < year_from) or (year_to and year > year_to):
            continue
        apis.append(crawl["cdx-api"])
    return apis


CC_HTML_FILTER = r"~mime:(?:text/html|application/xhtml\+xml)(?:;|$)"  # the MIME type the server sent, as indexed


def cc_index_url(api: str, host: str, page: int | None = None) -> str:
    """Return an index query for a host's 200 HTML captures: one page, or the page count when page is None."""
    # pywb's filter language: `=` exact, `~` a regex matched from the field's start (docs/web-archives.md)
    params = [("url", f"{host}/*"), ("output", "json"), ("filter", "=status:200"),
              ("filter", CC_HTML_FILTER)]
    params.append(("showNumPages", "true") if page is None else ("page", str(page)))
    return f"{api}?{urlencode(params)}"


def parse_cc_pages(body: bytes) -> int:
    """Return the page count of a `showNumPages=true` answer."""
    try:
        return int(json.loads(body)["pages"])
    except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
        raise FormatError(f"page count answer not understood: {exc}") from None


def parse_cc_index(body: bytes) -> list[Capture]:
    """Return the captures of one page of a Common Crawl index (NDJSON)."""
    captures = []
    for line in body.decode("utf-8", "replace").splitlines():
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise FormatError(f"index line does not parse: {exc}") from None
        captures.append(Capture(original=row["url"], timestamp=row["timestamp"], mimetype=row.get("mime", ""),
                                status=row.get("status", ""), digest=row.get("digest", ""),
                                length=int(row.get("length", 0)), offset=int(row.get("offset", 0)),
                                filename=row.get("filename", "")))
    return captures


def cc_data_url(base: str, capture: Capture) -> str:
    """Return the data-server URL of the WARC file holding a capture."""
    return f"{base.rstrip('/')}/{capture.filename}"


def cc_range(capture: Capture) -> str:
    """Return the Range header value that fetches exactly the capture's gzip member."""
    return f"bytes={capture.offset}-{capture.offset + capture.length - 1}"


# --- WARC --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class WarcPage:
    """The HTTP response a WARC `response` record holds."""

    target_uri: str
    date: str  # ISO 8601 as in WARC-Date
    status: int
    headers: dict
    body: bytes
    portal_id: str = ""  # govnews's own exports name the portal (header WARC-Govnews-Portal)
    offset: int = 0  # of the record in its file


def warc_pages(stream) -> Iterator[WarcPage]:
    """Yield the HTTP responses of a WARC stream (gzip'd or not); revisits, requests and metadata are skipped."""
    records = ArchiveIterator(stream)
    for record in records:
        if record.rec_type != "response" or record.http_headers is None:
            continue
        status = int(record.http_headers.get_statuscode() or 0)
        yield WarcPage(
            target_uri=record.rec_headers.get_header("WARC-Target-URI", ""),
            date=record.rec_headers.get_header("WARC-Date", ""),
            status=status,
            headers=dict(record.http_headers.headers),
            body=record.content_stream().read(),
            portal_id=record.rec_headers.get_header("WARC-Govnews-Portal", "") or "",
            offset=records.get_record_offset(),
        )


def warc_member_page(member: bytes) -> WarcPage | None:
    """Return the response held by one gzip member of a WARC file (a Range answer), or None for other records."""
    return next(iter(warc_pages(io.BytesIO(member))), None)
