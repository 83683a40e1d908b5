"""What researchers wait for on a large archive: search, faceted pages and full exports, on N synthetic articles.

Builds (once, reused with --reuse) an archive of N articles through the real schema and its
triggers: 700 portals in 63 provinces, dates over 2015-2025, texts drawn word by word from the
Vietnamese of the demo articles with their real word frequencies. A second, plain FTS5 index
(sqlite-utils' enable_fts default: unicode61, nothing folded) is the baseline.

Then, against `govnews serve --immutable` on a `govnews publish` snapshot (how docs/publishing.md
serves it), each measured --repeat times after one warm-up, medians printed:
  search            the `search` canned query's SQL: newest 100 matches, folded, keyed by date
  plain, by rowid   the same shape on the plain index, query as typed: what folding costs
  plain, newest     the newest 100 on the plain index keyed by id (collect and sort every match):
                    what "newest first" cost before search_key
  search_ranked     the bm25 canned query's SQL
  search.json       the `search` canned query through Datasette (HTTP, JSON)
  news?_search=     Datasette's table search page (count, sort by date, default facets)
  faceted pages     news.json with its seven default facets (summed from the snapshot's facet counts
                    where the filters allow) and filters; articles.json with its two live facets
  article page      /-/article/<id> of five articles with long histories (HISTORY: versions, a
                    stored page, attachments, a cluster of siblings) against their plain neighbours
and the peak memory (max RSS) of Datasette streaming every news row through /-/stream/.../news.csv,
and of `govnews export` to CSV and to Parquet of all N articles.

    .venv/bin/python bench/publish.py [--articles 1000000] [--dir /tmp/govnews-bench] [--reuse [--republish]]
        [--repeat 15] [--skip-search] [--skip-exports]
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import random
import re
import sqlite3
import statistics
import subprocess
import sys
import time
import tomllib
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scraper.archive import Archive  # noqa: E402
from scraper.cli import datasette_command  # noqa: E402
from scraper.datasette.metadata import build_metadata  # noqa: E402
from scraper.datasette.queries import SEARCH, SEARCH_RANKED  # noqa: E402
from scraper.search import fold_apart, fold_match  # noqa: E402

GOVNEWS = [str(Path(sys.executable).parent / "govnews")]
SEARCHES = ["Định Quán", "dinh quan", "hội nghị", "hoi nghi", '"nông thôn mới"', '"nong thon moi"', "đường giao thông",
            "huyen", "vắc xin", "giải phóng mặt bằng", "Đảng bộ", "dang bo", "thủy lợi", "thuy loi", "học bổng",
            "hoc bong"]


ONSETS = ["", "b", "c", "ch", "d", "đ", "g", "gi", "h", "k", "kh", "l", "m", "n", "ng", "nh", "ph", "qu", "r", "s", "t",
          "th", "tr", "v", "x"]
RHYMES = ["a", "ai", "am", "an", "ang", "anh", "ao", "au", "ay", "e", "em", "en", "eo", "ê", "ên", "ênh", "i", "im", "in",
          "inh", "iu", "o", "oa", "oai", "oan", "oang", "oc", "oi", "om", "on", "ong", "ô", "ôi", "ôm", "ôn", "ông", "ơ",
          "ơi", "ơm", "ơn", "u", "ua", "ui", "um", "un", "ung", "uy", "uyên", "ư", "ưa", "ưng", "ươi", "ương"]
TONES = ["", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323"]
# A few portals get real place names, found in a share of their own articles, as in life.
PLACES = {"p007.huyen": "Định Quán", "p011.huyen": "Vĩnh Thạnh", "p019.huyen": "Tân Phú"}


def vocabulary(size: int = 8000) -> tuple[list[str], list[float]]:
    """Return size words with Zipf weights (1/rank): the demo articles' words by frequency first, then
    generated Vietnamese syllables (onset, rhyme, tone)."""
    import unicodedata

    counts: dict[str, int] = {}
    for name in ("articles_nukeviet", "articles_sharepoint"):
        data = tomllib.loads((ROOT / "scraper" / "demo" / f"{name}.toml").read_text(encoding="utf-8"))
        for article in data["article"]:
            for word in re.findall(r"\w+", article["title"] + " " + " ".join(article.get("paragraphs", []))):
                counts[word.lower()] = counts.get(word.lower(), 0) + 1
    words = sorted(counts, key=lambda w: -counts[w])
    seen = set(words)
    rng = random.Random(7)
    while len(words) < size:
        rhyme = rng.choice(RHYMES)
        vowel = next(i for i, c in enumerate(rhyme) if c in "aeiouyêôơư")
        syllable = unicodedata.normalize("NFC", rng.choice(ONSETS) + rhyme[:vowel + 1] + rng.choice(TONES) + rhyme[vowel + 1:])
        if syllable not in seen:
            seen.add(syllable)
            words.append(syllable)
    return words, [1 / rank for rank in range(1, size + 1)]


def build(db: Path, articles: int) -> None:
    """Create the synthetic archive through the real migrations and FTS triggers, plus the plain baseline index."""
    rng = random.Random(20251122)
    words, weights = vocabulary()
    cumulative = list(itertools.accumulate(weights))
    archive = Archive(db)
    conn = archive.db.conn
    provinces = [f"Tỉnh {n:02d}" for n in range(63)]
    portals = [(f"p{n:03d}.huyen", f"Huyện {n:03d}", provinces[n % 63], "district" if n >= 63 else "province")
               for n in range(700)]
    conn.executemany("INSERT INTO portals (id, name, province, unit, level, base_url, family, status) "
                     "VALUES (?, ?, ?, ?, ?, ?, 'nukeviet', 'unchecked')",
                     [(pid, name, prov, name, level, f"http://{pid}.example/") for pid, name, prov, level in portals])
    conn.commit()
    conn.execute("PRAGMA synchronous=OFF")
    started = time.monotonic()
    batch = []
    for n in range(articles):
        pid = portals[int(rng.paretovariate(1.2) * 7) % 700][0]
        day = rng.randrange(11 * 365)
        published = time.strftime("%Y-%m-%dT%H:%M:00+07:00", time.gmtime(1420070400 + day * 86400 + rng.randrange(86400)))
        title = " ".join(rng.choices(words, cum_weights=cumulative, k=12)).capitalize()
        text = " ".join(rng.choices(words, cum_weights=cumulative, k=140))
        if pid in PLACES and rng.random() < 0.4:
            title, text = f"{PLACES[pid]}: {title}", f"Huyện {PLACES[pid]} {text}"
        source = rng.choices(["live", "wayback", "commoncrawl"], [90, 8, 2])[0]
        author = rng.choice(["Minh Anh", "Thu Hà", "Quốc Huy", "Lan Phương"]) if rng.random() < 0.6 else ""
        url = f"http://{pid}.example/news/{n}.html"
        batch.append((pid, url, url, title, published, "minute", author, text, text[:200], source, "2026-11-22T00:00:00+00:00"))
        if len(batch) == 20000:
            _insert(conn, batch)
            batch = []
            print(f"  {n + 1:,} articles, {time.monotonic() - started:.0f} s", file=sys.stderr, flush=True)
    if batch:
        _insert(conn, batch)
    # One article in 50 a republication of the one before (duplicate_of): news leaves them out
    # through its partial indexes, which must keep its pages as fast.
    with conn:
        conn.execute("UPDATE articles SET duplicate_of = id - 1 WHERE id % 50 = 0")
    print("  plain FTS5 index (the baseline) ...", file=sys.stderr, flush=True)
    conn.execute("CREATE VIRTUAL TABLE plain_fts USING fts5(title, text, content='articles', content_rowid='id')")
    conn.execute("INSERT INTO plain_fts (plain_fts) VALUES ('rebuild')")
    conn.commit()
    conn.execute("PRAGMA optimize")
    archive.close()
    print(f"  built in {time.monotonic() - started:.0f} s", file=sys.stderr)


# What five articles carry for the article page: earlier versions (each an edit of one paragraph
# of twelve), attachments, siblings in one cluster and a stored page of this many bytes of HTML.
HISTORY = {"versions": 100, "attachments": 30, "siblings": 20, "page_bytes": 150_000, "paragraphs": 12}


def history_ids(conn: sqlite3.Connection) -> list[int]:
    """The ids of the five articles given a history: the first, the last and three between, by rowid."""
    last = conn.execute("SELECT max(rowid) FROM articles").fetchone()[0]
    return [conn.execute("SELECT id FROM articles WHERE rowid >= ? ORDER BY rowid LIMIT 1",
                         [max(1, round(share * (last - 1)))]).fetchone()[0] for share in (0.0, 0.25, 0.5, 0.75, 1.0)]


def add_histories(conn: sqlite3.Connection) -> None:
    """Give the history_ids articles HISTORY (once: an archive that has versions already is left as it is)."""
    if conn.execute("SELECT count(*) FROM article_versions").fetchone()[0]:
        return
    rng = random.Random(7)
    with conn:
        for article_id in history_ids(conn):
            text, url = conn.execute("SELECT text, url FROM articles WHERE id = ?", [article_id]).fetchone()
            words = text.split()
            step = max(1, len(words) // HISTORY["paragraphs"])
            paragraphs = [" ".join(words[i:i + step]) for i in range(0, len(words), step)]
            versions = []
            for n in range(HISTORY["versions"]):  # oldest first; each edits one paragraph of the next
                edited = list(paragraphs)
                edited[rng.randrange(len(edited))] += f" (bản {n + 1})"
                versions.append(("\n\n".join(edited), f"2024-01-{1 + n % 28:02d}T00:00:00+00:00"))
            conn.executemany("INSERT INTO article_versions (article_id, title, text, content_hash, first_seen_at, "
                             "replaced_at) VALUES (?, 'Bản cũ', ?, ?, ?, ?)",
                             [(article_id, body, f"h{article_id}-{n}", seen, seen) for n, (body, seen) in enumerate(versions)])
            conn.execute("UPDATE articles SET text = ? WHERE id = ?", ["\n\n".join(paragraphs), article_id])
            conn.executemany("INSERT INTO attachments (article_id, url, title) VALUES (?, ?, ?)",
                             [(article_id, f"{url}/dinh-kem-{n}.pdf", f"Văn bản số {n}/QĐ-UBND") for n in range(HISTORY["attachments"])])
            # the next ids, or the ones before for the last article: each has HISTORY["siblings"] siblings
            step = 1 if conn.execute("SELECT 1 FROM articles WHERE id = ?", [article_id + HISTORY["siblings"]]).fetchone() else -1
            cluster = [article_id, *range(article_id + step, article_id + step * (HISTORY["siblings"] + 1), step)]
            conn.execute(f"UPDATE articles SET cluster_id = ? WHERE id IN ({', '.join('?' * len(cluster))})",
                         [article_id, *cluster])
            links = "".join(f'<li><a href="/news/{n}.html">Tin {n}</a></li>' for n in range(2000))
            page = f"<html><body><ul>{links}</ul><article>{text}</article></body></html>"
            page += " " * max(0, HISTORY["page_bytes"] - len(page))
            conn.execute("INSERT INTO raw_pages (article_id, url, fetched_at, http_status, sha256, html_gz) "
                         "VALUES (?, ?, '2026-11-22T00:00:00+00:00', 200, ?, ?)",
                         [article_id, url, f"s{article_id}", gzip.compress(page.encode())])


def _insert(conn: sqlite3.Connection, batch: list[tuple]) -> None:
    with conn:
        conn.executemany(
            "INSERT INTO articles (portal_id, url, canonical_url, title, published_at, date_precision, author, text, "
            "summary, source, first_seen_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", batch)


def median_ms(action, repeat: int) -> float:
    """Run action once to warm up, then repeat times; return the median in ms."""
    action()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def match_count(conn: sqlite3.Connection, match: str) -> int:
    return conn.execute("SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ?", [match]).fetchone()[0]


def plain_newest(conn: sqlite3.Connection, typed: str) -> list:
    """The baseline: the newest 100 matches on the plain index keyed by id (sorting every match by date)."""
    return conn.execute("SELECT a.id, a.title FROM articles a WHERE a.id IN (SELECT rowid FROM plain_fts WHERE plain_fts MATCH ?) "
                        "ORDER BY a.published_at DESC LIMIT 100", [typed]).fetchall()


def plain_top(conn: sqlite3.Connection, typed: str) -> list:
    """The same shape as `search` on the plain index (its first 100 matches in rowid order): what folding costs."""
    return conn.execute("SELECT a.id, a.title FROM (SELECT rowid FROM plain_fts WHERE plain_fts MATCH ? ORDER BY rowid DESC "
                        "LIMIT 100) f JOIN articles a ON a.id = f.rowid", [typed]).fetchall()


def canned(conn: sqlite3.Connection, sql: str, query: str) -> list:
    """Run a canned search query's SQL as Datasette does."""
    return conn.execute(sql, {"q": query}).fetchall()


