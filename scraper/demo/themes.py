"""Themes for the replica portals: each family's platform rendered under many looks (#17).

A replica renders one theme of its platform, and a spider written against it passes by
construction. A themed replica keeps everything the platform decides (URLs, paging mechanism,
feeds, sitemaps, generator and asset paths, the metadata the platform writes) and redraws what a
province's theme decides, from a seed:

- class and id names, tags of titles, cards and menus, and nesting;
- the pager's labels;
- where the article's date and byline stand and in which Vietnamese form the date is written;
- furniture blocks (today-lines, counters, polls, latest-news lists, hotlines) and where they go;
- how the page's bytes are encoded (UTF-8 with or without a charset, a BOM, character references).

`themed_site(site, seed)` returns the replica under theme `seed`; `THEME_FURNITURE` lists the
strings its furniture adds. Development uses seeds below `FIRST_UNSEEN_SEED`; `bench/unseen.py`
and the CI sample measure on seeds from it on, which no code was tuned against.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, replace

import lxml.html
from lxml import etree

from scraper.demo.sites import (
    WEEKDAYS,
    DemoArticle,
    esc,
    NUKEVIET_CATS,
    SHAREPOINT_CATS,
    LiferaySite,
    NukeVietSite,
    ReplicaSite,
    Reply,
    SharePointDatedSite,
    SharePointSite,
    VnptSite,
    WebSphereSite,
    WordPressSite,
    load_articles,
    synthetic_articles,
)
from scraper.vietnamese import clean_line, contains_date

FIRST_UNSEEN_SEED = 1000
CI_SEEDS = range(5000, 5007)  # one portal per family for the test suite, disjoint from both

# Names no theme chooses: framework utilities whose meaning the page relies on (hidden blocks,
# desktop/mobile copies) and markup the platform itself writes (SharePoint's master page and
# rich-text fields, Liferay's portlets, NukeViet's session notice).
KEPT_CLASSES = {"hidden", "hide", "d-none", "sr-only", "d-md-none", "d-md-block"}
KEPT_CLASS_PREFIXES = ("portlet", "ExternalClass", "Mso", "ms-")
# on <body>, WordPress's body_class() names the kind of page whatever the theme: platform, not theme
KEPT_BODY_CLASSES = {"home", "blog", "single", "single-post", "page", "archive", "category", "tag", "author",
                     "date", "search", "attachment", "error404", "paged"}
KEPT_BODY_CLASS_PREFIXES = ("postid-", "paged-", "page-id-", "single-format-", "post-template-")
KEPT_IDS = {"aspnetForm", "s4-workspace", "s4-bodyContainer", "timeoutsess"}
_SYLLABLES = ("tin", "bai", "muc", "khoi", "hop", "cot", "dong", "vung", "noi", "dung", "the", "box",
              "wrap", "item", "col", "blk", "pn", "sec", "ct", "td", "ds", "chi", "tiet", "trang")

# Vietnamese date forms seen on portals (vn-portals.md, "Cross-family quirks").
DATE_FORMS = (
    lambda d: f"{d:%d/%m/%Y}",
    lambda d: f"{d:%d/%m/%Y %H:%M}",
    lambda d: f"{d.day}/{d.month}/{d.year}",
    lambda d: f"{WEEKDAYS[d.weekday()]}, {d:%d/%m/%Y}",
    lambda d: f"{WEEKDAYS[d.weekday()]}, {d:%d/%m/%Y} | {d:%H:%M}",
    lambda d: f"{WEEKDAYS[d.weekday()]} - {d:%d/%m/%Y %H:%M}",
    lambda d: f"{d:%d - %m - %Y}",
    lambda d: f"{d:%H:%M | %d/%m/%Y}",
    lambda d: f"{d:%d-%m-%Y}",
    lambda d: f"{d:%d.%m.%Y}",
    lambda d: f"ngày {d.day} tháng {d.month} năm {d.year}",
    lambda d: f"{d:%d/%m/%Y} {d.hour % 12 or 12}:{d:%M} {'SA' if d.hour < 12 else 'CH'}",
)
DATE_LABELS = ("", "", "Ngày đăng: ", "Đăng ngày ", "Cập nhật: ", "Ngày: ", "Thời gian đăng: ", "Ngày xuất bản: ")
DATE_PLACES = ("after_title", "after_title", "before_title", "after_summary", "with_byline")
BYLINE_FORMS = ("bold_right", "plain", "italic", "labelled", "top_labelled")
BYLINE_LABELS = ("Tác giả: ", "Người viết: ", "Bài và ảnh: ", "Tin, ảnh: ")
NEXT_LABELS = ("»", "Tiếp", "Trang sau", "Sau", ">", ">>", "Tiếp theo", "›")
PREV_LABELS = ("«", "Trước", "Trang trước", "<", "<<", "‹")
ENCODINGS = ("utf-8", "utf-8", "utf-8", "no-meta", "bom", "references")

FURNITURE_BLOCKS = (
    ("today", "<div>{today}</div>"),
    ("hotline", "<div><strong>Đường dây nóng:</strong> 0292.3811.456 - Hotline tiếp nhận phản ánh</div>"),
    ("counter", "<div><p>Lượt truy cập hôm nay: 1.204</p><p>Tổng số lượt truy cập: 9.876.543</p><p>Đang trực tuyến: 42</p></div>"),
    ("poll", "<div><p><b>Thăm dò ý kiến</b></p><p>Bạn đánh giá thế nào về giao diện mới của cổng thông tin?</p>"
             "<label><input type=radio> Rất hài lòng</label> <label><input type=radio> Chưa hài lòng</label> <input type=button value='Gửi ý kiến'></div>"),
    ("weather", "<div><p>Thời tiết hôm nay: 27°C, có mưa rào rải rác</p></div>"),
    ("documents", "<div><h3>Văn bản mới ban hành</h3><ul><li><a href='/van-ban/1'>Quyết định số 123/QĐ-UBND về việc ban hành quy chế làm việc</a> (12/05/2025)</li>"
                  "<li><a href='/van-ban/2'>Kế hoạch số 45/KH-UBND triển khai công tác chuyển đổi số năm 2025</a> (03/04/2025)</li></ul></div>"),
    ("service", "<div><p>Dịch vụ công trực tuyến mức độ 4</p><p>Tra cứu hồ sơ một cửa: 98,2% đúng hạn</p></div>"),
    ("copyright", "<div><p>Bản quyền thuộc về Ủy ban nhân dân. Ghi rõ nguồn khi trích dẫn thông tin từ trang này.</p><p>Giấy phép số 56/GP-TTĐT do Sở Thông tin và Truyền thông cấp</p></div>"),
)
# Strings of the theme furniture; none may reach an archived article's text.
THEME_FURNITURE = ("Đường dây nóng", "Lượt truy cập hôm nay", "Tổng số lượt truy cập", "Đang trực tuyến",
                   "Thăm dò ý kiến", "giao diện mới của cổng", "Gửi ý kiến", "Thời tiết hôm nay",
                   "Văn bản mới ban hành", "Quyết định số 123/QĐ-UBND", "Dịch vụ công trực tuyến",
                   "Tra cứu hồ sơ một cửa", "Bản quyền thuộc về", "Giấy phép số 56/GP-TTĐT")


@dataclass(frozen=True)
class Theme:
    """One theme's choices, drawn from its seed."""

    seed: str
    title_tag: str
    card_title_tag: str
    list_tag: str
    wrappers: int
    date_form: int
    date_label: str
    date_place: str
    byline_form: str
    byline_label: str
    next_label: str
    prev_label: str
    furniture: tuple[str, ...]
    encoding: str
    keeps_module_css: bool

    @classmethod
    def from_seed(cls, seed: str) -> Theme:
        """Draw a theme from a seed (the same seed gives the same theme)."""
        rng = random.Random(f"theme:{seed}")
        return cls(
            seed=seed,
            title_tag=rng.choice(("h1", "h1", "h2", "div", "span", "h3", "p")),
            card_title_tag=rng.choice(("h2", "h3", "h4", "div", "strong", "p", "span")),
            list_tag=rng.choice(("ul", "div")),
            wrappers=rng.randint(0, 3),
            date_form=rng.randrange(len(DATE_FORMS)),
            date_label=rng.choice(DATE_LABELS),
            date_place=rng.choice(DATE_PLACES),
            byline_form=rng.choice(BYLINE_FORMS),
            byline_label=rng.choice(BYLINE_LABELS),
            next_label=rng.choice(NEXT_LABELS),
            prev_label=rng.choice(PREV_LABELS),
            furniture=tuple(rng.sample([name for name, _ in FURNITURE_BLOCKS], rng.randint(2, 5))),
            encoding=rng.choice(ENCODINGS),
            keeps_module_css=rng.random() < 0.5,
        )

    def name(self, old: str) -> str:
        """Return this theme's name for a class or id of the replica's theme."""
        rng = random.Random(f"name:{self.seed}:{old}")
        return f"{rng.choice(_SYLLABLES)}{rng.choice(('', '-', '_'))}{rng.choice(_SYLLABLES)}{rng.randint(1, 99)}"


