"""Replica portals: a small offline internet of Vietnamese government portals, one per CMS family.

Each replica renders what vn-portals.md describes for its platform (URLs, DOM, dates, pagination,
feeds) with the page furniture the seed pages show: today-date headers, visitor counters, polls,
colour-theme pickers, latest-news lists with dates, footers, session-timeout notices, image file
names as text, captions and bylines. `FURNITURE` lists the strings that must never reach an
archived article's text.
"""

from __future__ import annotations

import html
import json
import re
import threading
import time
import tomllib
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta, timezone
from email.utils import format_datetime
from urllib.parse import parse_qs, quote
from pathlib import Path

from scraper.vietnamese import VIETNAM_TZ, fold

HERE = Path(__file__).parent
WEEKDAYS = ("Thứ hai", "Thứ ba", "Thứ tư", "Thứ năm", "Thứ sáu", "Thứ bảy", "Chủ nhật")
PER_PAGE = 5


@dataclass(frozen=True)
class DemoArticle:
    """One replica article and the values a correct extraction must give for it."""

    id: int
    cat: str
    title: str
    published: datetime
    author: str
    summary: str
    caption: str
    paragraphs: tuple[str, ...]
    image: str = ""
    edited: datetime | None = None

    @property
    def slug(self) -> str:
        """Return the ASCII alias NukeViet builds from the title."""
        return re.sub(r"[^a-z0-9]+", "-", fold(self.title)).strip("-")[:80].rstrip("-")


@dataclass(frozen=True)
class Reply:
    """An HTTP reply of a replica."""

    status: int
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    headers: tuple[tuple[str, str], ...] = ()


def load_articles(name: str) -> list[DemoArticle]:
    """Load a replica's articles from scraper/demo/<name>.toml."""
    rows = tomllib.loads((HERE / f"{name}.toml").read_text(encoding="utf-8"))["article"]
    return [
        DemoArticle(
            id=row["id"],
            cat=str(row["cat"]),
            title=row["title"],
            published=_vn_time(row["published"]),
            author=row["author"],
            summary=row.get("summary", ""),
            caption=row["caption"],
            paragraphs=tuple(row["paragraphs"]),
            image=row.get("image", ""),
            edited=_vn_time(row["edited"]) if "edited" in row else None,
        )
        for row in rows
    ]


def synthetic_articles(base: list[DemoArticle], count: int, first_id: int = 1000) -> list[DemoArticle]:
    """Return count distinct articles made from base ones, for replicas sized like real portals."""
    made = []
    for n in range(count):
        source = base[n % len(base)]
        issue = n // len(base) + 1
        made.append(
            DemoArticle(
                id=first_id + n,
                cat=source.cat,
                title=f"{source.title} (kỳ {issue})",
                published=source.published - timedelta(days=7 * issue, minutes=n),
                author=source.author,
                summary=source.summary,
                caption=source.caption,
                paragraphs=tuple(f"Kỳ {issue}. {p}" for p in source.paragraphs),
                image=source.image,
            )
        )
    return made


def _vn_time(text: str) -> datetime:
    """Parse "dd/mm/YYYY HH:MM" as Vietnam time."""
    return datetime.strptime(text, "%d/%m/%Y %H:%M").replace(tzinfo=VIETNAM_TZ)


def esc(text: str) -> str:
    """Escape text for HTML."""
    return html.escape(text, quote=True)


class ReplicaSite:
    """A replica portal: answers GET and POST paths with pages of its platform."""

    family = ""
    shows_time = True  # whether article pages show the time of day beside the date

    def __init__(self, portal_id: str, name: str, province: str, unit: str, articles: list[DemoArticle]):
        self.portal_id = portal_id
        self.name = name
        self.province = province
        self.unit = unit
        self.articles = sorted(articles, key=lambda a: a.published, reverse=True)
        self.base_url = ""  # set by the server once it listens
        self.requests: list[str] = []
        self.user_agents: set[str] = set()
        self.failing = 0  # an HTTP status every request answers with (a portal broken on purpose); 0: none
        self.moved_to = ""  # a base URL every request is redirected to (301), path kept; "": none
        self.latency = 0.0  # seconds each answer takes, as on a slow real portal
        self.request_times: list[float] = []  # time.monotonic() of each request, as logged
        self._lock = threading.Lock()

    def edit(self, article_id: int, paragraphs: list[str], at: datetime | None = None, republish: bool = False) -> None:
        """Change an article's text, as an editor would after publication.

        With `at`, the edit is dated (sitemap <lastmod>, Last-Modified); `republish` also moves its
        publication time there, as editors do to bring an article back to the top of the feed.
        """
        def edited(a: DemoArticle) -> DemoArticle:
            a = replace(a, paragraphs=tuple(paragraphs))
            if at:
                a = replace(a, edited=at, published=at if republish else a.published)
            return a
        self.articles = sorted((edited(a) if a.id == article_id else a for a in self.articles),
                               key=lambda a: a.published, reverse=True)

    def delete(self, article_id: int) -> None:
        """Remove an article: its URL answers 404 and listings no longer show it."""
        self.articles = [a for a in self.articles if a.id != article_id]

    def log(self, method: str, target: str, user_agent: str = "") -> None:
        """Record one request, as a server access log would."""
        with self._lock:
            self.request_times.append(time.monotonic())
            self.requests.append(f"{method} {target}")
            self.user_agents.add(user_agent)

    def handle(self, method: str, path: str, query: dict[str, list[str]]) -> Reply:
        """Answer one request."""
        raise NotImplementedError

    def article_url(self, article: DemoArticle) -> str:
        """Return the absolute URL of an article."""
        raise NotImplementedError

    def expected(self) -> list[dict]:
        """Return what a correct archive holds for this portal: one dict per article."""
        return [
            {
                "url": self.article_url(a),
                "title": a.title,
                "published_at": (a.published if self.shows_time else a.published.replace(hour=0, minute=0)).isoformat(),
                "author": a.author,
                "paragraphs": list(a.paragraphs),
                "summary": a.summary,
            }
            for a in self.articles
        ]

    def today_line(self) -> str:
        """Return the header's today-date line, as the portal's script writes it."""
        today = date.today()
        return f"{WEEKDAYS[today.weekday()]}, {today:%d/%m/%Y}"


def not_found() -> Reply:
    """Return a plain 404."""
    return Reply(404, b"<html><body><h1>404 Not Found</h1></body></html>")


# --- NukeViet 4 (egov theme) ---------------------------------------------------------------

NUKEVIET_CATS = {
    "tin-tuc-su-kien": "Tin tức - Sự kiện",
    "xay-dung-dang": "Xây dựng Đảng",
    "kinh-te-xa-hoi": "Kinh tế - Xã hội",
}