class TimeLimit(Exception):
    """Datasette stopped the query at sql_time_limit_ms."""


def fetch(url: str) -> bytes:
    """GET a Datasette URL; a 400 for a query over the time limit raises TimeLimit."""
    try:
        with urllib.request.urlopen(url, timeout=120) as response:
            return response.read()
    except urllib.error.HTTPError as exc:
        body = exc.read().decode(errors="replace")
        if exc.code == 400 and "took too long" in body:
            raise TimeLimit() from None
        raise


def page_ms(url: str, repeat: int) -> float | None:
    """Median ms of a Datasette page, or None when it hits the time limit."""
    try:
        return median_ms(lambda: fetch(url), repeat)
    except TimeLimit:
        return None


def page_rows(url: str) -> int | None:
    """The rows a Datasette table page counts, or None when the page stops at the time limit."""
    try:
        return json.loads(fetch(url))["filtered_table_rows_count"]
    except TimeLimit:
        return None


def shown_rows(rows: int | None) -> str:
    return "?" if rows is None else f"{rows:,}"


def shown(ms: float | None) -> str:
    return "time limit (2 s)" if ms is None else f"{ms:.1f}"


def serve(db: Path, port: int, metadata: Path | None = None) -> subprocess.Popen:
    """Serve db as docs/publishing.md does (`govnews serve --immutable`); with metadata, as a file that may change
    (Datasette's own command with govnews' settings and metadata: the facets are counted live)."""
    if metadata is None:
        command = [*GOVNEWS, "serve", "--db", str(db), "--port", str(port), "--immutable"]
    else:
        metadata.write_text(json.dumps(build_metadata(db.stem), ensure_ascii=False), encoding="utf-8")
        command = datasette_command(str(db), port, metadata)
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(200):
        try:
            fetch(f"http://127.0.0.1:{port}/-/versions.json")
            return process
        except OSError:
            time.sleep(0.3)
    raise SystemExit("Datasette did not start")


