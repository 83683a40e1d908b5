"""Article extraction: one pure function from page bytes to title, date, author, text and summary.

trafilatura does the text; around it we (1) cut the article's own container out of the page
(from a family's hint, or by climbing from the title), (2) drop link lists such as "Tin mới nhất"
with their headings, (3) read the date only after the title, so the header's today-line is
never taken, and (4) take the byline off the end of the text into `author`. Cutting first makes
trafilatura's job smaller as well as cleaner.
"""

from __future__ import annotations

import codecs
import copy
import re
import unicodedata
from dataclasses import dataclass
from typing import NamedTuple
from importlib.metadata import version
from urllib.parse import unquote, urljoin

import charset_normalizer
import lxml.html
from lxml import etree
from trafilatura import bare_extraction

from scraper.legacy import LegacyVerdict, legacy_verdict, to_unicode
from scraper.registry import Hints
from scraper.vietnamese import clean_line, contains_date, fold, parse_vn_datetime

EXTRACTOR_VERSION = f"govnews-extract/4 trafilatura/{version('trafilatura')}"
MIN_TEXT_CHARS = 200
MAX_ELEMENTS = 50_000  # articles have a few thousand; pathological pages (200,000 <p>) are skipped
MIN_CONTAINER_CHARS = 400
LONG_LINE_CHARS = 150  # a paragraph this long is body text, not furniture
MAX_DATE_LINE_CHARS = 80
DATE_SEARCH_NODES = 12  # text nodes after the title searched for the article's own date
_IMAGE_NAME = re.compile(r"^\S*\.(?:jpe?g|png|gif|webp|bmp|tiff?)$", re.IGNORECASE)
_COUNTS = re.compile(r"^[\d.,\s]+$")
_TERMINAL = (".", ":", "!", "?", ";", "…", ",", ")")


class NotAnArticle(ValueError):
    """The page is not an article (a listing, a notice, an empty page); the message says why."""


@dataclass(frozen=True)
class Extracted:
    """What extraction found on one article page."""

    title: str
    published_at: str | None
    published_raw: str
    date_precision: str
    date_source: str
    author: str
    text: str
    summary: str
    captions: str = ""
    credit: str = ""
    legacy_encoding: str = ""
    encoding_note: str = ""
    attachments: tuple[tuple[str, str], ...] = ()


NO_HINTS = Hints()


def extract_article(html: str | bytes, url: str, hints: Hints = NO_HINTS, known_article: bool = False) -> Extracted:
    """Extract title, date, text and metadata from one article page.

    known_article: the caller knows the page is an article (a feed's or sitemap's item, a URL of
    the family's article pattern); the checks that tell listings from articles are skipped.
    """
    decoded = decode_page(html) if isinstance(html, bytes) else Decoded(html, "")
    root = _parse(decoded.text)
    elements = sum(1 for _ in root.iter())
    if elements > MAX_ELEMENTS:
        raise NotAnArticle(f"page too large to extract ({elements} elements, limit {MAX_ELEMENTS})")
    declares_article = _declares_article(root)  # before scripts go: JSON-LD is a script
    json_ld_date = _json_ld_date(root)
    for bad in root.xpath("//script|//style|//noscript|//form//select|//iframe"):
        _drop(bad)
    title_el = _title_element(root, hints, url, known_article)
    if title_el is None and hints.title_css:
        raise NotAnArticle(f"no title element ({hints.title_css})")  # the family knows its pages
    if title_el is None and not (declares_article or known_article):
        raise NotAnArticle("no title element, and the page does not declare an article")
    title = clean_line(title_el.text_content()) if title_el is not None else _head_title(root)
    if not title:
        raise NotAnArticle("no title")
    container = _container(root, title_el, hints)
    verdict = _legacy(root, title_el, container)
    if verdict.converted and title_el is not None:
        title = clean_line(title_el.text_content())
    # the guessed container missed the body: read the whole prepared page (legacy text converted)
    page = copy.deepcopy(root) if not hints.article_css and not _holds_body_start(container, title_el) \
        and _body_is_elsewhere(root, container) else None
    raw_date, date_source = _date_text(root, title_el, hints) if title_el is not None else ("", "")
    if not raw_date and json_ld_date:
        raw_date, date_source = json_ld_date, "json-ld"
    if not raw_date and title_el is not None:
        raw_date, date_source = _date_after_body(container), "after-body"
    attachments = _attachments(container, url)  # before furniture goes: a file panel is a link list
    _drop_furniture(container, hints)
    captions = _take_captions(container)
    _unwrap_layout_tables(container)
    if not known_article:
        teasers = _teaser_links(container)
        if teasers >= 3 and _teaser_comes_first(container, title_el):
            raise NotAnArticle(f"listing page: {teasers} teaser links, the first before any paragraph")
    parsed = parse_vn_datetime(raw_date) if raw_date else None
    summary = _summary(root, hints)
    lines = _text_lines(page if page is not None else container, url, title, raw_date, summary)
    lines = _without_leading_furniture(lines)
    lines = _without_sections_after_body(lines)
    credit = _credit(lines)
    if credit:
        lines = [line for line in lines if line != credit[1]]
    author, lines = _byline(lines, raw_date)
    if not author:  # no byline printed in the text: the one the markup names (rel=author, a CMS's block)
        author = _marked_author(root, hints)
    if not author:  # trafilatura drops some short closing lines: read the byline where it is printed
        author = _byline_after_body(container)
        lines = [line for line in lines if line != author]
    lines = _without_trailing_furniture(lines)
    lines = [line for line in lines if line not in captions]
    text = "\n\n".join(lines)
    if len(text) < MIN_TEXT_CHARS:
        raise NotAnArticle(f"text too short ({len(text)} chars)")
    return Extracted(
        title=title,
        published_at=parsed.isoformat() if parsed else None,
        published_raw=clean_line(raw_date),
        date_precision=parsed.precision if parsed else "",
        date_source=date_source if parsed else "",
        author=author,
        text=text,
        summary=summary or lines[0],
        captions="\n".join(captions),
        credit=credit[0] if credit else "",
        legacy_encoding=verdict.encoding,
        encoding_note=decoded.note,
        attachments=attachments,
    )


