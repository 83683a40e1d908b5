"""The article page of the reading room: read, verify and cite one article (`/-/article/<id>`).

It shows the article (title, portal with province, level and successor, the date as printed and
as stored, author, credit, the text as paragraphs, captions), where it came from (the original
URL, the capture), the page as archived in a sandboxed frame (`/-/article/<id>/archived`: the
stored HTML, scripts off, no network, links to archived articles pointing into the archive), its
earlier versions with what changed, the same release on other portals (its cluster), its
attachments, and a "cite this" block: a stable URL, APA and Chicago text, BibTeX and CSL-JSON.

Citation and diff are pure functions of the rows; the route reads the rows through Datasette
(its limits and authorizer), and the archived page, which the authorizer blanks for every
other query, through a read-only connection of its own, one row.
"""

from __future__ import annotations

import asyncio
import difflib
import gzip
import json
import re
import sqlite3
from datetime import datetime
from urllib.parse import urljoin

import lxml.html
from datasette.utils.asgi import Response

from scraper.extract import decode_html
from scraper.urls import canonical_url

# The archived page may load nothing and run nothing: no script, no network (images, styles,
# fonts and frames from anywhere are refused), framed only by the article page.
ARCHIVED_PAGE_POLICY = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
                        "form-action 'none'; frame-ancestors 'self'; sandbox allow-top-navigation-by-user-activation")
MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
             "November", "December")


def archive_database(datasette):
    """Return the archive Datasette serves (the one database that is not Datasette's own)."""
    return next(db for name, db in datasette.databases.items() if not name.startswith("_"))


def paragraphs(text: str) -> list[str]:
    """Return an article's paragraphs (the archive separates them by a blank line)."""
    return [p.strip() for p in re.split(r"\n\s*\n", text or "") if p.strip()]


def changes(before: str, after: str) -> list[tuple[str, str]]:
    """Return the paragraphs of two texts with what happened to each: '-' removed, '+' added, ' ' kept."""
    return [(line[0], line[2:]) for line in difflib.ndiff(paragraphs(before), paragraphs(after)) if line[0] in "-+ "]


def _date(published_at: str | None) -> datetime | None:
    try:
        return datetime.fromisoformat(published_at) if published_at else None
    except ValueError:
        return None


def citation(article: dict, stable_url: str) -> dict[str, str]:
    """Return the article's citation as APA and Chicago text, BibTeX and CSL-JSON (text)."""
    when = _date(article.get("published_at"))
    site = article.get("portal_name") or article["portal_id"]
    author = article.get("author") or site
    title = article["title"]
    url = article["url"]
    archived = f"Archived in govnews: {stable_url}"
    if when:
        apa_date = f"{when.year}, {MONTHS_EN[when.month - 1]} {when.day}"
        chicago_date = f"{MONTHS_EN[when.month - 1]} {when.day}, {when.year}"
    else:
        apa_date, chicago_date = "n.d.", "n.d."
    apa = f"{author}. ({apa_date}). {title}. {site}. {url}. {archived}"
    chicago = f"{author}. “{title}.” {site}, {chicago_date}. {url}. {archived}."
    key = f"govnews{article['id']}"
    # names and titles in an extra pair of braces: BibTeX keeps them as written (no name inversion, no lower case)
    fields = {"author": "{" + _bibtex_escape(author) + "}", "title": "{" + _bibtex_escape(title) + "}",
              "organization": "{" + _bibtex_escape(site) + "}", "url": url, "note": _bibtex_escape(archived),
              "language": "vietnamese"}
    if when:
        fields["date"] = when.date().isoformat()
    bibtex = f"@online{{{key},\n" + ",\n".join(f"  {name} = {{{value}}}" for name, value in fields.items()) + "\n}\n"
    csl = {"id": key, "type": "article-newspaper", "title": title, "container-title": site,
           "author": [{"literal": author}], "URL": url, "language": "vi", "archive": "govnews",
           "archive_location": stable_url}
    if when:
        csl["issued"] = {"date-parts": [[when.year, when.month, when.day]]}
    return {"apa": apa, "chicago": chicago, "bibtex": bibtex, "csl": json.dumps([csl], ensure_ascii=False, indent=1)}


def _bibtex_escape(value: str) -> str:
    """Return text safe inside BibTeX braces: backslash, braces and & % $ # _ escaped."""
    return re.sub(r"[\\{}&%$#_]", lambda m: r"\textbackslash{}" if m.group() == "\\" else "\\" + m.group(), value)


def archived_html(root, page_url: str, archived_ids: dict[str, int]) -> bytes:
    """Return a parsed stored page ready for the sandboxed frame: links to archived articles point to
    their article pages, other links lose their target (their URL stays in the title), scripts are gone."""
    for element in root.xpath("//script|//noscript|//base|//meta[@http-equiv]|//link|//iframe|//object|//embed"):
        element.drop_tree()
    for image in root.xpath("//img[@src]|//source[@srcset]|//img[@srcset]"):  # the portal's files stay unfetched
        for name in ("src", "srcset"):
            if image.get(name):
                image.set(f"data-archived-{name}", image.attrib.pop(name))
    for link in root.xpath("//a[@href]"):
        target = urljoin(page_url, link.get("href"))
        article_id = archived_ids.get(canonical_url(target)) if target.startswith("http") else None
        if article_id:
            link.set("href", f"/-/article/{article_id}")
            link.set("target", "_top")
        else:
            link.attrib.pop("href")
            link.set("title", target)
    return lxml.html.tostring(root, encoding="utf-8", doctype="<!DOCTYPE html>")