FAMILY_SITES = {
    "nukeviet": NukeVietSite, "sharepoint": SharePointSite, "sharepoint_dated": SharePointDatedSite,
    "vnpt": VnptSite, "websphere": WebSphereSite, "liferay": LiferaySite, "wordpress": WordPressSite,
}
FAMILY_CATS = {"nukeviet": list(NUKEVIET_CATS), "sharepoint": list(SHAREPOINT_CATS)}
_UNITS = ("Huyện Cờ Đỏ", "Huyện Phong Điền", "Huyện Thới Lai", "Thị xã Long Mỹ", "Huyện Châu Thành",
          "Huyện Tân Phú", "Huyện Xuân Lộc", "Thành phố Tam Điệp", "Huyện Năm Căn", "Huyện Đầm Dơi")


def themed_portals(seeds: range | list[int], families: tuple[str, ...] = tuple(FAMILY_SITES)) -> list[ReplicaSite]:
    """Return one themed replica per (family, seed): its own articles (7 to 26) under theme `seed`."""
    base = load_articles("articles_nukeviet") + load_articles("articles_sharepoint")
    sites = []
    for family in families:
        for seed in seeds:
            rng = random.Random(f"portal:{family}:{seed}")
            unit = rng.choice(_UNITS)
            count = rng.randint(7, 26)
            first_id = 100_000 + seed * 100 + list(FAMILY_SITES).index(family) * 10_000
            articles = synthetic_articles(rng.sample(base, len(base)), count, first_id=first_id)
            cats = FAMILY_CATS.get(family)
            if cats:  # the categories the family's replica routes
                articles = [replace(a, cat=cats[n % len(cats)]) for n, a in enumerate(articles)]
            site = FAMILY_SITES[family](f"unseen.{family.replace('_', '-')}-{seed}", f"UBND {unit}", "Cần Thơ", unit, articles)
            sites.append(themed_site(site, f"{family}:{seed}"))
    return sites