def _legacy(root, title_el, container) -> LegacyVerdict:
    """Detect a legacy font encoding in the article and, when sure, convert every text node to Unicode.

    This runs on the raw tree, before any cleaning: TCVN3 writes ư as byte 0xAD, the soft hyphen
    that cleaning removes.
    """
    raw = (title_el.text_content() if title_el is not None else "") + "\n" + container.text_content()
    # the article's font names (<font face>, font-family styles): a legacy font is a certain signal
    fonts = " ".join([*(f'face="{v}"' for v in container.xpath(".//@face")), *container.xpath(".//@style")])
    verdict = legacy_verdict(raw, fonts)
    if verdict.converted:
        for element in root.iter():
            if isinstance(element.tag, str) and element.text:
                element.text = to_unicode(element.text, verdict)
            if element.tail:
                element.tail = to_unicode(element.tail, verdict)
    return verdict


def _parse(html: str) -> lxml.html.HtmlElement:
    """Parse a page's text (bytes are decoded first: decode_page)."""
    if not html.strip():
        raise NotAnArticle("empty page")
    try:
        return lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError) as exc:
        raise NotAnArticle(f"unparsable HTML: {exc}") from None


_META_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([\w-]+)""", re.IGNORECASE)


@dataclass(frozen=True)
class Decoded:
    """A page's bytes as text, the encoding that read them, and why the reading deserves a look (or "")."""

    text: str
    encoding: str
    note: str = ""


# Vietnamese portals' single-byte encoding first; cp1252 (what servers label by default) last.
_FALLBACKS = ("windows-1258", "cp1252")
# The marks of Vietnamese letters: five tones, and the circumflex, breve and horn.
_VIETNAMESE_MARKS = set("\u0300\u0301\u0303\u0309\u0323\u0302\u0306\u031b")
# Non-ASCII characters a Vietnamese page prints besides its letters (not « », which mojibake makes).
_PRINTED = set("\u00a0“”‘’–—…•·°×©®")


def decode_html(body: bytes, declared: str = "") -> str:
    """Decode page bytes (decode_page) and return the text."""
    return decode_page(body, declared).text


