"""The Article item. Each field's docstring is the data dictionary (docs and Datasette use it)."""

from __future__ import annotations

from dataclasses import dataclass, field, fields

from scrapy.exceptions import DropItem


@dataclass
class Article:
    """One article as fetched and extracted, before it is stored."""

    portal_id: str
    """Registry id of the portal that published the article, e.g. `can-tho.vinh-thanh`."""
    url: str
    """The URL the article was fetched from (after redirects)."""
    canonical_url: str = ""
    """The URL in canonical form (lower-case host, no fragment or tracking parameters); one row each."""
    title: str = ""
    """The article's headline as the portal shows it, without the portal's name."""
    published_at: str | None = None
    """Publication time in ISO 8601 with the +07:00 offset; NULL when the page shows no date."""
    published_raw: str = ""
    """The date text exactly as the page showed it, e.g. `Thứ hai - 17/07/2023 05:44`."""
    date_precision: str = ""
    """How precise `published_at` is: `minute`, `day` (midnight is a placeholder) or `month` (the 1st is); a bare year is never stored as a date."""
    date_source: str = ""
    """Where the date came from: `css:<selector>` (the family's date element; `@datetime` when read from its HTML5 datetime attribute), `near-title` (a short date line after the title), or empty when none."""
    author: str = ""
    """The byline at the end of the article (a name, or name and unit), when there is one."""
    text: str = ""
    """The article body as plain text in NFC, paragraphs separated by blank lines, without page furniture or byline."""
    summary: str = ""
    """The lead paragraph (sapo) the portal shows under the title, or the first paragraph."""
    captions: str = ""
    """Photo captions of the article, one per line, kept out of `text`."""
    legacy_encoding: str = ""
    """Legacy font encoding of the page's text: `tcvn3`, `vni` or `viscii` when converted to Unicode; `tcvn3?` (and the like) when the text looks legacy but detection was unsure, so it is stored as found; empty for Unicode."""
    encoding_note: str = ""
    """Why the page's bytes deserve a look, or empty: a label they did not match (`labelled utf-8; read as cp1258 (265 characters replaced)`), or characters replaced in the reading kept (`utf-8 with 9 characters replaced (U+FFFD)`: the text holds U+FFFD where bytes were invalid)."""
    credit: str = ""
    """The source the article credits at its end ("Nguồn: Báo Cần Thơ" gives `Báo Cần Thơ`), kept out of `text`."""
    category: str = ""
    """The portal's section or category for the article; not filled yet (empty)."""
    language: str = "vi"
    """ISO 639-1 language code of the text."""
    content_hash: str = ""
    """SHA-256 of the normalised text; equal hashes mean the same text."""
    source: str = "live"
    """Where the page came from: `live` (the portal), `wayback`, `commoncrawl` or `warc`."""
    capture_url: str = ""
    """For web-archive rows, the capture the current text came from; for live rows, their earliest capture."""
    captured_at: str = ""
    """For web-archive rows, when the earliest capture recovered was made (ISO 8601)."""
    last_captured_at: str = ""
    """For web-archive rows, when the latest capture recovered was made (ISO 8601)."""
    fetched_at: str = ""
    """When this copy of the page was fetched (ISO 8601, UTC)."""
    extractor_version: str = ""
    """Version of govnews's extraction and of trafilatura that produced the text."""
    raw_html: bytes = field(default=b"", repr=False)
    """The page as fetched (stored gzip'd in `raw_pages`, not in `articles`)."""
    raw_headers: dict = field(default_factory=dict, repr=False)
    """HTTP response headers of the fetch (stored in `raw_pages`)."""
    http_status: int = 200
    """HTTP status of the fetch."""
    attachments: list = field(default_factory=list)
    """Documents the article links to, as {"url", "title"} (stored in `attachments`)."""
    signature: bytes = field(default=b"", repr=False)
    """MinHash of title and text for near-duplicate clusters (stored in `minhashes`), computed with the extraction."""
    frontier_fp: str = field(default="", repr=False)
    """Fingerprint of the frontier request that produced the item, turned done when it is stored."""


@dataclass
class Recheck:
    """What a re-check of an archived article found, when it found no text to store."""

    portal_id: str
    canonical_url: str
    outcome: str
    """`not_modified` (HTTP 304) or `gone` (404, 410, soft 404, redirect to the home page)."""
    reason: str = ""
    frontier_fp: str = ""


# Fields of Article that are not columns of the articles table.
RAW_FIELDS = ("raw_html", "raw_headers", "http_status", "fetched_at", "attachments", "signature", "frontier_fp")
# What a Scrapy feed (`scrapy crawl … -o`) exports of an article: the columns and the fetch's own
# facts (fetched_at, http_status, attachments), not the bytes and bookkeeping of raw_pages,
# minhashes and the frontier.
FEED_FIELDS = tuple(f.name for f in fields(Article) if f.name not in ("raw_html", "raw_headers", "signature", "frontier_fp"))


def column_descriptions() -> dict[str, str]:
    """Return {field name: docstring} for the Article fields that are articles columns."""
    docs = _field_docstrings()
    return {f.name: docs.get(f.name, "") for f in fields(Article) if f.name not in RAW_FIELDS}


def _field_docstrings() -> dict[str, str]:
    """Read the attribute docstrings of Article from its source."""
    import ast
    import inspect
    import textwrap

    tree = ast.parse(textwrap.dedent(inspect.getsource(Article)))
    body = tree.body[0].body  # type: ignore[attr-defined]
    docs = {}
    for node, after in zip(body, body[1:]):
        if isinstance(node, ast.AnnAssign) and isinstance(after, ast.Expr):
            if isinstance(after.value, ast.Constant) and isinstance(after.value.value, str):
                docs[node.target.id] = after.value.value  # type: ignore[union-attr]
    return docs



class StoreFailed(DropItem):
    """An article the archive could not store: logged in one line, counted, kept out of feeds, and fetched
    again by the portal's next crawl (its frontier request stays pending; save_failures lists it)."""

    def __init__(self, message: str):
        super().__init__(message, log_level="ERROR")
