"""WARC in and out: `govnews import-warc` reads collections researchers hold; `export --format warc` hands ours on.

Export writes each stored raw page (`raw_pages`) as a WARC/1.0 `response` record (gzip, one
member per record) after a `warcinfo` record, with the HTTP status and headers of the fetch and
the header `WARC-Govnews-Portal` naming the portal. Import reads `response` records (revisits,
requests, metadata are skipped), finds the portal by that header or by the registry's hosts,
and sends each HTML page through the same extraction, normalisation and `Archive.save` as a
crawl, with `source = warc`, `capture_url = <file>#<offset>` and `captured_at` = WARC-Date.
"""

from __future__ import annotations

import gzip
import io
import json
import logging
from collections import Counter
from dataclasses import asdict
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from scraper.archive import Archive, utc_now
from scraper.extract import EXTRACTOR_VERSION, NotAnArticle
from scraper.items import Article
from scraper.normalize import Untitled, normalize_article
from scraper.pool import extract_and_sign
from scraper.registry import Portal
from scraper.webarchive import WarcPage, warc_pages

logger = logging.getLogger(__name__)

# Headers that described the bytes on the wire, not the decoded page the record holds.
_WIRE_HEADERS = {"content-encoding", "content-length", "transfer-encoding"}


def export_warc(archive: Archive, out, portals: tuple[str, ...] = ()) -> int:
    """Write the archive's raw pages as WARC records to a binary stream; return how many."""
    writer = WARCWriter(out, gzip=True)
    writer.write_record(writer.create_warcinfo_record("govnews.warc.gz", {
        "software": "govnews (warcio)", "format": "WARC File Format 1.0",
        "description": "Raw pages of the govnews archive of Vietnamese local-government news"}))
    where, params = "", []
    if portals:
        where = f"WHERE a.portal_id IN ({', '.join('?' * len(portals))})"
        params = list(portals)
    cursor = archive.db.conn.execute(
        f"SELECT r.url, coalesce(r.captured_at, r.fetched_at), r.http_status, r.headers, r.html_gz, a.portal_id,"
        f" r.capture_url FROM raw_pages r JOIN articles a ON a.id = r.article_id {where} ORDER BY r.id", params)
    count = 0
    for url, taken_at, status, headers, html_gz, portal_id, capture_url in cursor:
        pairs = [(k, v) for k, v in json.loads(headers or "{}").items() if k.lower() not in _WIRE_HEADERS]
        http = StatusAndHeaders(f"{status or 200} OK", pairs, protocol="HTTP/1.1")
        # the moment the page was taken from the portal: a capture's own time, not when govnews copied it
        warc_headers = {"WARC-Date": (taken_at or utc_now()).replace("+00:00", "Z"), "WARC-Govnews-Portal": portal_id}
        if capture_url:
            warc_headers["WARC-Source-URI"] = capture_url
        record = writer.create_warc_record(url, "response", payload=io.BytesIO(gzip.decompress(html_gz)),
                                           http_headers=http, warc_headers_dict=warc_headers)
        writer.write_record(record)
        count += 1
    return count


def import_warc(paths: list[Path], archive: Archive, portals: list[Portal], hints_for) -> Counter:
    """Store the articles of WARC files; return counts of what happened to their response records.

    hints_for(portal) gives the extraction hints of a portal (its family's, merged with its own).
    """
    by_id = {p.id: p for p in portals}
    by_host = {p.host: p for p in portals}
    counts: Counter = Counter()
    for path in paths:
        with open(path, "rb") as stream:
            for page in warc_pages(stream):
                outcome = _import_page(page, path, archive, by_id, by_host, hints_for)
                counts[outcome] += 1
    return counts


def _import_page(page: WarcPage, path: Path, archive, by_id, by_host, hints_for) -> str:
    """Store one WARC response as an article; return what happened (new, unchanged, changed, or a skip reason)."""
    content_type = next((v for k, v in page.headers.items() if k.lower() == "content-type"), "text/html")
    if page.status != 200 or "html" not in content_type.lower():
        return "skipped: not a 200 HTML page"
    portal = by_id.get(page.portal_id) or by_host.get(urlsplit(page.target_uri).hostname or "")
    if portal is None:
        logger.info("skipped %s: no registry portal on this host", page.target_uri)
        return "skipped: host not in the registry"
    try:
        extracted, signature = extract_and_sign(page.body, page.target_uri, hints_for(portal), True)
    except NotAnArticle as exc:
        logger.info("skipped %s: %s", page.target_uri, exc)
        return "skipped: not an article"
    fields = asdict(extracted)
    attachments = fields.pop("attachments")
    article = Article(portal_id=portal.id, url=page.target_uri, **fields,
                      attachments=[{"url": url, "title": title} for url, title in attachments],
                      source="warc", capture_url=f"{path.name}#{page.offset}", captured_at=_iso(page.date),
                      fetched_at=utc_now(), extractor_version=EXTRACTOR_VERSION, raw_html=page.body,
                      raw_headers=page.headers, http_status=page.status, signature=signature)
    try:
        normalize_article(article)
    except Untitled:
        return "skipped: no title"
    return archive.save(article)


def _iso(warc_date: str) -> str:
    """Return a WARC-Date (2019-03-14T08:45:12Z) in the archive's ISO 8601 form."""
    if not warc_date:
        return ""
    when = datetime.fromisoformat(warc_date.replace("Z", "+00:00"))
    return when.astimezone(timezone.utc).replace(microsecond=0).isoformat()