def decode_page(body: bytes, declared: str = "") -> Decoded:
    """Decode page bytes: a BOM, else strict UTF-8, else the page's label (meta charset, then the HTTP
    charset) when its reading replaces nothing and keeps the markup, else the best reading of every
    candidate (the labels, charset-normalizer's guess, UTF-8 with its invalid bytes replaced,
    windows-1258, cp1252).

    The best reading keeps the page's markup and has the fewest doubtful characters: replaced ones
    (U+FFFD), and non-ASCII ones that are neither Vietnamese letters nor common punctuation
    (UTF-8 read as windows-1258 is clean mojibake: `Huyá»‡n`). Ties go to the earlier candidate:
    the HTTP header comes after <meta>, as servers label pages latin-1 by default (reliability.md
    finding 3). A reading that replaced characters, or that does not follow the page's label,
    carries a note saying so (#20): nothing replaced is kept silently.
    """
    if body.startswith(b"\xef\xbb\xbf"):
        return _noted(Decoded(body[3:].decode("utf-8", errors="replace"), "utf-8"), None)
    if body.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _noted(Decoded(body.decode("utf-16", errors="replace"), "utf-16"), None)
    try:
        return Decoded(body.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    match = _META_CHARSET.search(body[:4096])
    labels = [label for label in (match.group(1).decode("ascii", errors="replace") if match else "", declared) if label]
    label = _read(body, _codec(labels[0]), 0) if labels and _codec(labels[0]) else None
    if label is not None and not label.lost_markup and not label.replaced:
        # followed: legacy-font pages (TCVN3 under windows-1252) are converted from this reading,
        # not from a guess at another encoding; and no guess is made (charset-normalizer is slow)
        return Decoded(label.text, label.charset)
    readings = [_read(body, charset, order) for order, charset in enumerate(_candidates(body, labels))]
    best = min(readings)
    return _noted(Decoded(best.text, best.charset), label if label is not None and label.charset != best.charset else None)


class _Reading(NamedTuple):
    """One candidate reading of a page's bytes, ordered best first (markup kept, fewest doubtful, earliest)."""

    lost_markup: bool
    doubtful: int  # replaced characters and non-Vietnamese non-ASCII ones
    order: int
    charset: str
    text: str
    replaced: int


def _read(body: bytes, charset: str, order: int) -> _Reading:
    """Read body as charset, composed to NFC, and score the reading."""
    text = _nfc(body.decode(charset, errors="replace"))
    replaced = text.count("\ufffd")
    return _Reading(not _keeps_markup(body, text), replaced + _foreign(text), order, charset, text, replaced)


def _noted(decoded: Decoded, label: _Reading | None) -> Decoded:
    """The reading with its note: the label it did not follow (and why), and the characters it replaced."""
    notes = []
    if label is not None:
        why = [f"{label.replaced} characters replaced"] if label.replaced else []
        why += ["its markup lost"] if label.lost_markup else []
        notes.append(f"labelled {label.charset}; read as {decoded.encoding} ({', '.join(why) or 'less Vietnamese'})")
    replaced = decoded.text.count("\ufffd")
    if replaced:
        notes.append(f"{decoded.encoding} with {replaced} characters replaced (U+FFFD)")
    return Decoded(decoded.text, decoded.encoding, "; ".join(notes))


def _codec(name: str) -> str:
    """Python's name of an encoding label, or "" for a label it does not know."""
    try:
        return codecs.lookup(name).name
    except LookupError:
        return ""


def _candidates(body: bytes, labels: list[str]) -> list[str]:
    """The encodings to try, in order, each once (by Python's codec name), unknown labels left out."""
    best = charset_normalizer.from_bytes(body[:200_000]).best()
    names = [*labels, *([best.encoding] if best else []), "utf-8", *_FALLBACKS]
    candidates = []
    for codec in map(_codec, names):
        if codec and codec not in candidates:
            candidates.append(codec)
    return candidates


def _foreign(text: str) -> int:
    """The non-ASCII characters of a text that are neither Vietnamese letters nor common punctuation."""
    count = 0
    for char in text:
        if char < "\x80" or char in _PRINTED or char in "đĐ\ufffd":
            continue
        base, *marks = unicodedata.normalize("NFD", char)
        if not (base.isascii() and base.isalpha() and all(m in _VIETNAMESE_MARKS for m in marks)):
            count += 1
    return count


def _keeps_markup(body: bytes, text: str) -> bool:
    """Whether a reading keeps the page's tags: a UTF-16 label on a single-byte page turns `<p` into one CJK
    character."""
    return text.count("<") >= body.count(b"<") * 0.9


def _nfc(text: str) -> str:
    # compose only: invisible characters go later, after any legacy-font conversion
    # (TCVN3's ư is byte 0xAD, the soft hyphen)
    return unicodedata.normalize("NFC", text)


def _drop(element: etree._Element) -> None:
    """Remove an element but keep the text that follows it (its tail)."""
    if isinstance(element, lxml.html.HtmlElement):
        element.drop_tree()
    else:
        element.getparent().remove(element)


def _title_element(root: lxml.html.HtmlElement, hints: Hints, url: str = "", known_article: bool = True) -> lxml.html.HtmlElement | None:
    """Return the element holding the article title.

    The hint's element; else a visible h1 that og:title or <title> names; else the block that
    reads as a title nearest before the body (themes set titles in h2, div, span or p, and many
    portals' <title> is the site's name on every page); else the longest visible h1; else an
    element outside links whose whole text is the head's title.
    """
    if hints.title_css:
        found = root.cssselect(hints.title_css)
        return found[0] if found else None
    head, og = _head_title(root), _og_title(root)
    headings = [h for h in root.iter("h1") if clean_line(h.text_content()) and not _hidden(h)]
    for heading in headings:
        if clean_line(heading.text_content()) in (head, og):
            return heading
    named = _element_with_text(root, og) if len(og) >= MIN_TITLE_CHARS else None
    if named is not None:  # og:title is the article's own on the platforms that write it
        return named
    by_position = _title_before_body(root, {head, og} - {""}, url, known_article)
    if by_position is not None:
        return by_position
    if headings:
        return max(headings, key=lambda h: len(h.text_content()))
    # <title> is often the site's name on every page: trusted only for a page known to be an article
    return _element_with_text(root, head) if known_article and len(head) >= MIN_TITLE_CHARS else None


def _element_with_text(root, text: str):
    """Return the first visible block of the body outside links whose whole text is `text`."""
    body = root.find("body")
    for element in body.iter() if body is not None else ():
        if (isinstance(element.tag, str) and element.tag not in ("a", "title", "option", "figcaption")
                and clean_line(element.text_content()) == text and not element.xpath("ancestor-or-self::a")
                and not _hidden(element)):
            return _text_block(element)
    return None


TITLE_SEARCH_NODES = 8  # text nodes searched back from the body for the title


def _title_before_body(root, head_titles: set[str], url: str = "", known_article: bool = True):
    """Return the block nearest before the body's first long paragraph that reads as a title.

    Walking back from the body: date lines, short labels (view counts, "Chia sẻ"), link text,
    captions and sentences (a sapo ends with a full stop) are passed over. Of the blocks of 12
    to 300 characters left in the window, the first that the URL spells
    (…/tong-ket-nam-hoc-2023-2024-…) is the title, else the first (or the head's title, whatever
    its form, met before any other). On a page not known
    to be an article, a teaser link (a title in a link) just before the first long paragraph
    makes it a listing's card, and there is no title.
    """
    body_start = _body_start(root)
    if body_start is None:
        return None
    url_words = set(re.findall(r"[a-z0-9]+", fold(unquote(url)).lower()))
    seen = 0
    candidates = []
    for node in reversed(body_start.xpath("preceding::text()")):
        owner = _owner(node)
        if not known_article and not candidates and owner is not None and owner.xpath("ancestor-or-self::a") \
                and len(clean_line(str(node))) >= 25:
            return None
        if owner is None or _hidden(owner) or owner.xpath(
                "ancestor-or-self::*[self::a or self::head or self::option or self::button or self::figure or self::figcaption]"):
            continue
        text = clean_line(str(node))
        if not text:
            continue
        seen += 1
        if seen > TITLE_SEARCH_NODES:
            break
        block = _text_block(owner)
        block_text = clean_line(block.text_content())
        if _spelled_by(block_text, url_words):
            return block
        if not candidates and (block_text in head_titles or any(block_text in title for title in head_titles
                                                                  if len(block_text) >= 20)):
            return block
        if (MIN_TITLE_CHARS <= len(block_text) <= 300 and not block_text.endswith((".", ":"))
                and not (len(block_text) <= MAX_DATE_LINE_CHARS and contains_date(block_text))
                and not _BYLINE_LABEL.match(block_text) and block.find(".//a") is None and block not in candidates
                and not _italic(block) and not (block.tag == "p" and _is_caption_paragraph(block))):
            candidates.append(block)
    return candidates[0] if candidates else None


def _italic(block) -> bool:
    """Tell whether all of a block's text is set in italics (a caption, not a title)."""
    return "".join(clean_line(e.text_content()) for e in block.iter("em", "i")) == clean_line(block.text_content())


def _spelled_by(text: str, url_words: set[str]) -> bool:
    """Tell whether a URL spells a text (most of its folded words are words of the URL)."""
    words = [w for w in re.findall(r"[a-z0-9]+", fold(text).lower()) if len(w) > 1 and not w.isdigit()]
    return len(words) >= 3 and sum(w in url_words for w in words) / len(words) >= 0.7


BODY_START_CHARS = 100  # short articles have paragraphs of 100 to 150 characters


def _owner(node):
    """Return the element a text node belongs to (a comment's tail belongs to the comment's parent)."""
    owner = node.getparent()
    while owner is not None and not isinstance(owner.tag, str):
        owner = owner.getparent()
    return owner


_SENTENCE_END = (".", "!", "?", "…", '."', ".”", ";")
_PARAGRAPH_TAGS = ("p", "div", "td", "span", "blockquote")


def _is_leaf_block(block) -> bool:
    """Tell whether a block holds no other block (a paragraph, not a wrapper of paragraphs)."""
    return not any(isinstance(child.tag, str) and child.tag in _BLOCKS for child in block.iterdescendants())


def _is_body_paragraph(block, long_title_chars: int | None = None) -> bool:
    """Tell whether a leaf block is a paragraph of the body: BODY_START_CHARS of text ending a sentence.

    A long title (100 characters is common) ends without a full stop; with long_title_chars, a
    block that long is a paragraph whatever its end.
    """
    chars = _own_text_chars(block)
    return chars >= BODY_START_CHARS and not _hidden(block) and (
        clean_line(block.text_content()).endswith(_SENTENCE_END)
        or (long_title_chars is not None and chars >= long_title_chars))


def _body_start(root):
    """Return the page's first body paragraph (a leaf block of sentences, or of 300 characters)."""
    body = root.find("body")
    for block in (body if body is not None else root).iter(*_PARAGRAPH_TAGS):
        if _is_leaf_block(block) and _is_body_paragraph(block, long_title_chars=2 * LONG_LINE_CHARS):
            return block
    return None


def _text_block(element):
    """Return the nearest block holding an inline element (a span or strong inside a heading or div)."""
    while element.tag in ("span", "strong", "b", "em", "i", "font") and element.getparent() is not None \
            and clean_line(element.getparent().text_content()) == clean_line(element.text_content()):
        element = element.getparent()
    return element


def _og_title(root: lxml.html.HtmlElement) -> str:
    """Return the page's og:title, cleaned."""
    return clean_line(root.xpath("string(//meta[@property='og:title']/@content)"))


def _hidden(element: lxml.html.HtmlElement) -> bool:
    """Tell whether an element is hidden by the usual classes or inline style."""
    classes = set((element.get("class") or "").split())
    return bool(classes & {"hidden", "hide", "d-none", "sr-only"}) or "display:none" in (
        element.get("style") or ""
    ).replace(" ", "")


def _declares_article(root: lxml.html.HtmlElement) -> bool:
    """Tell whether a page says it is an article: og:type, an <article> element, or JSON-LD."""
    og_type = root.xpath("string(//meta[@property='og:type']/@content)").strip().lower()
    json_ld = " ".join(root.xpath("//script[@type='application/ld+json']/text()"))
    return og_type == "article" or bool(root.xpath("//article")) or bool(
        re.search(r'"@type"\s*:\s*"(?:News)?Article"', json_ld))


MIN_TITLE_CHARS = 12
# A site name beside a headline in <title>: after (or before) a separator with spaces around it.
# Not between two numbers: "năm học 2023 - 2024", "số 35 - NQ/TW" are inside headlines.
_TITLE_SEPARATOR = re.compile(r"(?<!\d)\s+[-|–—]\s+|\s+[|–—]\s+|\s+-\s+(?!\d)|\s+::\s+")
_SITE_WORDS = re.compile(
    r"\b(?:cổng|trang)\s+(?:thông\s+tin|ttđt|tin\s+tức)|\bttđt\b|\bubnd\b|\b(?:ủy|uỷ|uy)\s+ban\s+nhân\s+dân|"
    r"\bwebsite\b|\bportal\b|\.gov\.vn\b|\bđiện\s+tử\b", re.IGNORECASE)


def _json_ld_date(root) -> str:
    """Return the datePublished of the page's JSON-LD, when it parses as a date."""
    for script in root.xpath("//script[@type='application/ld+json']/text()"):
        match = _JSON_LD_DATE.search(script)
        if match and parse_vn_datetime(match.group(1)):
            return match.group(1)
    return ""


def _head_title(root: lxml.html.HtmlElement) -> str:
    """Return og:title or <title> without the site's name at either end.

    The site's name is og:site_name, or a part that names a portal ("Cổng thông tin điện tử
    huyện …", "UBND xã …", "….gov.vn"). Other parts stay: a headline may hold " - " itself.
    """
    text = _og_title(root) or clean_line(root.xpath("string(//title)"))
    site = clean_line(root.xpath("string(//meta[@property='og:site_name']/@content)"))
    cuts = [(m.start(), m.end()) for m in _TITLE_SEPARATOR.finditer(text)]
    start, end = 0, len(text)
    for cut_start, cut_end in reversed(cuts):  # the site's name at the end: "<headline> - <site>"
        if cut_start > start and _names_site(text[cut_end:end], site):
            end = cut_start
        else:
            break
    for cut_start, cut_end in cuts:  # or at the start: "<site> | <headline>"
        if cut_end < end and cut_start >= start and _names_site(text[start:cut_start], site):
            start = cut_end
        else:
            break
    return text[start:end].strip()


def _names_site(part: str, site: str) -> bool:
    """Tell whether a part of a page title is the site's name rather than the headline's."""
    part = part.strip()
    return bool(part) and ((site and part.casefold() == site.casefold()) or bool(_SITE_WORDS.search(part)))


def _container(root: lxml.html.HtmlElement, title_el, hints: Hints) -> lxml.html.HtmlElement:
    """Return the element holding the whole article.

    The hint's element; else the title's nearest ancestor with 400 characters of non-link text;
    else the whole page. Without hints, extract_article checks the result against the whole page.
    """
    if hints.article_css:
        found = root.cssselect(hints.article_css)
        if found:
            return found[0]
    if title_el is None:
        return root
    body = _first_paragraph_after(title_el)
    if body is not None:
        # the smallest element holding the title and the body's first paragraph: a short article's
        # title climbs no further (the 400-character rule would reach the page's header and footer)
        shared = next((a for a in title_el.iterancestors() if any(b is a for b in body.iterancestors())), None)
        if shared is not None and _own_text_chars(shared) >= MIN_TEXT_CHARS:
            return shared
    for ancestor in title_el.iterancestors():
        if _own_text_chars(ancestor) >= MIN_CONTAINER_CHARS:
            return ancestor
    return root


def _first_paragraph_after(title_el):
    """Return the first body paragraph after the title."""
    for block in title_el.xpath("following::*[" + " or ".join(f"self::{tag}" for tag in _PARAGRAPH_TAGS) + "]"):
        if _is_leaf_block(block) and _is_body_paragraph(block):
            return block
    return None


def _own_text_chars(element: lxml.html.HtmlElement) -> int:
    """Count the characters of text in an element that are not link text."""
    total = len(element.text_content())
    links = sum(len(a.text_content()) for a in element.iter("a"))
    return total - links


def _drop_furniture(container: lxml.html.HtmlElement, hints: Hints) -> None:
    """Remove the hint's furniture and every link list (with the heading just before it)."""
    for selector in hints.drop_css:
        for element in container.cssselect(selector):
            _drop(element)
    for element in list(container.iter("ul", "ol", "div", "table", "p")):
        if element.getparent() is not None and _is_link_list(element):
            heading = element.getprevious()
            # a bold name just before a share bar is the byline, not the list's heading
            if heading is not None and _is_heading(heading) and not _names_someone(clean_line(heading.text_content())):
                _drop(heading)
            _drop(element)


_BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "table", "figure"}


