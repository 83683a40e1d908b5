"""Each portal's health and coverage, from the portal_health view: what `govnews report` prints."""

from __future__ import annotations

from pathlib import Path

from scraper.archive import Archive

# The columns of the printed table: (heading, view column, format).
COLUMNS = [
    ("portal", "portal_id", "{}"),
    ("last ok crawl", "last_ok_at", "{:.16}"),
    ("last run", "last_run_status", "{}"),
    ("new", "last_run_new", "{}"),
    ("baseline new/run", "baseline_new_per_run", "{}"),
    ("found", "last_run_found", "{}"),
    ("errors", "error_rate", "{:.0%}"),
    ("extract fail", "extract_failure_rate", "{:.0%}"),
    ("no date 28d", "no_date_share_28d", "{:.0%}"),
    ("no author 28d", "no_author_share_28d", "{:.0%}"),
]


def portal_health(db_path: str | Path) -> tuple[list[str], list[dict]]:
    """Return the portal_health columns and rows of an archive, alerts first, then by portal id."""
    if not Path(db_path).exists():
        raise FileNotFoundError(f"{db_path}: no archive here (run `govnews crawl` first)")
    archive = Archive(db_path)  # migrates an archive written by an older govnews
    try:
        cursor = archive.db.execute("SELECT * FROM portal_health ORDER BY alert = '', portal_id")
        columns = [d[0] for d in cursor.description]
        return columns, [dict(zip(columns, row)) for row in cursor]
    finally:
        archive.close()


def cell(value, fmt: str) -> str:
    """Return one table cell: '-' for nothing."""
    return "-" if value is None else fmt.format(value)


def health_table(rows: list[dict]) -> str:
    """Return the report as an aligned text table with an alert column, and a closing count."""
    table = [[heading for heading, _, _ in COLUMNS] + ["alert"]]
    table += [[cell(row[column], fmt) for _, column, fmt in COLUMNS] + [row["alert"] or "ok"] for row in rows]
    widths = [max(len(line[i]) for line in table) for i in range(len(table[0]) - 1)]
    lines = ["  ".join(value.ljust(width) for value, width in zip(line, widths)) + "  " + line[-1] for line in table]
    alerts = sum(1 for row in rows if row["alert"])
    return "\n".join(lines + [f"report: {len(rows)} portals, {alerts} alerts"])
