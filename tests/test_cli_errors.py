"""Plausible mistakes give one line and a non-zero exit, never a traceback, and leave no file behind (#19).

(A `--db` that is no archive, for report, export, serve and the rest: tests/test_damaged_archive.py.)
"""

from __future__ import annotations

import gzip

import pytest

from tests.conftest import run_govnews

NOT_WRITABLE = "/proc/govnews-test/export"  # no one may create a folder in /proc, root included


def one_line_error(result) -> tuple[int, int, bool]:
    """Return (exit status, lines on stderr, whether a traceback shows)."""
    return result.returncode, len(result.stderr.splitlines()), "Traceback" in result.stderr


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet", "warc"])
def test_an_export_to_a_place_that_cannot_be_written_is_one_line(archive, tmp_path, fmt):
    output = f"{NOT_WRITABLE}/x.{fmt}"
    result = run_govnews("export", "--db", str(archive["db"]), "--format", fmt, "-o", output, cwd=tmp_path)
    assert (one_line_error(result), result.stderr.startswith(f"Error: {output}: cannot write the export there (")) == (
        (1, 1, False), True), result.stderr


def test_an_export_into_a_missing_folder_makes_the_folder(archive, tmp_path):
    output = tmp_path / "new" / "folder" / "x.csv"
    result = run_govnews("export", "--db", str(archive["db"]), "--format", "csv", "-o", str(output), cwd=tmp_path)
    assert (result.returncode, output.read_bytes()[:3]) == (0, b"\xef\xbb\xbf"), result.stderr


NOT_WARCS = {
    "text": b"Bai viet, khong phai WARC\n",
    "gzip-text": gzip.compress(b"Bai viet, khong phai WARC\n"),
    "broken-gzip": b"\x1f\x8b\x08garbage",
    "empty": b"",
}
NOT_WARC_ERRORS = {
    "text": "not a WARC file (its first line is no WARC or ARC record header)",
    "gzip-text": "not a WARC file (its first line is no WARC or ARC record header)",
    "broken-gzip": "not a WARC file (Unknown archive format, first line: ['\\x1f\\x8b\\x08garbage'])",
    "empty": "not a WARC file (no record in it)",
}


@pytest.mark.parametrize("kind", sorted(NOT_WARCS))
def test_importing_a_file_that_is_no_warc_is_one_line_and_makes_no_archive(tmp_path, kind):
    warc, db = tmp_path / "collection.warc.gz", tmp_path / "fresh.db"
    warc.write_bytes(NOT_WARCS[kind])
    registry = tmp_path / "portals.toml"
    registry.write_text('[[portal]]\nid = "test.x"\nname = "X"\nprovince = "Đồng Nai"\nunit = "X"\nlevel = "district"\n'
                        'base_url = "http://127.0.0.1:9/"\nfamily = "auto"\n', encoding="utf-8")
    result = run_govnews("import-warc", str(warc), "--registry", str(registry), "--db", str(db), cwd=tmp_path)
    assert (one_line_error(result), result.stderr.strip(), db.exists()) == (
        (1, 1, False), f"Error: {warc}: {NOT_WARC_ERRORS[kind]}", False)


def write_warc_of_another_site(path) -> None:
    """Write a WARC holding one article-like page of a host no registry portal has."""
    from io import BytesIO

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    body = "<html><head><title>Tin khác</title></head><body><h1>Tin khác</h1><p>Nội dung.</p></body></html>".encode()
    with open(path, "wb") as stream:
        writer = WARCWriter(stream, gzip=True)
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record("http://other.example.vn/tin/1.html", "response",
                                                      payload=BytesIO(body), http_headers=headers))