def _unwrap_layout_tables(container: lxml.html.HtmlElement) -> None:
    """Turn tables used for page layout (cells holding paragraphs or headings) into plain blocks.

    trafilatura renders tables as rows with '|' separators; a layout table would put a whole
    article on one line. Data tables (cells holding only text) stay tables.
    """
    if container.tag in ("td", "th", "tr", "tbody", "thead"):
        container.tag = "div"  # the article is one cell of a layout table
    tables = [container] if container.tag == "table" else []
    for table in tables + list(container.iter("table")):
        cells = table.xpath(".//td | .//th")
        if any(child.tag in _BLOCKS for cell in cells for child in cell):
            for element in [table, *table.xpath(".//tbody | .//thead | .//tr | .//td | .//th")]:
                element.tag = "div"


def _is_link_list(element: lxml.html.HtmlElement) -> bool:
    """Tell whether an element is mostly links: a menu, a related-news list, a tool bar."""
    links = element.findall(".//a")
    text = clean_line(element.text_content())
    if not links or not text:
        return False
    link_chars = sum(len(clean_line(a.text_content())) for a in links)
    if element.tag in ("ul", "ol"):
        return link_chars / len(text) >= 0.5
    return len(links) >= 2 and link_chars / len(text) >= 0.6


def _is_heading(element) -> bool:
    """Tell whether an element is a short heading (h2-h6 or a short bold paragraph)."""
    if not isinstance(element.tag, str):  # a comment or processing instruction
        return False
    text = clean_line(element.text_content())
    return bool(text) and len(text) <= 60 and (
        element.tag in ("h2", "h3", "h4", "h5", "h6") or element.find(".//strong") is not None
    )


