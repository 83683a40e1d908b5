"""WARC in and out: `govnews import-warc` reads collections researchers hold; `export --format warc` hands ours on.

Export writes each stored raw page (`raw_pages`) as a WARC/1.0 `response` record (gzip, one
member per record) after a `warcinfo` record, with the HTTP status and headers of the fetch and
the header `WARC-Govnews-Portal` naming the portal. Import reads `response` records (revisits,
requests, metadata are skipped), finds the portal by that header or by the registry's hosts (any
of their forms: www. or bare, http or https), keeps the pages that are articles by the portal's
family (detected from the WARC for `auto` portals) and by extraction's verdict, and sends each
through the same extraction, normalisation and `Archive.save` as a crawl, with `source = warc`,
`capture_url = <file>#<offset>` and `captured_at` = WARC-Date.
"""

from __future__ import annotations

import gzip
import io
import json
import zlib
import logging
from collections import Counter
from dataclasses import asdict
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from scrapy.http import HtmlResponse

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from scraper.archive import Archive, utc_now
from scraper.detect import detect_family
from scraper.extract import EXTRACTOR_VERSION, NotAnArticle, decode_html
from scraper.items import Article
from scraper.normalize import Untitled, normalize_article
from scraper.pool import extract_and_sign
from scraper.registry import Portal
from scraper.urls import canonical_url, host_form, in_portal_form
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


class NotAWarc(ValueError):
    """A file given to import-warc is not a WARC file, or is damaged."""


def check_warc(path: Path) -> None:
    """Raise NotAWarc unless the file starts with a WARC record warcio can read."""
    try:
        with open(path, "rb") as stream:
            first = next(iter(ArchiveIterator(stream)), None)
    except (ArchiveLoadFailed, OSError, EOFError, zlib.error) as exc:
        raise NotAWarc(f"{path}: not a WARC file ({str(exc).splitlines()[0] if str(exc) else type(exc).__name__})") from None
    if first is None:
        raise NotAWarc(f"{path}: not a WARC file (no record in it)")
    if first.format == "arc":  # warcio reads any line of five words as an ARC header: check it is one
        headers = first.rec_headers
        if not ((headers.get_header("archive-date") or "").isdigit() and (headers.get_header("length") or "").isdigit()):
            raise NotAWarc(f"{path}: not a WARC file (its first line is no WARC or ARC record header)")


def import_warc(paths: list[Path], archive: Archive, portals: list[Portal]) -> Counter:
    """Store the articles of WARC files; return counts of what happened to their response records.

    A page is stored when it is an article by its portal's family: not a home page, listing or
    other page by the platform's URL shapes or page-type markers, and an article by extraction's
    verdict (presumed only for URLs of the platform's article shape). A portal whose family is
    `auto` and not detected yet is detected from the WARC's capture of its home page (or, without
    one, its first page in the WARC), and the detection is recorded.
    """
    from scraper.crawl import ANY_AGE, family_hints, family_of, family_platform

    by_id = {p.id: p for p in portals}
    by_host = {host_form(p.host): p for p in portals}
    detected = archive.detected_families(ANY_AGE)
    for portal_id, (family, evidence) in _detect_from_warcs(paths, by_id, by_host, detected).items():
        archive.record_detection(portal_id, family, evidence)
        detected[portal_id] = family
        logger.info("%s: family %s, detected from the WARC's capture of its home page", portal_id, family)
    knowledge = {}
    for portal in portals:
        family = family_of(portal, detected)
        knowledge[portal.id] = (family_hints(family).merged(portal.hints), family_platform(family))
    counts: Counter = Counter()
    for path in paths:
        try:
            with open(path, "rb") as stream:
                for page in warc_pages(stream):
                    portal = _portal_of(page, by_id, by_host)
                    outcome = _import_page(page, path, archive, portal, *knowledge[portal.id]) if portal else \
                        "skipped: host not in the registry"
                    counts[outcome] += 1
        except (ArchiveLoadFailed, EOFError, zlib.error) as exc:
            raise NotAWarc(f"{path}: damaged after {sum(counts.values())} records ({exc})") from None
    return counts


def _portal_of(page: WarcPage, by_id: dict, by_host: dict) -> Portal | None:
    """Return the registry portal a WARC record belongs to: by govnews's header, else by any form of its host."""
    return by_id.get(page.portal_id) or by_host.get(host_form(urlsplit(page.target_uri).hostname or ""))


def _detect_from_warcs(paths: list[Path], by_id: dict, by_host: dict, detected: dict) -> dict[str, tuple[str, tuple]]:
    """Return {portal id: (family, evidence)} for the `auto` portals not detected yet, from their home
    page in the WARC files: the capture of the base URL, or of where it redirected, else their first page."""
    undetected = {p.id for p in by_id.values() if p.family == "auto" and p.id not in detected}
    homes: dict[str, tuple[int, bytes]] = {}  # portal id -> (rank: 0 base URL, 1 its redirect, 2 any page; body)
    redirects: dict[str, str] = {}  # portal id -> where its base URL redirected
    for path in paths if undetected else []:
        with open(path, "rb") as stream:
            for page in warc_pages(stream):
                portal = _portal_of(page, by_id, by_host)
                if portal is None or portal.id not in undetected:
                    continue
                url = canonical_url(in_portal_form(page.target_uri, portal.base_url))
                if url == canonical_url(portal.base_url) and 300 <= page.status < 400:
                    location = next((v for k, v in page.headers.items() if k.lower() == "location"), "")
                    redirects[portal.id] = canonical_url(in_portal_form(urljoin(page.target_uri, location), portal.base_url))
                    continue
                if page.status != 200 or not _is_html(page):
                    continue
                rank = 0 if url == canonical_url(portal.base_url) else 1 if url == redirects.get(portal.id) else 2
                if rank < homes.get(portal.id, (3, b""))[0]:
                    homes[portal.id] = (rank, page.body)
    found = {}
    for portal_id, (_, body) in homes.items():
        detection = detect_family(decode_html(body))
        found[portal_id] = (detection.family, detection.evidence)
    return found


def _is_html(page: WarcPage) -> bool:
    content_type = next((v for k, v in page.headers.items() if k.lower() == "content-type"), "text/html")
    return "html" in content_type.lower()


def _import_page(page: WarcPage, path: Path, archive, portal: Portal, hints, platform) -> str:
    """Store one WARC response of a portal as an article; return what happened (new, unchanged, changed, or a skip reason)."""
    if page.status != 200 or not _is_html(page):
        return "skipped: not a 200 HTML page"
    url = in_portal_form(page.target_uri, portal.base_url)
    kind = platform.url_kind(canonical_url(url))
    if kind:
        logger.info("skipped %s: a %s page by the %s platform's URL shapes", page.target_uri, kind.replace("_", " "),
                    portal.id)
        return f"skipped: {kind.replace('_', ' ')}"
    if platform.is_other_page(HtmlResponse(url, body=page.body, headers=page.headers)):
        logger.info("skipped %s: the platform marks it as no article", page.target_uri)
        return "skipped: platform marks no article"
    try:
        known = platform.matches(platform.article_url, url) or platform.matches(hints.article_url_pattern, url)
        extracted, signature = extract_and_sign(page.body, url, hints, known)
    except NotAnArticle as exc:
        logger.info("skipped %s: %s", page.target_uri, exc)
        return "skipped: not an article"
    fields = asdict(extracted)
    attachments = fields.pop("attachments")
    article = Article(portal_id=portal.id, url=url, **fields,
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