def themed_site(site: ReplicaSite, seed: str) -> ReplicaSite:
    """Return the replica site rendered under theme `seed` (a copy of the site, serving its state)."""
    theme = Theme.from_seed(seed)
    base = type(site)

    class Themed(base):  # type: ignore[misc, valid-type]
        def handle(self, method, path, query):
            return restyle(super().handle(method, path, query), self, theme)

        if hasattr(base, "handle_post"):
            def handle_post(self, path, body):
                return restyle(super().handle_post(path, body), self, theme)

    Themed.__name__ = f"Themed{base.__name__}"
    themed = Themed.__new__(Themed)
    themed.__dict__.update(site.__dict__)
    themed.theme = theme
    return themed


def restyle(reply: Reply, site: ReplicaSite, theme: Theme) -> Reply:
    """Return an HTML reply of the replica redrawn in the theme; other replies unchanged."""
    if reply.status != 200 or "html" not in reply.content_type or not reply.body.strip():
        return reply
    text = reply.body.decode("utf-8")
    whole = "<html" in text[:600].lower()
    root = lxml.html.document_fromstring(text) if whole else lxml.html.fragment_fromstring(text, create_parent="div")
    article = _article_on(root, site.articles)
    if article is not None:
        _restyle_article(root, article, theme)
    _retag_cards(root, site.articles, theme)
    _relabel_pager(root, theme)
    if whole:
        _drop_module_css(root, theme)
        _add_wrappers(root, theme)
        _add_furniture(root, site, theme)
    _rename(root, theme)
    if not whole:
        inner = "".join(lxml.html.tostring(child, encoding="unicode") for child in root)
        return replace(reply, body=inner.encode("utf-8"))
    return _encoded(reply, root, theme)


# --- the article page --------------------------------------------------------------------------


def _article_on(root, articles: list[DemoArticle]) -> DemoArticle | None:
    """Return the article a page shows in full (its title outside links, followed by its body)."""
    by_title = {a.title: a for a in articles}
    for element in root.iter("h1", "h2", "div"):
        text = clean_line(element.text_content())
        if text in by_title and not element.xpath("ancestor-or-self::a") and not element.xpath(".//a"):
            article = by_title[text]
            if article.paragraphs[-1][:60] in clean_line(root.text_content()):
                return article
    return None


