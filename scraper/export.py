"""Streamed exports of the articles table: CSV, JSON and JSON Lines one row at a time, Parquet one row group at a time."""

from __future__ import annotations

import csv
import json
from datetime import datetime
from collections.abc import Iterable
from typing import TextIO

FORMATS = ("csv", "json", "jsonl")


# OWASP's CSV injection rule: a cell starting with one of these is a formula to a spreadsheet.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    """Return a cell value a spreadsheet shows as text: a leading ' before a formula start."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def write_rows(rows: Iterable[dict], fmt: str, out: TextIO, columns: list[str], raw: bool = False) -> int:
    """Write rows to out in the format (CSV's header is columns); return how many were written."""
    if fmt == "csv":
        return write_csv(rows, out, columns, raw=raw)
    return {"json": _write_json, "jsonl": write_jsonl}[fmt](rows, out)


def write_csv(rows: Iterable[dict], out: TextIO, columns: list[str], header: bool = True, raw: bool = False) -> int:
    """Write a header (unless told not to) and one line per row (RFC 4180 quoting; newlines inside text are kept).

    Cells that a spreadsheet would run as a formula get a leading ' (spreadsheet_safe), unless raw.
    """
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\r\n")
    if header:
        writer.writeheader()
    count = 0
    for row in rows:
        writer.writerow(row if raw else {name: spreadsheet_safe(value) for name, value in row.items()})
        count += 1
    return count


def _write_json(rows: Iterable[dict], out: TextIO) -> int:
    """Write one JSON array, element by element."""
    count = 0
    out.write("[")
    for row in rows:
        out.write(",\n" if count else "\n")
        out.write(json.dumps(row, ensure_ascii=False))
        count += 1
    out.write("\n]\n" if count else "]\n")
    return count


def write_jsonl(rows: Iterable[dict], out: TextIO) -> int:
    """Write one JSON object per line."""
    count = 0
    for row in rows:
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
        count += 1
    return count


# SQLite's declared column types, as Parquet types.
_ARROW_TYPES = {"INTEGER": "int64", "FLOAT": "float64", "REAL": "float64", "BLOB": "binary", "TEXT": "string"}


def is_timestamp_column(name: str) -> bool:
    """Tell whether an articles column holds ISO 8601 instants (published_at, captured_at, …)."""
    return name.endswith("_at")


def _instant(value):
    """Return an ISO 8601 text as an aware datetime (None when empty); Parquet stores it in UTC."""
    if not value:
        return None
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def write_parquet(rows: Iterable[dict], path: str, columns: list[tuple[str, str]], batch_rows: int = 5000) -> int:
    """Write rows to a Parquet file, one row group per batch_rows (memory holds one batch); return the count.

    columns are (name, SQLite declared type) in order; they become the file's schema. Columns of
    instants (`*_at`) are typed timestamps (microseconds, UTC), so tools read them as dates.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    instants = [name for name, _ in columns if is_timestamp_column(name)]
    schema = pa.schema([(name, pa.timestamp("us", tz="UTC") if name in instants else _ARROW_TYPES.get(kind.upper(), "string"))
                        for name, kind in columns])
    count = 0
    batch: list[dict] = []
    with pq.ParquetWriter(path, schema, compression="zstd") as writer:
        for row in rows:
            batch.append({**row, **{name: _instant(row.get(name)) for name in instants}})
            if len(batch) == batch_rows:
                writer.write_table(pa.Table.from_pylist(batch, schema=schema))
                count += len(batch)
                batch = []
        if batch:
            writer.write_table(pa.Table.from_pylist(batch, schema=schema))
            count += len(batch)
    return count