def _teaser_links(container: lxml.html.HtmlElement) -> int:
    """Count links that stand alone as a title (a listing's teasers), not inside a sentence."""
    return sum(1 for link in container.iter("a") if _is_teaser(link))


_CAPTION_STYLE = re.compile(r"text-align:\s*center|margin-left|padding-left|text-indent", re.IGNORECASE)
MAX_CAPTION_CHARS = 250


def _take_captions(container: lxml.html.HtmlElement) -> list[str]:
    """Remove photo captions from the container and return their texts, in order, once each.

    A caption is a figcaption, or a short paragraph right after an image that is all italic,
    centred or indented (how the portals' editors set captions).
    """
    captions: list[str] = []
    candidates = [e for e in container.iter("figcaption", "p") if e.tag == "figcaption" or _is_caption_paragraph(e)]
    for element in candidates:
        text = clean_line(element.text_content())
        if text and text not in captions:
            captions.append(text)
        if element.getparent() is not None:
            _drop(element)
    return captions


def _is_caption_paragraph(p: lxml.html.HtmlElement) -> bool:
    """Tell whether a paragraph is a caption: short, after an image, italic or centred or indented."""
    text = clean_line(p.text_content())
    if not text or len(text) > MAX_CAPTION_CHARS or p.find(".//img") is not None:
        return False
    previous = p.getprevious()
    while previous is not None and not isinstance(previous.tag, str):
        previous = previous.getprevious()
    after_image = previous is not None and (previous.tag in ("img", "figure") or previous.find(".//img") is not None)
    if not after_image:
        return False
    italic = "".join(clean_line(e.text_content()) for e in p.iter("em", "i")) == text
    return italic or bool(_CAPTION_STYLE.search(p.get("style") or ""))


_DOCUMENT = re.compile(r"\.(?:pdf|docx?|xlsx?|pptx?|odt|ods|rtf|zip|rar|7z)(?:$|[?#])", re.IGNORECASE)
_DOCUMENT_NAME = re.compile(r"\w\.(?:pdf|docx?|xlsx?|pptx?|odt|ods|rtf|zip|rar|7z)$", re.IGNORECASE)


def _attachments(container: lxml.html.HtmlElement, url: str) -> tuple[tuple[str, str], ...]:
    """Return (absolute URL, link text) of the documents the article links to, once each: links
    to document files, links HTML marks as downloads (<a download>), and links named by a file."""
    found: dict[str, str] = {}
    for link in container.iter("a"):
        href = (link.get("href") or "").strip()
        named = f'{clean_line(link.text_content())} {link.get("title") or ""}'.strip()
        # a file served through a script (NukeViet's ?download=1&id=N) is known by the name it shows
        if href and not href.startswith("#") and (_DOCUMENT.search(href) or link.get("download") is not None
                                                  or _DOCUMENT_NAME.search(named)):
            absolute = urljoin(url, href)
            found.setdefault(absolute, clean_line(link.text_content()) or absolute.rsplit("/", 1)[-1])
    return tuple(found.items())