def _title_element(root, article: DemoArticle):
    """Return the innermost element outside links whose text is the article's title."""
    found = None
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag not in ("title", "a", "meta") \
                and clean_line(element.text_content()) == article.title and not element.xpath("ancestor::a"):
            found = element
    return found


def _restyle_article(root, article: DemoArticle, theme: Theme) -> None:
    """Rewrite the title's tag, the date line's form and place, and the byline's form."""
    title = _title_element(root, article)
    if title is None:
        return
    # the outermost heading-like element holding the title is what the theme retags
    while title.getparent() is not None and clean_line(title.getparent().text_content()) == article.title:
        title = title.getparent()
    date_el = _date_element(title)
    byline = _byline_element(root, article)
    shown = theme.date_label + DATE_FORMS[theme.date_form](article.published)
    if date_el is not None:
        date_el.getparent().remove(date_el)
    new_date = lxml.html.fragment_fromstring(f"<div>{esc(shown)}</div>")
    if byline is not None and theme.date_place == "with_byline":
        _restyle_byline(byline, article, theme, date_line=shown)
    else:
        if byline is not None:
            _restyle_byline(byline, article, theme)
        _place_date(title, new_date, theme)
    _retag_title(title, theme)


def _date_element(title):
    """Return the short element after the title that holds the article's date line."""
    for element in title.itersiblings():
        if not isinstance(element.tag, str):
            continue
        for candidate in element.iter():
            if isinstance(candidate.tag, str) and candidate.tag != "a" and len(candidate) == 0:
                text = clean_line(candidate.text_content())
                if text and len(text) <= 80 and contains_date(text):
                    # the whole date line: its label, and the view count beside it
                    while candidate is not element and len(clean_line(candidate.getparent().text_content())) <= 80:
                        candidate = candidate.getparent()
                    return candidate
        if len(clean_line(element.text_content())) > 300:
            return None
    return None


def _byline_element(root, article: DemoArticle):
    """Return the last element whose whole text is the article's author."""
    found = None
    for element in root.iter("p", "div", "strong", "b", "span", "em"):
        if clean_line(element.text_content()) == article.author:
            found = element
    if found is not None:
        while found.getparent() is not None and clean_line(found.getparent().text_content()) == article.author:
            found = found.getparent()
    return found


def _restyle_byline(byline, article: DemoArticle, theme: Theme, date_line: str = "") -> None:
    """Replace the byline by the theme's form; with date_line, one meta line after the title instead."""
    author = esc(article.author)
    form = "top_labelled" if date_line else theme.byline_form
    html = {
        "bold_right": f'<p style="text-align:right"><strong>{author}</strong></p>',
        "plain": f"<p>{author}</p>",
        "italic": f'<p style="text-align:right"><em>{author}</em></p>',
        "labelled": f"<p><b>{esc(theme.byline_label)}</b>{author}</p>",
        "top_labelled": f"<div>{esc(theme.byline_label)}{author}{' | ' + esc(date_line) if date_line else ''}</div>",
    }[form]
    new = lxml.html.fragment_fromstring(html)
    if form == "top_labelled":
        byline.getparent().remove(byline)
        body_start = _first_paragraph(byline.getroottree().getroot(), article)
        if body_start is not None:
            body_start.addprevious(new)
        return
    byline.getparent().replace(byline, new)


def _first_paragraph(root, article: DemoArticle):
    """Return the element holding the article's first paragraph (or its summary when shown first)."""
    for marker in (article.summary, article.paragraphs[0]):
        if not marker:
            continue
        for element in root.iter("p", "div"):
            if clean_line(element.text_content()).startswith(marker[:50]) and len(element) <= 2:
                return element
    return None


def _place_date(title, date_el, theme: Theme) -> None:
    """Put the date line before or after the title, or after the summary."""
    if theme.date_place == "before_title":
        title.addprevious(date_el)
        return
    if theme.date_place == "after_summary":
        summary = title.getnext()
        while summary is not None and (not isinstance(summary.tag, str) or len(clean_line(summary.text_content())) < 40):
            summary = summary.getnext()
        if summary is not None and len(clean_line(summary.text_content())) < 400:
            summary.addnext(date_el)
            return
    title.addnext(date_el)


def _retag_title(title, theme: Theme) -> None:
    """Give the title element the theme's tag; a span is set inside a div."""
    if theme.title_tag == "span":
        title.tag = "div"
        span = lxml.html.fragment_fromstring(f"<span>{esc(clean_line(title.text_content()))}</span>")
        for child in list(title):
            title.remove(child)
        title.text = None
        title.append(span)
    else:
        title.tag = theme.title_tag


