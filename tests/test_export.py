"""`govnews export`: every articles column, Vietnamese intact, filters."""

from __future__ import annotations

import csv
import json

import pytest

from tests.conftest import rows, run_govnews


def export(archive, tmp_path, *args: str) -> str:
    """Run govnews export to a file and return the file's path."""
    out = tmp_path / "export.out"
    result = run_govnews("export", "--db", str(archive["db"]), *args, "-o", str(out), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    return str(out)


def article_columns(archive) -> list[str]:
    """Return the columns an export row carries: the articles table's, then the portal's province, level, successor."""
    return [r["name"] for r in rows(archive["db"], "PRAGMA table_info(articles)")] + ["province", "level", "successor"]


def test_jsonl_rows_carry_every_articles_column(archive, tmp_path):
    with open(export(archive, tmp_path, "--format", "jsonl"), encoding="utf-8") as f:
        first = json.loads(f.readline())
    assert sorted(first) == sorted(article_columns(archive))


def test_jsonl_has_one_line_per_article(archive, tmp_path):
    with open(export(archive, tmp_path, "--format", "jsonl"), encoding="utf-8") as f:
        assert len(f.readlines()) == archive["rows_after_first"]


def test_csv_opens_with_vietnamese_intact(archive, tmp_path):
    with open(export(archive, tmp_path, "--format", "csv"), encoding="utf-8-sig", newline="") as f:
        titles = {row["title"] for row in csv.DictReader(f)}
    assert "Lễ hội văn hóa các dân tộc thiểu số huyện Định Quán lần thứ V" in titles


def test_csv_header_is_every_articles_column(archive, tmp_path):
    with open(export(archive, tmp_path, "--format", "csv"), encoding="utf-8-sig", newline="") as f:
        assert sorted(next(csv.reader(f))) == sorted(article_columns(archive))


def test_csv_keeps_paragraph_breaks_inside_one_cell(archive, tmp_path):
    with open(export(archive, tmp_path, "--format", "csv"), encoding="utf-8-sig", newline="") as f:
        texts = [row["text"] for row in csv.DictReader(f)]
    assert len(texts) == archive["rows_after_first"] and all("\n\n" in t for t in texts)


def test_json_is_one_array(archive, tmp_path):
    with open(export(archive, tmp_path, "--format", "json"), encoding="utf-8") as f:
        assert len(json.load(f)) == archive["rows_after_first"]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("--portal", "demo.dinh-quan"), 16),
        (("--portal", "demo.vinh-thanh", "--since", "2025-01-01"), 4),
        (("--since", "2024-01-01", "--until", "2024-12-31"), 14),
        (("--until", "2023-07-17"), 5),
        (("--search", '"vắc xin"'), 1),
        (("--search", '"học bổng"'), 1),
        # words typed together are one term (#19): before, "quy định ... quán triệt" came too (11)
        (("--search", "Định Quán"), 6),
        (("--search", '"Định Quán"'), 6),
        (("--search", '"Định Quán'), 6),  # an unclosed quote closes at the end
        # a bare year is that whole year; the day-first form Vietnamese write (#19)
        (("--since", "2024", "--until", "2024"), 14),
        (("--until", "2024"), 26),
        (("--since", "01/01/2024", "--until", "31/12/2024"), 14),
        (("--since", "2024-12"), 9),
        (("--province", "Đồng Nai"), 16),
        (("--province", "dong nai"), 16),
        (("--level", "district"), 34),
    ],
    ids=["portal", "portal-since", "year", "until-inclusive", "hyphenated-phrase", "phrase", "two-words",
         "place-name-phrase", "unclosed-quote", "bare-year", "until-year", "day-first", "month", "province",
         "province-folded", "level"],
)
def test_filters(archive, tmp_path, args, expected):
    with open(export(archive, tmp_path, "--format", "jsonl", *args), encoding="utf-8") as f:
        assert len(f.readlines()) == expected