def _teaser_comes_first(container, title_el) -> bool:
    """Tell whether, after the title, a teaser link comes before any long paragraph.

    After its heading, a listing opens with a teaser's title link; an article opens with its
    body. Related-story links further down an article do not make it a listing.
    """
    started = title_el is None
    for element in container.iter():
        if element is title_el:
            started = True
            continue
        if not started or not isinstance(element.tag, str):
            continue
        if element.tag == "p" and _own_text_chars(element) >= LONG_LINE_CHARS:
            return False
        if element.tag == "a" and _is_teaser(element):
            return True
    return False


def _is_teaser(link: lxml.html.HtmlElement) -> bool:
    """Tell whether a link is a teaser: a title of 25 characters or more standing alone."""
    text = clean_line(link.text_content())
    return len(text) >= 25 and not _IMAGE_NAME.match(text) and _standalone(link)


def _standalone(link: lxml.html.HtmlElement) -> bool:
    """Tell whether no sentence text touches a link on either side (a title, not a word in a sentence)."""
    previous = link.getprevious()
    parent = link.getparent()
    before = (previous.tail if previous is not None else parent.text if parent is not None else "") or ""
    after = (link.tail or "").strip()
    return not before.strip() and (not after or after[0] in "(|-–[")


def _date_text(root, title_el, hints: Hints) -> tuple[str, str]:
    """Return the article's own date text and where it came from; never the header's today-line.

    The hint's date element when a portal names one; else the first date line after the title,
    before the body's second long paragraph (a date under the title, after the sapo, or in a
    meta line with the byline), unless it comes after body text and a date line stands just
    above the title in its block; else that line above the title; else the page's metadata
    (article:published_time, a <meta itemprop=datePublished>, the first <time datetime>).
    extract_article then tries JSON-LD's datePublished, then a date line right after the body.
    """
    if hints.date_css:
        for element in root.cssselect(hints.date_css):
            # HTML5 <time datetime="..."> is the page's own machine-readable date: it wins
            machine = clean_line(element.get("datetime") or "")
            if machine and parse_vn_datetime(machine):
                return machine, f"css:{hints.date_css}@datetime"
            text = clean_line(element.text_content())
            if contains_date(text):
                return text, f"css:{hints.date_css}"
    after, past_body = _date_after_title(title_el)
    before = _date_before_title(title_el)
    # a date line beside the title, above it, outranks one found only after body text
    if after is not None and not (past_body and before is not None):
        return _with_machine_time(after), "near-title"
    if before is not None:
        return _with_machine_time(before), "before-title"
    return _metadata_date(root)


def _with_machine_time(node) -> str:
    """Return a date line's text, or its <time datetime> when that says the same day more precisely."""
    text = clean_line(str(node))
    owner = _owner(node)
    times = owner.xpath("ancestor-or-self::time[@datetime]") if owner is not None else []
    if times:
        machine, shown = parse_vn_datetime(times[-1].get("datetime")), parse_vn_datetime(text)
        if machine and shown and machine.value.date() == shown.value.date():
            return clean_line(times[-1].get("datetime"))
    return text


def _date_after_title(title_el):
    """Return the text node of the first short date line after the title, before the body's second
    long paragraph, and whether body text came before it."""
    seen = long_lines = 0
    # Text nodes in document order after the title: a title set in a span inside a div has its
    # date line after the div, not beside the span.
    for node in title_el.xpath("following::text()"):
        text = clean_line(str(node))
        if not text:
            continue
        # a date line is short; a date inside a body paragraph is not the article's date
        if len(text) <= MAX_DATE_LINE_CHARS and contains_date(text):
            return node, long_lines > 0
        long_lines += len(text) >= BODY_START_CHARS
        seen += 1
        if seen >= DATE_SEARCH_NODES or long_lines >= 2:
            return None, True
    return None, True


def _leaf_blocks(container, *tags: str) -> tuple[list, list[int]]:
    """Return the container's blocks of these tags holding no block child, and the positions of
    the long ones (the body's)."""
    blocks = [block for block in container.iter(*tags)
              if not any(isinstance(child.tag, str) and child.tag in _BLOCKS for child in block)]
    return blocks, [n for n, block in enumerate(blocks) if _own_text_chars(block) >= LONG_LINE_CHARS * 0.66]


def _date_after_body(container) -> str:
    """Return a date line standing alone right after the body's last long paragraph (and byline).

    A date that follows a link is a related-news item's, not the article's.
    """
    blocks, longs = _leaf_blocks(container, "p", "div", "span")
    if not longs:
        return ""
    for block in blocks[longs[-1] + 1:longs[-1] + 4]:
        text = clean_line(block.text_content())
        if block.find(".//a") is not None or block.xpath("ancestor::a"):
            return ""
        if text and len(text) <= MAX_DATE_LINE_CHARS and contains_date(text):
            return text
    return ""


DATE_BEFORE_NODES = 2  # the header's today-line lies further up, past menus and banners


def _date_before_title(title_el):
    """Return a date line among the text nodes just before the title, inside the title's own block
    (the header's today-line stands outside it); link text is counted, not read."""
    seen = 0
    block = title_el.getparent()
    if block is None:
        return None
    for node in reversed(title_el.xpath("preceding::text()")):
        owner = _owner(node)
        if owner is None or (owner is not block and not any(ancestor is block for ancestor in owner.iterancestors())):
            return None
        text = clean_line(str(node))
        if not text:
            continue
        seen += 1
        in_link = bool(owner.xpath("ancestor-or-self::a"))
        if not in_link and len(text) <= MAX_DATE_LINE_CHARS and contains_date(text):
            return node
        if seen >= DATE_BEFORE_NODES:
            return None
    return None


