"""Loopback stand-ins for the Wayback Machine and Common Crawl, speaking their formats (docs/web-archives.md).

They hold captures of a replica portal's pages and answer:

- Wayback: `/cdx/search/cdx` (JSON or text output; `filter=field:regex`, `collapse=digest`,
  `from`/`to`, `limit` with `showResumeKey` and `resumeKey`), `/web/<ts>id_/<url>` (the capture
  as archived, original headers as `X-Archive-Orig-*`), `/web/<ts>/<url>` (the toolbar page with
  rewritten links), and a 302 to the nearest capture when the timestamp is not exact.
- Common Crawl: `/collinfo.json`, `/<crawl>-index` (NDJSON, `showNumPages`, `page`, a 404
  "No Captures found"), and the data server's WARC files, one gzip member per record, under
  Range requests (206).

Each can answer its first requests of a kind with 429 or 503, with or without Retry-After, and
logs every request with its time, so tests can measure the request rate.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from urllib.parse import urlsplit

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from scraper.demo.sites import Reply

TOOLBAR = '<div id="wm-ipp-base" lang="en">Wayback Machine: captures of this page</div>'


@dataclass(frozen=True)
class StoredCapture:
    """One capture held by a stand-in archive."""

    url: str
    timestamp: str
    body: bytes
    mimetype: str = "text/html"
    status: str = "200"

    @property
    def digest(self) -> str:
        return hashlib.sha1(self.body).hexdigest().upper()[:32]


def surt(url: str) -> str:
    """Return the SURT key the CDX servers sort and match by: the host reversed without `www.`,
    its port unless the scheme's default, ')', then path and query in lower case. The scheme is
    not in it: http and https captures, with or without www., share one key (pywb's
    canonicalize, the Wayback Machine's SURT: docs/web-archives.md)."""
    parts = urlsplit(url if "://" in url else "http://" + url)
    host = (parts.hostname or "").removeprefix("www.")
    port = f":{parts.port}" if parts.port and parts.port not in (80, 443) else ""
    return f"{','.join(reversed(host.split('.')))}{port}){parts.path or '/'}{'?' + parts.query if parts.query else ''}".lower()


def matches_url_query(urlkey: str, url_query: str) -> bool:
    """Tell whether a capture's key answers `url=` (a trailing `*` asks for the prefix, else the exact URL)."""
    if url_query.endswith("*"):
        return urlkey.startswith(surt(url_query[:-1]))
    return urlkey == surt(url_query)


@dataclass
class _Service:
    """Request log and throttling shared by both stand-ins."""

    portal_id: str
    family: str = "service"
    throttle: dict = field(default_factory=dict)  # kind -> [(status, retry_after or ""), ...] for its first requests
    requests: list = field(default_factory=list)
    times: list = field(default_factory=list)
    user_agents: set = field(default_factory=set)
    base_url: str = ""
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def log(self, method: str, target: str, user_agent: str = "") -> None:
        with self._lock:
            self.requests.append(f"{method} {target}")
            self.times.append(time.monotonic())
            self.user_agents.add(user_agent)

    def throttled(self, kind: str) -> Reply | None:
        """Return the next throttling answer planned for this kind of request, if any."""
        with self._lock:
            planned = self.throttle.get(kind) or []
            if not planned:
                return None
            status, retry_after = planned.pop(0)
        headers = (("Retry-After", retry_after),) if retry_after else ()
        return Reply(status, b"<html><body>Too many requests</body></html>", headers=headers)


class WaybackService(_Service):
    """The Wayback Machine's CDX server and replay, over captures held in memory."""

    def __init__(self, captures: list[StoredCapture], **kwargs):
        super().__init__("wayback", **kwargs)
        self.captures = sorted(captures, key=lambda c: (surt(c.url), c.timestamp))

    def handle_request(self, method: str, path: str, query: dict, headers, raw_query: str = "") -> Reply:
        if path == "/cdx/search/cdx":
            return self.throttled("cdx") or self.cdx(query)
        match = re.fullmatch(r"/web/(\d{1,14})(id_)?/(.+)", path)
        if match:
            original = match.group(3) + (f"?{raw_query}" if raw_query else "")  # the URL as archived, query and all
            return self.throttled("replay") or self.replay(match.group(1), bool(match.group(2)), original)
        return Reply(404, b"not found")

    def cdx(self, query: dict) -> Reply:
        rows = [c for c in self.captures if matches_url_query(surt(c.url), query["url"][0])]
        for flt in query.get("filter", []):  # [!]field:regex, a Java regex matching the whole field
            invert = flt.startswith("!")
            name, _, pattern = flt.removeprefix("!").partition(":")
            value = {"urlkey": lambda c: surt(c.url), "timestamp": lambda c: c.timestamp, "original": lambda c: c.url,
                     "mimetype": lambda c: c.mimetype, "statuscode": lambda c: c.status, "digest": lambda c: c.digest}[name]
            rows = [c for c in rows if bool(re.fullmatch(pattern, value(c))) != invert]
        if "from" in query:
            rows = [c for c in rows if c.timestamp[:len(query["from"][0])] >= query["from"][0]]
        if "to" in query:
            rows = [c for c in rows if c.timestamp[:len(query["to"][0])] <= query["to"][0]]
        if query.get("collapse") == ["digest"]:  # adjacent rows with the same digest collapse to the first
            collapsed = []
            for c in rows:
                if not collapsed or (surt(collapsed[-1].url), collapsed[-1].digest) != (surt(c.url), c.digest):
                    collapsed.append(c)
            rows = collapsed
        start = 0
        if "resumeKey" in query:
            key = query["resumeKey"][0]
            start = next((i for i, c in enumerate(rows) if f"{surt(c.url)} {c.timestamp}" >= key), len(rows))
        limit = int(query.get("limit", ["100000"])[0])
        page, rest = rows[start:start + limit], rows[start + limit:]
        resume = f"{surt(rest[0].url)} {rest[0].timestamp}" if rest and query.get("showResumeKey") == ["true"] else ""
        fields = [[surt(c.url), c.timestamp, c.url, c.mimetype, c.status, c.digest, str(len(c.body))] for c in page]
        if query.get("output") == ["json"]:
            table = [["urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length"], *fields]
            if resume:
                table += [[], [resume]]
            return Reply(200, json.dumps(table).encode(), content_type="application/json")
        text = "\n".join(" ".join(row) for row in fields) + (f"\n\n{resume}" if resume else "") + "\n"
        return Reply(200, text.encode(), content_type="text/plain")

    def replay(self, timestamp: str, raw: bool, original: str) -> Reply:
        same_url = [c for c in self.captures if c.url == original and c.status == "200"]
        if not same_url:
            return Reply(404, b"<html><body>Wayback Machine has not archived that URL.</body></html>")
        nearest = min(same_url, key=lambda c: abs(int(c.timestamp) - int(timestamp.ljust(14, "0"))))
        if nearest.timestamp != timestamp:
            location = f"{self.base_url}/web/{nearest.timestamp}{'id_' if raw else ''}/{original}"
            return Reply(302, b"", headers=(("Location", location),))
        memento = datetime.strptime(nearest.timestamp, "%Y%m%d%H%M%S").strftime("%a, %d %b %Y %H:%M:%S GMT")
        headers = (("Memento-Datetime", memento), ("X-Archive-Orig-Server", "Apache"))
        if raw:
            return Reply(200, nearest.body, headers=headers)
        page = nearest.body.replace(b"<body>", b"<body>" + TOOLBAR.encode(), 1)
        page = page.replace(b'href="/', f'href="/web/{nearest.timestamp}/{original.split("/", 3)[0]}//'.encode())
        return Reply(200, page, headers=headers)


_PYWB_FIELD_NAMES = {"statuscode": "status", "s": "status", "mimetype": "mime", "m": "mime", "original": "url",
                     "u": "url", "d": "digest", "t": "timestamp", "k": "urlkey", "f": "filename"}  # CDX_ALT_FIELDS


def pywb_filter(expression: str):
    """Return a predicate on an index row for one `filter=` of pywb's CDX server, which Common Crawl's
    index runs (pywb docs/manual/cdxserver_api.rst, "filter"; pywb/warcserver/index/cdxops.py:
    CDXFilter): a leading `!` negates; then `=` is an exact match, `~` a regular expression matched
    from the start of the field (`re.match`), and no modifier "contains". `field:` names the field;
    without it the whole line is matched."""
    invert = expression.startswith("!")
    expression = expression[1:] if invert else expression
    mode = expression[0] if expression[:1] in ("=", "~") else ""
    expression = expression[1:] if mode else expression
    name, sep, value = expression.partition(":")
    if not sep:
        name, value = "", expression
    name = _PYWB_FIELD_NAMES.get(name, name)
    compiled = re.compile(value) if mode == "~" else None

    def keep(row: dict) -> bool:
        field_value = str(row.get(name, "")) if name else json.dumps(row)
        if mode == "=":
            matched = field_value == value
        elif mode == "~":
            matched = compiled.match(field_value) is not None
        else:
            matched = value in field_value
        return matched != invert
    return keep


class CommonCrawlIndex(_Service):
    """Common Crawl's index server: collinfo.json and one CDX index per crawl."""

    def __init__(self, crawls: dict[str, list[dict]], page_size: int = 3, index_server: str = "", **kwargs):
        super().__init__("cc-index", **kwargs)
        self.crawls = crawls  # crawl id -> index rows (as NDJSON objects), sorted by urlkey
        self.page_size = page_size
        self.index_server = index_server  # where collinfo.json sends index queries: a real pywb ('': here)

    def handle_request(self, method: str, path: str, query: dict, headers, raw_query: str = "") -> Reply:
        if path == "/collinfo.json":
            server = self.index_server or self.base_url
            info = [{"id": crawl, "name": f"{crawl} Index", "timegate": f"{server}/{crawl}/",
                     "cdx-api": f"{server}/{crawl}-index"} for crawl in sorted(self.crawls, reverse=True)]
            return Reply(200, json.dumps(info).encode(), content_type="application/json")
        crawl = path.strip("/").removesuffix("-index")
        if crawl not in self.crawls:
            return Reply(404, b"no such crawl")
        throttled = self.throttled("index")
        if throttled:
            return throttled
        rows = [r for r in self.crawls[crawl] if matches_url_query(r["urlkey"], query["url"][0])]
        for flt in query.get("filter", []):
            keep = pywb_filter(flt)
            rows = [r for r in rows if keep(r)]
        if not rows:
            return Reply(404, json.dumps({"error": f"No Captures found for: {query['url'][0]}"}).encode(),
                         content_type="application/json")
        pages = max(1, -(-len(rows) // self.page_size))
        if query.get("showNumPages") == ["true"]:
            return Reply(200, json.dumps({"pageSize": self.page_size, "blocks": pages, "pages": pages}).encode(),
                         content_type="application/json")
        page = int(query.get("page", ["0"])[0])
        lines = rows[page * self.page_size:(page + 1) * self.page_size]
        return Reply(200, "".join(json.dumps(r) + "\n" for r in lines).encode(), content_type="text/x-ndjson")


class CommonCrawlData(_Service):
    """Common Crawl's data server: WARC files, one gzip member per record, served by Range."""

    def __init__(self, files: dict[str, bytes], **kwargs):
        super().__init__("cc-data", **kwargs)
        self.files = files
        self.ranges: list[tuple[str, str]] = []  # (file, Range header) of each request, as S3's access log has them

    def handle_request(self, method: str, path: str, query: dict, headers, raw_query: str = "") -> Reply:
        self.ranges.append((path.lstrip("/"), headers.get("Range", "")))
        data = self.files.get(path.lstrip("/"))
        if data is None:
            return Reply(404, b"NoSuchKey")
        throttled = self.throttled("data")
        if throttled:
            return throttled
        match = re.fullmatch(r"bytes=(\d+)-(\d+)", headers.get("Range", ""))
        if not match:
            return Reply(200, data, content_type="application/octet-stream")
        start, end = int(match.group(1)), int(match.group(2))
        return Reply(206, data[start:end + 1], content_type="application/octet-stream",
                     headers=(("Content-Range", f"bytes {start}-{end}/{len(data)}"),))


def common_crawl(captures_by_crawl: dict[str, list[StoredCapture]]) -> tuple[dict[str, list[dict]], dict[str, bytes]]:
    """Write each crawl's captures as a WARC file (a response record per capture, a revisit for a repeat)
    and return (index rows per crawl, files by name) as Common Crawl publishes them."""
    indexes, files = {}, {}
    for crawl, captures in captures_by_crawl.items():
        name = f"crawl-data/{crawl}/segments/1700000000000.00/warc/{crawl}-00000.warc.gz"
        buffer = io.BytesIO()
        writer = WARCWriter(buffer, gzip=True)
        rows, seen_digests = [], {}
        for capture in sorted(captures, key=lambda c: (surt(c.url), c.timestamp)):
            offset = buffer.tell()
            date = datetime.strptime(capture.timestamp, "%Y%m%d%H%M%S").replace(tzinfo=timezone.utc)
            warc_date = date.strftime("%Y-%m-%dT%H:%M:%SZ")
            http = StatusAndHeaders(f"{capture.status} OK", [("Content-Type", f"{capture.mimetype}; charset=utf-8")],
                                    protocol="HTTP/1.1")
            if capture.digest in seen_digests:  # the same payload again: a revisit record, no body
                record = writer.create_revisit_record(capture.url, f"sha1:{capture.digest}", seen_digests[capture.digest],
                                                      warc_date, http_headers=http)
                mime = "warc/revisit"
            else:
                record = writer.create_warc_record(capture.url, "response", payload=io.BytesIO(capture.body),
                                                   http_headers=http, warc_headers_dict={"WARC-Date": warc_date})
                seen_digests[capture.digest] = capture.url
                mime = capture.mimetype
            writer.write_record(record)
            rows.append({"urlkey": surt(capture.url), "timestamp": capture.timestamp, "url": capture.url, "mime": mime,
                         "status": capture.status if mime != "warc/revisit" else "-", "digest": capture.digest,
                         "length": str(buffer.tell() - offset), "offset": str(offset), "filename": name,
                         "languages": "vie", "encoding": "UTF-8"})
        indexes[crawl], files[name] = rows, buffer.getvalue()
    return indexes, files