def restart(process: subprocess.Popen, db: Path, port: int, metadata: Path | None = None) -> subprocess.Popen:
    """Stop a served Datasette and serve db again on the same port (see serve)."""
    process.terminate()
    process.wait(timeout=30)
    return serve(db, port, metadata)


def peak_rss_mb(command: list[str]) -> tuple[float, float]:
    """Run a command in a child process; return (its peak RSS in MB, seconds)."""
    probe = ("import resource, subprocess, sys, time; t = time.monotonic(); r = subprocess.run(sys.argv[1:]); "
             "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, time.monotonic() - t, r.returncode)")
    out = subprocess.run([sys.executable, "-c", probe, *command], capture_output=True, text=True, check=True).stdout.split()
    if out[2] != "0":
        raise SystemExit(f"{command} failed")
    return int(out[0]) / 1024, float(out[1])


def median_shown(values: list) -> str:
    """The median of page times, a page stopped at the time limit (None) counting as slower than any other."""
    middle = statistics.median(float("inf") if v is None else v for v in values)
    return shown(None if middle == float("inf") else middle)


def hwm_mb(pid: int) -> float:
    """Peak RSS (VmHWM) in MB of the Datasette process that `govnews serve` (pid) started."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    pid = int(children[0]) if children else pid
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=1_000_000)
    parser.add_argument("--dir", default="/tmp/govnews-bench")
    parser.add_argument("--reuse", action="store_true", help="reuse the archive built by an earlier run")
    parser.add_argument("--republish", action="store_true", help="with --reuse: publish the snapshot again (new publish code)")
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--port", type=int, default=8391)
    parser.add_argument("--skip-exports", action="store_true", help="search and faceted pages only")
    parser.add_argument("--skip-search", action="store_true", help="no search queries (faceted pages, exports)")
    args = parser.parse_args()
    folder = Path(args.dir)
    folder.mkdir(parents=True, exist_ok=True)
    db, public = folder / "work.db", folder / "archive.db"
    if not (args.reuse and db.exists()):
        for path in (db, public):
            path.unlink(missing_ok=True)
        print(f"building {args.articles:,} articles in {db}", file=sys.stderr)
        build(db, args.articles)
    if not (args.reuse and db.exists() and public.exists()) or args.republish:
        archive = Archive(db)  # migrations first: an archive built by an older bench
        add_histories(archive.db.conn)
        archive.close()
        subprocess.run([*GOVNEWS, "publish", "--db", str(db), "--to", str(public)], check=True)
    conn = sqlite3.connect(f"file:{public}?mode=ro", uri=True)
    conn.create_function("govnews_match", 1, fold_match)
    conn.create_function("govnews_apart", 1, fold_apart)
    print(f"\n{conn.execute('SELECT count(*) FROM articles').fetchone()[0]:,} articles, "
          f"{public.stat().st_size / 1e9:.2f} GB snapshot, repeat {args.repeat}\n")

    print("| query | matches | search (newest 100), ms | plain index, first 100 by rowid, ms | plain index, newest 100, ms "
          "| search_ranked (bm25), ms | Datasette search.json, ms | Datasette news.json?_search= (count, facets), ms |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    process = serve(public, args.port)
    base = f"http://127.0.0.1:{args.port}/archive"
    columns: dict[str, list] = {name: [] for name in ("search", "plain_top", "plain", "ranked", "canned_page", "table_page")}
    try:
        for query in [] if args.skip_search else SEARCHES:
            count = match_count(conn, fold_match(query))
            typed = " ".join(f'"{w}"' if not w.startswith('"') else w for w in re.findall(r'"[^"]*"|\S+', query))
            figures = {
                "search": median_ms(lambda q=query: canned(conn, SEARCH, q), args.repeat),
                "plain_top": median_ms(lambda t=typed: plain_top(conn, t), args.repeat),
                "plain": median_ms(lambda t=typed: plain_newest(conn, t), args.repeat),
                "ranked": median_ms(lambda q=query: canned(conn, SEARCH_RANKED, q), args.repeat),
                "canned_page": page_ms(f"{base}/search.json?" + urllib.parse.urlencode({"q": query}), args.repeat),
                "table_page": page_ms(f"{base}/news.json?" + urllib.parse.urlencode(
                    {"_search": query, "_size": 50, "_col": "title"}), max(3, args.repeat // 3)),
            }
            for name, value in figures.items():
                columns[name].append(value)
            print(f"| `{query}` | {count:,} | " + " | ".join(shown(figures[n]) for n in columns) + " |")

        if not args.skip_search:
            print(f"| **median of the {len(SEARCHES)} queries** | | "
                  + " | ".join(f"**{median_shown(columns[n])}**" for n in columns) + " |\n")

        pages = {
            "news, whole archive": "/news.json?_size=50",
            "news, province filter": "/news.json?province=" + urllib.parse.quote("Tỉnh 05") + "&_size=50",
            "news, portal filter": "/news.json?portal_id=p007.huyen&_size=50",
            "news, year range": "/news.json?published_at__gte=2020-01-01&published_at__lt=2021-01-01&_size=50",
            "news, province filter + year range": "/news.json?province=" + urllib.parse.quote("Tỉnh 05")
            + "&published_at__gte=2020-01-01&published_at__lt=2021-01-01&_size=50",
            "news, a click on a year (year=2020)": "/news.json?year=2020&_size=50",
            "news, a click on a month (month=2020-03)": "/news.json?month=2020-03&_size=50",
            "news, source and byline filters": "/news.json?source=wayback&has_author=no&_size=50",
            "news, the largest province (Tỉnh 07)": "/news.json?province=" + urllib.parse.quote("Tỉnh 07") + "&_size=50",
            "news, level=province (the 63 province portals, the largest)": "/news.json?level=province&_size=50",
            "news, a range through a month (counted live)": "/news.json?published_at__gte=2020-03-15"
            "&published_at__lt=2021-01-01&_size=50",
            "news, a search for hoc bong (counted live)": "/news.json?_search=hoc+bong&_size=50",
            "articles, whole table (facets portal_id, source, live)": "/articles.json?_size=50",
        }
        print("| faceted page (news: the seven facets; articles: its two) | rows | snapshot, immutable: "
              "facets summed from the counts, ms | the same file served as one that may change: facets counted live, ms |")
        print("| --- | ---: | ---: | ---: |")
        measured = {name: (page_rows(base + path), page_ms(base + path, args.repeat)) for name, path in pages.items()}
        process = restart(process, public, args.port, metadata=folder / "metadata.json")
        for name, path in pages.items():
            rows, summed = measured[name]
            print(f"| {name} | {shown_rows(rows)} | {shown(summed)} | {shown(page_ms(base + path, args.repeat))} |")
        with_history = history_ids(conn)
        plain = [conn.execute("SELECT coalesce((SELECT min(id) FROM articles WHERE id > ? AND cluster_id IS NULL), "
                              "(SELECT max(id) FROM articles WHERE id < ? AND cluster_id IS NULL))", [i, i]).fetchone()[0]
                 for i in with_history]
        process = restart(process, public, args.port)
        article_ms = {kind: [page_ms(f"http://127.0.0.1:{args.port}/-/article/{i}", args.repeat) for i in ids]
                      for kind, ids in (("plain", plain), ("history", with_history))}
        print(f"\nthe article page /-/article/<id> (HTML), 5 articles from first to last with {HISTORY['versions']} "
              f"versions, {HISTORY['attachments']} attachments, {HISTORY['siblings']} siblings and a stored page: median "
              f"{median_shown(article_ms['history'])} ms (each: {', '.join(shown(ms) for ms in article_ms['history'])}); "
              f"their plain neighbours, same run: {median_shown(article_ms['plain'])} ms "
              f"(each: {', '.join(shown(ms) for ms in article_ms['plain'])})")
        archived_ms = [page_ms(f"http://127.0.0.1:{args.port}/-/article/{i}/archived", args.repeat) for i in with_history]
        print(f"its archived page /-/article/<id>/archived (the stored page, {HISTORY['page_bytes'] // 1000} kB, "
              f"2,000 links): median {median_shown(archived_ms)} ms")
        if args.skip_exports:
            return
        process = restart(process, public, args.port)
        started = time.monotonic()
        stream = f"http://127.0.0.1:{args.port}/-/stream/archive/news.csv"
        with urllib.request.urlopen(stream, timeout=7200) as response:
            lines = sum(chunk.count(b"\n") for chunk in iter(lambda: response.read(1 << 20), b""))
        print(f"\n/-/stream/archive/news.csv (every news row, CSV): {lines:,} lines in {time.monotonic() - started:.0f} s; "
              f"Datasette's peak RSS {hwm_mb(process.pid):.0f} MB")
    finally:
        process.terminate()
        process.wait(timeout=30)

    print("\n| export of every article | peak RSS, MB | seconds | file, MB |")
    print("| --- | ---: | ---: | ---: |")
    for fmt in ("csv", "parquet"):
        out = folder / f"export.{fmt}"
        rss, seconds = peak_rss_mb([*GOVNEWS, "export", "--db", str(public), "--format", fmt, "-o", str(out)])
        print(f"| {fmt} | {rss:.0f} | {seconds:.0f} | {out.stat().st_size / 1e6:.0f} |")


if __name__ == "__main__":
    main()