_JSON_LD_DATE = re.compile(r'"datePublished"\s*:\s*"([^"]+)"')


def _metadata_date(root) -> tuple[str, str]:
    """Return the date the page's metadata gives (Open Graph, a meta itemprop, HTML5 time), or empty.

    JSON-LD is a script: extract_article reads it before scripts are dropped."""
    for xpath, source in (("string(//meta[@property='article:published_time']/@content)", "meta:article:published_time"),
                          ("string(//meta[@itemprop='datePublished']/@content)", "meta:itemprop"),
                          ("string((//time[@datetime])[1]/@datetime)", "time@datetime")):
        value = clean_line(root.xpath(xpath))
        if value and parse_vn_datetime(value):
            return value, source
    return "", ""


def _summary(root: lxml.html.HtmlElement, hints: Hints) -> str:
    """Return the lead paragraph named by the hint, or empty."""
    if hints.summary_css:
        found = root.cssselect(hints.summary_css)
        if found:
            return clean_line(found[0].text_content())
    return ""


def _text_lines(container, url: str, title: str, raw_date: str, summary: str) -> list[str]:
    """Return the body's paragraphs from trafilatura, without title, date line and file names."""
    fragment = lxml.html.tostring(container, encoding="unicode")
    document = fragment if container.tag == "html" else f"<html><body>{fragment}</body></html>"
    result = bare_extraction(document, url=url, with_metadata=False, favor_recall=True)
    text = result.as_dict().get("text") if result else ""
    lines = [clean_line(line) for line in (text or "").splitlines()]
    date_line = clean_line(raw_date)
    kept = []
    for line in lines:
        if not line or line == title or (date_line and line == date_line):
            continue
        if _IMAGE_NAME.match(line) or (not kept and _COUNTS.match(line)):
            continue
        kept.append(line)
    if summary and summary not in kept:
        kept.insert(0, summary)
    return kept


def _holds_body_start(container, title_el) -> bool:
    """Tell whether the container holds the title and the first body paragraph after it (a short
    article's whole body may be shorter than the prose of a sidebar)."""
    if title_el is None:
        return False
    body = _first_paragraph_after(title_el)
    return body is not None and container is not title_el and any(a is container for a in body.iterancestors())


def _body_is_elsewhere(root, container) -> bool:
    """Tell whether the page's body lies outside the container.

    Without a family's hint the container is a guess from the title's position, and a header
    block around the title can pass for it. Body paragraphs are prose and stand together; menus,
    sort options, counters and a sidebar's blurb are short lines or stand alone. When one place
    outside the guess holds more prose than the guess, the guess missed the body.
    """
    inside = sum(chars for _, chars in _prose_blocks(container))
    outside: dict = {}
    kept = set(container.iter())
    for block, chars in _prose_blocks(root):
        if block not in kept:
            outside[block.getparent()] = outside.get(block.getparent(), 0) + chars
    return max(outside.values(), default=0) > inside


def _prose_blocks(element):
    """Yield (block, non-link characters) of an element's paragraphs of prose: <p> elements and
    leaf text blocks (a div, cell or item with no block inside, since some pages put their body
    straight into divs) of LONG_LINE_CHARS or more, with a sentence in them."""
    for block in element.iter("p", "div", "td", "li", "blockquote"):
        if block.tag != "p" and any(child.tag in _BLOCKS for child in block.iterdescendants() if isinstance(child.tag, str)):
            continue
        chars = _own_text_chars(block)
        if chars >= LONG_LINE_CHARS and _SENTENCE_INSIDE.search(block.text_content()):
            yield block, chars


_SENTENCE_INSIDE = re.compile(r"\w[.!?…;:,][\s\u201d\"]")  # prose punctuates; menus and counters do not


_CREDIT = re.compile(r"^\(?\s*(?:Nguồn(?:\s+tin)?|Theo)\s*[:：]?\s*(.+?)\s*\)?$", re.IGNORECASE)


def _credit(lines: list[str]) -> tuple[str, str] | None:
    """Return (source, line) when one of the last two lines credits a source ("Nguồn: Báo Cần Thơ")."""
    for line in lines[-2:]:
        match = _CREDIT.match(line)
        if match and len(line) <= 120 and len(lines) > 1:
            return clean_line(match.group(1)), line
    return None


# "Tác giả: …", "Người viết: …", "Bài và ảnh: …", "Tin, ảnh: …", "PV: …": the name after the label.
_BYLINE_LABEL = re.compile(
    r"^(?:tác\s+giả|người\s+viết|bài(?:\s*(?:và|,|&|-)\s*ảnh)?|tin(?:\s*(?:và|,|&|-)\s*ảnh)?|phóng\s+viên|pv|nhóm\s+pv|btv)"
    r"\s*[:：]\s*(.+)$", re.IGNORECASE)
BYLINE_SEARCH_LINES = 4  # lines searched back from the end past furniture (ratings, share bars)


def _byline(lines: list[str], date_line: str = "") -> tuple[str, list[str]]:
    """Return the article's byline and the lines without it (and without what follows it).

    A labelled byline ("Tác giả: Minh Khang") in the meta line with the date, among the first
    lines or the last ones; else the last line when it is a short name; else a name standing
    alone among the last lines, after which only furniture follows.
    """
    labelled = _labelled_byline(date_line)
    if labelled:
        return labelled, lines
    for n in [*range(min(5, len(lines))), *range(max(0, len(lines) - BYLINE_SEARCH_LINES), len(lines))]:
        labelled = _labelled_byline(lines[n])
        if labelled and len(lines) > 1:
            # at the top it is one meta line; at the end only furniture follows it
            return labelled, (lines[:n] + lines[n + 1:]) if n < len(lines) / 2 else lines[:n]
    if len(lines) >= 2 and _is_last_line_byline(lines[-1]):
        return lines[-1], lines[:-1]
    for n in range(len(lines) - 2, max(0, len(lines) - BYLINE_SEARCH_LINES) - 1, -1):
        if n >= 1 and _is_name(lines[n]):
            return lines[n], lines[:n]
    return "", lines