class NukeVietSite(ReplicaSite):
    """NukeViet 4 news module with rewrite on: RSS, sitemap, /page-N listings, egov detail DOM."""

    family = "nukeviet"
    sitemaps_off = False  # NukeViet's sitemap module switched off (its RSS stays)

    def article_url(self, article: DemoArticle) -> str:
        return f"{self.base_url}/news/{article.cat}/{article.slug}-{article.id}.html"

    def handle(self, method: str, path: str, query: dict[str, list[str]]) -> Reply:
        if path in ("/", "/index.php"):
            return self.page(self.name, self.listing_body(self.articles[:PER_PAGE], "Tin mới", "/news/", 1))
        if path == "/robots.txt":
            return Reply(200, self.robots().encode(), "text/plain; charset=utf-8")
        if path.startswith("/sitemap") and self.sitemaps_off:
            return not_found()
        if path == "/sitemap.xml":
            return Reply(200, self.sitemap_index().encode(), "application/xml; charset=utf-8")
        if path == "/sitemap-vi.news.xml":
            return Reply(200, self.sitemap().encode(), "application/xml; charset=utf-8")
        if path in ("/news/rss/", "/news/rss"):
            return Reply(200, self.rss().encode(), "application/rss+xml; charset=utf-8")
        if path in ("/about/", "/contact/"):  # the menu's other modules, as a real portal has them
            name = "Giới thiệu" if path == "/about/" else "Liên hệ"
            return self.page(name, f'<h1 class="hidden">{name}</h1><p>{name}: {esc(self.unit)}.</p>')
        return self.route_news(path)

    def route_news(self, path: str) -> Reply:
        """Answer /news/... paths: module listing, category listings, articles."""
        match = re.fullmatch(r"/news/(?:page-(\d+))?", path)
        if match:
            return self.listing(self.articles, "Tin tức", "/news/", int(match.group(1) or 1))
        match = re.fullmatch(r"/news/([a-z0-9-]+)/(?:page-(\d+))?", path)
        if match and match.group(1) in NUKEVIET_CATS:
            cat = match.group(1)
            items = [a for a in self.articles if a.cat == cat]
            return self.listing(items, NUKEVIET_CATS[cat], f"/news/{cat}/", int(match.group(2) or 1))
        match = re.fullmatch(r"/news/([a-z0-9-]+)/[a-z0-9-]+-(\d+)\.html", path)
        if match:
            article = self.find(int(match.group(2)))
            if article and article.cat == match.group(1):
                return self.article_reply(article)
        return not_found()

    def find(self, article_id: int) -> DemoArticle | None:
        """Return the article with this id."""
        return next((a for a in self.articles if a.id == article_id), None)

    def article_reply(self, article: DemoArticle) -> Reply:
        """Return an article page, with the Last-Modified of its last edit."""
        reply = self.page(article.title, self.detail_body(article), article)
        changed = (article.edited or article.published).astimezone(timezone.utc)
        return replace(reply, headers=reply.headers + (("Last-Modified", format_datetime(changed, usegmt=True)),))

    def listing(self, items: list[DemoArticle], title: str, base: str, page: int) -> Reply:
        """Return one listing page, or redirect out-of-range pages to the first (as NukeViet does)."""
        pages = max(1, -(-len(items) // PER_PAGE))
        if page > pages or page < 1:
            return Reply(302, b"", headers=(("Location", self.base_url + base),))
        chunk = items[(page - 1) * PER_PAGE : page * PER_PAGE]
        body = self.listing_body(chunk, title, base, page) + self.pagination(title, base, page, pages)
        return self.page(title, body)

    def listing_body(self, items: list[DemoArticle], title: str, base: str, page: int) -> str:
        """Return the news_column cards of a listing page."""
        cards = "".join(
            f"""<div class="news_column panel panel-default"><div class="panel-body">
<a href="{self.article_url(a)}" title="{esc(a.title)}"><img alt="{esc(a.title)}" src="/uploads/news/{a.published:%Y_%m}/{a.id}.jpg" width="183" class="img-thumbnail pull-left imghome"></a>
<h3><a href="{self.article_url(a)}" title="{esc(a.title)}">{esc(a.title)}</a></h3>
<ul class="list-inline"><li><em class="fa fa-clock-o">&nbsp;</em> {a.published:%d/%m/%Y %H:%M:%S}</li><li><em class="fa fa-eye">&nbsp;</em> Đã xem: {a.id * 7}</li></ul>
<div class="text-muted">{esc(a.summary)}</div></div></div>"""
            for a in items
        )
        return f'<h1 class="hidden">{esc(title)}</h1><div class="news-cat">{cards}</div>'

    def pagination(self, title: str, base: str, page: int, pages: int) -> str:
        """Return NukeViet's ul.pagination; page 1 is the bare category URL."""

        def href(n: int) -> str:
            return self.base_url + base + (f"page-{n}" if n > 1 else "")

        items = []
        if page > 1:
            items.append(f'<li class="page-item"><a class="page-link" rel="prev" title="{esc(title)} - Trang {page - 1}" href="{href(page - 1)}">&laquo;</a></li>')
        for n in range(1, pages + 1):
            if n == page:
                items.append(f'<li class="page-item active"><a class="page-link" href="javascript:void(0)">{n}</a></li>')
            else:
                items.append(f'<li class="page-item"><a class="page-link" title="{esc(title)} - Trang {n}" href="{href(n)}">{n}</a></li>')
        if page < pages:
            items.append(f'<li class="page-item"><a class="page-link" rel="next" title="{esc(title)} - Trang {page + 1}" href="{href(page + 1)}">&raquo;</a></li>')
        return f'<div class="text-center"><ul class="pagination">{"".join(items)}</ul></div>'

    def detail_body(self, a: DemoArticle) -> str:
        """Return the egov theme's news detail block."""
        weekday = WEEKDAYS[a.published.weekday()]
        edited = a.edited or a.published
        paragraphs = "".join(f"<p>{esc(p)}</p>" for p in a.paragraphs[:1])
        paragraphs += f'<p style="text-align: center;"><img alt="{a.id}-anh.jpg" src="/uploads/news/{a.published:%Y_%m}/{a.id}-anh.jpg" width="600"></p><p style="text-align: center;"><em>{esc(a.caption)}</em></p>'
        paragraphs += "".join(f"<p>{esc(p)}</p>" for p in a.paragraphs[1:])
        newer, older = self.neighbours(a)
        return f"""<div class="news_column panel panel-default newsdetail" itemtype="http://schema.org/NewsArticle" itemscope>
<div class="panel-body">
<h1 class="title margin-bottom-lg" itemprop="headline">{esc(a.title)}</h1>
<span class="hidden hide d-none" itemprop="datePublished">{edited.isoformat()}</span>
<div class="row margin-bottom-lg"><div class="col-md-12 newsdetailmetatop">
<span class="h5">{weekday} - {a.published:%d/%m/%Y %H:%M}</span>
<span class="h5"><em class="fa fa-eye">&nbsp;</em>{a.id + 70}</span>
<span class="h5"><em class="fa fa-comment-o">&nbsp;</em>0</span>
</div><ul class="list-inline text-right"><li><a class="dimgray" title="In ra" href="/news/print/{a.cat}/{a.slug}-{a.id}.html"><em class="fa fa-print fa-lg">&nbsp;</em></a></li>
<li><a class="dimgray" title="Lưu bài viết này" href="/news/savefile/{a.cat}/{a.slug}-{a.id}.html"><em class="fa fa-save fa-lg">&nbsp;</em></a></li></ul></div>
<div class="clearfix"><div class="hometext m-bottom" itemprop="description">{esc(a.summary)}</div>
<figure class="article pull-left"><img alt="{esc(a.title)}" src="/uploads/news/{a.published:%Y_%m}/{a.id}.jpg" width="460" class="img-thumbnail"><figcaption>{esc(a.caption)}</figcaption></figure></div>
<div id="news-bodyhtml" class="bodytext margin-bottom-lg">{paragraphs}<p style="text-align: right;"><strong>{esc(a.author)}</strong></p></div>{self.files(a)}
</div></div>
<div class="news_column panel panel-default"><div class="panel-body"><div class="h5"><em class="fa fa-tags">&nbsp;</em><strong>Tags: </strong><a href="/news/tag/nghi-quyet">nghị quyết</a>, <a href="/news/tag/vinh-thanh">vĩnh thạnh</a></div></div></div>
<div class="news_column panel panel-default"><div class="panel-body"><form id="form3B"><div class="h5 clearfix"><p>Tổng số điểm của bài viết là: 0 trong 0 đánh giá</p>
<span>Click để đánh giá bài viết</span></div></form></div></div>
<div class="news_column panel panel-default"><div class="panel-body other-news">
<p class="h3"><strong>Những tin mới hơn</strong></p><ul class="related">{self.related(newer)}</ul>
<p class="h3"><strong>Những tin cũ hơn</strong></p><ul class="related">{self.related(older)}</ul></div></div>"""

    def files(self, a: DemoArticle) -> str:
        """Return the "File đính kèm" panel: articles with an even id carry a plan as PDF and DOCX."""
        if a.id % 2:
            return ""
        return f"""<div class="news-download-file"><p class="h3"><strong>File đính kèm</strong></p><ul class="list-none">
<li><a href="/uploads/news/{a.published:%Y_%m}/ke-hoach-{a.id}.pdf" title="Kế hoạch {a.id}">Kế hoạch số {a.id}/KH-UBND</a></li>
<li><a href="/uploads/news/{a.published:%Y_%m}/phu-luc-{a.id}.docx">Phụ lục kèm theo</a></li></ul></div>"""

    def attachments(self, a: DemoArticle) -> list[tuple[str, str]]:
        """Return (absolute URL, title) of an article's documents, as the panel lists them."""
        if a.id % 2:
            return []
        return [(f"{self.base_url}/uploads/news/{a.published:%Y_%m}/ke-hoach-{a.id}.pdf", f"Kế hoạch số {a.id}/KH-UBND"),
                (f"{self.base_url}/uploads/news/{a.published:%Y_%m}/phu-luc-{a.id}.docx", "Phụ lục kèm theo")]

    def neighbours(self, a: DemoArticle) -> tuple[list[DemoArticle], list[DemoArticle]]:
        """Return up to three newer and three older articles of the same portal."""
        i = self.articles.index(a)
        return self.articles[max(0, i - 3) : i], self.articles[i + 1 : i + 4]

    def related(self, items: list[DemoArticle]) -> str:
        """Return li items of a related-news list, with dates in em as NukeViet shows them."""
        return "".join(
            f'<li><em class="fa fa-angle-right">&nbsp;</em><a class="list-inline" href="{self.article_url(a)}" title="{esc(a.title)}">{esc(a.title)}</a> <em>({a.published:%d/%m/%Y})</em></li>'
            for a in items
        )

    def page(self, title: str, main: str, article: DemoArticle | None = None) -> Reply:
        """Wrap main content in the egov layout: header, menu, blocks, footer."""
        meta = ""
        if article:
            # NukeViet writes the OG time with PHP date('Y-m-dTH:i:s'): T is the zone name.
            meta = (
                f'<meta property="og:type" content="article"><meta property="og:title" content="{esc(article.title)}">'
                f'<meta property="article:published_time" content="{article.published:%Y-%m-%d}+07{article.published:%H:%M:%S}">'
                f'<meta name="description" content="{esc(article.summary)}">'
            )
        latest = "".join(
            f'<li><a href="{self.article_url(a)}">{esc(a.title)}</a><span class="text-muted"> ({a.published:%d/%m/%Y})</span></li>'
            for a in self.articles[:5]
        )
        menu = "".join(f'<li><a href="{self.base_url}/news/{k}/">{esc(v)}</a></li>' for k, v in NUKEVIET_CATS.items())
        doc = f"""<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>{esc(title)} - {esc(self.name)}</title>
<meta name="generator" content="NukeViet v4.5">{meta}
<link rel="alternate" href="{self.base_url}/news/rss/" title="Tin tức" type="application/rss+xml">
<link rel="stylesheet" href="/themes/egov/css/style.css"></head><body>
<div class="body-bg"><div class="wraper"><header><div class="container"><div id="header" class="row">
<div class="logo"><a title="{esc(self.name)}" href="{self.base_url}/"><img src="/uploads/logo.png" alt="{esc(self.name)}"></a><span class="site_name">{esc(self.name)}</span>
<span class="site_description">Cơ quan của Đảng bộ, chính quyền và Nhân dân {esc(self.unit)}</span></div>
<div class="current-date">{self.today_line()}</div></div></div></header>
<nav class="second-nav" id="menusite"><ul class="nav navbar-nav"><li><a href="{self.base_url}/">Trang chủ</a></li><li><a href="{self.base_url}/about/">Giới thiệu</a></li>
<li><a href="{self.base_url}/news/">Tin tức</a><ul class="subnav">{menu}</ul></li><li><a href="{self.base_url}/contact/">Liên hệ</a></li></ul></nav>
<section><div class="container" id="body"><div class="row"><div class="col-md-16">{main}</div>
<div class="col-md-8"><div class="panel panel-primary"><div class="panel-heading">Tin mới nhất</div><div class="panel-body"><ul class="block_news">{latest}</ul></div></div>
<div class="panel panel-primary"><div class="panel-heading">Thăm dò ý kiến</div><div class="panel-body"><form><p><strong>Bạn quan tâm nội dung nào nhất trên cổng thông tin điện tử?</strong></p>
<div class="radio"><label><input type="radio" name="option"> Tin tức hoạt động của địa phương</label></div><div class="radio"><label><input type="radio" name="option"> Thủ tục hành chính, dịch vụ công</label></div>
<div class="radio"><label><input type="radio" name="option"> Văn bản chỉ đạo điều hành</label></div><input type="button" value="Bình chọn"> <input type="button" value="Kết quả"></form></div></div>
<div class="panel panel-primary"><div class="panel-heading">Thống kê truy cập</div><div class="panel-body"><ul class="counter list-none display-table">
<li><span><em class="fa fa-bolt fa-lg fa-horizon">&nbsp;</em>Đang truy cập</span><span>27</span></li>
<li><span><em class="fa fa-filter fa-lg fa-horizon">&nbsp;</em>Hôm nay</span><span>1,392</span></li>
<li><span><em class="fa fa-calendar-o fa-lg fa-horizon">&nbsp;</em>Tháng hiện tại</span><span>38,116</span></li>
<li><span><em class="fa fa-bars fa-lg fa-horizon">&nbsp;</em>Tổng lượt truy cập</span><span>2,714,803</span></li></ul></div></div></div></div></div></section>
<footer id="footer"><div class="container"><div class="footer-info"><p><strong>CỔNG THÔNG TIN ĐIỆN TỬ {esc(self.unit.upper())}</strong></p>
<p>Địa chỉ: Số 02 đường 3/2, thị trấn Thạnh An, huyện Vĩnh Thạnh, thành phố Cần Thơ - Điện thoại: 0292.3640.123</p>
<p>Chịu trách nhiệm chính: Trưởng Ban Tuyên giáo Huyện ủy</p><p>Ghi rõ nguồn khi phát hành lại thông tin từ website này.</p></div>
<div class="copyright">Powered by NukeViet eGovernment</div><div class="theme-change"><a href="#">Giao diện máy tính</a> | <a href="#">Giao diện di động</a></div></div></footer>
<div id="timeoutsess" class="chromeframe">Bạn đã không sử dụng Site, <a onclick="timeoutsesscancel();" href="#">Bấm vào đây để duy trì trạng thái đăng nhập</a>. Thời gian chờ: <span id="secField"> 60 </span> giây</div>
<div id="openidResult" class="nv-alert" style="display:none"></div><a class="bttop" href="#"><em class="fa fa-refresh fa-lg">&nbsp;</em></a></div></div></body></html>"""
        return Reply(200, doc.encode("utf-8"))

    def robots(self) -> str:
        """Return NukeViet's robots.txt."""
        return f"User-agent: *\nDisallow: /admin/\nDisallow: /includes/\nDisallow: /install/\nSitemap: {self.base_url}/sitemap.xml\n"

    def sitemap_index(self) -> str:
        """Return the sitemap index NukeViet serves at /sitemap.xml."""
        return f'<?xml version="1.0" encoding="UTF-8"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>{self.base_url}/sitemap-vi.news.xml</loc></sitemap></sitemapindex>'

    def sitemap(self) -> str:
        """Return the news module sitemap: every article."""
        urls = "".join(
            f"<url><loc>{self.article_url(a)}</loc><lastmod>{(a.edited or a.published).isoformat()}</lastmod></url>" for a in self.articles
        )
        return f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'

    def rss(self) -> str:
        """Return the news module RSS: the ten newest articles."""
        items = "".join(
            f"<item><title>{esc(a.title)}</title><link>{self.article_url(a)}</link><guid isPermaLink=\"false\">news_{a.id}</guid>"
            f"<description>{esc(a.summary)}</description><pubDate>{format_datetime(a.published)}</pubDate></item>"
            for a in self.articles[:10]
        )
        return f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Tin tức - {esc(self.name)}</title><link>{self.base_url}/news/</link><description>{esc(self.name)}</description><language>vi</language>{items}</channel></rss>'


# --- SharePoint 2010 publishing, Đồng Nai flavour (newsdetail.aspx) -------------------------

MENU_PAGES = {"/pages/gioi-thieu.aspx": "Giới thiệu", "/pages/hoi-dap.aspx": "Hỏi đáp"}
SHAREPOINT_CATS = {"1": "Tin hoạt động", "2": "Kinh tế", "3": "Văn hóa - Xã hội"}
# The detail page's date line is inferred (vn-portals.md does not record it for this flavour).


class SharePointSite(ReplicaSite):
    """SharePoint 2010 publishing portal: /Pages/news.aspx?CatId=&Page= listings, no feed, no sitemap."""

    family = "sharepoint"

    def article_url(self, article: DemoArticle) -> str:
        return f"{self.base_url}/Pages/newsdetail.aspx?CatId={article.cat}&NewsId={article.id}"

    def handle(self, method: str, path: str, query: dict[str, list[str]]) -> Reply:
        # IIS: paths are case-insensitive.
        lower = path.lower()
        if lower == "/":
            return Reply(302, b"", headers=(("Location", self.base_url + "/Pages/home.aspx"),))
        if lower == "/robots.txt":
            return Reply(200, b"User-agent: *\nDisallow: /_layouts/\nDisallow: /_vti_bin/\nDisallow: /_catalogs/\n", "text/plain")
        if lower == "/pages/home.aspx":
            return self.page("Trang chủ", self.cards(self.articles[:PER_PAGE], "Tin nổi bật"))
        if lower == "/pages/news.aspx":
            return self.listing(_first(query, "catid"), _first(query, "page") or "1")
        if lower == "/pages/newsdetail.aspx":
            return self.detail(_first(query, "newsid"))
        if lower in MENU_PAGES:  # the menu's other pages, as a real portal has them
            return self.page(MENU_PAGES[lower], f"<h2>{esc(MENU_PAGES[lower])}</h2><p>{esc(MENU_PAGES[lower])} của {esc(self.unit)}.</p>")
        return not_found()

    def listing(self, cat: str, page_text: str) -> Reply:
        """Return a category listing page, GET-paginated with Page=N."""
        if cat not in SHAREPOINT_CATS or not page_text.isdigit():
            return not_found()
        items = [a for a in self.articles if a.cat == cat]
        page, pages = int(page_text), max(1, -(-len(items) // PER_PAGE))
        chunk = items[(page - 1) * PER_PAGE : page * PER_PAGE]
        pager = " ".join(
            f'<span class="current">{n}</span>' if n == page else f'<a href="news.aspx?CatId={cat}&amp;Page={n}">{n}</a>'
            for n in range(1, pages + 1)
        )
        if page < pages:
            pager += f' <a class="next" href="news.aspx?CatId={cat}&amp;Page={page + 1}">Trang sau »</a>'
        body = self.cards(chunk, SHAREPOINT_CATS[cat]) + f'<div class="pager">{pager}</div>'
        return self.page(SHAREPOINT_CATS[cat], body)

    def cards(self, items: list[DemoArticle], heading: str) -> str:
        """Return listing cards: linked title, date, teaser."""
        cards = "".join(
            f"""<div class="news-item"><a href="newsdetail.aspx?CatId={a.cat}&amp;NewsId={a.id}"><img src="/PictureLinks/_w/{a.id}_jpg.jpg" alt=""></a>
<a class="news-title" href="newsdetail.aspx?CatId={a.cat}&amp;NewsId={a.id}">{esc(a.title)}</a> <span class="news-date">({a.published:%d/%m/%Y})</span>
<p class="news-sapo">{esc(a.paragraphs[0][:180].rsplit(" ", 1)[0])}...</p></div>"""
            for a in items
        )
        return f'<div class="news-list"><h2 class="cat-title">{esc(heading)}</h2>{cards}</div>'

    def detail(self, news_id: str) -> Reply:
        """Return an article page, or the platform's soft 404 (HTTP 200)."""
        article = next((a for a in self.articles if str(a.id) == news_id), None)
        if article is None:
            return self.page("Thông báo", '<div class="news-detail"><p>Bài viết không tồn tại hoặc đã bị xóa.</p></div>')
        return self.page(article.title, self.detail_body(article))

    def detail_body(self, a: DemoArticle) -> str:
        """Return the custom news web part: title, date line, Word-pasted rich text."""
        hour = a.published.hour % 12 or 12
        marker = "SA" if a.published.hour < 12 else "CH"
        shown = f"{a.published:%d/%m/%Y} {hour}:{a.published:%M} {marker}"
        image = f"/Hnh nh hot ng/{a.image}"
        first, rest = a.paragraphs[0], a.paragraphs[1:]
        body = f'<p class="MsoNormal"><span style="font-family:\'times new roman\',serif">{esc(first)}</span></p>'
        body += f'<p><a href="{image}">{esc(a.image)}</a></p><p style="text-align:center"><img src="{image}" alt=""></p>'
        body += f'<p style="text-align:center"><em>{esc(a.caption)}</em></p>'
        body += "".join(f'<p class="MsoNormal"><span style="font-family:\'times new roman\',serif">{esc(p)}</span></p>' for p in rest)
        body += f'<p class="MsoNormal" style="text-align:right"><b>{esc(a.author)}</b></p>'
        others = "".join(
            f'<li><a href="newsdetail.aspx?CatId={o.cat}&amp;NewsId={o.id}">{esc(o.title)}</a> ({o.published:%d/%m/%Y})</li>'
            for o in self.articles
            if o.cat == a.cat and o.id != a.id
        )[:4000]
        return f"""<div class="news-detail"><h1 class="NewsTitle">{esc(a.title)}</h1>
<div class="NewsDate">Ngày đăng: {shown}</div>
<div class="ExternalClass5F0A2C8E36E94D3C9A1B7E2D4F6C8A10">{body}</div>
<div class="tool-bar"><a href="javascript:window.print()">In trang</a> | <a href="#">Gửi email</a> | <a href="#">Về đầu trang</a></div>
<div class="other-news"><h3>Các tin khác</h3><ul>{others}</ul></div></div>"""

    def page(self, title: str, main: str) -> Reply:
        """Wrap main content in the portal layout (table layout, left sidebar before content)."""
        latest = "".join(
            f'<li><a href="newsdetail.aspx?CatId={a.cat}&amp;NewsId={a.id}">{esc(a.title)}</a>({a.published:%d/%m/%Y} {a.published.hour % 12 or 12}:{a.published:%M} {"SA" if a.published.hour < 12 else "CH"})</li>'
            for a in self.articles[:6]
        )
        menu = "".join(f'<li><a href="/Pages/news.aspx?CatId={k}">{esc(v)}</a></li>' for k, v in SHAREPOINT_CATS.items())
        doc = f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">
<html dir="ltr" lang="vi-VN"><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"><meta name="GENERATOR" content="Microsoft SharePoint">
<title>{esc(self.name)}</title><link rel="stylesheet" type="text/css" href="/Style Library/css/dongnai.css"></head>
<body><form name="aspnetForm" method="post" action="#" id="aspnetForm"><div id="s4-workspace"><div id="s4-bodyContainer">
<div class="header"><div class="top-date"><script type="text/javascript">/* cached */</script>Thứ sáu, ngày 4/3/2022</div>
<div class="banner"><img src="/Style Library/images/banner.png" alt="{esc(self.name)}"></div>
<marquee class="event">Thông báo sự kiện: Nhiệt liệt chào mừng kỷ niệm 48 năm Ngày giải phóng miền Nam, thống nhất đất nước (30/4/1975-30/4/2023).</marquee>
<div class="theme-picker"><a href="#" title="red">Màu đỏ</a> <a href="#" title="blue">Màu xanh nước biển</a> <a href="#" title="yellow">Màu vàng</a> <a href="#" title="green">Màu xanh lá cây</a></div>
<ul class="topmenu"><li><a href="/Pages/home.aspx">Trang chủ</a></li><li><a href="/Pages/gioi-thieu.aspx">Giới thiệu</a></li>{menu}<li><a href="/Pages/hoi-dap.aspx">Hỏi đáp</a></li><li><a href="/_layouts/Authenticate.aspx?Source=%2FPages%2Fhome.aspx">Đăng nhập</a></li></ul></div>
<table class="s4-wpTopTable" width="100%"><tr><td class="left-col" valign="top">
<div class="WebPartWPQ1"><h3>Tin mới nhất</h3><ul class="latest">{latest}</ul></div>
<div class="WebPartWPQ3"><h3>Liên kết webiste</h3><select name="ctl00$g_0b7d2c3e_1f4a_4b5c_9d8e_7f6a5b4c3d2e$ctl00"><option>-- Website thường dùng --</option><option>Cổng TTĐT tỉnh Đồng Nai</option><option>Báo Đồng Nai</option></select></div>
<div class="WebPartWPQ4"><h3>Số lượt truy cập</h3><p>Trong ngày: <img src="/Style Library/images/6.png" alt=""><img src="/Style Library/images/2.png" alt=""></p><p>Tất cả: <img src="/Style Library/images/9.png" alt=""><img src="/Style Library/images/1.png" alt=""></p></div>
<div class="WebPartWPQ5" id="eGate_DivCityWebMain"><h3>Một cửa điện tử</h3><p>Tiếp nhận: 1.204 hồ sơ</p><p>98,7% hồ sơ đúng hẹn</p></div>
</td><td class="main-col" valign="top"><div id="ctl00_g_5a1e6f2b_8c3d_4e9a_b7f1_2d4c6e8a0b13" class="WebPartWPQ2">{main}</div></td></tr></table>
<div class="footer"><p><strong>UỶ BAN NHÂN DÂN {esc(self.unit.upper())}</strong></p>
<p>Trụ sở : KP Hiệp Tâm 1, Thị trấn Định Quán, Huyện Định Quán, Tỉnh Đồng Nai</p>
<p>Điện Thoại: 02513.851.134; Fax: 02513.851.046, 02513.612.507</p>
<p>Website: http://dinhquan.dongnai.gov.vn - Email: ubnd-dq@dongnai.gov.vn</p>
<p>Chịu trách nhiệm xuất bản:Bà Nguyễn Thị Diễm Châu - Phó Chủ tịch UBND huyện - Trưởng Ban biên tập</p>
<p>Cơ quan chủ quản: UBND huyện Định Quán.</p></div></div></div></form></body></html>"""
        return Reply(200, doc.encode("utf-8"))


def _first(query: dict[str, list[str]], name: str) -> str:
    """Return a query parameter's first value, matching its name case-insensitively (IIS)."""
    for key, values in query.items():
        if key.lower() == name:
            return values[0]
    return ""


# --- VNPT-style ASP.NET portal (DesktopModule/UIArticleInMenu; Ninh Bình, Hải Phòng) ---------

VNPT_CATS = {"tin-tuc-su-kien": "Tin tức - Sự kiện", "kinh-te": "Kinh tế", "van-hoa-xa-hoi": "Văn hóa - Xã hội"}
VNPT_SITE_ID = 3
VNPT_PAGINATION = "/DesktopModule/UIArticleInMenu/ArticleInMenuPagination.aspx/LoadArticle"


class VnptSite(ReplicaSite):
    """VNPT-style portal: /<cat> listings whose pages 2+ come only from a POST (AJAX), no feed, no sitemap."""

    family = "vnpt"
    shows_time = False  # "Thứ Bảy, 03/06/2023"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cats = list(VNPT_CATS)
        # articles are spread over the categories in turn; each category gets its own numeric id
        self.cat_of = {a.id: cats[n % len(cats)] for n, a in enumerate(self.articles)}
        self.cat_ids = {slug: 10 + n for n, slug in enumerate(cats)}

    def article_url(self, article: DemoArticle) -> str:
        return f"{self.base_url}/{self.cat_of[article.id]}/{article.slug}-{article.id}"

    def article_path(self, article: DemoArticle) -> str:
        """Return the article's path, as the portal's own links give it."""
        return f"/{self.cat_of[article.id]}/{article.slug}-{article.id}"

    def handle(self, method: str, path: str, query: dict[str, list[str]]) -> Reply:
        if path == "/robots.txt":
            return Reply(200, b"User-agent: *\nDisallow: /Admin/\n", "text/plain")
        if path == "/":
            return self.page("Trang chủ", self.items(self.articles[:PER_PAGE], "Tin mới"))
        if method == "POST" and path == VNPT_PAGINATION:
            return Reply(405, b"")  # the body is read by the server; see handle_post
        slug = path.strip("/")
        if slug in VNPT_CATS:
            return self.category(slug)
        match = re.fullmatch(r"/([a-z0-9-]+)/[a-z0-9-]+-(\d+)", path)
        if match:
            article = next((a for a in self.articles if a.id == int(match.group(2))), None)
            if article is None or self.cat_of[article.id] != match.group(1):
                return self.page("Thông báo", '<div class="ArticleDetailControl"><p>Bài viết không tồn tại.</p></div>')
            return self.page(article.title, self.detail(article))
        return not_found()

    def handle_post(self, path: str, body: bytes) -> Reply:
        """Answer the AJAX pagination: an HTML fragment of li.row items for the requested page."""
        if path != VNPT_PAGINATION:
            return not_found()
        try:
            form = json.loads(body or b"{}")
        except ValueError:
            return Reply(400, b"")
        cat = next((slug for slug, cid in self.cat_ids.items() if str(cid) == str(form.get("article_category_id"))), None)
        if cat is None or str(form.get("site_id")) != str(VNPT_SITE_ID):
            return Reply(200, b"", "text/html; charset=utf-8")
        page, size = int(form.get("page", 1)), int(form.get("page_size", PER_PAGE))
        items = [a for a in self.articles if self.cat_of[a.id] == cat][(page - 1) * size : page * size]
        return Reply(200, self.rows(items).encode("utf-8"))

    def rows(self, items: list[DemoArticle]) -> str:
        """Return li.row items as the list and the AJAX fragment show them."""
        return "".join(
            f"""<li class="row"><div class="col-md-4"><a href="{self.article_path(a)}"><img src="/upload/{VNPT_SITE_ID}/{a.published:%Y%m%d}/{a.id}.jpg" alt=""></a></div>
<div class="col-md-8"><h2 class="Title"><a href="{self.article_path(a)}">{esc(a.title)}</a></h2><div class="Ngaydang">{a.published:%d/%m/%Y}</div>
<div class="Description">{esc(a.summary)}</div></div></li>"""
            for a in items
        )

    def items(self, items: list[DemoArticle], heading: str) -> str:
        """Return an ArticleList block."""
        return f'<div class="UIArticleInMenu_Default"><h3 class="Header">{esc(heading)}</h3><ul class="ArticleList">{self.rows(items)}</ul></div>'

    def category(self, slug: str) -> Reply:
        """Return page 1 of a category; the page's script loads the others by POST."""
        items = [a for a in self.articles if self.cat_of[a.id] == slug]
        pages = max(1, -(-len(items) // PER_PAGE))
        pager = " ".join(f'<a href="javascript:void(0)" onclick="loadArticle({n})">{n}</a>' for n in range(1, pages + 1))
        script = f"""<script type="text/javascript">
var pagination_config = {{ article_category_id: {self.cat_ids[slug]}, categoryIds: "{self.cat_ids[slug]}", site_id: {VNPT_SITE_ID}, page_size: {PER_PAGE}, keyword: "", show_post_date: true }};
var maxPage = parseInt({pages});
function loadArticle(page) {{ $.ajax({{ type: "POST", url: "{VNPT_PAGINATION}", data: JSON.stringify($.extend({{}}, pagination_config, {{ page: page }})), contentType: "application/json; charset=utf-8", success: function (html) {{ $("#ArticleList").html(html); }} }}); }}
</script>"""
        body = self.items(items[:PER_PAGE], VNPT_CATS[slug]).replace('<ul class="ArticleList">', '<ul class="ArticleList" id="ArticleList">')
        return self.page(VNPT_CATS[slug], body + f'<div class="pagination">{pager}</div>' + script)

    def detail(self, a: DemoArticle) -> str:
        """Return the ArticleDetailControl block (seed 002's layout)."""
        weekday = WEEKDAYS[a.published.weekday()].title()  # "Thứ Bảy", as this portal writes it
        body = f"<p>{esc(a.paragraphs[0])}</p><p style=\"text-align:center\"><img class=\"ImgDetailImage\" src=\"/upload/{VNPT_SITE_ID}/fck/files/{a.id}.jpg\"></p><p style=\"text-align:center\"><em>{esc(a.caption)}</em></p>"
        body += "".join(f"<p>{esc(p)}</p>" for p in a.paragraphs[1:]) + f'<p style="text-align:right"><strong>{esc(a.author)}</strong></p>'
        cat = self.cat_of[a.id]
        others = [o for o in self.articles if self.cat_of[o.id] == cat and o.id != a.id][:5]
        related = "".join(f'<li><a href="{self.article_url(o)}">{esc(o.title)}</a> <span>({o.published:%d/%m/%Y})</span></li>'
                          for o in others)
        return f"""<div class="ArticleDetailControl"><h1 class="ArticleHeader">{esc(a.title)}</h1>
<div class="PostDate">{weekday}, {a.published:%d/%m/%Y}</div><div class="ViewCount">{a.id % 900 + 100} lượt xem</div>
<ul class="rating"><li>Đánh giá cho bài viết:</li><li>0 điểm ( 0 đánh giá )</li></ul>
<div class="ArticleSummary">{esc(a.summary)}</div><div class="ArticleContent">{body}</div>
<div class="tool"><a href="javascript:window.print()">In bài viết</a> <a href="#">Gửi bài viết</a></div>
<div class="UISocialShare"><a href="#">Chia sẻ Facebook</a> <a href="#">Chia sẻ Zalo</a></div>
<div class="relatedArticles"><h3>Tin cùng chuyên mục</h3><ul>{related}</ul></div></div>"""

    def page(self, title: str, main: str) -> Reply:
        """Wrap main content in the portal layout: header with today's date, menu, statistics."""
        menu = "".join(f'<li><a href="/{slug}">{esc(name)}</a></li>' for slug, name in VNPT_CATS.items())
        doc = f"""<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>{esc(title)}</title>
<link href="/DesktopModule/UIArticleInMenu/css/style.css" rel="stylesheet"></head><body>
<div class="header"><div class="SiteName">{esc(self.name)}</div><div class="CurrentDate">{self.today_line().title()}</div>
<marquee>Chào mừng bạn đến với {esc(self.name)}!</marquee></div>
<ul class="MainMenu"><li><a href="/">Trang chủ</a></li>{menu}<li><a href="/Admin/Login">Đăng nhập</a></li></ul>
<div class="container"><div class="main">{main}</div>
<div class="sidebar"><div class="UIStatistic"><h3>Thống kê truy cập</h3><p>Số lượt truy cập</p><p>670617</p><p>Trực tuyến: 25</p><p>Hôm nay: 928</p></div></div></div>
<div class="footer"><p>Cơ quan chủ quản: Ủy ban nhân dân {esc(self.unit)}</p><p>Trụ sở : Số 1 đường Quang Trung, {esc(self.unit)}</p>
<p>Chịu trách nhiệm nội dung: Chánh Văn phòng HĐND và UBND</p></div></body></html>"""
        return Reply(200, doc.encode("utf-8"))


# --- WordPress (commune and ward sites) ---------------------------------------------------


class WordPressSite(ReplicaSite):
    """WordPress: /YYYY/MM/slug/ posts, /page/N/ listings, /feed/ RSS, wp-sitemap.xml."""

    family = "wordpress"

    def article_url(self, article: DemoArticle) -> str:
        return f"{self.base_url}/{article.published:%Y/%m}/{article.slug}/"

    def handle(self, method: str, path: str, query: dict[str, list[str]]) -> Reply:
        if path == "/robots.txt":
            return Reply(200, f"User-agent: *\nDisallow: /wp-admin/\nAllow: /wp-admin/admin-ajax.php\nSitemap: {self.base_url}/wp-sitemap.xml\n".encode(), "text/plain")
        if path == "/wp-sitemap.xml":
            return Reply(200, f'<?xml version="1.0" encoding="UTF-8"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>{self.base_url}/wp-sitemap-posts-post-1.xml</loc></sitemap></sitemapindex>'.encode(), "application/xml")
        if path == "/wp-sitemap-posts-post-1.xml":
            urls = "".join(f"<url><loc>{self.article_url(a)}</loc></url>" for a in self.articles)
            return Reply(200, f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'.encode(), "application/xml")
        if path in ("/feed/", "/feed"):
            return Reply(200, self.feed().encode(), "application/rss+xml; charset=UTF-8")
        match = re.fullmatch(r"/(?:page/(\d+)/?)?", path)
        if match:
            return self.listing(int(match.group(1) or 1))
        match = re.fullmatch(r"/(\d{4})/(\d{2})/([a-z0-9-]+)/", path)
        if match:
            article = next((a for a in self.articles if self.article_url(a).endswith(path)), None)
            if article:
                return self.page(article.title, self.post(article),
                                 body_class=f"post-template-default single single-post postid-{article.id} single-format-standard")
        return self.page("Không tìm thấy trang", "<p>Rất tiếc, trang bạn tìm không tồn tại.</p>", status=404, body_class="error404")

    def listing(self, page: int) -> Reply:
        """Return a blog listing page with excerpts and older/newer links."""
        pages = max(1, -(-len(self.articles) // PER_PAGE))
        if page > pages:
            return self.page("Không tìm thấy trang", "<p>Rất tiếc, trang bạn tìm không tồn tại.</p>", status=404, body_class="error404")
        items = "".join(
            f'''<article class="post type-post status-publish"><header class="entry-header"><h2 class="entry-title"><a href="{self.article_url(a)}" rel="bookmark">{esc(a.title)}</a></h2>
<div class="entry-meta"><time class="entry-date published" datetime="{a.published.isoformat()}">{a.published:%d/%m/%Y}</time></div></header>
<div class="entry-summary"><p>{esc(a.summary)} [&hellip;]</p></div></article>'''
            for a in self.articles[(page - 1) * PER_PAGE : page * PER_PAGE]
        )
        nav = ""
        if page < pages:
            nav += f'<div class="nav-previous"><a href="{self.base_url}/page/{page + 1}/">Bài cũ hơn</a></div>'
        if page > 1:
            nav += f'<div class="nav-next"><a href="{self.base_url}/{f"page/{page - 1}/" if page > 2 else ""}">Bài mới hơn</a></div>'
        return self.page(self.name, f'<main id="main" class="site-main">{items}<nav class="navigation posts-navigation">{nav}</nav></main>',
                         body_class="home blog" + (f" paged paged-{page}" if page > 1 else ""))

    def post(self, a: DemoArticle) -> str:
        """Return a single post (twentyseventeen-like markup) with Jetpack related posts and comments."""
        body = f"<p>{esc(a.paragraphs[0])}</p>"
        body += f'<figure class="wp-block-image"><img src="/wp-content/uploads/{a.published:%Y/%m}/{a.id}.jpg" alt=""><figcaption>{esc(a.caption)}</figcaption></figure>'
        body += "".join(f"<p>{esc(p)}</p>" for p in a.paragraphs[1:])
        body += f'<p class="has-text-align-right"><strong>{esc(a.author)}</strong></p>'
        others = [o for o in self.articles if o.id != a.id][:3]
        related = "".join(f'<div class="jp-relatedposts-post"><h4><a href="{self.article_url(o)}">{esc(o.title)}</a></h4><p>{o.published:%d/%m/%Y}</p></div>' for o in others)
        return f'''<main id="main" class="site-main"><article class="post type-post status-publish format-standard">
<header class="entry-header"><h1 class="entry-title">{esc(a.title)}</h1>
<div class="entry-meta"><span class="posted-on">Đăng ngày <time class="entry-date published" datetime="{a.published.isoformat()}">{a.published:%d/%m/%Y}</time></span></div></header>
<div class="entry-content"><p class="lead"><strong>{esc(a.summary)}</strong></p>{body}
<div class="sharedaddy"><h3 class="sd-title">Chia sẻ:</h3><ul><li><a href="#">Facebook</a></li><li><a href="#">Zalo</a></li></ul></div>
<div id="jp-relatedposts" class="jp-relatedposts"><h3 class="jp-relatedposts-headline"><em>Bài viết liên quan</em></h3>{related}</div></div>
</article><div id="comments" class="comments-area"><div id="respond"><h3 id="reply-title">Để lại một bình luận</h3><form><p>Email của bạn sẽ không được hiển thị công khai.</p><textarea></textarea><input type="submit" value="Phản hồi"></form></div></div></main>'''

    def page(self, title: str, main: str, status: int = 200, body_class: str = "home blog") -> Reply:
        """Wrap content in the theme: header with the site title and today, menu, widgets, footer;
        the body's classes are what WordPress's body_class() prints for the kind of page."""
        recent = "".join(f'<li><a href="{self.article_url(a)}">{esc(a.title)}</a> <span class="post-date">{a.published:%d/%m/%Y}</span></li>' for a in self.articles[:5])
        doc = f'''<!DOCTYPE html><html lang="vi"><head><meta charset="UTF-8"><title>{esc(title)} &#8211; {esc(self.name)}</title>
<meta name="generator" content="WordPress 6.5.2"><link rel="alternate" type="application/rss+xml" title="{esc(self.name)} &raquo; Dòng thông tin" href="{self.base_url}/feed/">
<link rel="https://api.w.org/" href="{self.base_url}/wp-json/"><link rel="stylesheet" href="/wp-content/themes/twentyseventeen/style.css"></head>
<body class="{body_class}"><div id="page" class="site"><header id="masthead" class="site-header"><p class="site-title"><a href="{self.base_url}/">{esc(self.name)}</a></p>
<p class="site-description">{self.today_line()}</p><nav class="main-navigation"><ul><li><a href="{self.base_url}/">Trang chủ</a></li><li><a href="{self.base_url}/wp-admin/">Quản trị</a></li></ul></nav></header>
<div id="content" class="site-content">{main}
<aside id="secondary" class="widget-area"><section class="widget widget_recent_entries"><h2 class="widget-title">Tin mới nhất</h2><ul>{recent}</ul></section>
<section class="widget"><h2 class="widget-title">Thống kê truy cập</h2><p>Đang truy cập: 12</p><p>Tổng lượt truy cập: 2,714,803</p></section></aside></div>
<footer id="colophon" class="site-footer"><p>Cơ quan chủ quản: Ủy ban nhân dân {esc(self.unit)}</p><p>Chịu trách nhiệm nội dung: Chủ tịch UBND</p>
<p class="powered">Vận hành bởi WordPress</p></footer></div></body></html>'''
        return Reply(status, doc.encode("utf-8"))

    def feed(self) -> str:
        """Return the RSS feed: the ten newest posts."""
        items = "".join(
            f"<item><title>{esc(a.title)}</title><link>{self.article_url(a)}</link><pubDate>{format_datetime(a.published)}</pubDate><description>{esc(a.summary)}</description></item>"
            for a in self.articles[:10]
        )
        return f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>{esc(self.name)}</title><link>{self.base_url}/</link>{items}</channel></rss>'


# --- SharePoint publishing, "/portal/Pages/<Y>-<M>-<D>/<slug>.aspx" flavour (Thanh Hóa, Điện Biên) --

SPDATED_CATS = {"tin-tuc-su-kien": "Tin tức - Sự kiện", "chinh-tri": "Chính trị", "kinh-te-xa-hoi": "Kinh tế - Xã hội"}
SPDATED_PAGER = "ctl00$m$g_5d1c8a2e_1b3f$ctl00$gvNews"


def ascii_title_slug(title: str) -> str:
    """Return the flavour's slug: diacritics stripped, case kept, '--' where punctuation was, truncated."""
    import unicodedata

    plain = "".join(c for c in unicodedata.normalize("NFD", title.replace("đ", "d").replace("Đ", "D"))
                    if not unicodedata.combining(c))
    slug = re.sub(r"[^A-Za-z0-9]+", lambda m: "--" if m.group(0).strip() else "-", plain).strip("-")
    return slug[:60]


class SharePointDatedSite(ReplicaSite):
    """SharePoint /portal/Pages/ portal: __doPostBack listing pages, an unbounded calendar, IIS paths."""

    family = "sharepoint_dated"
    shows_time = False  # "Đăng ngày 21 - 03 - 2023"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cats = list(SPDATED_CATS)
        self.cat_of = {a.id: cats[n % len(cats)] for n, a in enumerate(self.articles)}

    def article_path(self, a: DemoArticle) -> str:
        """Return the article's path: creation date (not zero-padded), slug and a random-looking suffix."""
        suffix = format(a.id * 2654435761 % 36**6, "x")[:6]
        return f"/portal/Pages/{a.published.year}-{a.published.month}-{a.published.day}/{ascii_title_slug(a.title)}{suffix}.aspx"

    def article_url(self, article: DemoArticle) -> str:
        return self.base_url + self.article_path(article)

    def handle(self, method: str, path: str, query: dict[str, list[str]]) -> Reply:
        lower = path.lower()  # IIS
        if lower == "/":
            return Reply(302, b"", headers=(("Location", self.base_url + "/portal/Pages/default.aspx"),))
        if lower == "/robots.txt":
            return Reply(200, b"User-agent: *\nDisallow: /_layouts/\nDisallow: /_vti_bin/\n", "text/plain")
        if lower == "/portal/pages/default.aspx":
            return self.page("Trang chủ", self.items(self.articles[:PER_PAGE], "Tin nổi bật"))
        if lower == "/portal/pages/lich-cong-tac.aspx":
            return self.calendar(query)
        match = re.fullmatch(r"/portal/pages/([a-z0-9-]+)\.aspx", lower)
        if match and match.group(1) in SPDATED_CATS:
            return self.category(match.group(1), 1)
        article = next((a for a in self.articles if self.article_path(a).lower() == lower), None)
        if article:
            return self.page(article.title, self.detail(article))
        return self.page("Thông báo", "<p>Trang không tồn tại.</p>", status=404)

    def handle_post(self, path: str, body: bytes) -> Reply:
        """Answer a __doPostBack of the listing's pager: the page named in __EVENTARGUMENT."""
        form = {k: v[0] for k, v in parse_qs(body.decode("utf-8")).items()}
        match = re.fullmatch(r"/portal/pages/([a-z0-9-]+)\.aspx", path.lower())
        page = re.fullmatch(r"Page\$(\d+)", form.get("__EVENTARGUMENT", ""))
        if not (match and match.group(1) in SPDATED_CATS and page and form.get("__VIEWSTATE")
                and form.get("__EVENTTARGET") == SPDATED_PAGER):
            return Reply(500, b"<html><body>Invalid postback or callback argument.</body></html>")
        return self.category(match.group(1), int(page.group(1)))

    def items(self, items: list[DemoArticle], heading: str) -> str:
        """Return listing items: linked title, SharePoint date and time, teaser."""
        return f'<div class="news-list"><h2>{esc(heading)}</h2>' + "".join(
            f'''<div class="news-item"><a class="title" href="{self.article_path(a)}">{esc(a.title)}</a>
<span class="date">({self.vn_time(a.published)})</span><p>{esc(a.summary or a.paragraphs[0][:160])}</p></div>'''
            for a in items) + "</div>"

    @staticmethod
    def vn_time(when: datetime) -> str:
        """Return SharePoint's vi-VN time, 12-hour with SA/CH."""
        return f"{when:%d/%m/%Y} {when.hour % 12 or 12}:{when:%M} {'SA' if when.hour < 12 else 'CH'}"

    def category(self, cat: str, page: int) -> Reply:
        """Return one page of a category, with the GridView pager that posts back."""
        items = [a for a in self.articles if self.cat_of[a.id] == cat]
        pages = max(1, -(-len(items) // PER_PAGE))
        pager = " ".join(
            f"<span>{n}</span>" if n == page else f"<a href=\"javascript:__doPostBack(&#39;{SPDATED_PAGER}&#39;,&#39;Page${n}&#39;)\">{n}</a>"
            for n in range(1, pages + 1)
        )
        body = self.items(items[(page - 1) * PER_PAGE : page * PER_PAGE], SPDATED_CATS[cat]) + f'<div class="pager">{pager}</div>'
        return self.page(SPDATED_CATS[cat], body, form_action=f"{cat}.aspx")

    def calendar(self, query: dict[str, list[str]]) -> Reply:
        """Return a week of "Lịch công tác" with links to the weeks before and after, forever."""
        week, year = int((query.get("Tuan") or ["47"])[0]), int((query.get("Nam") or ["2026"])[0])
        prev_week, next_week = (week - 1, year) if week > 1 else (52, year - 1), (week + 1, year) if week < 52 else (1, year + 1)
        body = (f"<h2>Lịch công tác tuần {week} năm {year}</h2><table><tr><td>Thứ hai</td><td>Họp giao ban</td></tr></table>"
                f'<a href="lich-cong-tac.aspx?Tuan={prev_week[0]}&amp;Nam={prev_week[1]}">« Tuần trước</a> '
                f'<a href="lich-cong-tac.aspx?Tuan={next_week[0]}&amp;Nam={next_week[1]}">Tuần sau »</a>')
        return self.page("Lịch công tác", body)

    def detail(self, a: DemoArticle) -> str:
        """Return the article block of seed 001: date line, font-size control, indented captions, spaced byline."""
        body = f"<p>{esc(a.paragraphs[0])}</p><p style=\"text-align:center\"><img src=\"/portal/PublishingImages/{a.id}.jpg\"></p>"
        body += f'<p style="margin-left:80px"><em>{esc(a.caption)}</em></p>'
        body += "".join(f"<p>&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;&nbsp; {esc(p)}</p>" for p in a.paragraphs[1:])
        body += f'<p style="text-align:right">{"&nbsp;" * 120}{esc(a.author)}</p>'
        return f'''<div id="art-content"><table width="100%"><tr><td><h1 class="art-title">{esc(a.title)}</h1>
<div class="art-date">Đăng ngày {a.published:%d - %m - %Y}</div><div class="font-size"><a href="#">A-</a> <span>100%</span> <a href="#">A+</a></div>
<div class="art-body">{body}</div></td></tr></table></div>'''

    def page(self, title: str, main: str, status: int = 200, form_action: str = "default.aspx") -> Reply:
        """Wrap content in the portal: poll, online count, menu with the calendar, latest news with SA/CH times."""
        latest = "".join(
            # shared links carry ?fbclid=; some links use the lower-cased path (IIS does not mind)
            f'<li><a href="{self.article_path(a).lower() if n % 2 else self.article_path(a) + "?fbclid=IwAR0" + str(a.id)}">{esc(a.title)}</a>({self.vn_time(a.published)})</li>'
            for n, a in enumerate(self.articles[:6])
        )
        menu = "".join(f'<li class="cat"><a href="/portal/Pages/{k}.aspx">{esc(v)}</a></li>' for k, v in SPDATED_CATS.items())
        doc = f'''<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><meta name="GENERATOR" content="Microsoft SharePoint"><title>{esc(self.name)}</title>
<link rel="stylesheet" href="/portal/Style Library/css/portal.css"></head><body>
<form method="post" action="{form_action}" id="aspnetForm"><input type="hidden" name="__VIEWSTATE" value="/wEPDwUKMTY1NDU2MTA1Mg9kFgJmD2QWAgIBD2QWBAIDD2QW"><input type="hidden" name="__EVENTVALIDATION" value="/wEdAAN4p2Y0"><input type="hidden" name="__EVENTTARGET" value=""><input type="hidden" name="__EVENTARGUMENT" value="">
<div class="header"><span class="site">{esc(self.name)}</span></div>
<ul class="menu"><li><a href="/portal/Pages/default.aspx">Trang chủ</a></li>{menu}<li><a href="/portal/Pages/lich-cong-tac.aspx?Tuan=47&amp;Nam=2026">Lịch công tác</a></li></ul>
<div class="main">{main}</div>
<div class="right"><div class="poll"><p>Đánh giá của bạn về cổng thông tin điện tử</p><p>489 người đã bình chọn</p><p>89 người đang online</p></div>
<div class="latest"><h3>Tin mới nhất</h3><ul>{latest}</ul></div></div>
<div class="footer"><p>Cơ quan chủ quản: UBND {esc(self.unit)}</p><p>Chịu trách nhiệm nội dung: Chánh Văn phòng HĐND và UBND</p></div>
</form></body></html>'''
        return Reply(status, doc.encode("utf-8"))


# --- Liferay Portal 7.x (HCMC, Đà Nẵng agencies, Đồng Tháp, Quảng Ngãi) ------------------------

LIFERAY_SITE = "vinhlong"
LIFERAY_CUR = "_com_liferay_asset_publisher_web_portlet_AssetPublisherPortlet_INSTANCE_iwwYBC4Hj8wV_cur"


class LiferaySite(ReplicaSite):
    """Liferay: asset publisher listings (_cur=N), /-/<url-title> assets, jsessionid and p_p_* links."""

    family = "liferay"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.renders = 0

    def article_url(self, article: DemoArticle) -> str:
        return f"{self.base_url}/web/{LIFERAY_SITE}/-/{article.slug}"

    def session(self) -> str:
        """Return a new session id, as Liferay writes into links for a client that sends no cookie."""
        self.renders += 1
        return f"{self.renders * 7919:08X}".rjust(32, "0")

    def link(self, a: DemoArticle, session: str, listing: str) -> str:
        """Return an asset link as the asset publisher writes it: jsessionid, redirect, portlet state."""
        return (f"/web/{LIFERAY_SITE}/-/{a.slug};jsessionid={session}?redirect={quote(listing, safe='')}"
                f"&amp;p_p_id=com_liferay_asset_publisher_web_portlet_AssetPublisherPortlet&amp;p_p_lifecycle=0&amp;p_p_state=normal")

    def handle(self, method: str, path: str, query: dict[str, list[str]]) -> Reply:
        path = re.sub(r";jsessionid=[^/?#]*", "", path)
        if path == "/":
            return Reply(302, b"", headers=(("Location", f"{self.base_url}/web/{LIFERAY_SITE}/trang-chu"),))
        if path == "/robots.txt":
            return Reply(200, f"User-agent: *\nDisallow: /c/\nDisallow: /group/\nSitemap: {self.base_url}/sitemap.xml\n".encode(), "text/plain")
        if path == "/sitemap.xml":  # layouts only: assets have no display page here
            urls = "".join(f"<url><loc>{self.base_url}/web/{LIFERAY_SITE}/{p}</loc></url>" for p in ("trang-chu", "tin-tuc", "gioi-thieu"))
            return Reply(200, f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'.encode(), "application/xml")
        if path == f"/web/{LIFERAY_SITE}/trang-chu":
            return self.page("Trang chủ", self.cards(self.articles[:PER_PAGE], path))
        if path == f"/web/{LIFERAY_SITE}/tin-tuc":
            return self.listing(int((query.get(LIFERAY_CUR) or ["1"])[0]))
        if path == f"/web/{LIFERAY_SITE}/gioi-thieu":
            return self.page("Giới thiệu", "<p>Giới thiệu chung về đơn vị.</p>")
        match = re.fullmatch(rf"/web/{LIFERAY_SITE}/-/([a-z0-9-]+)", path)
        article = next((a for a in self.articles if match and a.slug == match.group(1)), None)
        if article:
            return self.page(article.title, self.asset(article), canonical=self.article_url(article))
        return self.page("Không tìm thấy", "<p>Không tìm thấy trang yêu cầu.</p>", status=404)

    def cards(self, items: list[DemoArticle], listing: str) -> str:
        """Return asset publisher cards twice, for desktop and for mobile, as the theme renders them."""
        session = self.session()
        card = "".join(
            f'''<div class="asset-abstract"><h3 class="asset-title"><a href="{self.link(a, session, listing)}">{esc(a.title)}</a></h3>
<div class="asset-metadata"><span class="metadata-publish-date">{a.published:%H:%M | %d/%m/%Y}</span></div><div class="asset-summary">{esc(a.summary)}</div></div>'''
            for a in items
        )
        return f'<div class="d-none d-md-block">{card}</div><div class="d-md-none">{card}</div>'

    def listing(self, cur: int) -> Reply:
        """Return one page of the news asset publisher."""
        pages = max(1, -(-len(self.articles) // PER_PAGE))
        if not 1 <= cur <= pages:
            return self.page("Tin tức", "<p>Không có kết quả.</p>")
        listing = f"/web/{LIFERAY_SITE}/tin-tuc"
        base = f"{self.base_url}{listing}?p_p_id=com_liferay_asset_publisher_web_portlet_AssetPublisherPortlet_INSTANCE_iwwYBC4Hj8wV&amp;{LIFERAY_CUR}="
        pager = "".join(f'<li class="page-item{" active" if n == cur else ""}"><a class="page-link" href="{base}{n}">{n}</a></li>' for n in range(1, pages + 1))
        if cur < pages:
            pager += f'<li class="page-item"><a class="page-link next" href="{base}{cur + 1}">Tiếp</a></li>'
        chunk = self.articles[(cur - 1) * PER_PAGE : cur * PER_PAGE]
        return self.page("Tin tức", self.cards(chunk, listing) + f'<ul class="pagination">{pager}</ul>')

    def asset(self, a: DemoArticle) -> str:
        """Return the asset's full view: title, publish date, journal article, ratings, related assets."""
        body = f"<p>{esc(a.paragraphs[0])}</p><p><img src=\"/documents/20182/{a.id}/anh.jpg\"></p><p><em>{esc(a.caption)}</em></p>"
        body += "".join(f"<p>{esc(p)}</p>" for p in a.paragraphs[1:]) + f'<p style="text-align: right;"><strong>{esc(a.author)}</strong></p>'
        related = "".join(f'<li><a href="/web/{LIFERAY_SITE}/-/{o.slug}">{esc(o.title)}</a></li>' for o in self.articles[:4] if o.id != a.id)
        return f'''<section class="portlet" id="portlet_com_liferay_asset_publisher_web_portlet_AssetPublisherPortlet_INSTANCE_iwwYBC4Hj8wV">
<div class="portlet-content"><div class="portlet-body"><div class="asset-full-content">
<h2 class="header-title"><span>{esc(a.title)}</span></h2>
<div class="asset-metadata"><span class="metadata-publish-date">{a.published:%H:%M | %d/%m/%Y}</span> <span class="metadata-view-count">{a.id % 500} lượt xem</span></div>
<div class="journal-content-article" data-analytics-asset-id="{a.id}"><p class="sapo"><strong>{esc(a.summary)}</strong></p>{body}</div>
<div class="asset-ratings"><span>Đánh giá bài viết:</span> <span>0 (0 Bình chọn)</span></div>
<div class="asset-links"><h4>Tin liên quan</h4><ul>{related}</ul></div></div></div></div></section>'''

    def page(self, title: str, main: str, status: int = 200, canonical: str = "") -> Reply:
        """Wrap content in the Liferay theme: portlet boundaries, navigation, footer."""
        head = f'<link rel="canonical" href="{canonical}"><meta property="og:title" content="{esc(title)} - {esc(self.name)}">' if canonical else ""
        doc = f'''<!DOCTYPE html><html class="ltr" dir="ltr" lang="vi-VN"><head><meta charset="utf-8"><title>{esc(title)} - {esc(self.name)}</title>{head}
<script>var Liferay = {{}}; Liferay.ThemeDisplay = {{ getLayoutId: function() {{ return "12"; }}, getScopeGroupId: function() {{ return "20182"; }} }};</script></head>
<body class="controls-visible"><header id="banner"><div class="site-title">{esc(self.name)}</div><div class="today">{self.today_line()}</div></header>
<nav id="navigation"><ul><li><a href="/web/{LIFERAY_SITE}/trang-chu">Trang chủ</a></li><li class="cat"><a href="/web/{LIFERAY_SITE}/tin-tuc">Tin tức</a></li><li><a href="/web/{LIFERAY_SITE}/gioi-thieu">Giới thiệu</a></li></ul></nav>
<div id="content"><div class="portlet-boundary portlet-boundary_com_liferay_asset_publisher_web_portlet_AssetPublisherPortlet_">{main}</div>
<div class="portlet-boundary"><h3>Thống kê truy cập</h3><p>Đang truy cập: 31</p><p>Tổng lượt truy cập: 2,714,803</p></div></div>
<footer id="footer"><p>Cơ quan chủ quản: UBND {esc(self.unit)}</p><p>Chịu trách nhiệm: Chánh Văn phòng</p><p>Powered by Liferay</p></footer></body></html>'''
        return Reply(status, doc.encode("utf-8"))


# --- IBM WebSphere Portal + WCM (Cà Mau) ------------------------------------------------------

WCM_LIBRARY = "camau/ngochien/trangchu/tintuc"
WCM_CATS = {"hoat-dong": "Tin hoạt động", "xay-dung-dang": "Xây dựng Đảng"}
WCM_PAGER = "WCM_Page.9a8b7c6d5e"


class WebSphereSite(ReplicaSite):
    """WebSphere Portal: every page under /wps/portal, state in !ut/p/ paths, WCM paging, <base href>."""

    family = "websphere"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cats = list(WCM_CATS)
        self.cat_of = {a.id: cats[n % len(cats)] for n, a in enumerate(self.articles)}
        self.views = 0

    def query_link(self, page: str, urile: str, extra: str = "") -> str:
        """Return a query-only link as WCM menus and lists write them."""
        return f"?1dmy&amp;page={page}&amp;urile=wcm%3apath%3a%2F{quote(urile, safe='')}{extra}"

    def article_url(self, article: DemoArticle) -> str:
        urile = f"{WCM_LIBRARY}/{self.cat_of[article.id]}/{article.slug}"
        return f"{self.base_url}/wps/portal/" + self.query_link("trangchitiet", urile).replace("&amp;", "&")

    def handle(self, method: str, path: str, query: dict[str, list[str]]) -> Reply:
        if path == "/":
            return Reply(302, b"", headers=(("Location", self.base_url + "/wps/portal/"),))
        if path == "/robots.txt":
            return Reply(200, b"User-agent: *\nDisallow: /wps/myportal/\n", "text/plain")
        if not path.startswith("/wps/portal"):
            return not_found()
        page, urile = (query.get("page") or [""])[0], (query.get("urile") or [""])[0].removeprefix("wcm:path:/")
        if page == "danhmuc" and urile.rsplit("/", 1)[-1] in WCM_CATS:
            return self.listing(urile.rsplit("/", 1)[-1], int((query.get(WCM_PAGER) or ["1"])[0]))
        if page == "trangchitiet":
            article = next((a for a in self.articles if urile == f"{WCM_LIBRARY}/{self.cat_of[a.id]}/{a.slug}"), None)
            if article:
                return self.page(self.detail(article))
            return self.page("<div class=\"wcm-content\"><p>Nội dung không tồn tại.</p></div>")
        return self.page(self.items(self.articles[:PER_PAGE]))

    def items(self, items: list[DemoArticle]) -> str:
        """Return a WCM list of articles."""
        return '<div class="danhsach">' + "".join(
            f'''<div class="tin"><a class="tieude-tin" href="{self.query_link("trangchitiet", f"{WCM_LIBRARY}/{self.cat_of[a.id]}/{a.slug}")}">{esc(a.title)}</a>
<span class="ngay">{a.published:%d/%m/%Y}</span><p>{esc(a.summary)}</p></div>''' for a in items) + "</div>"

    def listing(self, cat: str, page: int) -> Reply:
        """Return one page of a category with WCM's paging links."""
        items = [a for a in self.articles if self.cat_of[a.id] == cat]
        pages = max(1, -(-len(items) // PER_PAGE))
        urile = f"{WCM_LIBRARY}/{cat}"
        pager = "".join(f'<a href="{self.query_link("danhmuc", urile, f"&amp;WCM_PI=1&amp;{WCM_PAGER}={n}")}">{n}</a> ' for n in range(1, pages + 1))
        if page < pages:
            pager += f'<a class="next" href="{self.query_link("danhmuc", urile, f"&amp;WCM_PI=1&amp;{WCM_PAGER}={page + 1}")}">Trang sau</a>'
        return self.page(f"<h2>{esc(WCM_CATS[cat])}</h2>" + self.items(items[(page - 1) * PER_PAGE : page * PER_PAGE]) + f'<div class="phantrang">{pager}</div>')

    def detail(self, a: DemoArticle) -> str:
        """Return the WCM article view: title, date and time, sapo, body."""
        body = f"<p>{esc(a.paragraphs[0])}</p><p style=\"text-align:center\"><img src=\"/wps/wcm/connect/{a.id}.jpg\"></p><p style=\"text-align:center\"><em>{esc(a.caption)}</em></p>"
        body += "".join(f"<p>{esc(p)}</p>" for p in a.paragraphs[1:]) + f'<p style="text-align:right"><strong>{esc(a.author)}</strong></p>'
        return f'''<div class="wcm-content"><div class="tieude">{esc(a.title)}</div><div class="ngaydang">{a.published:%d/%m/%Y %H:%M}</div>
<div class="tomtat">{esc(a.summary)}</div><div class="noidung">{body}</div>
<div class="chiase"><a href="#">In bài</a> <a href="#">Gửi email</a></div></div>'''

    def page(self, main: str) -> Reply:
        """Wrap content in the portal theme; <title> is the portal's name on every page."""
        self.views += 1
        state = f"Z1_{self.views * 104729:012X}"
        menu = "".join(f'<li><a href="{self.query_link("danhmuc", f"{WCM_LIBRARY}/{k}")}">{esc(v)}</a></li>' for k, v in WCM_CATS.items())
        doc = f'''<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>{esc(self.name)}</title>
<base href="{self.base_url}/wps/portal/!ut/p/z1/{state}/dz/d5/L2dBISEvZ0FBIS9nQSEh/"></head><body>
<div class="wpthemeHeader"><div class="ten-don-vi">{esc(self.name)}</div><div class="ngay-hien-tai">{self.today_line()}</div></div>
<ul class="wcm-menu"><li><a href="{self.base_url}/wps/portal/">Trang chủ</a></li>{menu}</ul>
<div class="wpthemeMainContent">{main}</div>
<div class="wpthemeFooter"><p>Cơ quan chủ quản: {esc(self.unit)}</p><p>Chịu trách nhiệm: Trưởng Ban Tuyên giáo</p><p>Số lượt truy cập: 2,714,803</p></div>
<script src="/wps/contenthandler/!ut/p/digest!abc/sp/mashup:ra:collection?themeID=ZJ_123"></script></body></html>'''
        return Reply(200, doc.encode("utf-8"))


# --- A NukeViet portal with broken pages, for the bad-input tests ----------------------------


class FaultyNukeVietSite(NukeVietSite):
    """A NukeViet replica where some article URLs answer with a PDF, an oversized page or a 500."""

    def __init__(self, *args, faults: dict[int, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.faults = faults

    def article_reply(self, article: DemoArticle) -> Reply:
        kind = self.faults.get(article.id)
        if kind == "pdf":
            return Reply(200, b"%PDF-1.4\n% replica\n" + b"0" * 2000, "application/pdf")
        if kind == "huge":
            page = super().article_reply(article)
            return Reply(200, page.body + b"<!--" + b"x" * 3_000_000 + b"-->")
        if kind == "elements":  # small on the wire, 60,000 elements for the extractor
            page = super().article_reply(article)
            return Reply(200, page.body.replace(b"</body>", b"<p>x</p>" * 60_000 + b"</body>"))
        if kind == "error":
            return Reply(500, b"<html><body>Server Error in '/' Application.</body></html>")
        return super().article_reply(article)

    def expected(self) -> list[dict]:
        return [e for e, a in zip(super().expected(), self.articles) if a.id not in self.faults]


def family_sites() -> list[ReplicaSite]:
    """Return one replica per CMS family, for the family tests (issue #3)."""
    return [
        NukeVietSite(
            "test.vinh-thanh",
            "Huyện ủy Vĩnh Thạnh (bản sao)",
            "Cần Thơ",
            "Huyện Vĩnh Thạnh",
            synthetic_articles(load_articles("articles_nukeviet"), 23, first_id=9000),
        ),
        SharePointSite(
            "test.dinh-quan",
            "UBND huyện Định Quán (bản sao)",
            "Đồng Nai",
            "Huyện Định Quán",
            synthetic_articles(load_articles("articles_sharepoint"), 19, first_id=9500),
        ),
        WebSphereSite(
            "test.ngoc-hien",
            "Huyện ủy Ngọc Hiển (bản sao)",
            "Cà Mau",
            "Huyện Ngọc Hiển",
            synthetic_articles(load_articles("articles_nukeviet"), 12, first_id=7000),
        ),
        LiferaySite(
            "test.vinh-long",
            "Cổng thông tin điện tử tỉnh Vĩnh Long (bản sao)",
            "Vĩnh Long",
            "Tỉnh Vĩnh Long",
            synthetic_articles(load_articles("articles_nukeviet"), 12, first_id=6000),
        ),
        SharePointDatedSite(
            "test.nhu-xuan",
            "Cổng thông tin điện tử huyện Như Xuân (bản sao)",
            "Thanh Hóa",
            "Huyện Như Xuân",
            synthetic_articles(load_articles("articles_sharepoint"), 23, first_id=5000),
        ),
        WordPressSite(
            "test.hoa-ninh",
            "Xã Hòa Ninh (bản sao)",
            "Đà Nẵng",
            "Xã Hòa Ninh",
            synthetic_articles(load_articles("articles_nukeviet"), 13, first_id=4000),
        ),
        VnptSite(
            "test.tam-diep",
            "Trang Thông tin điện tử Thành phố Tam Điệp (bản sao)",
            "Ninh Bình",
            "Thành phố Tam Điệp",
            synthetic_articles(load_articles("articles_sharepoint"), 17, first_id=3000),
        ),
    ]


RELEASE_IDS = 30_000  # syndicated copies: id 30000 + 10 * release + portal; own articles from 31000


def syndication_sites() -> list[ReplicaSite]:
    """Return three portals on three platforms that republish the same five provincial releases.

    Each copy carries small edits (a title suffix, an opening attribution, a changed word, its
    own byline); each portal also has five articles of its own on the same days, so that near
    copies and same-day, same-topic articles can be told apart (issue #5's clusters).
    """
    releases = load_articles("articles_sharepoint")[:5]
    own = load_articles("articles_nukeviet")
    makers = [
        (NukeVietSite, "test.syn-a", "Cổng A (bản sao)", "tin-tuc-su-kien"),
        (SharePointSite, "test.syn-b", "Cổng B (bản sao)", "1"),
        (WordPressSite, "test.syn-c", "Cổng C (bản sao)", "1"),
    ]
    sites = []
    for k, (cls, portal_id, name, cat) in enumerate(makers):
        articles = []
        for r, release in enumerate(releases):
            paragraphs = list(release.paragraphs)
            if k == 1:
                paragraphs[0] = "Theo Cổng thông tin điện tử tỉnh, " + paragraphs[0][0].lower() + paragraphs[0][1:]
            if k == 2:
                paragraphs[-1] = paragraphs[-1].replace("huyện", "địa phương", 1)
            articles.append(replace(release, id=RELEASE_IDS + 10 * r + k, cat=cat,
                                    title=release.title + ("" if k == 0 else " (tin tỉnh)" if k == 1 else ""),
                                    author=["BAN BIÊN TẬP", "Minh Anh", "Văn phòng UBND"][k],
                                    paragraphs=tuple(paragraphs)))
            same_day = own[(5 * k + r) % len(own)]
            articles.append(replace(same_day, id=RELEASE_IDS + 1000 + 10 * r + k, cat=cat,
                                    published=release.published, title=f"{same_day.title} ({name})"))
        sites.append(cls(portal_id, name, "Đồng Nai", f"Huyện {name}", articles))
    return sites


def demo_sites() -> list[ReplicaSite]:
    """Return the demo's replica portals: one NukeViet and one SharePoint portal."""
    return [
        NukeVietSite(
            "demo.vinh-thanh",
            "Huyện ủy Vĩnh Thạnh (bản sao)",
            "Cần Thơ",
            "Huyện Vĩnh Thạnh",
            load_articles("articles_nukeviet"),
        ),
        SharePointSite(
            "demo.dinh-quan",
            "UBND huyện Định Quán (bản sao)",
            "Đồng Nai",
            "Huyện Định Quán",
            load_articles("articles_sharepoint"),
        ),
    ]


# Strings of page furniture on the replica pages; none may appear in an archived article's text.
FURNITURE = (
    # headers
    "Thông báo sự kiện",
    "Nhiệt liệt chào mừng kỷ niệm 48 năm",
    "Màu xanh nước biển",
    "Màu xanh lá cây",
    "Cơ quan của Đảng bộ, chính quyền",
    # counters
    "Đang truy cập",
    "Tháng hiện tại",
    "Tổng lượt truy cập",
    "Số lượt truy cập",
    "Trong ngày:",
    "Tất cả:",
    "2,714,803",
    # polls and ratings
    "Bạn quan tâm nội dung nào nhất",
    "Bình chọn",
    "Thủ tục hành chính, dịch vụ công",
    "Tổng số điểm của bài viết",
    "Click để đánh giá bài viết",
    # menus, tools, widgets
    "Trang chủ",
    "Giới thiệu",
    "Hỏi đáp",
    "Liên kết webiste",
    "Website thường dùng",
    "Một cửa điện tử",
    "hồ sơ đúng hẹn",
    "In trang",
    "Gửi email",
    "Về đầu trang",
    "Tags:",
    "Giao diện máy tính",
    "Đăng nhập",
    "Trực tuyến:",
    "670617",
    "Chào mừng bạn đến với",
    "lượt xem",
    "Đánh giá cho bài viết",
    "In bài viết",
    "Chia sẻ Facebook",
    "Chia sẻ:",
    "Bài viết liên quan",
    "Để lại một bình luận",
    "Email của bạn sẽ không được hiển thị",
    "Vận hành bởi WordPress",
    "Bài cũ hơn",
    "người đã bình chọn",
    "người đang online",
    "Đăng ngày",
    "Lịch công tác",
    "Đánh giá bài viết",
    "Tin liên quan",
    "Powered by Liferay",
    "In bài",
    "File đính kèm",
    # other-news lists
    "Tin mới nhất",
    "Những tin mới hơn",
    "Những tin cũ hơn",
    "Các tin khác",
    "Tin cùng chuyên mục",
    # footers
    "Trụ sở :",
    "Điện Thoại:",
    "Chịu trách nhiệm",
    "Cơ quan chủ quản",
    "Ghi rõ nguồn khi phát hành lại",
    "Powered by NukeViet",
    "Số 02 đường 3/2",
    # session notice
    "Bạn đã không sử dụng Site",
    "Thời gian chờ",
    "duy trì trạng thái đăng nhập",
    # image file names left as text
    ".jpg",
)