# --- listings, pagers, furniture, names, bytes -------------------------------------------------


def _retag_cards(root, articles: list[DemoArticle], theme: Theme) -> None:
    """Give the headings around article links the theme's card title tag; lists become divs or stay."""
    titles = {a.title for a in articles}
    for heading in list(root.iter("h2", "h3", "h4")):
        links = heading.findall(".//a")
        if len(links) == 1 and clean_line(links[0].text_content()) in titles:
            heading.tag = theme.card_title_tag
    if theme.list_tag == "div":
        for element in list(root.iter("ul", "li")):
            if element.xpath("ancestor-or-self::*[@class='pagination']"):
                continue
            element.tag = "div"


def _relabel_pager(root, theme: Theme) -> None:
    """Write the pager's next and previous links with the theme's labels."""
    for link in root.iter("a"):
        text = clean_line(link.text_content())
        if text in ("»", "Tiếp", "Trang sau") or link.get("rel") == "next":
            _set_text(link, theme.next_label)
        elif text in ("«",) or link.get("rel") == "prev":
            _set_text(link, theme.prev_label)


def _set_text(element, text: str) -> None:
    for child in list(element):
        element.remove(child)
    element.text = text


def _drop_module_css(root, theme: Theme) -> None:
    """Drop the module stylesheet links a theme that bundles its own CSS does not load."""
    if theme.keeps_module_css:
        return
    for link in root.xpath("//link[@rel='stylesheet']"):
        if "DesktopModule" in (link.get("href") or "") or "/themes/" in (link.get("href") or ""):
            link.getparent().remove(link)


def _add_wrappers(root, theme: Theme) -> None:
    """Wrap the body's blocks in the theme's extra layers of divs."""
    body = root.find("body")
    if body is None or not theme.wrappers:
        return
    holder = body.find("form") if body.find("form") is not None else body
    children = [child for child in holder if isinstance(child.tag, str) and child.tag not in ("script", "input")]
    for n in range(theme.wrappers):
        wrapper = etree.SubElement(holder, "div")
        wrapper.set("class", f"layer{n}")
        if not children:
            break
        children[0].addprevious(wrapper)
        for child in children:
            wrapper.append(child)
        children = [wrapper]


def _add_furniture(root, site: ReplicaSite, theme: Theme) -> None:
    """Put the theme's furniture blocks in the page: half at the top, half at the bottom."""
    body = root.find("body")
    if body is None:
        return
    holder = body.find("form") if body.find("form") is not None else body
    blocks = dict(FURNITURE_BLOCKS)
    for n, name in enumerate(theme.furniture):
        html = blocks[name].format(today=site.today_line())
        element = lxml.html.fragment_fromstring(html)
        element.set("class", f"furniture-{name}")
        if n % 2:
            holder.append(element)
        else:
            holder.insert(0, element)


def _kept(name: str, tag: str) -> bool:
    """Tell whether a class is the platform's or the framework's, not the theme's."""
    if name in KEPT_CLASSES or name.startswith(KEPT_CLASS_PREFIXES):
        return True
    return tag == "body" and (name in KEPT_BODY_CLASSES or name.startswith(KEPT_BODY_CLASS_PREFIXES))


def _rename(root, theme: Theme) -> None:
    """Rename every class and id the replica's theme chose; keep the platform's and the framework's."""
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        classes = element.get("class")
        if classes:
            element.set("class", " ".join(
                name if _kept(name, element.tag) else theme.name(name) for name in classes.split()))
        ident = element.get("id")
        if ident and ident not in KEPT_IDS and not ident.startswith(("ctl00", "portlet", "p_p_id")):
            element.set("id", theme.name(ident))


def _encoded(reply: Reply, root, theme: Theme) -> Reply:
    """Serialise the page in the theme's encoding."""
    doctype = root.getroottree().docinfo.doctype or "<!DOCTYPE html>"
    if theme.encoding == "references":
        body = doctype + "\n" + lxml.html.tostring(root, encoding="ascii").decode("ascii")
        return replace(reply, body=body.encode("ascii"))
    html = doctype + "\n" + lxml.html.tostring(root, encoding="unicode")
    if theme.encoding == "no-meta":  # the charset only in the HTTP header
        html = re.sub(r'<meta charset="utf-8">|<meta http-equiv="Content-Type"[^>]*>', "", html, count=1, flags=re.IGNORECASE)
    body = html.encode("utf-8")
    if theme.encoding == "bom":
        body = b"\xef\xbb\xbf" + body
    return replace(reply, body=body)