def test_importing_a_warc_with_no_article_of_the_registry_fails(tmp_path):
    warc, db = tmp_path / "other.warc.gz", tmp_path / "archive.db"
    write_warc_of_another_site(warc)
    registry = tmp_path / "portals.toml"
    registry.write_text('[[portal]]\nid = "test.x"\nname = "X"\nprovince = "Đồng Nai"\nunit = "X"\nlevel = "district"\n'
                        'base_url = "http://127.0.0.1:9/"\nfamily = "nukeviet"\n', encoding="utf-8")
    result = run_govnews("import-warc", str(warc), "--registry", str(registry), "--db", str(db), cwd=tmp_path)
    assert (result.returncode, result.stdout, result.stderr.strip()) == (
        1, "skipped: host not in the registry: 1\n",
        "Error: no article of a registry portal in 1 WARC file(s) (1 pages read); nothing stored")


@pytest.mark.parametrize(("url", "error"), [
    ("not-a-url", "not-a-url: only http and https URLs are fetched"),
    ("http://[::1", "http://[::1: not a URL (Invalid IPv6 URL)"),
    ("ftp://example.vn/", "ftp://example.vn/: only http and https URLs are fetched"),
], ids=["no-scheme", "unclosed-ipv6", "ftp"])
def test_detecting_a_portal_at_a_bad_url_is_one_line(tmp_path, url, error):
    result = run_govnews("portals", "detect", url, cwd=tmp_path)
    assert (one_line_error(result), result.stderr.strip()) == ((1, 1, False), f"Error: {error}")


def test_a_crawl_prints_no_deprecation_warning_from_our_settings(archive):
    assert [line for line in archive["first"].stderr.splitlines() if "Deprecat" in line] == []


REGISTRY = ('[[portal]]\nid = "test.x"\nname = "X"\nprovince = "Đồng Nai"\nunit = "X"\nlevel = "district"\n'
            'base_url = "http://127.0.0.1:9/"\nfamily = "nukeviet"\n')


@pytest.mark.parametrize("command", [["recover", "--portal", "test.x", "--source", "wayback"], ["reextract"],
                                     ["import-warc", "other.warc.gz"]])
def test_a_writer_does_not_start_while_a_crawl_holds_the_archive(tmp_path, command):
    from scraper.archive import Archive
    from scraper.unattended import crawl_lock

    db, registry = tmp_path / "archive.db", tmp_path / "portals.toml"
    registry.write_text(REGISTRY, encoding="utf-8")
    write_warc_of_another_site(tmp_path / "other.warc.gz")
    Archive(db).close()
    extra = [] if command[0] == "reextract" else ["--registry", str(registry)]
    with crawl_lock(db):
        result = run_govnews(*command, *extra, "--db", str(db), cwd=tmp_path)
    assert (one_line_error(result), result.stderr.startswith(f"Error: another crawl of {db} is running")) == ((1, 1, False), True)


def test_serving_as_immutable_a_file_a_crawl_holds_is_one_line(tmp_path):
    from scraper.archive import Archive
    from scraper.unattended import crawl_lock

    db = tmp_path / "archive.db"
    Archive(db).close()
    with crawl_lock(db):
        result = run_govnews("serve", "--db", str(db), "--immutable", "--port", "9", cwd=tmp_path)
    assert (one_line_error(result), result.stderr.startswith(f"Error: {db}: not immutable: a crawl is writing it (pid ")) == (
        (1, 1, False), True)


def test_serving_as_immutable_a_file_whose_wal_holds_pages_is_one_line(tmp_path):
    import sqlite3

    from scraper.archive import Archive

    db = tmp_path / "archive.db"
    Archive(db).close()
    writer = sqlite3.connect(db)  # a writer that has committed into the WAL and is still open
    writer.execute("PRAGMA journal_mode=WAL")
    writer.execute("PRAGMA wal_autocheckpoint=0")
    with writer:
        writer.execute("INSERT INTO portals (id, name, base_url, family) VALUES ('p', 'p', 'http://p.example/', 'nukeviet')")
    result = run_govnews("serve", "--db", str(db), "--immutable", "--port", "9", cwd=tmp_path)
    writer.close()
    assert (one_line_error(result), "not immutable: its write-ahead log archive.db-wal holds" in result.stderr) == (
        (1, 1, False), True)
