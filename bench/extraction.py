"""Extraction quality and cost on the labelled Vietnamese page set, next to stock trafilatura.

For each page of tests/labelled/ (replica articles of every family and hand-made hard cases):
body tokens (precision, recall, F1 over whitespace tokens, micro-averaged), pages where furniture
leaks into the text, and title, date (day; minute where the page shows a time) and author
accuracy. govnews runs as the crawler runs it (the family's hints, known_article) and without
hints (as the generic spider would); stock trafilatura is bare_extraction(with_metadata=True) on
the whole page. Then the median ms per page of each, same pages, same run.

    .venv/bin/python bench/extraction.py
"""

from __future__ import annotations

import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from trafilatura import bare_extraction  # noqa: E402

from bench.labelled import load  # noqa: E402
from scraper.crawl import family_hints  # noqa: E402
from scraper.extract import NO_HINTS, NotAnArticle, extract_article  # noqa: E402
from scraper.vietnamese import nfc  # noqa: E402

COLUMNS = ["P", "R", "F1", "leak pages", "title", "date (day)", "date (minute)", "author", "ms median"]


def govnews(hinted: bool):
    """Return an extractor running extract_article with or without the family's hints."""
    def run(body: bytes, gold: dict) -> dict:
        try:
            result = extract_article(body, gold["url"], family_hints(gold["family"]) if hinted else NO_HINTS, True)
        except NotAnArticle:
            return {"text": "", "title": "", "date": None, "author": ""}
        return {"text": result.text, "title": result.title, "date": result.published_at, "author": result.author}
    return run


def stock(body: bytes, gold: dict) -> dict:
    """Run stock trafilatura on the whole page."""
    result = bare_extraction(body, url=gold["url"], with_metadata=True)
    data = result.as_dict() if result else {}
    return {"text": data.get("text") or "", "title": data.get("title") or "", "date": data.get("date"),
            "author": data.get("author") or ""}


def tokens(text: str) -> Counter:
    """Return the bag of whitespace tokens of NFC text."""
    return Counter(nfc(text).split())


def score(extractor, pages) -> tuple[dict, list[str]]:
    """Return quality figures and timings of one extractor over the pages, and the pages it got wrong."""
    tp = fp = fn = 0
    leaks = titles = days = minutes = minute_pages = authors = 0
    timings, wrong = [], []
    for name, body, gold in pages:
        started = time.perf_counter()
        out = extractor(body, gold)
        timings.append((time.perf_counter() - started) * 1000)
        got, want = tokens(out["text"]), tokens("\n".join(gold["body"]))
        common = sum((got & want).values())
        tp, fp, fn = tp + common, fp + sum(got.values()) - common, fn + sum(want.values()) - common
        checks = {
            "leak": not any(f in out["text"] for f in gold["furniture"]),
            "title": nfc(out["title"]) == gold["title"],
            "day": (out["date"] or "")[:10] == (gold["published_at"] or "")[:10],
            "minute": not gold["shows_time"] or (out["date"] or "")[:16] == (gold["published_at"] or "")[:16],
            "author": nfc(out["author"]) == gold["author"],
        }
        leaks += not checks["leak"]
        titles += checks["title"]
        days += checks["day"]
        minute_pages += gold["shows_time"]
        minutes += gold["shows_time"] and checks["minute"]
        authors += checks["author"]
        wrong += [f"{name}: {check}" for check, ok in checks.items() if not ok]
    n = len(pages)
    precision, recall = tp / (tp + fp or 1), tp / (tp + fn or 1)
    figures = {
        "P": precision, "R": recall, "F1": 2 * precision * recall / (precision + recall or 1),
        "leak pages": leaks, "title": titles / n, "date (day)": days / n,
        "date (minute)": minutes / (minute_pages or 1), "author": authors / n,
        "ms median": statistics.median(timings),
    }
    return figures, wrong


def main() -> None:
    pages = load()
    families = Counter(gold["family"] for _, _, gold in pages)
    print(f"{len(pages)} labelled pages: " + ", ".join(f"{f} {n}" for f, n in sorted(families.items())))
    runs = {"govnews (family hints)": govnews(True), "govnews (no hints)": govnews(False), "stock trafilatura": stock}
    results = {}
    for _ in range(2):  # the second pass is warm; its timings are the ones reported
        results = {name: score(extractor, pages) for name, extractor in runs.items()}
    print(f"\n{'extractor':>24} " + " ".join(f"{c:>13}" for c in COLUMNS))
    for name, (figures, _) in results.items():
        print(f"{name:>24} " + " ".join(
            f"{figures[c]:>13d}" if isinstance(figures[c], int) else f"{figures[c]:>13.3f}" for c in COLUMNS))
    ratio = results["govnews (family hints)"][0]["ms median"] / results["stock trafilatura"][0]["ms median"]
    print(f"\ncost ratio, govnews with family hints / stock trafilatura (median ms per page): {ratio:.2f}")
    for name in ("govnews (family hints)", "govnews (no hints)"):
        wrong = results[name][1]
        print(f"\n{name}: {len(wrong)} misses" + "".join(f"\n  {w}" for w in wrong[:25]))


if __name__ == "__main__":
    main()