LEADING_FURNITURE_CHARS = 50


def _without_leading_furniture(lines: list[str]) -> list[str]:
    """Drop the short lines before the text's first sentence: view counts, ratings, labels.

    Between a title and its body themes print meta lines ("722 lượt xem", "Đánh giá cho bài
    viết:", "0 điểm ( 0 đánh giá )"); a sapo or a body begins with a sentence. A labelled
    byline among them stays, for _byline to read.
    """
    for n, line in enumerate(lines):
        if len(line) >= LEADING_FURNITURE_CHARS or line.endswith((".", "!", "?", "…")):  # a first sentence
            return [kept for kept in lines[:n] if _labelled_byline(kept)] + lines[n:]
    return lines


# The headings of what themes print after an article: readers' comments, the comment form,
# newer and older stories, related ones. Such a heading ends the article's text.
_SECTION_AFTER_BODY = re.compile(
    r"^(?:ý\s+kiến\s+(?:bạn\s+đọc|của\s+bạn)|bình\s+luận|gửi\s+(?:bình\s+luận|ý\s+kiến|phản\s+hồi)"
    r"|(?:các|những)?\s*(?:tin|bài)(?:\s+viết)?\s+(?:liên\s+quan|khác|cùng\s+chuyên\s+mục|mới\s+hơn|cũ\s+hơn|đã\s+đưa)"
    r")\s*:?$", re.IGNORECASE)


def _without_sections_after_body(lines: list[str]) -> list[str]:
    """Cut the text at the first section heading after the body (comments, related stories)."""
    for n, line in enumerate(lines):
        if _SECTION_AFTER_BODY.match(line) and any(kept.endswith(_SENTENCE_END) for kept in lines[:n]):
            return lines[:n]
    return lines


def _without_trailing_furniture(lines: list[str]) -> list[str]:
    """Drop the short lines after the text's last sentence: ratings, share bars, view counts.

    After its last paragraph (and byline, already taken) a theme prints "Đánh giá bài viết: 0
    (0 Bình chọn)", "Chia sẻ", "In bài"; an article ends with a sentence.
    """
    sentences = [n for n, line in enumerate(lines)
                 if len(line) >= LEADING_FURNITURE_CHARS or line.endswith((".", "!", "?", "…", '"', "”"))]
    return lines[:sentences[-1] + 1] if sentences else lines  # a text of short lines only is left whole


def _byline_after_body(container) -> str:
    """Return the byline printed in a labelled meta line above the body, or in the first text
    blocks after the body's last long paragraph."""
    blocks, longs = _leaf_blocks(container, "p", "div", "span", "strong", "b", "em")
    if not longs:
        return ""
    for block in blocks[:longs[0]]:  # a labelled byline in the meta lines above the body
        labelled = _labelled_byline(clean_line(block.text_content()))
        if labelled:
            return labelled
    last_long = longs[-1]
    seen = 0
    for block in blocks[last_long + 1:]:
        text = clean_line(block.text_content())
        if not text or block.xpath("ancestor-or-self::a"):
            continue
        labelled = _labelled_byline(text)
        if labelled:
            return labelled
        if _credit([text, text]):  # "Nguồn: Báo Cần Thơ" credits a source, it names no author
            continue
        if (_is_last_line_byline(text) if seen == 0 else _is_name(text)):
            return text
        seen += 1
        if seen >= BYLINE_SEARCH_LINES:
            break
    return ""


# The author as markup names it: HTML's rel="author" link type and schema.org's microdata.
_AUTHOR_MARKUP = "[rel~='author'], [itemprop='author']"


def _marked_author(root, hints: Hints) -> str:
    """Return the name the page's markup gives as its author: the family's author_css (a CMS's
    own byline markup), else a rel="author" link or an itemprop="author" element; '' if none
    names one person."""
    for selector in (hints.author_css, _AUTHOR_MARKUP):
        if not selector:
            continue
        # a hidden one is not printed: NukeViet's hidden microdata names the poster's account
        names = {_marked_name(element) for element in root.cssselect(selector)
                 if not any(_hidden(e) for e in element.iterancestors())} - {""}
        if len(names) == 1:  # several names: a list of posts, not one byline
            return names.pop()
    return ""


def _marked_name(element) -> str:
    """Return the person's name an author element holds (its itemprop="name" when it has one)."""
    if element.tag in ("link", "meta") or _hidden(element):
        return ""
    named = element.xpath(".//*[@itemprop='name']")
    text = clean_line((named[0] if named else element).text_content())
    return text if 0 < len(text) <= 60 and not contains_date(text) else ""


def _names_someone(text: str) -> bool:
    """Tell whether a short text is a byline: a labelled one or a name standing alone."""
    return bool(_labelled_byline(text)) or _is_name(text)


def _labelled_byline(line: str) -> str:
    """Return the name of a labelled byline line ("Bài và ảnh: PHÚC ƯNG | 20/06/2025"), or ''."""
    for part in re.split(r"\s+[|–—]\s+|\s+-\s+(?=\D)", line):
        match = _BYLINE_LABEL.match(part.strip())
        if match:
            name = clean_line(match.group(1))
            if name and len(name) <= 60 and not contains_date(name):
                return name
    return ""


def _is_last_line_byline(last: str) -> bool:
    """Tell whether the text's last line is a byline (a short name without a full stop)."""
    words = last.split()
    if len(last) > 60 or len(words) > 8 or last.endswith(_TERMINAL) or not last[0].isupper():
        return False
    return not contains_date(last) and not any(c.isdigit() for c in last)


def _is_name(line: str) -> bool:
    """Tell whether a line is a name standing alone: 1 to 6 words, each capitalised, no digits."""
    words = line.split()
    return (0 < len(words) <= 6 and len(line) <= 40 and not line.endswith(_TERMINAL)
            and all(word[0].isupper() for word in words) and not any(c.isdigit() for c in line))