def parsed_page(html_gz: bytes):
    """Return a stored page parsed, decoded as extraction decodes it (charset, legacy encodings)."""
    text = decode_html(gzip.decompress(html_gz))
    # lxml refuses a str that declares its encoding (XHTML's <?xml … encoding="utf-8"?>): it is decoded already
    return lxml.html.document_fromstring(re.sub(r"^\s*<\?xml[^>]*\?>", "", text))


def link_targets(root, page_url: str) -> list[str]:
    """Return the canonical URLs a parsed page links to."""
    return sorted({canonical_url(urljoin(page_url, href)) for href in root.xpath("//a/@href")
                   if urljoin(page_url, href).startswith("http")})


VERSIONS_SQL = "SELECT title, text, first_seen_at, replaced_at FROM article_versions WHERE article_id = ? ORDER BY id"
# `+published_at`: sorted after the cluster's few rows are found by their index. Most articles
# have no cluster, so ANALYZE counts the NULLs as one huge cluster, and SQLite walked every
# article in date order instead (over 2 s, a timeout, on a million articles).
SIBLINGS_SQL = ("SELECT a.id, a.title, a.portal_id, p.name AS portal_name, a.published_at FROM articles a "
                "LEFT JOIN portals p ON p.id = a.portal_id WHERE a.cluster_id = ? AND a.id != ? ORDER BY +a.published_at")


async def load_article(db, article_id: int) -> dict | None:
    """Return an article with its portal, versions, cluster siblings, attachments and capture, or None."""
    found = (await db.execute(
        "SELECT a.*, p.name AS portal_name, p.province, p.level, p.successor, p.unit FROM articles a "
        "LEFT JOIN portals p ON p.id = a.portal_id WHERE a.id = ?", [article_id])).rows
    if not found:
        return None
    article = dict(found[0])
    article["versions"] = [dict(r) for r in (await db.execute(VERSIONS_SQL, [article_id])).rows]
    article["siblings"] = [dict(r) for r in (await db.execute(
        SIBLINGS_SQL, [article.get("cluster_id"), article_id])).rows] if article.get("cluster_id") else []
    article["attachments"] = [dict(r) for r in (await db.execute(
        "SELECT url, title FROM attachments WHERE article_id = ? ORDER BY id", [article_id])).rows]
    return article


def _stored_page(path: str, article_id: int) -> tuple[bytes, str] | None:
    """Return the newest stored page of an article (gzip'd HTML, its URL) from a read-only connection, or None."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        row = conn.execute("SELECT html_gz, url FROM raw_pages WHERE article_id = ? AND html_gz IS NOT NULL "
                           "ORDER BY coalesce(captured_at, fetched_at) DESC, id DESC LIMIT 1", [article_id]).fetchone()
    except sqlite3.OperationalError:  # a published snapshot without raw pages
        return None
    finally:
        conn.close()
    return (row[0], row[1]) if row else None


async def article_page(request, datasette):
    """Serve `/-/article/<id>` (the page), `.bib` and `.json` (its citation) and `/archived` (the stored page)."""
    article_id, part = int(request.url_vars["id"]), request.url_vars.get("part") or ""
    db = archive_database(datasette)
    article = await load_article(db, article_id)
    if article is None:
        return Response.html(await datasette.render_template("error.html", {"ok": False, "error": f"No article {article_id}",
                                                                               "title": "Not found", "status": 404},
                                                             request=request), status=404)
    stable_url = datasette.absolute_url(request, f"/-/article/{article_id}")
    cite = citation(article, stable_url)
    if part == ".bib":
        return Response(cite["bibtex"], content_type="application/x-bibtex; charset=utf-8",
                        headers={"content-disposition": f'attachment; filename="govnews-{article_id}.bib"'})
    if part == ".json":
        return Response(cite["csl"], content_type="application/vnd.citationstyles.csl+json; charset=utf-8",
                        headers={"content-disposition": f'attachment; filename="govnews-{article_id}.json"'})
    if part == "/archived":
        stored = await asyncio.to_thread(_stored_page, db.path, article_id) if db.path else None
        if stored is None:
            return Response.text("No stored page for this article in this archive.\n", status=404)
        root = parsed_page(stored[0])
        targets = link_targets(root, stored[1])
        ids = {}
        for start in range(0, len(targets), 500):
            chunk = targets[start:start + 500]
            rows = (await db.execute(f"SELECT canonical_url, id FROM articles WHERE canonical_url IN "
                                     f"({', '.join('?' * len(chunk))})", chunk)).rows
            ids.update({row[0]: row[1] for row in rows})
        return Response(archived_html(root, stored[1], ids), content_type="text/html; charset=utf-8",
                        headers={"content-security-policy": ARCHIVED_PAGE_POLICY, "x-content-type-options": "nosniff",
                                 "referrer-policy": "no-referrer"})
    versions = []
    newer = article["text"]
    for version in reversed(article["versions"]):  # newest first: each against the text that replaced it
        versions.append({**version, "changes": changes(version["text"], newer)})
        newer = version["text"]
    context = {"article": article, "paragraphs": paragraphs(article["text"]), "database": db.name,
               "captions": [c.strip() for c in (article.get("captions") or "").splitlines() if c.strip()],
               "versions": versions, "cite": cite, "stable_url": stable_url,
               # only whether a page is stored: the blob itself is read for the frame's own request
               "has_archived_page": bool((await db.execute("SELECT 1 FROM raw_pages WHERE article_id = ? LIMIT 1",
                                                           [article_id])).rows)}
    return Response.html(await datasette.render_template("govnews_article.html", context, request=request))