@pytest.mark.parametrize(("args", "error"), [
    (("--since", "2024-13-45"), "Error: --since: '2024-13-45' is not a day of the calendar"),
    (("--until", "tháng 2"), "Error: --until: 'tháng 2' is not a date: write 2024, 2024-02, 2024-02-01 or 01/02/2024"),
    (("--portal", "no-such-portal"), "Error: no portal no-such-portal in {db} (govnews portals list shows the registry's)"),
    (("--province", "Hà Nội"), "Error: no portal of province Hà Nội in {db}; provinces: Cần Thơ, Đồng Nai"),
    (("--level", "province"), "Error: no portal has every property asked for (--portal, --province, --level)"),
], ids=["impossible-day", "not-a-date", "unknown-portal", "unknown-province", "no-portal-of-the-level"])
def test_a_bad_export_option_is_a_one_line_error(archive, tmp_path, args, error):
    result = run_govnews("export", "--db", str(archive["db"]), "--format", "csv", *args, cwd=tmp_path)
    assert (result.returncode, result.stderr.strip()) == (1, error.format(db=archive["db"]))


def test_missing_archive_is_a_one_line_error(tmp_path):
    result = run_govnews("export", "--db", str(tmp_path / "none.db"), "--format", "csv", cwd=tmp_path)
    assert (result.returncode, result.stderr.strip()) == (
        1, f"Error: {tmp_path / 'none.db'}: no archive here (run `govnews crawl` first)")


def read_parquet(path: str):
    import pyarrow.parquet as pq

    return pq.read_table(path)


def test_parquet_carries_every_articles_column(archive, tmp_path):
    assert sorted(read_parquet(export(archive, tmp_path, "--format", "parquet")).schema.names) == sorted(
        article_columns(archive))


def test_parquet_has_one_row_per_article_with_vietnamese_intact(archive, tmp_path):
    table = read_parquet(export(archive, tmp_path, "--format", "parquet"))
    assert (table.num_rows, "Lễ hội văn hóa các dân tộc thiểu số huyện Định Quán lần thứ V" in table.column("title").to_pylist()) == (
        archive["rows_after_first"], True)


def test_parquet_keeps_integer_columns_typed(archive, tmp_path):
    assert str(read_parquet(export(archive, tmp_path, "--format", "parquet")).schema.field("id").type) == "int64"


def test_parquet_takes_the_same_filters(archive, tmp_path):
    table = read_parquet(export(archive, tmp_path, "--format", "parquet", "--portal", "demo.dinh-quan", "--search", "dinh quan"))
    assert table.num_rows == 6


def test_parquet_dates_are_timestamps(archive, tmp_path):
    table = read_parquet(export(archive, tmp_path, "--format", "parquet", "--portal", "demo.dinh-quan"))
    assert (str(table.schema.field("published_at").type), str(table.schema.field("first_seen_at").type)) == (
        "timestamp[us, tz=UTC]", "timestamp[us, tz=UTC]")


def test_exports_carry_the_portal_s_province_and_level(archive, tmp_path):
    with open(export(archive, tmp_path, "--format", "jsonl", "--portal", "demo.dinh-quan"), encoding="utf-8") as f:
        row = json.loads(f.readline())
    assert (row["province"], row["level"], "successor" in row) == ("Đồng Nai", "district", True)


def test_parquet_to_stdout_is_a_usage_error(archive, tmp_path):
    result = run_govnews("export", "--db", str(archive["db"]), "--format", "parquet", cwd=tmp_path)
    assert (result.returncode, "--format parquet writes a file: give -o FILE" in result.stderr) == (2, True)


def test_a_bad_option_leaves_an_earlier_export_in_the_output_file(archive, tmp_path):
    out = tmp_path / "earlier.csv"
    out.write_text("an earlier export\n", encoding="utf-8")
    result = run_govnews("export", "--db", str(archive["db"]), "--format", "csv", "--portal", "no-such-portal", "-o", str(out),
                         cwd=tmp_path)
    assert (result.returncode, out.read_text(encoding="utf-8")) == (1, "an earlier export\n")
